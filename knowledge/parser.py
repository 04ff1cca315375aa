"""Turn a Chinese government document (.txt as received) into numbered clauses.

The received text was extracted from a paginated PDF: page breaks split words and paragraphs
("建立工" / "作台账", "州总工会" / "等负责", "县" / "市级"). A real paragraph of such a document
always ends in sentence-final punctuation, and headings have their own shapes, so a paragraph
that ends mid-sentence is joined to the next one. Numbering follows the document:
section 一..十 -> "1".."10", sub-item （k） of section N -> "N.k", the preamble -> "0", the closing
paragraph after the last section -> last section + 1 ("11" for the seed document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from knowledge.documents import (
    CHINESE_NUMERALS,
    DEPARTMENT_TAIL,
    Clause,
    Document,
    Period,
    Quantity,
    global_clause_id,
    split_sentences,
)

_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+|[ \t\u3000]+(?=[{_CJK}])")
_SECTION = re.compile(rf"^([{CHINESE_NUMERALS}]{{1,3}})、\s*(.+)$")
_SUB_ITEM = re.compile(rf"^（([{CHINESE_NUMERALS}]{{1,3}})）")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}〔\d{4}〕\d+号")
_TERMINAL = tuple("。；！？：）”」】") + (".",)
_CLOSING_START = re.compile(r"^(各县|各地|各级|各有关|本方案|本实施方案|本意见|本通知|本办法|本细则)")

_DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
_RANGE = re.compile(_DATE + r"(?:至|到|—|－|-|~|～)(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_FROM = re.compile(r"(?:从|自)?" + _DATE + r"起")
_YEARS = re.compile(r"(\d{4})(?:—|－|-|~|～|至)(\d{4})年")
_POINT = re.compile(_DATE)
_NUM = r"\d+(?:\.\d+)?"
_UNITS = "万元|亿元|元|%|个月|万|个|人|名|岁|日|天|年|倍"
_QTY_RANGE = re.compile(rf"({_NUM})(?:—|－|-|~|～|至)({_NUM})({_UNITS})")
_QTY = re.compile(rf"({_NUM})({_UNITS})(以上|以下|以内)?")


def chinese_to_int(text: str) -> int:
    """一..九十九 -> 1..99 (enough for section numbering)."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    return digits[text]


def clean_line(line: str) -> str:
    """Strip a line and drop spaces that PDF extraction put next to Chinese characters."""
    return _SPACE_NEAR_CJK.sub("", line.strip())


def _is_heading(paragraph: str) -> bool:
    return bool(_SECTION.match(paragraph))


def repair_paragraphs(text: str) -> list[str]:
    """Split on blank lines and re-join paragraphs that a page break cut in two."""
    raw: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        cleaned = clean_line(line)
        if cleaned:
            current.append(cleaned)
        elif current:
            raw.append("".join(current))
            current = []
    if current:
        raw.append("".join(current))

    paragraphs: list[str] = []
    for para in raw:
        if (
            paragraphs
            and not paragraphs[-1].endswith(_TERMINAL)
            and not _is_heading(paragraphs[-1])
            and not _is_heading(para)
            and not _SUB_ITEM.match(para)
            and len(paragraphs) > 2  # the title block (title, number line) is never joined
        ):
            paragraphs[-1] += para
        else:
            paragraphs.append(para)
    return paragraphs


@dataclass
class _Section:
    number: int
    title: str
    paragraphs: list[str]


def parse_document(text: str, document_id: str, source: str = "") -> Document:
    """Parse a document's text into a Document with numbered clauses."""
    paragraphs = repair_paragraphs(text)
    header: list[str] = []
    sections: list[_Section] = []
    for para in paragraphs:
        match = _SECTION.match(para)
        if match:
            sections.append(_Section(chinese_to_int(match.group(1)), match.group(2).strip(), []))
        elif sections:
            sections[-1].paragraphs.append(para)
        else:
            header.append(para)

    closing: str | None = None
    if sections and len(sections[-1].paragraphs) > 1 and _CLOSING_START.match(sections[-1].paragraphs[-1]):
        closing = sections[-1].paragraphs.pop()

    title = header[0] if header else document_id
    number_match = next((m for h in header[:3] if (m := _DOC_NUMBER.search(h))), None)
    issued = next((p.start for h in header[:3] for p in find_periods(h) if p.kind == "point"), None)

    def make(number: str, section_title: str, clause_title: str, body: str) -> Clause:
        return build_clause(document_id, number, section_title, clause_title, body)

    clauses: list[Clause] = []
    if header:
        clauses.append(make("0", "前言", title, "\n".join(header)))
    for section in sections:
        items = _split_sub_items(section.paragraphs)
        if not items:
            clauses.append(make(str(section.number), section.title, section.title, "\n".join(section.paragraphs)))
            continue
        if items[0][0] == 0:  # text before the first （一）: the section's own clause
            clauses.append(make(str(section.number), section.title, section.title, items.pop(0)[1]))
        for k, body in items:
            lead = split_sentences(_SUB_ITEM.sub("", body, count=1))
            sub_title = lead[0].rstrip("。；") if lead else section.title
            clauses.append(make(f"{section.number}.{k}", section.title, sub_title, body))
    if closing:
        last = sections[-1].number + 1 if sections else 1
        clauses.append(make(str(last), "结尾", "贯彻落实要求", closing))

    return Document(
        id=document_id,
        title=title,
        number=number_match.group(0) if number_match else "",
        issued=issued,
        source=source,
        clauses=tuple(clauses),
    )


def _split_sub_items(paragraphs: list[str]) -> list[tuple[int, str]]:
    """Group a section's paragraphs into (k, text) sub-items; k=0 for text before （一）."""
    items: list[tuple[int, list[str]]] = []
    for para in paragraphs:
        match = _SUB_ITEM.match(para)
        if match:
            items.append((chinese_to_int(match.group(1)), [para]))
        elif items:
            items[-1][1].append(para)
        else:
            items.append((0, [para]))
    if not any(k for k, _ in items):
        return []
    return [(k, "\n".join(paras)) for k, paras in items]


def build_clause(document_id: str, number: str, section_title: str, title: str, text: str) -> Clause:
    lead, others, county = parse_departments(text)
    return Clause(
        id=global_clause_id(document_id, number),
        number=number,
        document_id=document_id,
        section_title=section_title,
        title=title,
        text=text,
        lead_department=lead,
        other_departments=others,
        county_clause=county,
        periods=tuple(find_periods(text)),
        quantities=tuple(find_quantities(text)),
    )


def parse_departments(text: str) -> tuple[str | None, tuple[str, ...], str | None]:
    """Read the trailing （州人社局、州财政局等负责，各县（市）政府负责落实…） parenthesis.

    Returns (lead department, the other departments in order, the county clause). The
    document says 列第一位者为牵头单位: the first one listed leads. A name listed twice
    (5.2 lists 州财政局 twice) is kept once.
    """
    match = DEPARTMENT_TAIL.search(text.strip())
    if not match or "负责" not in match.group(1):
        return None, (), None
    inner = match.group(1)
    parts = [p.strip() for p in re.split(r"[，。；]", inner) if p.strip()]
    names: list[str] = []
    county = None
    for part in parts:
        if part.startswith("各县") or part.startswith("各地"):
            county = part
            continue
        if "负责" not in part or names:
            continue
        listed = re.sub(r"(等)?(有关部门和单位|单位|部门)?(按职责分工)?负责$", "", part)
        listed = re.sub(r"等$", "", listed)
        for name in listed.split("、"):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    if not names:
        return None, (), county
    return names[0], tuple(names[1:]), county


def find_periods(text: str) -> list[Period]:
    """Every date or period named in the text, in order of appearance."""
    found: list[tuple[int, Period]] = []
    taken: list[tuple[int, int]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for m in _RANGE.finditer(text):
        y1, m1, d1, y2, m2, d2 = m.groups()
        start = _safe_date(int(y1), int(m1), int(d1))
        end = _safe_date(int(y2 or y1), int(m2), int(d2))
        found.append((m.start(), Period(m.group(0), start, end, "range")))
        taken.append(m.span())
    for m in _FROM.finditer(text):
        if free(m.span()):
            start = _safe_date(*map(int, m.groups()))
            found.append((m.start(), Period(m.group(0), start, None, "from")))
            taken.append(m.span())
    for m in _YEARS.finditer(text):
        if free(m.span()):
            y1, y2 = int(m.group(1)), int(m.group(2))
            found.append((m.start(), Period(m.group(0), date(y1, 1, 1), date(y2, 12, 31), "years")))
            taken.append(m.span())
    for m in _POINT.finditer(text):
        if free(m.span()):
            day = _safe_date(*map(int, m.groups()))
            found.append((m.start(), Period(m.group(0), day, day, "point")))
            taken.append(m.span())
    return [p for _, p in sorted(found, key=lambda item: item[0])]


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_quantities(text: str) -> list[Quantity]:
    """Every amount, rate, count or duration in the text (dates and years excluded)."""
    masked = text
    for pattern in (_RANGE, _FROM, _YEARS, _POINT, re.compile(r"\d{4}年")):
        masked = pattern.sub(lambda m: "#" * len(m.group(0)), masked)
    found: list[tuple[int, Quantity]] = []
    taken: list[tuple[int, int]] = []
    for m in _QTY_RANGE.finditer(masked):
        low, high, unit = m.groups()
        scale = 10000 if unit.startswith("万") else 1
        found.append((m.start(), Quantity(m.group(0), float(low) * scale, unit, float(high) * scale)))
        taken.append(m.span())
    for m in _QTY.finditer(masked):
        if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
            continue
        if m.start() > 0 and masked[m.start() - 1].isdigit():
            continue
        value, unit, qualifier = m.groups()
        scale = 10000 if unit.startswith("万") else 100_000_000 if unit.startswith("亿") else 1
        found.append((m.start(), Quantity(m.group(0), float(value) * scale, unit)))
    return [q for _, q in sorted(found, key=lambda item: item[0])]
