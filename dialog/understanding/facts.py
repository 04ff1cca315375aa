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
from datetime import date
from typing import Any

from eligibility.engine import applies

_NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
# The unit as people write it after a number, per question unit; an age is also "19了".
_UNIT_FORMS = {
    "岁": rf"{_NUMBER}\s*(?:周岁|岁|了(?![解]))",
    "人": rf"{_NUMBER}\s*(?:个|名)?(?:人|职工|员工|工人)",
    "个月": rf"{_NUMBER}\s*个月",
    # 一万五 / 两千五 (15000 / 2500: a single digit after 万/千 is the next place down, as
    # knowledge.asking.question_amount reads sums) before a bare 万, or 一万五 would be read as 一万
    "元": rf"{_NUMBER}\s*(?:[万千][一二两三四五六七八九](?![十百千万零〇一二两三四五六七八九\d个人名位])|万元|万|元|块|[wWkK](?![a-zA-Z]))",
    # a start year (从18年开始交, 2019年起) or a count of years (交了三年)
    "年": rf"(?:(?:从|自)\s*\d{{2,4}}\s*年\s*(?:开始|起)?|\d{{2,4}}\s*年\s*(?:开始|起)|{_NUMBER}\s*年(?![前后底初]))",
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
    for question in program.questions:
        if question.id in answers or not applies(question.ask_if, answers) or not question.prefill:
            continue  # prefill=False: what someone was told or has done is always asked
        if question.kind == "yesno" and not personal:
            continue
        value = _settled(question, text, parse_answer, as_of, used)
        if value is not None:
            found[question.id] = value
            answers[question.id] = value
    return found


# Two-character pieces of a prompt that say how it asks, not what.
_ASKING = {"是否", "您是", "是不", "不是", "现在", "目前", "单位", "贵单", "您家", "您的", "有没", "没有", "下面",
           "哪一", "一类", "情况", "属于", "按规", "规定"}
_CJK2 = re.compile(r"(?=([\u3400-\u9fff]{2}))")


def speaks_of(part: str, prompt: str) -> bool:
    """Whether `part` shares a two-character word with `prompt` beyond how a question asks."""
    return bool((set(_CJK2.findall(part)) & set(_CJK2.findall(prompt))) - _ASKING)


def _settled(question: Any, text: str, parse_answer: Callable[..., Any], as_of: date | None, used: set[str]) -> Any:
    if question.kind == "yesno":
        for part in re.split(r"\s+", text):
            if part and part not in used and speaks_of(part, question.prompt):
                parsed = parse_answer(question, part, as_of=as_of)
                if parsed.ok and parsed.value is not None and not getattr(parsed, "tentative", False):
                    used.add(part)
                    return parsed.value
        return None
    if question.kind == "choice":
        parsed = parse_answer(question, text, as_of=as_of)
        if parsed.ok and parsed.value is not None and not getattr(parsed, "tentative", False) \
                and not re.fullmatch(r"\s*\d+\s*", text):
            return parsed.value
        return None
    if question.kind == "number":
        form = _UNIT_FORMS.get(question.unit)
        if form is None:
            return None
        hits = re.findall(form, text)
        if len(hits) != 1 or hits[0] in used:
            return None
        snippet = hits[0]
        used.add(snippet)
        if snippet.endswith("了"):
            snippet = snippet[:-1] + question.unit
        parsed = parse_answer(question, snippet, as_of=as_of)
        if parsed.ok and parsed.value is not None and not getattr(parsed, "approximate", False):
            return parsed.value
    return None
