"""Programmes of other departments that the document only mentions (benefits.yaml `referred`):
第九条第（三）项 says 低保 and 临时救助 will be given to those who qualify, and that the
失业保险金 is paid from the unemployment insurance fund — but not the 低保 standard, how to
apply for 临时救助, or how much the 失业保险金 is. Asked those, the reply says the document does
not say and where to ask, cites the clause, and counts as not answered (not refused). What the
document does state about them (who pays the 失业保险金) is answered.

Every question here is written for these tests (none is taken from an eval set).
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import date
from pathlib import Path

import pytest

from dialog.config import Settings
from dialog.engine import Engine
from dialog.flows.questions import answer_parts, multi_reply
from dialog.messages import Incoming
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, load_knowledge

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb, today=lambda: TODAY)


@pytest.mark.parametrize("question, benefit", [
    ("我家想吃低保 标准是每人每月几百", "minimum-living-allowance"),
    ("低保到哪去申请 村上还是乡上", "minimum-living-allowance"),
    ("俺们家能纳入低保吗", "minimum-living-allowance"),
    ("临时救助找哪个部门申请", "temporary-relief"),
    ("临时救助一次能给多少钱", "temporary-relief"),
    ("失业保险金每个月能领多少钱", "unemployment-benefit"),
    ("失业金最长能领几个月", "unemployment-benefit"),
    ("失业保险金能不能在手机上申领", "unemployment-benefit"),
])
def test_what_the_document_leaves_to_another_department_is_said_and_not_answered(answerer, kb, question, benefit):
    answer = answerer.answer(question)
    assert answer.benefit == benefit
    assert not answer.answered and not answer.refused
    assert answer.clause is not None and answer.clause.id == "9.3"
    first = answer.reply.splitlines()[0]
    assert "文件没有" in first and ("12345" in first or "12333" in first or "人社" in first), first
    assert "第九条第（三）项" in answer.reply  # the clause that mentions it is cited


@pytest.mark.parametrize("question, must", [
    ("失业保险金由哪个基金发放", "失业保险基金"),  # payer: stated
    ("领失业保险金的时候 医保个人那部分谁交", "列支"),  # a part the document states
    ("失业了能不能领失业保险金", "符合条件"),  # yes/no with the condition: stated
])
def test_what_the_document_does_state_about_them_is_answered(answerer, question, must):
    answer = answerer.answer(question)
    assert answer.answered and answer.clause is not None and answer.clause.id == "9.3"
    assert must in answer.reply.splitlines()[0]


def test_a_question_that_only_names_such_a_programme_in_passing_is_answered(answerer):
    # 低保 is named, but what is asked is the clause's own 临时生活补助 for laid-off workers
    answer = answerer.answer("下岗以后日子过不下去 低保以外还有生活补助没")
    assert answer.answered and answer.clause is not None and answer.clause.id == "9.3"
    assert "临时生活补助" in answer.reply


def test_several_questions_show_what_the_document_leaves_to_others(answerer):
    parts, answers = answer_parts(answerer, ["低保一个人给多少", "失业登记在哪办"], today=TODAY)
    assert [a.answered for a in answers] == [False, True]
    text = multi_reply(parts, answers, "您问了2件事：", "文件里没有讲到这个问题")
    assert "文件没有写低保标准" in text and "文件里没有讲到这个问题" not in text
    assert text.count("第九条第（三）项") == 2


def test_the_next_message_asks_about_the_same_programme_not_refused_again(tmp_path: Path, kb):
    async def scenario():
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="s"), kb=kb, today=lambda: TODAY)
        try:
            first = await engine.handle(Incoming("web", "u1", "低保标准一个月多少"))
            labels = [b.label for r in first for b in r.all_buttons()]
            assert "文件没有写低保标准" in first[0].text
            # the clause is one tap away; no questionnaire is offered for another department's programme
            assert "查看原文" in labels and "测一测我是否符合" not in labels
            then = await engine.handle(Incoming("web", "u1", "那咋申请"))
            assert "文件没有写低保怎么申请" in then[0].text and "乡镇" in then[0].text
            # where to go, named by the offices themselves, is still about the same programme
            await engine.handle(Incoming("web", "u2", "屋里遭了灾 能申请临时救助吗"))
            where = await engine.handle(Incoming("web", "u2", "找乡上还是找村上"))
            assert "临时救助怎么申请" in where[0].text and "12345" in where[0].text
            # the document's own 临时生活补助: where to ask, not the unemployment-registration sentence
            await engine.handle(Incoming("web", "u3", "下岗了日子过不下去 有生活补助没"))
            who = await engine.handle(Incoming("web", "u3", "找谁"))
            assert "临时生活补助怎么申请" in who[0].text and "失业登记" not in who[0].text
        finally:
            await engine.close()

    asyncio.run(scenario())


def test_referred_kinds_are_checked_with_their_line(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    (data / "benefits.yaml").write_text("""\
benefits:
  - id: test-referred
    clause: "9.3"
    name: 测试项
    words: [低保]
    referred: [amount, howmuch]
    yes_no: 要看条件。
    ask: 请拨打12399。
""", encoding="utf-8")
    _, problems = load_knowledge(data)
    found = [f"{Path(p.file).name}:{p.line}: {p.message}" for p in problems]
    assert any(m.startswith("benefits.yaml:6:") and "howmuch" in m for m in found), found
    assert any(m.startswith("benefits.yaml:6:") and "amount" in m and "就要写" in m for m in found), found
    assert any(m.startswith("benefits.yaml:8:") and "12399" in m and "不能编数字" in m for m in found), found


def test_details_of_a_referred_programme_point_to_its_own_office(answerer):
    # benefits.yaml `ask`: 低保 is asked at the township (or 12345), not at the 人社 office
    answer = answerer.answer("低保的钱多久能打到卡上")
    assert not answer.answered and answer.benefit == "minimum-living-allowance"
    first = answer.reply.splitlines()[0]
    assert "乡镇" in first and "12345" in first and "人社部门" not in first


def test_a_description_then_its_question_is_one_question(answerer):
    # the first piece asks nothing (no kind, no question mark); the second asks with no topic
    parts, answers = answer_parts(answerer, ["我们合作社想收两个见习的娃娃", "每个娃一个月能补几个钱"], today=TODAY)
    assert len(parts) == len(answers) == 1
    assert "1000元" in answers[0].first_line
    # two real questions stay two, a "what is it" too
    parts, answers = answer_parts(answerer, ["见习补贴给谁", "在哪申请"], today=TODAY)
    assert len(answers) == 2
    parts, answers = answer_parts(answerer, ["就业见习是干啥的", "去哪报名"], today=TODAY)
    assert len(answers) == 2
