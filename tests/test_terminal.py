"""The terminal channel (`policybot chat`): typed lines cleaned before the engine, and
`policybot chat --json` keeping its state where POLICYBOT_DB says (the conversation scorer
starts every case with POLICYBOT_DB pointing at a fresh database, from another directory)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from dialog.channels.terminal import chat
from dialog.messages import Button, Incoming, Reply


class RecordingEngine:
    def __init__(self) -> None:
        self.received: list[Incoming] = []

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.received.append(incoming)
        return [Reply("收到", ((Button("返回菜单", "m:menu"),),))]


def test_typed_lines_reach_the_engine_without_invisible_or_control_characters() -> None:
    engine = RecordingEngine()
    stdin = io.StringIO("灵活\u200b就业\x02社保补贴\t多少\n\ufeff2\n")
    stdout = io.StringIO()
    assert asyncio.run(chat(engine, stdin, stdout, as_json=True)) == 0  # type: ignore[arg-type]
    assert [m.text for m in engine.received] == ["灵活就业社保补贴 多少", "2"]
    assert all(m.channel == "terminal" and m.extra == {"numbered": True} for m in engine.received)
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [line["replies"][0]["text"] for line in lines] == ["收到", "收到"]


def policybot_chat(cwd: Path, db: Path, lines: list[str]) -> list[dict]:
    """Runs `policybot chat --json` as the scorer does: a subprocess in its own directory."""
    script = Path(sys.executable).with_name("policybot")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "import sys, bot; sys.exit(bot.main())"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    env["POLICYBOT_DB"] = str(db)
    done = subprocess.run([*command, "chat", "--json"], input="".join(f"{line}\n" for line in lines),
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def sessions(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT user_key, channel FROM sessions").fetchall()


def test_chat_json_keeps_its_state_in_the_database_policybot_db_names(tmp_path: Path) -> None:
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    first, second = tmp_path / "case1" / "bot.sqlite3", tmp_path / "case2" / "bot.sqlite3"
    out = policybot_chat(cwd, first, ["你好", "求职创业补贴"])
    assert [o["message"] for o in out] == ["你好", "求职创业补贴"]
    assert all(o["replies"] and o["replies"][0]["text"] for o in out)
    assert [channel for _, channel in sessions(first)] == ["terminal"]
    assert not (cwd / "var").exists()  # not the default var/policybot.sqlite3
    before = first.read_bytes()

    policybot_chat(cwd, second, ["你好"])
    assert [channel for _, channel in sessions(second)] == ["terminal"]
    assert first.read_bytes() == before  # the second case did not touch the first's database
    assert not (cwd / "var").exists()


# ---------------------------------------------------------------- issue 16, item 12: typed, never cut


class ScriptedEngine:
    """Answers every message with the same replies (what the terminal must show of them)."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies

    async def handle(self, incoming: Incoming) -> list[Reply]:
        return self.replies


def test_the_terminal_says_type_where_the_texts_say_tap() -> None:
    replies = [Reply("先回答两个小问题，中途不想做了可以随时点“退出”；办理地点“县人社局”照旧。",
                     ((Button("退出", "nav:exit"),),)),
               Reply("结果仅供参考，可点击“查看原文”核对。"),
               Reply("这一部分有三条，点一条查看，或点下面的按钮回到菜单。")]
    stdout = io.StringIO()
    asyncio.run(chat(ScriptedEngine(replies), io.StringIO("你好\n"), stdout))  # type: ignore[arg-type]
    shown = stdout.getvalue()
    assert "随时输入“退出”" in shown and "可输入“查看原文”" in shown
    assert "点“退出”" not in shown and "点击“" not in shown
    assert "办理地点“县人社局”" in shown  # 点 ending a word is not a tap
    assert "选一条查看，或选下面的选项回到菜单" in shown


def test_the_json_lines_keep_the_engines_words() -> None:
    replies = [Reply("可以随时点“退出”。")]
    stdout = io.StringIO()
    asyncio.run(chat(ScriptedEngine(replies), io.StringIO("你好\n"), stdout, as_json=True))  # type: ignore[arg-type]
    assert json.loads(stdout.getvalue())["replies"][0]["text"] == "可以随时点“退出”。"


def test_a_long_option_wraps_under_its_label_with_every_character_kept() -> None:
    from dialog.channels.render import display_width, render_text

    label = "测一测：高校毕业生基层服务项目（三支一扶、特岗计划、西部计划）"
    text = render_text([Reply("请选择：", ((Button("个人", "a"),), (Button(label, "b"),)))], width=32)
    lines = text.splitlines()
    assert all(display_width(line) <= 32 for line in lines), lines
    start = next(i for i, line in enumerate(lines) if line.startswith("回复 2："))
    continuation = lines[start + 1:]
    assert continuation and all(line.startswith(" " * display_width("回复 2：")) for line in continuation)
    assert lines[start] + "".join(line.strip() for line in continuation) == f"回复 2：{label}"
    assert "…" not in text


def test_the_real_engine_shows_whole_labels_and_typed_wording(tmp_path: Path) -> None:
    out = policybot_chat(tmp_path, tmp_path / "bot.sqlite3", ["政策清单", "二、有序转移促就业"])
    labels = [b["label"] for r in out[1]["replies"] for row in r.get("buttons", []) for b in row]
    assert "第二条第（一）项 深入实施高校毕业生就业创业促进计划" in labels, labels
    assert not any("…" in label for label in labels)

    script = Path(sys.executable).with_name("policybot")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "import sys, bot; sys.exit(bot.main())"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    env["POLICYBOT_DB"] = str(tmp_path / "plain.sqlite3")
    done = subprocess.run([*command, "chat"], input="我能享受哪些政策\n", capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "输入“退出”" in done.stdout and "点“退出”" not in done.stdout, done.stdout
