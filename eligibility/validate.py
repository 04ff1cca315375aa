"""`validate()`: every problem in the eligibility YAML and in the program definitions.

Called by `policybot check` next to the knowledge checks. Staff get `file:line: message`
for the YAML; developers get the same for a program whose citation no longer matches the
document (a typo in a quoted fragment, a clause id that does not exist, a skip rule naming a
question that comes later), so a broken rule fails the check instead of a resident's answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eligibility.context import Context, find_sentence, load_context
from eligibility.model import QUESTION_KINDS, WHO_LABELS, Program, Question, When
from eligibility.programs import PROGRAMS
from knowledge.base import KnowledgeBase, display_path, load_knowledge
from knowledge.yamlsource import LineDict, Problem, load_yaml

PROGRAM_DIR = Path(__file__).parent / "programs"


def validate(data_dir: Path | None = None, kb: KnowledgeBase | None = None) -> list[Problem]:
    """All problems in eligibility/data/*.yaml (or `data_dir`) and in the programs, sorted.

    `kb` defaults to the knowledge base loaded from its default place. Its own problems are
    not repeated here (the knowledge check reports them); a rule citing a clause that did not
    load is reported against the rule.
    """
    if kb is None:
        kb, _ = load_knowledge()
    ctx, problems = load_context(data_dir, kb)
    if ctx.params.by_name:  # when parameters.yaml could not be read, say that only, not 30 echoes
        problems += check_programs(ctx, PROGRAMS)
    data_name = display_path((data_dir or ctx_dir()) / "procedures.yaml")
    for program in PROGRAMS:
        if program.id not in ctx.procedures:
            problems.append(Problem(data_name, 1, f"项目“{program.id}”还没有办理流程：请在这里加上它的 steps（办理步骤）"))
    return sorted(set(problems))


def contact_warnings(data_dir: Path | None = None) -> list[Problem]:
    """Contacts staff have not filled in yet, one warning per office at its line in
    contacts.yaml (or `data_dir`'s). Not errors: residents never see an empty entry (the
    contacts list shows the county human-resources bureau by name and 12333 / 12345 instead,
    dialog/flows/menu.py), but a filled number helps them more. [] when the file cannot be
    read (validate() reports that)."""
    path = (data_dir or ctx_dir()) / "contacts.yaml"
    name = display_path(path)
    data, problems = load_yaml(path, name)
    if problems or not isinstance(data, LineDict):
        return []
    out: list[Problem] = []
    offices = data.get("departments")
    if isinstance(offices, LineDict):
        for office, item in offices.items():
            if isinstance(item, LineDict) and not str(item.get("phone") or "").strip():
                out.append(Problem(name, offices.line_of(office), f"提示：{office}的电话还没有填写，群众看到的是"
                                                                  "所在县（市）人社局和12333、12345"))
    county = data.get("county_government")
    if isinstance(county, LineDict) and not str(county.get("phone") or "").strip():
        out.append(Problem(name, county.line_of("phone"), f"提示：{county.get('name') or '各县（市）人民政府'}的电话"
                                                          "还没有填写，群众看到的是所在县（市）人社局"))
    return out


def ctx_dir() -> Path:
    from eligibility.context import default_data_dir

    return default_data_dir()


def check_programs(ctx: Context, programs: tuple[Program, ...]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for program in programs:
        source = PROGRAM_DIR / f"{program.id}.py"
        name = display_path(source)
        text = source.read_text(encoding="utf-8") if source.exists() else ""

        def report(message: str, needle: str = "", name: str = name, text: str = text) -> None:
            problems.append(Problem(name, _line_of(text, needle), message))

        if program.id in seen:
            report(f"duplicate program id {program.id!r}")
        seen.add(program.id)
        if program.who not in WHO_LABELS:
            report(f"program {program.id!r}: who {program.who!r} is not one of {', '.join(WHO_LABELS)}")
        for ref in program.reference:
            if ref not in ctx.kb.clauses:
                report(f"program {program.id!r}: unknown clause id {ref!r} in reference", ref)
        for pname in program.parameters:
            if pname not in ctx.params:
                report(f"program {program.id!r} reads parameter {pname!r}, which parameters.yaml does not declare", pname)
        _check_questions(program, ctx, report)
        for part in program.parts:
            if part.period and part.period not in ctx.params:
                report(f"part {part.id!r}: unknown period parameter {part.period!r}", part.period)
            _check_rule(part.when, program, len(program.questions), f"part {part.id!r}", report)
            for cond in part.conditions:
                if cond.clause not in ctx.kb.clauses:
                    report(f"condition {cond.id!r}: unknown clause id {cond.clause!r}", cond.quote)
                    continue
                try:
                    find_sentence(ctx.kb, cond.clause, cond.quote)
                except ValueError as exc:
                    report(f"condition {cond.id!r}: {exc}", cond.quote)
        if not any(p.main for p in program.parts):
            report(f"program {program.id!r} has no main part")
        _check_focus(program, report)
    return problems


def _check_questions(program: Program, ctx: Context, report: Any) -> None:
    ids: list[str] = []
    for i, q in enumerate(program.questions):
        where = f"question {q.id!r} of {program.id!r}"
        if q.id in ids:
            report(f"duplicate {where}", q.id)
        ids.append(q.id)
        if q.kind not in QUESTION_KINDS:
            report(f"{where}: kind {q.kind!r} is not one of {', '.join(QUESTION_KINDS)}", q.id)
        if q.kind == "choice" and not q.choices:
            report(f"{where} has no choices", q.id)
        if q.kind == "number" and q.minimum is not None and q.maximum is not None and q.minimum > q.maximum:
            report(f"{where}: minimum is above maximum", q.id)
        if q.ask_during and q.ask_during not in ctx.params:
            report(f"{where}: unknown period parameter {q.ask_during!r}", q.ask_during)
        _check_rule(q.ask_if, program, i, where, report)


def _check_focus(program: Program, report: Any) -> None:
    """Program.focus names a hidden choice question whose values are the program's extra parts."""
    if program.focus is None:
        return
    if program.focus not in program.question_ids:
        report(f"program {program.id!r}: focus {program.focus!r} is not one of its questions", "focus=")
        return
    q = program.question(program.focus)
    if not q.hidden or q.kind != "choice":
        report(f"program {program.id!r}: focus question {q.id!r} must be a hidden choice question (rules.focus)", "focus(")
    extras = {p.id for p in program.parts if not p.main}
    for c in q.choices:
        if c.value not in extras:
            report(f"program {program.id!r}: focus choice {c.value!r} is not an extra part (known: {', '.join(sorted(extras))})",
                   c.value)


def _check_rule(rule: When, program: Program, before: int, where: str, report: Any) -> None:
    """A skip rule may only name earlier questions, and only values they can have."""
    earlier = {q.id: q for q in program.questions[:before]}
    for qid, values in rule.items():
        if qid not in earlier:
            report(f"{where}: skip rule names {qid!r}, which is not an earlier question", qid)
            continue
        allowed = _values_of(earlier[qid])
        for value in values:
            if allowed is not None and value not in allowed:
                report(f"{where}: {qid!r} can never be {value!r}", qid)


def _values_of(q: Question) -> set[Any] | None:
    if q.kind == "yesno":
        return {True, False}
    if q.kind == "choice":
        return {c.value for c in q.choices}
    return None


def _line_of(text: str, needle: str) -> int:
    if needle:
        for number, line in enumerate(text.splitlines(), 1):
            if needle in line:
                return number
    return 1
