"""乡村公益性岗位 and 扶贫车间 (第二条第（二）项): work near home for rural poor labour.

The 6600 乡村公益性岗位 are a 2019—2020 plan (以省上下达指标为准), so the posts part is 已到期
after 2020-12-31; working nearby through 扶贫车间 and local projects has no end date and is
reported separately.
"""

from __future__ import annotations

from eligibility.model import INDIVIDUAL, Condition, Facts, Part, Program, format_number
from eligibility.rules import focus, yes, yesno

CLAUSE = "2.2"
POSTS = "大力开发乡村公益性岗位"
WORKSHOP = "通过“扶贫车间”稳定吸纳农村劳动力就地就近就业"
PERIOD = "rural_public_jobs.period"

QUESTIONS = (
    yesno("rural_labour", "您是农村劳动力吗？", short="是农村劳动力", unknown_goes_on=True,
          help="户籍在农村、在农村务农或外出务工的，一般属于农村劳动力；拿不准可以问村委会。"),
    yesno("poor", "您是否属于农村贫困劳动力？", help="以当地扶贫、人社部门的认定为准。", short="属于农村贫困劳动力",
          ask_if={"rural_labour": (True,)}),
    focus([("workshops", "问的是扶贫车间和就近务工")]),
)


def _posts_note(f: Facts) -> list[str]:
    day = f.as_of if f.params.active(PERIOD, f.as_of) else f.params.window(PERIOD)[0]
    posts = f.params.value("rural_public_jobs.posts", day)
    return [f"全州计划继续开发{format_number(posts)}个乡村公益性岗位（以省上下达指标为准），岗位有限，以当地安排为准。"] if posts else []


PROGRAM = Program(
    id="rural_public_jobs",
    label="乡村公益性岗位和扶贫车间就近就业",
    who=INDIVIDUAL,
    reference=(CLAUSE,),
    summary="扶贫车间、项目建设等稳定吸纳农村劳动力就地就近就业；2019—2020年开发6600个乡村公益性岗位的计划已于2020年12月31日到期。",
    questions=QUESTIONS,
    parts=(
        Part(
            id="posts",
            label="乡村公益性岗位（2019—2020年）",
            gives="2019—2020年继续开发6600个乡村公益性岗位（以省上下达指标为准），帮助农村贫困劳动力实现就地就近就业。",
            period=PERIOD,
            conditions=(
                Condition("rural_labour", "农村劳动力", CLAUSE, POSTS, yes("rural_labour")),
                Condition("poor", "农村贫困劳动力", CLAUSE, POSTS, yes("poor")),
            ),
            notes=_posts_note,
            now="通过扶贫车间、项目建设和“五小行业”等就地就近就业的支持没有期限，仍在执行。",
        ),
        Part(
            id="workshops",
            label="扶贫车间和就近务工",
            gives="通过扶贫车间、项目建设和“五小行业”等，鼓励和支持农村劳动力就地就近就业。",
            main=False,
            conditions=(Condition("rural_labour", "农村劳动力", CLAUSE, WORKSHOP, yes("rural_labour")),),
        ),
    ),
    parameters=(PERIOD, "rural_public_jobs.posts"),
    infer=lambda a: {"rural_labour": True} if a.get("situation") == "rural_worker" else {},
    keywords=("公益性岗位", "扶贫车间", "农村"),
    focus="focus",
)
