"""YAML loading that remembers line numbers, so that staff get `file:line: message` errors.

Staff edit the FAQ, lexicon, documents and eligibility parameters by hand. A message that says
"faq/loans.yaml:41: unknown clause id '5.9'" lets them fix it without a developer; a bare
"KeyError" does not. Every mapping and list loaded here carries the line it starts on and the
line of each key / item, and duplicate keys (which plain YAML silently overwrites) are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a data file, printed as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class LineDict(dict):
    """A dict that knows the line it starts on and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that knows the line it starts on and the line of each item (1-based)."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first_line: int) -> None:
        super().__init__(f"duplicate key {key!r} (first at line {first_line})")
        self.key, self.line, self.first_line = key, line, first_line


# libyaml's parser (CSafeLoader) is several times faster than the pure-Python one and keeps
# node marks, so line numbers survive; fall back to the pure-Python loader where it is missing.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader whose mappings and sequences remember where they were written."""

    duplicates: list


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in result.key_lines:
            loader.duplicates.append(DuplicateKey(key, line, result.key_lines[key]))
        result.key_lines[key] = line
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode, deep: bool = False) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp_as_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    """Dates stay text: the schema parses them, so a typo gets a message with its line."""
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


def parse_yaml(text: str, filename: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return (data, problems). On a syntax error data is None."""
    loader = _LineLoader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        what = exc.problem or str(exc)
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            what += f" ({exc.context} at line {exc.context_mark.line + 1})"
        return None, [Problem(filename, line, f"YAML syntax error at column {col}: {what}")]
    except yaml.YAMLError as exc:  # pragma: no cover - every pyyaml error is marked today
        return None, [Problem(filename, 1, f"YAML error: {exc}")]
    finally:
        loader.dispose()
    problems = [Problem(filename, d.line, str(d)) for d in loader.duplicates]
    return data, problems


def load_yaml(path: Path, display_name: str | None = None) -> tuple[Any, list[Problem]]:
    """Read and parse a YAML file; unreadable or non-UTF-8 files become a Problem too."""
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(name, 1, f"file is not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(name, 1, f"cannot read file: {exc.strerror}")]
    return parse_yaml(text, name)


def check_fields(
    mapping: LineDict,
    filename: str,
    *,
    required: dict[str, type | tuple[type, ...]],
    optional: dict[str, type | tuple[type, ...]] | None = None,
    what: str = "entry",
) -> list[Problem]:
    """Report missing required fields, unknown fields and fields of the wrong type."""
    optional = optional or {}
    problems: list[Problem] = []
    for key in mapping:
        if key not in required and key not in optional:
            known = ", ".join([*required, *optional])
            problems.append(
                Problem(filename, mapping.line_of(key), f"unknown field {key!r} in {what} (known: {known})")
            )
    for key, types in {**required, **optional}.items():
        if key not in mapping:
            if key in required:
                problems.append(Problem(filename, mapping.line, f"{what} is missing field {key!r}"))
            continue
        value = mapping[key]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
            problems.append(
                Problem(
                    filename,
                    mapping.line_of(key),
                    f"field {key!r} should be {_type_name(types)}, got {_type_name(type(value))}",
                )
            )
    return problems


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", list: "a list", dict: "a mapping",
               bool: "true/false", LineList: "a list", LineDict: "a mapping", type(None): "empty"}


def _type_name(types: type | tuple[type, ...]) -> str:
    return " or ".join(dict.fromkeys(_TYPE_NAMES.get(t, t.__name__) for t in _as_tuple(types)))
