"""Terminal chat for staff: the same engine as every channel, buttons shown as numbered options.

`policybot chat` is interactive; `policybot chat --json` reads one message per line and prints
one JSON line per message: {"message", "replies": [{"text", "buttons"}]} for scripted tests.
A line that is a number presses that option of the previous reply, as on WeChat. The texts'
点“退出” reads 输入“退出” here, and long lines wrap at the terminal's width (options are never
cut); the JSON lines carry the engine's replies unchanged.
"""

from __future__ import annotations

import json
import shutil
import sys
from typing import TextIO

from dialog.channels.render import render_text
from dialog.engine import Engine
from dialog.messages import Incoming, Reply
from dialog.normalize import clean_text

TERMINAL_USER = "staff-terminal"
# On a terminal the options are typed: the texts' 点“退出” is shown as 输入“退出”.
TYPED_VERB = "输入"


def _screen(replies: list[Reply], interactive: bool) -> str:
    """The replies as the terminal shows them: typed wording, and on an interactive terminal
    every line wrapped at its width (options under their label, never cut)."""
    width = shutil.get_terminal_size((80, 24)).columns if interactive else None
    return render_text(replies, verb=TYPED_VERB, width=width)


async def chat(engine: Engine, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout, *,
               as_json: bool = False, user: str = TERMINAL_USER) -> int:
    interactive = stdin.isatty() and not as_json
    if interactive:
        print("临夏就业政策助手 · 终端试用（输入数字选择选项，Ctrl-D 退出）", file=stdout)
        replies = await engine.handle(Incoming("terminal", user, "/start"))
        print(_screen(replies, interactive), file=stdout)
    while True:
        if interactive:
            print("\n您：", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        text = line.rstrip("\n")
        replies = await engine.handle(Incoming("terminal", user, clean_text(text), extra={"numbered": True}))
        if as_json:
            print(json.dumps({"message": text, "replies": [r.to_json() for r in replies]}, ensure_ascii=False),
                  file=stdout, flush=True)
        else:
            print(("\n" if interactive else "") + _screen(replies, interactive), file=stdout, flush=True)
