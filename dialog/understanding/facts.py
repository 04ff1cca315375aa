"""Facts a resident already gave before a questionnaire started (我儿子十九了没工作, 我们厂四十个人).

The message that led to the questionnaire is read once against the program's questions, in
order: a choice question takes the option the message names by meaning (the same words as a
typed answer, eligibility/data/answer_words.yaml), a number question takes a number written
with the question's unit (十九岁 / 19了 for an age, 四十个人 for a headcount, 2.4w for money,
从18年开始 for years), and a yes/no question only from a statement that speaks of what the
question asks (shares a two-character word with it: "去年失业保险交了2.4w" answers "是否参加了
失业保险"; "我们厂有43个人" answers no yes/no question, although 有 could read as "yes").
What is found is shown to the person in one line and can be changed with 上一步.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from eligibility.engine import applies
from knowledge.asking import normalize, staff_and_hires

STATED_FACTS = Path(__file__).resolve().parents[2] / "eligibility" / "data" / "stated_facts.yaml"

_NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
# The unit as people write it after a number, per question unit; an age is also "19了".
_UNIT_FORMS = {
    # 二十三岁 / 19了 / 今年23 (a bare number right after 今年 is an age)
    "岁": rf"{_NUMBER}\s*(?:周岁|岁|了(?![解]))|(?<=今年){_NUMBER}(?![\d.年月号日个万千百元人块%])",
    # 十五个人 / 五名职工, and 五个见习的 / 十个贫困户: a count before a word for people
    "人": rf"{_NUMBER}\s*(?:(?:个|名)?(?:人|职工|员工|工人)|(?:个|名|位)(?=见习|实习|学生|大学生|毕业生|娃|贫困|失业|下岗|残疾|农民工|徒弟|学徒))",
    "个月": rf"{_NUMBER}\s*个月",
    # 一万五 / 两千五 (15000 / 2500: a single digit after 万/千 is the next place down, as
    # knowledge.asking.question_amount reads sums) before a bare 万, or 一万五 would be read as 一万
    "元": rf"{_NUMBER}\s*(?:[万千][一二两三四五六七八九](?![十百千万零〇一二两三四五六七八九\d个人名位])|万元|万|元|块|[wWkK](?![a-zA-Z]))",
    # a start year (从18年开始交, 2019年起) or a count of years (交了三年)
    # (一年半: the half too — a count of 1.5 years, not 1)
    "年": rf"(?:(?:从|自)\s*\d{{2,4}}\s*年\s*(?:开始|起)?|\d{{2,4}}\s*年\s*(?:开始|起)|{_NUMBER}\s*年半?(?![前后底初]))",
}


def facts_from_text(program: Any, text: str, known: Mapping[str, Any], parse_answer: Callable[..., Any],
                    as_of: date | None = None, personal_markers: tuple[str, ...] = ("我",)) -> dict[str, Any]:
    """{question id: value} for the questions of `program` that `text` settles, asked in order
    (a question is considered only when its ask_if holds on what is known so far). Values are
    what parse_answer stores; nothing is returned for a question the text does not settle.
    Yes/no questions are read only when the text speaks of the person (`personal_markers`:
    我, 我家, 厂 …): "技能提升补贴" names a topic, it does not say "I have a certificate"."""
    personal = any(m in text for m in personal_markers)
    found: dict[str, Any] = {}
    answers = dict(known)
    used: set[str] = set()  # a number said once settles one question ("四十五个人" is not also the new hires)
    stated = stated_words().get(program.id, {})
    for question in program.questions:
        if question.id in answers or not _may_apply(program, question.ask_if, answers) or not question.prefill:
            continue  # prefill=False: what someone was told or has done is always asked
        if question.id in stated:  # only the words listed for it (stated_facts.yaml), never a guess
            if question.kind == "yesno" and not personal:
                continue  # as any yes/no: only from a statement about the person (电工证 alone is a topic)
            value = stated_value(stated[question.id], text)
            if value is not None:
                found[question.id] = answers[question.id] = value
                continue
            if question.kind != "choice":
                continue  # a yes/no is read from these words only; a choice also as any answer
        if question.kind == "yesno" and not personal:
            continue
        value = _settled(question, text, parse_answer, as_of, used)
        if value is not None and value in question.prefill_not and not _names_option(question, value, text):
            # 待业 says no work, not no diploma: the category is asked (Question.prefill_not); the
            # questions it would open are still read (我26岁 待业在家: the age is kept)
            answers[question.id] = value
            continue
        if value is not None:
            found[question.id] = value
            answers[question.id] = value
    return found


def said_with_unit(question: Any, text: str) -> bool:
    """Whether `text` gives a number the way people write one in `question`'s unit (五个见习的 is
    a count of people, not 5 months; 六个月 is months)."""
    form = _UNIT_FORMS.get(getattr(question, "unit", ""))
    return form is not None and re.search(form, text) is not None


def units_said(text: str) -> set[str]:
    """The units (岁, 人, 个月, 元, 年) in which `text` gives a number the way people write one:
    不对 是八个见习的 -> {"人"}, 六个月 -> {"个月"}."""
    return {unit for unit, form in _UNIT_FORMS.items() if re.search(form, text) is not None}


def _names_option(question: Any, value: Any, text: str) -> bool:
    """Whether `text` names the option of `value` by its own label (能算失业青年不: 失业青年)."""
    label = next((c.label for c in question.choices if c.value == value), "")
    return bool(label) and label in text


def _may_apply(program: Any, rule: Mapping[str, tuple[Any, ...]], answers: Mapping[str, Any]) -> bool:
    """A question's skip rule may hold: every answered question it names holds (不清楚 to a
    condition to verify, Question.unknown_goes_on, goes on as in the engine), and one not yet
    answered is such a condition (是否裁员 before the contribution): a number said before it
    is taken now, and dropped by the engine if that condition's answer later excludes it. A
    branch not yet answered (个人还是单位) keeps the question closed, also when it stands behind
    such a condition (age_vocational after poor_area, asked only after the category 中职)."""
    ids = set(program.question_ids) if hasattr(program, "question_ids") else set()
    for qid, values in rule.items():
        goes_on = qid in ids and program.question(qid).unknown_goes_on
        if qid not in answers:
            if not goes_on or not _may_apply(program, program.question(qid).ask_if, answers):
                return False
            continue
        value = answers[qid]
        if value is None and goes_on:
            continue
        if value is None or value not in values:
            return False
    return True


# Two-character pieces of a prompt that say how it asks, not what.
_ASKING = {"是否", "您是", "是不", "不是", "现在", "目前", "单位", "贵单", "您家", "您的", "有没", "没有", "下面",
           "哪一", "一类", "情况", "属于", "按规", "规定"}
_CJK2 = re.compile(r"(?=([\u3400-\u9fff]{2}))")


def speaks_of(part: str, prompt: str) -> bool:
    """Whether `part` shares a two-character word with `prompt` beyond how a question asks."""
    return shared_pairs(part, prompt) > 0


def shared_pairs(part: str, prompt: str) -> int:
    """How many two-character words `part` shares with `prompt`, beyond how a question asks:
    接收的见习生一共是6个 shares 接收 and 见习 with 接收了几名见习人员, only 见习 with 见习期满后
    实际留用了几人."""
    return len((set(_CJK2.findall(part)) & set(_CJK2.findall(prompt))) - _ASKING)


# A count asked of an act (留用了几人, 裁了几人, 新招用几人) is read from a statement only when it says
# that act; a count of people alone (四个人) may be anyone
_COUNT_ACTS = ("留", "裁", "辞", "招")


def _settled(question: Any, text: str, parse_answer: Callable[..., Any], as_of: date | None, used: set[str]) -> Any:
    if question.kind == "yesno":
        for part in re.split(r"\s+", text):
            if part and part not in used and speaks_of(part, question.prompt):
                parsed = parse_answer(question, part, as_of=as_of, asked=False)
                if parsed.ok and parsed.value is not None and not getattr(parsed, "tentative", False):
                    used.add(part)
                    return parsed.value
        return None
    if question.kind == "choice":
        parsed = parse_answer(question, text, as_of=as_of, asked=False)
        if parsed.ok and parsed.value is not None and not getattr(parsed, "tentative", False) \
                and not re.fullmatch(r"\s*\d+\s*", text):
            return parsed.value
        return None
    if question.kind == "number":
        form = _UNIT_FORMS.get(question.unit)
        if form is None:
            return None
        acts = [a for a in _COUNT_ACTS if a in question.prompt]
        if acts and not any(a in text for a in acts):
            return None  # 满了 四个人的生活费都发了: four people, none said to be kept on (留用了几人)
        if getattr(question, "adds_hires", False):
            # 原来二十个人，今年又招了五个: the staff is the two together (eligibility Question.adds_hires)
            whole = parse_answer(question, text, as_of=as_of, asked=False)
            if whole.ok and whole.value is not None and getattr(whole, "note", None):
                return whole.value
        counts = staff_and_hires(normalize(text)) if question.adds_hires or question.counts_hires else None
        if counts is not None:
            # 厂里四十个工人 今年新招了十个: which count is the staff and which the hires is said
            return counts[1] if question.counts_hires else counts[0]
        hits = re.findall(form, text)
        if len(hits) != 1 or hits[0] in used:
            return None
        snippet = hits[0]
        used.add(snippet)
        if snippet.endswith("了"):
            snippet = snippet[:-1] + question.unit
        parsed = parse_answer(question, snippet, as_of=as_of, asked=False)
        if parsed.ok and parsed.value is not None and not getattr(parsed, "approximate", False):
            return parsed.value
    return None


# ---------------------------------------------------------------- stated facts


@dataclass(frozen=True)
class StatedWords:
    """The words that say one question's answer outright (eligibility/data/stated_facts.yaml):
    {stored value: words}; `ignore`: words that only hold their place (打工回来 is the past);
    `negations`: a word right after one of these does not count (没上班 is not 上班)."""

    values: dict[Any, tuple[str, ...]]
    ignore: tuple[str, ...]
    negations: tuple[str, ...]


@lru_cache(maxsize=4)
def _load_stated(path: str) -> dict[str, dict[str, StatedWords]]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    negations = tuple(sorted((str(w) for w in raw.get("negations") or ()), key=lambda w: (-len(w), w)))
    out: dict[str, dict[str, StatedWords]] = {}
    for program_id, questions in (raw.get("programs") or {}).items():
        for qid, table in (questions or {}).items():
            values: dict[Any, tuple[str, ...]] = {}
            for key, words in (table or {}).items():
                if key == "ignore":
                    continue
                value: Any = {"yes": True, "no": False}.get(str(key), str(key)) if not isinstance(key, bool) else key
                values[value] = tuple(str(w) for w in words or ())
            ignore = tuple(str(w) for w in (table or {}).get("ignore") or ())
            out.setdefault(str(program_id), {})[str(qid)] = StatedWords(values, ignore, negations)
    return out


def stated_words(path: Path | None = None) -> dict[str, dict[str, StatedWords]]:
    """{program id: {question id: StatedWords}}, read once from stated_facts.yaml.
    Raises OSError / yaml.YAMLError when the file is missing or malformed."""
    return _load_stated(str(path or STATED_FACTS))


def count_read_as(said: str, label: str) -> str:
    """The note for a count of people read as a choice that says only "how many" (裁了十几个 →
    少量裁员): stated_facts.yaml `count_read_as`, with the resident's words and the label."""
    raw = yaml.safe_load(STATED_FACTS.read_text(encoding="utf-8")) or {}
    return str(raw.get("count_read_as") or "{said} → {label}").format(said=said, label=label)


def stated_value(words: StatedWords, text: str) -> Any:
    """The one value `text` states outright, or None: matches are taken longest first (没找上工作
    before 找上工作; at equal length the earlier one), a match right after a negation (没, 不在 …)
    does not count, an `ignore` match counts for nothing, and two different values (在打工 and
    在家闲着) say nothing certain, so None."""
    candidates = [(w, v) for v, ws in words.values.items() for w in ws] + [(w, _IGNORED) for w in words.ignore]
    every = []  # (start, end, value) of every occurrence of every word
    for word, value in candidates:
        start = text.find(word) if word else -1
        while start >= 0:
            every.append((start, start + len(word), value))
            start = text.find(word, start + 1)
    every.sort(key=lambda h: (h[0] - h[1], h[0]))  # longest first, then the earlier one
    taken = [False] * len(text)
    hits: list[tuple[int, int, Any]] = []
    for start, end, value in every:
        if not any(taken[start:end]):
            hits.append((start, end, value))
            taken[start:end] = [True] * (end - start)
    found = {v for start, _end, v in hits
             if v is not _IGNORED and not any(text[:start].endswith(n) for n in words.negations)}
    return found.pop() if len(found) == 1 else None


_IGNORED = object()


def stated_facts(program: Any, text: str, known: Mapping[str, Any]) -> dict[str, Any]:
    """{question id: value} for the program's questions whose answer `text` states outright in
    the words of stated_facts.yaml (在超市打工 → status working; 不算贫困县 → poor_area False),
    for questions not yet answered whose ask_if holds. A place name or 农村 states nothing."""
    out: dict[str, Any] = {}
    answers = dict(known)
    table = stated_words().get(program.id, {})
    for question in program.questions:
        if question.id not in table or question.id in answers or not applies(question.ask_if, answers):
            continue
        value = stated_value(table[question.id], text)
        if value is not None:
            out[question.id] = answers[question.id] = value
    return out
