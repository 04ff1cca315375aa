"""The store alone under turn-shaped traffic: what a turn's load + save costs on each backend,
and what the SQLite store's batching (group commit) still buys.

Run by hand: `.venv/bin/python benchmarks/bench_store.py [--residents 200] [--seconds 10]
[--baseline-root DIR]`; prints numbers, asserts nothing. Each simulated resident does what
the engine does around a turn — `turn_lock`, `load`, change the session (answers, history,
the buttons shown: a ~1 KB JSON row like a questionnaire's), `save` with one log event (a
distinct colloquial question) — with no engine work in between, so the figures are the
store's own cost. Two phases per variant:

- saturation: every resident sends the next turn as soon as the last is saved (closed loop);
  turns/s is the store's ceiling, CPU ms per turn is this process's CPU (the SQLite thread
  included; a PostgreSQL server's own CPU is not: it is reported apart from /proc);
- paced: each resident one turn every `--period` s (200 residents, 2 s: 100 turns/s, a busy
  prefecture); p50/p99 of a turn.

Variants: `sqlite` (dialog.store.Store: one thread of its own, a pump that commits whatever
queued while the last round was in the database), `sqlite-unbatched` (the same store with
rounds of one turn: a commit and an fsync per turn, what the pump replaced), `postgresql`
(dialog.storage.postgres.PostgresStore on a throw-away local cluster with fsync ON, `--pool` 10,
each turn under its advisory lock) when the server binaries are here. `--baseline-root DIR`
(repeatable) runs the `sqlite` variant again from another checkout, in a child process of the
same run, for comparison: e.g. `git worktree add --detach /tmp/wrapper-store a62c8dc~1` (the
hand-written one-thread executor wrapper, deleted since) and `… /tmp/aiosqlite-private 7cfc02a`
(aiosqlite through its private `Connection._execute`, one job per round). With `postgresql`
among the variants, each baseline's PostgreSQL store runs too, on a fresh database of the same
server (`--rounds N` alternates them with this checkout's), e.g. `git archive 4515c77~1 | tar -x
-C /tmp/pg-base` for the store before a turn took 2 round trips instead of 5 (+ 2 pool resets).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]


def _root_from_argv() -> Path:
    if "--root" in sys.argv:
        return Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
    return ROOT


sys.path.insert(0, str(_root_from_argv()))
sys.path.insert(0, str(ROOT / "tests"))  # pgcluster

from dialog.store import Event, Store  # noqa: E402

QUESTIONS = ["见习补贴一个月能拿多少", "我想开个小卖部能贷到款不", "失业了到哪达登记哩", "学个电焊有没有补贴",
             "娃娃刚毕业找不上工作咋办", "回老家养牛有啥扶持政策", "社保补贴咋申请呢", "厂里招了几个贫困户能奖多少"]
POOL_SIZE = [10]  # --pool
BUTTONS = [["是", "a:yes"], ["否", "a:no"], ["不清楚", "a:unknown"], ["上一步", "n:back"], ["退出测一测", "n:exit"]]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


class UnbatchedStore(Store):
    """The SQLite store with one save in the database at a time: every round commits (and
    fsyncs) a single turn, what the pump's group commit replaced."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._one_at_a_time = asyncio.Lock()

    async def save(self, *args, **kwargs) -> None:
        async with self._one_at_a_time:
            await super().save(*args, **kwargs)


async def open_variant(name: str, folder: Path, url: str | None):
    if name == "postgresql":
        from dialog.storage import open_store

        return await open_store(url, "bench-store-salt", pool_size=POOL_SIZE[0])
    db = folder / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return await (UnbatchedStore if name == "sqlite-unbatched" else Store).open(db, "bench-store-salt")


async def phase(store, residents: int, seconds: float, period: float) -> dict[str, float]:
    lock = getattr(store, "turn_lock", None)
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def resident(i: int) -> None:
        key = store.user_key("web", f"bench-resident-{i:05d}")
        step = 0
        if period:
            await asyncio.sleep(period * i / residents)
        while time.monotonic() < deadline:
            tick = time.monotonic()
            started = time.perf_counter()
            async with (lock(key) if lock else contextlib.nullcontext()):
                session = await store.load(key)
                session.mode, session.program = "questionnaire", "internship"
                session.answers[f"q{step % 9}"] = step
                session.history = (session.history + [f"q{step % 9}"])[-9:]
                session.last_buttons = BUTTONS
                session.lead_text = QUESTIONS[(i + step) % len(QUESTIONS)]
                await store.save(key, "web", session,
                                 [Event("question", text=f"{QUESTIONS[(i + step) % len(QUESTIONS)]}{i}",
                                        answered=True, clause="6")], None)
            latencies.append(time.perf_counter() - started)
            step += 1
            if period:
                await asyncio.sleep(max(0.0, period - (time.monotonic() - tick)))

    cpu, wall = time.process_time(), time.monotonic()
    await asyncio.gather(*(resident(i) for i in range(residents)))
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    return {"turns": len(latencies), "turns_per_s": len(latencies) / wall,
            "p50_ms": statistics.median(latencies) * 1000, "p99_ms": percentile(latencies, 0.99) * 1000,
            "cpu_ms_per_turn": cpu * 1000 / max(1, len(latencies))}


def _server_cpu_seconds(cluster) -> float:
    """User + system CPU of this cluster's server processes (the postmaster named in its
    postmaster.pid and its children, from /proc), in seconds."""
    try:
        postmaster = int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if int(proc.name) == postmaster or int(fields[1]) == postmaster:
                total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def run_variant(name: str, args, folder: Path, url: str | None, cluster=None) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for label, period in (("saturation", 0.0), ("paced", args.period)):
        store = await open_variant(name, folder, url)
        server_before = _server_cpu_seconds(cluster) if cluster else None
        out[label] = await phase(store, args.residents, args.seconds, period)
        if cluster:
            out[label]["server_cpu_ms_per_turn"] = ((_server_cpu_seconds(cluster) - server_before) * 1000
                                                    / max(1, out[label]["turns"]))
        out[label]["turns_per_commit"] = out[label]["turns"] / max(1, getattr(store, "batches", 0)) \
            if name != "postgresql" else 1.0
        await store.close()
    return out


def show(name: str, result: dict[str, dict]) -> None:
    for label, r in result.items():
        extra = f"  server CPU {r['server_cpu_ms_per_turn']:.2f} ms/turn" if "server_cpu_ms_per_turn" in r else ""
        print(f"{name:<22} {label:<10} {r['turns']:>7} turns {r['turns_per_s']:>8.0f}/s  p50 {r['p50_ms']:>7.2f} ms"
              f"  p99 {r['p99_ms']:>7.2f} ms  CPU {r['cpu_ms_per_turn']:.3f} ms/turn  "
              f"turns/commit {r['turns_per_commit']:.1f}{extra}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--period", type=float, default=2.0, help="paced phase: seconds between a resident's turns")
    parser.add_argument("--variants", default="sqlite,sqlite-unbatched,postgresql")
    parser.add_argument("--pool", type=int, default=10, help="PostgreSQL connections (default 10)")
    parser.add_argument("--baseline-root", type=Path, action="append", default=[],
                        help="another checkout: its sqlite variant, same run (repeatable)")
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)  # used by the baseline's child
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-variant", default="sqlite", help=argparse.SUPPRESS)  # the child's variant
    parser.add_argument("--url", help=argparse.SUPPRESS)  # the child's PostgreSQL database
    parser.add_argument("--pg-folder", type=Path, help=argparse.SUPPRESS)  # the child's cluster (server CPU)
    parser.add_argument("--rounds", type=int, default=1,
                        help="postgresql: rounds alternating this checkout and each --baseline-root (default 1)")
    args = parser.parse_args()
    POOL_SIZE[0] = args.pool
    folder = Path(tempfile.mkdtemp(prefix="bench-store-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    variants = [v for v in args.variants.split(",") if v]
    results: dict[str, dict] = {}
    if args.json:  # the baseline's child: one variant, numbers on stdout
        cluster = SimpleNamespace(folder=args.pg_folder) if args.pg_folder else None
        print(json.dumps(asyncio.run(run_variant(args.child_variant, args, folder, args.url, cluster))))
        return 0
    print(f"{args.residents} residents, {args.seconds:g} s per phase, paced every {args.period:g} s; "
          f"database files in {folder}")
    for baseline in args.baseline_root if "sqlite" in variants else []:
        child = subprocess.run([sys.executable, __file__, "--json", "--root", str(baseline),
                                "--residents", str(args.residents), "--seconds", str(args.seconds),
                                "--period", str(args.period)], capture_output=True, text=True)
        if child.returncode == 0:
            show(f"sqlite ({baseline.name})", json.loads(child.stdout.splitlines()[-1]))
        else:
            print(f"baseline {baseline.name} failed:", child.stderr.strip()[-500:])
    for name in variants:
        if name == "postgresql":
            try:
                import pgcluster

                with pgcluster.running_cluster(durable=True) as cluster:
                    for round_no in range(args.rounds):
                        # Each baseline's PostgreSQL store in a child (its own code), on a fresh
                        # database of the same server, alternating with this checkout's.
                        for baseline in args.baseline_root:
                            database = f"base_{round_no}_{baseline.name}".replace("-", "_").lower()
                            cluster.psql(f"CREATE DATABASE {database}")
                            url = cluster.url.replace(f"/{cluster.database}?", f"/{database}?")
                            child = subprocess.run(
                                [sys.executable, __file__, "--json", "--root", str(baseline), "--child-variant",
                                 "postgresql", "--url", url, "--pg-folder", str(cluster.folder), "--residents",
                                 str(args.residents), "--seconds", str(args.seconds), "--period", str(args.period),
                                 "--pool", str(args.pool)], capture_output=True, text=True)
                            if child.returncode == 0:
                                show(f"postgresql ({baseline.name})", json.loads(child.stdout.splitlines()[-1]))
                            else:
                                print(f"baseline {baseline.name} failed:", child.stderr.strip()[-500:])
                        database = f"current_{round_no}"
                        cluster.psql(f"CREATE DATABASE {database}")
                        url = cluster.url.replace(f"/{cluster.database}?", f"/{database}?")
                        results[name] = asyncio.run(run_variant(name, args, folder, url, cluster))
                        if round_no < args.rounds - 1:
                            show(name, results[name])
            except Exception as exc:  # noqa: BLE001 - no server binaries: say so and go on
                print(f"postgresql skipped: {type(exc).__name__}: {exc}")
                continue
        else:
            results[name] = asyncio.run(run_variant(name, args, folder, None))
        show(name, results[name])
    return 0


if __name__ == "__main__":
    sys.exit(main())
