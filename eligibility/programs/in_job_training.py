"""困难企业职工在岗培训 (第三条第（二）项), 2019-01-01..2019-12-31 only.

Funding order matters and is what employers ask about: first the enterprise's own 职工教育
经费; only the shortfall, after the local 人社部门 reviews it, may get 就业补助资金. The
document gives no amount ("适当支持"), so neither do we.
"""

from __future__ import annotations

from eligibility.model import EMPLOYER, Condition, Estimate, Facts, Part, Program
from eligibility.rules import choice, yes, yesno

CLAUSE = "3.2"
RULE = "困难企业可组织开展职工在岗培训"
PERIOD = "in_job_training.period"

REVIEW = "不足部分经所在地人社部门审核评估合格后"

QUESTIONS = (
    yesno("difficult_enterprise", "贵单位是否属于面临生产经营困难的企业？", short="属于困难企业",
          help="文件没有规定“困难企业”的具体标准，请向所在地人社部门咨询；不确定可以回答“不清楚”。"),
    yesno("training_organised", "贵单位是否组织（或计划组织）职工在岗培训？", short="组织职工在岗培训",
          ask_if={"difficult_enterprise": (True,)}),
    yesno("fund_insufficient", "企业职工教育经费是否不足以支付培训费用？", short="职工教育经费不足",
          help="培训经费先从企业职工教育经费中列支，不足部分才可申请就业补助资金支持。",
          ask_if={"difficult_enterprise": (True,)}),
    choice("review", "不足部分是否已经所在地人社部门审核评估？",
           [("passed", "已审核评估合格"), ("pending", "还没审核"), ("failed", "审核评估没通过")],
           help="就业补助资金只支持经所在地人社部门审核评估合格的部分。",
           ask_if={"difficult_enterprise": (True,), "fund_insufficient": (True,)}),
)


def _review(f: Facts) -> tuple[bool | None, str]:
    """"不足部分经所在地人社部门审核评估合格后，可由就业补助资金予以适当支持"."""
    value = f.get("review")
    if value == "pending":
        return None, "还没审核：须经所在地人社部门审核评估合格后才可获得支持"
    if value == "failed":
        return False, "审核评估没通过"
    return (None if value is None else value == "passed"), ""

PROGRAM = Program(
    id="in_job_training",
    label="困难企业职工在岗培训支持",
    who=EMPLOYER,
    reference=(CLAUSE,),
    summary="2019年困难企业开展职工在岗培训，经费先从职工教育经费列支，不足部分经人社部门审核评估合格后可由就业补助资金适当支持（已于2019年12月31日到期）。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="support",
            label="在岗培训经费支持（就业补助资金）",
            gives="困难企业组织职工在岗培训，经费从企业职工教育经费中列支，不足部分经所在地人社部门审核评估合格后，可由就业补助资金予以适当支持。",
            period=PERIOD,
            conditions=(
                Condition("difficult_enterprise", "困难企业", CLAUSE, RULE, yes("difficult_enterprise")),
                Condition("training_organised", "组织开展职工在岗培训", CLAUSE, RULE, yes("training_organised")),
                Condition("fund_insufficient", "职工教育经费不足（不足部分才可申请支持）", CLAUSE, RULE, yes("fund_insufficient")),
                Condition("review", "不足部分经所在地人社部门审核评估合格", CLAUSE, REVIEW, _review),
            ),
            estimate=lambda f: [Estimate("就业补助资金支持", None, "不足部分经所在地人社部门审核评估合格后适当支持，文件未规定具体金额")],
        ),
    ),
    parameters=(PERIOD,),
    infer=lambda a: {},
    keywords=("在岗培训", "困难企业", "职工教育经费"),
)
