"""Terminal chat for staff: the same engine as every channel, buttons shown as numbered options.

`policybot chat` is interactive; `policybot chat --json` reads one message per line and prints
one JSON line per message: {"message", "replies": [{"text", "buttons"}]} for scripted tests.
A line that is a number presses that option of the previous reply, as on WeChat.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from dialog.channels.render import render_text
from dialog.engine import Engine
from dialog.messages import Incoming
from dialog.normalize import clean_text

TERMINAL_USER = "staff-terminal"


async def chat(engine: Engine, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout, *,
               as_json: bool = False, user: str = TERMINAL_USER) -> int:
    interactive = stdin.isatty() and not as_json
    if interactive:
        print("临夏就业政策助手 · 终端试用（输入数字选择选项，Ctrl-D 退出）", file=stdout)
        replies = await engine.handle(Incoming("terminal", user, "/start"))
        print(render_text(replies), file=stdout)
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
            print(("\n" if interactive else "") + render_text(replies), file=stdout, flush=True)
