"""Staff content: how to apply (procedures.yaml) and whom to call (contacts.yaml).

Kept apart from the rules (Rasa style: content vs. logic) because staff update wording,
materials lists and phone numbers far more often than the policy changes, and must never
need a developer to do it. Empty materials mean 以经办机构要求为准; an empty phone means the
number is not known yet, and the result says so instead of inventing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.yamlsource import LineDict, LineList, Problem, check_fields, load_yaml

MATERIALS_DEFAULT = "以经办机构要求为准"
PHONE_MISSING = "（电话待工作人员填写）"
_PHONE = re.compile(r"^[0-9][0-9 \-]{2,19}$")


@dataclass(frozen=True)
class Procedure:
    steps: tuple[str, ...]
    where: str = ""
    materials: tuple[str, ...] = ()


@dataclass(frozen=True)
class Office:
    name: str
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Contacts:
    departments: dict[str, Office] = field(default_factory=dict)
    county: Office = Office("各县（市）人民政府")
    hotlines: tuple[tuple[str, str], ...] = ()  # (name, number)

    def office(self, name: str) -> Office:
        return self.departments.get(name, Office(name))


def load_procedures(path: Path, name: str, program_ids: set[str]) -> tuple[dict[str, Procedure], list[Problem]]:
    data, problems = load_yaml(path, name)
    out: dict[str, Procedure] = {}
    if data is None:
        return out, problems or [Problem(name, 1, "file is empty")]
    if not isinstance(data, LineDict) or not isinstance(data.get("procedures"), LineDict):
        return out, problems + [Problem(name, getattr(data, "line", 1), "expected a mapping `procedures:` of program id -> {steps, where, materials}")]
    problems += check_fields(data, name, required={"procedures": dict}, what="procedures file")
    table: LineDict = data["procedures"]
    for pid, item in table.items():
        line = table.line_of(pid)
        if pid not in program_ids:
            problems.append(Problem(name, line, f"unknown program {pid!r} (known: {', '.join(sorted(program_ids))})"))
            continue
        if not isinstance(item, LineDict):
            problems.append(Problem(name, line, f"procedure {pid!r} must be a mapping with steps, where, materials"))
            continue
        found = check_fields(item, name, required={"steps": list}, optional={"where": str, "materials": list}, what=f"procedure {pid!r}")
        problems += found
        if found:
            continue
        steps = _texts(item, "steps", name, problems)
        materials = _texts(item, "materials", name, problems) if "materials" in item else []
        if not steps:
            problems.append(Problem(name, item.line_of("steps"), f"procedure {pid!r} has no steps"))
        out[str(pid)] = Procedure(tuple(steps), item.get("where", ""), tuple(materials))
    return out, problems


def load_contacts(path: Path, name: str, known_departments: set[str]) -> tuple[Contacts, list[Problem]]:
    data, problems = load_yaml(path, name)
    if data is None:
        return Contacts(), problems or [Problem(name, 1, "file is empty")]
    if not isinstance(data, LineDict):
        return Contacts(), problems + [Problem(name, 1, "expected a mapping with departments, county_government, hotlines")]
    found = check_fields(data, name, required={"departments": dict, "hotlines": list}, optional={"county_government": dict}, what="contacts file")
    problems += found
    if found:
        return Contacts(), problems
    departments: dict[str, Office] = {}
    table: LineDict = data["departments"]
    for dept, item in table.items():
        line = table.line_of(dept)
        if dept not in known_departments:
            problems.append(Problem(name, line, f"unknown department {dept!r}: write it as the document does (e.g. 州人社局)"))
            continue
        office = _office(str(dept), item, line, name, problems)
        if office:
            departments[str(dept)] = office
    county = Office("各县（市）人民政府")
    if "county_government" in data:
        county = _office("各县（市）人民政府", data["county_government"], data.line_of("county_government"), name, problems, named=True) or county
    hotlines: list[tuple[str, str]] = []
    items: LineList = data["hotlines"]
    for i, item in enumerate(items):
        if not isinstance(item, LineDict):
            problems.append(Problem(name, items.line_of(i), "a hotline must be a mapping with name and number"))
            continue
        found = check_fields(item, name, required={"name": str, "number": str}, what="hotline")
        problems += found
        if not found:
            _check_phone(item["number"], name, item.line_of("number"), problems)
            hotlines.append((item["name"], item["number"]))
    return Contacts(departments, county, tuple(hotlines)), problems


def _office(dept: str, item: object, line: int, name: str, problems: list[Problem], named: bool = False) -> Office | None:
    if not isinstance(item, LineDict):
        problems.append(Problem(name, line, f"{dept!r} must be a mapping with phone and address"))
        return None
    optional = {"phone": (str, type(None)), "address": (str, type(None))} | ({"name": str} if named else {})
    found = check_fields(item, name, required={}, optional=optional, what=f"contact {dept!r}")
    problems += found
    if found:
        return None
    phone = (item.get("phone") or "").strip()
    if phone:
        _check_phone(phone, name, item.line_of("phone"), problems)
    return Office(item.get("name") or dept, phone, (item.get("address") or "").strip())


def _check_phone(phone: str, name: str, line: int, problems: list[Problem]) -> None:
    if not _PHONE.match(phone.strip()):
        problems.append(Problem(name, line, f"phone {phone!r} should be digits (with - or spaces), e.g. 0930-1234567"))


def _texts(item: LineDict, key: str, name: str, problems: list[Problem]) -> list[str]:
    out = []
    values: LineList = item[key]
    for i, value in enumerate(values):
        if isinstance(value, str) and value.strip():
            out.append(value.strip())
        else:
            problems.append(Problem(name, values.line_of(i), f"{key} item {value!r} should be non-empty text"))
    return out
