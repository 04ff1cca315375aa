"""What every flow shares: the Turn a handled message produces and a few small helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialog.messages import Reply
from dialog.store import Event

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")


@dataclass
class Turn:
    """What one handled message produces: replies and the log events to store with it."""

    replies: list[Reply]
    events: list[Event]


def mask_personal_numbers(text: str) -> str:
    """Mobile and ID-card numbers people type into a question are not kept in the log."""
    return _ID_NUMBER.sub("[证件号]", _PHONE.sub("[手机号]", text))


def plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def short(text: str, limit: int = 16) -> str:
    """A label cut to `limit` characters with …, its final 。 dropped."""
    text = text.rstrip("。")
    return text if len(text) <= limit else text[: limit - 1] + "…"
