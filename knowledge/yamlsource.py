"""YAML loading that remembers line numbers, so that staff get `file:line: message` errors.

Staff edit the FAQ, lexicon, documents and eligibility parameters by hand. A message that says
"faq/loans.yaml:41: unknown clause id '5.9'" lets them fix it without a developer; a bare
"KeyError" does not. Every mapping and list loaded here carries the line it starts on and the
line of each key / item, and duplicate keys (which plain YAML silently overwrites) are reported.

Messages are in Chinese for the staff who edit the files, the parser's own words after them as
the technical detail. One run reports as much as it can: a key written with the full-width colon
(`tags：[补贴]`, what a Chinese keyboard types) is reported at its own line and read as if it had
the ASCII one, so the rest of the file is still checked; after any other syntax error the parser
goes on from the next entry or key at the left margin, to report later syntax errors too (the
file's content is then not used).
"""

from __future__ import annotations

import re
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
        super().__init__(f"“{key}”重复了（第一次在第{first_line}行），后面的会盖掉前面的：请删掉一个或合并"
                         f"（技术细节：duplicate key {key!r}）")
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


# A key written with the full-width colon: indentation, an optional list dash, a name without
# any colon or quote, then `：`. Only lines the parser stumbled on are looked at, since text
# (an answer, a block of lines) may well contain `名称：内容`.
_FULL_WIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?)([^\s#:：'\"\-\[{][^:：\n]{0,39}?)[ \t]*：")
# How far above the line the parser stopped at a full-width colon is looked for.
_LOOK_BACK = 3
# Syntax errors reported per file before giving up (each re-parse costs a full parse).
MAX_SYNTAX_PROBLEMS = 10

# pyyaml's problem (its first words) -> what staff should look at, in Chinese.
_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    ("could not find expected ':'", "少了冒号：名称后面要写半角冒号“:”再空一格"),
    ("mapping values are not allowed",
     "这里不能出现“名称: 内容”：可能是缩进不对、冒号后面少了空格，或者文字里有“: ”（那样的文字要加引号）"),
    ("found character '\\t'", "有制表符（Tab）：缩进只能用空格"),
    ("found a tab character", "有制表符（Tab）：缩进只能用空格"),
    ("did not find expected key", "缩进不对：同一层的名称要上下对齐"),
    ("expected <block end>", "缩进不对：同一层的名称要上下对齐"),
    ("did not find expected '-' indicator", "列表的缩进不对，或者少了“- ”"),
    ("did not find expected ',' or ']'", "方括号 [ ] 没有配对，或者两项之间少了逗号"),
    ("expected ',' or ']'", "方括号 [ ] 没有配对，或者两项之间少了逗号"),
    ("did not find expected ',' or '}'", "花括号 { } 没有配对，或者两项之间少了逗号"),
    ("expected ',' or '}'", "花括号 { } 没有配对，或者两项之间少了逗号"),
    ("found unexpected end of stream", "引号或括号没有配对，一直到文件结尾"),
    ("found unknown escape character", "双引号里的反斜杠“\\”后面不能跟这个字：要写反斜杠本身，请改用单引号"),
    ("found undefined alias", "以“*”开头的文字要加引号"),
    ("expected alphabetic or numeric character", "以“*”或“&”开头的文字要加引号"),
    ("did not find expected node content", "这里缺了内容：比如多了一个逗号，或者“- ”后面是空的"),
    ("found character", "以“@”“`”“%”这类符号开头的文字要加引号"),
    ("found unexpected ':'", "冒号的位置不对：文字里有冒号的话整段加引号"),
)


def _syntax_hint(exc: yaml.MarkedYAMLError) -> str:
    problem, context = str(exc.problem or ""), str(exc.context or "")
    if problem.startswith("found unexpected end of stream") and "quoted" in context:
        return "引号没有配对：从这一行开始的引号一直没有结束"
    for words, hint in _SYNTAX_HINTS:
        if problem.startswith(words):
            return hint
    return "格式不对"


def _full_width_colon(lines: list[str], first: int, last: int) -> int:
    """The 1-based line in first..last (the last one first) whose key ends with `：`, else 0."""
    for number in range(min(last, len(lines)), max(first, 1) - 1, -1):
        if _FULL_WIDTH_KEY.match(lines[number - 1]) and not lines[number - 1].lstrip().startswith("#"):
            return number
    return 0


def _parse_once(text: str) -> tuple[Any, yaml.MarkedYAMLError | None, list[DuplicateKey]]:
    loader = _LineLoader(text)
    loader.duplicates = []
    try:
        return loader.get_single_data(), None, loader.duplicates
    except yaml.MarkedYAMLError as exc:
        return None, exc, []
    finally:
        loader.dispose()


# Errors whose cause is where the parser began reading (an unclosed quote or bracket, a key
# without its colon) rather than where it gave up.
_CAUSE_AT_CONTEXT = ("while scanning a simple key", "while scanning a quoted scalar", "while parsing a flow")


def _error_lines(exc: yaml.MarkedYAMLError) -> tuple[int, int, int]:
    """(line to report, first line, last line) of a syntax error, 1-based."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    context = exc.context_mark.line + 1 if exc.context_mark and exc.context_mark is not mark else line
    at_context = bool(exc.context) and str(exc.context).startswith(_CAUSE_AT_CONTEXT)
    return (min(context, line) if at_context else line), min(context, line), line


def _with_colon_fixed(lines: list[str], exc: yaml.MarkedYAMLError) -> tuple[int, list[str]] | None:
    """(line, lines with that line's `：` made `: `) when a key with a full-width colon caused
    this error: it is among the lines the parser was reading and the fix gets the parser past
    them. None otherwise (a `名称：内容` line inside a text is left alone)."""
    _, first, last = _error_lines(exc)
    colon = _full_width_colon(lines, min(first, last - _LOOK_BACK), last)
    if not colon:
        return None
    fixed = list(lines)
    fixed[colon - 1] = _FULL_WIDTH_KEY.sub(lambda m: f"{m.group(1)}{m.group(2)}: ", lines[colon - 1], count=1)
    _, again, _ = _parse_once("\n".join(fixed))
    if again is not None and _error_lines(again)[2] <= last:
        return None
    return colon, fixed


def parse_yaml(text: str, filename: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; return (data, problems), every problem as `file:line: message`.

    A key with a full-width colon is a problem at its own line, and the text is read on as if
    the colon were `:` (so data comes back, with the problem, and the file's content can be
    checked further). After any other syntax error data is None, and the rest of the file from
    the next line at the left margin is read on its own to look for more syntax errors (not
    for duplicate keys, which the cut could make up), up to MAX_SYNTAX_PROBLEMS."""
    data, exc, duplicates = _parse_once(text)
    if exc is None:  # the usual case: one parse
        return data, [Problem(filename, d.line, str(d)) for d in duplicates]
    lines = text.split("\n")
    problems: list[Problem] = []
    unusable = False
    last_error = 0
    for _ in range(2 * MAX_SYNTAX_PROBLEMS):
        data, exc, duplicates = _parse_once("\n".join(lines))
        if exc is None:
            if unusable:  # what is left of the file parses: no more syntax errors to report
                return None, problems
            return data, problems + [Problem(filename, d.line, str(d)) for d in duplicates]
        if len(problems) >= MAX_SYNTAX_PROBLEMS:
            break
        fixed = _with_colon_fixed(lines, exc)
        if fixed is not None:
            colon, lines = fixed
            key = _FULL_WIDTH_KEY.match(text.split("\n")[colon - 1])
            problems.append(Problem(filename, colon, "冒号写成了全角的“：”：名称后面要用半角冒号“:”再空一格，"
                                                     f"比如“{key.group(2) if key else '名称'}: …”"
                                                     f"（技术细节：{exc.problem or exc}）"))
            continue
        line, first, last = _error_lines(exc)
        if last <= last_error:  # no progress: the rest cannot be read
            break
        mark = exc.problem_mark or exc.context_mark
        what = f"line {last}, column {mark.column + 1 if mark else 1}: {exc.problem or exc}"
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            what += f" ({exc.context} at line {exc.context_mark.line + 1})"
        problems.append(Problem(filename, line, f"YAML 格式错误：{_syntax_hint(exc)}（技术细节：{what}）"))
        unusable, last_error = True, last
        # Go on from the next line that starts at the left margin (the next entry or key): what
        # comes after it is read on its own, so an error found there is an error of its own.
        restart = next((n for n in range(last + 1, len(lines) + 1)
                        if lines[n - 1][:1] not in ("", " ", "\t", "#")), 0)
        if not restart:
            break
        for number in range(1, restart):
            lines[number - 1] = ""
    return None, problems


def load_yaml(path: Path, display_name: str | None = None) -> tuple[Any, list[Problem]]:
    """Read and parse a YAML file; unreadable or non-UTF-8 files become a Problem too."""
    name = display_name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(name, 1, "文件不是 UTF-8 编码：请用记事本或 WPS “另存为”UTF-8 格式"
                                       f"（技术细节：not UTF-8 text, {exc.reason} at byte {exc.start}）")]
    except OSError as exc:
        return None, [Problem(name, 1, f"读不了这个文件（技术细节：cannot read file: {exc.strerror}）")]
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
            known = "、".join([*required, *optional])
            problems.append(
                Problem(filename, mapping.line_of(key), f"{what}里有不认识的字段“{key}”（可用：{known}；拼错了？）")
            )
    for key, types in {**required, **optional}.items():
        if key not in mapping:
            if key in required:
                problems.append(Problem(filename, mapping.line, f"{what}缺少字段“{key}”"))
            continue
        value = mapping[key]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
            problems.append(
                Problem(
                    filename,
                    mapping.line_of(key),
                    f"字段“{key}”应当是{_type_name(types)}，现在是{_type_name(type(value))}",
                )
            )
    return problems


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


_TYPE_NAMES = {str: "文字", int: "整数", float: "数字", list: "列表（- 开头的几行，或 [甲, 乙]）",
               dict: "“名称: 内容”的几行", bool: "true/false", LineList: "列表（- 开头的几行，或 [甲, 乙]）",
               LineDict: "“名称: 内容”的几行", type(None): "空的"}


def _type_name(types: type | tuple[type, ...]) -> str:
    return "或".join(dict.fromkeys(_TYPE_NAMES.get(t, t.__name__) for t in _as_tuple(types)))
