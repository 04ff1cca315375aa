"""Persistent state in one SQLite file (aiosqlite): sessions and the message log.

- Sessions are keyed by a salted hash of (channel, user id): the raw id is never stored, yet
  the same person finds their questionnaire again, even after a kill -9, because every turn
  is committed before the reply is sent.
- The message log feeds staff reports (what people asked, what was answered, which campaign
  brought them). It never holds answers to questionnaire questions (age, disability, 低保):
  only that a questionnaire was started or completed.
- WAL mode lets readers (reports) run while the bot writes; a schema_version table and an
  ordered list of migrations let later versions change the schema in place.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import json
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

from dialog.fastjson import dumps_text

MIGRATIONS: list[str] = [
    # 1: sessions and the message log
    """
    CREATE TABLE sessions (
        user_key TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts REAL NOT NULL,
        channel TEXT NOT NULL,
        user_key TEXT NOT NULL,
        campaign TEXT,
        kind TEXT NOT NULL,
        text TEXT,
        clause TEXT,
        faq TEXT,
        confidence REAL,
        answered INTEGER,
        program TEXT
    );
    CREATE INDEX events_ts ON events(ts);
    CREATE INDEX events_user ON events(user_key);
    """,
]


@dataclass
class Session:
    """Where one person is in the conversation. JSON-serialised into sessions.data."""

    mode: str = "idle"  # idle | questionnaire | finder | confirm_forget | resume
    program: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)  # answered question ids, for 上一步
    campaign: str | None = None
    last_clause: str | None = None  # for 查看原文
    last_buttons: list[list[str]] = field(default_factory=list)  # [label, action] of the last reply
    awaiting_number: bool = False  # the last reply asked for a typed number
    pending_text: str | None = None  # an answer typed when the questionnaire had gone stale
    finder_answers: dict[str, Any] = field(default_factory=dict)  # to prefill a program after the finder
    last_program: str | None = None  # the program of the last answer or result (测一测, follow-ups)
    lead_text: str | None = None  # the last free question (masked), read for facts if a questionnaire follows
    flags: dict[str, str] = field(default_factory=dict)  # question id -> "hedged / approximate" note for the result
    # The questionnaire just finished ({program, answers, history, flags}), kept for one more message
    # only, so that 上一步 or 不对 … right after a result can still change an answer.
    finished: dict[str, Any] | None = None
    updated_at: float = 0.0
    questionnaire_at: float = 0.0  # when the questionnaire was last touched

    def to_json(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if k != "updated_at"}
        return dumps_text(data)

    @classmethod
    def from_json(cls, text: str, updated_at: float) -> Session:
        data = json.loads(text)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "updated_at"}
        return cls(**known, updated_at=updated_at)


@dataclass(frozen=True)
class Event:
    kind: str  # start | question | questionnaire_started | questionnaire_completed | button | other
    text: str | None = None  # only the free question a resident asked
    clause: str | None = None
    faq: str | None = None
    confidence: float | None = None
    answered: bool | None = None
    program: str | None = None


_UPSERT_SESSIONS = (
    "INSERT INTO sessions (user_key, channel, data, created_at, updated_at) VALUES {values} "
    "ON CONFLICT(user_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at"
)
_INSERT_EVENTS = (
    "INSERT INTO events (ts, channel, user_key, campaign, kind, text, clause, faq, confidence, answered, program)"
    " VALUES {values}"
)
# Rows per multi-row INSERT, largest first: a batch of n rows is written as at most one
# statement of each size (its binary digits), so a round makes a handful of sqlite3 calls
# instead of one per row, and the few distinct SQL texts stay in sqlite3's statement cache.
# Sizes whose bound variables exceed the connection's limit are skipped: SQLite before 3.32
# (RHEL 8's 3.26) allows 999 per statement, later versions 32,766 (Debian 12's build 250,000).
_ROWS_PER_INSERT = (256, 128, 64, 32, 16, 8, 4, 2, 1)
# A cached session is handed over without asking the file when data_version was read this
# recently: under load every round reads it, so busy conversations skip the round trip; a
# quiet bot asks the file first, so an external `policybot forget` is never missed for long.
CACHE_FRESH_SECONDS = 0.5
_LOAD_CHUNK = 500  # keys per SELECT … IN (…), well under SQLite's limit on bound variables


@dataclass
class _PendingSave:
    session: Session
    session_row: tuple[Any, ...]
    events: list[Event]
    event_rows: list[tuple[Any, ...]]
    done: asyncio.Future[None]


class Store:
    """Sessions and the log on one aiosqlite connection, with *group commit*.

    Every call to aiosqlite is a round trip to its worker thread (a queue put, a thread wake-up,
    a call back into the event loop), and every commit appends a WAL frame. Under load most of
    a turn's cost was those round trips, not SQLite's work. So loads and saves are queued and a
    single pump drains the queues in rounds: whatever accumulated while the previous round was
    in the database goes together, as one function run in aiosqlite's thread that commits all
    the queued turns in one transaction and then reads all the queued sessions with one
    SELECT … IN (…). Alone, a turn costs what it did before (the pump starts at once, nothing
    waits for a timer); with 200 people typing, one commit carries dozens of turns.

    The guarantees are unchanged: `save` returns only once its transaction is committed, so a
    reply is never sent for a turn that a kill -9 could lose; a failed batch (database locked,
    read-only, disk full) is rolled back whole and every turn in it gets the error; a person's
    own turns stay in order because the engine holds a per-person lock from load to save.

    Recently committed sessions are also kept in memory (a write-through cache of
    `cache_size` people), so the next turn of someone in a conversation skips parsing their
    row. The cache is only trusted while nothing else wrote to the file: every round reads
    SQLite's `data_version`, which changes when another connection commits (a staff
    `policybot forget` or `purge` in another process), and then the cache is dropped; a
    cached session is handed over without a round only within CACHE_FRESH_SECONDS of such a
    check (the same window in which another process's write could land between a turn's
    load and its save anyway). A
    cached session is handed over, not shared: `load` takes it out and only a committed `save`
    puts it back, so a turn that failed half-way leaves nothing half-changed behind.
    """

    def __init__(self, db: aiosqlite.Connection, salt: str) -> None:
        self.db = db
        self._salt = salt.encode("utf-8")
        # One connection serves every user; a write lock keeps each batch of turns (and a
        # forget or purge) in its own transaction: no commit carries half of another's work.
        self._write_lock = asyncio.Lock()
        self.session_days: float | None = None  # sessions idle longer than this are purged
        self._loads: dict[str, list[asyncio.Future[Session]]] = {}
        self._saves: list[_PendingSave] = []
        self._pump_task: asyncio.Task[None] | None = None
        self.batches = 0  # transactions committed by the pump (for benchmarks and tests)
        self.batched_saves = 0
        self.cache_size = 2000
        self._cache: OrderedDict[str, Session] = OrderedDict()
        self._data_version: int | None = None  # as last read on this connection
        self._validated_at = float("-inf")  # loop time before the last data_version read
        self.cache_hits = 0
        # Called with each committed turn's events, in the event loop (metrics count answered
        # questions here: only what reached the database counts).
        self.on_commit: list[Callable[[list[Event]], None]] = []
        self._user_keys: dict[tuple[str, str], str] = {}

    @classmethod
    async def open(cls, path: Path, salt: str) -> Store:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(str(path))
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA busy_timeout=5000")
        await db.execute("PRAGMA foreign_keys=ON")
        store = cls(db, salt)
        await store.migrate()
        rows = await db.execute_fetchall("PRAGMA data_version")
        store._data_version = next(iter(rows))[0]
        return store

    async def close(self) -> None:
        if self._pump_task is not None:  # let queued turns commit before the connection goes
            await asyncio.gather(self._pump_task, return_exceptions=True)
        await self.db.close()

    async def migrate(self) -> int:
        """Bring the schema to the latest version; returns the version."""
        await self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        async with self.db.execute("SELECT version FROM schema_version") as cur:
            row = await cur.fetchone()
        version = row[0] if row else 0
        if row is None:
            await self.db.execute("INSERT INTO schema_version (version) VALUES (0)")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            await self.db.executescript(f"BEGIN; {script}; UPDATE schema_version SET version = {number}; COMMIT;")
            version = number
        await self.db.commit()
        return version

    def user_key(self, channel: str, user: str) -> str:
        """Salted hash of the channel's user id: stable for the same person, not reversible.
        Remembered for the people of the moment (every message of a conversation needs it)."""
        key = self._user_keys.get((channel, user))
        if key is None:
            if len(self._user_keys) >= 10_000:
                self._user_keys.clear()
            digest = hmac.new(self._salt, f"{channel}:{user}".encode(), hashlib.sha256).hexdigest()
            key = self._user_keys[(channel, user)] = digest[:32]
        return key

    async def load(self, user_key: str) -> Session:
        """The person's session (a fresh one if none is stored, or if the stored one is damaged:
        a bad row must not lock the person out)."""
        loop = asyncio.get_running_loop()
        if loop.time() - self._validated_at < CACHE_FRESH_SECONDS and user_key not in self._loads:
            # The cache was checked against the file a moment ago (every round reads
            # data_version): hand the session over at once, without a round trip.
            session = self._cache.pop(user_key, None)
            if session is not None:
                self.cache_hits += 1
                return session
        future: asyncio.Future[Session] = loop.create_future()
        self._loads.setdefault(user_key, []).append(future)
        self._start_pump()
        return await future

    async def save(self, user_key: str, channel: str, session: Session, events: list[Event], campaign: str | None) -> None:
        """Persist the session and this turn's log events; returns once they are committed."""
        now = time.time()
        session.updated_at = now
        pending = _PendingSave(
            session,
            (user_key, channel, session.to_json(), now, now),
            events,
            [(now, channel, user_key, campaign, e.kind, e.text, e.clause, e.faq, e.confidence,
              None if e.answered is None else int(e.answered), e.program) for e in events],
            asyncio.get_running_loop().create_future(),
        )
        self._saves.append(pending)
        self._start_pump()
        await pending.done

    def _start_pump(self) -> None:
        if self._pump_task is None or self._pump_task.done():
            self._pump_task = asyncio.get_running_loop().create_task(self._pump())

    async def _pump(self) -> None:
        """Drain the queues until they stay empty. Each round is one job in aiosqlite's thread:
        the saves queued so far in one transaction, then the loads queued so far in one query,
        so the worker never waits for the event loop between the steps of a round."""
        while self._saves or self._loads:
            batch, self._saves = self._saves, []
            loads, self._loads = self._loads, {}
            misses = [key for key in loads if key not in self._cache]
            submitted = asyncio.get_running_loop().time()
            job = functools.partial(
                _write_then_read,
                [pending.session_row for pending in batch],
                [row for pending in batch for row in pending.event_rows],
                misses,
            )
            try:
                async with self._write_lock:
                    outcome = await self._in_db_thread(job)
            except BaseException as exc:  # the connection is gone, or shutdown cancelled us
                for pending in batch:
                    _fail(pending.done, exc)
                for futures in loads.values():
                    for future in futures:
                        _fail(future, exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            self._finish_saves(batch, outcome.write_error)
            self._finish_loads(loads, set(misses), outcome)
            if outcome.read_error is None:
                self._validated_at = submitted  # data_version was read after this moment

    async def _in_db_thread(self, job: Callable[[sqlite3.Connection], _Outcome]) -> _Outcome:
        """Run `job(connection)` in aiosqlite's worker thread as one queued call. This uses
        aiosqlite's `_execute` (its only way to run a function there); pyproject pins the
        versions it was checked with, and tests/test_store.py fails loudly if it disappears."""
        return await self.db._execute(job, self.db._conn)

    def _finish_saves(self, batch: list[_PendingSave], error: Exception | None) -> None:
        if not batch:
            return
        if error is not None:  # every turn of the batch fails alike: each caller reports it
            for pending in batch:
                _fail(pending.done, error)
            return
        self.batches += 1
        self.batched_saves += len(batch)
        for pending in batch:
            self._remember(pending.session_row[0], pending.session)
            if not pending.done.done():
                pending.done.set_result(None)
        for callback in self.on_commit:
            for pending in batch:
                if pending.events:
                    callback(pending.events)

    def _finish_loads(self, loads: dict[str, list[asyncio.Future[Session]]], misses: set[str],
                      outcome: _Outcome) -> None:
        if outcome.read_error is not None:
            for futures in loads.values():
                for future in futures:
                    _fail(future, outcome.read_error)
            return
        if outcome.data_version != self._data_version:  # another process committed
            self._cache.clear()
            self._data_version = outcome.data_version
        rows = {key: (data, updated_at) for key, data, updated_at in outcome.rows}
        for key, futures in loads.items():
            if key in misses:
                row = rows.get(key)
                session = _parse_session(*row) if row is not None else None
            else:
                session = self._cache.pop(key, None)
                if session is None:
                    # Counted as cached, but the cache was emptied meanwhile (another process
                    # wrote, a purge, a forget): read it from the file in the next round.
                    self._loads.setdefault(key, []).extend(futures)
                    continue
                self.cache_hits += 1
            self._resolve(futures, session)

    @staticmethod
    def _resolve(futures: list[asyncio.Future[Session]], session: Session | None) -> None:
        for i, future in enumerate(futures):
            if future.done():
                continue
            if session is None:
                future.set_result(Session())
            elif i == len(futures) - 1:
                future.set_result(session)
            else:  # two callers for one person (not the engine's way) each get their own copy
                future.set_result(Session.from_json(session.to_json(), session.updated_at))

    def _remember(self, user_key: str, session: Session) -> None:
        if self.cache_size <= 0:
            return
        self._cache[user_key] = session
        self._cache.move_to_end(user_key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    async def check_writable(self) -> None:
        """Take the database's write lock and let it go (raises when it cannot be had: locked
        by another process past busy_timeout, read-only, disk gone). Under the store's own
        lock: on the shared connection, a health check's BEGIN/ROLLBACK between a batch's
        INSERT and its COMMIT would roll that batch back while its replies say it was saved."""
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            await self.db.rollback()

    async def _rollback(self) -> None:
        """End a write transaction that failed (database locked, read-only, disk full): left
        open, it would make /healthz fail until some later batch commits, and that commit would
        carry whatever part of the failed batch had been written."""
        with contextlib.suppress(Exception):
            await self.db.rollback()

    async def forget(self, user_key: str) -> int:
        """Delete everything stored about one person; returns the rows deleted."""
        self._cache.pop(user_key, None)
        async with self._write_lock:
            try:
                cur1 = await self.db.execute("DELETE FROM sessions WHERE user_key = ?", (user_key,))
                cur2 = await self.db.execute("DELETE FROM events WHERE user_key = ?", (user_key,))
                await self.db.commit()
            except BaseException:
                await self._rollback()
                raise
        return (cur1.rowcount or 0) + (cur2.rowcount or 0)

    async def purge(self, older_than_days: float, now: float | None = None) -> int:
        """Delete log events and idle sessions older than the retention period; returns rows."""
        now = now if now is not None else time.time()
        cutoff = now - older_than_days * 86400
        # A session holds questionnaire answers (age, disability, 低保): it goes sooner.
        session_cutoff = now - min(older_than_days, self.session_days or older_than_days) * 86400
        self._cache.clear()
        async with self._write_lock:
            try:
                cur1 = await self.db.execute("DELETE FROM events WHERE ts < ?", (cutoff,))
                cur2 = await self.db.execute("DELETE FROM sessions WHERE updated_at < ?", (session_cutoff,))
                await self.db.commit()
            except BaseException:
                await self._rollback()
                raise
        return (cur1.rowcount or 0) + (cur2.rowcount or 0)

    async def count(self, table: str, user_key: str | None = None) -> int:
        if table not in ("sessions", "events"):
            raise ValueError(table)
        sql = f"SELECT COUNT(*) FROM {table}" + (" WHERE user_key = ?" if user_key else "")
        async with self.db.execute(sql, (user_key,) if user_key else ()) as cur:
            row = await cur.fetchone()
        return int(row[0])


@dataclass
class _Outcome:
    write_error: Exception | None
    read_error: Exception | None
    data_version: int | None
    rows: list[tuple[str, str, float]]


def _write_then_read(sessions: list[tuple[Any, ...]], events: list[tuple[Any, ...]], keys: list[str],
                     conn: sqlite3.Connection) -> _Outcome:
    """One pump round, in aiosqlite's thread: commit the queued turns (all or nothing), then
    read `data_version` and the sessions not in the cache. A failed write does not stop the
    reads, and a failed read does not undo the committed write: each is reported apart."""
    write_error: Exception | None = None
    if sessions:
        try:
            _insert_many(conn, _UPSERT_SESSIONS, sessions)
            _insert_many(conn, _INSERT_EVENTS, events)
            conn.commit()
        except Exception as exc:  # locked, read-only, disk full: roll the whole batch back
            write_error = exc
            with contextlib.suppress(Exception):
                conn.rollback()
    rows: list[tuple[str, str, float]] = []
    try:
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        for i in range(0, len(keys), _LOAD_CHUNK):
            chunk = keys[i:i + _LOAD_CHUNK]
            sql = f"SELECT user_key, data, updated_at FROM sessions WHERE user_key IN ({','.join('?' * len(chunk))})"
            rows.extend(conn.execute(sql, chunk).fetchall())
    except Exception as exc:
        return _Outcome(write_error, exc, None, [])
    return _Outcome(write_error, None, version, rows)


def _insert_many(conn: sqlite3.Connection, template: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert `rows` in order with a few multi-row statements rather than `executemany`.

    Why: sqlite3 releases the GIL around every statement step, and taking it back while the
    event loop is busy costs this thread up to a switch interval (5 ms). One step per row made
    a round of 50 turns wait on the event loop 100 times; multi-row statements make it ~5."""
    if not rows:
        return
    width = len(rows[0])
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    start = 0
    for size in _ROWS_PER_INSERT:
        if size > 1 and size * width > limit:
            continue
        while len(rows) - start >= size:
            chunk = rows[start:start + size]
            conn.execute(_multi_row_sql(template, width, size), [value for row in chunk for value in row])
            start += size


@functools.lru_cache(maxsize=64)
def _multi_row_sql(template: str, width: int, rows: int) -> str:
    placeholders = "(" + ", ".join("?" * width) + ")"
    return template.format(values=", ".join([placeholders] * rows))


def _parse_session(data: str, updated_at: float) -> Session:
    try:
        return Session.from_json(data, updated_at)
    except (ValueError, TypeError):
        return Session()  # a damaged row must not lock the person out: start afresh


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if future.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
    else:
        future.set_exception(exc)
