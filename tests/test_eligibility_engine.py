"""The engine as the dialog drives it: questions, skip rules, citations, results, finder."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

import eligibility as E
from eligibility.context import default_context
from eligibility.engine import relevant_answers
from eligibility.staffdata import PHONE_MISSING
from knowledge.base import load_knowledge_or_raise

D2019 = date(2019, 6, 1)
NOW = date(2026, 11, 26)
EMPLOYER_QUESTIONS = {"interns", "months", "retained", "interns_eligible", "staff", "new_hires", "contracts"}


def walk(program: E.Program, reply: dict, as_of: date = NOW) -> list[str]:
    """Answer every question the engine asks with `reply[id]` (None = 不清楚); return the ids asked."""
    answers: dict = {}
    asked: list[str] = []
    while (q := E.next_question(program, answers, as_of)) is not None:
        assert q.id not in asked, f"{q.id} asked twice"
        asked.append(q.id)
        answers[q.id] = reply.get(q.id)
    return asked


def test_every_quoted_sentence_is_really_in_its_clause() -> None:
    kb = load_knowledge_or_raise()
    seen = 0
    for program in E.all_programs():
        assert program.reference and all(ref in kb.clauses for ref in program.reference)
        for part in program.parts:
            for cond in part.conditions:
                sentences = [s for s in kb.clause(cond.clause).sentences if cond.quote in s]
                assert len(sentences) == 1, (program.id, cond.id, cond.quote)
                seen += 1
    assert seen >= 30


def test_shipped_data_and_programs_validate_clean() -> None:
    assert E.validate() == []


def test_eleven_programs_with_plain_ids() -> None:
    ids = [p.id for p in E.all_programs()]
    assert len(ids) == 11 == len(set(ids))
    with pytest.raises(KeyError, match="unknown program"):
        E.get_program("nope")


def test_individual_is_never_asked_company_questions() -> None:
    asked = walk(E.get_program("internship"), {"role": "intern", "category": "unemployed_youth", "age": 20})
    assert asked == ["role", "category", "age"]
    asked = walk(E.get_program("startup_loan"), {"role": "individual", "office_answer": "told_yes"})
    assert not EMPLOYER_QUESTIONS & set(asked)


def test_unknown_role_skips_both_sides_and_needs_checking() -> None:
    program = E.get_program("startup_loan")
    assert walk(program, {}) == ["role"]
    assert E.assess(program, {"role": None}).verdict == "需核实"


def test_employer_is_never_asked_the_age() -> None:
    asked = walk(E.get_program("internship"), {"role": "host", "interns_eligible": True, "finished": True, "interns": 2, "months": 6, "retained": 1})
    assert "age" not in asked and "category" not in asked
    assert set(asked) == {"role", "interns_eligible", "interns", "months", "finished", "retained"}


def test_graduate_is_not_asked_age() -> None:
    assert "age" not in walk(E.get_program("internship"), {"role": "intern", "category": "college_grad"})


def test_2019_only_questions_are_only_asked_while_it_runs() -> None:
    program = E.get_program("job_retention_refund")
    reply = {"insured_enterprise": True, "layoffs": "none", "last_year_contribution": 1000, "in_difficulty": True}
    assert "in_difficulty" in walk(program, reply, D2019)
    assert "in_difficulty" not in walk(program, reply, NOW)


def test_stale_answers_after_going_back_are_ignored() -> None:
    program = E.get_program("internship")
    answers = {"role": "intern", "category": "unemployed_youth", "age": 40, "interns": 3}
    assert relevant_answers(program, answers) == {"role": "intern", "category": "unemployed_youth", "age": 40}
    assert E.assess(program, answers, NOW).unused_facts == ("interns",)


def test_unknown_answer_gives_needs_checking_with_the_condition_marked_unknown() -> None:
    result = E.assess("skills_upgrade_subsidy", {"employee": True, "insured_years": None, "certificate": True}, NOW)
    assert result.verdict == "需核实"
    assert [c.status for c in result.checks if c.id == "insured_years"] == ["unknown"]


def test_not_met_beats_unknown() -> None:
    result = E.assess("skills_upgrade_subsidy", {"employee": False, "insured_years": None, "certificate": None}, NOW)
    assert result.verdict == "不符合"


def test_checklist_cites_clause_and_sentence() -> None:
    result = E.assess("internship", {"role": "intern", "category": "unemployed_youth", "age": 25}, NOW)
    youth = next(c for c in result.checks if c.id == "unemployed_youth")
    assert youth.status == "not_met" and youth.clause == "6" and youth.clause_label == "第六条"
    assert "16—24岁失业青年" in youth.sentence


def test_internship_is_open_ended_not_expired() -> None:
    result = E.assess("internship", {"role": "intern", "category": "unemployed_youth", "age": 20}, date(2030, 1, 1))
    assert result.verdict == "符合"


def test_what_if_retention_reaches_half() -> None:
    result = E.assess("internship", {"role": "host", "interns_eligible": True, "finished": True, "interns": 3, "months": 6, "retained": 1}, NOW)
    assert result.amount == 3 * 6 * 1000
    expected_total = str(3 * 6 * 1200)
    assert any("1200" in w and expected_total in w for w in result.what_if)


def test_what_if_names_the_answer_that_would_change_the_outcome() -> None:
    result = E.assess("skills_upgrade_subsidy", {"employee": True, "insured_years": 5, "certificate": False}, NOW)
    assert result.verdict == "不符合"
    assert any("证书" in w and "符合" in w for w in result.what_if)


def test_enterprise_short_of_ratio_is_told_how_many_more_hires() -> None:
    result = E.assess("startup_loan", {"role": "enterprise", "staff": 101, "new_hires": 10, "contracts": True}, NOW)
    assert result.verdict == "不符合"
    # New hires are part of the staff: 7 more make 17 of 108 (15.7%); 6 more, 16 of 107, fall short.
    assert any("再新招用7名" in w for w in result.what_if)


def test_county_relaxation_is_said_for_loans() -> None:
    result = E.assess("startup_loan", {"role": "individual", "office_answer": "told_no"}, NOW)
    assert any("放宽" in n for n in result.main.notes)


def test_text_first_screen_has_verdict_and_amount() -> None:
    result = E.assess("internship", {"role": "host", "interns_eligible": True, "finished": True, "interns": 3, "months": 6, "retained": 0}, NOW)
    head = result.to_text().splitlines()[:3]
    assert "符合" in head[1]
    assert "3人 × 6个月 × 1000元 = 18000元" in head[2]
    assert result.to_text().rstrip().endswith("结果仅供参考，以经办机构审核为准。")


def test_expired_text_says_until_when_and_what_it_gave() -> None:
    text = E.assess("in_job_training", {"difficult_enterprise": True, "training_organised": True, "fund_insufficient": True}, NOW).to_text()
    assert "已到期" in text.splitlines()[1]
    assert "2019年12月31日" in text and "就业补助资金" in text


def test_dict_is_json_and_complete() -> None:
    data = json.loads(json.dumps(E.assess("startup_loan", {"role": "individual", "office_answer": "told_yes"}, NOW).to_dict()))
    assert data["verdict"] == "符合" and data["amount"] == 150000 and data["amount_kind"] == "maximum"
    assert data["how_to_apply"]["materials"] == ["以经办机构要求为准"]
    assert data["disclaimer"] == "结果仅供参考，以经办机构审核为准。"
    assert data["main"]["checks"][0]["sentence"]


def test_contacts_lead_first_and_no_invented_phone_numbers() -> None:
    ctx = default_context()
    allowed = {PHONE_MISSING} | {number for _, number in ctx.contacts.hotlines}
    allowed |= {o.phone for o in ctx.contacts.departments.values() if o.phone} | {ctx.contacts.county.phone}
    for program in E.all_programs():
        contacts = E.assess(program, {}, NOW).contacts
        lead = default_context().kb.clause(program.reference[0]).lead_department
        assert contacts[0].name == lead and contacts[0].role == "牵头单位"
        assert any(c.phone == "12333" for c in contacts)
        assert any("县（市）" in c.name for c in contacts)
        assert {c.phone for c in contacts} <= allowed
    text = E.assess("internship", {}, NOW).to_text()
    for phone in re.findall(r"\d{5,}", text):
        assert phone in {"12333", "12345"}


def test_staff_benefit_level_turns_formula_into_number(tmp_path) -> None:
    import shutil

    from eligibility.context import PACKAGE_DATA, load_context

    shutil.copytree(PACKAGE_DATA, tmp_path / "data")
    path = tmp_path / "data" / "parameters.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "- {value: null, start: 2019-01-01, end: 2019-12-31}", "- {value: 1500, start: 2019-01-01, end: 2019-12-31}"), encoding="utf-8")
    ctx, problems = load_context(tmp_path / "data")
    assert problems == []
    answers = {"insured_enterprise": True, "layoffs": "none", "last_year_contribution": 1000,
               "in_difficulty": True, "insured_staff": 20, "monthly_social_insurance": 50000}
    special = next(p for p in E.assess("job_retention_refund", answers, D2019, ctx=ctx).extras if p.id == "special_2019")
    assert special.estimates[0].value == 6 * 1500 * 20
    shipped = next(p for p in E.assess("job_retention_refund", answers, D2019).extras if p.id == "special_2019")
    # Not filled by staff: the resident reads the standard in words, never the placeholder.
    assert shipped.estimates[0].value is None and "待工作人员填写" not in shipped.estimates[0].formula
    assert "当地月人均失业保险金和参保职工人数" in shipped.estimates[0].formula


def test_progress_counts_steps() -> None:
    program = E.get_program("skills_upgrade_subsidy")
    assert E.progress(program, {}) == (1, 3)
    assert E.progress(program, {"employee": True}) == (2, 3)
    assert E.progress(program, {"employee": False}) == (1, 3)  # finished early; the total never moves


def test_finder_unemployed_youth() -> None:
    answers: dict = {}
    while (q := E.next_finder_question(answers)) is not None:
        answers[q.id] = {"role": "individual", "age": 20, "situation": "unemployed"}[q.id]
    matches = E.find_programs(answers, NOW)
    ids = [m.program.id for m in matches]
    verdicts = [m.verdict for m in matches]
    assert {"internship", "employment_assistance"} <= set(ids[:2])
    assert verdicts[:2] == ["符合", "符合"]
    assert "不符合" not in verdicts
    order = {"符合": 0, "需核实": 1, "已到期": 2}
    assert verdicts == sorted(verdicts, key=order.get)
    assert "skills_upgrade_subsidy" not in ids and "job_retention_refund" not in ids


def test_finder_employer_sees_only_employer_programs() -> None:
    ids = {m.program.id for m in E.find_programs({"role": "employer"}, NOW)}
    assert "job_retention_refund" in ids and "startup_loan" in ids
    assert not ids & {"employment_assistance", "unemployed_training", "skills_upgrade_subsidy"}


def test_finder_never_asks_employer_for_age() -> None:
    assert E.next_finder_question({"role": "employer"}) is None


def test_the_finder_does_not_list_a_running_part_as_ended():
    # 第二条第（二）项: the 2019—2020 乡村公益性岗位 plan ended, 扶贫车间和就近务工 has no end date.
    matches = E.find_programs({"role": "individual", "situation": "rural_worker"}, as_of=date(2026, 11, 30))
    rural = next(m for m in matches if m.program.id == "rural_public_jobs")
    assert rural.verdict == "已到期"  # the program's main part, as its questionnaire reports it
    assert rural.listed_verdict in ("符合", "需核实")
    assert "扶贫车间" in rural.line and "已到期" in rural.line
    ended = [i for i, m in enumerate(matches) if m.listed_verdict == "已到期"]
    assert all(matches.index(rural) < i for i in ended)  # ranked with what still runs
