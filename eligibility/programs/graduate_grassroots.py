"""高校毕业生基层服务项目 (第二条第（一）项): 三支一扶, 农村教师特岗计划, 西部计划.

The clause sets no condition beyond being a 高校毕业生: a graduate may apply (符合). The
entry conditions, places and pay of each project are published in that year's recruitment
notice — said in the notes and the steps, never as a condition nobody could answer.
"""

from __future__ import annotations

from eligibility.model import INDIVIDUAL, Condition, Estimate, Facts, Part, Program
from eligibility.rules import choice

CLAUSE = "2.1"
PROJECTS = "继续统筹实施农村教师特岗计划"

QUESTIONS = (
    choice("graduate", "您是高校毕业生吗？",
           [("graduate", "是高校毕业生（含应届）"), ("student", "还在读"), ("no", "不是")], short="是高校毕业生"),
    choice("interest", "您想了解哪个基层项目？",
           [("sanzhi", "“三支一扶”计划"), ("tegang", "农村教师特岗计划"), ("xibu", "志愿服务西部计划"), ("all", "都想了解")],
           ask_if={"graduate": ("graduate", "student")}),
)

PROJECT_NAMES = {"sanzhi": "“三支一扶”计划", "tegang": "农村教师特岗计划", "xibu": "志愿服务西部计划"}


def _graduate(f: Facts) -> tuple[bool | None, str]:
    value = f.get("graduate")
    if value == "student":
        return False, "文件说的是高校毕业生；毕业后可以报名，应届生何时可以报名以当年招募公告为准"
    return (None if value is None else value == "graduate"), ""


def _notes(f: Facts) -> list[str]:
    project = PROJECT_NAMES.get(f.get("interest") or "", "各项目")
    return [f"{project}的报名条件、名额和待遇每年在招募公告中公布（本文件没有规定），请关注当年的招募公告。"]


PROGRAM = Program(
    id="graduate_grassroots",
    label="高校毕业生基层服务项目（三支一扶、特岗计划、西部计划）",
    who=INDIVIDUAL,
    reference=(CLAUSE,),
    summary="继续统筹实施农村教师特岗计划、“三支一扶”计划、志愿服务西部计划等基层服务项目，鼓励高校毕业生到基层和企业就业。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="projects",
            label="基层服务项目报名",
            gives="可报名“三支一扶”、农村教师特岗计划、志愿服务西部计划等基层服务项目，报名条件和待遇以当年招募公告为准。",
            conditions=(Condition("graduate", "高校毕业生", CLAUSE, PROJECTS, _graduate),),
            notes=_notes,
            estimate=lambda f: [Estimate("待遇", None, "以当年招募公告为准，本文件没有规定")],
        ),
    ),
    # The finder's situation list offers 离校未就业的高校毕业生; any other choice (a farmer, a
    # 中职毕业生, 其他) is an answer that rules the projects out, not a reason to 核实.
    infer=lambda a: ({"graduate": "graduate"} if a.get("situation") == "graduate"
                     else {"graduate": "no"} if a.get("situation") is not None else {}),
    keywords=("三支一扶", "特岗", "西部计划", "毕业生"),
)
