"""创业担保贷款 (第五条第（二）项, with 第五条第（一）项): individuals, partnerships and
small/micro enterprises.

The enterprise test is exact arithmetic on the document's boundary: new hires >= 25% of
current staff, or >= 15% when staff exceed 100 ("超过100人": 100 itself is still 25%). The
loan conditions themselves are set by national and provincial rules, and counties may relax
them; the result says so rather than pretending to decide them.
"""

from __future__ import annotations

from eligibility.model import BOTH, Condition, Estimate, Facts, Part, Program, format_number, yuan
from eligibility.rules import choice, number, ratio_reached, yes, yesno

CLAUSE = "5.2"
INDIVIDUAL_CAP = "最高不超过15万元的个人创业担保贷款"
PARTNERSHIP = "合伙创业或组织起来共同创业的"
ENTERPRISE = "小微企业当年新招用符合创业担保贷款申请条件的人员数量"
RELAX = "各县（市）可因地制宜适当放宽创业担保贷款申请条件"
CONDITIONS_HELP = "创业担保贷款的申请条件由国家和省规定，各县（市）可适当放宽；不确定可以回答“不清楚”。"

QUESTIONS = (
    choice("role", "你是以哪种方式创业？",
           [("individual", "个人从事个体经营"), ("partnership", "合伙创业或组织起来共同创业"), ("enterprise", "小微企业")]),
    yesno("meets_loan_conditions", "你是否符合创业担保贷款的申请条件？", help=CONDITIONS_HELP,
          short="符合创业担保贷款申请条件", ask_if={"role": ("individual", "partnership")}),
    number("staff", "贵企业现有在职职工多少人？", "人", 1, 1000000, ask_if={"role": ("enterprise",)}, at_least_ok=False),
    number("new_hires", "今年新招用的、符合创业担保贷款申请条件的人员有几人？", "人", 0, 1000000,
           help=CONDITIONS_HELP, ask_if={"role": ("enterprise",)}),
    yesno("contracts", "是否与这些新招用人员都签订了1年以上的劳动合同？", short="签订1年以上劳动合同",
          ask_if={"role": ("enterprise",)}),
)


def _needed_ratio(f: Facts) -> float | None:
    staff = f.get("staff")
    if staff is None:
        return None
    large = staff > f.p("startup_loan.large_staff_threshold")
    return f.p("startup_loan.new_hire_ratio_large" if large else "startup_loan.new_hire_ratio")


def _needed_hires(staff: int, percent: float) -> int:
    return -(-staff * int(percent * 100) // 10000)  # ceil(staff * percent / 100), exactly


def _hires(f: Facts) -> tuple[bool | None, str]:
    staff, hires, percent = f.get("staff"), f.get("new_hires"), _needed_ratio(f)
    if staff is None or hires is None or percent is None:
        return None, ""
    share = format_number(round(hires * 100 / staff, 2))
    rule = f"在职职工{format_number(staff)}人，需达到{format_number(percent)}%（至少{_needed_hires(staff, percent)}人）"
    return ratio_reached(hires, staff, percent), f"新招用{format_number(hires)}人，占{share}%；{rule}"


def _individual_estimate(f: Facts) -> list[Estimate]:
    cap = f.p("startup_loan.individual_cap")
    if f.get("role") == "partnership":
        return [Estimate("创业担保贷款额度", None, f"个人最高{yuan(cap)}；合伙或共同创业的可适当提高，具体额度以当地规定和经办机构审核为准")]
    return [Estimate("个人创业担保贷款额度（最高）", cap, f"最高{yuan(cap)}，并给予贴息扶持", maximum=True)]


def _enterprise_estimate(f: Facts) -> list[Estimate]:
    cap = f.p("startup_loan.enterprise_cap")
    return [Estimate("小微企业创业担保贷款额度（最高）", cap, f"最高{yuan(cap)}，并给予贴息扶持", maximum=True)]


def _enterprise_what_if(f: Facts) -> list[str]:
    staff, hires, percent = f.get("staff"), f.get("new_hires"), _needed_ratio(f)
    if staff is None or hires is None or percent is None or ratio_reached(hires, staff, percent):
        return []
    need = _needed_hires(staff, percent)
    return [f"若今年再新招用{need - hires}名符合条件的人员（合计{need}人，达到{format_number(percent)}%）"
            f"并签订1年以上劳动合同，可申请最高{yuan(f.p('startup_loan.enterprise_cap'))}的贷款。"]


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
                Condition("meets_loan_conditions", "符合创业担保贷款申请条件（国家和省规定，县市可放宽）", CLAUSE, INDIVIDUAL_CAP,
                          yes("meets_loan_conditions")),
            ),
            estimate=_individual_estimate,
            notes=lambda f: _relax_note(f) + (["合伙创业或组织起来共同创业的，贷款额度可适当提高（文件未规定具体数额）。"]
                                              if f.get("role") == "partnership" else []),
        ),
        Part(
            id="enterprise",
            label="小微企业创业担保贷款",
            gives="当年新招用符合条件人员达到现有在职职工25%（超过100人的企业15%）并签订1年以上劳动合同的小微企业，可申请最高300万元的贷款及贴息。",
            when={"role": ("enterprise",)},
            conditions=(
                Condition("new_hires", "当年新招用符合条件的人员达到在职职工的25%（超过100人的企业15%）", CLAUSE, ENTERPRISE, _hires),
                Condition("contracts", "与新招用人员签订1年以上劳动合同", CLAUSE, ENTERPRISE, yes("contracts")),
            ),
            estimate=_enterprise_estimate,
            what_if=_enterprise_what_if,
            notes=lambda f: _relax_note(f) + ["政府性融资担保机构应优先为符合条件的小微企业提供低费率的担保支持（第五条第（一）项）。"],
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
