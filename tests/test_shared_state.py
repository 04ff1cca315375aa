"""What several bot processes share through a PostgreSQL store: one person's turns one at a
time, WeChat messages run once, signed requests remembered, rate-limit buckets, the admin
login throttle and grants, and the data version live reload follows. Each "process" here is
a store of its own (its own connection pool) on one throw-away database; the end-to-end test
with real `policybot run` processes is tests/test_multiprocess_pg.py.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from dialog.admin import USER_FAILURES, StaffCommands
from dialog.channels.wechat import WeChatCallback, WeChatSettings
from dialog.messages import Incoming, Reply
from dialog.ratelimit import RateLimitedEngine, RateLimiter
from dialog.reloader import Reloader
from dialog.storage import open_store

SALT = "shared-state-salt-0123456789"
TOKEN = "an-admin-token-of-32-characters!"


async def two_processes(url: str):
    return await open_store(url, SALT), await open_store(url, SALT)


def test_one_persons_turns_wait_for_each_other_across_processes_and_others_do_not(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        key, other_key = a.user_key("web", "same"), a.user_key("web", "other")
        spans: dict[str, tuple[float, float]] = {}
        loop = asyncio.get_running_loop()

        async def turn(store, name: str, who: str, hold: float) -> None:
            async with store.turn_lock(who):
                # The lock is taken with the turn's first statement, the load (one round trip
                # for both): the turn runs from there to its save.
                session = await store.load(who)  # on the lock's own connection
                started = loop.time()
                session.history.append(name)
                await asyncio.sleep(hold)
                # The span ends when the save is sent: the save's COMMIT releases the lock, and
                # the waiting turn (in this same event loop) may resume before this one does.
                spans[name] = (started, loop.time())
                await store.save(who, "web", session, [], None)

        await asyncio.gather(turn(a, "first", key, 0.4), turn(b, "second", key, 0.0),
                             turn(b, "elsewhere", other_key, 0.0))
        (s1, e1), (s2, e2) = sorted([spans["first"], spans["second"]])
        assert s2 >= e1, "two processes ran one person's turns at the same time"
        assert spans["elsewhere"][1] < max(e1, e2), "another person waited for this person's lock"
        # Both turns are in the session, one after the other: nothing was lost.
        assert sorted((await a.load(key)).history) == ["first", "second"]
        await a.close()
        await b.close()

    asyncio.run(scenario())


def test_a_lock_is_released_when_its_turn_fails(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        key = a.user_key("web", "fails")
        with pytest.raises(RuntimeError):
            async with a.turn_lock(key):
                raise RuntimeError("the turn failed")
        async with asyncio.timeout(5), b.turn_lock(key):
            pass
        # The same once the turn's first statement (the load) has taken the lock.
        with pytest.raises(RuntimeError):
            async with a.turn_lock(key):
                await a.load(key)
                raise RuntimeError("the turn failed after its load")
        async with asyncio.timeout(5), b.turn_lock(key):
            assert (await b.load(key)).mode == "idle"
        await a.close()
        await b.close()

    asyncio.run(scenario())


def test_a_message_is_claimed_once_and_its_reply_is_shared_until_the_person_is_forgotten(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        who = a.user_key("wechat", "oPerson")
        assert await a.claim_message("m:oPerson:1", who, ttl=60)
        assert not await b.claim_message("m:oPerson:1", who, ttl=60)
        assert (await b.message_reply("m:oPerson:1")).state == "running"
        await a.finish_message("m:oPerson:1", "您好")
        state = await b.message_reply("m:oPerson:1")
        assert (state.state, state.reply) == ("done", "您好")
        assert await b.claim_message("m:oPerson:2", who, ttl=-1)  # expired at once: claimable again
        assert await a.claim_message("m:oPerson:2", who, ttl=60)
        await b.forget(who)
        assert await a.message_reply("m:oPerson:1") is None
        await a.close()
        await b.close()

    asyncio.run(scenario())


def test_signed_requests_are_remembered_across_processes(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        now = int(time.time())
        assert await a.seen_request(now, "n1", b"d" * 32, now + 300) == "new"
        assert await b.seen_request(now, "n1", b"d" * 32, now + 300) == "again"
        assert await b.seen_request(now, "n1", b"x" * 32, now + 300) == "conflict"
        assert await b.seen_request(now, "n2", b"x" * 32, now + 300) == "new"
        await a.close()
        await b.close()

    asyncio.run(scenario())


def test_rate_buckets_are_shared_and_a_refusal_takes_no_token(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        key = a.user_key("web", "fast")
        # 3 tokens, 1 a minute: the fourth message in a row is refused, whichever process gets it.
        rate, t0 = 1 / 60, 1_000_000.0
        waits = [await store.take_token(key, rate, 3, now=t0) for store in (a, b, a, b)]
        assert waits[:3] == [0.0, 0.0, 0.0] and waits[3] == pytest.approx(60.0)
        assert await a.take_token(key, rate, 3, now=t0 + 30) == pytest.approx(30.0)  # refused: no token taken
        assert await b.take_token(key, rate, 3, now=t0 + 60) == 0.0  # one token came back
        await a.forget(key)
        assert await b.take_token(key, rate, 3, now=t0 + 61) == 0.0  # forgotten: a full bucket
        await a.close()
        await b.close()

    asyncio.run(scenario())


@dataclass
class _Engine:
    store: object
    seen: list[Incoming] = field(default_factory=list)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        await asyncio.sleep(0.3)
        return [Reply(f"第{len(self.seen)}次")]


def test_the_rate_limited_engine_uses_the_shared_buckets(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        limited = [RateLimitedEngine(_Engine(s), RateLimiter(per_minute=2, key_of=s.user_key)) for s in (a, b)]
        assert all(engine.limiter.store is not None for engine in limited)
        replies = [await limited[i % 2].handle(Incoming("telegram", "42", "问")) for i in range(3)]
        assert [r[0].text.startswith("第") for r in replies] == [True, True, False]
        assert "秒后再发" in replies[2][0].text
        await a.close()
        await b.close()

    asyncio.run(scenario())


def test_a_wechat_retry_on_another_process_gets_the_reply_and_the_step_runs_once(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        engines = [_Engine(a), _Engine(b)]
        settings = WeChatSettings(app_id="wx0", token="tok")
        callbacks = [WeChatCallback(engine, settings) for engine in engines]
        fields = {"FromUserName": "oResident1", "ToUserName": "gh_x", "MsgType": "text", "Content": "见习补贴",
                  "MsgId": "777", "CreateTime": "1"}
        started = time.monotonic()
        first = asyncio.create_task(callbacks[0]._reply_content(fields, started))
        await asyncio.sleep(0.1)  # the retry arrives while the first try runs
        retry = await callbacks[1]._reply_content(fields, time.monotonic())
        assert await first == retry == "第1次"
        assert len(engines[0].seen) + len(engines[1].seen) == 1
        # Later retries of the same message, on either process, get it again without a run.
        assert await callbacks[1]._reply_content(fields, time.monotonic()) == "第1次"
        assert len(engines[1].seen) == 0
        await a.close()
        await b.close()

    asyncio.run(scenario())


def _staff(store) -> StaffCommands:
    return StaffCommands(SimpleNamespace(store=store), token=TOKEN)


def test_admin_logins_and_failed_guesses_count_in_every_process(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        on_a, on_b = _staff(a), _staff(b)

        def msg(user: str, text: str) -> Incoming:
            return Incoming("web", user, text, extra={"client": "203.0.113.9"})

        # A login on one process holds on the other; /logout on the other ends it everywhere.
        assert await on_a.authorize(msg("staff-chat", f"/admin {TOKEN}"))
        assert await on_b.authorize(msg("staff-chat", "/stats"))
        await on_b.handle("logout", "", msg("staff-chat", "/logout"))
        assert not await on_a.authorize(msg("staff-chat", "/stats"))
        # Guesses spread over processes share one allowance: then even the right token is refused.
        for i in range(USER_FAILURES):
            assert not await (on_a if i % 2 else on_b).authorize(msg("guesser", f"/admin wrong-token-{i:020d}"))
        assert not await on_a.authorize(msg("guesser", f"/admin {TOKEN}"))
        await a.close()
        await b.close()

    asyncio.run(scenario())


class _ReloadEngine:
    def __init__(self, store) -> None:
        self.store = store
        self.kb = SimpleNamespace(data_dir=Path("."), clauses={}, faq=[])
        self.reloads = 0

    def reload(self, kb) -> None:
        self.reloads += 1


def test_a_reload_on_one_process_reaches_the_others_through_the_data_version(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        engines = [_ReloadEngine(a), _ReloadEngine(b)]
        stub = SimpleNamespace(clauses={}, faq=[])
        reloaders = [Reloader(e, Path("."), load=lambda _dir: (stub, [])) for e in engines]
        ticks: list[asyncio.Event] = [asyncio.Event()]

        async def tick(_seconds: float) -> None:
            ticks[-1].set()
            ticks.append(asyncio.Event())
            await asyncio.sleep(0.01)

        following = asyncio.create_task(reloaders[1].follow(sleep=tick))
        await ticks[0].wait()  # B has read the version it starts with
        result = await reloaders[0].reload("SIGHUP")
        assert result.ok and engines[0].reloads == 1
        async with asyncio.timeout(10):
            while engines[1].reloads == 0:
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        assert engines[1].reloads == 1 and engines[0].reloads == 1, "a followed reload was announced again"
        assert reloaders[1].version == reloaders[0].version == await a.data_version()
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)
        await a.close()
        await b.close()

    asyncio.run(scenario())


# --------------------------------------------------------------------------- WeChat pages and late replies


@dataclass
class _ScriptedEngine:
    """Answers every message with `reply`; `hold` (an Event) keeps it busy until set."""

    store: object
    reply: str = "好的"
    options: tuple[str, ...] = ()
    hold: asyncio.Event | None = None
    seen: list[str] = field(default_factory=list)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        from dialog.messages import Button

        self.seen.append(incoming.text)
        if self.hold is not None:
            await self.hold.wait()
        return [Reply(self.reply, tuple((Button(label, f"x:{i}"),) for i, label in enumerate(self.options)))]


def _text(openid: str, content: str, msg_id: int) -> dict[str, str]:
    return {"FromUserName": openid, "ToUserName": "gh_x", "MsgType": "text", "Content": content,
            "MsgId": str(msg_id), "CreateTime": str(msg_id)}


def test_wechat_pages_of_a_long_reply_are_served_by_any_process(pg_url: str) -> None:
    from dialog.channels.wechat import MAX_REPLY_BYTES, MORE_NOTE, MORE_WORD

    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        lines = [f"第{i}条：按月发放给吸纳见习人员的单位，每人每月按标准补贴，最长十二个月。" for i in range(70)]
        engines = [_ScriptedEngine(a, "\n".join(lines), ("查看原文", "返回菜单")), _ScriptedEngine(b, "别的回复")]
        callbacks = [WeChatCallback(engine, WeChatSettings(app_id="wx0", token="tok")) for engine in engines]
        openid = "oPagedResident01"
        pages = [await callbacks[0]._reply_content(_text(openid, "见习补贴", 1), time.monotonic())]
        msg_id = 2
        while MORE_NOTE in pages[-1] and len(pages) < 10:
            # "更多" alternates between the processes; B's engine is never asked.
            pages.append(await callbacks[msg_id % 2]._reply_content(_text(openid, MORE_WORD, msg_id),
                                                                    time.monotonic()))
            msg_id += 1
        assert 3 <= len(pages) < 10 and engines[0].seen == ["见习补贴"] and engines[1].seen == []
        assert all(len(p.encode()) <= MAX_REPLY_BYTES and p.endswith("回复 2：返回菜单") for p in pages)
        shown = [line for page in pages for line in page.split("\n\n")[0].split("\n")]
        assert shown == lines  # every line once, in order, across both processes
        # Paging is over: 更多 is an ordinary message again, answered by the engine of the process.
        assert await callbacks[1]._reply_content(_text(openid, MORE_WORD, 99), time.monotonic()) == "别的回复"
        # Any other message ends the paging, whichever process got the pages' start.
        assert MORE_NOTE in await callbacks[0]._reply_content(_text(openid, "见习补贴", 100), time.monotonic())
        assert await callbacks[1]._reply_content(_text(openid, "你好", 101), time.monotonic()) == "别的回复"
        assert await callbacks[1]._reply_content(_text(openid, MORE_WORD, 102), time.monotonic()) == "别的回复"
        await a.close()
        await b.close()

    asyncio.run(scenario())


def test_wechat_a_late_reply_is_shown_by_the_process_that_gets_the_next_message(pg_url: str) -> None:
    from dialog.channels.wechat import LATE_PREFIX

    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        held = asyncio.Event()
        slow = _ScriptedEngine(a, "请问您的年龄是多少？", hold=held)
        other = _ScriptedEngine(b, "不该出现")
        wechat = WeChatSettings(app_id="wx0", token="tok")
        on_a = WeChatCallback(slow, wechat, deadline=0.3)
        on_b = WeChatCallback(other, wechat, deadline=0.3)
        openid = "oLateResident001"
        assert await on_a._reply_content(_text(openid, "测一测", 1), time.monotonic()) is None  # `success`
        # The next message reaches B while A's turn still runs: B waits for it, never runs it.
        assert await on_b._reply_content(_text(openid, "28", 2), time.monotonic()) is None
        held.set()
        async with asyncio.timeout(5):
            while not await _late_kept(a, openid):
                await asyncio.sleep(0.02)
        late = await on_b._reply_content(_text(openid, "28", 3), time.monotonic())
        assert late is not None and late.startswith(LATE_PREFIX) and "请问您的年龄是多少？" in late
        assert other.seen == [] and slow.seen == ["测一测"]
        # Shown once: the message after it is the engine's again.
        assert await on_b._reply_content(_text(openid, "28", 4), time.monotonic()) == "不该出现"
        await a.close()
        await b.close()

    asyncio.run(scenario())


async def _late_kept(store, openid: str) -> bool:
    async with store.pool.acquire() as conn:
        body = await conn.fetchval("SELECT body FROM wechat_pending WHERE user_key = $1 AND kind = 'late'",
                                   store.user_key("wechat", openid))
    return body is not None


def test_forgetting_a_person_drops_their_kept_pages_and_late_reply(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        who = a.user_key("wechat", "oForgotten0001")
        await a.keep_pending(who, "more", "后面的内容", ("查看原文",), 60)
        await a.keep_pending(who, "late", "晚到的回复", (), 60)
        await b.forget(who)
        pending = await a.take_pending(who)
        assert (pending.more, pending.late, pending.late_running) == (None, None, False)
        # Expired rows are never handed over.
        await a.keep_pending(who, "more", "过期的内容", (), -1)
        assert (await b.take_pending(who)).more is None
        await a.close()
        await b.close()

    asyncio.run(scenario())


def test_claiming_a_message_hands_over_what_was_kept_only_to_the_claimant(pg_url: str) -> None:
    async def scenario() -> None:
        a, b = await two_processes(pg_url)
        who = a.user_key("wechat", "oClaimTake0001")
        await a.keep_pending(who, "more", "第二页的内容", ("查看原文", "返回菜单"), 60)
        first = await b.claim_and_take("m:oClaimTake0001:1", who, 60)
        assert first is not None and first.more == "第二页的内容" and first.options == ("查看原文", "返回菜单")
        # A retry of the same message elsewhere is not claimed and takes nothing.
        await a.keep_pending(who, "late", None, (), 60)  # a late reply still being worked out
        assert await a.claim_and_take("m:oClaimTake0001:1", who, 60) is None
        second = await a.claim_and_take("m:oClaimTake0001:2", who, 60)
        assert second is not None and second.more is None and second.late_running and second.late is None
        await b.keep_pending(who, "late", "晚到的回复", (), 60)
        third = await b.claim_and_take("m:oClaimTake0001:3", who, 60)
        assert third is not None and third.late == "晚到的回复" and not third.late_running
        assert (await a.take_pending(who)).late is None  # handed over once
        await a.close()
        await b.close()

    asyncio.run(scenario())
