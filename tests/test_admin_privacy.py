"""`policybot forget` and `policybot purge` really delete (row counts before and after), and
refuse plainly when they cannot do it right (no database, no salt)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

import bot
from dialog.store import Event, Session, Store

SALT = "privacy-test-salt"


def counts(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    try:
        return (conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def seed(db: Path) -> None:
    async def run() -> None:
        store = await Store.open(db, SALT)
        try:
            for channel, user in (("telegram", "123"), ("web", "webuser001"), ("telegram", "456")):
                key = store.user_key(channel, user)
                await store.save(key, channel, Session(), [Event("start"), Event("question", text="见习补贴多少")], None)
        finally:
            await store.close()

    asyncio.run(run())


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "var" / "bot.sqlite3"
    seed(path)
    monkeypatch.delenv("POLICYBOT_CONFIG", raising=False)
    monkeypatch.setenv("POLICYBOT_DB", str(path))
    monkeypatch.setenv("POLICYBOT_SALT", SALT)
    return path


def test_forget_deletes_one_users_sessions_and_log(db, capsys):
    assert counts(db) == (3, 6)
    assert bot.main(["forget", "123", "--channel", "telegram"]) == 0
    assert "1 session(s), 2 log event(s)" in capsys.readouterr().out
    assert counts(db) == (2, 4)
    assert bot.main(["forget", "webuser001", "--channel", "web"]) == 0
    assert counts(db) == (1, 2)
    # The same id on another channel is another person: nothing to delete, and it says so.
    assert bot.main(["forget", "456", "--channel", "wechat"]) == 0
    assert "nothing stored" in capsys.readouterr().out
    assert counts(db) == (1, 2)


def test_forget_refusals(db, tmp_path, monkeypatch, capsys):
    assert bot.main(["forget", "@someone", "--channel", "telegram"]) == 2
    assert "is a number" in capsys.readouterr().err
    monkeypatch.delenv("POLICYBOT_SALT")  # no salt setting and no salt file next to the db
    assert bot.main(["forget", "123", "--channel", "telegram"]) == 1
    assert "the salt is missing" in capsys.readouterr().err
    assert not (db.parent / "salt").exists()  # and none was invented
    assert counts(db) == (3, 6)
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "nowhere.sqlite3"))
    assert bot.main(["forget", "123", "--channel", "telegram"]) == 1
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "nowhere.sqlite3").exists()


def test_purge_deletes_only_old_rows(db, capsys):
    conn = sqlite3.connect(db)
    old = time.time() - 40 * 86400
    conn.execute("UPDATE events SET ts = ? WHERE id IN (1, 2, 3)", (old,))
    conn.execute("UPDATE sessions SET updated_at = ? WHERE rowid = 1", (old,))
    conn.commit()
    conn.close()
    assert bot.main(["purge", "--days", "60"]) == 0
    assert counts(db) == (3, 6)
    assert bot.main(["purge", "--days", "30"]) == 0
    assert "deleted 3 log event(s) and 1 idle session(s) older than 30 days" in capsys.readouterr().out
    assert counts(db) == (2, 3)
    assert bot.main(["purge", "--days", "0"]) == 2
    assert bot.main(["purge"]) == 0  # the configured retention (180 days): nothing that recent goes
    assert counts(db) == (2, 3)
