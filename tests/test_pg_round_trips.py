"""How many times a turn waits for PostgreSQL (issue 17 follow-through): each wait is a round
trip over the network to the database, and on a busy machine each one is also a wake-up of
the bot's event loop and of a PostgreSQL backend. The count is taken on the wire: a small TCP
proxy between the store and the server counts the server's ReadyForQuery messages (one per
Sync or simple Query the client sends, i.e. one per round trip; a pipelined batch that ends
in one Sync counts once). Nothing in the store is patched or instrumented.

A plain turn of a resident through the engine and the per-user rate limit (what the web chat
and WeChat run for a typed question or a tapped answer) makes:
    1  the rate-limit token (`take_token`, one statement)
    1  the turn's lock and the session's row (`policybot_turn_begin`, one function call)
    1  the session, the turn's log events and the lock's release, committed together
       (`policybot_turn_save`, one function call)
Before this change it made 10: the token, the pool's connection reset, lock, load, BEGIN,
UPDATE, the events, COMMIT, unlock, and the pool's reset again.
"""

from __future__ import annotations

import asyncio
import struct
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming
from dialog.ratelimit import RateLimitedEngine, RateLimiter
from dialog.storage import open_store
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

SALT = "round-trip-salt-0123456789abcdef"


@dataclass
class WireCounter:
    """A TCP proxy in front of PostgreSQL counting the server's ReadyForQuery ('Z') messages.
    `url` is the database URL through the proxy (TLS off, so the stream can be read)."""

    target_host: str
    target_port: int
    database: str
    user: str
    ready: int = 0
    server: asyncio.AbstractServer | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)

    @property
    def url(self) -> str:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return f"postgresql://{self.user}@127.0.0.1:{port}/{self.database}?sslmode=disable"

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.target_host, self.target_port)
        tasks = [asyncio.create_task(self._pipe(reader, up_writer)),
                 asyncio.create_task(self._server_messages(up_reader, writer))]
        self._tasks.update(tasks)
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        for w in (writer, up_writer):
            w.close()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()

    async def _server_messages(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Every server message is a type byte and a 4-byte length (the client never asks for
        TLS here, so there is no one-byte answer to an SSLRequest)."""
        while True:
            head = await reader.readexactly(5)
            kind, length = head[:1], struct.unpack("!I", head[1:])[0]
            body = await reader.readexactly(length - 4)
            if kind == b"Z":
                self.ready += 1
            writer.write(head + body)
            await writer.drain()

    async def close(self) -> None:
        assert self.server is not None
        self.server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def counted(pg_cluster, pg_url: str) -> WireCounter:
    """A counter in front of the test's database (pg_url names it)."""
    database = urlsplit(pg_url).path.lstrip("/")
    counter = WireCounter("127.0.0.1", pg_cluster.port, database, pg_cluster.user)
    await counter.start()
    return counter


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


def test_a_plain_turn_waits_for_postgresql_three_times(pg_cluster, pg_url: str, kb, tmp_path: Path) -> None:
    async def scenario() -> list[int]:
        counter = await counted(pg_cluster, pg_url)
        settings = Settings(db=tmp_path / "unused.sqlite3", salt=SALT, database_url=counter.url, db_pool_size=1)
        store = await open_store(settings, SALT)
        engine = Engine(store, Answerer(kb), settings, today=lambda: date(2026, 11, 29))
        limited = RateLimitedEngine(engine, RateLimiter(per_minute=600, key_of=store.user_key))
        assert limited.limiter.store is store  # the buckets are in the database
        messages = [Incoming("web", "resident-rt", "见习补贴一个月给多少钱"),
                    Incoming("web", "resident-rt", "", action="p:internship", kind="button")]
        # Warm-up: the connection's statements are prepared on first use (one more round trip
        # each, once per connection), and the first turn of a person inserts the row.
        for incoming in messages:
            await limited.handle(incoming)
        waits = []
        for incoming in [*messages, Incoming("web", "resident-rt", "失业保险金怎么领")]:
            before = counter.ready
            replies = await limited.handle(incoming)
            assert replies and replies[0].text
            waits.append(counter.ready - before)
        await engine.close()
        await counter.close()
        return waits

    assert asyncio.run(scenario()) == [3, 3, 3]


def test_a_wechat_text_message_waits_for_postgresql_six_times(pg_cluster, pg_url: str, kb,
                                                                 tmp_path: Path) -> None:
    """A follower's text message on a shared store: the signed request remembered (1), the
    MsgId claimed with the kept pages / late reply handed over (1), the rate token (1), the
    turn (2), the reply recorded for retries on other processes (1)."""
    import time
    from urllib.parse import urlencode

    import httpx
    from starlette.applications import Starlette

    from dialog.channels.wechat import WeChatCallback, WeChatSettings, sign

    async def scenario() -> list[int]:
        counter = await counted(pg_cluster, pg_url)
        settings = Settings(db=tmp_path / "unused.sqlite3", salt=SALT, database_url=counter.url, db_pool_size=1)
        store = await open_store(settings, SALT)
        engine = Engine(store, Answerer(kb), settings, today=lambda: date(2026, 11, 29))
        limited = RateLimitedEngine(engine, RateLimiter(per_minute=600, key_of=store.user_key))
        callback = WeChatCallback(limited, WeChatSettings(app_id="wx0", token="roundtrips"))
        app = Starlette(routes=callback.routes())
        waits = []
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot") as client:
            for i, text in enumerate(["见习补贴一个月给多少钱", "失业保险金怎么领", "创业担保贷款能贷多少",
                                      "见习补贴发给谁"]):
                now, nonce = str(int(time.time())), f"n{i}"
                query = urlencode({"signature": sign("roundtrips", now, nonce), "timestamp": now, "nonce": nonce})
                xml = (f"<xml><ToUserName>gh_x</ToUserName><FromUserName>oRoundTrips01</FromUserName>"
                       f"<CreateTime>{now}</CreateTime><MsgType>text</MsgType><Content>{text}</Content>"
                       f"<MsgId>{880000 + i}</MsgId></xml>").encode()
                await asyncio.sleep(0.05)  # the previous reply's record (a task) is written
                before = counter.ready
                response = await client.post(f"/wechat?{query}", content=xml)
                assert response.status_code == 200 and b"<Content>" in response.content
                await asyncio.sleep(0.05)
                waits.append(counter.ready - before)
        await engine.close()
        await counter.close()
        return waits[2:]  # the first two prepare the connection's statements

    assert asyncio.run(scenario()) == [6, 6]
