"""A plain `sqlite3` connection used from asyncio: every call runs in one thread of its own.

Why not aiosqlite: the SQLite store runs a whole round of turns (a transaction with several
multi-row INSERTs, then the reads) as ONE function in the database thread, so that the thread
never waits for the busy event loop between the steps of a round. aiosqlite has no public way
to run a function in its thread (the store used its private `Connection._execute`, pinned
below 0.23). A `ThreadPoolExecutor` with one worker is the standard library's public way to
have one thread own a connection, and `loop.run_in_executor` costs the same round trip
aiosqlite's queue did. Measured (benchmarks/bench_store.py, 2026-11-29, 200 residents, the
aiosqlite store of 7cfc02a as the baseline in the same run, 2 shared cores under load): at
saturation 8,635 turns/s and 0.044 ms CPU per turn here against 8,356 turns/s and 0.040 ms;
paced (100 turns/s) p99 11.4 ms against 10.8 ms — the same within this machine's noise.

The few aiosqlite-style conveniences (`execute` awaited or used as `async with`,
`execute_fetchall`, `executescript`, `commit`, `rollback`) are kept for tests and tools that
poke at the store's connection (`PRAGMA max_page_count`, `PRAGMA query_only`); rows are
fetched in the thread, so a cursor never crosses threads.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Rows:
    """What an executed statement gave: every row (fetched in the database thread), rowcount
    and lastrowid. Async `fetchone` / `fetchall` like aiosqlite's cursor."""

    def __init__(self, rows: list[Any], rowcount: int, lastrowid: int | None) -> None:
        self.rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self._next = 0

    async def fetchone(self) -> Any:
        if self._next >= len(self.rows):
            return None
        self._next += 1
        return self.rows[self._next - 1]

    async def fetchall(self) -> list[Any]:
        rest, self._next = self.rows[self._next:], len(self.rows)
        return rest

    async def close(self) -> None:
        return None


class _Statement:
    """`await conn.execute(…)` or `async with conn.execute(…) as rows:`."""

    def __init__(self, pending: asyncio.Future[Rows]) -> None:
        self._pending = pending

    def __await__(self):
        return self._pending.__await__()

    async def __aenter__(self) -> Rows:
        return await self._pending

    async def __aexit__(self, *exc: object) -> None:
        return None


def _execute(sql: str, params: Sequence[Any] | dict[str, Any], conn: sqlite3.Connection) -> Rows:
    cur = conn.execute(sql, params)
    try:
        return Rows(cur.fetchall(), cur.rowcount, cur.lastrowid)
    finally:
        cur.close()


class SqliteConnection:
    """One sqlite3 connection owned by one worker thread. Open with `await connect(path)`;
    `run(job)` calls `job(connection)` in that thread and returns its result."""

    def __init__(self, conn: sqlite3.Connection, executor: ThreadPoolExecutor) -> None:
        self._conn = conn
        self._executor = executor
        self._closed = False

    @classmethod
    async def connect(cls, database: str, **kwargs: Any) -> SqliteConnection:
        """`sqlite3.connect(database, **kwargs)` in a new thread; on failure the thread is
        stopped and joined before the error is raised (a process that exits at once must not
        find it still running)."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        loop = asyncio.get_running_loop()
        try:
            conn = await loop.run_in_executor(executor, functools.partial(sqlite3.connect, database, **kwargs))
        except BaseException:
            await asyncio.to_thread(executor.shutdown, True)
            raise
        return cls(conn, executor)

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    async def run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """`job(connection)` in the connection's thread, as one call."""
        if self._closed:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return await asyncio.get_running_loop().run_in_executor(self._executor, job, self._conn)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> _Statement:
        return _Statement(asyncio.ensure_future(self.run(functools.partial(_execute, sql, params))))

    async def execute_fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        return (await self.run(functools.partial(_execute, sql, params))).rows

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self.run(lambda conn: conn.executemany(sql, list(rows)).close())

    async def executescript(self, script: str) -> None:
        await self.run(lambda conn: conn.executescript(script).close())

    async def commit(self) -> None:
        await self.run(lambda conn: conn.commit())

    async def rollback(self) -> None:
        await self.run(lambda conn: conn.rollback())

    async def close(self) -> None:
        """Close the connection in its thread, then stop and join the thread. Idempotent."""
        if self._closed:
            return
        try:
            await self.run(lambda conn: conn.close())
        finally:
            self._closed = True
            await asyncio.to_thread(self._executor.shutdown, True)
