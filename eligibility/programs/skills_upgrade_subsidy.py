"""技术技能提升补贴 (第三条第（四）项): insured employees who obtain a certificate.

The insured-years threshold is a dated parameter: 3 years normally, 1 year for
2019-01-01..2020-12-31. Someone with 1.5 years is 符合 as of 2019-06-01 and 不符合 as of
2026 — the result says both, so that nobody is told "yes" on a relaxation that has ended.
"""

from __future__ import annotations

from datetime import date

from eligibility.model import (
    INDIVIDUAL,
    Condition,
    Estimate,
    Facts,
    Part,
    Program,
    Question,
    cn_date,
    duration_text,
    format_number,
)
from eligibility.rules import number, yes, yesno

CLAUSE = "3.4"
RELAXED = "放宽至参保1年以上"
CERTIFICATE = "参保职工取得职业资格证书或职业技能等级证书的"
PARAM = "skills_upgrade.insured_years_min"

# The subsidy is applied for by the insured worker, so every question is about that worker: the
# first one says so, and the wording fits an employer asking for staff as well (该职工).
QUESTIONS = (
    yesno("employee", "这项补贴由参保职工本人申请，下面问的都是申请补贴的职工的情况（替职工问的，请按职工的情况回答）。"
          "您（或该职工）现在是企业的在职职工吗？", short="是企业在职职工", unknown_goes_on=True,
          help="签了劳动合同、由企业发工资并缴纳社会保险的，就是企业在职职工。"),
    number("insured_years", "您（或该职工）参加失业保险（缴费）有几年了？", "年", 0, 60, integer=False,
           help="可以回答“1年半”“18个月”“2.5年”，也可以回答从哪年开始交的（如“从2021年开始交”）；"
                "可以在社保缴费记录里查，或问单位的社保经办人员。",
           ask_if={"employee": (True,)}),
    # Never asked: the bound of a rough answer (快三年 / 不到三年 → 3), set by the dialog with the
    # value just under it, so the result says 不到3年 rather than a precision nobody stated.
    Question("insured_years_below", "您（或该职工）参保年限不到几年（不单独提问）", "number", unit="年", minimum=0, maximum=60, integer=False,
             hidden=True, prefill=False, ask_if={"employee": (True,)}),
    yesno("certificate", "您（或该职工）是否已取得职业资格证书或职业技能等级证书？", short="取得职业资格证书或职业技能等级证书",
          ask_if={"employee": (True,)}, changeable=True),
)


def _years(f: Facts) -> tuple[bool | None, str]:
    years, needed = f.get("insured_years"), f.p(PARAM)
    if years is None:
        return None, f"需参保{format_number(needed)}年以上"
    return years >= needed, f"参保{_said_years(f)}，{cn_date(f.as_of)}时要求{format_number(needed)}年以上"


def _said_years(f: Facts) -> str:
    """The years insured as said: 不到3年 for a rough answer under a bound (快三年), else exact."""
    bound = f.get("insured_years_below")
    return f"不到{duration_text(bound)}" if bound is not None else duration_text(f.get("insured_years"))


def _what_if(f: Facts) -> list[str]:
    """Compare with the relaxed period, so a 2026 resident learns what 2019-2020 allowed; the
    shortfall in months below a year (还差1个月), and the certificate too when it is missing
    (both are needed: one alone would not change the verdict)."""
    years = f.get("insured_years")
    values = f.params[PARAM].values
    if years is None or not values or f.get("employee") is not True:
        return []
    relaxed = min(values, key=lambda v: v.value)
    normal = max(v.value for v in values)
    needed_now = f.p(PARAM)
    period = f"{_cn(relaxed.start)}至{_cn(relaxed.end)}"
    if years >= needed_now:
        if relaxed.covers(f.as_of) and relaxed.end and years < normal:
            return [f"放宽政策执行到{_cn(relaxed.end)}；此后恢复为参保{format_number(normal)}年以上，"
                    f"届时按您现在的参保年限将不再符合。"]
        return []
    gap = _gap(f.get("insured_years_below"), years, needed_now)
    also = "并取得职业资格证书或职业技能等级证书" if f.get("certificate") is False else ""
    if years >= relaxed.value and relaxed.end and f.as_of > relaxed.end:
        # The years are counted now, not in the relaxed period: never say they qualified then.
        return [f"放宽期（{period}）内参保{format_number(relaxed.value)}年以上即可申请，这项放宽已到期；"
                f"现在要求{format_number(needed_now)}年以上，还差{gap}" + (f"，还需{also[1:]}" if also else "") + "。"]
    return [f"如果参保满{format_number(needed_now)}年{also}，就可以申请（参保还差{gap}）。"]


def _gap(bound: float | None, years: float, needed: float) -> str:
    """How far short, in the precision the person gave: exact for an exact answer; for one said
    under a bound (快三年 → under 3) only what is known — under the bound when it is the
    requirement (还差不到1年, never 还差1个月), at least the difference when it is lower."""
    if bound is None:
        return duration_text(needed - years, round_up=True)
    if bound >= needed:
        return f"一点（您说的是不到{duration_text(bound)}，以缴费记录为准）"
    return f"{duration_text(needed - bound)}以上"


def _cn(day: date | None) -> str:
    return cn_date(day) if day else ""


PROGRAM = Program(
    id="skills_upgrade_subsidy",
    label="技术技能提升补贴",
    who=INDIVIDUAL,
    reference=(CLAUSE,),
    summary="参加失业保险3年以上的企业职工取得职业资格证书或职业技能等级证书，可在参保地申请；2019—2020年放宽到参保1年的规定已于2020年12月31日到期。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="subsidy",
            label="技术技能提升补贴",
            gives="参保职工取得职业资格证书或职业技能等级证书的，可在参保地申请技术技能提升补贴，资金由失业保险基金列支。",
            conditions=(
                Condition("employee", "企业在职职工", CLAUSE, RELAXED, yes("employee")),
                Condition("insured_years", "参加失业保险达到规定年限（一般3年以上，2019—2020年放宽为1年以上）", CLAUSE, RELAXED, _years),
                Condition("certificate", "取得职业资格证书或职业技能等级证书", CLAUSE, CERTIFICATE, yes("certificate")),
            ),
            estimate=lambda f: [Estimate("技术技能提升补贴", None, "文件未规定补贴金额，按省有关规定执行，由失业保险基金列支，请向参保地人社部门咨询")],
            what_if=_what_if,
        ),
    ),
    parameters=(PARAM,),
    infer=lambda a: {"employee": a["situation"] == "employee"} if a.get("situation") not in (None, "other") else {},
    keywords=("技能", "证书", "失业保险"),
)
