"""就业见习 (第六条): who may join an internship, and the host unit's 就业见习补贴.

Two sides: the young person (three groups; the 16—24岁失业青年 only from 2019-01-01, with no
end date — so this is NOT expired today), and the host unit, paid per intern per month,
1000元, or 1200元 when at least 50% of interns are kept at the end.

Host side: only interns who are 见习对象 count. When the unit does not say all of them are
(否 / 不清楚: a mixed group), it is asked how many are, and the amount is worked out for that
many. The 1200元 tier needs an achieved rate (见习期满留用率达到50%以上): the retained number is
asked only once the internship has ended; a plan to keep some on gives 1000元 and a what-if.
"""

from __future__ import annotations

import math
from fractions import Fraction

from eligibility.model import (
    BOTH,
    Choice,
    Condition,
    Estimate,
    Facts,
    Part,
    Program,
    Question,
    Test,
    format_number,
    yuan,
)
from eligibility.rules import between, choice, number, ratio_reached, yesno

CLAUSE = "6"
SCOPE = "从2019年1月1日起，将就业见习补贴范围由离校未就业高校毕业生"
RATE = "按每人每月1000元的标准给予就业见习补贴"
RETAINED = "留用率达到50%以上的单位"

# Whether the person works now, studies, or has no work: never asked (the category's labels
# already say 未就业), only taken from what the resident said in their own words
# (eligibility/data/stated_facts.yaml: 在超市打工, 还在念书, 在家闲着). 第六条's three groups are
# all people without work: 离校**未就业**高校毕业生, **未就业**中职毕业生, **失业**青年.
WORKING, CASUAL, STUDYING, IDLE = "working", "casual", "studying", "idle"
AGE_HELP = "可以回答年龄，也可以回答出生年份（如“2003年出生”）。"
AGES = ("age", "age_vocational")  # one is asked: after 都不是 / 失业青年, or after a 中职 area that is not (sure)

QUESTIONS = (
    choice("role", "您是想参加见习的个人，还是接收见习人员的单位？",
           [("intern", "想参加见习的个人"), ("host", "接收见习人员的单位")]),
    choice("category", "您属于下面哪一类？",
           [("college_grad", "离校未就业的高校毕业生"),
            ("vocational_grad", "艰苦边远地区、老工业基地或国家级贫困县的未就业中职毕业生"),
            ("unemployed_youth", "失业青年"),
            ("none", "都不是")],
           help="高校毕业生和中职毕业生不限年龄；失业青年需16—24岁。", ask_if={"role": ("intern",)},
           # 我26岁 待业在家: out of work, but maybe a graduate (no age limit) — asked, not assumed
           prefill_not=("unemployed_youth",)),
    Question("status", "现在的情况", "choice",
             (Choice(WORKING, "现在在工作（打工、上班）"), Choice(CASUAL, "打零工、临时干活"),
              Choice(STUDYING, "还在上学"), Choice(IDLE, "现在没有工作")),
             hidden=True, ask_if={"role": ("intern",)}),
    # 都不是 may still be a 16—24岁失业青年 (a 中专、高中 leaver at home): the age decides.
    number("age", "您今年多少岁？", "岁", 1, 120, help=AGE_HELP,
           ask_if={"category": ("unemployed_youth", "none")}, at_least_ok=False),
    # The document names no county: whether a place is 艰苦边远地区、老工业基地或国家级贫困县 is the
    # 人社部门's call, never read from a place name (东乡, 永靖 …). 不清楚 goes on to the age.
    yesno("poor_area", "毕业生所在的县（市）属于艰苦边远地区、老工业基地或国家级贫困县吗？",
          short="所在地属于艰苦边远地区、老工业基地或国家级贫困县", ask_if={"category": ("vocational_grad",)},
          unknown_goes_on=True,
          help="文件没有列出具体是哪些县（市），以所在县（市）人社部门的认定为准；不知道的请回答“不清楚”。"),
    # A 中职毕业生 outside (or not sure of) those areas may still be a 16—24岁失业青年: the same
    # question as `age`, asked only then (never once the area alone settles it).
    number("age_vocational", "您今年多少岁？", "岁", 1, 120, help=AGE_HELP,
           ask_if={"poor_area": (False,)}, at_least_ok=False),
    yesno("interns_eligible", "接收的见习人员是否都属于见习对象（离校未就业高校毕业生、上述地区未就业中职毕业生或16—24岁失业青年）？",
          short="见习人员都属于见习对象", ask_if={"role": ("host",)}, unknown_goes_on=True, prefill=False,
          help="只有见习对象才能算补贴；有的是、有的不是，请回答“否”，接下来会问其中有几人是。"),
    number("interns", "接收了几名见习人员？", "人", 1, 100000, ask_if={"role": ("host",)}),
    number("eligible_interns", "其中有几人属于见习对象（离校未就业高校毕业生、上述地区未就业中职毕业生或16—24岁失业青年）？",
           "人", 0, 100000, help="就业见习补贴只按属于见习对象的人数计算；拿不准的，可以向所在县（市）人社部门核实。",
           ask_if={"interns_eligible": (False,)}),
    number("months", "每人见习几个月？", "个月", 1, 60, help="文件规定见习期为3—12个月。", ask_if={"role": ("host",)}, at_least_ok=False),
    # read from earlier words only as stated_facts.yaml lists them (见习满了; never from 想招两个)
    yesno("finished", "见习期已经满了吗？", short="见习期已满", ask_if={"role": ("host",)},
          help="见习期满时留用率达到50%以上的，补贴从每人每月1000元提高到1200元；已经满了的，也可以直接回答留用的人数，例如“留用4人”。"),
    number("retained", "见习期满后实际留用了几人？", "人", 0, 100000,
           help="留用率达到50%以上，补贴标准从每人每月1000元提高到1200元。", ask_if={"finished": (True,)}),
)

# What the person said of their situation, as a reason a route is not met (or to verify).
_STATUS_NOTES = {
    WORKING: "您说现在在工作（打工、上班），第六条的见习对象是未就业的人员",
    STUDYING: "您说还在上学，第六条的见习对象是离校后未就业的人员",
    CASUAL: "您说在打零工、临时干活，算不算已就业以所在县（市）人社部门的认定为准",
}


def _status(f: Facts) -> tuple[bool | None, str] | None:
    """The situation said (f.get("status")) as a test result for a route of people without work:
    working / studying → not met, casual → to verify, none said or idle → None (no objection)."""
    status = f.get("status")
    if status in (WORKING, STUDYING):
        return False, _STATUS_NOTES[status]
    if status == CASUAL:
        return None, _STATUS_NOTES[status]
    return None


def _graduate(category: str) -> Test:
    """离校未就业高校毕业生 / 未就业中职毕业生: the category, and not working or studying now."""

    def test(f: Facts) -> tuple[bool | None, str]:
        said = _status(f)
        if f.get("category") is None:  # 不清楚 which group: working or studying now still rules it out
            return said if said is not None and said[0] is False else (None, "")
        if f.get("category") != category:
            return False, ""
        if said is not None:
            return said
        if category == "vocational_grad":
            return _poor_area(f)
        return True, ""

    return test


def _poor_area(f: Facts) -> tuple[bool | None, str]:
    """艰苦边远地区、老工业基地和国家级贫困县: the category's own label names them, so the answer is
    needed only when the person typed 中专/技校 without saying where (poor_area asked): 是 → met,
    否 → not met, 不清楚 → to verify with the 人社部门 (the document lists no county)."""
    if "poor_area" not in f.answers:
        return True, ""
    area = f.get("poor_area")
    if area is None:
        return None, "是否属于这些地区以人社部门认定为准（文件没有列出县名）"
    if area is False:
        return False, "所在地不属于艰苦边远地区、老工业基地或国家级贫困县"
    return True, ""


def _youth(f: Facts) -> tuple[bool | None, str]:
    """16—24岁失业青年 (from 2019-01-01): who said 失业青年, or — once their age was asked — who
    said 都不是 or is a 中职毕业生 (a leaver without work is a 失业青年 whatever the school). Not
    met when they work or study now; with 都不是 and nothing said of work, to verify."""
    category = f.get("category")
    said = _status(f)
    if category is None:  # as for the graduates: working or studying now rules it out
        return said if said is not None and said[0] is False else (None, "")
    age_id = next((a for a in AGES if a in f.answers), "age")
    if category not in ("unemployed_youth", "none", "vocational_grad") or \
            (category != "unemployed_youth" and age_id not in f.answers):
        return False, ""  # their own answer ruled the group out, and no age came to reopen it
    age_ok, age_note = between(age_id, "internship.youth_age_min", "internship.youth_age_max", "岁")(f)
    if age_ok is False:
        return False, age_note
    if said is not None and said[0] is False:
        return said
    if said is not None:
        return None, "；".join(n for n in (age_note, said[1]) if n)
    if category == "none" and f.get("status") != IDLE:
        note = "现在没有工作（也不在上学）的，属于失业青年；请向所在县（市）人社部门核实"
        return None, "；".join(n for n in (age_note, note) if n) if age_ok else age_note
    return age_ok, age_note


def _intern_what_if(f: Facts) -> list[str]:
    """When a "not yet" is the reason (第六条): too young now, still at school, working now —
    when it would become 符合 (再测一测 then)."""
    out = []
    age, low = next((f.get(a) for a in AGES if f.get(a) is not None), None), f.p("internship.youth_age_min")
    status = f.get("status")
    if isinstance(age, int | float) and low is not None and age < low and status not in (WORKING, STUDYING):
        out.append(f"满{format_number(low)}周岁后，如果仍没有工作，属于16—24岁失业青年，可以参加就业见习，到时可以再测一测。")
    if status == STUDYING:
        out.append("离校后如果没有就业，属于离校未就业的毕业生（16—24岁的也属于失业青年），可以参加就业见习，到时可以再测一测。")
    if status == WORKING:
        out.append("如果以后不再工作、处于未就业状态，可以再测一测。")
    return out


def eligible_count(f: Facts) -> int | None:
    """How many interns are 见习对象 (the ones the subsidy is paid for): all of them when the
    unit said so, else the count it gave; None when not known (or more than were received)."""
    interns = f.get("interns")
    if f.get("interns_eligible") is True:
        return interns
    count = f.get("eligible_interns")
    if count is None or (interns is not None and count > interns):
        return None
    return count


def _interns_eligible(f: Facts) -> tuple[bool | None, str]:
    """第六条 pays for 见习对象 only: met when at least one is; the note says how many count."""
    if f.get("interns_eligible") is True:
        return True, ""
    interns, count = f.get("interns"), f.get("eligible_interns")
    if count is not None and interns is not None and count > interns:
        return None, "属于见习对象的人数多于接收的见习人数，请核对"
    if count is None:
        return None, "其中有几人属于见习对象还需核实" if f.get("interns_eligible") is False or interns else ""
    if count == 0:
        return False, "接收的见习人员都不属于见习对象"
    total = f"{format_number(interns)}人中" if interns is not None else ""
    return True, f"{total}{format_number(count)}人属于见习对象，补贴只按这{format_number(count)}人计算"


def _rate(f: Facts) -> tuple[float, str]:
    """The monthly rate and why; the higher one needs retained/interns >= 50%."""
    interns, retained = f.get("interns"), f.get("retained")
    threshold = f.p("internship.retention_threshold")
    if interns and retained is not None and retained <= interns and ratio_reached(retained, interns, threshold):
        return f.p("internship.rate_retained"), f"留用{format_number(retained)}人，留用率达到{format_number(threshold)}%"
    return f.p("internship.rate"), ""


def _retention(f: Facts) -> tuple[bool | None, str]:
    interns, retained = f.get("interns"), f.get("retained")
    if interns is None:
        return None, ""
    if f.get("finished") is False:
        return None, "见习期还没满，留用率要到期满时按实际留用人数计算，暂按每人每月1000元估算"
    if retained is None:
        return None, "留用人数不清楚，暂按每人每月1000元估算"
    if retained > interns:
        return None, "留用人数多于见习人数，请核对"
    share = format_number(round(retained * 100 / interns, 1))
    return ratio_reached(retained, interns, f.p("internship.retention_threshold")), f"留用率{share}%"


def _months_ok(f: Facts) -> tuple[bool | None, str]:
    """3—12个月, both ends inclusive; the document says nothing of longer internships, so
    more than 12 months does not meet the condition (the document gives no cap or pro-rating)."""
    months, low, high = f.get("months"), f.p("internship.months_min"), f.p("internship.months_max")
    if months is None:
        return None, ""
    if months < low:
        return False, f"{format_number(months)}个月，不足文件规定的{format_number(low)}—{format_number(high)}个月"
    if months > high:
        return False, f"{format_number(months)}个月，超过文件规定的{format_number(low)}—{format_number(high)}个月"
    return True, f"{format_number(months)}个月"


def _estimate(f: Facts) -> list[Estimate]:
    interns, months = eligible_count(f), f.get("months")
    if interns is None or months is None or interns == 0:
        return [Estimate("就业见习补贴", None, "属于见习对象的人数 × 见习月数 × 每人每月1000元（留用率达50%以上为1200元）")]
    rate, why = _rate(f)
    total = interns * months * rate
    formula = f"{format_number(interns)}人 × {format_number(months)}个月 × {format_number(rate)}元 = {yuan(total)}"
    return [Estimate("就业见习补贴（发给见习单位）", total, formula + (f"（{why}）" if why else ""))]


def _intern_estimate(f: Facts) -> list[Estimate]:
    """What the subsidy means for the intern: it is paid to the host unit, and what it covers
    for them (第六条: 用于见习单位支付见习人员见习期间基本生活费、办理人身意外伤害保险…)."""
    rate = f.params.value("internship.rate", f.as_of)
    high = f.params.value("internship.rate_retained", f.as_of)
    threshold = f.params.value("internship.retention_threshold", f.as_of)
    standard = (f"每人每月{format_number(rate)}元（见习期满留用率达到{format_number(threshold)}%以上的单位为"
                f"{format_number(high)}元），" if rate and high and threshold else "")
    return [Estimate("就业见习补贴", None,
                     f"{standard}发给接收您的见习单位，不直接发给您本人；见习单位用它支付您见习期间的基本生活费、"
                     f"为您办理人身意外伤害保险，以及对您的指导管理")]


def _what_if(f: Facts) -> list[str]:
    """Months outside 3—12, or the 1200元 tier not (yet) reached: what would change the amount.
    Totals are for the interns who are 见习对象; the rate is of all interns received."""
    received, months, retained = f.get("interns"), f.get("months"), f.get("retained")
    interns = received
    paid_for = eligible_count(f)
    rate, high_rate = f.p("internship.rate"), f.p("internship.rate_retained")
    threshold = f.p("internship.retention_threshold")
    low, high = f.p("internship.months_min"), f.p("internship.months_max")
    out = []
    if months is not None and not low <= months <= high:
        example = (f"（例如{format_number(paid_for)}人见习{format_number(high)}个月，合计{yuan(paid_for * high * rate)}）"
                   if paid_for else "")
        out.append(f"如果见习期安排在{format_number(low)}—{format_number(high)}个月内，可按每人每月{format_number(rate)}元"
                   f"（留用率达{format_number(threshold)}%以上为{format_number(high_rate)}元）申请就业见习补贴{example}。")
        return out
    if interns and months and (retained is None or not ratio_reached(retained, interns, threshold)):
        need = _needed_retained(interns, threshold)
        total = (paid_for or 0) * months * high_rate
        if retained is not None:
            kept = f"再多留用{format_number(need - retained)}人（{format_number(interns)}人中共留用{format_number(need)}人）"
        else:
            kept = f"{format_number(interns)}人中留用{format_number(need)}人以上"
        out.append(f"如果见习期满{kept}，留用率达到{format_number(threshold)}%，"
                   f"标准提高到每人每月{format_number(high_rate)}元" + (f"，合计{yuan(total)}。" if total else "。"))
    return out


def _needed_retained(interns: int, threshold: float) -> int:
    """The fewest kept interns whose share reaches the threshold, counted as the rule counts
    (retained / interns >= 50%), exactly."""
    return math.ceil(Fraction(str(interns)) * Fraction(str(threshold)) / 100)


PROGRAM = Program(
    id="internship",
    label="就业见习补贴",
    who=BOTH,
    reference=(CLAUSE,),
    summary="离校未就业高校毕业生、困难地区未就业中职毕业生和16—24岁失业青年可参加3—12个月就业见习；接收单位按每人每月1000元（留用率达50%以上1200元）领取补贴。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="intern",
            label="参加就业见习（见习人员）",
            gives="可参加3—12个月的就业见习；补贴发给见习单位，用于支付您见习期间的基本生活费、办理人身意外伤害保险和指导管理。",
            when={"role": ("intern",)},
            conditions=(
                Condition("college_grad", "离校未就业的高校毕业生", CLAUSE, SCOPE, _graduate("college_grad"), group="见习对象",
                          reads=("category",)),
                Condition("vocational_grad", "艰苦边远地区、老工业基地或国家级贫困县的未就业中职毕业生", CLAUSE, SCOPE,
                          _graduate("vocational_grad"), group="见习对象", reads=("category",)),
                Condition("unemployed_youth", "16—24岁失业青年（2019年1月1日起）", CLAUSE, SCOPE, _youth, group="见习对象",
                          reads=("category",)),
            ),
            estimate=_intern_estimate,
            what_if=_intern_what_if,
        ),
        Part(
            id="host",
            label="就业见习补贴（见习单位）",
            gives="按每人每月1000元给予就业见习补贴；见习期满留用率达到50%以上的，提高到每人每月1200元。",
            when={"role": ("host",)},
            conditions=(
                Condition("interns_eligible", "接收的见习人员中有见习对象（补贴按见习对象人数计算）", CLAUSE, SCOPE, _interns_eligible,
                          reads=("interns_eligible",)),
                Condition("months", "见习期3—12个月", CLAUSE, RATE, _months_ok),
                Condition("retention", "见习期满留用率达到50%以上（补贴提高到每人每月1200元）", CLAUSE, RETAINED,
                          _retention, required=False, reads=("interns", "finished")),
            ),
            estimate=_estimate,
            what_if=_what_if,
        ),
    ),
    parameters=(
        "internship.youth_age_min", "internship.youth_age_max", "internship.months_min", "internship.months_max",
        "internship.rate", "internship.rate_retained", "internship.retention_threshold",
    ),
    infer=lambda a: {k: v for k, v in {
        "role": {"individual": "intern", "employer": "host"}.get(a.get("role")),
        "category": {"graduate": "college_grad", "vocational_grad": "vocational_grad", "unemployed": "unemployed_youth"}.get(a.get("situation"), "none" if a.get("situation") else None),
        "age": a.get("age"),
        "age_vocational": a.get("age"),
        "status": {"employee": WORKING, "self_employed": WORKING, "unemployed": IDLE}.get(a.get("situation")),
    }.items() if v is not None},
    keywords=("见习", "毕业生", "失业青年"),
)
