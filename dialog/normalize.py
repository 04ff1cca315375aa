"""Cleaning what a person typed, at the channel boundary, before the engine sees it.

Issue 12, "Normalise first": zero-width and control characters are stripped everywhere,
channels included. Every channel (`dialog/channels/`) passes incoming text through
`clean_text` before it builds an `Incoming`, so the engine, the message log and the reports
never hold characters a person cannot see or type on purpose: a zero-width space pasted from a
web page, a bidi mark from a phone keyboard, a \\x02 that a WeChat client let through.

Unicode NFKC (full-width digits and letters) is deliberately NOT applied here: the
understanding step does that later, when it reads the message; a channel only removes what
carries no meaning. `clean_text` is idempotent and never raises.
"""

from __future__ import annotations

import re

# Zero-width characters: ZERO WIDTH SPACE / NON-JOINER / JOINER, LEFT-TO-RIGHT and
# RIGHT-TO-LEFT MARK (U+200B–U+200F), WORD JOINER (U+2060), ZERO WIDTH NO-BREAK SPACE / byte
# order mark (U+FEFF).
_ZERO_WIDTH = [*range(0x200B, 0x2010), 0x2060, 0xFEFF]
# Bidi embedding and override controls (U+202A–U+202E) and the isolates that replaced them
# (U+2066–U+2069): invisible, and they can reorder what staff read in a log.
_BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
# C0 controls and DEL, except newline (kept: a message may have lines) and tab (a space);
# carriage returns are handled before the table, as line ends.
_CONTROLS = [c for c in (*range(0x00, 0x20), 0x7F) if c not in (0x09, 0x0A, 0x0D)]

_TABLE: dict[int, str | None] = {c: None for c in (*_ZERO_WIDTH, *_BIDI, *_CONTROLS)}
_TABLE[0x09] = " "

_LINE_ENDS = re.compile(r"\r\n?")


def clean_text(text: str) -> str:
    """`text` without zero-width characters (U+200B–U+200F, U+2060, U+FEFF), bidi controls
    (U+202A–U+202E, U+2066–U+2069) and control characters (U+0000–U+001F, U+007F), except that
    a newline stays, a tab becomes a space and a carriage return (CR LF, or CR alone) becomes a
    newline. Nothing else changes: no NFKC, no trimming, no case folding.

    >>> clean_text("见习\\u200b补贴\\x02多少\\t钱\\r\\n谢谢")
    '见习补贴多少 钱\\n谢谢'
    """
    if text.isprintable():  # no Cc/Cf character at all: the usual message, nothing to do
        return text
    if "\r" in text:
        text = _LINE_ENDS.sub("\n", text)
    return text.translate(_TABLE)
