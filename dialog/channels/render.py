"""Rendering replies for text-only channels (terminal, WeChat): buttons become numbered options.

`回复 1：测一测我是否符合` — the person answers `1` (or the option's text), and the channel sends
`Incoming(text="1", extra={"numbered": True})`; the engine maps the number back to the button
of its last reply, so this works the same on every channel without buttons.

Where nothing is tapped the texts' “点“退出”” would be wrong: `render_text(…, verb="输入")`
says what the person does there instead (the terminal types). An option is never cut: a long
label is wrapped, on a terminal, under its own start (`width` in terminal columns, a Chinese
character counting two), so every character of it can still be read and typed.
"""

from __future__ import annotations

import re
import unicodedata

from dialog.messages import Reply

# “点“退出””, “点击“详细””, “可点“查看原文””: a tap on a named button. Only before an opening quote,
# and not as the end of a word (办理地点“…”, 重点“…”, 一点“…”).
_NOT_A_TAP = "地重一特要观焦起终亮优缺难盲热据站网考景节疑论落钟差"
_TAP = re.compile(rf"(?<![{_NOT_A_TAP}])点击?(?=[“\"「])")
# “点一条查看”, “点下面的按钮”, “点菜单”: picking, said 选 where nothing is tapped; the buttons are
# options there.
_PICK = re.compile(rf"(?<![{_NOT_A_TAP}])点击?(?=下面|菜单|一条|一项|一下|一个)")
_BUTTONS = re.compile(r"(下面的|下方的)按钮")
# Where a wrapped line may end, after the character: the list separators of “也可以回复：“a”、“b””.
_BREAK_AFTER = frozenset("、，,；; ”")


def numbered_options(replies: list[Reply]) -> list[str]:
    """One line per button across all replies, numbered from 1 in the engine's order; when a
    reply asks for a typed number, the options are offered by their text instead."""
    labels = [b.label for r in replies for b in r.all_buttons()]
    if any(r.number_input for r in replies):
        return ["也可以回复：" + "、".join(f"“{label}”" for label in labels)] if labels else []
    return [f"回复 {i}：{label}" for i, label in enumerate(labels, 1)]


def typed_wording(text: str, verb: str) -> str:
    """`text` for channels where buttons are typed, not tapped: “点“X”” / “点击“X”” said with
    `verb` (输入“X”), “点一条 / 点下面的按钮 / 点菜单” as 选一条 / 选下面的选项 / 选菜单."""
    return _BUTTONS.sub(r"\1选项", _PICK.sub("选", _TAP.sub(verb, text)))


def display_width(text: str) -> int:
    """Terminal columns `text` takes: wide and full-width characters (Chinese) 2, combining
    marks 0, others 1."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def wrap_line(line: str, width: int, indent: int) -> list[str]:
    """`line` cut into lines of at most `width` columns, the continuations indented by `indent`
    spaces; a break after 、，；or a space is preferred when it leaves the line at least half
    full. No character is dropped or replaced: joined without the indentation they are `line`."""
    if width <= indent + 2 or display_width(line) <= width:
        return [line]
    lines: list[str] = []
    rest, room = line, width
    while display_width(rest) > room:
        used, cut, soft = 0, 0, 0
        for i, ch in enumerate(rest):
            w = display_width(ch)
            if used + w > room:
                break
            used += w
            cut = i + 1
            if ch in _BREAK_AFTER and used * 2 >= room:
                soft = i + 1
        cut = soft or max(cut, 1)
        lines.append(rest[:cut].rstrip(" ") if lines == [] else " " * indent + rest[:cut].rstrip(" "))
        rest = rest[cut:].lstrip(" ")
        room = width - indent
    if rest:
        lines.append(rest if not lines else " " * indent + rest)
    return lines


def _wrapped(block: str, width: int | None) -> str:
    if not width:
        return block
    out = []
    for line in block.split("\n"):
        if "://" in line:  # a link stays whole, or it cannot be copied
            out.append(line)
            continue
        head = re.match(r"回复 \d+：|也可以回复：", line)
        out += wrap_line(line, width, display_width(head.group(0)) if head else 0)
    return "\n".join(out)


def render_text(replies: list[Reply], *, verb: str | None = None, width: int | None = None) -> str:
    """All replies as one text: each reply's text, then the numbered options at the end.

    `verb`: say 点“X” with this word instead (see `typed_wording`); None keeps the texts.
    `width`: wrap every line at this many terminal columns (`display_width`), an option's
    continuation under its label; None leaves the lines to the screen (WeChat)."""
    parts = [r.text + (f"\n{r.link}" if r.link else "") for r in replies if r.text or r.link]
    if verb:
        parts = [typed_wording(p, verb) for p in parts]
    options = numbered_options(replies)
    if options:
        parts.append("\n".join(options))
    return "\n\n".join(_wrapped(p, width) for p in parts)
