"""Policy documents as data: clauses with their departments, periods and quantities.

A document lives in `knowledge/data/documents/<id>.yaml`, made from the received .txt by
`policybot import` and then readable and correctable by staff. This module holds the data
model, reads and validates those YAML files, and writes them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from knowledge.yamlsource import LineDict, LineList, Problem, check_fields, load_yaml

SEED_DOCUMENT_ID = "linxia-2019-3"
CHINESE_NUMERALS = "一二三四五六七八九十"
_SENTENCE_END = re.compile(r"(?<=[。；！？])|\n")
DEPARTMENT_TAIL = re.compile(r"（([^（）]*(?:（[^（）]*）[^（）]*)*)）\s*$")


@dataclass(frozen=True)
class Period:
    """A date or period a clause names, as written and as dates.

    kind: "range" (start..end), "from" (start only, open-ended), "point" (one day),
    "years" (a span of whole years such as 2019—2020年).
    """

    text: str
    start: date | None
    end: date | None
    kind: str

    def has_ended(self, today: date) -> bool:
        """True when the period's last day lies before `today` (points never 'end')."""
        return self.kind in ("range", "years") and self.end is not None and self.end < today


@dataclass(frozen=True)
class Quantity:
    """An amount, rate, count or duration named in a clause: 15万元, 60%, 3—12个月, 16—24岁."""

    text: str
    value: float
    unit: str
    upper: float | None = None  # the upper bound of a range such as 16—24岁

    def __str__(self) -> str:
        return self.text

    def contains(self, number: float) -> bool:
        """Whether `number` lies in the range, bounds included (23 in 16—24岁); a single value
        contains only itself."""
        return self.value <= number <= (self.upper if self.upper is not None else self.value)


@dataclass(frozen=True)
class Clause:
    id: str  # global id: bare for the seed document ("6", "2.3"), else "<doc>:<number>"
    number: str  # the number inside its document ("6", "2.3", "0", "11")
    document_id: str
    section_title: str  # e.g. "落实补贴促就业"
    title: str  # the section title, or for a sub-item its lead sentence
    text: str  # full text, department parenthesis included
    lead_department: str | None = None
    other_departments: tuple[str, ...] = ()
    county_clause: str | None = None
    periods: tuple[Period, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    line: int = 0  # where the clause starts in its YAML file, for messages
    sentences: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if not self.sentences:
            object.__setattr__(self, "sentences", tuple(split_sentences(self.body)))

    @property
    def body(self) -> str:
        """The text without the trailing department parenthesis."""
        return DEPARTMENT_TAIL.sub("", self.text).strip()

    @property
    def departments(self) -> tuple[str, ...]:
        """Lead department first, then the others, as the document lists them."""
        lead = (self.lead_department,) if self.lead_department else ()
        return lead + self.other_departments

    def label(self) -> str:
        """How a resident reads the clause's place: 第六条, 第二条第（三）项, 前言, 结尾."""
        return clause_label(self.number)

    def ended_periods(self, today: date) -> list[Period]:
        return [p for p in self.periods if p.has_ended(today)]


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    number: str  # the document number, e.g. 临州府发〔2019〕3号
    issued: date | None
    source: str  # the .txt it was imported from
    clauses: tuple[Clause, ...]
    path: str = ""

    def clause(self, number: str) -> Clause | None:
        return next((c for c in self.clauses if c.number == number), None)


def global_clause_id(document_id: str, number: str) -> str:
    """The seed document keeps bare ids ("6"); others are prefixed ("gs-2018-78:3.2")."""
    return number if document_id == SEED_DOCUMENT_ID else f"{document_id}:{number}"


@functools.lru_cache(maxsize=4096)
def clause_label(number: str) -> str:
    """第六条 for "6" (memoised: every questionnaire result labels a dozen clauses)."""
    if number == "0":
        return "前言"
    parts = number.split(".")
    try:
        section = int(parts[0])
    except ValueError:
        return f"第{number}条"
    if len(parts) == 1 and section > len(CHINESE_NUMERALS):
        return "结尾"
    label = f"第{to_chinese(section)}条"
    if len(parts) > 1:
        label += f"第（{to_chinese(int(parts[1]))}）项"
    return label


def to_chinese(n: int) -> str:
    """1..99 as Chinese numerals (一, 十, 十一, 二十三)."""
    if n <= 10:
        return "零一二三四五六七八九十"[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else "零一二三四五六七八九"[tens]
    return head + "十" + ("" if ones == 0 else "零一二三四五六七八九"[ones])


def split_sentences(text: str) -> list[str]:
    """Split Chinese prose into sentences at 。；！？ and line ends, keeping the punctuation."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


# ---------------------------------------------------------------- YAML (read)

_DOC_FIELDS = {"id": str, "title": str, "number": str, "clauses": list}
_DOC_OPTIONAL = {"issued": (str, type(None)), "source": (str, type(None))}
_CLAUSE_FIELDS = {"number": str, "title": str, "text": str}
_CLAUSE_OPTIONAL = {
    "section_title": str,
    "lead_department": (str, type(None)),
    "other_departments": list,
    "county_clause": (str, type(None)),
    "periods": list,
    "quantities": list,
}
_PERIOD_FIELDS = {"text": str, "kind": str}
_PERIOD_OPTIONAL = {"start": (str, type(None)), "end": (str, type(None))}
_QUANTITY_FIELDS = {"text": str, "value": (int, float), "unit": str}
_QUANTITY_OPTIONAL = {"upper": (int, float, type(None))}
_DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,40}$")


def _parse_date(value: str | None, file: str, line: int, problems: list[Problem]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(file, line, f"date {value!r} is not YYYY-MM-DD"))
        return None


def read_document(path: Path, display_name: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Load one document YAML; return (document or None, problems)."""
    name = display_name or str(path)
    data, problems = load_yaml(path, name)
    if data is None:
        if not problems:
            problems.append(Problem(name, 1, "file is empty"))
        return None, problems
    if not isinstance(data, LineDict):
        return None, problems + [Problem(name, 1, "a document file must be a mapping with id, title, number, clauses")]
    problems += check_fields(data, name, required=_DOC_FIELDS, optional=_DOC_OPTIONAL, what="document")
    if problems:
        return None, problems
    doc_id = data["id"]
    if not _DOC_ID.match(doc_id):
        problems.append(Problem(name, data.line_of("id"), f"document id {doc_id!r}: use lower-case letters, digits and '-'"))
    issued = _parse_date(data.get("issued"), name, data.line_of("issued"), problems)
    clauses: list[Clause] = []
    seen: dict[str, int] = {}
    items: LineList = data["clauses"]
    for i, item in enumerate(items):
        line = items.line_of(i)
        if not isinstance(item, LineDict):
            problems.append(Problem(name, line, "each clause must be a mapping (number, title, text, …)"))
            continue
        clause_problems = check_fields(item, name, required=_CLAUSE_FIELDS, optional=_CLAUSE_OPTIONAL, what="clause")
        if clause_problems:
            problems += clause_problems
            continue
        number = item["number"]
        if number in seen:
            problems.append(Problem(name, item.line_of("number"), f"duplicate clause number {number!r} (first at line {seen[number]})"))
            continue
        seen[number] = item.line_of("number")
        if not item["text"].strip():
            problems.append(Problem(name, item.line_of("text"), f"clause {number!r} has empty text"))
            continue
        periods = _read_periods(item.get("periods", LineList()), name, problems)
        quantities = _read_quantities(item.get("quantities", LineList()), name, problems)
        others = item.get("other_departments", [])
        if not all(isinstance(d, str) for d in others):
            problems.append(Problem(name, item.line_of("other_departments"), "other_departments must be a list of names"))
            others = []
        clauses.append(
            Clause(
                id=global_clause_id(doc_id, number),
                number=number,
                document_id=doc_id,
                section_title=item.get("section_title", item["title"]),
                title=item["title"],
                text=item["text"].strip(),
                lead_department=item.get("lead_department"),
                other_departments=tuple(others),
                county_clause=item.get("county_clause"),
                periods=tuple(periods),
                quantities=tuple(quantities),
                line=item.line,
            )
        )
    doc = Document(
        id=doc_id,
        title=data["title"],
        number=data["number"],
        issued=issued,
        source=data.get("source") or "",
        clauses=tuple(clauses),
        path=str(path),
    )
    return doc, problems


def _read_periods(items: LineList, name: str, problems: list[Problem]) -> list[Period]:
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, LineDict):
            problems.append(Problem(name, items.line_of(i), "a period must be a mapping (text, kind, start, end)"))
            continue
        found = check_fields(item, name, required=_PERIOD_FIELDS, optional=_PERIOD_OPTIONAL, what="period")
        if found:
            problems += found
            continue
        if item["kind"] not in ("range", "from", "point", "years"):
            problems.append(Problem(name, item.line_of("kind"), f"period kind {item['kind']!r} is not one of range, from, point, years"))
            continue
        start = _parse_date(item.get("start"), name, item.line_of("start"), problems)
        end = _parse_date(item.get("end"), name, item.line_of("end"), problems)
        if start and end and end < start:
            problems.append(Problem(name, item.line_of("end"), f"period {item['text']!r} ends before it starts"))
        out.append(Period(item["text"], start, end, item["kind"]))
    return out


def _read_quantities(items: LineList, name: str, problems: list[Problem]) -> list[Quantity]:
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, LineDict):
            problems.append(Problem(name, items.line_of(i), "a quantity must be a mapping (text, value, unit)"))
            continue
        found = check_fields(item, name, required=_QUANTITY_FIELDS, optional=_QUANTITY_OPTIONAL, what="quantity")
        if found:
            problems += found
            continue
        out.append(Quantity(item["text"], float(item["value"]), item["unit"], item.get("upper")))
    return out


# ---------------------------------------------------------------- YAML (write)


class _BlockDumper(yaml.SafeDumper):
    """Dumps long text as literal blocks so staff read and edit it as prose."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value or len(value) > 60 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_representer)


def document_to_yaml(doc: Document) -> str:
    """Serialise a document for staff: one mapping per clause, dates as YYYY-MM-DD."""
    header = (
        f"# {doc.title}\n# {doc.number}. Imported from {doc.source} by `policybot import`.\n"
        "# Staff may correct this file; `policybot check` validates it. Clause numbers are the ids\n"
        "# the FAQ, the eval sets and the eligibility rules refer to: keep them stable.\n"
    )
    data = {
        "id": doc.id,
        "title": doc.title,
        "number": doc.number,
        "issued": doc.issued.isoformat() if doc.issued else None,
        "source": doc.source,
        "clauses": [
            {
                "number": c.number,
                "section_title": c.section_title,
                "title": c.title,
                "lead_department": c.lead_department,
                "other_departments": list(c.other_departments),
                "county_clause": c.county_clause,
                "periods": [
                    {
                        "text": p.text,
                        "kind": p.kind,
                        "start": p.start.isoformat() if p.start else None,
                        "end": p.end.isoformat() if p.end else None,
                    }
                    for p in c.periods
                ],
                "quantities": [
                    {"text": q.text, "value": _plain_number(q.value), "unit": q.unit}
                    | ({"upper": _plain_number(q.upper)} if q.upper is not None else {})
                    for q in c.quantities
                ],
                "text": c.text,
            }
            for c in doc.clauses
        ],
    }
    body = yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=1000)
    return header + body


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
