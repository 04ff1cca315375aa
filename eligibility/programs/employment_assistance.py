"""就业困难人员认定与就业援助 (第九条第（三）项): unemployment registration where one lives,
recognition as 就业困难人员, 失业保险金 with the medical-insurance share paid by the fund, and
临时生活补助 / 低保 / 临时救助 for those in hardship.

Most criteria here are defined by other rules (《失业保险条例》, 民政 rules for 低保): the
result marks them 需核实 and names the department instead of guessing.
"""

from __future__ import annotations

from eligibility.model import INDIVIDUAL, Condition, Estimate, Facts, Part, Program
from eligibility.rules import choice, focus, set_elsewhere, yes, yesno

CLAUSE = "9.3"
REGISTER = "失业人员可在常住地公共就业服务机构办理失业登记"
RECOGNISE = "大龄、残疾、低保家庭等劳动者可在常住地申请认定为就业困难人员"
BENEFIT = "由失业保险基金发放失业保险金"
TEMPORARY = "给予临时生活补助"
DIBAO = "及时纳入最低生活保障范围"

OLDER_NOTE = "文件没有规定“大龄”是多少岁，以常住地公共就业服务机构的认定为准"

QUESTIONS = (
    yesno("unemployed", "您现在是失业（下岗）人员吗？", short="是失业人员"),
    choice("difficulty_group", "您是否属于下面的情况？",
           [("older", "大龄劳动者"), ("disabled", "残疾人"), ("dibao_family", "低保家庭成员"),
            ("other", "其他就业困难情形"), ("none", "都不是")],
           help=f"请按自己的情况选；{OLDER_NOTE}。可在常住地申请认定为就业困难人员，具体认定标准以当地规定为准。",
           ask_if={"unemployed": (True,)}),
    yesno("ui_eligible", "您是否符合领取失业保险金的条件（如失业前参加了失业保险）？",
          help="领取条件按《失业保险条例》等规定，由失业保险经办机构认定；不确定可以回答“不清楚”。",
          short="符合领取失业保险金的条件", ask_if={"unemployed": (True,)}),
    yesno("living_hardship", "您家目前生活是否困难？", short="生活困难", ask_if={"unemployed": (True,)}),
    focus([("recognition", "问的是认定为就业困难人员"), ("unemployment_benefit", "问的是失业保险金"),
           ("temporary_allowance", "问的是临时生活补助"), ("dibao_and_relief", "问的是低保和临时救助")]),
)


def _group(f: Facts) -> tuple[bool | None, str]:
    """The document names 大龄、残疾、低保家庭 "等": others may be recognised, by the office.
    It gives no age for 大龄, so the resident's own classification is taken, and said so."""
    value = f.get("difficulty_group")
    if value == "other":
        return None, "其他情形是否可认定，以常住地公共就业服务机构的认定标准为准"
    if value == "older":
        return True, OLDER_NOTE
    return (None if value is None else value in ("disabled", "dibao_family")), ""


UNEMPLOYED = Condition("unemployed", "失业人员", CLAUSE, REGISTER, yes("unemployed"))

PROGRAM = Program(
    id="employment_assistance",
    label="失业登记与就业援助",
    who=INDIVIDUAL,
    reference=(CLAUSE,),
    summary="失业人员可在常住地办理失业登记，大龄、残疾、低保家庭等可认定为就业困难人员享受就业援助；符合条件的领取失业保险金，生活困难的可获临时生活补助、低保或临时救助。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="registration",
            label="失业登记及就业创业服务",
            gives="在常住地公共就业服务机构办理失业登记，申请享受当地就业创业服务、就业扶持政策和重点群体创业就业税收优惠政策。",
            conditions=(UNEMPLOYED,),
        ),
        Part(
            id="recognition",
            label="认定为就业困难人员，享受就业援助",
            gives="大龄、残疾、低保家庭等劳动者可在常住地申请认定为就业困难人员，享受就业援助。",
            main=False,
            conditions=(UNEMPLOYED, Condition("difficulty_group", "大龄、残疾、低保家庭等劳动者", CLAUSE, RECOGNISE, _group)),
        ),
        Part(
            id="unemployment_benefit",
            label="失业保险金（个人医保费由基金缴纳）",
            gives="由失业保险基金发放失业保险金，个人应缴纳的基本医疗保险费从失业保险基金中列支。",
            main=False,
            conditions=(UNEMPLOYED, Condition("ui_eligible", "领取失业保险金的条件", CLAUSE, BENEFIT, yes("ui_eligible"))),
            estimate=lambda f: [Estimate("失业保险金", None, "按当地失业保险金标准和缴费年限确定，文件未规定具体金额")],
        ),
        Part(
            id="temporary_allowance",
            label="临时生活补助",
            gives="对符合条件的生活困难下岗失业人员给予临时生活补助，标准根据家庭困难程度、地区消费水平等综合确定。",
            main=False,
            conditions=(
                UNEMPLOYED,
                Condition("living_hardship", "生活困难", CLAUSE, TEMPORARY, yes("living_hardship")),
                Condition("temporary_rules", "临时生活补助的具体条件", CLAUSE, TEMPORARY,
                          set_elsewhere("具体条件和标准由当地根据家庭困难程度、地区消费水平确定，需经办机构核实")),
            ),
        ),
        Part(
            id="dibao_and_relief",
            label="最低生活保障和临时救助",
            gives="符合最低生活保障条件的家庭及时纳入低保；符合临时救助条件的给予临时救助。",
            main=False,
            conditions=(
                Condition("living_hardship", "生活困难", CLAUSE, DIBAO, yes("living_hardship")),
                Condition("dibao_rules", "低保或临时救助的条件", CLAUSE, DIBAO,
                          set_elsewhere("低保和临时救助的条件由民政部门按规定认定")),
            ),
        ),
    ),
    infer=lambda a: {"unemployed": a["situation"] == "unemployed"} if a.get("situation") in ("unemployed", "employee") else {},
    keywords=("失业登记", "就业困难人员", "失业保险金", "低保"),
    focus="focus",
)
