"""Measure the homophone repair of policy words (knowledge/homophones.py, issue 13).

    .venv/bin/python benchmarks/measure_homophones.py [QUESTIONS.yaml ...]

Residents typing with pinyin or voice input put a homophone in place of a policy word (失业等级
for 失业登记). `Answerer.spelled` puts the word back: first the staff's list of typos
(lexicon/typos.yaml), then by pronunciation. Printed, for the FAQ phrasings and the refusal
training questions (semantic/refusal_training.yaml, in scope and off-topic) — texts written
with the right words, so every change there is a false one — and for each question file given
(the eval format: `q`): how many texts the pronunciation step changes, and each change.
No eval sentence is read unless given on the command line.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge import semantic  # noqa: E402
from knowledge.answer import Answerer  # noqa: E402
from knowledge.base import load_knowledge_or_raise  # noqa: E402
from knowledge.retrieval import Retriever  # noqa: E402


def _changes(answerer: Answerer, texts: list[str]) -> list[tuple[str, str]]:
    out = []
    for text in texts:
        listed = answerer.kb.lexicon.fix_typos(text)
        fixed = answerer.spelled(text)
        if fixed != listed:
            out.append((listed, fixed))
    return out


def _report(name: str, texts: list[str], changes: list[tuple[str, str]]) -> None:
    print(f"{name:28s} changed {len(changes)}/{len(texts)}")
    for before, after in changes:
        print(f"    {before}  ->  {after}")


def main(paths: list[str]) -> int:
    kb = load_knowledge_or_raise(None)
    answerer = Answerer(kb, retriever=Retriever(kb, background=False))
    training = semantic.read_training(semantic.training_path(kb.data_dir))[0]
    sets = {
        "FAQ phrasings": [q for e in kb.faq for q in e.questions],
        "in-scope training": [q for q, _ in training.in_scope],
        "off-topic training": [q for q, _ in training.off_topic],
    }
    for path in paths:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        items = data.get("questions", []) if isinstance(data, dict) else data
        sets[Path(path).name] = [item["q"] for item in items if isinstance(item, dict) and item.get("q")]
    for name, texts in sets.items():
        _report(name, texts, _changes(answerer, texts))
    texts = [t for ts in sets.values() for t in ts]
    answerer.spelled("预热")  # the word table is built on first use; time the look-ups alone
    start = time.perf_counter()
    for text in texts:
        answerer._homophones._fix(text)  # the repair uncached; the segmenter has seen the texts above
    per = (time.perf_counter() - start) / max(1, len(texts)) * 1000
    print(f"cost: {per:.3f} ms a question (repair uncached, segmenter cache warm; {len(texts)} texts)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
