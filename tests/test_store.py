"""The store on its own, on both backends (one suite, parametrised): SQLite (group commit,
batched loads, the session cache) and PostgreSQL (a throw-away cluster, tests/pgcluster.py).

What must hold on both: every saved turn is in the database once `save` returns; a session
never leaks between people; what another process deletes (a staff `policybot forget` while
the bot runs) is never served or written back; a turn that failed leaves no half-changed
session behind; retention refuses a clock that jumped. SQLite-only tests (the batching, the
cache, a locked file) come after the shared ones.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from dialog import store as store_module
from dialog.storage import SessionStore, SharedState
from dialog.storage import open_store as open_any_store
from dialog.store import ClockJumped, Event, Session, Store


def run(coro):
    return asyncio.run(coro)


async def open_store(path: Path) -> Store:
    store = await Store.open(path, "test-salt")
    await store.db.execute("PRAGMA busy_timeout=100")  # a locked database fails fast in tests
    return store


def rows(path: Path, sql: str, args: tuple = ()) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


@dataclass
class Backend:
    """One database on one backend; `open()` is a process's store on it (two opens: two
    processes sharing it)."""

    name: str
    target: Path | str

    async def open(self):
        if self.name == "sqlite":
            return await open_store(Path(self.target))
        return await open_any_store(str(self.target), "test-salt")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path: Path) -> Backend:
    if request.param == "postgresql":
        return Backend("postgresql", request.getfixturevalue("pg_url"))
    return Backend("sqlite", tmp_path / "s.sqlite3")


# --------------------------------------------------------------------------- both backends


def test_concurrent_saves_all_reach_the_database(backend: Backend) -> None:
    async def scenario():
        store = await backend.open()
        keys = [store.user_key("web", f"person-{i}") for i in range(120)]

        async def turn(i: int, key: str) -> None:
            async with store.turn_lock(key):
                session = await store.load(key)
                session.answers["age"] = i
                await store.save(key, "web", session, [Event("question", text=f"问题{i}")], None)

        await asyncio.gather(*(turn(i, k) for i, k in enumerate(keys)))
        # Everything is committed when save returns: another process sees it now.
        other = await backend.open()
        assert await other.count("sessions") == 120
        assert await other.count("events") == 120
        loaded = await asyncio.gather(*(other.load(k) for k in keys))
        assert [s.answers["age"] for s in loaded] == list(range(120))
        await other.close()
        await store.close()
        return store

    store = run(scenario())
    assert store.batched_saves == 120
    if backend.name == "sqlite":
        assert store.batches < 20, f"{store.batches} commits for 120 concurrent turns: no grouping"


def test_a_lone_turn_is_committed_without_waiting_for_others(backend: Backend) -> None:
    async def scenario() -> float:
        store = await backend.open()
        key = store.user_key("web", "alone")
        loop = asyncio.get_running_loop()
        started = loop.time()
        await store.save(key, "web", Session(mode="questionnaire", program="internship"), [], None)
        elapsed = loop.time() - started
        assert (await store.load(key)).program == "internship"
        await store.close()
        return elapsed

    # No timer-based batching: one turn on an idle store is not held back to wait for company.
    assert run(scenario()) < 1.0


def test_sessions_never_mix_between_people_loaded_together(backend: Backend) -> None:
    async def scenario() -> None:
        store = await backend.open()
        keys = [store.user_key("telegram", str(i)) for i in range(700)]  # more than one SELECT chunk
        for i, key in enumerate(keys[:650]):
            await store.save(key, "telegram", Session(answers={"n": i}), [], None)
        getattr(store, "_cache", {}).clear()  # force the reads to go to the database
        loaded = await asyncio.gather(*(store.load(k) for k in keys))
        assert [s.answers.get("n") for s in loaded[:650]] == list(range(650))
        assert all(s.answers == {} and s.mode == "idle" for s in loaded[650:])
        await store.close()

    run(scenario())


def test_two_loads_of_one_person_get_separate_objects(backend: Backend) -> None:
    async def scenario() -> None:
        store = await backend.open()
        key = store.user_key("web", "twice")
        await store.save(key, "web", Session(answers={"a": 1}), [], None)
        first, second = await asyncio.gather(store.load(key), store.load(key))
        assert first.answers == second.answers == {"a": 1}
        first.answers["a"] = 2
        assert second.answers == {"a": 1}
        await store.close()

    run(scenario())


def test_what_another_process_deleted_is_neither_served_nor_written_back(
        backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "CACHE_FRESH_SECONDS", 0.05)

    async def scenario() -> None:
        bot = await backend.open()
        staff = await backend.open()  # `policybot forget` in another process
        forgotten: list[str] = []
        bot.on_forget.append(forgotten.append)
        key = bot.user_key("web", "cached")
        await bot.save(key, "web", Session(mode="questionnaire", program="internship", answers={"age": 30}),
                       [Event("questionnaire_started", program="internship")], None)
        session = await bot.load(key)
        await bot.save(key, "web", session, [], None)

        # Deleted between two turns: the next load does not serve it from memory.
        assert await staff.forget(key) == 2
        await asyncio.sleep(0.1)
        after = await bot.load(key)
        assert after.answers == {} and after.program is None, "served a deleted session"

        # Deleted in the middle of a turn: the turn's save writes neither it nor its events.
        await bot.save(key, "web", Session(answers={"age": 41}), [], None)
        during = await bot.load(key)
        assert during.answers == {"age": 41}
        await staff.forget(key)
        during.answers["age"] = 42
        await bot.save(key, "web", during, [Event("question", text="还在吗")], None)
        assert await staff.count("sessions", key) == 0 and await staff.count("events", key) == 0
        assert forgotten == [key]
        await staff.close()
        await bot.close()

    run(scenario())


def test_a_turn_that_fails_after_load_does_not_leave_its_changes_in_memory(backend: Backend) -> None:
    async def scenario() -> None:
        store = await backend.open()
        key = store.user_key("web", "half")
        await store.save(key, "web", Session(answers={"age": 30}), [], None)
        session = await store.load(key)
        session.answers["age"] = 99  # the turn changes it, then fails before saving
        again = await store.load(key)
        assert again.answers == {"age": 30}
        await store.close()

    run(scenario())


def test_forget_and_purge_delete_sessions_and_log(backend: Backend) -> None:
    async def scenario() -> None:
        store = await backend.open()
        a, b = store.user_key("web", "a"), store.user_key("web", "b")
        for key in (a, b):
            await store.save(key, "web", Session(answers={"x": 1}), [Event("start")], None)
        assert await store.forget(a) == 2
        assert (await store.load(a)).answers == {}
        assert await store.count("events", a) == 0 and await store.count("events", b) == 1
        assert await store.purge(0, now=10**10, trust_clock=True) >= 2  # everything is older than "now"
        assert (await store.load(b)).answers == {}
        assert await store.count("sessions") == await store.count("events") == 0
        await store.close()

    run(scenario())


def test_retention_refuses_a_clock_that_jumped_and_deletes_nothing(backend: Backend) -> None:
    async def scenario() -> None:
        store = await backend.open()
        key = store.user_key("web", "kept")
        await store.save(key, "web", Session(), [Event("start")], None)
        with pytest.raises(ClockJumped, match="trust-clock"):
            await store.purge(180, now=10**10)
        assert await store.count("events") == 1
        await store.purge(180)  # the real clock: nothing old, and the purge time is kept
        with pytest.raises(ClockJumped):
            await store.purge(180, now=10**10)
        await store.close()

    run(scenario())


def test_close_waits_for_queued_turns(backend: Backend) -> None:
    async def scenario() -> int:
        store = await backend.open()
        tasks = [asyncio.create_task(store.save(store.user_key("web", str(i)), "web", Session(), [], None))
                 for i in range(30)]
        await asyncio.sleep(0)  # queued, not yet committed
        await store.close()
        await asyncio.gather(*tasks)
        other = await backend.open()
        try:
            return await other.count("sessions")
        finally:
            await other.close()

    assert run(scenario()) == 30


def test_schema_is_migrated_once_and_the_health_probe_writes(backend: Backend) -> None:
    async def scenario() -> None:
        first = await backend.open()
        assert isinstance(first, SessionStore)
        assert isinstance(first, SharedState) == first.shared == (backend.name == "postgresql")
        await first.check_writable()
        assert first.last_write_error is None
        second = await backend.open()  # another process starting on the same database
        assert await second.migrate() == await first.migrate() >= 2
        await second.close()
        await first.close()

    run(scenario())


def test_same_salt_gives_the_same_key_on_both_backends(tmp_path: Path) -> None:
    """A deployment moving from SQLite to PostgreSQL keeps the same salt: ids hash alike."""
    from dialog.storage.postgres import PostgresStore

    async def scenario() -> str:
        store = await open_store(tmp_path / "k.sqlite3")
        try:
            return store.user_key("wechat", "oABC")
        finally:
            await store.close()

    pg = PostgresStore.__new__(PostgresStore)
    pg._salt, pg._user_keys = b"test-salt", {}
    assert PostgresStore.user_key(pg, "wechat", "oABC") == run(scenario())


# --------------------------------------------------------------------------- SQLite only


def test_a_failed_batch_fails_each_turn_in_it_and_leaves_nothing_half_written(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"

    async def scenario() -> None:
        store = await open_store(db)
        keys = [store.user_key("web", f"p{i}") for i in range(10)]
        blocker = sqlite3.connect(db, timeout=0.1)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            results = await asyncio.gather(
                *(store.save(k, "web", Session(program="internship"), [Event("start")], None) for k in keys),
                return_exceptions=True)
        finally:
            blocker.rollback()
            blocker.close()
        assert all(isinstance(r, sqlite3.OperationalError) for r in results), results
        assert rows(db, "SELECT COUNT(*) FROM sessions")[0][0] == 0
        assert rows(db, "SELECT COUNT(*) FROM events")[0][0] == 0
        # Nothing failed is remembered either: the people start afresh.
        assert all(s.program is None for s in await asyncio.gather(*(store.load(k) for k in keys)))
        # And the store recovers: the next batch commits.
        await store.save(keys[0], "web", Session(program="startup_loan"), [Event("start")], None)
        assert rows(db, "SELECT data FROM sessions")[0][0].count("startup_loan") == 1
        await store.close()

    run(scenario())


def test_cache_serves_the_next_turn_and_forgets_what_another_process_deleted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.sqlite3"
    monkeypatch.setattr(store_module, "CACHE_FRESH_SECONDS", 0.05)

    async def scenario() -> None:
        store = await open_store(db)
        key = store.user_key("web", "cached")
        await store.save(key, "web", Session(mode="questionnaire", program="internship", answers={"age": 30}), [], None)
        session = await store.load(key)  # right after a round: straight from memory
        assert store.cache_hits == 1 and session.answers == {"age": 30}
        assert store._pump_task is not None and store._pump_task.done(), "a round trip for a fresh hit"
        await store.save(key, "web", session, [], None)

        # A staff `policybot forget` in another process: the row is gone from the file. Past
        # the freshness window the next load asks the file first, and the deletion holds.
        with sqlite3.connect(db) as other:
            other.execute("DELETE FROM sessions WHERE user_key = ?", (key,))
        await asyncio.sleep(0.1)
        after = await store.load(key)
        assert after.answers == {} and after.program is None, "served a deleted session from memory"
        await store.close()

    run(scenario())


@pytest.mark.parametrize("size", [0, 3])
def test_cache_size_bounds_memory(tmp_path: Path, size: int) -> None:
    async def scenario() -> int:
        store = await open_store(tmp_path / "s.sqlite3")
        store.cache_size = size
        for i in range(10):
            await store.save(store.user_key("web", str(i)), "web", Session(), [], None)
        cached = len(store._cache)
        await store.close()
        return cached

    assert run(scenario()) == size


def test_a_purge_while_a_cached_session_is_being_loaded_keeps_that_session(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "CACHE_FRESH_SECONDS", 0)  # every load goes to a round

    async def scenario() -> None:
        store = await open_store(tmp_path / "s.sqlite3")
        key = store.user_key("web", "active")
        await store.save(key, "web", Session(mode="questionnaire", answers={"age": 30}), [], None)
        loading = asyncio.create_task(store.load(key))
        for _ in range(3):  # the pump has counted the session as cached and gone to the database
            await asyncio.sleep(0)
        assert store._pump_task is not None and not store._pump_task.done()
        await store.purge(30)  # empties the cache; the session itself is recent and stays
        session = await loading
        assert session.answers == {"age": 30}
        await store.close()

    run(scenario())


def test_the_store_is_aiosqlite_used_through_its_public_api_and_close_stops_its_thread(tmp_path: Path) -> None:
    """The SQLite work runs on an aiosqlite connection (its thread, not the event loop's), the
    store never reaches into aiosqlite's private names, and closing the store stops that thread."""
    import ast
    import threading
    import time

    import aiosqlite

    tree = ast.parse(Path(store_module.__file__).read_text(encoding="utf-8"))

    def names_the_connection(node: ast.AST) -> bool:  # `db`, `self.db`, `store.db`, `aiosqlite`
        return ((isinstance(node, ast.Name) and node.id in ("db", "aiosqlite"))
                or (isinstance(node, ast.Attribute) and node.attr == "db"))

    private = sorted({node.attr for node in ast.walk(tree)
                      if isinstance(node, ast.Attribute) and node.attr.startswith("_")
                      and names_the_connection(node.value)})
    assert private == [], f"private aiosqlite API used: {private}"
    probe = ast.parse("db._execute(job); self.db._conn; aiosqlite._x")  # the check itself finds them
    assert sum(isinstance(n, ast.Attribute) and n.attr.startswith("_") and names_the_connection(n.value)
               for n in ast.walk(probe)) == 3

    async def scenario() -> tuple[set[str], set[str]]:
        before = {t.name for t in threading.enumerate()}
        store = await open_store(tmp_path / "s.sqlite3")
        assert isinstance(store.db, aiosqlite.Connection)
        await store.save(store.user_key("web", "x"), "web", Session(), [], None)
        started = {t.name for t in threading.enumerate()} - before
        await store.close()
        return started, {t.name for t in threading.enumerate()}

    started, after = run(scenario())
    assert started, "no database thread: SQLite ran on the event loop"
    deadline = time.monotonic() + 5  # aiosqlite's thread ends just after close() returns
    while started & after and time.monotonic() < deadline:
        time.sleep(0.05)
        after = {t.name for t in threading.enumerate()}
    assert not started & after, "the database thread outlived close()"


def test_reports_read_a_copy_or_a_read_only_connection_never_the_stores(tmp_path: Path) -> None:
    """`in_thread(job)`: the job gets a read-only sqlite3 connection (a file opened mode=ro;
    an in-memory database copied first) in a worker thread; it sees committed turns and
    cannot write."""
    import threading

    async def scenario(path: Path | str) -> None:
        store = await Store.open(Path(path), "test-salt")
        key = store.user_key("web", "reader")
        await store.save(key, "web", Session(), [Event("question", text="补贴咋领")], None)
        loop_thread = threading.current_thread().name
        seen = await store.in_thread(
            lambda conn: (threading.current_thread().name, conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]))
        assert seen[0] != loop_thread and seen[1] == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
            await store.in_thread(lambda conn: conn.execute("DELETE FROM events"))
        assert await store.count("events") == 1
        await store.close()

    run(scenario(tmp_path / "r.sqlite3"))
    run(scenario(":memory:"))


def _statements(template: str, rows: list[tuple], limit: int, conn: sqlite3.Connection) -> int:
    """Run what `_insert_statements` gives on `conn`; returns how many statements."""
    statements = store_module._insert_statements(template, rows, limit)
    for sql, params in statements:
        conn.execute(sql, params)
    return len(statements)


@pytest.mark.parametrize("count", [1, 2, 3, 255, 256, 257, 389, 511, 600])
def test_a_round_is_written_with_few_multi_row_statements_in_order(count: int) -> None:
    """A batch is written as multi-row INSERTs (one per binary digit of its size, plus one
    per further 256 rows), every row exactly once and in the order queued: the events log is
    read back by rowid, and a later save of the same person must win."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
    template = "INSERT INTO t (k, v) VALUES {values} ON CONFLICT(k) DO UPDATE SET v = excluded.v"
    # Every tenth row repeats the key of the row before it, with a larger value.
    rows = [(f"k{i - (i % 10 == 9)}", i) for i in range(count)]
    statements = _statements(template, rows, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER), conn)
    expected: dict[str, int] = {}
    for key, value in rows:
        expected[key] = value
    assert dict(conn.execute("SELECT k, v FROM t")) == expected
    assert [k for k, _ in conn.execute("SELECT k, v FROM t ORDER BY rowid")] == list(expected)
    assert statements == count // 256 + bin(count % 256).count("1")


def test_multi_row_statements_respect_an_old_sqlite_limit_on_variables() -> None:
    """SQLite before 3.32 binds at most 999 variables per statement: 600 events of 11 columns
    must still go in, in statements of at most 90 rows."""
    conn = sqlite3.connect(":memory:")
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    conn.execute("CREATE TABLE t (" + ", ".join(f"c{i}" for i in range(11)) + ")")
    rows = [tuple(range(i, i + 11)) for i in range(600)]
    statements = _statements("INSERT INTO t VALUES {values}", rows, 999, conn)
    assert conn.execute("SELECT * FROM t ORDER BY rowid").fetchall() == rows
    assert statements == 600 // 64 + bin(600 % 64).count("1")


def test_a_store_on_an_old_sqlite_writes_a_large_round_within_its_limit(tmp_path: Path) -> None:
    """The store's own rounds honour `variable_limit`: 300 turns queued at once, with the
    limit of SQLite < 3.32, all committed."""

    async def scenario() -> int:
        store = await open_store(tmp_path / "old.sqlite3")
        store.variable_limit = 999
        await asyncio.gather(*(store.save(store.user_key("web", f"p{i}"), "web", Session(),
                                          [Event("question", text=f"问题{i}")], None) for i in range(300)))
        count = await store.count("events")
        await store.close()
        return count

    assert run(scenario()) == 300
