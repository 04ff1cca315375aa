"""The PostgreSQL store (asyncpg): the same interface as the SQLite one, for several bot
processes (on one machine or several) sharing one database.

What is shared, and how:
- Sessions and the message log: tables like SQLite's. A turn's session and events are written
  in one transaction; `save` returns after COMMIT (synchronous_commit=on: the WAL is flushed).
- One person's turns run one at a time across every process: `turn_lock(user_key)` holds a
  pool connection for the turn, and the turn's first statement takes a session-level advisory
  lock (`pg_advisory_lock(TURN_LOCK_SPACE, hashtext(user_key))`) on it; the turn's load and
  save run on that same connection (a context variable), so a turn never waits for a second
  connection while holding one, and a pool of N connections serves N people's turns at once.
  The lock comes with the row in one round trip (`policybot_turn_begin`) and goes with the
  save's COMMIT in another (`policybot_turn_save`; migration 3 says why that is safe). A
  process that dies releases its locks with its connections.
- No session cache: every turn reads its row under the lock (one indexed SELECT, ~0.1 ms), so
  no process ever serves a session that another process changed or deleted. A session read
  from a row is written back with UPDATE … WHERE user_key: when the row is gone (deleted by
  `policybot forget` or a purge meanwhile) nothing is written, the turn's events neither.
- The state of the moment that was per process: WeChat message claims and replies
  (`claim_message` / `finish_message` / `message_reply`), WeChat's pages still to send and
  late replies (`keep_pending` / `take_pending`), signed requests already seen
  (`seen_request`), per-user rate-limit buckets (`take_token`), failed admin logins and admin
  grants (`admin_failures` / `add_admin_failure` / `grant_admin` / `admin_granted`), and the
  data version live reload follows (`data_version` / `bump_data_version`).

Migrations: a schema_version table and an ordered list, applied under an advisory lock so
that N processes starting together migrate once.

No group commit of our own: each turn's save is its own transaction, and PostgreSQL flushes
the WAL of concurrent commits together.

Round trips of a plain turn through the engine and the rate limit (tests/test_pg_round_trips.py
counts them on the wire): 3 — the rate token, lock + row, session + events + unlock + COMMIT.
Before this change (2026-11-29) it was 10 (token, pool reset, lock, load, BEGIN, UPDATE, events, COMMIT,
unlock, pool reset). The old store and the new, measured in one run (2026-11-29, shared 2-core
machine at load 7-9, so throughput figures swing; CPU per turn is the steadier figure):
- the store alone (benchmarks/bench_store.py --variants postgresql --baseline-root <old> --rounds 2;
  fsync on, pool 10, 200 residents): saturation 688 / 691 -> 1,460 / 1,885 turns/s; this
  process's CPU 0.65 / 0.68 -> 0.26 / 0.26 ms per turn; the server's 0.48 / 0.49 -> 0.28 /
  0.24 ms per turn; paced at 100 turns/s p50 4.8 -> 3.9-4.5 ms, p99 13.7 / 14.3 vs 17.0 /
  56.2 ms (not improved: a loaded 2-core machine's p99 of 1,000 turns is its scheduler's).
- whole bots (benchmarks/bench_multi.py --baseline, realistic traffic, old and new alternated
  round by round; the cleanest run, at load 4): CPU per message (bot + PostgreSQL) lexical
  1 process 2.37 -> 1.74 ms, 2 processes 2.47 -> 1.92 ms; with meaning 2.87 -> 2.46 and
  3.15 -> 2.56 ms (PostgreSQL's part 0.50-0.58 -> 0.31-0.40 ms); saturation of 2 processes
  438 -> 533 msg/s lexical, 357 -> 427 with meaning. Two earlier runs (load 5-9): -11 to -25%.

Measured before that change (benchmarks/bench_store.py, 2026-11-29, local server with fsync on, pool 10, 200
residents, 2 shared cores under load): 711 turns/s at saturation for one process, 0.40 ms
of this process's CPU and 0.35 ms of the server's per turn; paced at 100 turns/s, p99
17.6 ms (SQLite in the same run: 11.4 ms). One process's engine answers at most ~100
messages/s (the turn's own CPU), so the store is not what limits a process.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import hashlib
import hmac
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from dialog.storage.base import (
    EVENT_COLUMNS,
    PROBE_BYTES,
    DatabaseUnusable,
    Event,
    Session,
    WriteError,
    event_row,
    parse_session,
    purge_refusal,
    scrub_session,
)

log = logging.getLogger("policybot.store")

TURN_LOCK_SPACE = 1_770_001  # first key of the two-key advisory locks on turns (hashtext is the second)
MIGRATION_LOCK = 1_770_000  # the advisory lock migrations run under
PURGE_LOCK = 1_770_002  # the advisory lock retention purges run under
DEFAULT_POOL_SIZE = 10  # connections per process (deploy guide: processes x pool <= max_connections - reserve)
SHARED_CLEANUP_SECONDS = 60.0  # expired claims, seen requests and idle buckets are deleted this often

MIGRATIONS: list[str] = [
    # 1: sessions, the message log, small facts about the store (as SQLite's 1 and 2)
    """
    CREATE TABLE sessions (
        user_key TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        data TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE events (
        id BIGSERIAL PRIMARY KEY,
        ts DOUBLE PRECISION NOT NULL,
        channel TEXT NOT NULL,
        user_key TEXT NOT NULL,
        campaign TEXT,
        kind TEXT NOT NULL,
        text TEXT,
        clause TEXT,
        faq TEXT,
        confidence DOUBLE PRECISION,
        answered INTEGER,
        program TEXT
    );
    CREATE INDEX events_ts ON events(ts);
    CREATE INDEX events_user ON events(user_key);
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT
    );
    """,
    # 2: what was per process: WeChat message claims and replies, signed requests seen, rate
    # buckets, failed admin logins, admin grants
    """
    CREATE TABLE message_claims (
        key TEXT PRIMARY KEY,
        user_key TEXT NOT NULL,
        state TEXT NOT NULL,
        reply TEXT,
        expires DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX message_claims_user ON message_claims(user_key);
    CREATE INDEX message_claims_expires ON message_claims(expires);
    CREATE TABLE seen_requests (
        ts BIGINT NOT NULL,
        nonce TEXT NOT NULL,
        digest BYTEA NOT NULL,
        expires DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (ts, nonce)
    );
    CREATE INDEX seen_requests_expires ON seen_requests(expires);
    CREATE TABLE rate_buckets (
        key TEXT PRIMARY KEY,
        tokens DOUBLE PRECISION NOT NULL,
        at DOUBLE PRECISION NOT NULL,
        granted BOOLEAN NOT NULL,
        idle_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX rate_buckets_idle ON rate_buckets(idle_at);
    CREATE TABLE admin_failures (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX admin_failures_key ON admin_failures(scope, key, at);
    CREATE TABLE admin_grants (
        who TEXT PRIMARY KEY,
        expires DOUBLE PRECISION NOT NULL
    );
    """,
    # 3: a turn in two round trips (the lock with the row; the row, the events and the lock's
    # release committed together), and WeChat's pages still to send and late replies, so that
    # any process can serve "更多" and a reply that missed WeChat's 5 s.
    #
    # policybot_turn_begin takes the person's session-level advisory lock, then reads the row.
    # It is a VOLATILE PL/pgSQL function on purpose: such a function takes a fresh snapshot for
    # each statement it runs, so the SELECT sees what the previous holder committed before it
    # let go. (`SELECT pg_advisory_lock(…), data FROM sessions …` would not: one statement reads
    # with the snapshot taken when it started, before it waited for the lock.)
    #
    # policybot_turn_save writes the session (UPDATE of a row read, or INSERT of a new one) and
    # the turn's events, then lets go of the lock, in one statement (one transaction). Letting
    # go must not open the door before the COMMIT: the function first takes the same lock at
    # transaction level (granted at once: this session holds it), then releases the session-
    # level hold; the transaction-level one goes with the COMMIT, so the next turn's
    # policybot_turn_begin reads this turn's row. When the row has gone (a `policybot forget`
    # or a purge meanwhile) nothing is written, the events neither, and it returns false.
    """
    CREATE FUNCTION policybot_turn_begin(lock_space integer, who text)
    RETURNS TABLE (data text, updated_at double precision)
    LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
        PERFORM pg_advisory_lock(lock_space, hashtext(who));
        RETURN QUERY SELECT s.data, s.updated_at FROM sessions AS s WHERE s.user_key = who;
    END
    $fn$;

    CREATE FUNCTION policybot_turn_save(lock_space integer, who text, chan text, body text,
                                        now_ts double precision, was_stored boolean, unlock_after boolean,
                                        camp text, kinds text[], texts text[], clauses text[], faqs text[],
                                        confidences double precision[], answers integer[], programs text[])
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
        written boolean := true;
    BEGIN
        IF unlock_after THEN
            PERFORM pg_advisory_xact_lock(lock_space, hashtext(who));
            PERFORM pg_advisory_unlock(lock_space, hashtext(who));
        END IF;
        IF was_stored THEN
            UPDATE sessions SET data = body, updated_at = now_ts WHERE user_key = who;
            written := FOUND;
        ELSE
            INSERT INTO sessions (user_key, channel, data, created_at, updated_at)
            VALUES (who, chan, body, now_ts, now_ts)
            ON CONFLICT (user_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at;
        END IF;
        IF written AND cardinality(kinds) > 0 THEN
            INSERT INTO events (ts, channel, user_key, campaign, kind, text, clause, faq, confidence, answered,
                                program)
            SELECT now_ts, chan, who, camp, e.kind, e.text, e.clause, e.faq, e.confidence, e.answered, e.program
            FROM unnest(kinds, texts, clauses, faqs, confidences, answers, programs)
                 AS e(kind, text, clause, faq, confidence, answered, program);
        END IF;
        RETURN written;
    END
    $fn$;

    CREATE TABLE wechat_pending (
        user_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT,
        options TEXT[] NOT NULL DEFAULT '{}',
        expires DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (user_key, kind)
    );
    CREATE INDEX wechat_pending_expires ON wechat_pending(expires);
    """,
]

_NOW = "extract(epoch from clock_timestamp())"
# One token bucket per key, decided in one statement (so two processes never both take the
# last token): refilled by the time since its last use, then a token taken if one is there.
_REFILLED = "least($3::float8, b.tokens + greatest(0, excluded.at - b.at) * $2::float8)"
_TAKE_TOKEN = f"""
INSERT INTO rate_buckets AS b (key, tokens, at, granted, idle_at)
VALUES ($1, $3::float8 - 1, coalesce($4::float8, {_NOW}), true, coalesce($4::float8, {_NOW}) + $3::float8 / $2::float8)
ON CONFLICT (key) DO UPDATE SET
    tokens = CASE WHEN {_REFILLED} >= 1 THEN {_REFILLED} - 1 ELSE {_REFILLED} END,
    granted = {_REFILLED} >= 1,
    at = greatest(b.at, excluded.at),
    idle_at = excluded.idle_at
RETURNING granted, tokens
"""


@dataclass
class _Turn:
    """The turn under way in a task: its connection, the task, whose turn it is, and whether
    the connection may hold that person's advisory lock (set before the statement that takes
    it, cleared once a statement has released it)."""

    conn: Any
    task: asyncio.Task[Any] | None
    user_key: str
    locked: bool = False


# The turn's connection. Store calls made by the task that holds it use it; any other task
# (even one created inside the turn) does not.
_TURN: contextvars.ContextVar[_Turn | None] = contextvars.ContextVar("policybot_pg_turn", default=None)


async def _keep_session(conn: Any) -> None:
    """The pool's reset when a connection is given back: nothing to send. asyncpg's default
    sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` — a round trip on
    every release, two of a turn's ten before this change. The store leaves none of that behind:
    no cursors, listeners or settings, and a turn's lock is released by its own statement (or
    its connection is terminated when that fails); asyncpg still rolls back an open transaction
    itself before calling this."""


def redact_url(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://…"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[-1]}"))


def error_name(exc: BaseException) -> str:
    """PostgreSQL's SQLSTATE and the exception's class (`53100 DiskFullError`), or the class."""
    state = getattr(exc, "sqlstate", None)
    return f"{state} {type(exc).__name__}" if state else type(exc).__name__


@dataclass(frozen=True)
class Pending:
    """What WeChat had kept for a person, as `take_pending` hands it over: the rest of a long
    reply and its options ("更多"), a late reply (one that missed WeChat's 5 s), or a late reply
    still being worked out by some process (`late_running`)."""

    more: str | None = None
    options: tuple[str, ...] = ()
    late: str | None = None
    late_running: bool = False


@dataclass(frozen=True)
class MessageState:
    """A claimed message as another process sees it: "running" or "done" (with its reply,
    None meaning "answer nothing")."""

    state: str
    reply: str | None


# Claim a message key ($1) for a person ($2) until $3, unless a claim still runs at $4 (now):
# the INSERT of `claim_message` and of `claim_and_take`'s first step.
_CLAIM = ("INSERT INTO message_claims (key, user_key, state, expires) VALUES ($1, $2, 'running', $3) "
          "ON CONFLICT (key) DO UPDATE SET user_key = excluded.user_key, state = 'running', reply = NULL, "
          "expires = excluded.expires WHERE message_claims.expires < $4")


class PostgresStore:
    """Sessions, the log and the shared state of the moment in PostgreSQL (see the module
    docstring). Open with `await PostgresStore.open(url, salt)`."""

    backend = "postgresql"
    shared = True

    def __init__(self, pool: asyncpg.Pool, salt: str, url: str) -> None:
        self.pool = pool
        self.url = url
        self._salt = salt.encode("utf-8")
        self.session_days: float | None = None
        self.on_commit: list[Callable[[list[Event]], None]] = []
        self.on_forget: list[Callable[[str], None]] = []
        self.last_write_error: WriteError | None = None
        self._user_keys: dict[tuple[str, str], str] = {}
        self.batches = 0
        self.batched_saves = 0
        self.cache_hits = 0  # there is no session cache: every turn reads its row
        self._cleaned_at = 0.0
        self._saving = 0  # saves in flight: close() lets them commit first
        self._idle = asyncio.Event()
        self._idle.set()

    # ------------------------------------------------------------------ opening

    @classmethod
    async def open(cls, url: str, salt: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> PostgresStore:
        """Connect (a pool of up to `pool_size` connections) and migrate. Raises
        DatabaseUnusable (one line, the URL without its password) when the server cannot be
        reached, refuses the login, has no such database, or the schema cannot be brought up."""
        shown = redact_url(url)
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=max(1, pool_size), command_timeout=60,
                                             server_settings={"application_name": "policybot"},
                                             reset=_keep_session)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, ValueError, TimeoutError) as exc:
            raise DatabaseUnusable(f"cannot use the database {shown}: {type(exc).__name__}: {exc}") from exc
        store = cls(pool, salt, url)
        try:
            await store.migrate()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            await pool.close()
            raise DatabaseUnusable(f"cannot use the database {shown}: {type(exc).__name__}: {exc}") from exc
        except BaseException:
            pool.terminate()
            raise
        return store

    async def migrate(self) -> int:
        """Bring the schema to the latest version (under an advisory lock: processes starting
        together migrate once); returns the version."""
        async with self.pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            try:
                await conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                version = await conn.fetchval("SELECT version FROM schema_version")
                if version is None:
                    await conn.execute("INSERT INTO schema_version (version) VALUES (0)")
                    version = 0
                for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                    async with conn.transaction():
                        await conn.execute(script)
                        await conn.execute("UPDATE schema_version SET version = $1", number)
                    version = number
                return version
            finally:
                try:
                    await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
                except BaseException:
                    conn.terminate()  # the server releases the lock with the connection
                    raise

    async def close(self) -> None:
        """Let the saves in flight commit, then close the pool."""
        await self._idle.wait()
        await self.pool.close()

    @property
    def report_source(self) -> str:
        """What reports connect to: the database URL (given to the report's process through
        its environment, never on its command line)."""
        return self.url

    def user_key(self, channel: str, user: str) -> str:
        """Salted hash of the channel's user id, the same as the SQLite store's (same salt,
        same key): stable for the same person, not reversible."""
        key = self._user_keys.get((channel, user))
        if key is None:
            if len(self._user_keys) >= 10_000:
                self._user_keys.clear()
            digest = hmac.new(self._salt, f"{channel}:{user}".encode(), hashlib.sha256).hexdigest()
            key = self._user_keys[(channel, user)] = digest[:32]
        return key

    # ------------------------------------------------------------------ connections

    @staticmethod
    def _held() -> _Turn | None:
        """The turn this task holds, if any."""
        held = _TURN.get()
        return held if held is not None and held.task is asyncio.current_task() else None

    @contextlib.asynccontextmanager
    async def _conn(self) -> AsyncIterator[Any]:
        """The current turn's connection when this task holds a turn (its lock taken first if
        no statement has taken it yet), else one from the pool."""
        held = self._held()
        if held is not None:
            if not held.locked:
                held.locked = True
                await held.conn.execute("SELECT pg_advisory_lock($1, hashtext($2))", TURN_LOCK_SPACE, held.user_key)
            yield held.conn
            return
        async with self.pool.acquire() as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def turn_lock(self, user_key: str) -> AsyncIterator[None]:
        """Run the block as `user_key`'s turn: every store call in it runs under the person's
        advisory lock (every process sharing the database waits for it) and on the turn's own
        connection. The lock is taken by the block's first statement — with `load`, in the
        same round trip as the row (`policybot_turn_begin`) — and released by `save` in the
        statement that commits (`policybot_turn_save`), or at the end of the block, or by the
        server if this process or its connection dies.

        Round trips of a turn (tests/test_pg_round_trips.py): load 1, save 1 (was 8 with the
        pool's resets: lock, load, BEGIN, UPDATE, events, COMMIT, unlock, reset)."""
        if self._held() is not None:
            raise RuntimeError("a turn lock is already held by this task")
        async with self.pool.acquire() as conn:
            turn = _Turn(conn, asyncio.current_task(), user_key)
            token = _TURN.set(turn)
            try:
                yield
            finally:
                _TURN.reset(token)
                if turn.locked:
                    try:
                        await conn.execute("SELECT pg_advisory_unlock($1, hashtext($2))", TURN_LOCK_SPACE, user_key)
                    except BaseException:
                        conn.terminate()  # the server releases the lock with the connection
                        raise

    # ------------------------------------------------------------------ sessions

    async def load(self, user_key: str) -> Session:
        """The person's session, read from its row (a fresh one if none, or if damaged). As a
        turn's first statement it also takes the turn's lock, in the same round trip."""
        held = self._held()
        if held is not None and held.user_key == user_key and not held.locked:
            held.locked = True
            row = await held.conn.fetchrow("SELECT data, updated_at FROM policybot_turn_begin($1, $2)",
                                           TURN_LOCK_SPACE, user_key)
        else:
            async with self._conn() as conn:
                row = await conn.fetchrow("SELECT data, updated_at FROM sessions WHERE user_key = $1", user_key)
        return Session() if row is None else parse_session(row["data"], row["updated_at"])

    async def save(self, user_key: str, channel: str, session: Session, events: list[Event],
                   campaign: str | None) -> None:
        """Write the session and the turn's events in one statement (one transaction, one
        round trip: `policybot_turn_save`); returns after COMMIT. In the person's turn the same
        statement releases the turn's lock as it commits. A session read from a row whose row
        is gone (deleted meanwhile) is not written back, nor are its events, and the person's
        in-memory state goes (`on_forget`)."""
        now = time.time()
        session.updated_at = now
        scrub_session(session)
        data = session.to_json()
        rows = [event_row(now, channel, user_key, campaign, e) for e in events]
        columns = [[row[i] for row in rows] for i in range(4, len(EVENT_COLUMNS))]  # kind … program
        held = self._held()
        releases = held is not None and held.user_key == user_key
        self._saving += 1
        self._idle.clear()
        try:
            async with self._conn() as conn:
                written = await conn.fetchval(
                    "SELECT policybot_turn_save($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                    TURN_LOCK_SPACE, user_key, channel, data, now, session.stored, releases, campaign, *columns)
            if releases and held is not None:
                held.locked = False
        except Exception as exc:
            self.last_write_error = WriteError(time.time(), error_name(exc), str(exc),
                                               len(data) + sum(100 + len(r[5] or "") for r in rows))
            raise
        finally:
            self._saving -= 1
            if self._saving == 0:
                self._idle.set()
        self.last_write_error = None
        self.batches += 1
        self.batched_saves += 1
        if not written:
            session.stored = False
            self._notify_forget(user_key)
            return
        session.stored = True
        for callback in self.on_commit:
            if events:
                callback(events)

    def _notify_forget(self, user_key: str) -> None:
        for who in [who for who, key in self._user_keys.items() if key == user_key]:
            del self._user_keys[who]
        for callback in self.on_forget:
            try:
                callback(user_key)
            except Exception:  # noqa: BLE001 - a listener's bug must not undo the deletion
                log.exception("on_forget listener failed")

    # ------------------------------------------------------------------ deleting

    async def forget(self, user_key: str) -> int:
        """Delete everything stored about one person (session, log, WeChat replies kept for
        retries, pages still to send and late replies, rate bucket) in one transaction; returns the session and log rows deleted.
        Every process sees it at once: none keeps sessions in memory."""
        async with self._conn() as conn, conn.transaction():
            sessions = await conn.execute("DELETE FROM sessions WHERE user_key = $1", user_key)
            events = await conn.execute("DELETE FROM events WHERE user_key = $1", user_key)
            await conn.execute("DELETE FROM message_claims WHERE user_key = $1", user_key)
            await conn.execute("DELETE FROM wechat_pending WHERE user_key = $1", user_key)
            await conn.execute("DELETE FROM rate_buckets WHERE key = $1", user_key)
        self._notify_forget(user_key)
        return _rowcount(sessions) + _rowcount(events)

    async def erase_leftovers(self, attempts: int = 8, first_wait: float = 0.5) -> bool | None:
        """Nothing to do here: PostgreSQL's VACUUM reclaims deleted rows (autovacuum); see the
        deployment guide for the WAL and backups. None: not applicable."""
        return None

    async def purge(self, older_than_days: float, now: float | None = None, *, trust_clock: bool = False) -> int:
        """Delete log events and idle sessions older than the retention period; returns rows.
        Raises ClockJumped like the SQLite store. The time of each purge is kept in meta."""
        now = now if now is not None else time.time()
        cutoff = now - older_than_days * 86400
        session_cutoff = now - min(older_than_days, self.session_days or older_than_days) * 86400
        async with self._conn() as conn, conn.transaction():
            # One purge at a time across processes, without locking a table the health check
            # and live reload write to (a purge of a large log may take a while).
            await conn.execute("SELECT pg_advisory_xact_lock($1)", PURGE_LOCK)
            last = await conn.fetchval("SELECT value FROM meta WHERE key = 'purge_last_run'")
            last_run = None if last is None else float(last)
            reference = last_run
            if reference is None:
                reference = await conn.fetchval("SELECT greatest((SELECT max(ts) FROM events), "
                                                "(SELECT max(updated_at) FROM sessions))")
            refused = None if trust_clock else purge_refusal(now, reference, last_run)
            if refused is not None:
                raise refused
            events = await conn.execute("DELETE FROM events WHERE ts < $1", cutoff)
            sessions = await conn.execute("DELETE FROM sessions WHERE updated_at < $1", session_cutoff)
            await conn.execute(
                "INSERT INTO meta (key, value) VALUES ('purge_last_run', $1) ON CONFLICT (key) DO UPDATE "
                "SET value = greatest(meta.value::double precision, excluded.value::double precision)::text",
                repr(now))
        return _rowcount(events) + _rowcount(sessions)

    async def count(self, table: str, user_key: str | None = None) -> int:
        if table not in ("sessions", "events"):
            raise ValueError(table)
        async with self._conn() as conn:
            if user_key:
                return int(await conn.fetchval(f"SELECT count(*) FROM {table} WHERE user_key = $1", user_key))
            return int(await conn.fetchval(f"SELECT count(*) FROM {table}"))

    async def check_writable(self) -> None:
        """Raise unless turns can be saved now: a row of at least PROBE_BYTES (or the last
        failed batch's size) inserted and deleted in one committed transaction."""
        failed = self.last_write_error
        size = max(PROBE_BYTES, failed.batch_bytes if failed else 0)
        async with self._conn() as conn, conn.transaction():
            await conn.execute("INSERT INTO meta (key, value) VALUES ('health_probe', repeat('x', $1)) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", size)
            await conn.execute("DELETE FROM meta WHERE key = 'health_probe'")
            await conn.execute("INSERT INTO meta (key, value) VALUES ('health_checked_at', $1) "
                               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", repr(time.time()))
        self.last_write_error = None

    async def in_thread(self, job: Callable[[Any], Any]) -> Any:
        """`job(connection)` in a worker thread on a read-only connection of its own
        (`ReadonlyConnection`, read like sqlite3's): what `dialog.reports.aggregate` takes,
        as the SQLite store's `in_thread` gives it."""
        def run() -> Any:
            conn = ReadonlyConnection(self.url)
            try:
                return job(conn)
            finally:
                conn.close()

        return await asyncio.to_thread(run)

    # ------------------------------------------------------------------ shared state of the moment

    async def _cleanup(self, conn: Any) -> None:
        """Now and then (every SHARED_CLEANUP_SECONDS per process): expired claims, seen
        requests past their window, buckets idle long enough to be full again."""
        now = time.time()
        if now - self._cleaned_at < SHARED_CLEANUP_SECONDS:
            return
        self._cleaned_at = now
        await conn.execute("DELETE FROM message_claims WHERE expires < $1", now)
        await conn.execute("DELETE FROM seen_requests WHERE expires < $1", now)
        await conn.execute(f"DELETE FROM rate_buckets WHERE idle_at < {_NOW}")
        await conn.execute("DELETE FROM admin_failures WHERE at < $1", now - 86400)
        await conn.execute("DELETE FROM admin_grants WHERE expires < $1", now)
        await conn.execute("DELETE FROM wechat_pending WHERE expires < $1", now)

    async def claim_message(self, key: str, user_key: str, ttl: float) -> bool:
        """Claim a message (WeChat's MsgId key) for this process: True when no process had it
        (run the step, then `finish_message`), False when one has or had it (wait for its
        reply with `message_reply`). Claims expire after `ttl` seconds."""
        now = time.time()
        async with self._conn() as conn:
            await self._cleanup(conn)
            got = await conn.fetchval(_CLAIM + " RETURNING true", key, user_key, now + ttl, now)
        return bool(got)

    async def claim_and_take(self, key: str, user_key: str, ttl: float) -> Pending | None:
        """`claim_message` and, when the claim is this process's, `take_pending` for the same
        person, in one statement (one round trip instead of two for every WeChat message):
        None when another process has or had the message, else what was kept for the person."""
        now = time.time()
        async with self._conn() as conn:
            await self._cleanup(conn)
            rows = await conn.fetch(
                f"WITH claim AS ({_CLAIM} RETURNING true AS got), "
                "taken AS (DELETE FROM wechat_pending WHERE user_key = $2 AND EXISTS (SELECT 1 FROM claim) "
                "AND (kind = 'more' OR body IS NOT NULL OR expires < $4) RETURNING kind, body, options, expires) "
                "SELECT 'claimed' AS kind, NULL AS body, NULL::text[] AS options FROM claim "
                "UNION ALL SELECT kind, body, options FROM taken WHERE expires >= $4 "
                "UNION ALL SELECT 'running', NULL, NULL FROM wechat_pending WHERE user_key = $2 AND kind = 'late' "
                "AND body IS NULL AND expires >= $4 AND EXISTS (SELECT 1 FROM claim)",
                key, user_key, now + ttl, now)
        if not any(row["kind"] == "claimed" for row in rows):
            return None
        return _pending_of(rows)

    async def finish_message(self, key: str, reply: str | None) -> None:
        """Record the reply of a claimed message (None: answer nothing) for other processes."""
        async with self._conn() as conn:
            await conn.execute("UPDATE message_claims SET state = 'done', reply = $2 WHERE key = $1", key, reply)

    async def message_reply(self, key: str) -> MessageState | None:
        """The claimed message's state and reply; None when no claim is kept (expired, or
        the person was deleted)."""
        async with self._conn() as conn:
            row = await conn.fetchrow("SELECT state, reply FROM message_claims WHERE key = $1 AND expires >= $2",
                                      key, time.time())
        return None if row is None else MessageState(row["state"], row["reply"])

    async def keep_pending(self, user_key: str, kind: str, body: str | None, options: tuple[str, ...] | list[str],
                           ttl: float) -> None:
        """Keep for the person's next WeChat message, on whichever process it lands, for `ttl`
        seconds: `kind` "more" (the rest of a long reply, `body`, and the `options` repeated
        under each page) or "late" (a reply that missed WeChat's 5 s; `body` None while the
        turn is still running). One of each per person; a new one replaces the old."""
        async with self._conn() as conn:
            await conn.execute(
                "INSERT INTO wechat_pending (user_key, kind, body, options, expires) VALUES ($1, $2, $3, $4, $5) "
                "ON CONFLICT (user_key, kind) DO UPDATE SET body = excluded.body, options = excluded.options, "
                "expires = excluded.expires", user_key, kind, body, list(options), time.time() + ttl)

    async def drop_pending(self, user_key: str, kind: str) -> None:
        """Forget the person's kept `kind` ("more" or "late")."""
        async with self._conn() as conn:
            await conn.execute("DELETE FROM wechat_pending WHERE user_key = $1 AND kind = $2", user_key, kind)

    async def take_pending(self, user_key: str) -> Pending:
        """Hand over, and delete, what is kept for the person's next message, in one statement
        (two processes never both get it): the pages still to send (any message ends the
        paging: a "更多" gets them, anything else drops them) and a finished late reply. A late
        reply still running stays; `late_running` says it is there."""
        now = time.time()
        async with self._conn() as conn:
            rows = await conn.fetch(
                "WITH taken AS (DELETE FROM wechat_pending WHERE user_key = $1 "
                "AND (kind = 'more' OR body IS NOT NULL OR expires < $2) RETURNING kind, body, options, expires) "
                "SELECT kind, body, options FROM taken WHERE expires >= $2 "
                "UNION ALL SELECT 'running', NULL, NULL FROM wechat_pending "
                "WHERE user_key = $1 AND kind = 'late' AND body IS NULL AND expires >= $2", user_key, now)
        return _pending_of(rows)

    async def seen_request(self, timestamp: int, nonce: str, digest: bytes, keep_until: float) -> str:
        """Remember a signed request: "new" the first time, "again" for the same (timestamp,
        nonce) with the same body digest, "conflict" for another body (a replay)."""
        async with self._conn() as conn:
            inserted = await conn.fetchval(
                "INSERT INTO seen_requests (ts, nonce, digest, expires) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (ts, nonce) DO NOTHING RETURNING true", timestamp, nonce, digest, keep_until)
            if inserted:
                return "new"
            seen = await conn.fetchval("SELECT digest FROM seen_requests WHERE ts = $1 AND nonce = $2",
                                       timestamp, nonce)
        if seen is None:  # expired between the two statements: it was old
            return "again"
        return "again" if hmac.compare_digest(bytes(seen), digest) else "conflict"

    async def take_token(self, key: str, rate: float, burst: float, now: float | None = None) -> float:
        """One token from `key`'s bucket (`rate` tokens a second, at most `burst`), decided in
        one statement on the database's clock (`now` for tests): 0.0 when taken, else the
        seconds until the next token."""
        async with self._conn() as conn:
            row = await conn.fetchrow(_TAKE_TOKEN, key, rate, burst, now)
        if row["granted"]:
            return 0.0
        return (1.0 - row["tokens"]) / rate

    async def admin_failures(self, scope: str, key: str, window: float) -> int:
        """Failed admin logins of `key` (a hashed chat id or address; `scope` "user" or
        "address") in the last `window` seconds, in every process."""
        async with self._conn() as conn:
            return int(await conn.fetchval("SELECT count(*) FROM admin_failures WHERE scope = $1 AND key = $2 "
                                           "AND at > $3", scope, key, time.time() - window))

    async def add_admin_failure(self, scope: str, key: str) -> None:
        async with self._conn() as conn:
            await conn.execute("INSERT INTO admin_failures (scope, key, at) VALUES ($1, $2, $3)", scope, key,
                               time.time())

    async def clear_admin_failures(self, scope: str, key: str) -> None:
        async with self._conn() as conn:
            await conn.execute("DELETE FROM admin_failures WHERE scope = $1 AND key = $2", scope, key)

    async def grant_admin(self, who: str, seconds: float | None) -> None:
        """Grant (or, with None, end) an admin session for `who` (a hashed chat id) in every process."""
        async with self._conn() as conn:
            if seconds is None:
                await conn.execute("DELETE FROM admin_grants WHERE who = $1", who)
            else:
                await conn.execute("INSERT INTO admin_grants (who, expires) VALUES ($1, $2) ON CONFLICT (who) "
                                   "DO UPDATE SET expires = excluded.expires", who, time.time() + seconds)

    async def admin_granted(self, who: str) -> float | None:
        """Seconds left of `who`'s admin session, None when there is none."""
        async with self._conn() as conn:
            expires = await conn.fetchval("SELECT expires FROM admin_grants WHERE who = $1", who)
        left = None if expires is None else expires - time.time()
        return left if left is not None and left > 0 else None

    async def data_version(self) -> int:
        """The data version live reload follows (0 before the first reload)."""
        async with self._conn() as conn:
            value = await conn.fetchval("SELECT value FROM meta WHERE key = 'data_version'")
        return int(value or 0)

    async def bump_data_version(self) -> int:
        """A process reloaded its data: the version goes up by one; returns it."""
        async with self._conn() as conn:
            value = await conn.fetchval(
                "INSERT INTO meta (key, value) VALUES ('data_version', '1') ON CONFLICT (key) DO UPDATE "
                "SET value = (meta.value::bigint + 1)::text RETURNING value")
        return int(value)


def _pending_of(rows: list[Any]) -> Pending:
    """The Pending of `take_pending`'s rows (kind, body, options)."""
    found = {row["kind"]: row for row in rows}
    more = found.get("more")
    late = found.get("late")
    return Pending(more=None if more is None else more["body"],
                   options=() if more is None else tuple(more["options"] or ()),
                   late=None if late is None else late["body"], late_running="running" in found)


def _rowcount(status: str) -> int:
    """The row count of a command status ("DELETE 3" -> 3)."""
    try:
        return int(status.rsplit(" ", 1)[-1])
    except (ValueError, AttributeError):
        return 0


# ---------------------------------------------------------------------- reports: a read-only connection


class _Result:
    """Rows of one statement, read like sqlite3's cursor (`fetchone`, `fetchall`, iteration)."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = [tuple(r) for r in rows]
        self._next = 0

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[tuple[Any, ...]]:
        rest, self._next = self._rows[self._next:], len(self._rows)
        return rest

    def __iter__(self):
        return iter(self.fetchall())


def _dollar_params(sql: str) -> str:
    """sqlite3's `?` placeholders as PostgreSQL's `$1, $2 …` (the report SQL has no `?` in
    its literals)."""
    parts = sql.split("?")
    return "".join(part + (f"${i + 1}" if i < len(parts) - 1 else "") for i, part in enumerate(parts))


class ReadonlyConnection:
    """A synchronous, read-only PostgreSQL connection for reports (`dialog.reports`), with the
    few sqlite3 methods they use: `execute(sql, params)` (with `?` placeholders) and `close`.
    Runs asyncpg on an event loop of its own, so it is for code without a running loop (the
    report's own process, `policybot report`). Every transaction is read-only."""

    dialect = "postgresql"

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._conn = self._loop.run_until_complete(asyncpg.connect(
                url, timeout=timeout, server_settings={"default_transaction_read_only": "on",
                                                       "application_name": "policybot-report"}))
        except BaseException:
            self._loop.close()
            raise

    def execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> _Result:
        return _Result(self._loop.run_until_complete(self._conn.fetch(_dollar_params(sql), *params)))

    def close(self) -> None:
        try:
            self._loop.run_until_complete(self._conn.close())
        finally:
            self._loop.close()
