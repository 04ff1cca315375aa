"""Estimates a resident can trust and read: conditions the engine could not hear, and results
that say what they mean. Each situation is built from facts (answers), never from a persona's
words, and checked on its verdict, its amount and the amount's kind, and the rendered lines
(`to_chat_text()`, `to_text()`, `to_dict()`).
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from fractions import Fraction
from typing import Any

import pytest

import bot
import eligibility as E
from eligibility.engine import reads_of
from eligibility.model import Facts
from eligibility.programs.startup_loan import more_hires_needed
from eligibility.rules import ratio_reached

D2019 = date(2019, 6, 1)
NOW = date(2026, 11, 29)


def render(program: str, answers: dict[str, Any], as_of: date = NOW) -> tuple[E.Result, str, str, dict[str, Any]]:
    result = E.assess(program, answers, as_of)
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    return result, result.to_chat_text(), result.to_text(), data


def lines(text: str) -> list[str]:
    return text.splitlines()


def every_answer_path(program: E.Program, as_of: date = NOW) -> list[dict[str, Any]]:
    """Every complete set of answers the questionnaire can produce (numbers: a few values)."""
    out: list[dict[str, Any]] = []

    def values(q: E.Question) -> list[Any]:
        if q.kind == "yesno":
            return [True, False, None]
        if q.kind == "choice":
            return [c.value for c in q.choices] + [None]
        return [q.minimum or 0, 2, 101, None] if q.unit != "岁" else [20, 40, None]

    def walk(answers: dict[str, Any]) -> None:
        q = E.next_question(program, answers, as_of)
        if q is None:
            out.append(answers)
            return
        for v in values(q):
            walk({**answers, q.id: v})

    walk({})
    return out


# ---------------------------------------------------------------- 3.3: 培训合格的失业人员


def test_training_taken_but_not_passed_is_not_eligible_and_says_what_passing_changes() -> None:
    question = E.get_program("unemployed_training").question("training")
    assert "failed" in [c.value for c in question.choices]
    answers = {"unemployed": True, "training": "failed", "hardship": "neither"}
    result, chat, text, data = render("unemployed_training", answers)
    assert result.verdict == "不符合" and result.amount is None and result.amount_kind is None
    assert data["verdict"] == "不符合" and data["amount"] is None and data["amount_kind"] is None
    assert any(line.startswith("× 参加培训并考核合格") and "没有合格" in line for line in lines(chat))
    assert "× 参加培训并考核合格：不符合" in text
    assert any("考核合格" in w and "职业培训补贴" in w for w in result.what_if)
    assert any(line.startswith("提示：如果参加") for line in lines(chat))
    # Taking part is what the 2019-2020 living allowance needed, not passing.
    allowance = next(p for p in result.extras if p.id == "living_allowance")
    assert next(c for c in allowance.checks if c.id == "in_training").status == "met"


def test_training_passed_and_in_progress_are_unchanged() -> None:
    passed = E.assess("unemployed_training", {"unemployed": True, "training": "passed", "hardship": "neither"}, NOW)
    waiting = E.assess("unemployed_training", {"unemployed": True, "training": "in_progress", "hardship": "neither"}, NOW)
    assert (passed.verdict, waiting.verdict) == ("符合", "需核实")
    assert not passed.what_if


# ---------------------------------------------------------------- 3.2: 审核评估合格后


FIRM = {"difficult_enterprise": True, "training_organised": True, "fund_insufficient": True}


@pytest.mark.parametrize(("review", "verdict", "mark"), [("passed", "符合", "√"), ("pending", "需核实", "？"), ("failed", "不符合", "×")])
def test_in_job_training_needs_the_assessment(review: str, verdict: str, mark: str) -> None:
    result, chat, text, data = render("in_job_training", {**FIRM, "review": review}, D2019)
    assert result.verdict == verdict == data["verdict"]
    assert result.amount is None and data["amount_kind"] is None  # 适当支持: the document gives no amount
    assert any(line.startswith(f"{mark} 不足部分经所在地人社部门审核评估合格") for line in lines(chat))
    assert "依据第三条第（二）项" in text


def test_in_job_training_assessment_is_asked_only_of_a_shortfall() -> None:
    program = E.get_program("in_job_training")
    assert E.next_question(program, FIRM, D2019).id == "review"
    assert E.next_question(program, {**FIRM, "fund_insufficient": False}, D2019) is None


def test_an_ended_program_asks_nothing() -> None:
    """在岗培训 ended on 2019-12-31: from the next day no answer can change 已到期, so no
    question is asked (the last day it still is)."""
    program = E.get_program("in_job_training")
    assert E.next_question(program, {}, date(2019, 12, 31)).id == "difficult_enterprise"
    assert E.next_question(program, {}, date(2020, 1, 1)) is None and E.next_question(program, {}, NOW) is None
    assert E.progress_detail(program, {}, NOW).remaining == 0
    assert E.assess(program, {}, NOW).verdict == "已到期"
    still_running = E.get_program("job_retention_refund")  # its 2019 standard ended, the rest did not
    assert E.next_question(still_running, {}, NOW) is not None


def test_in_job_training_asked_after_it_ended_is_not_judged_for_2019() -> None:
    """Answers given in 2026 describe the firm now: the 2019-only support is said to have
    ended, with neither 当时符合 nor 当时也不符合, no √/× and no steps to apply."""
    for review in ("failed", "passed", "pending"):
        result, chat, text, data = render("in_job_training", {**FIRM, "review": review}, NOW)
        assert result.verdict == "已到期" and result.main.then_verdict is None
        assert lines(chat)[1].startswith("结果：已到期（") and "当时" not in lines(chat)[1]
        assert "当时符合" not in text and "当时也不符合" not in text and "按您的回答" not in text
        assert data["verdict_text"] == "已到期" and data["how_to_apply"]["steps"] == []
        assert not any(line[:1] in "√×？" for line in lines(chat))
        assert "怎么申请" not in chat and "不再执行" in chat and "12333" in chat


# ---------------------------------------------------------------- 2.1: no invented condition


def test_a_graduate_may_apply_to_the_grassroots_projects() -> None:
    result, chat, text, data = render("graduate_grassroots", {"graduate": "graduate", "interest": "tegang"})
    assert result.verdict == "符合" and result.amount is None
    assert [c.id for c in result.checks] == ["graduate"]
    assert "？" not in chat and "待核实" not in text
    assert any(line.startswith("说明：") and "农村教师特岗计划" in line and "招募公告" in line for line in lines(chat))
    assert any("招募公告" in step for step in data["how_to_apply"]["steps"])


def test_a_student_is_not_yet_a_graduate() -> None:
    result, chat, _, _ = render("graduate_grassroots", {"graduate": "student", "interest": "all"})
    assert result.verdict == "不符合"
    assert not result.what_if  # who one is now is no what-if
    assert "毕业后可以报名" in chat


# ---------------------------------------------------------------- startup loan: what a resident can know


def test_the_loan_question_asks_what_a_resident_can_know() -> None:
    program = E.get_program("startup_loan")
    asked = E.next_question(program, {"role": "individual"}, NOW)
    assert asked.id == "office_answer" and asked.kind == "choice"
    assert "是否符合创业担保贷款的申请条件" not in asked.prompt
    assert "没有列出" in asked.help
    individual = next(p for p in program.parts if p.id == "individual")
    assert [c.id for c in individual.conditions] == ["office_answer"]  # no condition the document does not state


@pytest.mark.parametrize("said", ["not_asked", None])
def test_loan_unknown_is_to_verify_with_who_decides_and_no_cap_as_amount(said: str | None) -> None:
    result, chat, text, data = render("startup_loan", {"role": "individual", "office_answer": said})
    assert result.verdict == "需核实"
    assert result.amount is None and result.amount_kind is None
    assert data["amount"] is None and data["amount_kind"] is None
    assert "贷款额度：审核通过后由经办机构核定" in lines(chat)
    assert not any("最高可贷" in line for line in lines(chat))
    who = [line for line in lines(chat) if line.startswith("说明：")]
    assert who and "县（市）人社部门或创业担保贷款经办机构" in who[0] and "本文件没有列出" in who[0]
    assert "√ 符合创业担保贷款" not in chat and "√ 符合创业担保贷款" not in text


def test_loan_told_yes_is_a_maximum_said_as_one() -> None:
    result, chat, text, data = render("startup_loan", {"role": "individual", "office_answer": "told_yes"})
    assert result.verdict == "符合"
    assert result.amount == 150000 and result.amount_kind == "maximum"
    assert data["amount"] == 150000 and data["amount_kind"] == "maximum"
    assert data["main"]["estimates"][0]["kind"] == "maximum"
    assert "贷款额度：最高可贷15万元" in lines(chat)[2]
    assert "最高可贷15万元" in text and "预计" not in lines(chat)[2]


def test_loan_told_no_is_not_eligible_without_an_amount() -> None:
    result, chat, _, data = render("startup_loan", {"role": "individual", "office_answer": "told_no"})
    assert result.verdict == "不符合" and data["amount"] is None
    assert "最高可贷" not in chat


def test_enterprise_cap_is_a_maximum_and_the_host_subsidy_an_estimate() -> None:
    sme = E.assess("startup_loan", {"role": "enterprise", "staff": 20, "new_hires": 5, "contracts": True}, NOW)
    assert (sme.amount, sme.amount_kind) == (3000000, "maximum")
    assert "最高可贷300万元" in sme.to_chat_text()
    host = E.assess("internship", {"role": "host", "interns_eligible": True, "finished": True, "interns": 3, "months": 6, "retained": 0}, NOW)
    assert (host.amount, host.amount_kind) == (18000, "estimate")
    assert host.to_dict()["amount_kind"] == "estimate"


# ---------------------------------------------------------------- 稳岗返还: no year the document does not name


def test_layoff_question_names_no_year_and_the_result_says_who_sets_it() -> None:
    question = E.get_program("job_retention_refund").question("layoffs")
    assert "上一年度" not in question.prompt and "上年度" not in question.prompt
    assert "没有写明按哪一年" in question.help
    result, chat, _, data = render("job_retention_refund", {"insured_enterprise": True, "layoffs": "none",
                                                            "last_year_contribution": 80000})
    assert result.verdict == "符合" and result.amount == 48000 and data["amount_kind"] == "estimate"
    assert any(line.startswith("说明：") and "按哪一年" in line and "经办机构" in line for line in lines(chat))


# ---------------------------------------------------------------- ages and 大龄


def test_age_questions_take_a_birth_year() -> None:
    age = E.get_program("internship").question("age")
    assert "出生年份" in age.help
    parsed = E.parse_answer(age, "2003年出生", as_of=NOW)
    assert parsed.ok and parsed.value in (22, 23)
    assert "出生年份" in E.finder_questions()[1].help


def test_older_is_self_classified_and_the_result_says_the_document_gives_no_age() -> None:
    question = E.get_program("employment_assistance").question("difficulty_group")
    assert "older" in [c.value for c in question.choices]
    assert "没有规定“大龄”是多少岁" in question.help
    answers = {"focus": "recognition", "unemployed": True, "difficulty_group": "older", "ui_eligible": True,
               "living_hardship": False}
    result, chat, _, _ = render("employment_assistance", answers)
    assert result.verdict == "符合"
    assert any(line.startswith("√ 大龄") and "没有规定“大龄”是多少岁" in line for line in lines(chat))


# ---------------------------------------------------------------- only what was asked or decides


def test_questions_never_asked_are_not_shown_as_to_verify() -> None:
    result, chat, text, data = render("skills_upgrade_subsidy", {"employee": False})
    assert result.verdict == "不符合"
    assert [line for line in lines(chat) if line[:1] in "√×？"] == ["× 企业在职职工"]
    assert "待核实" not in text and "？" not in text
    shown = [c for c in data["main"]["checks"] if c["asked"]]
    assert [c["id"] for c in shown] == ["employee"]


def test_a_criterion_set_elsewhere_is_no_line_of_a_result_decided_without_it() -> None:
    answers = {"role": "starter", "unemployed": False}
    assert E.next_question(E.get_program("incubation_base"), answers, NOW) is None  # plans not asked
    result, chat, text, _ = render("incubation_base", answers)
    assert result.verdict == "不符合"
    assert "？" not in chat and "待核实" not in text
    still = E.assess("incubation_base", {"role": "starter", "unemployed": True, "starting_business": True}, NOW)
    assert still.verdict == "需核实" and "？ 所在地为失业人员自主创业免费提供经营场地" in still.to_chat_text()


def test_conditions_reading_no_answer_are_criteria_set_elsewhere() -> None:
    from eligibility.context import default_context

    facts = Facts({}, NOW, default_context().params)
    for program in E.all_programs():
        for part in program.parts:
            for cond in part.conditions:
                if not reads_of(cond, program):
                    raw = cond.test(facts)
                    assert (raw[0] if isinstance(raw, tuple) else raw) is None, (program.id, cond.id)


@pytest.mark.parametrize("program", [p.id for p in E.all_programs()])
def test_labels_and_lines_agree_on_every_path(program: str) -> None:
    """A part said to be 不符合 shows the failing line (here or in one line pointing above); one
    said to be 需核实 shows what is in doubt; 符合 shows no ×."""
    for answers in every_answer_path(E.get_program(program)):
        result = E.assess(program, answers, NOW)
        chat = result.to_chat_text()
        checks = [line for line in lines(chat) if line[:1] in "√×？"]
        verdict = result.main.then_verdict if result.verdict == "已到期" else result.verdict
        if result.main.id == "undecided":  # 不清楚 to 个人还是单位: the one thing to answer first
            assert verdict == "需核实" and "说明：结果要看您的身份，请先回答" in chat and "金额" not in chat
            continue
        if verdict == "不符合":
            assert any(line.startswith("×") for line in checks), chat
        if verdict == "需核实":
            assert any(line.startswith("？") for line in checks), chat
        if verdict == "符合":
            assert not any(line.startswith(("×", "？")) for line in checks if "之一" not in line), chat
        for line in lines(chat):
            if line.startswith("▶") and "不符合" in line.split("：")[1][:6]:
                assert "：不符合" in line, line  # the extra's reason is given, never glued


def test_extras_failing_for_the_same_reason_are_one_line() -> None:
    result, chat, text, _ = render("employment_assistance", {"unemployed": False})
    extra_lines = [line for line in lines(chat) if line.startswith("▶")]
    assert extra_lines == [line for line in extra_lines if "同样不符合（失业人员：不符合，见上）" in line]
    assert len(extra_lines) == 1 and "认定为就业困难人员" in extra_lines[0]
    assert "？" not in chat and "？" not in text  # 低保 was never asked: not shown as 待核实


# ---------------------------------------------------------------- what-ifs


def test_what_ifs_never_propose_changing_who_one_is_or_the_past() -> None:
    for program, answers in [
        ("internship", {"role": "intern", "category": "none"}),
        ("job_retention_refund", {"insured_enterprise": True, "layoffs": "many", "last_year_contribution": 1000}),
        ("employment_assistance", {"unemployed": False}),
        ("rural_public_jobs", {"rural_labour": False}),
        ("skills_upgrade_subsidy", {"employee": False}),
    ]:
        result = E.assess(program, answers, NOW)
        assert result.verdict in ("不符合", "已到期") and not result.what_if, (program, result.what_if)


def test_what_ifs_for_what_can_still_change_are_not_doubled() -> None:
    result, chat, text, _ = render("skills_upgrade_subsidy", {"employee": True, "insured_years": 5, "certificate": False})
    assert result.verdict == "不符合"
    assert result.what_if == ("如果取得职业资格证书或职业技能等级证书，结果会变为“符合”。",)
    assert "提示：如果取得职业资格证书" in chat and "提示：如果取得职业资格证书" in text
    assert "如果：" not in chat and "如果：" not in text


def test_both_missing_the_hint_names_both() -> None:
    result = E.assess("skills_upgrade_subsidy", {"employee": True, "insured_years": 0.5, "certificate": False}, NOW)
    assert result.what_if == ("如果参保满3年并取得职业资格证书或职业技能等级证书，就可以申请（参保还差2年6个月）。",)
    relaxed = E.assess("skills_upgrade_subsidy", {"employee": True, "insured_years": 2.5, "certificate": False}, NOW)
    assert relaxed.what_if[0].endswith("还差6个月，还需取得职业资格证书或职业技能等级证书。")
    assert "当时是符合" not in relaxed.what_if[0]  # 2.5 years now says nothing of 2019—2020


@pytest.mark.parametrize(("staff", "hires", "more"), [(100, 24, 1), (100, 16, 1), (25, 0, 9), (20, 4, 2), (101, 10, 7), (200, 0, 36)])
def test_smallest_number_of_further_hires_counts_them_inside_the_staff(staff: int, hires: int, more: int) -> None:
    answers = {"role": "enterprise", "staff": staff, "new_hires": hires, "contracts": True}
    result = E.assess("startup_loan", answers, NOW)
    assert result.verdict == "不符合" and result.amount is None
    assert any(f"再新招用{more}名" in w and f"在职职工共{staff + more}人" in w for w in result.what_if)
    assert f"提示：如果今年再新招用{more}名" in result.to_chat_text()
    after = E.assess("startup_loan", {**answers, "staff": staff + more, "new_hires": hires + more}, NOW)
    assert after.verdict == "符合"
    if more > 1:
        short = E.assess("startup_loan", {**answers, "staff": staff + more - 1, "new_hires": hires + more - 1}, NOW)
        assert short.verdict == "不符合"


def test_more_hires_matches_a_brute_force_count() -> None:
    from eligibility.context import default_context

    facts = Facts({}, NOW, default_context().params)
    for staff, hires in itertools.product(range(1, 130, 3), range(0, 40, 4)):
        if hires > staff:
            continue
        expected = next(k for k in range(0, 1000) if ratio_reached(
            hires + k, staff + k, Fraction(15 if staff + k > 100 else 25)))
        assert more_hires_needed(staff, hires, facts) == expected, (staff, hires)


def test_retention_hint_gives_the_fewest_more_interns_kept() -> None:
    result = E.assess("internship", {"role": "host", "interns_eligible": True, "finished": True, "interns": 5, "months": 6, "retained": 1}, NOW)
    assert result.verdict == "符合" and result.amount == 5 * 6 * 1000
    assert any("再多留用2人（5人中共留用3人）" in w and "36000元" in w for w in result.what_if)


# ---------------------------------------------------------------- durations in months


@pytest.mark.parametrize(("years", "gap", "held"), [(2.92, "还差1个月", "参保2年11个月"), (2.5, "还差6个月", "参保2年6个月"),
                                                     (1.5, "还差1年6个月", "参保1年6个月"), (0.5, "还差2年6个月", "参保6个月")])
def test_durations_below_a_year_are_in_months(years: float, gap: str, held: str) -> None:
    result, chat, text, _ = render("skills_upgrade_subsidy", {"employee": True, "insured_years": years, "certificate": True})
    assert result.verdict == "不符合"
    assert gap in chat and gap in text and held in chat
    assert not re.search(r"0\.\d+年", chat + text)


# ---------------------------------------------------------------- the headline is the part asked about


def test_headline_is_the_part_asked_about() -> None:
    program = E.get_program("employment_assistance")
    focus = program.question("focus")
    assert focus.hidden and E.next_question(program, {"unemployed": True}, NOW).id != "focus"
    said = E.parse_answer(focus, "下岗了想认定就业困难人员", as_of=NOW)
    assert said.value == "recognition"
    answers = {"unemployed": True, "difficulty_group": "disabled", "ui_eligible": False, "living_hardship": False}
    plain = E.assess(program, answers, NOW)
    asked = E.assess(program, {**answers, "focus": "recognition"}, NOW)
    assert plain.main.id == "registration" and asked.main.id == "recognition"
    assert lines(asked.to_chat_text())[0] == "【失业登记与就业援助·认定为就业困难人员，享受就业援助】"
    assert asked.verdict == "符合" and asked.to_dict()["main"]["id"] == "recognition"
    assert any(e.id == "registration" for e in asked.extras)
    benefit = E.assess(program, {**answers, "focus": "unemployment_benefit"}, NOW)
    assert benefit.verdict == "不符合" and lines(benefit.to_chat_text())[1].startswith("结果：不符合")


@pytest.mark.parametrize(("program", "message", "part"), [
    ("employment_assistance", "下岗以后能不能认定成就业困难人员？", "recognition"),
    ("employment_assistance", "失业了失业金能领多久", "unemployment_benefit"),
    ("employment_assistance", "我家困难 能吃低保吗", "dibao_and_relief"),
    ("employment_assistance", "下岗了政府管不管", None),
    ("unemployed_training", "参加培训那段时间给不给生活费", "living_allowance"),
    ("unemployed_training", "失业了参加培训有补贴吗", None),
    ("rural_public_jobs", "村里的扶贫车间招不招人", "workshops"),
    ("job_retention_refund", "暂时性困难的企业稳岗返还怎么算", "special_2019"),
    ("internship", "见习补贴一个月多少", None),
])
def test_the_part_asked_about_is_read_from_a_question(program: str, message: str, part: str | None) -> None:
    found = E.focus_of(E.get_program(program), message)
    assert found == ({"focus": part} if part else {})


def test_asking_about_an_ended_part_heads_the_result_with_it() -> None:
    answers = {"unemployed": True, "training": "passed", "hardship": "neither", "focus": "living_allowance"}
    result = E.assess("unemployed_training", answers, NOW)
    assert result.main.id == "living_allowance" and result.verdict == "已到期"
    assert lines(result.to_chat_text())[1].startswith("结果：已到期（")
    assert "现在：对培训合格的失业人员给予职业培训补贴" in result.to_chat_text()
    assert any(e.id == "training_subsidy" and e.verdict == "符合" for e in result.extras)


def test_the_program_name_alone_asks_about_no_part() -> None:
    program = E.get_program("rural_public_jobs")
    assert E.parse_answer(program.question("focus"), program.label, as_of=NOW).value is None
    assert E.parse_answer(program.question("focus"), "扶贫车间还招人吗", as_of=NOW).value == "workshops"


# ---------------------------------------------------------------- the intern's result


def test_intern_result_says_the_subsidy_goes_to_the_host_and_what_it_covers() -> None:
    result, chat, text, data = render("internship", {"role": "intern", "category": "college_grad"})
    assert result.verdict == "符合" and result.amount is None and data["amount_kind"] is None
    amount_line = lines(chat)[2]
    assert amount_line.startswith("就业见习补贴：每人每月1000元")
    for words in ("见习单位", "不直接发给您本人", "基本生活费", "人身意外伤害保险"):
        assert words in amount_line
    assert "文件未规定金额" not in chat and "基本生活费" in text


# ---------------------------------------------------------------- wording


@pytest.mark.parametrize("program", [p.id for p in E.all_programs()])
def test_wording_on_every_path(program: str) -> None:
    """您 throughout, no glued labels (符合…条件不符合), no 预计标准, no 如果：如果."""
    texts = [q.prompt + q.help for q in E.get_program(program).questions]
    for answers in every_answer_path(E.get_program(program)):
        for as_of in (D2019, NOW):
            result = E.assess(program, answers, as_of)
            texts += [result.to_chat_text(), result.to_text()]
    for text in texts:
        assert "你" not in text, text
        assert "如果：" not in text and "预计标准" not in text and "：：" not in text
        assert not re.search(r"条件(不符合|待核实|符合)", text), text


def test_finder_speaks_with_you_politely() -> None:
    assert all("你" not in q.prompt for q in E.finder_questions())


# ---------------------------------------------------------------- progress


@pytest.mark.parametrize("program", [*E.all_programs(), E.FINDER], ids=lambda p: p.id)
def test_progress_never_goes_backwards(program: E.Program) -> None:
    def walk(answers: dict[str, Any], seen: list[tuple[int, int]]) -> None:
        q = E.next_finder_question(answers) if program is E.FINDER else E.next_question(program, answers, NOW)
        if q is None:
            return
        step, total = E.progress(program, answers, NOW)
        if seen:
            last_step, last_total = seen[-1]
            assert step > last_step and total == last_total, (answers, seen, (step, total))
        assert 1 <= step <= total
        values = [True, False, None] if q.kind == "yesno" else [c.value for c in q.choices] + [None] if q.kind == "choice" else [20]
        for value in values:
            walk({**answers, q.id: value}, [*seen, (step, total)])

    walk({}, [])


def test_progress_total_is_the_longest_path_and_says_whether_it_is_exact() -> None:
    loan = E.get_program("startup_loan")
    assert E.progress(loan, {}, NOW) == (1, 4)  # 小微企业: role, staff, new hires, contracts
    assert E.progress(loan, {"role": "individual"}, NOW) == (2, 4)  # then it ends early, never 共2步
    detail = E.progress_detail(loan, {}, NOW)
    assert detail.exact is False and detail.remaining == 4
    assert E.progress_detail(loan, {"role": "individual"}, NOW).remaining == 1
    focus_prefilled = {"focus": "recognition"}
    assert E.progress(E.get_program("employment_assistance"), focus_prefilled, NOW) == (1, 4)  # never asked, never counted


# ---------------------------------------------------------------- the interface


def test_programs_json_lists_the_new_questions_with_their_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert bot.main(["programs", "--json"]) == 0
    data = {p["id"]: p for p in json.loads(capsys.readouterr().out)}

    def question(program: str, qid: str) -> dict[str, Any]:
        return next(q for q in data[program]["questions"] if q["id"] == qid)

    assert {c["value"] for c in question("startup_loan", "office_answer")["choices"]} == {"told_yes", "told_no", "not_asked"}
    assert {c["value"] for c in question("in_job_training", "review")["choices"]} == {"passed", "pending", "failed"}
    assert "failed" in {c["value"] for c in question("unemployed_training", "training")["choices"]}
    focus = question("employment_assistance", "focus")
    assert focus["hidden"] is True and data["employment_assistance"]["focus"] == "focus"
    assert not any(q["id"] == "meets_loan_conditions" for q in data["startup_loan"]["questions"])
