"""Command-line commands of the eligibility engine (`policybot programs`, `policybot assess`).

`assess` takes the facts as JSON so staff and scripts can reproduce any resident's result:
values may be typed as residents type them ("二十三", "是", "1.5万") and are parsed by the
same lenient parser as the chat; a bad fact is an error (exit 2), never a guess.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from eligibility import all_programs, assess, get_program, parse_answer
from eligibility.context import InvalidEligibilityData, default_context
from eligibility.model import WHO_LABELS, Program, Question
from knowledge.base import InvalidKnowledge

USAGE_ERROR = 2


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register the eligibility commands; each sets `func(args) -> int`."""
    p = subparsers.add_parser("programs", help="list the eligibility programs, their clauses and questions")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_programs)

    p = subparsers.add_parser("assess", help="estimate eligibility for one program from answered facts")
    p.add_argument("program", help="program id, see `policybot programs`")
    p.add_argument("--facts", default="{}", help='answers as JSON, e.g. \'{"role": "host", "interns": 3}\'')
    p.add_argument("--as-of", dest="as_of", help="judge as of this date (YYYY-MM-DD, default today)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_assess)


def question_dict(q: Question) -> dict[str, Any]:
    return {
        "id": q.id, "prompt": q.prompt, "kind": q.kind, "help": q.help,
        "choices": [{"value": c.value, "label": c.label} for c in q.choices],
        "unit": q.unit, "minimum": q.minimum, "maximum": q.maximum, "integer": q.integer,
        "ask_if": {k: list(v) for k, v in q.ask_if.items()}, "ask_during": q.ask_during,
        "hidden": q.hidden, "changeable": q.changeable,
    }


def program_dict(p: Program) -> dict[str, Any]:
    return {
        "id": p.id, "label": p.label, "who": p.who, "reference": list(p.reference), "summary": p.summary,
        "focus": p.focus,
        "questions": [question_dict(q) for q in p.questions],
        "parts": [{"id": part.id, "label": part.label, "main": part.main, "period": part.period,
                   "conditions": [{"id": c.id, "text": c.text, "clause": c.clause} for c in part.conditions]}
                  for part in p.parts],
    }


def cmd_programs(args: argparse.Namespace) -> int:
    programs = all_programs()
    if args.json:
        print(json.dumps([program_dict(p) for p in programs], ensure_ascii=False, indent=2))
        return 0
    ctx = _context()
    if ctx is None:
        return 1
    for p in programs:
        refs = "、".join(ctx.kb.clause(c).label() for c in p.reference)
        print(f"{p.id}  {p.label}（{WHO_LABELS[p.who]}；{refs}）")
        print(f"  {p.summary}")
        for q in p.questions:
            skip = "，".join(f"{k}={'/'.join(map(str, v))}" for k, v in q.ask_if.items())
            options = " / ".join(f"{c.value}={c.label}" for c in q.choices)
            extra = f" [{options}]" if options else (f" [{q.unit}]" if q.unit else "")
            hidden = "（不单独提问：从居民开头的话里读出问的是哪一项）" if q.hidden else ""
            print(f"    - {q.id} ({q.kind}){extra}: {q.prompt}" + (f"（仅当 {skip}）" if skip else "") + hidden)
    return 0


def cmd_assess(args: argparse.Namespace) -> int:
    try:
        program = get_program(args.program)
    except KeyError as exc:
        return _fail(exc.args[0])
    try:
        facts = json.loads(args.facts)
    except json.JSONDecodeError as exc:
        return _fail(f"--facts is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    if not isinstance(facts, dict):
        return _fail('--facts must be a JSON object, e.g. {"role": "host", "interns": 3}')
    as_of = None
    if args.as_of:
        try:
            as_of = date.fromisoformat(args.as_of)
        except ValueError:
            return _fail(f"--as-of {args.as_of!r} is not a date YYYY-MM-DD")
    answers, error = facts_to_answers(program, facts)
    if error:
        return _fail(error)
    if _context() is None:
        return 1
    result = assess(program, answers, as_of)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(result.to_text())
    return 0


def facts_to_answers(program: Program, facts: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """JSON facts -> answers; strings go through the lenient parser, null means 不清楚."""
    answers: dict[str, Any] = {}
    known = program.question_ids
    for key, value in facts.items():
        if key not in known:
            return {}, f"unknown fact {key!r} for program {program.id!r} (known: {', '.join(known)})"
        question = program.question(key)
        if value is None:
            answers[key] = None
            continue
        typed = _typed(question, value)
        if typed is not _INVALID:
            answers[key] = typed
            continue
        parsed = parse_answer(question, str(value))
        if not parsed.ok:
            return {}, f"fact {key!r}: cannot use {value!r}: {parsed.error}"
        answers[key] = parsed.value
    return answers, None


_INVALID = object()


def _typed(question: Question, value: Any) -> Any:
    """A JSON value already of the right type (true, 23, "host"), else _INVALID."""
    if question.kind == "yesno" and isinstance(value, bool):
        return value
    if question.kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        parsed = parse_answer(question, str(value))
        return parsed.value if parsed.ok else _INVALID
    if question.kind == "choice" and any(c.value == value for c in question.choices):
        return value
    return _INVALID


def _context() -> Any:
    try:
        return default_context()
    except (InvalidEligibilityData, InvalidKnowledge) as exc:
        print("eligibility data has problems (run `policybot check`):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def _fail(message: str) -> int:
    print(f"policybot assess: {message}", file=sys.stderr)
    return USAGE_ERROR
