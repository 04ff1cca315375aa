"""创业担保贷款 (第五条第（二）项, with 第五条第（一）项): individuals, partnerships and
small/micro enterprises.

The enterprise test is exact arithmetic on the document's boundary: new hires >= 25% of
current staff, or >= 15% when staff exceed 100 ("超过100人": 100 itself is still 25%). The
loan conditions themselves are set by national and provincial rules, and counties may relax
them; the result says so rather than pretending to decide them: an individual is asked only
what they can know (has the office told them?), and 不清楚 / 还没问过 is 需核实 with who
decides and where to ask. The amounts are caps (最高…), marked as such (Estimate.maximum).
"""

from __future__ import annotations

import math
from fractions import Fraction

from eligibility.model import BOTH, Condition, Estimate, Facts, Part, Program, format_number, wan
from eligibility.rules import choice, number, ratio_reached, yes, yesno

CLAUSE = "5.2"
INDIVIDUAL_CAP = "最高不超过15万元的个人创业担保贷款"
PARTNERSHIP = "合伙创业或组织起来共同创业的"
ENTERPRISE = "小微企业当年新招用符合创业担保贷款申请条件的人员数量"
# The 300万 loan is for 小微企业 only; the document does not say how one is told apart (a
# 单位 / 厂子 answered to 以哪种方式创业 is taken as one), so the result says who decides.
SMALL_FIRMS_ONLY = "这项贷款只给小微企业；文件没有写小微企业怎么划分，是否属于小微企业以经办机构认定为准。"
RELAX = "各县（市）可因地制宜适当放宽创业担保贷款申请条件"
CONDITIONS_HELP = "哪些人员符合创业担保贷款申请条件，由国家和省规定（本文件没有列出），各县（市）可适当放宽，以经办机构认定为准；不确定可以回答“不清楚”。"
# The document gives the loan to "符合创业担保贷款申请条件的个人" but never says what those
# conditions are: nobody can answer "do you meet them?". What a resident can know is whether
# the office that decides has told them; 不清楚 / 还没问过 is 需核实, with who decides.
WHO_DECIDES = "申请条件由国家和省规定，本文件没有列出，各县（市）还可适当放宽；能否申请、能贷多少，由所在县（市）人社部门或创业担保贷款经办机构审核确定，请向他们咨询"

QUESTIONS = (
    choice("role", "您是以哪种方式创业？",
           [("individual", "个人从事个体经营"), ("partnership", "合伙创业或组织起来共同创业"), ("enterprise", "小微企业")]),
    choice("office_answer", "您是否已向当地人社部门或创业担保贷款经办机构问过，自己能不能申请创业担保贷款？",
           [("told_yes", "问过，说我可以申请"), ("told_no", "问过，说我不符合条件"), ("not_asked", "还没问过")],
           help="申请条件由国家和省规定，这份文件没有列出，各县（市）还可以适当放宽，所以要由经办机构审核；"
                "还没问过就选“还没问过”。",
           ask_if={"role": ("individual", "partnership")}, prefill=False),
    number("staff", "贵企业现有在职职工多少人？", "人", 1, 1000000, help="现有在职职工要把今年招进来的人也算上。",
           ask_if={"role": ("enterprise",)}, at_least_ok=False, adds_hires=True),
    number("new_hires", "今年新招用的、符合创业担保贷款申请条件的人员有几人？", "人", 0, 1000000,
           help=CONDITIONS_HELP, ask_if={"role": ("enterprise",)}, counts_hires=True),
    yesno("contracts", "是否与这些新招用人员都签订了1年以上的劳动合同？", short="与新招用人员签订1年以上劳动合同",
          ask_if={"role": ("enterprise",)}, changeable=True, prefill=False),
)


def _office_answer(f: Facts) -> tuple[bool | None, str]:
    value = f.get("office_answer")
    if value == "told_yes":
        return True, "经办机构已告知可以申请"
    if value == "told_no":
        return False, "经办机构已告知不符合"
    if value == "not_asked":
        return None, "还没问过经办机构"
    return None, ""


def _needed_ratio_for(staff: int, f: Facts) -> float:
    large = staff > f.p("startup_loan.large_staff_threshold")
    return f.p("startup_loan.new_hire_ratio_large" if large else "startup_loan.new_hire_ratio")


def _needed_ratio(f: Facts) -> float | None:
    staff = f.get("staff")
    return None if staff is None else _needed_ratio_for(staff, f)


def _needed_hires(staff: int, percent: float) -> int:
    """ceil(staff × percent / 100), exactly."""
    return math.ceil(Fraction(str(staff)) * Fraction(str(percent)) / 100)


def _hires(f: Facts) -> tuple[bool | None, str]:
    staff, hires, percent = f.get("staff"), f.get("new_hires"), _needed_ratio(f)
    if staff is None or hires is None or percent is None:
        return None, ""
    if hires > staff:
        return None, "新招用人数多于在职职工人数，请核对（在职职工包括新招用的人员）"
    share = format_number(round(hires * 100 / staff, 2))
    rule = f"在职职工{format_number(staff)}人，需达到{format_number(percent)}%（至少{_needed_hires(staff, percent)}人）"
    return ratio_reached(hires, staff, percent), f"新招用{format_number(hires)}人，占{share}%；{rule}"


def more_hires_needed(staff: int, hires: int, f: Facts) -> int:
    """The fewest further hires k with which the rule is met, counted as the rule counts: new
    hires are part of the current staff, so k more makes (hires + k) of (staff + k), and the
    ratio needed drops to 15% once staff exceed 100 (100 staff and 24 hires: one more hire
    gives 25 of 101, over 15%). 0 when already met."""
    if ratio_reached(hires, staff, _needed_ratio_for(staff, f)):
        return 0
    threshold = int(f.p("startup_loan.large_staff_threshold"))
    best: int | None = None
    for percent, lowest, highest in ((f.p("startup_loan.new_hire_ratio"), 1, threshold - staff),
                                     (f.p("startup_loan.new_hire_ratio_large"), max(1, threshold + 1 - staff), None)):
        # (hires + k) * 100 >= percent * (staff + k)  <=>  k >= (percent * staff - 100 * hires) / (100 - percent)
        p = Fraction(str(percent))
        k = max(lowest, math.ceil((p * staff - 100 * hires) / (100 - p)))
        if highest is not None and k > highest:
            continue
        best = k if best is None else min(best, k)
    return best if best is not None else 0


def _individual_estimate(f: Facts) -> list[Estimate]:
    cap = f.p("startup_loan.individual_cap")
    if f.get("role") == "partnership":
        return [Estimate("贷款额度", None, f"合伙创业或组织起来共同创业的，额度可在个人最高{wan(cap)}的基础上适当提高，"
                                      f"文件未规定具体数额，以经办机构核定为准")]
    return [Estimate("贷款额度", cap, f"最高可贷{wan(cap)}，并给予贴息扶持（具体额度由经办机构核定）", maximum=True)]


def _enterprise_estimate(f: Facts) -> list[Estimate]:
    cap = f.p("startup_loan.enterprise_cap")
    return [Estimate("贷款额度", cap, f"最高可贷{wan(cap)}，并给予贴息扶持（具体额度由经办机构核定）", maximum=True)]


def _enterprise_what_if(f: Facts) -> list[str]:
    staff, hires = f.get("staff"), f.get("new_hires")
    if staff is None or hires is None or hires > staff:
        return []
    more = more_hires_needed(staff, hires, f)
    if more == 0:
        return []
    total_staff = staff + more
    percent = _needed_ratio_for(total_staff, f)
    contract = "" if f.get("contracts") is True else "，并与新招用人员都签订1年以上劳动合同"
    return [f"如果今年再新招用{more}名符合条件的人员（新招用共{format_number(hires + more)}人，在职职工共{format_number(total_staff)}人，"
            f"达到{format_number(percent)}%）{contract}，可申请最高{wan(f.p('startup_loan.enterprise_cap'))}的贷款。"]


def _individual_notes(f: Facts) -> list[str]:
    out = []
    if f.get("office_answer") != "told_yes":
        cap = f"（文件规定的上限是个人最高不超过{wan(f.p('startup_loan.individual_cap'))}）" if f.get("role") == "individual" else ""
        out.append(WHO_DECIDES + cap + "。")
    if f.get("role") == "partnership":
        out.append("合伙创业或组织起来共同创业的，贷款额度可适当提高（文件未规定具体数额）。")
    return out


def _relax_note(f: Facts) -> list[str]:
    return ["各县（市）可因地制宜适当放宽创业担保贷款申请条件，请向所在县（市）人社部门咨询当地条件。"]


PROGRAM = Program(
    id="startup_loan",
    label="创业担保贷款",
    who=BOTH,
    reference=(CLAUSE, "5.1"),
    summary="个人从事个体经营最高15万元、小微企业最高300万元的创业担保贷款及贴息；合伙创业的额度可适当提高。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="individual",
            label="个人创业担保贷款",
            gives="符合申请条件的个人从事个体经营，可给予最高不超过15万元的个人创业担保贷款及贴息；合伙或共同创业的额度可适当提高。",
            when={"role": ("individual", "partnership")},
            conditions=(
                Condition("office_answer", "创业担保贷款申请条件（由经办机构审核）", CLAUSE, INDIVIDUAL_CAP, _office_answer),
            ),
            estimate=_individual_estimate,
            notes=_individual_notes,
        ),
        Part(
            id="enterprise",
            label="小微企业创业担保贷款",
            gives="当年新招用符合条件人员达到现有在职职工25%（超过100人的企业15%）并签订1年以上劳动合同的小微企业，可申请最高300万元的贷款及贴息。",
            when={"role": ("enterprise",)},
            conditions=(
                Condition("new_hires", "当年新招用符合条件的人员达到在职职工的25%（超过100人的企业15%）", CLAUSE, ENTERPRISE, _hires,
                          reads=("staff", "new_hires")),
                Condition("contracts", "与新招用人员签订1年以上劳动合同", CLAUSE, ENTERPRISE, yes("contracts")),
            ),
            estimate=_enterprise_estimate,
            what_if=_enterprise_what_if,
            notes=lambda f: [SMALL_FIRMS_ONLY] + _relax_note(f) + ["政府性融资担保机构应优先为符合条件的小微企业提供低费率的担保支持（第五条第（一）项）。"],
        ),
    ),
    parameters=(
        "startup_loan.individual_cap", "startup_loan.enterprise_cap", "startup_loan.new_hire_ratio",
        "startup_loan.new_hire_ratio_large", "startup_loan.large_staff_threshold", "startup_loan.contract_years_min",
    ),
    infer=lambda a: (
        {"role": "individual"} if a.get("situation") in ("self_employed", "rural_worker") and a.get("role") == "individual"
        else {"role": "enterprise"} if a.get("role") == "employer" else {}
    ),
    keywords=("贷款", "创业", "贴息"),
)
