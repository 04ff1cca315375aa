"""Lenient answer parsing: what residents type -> a value, unknown, or a re-ask hint."""

from __future__ import annotations

import pytest

from eligibility import get_program, parse_answer
from eligibility.answers import chinese_to_number
from eligibility.model import Question

AGE = get_program("internship").question("age")  # number, 岁, 1..120
MONEY = get_program("job_retention_refund").question("last_year_contribution")  # number, 元, decimals
YEARS = get_program("skills_upgrade_subsidy").question("insured_years")  # number, 年, decimals
MONTHS = get_program("internship").question("months")  # number, 个月
RETAINED = get_program("internship").question("retained")  # number, 人, from 0
YES_NO = get_program("skills_upgrade_subsidy").question("certificate")
CATEGORY = get_program("internship").question("category")
DATE = Question("start", "什么时候开始？", "date")


@pytest.mark.parametrize(("question", "text", "value"), [
    (AGE, "23", 23),
    (AGE, "二十三", 23),
    (AGE, "20岁", 20),
    (AGE, "我今年十六岁", 16),
    (AGE, "２４", 24),  # full-width digits
    (MONEY, "两百", 200),
    (MONEY, "1.5万", 15000),
    (MONEY, "15万元", 150000),
    (MONEY, "80,000元", 80000),
    (MONEY, "一万五", 15000),
    (MONEY, "一百零五", 105),
    (MONTHS, "3个月", 3),
    (MONTHS, "一年", 12),
    (YEARS, "1.5", 1.5),
    (YEARS, "一年半", 1.5),
    (YEARS, "18个月", 1.5),
    (RETAINED, "没有", 0),
])
def test_numbers(question: Question, text: str, value: float) -> None:
    parsed = parse_answer(question, text)
    assert parsed.ok and not parsed.unknown, parsed.error
    assert parsed.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["是", "对", "有", "嗯", "好的", "是的，我有", "已经考了"])
def test_yes(text: str) -> None:
    assert parse_answer(YES_NO, text).value is True


@pytest.mark.parametrize("text", ["没有", "不是", "否", "无", "没", "还没考"])
def test_no(text: str) -> None:
    parsed = parse_answer(YES_NO, text)
    assert parsed.ok and parsed.value is False


@pytest.mark.parametrize("question", [AGE, YES_NO, CATEGORY, MONEY, DATE])
@pytest.mark.parametrize("text", ["不清楚", "不知道", "跳过", "？"])
def test_every_question_accepts_unknown(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)
    assert parsed.ok and parsed.unknown and parsed.value is None


@pytest.mark.parametrize(("text", "value"), [
    ("1", "college_grad"), ("第三个", "unemployed_youth"), ("4", "none"),
    ("失业青年", "unemployed_youth"), ("高校毕业生", "college_grad"), ("都不是", "none"),
])
def test_choice_by_number_or_label(text: str, value: str) -> None:
    assert parse_answer(CATEGORY, text).value == value


@pytest.mark.parametrize(("question", "text"), [
    (AGE, "300"), (AGE, "三百岁"), (AGE, "-5"), (AGE, "23.5"), (AGE, "很年轻"), (AGE, "20到30"),
    (YES_NO, "香蕉"), (CATEGORY, "9"), (CATEGORY, "毕业生"), (MONEY, ""), (DATE, "明天"), (DATE, "2019年2月30日"),
    (AGE, "好" * 300),
])
def test_unparseable_gets_a_reask_hint_not_an_exception(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)
    assert not parsed.ok and parsed.value is None
    assert "请" in parsed.error  # a hint in Chinese on how to answer


def test_choice_hint_lists_the_options_by_number() -> None:
    error = parse_answer(CATEGORY, "随便").error
    assert "1." in error and CATEGORY.choices[0].label in error


@pytest.mark.parametrize(("text", "iso"), [("2019-06-01", "2019-06-01"), ("2019年6月1日", "2019-06-01"), ("2019年6月", "2019-06-01")])
def test_dates(text: str, iso: str) -> None:
    assert parse_answer(DATE, text).value == iso


@pytest.mark.parametrize(("text", "value"), [("十", 10), ("十五", 15), ("两百", 200), ("三百五", 350), ("一万", 10000)])
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_to_number(text) == value


@pytest.mark.parametrize("question", [AGE, YES_NO, CATEGORY])
def test_every_button_parses_back(question: Question) -> None:
    for label in question.buttons():
        assert parse_answer(question, label).ok, label
    assert question.buttons()[-1] == "不清楚"


# ---------------------------------------------------------------- bounds, guesses, doubt


@pytest.mark.parametrize(("question", "text"), [
    (YEARS, "不到三年"),
    (YEARS, "不足一年"),
    (YEARS, "未满1年"),
    (YEARS, "快三年了"),
    (AGE, "不满16岁"),
    (AGE, "16岁以下"),
    (MONTHS, "不到3个月"),
    (MONTHS, "12个月以内"),
    # an upper-limited number: "二十多岁" may be 28, "12个月以上" may be 13
    (AGE, "二十多岁"),
    (AGE, "24岁以上"),
    (MONTHS, "12个月以上"),
])
def test_bound_is_reasked_for_the_exact_number(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)
    assert not parsed.ok and parsed.value is None and not parsed.unknown
    assert "具体的数字" in parsed.error


@pytest.mark.parametrize(("text", "value"), [("三年多", 3), ("1年多", 1), ("3年以上", 3)])
def test_at_least_is_kept_for_a_minimum_rule(text: str, value: float) -> None:
    parsed = parse_answer(YEARS, text)  # 参保N年以上: "三年多" meets "3年以上" honestly
    assert parsed.ok and parsed.value == value


def test_under_three_years_no_longer_passes_the_three_year_rule() -> None:
    """Before: "不到三年" was read as 3 and 技术技能提升补贴 said 符合 in 2026."""
    parsed = parse_answer(YEARS, "不到三年")
    assert parsed.error and parsed.value is None


@pytest.mark.parametrize("question", [YES_NO, YEARS, CATEGORY])
@pytest.mark.parametrize("text", ["不是很清楚", "不太清楚", "不确定", "说不准"])
def test_doubt_is_unknown_not_yes_or_no(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)  # before: 不是很清楚 -> 否 (不 prefix)
    assert parsed.ok and parsed.unknown and parsed.value is None


@pytest.mark.parametrize("question", [YEARS, CATEGORY])
@pytest.mark.parametrize("text", ["有可能", "可能吧", "也许"])
def test_a_bare_hedge_says_nothing_to_a_number_or_a_choice(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)
    assert parsed.ok and parsed.unknown and parsed.value is None


@pytest.mark.parametrize("text", ["有可能", "可能吧", "也许"])
def test_a_bare_hedge_to_a_yes_no_question_is_a_tentative_yes(text: str) -> None:
    """Issue 12: a hedge is a tentative yes (shown as such in the result), no longer 不清楚."""
    parsed = parse_answer(YES_NO, text)
    assert parsed.ok and parsed.value is True and parsed.tentative and not parsed.unknown


def test_skills_question_does_not_say_continuous() -> None:
    assert "连续" not in YEARS.prompt + YEARS.help  # the document never says 连续缴费
