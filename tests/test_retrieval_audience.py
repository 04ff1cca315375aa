"""Who a question is about (lexicon/audiences.yaml, issue 13): learning a skill is clause 3.3
for someone out of work and clause 3.4 for an insured worker in a job, on both retrieval paths.
Sentences are written for these tests."""

from __future__ import annotations

import shutil

import pytest

from knowledge import semantic
from knowledge.base import (
    PACKAGE_DATA,
    Audience,
    KnowledgeBase,
    load_knowledge,
    load_knowledge_or_raise,
)
from knowledge.retrieval import RetrievalSettings, Retriever


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_or_raise(PACKAGE_DATA)


@pytest.fixture(scope="module", params=["lexical", "semantic"])
def retriever(kb, request) -> Retriever:
    if request.param == "lexical":
        return Retriever(kb, settings=RetrievalSettings(semantic=False))
    if semantic.shared_embedder() is None:
        pytest.skip("the meaning channel is off (POLICYBOT_SEMANTIC)")
    r = Retriever(kb, settings=RetrievalSettings(semantic_when="always"), background=False)
    assert r.semantic_ready
    return r


@pytest.mark.parametrize("question", [
    "厂子黄了我现在失业了，想学点技术，有没有补贴",
    "没工作半年了，想去学个电焊，政府补钱不",
    "下岗在家想学门手艺，培训给补助吗",
])
def test_someone_out_of_work_learning_a_skill_gets_training_for_the_unemployed(retriever, question):
    ranked = [c.clause.id for c in retriever.search(question, limit=10).candidates]
    assert ranked.index("3.3") < (ranked.index("3.4") if "3.4" in ranked else len(ranked))
    if retriever.semantic is not None:  # with the meaning channel it is the first answer
        assert ranked[0] == "3.3"


@pytest.mark.parametrize("question", [
    "在单位上班交着失业保险，考了个技能证书，能领补贴吗",
    "我在岗工作参保三年了，拿到职业资格证有补贴没",
])
def test_an_insured_worker_with_a_certificate_gets_the_skills_upgrade_subsidy(retriever, question):
    assert retriever.search(question).candidates[0].clause.id == "3.4"


def test_the_rule_only_lowers_clauses_for_someone_else(kb):
    plain = Retriever(kb, settings=RetrievalSettings(semantic=False, audience_factor=1.0, other_factor=1.0))
    told = Retriever(kb, settings=RetrievalSettings(semantic=False))
    question = "失业了想学技术有补贴吗"
    before = {c.clause.id: c.score for c in plain.search(question, limit=10).candidates}
    after = {c.clause.id: c.score for c in told.search(question, limit=10).candidates}
    assert after["3.4"] == pytest.approx(before["3.4"] * 0.7)
    assert after["3.3"] == pytest.approx(before["3.3"])  # written for the unemployed
    assert after["3.1"] == pytest.approx(before["3.1"] * 0.9)  # for everyone: a little lower
    # Both kinds of person named (out of work now, insured before): no adjustment.
    both = "我失业了，以前在厂里上班交过失业保险，学技术有补贴吗"
    assert told._audience_factors(both) is None


def test_unless_words_cancel_a_match():
    worker = Audience("在职", ("上班",), ("3.3",), ("没上班",))
    assert worker.named_in("我在厂里上班") and not worker.named_in("我还没上班")


def test_audiences_file_is_checked(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    (data / "lexicon" / "audiences.yaml").write_text(
        "audiences:\n  - who: 失业的人\n    words: [失业了]\n    not_for: []\n    extra: 1\n", encoding="utf-8")
    _kb, problems = load_knowledge(data)
    messages = [p.message for p in problems if p.file.endswith("audiences.yaml")]
    assert any("extra" in m for m in messages)
