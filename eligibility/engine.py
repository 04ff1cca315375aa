"""Running a program: which question comes next, and the result for a set of answers.

Verdict semantics (why they are what they are):
- 不符合 when any required condition is not met — a definite "no" beats an unknown.
- 需核实 when nothing is not met but something is unknown: the resident said 不清楚, or the
  criterion is set outside the document (a national rule, a county's decision).
- 符合 when every required condition is met.
- 已到期 when the part has a period (a parameter) that ended before the judging date. It is
  reported as ended: what it gave then and, where the document says, what applies now
  (Part.now); no amount, no what-if. It is NOT judged for the past (then_verdict stays None):
  answers given after it ended are about now (a business insured since two years ago was not
  insured in 2019); while it ran it was judged like any part. An open-ended start (就业见习 "从2019年1月1日起")
  never expires; a relaxed threshold that ended (参保1年, 2019-2020) is not 已到期 either: the
  base rule applies again, and the verdict follows it.
- 不清楚 to a condition question (Question.unknown_goes_on: 参保了吗) does not skip the
  questions after it: the rest is asked and that condition is 待核实 in the result.

What a result shows: each check knows whether its question was asked (Check.asked); one that
was not (an earlier answer settled the verdict) is shown only where it decides. What-ifs are
offered only for answers a person can still change (Question.changeable). The headline part
is the one the resident asked about (Program.focus) when it applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from eligibility.context import Context
from eligibility.model import (
    ELIGIBLE,
    EXPIRED,
    MET,
    NOT_ELIGIBLE,
    NOT_MET,
    TO_VERIFY,
    UNKNOWN,
    Condition,
    Facts,
    NotYetInForce,
    Part,
    Program,
    Question,
    cn_date,
)
from eligibility.result import UNDECIDED, Check, ContactLine, PartResult, Result

COUNTY = "负责落实"


def today() -> date:
    return date.today()


def _known(answers: Mapping[str, Any], qid: str) -> bool:
    return answers.get(qid) is not None


def applies(rule: Mapping[str, tuple[Any, ...]], answers: Mapping[str, Any]) -> bool:
    """A skip rule / part selector holds when every named answer is known and accepted."""
    return all(_known(answers, qid) and answers[qid] in values for qid, values in rule.items())


def asked_after(program: Program, rule: Mapping[str, tuple[Any, ...]], answers: Mapping[str, Any]) -> bool:
    """A question's skip rule (ask_if) holds: like `applies`, except that 不清楚 (None) to a
    question marked `unknown_goes_on` (a condition to verify, not a branch) lets the questions
    after it be asked, so that one 不知道 does not end the questionnaire."""
    for qid, values in rule.items():
        value = answers.get(qid)
        if value is None:
            if qid in answers and qid in program.question_ids and program.question(qid).unknown_goes_on:
                continue
            return False
        if value not in values:
            return False
    return True


def relevant_answers(program: Program, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers whose questions would be asked given the earlier answers (ask_if only).

    After 上一步 changes an earlier answer, later answers to questions that no longer apply
    are dropped here, so a stale "company headcount" never leaks into an individual's result.
    """
    kept: dict[str, Any] = {}
    for q in program.questions:
        if q.id in answers and asked_after(program, q.ask_if, kept):
            kept[q.id] = answers[q.id]
    return kept


def ended_on(program: Program, ctx: Context, as_of: date) -> date | None:
    """The day the program's last provision ended, when every part of it has a period that
    ended before `as_of` (困难企业职工在岗培训: 2019-12-31); None while any part is in force, not
    yet started or open-ended. No answer can change an ended program's result (已到期, never
    judged for the past), so none of its questions is asked."""
    ends = []
    for part in program.parts:
        end = ctx.params.window(part.period)[1] if part.period else None
        if end is None or as_of <= end:
            return None
        ends.append(end)
    return max(ends) if ends else None


def should_ask(question: Question, answers: Mapping[str, Any], ctx: Context, as_of: date,
               program: Program | None = None) -> bool:
    if question.hidden or (question.ask_during and not ctx.params.active(question.ask_during, as_of)):
        return False
    if program is not None and ended_on(program, ctx, as_of) is not None:
        return False  # an ended program: its result is 已到期 whatever is answered
    return asked_after(program, question.ask_if, answers) if program is not None else applies(question.ask_if, answers)


def next_question(program: Program, answers: Mapping[str, Any], ctx: Context, as_of: date | None = None) -> Question | None:
    """The first question not yet answered (None = 不清楚 counts as answered) that applies."""
    as_of = as_of or today()
    kept = relevant_answers(program, answers)
    for q in program.questions:
        if q.id not in kept and should_ask(q, kept, ctx, as_of, program):
            return q
    return None


def remaining_questions(program: Program, answers: Mapping[str, Any], ctx: Context, as_of: date | None = None) -> list[Question]:
    """The questions still to come on any branch the answers so far leave open (a union of
    branches: an upper bound, not a path; see `progress` for what residents are shown)."""
    as_of = as_of or today()
    kept = relevant_answers(program, answers)
    out: list[Question] = []
    if ended_on(program, ctx, as_of) is not None:
        return out
    for q in program.questions:
        if q.id in kept or q.hidden or (q.ask_during and not ctx.params.active(q.ask_during, as_of)):
            continue
        decided = all(qid in kept for qid in q.ask_if)
        if not decided or asked_after(program, q.ask_if, kept):
            out.append(q)
    return out


@dataclass(frozen=True)
class Progress:
    """Where a resident is in a questionnaire, for 第2步/共5步.

    `step` is the number of questions answered on the path so far plus one (the pending
    question); `total` is the longest path the program can take from its first question, as of
    the judging date: fixed for the whole questionnaire, so the line never goes backwards
    (a shorter branch simply ends early). `exact` is True when every path has that length,
    so "共N步" is exact; otherwise `total` is a maximum ("最多N步"). `remaining` is the most
    questions still to come, the pending one included (0 when finished).
    """

    step: int
    total: int
    exact: bool
    remaining: int

    def as_tuple(self) -> tuple[int, int]:
        return self.step, self.total


def progress(program: Program, answers: Mapping[str, Any], ctx: Context, as_of: date | None = None) -> Progress:
    as_of = as_of or today()
    kept = relevant_answers(program, answers)
    answered = sum(1 for qid in kept if not program.question(qid).hidden)
    longest, shortest = _path_lengths(program, {}, ctx, as_of)
    remaining, _ = _path_lengths(program, kept, ctx, as_of)
    step = answered + (1 if remaining else 0)
    return Progress(step, max(longest, step, answered + remaining), longest == shortest, remaining)


def _branch_values(program: Program, question: Question) -> list[Any]:
    """The answers to try for a question when walking the paths: only answers that some skip
    rule tells apart matter (plus 不清楚, which skips every rule naming the question)."""
    named = [v for q in program.questions for qid, values in q.ask_if.items() if qid == question.id for v in values]
    if not named:
        return [None]
    return list(dict.fromkeys([*named, None]))


def _path_lengths(program: Program, answers: Mapping[str, Any], ctx: Context, as_of: date) -> tuple[int, int]:
    """(longest, shortest) number of questions still to be asked from these answers."""
    # One memo entry per program and date, holding every state walked (a few dozen at most).
    memo = ctx.memo.setdefault(("paths", program.id, as_of), {})
    key = tuple(sorted((k, repr(v)) for k, v in answers.items()))
    found = memo.get(key)
    if found is not None:
        return found
    question = next_question(program, answers, ctx, as_of)
    if question is None:
        found = (0, 0)
    else:
        lengths = [_path_lengths(program, {**answers, question.id: value}, ctx, as_of)
                   for value in _branch_values(program, question)]
        found = (1 + max(n for n, _ in lengths), 1 + min(m for _, m in lengths))
    memo[key] = found
    return found


# ---------------------------------------------------------------- judging


def _status(raw: Any) -> tuple[str, str]:
    value, note = raw if isinstance(raw, tuple) else (raw, "")
    if value is None:
        return UNKNOWN, note
    return (MET if value else NOT_MET), note


def reads_of(cond: Condition, program: Program | None) -> tuple[str, ...]:
    """The question ids a condition reads: its own `reads`, else its id when that is a question."""
    if cond.reads is not None:
        return cond.reads
    return (cond.id,) if program is not None and cond.id in program.question_ids else ()


def _check(cond: Condition, facts: Facts, ctx: Context, program: Program | None = None) -> Check:
    try:
        status, note = _status(cond.test(facts))
    except NotYetInForce as e:  # the rule's threshold did not exist yet: not met, and why
        status, note = NOT_MET, e.note(facts.as_of)
    clause = ctx.kb.clause(cond.clause)
    reads = reads_of(cond, program)
    asked = all(qid in facts.answers for qid in reads)
    return Check(cond.id, cond.text, status, cond.clause, clause.label(), ctx.sentence(cond.clause, cond.quote),
                 note, cond.group, cond.required, asked, elsewhere=program is not None and not reads)


def combine(checks: list[Check] | tuple[Check, ...]) -> str:
    """符合 / 不符合 / 需核实 from required checks; a group is met when any member is."""
    units: dict[str, list[str]] = {}
    for c in checks:
        if c.required:
            units.setdefault(c.group or f"#{c.id}", []).append(c.status)
    statuses = []
    for members in units.values():
        if MET in members:
            statuses.append(MET)
        elif all(s == NOT_MET for s in members):
            statuses.append(NOT_MET)
        else:
            statuses.append(UNKNOWN)
    if NOT_MET in statuses:
        return NOT_ELIGIBLE
    if UNKNOWN in statuses:
        return TO_VERIFY
    return ELIGIBLE


def _period_text(ctx: Context, name: str) -> tuple[str, date | None, date | None]:
    start, end = ctx.params.window(name)
    if start and end:
        return f"{cn_date(start)}至{cn_date(end)}", start, end
    if start:
        return f"{cn_date(start)}起", start, end
    return (f"至{cn_date(end)}" if end else ""), start, end


def evaluate_part(part: Part, answers: Mapping[str, Any], ctx: Context, as_of: date, program: Program | None = None) -> PartResult:
    period, start, end = _period_text(ctx, part.period) if part.period else ("", None, None)
    expired = bool(part.period and end and as_of > end)
    judged_at = end if expired and end else as_of
    facts = Facts(answers, judged_at, ctx.params)
    checks = tuple(_check(c, facts, ctx, program) for c in part.conditions)
    verdict = combine(checks)
    not_yet = next((c.note for c in checks if "尚未施行" in c.note), "")
    try:
        notes = list(part.notes(facts)) if part.notes else []
        estimates = tuple(part.estimate(facts)) if part.estimate else ()
        what_if = list(part.what_if(facts)) if part.what_if else []
    except NotYetInForce as e:  # an amount or rate the part needs had no value yet
        notes, estimates, what_if = [], (), []
        not_yet = not_yet or e.note(judged_at)
    if not_yet:
        # Before its start the provision did not exist: 不符合 (not 需核实 — there is nothing an
        # office could verify), with the reason first; no amount, no what-if on other answers.
        verdict, estimates, what_if = NOT_ELIGIBLE, (), []
        notes = [not_yet] + [n for n in notes if n != not_yet]
    expired_note, then = "", None
    if expired:
        # An ended provision is reported as ended, with no amount, what-if or note computed for
        # it, and it is not judged for the past: answers given after it ended describe the
        # business or person now (insured since two years ago says nothing of 2019), and even an
        # answer to a question of that period may have been read from words about now
        # (我们现在很困难). While it ran (as_of within the period) it is judged like any part.
        estimates, what_if, notes = (), [], []
        expired_note = f"该项政策执行期为{period}，已于{cn_date(end)}结束，现在不再执行。当时的规定：{part.gives}"
        if part.now:
            expired_note += f"现在：{part.now}"
        verdict = EXPIRED
    elif part.period and start and as_of < start:
        verdict = NOT_ELIGIBLE
        notes.insert(0, f"该项政策自{cn_date(start)}起执行，{cn_date(as_of)}时尚未开始。")
    return PartResult(part.id, part.label, verdict, part.gives, checks, estimates, tuple(what_if), tuple(notes),
                      period, expired_note, then, part.main, not_in_force=bool(not_yet))


def _generic_what_if(program: Program, part: Part, answers: dict[str, Any], ctx: Context, as_of: date) -> list[str]:
    """Where changing one answer the person can still change (Question.changeable: a
    certificate, a contract) would turn 不符合 into 符合, say so. Who someone is and what is
    past (学历, 裁员) are never proposed."""
    out = []
    for q in program.questions:
        if not q.changeable or q.id not in answers or answers[q.id] is None or q.kind not in ("yesno", "choice"):
            continue
        if q.id in part.when:
            continue  # changing who you are is not a what-if
        alternatives = [not answers[q.id]] if q.kind == "yesno" else [c.value for c in q.choices if c.value != answers[q.id]]
        for alt in alternatives:
            trial = relevant_answers(program, {**answers, q.id: alt})
            if combine(tuple(_check(c, Facts(trial, as_of, ctx.params), ctx, program) for c in part.conditions)) == ELIGIBLE:
                what = q.short if q.kind == "yesno" and alt is True and q.short else q.label_of(alt)
                out.append(f"如果{what}，结果会变为“符合”。")
                break
    return out


def _select_main(program: Program, answers: Mapping[str, Any]) -> Part | None:
    return next((p for p in program.parts if p.main and applies(p.when, answers)), None)


def _focused(program: Program, answers: Mapping[str, Any]) -> str | None:
    """The part id the resident asked about (Program.focus), if any."""
    return answers.get(program.focus) if program.focus else None


def _shown_extra(part: PartResult, focused: bool) -> bool:
    """An extra whose 需核实 rests on a question never asked (skipped by an earlier answer) says
    nothing about this person: left out, unless it is the part they asked about."""
    if focused or part.verdict != TO_VERIFY:
        return True
    return not any(c.required and c.status == UNKNOWN and not c.asked for c in part.checks)


def assess(program: Program, answers: Mapping[str, Any], ctx: Context, as_of: date | None = None) -> Result:
    """The full result for one program, as of a date (default today). The headline part is the
    one the resident asked about (Program.focus) when it applies, else the program's main part."""
    as_of = as_of or today()
    kept = relevant_answers(program, answers)
    unused = tuple(k for k in answers if k not in kept)
    main_part = _select_main(program, kept)
    focus = _focused(program, kept)
    extra_parts = [p for p in program.parts if not p.main and applies(p.when, kept)]
    headline = next((p for p in extra_parts if p.id == focus), None) if main_part is not None else None
    if main_part is None:
        role_q = next((program.question(qid) for p in program.parts if p.main for qid in p.when), None)
        main = PartResult(UNDECIDED, program.label, TO_VERIFY, program.summary,
                          notes=(f"结果要看您的身份，请先回答：{role_q.prompt}" if role_q else "信息不足",))
        extras = tuple(evaluate_part(p, kept, ctx, as_of, program) for p in extra_parts)
    else:
        order = [headline, main_part] if headline else [main_part]
        order += [p for p in extra_parts if p is not headline]
        evaluated = [evaluate_part(p, kept, ctx, as_of, program) for p in order]
        main = replace(evaluated[0], main=True)
        if main.verdict == NOT_ELIGIBLE and not main.not_in_force:
            extra = [w for w in _generic_what_if(program, order[0], kept, ctx, as_of) if w not in main.what_if]
            main = replace(main, what_if=main.what_if + tuple(extra))
        extras = tuple(replace(p, main=False) for p in evaluated[1:] if _shown_extra(p, False))
    procedure = ctx.procedures.get(program.id)
    return Result(
        program_id=program.id,
        program_label=program.label,
        who=program.who,
        as_of=as_of,
        document=ctx.kb.seed.number,
        references=tuple(ctx.kb.clause(c).label() for c in program.reference),
        main=main,
        extras=extras,
        steps=procedure.steps if procedure else (),
        where=procedure.where if procedure else "",
        materials=procedure.materials if procedure else (),
        contacts=contacts_for(program, ctx),
        unused_facts=unused,
    )


def contacts_for(program: Program, ctx: Context) -> tuple[ContactLine, ...]:
    """Lead department of the first clause, then the others, the county, then the hotlines
    (the same for every result of a program, so worked out once per loaded data)."""
    key = ("contacts", program.id)
    cached = ctx.memo.get(key)
    if cached is None:
        cached = ctx.memo[key] = _contacts_for(program, ctx)
    return cached


def _contacts_for(program: Program, ctx: Context) -> tuple[ContactLine, ...]:
    from eligibility.staffdata import PHONE_MISSING

    clauses = [ctx.kb.clause(c) for c in program.reference]
    names: list[str] = []
    for clause in clauses:
        for dept in clause.departments:
            if dept not in names:
                names.append(dept)
    out = []
    for i, name in enumerate(names):
        office = ctx.contacts.office(name)
        out.append(ContactLine(name, "牵头单位" if i == 0 else "配合单位", office.phone or PHONE_MISSING, office.address))
    if any(c.county_clause for c in clauses):
        county = ctx.contacts.county
        out.append(ContactLine(county.name, COUNTY, county.phone or PHONE_MISSING, county.address))
    hotlines = ctx.contacts.hotlines or (("人力资源社会保障服务热线", "12333"),)
    out += [ContactLine(name, "服务热线", number) for name, number in hotlines]
    return tuple(out)
