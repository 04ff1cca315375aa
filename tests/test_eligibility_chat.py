"""Reviewer's defects: 3—12个月, invented procedure steps, judging before 2019, the chat rendering."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import eligibility as E
from eligibility.model import wan, yuan
from eligibility.result import verdict_text

D2018 = date(2018, 6, 1)
D2019 = date(2019, 6, 1)
NOW = date(2026, 11, 26)
HOST = {"role": "host", "interns_eligible": True, "finished": True}
YOUTH = {"role": "intern", "category": "unemployed_youth", "age": 20}
DATA = Path(E.__file__).parent

# A typical complete answer set per program (both sides where a program has two).
TYPICAL = [
    ("internship", YOUTH),
    ("internship", {"role": "intern", "category": "college_grad"}),
    ("internship", {**HOST, "interns": 3, "months": 6, "retained": 2}),
    ("skills_upgrade_subsidy", {"employee": True, "insured_years": 2, "certificate": True}),
    ("job_retention_refund", {"insured_enterprise": True, "layoffs": "none", "last_year_contribution": 80000,
                              "in_difficulty": True, "insured_staff": 20, "monthly_social_insurance": 50000}),
    ("startup_loan", {"role": "individual", "office_answer": "told_yes"}),
    ("startup_loan", {"role": "enterprise", "staff": 20, "new_hires": 5, "contracts": True}),
    ("unemployed_training", {"unemployed": True, "training": "passed", "hardship": "hard_to_employ",
                             "receiving_ui": False, "allowance_this_year": False}),
    ("in_job_training", {"difficult_enterprise": True, "training_organised": True, "fund_insufficient": True, "review": "passed"}),
    ("employment_assistance", {"unemployed": True, "difficulty_group": "older", "ui_eligible": True, "living_hardship": True}),
    ("returnee_startup", {"rural_returnee": True, "wants_startup": True}),
    ("rural_public_jobs", {"rural_labour": True, "poor": True}),
    ("graduate_grassroots", {"graduate": "graduate", "interest": "sanzhi"}),
    ("incubation_base", {"role": "base", "recognised_base": True}),
    ("incubation_base", {"role": "starter", "unemployed": True, "starting_business": True}),
]
IDS = [f"{p}-{a.get('role', i)}" for i, (p, a) in enumerate(TYPICAL)]


def test_typical_answers_cover_every_program() -> None:
    assert {p for p, _ in TYPICAL} == {p.id for p in E.all_programs()}


# ---------------------------------------------------------------- 3—12个月


def test_internship_over_twelve_months_is_not_met_and_not_paid_for_twelve() -> None:
    result = E.assess("internship", {**HOST, "interns": 1, "months": 13, "retained": 1}, NOW)
    assert result.verdict == "不符合" and result.amount is None
    months = next(c for c in result.checks if c.id == "months")
    assert months.status == "not_met" and "13个月，超过文件规定的3—12个月" in months.note
    assert any("如果见习期安排在3—12个月内" in w for w in result.what_if)


@pytest.mark.parametrize("months", [3, 12])
def test_internship_boundaries_stay_met(months: int) -> None:
    result = E.assess("internship", {**HOST, "interns": 2, "months": months, "retained": 0}, NOW)
    assert result.verdict == "符合" and result.amount == 2 * months * 1000


def test_no_text_caps_long_internships_at_twelve_months() -> None:
    texts = [E.assess(p, a, NOW).to_text() for p, a in TYPICAL]
    texts.append(E.assess("internship", {**HOST, "interns": 1, "months": 13, "retained": 1}, NOW).to_text())
    texts += [f.read_text(encoding="utf-8") for f in [*DATA.glob("programs/*.py"), *DATA.glob("data/*.yaml")]]
    assert not [t for t in texts if "按12个月计" in t]


# ---------------------------------------------------------------- procedures say only what the document says


def test_procedure_steps_do_not_invent_timing_or_the_bank() -> None:
    text = (DATA / "data" / "procedures.yaml").read_text(encoding="utf-8")
    assert "见习期间或期满后" not in text
    assert "由经办银行发放贷款" not in text
    assert "向所在地人社部门申请就业见习补贴（申请时间和材料以经办机构要求为准）" in text
    assert "按经办机构要求提交申请，审核通过后办理贷款和贴息（具体流程以经办机构要求为准）" in text


# ---------------------------------------------------------------- before the document took effect


@pytest.mark.parametrize(("program", "answers"), TYPICAL, ids=IDS)
def test_every_program_before_2019_gives_a_sensible_result(program: str, answers: dict) -> None:
    result = E.assess(program, answers, D2018)  # before: ValueError / TypeError for three programs
    assert result.verdict in E.VERDICTS
    result.to_text(), result.to_chat_text(), result.to_dict()
    if result.verdict == "不符合":
        assert result.amount is None


@pytest.mark.parametrize(("program", "answers"), [
    ("internship", {**HOST, "interns": 3, "months": 6, "retained": 2}),
    ("job_retention_refund", {"insured_enterprise": True, "layoffs": "none", "last_year_contribution": 80000}),
    ("startup_loan", {"role": "individual", "office_answer": "told_yes"}),
    ("startup_loan", {"role": "enterprise", "staff": 20, "new_hires": 5, "contracts": True}),
    ("returnee_startup", {"rural_returnee": True, "wants_startup": True}),
])
def test_provision_not_yet_in_force_says_so(program: str, answers: dict) -> None:
    result = E.assess(program, answers, D2018)
    assert result.verdict == "不符合" and result.amount is None
    assert result.main.not_in_force
    assert any("尚未施行" in n and "2019年1月1日" in n for n in result.main.notes)
    assert "尚未施行" in result.to_text() and "尚未施行" in result.to_chat_text()
    assert not result.what_if


def test_job_retention_refund_2018_is_not_eligible_without_a_rate() -> None:
    result = E.assess("job_retention_refund", {"insured_enterprise": True, "layoffs": "none", "last_year_contribution": 80000}, D2018)
    assert result.verdict == "不符合"  # before: 符合, with no rate
    assert E.assess("job_retention_refund", {"insured_enterprise": True, "layoffs": "none", "last_year_contribution": 80000},
                    date(2019, 1, 1)).amount == 48000


# ---------------------------------------------------------------- the chat rendering


@pytest.mark.parametrize("as_of", [D2019, NOW])
@pytest.mark.parametrize(("program", "answers"), TYPICAL, ids=IDS)
def test_chat_text_is_short_and_complete(program: str, answers: dict, as_of: date) -> None:
    result = E.assess(program, answers, as_of)
    text = result.to_chat_text()
    assert len(text) <= 700, (len(text), text)
    first, second = text.splitlines()[:2]
    assert first.startswith("【") and first.endswith("】")
    assert second.startswith(f"结果：{verdict_text(result.main)}（") and f"{as_of.year}年" in second
    assert second.startswith(f"结果：{result.verdict}")
    if result.amount_kind == "maximum":
        assert f"最高可贷{wan(result.amount)}" in text
    elif result.amount is not None:
        assert yuan(result.amount) in text
    assert "依据：临州府发〔2019〕3号" in text and "查看原文" in text
    assert "12333" in text
    assert text.endswith("结果仅供参考，以经办机构审核为准。")
    assert not [c.sentence for c in result.checks if len(c.sentence) > 30 and c.sentence in text]  # no full quotes
    assert "县（市）" in text or "县人社" not in text


def test_chat_text_for_unemployed_youth_shows_only_the_category_that_applies() -> None:
    text = E.assess("internship", YOUTH, NOW).to_chat_text()
    assert "√ 16—24岁失业青年" in text
    assert not [line for line in text.splitlines() if line.startswith("×")]
    assert "高校毕业生" not in text and "中职毕业生" not in text


def test_chat_text_when_no_category_applies_is_one_line() -> None:
    text = E.assess("internship", {**YOUTH, "age": 25}, NOW).to_chat_text()
    crosses = [line for line in text.splitlines() if line.startswith("×")]
    assert len(crosses) == 1 and "不属于" in crosses[0] and "25岁" in crosses[0]


def test_chat_text_much_shorter_than_full_text() -> None:
    answers = {"unemployed": True, "difficulty_group": "older", "ui_eligible": True, "living_hardship": True}
    result = E.assess("employment_assistance", answers, NOW)
    assert len(result.to_text()) > 1000 and len(result.to_chat_text()) <= 600
    assert result.checks[0].sentence in result.to_text()  # to_text keeps the quoted sentences for the CLI
