"""Dated parameters: every amount, rate, threshold and period of the rules, with its clause.

Why YAML and why dated: the document changes its own numbers over time (参保3年 relaxed to
1年 for 2019-2020 only; a 2019-only 稳岗 standard), and staff must be able to add a value
from a later notice without touching Python. A lookup therefore always takes the date the
resident is judged at. A value of `null` is allowed only for staff parameters (the local
monthly 失业保险金): the rules then show the formula instead of inventing a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.yamlsource import LineDict, Problem, check_fields, load_yaml


@dataclass(frozen=True)
class ParameterValue:
    value: Any  # number, true (a period) or None (staff have not filled it in)
    start: date | None
    end: date | None
    note: str = ""

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    reference: tuple[str, ...]
    values: tuple[ParameterValue, ...]
    staff: bool = False
    line: int = 0

    def at(self, day: date) -> ParameterValue | None:
        return next((v for v in self.values if v.covers(day)), None)


@dataclass
class Parameters:
    by_name: dict[str, Parameter]

    def value(self, name: str, day: date) -> Any:
        """The value in force on `day`, or None. KeyError names an undeclared parameter."""
        entry = self[name].at(day)
        return entry.value if entry else None

    def active(self, name: str, day: date) -> bool:
        """For period parameters: is the provision running on `day`?"""
        return bool(self.value(name, day))

    def window(self, name: str) -> tuple[date | None, date | None]:
        """First start and last end of the values that are true/non-null (a provision's period)."""
        values = [v for v in self[name].values if v.value not in (None, False)]
        starts = [v.start for v in values]
        ends = [v.end for v in values]
        return (None if None in starts else min(starts, default=None)), (None if None in ends else max(ends, default=None))

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.by_name[name]
        except KeyError:
            raise KeyError(f"unknown parameter {name!r} (declare it in eligibility/data/parameters.yaml)") from None

    def __contains__(self, name: str) -> bool:
        return name in self.by_name


_PARAM_FIELDS = {"description": str, "reference": (str, int, float, list), "values": list}
_PARAM_OPTIONAL = {"unit": str, "staff": bool}
_VALUE_FIELDS = {"value": (int, float, bool, type(None))}
_VALUE_OPTIONAL = {"start": (str, type(None)), "end": (str, type(None)), "note": str}


def parse_date(value: Any, file: str, line: int, problems: list[Problem]) -> date | None:
    """YYYY-MM-DD or empty; anything else is reported with its line."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(file, line, f"date {value!r} is not YYYY-MM-DD"))
        return None


def clause_refs(value: Any) -> list[str]:
    """`reference: "6"`, `reference: 6` or `reference: ["5.2", "5.1"]` -> clause ids."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, float) or isinstance(item, int) and not isinstance(item, bool):
            out.append(str(int(item)) if float(item).is_integer() else str(item))
        else:
            out.append(str(item).strip())
    return out


def load_parameters(path: Path, name: str, clause_ids: set[str]) -> tuple[Parameters, list[Problem]]:
    """Read parameters.yaml; return what could be read and every problem found."""
    data, problems = load_yaml(path, name)
    params: dict[str, Parameter] = {}
    if data is None:
        if not problems:
            problems.append(Problem(name, 1, "file is empty"))
        return Parameters(params), problems
    if not isinstance(data, LineDict) or not isinstance(data.get("parameters"), LineDict):
        problems.append(Problem(name, getattr(data, "line", 1), "expected a mapping `parameters:` of name -> {description, reference, values}"))
        return Parameters(params), problems
    problems += check_fields(data, name, required={"parameters": dict}, what="parameters file")
    table: LineDict = data["parameters"]
    for pname, item in table.items():
        line = table.line_of(pname)
        if not isinstance(item, LineDict):
            problems.append(Problem(name, line, f"parameter {pname!r} must be a mapping with description, reference, values"))
            continue
        found = check_fields(item, name, required=_PARAM_FIELDS, optional=_PARAM_OPTIONAL, what=f"parameter {pname!r}")
        problems += found
        if found:
            continue
        refs = clause_refs(item["reference"])
        for ref in refs:
            if ref not in clause_ids:
                problems.append(Problem(name, item.line_of("reference"), f"unknown clause id {ref!r} in parameter {pname!r}"))
        staff = bool(item.get("staff", False))
        values = _read_values(pname, item, name, staff, problems)
        params[str(pname)] = Parameter(str(pname), item["description"], item.get("unit", ""), tuple(refs), tuple(values), staff, line)
    return Parameters(params), problems


def _read_values(pname: str, item: LineDict, name: str, staff: bool, problems: list[Problem]) -> list[ParameterValue]:
    out: list[ParameterValue] = []
    entries = item["values"]
    if not entries:
        problems.append(Problem(name, item.line_of("values"), f"parameter {pname!r} has no values"))
    for i, entry in enumerate(entries):
        line = entries.line_of(i)
        if not isinstance(entry, LineDict):
            problems.append(Problem(name, line, f"each value of {pname!r} must be a mapping with value, start, end"))
            continue
        found = check_fields(entry, name, required=_VALUE_FIELDS, optional=_VALUE_OPTIONAL, what=f"value of {pname!r}")
        problems += found
        if found:
            continue
        start = parse_date(entry.get("start"), name, entry.line_of("start"), problems)
        end = parse_date(entry.get("end"), name, entry.line_of("end"), problems)
        if start and end and end < start:
            problems.append(Problem(name, entry.line_of("end"), f"value of {pname!r} ends before it starts"))
            continue
        if entry["value"] is None and not staff:
            problems.append(Problem(name, entry.line_of("value"), f"parameter {pname!r} has an empty value; only staff parameters (staff: true) may be empty"))
            continue
        value = ParameterValue(entry["value"], start, end, entry.get("note", ""))
        for other in out:
            if _overlap(value, other):
                problems.append(Problem(name, line, f"values of {pname!r} overlap in time; each day must have one value"))
                break
        out.append(value)
    return out


def _overlap(a: ParameterValue, b: ParameterValue) -> bool:
    lo = max(a.start or date.min, b.start or date.min)
    hi = min(a.end or date.max, b.end or date.max)
    return lo <= hi
