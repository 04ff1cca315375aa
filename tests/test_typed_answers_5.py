"""Questionnaire answers residents type (issue 12 follow-through, fifth round).

- A count of people typed to a yes/no question whose follow-up presupposes 是 (见习期已经满了吗
  → 见习期满后实际留用了几人) answers both, said with a verb (留住了四个) or alone; never a sum
  of money, never a time (是的，七个月), never a headcount the question does not presuppose.
- A plan (想, 打算, 要是 …) is not something that has happened: "not yet" or asked again, never 是.
- A program whose every provision has ended says so first and asks nothing (第三条（二）, 2019 only).
- Counts are not money and money is not a count; a rough count is settled exactly when it
  cannot change the result; a total said alongside answers the total question.

Sentences are our own; the 1000/1200元 tiers are 第六条's (留用率达到50%以上), the 25% of new
hires is 第五条（二）'s.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from test_understanding_review import Person, _engine, kb  # noqa: F401  (fixture)

import eligibility as E
from dialog.flows.questionnaire import _presupposes

NOW = date(2026, 11, 26)


def _q(program: str, question: str) -> E.Question:
    return E.get_program(program).question(question)


def _conversation(tmp_path, kb, *messages: str) -> str:  # noqa: F811
    async def scenario() -> str:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        for message in messages:
            await p.say(message)
        await engine.close()
        return p.text

    return asyncio.run(scenario())


HOST_OF_TEN = ("测一测就业见习补贴", "单位", "是", "10", "5")  # 10 interns, 5 months: then 见习期已经满了吗


# ---------------------------------------------------------------- 1. a count presupposes 是


@pytest.mark.parametrize("said, kept", [("留住了六个", 6), ("期满了，留了5个人", 5), ("七个", 7)])
def test_a_count_kept_on_answers_has_it_ended_too(tmp_path, kb, said, kept) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, *HOST_OF_TEN, said)
    assert "见习期已满" in text and "见习期满后实际留用了几人" not in text
    assert f"留用{kept}人" in text and "10人 × 5个月 × 1200元" in text  # 50% or more: 1200元


def test_a_time_after_yes_is_not_a_count_kept_on(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, *HOST_OF_TEN, "是的 七个月")
    assert "见习期满后实际留用了几人" in text and "留用7人" not in text


def test_the_follow_up_must_name_what_the_yes_no_question_asks() -> None:
    """留用 presupposes 见习期满; 参保职工有多少人 says nothing of 暂时性困难, and a sum of money
    is no count of people at all."""
    assert _presupposes(_q("internship", "retained"), _q("internship", "finished"))
    assert not _presupposes(_q("job_retention_refund", "insured_staff"), _q("job_retention_refund", "in_difficulty"))


def test_an_insured_firm_with_a_count_is_not_asked_its_contribution_from_it(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, "测一测稳岗返还", "交着哩 厂里二十来个人")
    assert "是否裁员" in text and "失业保险费是多少元" not in text


# ---------------------------------------------------------------- 2. a plan is not a fact


@pytest.mark.parametrize("said", ["准备留三个", "打算留四个人", "想着留下来几个"])
def test_a_plan_to_keep_interns_on_is_not_an_ended_internship(tmp_path, kb, said) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, *HOST_OF_TEN, said)
    assert "× 1200元" not in text and "已记下：见习期已满" not in text  # 是 was not taken for granted
    assert "见习期满后实际留用了几人" not in text


def test_a_plan_that_names_what_was_asked_is_not_yet(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, *HOST_OF_TEN, "以后再留用")
    assert "打算" in text and "还没有" in text
    assert "10人 × 5个月 × 1000元" in text and "见习期还没满" in text


@pytest.mark.parametrize("program, question, said", [
    ("internship", "finished", "打算满了就留下"),
    ("skills_upgrade_subsidy", "certificate", "准备去考个电工证"),
    ("skills_upgrade_subsidy", "certificate", "要是考下来了呢"),
    ("unemployed_training", "unemployed", "想去外地找活"),
])
def test_a_plan_never_answers_yes_to_what_must_have_happened(program, question, said) -> None:
    parsed = E.parse_answer(_q(program, question), said, as_of=NOW)
    assert parsed.value is not True and parsed.plan


@pytest.mark.parametrize("program, question, said", [
    ("returnee_startup", "wants_startup", "打算回来开个小卖部"),  # the question asks about a plan
    ("in_job_training", "training_organised", "计划下个月组织"),
    ("internship", "finished", "我想应该满了吧"),  # 想 is "I think" there, and it is hedged
])
def test_a_plan_answers_a_question_about_plans(program, question, said) -> None:
    parsed = E.parse_answer(_q(program, question), said, as_of=NOW)
    assert parsed.value is True and not parsed.plan


@pytest.mark.parametrize("said, value", [
    ("想去学个焊工", "in_progress"), ("打算报个厨师班", "in_progress"),
    ("不想学", "none"), ("培训考核没过，还打算再考", "failed"),
])
def test_a_plan_to_train_is_not_a_finished_training(said, value) -> None:
    parsed = E.parse_answer(_q("unemployed_training", "training"), said, as_of=NOW)
    assert parsed.value == value


# ---------------------------------------------------------------- 3. an ended program


def test_an_ended_program_says_so_first_and_asks_nothing(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, "测一测困难企业职工在岗培训支持")
    first = text.split("\n")[:3]
    assert any("已到期" in line for line in first)
    assert "2019年12月31日" in text and "12333" in text
    assert "第1步" not in text and "是否属于面临生产经营困难" not in text


def test_a_program_with_an_ended_part_still_asks(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, "测一测稳岗返还")
    assert "（第1步" in text and "已到期" not in text


# ---------------------------------------------------------------- 4. counts, money and totals


@pytest.mark.parametrize("said", ["辞了七八个 全厂原来六十个人", "厂里三十来个人"])
def test_a_headcount_is_not_a_sum_of_money(said) -> None:
    parsed = E.parse_answer(_q("job_retention_refund", "last_year_contribution"), said, as_of=NOW)
    assert not parsed.ok and parsed.range is None and "人数" in parsed.error


def test_money_said_beside_a_headcount_is_the_money_and_the_count_is_the_count() -> None:
    assert E.parse_answer(_q("job_retention_refund", "last_year_contribution"), "走了三个人，交了四万二",
                          as_of=NOW).value == 42000
    assert E.parse_answer(_q("internship", "retained"), "花了两万块 留住六个", as_of=NOW).value == 6
    assert "钱数" in (E.parse_answer(_q("internship", "retained"), "三千块", as_of=NOW).error or "")


def test_a_headcount_typed_to_the_money_question_is_asked_again(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, "测一测稳岗返还", "是", "少量裁员", "辞了三四个 厂里一共五十个人")
    assert "人数" in text and "失业保险费是多少元" in text and "3—4元" not in text


def test_a_rough_count_that_cannot_change_the_result_is_settled(tmp_path, kb) -> None:  # noqa: F811
    # 2 or 3 kept on of 10: below 50% either way, so 1000元 whichever it is
    text = _conversation(tmp_path, kb, *HOST_OF_TEN, "满了，留下两三个")
    assert "10人 × 5个月 × 1000元" in text and "2—3人" in text


def test_a_rough_count_across_the_threshold_is_asked_again(tmp_path, kb) -> None:  # noqa: F811
    # 4 of 10 is below 50%, 5 of 10 reaches it: 1000元 or 1200元
    text = _conversation(tmp_path, kb, *HOST_OF_TEN, "满了，留下四五个")
    assert "见习期满后实际留用了几人" in text and "4—5人" in text and "结果：" not in text


def test_a_total_said_with_the_new_hires_answers_the_staff_question(tmp_path, kb) -> None:  # noqa: F811
    # 7 or 8 hires of 30 staff: 25% needs 8, so 7 misses it and 8 reaches it: asked again
    text = _conversation(tmp_path, kb, "测一测创业担保贷款", "小微企业", "今年新招了七八个，厂里总共三十个人")
    assert "30人" in text and "7—8人" in text and "新招用的" in text
    # 3 or 4 of 40 is below 25% either way, whatever the contracts: settled, the contracts asked
    text = _conversation(tmp_path / "b", kb, "测一测创业担保贷款", "小微企业", "全厂现有四十个人 今年招了三四个")
    assert "40人" in text and "3—4人" in text and "劳动合同" in text


def test_a_rough_first_headcount_is_asked_again_while_numbers_are_to_come(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, "测一测就业见习补贴", "单位", "是", "收了十来个")
    assert "接收了几名见习人员" in text and "8—15人" in text


@pytest.mark.parametrize("program, question, said, value", [
    ("internship", "retained", "打算留两个", None),  # a plan: asked again
    ("startup_loan", "new_hires", "准备招七个", None),
    ("internship", "retained", "留住了四个，以后再留一个", 4),  # the fact, not the plan beside it
    ("internship", "age", "我想是二十三岁", 23),  # 想 is "I think"
])
def test_a_planned_count_is_not_a_count(program, question, said, value) -> None:
    parsed = E.parse_answer(_q(program, question), said, as_of=NOW)
    assert parsed.value == value and parsed.plan == (value is None)


def test_a_plan_typed_to_the_count_kept_on_is_asked_again(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, *HOST_OF_TEN, "满了", "打算留六个")
    assert "打算" in text and "见习期满后实际留用了几人" in text and "结果：" not in text
