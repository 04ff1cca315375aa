"""Another place's or year's policy (knowledge/places.py, lexicon/places.yaml): the document is 临夏州's,
so 天水的见习补贴 or 宁夏那边的创业贷款 is refused instead of answered with 临夏's figures; a place
where the person is (在西宁打工, 从喀什回来) leaves the question answered as usual.

Every question here is written for these tests (none is taken from an eval set).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, PlaceNames, load_knowledge
from knowledge.places import OtherPlaces, OtherTimes

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def places(kb):
    return OtherPlaces(kb.lexicon.places)


@pytest.mark.parametrize("question, place", [
    ("天水的见习补贴是不是也一千", "天水"),
    ("宁夏那边的创业贷款最多贷几万", "宁夏"),
    ("浙江省去年的稳岗返还咋算的", "浙江省"),
    ("西安当地的公益岗一个月多钱", "西安"),
    ("甘南州的培训补贴和咱们一样不", "甘南州"),
    ("新疆那边给的见习补贴高不", "新疆"),  # the place as the one who pays it
    ("青海省定的创业贷款额度是多少", "青海省"),
    ("外省来的人稳岗补贴给多少 宁夏出的那个", "宁夏"),  # the policy named before, pointed at after
])
def test_a_policy_of_another_place_is_found(places, question, place):
    assert places.find(question) == place


@pytest.mark.parametrize("question", [
    "在西宁打工的能回来申请创业贷款不",  # where the person works
    "从喀什回来的 见习补贴能领不",  # where the person came back from
    "我是定西的 在临夏开店能贷款不",  # where the person is from
    "天水的大学毕业两年了 还能见习不",  # 的 + 大学: not a policy of 天水
    "临夏州的见习补贴多少",  # the document's own area
    "康乐县的公益岗还招人不",
    "天水见习",  # no 的 / 那边: not said to be that place's
    "我婆姨是天水的 在临夏开店 创业贷款能贷不",  # a pause after 的: where someone is from
    "天水的技校来乡上办培训班 收钱不",  # 技校 … 培训班: a school of 天水, not its policy
    "西宁的培训中心招人不",
    "新疆那边给的工钱低 回来了能贷款不",  # 新疆's pay, then a question about 临夏's loan
    "从东莞发的货 开网店能贷款不",
    "技能补贴能领不 证书是西宁那边发的",  # a certificate issued there: nothing points at a policy
])
def test_a_place_that_is_not_whose_policy_is_asked_is_not_found(places, question):
    assert places.find(question) is None


def test_the_refusal_names_the_place(kb):
    answerer = Answerer(kb, today=lambda: TODAY)
    answer = answerer.answer("宁夏那边的创业贷款最多贷几万")
    assert not answer.answered and answer.refused
    assert "宁夏的政策" in answer.reply and "12333" in answer.reply
    assert "15万" not in answer.reply  # 临夏's cap is not given as 宁夏's
    same = answerer.answer("在宁夏打工回来了 创业贷款最多贷几万")
    assert same.answered and "15万" in same.reply


def test_no_faq_phrasing_is_taken_for_another_place(kb, places):
    phrasings = [q for e in kb.faq for q in e.questions]
    assert phrasings
    assert [q for q in phrasings if places.find(q)] == []


def test_without_the_file_no_place_is_told_apart(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    (data / "lexicon" / "places.yaml").unlink()
    kb, problems = load_knowledge(data)
    assert not problems
    assert kb.lexicon.places == PlaceNames()
    assert OtherPlaces(kb.lexicon.places).find("宁夏那边的创业贷款最多贷几万") is None


def test_a_bad_places_file_is_a_problem_with_its_line(data_with):
    found = [f"{name}:{line}: {message}" for name, line, message in
             data_with("lexicon/places.yaml", "elsewhere: [兰州, 7]\npolicies: [补贴]\n")]
    assert any(m.startswith("places.yaml:1:") and "“7”" in m for m in found), found
    assert any("policies" in m for m in found), found
    assert any("policy" in m and "policies" not in m for m in found), found


@pytest.mark.parametrize("question, year", [
    ("2017年的见习补贴是多少", "2017年"),  # before the document was issued (2019)
    ("2024年出的那个新方案里创业贷款涨了没", "2024年"),  # a later year's document
    ("2025年的文件咋说的", "2025年"),
])
def test_a_policy_of_a_year_the_document_does_not_cover_is_found(kb, question, year):
    times = OtherTimes(kb.seed.issued.year, kb.lexicon.places.year_policy)
    assert times.find(question) == year


@pytest.mark.parametrize("question", [
    "2019年的困难企业返还标准还管用不",  # the document's own year
    "2024年的稳岗返还还是百分之六十吗",  # a later year of a rule with no end date: answered
    "我2016年的时候就在厂里上班了 能领技能提升补贴不",  # a year of the person's life
    "2017年的贷款早就还清了 还能再申请创业担保贷款不",  # the resident's own loan, not a year's rules
])
def test_a_year_that_is_not_another_documents_is_not_found(kb, question):
    assert OtherTimes(kb.seed.issued.year, kb.lexicon.places.year_policy).find(question) is None


@pytest.mark.parametrize("question", [
    "宁夏那边见习一个月给一千五 咱这给多少",  # the other place is a contrast: asked about here
    "青海定的创业贷款多 我们临夏能贷多少",
])
def test_a_place_followed_by_the_area_itself_is_a_contrast(places, question):
    assert places.find(question) is None


@pytest.mark.parametrize("question", [
    "宁夏那边的见习补贴多少 我这边有个娃想去",  # 这边: where the asker is, not a question about here
    "天水的创业贷款能贷多少 我是临夏的",
    "宁夏那边的见习补贴多少 县上有人知道不",
])
def test_saying_where_one_is_after_another_place_is_no_contrast(places, question):
    assert places.find(question) is not None


def test_where_to_apply_between_two_places_stays_on_the_clause(kb):
    from knowledge.answer import Answerer

    answerer = Answerer(kb)
    # after the skills subsidy: 第三条第（四）项 says 可在参保地申请 (厦门 is also 第二条第（四）项's word)
    answer = answerer.answer("在厦门申请还是回临夏申请", about="3.4")
    assert answer.clause.id == "3.4" and "参保地" in answer.first_line
