"""Questionnaire answers residents type (seventh round): not yet, in progress, just short.

An answer that says what was asked is under way or still to come, or a number not reached yet,
is never read as the thing done or as the round number — that would give a wrong verdict:

- yes/no about a thing done (签订了1年以上劳动合同 — 第五条第（二）项; 已取得证书 — 第三条第（四）项;
  见习期已经满了): 正在… / 下礼拜… / 月底才… / 还在商量 are "no" with a note; a duration shorter
  than the one the question names (签的八个月 to 1年以上) is "no";
- numbers: 眼看就满三年 / 三年不到 / 还差俩月三年 are under 3 (参保3年以上 is not met), 马上十六 is 15
  (16—24岁失业青年), 明年就满二十五 is 24; a bound that says how far under it is not known
  (三个月不到) is asked again, never stored as the bound; 一年零两个月 is 14 months;
- choices: a step done and one not done (学完了 等着考试哩, 学完了 考试没过) is the option of the
  step not done, never 已参加培训并考核合格; 五十六了 takes the option said as 五十多;
- a year in numerals with 千 (两千零五年的) is a birth year, not 2000 岁.

Sentences are our own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from test_understanding_review import Person, _engine, kb  # noqa: F401  (fixture)
from test_understanding_review import turns as _turns

import eligibility as E
from eligibility.answers import parse_answer

AS_OF = date(2026, 11, 29)
LOAN = "测一测创业担保贷款"
SKILLS = "测一测技术技能提升补贴"
INTERNSHIP = "测一测就业见习补贴"
TRAINING = "测一测失业人员职业培训补贴"


def _q(program: str, question: str) -> E.Question:
    return (E.FINDER if program == "finder" else E.get_program(program)).question(question)


def _verdict(text: str) -> str:
    """The verdict line's word (符合 / 不符合 / 需核实 …), or "" when the text has no result."""
    for line in text.splitlines():
        if line.startswith("结果："):
            return line.removeprefix("结果：").split("（")[0]
    return ""


# ---------------------------------------------------------------- 1. yes/no: not done yet


@pytest.mark.parametrize("program, question, said", [
    ("startup_loan", "contracts", "月底才签"),
    ("startup_loan", "contracts", "这两天正在签"),
    ("startup_loan", "contracts", "下礼拜就签"),
    ("startup_loan", "contracts", "合同还在商量"),
    ("startup_loan", "contracts", "等着签哩"),
    ("skills_upgrade_subsidy", "certificate", "电工证下礼拜才考"),
    ("skills_upgrade_subsidy", "certificate", "还在考 过两天出成绩"),
    ("skills_upgrade_subsidy", "certificate", "考完了 证还没发下来"),
    ("skills_upgrade_subsidy", "certificate", "年底去考证"),
    ("internship", "finished", "快到期了"),
    ("internship", "finished", "月底满"),
    ("incubation_base", "recognised_base", "材料交上去了 正在认定"),
])
def test_a_thing_under_way_or_to_come_is_not_done(program, question, said) -> None:
    parsed = parse_answer(_q(program, question), said)
    assert parsed.ok and parsed.value is False, parsed


def test_not_done_yet_says_how_it_was_read() -> None:
    parsed = parse_answer(_q("startup_loan", "contracts"), "下礼拜就签")
    assert parsed.value is False and parsed.note and "还没有" in parsed.note


@pytest.mark.parametrize("said", ["合同签的八个月", "才签了三个月的", "签的半年期", "不到一年的", "快一年了"])
def test_a_contract_shorter_than_the_question_asks_is_no(said) -> None:
    """第五条第（二）项: contracts of 1 year or more; a shorter one does not meet it."""
    parsed = parse_answer(_q("startup_loan", "contracts"), said)
    assert parsed.ok and parsed.value is False, parsed
    assert "1年" in (parsed.note or "")


@pytest.mark.parametrize("said", ["签的两年", "都签了一年半", "试用三个月 合同签了三年", "很快就签好了", "刚签完"])
def test_a_contract_long_enough_or_signed_is_yes(said) -> None:
    parsed = parse_answer(_q("startup_loan", "contracts"), said)
    assert parsed.ok and parsed.value is True, parsed


@pytest.mark.parametrize("program, question, said", [
    ("job_retention_refund", "insured_enterprise", "还在交着呢"),
    ("job_retention_refund", "insured_enterprise", "一直在交"),
    ("skills_upgrade_subsidy", "employee", "还在厂里上班"),
    ("skills_upgrade_subsidy", "certificate", "去年就考下来了"),
    ("internship", "finished", "上个月就满了"),
])
def test_a_state_that_goes_on_is_still_yes(program, question, said) -> None:
    """正在 / 还在 says "not yet" only of a thing done (签订, 取得, 期满), never of a state
    that goes on (paying contributions, being employed)."""
    parsed = parse_answer(_q(program, question), said)
    assert parsed.ok and parsed.value is True, parsed


# ---------------------------------------------------------------- 2. numbers short of the round one


@pytest.mark.parametrize("said", ["眼看就满三年", "三年不到", "将近三年了", "下个月才满三年", "不满三年", "下个月5号就满三年",
                                  "明年二月份满三年"])
def test_years_short_of_three_are_never_three(said) -> None:
    parsed = parse_answer(_q("skills_upgrade_subsidy", "insured_years"), said, as_of=AS_OF)
    assert parsed.value != 3
    low, high = parsed.range
    assert parsed.below == 3 and high < 3 and not parsed.ok, parsed


@pytest.mark.parametrize("said, value", [("还差俩月三年", 2.8333), ("三年 就差一个月", 2.9167), ("两年零十个月", 2.8333)])
def test_years_with_the_months_missing(said, value) -> None:
    parsed = parse_answer(_q("skills_upgrade_subsidy", "insured_years"), said, as_of=AS_OF)
    assert parsed.ok and parsed.value == pytest.approx(value, abs=1e-3), parsed


@pytest.mark.parametrize("said, value", [
    ("马上十六", 15), ("眼看十六了", 15), ("还差两个月满十六岁", 15),
    ("明年就满二十五", 24), ("过完年二十五了", 24), ("快二十了", 19),
])
def test_an_age_not_reached_is_the_age_under_it(said, value) -> None:
    parsed = parse_answer(_q("internship", "age"), said, as_of=AS_OF)
    assert parsed.ok and parsed.value == value and parsed.note, parsed


@pytest.mark.parametrize("said, value", [("一年零两个月", 14), ("快半年", 5)])
def test_months_said_with_years(said, value) -> None:
    parsed = parse_answer(_q("internship", "months"), said, as_of=AS_OF)
    assert parsed.ok and parsed.value == value, parsed


@pytest.mark.parametrize("program, question, said, bound", [
    ("internship", "months", "三个月不到", 3),
    ("internship", "age", "还没满十六岁", 16),
    ("startup_loan", "staff", "不到一百个人", 100),
])
def test_a_bound_with_no_distance_asks_for_the_number(program, question, said, bound) -> None:
    parsed = parse_answer(_q(program, question), said, as_of=AS_OF)
    assert not parsed.ok and parsed.value is None and parsed.below == bound and parsed.note is None
    assert parsed.range[1] < bound


@pytest.mark.parametrize("said", ["两千零五年的", "我是两千零五年出生"])
def test_a_year_with_qian_is_a_birth_year(said) -> None:
    parsed = parse_answer(_q("finder", "age"), said, as_of=AS_OF)
    assert parsed.ok and parsed.value == 21 and "2005" in parsed.note, parsed


# ---------------------------------------------------------------- 3. choices


@pytest.mark.parametrize("said, value", [
    ("学完了 等着考试哩", "in_progress"),
    ("培训上完了 下礼拜考核", "in_progress"),
    ("课都上完了 成绩还没出", "in_progress"),
    ("学完了 考试没过", "failed"),
    ("学完了 证也拿上了", "passed"),
])
def test_a_step_not_done_outranks_a_step_done(said, value) -> None:
    parsed = parse_answer(_q("unemployed_training", "training"), said)
    assert parsed.ok and parsed.value == value, parsed


@pytest.mark.parametrize("said, value", [("报上去了 等着审哩", "pending"), ("评估过了 说没通过", "failed")])
def test_a_review_not_finished_is_not_passed(said, value) -> None:
    parsed = parse_answer(_q("in_job_training", "review"), said)
    assert parsed.ok and parsed.value == value, parsed


@pytest.mark.parametrize("said", ["五十六了", "我今年五十一岁"])
def test_an_age_alone_takes_the_age_group_option(said) -> None:
    parsed = parse_answer(_q("employment_assistance", "difficulty_group"), said)
    assert parsed.ok and parsed.value == "older", parsed


def test_a_round_or_young_age_is_not_an_age_group() -> None:
    for said in ("五十", "二十六了"):
        assert not parse_answer(_q("employment_assistance", "difficulty_group"), said).ok


# ---------------------------------------------------------------- 4. whole conversations


def test_a_contract_being_signed_does_not_get_the_loan(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, LOAN, "小微企业", "二十五个人", "七个", "月底才签")
    assert _verdict(turns[-1]) == "不符合" and "300万" not in turns[-1]
    assert "还没有" in turns[-1]


def test_a_short_contract_does_not_get_the_loan(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, LOAN, "小微企业", "二十五个人", "七个", "才签了三个月的")
    assert _verdict(turns[-1]) == "不符合"


def test_a_certificate_still_to_sit_is_not_held(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, SKILLS, "是", "五年", "电工证下礼拜才考")
    assert _verdict(turns[-1]) == "不符合" and "√ 取得职业资格证书" not in turns[-1]


def test_nearly_three_years_insured_is_under_three(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, SKILLS, "是", "眼看就满三年", "有证")
    assert _verdict(turns[-1]) == "不符合"
    assert "参保3年" not in turns[-1] and "不满3年" in turns[-1]


def test_years_short_by_months_are_shown_as_such(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, SKILLS, "是", "还差俩月三年", "有证")
    assert _verdict(turns[-1]) == "不符合" and "2年10个月" in turns[-1]


def test_under_three_years_is_asked_again_then_judged(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, SKILLS, "是", "三年不到", "两年半", "有证")
    assert "不满3年" in turns[2] and "已记下" not in turns[2] and "参加失业保险（缴费）有几年了" in turns[2]
    assert _verdict(turns[-1]) == "不符合" and "2年6个月" in turns[-1]


def test_an_internship_under_three_months_is_never_three(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, INTERNSHIP, "单位", "是", "六个", "三个月不到")
    assert "已记下：3个月" not in turns[-1] and "3个月" in turns[-1] and "每人见习几个月" in turns[-1]


def test_nearly_sixteen_is_fifteen(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, INTERNSHIP, "个人", "失业青年", "马上十六")
    assert _verdict(turns[-1]) == "不符合" and "15岁" in turns[-1] and "16岁，" not in turns[-1]


def test_twenty_five_next_year_is_twenty_four_now(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, INTERNSHIP, "个人", "失业青年", "明年就满二十五")
    assert _verdict(turns[-1]) == "符合" and "24岁" in turns[-1]


def test_training_done_but_not_examined_is_not_passed(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, TRAINING, "是", "学完了 等着考试哩", "都不是")
    assert _verdict(turns[-1]) not in ("符合", "") and "√ 参加培训并考核合格" not in turns[-1]


def test_an_age_answers_the_age_group(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, "测一测失业登记", "是", "五十六了")
    assert "您是否属于下面的情况" not in turns[-1] and "没能确定" not in turns[-1]


def test_a_birth_year_with_qian_in_the_finder(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, "我能领啥补贴", "个人", "两千零五年的")
    assert "不在合理范围" not in turns[-1] and "2005年" in turns[-1]


def test_the_command_line_chat_reads_a_contract_being_signed(tmp_path) -> None:
    """The same through `policybot chat --json` with a fresh database: no 符合 for 正在签."""
    env = {**os.environ, "POLICYBOT_DB": str(tmp_path / "cli.sqlite3")}
    cli = Path(sys.executable).with_name("policybot")
    lines = "\n".join([LOAN, "小微企业", "三十个人", "九个", "合同正在签着哩"]) + "\n"
    out = subprocess.run([str(cli), "chat", "--json"], input=lines, capture_output=True, text=True, env=env,
                         timeout=120, check=True).stdout
    replies = [json.loads(line) for line in out.splitlines() if line.strip()]
    last = "\n".join(r["text"] for r in replies[-1]["replies"])
    assert _verdict(last) == "不符合" and "300万" not in last


# ---------------------------------------------------------------- 5. a bound inside a longer answer


@pytest.mark.parametrize("said, value", [("马上十六了", 16), ("交了将近三年", 3), ("还差俩月三年", 3), ("不到十六岁", 16)])
def test_a_bound_is_no_answer_of_its_number(said, value) -> None:
    question = _q("internship", "age") if value == 16 else _q("skills_upgrade_subsidy", "insured_years")
    assert E.answers.said_short_of(question, said, value)


@pytest.mark.parametrize("question, said, value", [
    (("internship", "age"), "我儿子十六了", 16),
    (("startup_loan", "staff"), "四十个人 今年快招了十个", 40),
    (("skills_upgrade_subsidy", "employee"), "快三年了", 3),
])
def test_a_number_said_plainly_is_its_answer(question, said, value) -> None:
    assert not E.answers.said_short_of(_q(*question), said, value)


def test_years_nearly_reached_said_with_another_answer_are_asked(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, SKILLS, "对 社保交了将近三年", "有证")
    assert "已记下：3年" not in turns[1] and "参加失业保险（缴费）有几年了" in turns[1]
    assert _verdict(turns[-1]) != "符合"


def test_an_age_nearly_reached_said_with_the_category_is_asked(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, INTERNSHIP, "个人", "失业青年 眼看十六了")
    assert "已记下：16岁" not in turns[-1] and "您今年多少岁" in turns[-1] and _verdict(turns[-1]) == ""


# ---------------------------------------------------------------- 6. a state not reached yet


@pytest.mark.parametrize("program, question, said", [
    ("unemployed_training", "unemployed", "眼看就要失业了"),
    ("skills_upgrade_subsidy", "employee", "下礼拜才去上班"),
    ("returnee_startup", "rural_returnee", "年底才回来"),
    ("job_retention_refund", "insured_enterprise", "下个月才开始交"),
    ("job_retention_refund", "insured_enterprise", "参保手续正在办理"),
])
def test_a_state_still_to_come_is_not_yet(program, question, said) -> None:
    parsed = parse_answer(_q(program, question), said)
    assert parsed.ok and parsed.value is False, parsed


@pytest.mark.parametrize("program, question, said", [
    ("job_retention_refund", "insured_enterprise", "快交够五年了"),
    ("returnee_startup", "wants_startup", "下个月就开店"),
])
def test_a_length_nearly_reached_or_a_plan_asked_is_yes(program, question, said) -> None:
    """快交够五年 says the paying is done (the length is nearly reached); to 有创业的打算吗 a plan
    is the answer."""
    parsed = parse_answer(_q(program, question), said)
    assert parsed.ok and parsed.value is True, parsed


# ---------------------------------------------------------------- 7. more ways to say "nearly"


@pytest.mark.parametrize("said, value", [("小二十", 19), ("再过俩月就二十五", 24), ("十六周岁还差几天", 15)])
def test_more_ways_to_say_an_age_not_reached(said, value) -> None:
    parsed = parse_answer(_q("internship", "age"), said, as_of=AS_OF)
    assert parsed.ok and parsed.value == value, parsed


def test_heading_for_thirty_is_under_thirty() -> None:
    parsed = parse_answer(_q("internship", "age"), "奔三了", as_of=AS_OF)
    assert parsed.value is None and parsed.below == 30 and parsed.range[1] == 29 and parsed.range[0] > 20


def test_twenty_and_several_is_a_range_in_the_twenties() -> None:
    parsed = parse_answer(_q("internship", "age"), "二十好几了", as_of=AS_OF)
    assert parsed.value is None and parsed.range == (21, 29)


def test_nearly_a_sum_is_under_it() -> None:
    parsed = parse_answer(_q("job_retention_refund", "last_year_contribution"), "交了小三万")
    assert parsed.value is None and parsed.below == 30000 and parsed.range[1] < 30000


# ---------------------------------------------------------------- 8. a month of the calendar is no age


@pytest.mark.parametrize("said", ["在读大专 后年七月才毕业", "九月份开学"])
def test_a_calendar_month_is_no_age(said) -> None:
    parsed = parse_answer(_q("finder", "age"), said, as_of=AS_OF)
    assert parsed.value is None and not parsed.ok


def test_an_age_said_beside_a_month_is_read() -> None:
    parsed = parse_answer(_q("finder", "age"), "二十一岁 七月份毕业", as_of=AS_OF)
    assert parsed.ok and parsed.value == 21


def test_a_calendar_month_is_not_recorded_as_an_age(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, "我能领啥补贴", "个人", "在读大专 后年七月才毕业")
    assert "7岁" not in turns[-1] and "您今年多少岁" in turns[-1]


@pytest.mark.parametrize("program, question, said, value", [
    ("finder", "situation", "眼看就毕业了", None),
    ("finder", "situation", "明年才毕业", "other"),
    ("internship", "category", "下个月毕业", "none"),
    ("finder", "situation", "下个月开个面馆", "self_employed"),
])
def test_an_option_still_to_come_is_not_taken(program, question, said, value) -> None:
    """快毕业 is not 离校未就业的高校毕业生 (not yet graduated); an option that is itself a plan
    (想创业或做个体经营) still takes what is to come."""
    parsed = parse_answer(_q(program, question), said)
    assert parsed.value == value and parsed.value != "graduate" and parsed.value != "college_grad", parsed
