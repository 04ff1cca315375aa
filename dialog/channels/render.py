"""Rendering replies for text-only channels (terminal, WeChat): buttons become numbered options.

`回复 1：测一测我是否符合` — the person answers `1` (or the option's text), and the channel sends
`Incoming(text="1", extra={"numbered": True})`; the engine maps the number back to the button
of its last reply, so this works the same on every channel without buttons.
"""

from __future__ import annotations

from dialog.messages import Reply


def numbered_options(replies: list[Reply]) -> list[str]:
    """One line per button across all replies, numbered from 1 in the engine's order; when a
    reply asks for a typed number, the options are offered by their text instead."""
    labels = [b.label for r in replies for b in r.all_buttons()]
    if any(r.number_input for r in replies):
        return ["也可以回复：" + "、".join(f"“{label}”" for label in labels)] if labels else []
    return [f"回复 {i}：{label}" for i, label in enumerate(labels, 1)]


def render_text(replies: list[Reply]) -> str:
    """All replies as one text: each reply's text, then the numbered options at the end."""
    parts = [r.text + (f"\n{r.link}" if r.link else "") for r in replies if r.text or r.link]
    options = numbered_options(replies)
    if options:
        parts.append("\n".join(options))
    return "\n\n".join(parts)
