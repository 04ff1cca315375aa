"""Terminal chat for staff: type a question, read the reply the resident would get.

Until the conversation engine lands (questionnaires, buttons, state), this talks to the
question answering directly. `原文` shows the full text of the clause last answered from.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from knowledge.answer import Answerer

GREETING = (
    "临夏就业政策助手（临州府发〔2019〕3号）。直接输入问题，如“见习补贴每月多少钱？”\n"
    "输入“原文”看上一条依据的全文，输入“退出”或按 Ctrl-D 结束。"
)


def chat(answerer: Answerer, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout, *, as_json: bool = False) -> int:
    interactive = stdin.isatty() and not as_json
    if interactive:
        print(GREETING, file=stdout)
    last = None
    while True:
        if interactive:
            print("\n您：", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            return 0
        text = line.strip()
        if text in ("退出", "/quit", "quit", "exit"):
            return 0
        if text in ("原文", "查看原文") and last is not None:
            reply = f"{answerer.citation(last)}\n{last.text}"
        else:
            answer = answerer.answer(text)
            last = answer.clause or last
            if as_json:
                print(json.dumps(answer.to_json(), ensure_ascii=False), file=stdout, flush=True)
                continue
            reply = answer.reply
        if as_json:
            print(json.dumps({"question": text, "reply": reply}, ensure_ascii=False), file=stdout, flush=True)
        else:
            print(("助手：" if interactive else "") + reply, file=stdout, flush=True)
