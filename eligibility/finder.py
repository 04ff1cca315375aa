"""The policy finder: a few shared questions, then every program that may apply, best first.

Each program maps the shared answers to its own facts (`Program.infer`), so that a program's
rules stay the single place where eligibility is decided; the finder only ranks results.
Programs judged 不符合 are left out; 已到期 ones are kept last, since residents often ask
about provisions they heard of in 2019.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from eligibility import engine
from eligibility.context import Context, default_context
from eligibility.model import (
    BOTH,
    EMPLOYER,
    EXPIRED,
    INDIVIDUAL,
    MET,
    NOT_ELIGIBLE,
    Program,
    Question,
)
from eligibility.programs import PROGRAMS
from eligibility.result import PartResult, Result, verdict_order
from eligibility.rules import choice, number

FINDER_QUESTIONS: tuple[Question, ...] = (
    choice("role", "您是以个人身份咨询，还是代表单位（企业、见习单位、孵化基地等）咨询？",
           [("individual", "个人"), ("employer", "单位")]),
    number("age", "您今年多少岁？", "岁", 1, 120, help="可以回答年龄，也可以回答出生年份（如“2003年出生”）。", ask_if={"role": ("individual",)}, at_least_ok=False),
    choice("situation", "下面哪一项最符合您现在的情况？",
           [("graduate", "离校未就业的高校毕业生"),
            ("vocational_grad", "未就业的中职毕业生（艰苦边远地区、老工业基地或国家级贫困县）"),
            ("unemployed", "失业或下岗"),
            ("employee", "企业在职职工"),
            ("rural_worker", "农村劳动力（含外出务工返乡）"),
            ("self_employed", "想创业或做个体经营"),
            ("other", "其他")],
           ask_if={"role": ("individual",)}),
)

FINDER = Program(
    id="finder",
    label="测一测我能享受哪些政策",
    who=BOTH,
    reference=(),
    summary="回答几个简单问题，列出可能适用的政策。",
    questions=FINDER_QUESTIONS,
    parts=(),
)


@dataclass(frozen=True)
class Match:
    program: Program
    result: Result
    met: int = 0  # conditions the shared answers already meet (返乡创业: none for a town-dweller)

    @property
    def fits(self) -> bool:
        """Whether the answers say something that fits: 符合, or 需核实 with a condition already
        met. The finder's list shows those in full and the rest (需核实 with none met, or only
        ended) by name; when none fits, the first few are shown in full."""
        return self.listed_verdict == MET or (self.listed_verdict != EXPIRED and self.met > 0)

    @property
    def verdict(self) -> str:
        return self.result.verdict

    @property
    def standing(self) -> PartResult | None:
        """The part that still runs when the main one has ended (乡村公益性岗位 2019—2020 已到期,
        扶贫车间和就近务工 open-ended, 第二条第（二）项), if it may apply; else None."""
        if self.result.verdict != EXPIRED:
            return None
        return next((x for x in self.result.extras if x.verdict not in (EXPIRED, NOT_ELIGIBLE)), None)

    @property
    def listed_verdict(self) -> str:
        """The verdict a list shows: the standing part's when the main part has ended, so that
        what still runs is not shown as 已到期."""
        standing = self.standing
        return standing.verdict if standing is not None else self.verdict

    @property
    def line(self) -> str:
        """One line for a list: label, verdict, and which part ended when another still runs."""
        standing = self.standing
        if standing is None and self.verdict == EXPIRED and any(not p.main for p in self.program.parts):
            # 乡村公益性岗位和扶贫车间就近就业: only the 2019—2020 posts ended; the label also
            # names what still runs, so the line says which part ended, not the whole
            return f"{self.program.label}：{self.result.main.label}已到期。{self.program.summary}"
        if standing is None:
            return f"{self.program.label}：{self.verdict}。{self.program.summary}"
        return (f"{self.program.label}：{standing.label}{standing.verdict}（{self.result.main.label}已到期）。"
                f"{self.program.summary}")

    def to_dict(self) -> dict[str, Any]:
        return {"program": self.program.id, "label": self.program.label, "verdict": self.verdict,
                "listed_verdict": self.listed_verdict,
                "summary": self.program.summary, "amount": self.result.amount, "amount_kind": self.result.amount_kind}


def finder_questions() -> tuple[Question, ...]:
    return FINDER_QUESTIONS


def next_finder_question(answers: Mapping[str, Any], ctx: Context | None = None) -> Question | None:
    return engine.next_question(FINDER, answers, ctx or default_context())


def find_programs(answers: Mapping[str, Any], as_of: date | None = None, ctx: Context | None = None) -> list[Match]:
    """Programs that may apply to the shared answers, best first (符合, 需核实, 已到期; a program
    whose main part has ended but another part still runs is ranked by that part)."""
    ctx = ctx or default_context()
    role = answers.get("role")
    wanted = {"individual": (INDIVIDUAL, BOTH), "employer": (EMPLOYER, BOTH)}.get(role, (INDIVIDUAL, EMPLOYER, BOTH))
    matches = []
    for order, program in enumerate(PROGRAMS):
        if program.who not in wanted:
            continue
        facts = program.infer(answers) if program.infer else {}
        result = engine.assess(program, facts, ctx, as_of)
        if result.verdict == NOT_ELIGIBLE:
            continue
        met = sum(c.status == MET for c in result.checks)
        match = Match(program, result, met)
        matches.append((verdict_order(match.listed_verdict), -met, order, match))
    return [m for *_, m in sorted(matches, key=lambda t: t[:3])]
