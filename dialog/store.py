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
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite

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
    updated_at: float = 0.0
    questionnaire_at: float = 0.0  # when the questionnaire was last touched

    def to_json(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if k != "updated_at"}
        return json.dumps(data, ensure_ascii=False)

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


class Store:
    def __init__(self, db: aiosqlite.Connection, salt: str) -> None:
        self.db = db
        self._salt = salt.encode("utf-8")
        # One connection serves every user; a write lock keeps each turn's session row and log
        # events in one transaction, so one user's commit never carries half of another's turn.
        self._write_lock = asyncio.Lock()
        self.session_days: float | None = None  # sessions idle longer than this are purged

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
        return store

    async def close(self) -> None:
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
        """Salted hash of the channel's user id: stable for the same person, not reversible."""
        digest = hmac.new(self._salt, f"{channel}:{user}".encode(), hashlib.sha256).hexdigest()
        return digest[:32]

    async def load(self, user_key: str) -> Session:
        # execute_fetchall is one hop to aiosqlite's thread (execute + fetchone would be two).
        rows = await self.db.execute_fetchall("SELECT data, updated_at FROM sessions WHERE user_key = ?", (user_key,))
        row = next(iter(rows), None)
        if row is None:
            return Session()
        try:
            return Session.from_json(row[0], row[1])
        except (ValueError, TypeError):
            return Session()  # a damaged row must not lock the person out: start afresh

    async def save(self, user_key: str, channel: str, session: Session, events: list[Event], campaign: str | None) -> None:
        """Persist the session and this turn's log events in one transaction."""
        async with self._write_lock:
            try:
                await self._save(user_key, channel, session, events, campaign)
            except BaseException:
                await self._rollback()
                raise

    async def check_writable(self) -> None:
        """Take the database's write lock and let it go (raises when it cannot be had: locked
        by another process past busy_timeout, read-only, disk gone). Under the store's own
        lock: on the shared connection, a health check's BEGIN/ROLLBACK between a turn's
        INSERT and its COMMIT would roll that turn back while its reply says it was saved."""
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            await self.db.rollback()

    async def _rollback(self) -> None:
        """End a write transaction that failed (database locked, read-only, disk full): left
        open, it would make /healthz fail until some later turn commits, and that commit would
        carry whatever part of the failed turn had been written."""
        with contextlib.suppress(Exception):
            await self.db.rollback()

    async def _save(self, user_key: str, channel: str, session: Session, events: list[Event], campaign: str | None) -> None:
        now = time.time()
        session.updated_at = now
        await self.db.execute(
            "INSERT INTO sessions (user_key, channel, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(user_key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            (user_key, channel, session.to_json(), now, now),
        )
        if events:  # one hop for all of the turn's events
            await self.db.executemany(
                "INSERT INTO events (ts, channel, user_key, campaign, kind, text, clause, faq, confidence, answered, program)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(now, channel, user_key, campaign, e.kind, e.text, e.clause, e.faq, e.confidence,
                  None if e.answered is None else int(e.answered), e.program) for e in events],
            )
        await self.db.commit()

    async def forget(self, user_key: str) -> int:
        """Delete everything stored about one person; returns the rows deleted."""
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
