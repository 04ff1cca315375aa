"""Questionnaire answers residents type (sixth round).

- Linxia 莫 is 没 (莫有 = 没有): a "no", and a negation inside a choice (莫辞退过人 = 没有裁员);
  约莫 stays a hedge.
- An option described by its meaning (who one starts a business with, how a review went).
- 打错了 + a new sum right after a result changes the money answer and re-judges; 多打了个零 /
  少写了个零 edits the number said before; it is never the number 0.
- A number typed to a yes/no question is never its answer: kept for the one later number
  question that reads it (the contribution in 元), else the question is asked again.
- Spoken sums: 两万三 = 23000 said in the first message, 一万四五 = 14000—15000.

Sentences are our own; 60% is 第四条's 稳岗返还 share.
"""

from __future__ import annotations

import pytest
from test_understanding_review import Person, _engine, kb  # noqa: F401  (fixture)
from test_understanding_review import turns as _turns

import eligibility as E
from eligibility.answers import parse_answer, plain_speech, zero_edit


def _q(program: str, question: str) -> E.Question:
    return E.get_program(program).question(question)


def _conversation(tmp_path, kb, *messages: str) -> str:  # noqa: F811
    """The replies to the last message."""
    return _turns(tmp_path, kb, *messages)[-1]


REFUND = "测一测稳岗返还"


# ---------------------------------------------------------------- 1. dialect negation


@pytest.mark.parametrize("program, question, said, value", [
    ("job_retention_refund", "insured_enterprise", "莫交过", False),
    ("job_retention_refund", "insured_enterprise", "莫有哩", False),
    ("job_retention_refund", "layoffs", "一个人都莫辞退", "none"),
    ("job_retention_refund", "layoffs", "莫有裁过人", "none"),
    ("unemployed_training", "unemployed", "莫活干 在屋里呆着", True),
    ("graduate_grassroots", "graduate", "大学还莫毕业哩", "student"),
    ("unemployed_training", "training", "莫参加过", "none"),
    ("in_job_training", "review", "还莫审核", "pending"),
    ("startup_loan", "office_answer", "莫去问过", "not_asked"),
])
def test_linxia_mo_is_a_negation(program, question, said, value) -> None:
    parsed = parse_answer(_q(program, question), said)
    assert parsed.ok and parsed.value == value, parsed


def test_yue_mo_stays_a_guess_not_a_negation() -> None:
    assert plain_speech("约莫七个月") == "约莫七个月"
    parsed = parse_answer(_q("internship", "months"), "约莫七个月")
    assert parsed.ok and parsed.value == 7 and parsed.approximate


def test_mo_in_a_conversation_answers_no(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, REFUND, "莫交")
    assert "不符合" in text and "没看懂" not in text


# ---------------------------------------------------------------- 2. options by meaning


@pytest.mark.parametrize("said, value", [
    ("我跟表哥两个一块开的", "partnership"),
    ("和老乡几个凑钱弄的", "partnership"),
    ("我们四个人一起搞养殖", "partnership"),
    ("就我自己一个人开个小铺子", "individual"),
    ("自个儿弄", "individual"),
    ("办了个小厂 有十来个工人", "enterprise"),
])
def test_how_one_starts_a_business_said_by_meaning(said, value) -> None:
    parsed = parse_answer(_q("startup_loan", "role"), said)
    assert parsed.ok and parsed.value == value, parsed


@pytest.mark.parametrize("program, question, said, value", [
    ("unemployed_training", "hardship", "屋里一个上班的都没有", "zero_employment"),
    ("unemployed_training", "training", "证已经拿上了", "passed"),
    ("unemployed_training", "training", "考了 没过", "failed"),
    ("in_job_training", "review", "人社局说不行", "failed"),
    ("in_job_training", "review", "已经审过了", "passed"),
    ("graduate_grassroots", "graduate", "本科出来两年了", "graduate"),
    ("graduate_grassroots", "graduate", "只念到初中", "no"),
    ("graduate_grassroots", "interest", "想去乡下学校教娃娃", "tegang"),
    ("startup_loan", "office_answer", "问过了 人家说行", "told_yes"),
    ("internship", "category", "大专出来一年了还在找活", "college_grad"),
])
def test_other_options_said_by_meaning(program, question, said, value) -> None:
    parsed = parse_answer(_q(program, question), said)
    assert parsed.ok and parsed.value == value, parsed


# ---------------------------------------------------------------- 3. money corrected after a result


def test_a_mistyped_sum_corrected_after_the_result_is_rejudged(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, REFUND, "是", "没裁", "交了四万", "哎呀打错了 是六千")
    assert "40000元" in turns[-2]  # the first result
    assert "改为“6000元”" in turns[-1] and "6000元 × 60% = 3600元" in turns[-1]


def test_an_extra_zero_divides_the_sum_said(tmp_path, kb) -> None:  # noqa: F811
    last = _conversation(tmp_path, kb, REFUND, "是", "没裁", "三十万", "输错了 多打了一个零")
    assert "30000元" in last and "18000元" in last and "改为“0元”" not in last


def test_a_missing_zero_multiplies_the_sum_said(tmp_path, kb) -> None:  # noqa: F811
    last = _conversation(tmp_path, kb, REFUND, "是", "没裁", "两千", "说错了 少写了个零")
    assert "20000元" in last and "12000元" in last


@pytest.mark.parametrize("said, power", [("多打了个零", -1), ("少写了两个0", 2), ("多了一个零", -1), ("交了三万", None)])
def test_zero_edit(said, power) -> None:
    assert zero_edit(said) == power


def test_an_extra_zero_is_never_the_number_zero() -> None:
    parsed = parse_answer(_q("job_retention_refund", "last_year_contribution"), "多按了个零")
    assert not parsed.ok and parsed.value is None


# ---------------------------------------------------------------- 4. a number to a yes/no question


@pytest.mark.parametrize("program, question, said", [
    ("job_retention_refund", "insured_enterprise", "七万块"),
    ("unemployed_training", "unemployed", "两千"),
    ("internship", "finished", "八个月"),
])
def test_a_number_is_never_a_yes_or_no(program, question, said) -> None:
    parsed = parse_answer(_q(program, question), said)
    assert not parsed.ok and parsed.value is None and "数" in parsed.error


def test_a_sum_typed_too_early_is_kept_for_its_question(tmp_path, kb) -> None:  # noqa: F811
    turns = _turns(tmp_path, kb, REFUND, "七万块", "交着哩", "一个没裁")
    assert "70000元" in turns[1] and "贵单位是否参加了失业保险" in turns[1]  # kept, asked again
    assert "上年度贵单位实际缴纳的失业保险费是多少元？" not in turns[2]
    assert "70000元（7万元） × 60% = 42000元" in turns[3]


def test_a_sum_kept_for_a_question_that_never_comes_is_not_used(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, REFUND, "七万块", "没参保")
    assert "不符合" in text and "42000" not in text


# ---------------------------------------------------------------- 5. spoken sums


def test_a_spoken_sum_in_the_first_answer_is_read_whole(tmp_path, kb) -> None:  # noqa: F811
    text = _conversation(tmp_path, kb, REFUND, "是的 去年交了两万三")
    assert "23000元" in text and "20000元" not in text


@pytest.mark.parametrize("said, low, high", [("一万四五", 14000, 15000), ("四千七八百", 4700, 4800), ("三万六七千", 36000, 37000)])
def test_two_digits_after_a_place_are_a_range_below_it(said, low, high) -> None:
    parsed = parse_answer(_q("job_retention_refund", "last_year_contribution"), said)
    assert parsed.range == (low, high)


@pytest.mark.parametrize("said, value", [("一千七", 1700), ("两万八", 28000), ("交了三千四", 3400)])
def test_a_single_digit_after_a_place_is_the_place_below(said, value) -> None:
    parsed = parse_answer(_q("job_retention_refund", "last_year_contribution"), said)
    assert parsed.ok and parsed.value == value


@pytest.mark.parametrize("question, said, value", [
    ("role", "替我家娃问一下", "individual"),
    ("role", "莫有单位，就我自己", "individual"),
    ("role", "本科毕业了 在家待着", "individual"),     # a person describing themself
    ("role", "厂子黄了 没活干了", "individual"),       # 没活干 outweighs 厂子
    ("role", "我们厂收了两个中专毕业的", "employer"),  # an employer speaking of the hired
    ("role", "公司招的有残疾人", "employer"),
    ("role", "单位招用了失业人员", "employer"),
    ("role", "厂里招了三个打工的", "employer"),
    ("situation", "跟人合伙开了个小饭馆", "self_employed"),
    ("situation", "大专出来好几年了", "graduate"),
    ("situation", "在外地打工 年前刚回来", "rural_worker"),
    ("situation", "还莫毕业", "other"),
])
def test_the_finder_options_said_by_meaning(question, said, value) -> None:
    parsed = parse_answer(E.FINDER.question(question), said)
    assert parsed.ok and parsed.value == value, parsed


def test_a_negation_ends_with_its_clause() -> None:
    """没 in one clause does not deny the next one: 没毕业，还在念书 is a student."""
    parsed = parse_answer(E.FINDER.question("situation"), "没毕业，还在学校念书")
    assert parsed.ok and parsed.value == "other", parsed


@pytest.mark.parametrize(("said", "value"), [
    ("就走了一个 人家自己辞职的", "none"), ("有两个自己不干了", "none"), ("走了三个", "few"), ("裁了两个", "few"),
])
def test_people_who_quit_are_not_layoffs(said, value) -> None:
    """稳岗返还's 不裁员或少裁员 (第四条): a worker who resigned was not laid off by the company."""
    assert parse_answer(_q("job_retention_refund", "layoffs"), said).value == value
