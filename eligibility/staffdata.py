"""Staff content: how to apply (procedures.yaml), whom to call (contacts.yaml) and how
residents say their answers (answer_words.yaml).

Kept apart from the rules (Rasa style: content vs. logic) because staff update wording,
materials lists and phone numbers far more often than the policy changes, and must never
need a developer to do it. Empty materials mean 以经办机构要求为准; an empty phone means the
number is not known yet, and the result says so instead of inventing one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
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
        return out, problems or [Problem(name, 1, "文件是空的")]
    if not isinstance(data, LineDict) or not isinstance(data.get("procedures"), LineDict):
        return out, problems + [Problem(name, getattr(data, "line", 1), "文件应该以“procedures:”开头，下面是各个项目的 steps、where、materials")]
    problems += check_fields(data, name, required={"procedures": dict}, what="办理流程文件")
    table: LineDict = data["procedures"]
    for pid, item in table.items():
        line = table.line_of(pid)
        if pid not in program_ids:
            problems.append(Problem(name, line, f"没有编号为“{pid}”的项目（可用的编号：{'、'.join(sorted(program_ids))}）"))
            continue
        if not isinstance(item, LineDict):
            problems.append(Problem(name, line, f"“{pid}”下面要写 steps、where、materials 这几项"))
            continue
        found = check_fields(item, name, required={"steps": list}, optional={"where": str, "materials": list}, what=f"“{pid}”的办理流程")
        problems += found
        if found:
            continue
        steps = _texts(item, "steps", name, problems)
        materials = _texts(item, "materials", name, problems) if "materials" in item else []
        if not steps:
            problems.append(Problem(name, item.line_of("steps"), f"“{pid}”没有写办理步骤（steps）"))
        out[str(pid)] = Procedure(tuple(steps), item.get("where", ""), tuple(materials))
    return out, problems


def load_contacts(path: Path, name: str, known_departments: set[str]) -> tuple[Contacts, list[Problem]]:
    data, problems = load_yaml(path, name)
    if data is None:
        return Contacts(), problems or [Problem(name, 1, "文件是空的")]
    if not isinstance(data, LineDict):
        return Contacts(), problems + [Problem(name, 1, "文件里应该有 departments、county_government、hotlines 这几项")]
    found = check_fields(data, name, required={"departments": dict, "hotlines": list}, optional={"county_government": dict}, what="联系方式文件")
    problems += found
    if found:
        return Contacts(), problems
    departments: dict[str, Office] = {}
    table: LineDict = data["departments"]
    for dept, item in table.items():
        line = table.line_of(dept)
        if dept not in known_departments:
            problems.append(Problem(name, line, f"不认识的单位“{dept}”：要和政策文件里的写法一样（比如 州人社局）"))
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
            problems.append(Problem(name, items.line_of(i), "每条热线都要写 name 和 number"))
            continue
        found = check_fields(item, name, required={"name": str, "number": str}, what="这条热线")
        problems += found
        if not found:
            _check_phone(item["number"], name, item.line_of("number"), problems)
            hotlines.append((item["name"], item["number"]))
    return Contacts(departments, county, tuple(hotlines)), problems


def _office(dept: str, item: object, line: int, name: str, problems: list[Problem], named: bool = False) -> Office | None:
    if not isinstance(item, LineDict):
        problems.append(Problem(name, line, f"“{dept}”后面要写 {{phone: 电话, address: 地址}}"))
        return None
    optional = {"phone": (str, type(None)), "address": (str, type(None))} | ({"name": str} if named else {})
    found = check_fields(item, name, required={}, optional=optional, what=f"“{dept}”的联系方式")
    problems += found
    if found:
        return None
    phone = (item.get("phone") or "").strip()
    if phone:
        _check_phone(phone, name, item.line_of("phone"), problems)
    return Office(item.get("name") or dept, phone, (item.get("address") or "").strip())


def _check_phone(phone: str, name: str, line: int, problems: list[Problem]) -> None:
    if not _PHONE.match(phone.strip()):
        problems.append(Problem(name, line, f"电话“{phone}”只能写数字（可以带 - 或空格），比如 0930-1234567"))


def _texts(item: LineDict, key: str, name: str, problems: list[Problem]) -> list[str]:
    out = []
    values: LineList = item[key]
    for i, value in enumerate(values):
        if isinstance(value, str) and value.strip():
            out.append(value.strip())
        else:
            problems.append(Problem(name, values.line_of(i), f"{key} 里的“{value}”应该是文字，而且不能是空的"))
    return out


# ---------------------------------------------------------------- how residents say answers

# The lists of the `yesno:` section (see answer_words.yaml for what each one means).
YESNO_LISTS = ("yes_words", "no_words", "negators", "not_negations", "hedges", "verbs", "question_words", "plans", "totals",
               "predicates", "partial", "past_times")
YESNO_MAPS = ("echoes", "opposites", "spoken", "not_yet")
_WORD_PUNCT = re.compile(r"[\s,，。.!！?？、；;:：~～\"'“”‘’()（）【】\[\]]+")


def answer_word(text: str) -> str:
    """How a word is compared with an answer: NFKC, lower case, no spaces or punctuation
    ("ＯＫ" -> "ok", "对 的" -> "对的"). Answers go through the same function."""
    return _WORD_PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True)
class AnswerWords:
    """The ways residents say answers (eligibility/data/answer_words.yaml), normalised.

    Every word is passed through `answer_word`. `echoes` / `opposites` map a word of a
    question's prompt (alternatives joined by "|") to phrases that say it / its opposite.
    `choices` maps (program id, question id) to {choice value: phrases}. `memo` holds what
    answers.py derives from a prompt, per loaded file.
    """

    unknown: tuple[str, ...] = ()
    not_answers: tuple[str, ...] = ()
    particles: tuple[str, ...] = ()
    yes_words: tuple[str, ...] = ()
    no_words: tuple[str, ...] = ()
    negators: tuple[str, ...] = ()
    not_negations: tuple[str, ...] = ()
    hedges: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ()
    question_words: tuple[str, ...] = ()
    plans: tuple[str, ...] = ()  # 想 / 打算 / 要是: what follows is a plan or a supposition, not a fact
    totals: tuple[str, ...] = ()  # 一共 / 厂里 / 原来: the count said with it is the whole staff
    predicates: tuple[str, ...] = ()  # 属于 / 签订: what a yes/no question asks; the words before are its subject
    partial: tuple[str, ...] = ()  # 一部分 / 大部分: not all, to a question asking whether all (都) are so
    past_times: tuple[str, ...] = ()  # 去年 / 以前: another time than the 今年 a question asks about
    echoes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    opposites: dict[str, tuple[str, ...]] = field(default_factory=dict)
    spoken: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 没有: [莫有, 么有]: dialect forms read as the plain word
    # 签订|取得: [正在, 下周 …]: before what such a question asks (a thing done), it is not done yet
    not_yet: dict[str, tuple[str, ...]] = field(default_factory=dict)
    choices: dict[tuple[str, str], dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # (program id, question id) -> option -> the options whose meaning it includes (离校未就业的高校
    # 毕业生 includes 失业青年's 没工作): a tie between them goes to the including one
    includes: dict[tuple[str, str], dict[str, tuple[str, ...]]] = field(default_factory=dict)
    memo: dict = field(default_factory=dict, repr=False, compare=False)


def load_answer_words(path: Path, name: str, choice_questions: dict[tuple[str, str], tuple[str, ...]]) -> tuple[AnswerWords, list[Problem]]:
    """Read answer_words.yaml; problems are `file:line: 中文说明`.

    `choice_questions` maps (program id, question id) to the values of every choice question
    (the finder's included), so that a word filed under a program, question or option that
    does not exist is reported at its line instead of being silently never used.
    """
    data, problems = load_yaml(path, name)
    if data is None:
        return AnswerWords(), problems or [Problem(name, 1, "文件是空的")]
    if not isinstance(data, LineDict):
        return AnswerWords(), problems + [Problem(name, 1, "应该是一个映射，包含 unknown、not_answers、particles、yesno、choices")]
    known = ("unknown", "not_answers", "particles", "yesno", "choices")
    for key in data:
        if key not in known and key != "includes":  # includes is optional
            problems.append(Problem(name, data.line_of(key), f"不认识的字段 {key!r}（可用：{'、'.join(known)}）"))
    for key in known:
        if key not in data:
            problems.append(Problem(name, data.line, f"缺少字段 {key!r}"))
    lists = {key: _word_list(data, key, name, problems) for key in ("unknown", "not_answers", "particles") if key in data}
    yesno: dict[str, object] = {}
    section = data.get("yesno")
    if isinstance(section, LineDict):
        for key in section:
            if key not in YESNO_LISTS + YESNO_MAPS:
                problems.append(Problem(name, section.line_of(key), f"yesno 下不认识的字段 {key!r}（可用：{'、'.join(YESNO_LISTS + YESNO_MAPS)}）"))
        for key in YESNO_LISTS:
            if key in section:
                yesno[key] = _word_list(section, key, name, problems)
            else:
                problems.append(Problem(name, section.line, f"yesno 缺少字段 {key!r}"))
        for key in YESNO_MAPS:
            if key in section:
                yesno[key] = _word_map(section, key, name, problems)
    elif "yesno" in data:
        problems.append(Problem(name, data.line_of("yesno"), "yesno 应该是一个映射（yes_words、no_words、hedges……）"))
    choices = _choice_words(data, name, choice_questions, problems) if "choices" in data else {}
    includes = _includes(data, name, choice_questions, problems) if "includes" in data else {}
    words = AnswerWords(**lists, **yesno, choices=choices, includes=includes)  # type: ignore[arg-type]
    return words, problems


def _word_list(table: LineDict, key: str, name: str, problems: list[Problem], what: str = "") -> tuple[str, ...]:
    """A non-empty list of non-empty words, normalised; each bad item reported at its line."""
    what = what or key
    items = table[key]
    if not isinstance(items, LineList):
        problems.append(Problem(name, table.line_of(key), f"{what} 应该是一个词语列表，例如 [是, 对的]"))
        return ()
    if not items:
        problems.append(Problem(name, table.line_of(key), f"{what} 的词语列表是空的：至少写一个说法，或者删掉这一项"))
        return ()
    out: list[str] = []
    for i, item in enumerate(items):
        word = answer_word(str(item)) if isinstance(item, str | int | float) and not isinstance(item, bool) else ""
        if isinstance(item, bool):
            problems.append(Problem(name, items.line_of(i), f"{what} 的第{i + 1}项被读成了 {str(item).lower()}：yes、no、on、off、true、false 这类词要加引号，例如 'no'"))
        elif not word:
            problems.append(Problem(name, items.line_of(i), f"{what} 的第{i + 1}项 {item!r} 不是有效的词语（不能为空，也不能只有标点）"))
        elif word in out:
            problems.append(Problem(name, items.line_of(i), f"{what} 里“{item}”写了两次"))
        else:
            out.append(word)
    return tuple(out)


def _word_map(table: LineDict, key: str, name: str, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """{question word: [phrases]}: yesno.echoes and yesno.opposites; yesno.spoken is {plain word: [dialect forms]}."""
    mapping = table[key]
    if not isinstance(mapping, LineDict):
        problems.append(Problem(name, table.line_of(key), f"yesno.{key} 应该是“问题里的词: [说法, ...]”的映射"))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for word in mapping:
        keys = [answer_word(k) for k in str(word).split("|")]
        if not all(keys):
            problems.append(Problem(name, mapping.line_of(word), f"yesno.{key} 的键 {word!r} 有空的部分（用“|”分隔几种写法）"))
            continue
        phrases = _word_list(mapping, word, name, problems, what=f"yesno.{key}.{word}")
        for k in keys:
            out[k] = tuple(dict.fromkeys(out.get(k, ()) + phrases))
    return out


def _per_question(data: LineDict, key: str, listed: str, name: str, known: dict[tuple[str, str], tuple[str, ...]],
                  problems: list[Problem]) -> Iterator[tuple[str, str, LineDict, tuple[str, ...]]]:
    """Walk the `key` section, "program id -> question id -> option value -> `listed`": (program
    id, question id, its options mapping, the question's option values) for each choice
    question that exists; a program, question or shape that does not is a problem at its line."""
    table = data[key]
    tag = "" if key == "choices" else f"{key}："
    if not isinstance(table, LineDict):
        problems.append(Problem(name, data.line_of(key), f"{key} 应该是“项目 id -> 问题 id -> 选项值 -> {listed}”的映射"))
        return
    programs = sorted({p for p, _ in known})
    for pid, questions in table.items():
        line = table.line_of(pid)
        if pid not in programs:
            problems.append(Problem(name, line, f"{tag}没有 id 为 {pid!r} 的项目（可用：{'、'.join(programs)}）"))
            continue
        if not isinstance(questions, LineDict):
            problems.append(Problem(name, line, f"{tag}项目 {pid!r} 下应该是“问题 id -> 选项值 -> {listed}”的映射"))
            continue
        own = sorted(q for p, q in known if p == pid)
        for qid, options in questions.items():
            qline = questions.line_of(qid)
            if (pid, qid) not in known:
                problems.append(Problem(name, qline, f"{tag}项目 {pid!r} 没有选择题 {qid!r}（它的选择题：{'、'.join(own) or '无'}）"))
                continue
            if not isinstance(options, LineDict):
                problems.append(Problem(name, qline, f"{tag}问题 {pid}.{qid} 下应该是“选项值 -> {listed}”的映射"))
                continue
            yield str(pid), str(qid), options, known[(pid, qid)]


def _includes(data: LineDict, name: str, known: dict[tuple[str, str], tuple[str, ...]],
              problems: list[Problem]) -> dict[tuple[str, str], dict[str, tuple[str, ...]]]:
    """includes: program id -> question id -> option -> [options whose meaning it includes]."""
    out: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    for pid, qid, options, values in _per_question(data, "includes", "选项值列表", name, known, problems):
        relation: dict[str, tuple[str, ...]] = {}
        for value in options:
            others = _word_list(options, value, name, problems, what=f"includes.{pid}.{qid}.{value}")
            bad = [v for v in (str(value), *others) if v not in values]
            if bad:
                problems.append(Problem(name, options.line_of(value),
                                        f"includes：问题 {pid}.{qid} 没有选项 {'、'.join(bad)}（选项：{'、'.join(values)}）"))
                continue
            relation[str(value)] = tuple(others)
        out[(pid, qid)] = relation
    return out


def _choice_words(data: LineDict, name: str, known: dict[tuple[str, str], tuple[str, ...]],
                  problems: list[Problem]) -> dict[tuple[str, str], dict[str, tuple[str, ...]]]:
    """choices: program id -> question id -> choice value -> [phrases]."""
    out: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    for pid, qid, options, values in _per_question(data, "choices", "说法列表", name, known, problems):
        seen: dict[str, str] = {}
        words: dict[str, tuple[str, ...]] = {}
        for value, _ in options.items():
            if value not in values:
                problems.append(Problem(name, options.line_of(value), f"问题 {pid}.{qid} 没有选项 {value!r}（选项：{'、'.join(values)}）"))
                continue
            phrases = _word_list(options, value, name, problems, what=f"{pid}.{qid}.{value}")
            items = options[value]
            for i, phrase in enumerate(phrases):
                if phrase in seen:
                    line_i = items.line_of(i) if isinstance(items, LineList) else options.line_of(value)
                    problems.append(Problem(name, line_i, f"“{phrase}”同时写在选项 {seen[phrase]!r} 和 {value!r} 下，无法区分"))
                seen.setdefault(phrase, str(value))
            words[str(value)] = phrases
        out[(pid, qid)] = words
    return out
