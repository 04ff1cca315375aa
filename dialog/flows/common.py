"""What every flow shares: the Turn a handled message produces and a few small helpers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dialog.messages import Reply
from dialog.store import Event

# Personal numbers as people type them, matched on a copy of the text folded one character for
# one character (so a match's span is the same in the original): NFKC where it gives a single
# character (full-width ０-９, Ｘ, ＋, the ideographic space), dashes and dots of every width to
# "-", any white space to " ". Between two digits at most one separator (space, hyphen, dot):
# 138 1234 5678, 138-1234-5678, 620102 19900101 123X.
_SEP = r"[ \-]?"
_PHONE = re.compile(
    r"(?<![\dA-Za-z])(?<![\dA-Za-z][ \-])"  # not the tail of a longer number
    r"(?:(?:\+|00)?86[ \-]?|\(\+?86\)[ \-]?|0)?"  # +86 / 86 / 0086 / (+86), or 0 (long distance)
    r"1" + _SEP + r"[3-9]" + "".join(_SEP + r"\d" for _ in range(9)) +
    r"(?![ \-]?\d)")
_ID_NUMBER = re.compile(
    r"(?<![\dA-Za-z])(?<![\dA-Za-z][ \-])"
    # 18: 17 digits + digit or X; the old card has 15. Both start with a region code (1-8).
    r"(?:[1-9]" + "".join(_SEP + r"\d" for _ in range(16)) + _SEP + r"[\dXx]"
    r"|[1-9]" + "".join(_SEP + r"\d" for _ in range(14)) + r")"
    r"(?![ \-]?[\dA-Za-z])")
# 还差几个 / 还差多少 / 还得招几个 / 差几个人 (matched on the bare text): what is missing for an
# answer or a result to change — after a result its hint (flows/questionnaire.py `_short_of`),
# after a worked-out share the question worked out again (flows/questions.py)
SHORT_OF = re.compile(r"^(?:那)?(?:还|再)?(?:差(?:招|留|交)?|(?:要|得|需要)再?(?:招|留|交))(?:几个|多少|几名|几人)(?:人)?"
                      r"(?:呢|啊|哩|嘛|才够|才行)?$")  # (那得多少 asks a sum, not what is missing)
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc\u00b7\u30fb\uff0e."


def _fold_char(ch: str) -> str:
    if ch in _DASHES:
        return "-"
    if ch.isspace():
        return " "
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


@dataclass
class Turn:
    """What one handled message produces: replies and the log events to store with it."""

    replies: list[Reply]
    events: list[Event]


def mask_personal_numbers(text: str) -> str:
    """Mobile and ID-card numbers people type into a question are not kept in the log.

    Found in every common way of writing them: with +86 / 86 / 0086 in front, grouped by
    spaces, hyphens or dots (138 1234 5678, 138-1234-5678), in full-width digits, an ID
    number in groups or ending in a full-width Ｘ. Matching runs on a per-character fold of
    the text (`_fold_char`), so the spans replaced are those of the original text and the rest
    of it is kept exactly as typed."""
    if not any(ch.isdigit() for ch in text):
        return text
    folded = "".join(_fold_char(ch) for ch in text)
    spans = [(m.start(), m.end(), "[证件号]") for m in _ID_NUMBER.finditer(folded)]
    taken = [(a, b) for a, b, _ in spans]
    spans += [(m.start(), m.end(), "[手机号]") for m in _PHONE.finditer(folded)
              if not any(a < m.end() and m.start() < b for a, b in taken)]
    out, last = [], 0
    for start, end, label in sorted(spans):
        out.append(text[last:start])
        out.append(label)
        last = end
    out.append(text[last:])
    return "".join(out)


def plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def short(text: str, limit: int = 16) -> str:
    """A button label: the text without its final 。, whole. `limit` is the length the caller
    writes the label for; a longer one is no longer cut with …: the channels wrap it (web
    buttons, the terminal's options, WeChat's numbered lines; Telegram clients fit it), because
    a cut label (测一测：高校毕业生基层服务项目（三支…) can be neither read nor typed."""
    del limit
    return text.rstrip("。")
