"""返乡创业 (第二条第（三）项): rural workers who return home and want to start a business get
one recommended project, help with one site and with one small guaranteed loan, plus
e-commerce ("互联网+") support. The document promises services, not an amount.
"""

from __future__ import annotations

from eligibility.model import INDIVIDUAL, Condition, Estimate, Facts, Part, Program, wan
from eligibility.rules import yes, yesno

CLAUSE = "2.3"
SUPPORT = "对每一名有创业意愿的创业者推荐一个项目"
ONLINE = "帮助有条件的农村劳动力网上创业"

QUESTIONS = (
    yesno("rural_returnee", "您是返乡的农村劳动力吗（例如外出务工后回到家乡）？", short="是返乡农村劳动力"),
    yesno("wants_startup", "您有创业的打算吗？", short="您有了创业打算", ask_if={"rural_returnee": (True,)}, changeable=True),
    yesno("online", "您是否想通过网店、电商等方式在网上创业？", short="想通过网店、电商在网上创业", ask_if={"wants_startup": (True,)}),
)

def _estimate(f: Facts) -> list[Estimate]:
    cap = f.p("startup_loan.individual_cap")
    return [Estimate("小额担保贷款", None, f"帮助办理一笔，额度和条件按创业担保贷款政策（第五条第（二）项）执行，个人最高可贷{wan(cap)}",
                     maximum=True)]


PROGRAM = Program(
    id="returnee_startup",
    label="农村劳动力返乡创业扶持",
    who=INDIVIDUAL,
    reference=(CLAUSE,),
    summary="对返乡创业的农村劳动力，推荐一个项目、协助落实一处场地、帮助办理一笔小额担保贷款，并支持网上创业。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="support",
            label="返乡创业扶持（一个项目、一处场地、一笔贷款）",
            gives="在市场准入、税费优惠、财政支持、金融服务、创业园建设等方面提供扶持；推荐一个项目，协助落实一处场地，帮助办理一笔小额担保贷款。",
            conditions=(
                Condition("rural_returnee", "返乡创业的农村劳动力", CLAUSE, SUPPORT, yes("rural_returnee")),
                Condition("wants_startup", "有创业意愿", CLAUSE, SUPPORT, yes("wants_startup")),
                Condition("online", "网上创业（“互联网+”和电子商务扶持）", CLAUSE, ONLINE, yes("online"), required=False),
            ),
            estimate=_estimate,
        ),
    ),
    parameters=("startup_loan.individual_cap",),
    infer=lambda a: ({"rural_returnee": True} if a.get("situation") == "rural_worker"
                     else {"rural_returnee": False} if a.get("situation") in ("graduate", "employee") else {}),
    keywords=("返乡", "农民工", "创业"),
)
