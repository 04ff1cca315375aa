"""Where things are, for staff (issue 16, item 11): the database is found from any folder, a
report started elsewhere says which file it read (or that there is none), and `make eval`
without the shared folder says what it needs instead of a Python traceback."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dialog.config import DB_NAME, PROJECT_DIR, default_db, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_default_database_is_one_absolute_file_whatever_the_folder(tmp_path: Path, monkeypatch) -> None:
    here = load_settings(env={}).db
    monkeypatch.chdir(tmp_path)
    elsewhere = load_settings(env={}).db
    assert here == elsewhere == default_db() and elsewhere.is_absolute()
    assert elsewhere == PROJECT_DIR / "var" / DB_NAME  # a checkout keeps it in its own var/


def test_an_installed_copy_uses_the_users_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("dialog.config.PROJECT_DIR", tmp_path / "site-packages")
    assert default_db({"XDG_DATA_HOME": str(tmp_path / "data")}) == tmp_path / "data" / "policybot" / DB_NAME
    assert default_db({}) == Path.home() / ".local" / "share" / "policybot" / DB_NAME


def test_a_relative_setting_is_made_absolute_from_the_folder_of_the_command(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings(env={"POLICYBOT_DB": "data/bot.sqlite3"}).db == tmp_path / "data" / "bot.sqlite3"
    assert load_settings(env={"POLICYBOT_DB": "~/bot.sqlite3"}).db == Path.home() / "bot.sqlite3"


def _report(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("policybot")
    command = [str(script)] if script.exists() else [sys.executable, "-c", "import sys, bot; sys.exit(bot.main())"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    return subprocess.run([*command, "report"], capture_output=True, text=True, cwd=cwd, env={**clean, **env},
                          timeout=120)


def test_report_from_another_folder_names_the_file_it_read_or_that_there_is_none(tmp_path: Path) -> None:
    db = tmp_path / "srv" / "bot.sqlite3"
    db.parent.mkdir()
    with sqlite3.connect(db) as conn:  # the log's columns, one visit
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, ts REAL, channel TEXT, user_key TEXT, "
                     "campaign TEXT, kind TEXT, text TEXT, clause TEXT, faq TEXT, confidence REAL, "
                     "answered INTEGER, program TEXT)")
        conn.execute("INSERT INTO events (ts, channel, user_key, kind) VALUES (1764000000, 'web', 'k1', 'start')")
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    done = _report(elsewhere, {"POLICYBOT_DB": str(db)})
    assert done.returncode == 0, done.stderr
    assert f"数据库：{db}" in done.stderr and "用户 1" in done.stdout

    done = _report(elsewhere, {"POLICYBOT_DB": "bot.sqlite3"})  # relative: taken from this folder
    assert done.returncode == 1
    assert f"没有找到数据库 {elsewhere / 'bot.sqlite3'}" in done.stderr
    assert not (elsewhere / "bot.sqlite3").exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_eval_without_the_shared_folder_says_what_it_needs(tmp_path: Path) -> None:
    project = tmp_path / "clone"
    project.mkdir()
    shutil.copy(ROOT / "Makefile", project / "Makefile")  # a clone with no ../shared beside it
    done = subprocess.run(["make", "eval"], cwd=project, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "make eval 需要共享的评测材料" in done.stderr and "../shared/eval/score.py" in done.stderr
    assert "make eval SHARED=" in done.stderr
    assert not (project / ".venv").exists()  # said before installing anything
    done = subprocess.run(["make", "eval", f"SHARED={tmp_path / 'nowhere'}"], cwd=project, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0 and f"{tmp_path / 'nowhere'}/eval/score.py" in done.stderr
