"""What synchronous=FULL costs under the group commit (issue 15, item 10).

Run by hand: `.venv/bin/python benchmarks/bench_durability.py [--seconds 15] [--residents 1,20,200]
[--dir DIR]`. For each `synchronous` mode (NORMAL: a commit is written to the WAL but not
fsynced; FULL: the WAL is fsynced at every commit, what the store uses) and each number of
residents, the real engine (`Engine.handle`, the real store on a file in DIR, default a
temporary directory next to the database the bot would use) answers residents who each send
a question or a questionnaire step, wait for the reply and send the next, for `--seconds`.
Printed per run: turns per second, turn latency p50 / p99, turns per commit (the group
commit's batch size) and fsyncs of the WAL per second (under FULL one per commit; NORMAL
syncs the WAL only at checkpoints). `--paced 2` makes each resident send one message every
2 s (a realistic load) instead of back to back (saturation).

The figures in benchmarks/README.md ("synchronous=FULL under the group commit") come from this.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dialog.config import Settings  # noqa: E402
from dialog.engine import Engine  # noqa: E402
from dialog.messages import Incoming  # noqa: E402
from dialog.store import Store  # noqa: E402
from knowledge.answer import Answerer  # noqa: E402
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise  # noqa: E402

QUESTIONS = ["见习补贴每人每月多少钱", "开小卖部能贷款吗", "失业了去哪里登记", "技能培训有补贴吗",
             "招用贫困劳动力有什么奖励", "返乡创业有什么扶持"]


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def run(mode: str, residents: int, seconds: float, folder: Path, answerer: Answerer,
              period: float = 0.0) -> dict[str, float]:
    db = folder / f"bench-{mode}-{residents}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = await Store.open(db, "bench-durability-salt")
    await store.db.execute(f"PRAGMA synchronous={mode}")
    engine = Engine(store, answerer, Settings(db=db, salt="bench-durability-salt"))
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def resident(i: int) -> None:
        user = f"resident-{i:05d}"
        step = 0
        if period:
            await asyncio.sleep(period * i / residents)  # spread over the period
        while time.monotonic() < deadline:
            tick = time.monotonic()
            if step % 8 == 0:
                msg = Incoming("web", user, "", action="p:internship", kind="button")
            elif step % 8 < 4:
                msg = Incoming("web", user, "", action="a:0", kind="button")
            else:
                msg = Incoming("web", user, QUESTIONS[(i + step) % len(QUESTIONS)])
            started = time.perf_counter()
            await engine.handle(msg)
            latencies.append(time.perf_counter() - started)
            step += 1
            if period:
                await asyncio.sleep(max(0.0, period - (time.monotonic() - tick)))

    started = time.monotonic()
    batches_before = store.batches
    await asyncio.gather(*(resident(i) for i in range(residents)))
    elapsed = time.monotonic() - started
    commits = store.batches - batches_before
    await engine.close()
    return {
        "turns_per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "turns_per_commit": len(latencies) / max(commits, 1),
        "commits_per_s": commits / elapsed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--residents", default="1,20,200")
    parser.add_argument("--dir", type=Path, default=None, help="where the database files go (default: a temp dir)")
    parser.add_argument("--paced", type=float, default=0.0, metavar="SECONDS",
                        help="each resident sends one message every SECONDS (default 0: back to back, saturation)")
    args = parser.parse_args()
    answerer = Answerer(load_knowledge_or_raise(PACKAGE_DATA))
    counts = [int(n) for n in args.residents.split(",")]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        pacing = f"one message every {args.paced:g} s per resident" if args.paced else "back to back (saturation)"
        print(f"database folder: {tmp}; {args.seconds:g} s per run; {pacing}")
        print(f"{'mode':7} {'residents':>9} {'turns/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'turns/commit':>12} {'fsyncs/s':>8}")
        for residents in counts:
            for mode in ("NORMAL", "FULL"):
                r = asyncio.run(run(mode, residents, args.seconds, Path(tmp), answerer, args.paced))
                fsyncs = r["commits_per_s"] if mode == "FULL" else 0.0
                print(f"{mode:7} {residents:>9} {r['turns_per_s']:>8.0f} {r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} "
                      f"{r['turns_per_commit']:>12.1f} {fsyncs:>8.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
