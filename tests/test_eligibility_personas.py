"""Personas: expected verdicts and amounts worked out by hand from 临州府发〔2019〕3号.

Each amount is written as the document's arithmetic (interns x months x rate, 60% of the
contributions), not copied from the engine's output. The edges the issue lists are here:
ages 16/24 in and 15/25 out, 25% exactly, staff 100 vs 101 and 15% at 101, insurance of
exactly 1 year, retention of exactly 50%, 3 and 12 months, and the same persona judged as of
2019-06-01 and as of 2026-11-26.
"""

from __future__ import annotations

from datetime import date

import pytest

import eligibility as E

D2018 = date(2018, 6, 1)
D2019 = date(2019, 6, 1)
NOW = date(2026, 11, 26)

INTERN = {"role": "intern"}
HOST = {"role": "host", "interns_eligible": True, "finished": True}
EMPLOYEE = {"employee": True, "certificate": True}
FIRM = {"insured_enterprise": True, "layoffs": "none", "last_year_contribution": 80000}
SME = {"role": "enterprise", "contracts": True}
TRAINEE = {"unemployed": True, "training": "passed", "hardship": "neither"}
TRAINING_FIRM = {"difficult_enterprise": True, "training_organised": True, "fund_insufficient": True, "review": "passed"}
LOAN_CAP = 150000  # 最高不超过15万元
SME_CAP = 3000000  # 最高不超过300万元

# (id, program, answers, as_of, verdict, amount)
PERSONAS = [
    # ---- 就业见习, the young person
    ("intern-college-grad", "internship", {**INTERN, "category": "college_grad"}, NOW, "符合", None),
    ("intern-vocational-grad", "internship", {**INTERN, "category": "vocational_grad"}, NOW, "符合", None),
    ("intern-youth-16", "internship", {**INTERN, "category": "unemployed_youth", "age": 16}, NOW, "符合", None),
    ("intern-youth-24", "internship", {**INTERN, "category": "unemployed_youth", "age": 24}, NOW, "符合", None),
    ("intern-youth-15", "internship", {**INTERN, "category": "unemployed_youth", "age": 15}, NOW, "不符合", None),
    ("intern-youth-25", "internship", {**INTERN, "category": "unemployed_youth", "age": 25}, NOW, "不符合", None),
    ("intern-youth-age-unknown", "internship", {**INTERN, "category": "unemployed_youth", "age": None}, NOW, "需核实", None),
    ("intern-youth-before-2019", "internship", {**INTERN, "category": "unemployed_youth", "age": 20}, D2018, "不符合", None),
    ("intern-none-of-these", "internship", {**INTERN, "category": "none"}, NOW, "不符合", None),
    ("intern-category-unknown", "internship", {**INTERN, "category": None}, NOW, "需核实", None),
    # ---- 就业见习, the host unit
    ("host-3x6-kept-1", "internship", {**HOST, "interns": 3, "months": 6, "retained": 1}, NOW, "符合", 3 * 6 * 1000),
    ("host-retention-exactly-50", "internship", {**HOST, "interns": 4, "months": 6, "retained": 2}, NOW, "符合", 4 * 6 * 1200),
    ("host-retention-25", "internship", {**HOST, "interns": 4, "months": 6, "retained": 1}, NOW, "符合", 4 * 6 * 1000),
    ("host-3-months", "internship", {**HOST, "interns": 2, "months": 3, "retained": 0}, NOW, "符合", 2 * 3 * 1000),
    ("host-12-months", "internship", {**HOST, "interns": 2, "months": 12, "retained": 0}, NOW, "符合", 2 * 12 * 1000),
    ("host-2-months", "internship", {**HOST, "interns": 2, "months": 2, "retained": 0}, NOW, "不符合", None),
    ("host-13-months-over-12", "internship", {**HOST, "interns": 1, "months": 13, "retained": 1}, NOW, "不符合", None),  # 3—12个月
    ("host-before-2019", "internship", {**HOST, "interns": 3, "months": 6, "retained": 1}, D2018, "不符合", None),
    ("retention-before-2019", "job_retention_refund", FIRM, D2018, "不符合", None),
    ("loan-individual-before-2019", "startup_loan", {"role": "individual", "office_answer": "told_yes"}, D2018, "不符合", None),
    ("host-retention-unknown", "internship", {**HOST, "interns": 3, "months": 4, "retained": None}, NOW, "符合", 3 * 4 * 1000),
    ("host-ineligible-interns", "internship", {**HOST, "interns_eligible": False, "interns": 3, "eligible_interns": 0, "months": 6},
     NOW, "不符合", None),
    # A mixed group: two of five are 见习对象, so the subsidy is for two (the rate is of all five).
    ("host-mixed-group", "internship", {**HOST, "interns_eligible": False, "interns": 5, "eligible_interns": 2, "months": 4,
                                        "retained": 1}, NOW, "符合", 2 * 4 * 1000),
    ("host-not-sure-who-counts", "internship", {**HOST, "interns_eligible": None, "interns": 5, "eligible_interns": None,
                                                "months": 4}, NOW, "需核实", None),
    ("host-still-interning", "internship", {**HOST, "finished": False, "interns": 2, "months": 6}, NOW, "符合", 2 * 6 * 1000),
    ("host-in-2019", "internship", {**HOST, "interns": 3, "months": 6, "retained": 1}, D2019, "符合", 3 * 6 * 1000),
    # ---- 技术技能提升补贴: 1 year in 2019-2020, 3 years otherwise
    ("skills-1.5y-2019", "skills_upgrade_subsidy", {**EMPLOYEE, "insured_years": 1.5}, D2019, "符合", None),
    ("skills-1.5y-2026", "skills_upgrade_subsidy", {**EMPLOYEE, "insured_years": 1.5}, NOW, "不符合", None),
    ("skills-exactly-1y-2019", "skills_upgrade_subsidy", {**EMPLOYEE, "insured_years": 1}, D2019, "符合", None),
    ("skills-exactly-1y-2026", "skills_upgrade_subsidy", {**EMPLOYEE, "insured_years": 1}, NOW, "不符合", None),
    ("skills-exactly-3y-2026", "skills_upgrade_subsidy", {**EMPLOYEE, "insured_years": 3}, NOW, "符合", None),
    ("skills-0.9y-2019", "skills_upgrade_subsidy", {**EMPLOYEE, "insured_years": 0.9}, D2019, "不符合", None),
    ("skills-2y-before-relaxation", "skills_upgrade_subsidy", {**EMPLOYEE, "insured_years": 2}, D2018, "不符合", None),
    ("skills-certificate-unknown", "skills_upgrade_subsidy", {**EMPLOYEE, "insured_years": 5, "certificate": None}, NOW, "需核实", None),
    ("skills-not-employee", "skills_upgrade_subsidy", {"employee": False}, NOW, "不符合", None),
    # ---- 稳岗返还: 60% of last year's contributions
    ("retention-no-layoffs", "job_retention_refund", FIRM, NOW, "符合", 80000 * 0.6),
    ("retention-few-layoffs", "job_retention_refund", {**FIRM, "layoffs": "few"}, NOW, "需核实", 80000 * 0.6),
    ("retention-many-layoffs", "job_retention_refund", {**FIRM, "layoffs": "many"}, NOW, "不符合", None),
    ("retention-not-insured", "job_retention_refund", {"insured_enterprise": False}, NOW, "不符合", None),
    ("retention-2019", "job_retention_refund", {**FIRM, "last_year_contribution": 150000}, D2019, "符合", 150000 * 0.6),
    # ---- 创业担保贷款
    # The document does not define the loan conditions: what counts is what the office said.
    ("loan-individual", "startup_loan", {"role": "individual", "office_answer": "told_yes"}, NOW, "符合", LOAN_CAP),
    ("loan-individual-no", "startup_loan", {"role": "individual", "office_answer": "told_no"}, NOW, "不符合", None),
    ("loan-individual-unknown", "startup_loan", {"role": "individual", "office_answer": None}, NOW, "需核实", None),  # a cap is no amount of a 需核实
    ("loan-individual-not-asked", "startup_loan", {"role": "individual", "office_answer": "not_asked"}, NOW, "需核实", None),
    ("loan-partnership", "startup_loan", {"role": "partnership", "office_answer": "told_yes"}, NOW, "符合", None),
    ("loan-sme-100-staff-25", "startup_loan", {**SME, "staff": 100, "new_hires": 25}, NOW, "符合", SME_CAP),
    ("loan-sme-100-staff-24", "startup_loan", {**SME, "staff": 100, "new_hires": 24}, NOW, "不符合", None),
    ("loan-sme-101-staff-16", "startup_loan", {**SME, "staff": 101, "new_hires": 16}, NOW, "符合", SME_CAP),
    ("loan-sme-101-staff-15", "startup_loan", {**SME, "staff": 101, "new_hires": 15}, NOW, "不符合", None),
    ("loan-sme-20-staff-25pct", "startup_loan", {**SME, "staff": 20, "new_hires": 5}, NOW, "符合", SME_CAP),
    ("loan-sme-120-staff-15pct", "startup_loan", {**SME, "staff": 120, "new_hires": 18}, NOW, "符合", SME_CAP),
    ("loan-sme-short-contracts", "startup_loan", {**SME, "staff": 20, "new_hires": 10, "contracts": False}, NOW, "不符合", None),
    # ---- 失业人员培训
    ("training-passed", "unemployed_training", TRAINEE, NOW, "符合", None),
    ("training-in-progress", "unemployed_training", {**TRAINEE, "training": "in_progress"}, NOW, "需核实", None),
    ("training-not-unemployed", "unemployed_training", {"unemployed": False}, NOW, "不符合", None),
    ("training-none", "unemployed_training", {**TRAINEE, "training": "none"}, NOW, "不符合", None),
    ("training-not-passed", "unemployed_training", {**TRAINEE, "training": "failed"}, NOW, "不符合", None),  # 培训合格的
    ("training-unknown", "unemployed_training", {**TRAINEE, "training": None}, NOW, "需核实", None),
    # ---- 困难企业职工在岗培训 (2019 only)
    ("in-job-2019", "in_job_training", TRAINING_FIRM, D2019, "符合", None),
    ("in-job-last-day", "in_job_training", TRAINING_FIRM, date(2019, 12, 31), "符合", None),
    ("in-job-day-after", "in_job_training", TRAINING_FIRM, date(2020, 1, 1), "已到期", None),
    ("in-job-2026", "in_job_training", TRAINING_FIRM, NOW, "已到期", None),
    ("in-job-fund-enough", "in_job_training", {**TRAINING_FIRM, "fund_insufficient": False}, D2019, "不符合", None),
    # 不足部分经所在地人社部门审核评估合格后
    ("in-job-not-reviewed", "in_job_training", {**TRAINING_FIRM, "review": "pending"}, D2019, "需核实", None),
    ("in-job-review-failed", "in_job_training", {**TRAINING_FIRM, "review": "failed"}, D2019, "不符合", None),
    ("in-job-review-failed-2026", "in_job_training", {**TRAINING_FIRM, "review": "failed"}, NOW, "已到期", None),
    # ---- 就业援助
    ("assistance-unemployed", "employment_assistance", {"unemployed": True}, NOW, "符合", None),
    ("assistance-employed", "employment_assistance", {"unemployed": False}, NOW, "不符合", None),
    ("assistance-unknown", "employment_assistance", {"unemployed": None}, NOW, "需核实", None),
    # ---- 返乡创业
    ("returnee", "returnee_startup", {"rural_returnee": True, "wants_startup": True}, NOW, "符合", None),
    ("returnee-no-plan", "returnee_startup", {"rural_returnee": True, "wants_startup": False}, NOW, "不符合", None),
    # ---- 乡村公益性岗位 (2019—2020)
    ("rural-posts-2019", "rural_public_jobs", {"rural_labour": True, "poor": True}, D2019, "符合", None),
    ("rural-posts-last-day", "rural_public_jobs", {"rural_labour": True, "poor": True}, date(2020, 12, 31), "符合", None),
    ("rural-posts-2021", "rural_public_jobs", {"rural_labour": True, "poor": True}, date(2021, 1, 1), "已到期", None),
    ("rural-posts-2026", "rural_public_jobs", {"rural_labour": True, "poor": True}, NOW, "已到期", None),
    # ---- 高校毕业生基层项目: the clause asks only for a 高校毕业生 (details: each year's notice)
    ("grassroots-graduate", "graduate_grassroots", {"graduate": "graduate", "interest": "sanzhi"}, NOW, "符合", None),
    ("grassroots-student", "graduate_grassroots", {"graduate": "student", "interest": "all"}, NOW, "不符合", None),
    ("grassroots-not-graduate", "graduate_grassroots", {"graduate": "no"}, NOW, "不符合", None),
    # ---- 创业孵化基地
    ("incubator-recognised", "incubation_base", {"role": "base", "recognised_base": True}, NOW, "需核实", None),
    ("incubator-not-recognised", "incubation_base", {"role": "base", "recognised_base": False}, NOW, "不符合", None),
    ("incubator-starter", "incubation_base", {"role": "starter", "unemployed": True, "starting_business": True}, NOW, "需核实", None),
    ("incubator-starter-employed", "incubation_base", {"role": "starter", "unemployed": False}, NOW, "不符合", None),
    ("incubator-role-unknown", "incubation_base", {"role": None}, NOW, "需核实", None),
]


def test_at_least_forty_personas_covering_every_program() -> None:
    assert len(PERSONAS) >= 40
    assert {p[1] for p in PERSONAS} == {p.id for p in E.all_programs()}


@pytest.mark.parametrize(("program", "answers", "as_of", "verdict", "amount"), [p[1:] for p in PERSONAS],
                         ids=[p[0] for p in PERSONAS])
def test_persona(program: str, answers: dict, as_of: date, verdict: str, amount: float | None) -> None:
    result = E.assess(program, answers, as_of)
    assert result.verdict == verdict, result.to_text()
    if amount is None:
        assert verdict == "不符合" or result.amount is None
    else:
        assert result.amount == pytest.approx(amount)


def test_same_persona_two_dates_says_what_changed() -> None:
    """1.5 years insured: 符合 in 2019, 不符合 in 2026 — and the 2026 result names the old period."""
    answers = {**EMPLOYEE, "insured_years": 1.5}
    then = E.assess("skills_upgrade_subsidy", answers, D2019)
    now = E.assess("skills_upgrade_subsidy", answers, NOW)
    assert (then.verdict, now.verdict) == ("符合", "不符合")
    assert any("2020年12月31日" in w for w in then.what_if)  # warned the relaxation ends
    assert any("2019年1月1日至2020年12月31日" in w and "还差1年6个月" in w for w in now.what_if)


def test_special_2019_standard_expires_but_main_refund_does_not() -> None:
    answers = {**FIRM, "in_difficulty": True, "insured_staff": 20, "monthly_social_insurance": 50000}
    then = E.assess("job_retention_refund", answers, D2019)
    special = next(p for p in then.extras if p.id == "special_2019")
    assert special.verdict == "符合"
    by_social_insurance = [e for e in special.estimates if e.value is not None]
    assert [e.value for e in by_social_insurance] == [pytest.approx(6 * 50000 * 0.5)]
    now = E.assess("job_retention_refund", answers, NOW)
    assert now.verdict == "符合"
    special_now = next(p for p in now.extras if p.id == "special_2019")
    assert special_now.verdict == "已到期"
    assert special_now.then_verdict is None  # answers given in 2026 are not about 2019
    assert "2019年12月31日" in special_now.expired_note


def test_living_allowance_only_in_2019_2020() -> None:
    hard = {**TRAINEE, "hardship": "hard_to_employ", "receiving_ui": False, "allowance_this_year": False}
    allowance = lambda r: next(p for p in r.extras if p.id == "living_allowance")  # noqa: E731
    assert allowance(E.assess("unemployed_training", hard, D2019)).verdict == "符合"
    assert allowance(E.assess("unemployed_training", {**hard, "receiving_ui": True}, D2019)).verdict == "不符合"
    assert allowance(E.assess("unemployed_training", {**hard, "allowance_this_year": True}, D2019)).verdict == "不符合"
    expired = allowance(E.assess("unemployed_training", hard, NOW))
    assert expired.verdict == "已到期" and "2020年12月31日" in expired.expired_note
    assert E.assess("unemployed_training", hard, NOW).verdict == "符合"  # the training subsidy itself goes on
