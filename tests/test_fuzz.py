"""Fuzzing (hypothesis) of what residents and strangers can send.

- The engine: random Unicode, control characters, emoji, SQL-looking strings, 100 KB messages,
  unknown or mangled button actions (stale keyboards, forged callback data), any message kind,
  in random sequences per user. It always answers with at least one non-empty reply, never
  raises, and the database stays consistent (`PRAGMA integrity_check`, every session row
  parseable JSON that loads back into a Session, the tables still there).
- The web API: arbitrary bytes and arbitrary JSON never give a 500; malformed JSON is a 400,
  an oversized body a 413, and whatever text comes back, the JSON carries no raw `<`, `>` or
  `&` (the page inserts replies with textContent; this is the second wall).
- The Telegram webhook behind the same app: any wrong secret is a 403.

Examples are kept few and the example database is off (`database=None`), so that the run stays
short and repeatable; Hypothesis's other caches go to the temporary folder, not the work tree.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from starlette.testclient import TestClient

from dialog.channels.telegram import WEBHOOK_PATH, build_application, webhook_route
from dialog.channels.web import MAX_BODY_BYTES, create_app
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import KINDS, Incoming, Reply
from dialog.metrics import Metrics
from dialog.ratelimit import RateLimiter
from dialog.store import Session, Store
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

# Hypothesis keeps a cache of constants even with the example database off: not in the work tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "policybot-hypothesis")

FUZZ = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

SQLISH = ["'; DROP TABLE sessions; --", "\" OR 1=1 --", "1); DELETE FROM events; --", "%' AND 1=1 --",
          "Robert'); DROP TABLE students;--", "\\x00", "NULL", "SELECT * FROM sessions"]
TRICKY = ["\x00", "\u200b", "\u202e", "\ufeff", "\r\n", "\t", "🧑‍🌾💰", "👨‍👩‍👧‍👦" * 50, "<script>alert(1)</script>",
          "/start " + "x" * 200, "/forget", "/" * 10, "１２３", "ｐ：ｉｎｔｅｒｎｓｈｉｐ", "见习补贴" * 40]
PREFIXES = ["m", "x", "p", "a", "n", "r", "fg", "s", "c", "o", "zz", ""]

texts = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),  # control chars
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), max_size=20),  # emoji
    st.sampled_from(SQLISH + TRICKY),
    st.just("长" * 100_000),  # a 100 KB message
    st.sampled_from(["见习补贴多少钱", "开小卖部能贷款吗", "1", "2", "不清楚", "是", "否", "25"]),
)
actions = st.one_of(
    st.none(),
    st.builds(lambda p, a: f"{p}:{a}", st.sampled_from(PREFIXES), st.text(max_size=20)),
    st.sampled_from(["p:internship", "p:startup_loan", "a:0", "a:1", "a:99", "a:-1", "a:", "n:back", "n:restart",
                     "n:exit", "r:go", "r:new", "fg:yes", "fg:no", "c:6", "c:999", "o:", "s:3", "m:find"]),
)
messages = st.builds(
    lambda user, text, action, kind: (user, text, action, kind),
    st.sampled_from(["u1", "u2", "u3"]), texts, actions, st.sampled_from(KINDS),
)


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return Answerer(load_knowledge_or_raise(PACKAGE_DATA))


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, answerer: Answerer,
           loop: asyncio.AbstractEventLoop) -> Iterator[Engine]:
    db = tmp_path_factory.mktemp("fuzz") / "bot.sqlite3"
    settings_ = Settings(db=db, salt="fuzz-salt")
    store = loop.run_until_complete(Store.open(db, settings_.salt))
    engine = Engine(store, answerer, settings_)
    yield engine
    loop.run_until_complete(engine.close())


def check_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        for data, updated in db.execute("SELECT data, updated_at FROM sessions"):
            json.loads(data)
            assert isinstance(Session.from_json(data, updated), Session)
        assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] >= 0


@FUZZ
@given(conversation=st.lists(messages, min_size=1, max_size=8))
def test_engine_always_answers_and_keeps_the_database_consistent(
    engine: Engine, loop: asyncio.AbstractEventLoop, conversation: list[tuple[str, str, str | None, str]]
) -> None:
    for user, text, action, kind in conversation:
        incoming = Incoming("web", user, text, action=action, kind=kind)
        replies = loop.run_until_complete(engine.handle(incoming))
        assert replies and all(isinstance(r, Reply) for r in replies)
        assert all(isinstance(r.text, str) for r in replies)
        assert any(r.text.strip() or r.buttons for r in replies)
        assert all(len(r.text) < 20_000 for r in replies)  # a 100 KB message is never echoed whole
    check_database(engine.settings.db)


def test_engine_survives_every_tricky_string_on_every_path(engine: Engine, loop: asyncio.AbstractEventLoop) -> None:
    """The fixed nasty inputs, each as a question, as an answer inside a questionnaire, and
    as a button's payload: deterministic, so a regression shows up on every run."""
    for text in SQLISH + TRICKY + ["长" * 100_000]:
        for incoming in (Incoming("web", "t1", text), Incoming("web", "t1", text, action=f"x:{text[:30]}", kind="button"),
                         Incoming("web", "t1", "", action="p:internship", kind="button"), Incoming("web", "t1", text)):
            assert loop.run_until_complete(engine.handle(incoming))
    check_database(engine.settings.db)
    tables = {r[0] for r in sqlite3.connect(engine.settings.db).execute("SELECT name FROM sqlite_master")}
    assert {"sessions", "events", "schema_version"} <= tables


# --------------------------------------------------------------------------- web API


class EchoEngine:
    """Quotes the user's text back: the worst case for markup in a reply."""

    async def handle(self, incoming: Incoming) -> list[Reply]:
        return [Reply(f"您说：{incoming.text}{incoming.action or ''}")]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(EchoEngine(), Settings(), limiter=RateLimiter(per_minute=0), metrics=Metrics())
    with TestClient(app) as test_client:
        yield test_client


def _check_json_reply(response) -> dict:
    assert response.status_code != 500
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert not any(ch in response.content for ch in b"<>&")
    body = response.json()
    assert isinstance(body["replies"], list) and body["replies"]
    return body


@FUZZ
@given(body=st.binary(max_size=300))
def test_web_api_arbitrary_bytes_are_400_never_500(client: TestClient, body: bytes) -> None:
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    try:
        data = json.loads(body)
        valid = isinstance(data, dict) and isinstance(data.get("user"), str)
    except (ValueError, RecursionError):
        valid = False
    if not valid:
        assert response.status_code == 400
    _check_json_reply(response)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@FUZZ
@given(
    user=st.one_of(st.just("resident-fuzz-01"), json_values),
    text=st.one_of(st.text(max_size=200), json_values, st.sampled_from(TRICKY)),
    action=st.one_of(st.none(), st.text(max_size=80), json_values),
    kind=st.one_of(st.none(), st.sampled_from(KINDS), json_values),
)
def test_web_api_arbitrary_json_fields_are_answered_or_refused_cleanly(
    client: TestClient, user: object, text: object, action: object, kind: object
) -> None:
    body = json.dumps({"user": user, "text": text, "action": action, "kind": kind}).encode()
    if len(body) > MAX_BODY_BYTES:
        return
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code in (200, 400)
    data = _check_json_reply(response)
    if response.status_code == 200 and isinstance(text, str):
        # Markup typed by a user comes back as data, escaped in the JSON, intact once parsed.
        assert data["replies"][0]["text"].startswith("您说：")


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(min_value=MAX_BODY_BYTES + 1, max_value=MAX_BODY_BYTES * 8))
def test_web_api_oversized_bodies_are_413(client: TestClient, size: int) -> None:
    body = json.dumps({"user": "resident-fuzz-01", "text": "长" * (size // 3)}).encode()
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    _check_json_reply(response)


def test_lone_surrogates_in_json_are_replaced_not_a_server_error(client: TestClient) -> None:
    body = b'{"user": "resident-fuzz-01", "text": "\\ud800\\udfff\\ud83d", "action": "x:\\udc00"}'
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert "\ufffd" in response.json()["replies"][0]["text"]


def test_html_in_a_real_answer_is_escaped(answerer: Answerer, tmp_path: Path) -> None:
    settings_ = Settings(db=tmp_path / "bot.sqlite3", salt="s")
    box: dict[str, Engine] = {}

    class LateEngine:
        async def handle(self, incoming: Incoming) -> list[Reply]:
            return await box["engine"].handle(incoming)

    async def open_engine() -> Engine:
        return Engine(await Store.open(settings_.db, settings_.salt), answerer, settings_)

    with TestClient(create_app(LateEngine(), settings_, metrics=Metrics())) as test_client:
        box["engine"] = test_client.portal.call(open_engine)
        try:
            for text in ("<img src=x onerror=alert(1)>见习补贴", "<script>alert('x')</script>", "&lt;b&gt;"):
                response = test_client.post("/api/chat", json={"user": "resident-html-1", "text": text})
                assert response.status_code == 200
                _check_json_reply(response)
        finally:
            test_client.portal.call(box["engine"].close)


# --------------------------------------------------------------------------- Telegram webhook


@pytest.fixture(scope="module")
def webhook_client() -> Iterator[TestClient]:
    settings_ = Settings(telegram_token="123456:TEST-token", telegram_mode="webhook",
                         telegram_webhook_url="https://bot.example.org/telegram/webhook",
                         telegram_webhook_secret="the-right-secret")
    application = build_application(EchoEngine(), settings_)
    app = create_app(EchoEngine(), settings_, extra_routes=[webhook_route(application, settings_)], metrics=Metrics())
    with TestClient(app) as test_client:
        yield test_client


@FUZZ
@given(secret=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40))
def test_webhook_with_a_wrong_secret_is_403(webhook_client: TestClient, secret: str) -> None:
    if secret == "the-right-secret":
        return
    response = webhook_client.post(WEBHOOK_PATH, json={"update_id": 1},
                                   headers={"X-Telegram-Bot-Api-Secret-Token": secret})
    assert response.status_code == 403
