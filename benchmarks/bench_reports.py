"""Staff reports on a log of a million rows, while residents chat (issue 15, item 13).

Run by hand: `.venv/bin/python benchmarks/bench_reports.py [--rows 1000000] [--residents 200]
[--db FILE]`. It builds (once, kept with --db) a message log of `--rows` events over 180 days
(a fifth questions, a third of those unanswered, tens of thousands of distinct texts), starts
`policybot run` on it, lets `--residents` paced residents chat (one message every 2 s each,
questions and questionnaire steps), and while they do, a staff member asks `/stats 180` and
then `/unanswered 180` in the web chat. Printed: the residents' latency (p50 / p99 / max)
before and during the reports, how long each report took, the server's peak memory before
and during; then `policybot report --format csv` on the same file (time, peak memory), and
the grouping of 10,000 distinct unanswered questions with the bot's own segmenter.

Targets (issue 15): chat p99 <= 100 ms while a 180-day report runs on 1M rows; the report
under 150 MB. The figures in benchmarks/README.md come from this script.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "bench-admin-token-0123456789"
SALT = "bench-reports-salt-0123456789"
DAY = 86400
TOPICS = ["公积金", "退休", "产假", "工伤", "贷款", "见习", "补贴", "培训", "社保", "户口", "养牛", "养羊", "大棚",
          "拉面", "驾照", "护照", "医保", "低保", "残疾", "学费", "房租", "装修", "工资", "加班", "合同"]
QUESTIONS = ["见习补贴每人每月多少钱", "开小卖部能贷款吗", "失业了去哪里登记", "技能培训有补贴吗",
             "返乡创业有什么扶持", "公积金怎么提取"]


def build_log(db: Path, rows: int, seed: int = 11) -> None:
    """`rows` events over 180 days, written in one transaction (schema from the store)."""
    import asyncio as _asyncio

    from dialog.store import Store

    async def create() -> None:
        store = await Store.open(db, SALT)
        await store.close()

    _asyncio.run(create())
    rng = random.Random(seed)
    now = time.time()
    users = max(rows // 5, 1)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous=OFF")
    batch = []
    for _ in range(rows):
        r = rng.random()
        kind = ("question" if r < 0.2 else "start" if r < 0.5 else "questionnaire_started" if r < 0.6
                else "questionnaire_completed" if r < 0.65 else "button")
        text = clause = answered = program = None
        if kind == "question":
            answered = rng.random() > 0.33
            if answered:
                text, clause = rng.choice(QUESTIONS), rng.choice(["6", "5.2", "3.1", "2.3"])
            else:
                text = f"{rng.choice(TOPICS)}{rng.choice(['怎么办', '咋弄', '能不能', '去哪里办'])}{rng.choice(TOPICS)}" \
                       f"{rng.randrange(4000)}"
        elif kind.startswith("questionnaire"):
            program = rng.choice(["internship", "startup_loan", "job_retention_refund"])
        batch.append((now - rng.random() * 180 * DAY, "web", f"u{rng.randrange(users):08d}",
                      rng.choice([None, None, "poster1", "wechat-jan", "market-day"]), kind, text, clause,
                      None if answered is None else int(answered), program))
        if len(batch) >= 50_000:
            conn.executemany("INSERT INTO events (ts, channel, user_key, campaign, kind, text, clause, answered, "
                             "program) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            batch = []
    if batch:
        conn.executemany("INSERT INTO events (ts, channel, user_key, campaign, kind, text, clause, answered, "
                         "program) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")


async def load_test(port: int, pid: int, residents: int) -> None:
    base = f"http://127.0.0.1:{port}"
    windows: dict[str, list[float]] = {"before": [], "during": [], "after": []}
    phase = ["before"]
    peak = {"before": 0.0, "during": 0.0, "after": 0.0}
    child_peak = [0.0]  # the report's own process
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=residents + 10, max_keepalive_connections=residents + 10)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def resident(i: int) -> None:
            rng = random.Random(i)
            user = f"resident-{i:05d}"
            await asyncio.sleep(rng.random() * 2)
            step = 0
            while not stop.is_set():
                tick = time.monotonic()
                body = ({"user": user, "action": "p:internship"} if step % 6 == 0 else
                        {"user": user, "action": "a:0"} if step % 6 < 3 else
                        {"user": user, "text": rng.choice(QUESTIONS)})
                started = time.perf_counter()
                response = await client.post("/api/chat", json=body)
                elapsed = time.perf_counter() - started
                if response.status_code == 200:
                    windows[phase[0]].append(elapsed)
                step += 1
                await asyncio.sleep(max(0.0, 2.0 - (time.monotonic() - tick)))

        async def memory() -> None:
            while not stop.is_set():
                peak[phase[0]] = max(peak[phase[0]], rss_mb(pid))
                for child in children(pid):
                    child_peak[0] = max(child_peak[0], rss_mb(child))
                await asyncio.sleep(0.1)

        async def staff() -> None:
            user = "staff-member-01"
            assert (await client.post("/api/chat", json={"user": user, "text": f"/admin {TOKEN}"})).status_code == 200
            await asyncio.sleep(12)  # the residents settle
            phase[0] = "during"
            for command in ("/stats 180", "/unanswered 180"):
                started = time.perf_counter()
                response = await client.post("/api/chat", json={"user": user, "text": command})
                text = response.json()["replies"][0]["text"]
                print(f"  {command}: {time.perf_counter() - started:.2f} s, reply starts {text[:40]!r}", flush=True)
            phase[0] = "after"
            await asyncio.sleep(8)
            stop.set()

        tasks = [asyncio.create_task(resident(i)) for i in range(residents)]
        tasks.append(asyncio.create_task(memory()))
        await staff()
        await asyncio.gather(*tasks)
    print(f"  the report's own process: peak RSS {child_peak[0]:.0f} MB (sampled every 0.1 s)")
    for name, values in windows.items():
        print(f"  chat {name:6}: {len(values):5} replies, p50 {pct(values, 0.5):6.1f} ms, p99 {pct(values, 0.99):6.1f} ms, "
              f"max {max(values) * 1000 if values else 0:6.0f} ms; server peak RSS {peak[name]:.0f} MB", flush=True)


def run_server(db: Path, residents: int) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    env.update(POLICYBOT_DB=str(db), POLICYBOT_SALT=SALT, POLICYBOT_PORT=str(port), POLICYBOT_ADMIN_TOKEN=TOKEN,
               POLICYBOT_RATE_LIMIT_PER_MINUTE="0")
    log = open(db.with_suffix(".server.log"), "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        print(f"server up, RSS {rss_mb(proc.pid):.0f} MB; {residents} paced residents (one message every 2 s each)")
        asyncio.run(load_test(port, proc.pid, residents))
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def cli_report(db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    env.update(POLICYBOT_DB=str(db), POLICYBOT_SALT=SALT)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "report", "--format", "csv", "-o",
                             str(db.with_suffix(".csv"))], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak memory
    proc.returncode = os.waitstatus_to_exitcode(status)
    print(f"policybot report --format csv: exit {proc.returncode}, {time.perf_counter() - started:.1f} s, "
          f"peak RSS {usage.ru_maxrss / 1024:.0f} MB")


def grouping(n: int) -> None:
    from dialog import reports
    from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise
    from knowledge.segmentation import Segmenter

    words = Segmenter(load_knowledge_or_raise(PACKAGE_DATA).lexicon).content_words
    rng = random.Random(4)
    for size in (n // 4, n):
        texts = [(f"{rng.choice(TOPICS)}{rng.choice(['怎么办', '咋弄', '能不能办', '去哪里办'])}{rng.choice(TOPICS)}"
                  f"{i}", 1 + rng.randrange(3)) for i in range(size)]
        started = time.perf_counter()
        groups = reports.group_unanswered_counts(texts, words=words)
        print(f"grouping {size:,} distinct unanswered questions: {time.perf_counter() - started:.2f} s "
              f"({len(groups):,} groups)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--db", type=Path, default=None, help="keep the generated log here (reused if present)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        db = args.db or Path(tmp) / "log.sqlite3"
        if not db.exists():
            started = time.perf_counter()
            build_log(db, args.rows)
            print(f"built a log of {args.rows:,} rows in {time.perf_counter() - started:.0f} s "
                  f"({db.stat().st_size / 1e6:.0f} MB)")
        with sqlite3.connect(db) as conn:
            distinct = conn.execute("SELECT COUNT(DISTINCT text) FROM events WHERE answered = 0").fetchone()[0]
            print(f"{distinct:,} distinct unanswered texts in the log")
        run_server(db, args.residents)
        cli_report(db)
        grouping(10_000)
        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
