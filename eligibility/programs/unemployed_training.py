"""失业人员培训 (第三条第（三）项): 职业培训补贴 for unemployed people who pass training, and
— for 2019-01-01..2020-12-31 only — 生活费补贴 during training for 就业困难人员 and
零就业家庭成员, once a year and not together with 失业保险金.

The training subsidy has no end date; the living allowance is an extra with its own period,
so in 2026 the main verdict can be 符合 while the allowance is reported as 已到期.
"""

from __future__ import annotations

from eligibility.model import INDIVIDUAL, Condition, Estimate, Facts, Part, Program
from eligibility.rules import choice, focus, no, one_of, yes, yesno

CLAUSE = "3.3"
SUBSIDY = "对培训合格的失业人员给予职业培训补贴"
ALLOWANCE = "对其中就业困难人员和零就业家庭成员在培训期间再给予生活费补贴"
ONCE = "生活费补贴政策每人每年只享受一次"
PERIOD = "unemployed_training.living_allowance_period"

QUESTIONS = (
    yesno("unemployed", "您现在是失业人员吗？", help="已在公共就业服务机构办理失业登记的更好办理；不确定可以问当地公共就业服务机构。",
          short="是失业人员", unknown_goes_on=True),
    choice("training", "您参加职业技能培训或创业培训的情况是？",
           [("passed", "已参加培训并考核合格"), ("in_progress", "正在培训或准备参加"), ("none", "没有参加"),
            ("failed", "参加了培训，但考核没有合格")],
           short="参加培训并考核合格", ask_if={"unemployed": (True,)}),
    choice("hardship", "您是否属于就业困难人员或零就业家庭成员？",
           [("hard_to_employ", "就业困难人员"), ("zero_employment", "零就业家庭成员"), ("neither", "都不是")],
           help="就业困难人员需经常住地公共就业服务机构认定。", ask_if={"unemployed": (True,)}),
    yesno("receiving_ui", "培训期间您是否在领取失业保险金？", short="培训期间不领取失业保险金",
          ask_if={"hardship": ("hard_to_employ", "zero_employment")}, ask_during=PERIOD),
    yesno("allowance_this_year", "今年您是否已经享受过培训生活费补贴？",
          ask_if={"hardship": ("hard_to_employ", "zero_employment")}, ask_during=PERIOD),
    focus([("living_allowance", "问的是培训期间生活费补贴")]),
)


def _training(f: Facts) -> tuple[bool | None, str]:
    """"对培训合格的失业人员给予职业培训补贴": passed is met; took it and did not pass is not;
    still in training is not yet known."""
    value = f.get("training")
    if value == "in_progress":
        return None, "培训合格后才能领取职业培训补贴"
    if value == "failed":
        return False, "考核没有合格；培训合格的才给予职业培训补贴"
    return (None if value is None else value == "passed"), ""


def _in_training(f: Facts) -> bool | None:
    """The living allowance is paid 在培训期间: having taken part is what counts, not passing."""
    value = f.get("training")
    return None if value is None else value in ("passed", "in_progress", "failed")


def _what_if(f: Facts) -> list[str]:
    """Passing a training is something an unemployed person can still do."""
    if f.get("unemployed") is True and f.get("training") in ("failed", "none"):
        return ["如果参加职业技能培训或创业培训并考核合格，就可以申请职业培训补贴。"]
    return []


PROGRAM = Program(
    id="unemployed_training",
    label="失业人员职业培训补贴",
    who=INDIVIDUAL,
    reference=(CLAUSE,),
    summary="失业人员参加职业技能培训或创业培训并合格，可享受职业培训补贴；就业困难人员和零就业家庭成员培训期间的生活费补贴只执行到2020年12月31日，已到期。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="training_subsidy",
            label="职业培训补贴",
            gives="对培训合格的失业人员给予职业培训补贴。",
            conditions=(
                Condition("unemployed", "失业人员", CLAUSE, SUBSIDY, yes("unemployed")),
                Condition("training", "参加培训并考核合格", CLAUSE, SUBSIDY, _training),
            ),
            estimate=lambda f: [Estimate("职业培训补贴", None, "文件未规定补贴金额，按省有关规定和培训项目确定，请向当地人社部门咨询")],
            what_if=_what_if,
        ),
        Part(
            id="living_allowance",
            label="培训期间生活费补贴（2019—2020年）",
            gives="就业困难人员和零就业家庭成员在培训期间再给予生活费补贴，每人每年只享受一次，且不可同时领取失业保险金。",
            main=False,
            period=PERIOD,
            conditions=(
                Condition("unemployed", "失业人员", CLAUSE, ALLOWANCE, yes("unemployed")),
                Condition("in_training", "参加了培训（培训期间）", CLAUSE, ALLOWANCE, _in_training, reads=("training",)),
                Condition("hardship", "就业困难人员或零就业家庭成员", CLAUSE, ALLOWANCE,
                          one_of("hardship", "hard_to_employ", "zero_employment")),
                Condition("receiving_ui", "培训期间不同时领取失业保险金", CLAUSE, ONCE, no("receiving_ui")),
                Condition("allowance_this_year", "本年度尚未享受过生活费补贴", CLAUSE, ONCE, no("allowance_this_year")),
            ),
            estimate=lambda f: [Estimate("生活费补贴", None, "文件未规定补贴标准，以当地规定为准")],
            now="对培训合格的失业人员给予职业培训补贴，这一项没有期限，仍在执行。",
        ),
    ),
    parameters=(PERIOD,),
    infer=lambda a: {"unemployed": a["situation"] == "unemployed"} if a.get("situation") in ("unemployed", "employee") else {},
    keywords=("培训", "失业", "生活费"),
    focus="focus",
)
