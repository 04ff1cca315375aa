"""The conversation engine alone, in process: messages per second with SQLite persistence on.

Run by hand: `.venv/bin/python benchmarks/bench_engine.py [--profile]`; prints numbers, asserts
nothing. The same simulated residents as bench_http.py (/start, two questions, a questionnaire)
call `Engine.handle` directly, so the HTTP stack is out of the picture:

- sequential: one resident at a time — the cost of one turn (answer + SQLite load and commit);
- concurrent: N residents interleaved with asyncio.gather, as under a server's load;
- the same with the database in memory (`:memory:`), to show what persistence costs;
- a breakdown of one turn: the answerer alone vs a whole `handle`.

`--profile` runs the concurrent case under cProfile and prints the top functions.
Every loop is bounded by count and by time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_http import QUESTIONS, pending_step, percentile  # noqa: E402

from dialog.config import Settings  # noqa: E402
from dialog.engine import Engine  # noqa: E402
from dialog.messages import Incoming, Reply  # noqa: E402
from knowledge.answer import Answerer  # noqa: E402
from knowledge.base import load_knowledge_or_raise  # noqa: E402


class EngineResident:
    """bench_http.Resident's conversation, calling the engine directly."""

    def __init__(self, engine: Engine, user: str, rng: random.Random, latencies: list[float]) -> None:
        self.engine, self.user, self.rng, self.latencies = engine, user, rng, latencies
        self.replies: list[Reply] = []

    async def send(self, text: str = "", action: str | None = None) -> None:
        started = time.perf_counter()
        self.replies = await self.engine.handle(
            Incoming("web", self.user, text, action=action, kind="button" if action else "text"))
        self.latencies.append(time.perf_counter() - started)

    def button(self, prefix: str) -> tuple[str, str] | None:
        for reply in self.replies:
            for b in reply.all_buttons():
                if b.action.startswith(prefix):
                    return b.label, b.action
        return None

    async def questionnaire(self) -> None:
        for _ in range(25):
            json_replies = [r.to_json() for r in self.replies]
            if pending_step(json_replies) is None:
                return
            text = "\n".join(r.text for r in self.replies)
            if "请输入数字" in text:
                await self.send(str(self.rng.randint(16, 60)))
                continue
            options = [b for r in self.replies for b in r.all_buttons() if b.action.startswith("a:")]
            choice = self.rng.choice(options) if options else None
            await (self.send(choice.label, choice.action) if choice else self.send("不清楚"))

    async def converse(self) -> None:
        await self.send("/start")
        offer = None
        for question in self.rng.sample(QUESTIONS, 2):
            await self.send(question)
            offer = self.button("p:") or offer
        if offer is None:
            await self.send("测一测", "m:find")
            await self.questionnaire()
            offer = self.button("p:")
        if offer is not None:
            await self.send(*offer)
            await self.questionnaire()


async def run_residents(engine: Engine, n: int, concurrent: bool, seed: int, time_limit: float) -> tuple[list[float], float]:
    latencies: list[float] = []
    rng = random.Random(seed)
    residents = [EngineResident(engine, f"eng-{seed}-{i:06d}", random.Random(rng.random()), latencies) for i in range(n)]
    started = time.perf_counter()
    if concurrent:
        await asyncio.wait_for(asyncio.gather(*(r.converse() for r in residents)), time_limit)
    else:
        deadline = started + time_limit
        for resident in residents:
            if time.perf_counter() > deadline:
                break
            await resident.converse()
    return latencies, time.perf_counter() - started


async def case(name: str, answerer: Answerer, db: Path | str, n: int, concurrent: bool, seed: int,
               time_limit: float, profile: bool = False) -> None:
    settings = Settings(db=Path(db), salt="bench")
    engine = Engine(await _store(settings), answerer, settings)
    try:
        await run_residents(engine, 5, False, seed + 1000, time_limit)  # warm-up
        profiler = cProfile.Profile() if profile else None
        cpu0 = time.process_time()
        if profiler:
            profiler.enable()
        latencies, elapsed = await run_residents(engine, n, concurrent, seed, time_limit)
        if profiler:
            profiler.disable()
        cpu = time.process_time() - cpu0
        print(f"{name:38} {len(latencies):6d} msgs {len(latencies) / elapsed:8.1f} msg/s  "
              f"p50 {percentile(latencies, 50) * 1000:6.2f} ms  p99 {percentile(latencies, 99) * 1000:7.2f} ms  "
              f"CPU {cpu * 1000 / max(len(latencies), 1):5.2f} ms/msg", flush=True)
        if profiler:
            stats = pstats.Stats(profiler)
            print("\n-- cProfile, by own time --")
            stats.sort_stats("tottime").print_stats(14)
            print("-- cProfile, cumulative --")
            stats.sort_stats("cumulative").print_stats(22)
    finally:
        await engine.close()


async def _store(settings: Settings):
    from dialog.store import Store

    return await Store.open(settings.db, settings.salt)


def turn_breakdown(answerer: Answerer, rounds: int = 300) -> None:
    """The answerer alone on the benchmark questions: the CPU floor of a free-question turn."""
    samples = []
    for i in range(rounds):
        started = time.perf_counter()
        answerer.answer(QUESTIONS[i % len(QUESTIONS)])
        samples.append(time.perf_counter() - started)
    print(f"{'answerer.answer alone (no engine, no DB)':38} {rounds:6d} calls "
          f"{rounds / sum(samples):8.1f} /s     p50 {statistics.median(samples) * 1000:6.2f} ms  "
          f"p99 {percentile(samples, 99) * 1000:7.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    print(f"# bench_engine {time.strftime('%Y-%m-%d %H:%M')}  nproc={os.cpu_count()}  residents={args.residents}")
    answerer = Answerer(load_knowledge_or_raise())
    turn_breakdown(answerer)

    async def all_cases() -> None:
        with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
            n, limit = args.residents, args.time_limit
            await case("SQLite file, sequential", answerer, Path(tmp) / "a.sqlite3", n, False, 1, limit)
            await case(f"SQLite file, {n} concurrent", answerer, Path(tmp) / "b.sqlite3", n, True, 2, limit)
            await case("SQLite :memory:, sequential", answerer, ":memory:", n, False, 1, limit)
            await case(f"SQLite :memory:, {n} concurrent", answerer, ":memory:", n, True, 2, limit)
            if args.profile:
                await case(f"profile: SQLite file, {n} concurrent", answerer, Path(tmp) / "c.sqlite3", n, True, 3,
                           limit, profile=True)

    asyncio.run(all_cases())
    return 0


if __name__ == "__main__":
    sys.exit(main())
