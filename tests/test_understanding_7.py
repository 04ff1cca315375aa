"""Requests to be tested, for oneself, someone else or a business (tester B, findings 4 and 5).

- "what can … get" for a family member or a business (我外甥能领哪些补助, 俺们合作社能得到什么
  扶持) starts the finder with that person noted (按您外甥的情况) or 单位 recorded;
- "does he / do we qualify" (看看我侄子够不够格, 她符合不, 帮我们店算一下能返多少) right after an
  answer starts that benefit's questionnaire; with a policy named beside it (创业担保贷款，你瞧瞧
  我够不够), that policy's; never "文件里没有讲到";
- the finder never stops after "已记下：单位" with no question: when what was said answers all
  its questions, the matching programmes come in the same turn.

The sentences are this file's own (not the eval sets').
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

import eligibility
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming
from dialog.understanding import Conversation, Reader, load_vocabulary
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

TODAY = date(2026, 11, 29)
NOT_COVERED = "没有讲到"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


@pytest.fixture(scope="module")
def reader(kb):
    from knowledge.answer import Answerer

    return Reader(load_vocabulary(), eligibility.parse_answer, Answerer(kb).has_own_topic)


AFTER_ANSWER = Conversation(buttons=(("测一测我是否符合", "p:internship"), ("查看原文", "o:6")), has_topic=True)


# ---------------------------------------------------------------- the reader alone


@pytest.mark.parametrize(("text", "who"), [("我外甥能领哪些补助", "外甥"), ("替我侄女打听下 她能拿点啥", "侄女"),
                                           ("俺家丫头可以享受些啥政策", "女儿"), ("给我老汉查查有啥补贴可以拿", "父亲")])
def test_what_can_someone_else_get_starts_the_finder_for_them(reader, text, who) -> None:
    for conv in (Conversation(), AFTER_ANSWER):
        u = reader.read(text, conv)
        assert (u.kind, u.intent, u.who) == ("navigate", "finder", who)


@pytest.mark.parametrize(("text", "whom"), [("俺们合作社能得到什么扶持", "俺们合作社"), ("我们饭馆能申请哪些补贴", "我们饭馆"),
                                            ("帮我们公司查查能领点啥", "我们公司"), ("我家的厂子还能拿些什么", "我家的厂子"),
                                            ("咱们村上的合作社能领哪些补贴不", "咱们村上的合作社")])
def test_what_can_a_business_get_starts_the_finder_for_it(reader, text, whom) -> None:
    u = reader.read(text, Conversation())
    assert (u.kind, u.intent, u.whom) == ("navigate", "finder", whom + " 单位")


@pytest.mark.parametrize("text", ["看看我侄子够不够格", "她符合不", "那你帮我瞅瞅他行不行", "帮我们店算一下能返多少",
                                  "这个政策我们厂能享受吗", "我们公司条件够不够", "那我外甥女呢 能领不"])
def test_does_he_or_do_we_qualify_is_a_test_of_the_last_topic(reader, text) -> None:
    u = reader.read(text, AFTER_ANSWER)
    assert (u.kind, u.intent, u.parts) == ("navigate", "test_topic", ())


@pytest.mark.parametrize(("text", "topic"), [("创业担保贷款，你瞧瞧我够不够", "创业担保贷款"),
                                             ("稳岗返还 帮我们厂子看看够不够", "稳岗返还"),
                                             ("见习补贴 你看我们单位符不符合", "见习补贴")])
def test_a_check_beside_a_policy_name_tests_that_policy(reader, text, topic) -> None:
    u = reader.read(text, Conversation())
    assert (u.kind, u.intent, u.parts) == ("navigate", "test_topic", (topic,))


@pytest.mark.parametrize("text", ["哪些人符合条件", "见习补贴能领多少", "我能拿多少", "资金不够", "条件够不够",
                                  "稳岗返还哪些企业能领"])
def test_questions_to_the_document_are_not_requests_to_be_tested(reader, text) -> None:
    # No one named and no request to look (够不够 alone), or an amount without 算/看: the document.
    u = reader.read(text, Conversation())
    assert u.intent not in ("finder", "test_topic")


@pytest.mark.parametrize(("text", "said"), [("我去年就下岗了 能领点啥", "下岗"), ("我姐今年没活干 她能拿点啥", "没活干")])
def test_what_one_says_before_asking_what_one_can_get_goes_to_the_finder(reader, text, said) -> None:
    u = reader.read(text, Conversation())
    assert (u.kind, u.intent) == ("navigate", "finder") and said in (u.whom or "")


@pytest.mark.parametrize("text", ["创业担保贷款 我家里人能领啥", "技能提升补贴 他能拿点啥"])
def test_a_policy_named_before_what_can_i_get_is_not_the_finder(reader, text) -> None:
    assert reader.read(text, Conversation()).intent != "finder"


def test_a_broad_ask_for_oneself_stays_the_overview(reader) -> None:
    assert reader.read("俺能沾到啥好处", Conversation()).kind == "overview"


# ---------------------------------------------------------------- whole conversations


def chat(tmp_path: Path, kb, *messages: str) -> list[str]:
    """The replies' text (with button labels) to each message, in order, one person."""
    async def scenario() -> list[str]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"), kb=kb, today=lambda: TODAY)
        out = []
        for message in messages:
            replies = await engine.handle(Incoming("web", "u7", message))
            out.append("\n".join([r.text for r in replies] + [b.label for r in replies for b in r.all_buttons()]))
        await engine.close()
        return out

    return asyncio.run(scenario())


def test_checking_a_nephew_after_an_answer_starts_that_questionnaire_for_him(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "见习补贴一个月给多少", "看看我侄子够不够格")
    assert "就业见习补贴" in replies[1] and "按您侄子的情况" in replies[1] and "第" in replies[1]
    assert NOT_COVERED not in replies[1]


def test_he_qualifies_after_an_answer_starts_its_questionnaire(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "稳岗返还返多少", "那你帮我瞅瞅他行不行")
    assert "「稳岗返还」" in replies[1] and "第1步" in replies[1] and NOT_COVERED not in replies[1]


def test_a_business_checking_a_named_policy_gets_its_questions_and_answers_them(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "稳岗返还 帮我们厂子看看够不够", "一直交着的")
    assert "「稳岗返还」" in replies[0] and "第1步" in replies[0]
    assert "第2步" in replies[1]  # the answer was taken: the next question, not the card again


def test_what_a_relative_can_get_starts_the_finder_for_them(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "替我侄女打听下 她能拿点啥")[-1]
    assert "按您侄女的情况" in last and eligibility.FINDER.question("role").prompt in last
    assert NOT_COVERED not in last


def test_what_a_business_can_get_lists_the_programmes_for_employers_at_once(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "俺们合作社能得到什么扶持")[-1]
    assert "已记下：单位" in last and "测一测：稳岗返还" in last
    assert eligibility.FINDER.question("role").prompt not in last


def test_working_out_a_business_amount_with_no_topic_yet_goes_to_the_finder(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "帮我们饭馆算一下能拿多少")[-1]
    assert "已记下：单位" in last and "可能适用" in last and NOT_COVERED not in last


def test_the_finder_goes_on_after_a_fact_from_the_leading_message(tmp_path, kb) -> None:
    # Finding 5: "已记下：单位" and then nothing. The finder has no more questions for a
    # business, so its list must come in the same turn, with buttons.
    replies = chat(tmp_path, kb, "我们是养羊的合作社 雇了十五个人 见习补贴怎么申请", "那你看看我们能领点啥")
    assert "已记下：单位" in replies[1] and "可能适用" in replies[1] and "测一测：" in replies[1]


def test_what_one_said_before_what_can_i_get_is_not_asked_again(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "我去年就下岗了 能领点啥", "个人")
    # 下岗了 says both: a person (not a business) and out of work — neither is asked again
    assert "已记下：个人；失业或下岗" in replies[0]
    assert eligibility.FINDER.question("situation").prompt not in "".join(replies)


def test_the_finder_after_a_persons_story_lists_at_once_when_it_said_everything(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "我去年下岗了 今年四十六岁 技能培训补贴咋领", "看看我能领点啥")
    # everything the finder asks was said (个人 from 下岗了, 46岁, 失业或下岗): its list at once
    assert "已记下：个人；46岁；失业或下岗" in replies[1] and "可能适用" in replies[1]


# ---------------------------------------------------------------- correcting a result (finding 2)

REFUND_NO = ("稳岗返还帮我测测", "单位没参保")
INTERN_2007 = ("测一测见习补贴", "想参加见习的个人", "失业青年", "零七年的")


@pytest.mark.parametrize("fix", ["哎呀写错了 其实参保了的", "不对 单位一直有交", "搞错了，有参保"])
def test_a_yes_no_answer_corrected_right_after_the_result_is_judged_again(tmp_path, kb, fix) -> None:
    replies = chat(tmp_path, kb, *REFUND_NO, fix)
    assert "不符合" in replies[1]
    assert "已改正" in replies[2] and "第2步" in replies[2]  # 参保 now 是: the next question
    assert NOT_COVERED not in replies[2]


def test_a_birth_year_corrected_after_the_result_replaces_the_old_years_note(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, *INTERN_2007, "不对 我说错了 他是一九九九年生的")
    assert "结果：符合" in replies[-2]
    last = replies[-1]
    assert "已改正" in last and "结果：不符合" in last
    assert "2007" not in last and "1999" in last  # the note is the new answer's


def test_a_correction_that_changed_nothing_leaves_the_result_open_for_the_next(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, *INTERN_2007, "说错了 我再想想", "写错了 是1998年出生的")
    assert "已改正" in replies[-1] and "结果：不符合" in replies[-1]


def test_a_corrected_year_that_straddles_the_age_limit_asks_the_exact_age(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, *INTERN_2007, "不对 他是2001年出生的", "二十四周岁")
    assert "结果会不一样" in replies[-2] and "多少岁" in replies[-2]  # 24 or 25: asked, not guessed
    assert "结果：符合" in replies[-1]


def test_testing_for_a_relative_after_an_answer_notes_them(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "见习补贴谁能参加", "给我外甥测一下")[-1]
    assert "就业见习补贴" in last and "按您外甥的情况" in last
