"""Faults found by residents playing employers and workers, each fixed as a kind of fault.

1. an ended provision is never judged for the past from answers about now;
2. no amount for an ended provision, the live 稳岗返还 amount worked out, no staff placeholder;
3. 见习: only interns who are 见习对象 are paid for; 1200元 needs an achieved retention rate;
4. 技能提升补贴: the questions are about the insured worker, whoever asks;
5. 不清楚 to a condition question does not end the questionnaire;
6. ended parts are marked ended in summaries and results, with no steps to apply;
7. the finder leaves out programmes an answer already rules out.
"""

from __future__ import annotations

from datetime import date

import pytest

import eligibility as E
from eligibility.model import EXPIRED

NOW = date(2026, 11, 29)
LAST_DAY_2019 = date(2019, 12, 31)
FIRST_DAY_2020 = date(2020, 1, 1)


def lines(text: str) -> list[str]:
    return text.split("\n")


def part(result: E.Result, part_id: str) -> E.PartResult:
    return next(p for p in (result.main, *result.extras) if p.id == part_id)


# ---------------------------------------------------------------- 1. no claims about the past

FIRM_NOW = {"insured_enterprise": True, "layoffs": "none", "last_year_contribution": 36000}


def test_a_firm_asking_in_2026_is_told_the_2019_standard_ended_not_that_it_qualified_then() -> None:
    result = E.assess("job_retention_refund", {**FIRM_NOW, "focus": "special_2019"}, NOW)
    special = result.main
    assert special.id == "special_2019" and special.verdict == EXPIRED and special.then_verdict is None
    for text in (result.to_text(), result.to_chat_text()):
        assert "当时符合" not in text and "当时也不符合" not in text and "按您的回答，当时" not in text
        assert "2019年12月31日" in text and "现在：" in text and "60%" in text
    assert result.to_dict()["verdict_text"] == "已到期"


def test_the_2019_standard_runs_to_its_last_day_and_ends_the_day_after() -> None:
    answers = {**FIRM_NOW, "in_difficulty": True, "insured_staff": 10, "monthly_social_insurance": 8000}
    on_last_day = part(E.assess("job_retention_refund", answers, LAST_DAY_2019), "special_2019")
    assert on_last_day.verdict == "符合" and any(e.value == 6 * 8000 * 0.5 for e in on_last_day.estimates)
    day_after = part(E.assess("job_retention_refund", FIRM_NOW, FIRST_DAY_2020), "special_2019")
    assert day_after.verdict == EXPIRED and day_after.then_verdict is None and day_after.estimates == ()


@pytest.mark.parametrize("difficult", [True, False])
def test_even_an_answer_to_a_question_of_that_period_is_not_judged_for_then(difficult: bool) -> None:
    """暂时性困难 read from words said in 2026 (我们现在很困难) is about now, not 2019."""
    answers = {**FIRM_NOW, "in_difficulty": difficult, "insured_staff": 10, "monthly_social_insurance": 8000}
    special = part(E.assess("job_retention_refund", answers, NOW), "special_2019")
    assert special.verdict == EXPIRED and special.then_verdict is None and special.estimates == ()


@pytest.mark.parametrize("program", [p.id for p in E.all_programs()])
def test_no_ended_part_is_judged_for_the_past_from_answers_given_now(program: str) -> None:
    """Every program, every ended part, answered 'yes' to everything that is still asked."""
    prog = E.get_program(program)
    answers: dict = {}
    for _ in range(len(prog.questions)):
        q = E.next_question(prog, answers, NOW)
        if q is None:
            break
        answers[q.id] = (True if q.kind == "yesno" else q.choices[0].value if q.kind == "choice"
                         else q.minimum if q.minimum and q.minimum > 0 else 1)
    result = E.assess(program, answers, NOW)
    for p in (result.main, *result.extras):
        if p.verdict == EXPIRED:
            assert p.then_verdict is None and p.estimates == () and p.what_if == (), (program, p.id)
    for text in (result.to_text(), result.to_chat_text()):
        assert "当时符合" not in text and "当时也不符合" not in text, text


def test_years_insured_now_say_nothing_of_the_relaxed_period() -> None:
    """1.5 years insured in 2026 means insured since 2025: never 'you qualified in 2019—2020'."""
    result = E.assess("skills_upgrade_subsidy", {"employee": True, "insured_years": 1.5, "certificate": True}, NOW)
    assert result.verdict == "不符合"
    hint = " ".join(result.what_if)
    assert "当时是符合" not in hint and "已到期" in hint and "还差1年6个月" in hint


# ---------------------------------------------------------------- 2. 稳岗返还 amounts


def test_the_live_refund_is_worked_out_and_the_ended_standard_gives_no_figure() -> None:
    """Last year's premium of about 20000元 gives 12000元; a figure that reached the monthly
    field of the 2019 standard is never multiplied out after it ended."""
    answers = {**FIRM_NOW, "last_year_contribution": 20000, "monthly_social_insurance": 20000, "insured_staff": 8}
    result = E.assess("job_retention_refund", answers, NOW)
    assert result.verdict == "符合" and result.amount == pytest.approx(12000)
    chat, text = result.to_chat_text(), result.to_text()
    assert "12000" in chat and "60000" not in chat + text and "60000" not in str(result.to_dict())
    assert part(result, "special_2019").estimates == ()


@pytest.mark.parametrize("as_of", [date(2019, 6, 1), NOW])
def test_a_parameter_staff_have_not_filled_never_reaches_residents(as_of: date) -> None:
    answers = {**FIRM_NOW, "in_difficulty": True, "insured_staff": 12}
    result = E.assess("job_retention_refund", answers, as_of)
    for text in (result.to_text(), result.to_chat_text(), str(result.to_dict())):
        assert "待工作人员填写）×" not in text and "当地月人均失业保险金（待工作人员填写" not in text


def test_unknown_premium_gives_the_rule_not_a_number() -> None:
    result = E.assess("job_retention_refund", {"insured_enterprise": True, "layoffs": "none", "last_year_contribution": None}, NOW)
    assert result.verdict == "符合" and result.amount is None
    assert "上年度实际缴纳的失业保险费 × 60%" in result.to_chat_text()


# ---------------------------------------------------------------- 3. 见习: who counts, which rate

HOST = {"role": "host"}


def test_a_unit_not_sure_all_interns_count_is_asked_how_many_do() -> None:
    prog = E.get_program("internship")
    for said in (False, None):  # 否 (a mixed group) or 不清楚
        assert E.next_question(prog, {**HOST, "interns_eligible": said, "interns": 4}, NOW).id == "eligible_interns"
    assert E.next_question(prog, {**HOST, "interns_eligible": True, "interns": 4}, NOW).id == "months"


def test_a_mixed_group_is_paid_only_for_its_interns_who_are_in_scope() -> None:
    """Three new graduates and a 26-year-old who is none of the three kinds: paid for three."""
    answers = {**HOST, "interns_eligible": False, "interns": 4, "eligible_interns": 3, "months": 6, "finished": False}
    result = E.assess("internship", answers, NOW)
    assert result.verdict == "符合" and result.amount == 3 * 6 * 1000
    chat = result.to_chat_text()
    assert "3人 × 6个月 × 1000元" in chat and "4人 × 6个月" not in chat
    assert "4人中3人属于见习对象" in chat


@pytest.mark.parametrize(("count", "verdict"), [(0, "不符合"), (5, "需核实"), (None, "需核实")])
def test_none_in_scope_or_a_count_that_cannot_be_is_not_paid(count: int | None, verdict: str) -> None:
    answers = {**HOST, "interns_eligible": False, "interns": 4, "eligible_interns": count, "months": 6, "finished": False}
    result = E.assess("internship", answers, NOW)
    assert result.verdict == verdict and result.amount is None


def test_a_plan_to_keep_interns_is_not_an_achieved_rate() -> None:
    prog = E.get_program("internship")
    planned = {**HOST, "interns_eligible": True, "interns": 4, "months": 6, "finished": False}
    assert E.next_question(prog, planned, NOW) is None  # 留用几人 is only asked once it has ended
    result = E.assess("internship", {**planned, "retained": 2}, NOW)  # a stray 想留两个 is not taken
    assert result.amount == 4 * 6 * 1000
    assert any("1200元" in w and "见习期满" in w for w in result.what_if)


@pytest.mark.parametrize(("retained", "rate"), [(1, 1000), (2, 1200), (3, 1200)])
def test_the_1200_tier_starts_at_exactly_half_kept_on(retained: int, rate: int) -> None:
    answers = {**HOST, "interns_eligible": True, "interns": 4, "months": 5, "finished": True, "retained": retained}
    assert E.assess("internship", answers, NOW).amount == 4 * 5 * rate


# ---------------------------------------------------------------- 4. questions about the worker


def test_skills_questions_are_about_the_insured_worker_whoever_asks() -> None:
    prog = E.get_program("skills_upgrade_subsidy")
    first = prog.questions[0]
    assert "职工本人申请" in first.prompt and "替职工问" in first.prompt
    for q in prog.questions:
        assert "该职工" in q.prompt, q.id


# ---------------------------------------------------------------- 5. 不清楚 to a first condition


@pytest.mark.parametrize(("program", "first", "rest"), [
    ("skills_upgrade_subsidy", "employee", {"insured_years": 4, "certificate": True}),
    ("job_retention_refund", "insured_enterprise", {"layoffs": "none", "last_year_contribution": 10000}),
    ("unemployed_training", "unemployed", {"training": "passed", "hardship": "neither"}),
    ("rural_public_jobs", "rural_labour", {"poor": True}),
])
def test_not_knowing_a_condition_goes_on_and_marks_it_to_verify(program: str, first: str, rest: dict) -> None:
    prog = E.get_program(program)
    assert prog.question(first).unknown_goes_on and prog.question(first).help
    answers = {first: None}
    nxt = E.next_question(prog, answers, NOW)
    assert nxt is not None and nxt.id in rest
    result = E.assess(program, {**answers, **rest}, NOW)
    if result.verdict != EXPIRED:
        assert result.verdict == "需核实"
        check = next(c for c in result.checks if c.id == first)
        assert check.asked and check.status == "unknown"
        assert f"{check.text}：待核实" in result.to_text() and f"？ {check.text}（待核实）" in result.to_chat_text()


def test_not_knowing_who_one_is_still_stops_at_that_branch() -> None:
    """个人还是单位 is a branch, not a condition: 不清楚 asks nothing of either side."""
    prog = E.get_program("internship")
    assert not prog.question("role").unknown_goes_on
    assert E.next_question(prog, {"role": None}, NOW) is None


# ---------------------------------------------------------------- 6. ended parts marked ended


@pytest.mark.parametrize("program", [p.id for p in E.all_programs()])
def test_a_summary_naming_an_ended_period_says_it_ended(program: str) -> None:
    prog = E.get_program(program)
    ctx = E.default_context()
    for p in prog.parts:
        if not p.period:
            continue
        start, end = ctx.params.window(p.period)
        if end and end < NOW and start and str(start.year) in prog.summary:
            assert "到期" in prog.summary, prog.summary


def test_an_ended_post_plan_offers_no_steps_to_apply_but_whom_to_ask() -> None:
    result = E.assess("rural_public_jobs", {"rural_labour": True, "poor": True}, NOW)
    assert result.verdict == EXPIRED
    chat = result.to_chat_text()
    assert "县（市）人社部门" in chat and "12333" in chat and "不再执行" in chat
    # the workshops (no end date) are still open: their steps are said to be for them only
    assert "怎么申请（仅适用于仍在执行的扶贫车间和就近务工）" in chat
    alone = E.assess("in_job_training", {"difficult_enterprise": True, "training_organised": True,
                                         "fund_insufficient": False}, NOW)
    assert alone.verdict == EXPIRED and "怎么申请" not in alone.to_chat_text() + alone.to_text()
    assert alone.to_dict()["how_to_apply"]["steps"] == [] and "12333" in alone.to_dict()["how_to_apply"]["ended"]


def test_a_live_result_keeps_its_steps() -> None:
    result = E.assess("job_retention_refund", FIRM_NOW, NOW)
    assert "怎么申请：" in result.to_chat_text() and result.to_dict()["how_to_apply"]["ended"] == ""


# ---------------------------------------------------------------- 7. the finder


def test_a_farmer_of_51_is_not_offered_graduate_programmes() -> None:
    found = {m.program.id: m.verdict for m in E.find_programs(
        {"role": "individual", "age": 51, "situation": "rural_worker"}, as_of=NOW)}
    assert "graduate_grassroots" not in found and "internship" not in found
    graduate = {m.program.id: m.verdict for m in E.find_programs(
        {"role": "individual", "age": 23, "situation": "graduate"}, as_of=NOW)}
    assert graduate.get("graduate_grassroots") == "符合" and graduate.get("internship") == "符合"
