"""Lenient parsing of residents' answers, in one place.

People type 二十三, 两百, 1.5万, 15万元, 3个月, "20岁", 嗯, 没有, or the number of a button.
Everything a question can receive goes through `parse_answer`, which never raises: an answer
it cannot read comes back with a re-ask hint in plain Chinese. Every question accepts
不清楚 / 不知道 / 跳过, which gives an unknown answer (stored as None) and a 需核实 verdict
where that answer matters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from eligibility.model import Question, format_number

MAX_LENGTH = 200

UNKNOWN_WORDS = ("不清楚", "不知道", "不确定", "不太清楚", "不是很清楚", "不太确定", "说不清", "说不准", "不晓得",
                 "不了解", "不记得", "忘了", "有可能", "可能吧", "也许", "跳过", "略过", "不好说", "未知",
                 "skip", "unknown", "?")
# A number said with one of these is a bound or a guess, not the number: "不到三年" is not 3,
# "不满16岁" is not 16. We ask for the exact number rather than store a value that may be wrong.
BOUND_WORDS = ("不到", "不满", "不足", "以下", "以内", "未满", "快", "差不多", "左右", "大概", "约",
               "少于", "低于", "不超过", "将近", "接近")
# "三年多" / "3年以上" is at least the stated number: honest for a "≥" rule (参保3年以上), so it is
# kept as that number unless the question says otherwise (Question.at_least_ok, e.g. an age
# with an upper limit, where "二十多岁" may be 28).
AT_LEAST_WORDS = ("多", "以上", "超过", "至少", "出头")
NO_WORDS = {"否", "不是", "没有", "无", "没", "不", "不对", "不符合", "不属于", "非", "还没", "还没有", "未", "no", "n", "false", "2"}
YES_WORDS = {"是", "是的", "对", "对的", "有", "有的", "嗯", "嗯嗯", "恩", "好", "好的", "可以", "行", "符合", "属于",
             "当然", "对啊", "是啊", "yes", "y", "ok", "true", "1"}
NO_PREFIXES = ("不", "没", "否", "无", "未", "非", "还没", "还不", "暂时没", "目前没")
YES_PREFIXES = ("是", "对", "有", "嗯", "已", "属于", "符合")

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_RUN = re.compile(r"[零〇一二两俩三四五六七八九十拾百佰千仟万亿]+半?|半")
_ARABIC = re.compile(r"(\d+(?:\.\d+)?)\s*([十百千万亿]*)(半)?")
_PUNCT = re.compile(r"[\s,，。.!！?？、；;:：~～\"'“”‘’()（）【】\[\]]+")


@dataclass(frozen=True)
class ParsedAnswer:
    """value: the stored answer (None when unknown); error: a re-ask hint, or None if parsed."""

    value: Any = None
    unknown: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def normalize(text: str) -> str:
    """NFKC (full-width digits -> ASCII), lower-case, stripped."""
    return unicodedata.normalize("NFKC", text or "").strip().lower()


def _compact(text: str) -> str:
    return _PUNCT.sub("", text)


def is_unknown(text: str) -> bool:
    """不清楚 / 跳过 and friends, or a bare question mark."""
    raw = normalize(text)
    if raw and set(raw) <= {"?", " "}:
        return True
    t = _compact(raw)
    return any(w in t for w in UNKNOWN_WORDS if w != "?")


def parse_answer(question: Question, text: str) -> ParsedAnswer:
    """Parse a typed answer or button label for `question`; never raises."""
    raw = normalize(str(text) if text is not None else "")
    if not raw:
        return ParsedAnswer(error=f"没有收到回答。{hint(question)}")
    if len(raw) > MAX_LENGTH:
        return ParsedAnswer(error=f"回答太长了。{hint(question)}")
    if is_unknown(raw):
        return ParsedAnswer(None, unknown=True)
    try:
        parser = {"yesno": _parse_yesno, "number": _parse_number, "choice": _parse_choice, "date": _parse_date}[question.kind]
    except KeyError:
        return ParsedAnswer(error="这个问题暂时无法回答，请回复“跳过”。")
    return parser(question, raw)


def hint(question: Question) -> str:
    """How to answer, shown with every re-ask."""
    if question.kind == "yesno":
        return "请回答“是”或“否”，不清楚可以回答“不清楚”。"
    if question.kind == "number":
        rng = ""
        if question.minimum is not None and question.maximum is not None:
            rng = f"（{format_number(question.minimum)}—{format_number(question.maximum)}{question.unit}）"
        return f"请回答一个数字{rng}，例如“{_example(question)}”；不清楚可以回答“不清楚”。"
    if question.kind == "choice":
        options = " ".join(f"{i}.{c.label}" for i, c in enumerate(question.choices, 1))
        return f"请回复序号或选项：{options}；不清楚可以回答“不清楚”。"
    if question.kind == "date":
        return "请按“2019年6月1日”或“2019-06-01”的格式回答；不清楚可以回答“不清楚”。"
    return ""


def _example(question: Question) -> str:
    return {"岁": "23岁", "元": "1.5万元", "人": "12人", "个月": "6个月", "年": "2.5年"}.get(question.unit, f"3{question.unit}")


# ---------------------------------------------------------------- yes / no


def _parse_yesno(question: Question, raw: str) -> ParsedAnswer:
    t = _compact(raw)
    if t in NO_WORDS:
        return ParsedAnswer(False)
    if t in YES_WORDS:
        return ParsedAnswer(True)
    if t.startswith(NO_PREFIXES):
        return ParsedAnswer(False)
    if t.startswith(YES_PREFIXES):
        return ParsedAnswer(True)
    return ParsedAnswer(error=f"没看懂这个回答。{hint(question)}")


# ---------------------------------------------------------------- numbers


def chinese_to_number(text: str) -> float | None:
    """二十三 -> 23, 两百 -> 200, 一百零一 -> 101, 一万五 -> 15000, 三百五 -> 350, 一年半's 一半 -> 1.5."""
    half = text.endswith("半")
    text = text.removesuffix("半")
    if not text:
        return 0.5 if half else None
    total, section, digit, last_unit = 0, 0, None, 1
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and digit != 0 and ch != "零":
                return None  # "二三" is not a number we can trust
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit, last_unit = None, _UNITS[ch]
        elif ch in _BIG:
            section += digit or 0
            total += (section or 1) * _BIG[ch]
            section, digit, last_unit = 0, None, _BIG[ch]
        else:
            return None
    if digit and last_unit >= 100 and len(text) >= 2 and (text[-2] in _UNITS or text[-2] in _BIG):
        digit *= last_unit // 10  # colloquial: 一万五 = 15000, 三百五 = 350 (but 一百零五 = 105)
    value = total + section + (digit or 0)
    return value + 0.5 if half else value


def _numbers_in(raw: str) -> list[float]:
    """Every number written in the text, Arabic (with 万/千 multipliers) or Chinese."""
    out: list[float] = []
    rest = raw
    for m in _ARABIC.finditer(raw):
        value = float(m.group(1))
        for ch in m.group(2):
            value *= {**_UNITS, **_BIG}[ch]
        if m.group(3):
            value += 0.5
        out.append(value)
        rest = rest.replace(m.group(0), " ", 1)
    for m in _CN_RUN.finditer(rest):
        value = chinese_to_number(m.group(0))
        if value is not None:
            out.append(value)
    return out


def _parse_number(question: Question, raw: str) -> ParsedAnswer:
    t = raw.replace(",", "").replace("，", "")
    compact = _compact(t)
    if any(w in compact for w in BOUND_WORDS) or (not question.at_least_ok and any(w in compact for w in AT_LEAST_WORDS)):
        return ParsedAnswer(error=f"请告诉我具体的数字，比如“{_example(question)}”；不清楚可以回答“不清楚”。")
    if compact in ("没有", "无", "没", "一个也没有", "一个都没有", "零", "没留", "都没有"):
        values = [0.0]
    else:
        t = t.replace("百分之", "").replace("年半", "半年").replace("个半月", "半个月")  # 一年半 -> 1.5
        values = _numbers_in(t)
    if not values:
        return ParsedAnswer(error=f"没看懂这个数字。{hint(question)}")
    if len(values) > 1:
        return ParsedAnswer(error=f"请只回答一个数字。{hint(question)}")
    value = values[0]
    if question.unit == "年" and "月" in t and "年" not in t:
        value = value / 12  # 18个月 -> 1.5年
    elif question.unit == "个月" and "年" in t and "月" not in t:
        value = value * 12  # 一年 -> 12个月
    if re.search(r"(^|[^\d])-\s*\d", t):
        value = -value  # "-5" is out of range, not 5
    if question.integer and not float(value).is_integer():
        return ParsedAnswer(error=f"请回答一个整数。{hint(question)}")
    if (question.minimum is not None and value < question.minimum) or (question.maximum is not None and value > question.maximum):
        return ParsedAnswer(error=f"{format_number(value)}{question.unit}不在合理范围内，请再确认一下。{hint(question)}")
    return ParsedAnswer(int(value) if question.integer else (int(value) if float(value).is_integer() else round(value, 4)))


# ---------------------------------------------------------------- choices


def _parse_choice(question: Question, raw: str) -> ParsedAnswer:
    t = _compact(raw)
    options = question.choices
    index = _choice_index(t)
    if index is not None:
        if 1 <= index <= len(options):
            return ParsedAnswer(options[index - 1].value)
        return ParsedAnswer(error=f"没有第{index}项。{hint(question)}")
    for c in options:
        if t in (_compact(normalize(c.label)), c.value.lower()):
            return ParsedAnswer(c.value)
    hits = [c for c in options if t in _compact(normalize(c.label)) or _compact(normalize(c.label)) in t]
    if len(hits) == 1:
        return ParsedAnswer(hits[0].value)
    return ParsedAnswer(error=f"没能确定你选的是哪一项。{hint(question)}")


def _choice_index(t: str) -> int | None:
    m = re.fullmatch(r"(?:第|选|选择)?(\d+|[一二三四五六七八九十])(?:个|项|号|条)?", t)
    if not m:
        return None
    token = m.group(1)
    return int(token) if token.isdigit() else int(chinese_to_number(token) or 0)


# ---------------------------------------------------------------- dates

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)")


def _parse_date(question: Question, raw: str) -> ParsedAnswer:
    m = _DATE.search(raw)
    if not m:
        return ParsedAnswer(error=f"没看懂这个日期。{hint(question)}")
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return ParsedAnswer(error=f"这个日期不存在。{hint(question)}")
    return ParsedAnswer(day.isoformat())
