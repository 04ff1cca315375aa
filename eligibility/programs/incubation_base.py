"""创业孵化基地 (第九条第（二）项): subsidies for qualifying 创业就业孵化示范基地（园区）, and free
premises for unemployed people starting a business where employment pressure is high.

Both rest on conditions set elsewhere ("符合资金申报条件", "稳定就业压力较大地区"), so the best
this document allows is 需核实, with the department to ask.
"""

from __future__ import annotations

from eligibility.model import BOTH, Condition, Estimate, Part, Program
from eligibility.rules import choice, set_elsewhere, yes, yesno

CLAUSE = "9.2"
BASE = "对符合资金申报条件的按规定给予补助"
PREMISES = "为失业人员自主创业免费提供经营场地"

QUESTIONS = (
    choice("role", "您是孵化基地（园区）的运营方，还是想自主创业的个人？",
           [("base", "孵化基地（园区）运营方"), ("starter", "想自主创业的个人")]),
    yesno("recognised_base", "基地是否已被认定为省、州或县（市）级创业就业孵化示范基地（园区）？",
          short="已被认定为示范基地", ask_if={"role": ("base",)}),
    yesno("unemployed", "您现在是失业人员吗？", short="是失业人员", ask_if={"role": ("starter",)}),
    # "为失业人员自主创业免费提供经营场地": both are needed, so someone who is not unemployed
    # is already answered (不符合) and is not asked about their plans.
    yesno("starting_business", "您是否准备或正在自主创业？", short="自主创业", ask_if={"unemployed": (True,)}),
)

PROGRAM = Program(
    id="incubation_base",
    label="创业孵化基地扶持和免费经营场地",
    who=BOTH,
    reference=(CLAUSE,),
    summary="符合资金申报条件的创业就业孵化示范基地（园区）按规定给予补助；稳定就业压力较大的地区可为失业人员自主创业免费提供经营场地。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="base",
            label="孵化示范基地（园区）补助",
            gives="全面落实省、州、县市级创业就业孵化示范基地（园区）扶持政策，对符合资金申报条件的按规定给予补助。",
            when={"role": ("base",)},
            conditions=(
                Condition("recognised_base", "省、州、县市级创业就业孵化示范基地（园区）", CLAUSE, BASE, yes("recognised_base")),
                Condition("funding_rules", "资金申报条件", CLAUSE, BASE, set_elsewhere("资金申报条件和补助标准按规定执行，本文件未规定")),
            ),
            estimate=lambda f: [Estimate("基地补助", None, "按规定给予补助，文件未规定具体金额")],
        ),
        Part(
            id="premises",
            label="失业人员自主创业免费经营场地",
            gives="支持稳定就业压力较大地区为失业人员自主创业免费提供经营场地。",
            when={"role": ("starter",)},
            conditions=(
                Condition("unemployed", "失业人员", CLAUSE, PREMISES, yes("unemployed")),
                Condition("starting_business", "自主创业", CLAUSE, PREMISES, yes("starting_business")),
                Condition("pressure_area", "所在地为失业人员自主创业免费提供经营场地", CLAUSE, PREMISES,
                          set_elsewhere("是否提供免费经营场地由当地政府根据就业压力确定，请向县（市）人社部门咨询")),
            ),
        ),
    ),
    infer=lambda a: (
        {"role": "starter", "unemployed": True} if a.get("situation") == "unemployed" and a.get("role") == "individual"
        else {"role": "base"} if a.get("role") == "employer" else {}
    ),
    keywords=("孵化", "创业园", "经营场地"),
)
