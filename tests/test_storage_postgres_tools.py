"""Staff tools on PostgreSQL: `policybot report`'s SQL (`reports.aggregate`, `read_events`,
the report's own process), `policybot forget` and `policybot purge` give on a PostgreSQL
database what they give on the SQLite file (tests/test_reports.py's log, copied into both).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg
import pytest
from test_reports import D1, D3, EVENTS, seed

import bot
from dialog import reports
from dialog.storage import open_store
from dialog.store import Event, Session

SALT = "tools-salt-0123456789abcdef"
TITLES = {"6": "落实补贴促就业", "5.2": "创业担保贷款"}
LABELS = {"internship": "就业见习补贴"}


def copy_log(sqlite_path: Path, url: str) -> None:
    """The SQLite file's events, row for row, into the PostgreSQL database."""
    with sqlite3.connect(sqlite_path) as conn:
        rows = conn.execute("SELECT ts, channel, user_key, campaign, kind, text, clause, faq, confidence, answered, "
                            "program FROM events ORDER BY id").fetchall()

    async def fill() -> None:
        store = await open_store(url, SALT)
        await store.close()
        conn = await asyncpg.connect(url)
        await conn.executemany("INSERT INTO events (ts, channel, user_key, campaign, kind, text, clause, faq, "
                               "confidence, answered, program) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)", rows)
        await conn.close()

    asyncio.run(fill())


@pytest.mark.parametrize("since", [None, D3])
def test_the_report_is_the_same_on_both_backends(tmp_path: Path, pg_url: str, since) -> None:
    path = tmp_path / "bot.sqlite3"
    seed(path)
    copy_log(path, pg_url)
    made = []
    for source in (path, pg_url):
        conn = reports.open_readonly(source)
        try:
            made.append(reports.aggregate(conn, since=since, until=D3, titles=TITLES, program_labels=LABELS,
                                          words=reports.default_words()))
            events = reports.read_events(conn, since)
        finally:
            conn.close()
        assert len(events) == (len(EVENTS) if since is None else sum(1 for e in EVENTS if e[0] >= D3))
    on_sqlite, on_postgres = made
    assert on_postgres == on_sqlite
    assert on_postgres.totals.questions > 0 and on_postgres.days


def test_the_reports_own_process_reads_postgresql_without_the_url_on_its_command_line(
        tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bot.sqlite3"
    seed(path)
    copy_log(path, pg_url)
    seen: list[tuple] = []
    real = asyncio.create_subprocess_exec

    async def spy(*args, **kwargs):
        seen.append(args)
        return await real(*args, **kwargs)

    monkeypatch.setattr(asyncio, "create_subprocess_exec", spy)
    text = asyncio.run(reports.run_report(pg_url, since=D1, until=D3, render="stats"))
    assert "11" in text  # the questions of the three days
    assert seen and not any(pg_url in str(a) for a in seen[0])


def test_open_readonly_says_what_is_wrong_with_an_unreachable_database(pg_url: str) -> None:
    with pytest.raises(reports.ReportError, match="cannot read the log"):
        reports.open_readonly(pg_url.replace("?host=", "?port=1&host=/nonexistent-"))


def run_cli(args: list[str], url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("POLICYBOT_DB", url)
    monkeypatch.setenv("POLICYBOT_SALT", SALT)
    monkeypatch.delenv("POLICYBOT_CONFIG", raising=False)
    return bot.main(args)


def test_forget_and_purge_from_the_command_line(pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    async def fill() -> None:
        store = await open_store(pg_url, SALT)
        for user in ("123", "456"):
            key = store.user_key("telegram", user)
            await store.save(key, "telegram", Session(answers={"age": 30}), [Event("start"), Event("question", text="问")],
                             None)
        await store.close()

    asyncio.run(fill())
    assert run_cli(["forget", "123", "--channel", "telegram"], pg_url, monkeypatch) == 0
    assert "1 session(s), 2 log event(s)" in capsys.readouterr().out

    async def counts() -> tuple[int, int, int]:
        store = await open_store(pg_url, SALT)
        try:
            gone = store.user_key("telegram", "123")
            return await store.count("events", gone), await store.count("events"), await store.count("sessions")
        finally:
            await store.close()

    assert asyncio.run(counts()) == (0, 2, 1)
    # Everything is recent: a purge of 1 day deletes nothing; --trust-clock is not needed.
    assert run_cli(["purge", "--days", "1"], pg_url, monkeypatch) == 0
    assert "deleted 0 log event(s) and 0 idle session(s)" in capsys.readouterr().out
    assert asyncio.run(counts()) == (0, 2, 1)


def test_the_command_line_says_when_postgresql_cannot_be_reached(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    url = "postgresql://policybot:secret-pw@127.0.0.1:1/nothing"
    assert run_cli(["forget", "123", "--channel", "telegram"], url, monkeypatch) == 1
    err = capsys.readouterr().err
    assert "cannot use the database" in err and "secret-pw" not in err



def test_policybot_report_reads_postgresql_and_never_prints_the_password(
        tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    path = tmp_path / "bot.sqlite3"
    seed(path)
    copy_log(path, pg_url)
    assert run_cli(["report", "--format", "csv"], pg_url, monkeypatch) == 0
    out, err = capsys.readouterr()
    assert "见习补贴" in out or "question" in out
    assert "数据库：postgresql://" in err
    with_password = pg_url.replace("postgresql://nobody@", "postgresql://nobody:pw-not-shown@")
    assert run_cli(["report"], with_password, monkeypatch) == 0  # trust authentication ignores it
    assert "pw-not-shown" not in capsys.readouterr().err


def test_postgres_settings_and_the_salt_they_need(tmp_path: Path) -> None:
    from dialog.config import ConfigError, ensure_salt, load_settings

    settings = load_settings(env={"POLICYBOT_DB": "postgresql://bot:pw@db.internal/policybot"})
    assert settings.database_url == "postgresql://bot:pw@db.internal/policybot"
    assert "pw" not in repr(settings)
    settings.db = tmp_path / "var" / "bot.sqlite3"  # no salt file there
    with pytest.raises(ConfigError, match="POLICYBOT_SALT"):
        ensure_salt(settings)  # never generated per machine: the processes would disagree
    assert not (tmp_path / "var" / "salt").exists()
    with pytest.raises(ConfigError, match="database_url"):
        load_settings(env={"POLICYBOT_DATABASE_URL": "mysql://x"})


def test_the_store_runs_a_report_on_a_read_only_connection_and_a_purge_does_not_hold_up_health(
        tmp_path: Path, pg_url: str) -> None:
    path = tmp_path / "bot.sqlite3"
    seed(path)
    copy_log(path, pg_url)

    async def scenario() -> None:
        store = await open_store(pg_url, SALT)
        report = await store.in_thread(lambda conn: reports.aggregate(conn, since=D1, until=D3))
        assert report.totals.questions == 11
        with pytest.raises(Exception, match="read-only"):
            await store.in_thread(lambda conn: conn.execute("DELETE FROM events"))
        # A purge in progress (its transaction open) leaves the health probe's write alone.
        conn = await asyncpg.connect(pg_url)
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(1770002)")  # as a purge holds it
            async with asyncio.timeout(5):
                await store.check_writable()
        await conn.close()
        await store.close()

    asyncio.run(scenario())
