"""高校毕业生基层服务项目 (第二条第（一）项): 三支一扶, 农村教师特岗计划, 西部计划.

The document announces the programmes but sets none of their entry conditions, which are
published each year in the recruitment notices; so a graduate is at best 需核实 here, with
where to ask.
"""

from __future__ import annotations

from eligibility.model import INDIVIDUAL, Condition, Part, Program
from eligibility.rules import choice, one_of, set_elsewhere

CLAUSE = "2.1"
PROJECTS = "继续统筹实施农村教师特岗计划"

QUESTIONS = (
    choice("graduate", "你是高校毕业生吗？",
           [("graduate", "是高校毕业生（含应届）"), ("student", "还在读"), ("no", "不是")], short="是高校毕业生"),
    choice("interest", "你想了解哪个基层项目？",
           [("sanzhi", "“三支一扶”计划"), ("tegang", "农村教师特岗计划"), ("xibu", "志愿服务西部计划"), ("all", "都想了解")],
           ask_if={"graduate": ("graduate", "student")}),
)

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
            conditions=(
                Condition("graduate", "高校毕业生", CLAUSE, PROJECTS, one_of("graduate", "graduate")),
                Condition("notice_rules", "符合当年招募公告的报名条件", CLAUSE, PROJECTS,
                          set_elsewhere("报名条件、名额和待遇以当年各项目招募公告为准，本文件未规定")),
            ),
        ),
    ),
    infer=lambda a: {"graduate": "graduate"} if a.get("situation") == "graduate" else {},
    keywords=("三支一扶", "特岗", "西部计划", "毕业生"),
)
