"""Issue 15, faults (items 8-15): what a broken disk, a wrong clock, slow clients, a busy
staff member, an editor and a quick thumb do to the running bot.

8. An unusable database at start ends the process within seconds with one line, non-zero.
9. /healthz says unhealthy while turns cannot be saved (a full file, a corrupted page).
10. Every acknowledged turn is fsynced (synchronous=FULL): checked with strace.
11. A clock far ahead never purges the log.
12. Slow or silent connections are closed; a connection flood neither exhausts file
    descriptors nor floods the log.
13. Staff reports aggregate in SQL on their own connection: the chat's writer and the event loop
    are never used, memory stays flat, grouping is near-linear.
14. A reload pairs files read at one moment only.
15. Telegram button presses are handled in the order they were made.
(The root-only variants — a real full disk, a read-only remount, a power cut — are
benchmarks/fault_disk.py and benchmarks/fault_power_cut.py, output in benchmarks/README.md.)
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import httpx2
import pytest
from fake_bot_api import FakeBotApi, callback_update, message_update
from test_telegram_e2e import FakeEngine as TelegramEngine
from test_telegram_e2e import last_message_id, run_bot

import bot
from dialog import reports
from dialog import store as store_module
from dialog.admin import StaffCommands, purge_periodically
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming
from dialog.reloader import Reloader, load_validated
from dialog.server import health_route
from dialog.store import Event, Session, Store
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

ROOT = Path(__file__).resolve().parents[1]
SALT = "faults-test-salt-0123456"
DAY = 86400


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


@pytest.fixture(scope="module")
def answerer(kb) -> Answerer:
    return Answerer(kb)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bot_env(db: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    env.update(POLICYBOT_DB=str(db), POLICYBOT_SALT=SALT, POLICYBOT_PORT=str(port), PYTHONUNBUFFERED="1", **extra)
    return env


# --------------------------------------------------------------------------- 8. unusable database


@pytest.mark.parametrize("make", ["garbage", "directory"])
def test_an_unusable_database_at_start_ends_the_process_quickly_with_one_line(tmp_path: Path, make: str) -> None:
    db = tmp_path / "bot.sqlite3"
    if make == "garbage":
        db.write_bytes(b"this is not an SQLite database, a disk went bad " * 200)
    else:
        db.mkdir()
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=bot_env(db, free_port()),
                          capture_output=True, text=True, timeout=90)
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert elapsed < 60
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "cannot use the database" in errors[0] and str(db) in errors[0]


def test_store_open_on_a_bad_file_closes_its_thread(tmp_path: Path) -> None:
    db = tmp_path / "bad.sqlite3"
    db.write_bytes(b"x" * 8192)
    import threading

    before = threading.active_count()
    with pytest.raises(Exception, match="cannot use the database"):
        asyncio.run(Store.open(db, SALT))
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() == before  # the aiosqlite thread is gone: nothing keeps the process


# --------------------------------------------------------------------------- 9. /healthz


async def health(engine: Engine) -> tuple[int, str]:
    transport = httpx2.ASGITransport(app=health_route(engine))
    async with httpx2.AsyncClient(transport=transport, base_url="http://bot") as client:
        response = await client.get("/healthz")
        return response.status_code, response.text


def test_healthz_is_503_while_the_file_cannot_grow_and_recovers_by_itself(tmp_path: Path, answerer: Answerer) -> None:
    """`max_page_count` plays the full disk: SQLite refuses new pages with SQLITE_FULL."""

    async def scenario() -> list[tuple[int, str]]:
        store = await Store.open(tmp_path / "bot.sqlite3", SALT)
        engine = Engine(store, answerer, Settings(db=tmp_path / "bot.sqlite3", salt=SALT))
        seen = [await health(engine)]
        try:
            await engine.handle(Incoming("web", "resident-0000", "见习补贴多少钱"))
            pages = (await store.db.execute_fetchall("PRAGMA page_count"))[0][0]
            await store.db.execute(f"PRAGMA max_page_count={pages}")
            failed = None
            for i in range(1, 400):
                try:
                    await engine.handle(Incoming("web", f"resident-{i:04d}", f"我家的牛生病了怎么办{i}" * 5))
                except sqlite3.OperationalError as exc:
                    failed = exc
                    break
            assert failed is not None and "full" in str(failed)
            seen.append(await health(engine))
            await store.db.execute("PRAGMA max_page_count=1073741823")  # space again
            seen.append(await health(engine))  # without waiting for a resident's turn
            await engine.handle(Incoming("web", "resident-9999", "见习补贴多少钱"))
        finally:
            await engine.close()
        return seen

    (first, _), (during, body), (after, _) = asyncio.run(scenario())
    assert (first, during, after) == (200, 503, 200)
    assert "SQLITE_FULL" in body


def test_healthz_stays_503_after_a_corruption_error_until_a_turn_commits(
        tmp_path: Path, answerer: Answerer, monkeypatch: pytest.MonkeyPatch) -> None:
    real = store_module.Store._write_then_read
    corrupt = sqlite3.DatabaseError("database disk image is malformed")
    corrupt.sqlite_errorname = "SQLITE_CORRUPT"

    async def broken(self, sessions, events, stored, keys):
        outcome = await real(self, [], [], stored, keys)  # nothing is written
        outcome.write_error = corrupt
        return outcome

    async def scenario() -> list[int]:
        store = await Store.open(tmp_path / "bot.sqlite3", SALT)
        engine = Engine(store, answerer, Settings(db=tmp_path / "bot.sqlite3", salt=SALT))
        codes = []
        try:
            monkeypatch.setattr(store_module.Store, "_write_then_read", broken)
            with pytest.raises(sqlite3.DatabaseError):
                await engine.handle(Incoming("web", "resident-0001", "见习补贴多少钱"))
            codes.append((await health(engine))[0])  # the probe's own write works, the pages failed
            codes.append((await health(engine))[0])
            monkeypatch.setattr(store_module.Store, "_write_then_read", real)
            await engine.handle(Incoming("web", "resident-0001", "见习补贴多少钱"))
            codes.append((await health(engine))[0])
        finally:
            await engine.close()
        return codes

    assert asyncio.run(scenario()) == [503, 503, 200]


# --------------------------------------------------------------------------- 10. power loss


def test_the_store_commits_with_synchronous_full(tmp_path: Path) -> None:
    async def scenario() -> int:
        store = await Store.open(tmp_path / "s.sqlite3", SALT)
        try:
            return (await store.db.execute_fetchall("PRAGMA synchronous"))[0][0]
        finally:
            await store.close()

    assert asyncio.run(scenario()) == 2  # FULL


CHILD = """
import asyncio, os, sys
from pathlib import Path
from dialog.store import Event, Session, Store

async def main():
    store = await Store.open(Path(sys.argv[1]), "child-salt-0123456789")
    for i in range(6):
        key = store.user_key("web", f"resident-{i}")
        await store.save(key, "web", Session(), [Event("question", text=f"q{i}")], None)
        os.write(1, f"ack {i}\\n".encode())  # the reply would go out now
    await store.close()

asyncio.run(main())
"""


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace (apt install strace)")
def test_every_acknowledged_turn_was_fsynced_before_its_reply(tmp_path: Path) -> None:
    """strace records every fsync/fdatasync and every write to stdout: between two replies
    ("ack"), the WAL must have been synced — what makes a turn survive a power cut."""
    trace = tmp_path / "trace.txt"
    db = tmp_path / "bot.sqlite3"
    proc = subprocess.run(["strace", "-f", "-qq", "-y", "-e", "signal=none", "-e", "trace=fsync,fdatasync,write",
                           "-o", str(trace), sys.executable, "-c", CHILD, str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 and "ptrace" in proc.stderr:
        pytest.skip(f"strace cannot trace here: {proc.stderr.strip()[:200]}")
    assert proc.stdout.count("ack") == 6, proc.stderr[-2000:]
    synced_since_ack = False
    acks = 0
    for line in trace.read_text().splitlines():
        if re.search(r"f(data)?sync\(\d+<[^>]*-wal>\)\s+= 0", line):
            synced_since_ack = True
        elif re.search(r'write\(1<[^>]*>, "ack \d', line):
            assert synced_since_ack, f"reply {acks} went out before its turn was synced to disk"
            synced_since_ack = False
            acks += 1
    assert acks == 6


# --------------------------------------------------------------------------- 11. clock jumps


def counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT COUNT(*) FROM events").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])


async def seeded_store(db: Path, n: int = 20) -> Store:
    store = await Store.open(db, SALT)
    for i in range(n):
        await store.save(store.user_key("web", f"p{i}"), "web", Session(), [Event("question", text=f"问题{i}")], None)
    return store


def test_a_clock_200_days_ahead_purges_nothing(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"

    async def scenario() -> list[object]:
        store = await seeded_store(db)
        outcomes: list[object] = []
        try:
            await store.purge(180)  # a normal run: nothing is old, the time is noted
            for now in (time.time() + 200 * DAY, time.time() + 4 * DAY):
                try:
                    outcomes.append(await store.purge(180, now=now))
                except Exception as exc:  # noqa: BLE001 - the refusal is what is tested
                    outcomes.append(exc)
        finally:
            await store.close()
        return outcomes

    outcomes = asyncio.run(scenario())
    assert counts(db) == (20, 20)  # every row and session kept
    assert all(isinstance(o, Exception) and "clock" in str(o) for o in outcomes), outcomes


def test_after_a_restart_with_the_clock_ahead_nothing_is_purged(tmp_path: Path) -> None:
    """No run noted yet (a database from before this version): the newest row is the reference."""
    db = tmp_path / "bot.sqlite3"

    async def scenario() -> object:
        store = await seeded_store(db)
        await store.close()
        store = await Store.open(db, SALT)  # restarted, clock now 200 days ahead
        try:
            return await store.purge(180, now=time.time() + 200 * DAY)
        except Exception as exc:  # noqa: BLE001
            return exc
        finally:
            await store.close()

    outcome = asyncio.run(scenario())
    assert isinstance(outcome, Exception) and counts(db) == (20, 20)


def test_the_retention_task_logs_the_refusal_and_a_person_can_go_ahead(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "bot.sqlite3"
    ahead = time.time() + 200 * DAY

    async def scenario() -> None:
        store = await seeded_store(db)
        await store.purge(180)
        monkeypatch.setattr(store_module.time, "time", lambda: ahead)

        async def stop(_: float) -> None:
            raise asyncio.CancelledError

        try:
            with caplog.at_level(logging.ERROR, logger="policybot.admin"), pytest.raises(asyncio.CancelledError):
                await purge_periodically(store, 180, sleep=stop)
        finally:
            await store.close()

    asyncio.run(scenario())
    assert counts(db) == (20, 20)
    assert any("purge refused" in r.getMessage() and "trust-clock" in r.getMessage() for r in caplog.records)
    monkeypatch.setenv("POLICYBOT_DB", str(db))
    monkeypatch.setenv("POLICYBOT_SALT", SALT)
    monkeypatch.delenv("POLICYBOT_CONFIG", raising=False)
    assert bot.main(["purge"]) == 1
    assert "trust-clock" in capsys.readouterr().err and counts(db) == (20, 20)
    assert bot.main(["purge", "--trust-clock"]) == 0  # the clock really is right: old rows go
    assert counts(db) == (0, 0)


# --------------------------------------------------------------------------- 12. slow connections


class RunningBot:
    """`policybot run` in a child process with a low file-descriptor limit, stderr to a file."""

    def __init__(self, tmp_path: Path, nofile: int = 256, **settings: str) -> None:
        self.port = free_port()
        self.log = tmp_path / "server.log"
        env = bot_env(tmp_path / "bot.sqlite3", self.port, **settings)

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        self.stream = self.log.open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=self.stream,
                                     stderr=subprocess.STDOUT, preexec_fn=limit)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.get("/healthz") == 200:
                return
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"the bot did not start: {self.log.read_text()[-2000:]}")

    def get(self, path: str) -> int | None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                head = s.recv(64).decode("latin-1")
                return int(head.split()[1]) if head.startswith("HTTP/") else None
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.stream.close()


async def half_sent(port: int, n: int, hold: float) -> tuple[int, int]:
    """n connections that send part of a request's head and then nothing: (opened, closed by
    the server within `hold` seconds)."""

    async def one() -> tuple[bool, bool]:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return False, False
        writer.write(b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
        try:
            await asyncio.wait_for(reader.read(1), hold)
            closed = True
        except TimeoutError:
            closed = False
        except OSError:
            closed = True
        writer.close()
        return True, closed

    results = await asyncio.gather(*(one() for _ in range(n)))
    return sum(o for o, _ in results), sum(c for _, c in results)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux")
def test_slow_connections_are_closed_and_a_flood_neither_exhausts_descriptors_nor_floods_the_log(
        tmp_path: Path) -> None:
    server = RunningBot(tmp_path, nofile=256, POLICYBOT_HEADER_TIMEOUT_SECONDS="1",
                        POLICYBOT_BODY_TIMEOUT_SECONDS="1")
    try:
        lines_before = len(server.log.read_text().splitlines())
        opened, closed = asyncio.run(half_sent(server.port, 600, hold=4.0))  # more than 256 descriptors
        assert opened > 100 and closed == opened  # every one it accepted, it closed in time
        assert server.get("/healthz") == 200  # and it still serves
        # A head that trickles in never gets longer than its deadline; a body that stalls is cut.
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.settimeout(5)
            started = time.monotonic()
            try:
                for ch in b"GET /healthz HTTP/1.1\r\nHost: xxxxxxxxxxxxxxxxxxxxxxxxx":
                    s.sendall(bytes([ch]))
                    time.sleep(0.1)
            except OSError:
                pass
            assert time.monotonic() - started < 3
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.settimeout(5)
            s.sendall(b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 200\r\n\r\n{\"user\": ")
            started = time.monotonic()
            try:
                data = s.recv(1024)
            except ConnectionResetError:
                data = b""
            assert time.monotonic() - started < 3 and (data == b"" or data.startswith(b"HTTP/1.1 400"))
        # A request sent in pieces within the deadline is served.
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            s.settimeout(5)
            for part in (b"GET /healthz HT", b"TP/1.1\r\nHost: x\r\n", b"Connection: close\r\n\r\n"):
                s.sendall(part)
                time.sleep(0.2)
            assert s.recv(64).startswith(b"HTTP/1.1 200")
        new_lines = server.log.read_text().splitlines()[lines_before:]
        assert len(new_lines) < 20, "\n".join(new_lines[:20])
        assert not any("Traceback" in line for line in new_lines)
    finally:
        server.stop()


# --------------------------------------------------------------------------- 13. reports


def random_log(db: Path, rows: int, seed: int = 3) -> None:
    """A log of `rows` events over 200 days written straight into the file."""

    async def create() -> None:
        store = await Store.open(db, SALT)
        await store.close()

    asyncio.run(create())
    rng = random.Random(seed)
    topics = ["公积金", "退休", "产假", "工伤", "贷款", "见习", "补贴", "培训", "社保", "户口", "牛", "羊", "大棚"]
    now = time.time()
    data = []
    for _ in range(rows):
        kind = rng.choice(["start", "question", "question", "question", "questionnaire_started",
                           "questionnaire_completed"])
        answered = None if kind != "question" else rng.random() < 0.7
        text = None
        if kind == "question":
            text = f"{rng.choice(topics)}{rng.choice(topics)}怎么办{rng.randrange(rows // 10 + 1)}"
        data.append((now - rng.random() * 200 * DAY, "web", f"user{rng.randrange(rows // 5 + 1)}",
                     rng.choice([None, "poster1", "wechat-jan", ""]), kind, text,
                     rng.choice(["6", "5.2", None]) if answered else None, None,
                     None if answered is None else int(answered),
                     rng.choice(["internship", "startup_loan"]) if kind.startswith("questionnaire") else None))
    with sqlite3.connect(db) as conn:
        conn.executemany("INSERT INTO events (ts, channel, user_key, campaign, kind, text, clause, faq, answered, "
                         "program) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", data)


def simple_words(text: str) -> list[str]:
    return re.findall(r"公积金|退休|产假|工伤|贷款|见习|补贴|培训|社保|户口|牛|羊|大棚|怎么办|\d+", text)


def test_the_sql_report_is_the_same_as_the_report_from_rows(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    random_log(db, 3000)
    conn = reports.open_readonly(db)
    try:
        for since in (None, date.today() - timedelta(days=30)):
            expected = reports.build_report(reports.read_events(conn, since), since=since, until=date.today(),
                                            words=simple_words, titles={"6": "t"}, program_labels={"internship": "I"})
            got = reports.aggregate(conn, since=since, until=date.today(), words=simple_words, titles={"6": "t"},
                                    program_labels={"internship": "I"})
            assert got == expected
    finally:
        conn.close()


def test_stats_never_use_the_chats_connection_nor_block_the_event_loop(tmp_path: Path, kb) -> None:
    db = tmp_path / "bot.sqlite3"
    random_log(db, 60_000)

    async def scenario() -> tuple[list[str], float, int, str]:
        engine = await Engine.open(Settings(db=db, salt=SALT), kb=kb)
        staff = StaffCommands(engine, telegram_ids=["42"])
        engine.admin = staff
        used: list[str] = []
        real_execute = engine.store.db.execute

        def spy(sql: str, *args, **kwargs):
            used.append(sql)
            return real_execute(sql, *args, **kwargs)

        engine.store.db.execute = spy
        gaps: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.002)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        try:
            tick = asyncio.create_task(ticker())
            tracemalloc.start()
            reply = await engine.handle(Incoming("telegram", "42", "/stats 180"))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            done.set()
            await tick
        finally:
            engine.store.db.execute = real_execute
            await engine.close()
        return used, max(gaps), peak, reply[0].text

    used, worst_gap, peak, text = asyncio.run(scenario())
    assert text.startswith("统计：")
    assert not [sql for sql in used if "FROM events" in sql]  # the report had its own connection
    assert worst_gap < 0.25, f"the event loop stalled {worst_gap * 1000:.0f} ms"
    assert peak < 20_000_000, f"{peak / 1e6:.0f} MB allocated for a 60,000-row report"


def test_grouping_unanswered_questions_is_near_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    vocabulary = [f"词{i}" for i in range(3000)]
    texts = [" ".join(rng.sample(vocabulary, 4)) + f" 问{i}" for i in range(4000)]
    calls = [0]
    real = reports.jaccard

    def counting(a, b):
        calls[0] += 1
        return real(a, b)

    monkeypatch.setattr(reports, "jaccard", counting)
    groups = reports.group_unanswered(texts, words=str.split)
    assert sum(g.count for g in groups) == 4000
    assert calls[0] < 20 * len(texts), f"{calls[0]} comparisons for {len(texts)} questions"


def test_grouping_gives_the_same_groups_as_comparing_with_every_group() -> None:
    rng = random.Random(9)
    words = [f"w{i}" for i in range(40)]
    texts = [" ".join(rng.sample(words, rng.randint(1, 5))) for _ in range(600)]
    groups = reports.group_unanswered(texts, words=str.split)
    # The reference: the greedy rule, every group compared.
    forms: dict[str, dict[str, int]] = {}
    for t in texts:
        forms.setdefault(reports.question_key(t), {}).setdefault(" ".join(t.split()), 0)
        forms[reports.question_key(t)][" ".join(t.split())] += 1
    order = {k: i for i, k in enumerate(dict.fromkeys(reports.question_key(t) for t in texts))}
    keys = sorted(forms, key=lambda k: (-sum(forms[k].values()), order[k]))
    reference: list[tuple[set[str], list[str]]] = []
    for key in keys:
        own = {w for w in max(forms[key], key=forms[key].get).split() if w not in reports.QUESTION_WORDS}
        scored = [(reports.jaccard(own, g[0]), -i) for i, g in enumerate(reference)]
        best = max(scored, default=(0.0, 0))
        if best[0] >= 0.5:
            reference[-best[1]][1].append(key)
        else:
            reference.append((own, [key]))
    assert sorted(sorted(reports.question_key(p) for p, _ in g.phrasings) for g in groups) == \
        sorted(sorted(members) for _, members in reference)


# --------------------------------------------------------------------------- 14. reload


def test_a_reload_never_pairs_files_read_at_different_moments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor saves the FAQ and the texts while the reload is reading: what is swapped in
    is either all old or all new, never the new FAQ with the old button texts."""
    data = tmp_path / "knowledge"
    shutil.copytree(PACKAGE_DATA, data)
    texts = tmp_path / "dialog" / "texts.yaml"
    texts.parent.mkdir()
    shutil.copy(ROOT / "dialog" / "data" / "texts.yaml", texts)
    monkeypatch.setenv("POLICYBOT_TEXTS", str(texts))
    faq = sorted((data / "faq").glob("*.yaml"))[0]

    class Engine_:
        def __init__(self) -> None:
            self.kb = load_knowledge_or_raise(data)
            self.swapped: list[tuple[str, str]] = []

        def reload(self, kb, ctx=None, texts=None) -> None:
            self.kb = kb
            marker_faq = "NEWFAQ" if "NEWFAQ" in str([e.answer for e in kb.faq]) else "old"
            marker_texts = "NEWTEXT" if texts and "NEWTEXT" in texts.get("menu_ask", "") else "old"
            self.swapped.append((marker_faq, marker_texts))

    edits = [0]

    def load_while_editing(folder: Path):
        loaded = load_validated(folder)
        if edits[0] == 0:  # the editor saves both files right after the FAQ was read
            edits[0] += 1
            faq_text = faq.read_text(encoding="utf-8")
            faq.write_text(re.sub(r"(answer: \|\n +)", r"\1NEWFAQ", faq_text, count=1), encoding="utf-8")
            text = texts.read_text(encoding="utf-8")
            texts.write_text(text.replace("menu_ask: ", "menu_ask: NEWTEXT", 1), encoding="utf-8")
        return loaded

    engine = Engine_()
    result = asyncio.run(Reloader(engine, data, load=load_while_editing).reload("test"))
    assert result.ok, result.problems
    assert engine.swapped == [("NEWFAQ", "NEWTEXT")]


# --------------------------------------------------------------------------- 15. Telegram order


class SlowAnswers(FakeBotApi):
    """answerCallbackQuery takes longer for earlier presses: the network's own reordering."""

    def _m_answerCallbackQuery(self, params):
        number = int(str(params.get("callback_query_id", "press-0")).split("-")[-1])
        time.sleep(0.02 * (10 - number))
        return super()._m_answerCallbackQuery(params)


def test_quick_button_presses_reach_the_engine_in_the_order_they_were_made() -> None:
    engine = TelegramEngine()
    with SlowAnswers() as api:

        async def body(application) -> None:
            for i in range(10):  # ten messages with keyboards to press
                api.push_update(message_update(2001, text=f"问题{i}"))
                await api.wait_for_async("sendMessage", i + 1, chat_id=2001)
            first = last_message_id(api, 2001) - 9
            for i in range(10):
                update = callback_update(api, 2001, first + i, "q:start:jianxi", query_id=f"press-{i}")
                update["callback_query"]["data"] = f"a:{i}"
                api.push_update(update)
            await api.wait_for_async("sendMessage", 20, chat_id=2001)

        run_bot(api, engine, body)
    presses = [i.action for i in engine.incoming if i.kind == "button"]
    assert presses == [f"a:{i}" for i in range(10)]
