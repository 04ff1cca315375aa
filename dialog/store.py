"""Persistent state in one SQLite file: sessions and the message log.

- Sessions are keyed by a salted hash of (channel, user id): the raw id is never stored, yet
  the same person finds their questionnaire again, even after a kill -9 or a power cut,
  because every turn is committed with `synchronous=FULL` (the WAL is fsynced) before the
  reply is sent.
- The message log feeds staff reports (what people asked, what was answered, which campaign
  brought them). It never holds answers to questionnaire questions (age, disability, 低保):
  only that a questionnaire was started or completed. Nothing typed after a command that
  carries a secret (`/admin <token>`) is ever stored (`carries_secret`).
- Deleting a person (`forget`) wins over every cache, here or in another process, and leaves
  nothing behind in the file: `secure_delete` zeroes the freed cells and a TRUNCATE checkpoint
  empties the WAL that held the old pages.
- WAL mode lets readers (reports, on their own connections) run while the bot writes; a
  schema_version table and an ordered list of migrations let later versions change the schema
  in place.

This is the embedded default backend of the store interface (`dialog.storage.base.SessionStore`;
`dialog.storage.open_store` picks it, or PostgreSQL for several processes). One process only:
its per-person turn order and its caches are in memory. The records (Session, Event) and the
errors live in `dialog.storage.base` and are re-exported here, so `from dialog.store import …`
keeps working.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import logging
import sqlite3
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from dialog.storage.base import (
    MAX_PURGE_GAP_SECONDS,
    PROBE_BYTES,
    SECRET_COMMANDS,
    ClockJumped,
    DatabaseUnusable,
    Event,
    Session,
    WriteError,
    carries_secret,
    event_row,
    parse_session,
    purge_refusal,
    scrub_session,
)

__all__ = ["CACHE_FRESH_SECONDS", "MAX_PURGE_GAP_SECONDS", "MIGRATIONS", "PROBE_BYTES", "SECRET_COMMANDS",
           "ClockJumped", "DatabaseUnusable", "Event", "Session", "Store", "WriteError", "carries_secret",
           "checkpoint_truncate"]

log = logging.getLogger("policybot.store")

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
    # 2: small facts about the store itself: when retention last ran (a clock that jumps far
    # ahead must not purge the log), and the health check's real write
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value
    );
    """,
]

# SQLite errors after which a succeeding health probe does not prove that turns can be saved:
# the damage may be in pages the probe never touches. Healthy again once a batch commits.
_STICKY_ERRORS = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


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
    """Sessions and the log on one aiosqlite connection (public API only), with *group commit*.

    Every call into aiosqlite's thread is a round trip (a queue put, a thread wake-up, a call
    back into the event loop), and every commit appends a WAL frame and fsyncs it. Under load
    most of a turn's cost was those, not SQLite's work. So loads and saves are queued and a
    single pump drains the queues in rounds: whatever accumulated while the previous round was
    in the database goes together — one transaction for all the queued turns (BEGIN IMMEDIATE;
    data_version with the check of the stored rows; a few multi-row INSERTs; COMMIT), then one
    SELECT … IN (…) for the queued sessions. Alone, a turn waits for no timer; with 200 people
    typing, one commit (one fsync) carries all of them. It still pays
    (benchmarks/bench_store.py, 2026-11-29, 200 residents, one run of 30 s phases): with the
    pump 7,916 turns/s at saturation and a paced p99 of 14.9 ms; with a commit per turn 451
    turns/s and a paced p99 of 32 ms (953 ms at saturation).

    Why awaited statements rather than one function per round in the database thread (what
    the store did through aiosqlite's private `Connection._execute`, then through a
    hand-written one-thread executor): aiosqlite has no public way to do that, and it costs
    little. Same runs, medians of 3 (2 shared cores, load 2.8–4.5): saturation 8,879 turns/s
    and 0.047 ms CPU per turn here, 10,111 and 0.045 with the wrapper, 11,923 and 0.042 with
    the private call (runs overlap: 7,916–11,645 here); at 100 turns/s (rounds of one turn,
    5 round trips instead of 1) p99 14.9 ms against 9.8 and 9.6 (8.8–19.8 here), and
    0.15–0.22 ms more CPU per turn (0.76 against 0.61 and 0.54) — paid only while the machine
    has CPU to spare; one engine process tops out near 1,000 msg/s.

    The guarantees: `save` returns only once its transaction is committed and, with
    `synchronous=FULL`, the WAL fsynced, so a reply is never sent for a turn that a kill -9 or
    a power cut could lose; a failed batch (database locked, read-only, disk full) is rolled
    back whole and every turn in it gets the error; a person's own turns stay in order because
    the engine holds a per-person lock from load to save.

    Recently committed sessions are also kept in memory (a write-through cache of
    `cache_size` people), so the next turn of someone in a conversation skips parsing their
    row. The cache is only trusted while nothing else wrote to the file: every round reads
    SQLite's `data_version`, which changes when another connection commits (a staff
    `policybot forget` or `purge` in another process), and then the cache is dropped; a
    cached session is handed over without a round only within CACHE_FRESH_SECONDS of such a
    check. A deletion wins even inside that window: a session that was read from a row (or
    committed here) is written back only if its row still exists, checked in the same write
    transaction (BEGIN IMMEDIATE), so a person deleted meanwhile stays deleted, and that turn's
    log events are dropped with it. A cached session is handed over, not shared: `load` takes
    it out and only a committed `save` puts it back, so a turn that failed half-way leaves
    nothing half-changed behind.
    """

    backend = "sqlite"
    shared = False  # one process: turn order and caches are in memory

    def __init__(self, db: aiosqlite.Connection, salt: str, path: Path | None = None) -> None:
        self.db = db  # aiosqlite: one sqlite3 connection in a thread of its own
        self.path = path  # None or ":memory:": no side connections (checkpoints)
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
        # Called with a user key once that person's data is deleted (here, or found deleted by
        # another process when their next turn was saved): in-memory state about them (the
        # rate limiter's bucket) goes too.
        self.on_forget: list[Callable[[str], None]] = []
        self._user_keys: dict[tuple[str, str], str] = {}
        self.last_write_error: WriteError | None = None  # cleared by the next batch that commits
        self._leftovers: asyncio.Task[bool] | None = None  # a checkpoint after forget, retried
        # Bound variables one statement may have (multi-row INSERTs stay under it): the
        # library's default, the same SQLite library aiosqlite's connection uses.
        self.variable_limit = _default_variable_limit()

    @classmethod
    async def open(cls, path: Path, salt: str) -> Store:
        """Open (creating if needed) and migrate the database. Raises DatabaseUnusable, with
        the connection closed (its thread would otherwise keep the process alive), when the
        file cannot be used."""
        db: aiosqlite.Connection | None = None
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
                # Opened once with sqlite3 first (a directory, no permission: the error here):
                # when aiosqlite's own connect fails it stops its thread without waiting for
                # it, and a process that then exits at once sees that thread fail against the
                # closed event loop (a traceback after the one-line error).
                await asyncio.to_thread(_try_open, path)
            db = await aiosqlite.connect(str(path))
            await db.execute("PRAGMA busy_timeout=5000")
            await db.execute("PRAGMA journal_mode=WAL")
            # FULL: the WAL is fsynced at every commit, so a turn acknowledged to a resident
            # survives a power cut too (NORMAL only survives the death of the process). One
            # commit carries a whole round of turns, so the fsync is shared (benchmarks/README.md).
            await db.execute("PRAGMA synchronous=FULL")
            await db.execute("PRAGMA secure_delete=ON")  # deleted rows are zeroed, not left in free space
            await db.execute("PRAGMA foreign_keys=ON")
            store = cls(db, salt, path)
            await store.migrate()
            rows = await db.execute_fetchall("PRAGMA data_version")
            store._data_version = next(iter(rows))[0]
            return store
        except (sqlite3.Error, OSError, ValueError) as exc:
            if db is not None:
                with contextlib.suppress(Exception):
                    await db.close()
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            raise DatabaseUnusable(f"cannot use the database {path}: {reason}") from exc
        except BaseException:
            if db is not None:
                with contextlib.suppress(Exception):
                    await db.close()
            raise

    async def close(self) -> None:
        if self._pump_task is not None:  # let queued turns commit before the connection goes
            await asyncio.gather(self._pump_task, return_exceptions=True)
        if self._leftovers is not None and not self._leftovers.done():
            self._leftovers.cancel()
            await asyncio.gather(self._leftovers, return_exceptions=True)
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
        """Persist the session and this turn's log events; returns once they are committed
        (or, when the person was deleted meanwhile, once it is certain nothing was written)."""
        now = time.time()
        session.updated_at = now
        scrub_session(session)  # typed text kept for later: never a token
        pending = _PendingSave(
            session,
            (user_key, channel, session.to_json(), now, now),
            events,
            [event_row(now, channel, user_key, campaign, e) for e in events],
            asyncio.get_running_loop().create_future(),
        )
        self._saves.append(pending)
        self._start_pump()
        await pending.done

    def _start_pump(self) -> None:
        if self._pump_task is None or self._pump_task.done():
            self._pump_task = asyncio.get_running_loop().create_task(self._pump())

    async def _pump(self) -> None:
        """Drain the queues until they stay empty. Each round is one transaction for the saves
        queued so far, then one query for the loads queued so far (`_write_then_read`)."""
        while self._saves or self._loads:
            batch, self._saves = self._saves, []
            loads, self._loads = self._loads, {}
            misses = [key for key in loads if key not in self._cache]
            submitted = asyncio.get_running_loop().time()
            try:
                async with self._write_lock:
                    outcome = await self._write_then_read(
                        [pending.session_row for pending in batch],
                        [row for pending in batch for row in pending.event_rows],
                        [pending.session_row[0] for pending in batch if pending.session.stored],
                        misses,
                    )
            except BaseException as exc:  # the connection is gone, or shutdown cancelled us
                for pending in batch:
                    _fail(pending.done, exc)
                for futures in loads.values():
                    for future in futures:
                        _fail(future, exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            self._finish_saves(batch, outcome)
            self._finish_loads(loads, set(misses), outcome)
            if outcome.read_error is None:
                self._validated_at = submitted  # data_version was read after this moment

    async def _write_then_read(self, sessions: list[tuple[Any, ...]], events: list[tuple[Any, ...]],
                               stored: list[str], keys: list[str]) -> _Outcome:
        """One pump round (under the write lock): commit the queued turns (all or nothing),
        then read `data_version` and the sessions not in the cache. A failed write does not
        stop the reads, and a failed read does not undo the committed write: each is reported
        apart. Raises only when the round itself was cancelled or the connection is closed.

        `stored` are the keys whose sessions were read from a row: the write lock is taken first
        (BEGIN IMMEDIATE), and any of them whose row is gone by then was deleted by someone else
        (`policybot forget`, a purge), so neither its session nor its events are written."""
        db = self.db
        write_error: Exception | None = None
        vanished: frozenset[str] = frozenset()
        version: int | None = None
        if sessions:
            try:
                if not db.in_transaction:  # (a caller's own open transaction is carried, as before)
                    await db.execute("BEGIN IMMEDIATE")
                # data_version read under the write lock: no other connection can commit before
                # this one does, so it is what a read after the commit would give — read with
                # the check of the stored rows, one round trip instead of two.
                version, existing = await self._version_and_existing(stored)
                if stored:
                    vanished = frozenset(stored) - existing
                    if vanished:
                        sessions = [row for row in sessions if row[0] not in vanished]
                        events = [row for row in events if row[2] not in vanished]
                for sql, params in _insert_statements(_UPSERT_SESSIONS, sessions, self.variable_limit):
                    await db.execute(sql, params)
                for sql, params in _insert_statements(_INSERT_EVENTS, events, self.variable_limit):
                    await db.execute(sql, params)
                await db.commit()
            except Exception as exc:  # locked, read-only, disk full: roll the whole batch back
                write_error = exc
                vanished = frozenset()
                version = None
                await self._rollback()
            except BaseException:  # cancelled half-way: nothing of the batch may stay pending
                await asyncio.shield(self._rollback())
                raise
        rows: list[tuple[str, str, float]] = []
        try:
            if version is None:
                version = (await db.execute_fetchall("PRAGMA data_version"))[0][0]
            for i in range(0, len(keys), _LOAD_CHUNK):
                chunk = keys[i:i + _LOAD_CHUNK]
                sql = f"SELECT user_key, data, updated_at FROM sessions WHERE user_key IN ({','.join('?' * len(chunk))})"
                rows.extend(await db.execute_fetchall(sql, chunk))
        except Exception as exc:
            return _Outcome(write_error, exc, None, [], vanished)
        return _Outcome(write_error, None, version, rows, vanished)

    async def _version_and_existing(self, keys: list[str]) -> tuple[int, frozenset[str]]:
        """This connection's `data_version` and which of `keys` have a session row, in as
        many queries as there are chunks of keys (one when there are none)."""
        version_sql = "SELECT data_version, NULL FROM pragma_data_version"
        if not keys:
            return (await self.db.execute_fetchall(version_sql))[0][0], frozenset()
        version = -1  # replaced by the first chunk's row (else: a mismatch, the cache is dropped)
        found: set[str] = set()
        for i in range(0, len(keys), _LOAD_CHUNK):
            chunk = keys[i:i + _LOAD_CHUNK]
            sql = f"SELECT NULL, user_key FROM sessions WHERE user_key IN ({','.join('?' * len(chunk))})"
            for data_version, key in await self.db.execute_fetchall(f"{version_sql} UNION ALL {sql}" if i == 0 else sql,
                                                                    chunk):
                if key is None:
                    version = data_version
                else:
                    found.add(key)
        return version, frozenset(found)

    async def in_thread(self, job: Callable[[sqlite3.Connection], Any]) -> Any:
        """`job(connection)` in a worker thread (`asyncio.to_thread`) on a read-only `sqlite3`
        connection of its own, never the store's: what `dialog.reports.aggregate` takes. A
        file is opened read-only (mode=ro, WAL readers do not hold up turns); an in-memory
        database, which no second connection can open, is first copied with aiosqlite's
        `backup` (under the write lock: a consistent copy) into a private in-memory one.
        Whatever `job` raises is raised here; writes raise sqlite3.OperationalError."""
        if self.report_source is not None:
            return await asyncio.to_thread(_run_read_only, Path(self.report_source), job)
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        try:
            async with self._write_lock:
                await self.db.backup(snapshot)
            snapshot.execute("PRAGMA query_only=ON")
            return await asyncio.to_thread(job, snapshot)
        finally:
            snapshot.close()

    @contextlib.asynccontextmanager
    async def turn_lock(self, user_key: str) -> AsyncIterator[None]:
        """Nothing to take: one process owns the file, and the engine's in-memory lock already
        runs one person's turns one at a time."""
        yield

    @property
    def report_source(self) -> Path | None:
        """The file reports open read-only in a process of their own; None for ":memory:"."""
        return None if self.path is None or str(self.path) == ":memory:" else Path(self.path)

    def _finish_saves(self, batch: list[_PendingSave], outcome: _Outcome) -> None:
        if not batch:
            return
        error = outcome.write_error
        if error is not None:  # every turn of the batch fails alike: each caller reports it
            self.last_write_error = WriteError(time.time(), _error_name(error), str(error),
                                               sum(_row_bytes(p) for p in batch))
            for pending in batch:
                _fail(pending.done, error)
            return
        self.last_write_error = None
        self.batches += 1
        self.batched_saves += len(batch)
        kept = [pending for pending in batch if pending.session_row[0] not in outcome.vanished]
        for pending in batch:
            key = pending.session_row[0]
            if key in outcome.vanished:
                # Deleted by another process since it was read: nothing was written, nothing
                # is remembered, and the person's next turn starts afresh.
                pending.session.stored = False
                self._cache.pop(key, None)
            else:
                pending.session.stored = True
                self._remember(key, pending.session)
            if not pending.done.done():
                pending.done.set_result(None)
        for key in outcome.vanished:
            self._notify_forget(key)
        for callback in self.on_commit:
            for pending in kept:
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
                session = parse_session(*row) if row is not None else None
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
                copy = Session.from_json(session.to_json(), session.updated_at)
                copy.stored = session.stored
                future.set_result(copy)

    def _remember(self, user_key: str, session: Session) -> None:
        if self.cache_size <= 0:
            return
        self._cache[user_key] = session
        self._cache.move_to_end(user_key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _notify_forget(self, user_key: str) -> None:
        self._cache.pop(user_key, None)
        for who in [who for who, key in self._user_keys.items() if key == user_key]:
            del self._user_keys[who]  # the raw id in memory goes too
        for callback in self.on_forget:
            try:
                callback(user_key)
            except Exception:  # noqa: BLE001 - a listener's bug must not undo the deletion
                log.exception("on_forget listener failed")

    # ------------------------------------------------------------------ health

    async def check_writable(self) -> None:
        """Raise unless turns can be saved now: a real write (a row of at least PROBE_BYTES,
        or of the last failed batch's size, inserted and deleted in one committed transaction,
        so it needs new pages and WAL space like a batch of turns), and no unrecovered
        corruption error from the last batch (a probe elsewhere in the file cannot vouch for
        the pages that failed). Under the store's own lock, so that it never lands between a
        batch's INSERT and its COMMIT on the shared connection."""
        failed = self.last_write_error
        size = max(PROBE_BYTES, failed.batch_bytes if failed else 0)
        async with self._write_lock:
            await self._probe_write(size, time.time())
        failed = self.last_write_error
        if failed is not None and failed.name in _STICKY_ERRORS:
            raise sqlite3.DatabaseError(f"the last batch of turns failed: {failed.name}: {failed.message}")
        self.last_write_error = None  # a write as large as the failed batch went through

    async def _probe_write(self, size: int, now: float) -> None:
        """The health check's real write: a row of `size` bytes inserted and deleted, and the
        time of the check kept, in one committed transaction (rolled back on failure)."""
        try:
            await self.db.execute("BEGIN IMMEDIATE")
            await self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('health_probe', zeroblob(?))", (size,))
            await self.db.execute("DELETE FROM meta WHERE key = 'health_probe'")
            await self.db.execute("INSERT INTO meta (key, value) VALUES ('health_checked_at', ?) "
                                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (now,))
            await self.db.commit()
        except BaseException:
            await asyncio.shield(self._rollback())
            raise

    async def _rollback(self) -> None:
        """End a write transaction that failed (database locked, read-only, disk full): left
        open, it would make /healthz fail until some later batch commits, and that commit would
        carry whatever part of the failed batch had been written."""
        with contextlib.suppress(Exception):
            await self.db.rollback()

    # ------------------------------------------------------------------ deleting

    async def forget(self, user_key: str) -> int:
        """Delete everything stored about one person; returns the rows deleted.

        The rows are deleted with secure_delete (their bytes zeroed in the pages), the person's
        in-memory state goes (session cache, id hash, `on_forget` listeners such as the rate
        limiter), and a TRUNCATE checkpoint then empties the WAL, which still held the pages as
        they were before the deletion (question texts, the user key). The checkpoint runs on a
        side connection and is retried for a while if a reader (a report) is in the way; see
        `erase_leftovers`."""
        self._cache.pop(user_key, None)
        async with self._write_lock:
            try:
                cur1 = await self.db.execute("DELETE FROM sessions WHERE user_key = ?", (user_key,))
                cur2 = await self.db.execute("DELETE FROM events WHERE user_key = ?", (user_key,))
                await self.db.commit()
            except BaseException:
                await self._rollback()
                raise
        self._notify_forget(user_key)
        if await self.erase_leftovers(attempts=1) is False and (self._leftovers is None or self._leftovers.done()):
            self._leftovers = asyncio.get_running_loop().create_task(self.erase_leftovers())
        return (cur1.rowcount or 0) + (cur2.rowcount or 0)

    async def erase_leftovers(self, attempts: int = 8, first_wait: float = 0.5) -> bool | None:
        """Checkpoint the WAL into the file and truncate it to zero bytes, so that pages from
        before a deletion are nowhere on disk. True when done, False when readers kept it from
        finishing `attempts` times (waits double from `first_wait` s), None for an in-memory
        database. On a side connection with a short busy timeout: a TRUNCATE checkpoint holds
        the write lock while it waits for readers, and the chat's writer must not wait long."""
        if self.path is None or str(self.path) == ":memory:":
            return None
        wait = first_wait
        for attempt in range(attempts):
            if await asyncio.to_thread(checkpoint_truncate, Path(self.path)):
                return True
            if attempt + 1 < attempts:
                await asyncio.sleep(wait)
                wait *= 2
        log.warning("forget: the WAL could not be truncated (a long read is in the way); "
                    "it is emptied at the next successful checkpoint")
        return False

    async def purge(self, older_than_days: float, now: float | None = None, *, trust_clock: bool = False) -> int:
        """Delete log events and idle sessions older than the retention period; returns rows.

        Raises ClockJumped, deleting nothing, when `now` is more than MAX_PURGE_GAP_SECONDS
        past the last purge (before the first one: past the newest row), unless `trust_clock`
        (a person checked the clock: `policybot purge --trust-clock`). The time of each purge
        is kept in the database; it never moves backwards."""
        now = now if now is not None else time.time()
        cutoff = now - older_than_days * 86400
        # A session holds questionnaire answers (age, disability, 低保): it goes sooner.
        session_cutoff = now - min(older_than_days, self.session_days or older_than_days) * 86400
        async with self._write_lock:
            try:
                last_run = await self._meta_float("purge_last_run")
                reference = last_run if last_run is not None else await self._newest_row()
                refused = None if trust_clock else purge_refusal(now, reference, last_run)
                if refused is not None:
                    raise refused
                self._cache.clear()
                cur1 = await self.db.execute("DELETE FROM events WHERE ts < ?", (cutoff,))
                cur2 = await self.db.execute("DELETE FROM sessions WHERE updated_at < ?", (session_cutoff,))
                await self.db.execute(
                    "INSERT INTO meta (key, value) VALUES ('purge_last_run', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)", (now,))
                await self.db.commit()
            except BaseException:
                await self._rollback()
                raise
        return (cur1.rowcount or 0) + (cur2.rowcount or 0)

    async def _meta_float(self, key: str) -> float | None:
        async with self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return None if row is None or row[0] is None else float(row[0])

    async def _newest_row(self) -> float | None:
        async with self.db.execute("SELECT max(t) FROM (SELECT max(ts) AS t FROM events "
                                   "UNION ALL SELECT max(updated_at) FROM sessions)") as cur:
            row = await cur.fetchone()
        return None if row is None or row[0] is None else float(row[0])

    async def count(self, table: str, user_key: str | None = None) -> int:
        if table not in ("sessions", "events"):
            raise ValueError(table)
        sql = f"SELECT COUNT(*) FROM {table}" + (" WHERE user_key = ?" if user_key else "")
        async with self.db.execute(sql, (user_key,) if user_key else ()) as cur:
            row = await cur.fetchone()
        return int(row[0])


def checkpoint_truncate(path: Path, busy_ms: int = 100) -> bool:
    """`PRAGMA wal_checkpoint(TRUNCATE)` on a connection of its own: every frame copied into
    the database file and the WAL cut to zero bytes. True when it completed (False: busy,
    another connection's read or write was in the way)."""
    conn = sqlite3.connect(str(path), timeout=busy_ms / 1000, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


def _error_name(exc: BaseException) -> str:
    """SQLite's error name (SQLITE_FULL, SQLITE_CORRUPT …) or the exception's class."""
    return getattr(exc, "sqlite_errorname", None) or type(exc).__name__


def _row_bytes(pending: _PendingSave) -> int:
    """What one turn adds to the file, roughly: the session's JSON and the events' texts."""
    size = len(pending.session_row[2]) + 100
    for row in pending.event_rows:
        size += 100 + len(row[5] or "")
    return size


@dataclass
class _Outcome:
    write_error: Exception | None
    read_error: Exception | None
    data_version: int | None
    rows: list[tuple[str, str, float]]
    vanished: frozenset[str] = frozenset()  # stored sessions deleted by someone else: not written


def _insert_statements(template: str, rows: list[tuple[Any, ...]], limit: int) -> list[tuple[str, list[Any]]]:
    """The multi-row INSERTs (SQL, flat parameters) that write `rows` in order, rather than
    one statement per row (`executemany`): each statement is a round trip to aiosqlite's
    thread, and there sqlite3 releases the GIL around every step, which costs the thread up
    to a switch interval (5 ms) to take back while the event loop is busy. A round of 50
    turns makes ~5 statements instead of 100. Statements stay under `limit` bound variables
    (SQLite's SQLITE_LIMIT_VARIABLE_NUMBER: 999 before 3.32)."""
    if not rows:
        return []
    width = len(rows[0])
    statements: list[tuple[str, list[Any]]] = []
    start = 0
    for size in _ROWS_PER_INSERT:
        if size > 1 and size * width > limit:
            continue
        while len(rows) - start >= size:
            chunk = rows[start:start + size]
            statements.append((_multi_row_sql(template, width, size), [value for row in chunk for value in row]))
            start += size
    return statements


def _default_variable_limit() -> int:
    """SQLITE_LIMIT_VARIABLE_NUMBER of this sqlite3 library (what a new connection gets)."""
    conn = sqlite3.connect(":memory:")
    try:
        return conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    finally:
        conn.close()


def _try_open(path: Path) -> None:
    """Open and close the file with sqlite3 (creating it if missing); raises sqlite3.Error."""
    sqlite3.connect(str(path)).close()


def _run_read_only(path: Path, job: Callable[[sqlite3.Connection], Any]) -> Any:
    """`job(connection)` on a read-only connection to the file (URI mode=ro), then closed."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        return job(conn)
    finally:
        conn.close()


@functools.lru_cache(maxsize=64)
def _multi_row_sql(template: str, width: int, rows: int) -> str:
    placeholders = "(" + ", ".join("?" * width) + ")"
    return template.format(values=", ".join([placeholders] * rows))


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if future.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
    else:
        future.set_exception(exc)
