"""稳岗返还 (第四条): 60% of last year's unemployment-insurance contributions, and the
2019-only special standard for enterprises in temporary difficulty.

The special standard has two alternatives the document puts side by side ("可按…或按…");
while it ran (2019) we compute both and do not choose; once it has ended no amount is worked
out for it (the engine computes none for an ended part), and the result says the 60% refund is
what applies now. The local monthly per-capita 失业保险金 is a staff parameter: while it is
empty the resident reads the standard in words (never a formula naming the missing figure;
`policybot check` lists it for staff), never a guessed number.
"""

from __future__ import annotations

from eligibility.model import (
    EMPLOYER,
    Condition,
    Estimate,
    Facts,
    Part,
    Program,
    format_number,
    yuan,
)
from eligibility.rules import choice, focus, number, yes, yesno

CLAUSE = "4"
BASE = "返还其上年度实际缴纳失业保险费的60%"
SPECIAL = "面临暂时性生产经营困难且恢复有望"
SPECIAL_PERIOD = "job_retention.special_period"
BENEFIT = "job_retention.local_monthly_unemployment_benefit"

QUESTIONS = (
    yesno("insured_enterprise", "贵单位是否参加了失业保险并按规定缴费？", short="企业参加了失业保险", unknown_goes_on=True,
          help="可以看单位的社保缴费记录，或问单位的财务、社保经办人员。"),
    choice("layoffs", "贵单位是否裁员？",
           [("none", "没有裁员"), ("few", "少量裁员"), ("many", "裁员较多")],
           help="文件的条件是“不裁员或少裁员”，没有写明按哪一年计算，也没有规定“少裁员”的具体标准，以经办机构的规定为准。",
           short="不裁员或少裁员", ask_if={"insured_enterprise": (True,)}, unknown_goes_on=True),
    # 裁员较多 settles 不符合 for both standards (不裁员或少裁员): nothing more is asked then.
    number("last_year_contribution", "上年度贵单位实际缴纳的失业保险费是多少元？", "元", 0, 1e10, integer=False,
           help="可以写“8万”“15000元”。", ask_if={"insured_enterprise": (True,), "layoffs": ("none", "few")},
           of_year=-1),  # 上年度: 前年 or 2019 paid is asked again
    yesno("in_difficulty", "贵单位是否面临暂时性生产经营困难、且恢复有望？", short="面临暂时性困难且恢复有望",
          ask_if={"insured_enterprise": (True,), "layoffs": ("none", "few")}, ask_during=SPECIAL_PERIOD),
    number("insured_staff", "参保职工有多少人？", "人", 1, 1000000,
           ask_if={"in_difficulty": (True,)}, ask_during=SPECIAL_PERIOD),
    number("monthly_social_insurance", "企业及其职工每月应缴纳的社会保险费合计多少元？", "元", 0, 1e10, integer=False,
           ask_if={"in_difficulty": (True,)}, ask_during=SPECIAL_PERIOD),
    focus([("special_2019", "问的是2019年困难企业稳岗返还特殊标准")]),
)


def _layoffs(f: Facts) -> tuple[bool | None, str]:
    value = f.get("layoffs")
    if value == "few":
        return None, "文件未规定“少裁员”的标准，以经办机构认定为准"
    return (None if value is None else value == "none"), ""


def _paid(f: Facts) -> tuple[bool | None, str]:
    """Something to return: 60% of last year's contributions is nothing when none were paid
    (第四条 "返还其上年度实际缴纳失业保险费的60%"; 没有 / 没交 to the amount is 0元). An amount
    not known (不清楚) rests on the first answer: an enterprise insured and paying as required
    has paid something."""
    paid = f.get("last_year_contribution")
    if paid is None:
        return (True if f.get("insured_enterprise") is True else None), ""
    return paid > 0, "" if paid > 0 else "上年度没有实际缴纳失业保险费，没有可返还的"


def _year_note(f: Facts) -> list[str]:
    """The document names no year for 不裁员或少裁员 (only the refund is of 上年度 contributions):
    which year the office looks at is for it to say."""
    if f.get("layoffs") is None:
        return []
    return ["文件没有写明“不裁员或少裁员”按哪一年计算（返还的是上年度实际缴纳的失业保险费），以经办机构的规定为准。"]


def _base_estimate(f: Facts) -> list[Estimate]:
    rate = f.p("job_retention.refund_rate")
    paid = f.get("last_year_contribution")
    if paid is None or rate is None:
        return [Estimate("稳岗返还", None, f"上年度实际缴纳的失业保险费 × {format_number(rate or 60)}%")]
    total = paid * rate / 100
    return [Estimate("稳岗返还", total, f"{yuan(paid)} × {format_number(rate)}% = {yuan(total)}")]


def _special_estimate(f: Facts) -> list[Estimate]:
    """Both alternatives of the 2019 standard, as of the judging date or, once it ended, as then."""
    day = f.as_of if f.params.active(SPECIAL_PERIOD, f.as_of) else f.params.window(SPECIAL_PERIOD)[0]
    months = f.params.value("job_retention.special_months", day)
    share = f.params.value("job_retention.special_contribution_share", day)
    benefit = f.params.value(BENEFIT, day)
    staff, monthly = f.get("insured_staff"), f.get("monthly_social_insurance")
    out = []
    staff_text = f"{format_number(staff)}人" if staff is not None else "参保职工人数"
    if benefit is None:
        out.append(Estimate("标准一（按当地月人均失业保险金）", None,
                            f"按{months}个月的当地月人均失业保险金和参保职工人数确定，金额由经办机构核定"))
    elif staff is None:
        out.append(Estimate("标准一（按当地月人均失业保险金）", None, f"{months}个月 × {yuan(benefit)} × 参保职工人数"))
    else:
        total = months * benefit * staff
        out.append(Estimate("标准一（按当地月人均失业保险金）", total,
                            f"{months}个月 × {yuan(benefit)} × {staff_text} = {yuan(total)}"))
    if monthly is None:
        out.append(Estimate("标准二（按社会保险费的50%）", None, f"{months}个月 × 企业及职工每月应缴社会保险费 × {format_number(share)}%"))
    else:
        total = months * monthly * share / 100
        out.append(Estimate("标准二（按社会保险费的50%）", total,
                            f"{months}个月 × {yuan(monthly)} × {format_number(share)}% = {yuan(total)}"))
    return out


PROGRAM = Program(
    id="job_retention_refund",
    label="稳岗返还",
    who=EMPLOYER,
    reference=(CLAUSE,),
    summary="不裁员或少裁员的参保企业，可返还上年度实际缴纳失业保险费的60%；2019年困难企业的特殊标准已于2019年12月31日到期。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="refund",
            label="稳岗返还（上年度失业保险费的60%）",
            gives="返还上年度实际缴纳失业保险费的60%，由失业保险基金列支。",
            conditions=(
                Condition("insured_enterprise", "参加失业保险的企业", CLAUSE, BASE, yes("insured_enterprise")),
                Condition("layoffs", "不裁员或少裁员", CLAUSE, BASE, _layoffs),
                Condition("last_year_contribution", "上年度实际缴纳了失业保险费", CLAUSE, BASE, _paid),
            ),
            estimate=_base_estimate,
            notes=_year_note,
        ),
        Part(
            id="special_2019",
            label="2019年困难企业稳岗返还特殊标准",
            gives="返还标准可按6个月的当地月人均失业保险金和参保职工人数确定，或按6个月的企业及其职工应缴纳社会保险费50%确定。",
            main=False,
            period=SPECIAL_PERIOD,
            conditions=(
                Condition("insured_enterprise", "参加失业保险的企业", CLAUSE, SPECIAL, yes("insured_enterprise")),
                Condition("layoffs", "坚持不裁员或少裁员", CLAUSE, SPECIAL, _layoffs),
                Condition("in_difficulty", "面临暂时性生产经营困难且恢复有望", CLAUSE, SPECIAL, yes("in_difficulty")),
            ),
            estimate=_special_estimate,
            now="不裁员或少裁员的参保企业，可返还上年度实际缴纳失业保险费的60%。",
        ),
    ),
    parameters=(
        "job_retention.refund_rate", SPECIAL_PERIOD, "job_retention.special_months",
        "job_retention.special_contribution_share", BENEFIT,
    ),
    infer=lambda a: {},
    keywords=("稳岗", "失业保险费", "裁员"),
    focus="focus",
)
