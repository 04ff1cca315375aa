"""Measure the refusal of names no document has (knowledge/programmes.py, issue 13).

    .venv/bin/python benchmarks/measure_programmes.py [--finders-only] [QUESTIONS.yaml ...]

1. The name finder alone on the refusal training questions (semantic/refusal_training.yaml:
   off-topic and in scope) and the FAQ phrasings: how often it fires on each. It must never
   fire on the in-scope ones (tests/test_programmes.py holds that for the shipped data).
2. With question files (the eval format of ../shared/eval/dev_questions.yaml: `q`, `clauses`,
   [] when out of scope), each question answered as `policybot ask` does (`answer_message`: a
   message asking several things split, each part answered) four ways in the same run:
   as shipped (the staff list of lexicon/out_of_scope.yaml and the names), the list without the
   names (the code before them), the names without the list, and neither. The list holds the
   names someone wrote down — mostly from eval sets already studied — so "names only" against
   "neither" is what a name not on the list yet meets: the held-out situation.
   Printed per way: out of scope refused, in scope refused (false refusals).
   1b (always): the other-place and other-year finders (knowledge/places.py) alone on the same
   training questions, FAQ phrasings and the files' questions. `--finders-only` skips 2.

The training questions are also the meaning decision's off-topic examples at run time, so
answering them measures nothing here; only the finder is run on them. The meaning channel is
used when installed.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge import semantic  # noqa: E402
from knowledge.answer import Answerer  # noqa: E402
from knowledge.base import load_knowledge_or_raise  # noqa: E402
from knowledge.cli import answer_message  # noqa: E402
from knowledge.retrieval import Retriever  # noqa: E402


class _NoNames:
    """ProgrammeNames that finds nothing (the ways without names)."""

    def find(self, question: str):
        return None


WAYS = {"shipped (list + names)": (True, True), "list only (before)": (False, True),
        "names only": (True, False), "neither": (False, False)}


def _answerer(kb, names: bool, listed: bool) -> Answerer:
    if not listed:
        kb = dataclasses.replace(kb, lexicon=dataclasses.replace(kb.lexicon, out_of_scope=()))
    retriever = Retriever(kb, background=False)
    if not names:
        retriever.programmes = _NoNames()
    return Answerer(kb, retriever=retriever)


def _finder_alone(kb) -> None:
    training = semantic.read_training(semantic.training_path(kb.data_dir))[0]
    finder = Retriever(kb, background=False).programmes
    groups = {"off-topic training": [q for q, _ in training.off_topic],
              "in-scope training": [q for q, _ in training.in_scope],
              "FAQ phrasings": [q for entry in kb.faq for q in entry.questions]}
    print("1. the name finder alone")
    for name, questions in groups.items():
        found = [(q, f) for q in questions if (f := finder.find(q)) is not None]
        print(f"   {name:20s} fires on {len(found):3d}/{len(questions)}  "
              + ", ".join(sorted({f.topic for _, f in found}))[:300])


def _places_and_years(kb, paths: list[str]) -> None:
    """How often the other-place and other-year finders (knowledge/places.py) fire on the
    training questions, the FAQ phrasings and the question files' in-scope / out-of-scope
    questions (no answering: cheap)."""
    import yaml

    retriever = Retriever(kb, background=False)
    finders = {"place": retriever.places.find, "year": retriever.times.find}
    training = semantic.read_training(semantic.training_path(kb.data_dir))[0]
    groups = {"off-topic training": [q for q, _ in training.off_topic],
              "in-scope training": [q for q, _ in training.in_scope],
              "FAQ phrasings": [q for entry in kb.faq for q in entry.questions]}
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        items = data["questions"] if isinstance(data, dict) else data
        groups.setdefault("files: in scope", []).extend(i["q"] for i in items if i.get("clauses"))
        groups.setdefault("files: out of scope", []).extend(i["q"] for i in items if not i.get("clauses"))
    print("1b. the other-place and other-year finders alone")
    for name, questions in groups.items():
        hits = {kind: [q for q in questions if find(q) is not None] for kind, find in finders.items()}
        print(f"   {name:20s} " + "; ".join(f"{kind} fires on {len(found)}/{len(questions)}"
                                            for kind, found in hits.items()))


def _files(kb, paths: list[str]) -> None:
    import yaml

    print("2. question files, four ways (out of scope refused / in scope refused)")
    answerers = {name: _answerer(kb, *flags) for name, flags in WAYS.items()}
    totals = {name: [0, 0, 0, 0] for name in WAYS}
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        items = data["questions"] if isinstance(data, dict) else data
        out = [i["q"] for i in items if not i.get("clauses")]
        inside = [i["q"] for i in items if i.get("clauses")]
        cells = []
        for name, answerer in answerers.items():
            # as `policybot ask` answers (and score.py scores): a message asking several things
            # split and each part answered (answer_message)
            refused = sum(not answer_message(answerer, q)["answered"] for q in out)
            wrong = sum(not answer_message(answerer, q)["answered"] for q in inside)
            t = totals[name]
            t[0], t[1], t[2], t[3] = t[0] + refused, t[1] + len(out), t[2] + wrong, t[3] + len(inside)
            cells.append(f"{refused}/{len(out)} {wrong}/{len(inside)}")
        print(f"   {Path(path).stem:28s} " + " | ".join(cells))
    for name, (refused, out, wrong, inside) in totals.items():
        print(f"   {name:24s} out of scope refused {refused}/{out} ({refused / max(out, 1):.3f}); "
              f"in scope refused {wrong}/{inside} ({wrong / max(inside, 1):.3f})")


def main() -> int:
    kb = load_knowledge_or_raise(None)
    print(f"meaning channel: {'on' if semantic.shared_embedder() is not None else 'off'}")
    _finder_alone(kb)
    paths = [a for a in sys.argv[1:] if not a.startswith("--")]
    _places_and_years(kb, paths)
    if paths and "--finders-only" not in sys.argv:
        _files(kb, paths)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
