"""`dialog.normalize.clean_text`: what every channel removes from typed text (issue 12, item 1)."""

from __future__ import annotations

import pytest

from dialog.normalize import clean_text

INVISIBLE = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f",  # zero-width space … right-to-left mark
    "\u2060", "\ufeff",  # word joiner, byte order mark
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # bidi embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # bidi isolates
]
CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\x7f"]


@pytest.mark.parametrize("char", INVISIBLE + CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_each_invisible_or_control_character_is_removed(char: str) -> None:
    assert clean_text(f"创业{char}担保{char}贷款") == "创业担保贷款"


def test_newlines_stay_tabs_become_spaces_and_carriage_returns_end_lines() -> None:
    assert clean_text("第一句\n第二句") == "第一句\n第二句"
    assert clean_text("年龄\t23") == "年龄 23"
    assert clean_text("甲\r\n乙\r丙") == "甲\n乙\n丙"


def test_nothing_else_changes_full_width_and_spaces_included() -> None:
    # NFKC is the understanding step's job: full-width digits, letters and spaces pass as they are.
    text = "  我今年２３岁，ＯＫ？　😂 No.5 "
    assert clean_text(text) == text
    assert clean_text("") == ""


def test_clean_text_is_idempotent_and_leaves_no_forbidden_character() -> None:
    # Every code point of the BMP but the surrogates, with CR LF pairs and a mixed run of
    # line ends and invisibles, so a removal cannot create a new pair to remove.
    every = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    for text in (every, "\r\u200b\n\r\r\n\ufeff\r", every[::-1]):
        cleaned = clean_text(text)
        assert clean_text(cleaned) == cleaned
        assert not any(c in cleaned for c in INVISIBLE + CONTROLS + ["\t", "\r"])
    # Exactly the listed characters go; tab and CR are replaced one for one.
    assert len(clean_text(every)) == len(every) - len(INVISIBLE) - len(CONTROLS)


def test_every_removed_character_is_non_printable_so_the_fast_path_is_sound() -> None:
    # clean_text returns a str.isprintable() text untouched; that is only right while every
    # character it removes or replaces is one isprintable() refuses.
    for char in INVISIBLE + CONTROLS + ["\t", "\r"]:
        assert not char.isprintable()
        assert clean_text("补贴" + char) != "补贴" + char
