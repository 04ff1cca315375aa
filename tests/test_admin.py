"""Admin commands through the real engine: who is an admin (Telegram ids, a web token, the
terminal), what everybody else gets (无权限 and nothing else, nothing logged), and what
/stats and /unanswered say after real turns."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from dialog.admin import (
    ADMIN_COMMANDS,
    StaffCommands,
    StaffTools,
    purge_periodically,
    telegram_admin_ids,
)
from dialog.config import ConfigError, Settings
from dialog.engine import Engine
from dialog.messages import Incoming, Reply
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

TOKEN = "s3cret-admin-token-0123456789"
TODAY = date.today()  # the log's timestamps are real time


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def open_engine(tmp_path: Path, kb, **admin_kw) -> tuple[Engine, StaffCommands]:
    engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="s"), kb=kb)
    staff = StaffCommands(engine, **{"telegram_ids": ["4242"], "token": TOKEN, **admin_kw})
    engine.admin = staff
    return engine, staff


async def say(engine: Engine, channel: str, user: str, text: str, **kw) -> list[Reply]:
    return await engine.handle(Incoming(channel, user, text, **kw))


def event_rows(engine_db: Path) -> list[tuple]:
    conn = sqlite3.connect(engine_db)
    try:
        return conn.execute("SELECT kind, text FROM events").fetchall()
    finally:
        conn.close()


def test_non_admins_get_no_permission_and_nothing_else(tmp_path, kb):
    async def scenario() -> None:
        engine, _ = await open_engine(tmp_path, kb, terminal_is_admin=False)
        try:
            for channel, user in (("telegram", "999"), ("web", "webuser001"), ("wechat", "oOpenId1"),
                                  ("terminal", "staff")):
                for command in sorted(ADMIN_COMMANDS):
                    for text in (f"/{command}", f"/{command} 30", f"/{command}@LinxiaBot"):
                        assert await say(engine, channel, user, text) == [Reply("无权限。")], (channel, text)
            # A wrong token, the right token on a channel without token login, a token-less /admin.
            assert await say(engine, "web", "webuser001", "/admin wrong-token-wrong-token") == [Reply("无权限。")]
            assert await say(engine, "telegram", "999", f"/admin {TOKEN}") == [Reply("无权限。")]
            assert await say(engine, "wechat", "oOpenId1", f"/admin {TOKEN}") == [Reply("无权限。")]
            assert event_rows(tmp_path / "bot.sqlite3") == []  # nothing logged, no token stored
        finally:
            await engine.close()

    asyncio.run(scenario())


def test_who_is_admin(tmp_path, kb):
    async def scenario() -> None:
        clock = Clock()
        engine, staff = await open_engine(tmp_path, kb, clock=clock)
        try:
            assert "管理员命令" in (await say(engine, "telegram", "4242", "/admin"))[0].text
            assert "管理员命令" in (await say(engine, "terminal", "anyone", "/admin"))[0].text

            # Web: /admin <token> opens an 8-hour session for that chat id only.
            reply = (await say(engine, "web", "webadmin01", f"/admin {TOKEN}"))[0].text
            assert reply.startswith("已登录管理员") and TOKEN not in reply
            assert (await say(engine, "web", "webadmin01", "/stats"))[0].text.startswith("统计：")
            assert await say(engine, "web", "otheruser1", "/stats") == [Reply("无权限。")]
            clock.now += 8 * 3600 + 1
            assert await say(engine, "web", "webadmin01", "/stats") == [Reply("无权限。")]
            assert (await say(engine, "web", "webadmin01", f"/admin {TOKEN}"))[0].text.startswith("已登录")
            assert (await say(engine, "web", "webadmin01", "/logout"))[0].text == "已退出管理员。"
            assert await say(engine, "web", "webadmin01", "/stats") == [Reply("无权限。")]

            # Guessing is throttled: after 5 misses even the right token is refused for a while.
            for i in range(5):
                assert await say(engine, "web", "guesser001", f"/admin guess-{i:020d}") == [Reply("无权限。")]
            assert await say(engine, "web", "guesser001", f"/admin {TOKEN}") == [Reply("无权限。")]
            clock.now += 16 * 60
            assert (await say(engine, "web", "guesser001", f"/admin {TOKEN}"))[0].text.startswith("已登录")
            assert all(TOKEN not in (text or "") for _, text in event_rows(tmp_path / "bot.sqlite3"))
        finally:
            await engine.close()

    asyncio.run(scenario())


def test_short_tokens_are_refused(tmp_path, kb):
    async def scenario() -> None:
        engine, _ = await open_engine(tmp_path, kb, token="short")
        try:
            assert await say(engine, "web", "webadmin01", "/admin short") == [Reply("无权限。")]
        finally:
            await engine.close()

    asyncio.run(scenario())


def test_stats_and_unanswered_after_real_turns(tmp_path, kb):
    async def scenario() -> None:
        engine, _ = await open_engine(tmp_path, kb)
        try:
            await say(engine, "web", "resident01", "/start", campaign="poster1")
            await say(engine, "web", "resident01", "见习补贴每月多少钱？", campaign="poster1")
            await say(engine, "web", "resident01", "公积金怎么提取？", campaign="poster1")
            await say(engine, "telegram", "77", "/start poster1")
            await say(engine, "telegram", "77", "怎么提取公积金")
            await say(engine, "web", "resident02", "/start")
            await say(engine, "web", "resident02", "我家的牛生病了怎么办")
            stats = (await say(engine, "telegram", "4242", "/stats"))[0].text
            assert "用户 3 · 提问 4 · 答上 1（25%）" in stats
            assert "poster1 2→2→0" in stats and "直接访问 1→1→0" in stats
            assert f"{TODAY:%m-%d} 提问4 25% 用户3" in stats
            unanswered = (await say(engine, "telegram", "4242", "/unanswered"))[0].text
            lines = unanswered.splitlines()
            assert "共3次，2组" in lines[0]
            assert lines[1] == "1. 公积金怎么提取？（2次）" and lines[2] == "   也问：怎么提取公积金"
            assert lines[3] == "2. 我家的牛生病了怎么办（1次）"
            assert "用法" in (await say(engine, "telegram", "4242", "/stats abc"))[0].text
            # Admin turns are not logged: still exactly the residents' events.
            assert len([r for r in event_rows(tmp_path / "bot.sqlite3") if r[0] == "question"]) == 4
            reply = (await say(engine, "telegram", "4242", "/reload"))[0].text
            assert reply == "本进程没有启用重新加载。"
        finally:
            await engine.close()

    asyncio.run(scenario())


def test_telegram_admin_ids_parsing():
    assert telegram_admin_ids({"POLICYBOT_ADMIN_TELEGRAM_IDS": " 123, 456 ,,"}) == {"123", "456"}
    assert telegram_admin_ids({}) == frozenset()
    with pytest.raises(ConfigError, match="'@someone' is not a numeric Telegram user id"):
        telegram_admin_ids({"POLICYBOT_ADMIN_TELEGRAM_IDS": "123,@someone"})


def test_staff_tools_wire_the_engine_and_purge(tmp_path, kb):
    async def scenario() -> None:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="s", admin_token=TOKEN), kb=kb)
        try:
            tools = StaffTools.attach(engine, engine.settings, env={"POLICYBOT_ADMIN_TELEGRAM_IDS": "4242",
                                                                     "POLICYBOT_RELOAD_POLL_SECONDS": "0"})
            assert engine.admin is tools.admin and tools.admin.reloader is tools.reloader
            assert (await say(engine, "telegram", "4242", "/admin"))[0].text.startswith("管理员命令")
            tools.start()
            await asyncio.sleep(0.05)
            assert all(not t.done() for t in tools.tasks)
            await tools.stop()
            assert tools.tasks == []

            # The retention task: old rows go at once, recent ones stay.
            await say(engine, "web", "resident01", "见习补贴每月多少钱？")
            await engine.store.db.execute("UPDATE events SET ts = ts - 200 * 86400")
            await engine.store.db.execute("UPDATE sessions SET updated_at = updated_at - 200 * 86400")
            await engine.store.db.commit()
            await say(engine, "web", "resident02", "见习补贴每月多少钱？")

            async def stop(_: float) -> None:
                raise asyncio.CancelledError

            with pytest.raises(asyncio.CancelledError):
                await purge_periodically(engine.store, 180, sleep=stop)
            assert await engine.store.count("events") == 1
            assert await engine.store.count("sessions") == 1
        finally:
            await engine.close()

    asyncio.run(scenario())
