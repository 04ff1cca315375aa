"""临夏就业政策助手 — the eligibility engine for 临州府发〔2019〕3号.

Each program of the policy is a small module in eligibility/programs/ whose conditions cite
the clause and sentence they rest on; amounts, rates and periods are dated parameters in
eligibility/data/parameters.yaml; how to apply and whom to call are staff YAML next to it.

The API the dialog engine uses (all functions take an optional `ctx`, default: the shipped
data loaded once, and `as_of`, default: today):

    get_program(id) -> Program                 # KeyError for an unknown id
    all_programs() -> tuple[Program, ...]
    next_question(program, answers, as_of=None) -> Question | None   # hidden questions are never asked
    progress(program, answers, as_of=None) -> (step, total)          # 第2步/共5步, never goes backwards
    progress_detail(program, answers, as_of=None) -> Progress        # .step .total .exact .remaining
    parse_answer(question, text, *, as_of=None) -> ParsedAnswer
    assess(program, answers, as_of=None) -> Result
    focus_of(program, text) -> {focus question id: part id} or {}   # the part a message asks about
    finder_questions() / next_finder_question(answers) / find_programs(answers, as_of=None)
    validate(data_dir=None, kb=None) -> list[Problem]

`parse_answer` never raises; `as_of` is the date a year is converted against (05年的 -> an age,
从22年开始交 -> years insured). Its ParsedAnswer has:
    .value        what to store (True/False, a choice value, a number, an ISO date); None when
                  unknown or unreadable
    .unknown      the resident said 不清楚 (store None: the condition is 需核实)
    .error        a re-ask hint in Chinese (value None); .ok is `error is None`
    .tentative    yes/no or choice said with a hedge (好像是): a best guess, to be confirmed
    .approximate  a number said as a guess (大概三年) or worked out from a year: shown as such
    .range        (low, high), both inclusive: with .error a rough figure (十几个, 二十来岁) the
                  caller may settle when every value in it gives one result; with .ok the
                  bracket of a value worked out from a year (born 2005 -> 20 or 21)
    .note         one short line saying how the answer was read, or None

`progress`: step = questions answered on the path + 1; total = the longest path the program
can take, fixed for the whole questionnaire (a shorter branch ends early, the line never goes
backwards); `progress_detail(...).exact` is False when the total is a maximum (最多N步).

A Question may be `hidden` (never asked: Program.focus, the part a resident asked about, is
read from what they said before the questionnaire; the result's headline is then that part)
and `changeable` (what-ifs are offered only on answers a person can still change).

`Result`: .verdict (符合 / 不符合 / 需核实 / 已到期), .amount (元, or None) and .amount_kind
("estimate", "maximum" for a cap such as 最高可贷15万元, or None: a cap is never the amount of
a 需核实 or 不符合 result), .what_if (hints for what can still change), .main / .extras
(PartResult with checks; a check not asked is shown only where it decides), .to_text(),
.to_chat_text(), .to_dict() (adds "amount_kind" and "verdict_text", e.g. 需核实 or 已到期 — an ended provision is not judged for the past).

`answers` is a plain dict {question id: value}: True/False for yes/no, the choice's value,
a number, an ISO date; None means the resident answered 不清楚; a question id absent means it
was not asked. It is JSON-able as is, so the dialog engine can store it in its session row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from eligibility import engine
from eligibility.answers import ParsedAnswer, parse_answer, read_part_asked
from eligibility.context import (
    Context,
    InvalidEligibilityData,
    default_context,
    reload_default_context,
)
from eligibility.engine import Progress
from eligibility.finder import FINDER, Match, find_programs, finder_questions, next_finder_question
from eligibility.model import (
    ELIGIBLE,
    EXPIRED,
    NOT_ELIGIBLE,
    TO_VERIFY,
    VERDICTS,
    Choice,
    Estimate,
    Program,
    Question,
)
from eligibility.programs import PROGRAMS
from eligibility.result import Check, PartResult, Result
from eligibility.validate import validate

T = TypeVar("T")

__all__ = [
    "ELIGIBLE", "EXPIRED", "NOT_ELIGIBLE", "TO_VERIFY", "VERDICTS", "FINDER",
    "Check", "Choice", "Context", "Estimate", "InvalidEligibilityData", "Match", "ParsedAnswer", "PartResult",
    "Program", "Question", "Result",
    "all_programs", "assess", "find_programs", "finder_questions", "focus_of", "get_program", "next_finder_question",
    "next_question", "parse_answer", "progress", "progress_detail", "Progress", "reload_default_context", "validate",
]


def all_programs() -> tuple[Program, ...]:
    """Every program, in the order they are listed to residents."""
    return PROGRAMS


def get_program(program_id: str) -> Program:
    """The program with this id; KeyError names the known ids."""
    for p in PROGRAMS:
        if p.id == program_id:
            return p
    raise KeyError(f"unknown program {program_id!r} (known: {', '.join(p.id for p in PROGRAMS)})")


def next_question(program: Program, answers: Mapping[str, Any], as_of: date | None = None, ctx: Context | None = None) -> Question | None:
    """The next question to ask, or None when the program has what it needs."""
    ctx = ctx or default_context()
    as_of = as_of or engine.today()
    return _memo(ctx, ("next", program.id, as_of, answers),
                 lambda: engine.next_question(program, answers, ctx, as_of))


def progress(program: Program, answers: Mapping[str, Any], as_of: date | None = None, ctx: Context | None = None) -> tuple[int, int]:
    """(step, total) for 第2步/共5步: step = questions answered on the path + 1; total = the
    longest path the program can take, fixed for the whole questionnaire, so the line never
    goes backwards (a shorter branch ends early). See `progress_detail` for whether the total
    is exact (共) or a maximum (最多)."""
    return progress_detail(program, answers, as_of, ctx).as_tuple()


def progress_detail(program: Program, answers: Mapping[str, Any], as_of: date | None = None,
                    ctx: Context | None = None) -> Progress:
    """Progress(step, total, exact, remaining); `exact` False means total is a maximum."""
    ctx = ctx or default_context()
    as_of = as_of or engine.today()
    return _memo(ctx, ("progress", program.id, as_of, answers), lambda: engine.progress(program, answers, ctx, as_of))


def focus_of(program: Program, text: str | None) -> dict[str, str]:
    """{Program.focus question id: part id} when `text` (the message that led to the
    questionnaire, a question or a statement) names one part of the program (认定就业困难人员,
    培训期间的生活费), else {}. Merge it into the answers: the result's headline is then that
    part. Never asked, never counted in progress."""
    if not program.focus or not text:
        return {}
    part = read_part_asked(program.question(program.focus), text)
    return {program.focus: part} if part else {}


def assess(program: Program | str, answers: Mapping[str, Any], as_of: date | None = None, ctx: Context | None = None) -> Result:
    """Judge the answers for one program as of a date (default today)."""
    program = get_program(program) if isinstance(program, str) else program
    ctx = ctx or default_context()
    as_of = as_of or engine.today()
    return _memo(ctx, ("assess", program.id, as_of, answers), lambda: engine.assess(program, answers, ctx, as_of))


_MISSING = object()
MEMO_LIMIT = 4096  # entries per loaded data (a few MB at most); emptied when full


def _memo(ctx: Context, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """These functions are pure in (program, answers, date, data), and residents answer the
    same few questions the same few ways: a questionnaire step recomputed them three or four
    times per message. Results are frozen dataclasses, safe to share. The memo lives in the
    Context, so a reload (a new Context) starts it afresh. Answers that cannot be a dict key
    (never produced by parse_answer, but a caller may pass anything) are simply not memoised."""
    try:
        full_key = (*key[:-1], tuple(sorted(key[-1].items())))
        found = ctx.memo.get(full_key, _MISSING)
    except TypeError:
        return compute()
    if found is _MISSING:
        if len(ctx.memo) >= MEMO_LIMIT:
            ctx.memo.clear()
        found = ctx.memo[full_key] = compute()
    return found  # type: ignore[return-value]
