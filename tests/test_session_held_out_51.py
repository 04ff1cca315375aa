"""Eighteenth and nineteenth sessions (2026-12-01/02): what a word means, comparisons (有啥区别,
哪个贷得多), later years' and other programmes' rules, and the kinds of fault held-out sets
51–54 showed in conversations (misspelt answers, 俩, own figures after an answer, 能听见么).

Every sentence here is written for the tests, not taken from an eval set.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming
from knowledge.answer import Answerer

NOW = date(2026, 12, 2)


@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb, today=lambda: NOW)


def first_line(answerer: Answerer, question: str) -> str:
    return answerer.answer(question).reply.splitlines()[0]


def chat(tmp_path: Path, kb, *messages: str) -> list[str]:
    """The replies' text to each message, in order, one person."""
    async def scenario() -> list[str]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"), kb=kb, today=lambda: NOW)
        out = []
        for message in messages:
            replies = await engine.handle(Incoming("web", "u51", message))
            out.append("\n".join(r.text for r in replies))
        await engine.close()
        return out

    return asyncio.run(scenario())


# ------------------------------------------------------------- what a word means

def test_a_benefit_asked_what_it_is_is_said_in_a_line(answerer):
    line = first_line(answerer, "稳岗返还到底是个啥")
    assert line.startswith("稳岗返还：") and "60%" in line


def test_a_word_the_document_uses_but_does_not_explain_says_so(answerer):
    reply = answerer.answer("文件里说的零就业家庭是啥意思").reply
    assert reply.startswith("文件没有解释“零就业家庭”")
    assert "12333" in reply or "人社" in reply


def test_the_activity_is_explained_before_the_money_it_brings(answerer):
    lines = answerer.answer("就业见习是什么意思").reply.splitlines()
    assert "3—12个月" in lines[0] and "16—24岁" in lines[0]
    assert "1000元" in lines[1]


# ------------------------------------------------------------- comparisons

def test_two_benefits_of_one_clause_compared_by_their_caps(answerer):
    line = first_line(answerer, "开店贷款和小微企业的贷款 哪个额度高")
    assert line.startswith("小微企业创业担保贷款的额度更高") and "300万元" in line and "15万元" in line


def test_asking_the_difference_lists_both_without_saying_the_document_is_silent(answerer):
    reply = answerer.answer("失业保险金跟稳岗返还有撒不同").reply
    assert not reply.startswith("文件没有写明")
    assert "失业保险金" in reply and "60%" in reply


# ------------------------------------------------------------- other years and programmes

@pytest.mark.parametrize("question", ["2022年新出台的见习补贴一个月给多少", "2021年出的稳就业措施还管用不",
                                      "以工代训的钱咋领", "疫情期间的一次性补助还能申请不"])
def test_a_later_rule_or_programme_is_not_answered_from_this_plan(answerer, question):
    answer = answerer.answer(question)
    assert not answer.answered
    assert "没有讲到" in answer.reply


def test_the_plans_own_rule_asked_for_a_later_year_is_still_answered(answerer):
    answer = answerer.answer("2025年的稳岗返还还有没有")
    assert answer.answered and "60%" in answer.reply


def test_a_verb_with_its_complement_is_no_programme_name(answerer):
    # 奖给贷款的人: 奖给 is an action, not the qualifier of an unknown 奖给贷款
    answer = answerer.answer("贷款那块的奖补 是奖给贷款的人吗")
    assert answer.answered and "运营管理机构" in answer.reply


def test_asking_for_low_income_support_quotes_the_sentence_on_it(answerer):
    assert "最低生活保障" in answerer.answer("下岗了日子难过 能申请低保不").reply


def test_a_cost_asked_of_training_is_answered_from_what_staff_wrote_about_it(answerer):
    reply = answerer.answer("报个技能培训班收费不").reply
    assert "职业培训补贴" in reply.split("原文")[0]


# ------------------------------------------------------------- conversations

def test_a_misspelt_answer_is_read_after_its_spelling_is_put_right(tmp_path, kb):
    replies = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "是我自己想去见席")
    assert "没能确定" not in replies[-1]
    assert "哪一类" in replies[-1]


def test_lia_holds_its_measure_word_when_counting_people_kept_on(tmp_path, kb):
    replies = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "接收见习人员的单位", "是", "4", "6",
                   "到期了 留下俩")
    assert "留用2人" in replies[-1] or "2人" in replies[-1]
    assert "实际留用了几人" not in replies[-1]


def test_an_own_figure_after_an_answer_is_asked_about_that_answer(tmp_path, kb):
    replies = chat(tmp_path, kb, "企业申请创业担保贷款要招多少人", "我们公司一百五十来号人")
    assert "15%" in replies[-1]
    assert "有关的政策有这" not in replies[-1]


def test_a_voice_check_with_the_dialect_particle_is_a_greeting(tmp_path, kb):
    reply = chat(tmp_path, kb, "喂 听得见么")[-1]
    assert "没有讲到" not in reply and "不能乱说" not in reply
