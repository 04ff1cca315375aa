"""The vocabulary a program is written in: questions, conditions, parts and programs.

A program module (eligibility/programs/*.py) is data plus small pure functions, so that a
newcomer can check it against the document line by line: every condition names its clause
and a distinctive fragment of the sentence it rests on (the full sentence is taken from the
knowledge base, never retyped), and every amount or threshold comes from the dated
parameters in eligibility/data/parameters.yaml rather than from a literal in the code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eligibility.parameters import Parameters

# Statuses of one condition.
MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"

# Verdicts, in the words residents read.
ELIGIBLE = "符合"
NOT_ELIGIBLE = "不符合"
TO_VERIFY = "需核实"
EXPIRED = "已到期"
VERDICTS = (ELIGIBLE, NOT_ELIGIBLE, TO_VERIFY, EXPIRED)

# Who a program is for.
INDIVIDUAL = "individual"
EMPLOYER = "employer"
BOTH = "both"
WHO_LABELS = {INDIVIDUAL: "个人", EMPLOYER: "单位", BOTH: "个人和单位"}

QUESTION_KINDS = ("choice", "yesno", "number", "date")

# A declarative skip rule: {question id: accepted values}. Declarative (not a lambda) so it
# can be listed by `policybot programs --json` and checked by `validate`.
When = Mapping[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """One question a program needs answered.

    `ask_if` skips the question unless every named earlier answer is known and among the
    accepted values (an unknown answer also skips it: we never ask an individual for the
    company's headcount just because they said 不清楚 to "个人还是单位"). `ask_during` names a
    period parameter: the question is only asked while that period is running, so nobody is
    asked about a 2019-only standard in 2026.
    """

    id: str
    prompt: str
    kind: str
    choices: tuple[Choice, ...] = ()
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = True
    help: str = ""
    ask_if: When = field(default_factory=dict)
    ask_during: str | None = None
    short: str = ""  # a few words for what-if sentences ("持有职业资格证书")
    at_least_ok: bool = True  # number: may "三年多"/"3年以上" be stored as 3? Only where every rule is "≥"
    # What-ifs are offered only for answers a person can still change (a certificate, passing a
    # training, signing contracts), never for who they are or for the past (学历, 裁员).
    changeable: bool = False
    # Never asked: filled only from what the resident said before the questionnaire (the part
    # of a program they asked about, see Program.focus). Not counted in progress.
    hidden: bool = False
    # 不清楚 to this question does not skip the questions that depend on it (ask_if): it is a
    # condition to verify (参保了吗, 是在职职工吗), not a branch (个人还是单位), so the rest is
    # still asked and the result shows this condition as 待核实 instead of stopping at once.
    unknown_goes_on: bool = False
    # False: never taken from what the person said before the questionnaire (dialog/understanding/
    # facts.py); always asked. For what someone was told or has done (经办机构说可以申请, 签了1年以上
    # 合同): a loose reading of "想贷款 能贷多钱" or "新招了些人" must never settle it.
    prefill: bool = True
    # Choice values never taken from what the person said before the questionnaire, only from an
    # answer to the question itself: a value that saying one's situation does not settle (待业 says
    # one has no work, not that one holds no diploma — a 26-year-old 待业 may be a graduate).
    prefill_not: tuple[Any, ...] = ()
    # A headcount that counts this year's hires in (现有在职职工, 第五条第（二）项): "原来二十个人，今年
    # 又招了五个" answers it with 25 (the staff before plus those hired), not the 20 said first.
    adds_hires: bool = False
    # This year's hires (第五条第（二）项): read from a statement that gives the staff beside them
    # (厂里四十个工人 今年新招了十个 -> 10, the staff question taking the 40).
    counts_hires: bool = False
    # A figure of one year, counted from the judging date: -1 for 上年度 (第四条 returns 上年度实际
    # 缴纳的失业保险费). An answer naming another year (前年交了七千, 二〇一九年交了五万) is asked
    # again for that year instead of being taken. None: any year.
    of_year: int | None = None

    def buttons(self) -> list[str]:
        """Labels for tappable buttons; each one parses back to its answer via parse_answer."""
        options = [c.label for c in self.choices] if self.kind == "choice" else ["是", "否"] if self.kind == "yesno" else []
        return options + ["不清楚"]

    def label_of(self, value: Any) -> str:
        """The label residents see for a stored answer value."""
        if value is None:
            return "不清楚"
        if self.kind == "yesno":
            return "是" if value else "否"
        if self.kind == "choice":
            return next((c.label for c in self.choices if c.value == value), str(value))
        if self.kind == "number":
            if self.unit == "年":
                return duration_text(value)
            return f"{format_number(value)}{self.unit}"
        return str(value)


@dataclass(frozen=True)
class Facts:
    """The answers of one resident, the date they are judged at and the parameters then."""

    answers: Mapping[str, Any]
    as_of: date
    params: Parameters

    def get(self, question_id: str) -> Any:
        """The answer, or None when it is unknown or was not asked."""
        return self.answers.get(question_id)

    def p(self, name: str) -> Any:
        """A parameter's value as of the judging date.

        None when it has ended by then, or when staff have not filled it in; raises
        NotYetInForce when the judging date is before the parameter's first value starts (the
        document's provision did not exist yet), so no rule computes with a missing number.
        """
        entry = self.params[name].at(self.as_of)
        if entry is None:
            starts = [v.start for v in self.params[name].values]
            if starts and None not in starts and self.as_of < min(starts):
                raise NotYetInForce(name, min(starts))
            return None
        return entry.value


class NotYetInForce(Exception):
    """A rule read a parameter before its first start date: the provision did not exist yet."""

    def __init__(self, name: str, start: date) -> None:
        super().__init__(f"{name} starts {start.isoformat()}")
        self.name = name
        self.start = start

    def note(self, as_of: date) -> str:
        return f"该日期（{cn_date(as_of)}）时本文件的这项规定尚未施行（自{cn_date(self.start)}起执行）"


# A test returns True / False / None (unknown), optionally with a note: (status, note).
Test = Callable[[Facts], "bool | None | tuple[bool | None, str]"]


@dataclass(frozen=True)
class Condition:
    """One condition of a part, citing the sentence it rests on.

    Conditions sharing a `group` are alternatives (any one suffices), e.g. the three kinds
    of people who may join an internship.
    """

    id: str
    text: str
    clause: str
    quote: str  # a distinctive fragment; the full sentence comes from the knowledge base
    test: Test
    group: str | None = None
    required: bool = True  # False: shown in the checklist (e.g. the 1200元 rate) but never blocks
    # The question ids the test reads; None means (id,) when `id` is a question of the program,
    # else none. A check whose questions were not asked (skipped because an earlier answer
    # settled the verdict) is not shown as 待核实.
    reads: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Estimate:
    """An amount with the formula that gives it; value None when the document sets none.

    `maximum`: the value is a cap (最高不超过15万元), not an estimate of what is paid; it is
    never shown as the amount of a 需核实 or 不符合 result. `formula` is the sentence shown
    after the label (for a cap: 最高可贷15万元…).
    """

    label: str
    value: float | None
    formula: str
    maximum: bool = False

    @property
    def kind(self) -> str:
        """"maximum" or "estimate" (the JSON word for what `value` is)."""
        return "maximum" if self.maximum else "estimate"

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "value": self.value, "formula": self.formula, "maximum": self.maximum,
                "kind": self.kind}


@dataclass(frozen=True)
class Part:
    """A benefit within a program with its own conditions and, possibly, its own period.

    A program has one main part per side (the intern and the host unit of 就业见习) and may
    have extras (the 2019-2020 生活费补贴 on top of 职业培训补贴). Extras get their own
    verdict and never change the main one.
    """

    id: str
    label: str
    gives: str  # what it gives, in plain Chinese; also said of an ended provision
    conditions: tuple[Condition, ...]
    main: bool = True
    when: When = field(default_factory=dict)
    period: str | None = None  # a period parameter (value true while the provision runs)
    estimate: Callable[[Facts], list[Estimate]] | None = None
    what_if: Callable[[Facts], list[str]] | None = None
    notes: Callable[[Facts], list[str]] | None = None
    # For a part with a period: what the document says applies once it has ended (稳岗返还的
    # 60%, 参保3年以上), shown after "已到期"; "" when the document says nothing more.
    now: str = ""


@dataclass(frozen=True)
class Program:
    """One program of the policy: the unit the dialog engine drives generically."""

    id: str
    label: str
    who: str
    reference: tuple[str, ...]  # clause ids, the first one giving the lead department
    summary: str
    questions: tuple[Question, ...]
    parts: tuple[Part, ...]
    parameters: tuple[str, ...] = ()  # every parameter the rules read, checked by validate
    infer: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None  # finder answers -> facts
    keywords: tuple[str, ...] = ()
    # A hidden choice question whose values are part ids: the part the resident asked about
    # (认定就业困难人员 rather than 失业登记) becomes the headline of the result.
    focus: str | None = None

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"program {self.id!r} has no question {question_id!r}")

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)


def format_number(value: float | int) -> str:
    """12000.0 -> '12000', 1.5 -> '1.5' (no trailing .0 in texts for residents)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def duration_text(years: float, round_up: bool = False) -> str:
    """A duration given in years as residents say it: 0.5 -> 6个月, 1.5 -> 1年6个月, 3 -> 3年.

    Below a year it is always in months. `round_up` for a shortfall (还差…): 0.08年 is 1个月
    still to go, never 0个月; otherwise to the nearest month.
    """
    months_exact = years * 12
    months = math.ceil(round(months_exact, 6)) if round_up else int(round(months_exact))
    if years > 0 and months == 0:
        months = 1
    whole, rest = divmod(months, 12)
    if whole == 0:
        return f"{rest}个月"
    return f"{whole}年" + (f"{rest}个月" if rest else "")


def wan(value: float) -> str:
    """A large sum as the document writes it: 150000 -> 15万元, 3000000 -> 300万元."""
    if value >= 10000:
        return f"{format_number(round(value / 10000, 4))}万元"
    return f"{format_number(round(value, 2))}元"


def cn_date(day: date) -> str:
    """2019年1月1日 — how the document and residents write dates."""
    return f"{day.year}年{day.month}月{day.day}日"


def yuan(value: float) -> str:
    """An amount of money as residents read it: 18000元, 1500000元（150万元）."""
    text = f"{format_number(round(value, 2))}元"
    if value >= 10000:
        text += f"（{format_number(round(value / 10000, 4))}万元）"
    return text
