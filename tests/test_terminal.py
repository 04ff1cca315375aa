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
