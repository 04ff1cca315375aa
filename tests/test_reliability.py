"""Reliability of the running bot: metrics, per-user rate limiting, and database failures.

- `/metrics` speaks the Prometheus text format and counts what operators need (messages by
  channel, answered share, latency histograms, errors) without any user data in it.
- The rate limiter lets a resident's normal burst through, refuses the excess politely (429 on
  the web API, an ordinary reply elsewhere), stays bounded in memory, and keeps an abusive user
  from taking the engine away from the others.
- A database that is busy (another connection holds the write lock) or read-only gives that
  user a 503 with a polite reply and an error log line, and the bot recovers by itself once the
  database is writable again.

The real engine is used where the behaviour depends on it; one answerer is shared by the module
because building it (jieba) is the slow part.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from starlette.requests import Request
from starlette.testclient import TestClient

from dialog.channels.web import BUSY_TEXT, create_app
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming, Reply
from dialog.metrics import Counter, Histogram, MeteredEngine, Metrics
from dialog.ratelimit import RateLimitedEngine, RateLimiter, limited_text
from dialog.server import health_route
from dialog.store import Store
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

USER = "resident-0001"
SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? '
                    r"([-+]?[0-9.]+(e[-+]?[0-9]+)?|\+Inf|NaN)$")


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_or_raise(PACKAGE_DATA))


async def open_engine(db: Path, answerer: Answerer, busy_ms: int = 100) -> Engine:
    settings = Settings(db=db, salt="test-salt")
    store = await Store.open(db, settings.salt)
    # The default 5 s busy wait is right in production and too slow for a test.
    await store.db.execute(f"PRAGMA busy_timeout={busy_ms}")
    return Engine(store, answerer, settings)


class FakeEngine:
    def __init__(self) -> None:
        self.received: list[Incoming] = []

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.received.append(incoming)
        return [Reply("好的")]


def chat_body(user: str = USER, text: str = "见习补贴多少钱", **extra: object) -> dict:
    return {"user": user, "text": text, **extra}


def parse_metrics(text: str) -> dict[str, float]:
    """Every sample line of the exposition, checked against the text format's grammar."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            assert line.startswith(("# HELP ", "# TYPE ")) or not line, line
            continue
        assert SAMPLE.match(line), f"not a valid sample line: {line!r}"
        name, value = line.rsplit(" ", 1)
        samples[name] = float(value)
    return samples


# --------------------------------------------------------------------------- metrics


def test_counter_and_histogram_render_the_prometheus_text_format() -> None:
    metrics = Metrics()
    counter = Counter("x_total", "Things.", ["kind"], metrics.registry)
    counter.inc("a")
    counter.inc("a")
    counter.inc('we"ird\\')
    histogram = Histogram("t_seconds", "Time.", ["route"], buckets=(0.01, 0.1), registry=metrics.registry)
    for value in (0.005, 0.01, 0.05, 3.0):
        histogram.observe(value, "/api/chat")
    text = metrics.render()
    samples = parse_metrics(text)
    assert samples['x_total{kind="a"}'] == 2 == counter.get("a")
    assert samples['x_total{kind="we\\"ird\\\\"}'] == 1
    # Buckets are cumulative, `le` is inclusive, +Inf equals the count.
    assert samples['t_seconds_bucket{le="0.01",route="/api/chat"}'] == 2
    assert samples['t_seconds_bucket{le="0.1",route="/api/chat"}'] == 3
    assert samples['t_seconds_bucket{le="+Inf",route="/api/chat"}'] == 4
    assert samples['t_seconds_count{route="/api/chat"}'] == 4 == histogram.count("/api/chat")
    assert samples['t_seconds_sum{route="/api/chat"}'] == pytest.approx(3.065)
    assert "# TYPE t_seconds histogram" in text
    assert not any(name.endswith("_created") for name in samples)  # no per-series timestamps


def test_metrics_endpoint_counts_requests_by_route_and_status_without_user_data() -> None:
    metrics = Metrics()
    engine = FakeEngine()
    with TestClient(create_app(engine, Settings(), metrics=metrics)) as client:
        assert client.post("/api/chat", json=chat_body(text="秘密问题 13900001111")).status_code == 200
        assert client.post("/api/chat", content=b"{bad", headers={"content-type": "application/json"}).status_code == 400
        assert client.get("/api/chat").status_code == 405  # not the POST shortcut: Starlette's route
        client.get("/no/such/page/" + USER)
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = parse_metrics(response.text)
    assert samples['policybot_messages_total{channel="web"}'] == 1
    assert samples['policybot_http_requests_total{route="/api/chat",status="200"}'] == 1
    assert samples['policybot_http_requests_total{route="/api/chat",status="400"}'] == 1
    assert samples['policybot_http_requests_total{route="unmatched",status="404"}'] == 1
    assert samples['policybot_http_requests_total{route="/api/chat",status="405"}'] == 1
    assert samples['policybot_http_request_seconds_count{route="/api/chat"}'] == 3
    assert samples['policybot_engine_turn_seconds_count{channel="web"}'] == 1
    assert samples["process_resident_memory_bytes"] > 10_000_000
    # Route templates and channel names only: nothing a user typed or their id.
    assert USER not in response.text and "13900001111" not in response.text and "/no/such" not in response.text


def test_answered_share_and_questionnaires_come_from_the_engine_events(tmp_path: Path, answerer: Answerer) -> None:
    async def scenario() -> Metrics:
        metrics = Metrics()
        engine = MeteredEngine(await open_engine(tmp_path / "bot.sqlite3", answerer), metrics)
        try:
            await engine.handle(Incoming("telegram", "1001", "见习补贴每人每月多少钱？"))
            await engine.handle(Incoming("telegram", "1001", "公积金怎么取"))  # not in the document
            await engine.handle(Incoming("telegram", "1001", "", action="p:internship", kind="button"))
        finally:
            await engine.close()
        return metrics

    metrics = asyncio.run(scenario())
    samples = parse_metrics(metrics.render())
    assert samples['policybot_messages_total{channel="telegram"}'] == 3
    assert samples['policybot_questions_total{answered="yes"}'] == 1
    assert samples['policybot_questions_total{answered="no"}'] == 1
    assert samples["policybot_answered_share"] == 0.5
    assert samples['policybot_questionnaires_total{event="started"}'] == 1


# --------------------------------------------------------------------------- rate limiting


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_lets_a_burst_through_then_refills_at_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=20, clock=clock)
    assert all(limiter.check("web:a") == 0.0 for _ in range(20))
    wait = limiter.check("web:a")
    assert wait == pytest.approx(3.0)  # one token every 3 s
    assert limiter.check("web:b") == 0.0  # another user is not affected
    clock.now += 3.0
    assert limiter.check("web:a") == 0.0
    assert limiter.check("web:a") > 0
    clock.now += 60.0
    assert all(limiter.check("web:a") == 0.0 for _ in range(20))


def test_limiter_memory_is_bounded_and_idle_users_are_forgotten() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=20, max_users=1000, clock=clock)
    for i in range(5000):
        limiter.check(f"web:{i}")
    assert len(limiter) == 1000  # hard cap: the least recently seen go first
    clock.now += 61.0  # every bucket is full again: the entries carry no information
    limiter.check("web:new")
    assert len(limiter) == 1


def test_limiter_off_when_the_rate_is_zero() -> None:
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.check("web:a") == 0.0 for _ in range(1000))
    assert len(limiter) == 0


def test_web_api_answers_429_with_a_polite_reply_past_the_limit() -> None:
    engine = FakeEngine()
    clock = FakeClock()
    app = create_app(engine, Settings(), limiter=RateLimiter(per_minute=20, clock=clock), metrics=Metrics())
    with TestClient(app) as client:
        statuses = [client.post("/api/chat", json=chat_body()).status_code for _ in range(20)]
        refused = client.post("/api/chat", json=chat_body())
        other = client.post("/api/chat", json=chat_body(user="resident-0002"))
    assert statuses == [200] * 20
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "3"
    body = refused.json()
    assert body["error"] == "rate_limited"
    assert body["replies"] == [{"text": limited_text(3.0)}]
    assert "3秒后再发" in body["replies"][0]["text"]
    assert other.status_code == 200
    assert len(engine.received) == 21  # the refused message never reached the engine


def test_rate_limited_engine_wraps_handle_for_other_channels(tmp_path: Path, answerer: Answerer) -> None:
    async def scenario() -> tuple[list[list[Reply]], Metrics, int]:
        metrics = Metrics()
        engine = await open_engine(tmp_path / "bot.sqlite3", answerer)
        limited = RateLimitedEngine(MeteredEngine(engine, metrics), RateLimiter(per_minute=3), metrics)
        try:
            replies = [await limited.handle(Incoming("telegram", "42", "/help")) for _ in range(5)]
            stored = await limited.store.count("sessions")  # attributes pass through
            limited.admin = None  # and assignments reach the engine (StaffTools sets engine.admin)
            assert "admin" not in vars(limited) and engine.admin is None
        finally:
            await limited.close()
        return replies, metrics, stored

    replies, metrics, stored = asyncio.run(scenario())
    assert all("秒后再发" not in r[0].text for r in replies[:3])
    assert [len(r) for r in replies[3:]] == [1, 1] and all("秒后再发" in r[0].text for r in replies[3:])
    assert metrics.rate_limited.get("telegram") == 2
    assert metrics.messages.get("telegram") == 3
    assert stored == 1


def test_an_abusive_user_cannot_take_the_engine_from_others(tmp_path: Path, answerer: Answerer) -> None:
    """300 concurrent messages from one user while another has a conversation: the abuser gets
    20 through and polite 429s for the rest; the other resident is never refused."""

    async def scenario() -> tuple[list[int], list[int], Metrics]:
        metrics = Metrics()
        engine = await open_engine(tmp_path / "bot.sqlite3", answerer)
        app = create_app(engine, Settings(), metrics=metrics)
        transport = httpx2.ASGITransport(app=app)
        try:
            async with httpx2.AsyncClient(transport=transport, base_url="http://bot") as client:
                async def post(user: str, text: str) -> int:
                    return (await client.post("/api/chat", json=chat_body(user=user, text=text))).status_code

                async def resident() -> list[int]:
                    out = []
                    for text in ("/start", "见习补贴多少钱", "开小卖部能贷款吗", "/help", "失业了去哪里登记"):
                        out.append(await post("resident-normal", text))
                    return out

                flood = asyncio.gather(*(post("resident-abuser", f"刷屏{i}") for i in range(300)))
                normal, abusive = await asyncio.gather(resident(), flood)
        finally:
            await engine.close()
        return normal, abusive, metrics

    normal, abusive, metrics = asyncio.run(scenario())
    assert normal == [200] * 5
    assert abusive.count(200) == 20 and abusive.count(429) == 280
    assert metrics.messages.get("web") == 25  # the engine saw 20 + 5 messages, not 305
    assert metrics.rate_limited.get("web") == 280


# --------------------------------------------------------------------------- database failures


@pytest.fixture
def engine_app(tmp_path: Path, answerer: Answerer) -> Iterator[tuple[TestClient, Engine, Path]]:
    """The web app around a real engine opened inside the TestClient's event loop."""
    db = tmp_path / "bot.sqlite3"
    box: dict[str, Engine] = {}

    class LateEngine:
        async def handle(self, incoming: Incoming) -> list[Reply]:
            return await box["engine"].handle(incoming)

    with TestClient(create_app(LateEngine(), Settings(), metrics=Metrics())) as client:
        box["engine"] = client.portal.call(open_engine, db, answerer)
        try:
            yield client, box["engine"], db
        finally:
            client.portal.call(box["engine"].close)


def test_read_only_database_gives_503_a_log_line_and_recovers(
    engine_app: tuple[TestClient, Engine, Path], caplog: pytest.LogCaptureFixture
) -> None:
    client, engine, _ = engine_app
    client.portal.call(engine.store.db.execute, "PRAGMA query_only=ON")  # writes now fail: SQLITE_READONLY
    with caplog.at_level(logging.ERROR, logger="dialog.channels.web"):
        response = client.post("/api/chat", json=chat_body(text="见习补贴多少钱"))
    assert response.status_code == 503
    assert response.json()["replies"] == [{"text": BUSY_TEXT}]
    assert any("OperationalError" in r.getMessage() and "readonly" in r.getMessage() for r in caplog.records)
    assert all(USER not in r.getMessage() for r in caplog.records)

    client.portal.call(engine.store.db.execute, "PRAGMA query_only=OFF")
    response = client.post("/api/chat", json=chat_body(text="见习补贴多少钱"))
    assert response.status_code == 200 and "补贴" in response.json()["replies"][0]["text"]


def test_locked_database_gives_503_and_recovers_when_the_lock_is_released(
    engine_app: tuple[TestClient, Engine, Path], caplog: pytest.LogCaptureFixture
) -> None:
    client, _, db = engine_app
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")  # e.g. a staff member's sqlite3 shell left mid-transaction
        with caplog.at_level(logging.ERROR, logger="dialog.channels.web"):
            response = client.post("/api/chat", json=chat_body(text="见习补贴多少钱"))
        assert response.status_code == 503
        assert response.json()["replies"][0]["text"] == BUSY_TEXT
        assert any("database is locked" in r.getMessage() for r in caplog.records)
        other.execute("COMMIT")
    finally:
        other.close()
    response = client.post("/api/chat", json=chat_body(text="开小卖部能贷款吗"))
    assert response.status_code == 200
    assert "贷款" in response.json()["replies"][0]["text"]


def test_questionnaire_progress_survives_a_database_outage(tmp_path: Path, answerer: Answerer) -> None:
    """An answer refused during the outage is not recorded; the ones before it are kept."""

    async def scenario() -> tuple[str, str]:
        engine = await open_engine(tmp_path / "bot.sqlite3", answerer)
        try:
            await engine.handle(Incoming("web", USER, "", action="p:internship", kind="button"))
            step2 = await engine.handle(Incoming("web", USER, "", action="a:0", kind="button"))
            await engine.store.db.execute("PRAGMA query_only=ON")
            with pytest.raises(sqlite3.OperationalError):
                await engine.handle(Incoming("web", USER, "", action="a:0", kind="button"))
            await engine.store.db.execute("PRAGMA query_only=OFF")
            again = await engine.handle(Incoming("web", USER, "/help"))
        finally:
            await engine.close()
        return step2[-1].text, again[-1].text

    before, after = asyncio.run(scenario())
    assert before.startswith("（第2步") and after.startswith("（第2步")


def test_health_check_recovers_without_waiting_for_a_user_turn(tmp_path: Path, answerer: Answerer) -> None:
    async def scenario() -> list[int]:
        engine = await open_engine(tmp_path / "bot.sqlite3", answerer)
        route = health_route(engine)
        codes = []
        try:
            await engine.store.db.execute("PRAGMA query_only=ON")
            with pytest.raises(sqlite3.OperationalError):
                await engine.handle(Incoming("web", USER, "见习补贴多少钱"))
            await engine.store.db.execute("PRAGMA query_only=OFF")
            async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=route), base_url="http://bot") as client:
                codes.append((await client.get("/healthz")).status_code)
        finally:
            await engine.close()
        return codes

    assert asyncio.run(scenario()) == [200]


def test_health_checks_during_load_never_undo_a_turn(tmp_path: Path, answerer: Answerer) -> None:
    """/healthz shares the engine's connection: its BEGIN/ROLLBACK must never land between a
    turn's INSERT and COMMIT (the turn would be rolled back while its reply says it was saved),
    and a busy bot must not look unhealthy."""

    async def scenario() -> tuple[int, dict[int, int]]:
        engine = await open_engine(tmp_path / "bot.sqlite3", answerer)
        endpoint = health_route(engine).endpoint
        request = Request({"type": "http", "method": "GET", "path": "/healthz", "headers": []})
        codes: dict[int, int] = {}
        done = asyncio.Event()

        async def monitor() -> None:
            while not done.is_set():
                status = (await endpoint(request)).status_code
                codes[status] = codes.get(status, 0) + 1

        async def resident(i: int) -> None:
            for _ in range(8):
                await engine.handle(Incoming("web", f"resident-{i:04d}", "见习补贴多少钱"))

        monitors = [asyncio.create_task(monitor()) for _ in range(2)]
        try:
            await asyncio.gather(*(resident(i) for i in range(10)))
        finally:
            done.set()
            await asyncio.gather(*monitors)
        try:
            async with engine.store.db.execute("SELECT COUNT(*) FROM events WHERE kind = 'question'") as cursor:
                stored = (await cursor.fetchone())[0]
        finally:
            await engine.close()
        return stored, codes

    stored, codes = asyncio.run(scenario())
    assert stored == 80
    assert set(codes) == {200}
