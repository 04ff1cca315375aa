"""Issue 15, security and privacy (items 1-7): what an attacker or a staff command could leave
behind, end to end where it matters (the web API, the real engine, the SQLite file's bytes,
`policybot report`, `policybot forget`).

1. `/admin <token>` with any white space (U+3000, tab, newline, full-width forms) logs in and
   nothing that starts with a secret-carrying command is ever stored or reported.
2. Mobile and ID numbers are masked in every common format.
3. WeChat: no replay within the timestamp window, no other body on a signed query string, no
   plain post when a key is set.
4. Admin login attempts are throttled per client address: rotating ids cannot lock the admin out.
5. `policybot forget` wins over the session cache while the person keeps chatting.
6. After a forget, neither the WAL nor the file holds the text or the key; the rate-limit
   bucket is gone.
7. An empty or short salt is refused; a new salt is written whole and fsynced.
"""

from __future__ import annotations

import asyncio
import errno
import io
import os
import sqlite3
import time
from contextlib import redirect_stdout
from pathlib import Path
from urllib.parse import urlencode

import httpx2
import pytest
from starlette.testclient import TestClient
from test_wechat import OPENID, PLAIN, SAFE, WeChatServer, cdata, make_client, wechat_encrypt
from test_wechat import FakeEngine as WeChatEngine

import bot
from dialog.admin import StaffCommands
from dialog.channels.web import create_app
from dialog.config import ConfigError, Settings, ensure_salt, load_settings
from dialog.engine import Engine
from dialog.flows.common import mask_personal_numbers
from dialog.messages import Incoming
from dialog.ratelimit import RateLimiter
from dialog.store import Event, Session, Store
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

ADMIN_TOKEN = "tok-9f3a7c21e5b84d06aa"  # 21 characters
SALT = "security-test-salt-0123"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


def file_bytes(db: Path) -> bytes:
    """Everything SQLite keeps on disk for this database: the file, its WAL and shared memory."""
    out = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            out += path.read_bytes()
    return out


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# --------------------------------------------------------------------------- 1. /admin token


@pytest.fixture
def web_admin(tmp_path: Path, kb):
    """The web app around the real engine with the staff commands, opened in the client's loop."""
    db = tmp_path / "bot.sqlite3"
    box: dict[str, Engine] = {}

    class LateEngine:
        async def handle(self, incoming: Incoming):
            return await box["engine"].handle(incoming)

    async def open_engine() -> Engine:
        engine = await Engine.open(Settings(db=db, salt=SALT), kb=kb)
        engine.admin = StaffCommands(engine, token=ADMIN_TOKEN)
        return engine

    with TestClient(create_app(LateEngine(), Settings(), metrics=None)) as client:
        box["engine"] = client.portal.call(open_engine)
        try:
            yield client, db
        finally:
            client.portal.call(box["engine"].close)


def say(client: TestClient, user: str, text: str) -> str:
    response = client.post("/api/chat", json={"user": user, "text": text})
    assert response.status_code == 200, response.text
    return response.json()["replies"][0]["text"]


@pytest.mark.parametrize("typed", [
    "/admin\u3000{t}",  # the Chinese keyboard's space
    "/admin\t{t}",
    "/admin\n{t}",
    "/admin \u3000 {t}\u3000",
    "\uff0f\uff41\uff44\uff4d\uff49\uff4e\u3000{t}",  # ／ａｄｍｉｎ: everything full-width
    "/Admin@LinxiaBot\u3000{t}",
])
def test_admin_login_with_any_white_space_works_and_no_token_is_stored_or_reported(
        web_admin, typed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client, db = web_admin
    assert say(client, "resident-0001", "我家的牛生病了怎么办") != ""  # an unanswered question, logged
    assert say(client, "staffer-0001", typed.format(t=ADMIN_TOKEN)).startswith("已登录管理员")
    assert say(client, "staffer-0001", "/stats").startswith("统计：")
    # A wrong token typed the same way is refused, and not stored either.
    assert say(client, "staffer-0002", typed.format(t="wrong-" + ADMIN_TOKEN)) == "无权限。"

    assert ADMIN_TOKEN.encode() not in file_bytes(db)
    assert rows(db, "SELECT COUNT(*) FROM events WHERE kind = 'question'") == [(1,)]
    monkeypatch.setenv("POLICYBOT_DB", str(db))
    monkeypatch.setenv("POLICYBOT_SALT", SALT)
    monkeypatch.delenv("POLICYBOT_CONFIG", raising=False)
    out = io.StringIO()
    with redirect_stdout(out):
        assert bot.main(["report", "--format", "csv"]) == 0
    assert "牛生病" in out.getvalue() and ADMIN_TOKEN not in out.getvalue()


@pytest.mark.parametrize("typed", [
    "\u3001admin {t}",  # the Chinese keyboard's 、 where / was meant: not a command, not stored
    "admin {t}",
    "/ admin {t}",
    "\\admin {t}",
])
def test_near_misses_of_the_admin_command_are_never_stored(web_admin, typed: str) -> None:
    client, db = web_admin
    say(client, "staffer-0003", typed.format(t=ADMIN_TOKEN))
    say(client, "staffer-0003", "见习补贴多少钱")  # the next turn saves the session again
    assert ADMIN_TOKEN.encode() not in file_bytes(db)


def test_without_a_staff_handler_admin_is_refused_and_nothing_of_it_is_logged(tmp_path: Path, kb) -> None:
    async def scenario() -> list[str]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt=SALT), kb=kb)
        try:
            assert engine.admin is None
            return [(await engine.handle(Incoming("web", "someone-0001", text)))[0].text
                    for text in (f"/admin\u3000{ADMIN_TOKEN}", f"/admin {ADMIN_TOKEN}")]
        finally:
            await engine.close()

    assert asyncio.run(scenario()) == ["无权限。", "无权限。"]
    assert ADMIN_TOKEN.encode() not in file_bytes(tmp_path / "bot.sqlite3")


def test_a_token_logged_before_the_fix_is_not_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "old.sqlite3"

    async def seed() -> None:
        store = await Store.open(db, SALT)
        await store.close()

    asyncio.run(seed())
    conn = sqlite3.connect(db)
    now = time.time()
    conn.executemany("INSERT INTO events (ts, channel, user_key, kind, text, answered) VALUES (?, 'web', 'k', "
                     "'question', ?, 0)", [(now, f"admin\u3000{ADMIN_TOKEN}"), (now, "公积金怎么提取")])
    conn.commit()
    conn.close()
    monkeypatch.setenv("POLICYBOT_DB", str(db))
    monkeypatch.delenv("POLICYBOT_CONFIG", raising=False)
    out = io.StringIO()
    with redirect_stdout(out):
        assert bot.main(["report", "--format", "csv"]) == 0
    assert "公积金" in out.getvalue() and ADMIN_TOKEN not in out.getvalue()


def test_carries_secret_reads_commands_as_the_bot_does() -> None:
    from dialog.store import carries_secret

    for text in ("/admin x", "/admin", "/ADMIN\u3000x", "\uff0fadmin\tx", "\u3001admin x", "admin\nx",
                 " /admin@Bot x", "\\admin x"):
        assert carries_secret(text), text
    for text in ("/administration", "管理员 admin", "/start admin", "adminx", "", None, "/help"):
        assert not carries_secret(text), text


# --------------------------------------------------------------------------- 2. masking


@pytest.mark.parametrize("typed, kept", [
    ("电话+86 138 1234 5678，能贷款吗", "电话[手机号]，能贷款吗"),
    ("86-138-1234-5678", "[手机号]"),
    ("0086 13812345678", "[手机号]"),
    ("(+86)13812345678", "[手机号]"),
    ("我的手机 138 1234 5678 帮我查", "我的手机 [手机号] 帮我查"),
    ("138-1234-5678", "[手机号]"),
    ("１３８１２３４５６７８", "[手机号]"),  # full-width digits
    ("１３８－１２３４－５６７８", "[手机号]"),
    ("身份证号620102 19900101 123X", "身份证号[证件号]"),
    ("620102-19900101-1234", "[证件号]"),
    ("６２０１０２１９９００１０１１２３Ｘ", "[证件号]"),  # full-width Ｘ
    ("6201 0219 9001 0112 3x 能领吗", "[证件号] 能领吗"),
    ("旧身份证 620102900101123", "旧身份证 [证件号]"),
])
def test_personal_numbers_are_masked_in_every_common_format(typed: str, kept: str) -> None:
    assert mask_personal_numbers(typed) == kept


@pytest.mark.parametrize("text", [
    "2019年1月1日至2020年12月31日", "补贴15000元，拨打12333", "贷款15万 20000元", "0930-6212345",
    "16—24岁", "1381234567890", "第6条第3款",
])
def test_amounts_dates_and_hotlines_are_not_masked(text: str) -> None:
    assert mask_personal_numbers(text) == text


# --------------------------------------------------------------------------- 3. WeChat


def test_a_safe_mode_request_replayed_after_a_minute_does_not_run_again() -> None:
    engine = WeChatEngine()
    client, callback = make_client(engine, SAFE)
    with client:
        server = WeChatServer(client, safe=True)
        xml = server.message_xml("text", Content="1")
        encrypted = wechat_encrypt(xml)
        body = f"<xml><ToUserName>{cdata('gh_x')}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>".encode()
        url = f"/wechat?{urlencode(server.params(encrypted))}"
        assert client.post(url, content=body).status_code == 200
        later = time.time() + 66  # the same captured request, 66 s later (its timestamp still accepted)
        callback.clock = lambda: later
        callback._turns.clock = lambda: later
        again = client.post(url, content=body)
        assert again.status_code == 200
    assert len(engine.received) == 1


def test_a_signed_plain_query_string_cannot_carry_another_body() -> None:
    engine = WeChatEngine()
    client, _ = make_client(engine, PLAIN)
    with client:
        server = WeChatServer(client)
        url = f"/wechat?{urlencode(server.params())}"
        assert client.post(url, content=server.message_xml("text", Content="见习补贴")).status_code == 200
        forged = server.message_xml("text", openid="oSomeoneElse_0123456789abcd", Content="/forget")
        assert client.post(url, content=forged).status_code == 403
    assert [m.text for m in engine.received] == ["见习补贴"]


def test_with_an_aes_key_a_plain_post_is_refused() -> None:
    engine = WeChatEngine()
    client, callback = make_client(engine, SAFE)
    with client:
        server = WeChatServer(client)  # plain: no encrypt_type, a valid signature
        response = server.post_xml(server.message_xml("text", Content="见习补贴"))
        assert response.status_code == 403
    assert engine.received == [] and callback.stats["refused"] == 1


def test_replay_memory_is_bounded_and_never_forgets_silently() -> None:
    from dialog.channels.wechat import WeChatError, _SeenRequests

    now = [1_800_000_000.0]
    seen = _SeenRequests(lambda: now[0], max_entries=3)
    for i in range(3):
        assert seen.check(1_800_000_000 + i, "n", b"a") == "new"
    assert seen.check(1_800_000_001, "n", b"a") == "again"
    with pytest.raises(WeChatError):
        seen.check(1_800_000_001, "n", b"b")
    assert seen.check(1_800_000_010, "n", b"a") == "new"  # full: the oldest (…000) goes
    assert len(seen) == 3 and seen.floor == 1_800_000_000
    with pytest.raises(WeChatError):  # no longer checkable, so refused
        seen.check(1_800_000_000, "other", b"a")
    now[0] += 400  # every timestamp is past the window: memory empties
    assert seen.check(1_800_000_300, "n", b"a") == "new" and len(seen) == 1


# --------------------------------------------------------------------------- 4. admin lock-out


def test_rotating_ids_from_one_address_cannot_lock_the_admin_out(tmp_path: Path, kb) -> None:
    async def scenario() -> tuple[list[str], str, str, str]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt=SALT), kb=kb)
        engine.admin = StaffCommands(engine, token=ADMIN_TOKEN)
        app = create_app(engine, Settings(rate_limit_per_minute=0), metrics=None)

        async def post(peer: str, user: str, text: str, forwarded: str | None = None) -> str:
            transport = httpx2.ASGITransport(app=app, client=(peer, 40000))
            headers = {"X-Forwarded-For": forwarded} if forwarded else {}
            async with httpx2.AsyncClient(transport=transport, base_url="http://bot") as client:
                response = await client.post("/api/chat", json={"user": user, "text": text}, headers=headers)
                return response.json()["replies"][0]["text"]

        try:
            attacker = [await post("198.51.100.7", f"rotating-{i:04d}", f"/admin guess-{i:020d}")
                        for i in range(30)]
            admin = await post("203.0.113.9", "the-admin-01", f"/admin {ADMIN_TOKEN}")
            # The attacker's own address is throttled, whatever id it uses next:
            attacker_right = await post("198.51.100.7", "rotating-9999", f"/admin {ADMIN_TOKEN}")
            # Behind nginx (a trusted proxy on 127.0.0.1) the forwarded address counts; a
            # forwarded header from anyone else is ignored.
            via_proxy = await post("127.0.0.1", "the-admin-02", f"/admin {ADMIN_TOKEN}", forwarded="203.0.113.10")
        finally:
            await engine.close()
        return attacker, admin, attacker_right, via_proxy

    attacker, admin, attacker_right, via_proxy = asyncio.run(scenario())
    assert attacker == ["无权限。"] * 30
    assert admin.startswith("已登录管理员")
    assert attacker_right == "无权限。"
    assert via_proxy.startswith("已登录管理员")


def test_client_address_believes_forwarded_headers_from_trusted_proxies_only() -> None:
    from dialog.channels.web import client_address

    trusted = frozenset({"127.0.0.1", "::1"})

    def scope(peer: str, **headers: str) -> dict:
        return {"client": (peer, 1), "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]}

    assert client_address(scope("127.0.0.1", x_forwarded_for="203.0.113.5"), trusted) == "203.0.113.5"
    # The client's own X-Forwarded-For entries are on the left; nginx appends the real peer.
    assert client_address(scope("127.0.0.1", x_forwarded_for="1.2.3.4, 203.0.113.5"), trusted) == "203.0.113.5"
    assert client_address(scope("198.51.100.7", x_forwarded_for="203.0.113.5"), trusted) == "198.51.100.7"
    assert client_address(scope("127.0.0.1", x_real_ip="203.0.113.6"), trusted) == "203.0.113.6"
    assert client_address(scope("127.0.0.1"), trusted) == "127.0.0.1"
    from dialog.channels.web import trusted_proxies

    docker = trusted_proxies("127.0.0.1, ::1, 172.16.0.0/12")  # Docker's bridge gateway forwards for nginx
    assert client_address(scope("172.18.0.1", x_forwarded_for="203.0.113.5"), docker) == "203.0.113.5"
    assert client_address(scope("0:0:0:0:0:0:0:1", x_forwarded_for="203.0.113.5"), docker) == "203.0.113.5"
    assert client_address(scope("192.0.2.9", x_forwarded_for="203.0.113.5"), docker) == "192.0.2.9"
    assert client_address(scope("192.0.2.9", x_forwarded_for="203.0.113.5"), trusted_proxies("*")) == "203.0.113.5"


def test_admin_login_attempts_are_throttled_per_address(tmp_path: Path, kb) -> None:
    from dialog.admin import ADDRESS_FAILURES

    async def scenario() -> list[bool]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt=SALT), kb=kb)
        staff = StaffCommands(engine, token=ADMIN_TOKEN)
        try:
            results = [staff.is_admin(Incoming("web", f"id-{i:04d}", f"/admin wrong-{i:016d}",
                                               extra={"client": "192.0.2.1"})) for i in range(ADDRESS_FAILURES)]
            results.append(staff.is_admin(Incoming("web", "id-new-01", f"/admin {ADMIN_TOKEN}",
                                                   extra={"client": "192.0.2.1"})))
            results.append(staff.is_admin(Incoming("web", "id-new-02", f"/admin {ADMIN_TOKEN}",
                                                   extra={"client": "192.0.2.2"})))
        finally:
            await engine.close()
        return results

    assert asyncio.run(scenario()) == [False] * ADDRESS_FAILURES + [False, True]


# --------------------------------------------------------------------------- 5. forget vs cache


def test_a_forget_in_another_process_wins_over_the_session_cache(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"

    async def scenario() -> None:
        bot_store = await Store.open(db, SALT)
        key = bot_store.user_key("web", "chatty-0001")
        session = await bot_store.load(key)
        session.mode, session.program, session.answers = "questionnaire", "internship", {"age": 23}
        await bot_store.save(key, "web", session, [Event("question", text="见习补贴多少")], None)
        staff = await Store.open(db, SALT)  # `policybot forget` in another process
        assert await staff.forget(key) == 2
        await staff.close()
        # The person keeps chatting: within the cache's freshness window the next turn gets the
        # cached session without asking the file, and saves it.
        cached = await bot_store.load(key)
        assert cached.answers == {"age": 23}  # (the cache's window: the old state in memory)
        cached.history.append("age")
        await bot_store.save(key, "web", cached, [Event("question", text="还有别的吗")], None)
        assert rows(db, "SELECT COUNT(*) FROM sessions") == [(0,)]
        assert rows(db, "SELECT COUNT(*) FROM events") == [(0,)]
        fresh = await bot_store.load(key)
        assert fresh.mode == "idle" and fresh.answers == {}
        await bot_store.save(key, "web", fresh, [Event("start")], None)  # a new start is kept
        assert rows(db, "SELECT COUNT(*) FROM sessions") == [(1,)]
        await bot_store.close()

    asyncio.run(scenario())


def test_policybot_forget_while_the_person_keeps_chatting(tmp_path: Path, kb, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's scenario with the real engine and the real command, several times."""
    db = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("POLICYBOT_DB", str(db))
    monkeypatch.setenv("POLICYBOT_SALT", SALT)
    monkeypatch.delenv("POLICYBOT_CONFIG", raising=False)

    async def scenario() -> list[tuple]:
        engine = await Engine.open(Settings(db=db, salt=SALT), kb=kb)
        left = []
        try:
            for trial in range(5):
                user = f"chatty-{trial:04d}"
                await engine.handle(Incoming("web", user, "", action="p:internship", kind="button"))
                await engine.handle(Incoming("web", user, "", action="a:0", kind="button"))
                stop = asyncio.Event()

                async def chat(user: str, stop: asyncio.Event) -> None:
                    while not stop.is_set():
                        await engine.handle(Incoming("web", user, "/help"))

                chatting = asyncio.create_task(chat(user, stop))
                await asyncio.sleep(0.05)
                assert await asyncio.to_thread(bot.main, ["forget", user, "--channel", "web"]) == 0
                await asyncio.sleep(0.05)
                stop.set()
                await chatting
                await engine.handle(Incoming("web", user, "/help"))
                key = engine.store.user_key("web", user)
                left += rows(db, f"SELECT data FROM sessions WHERE user_key = '{key}' AND data LIKE '%internship%'")
        finally:
            await engine.close()
        return left

    assert asyncio.run(scenario()) == []


# --------------------------------------------------------------------------- 6. leftovers


MARKER = "隐私标记问题XQZJ见习补贴"


def test_forget_leaves_no_text_or_key_in_the_file_or_the_wal(tmp_path: Path, kb) -> None:
    db = tmp_path / "bot.sqlite3"

    async def scenario() -> tuple[str, bytes]:
        engine = await Engine.open(Settings(db=db, salt=SALT), kb=kb)
        try:
            for user in ("neighbour-0A", "leaving-00B", "neighbour-0C"):
                await engine.handle(Incoming("web", user, f"{MARKER}{user[-1]}？"))
            key = engine.store.user_key("web", "leaving-00B")
            assert key.encode() in file_bytes(db) and f"{MARKER}B".encode() in file_bytes(db)
            await engine.handle(Incoming("web", "leaving-00B", "", action="fg:yes", kind="button"))
            return key, file_bytes(db)  # while the bot still runs (closing checkpoints anyway)
        finally:
            await engine.close()

    key, data = asyncio.run(scenario())
    assert key.encode() not in data
    assert f"{MARKER}B".encode() not in data
    assert f"{MARKER}A".encode() in data and f"{MARKER}C".encode() in data  # the others are untouched


def test_forget_drops_the_rate_limit_bucket(tmp_path: Path, kb) -> None:
    async def scenario() -> tuple[str, RateLimiter]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt=SALT), kb=kb)
        limiter = RateLimiter(per_minute=20, key_of=engine.store.user_key)
        engine.store.on_forget.append(limiter.forget)
        try:
            for user in ("neighbour-0A", "leaving-00B"):
                assert limiter.check_user("web", user) == 0.0
                await engine.handle(Incoming("web", user, "见习补贴多少钱"))
            await engine.handle(Incoming("web", "leaving-00B", "", action="fg:yes", kind="button"))
            return engine.store.user_key("web", "leaving-00B"), limiter
        finally:
            await engine.close()

    key, limiter = asyncio.run(scenario())
    assert key not in limiter and len(limiter) == 1
    assert all(":" not in k for k in limiter._buckets)  # keyed by the salted key, never the raw id


def test_policybot_forget_from_the_command_line_also_empties_the_wal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("POLICYBOT_DB", str(db))
    monkeypatch.setenv("POLICYBOT_SALT", SALT)
    monkeypatch.delenv("POLICYBOT_CONFIG", raising=False)

    async def scenario() -> tuple[str, bytes]:
        bot_store = await Store.open(db, SALT)  # the running bot, idle
        try:
            key = bot_store.user_key("telegram", "123456")
            await bot_store.save(key, "telegram", Session(), [Event("question", text=MARKER)], None)
            await bot_store.save(bot_store.user_key("telegram", "7"), "telegram", Session(), [Event("start")], None)
            assert await asyncio.to_thread(bot.main, ["forget", "123456", "--channel", "telegram"]) == 0
            return key, file_bytes(db)  # the bot is still running
        finally:
            await bot_store.close()

    key, data = asyncio.run(scenario())
    assert MARKER.encode() not in data and key.encode() not in data


# --------------------------------------------------------------------------- 7. salt


def test_an_empty_or_short_salt_file_is_refused(tmp_path: Path, kb) -> None:
    settings = Settings(db=tmp_path / "var" / "bot.sqlite3")
    (tmp_path / "var").mkdir()
    salt = tmp_path / "var" / "salt"
    salt.write_bytes(b"")  # what a first start on a full disk left
    with pytest.raises(ConfigError, match="salt file .* is empty"):
        ensure_salt(settings)
    with pytest.raises(ConfigError, match="is empty"):
        asyncio.run(Engine.open(settings, kb=kb))
    salt.write_text("abc123\n")
    with pytest.raises(ConfigError, match="only 6 characters"):
        ensure_salt(settings)
    salt.write_text("0123456789abcdef0123456789abcdef\n")
    assert ensure_salt(settings) == "0123456789abcdef0123456789abcdef"


def test_a_short_configured_salt_is_refused() -> None:
    with pytest.raises(ConfigError, match="salt .* at least 16"):
        load_settings(env={"POLICYBOT_SALT": "short"})
    assert load_settings(env={"POLICYBOT_SALT": "x" * 16}).salt == "x" * 16


def test_a_new_salt_is_written_whole_and_fsynced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(db=tmp_path / "var" / "bot.sqlite3")
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    value = ensure_salt(settings)
    assert len(value) == 32 and (tmp_path / "var" / "salt").read_text() == value
    assert len(synced) >= 2  # the file, then its directory
    assert ensure_salt(settings) == value
    assert [p.name for p in (tmp_path / "var").iterdir()] == ["salt"]  # no temporary file left


def test_a_salt_that_cannot_be_written_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(db=tmp_path / "var" / "bot.sqlite3")

    def disk_full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OSError, match="cannot write the salt file .*No space left"):
        ensure_salt(settings)
    monkeypatch.undo()
    assert list((tmp_path / "var").iterdir()) == []  # neither salt nor a 0-byte salt nor a temp file
    assert len(ensure_salt(settings)) == 32  # the next start, with space, makes one


def test_policybot_forget_refuses_an_empty_salt_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "var" / "bot.sqlite3"

    async def seed() -> None:
        store = await Store.open(db, SALT)
        await store.close()

    asyncio.run(seed())
    (tmp_path / "var" / "salt").write_bytes(b"")
    monkeypatch.setenv("POLICYBOT_DB", str(db))
    monkeypatch.delenv("POLICYBOT_SALT", raising=False)
    monkeypatch.delenv("POLICYBOT_CONFIG", raising=False)
    assert bot.main(["forget", "123", "--channel", "telegram"]) == 1
    assert "is empty" in capsys.readouterr().err


def test_forget_clears_the_wechat_channels_memory_of_the_person(tmp_path: Path) -> None:
    from dialog.channels.wechat import wechat_routes

    engine = WeChatEngine()
    box: dict[str, Store] = {}
    with TestClient(create_app(engine, Settings(), metrics=None)) as client:
        engine.store = box["store"] = client.portal.call(Store.open, tmp_path / "s.sqlite3", SALT)
        [route] = wechat_routes(engine, Settings(), wechat=PLAIN)
        callback = route.endpoint.__self__
        app = create_app(engine, Settings(), extra_routes=[route], metrics=None)
        with TestClient(app) as wechat_client:
            server = WeChatServer(wechat_client)
            server.text("见习补贴多少钱")
            server.text("见习补贴多少钱", openid="oSomeoneElse_0123456789abcd")
            assert len(callback._latest) == 2 and len(callback._turns) == 2
            client.portal.call(box["store"].forget, box["store"].user_key("wechat", OPENID))
            assert len(callback._latest) == 1 and len(callback._turns) == 1  # only the other person's
        client.portal.call(box["store"].close)
