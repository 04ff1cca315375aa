"""kill -9 in the middle of the load; restart on the same database; nobody's progress is lost.

Run by hand: `.venv/bin/python benchmarks/bench_kill9.py [--residents 200] [--rounds 3]`; prints
PASS or FAIL with the details. tests/test_reliability_kill9.py runs a small version in the suite.

Why this holds: the engine commits each turn's session before it returns the reply (SQLite WAL,
synchronous=NORMAL: a committed transaction survives the death of the process, though not
necessarily a power cut), so everything a resident was answered for is on disk when the process
dies.

Each round: `python -m bot run` on a fresh 127.0.0.1 port; residents work through eligibility
questionnaires (a new one after each result) with a short think time; after a while the server
gets SIGKILL; it is started again on the same database; every resident sends /help, which shows
the pending question with its step (第k步/共n步). A resident whose last request had its reply must
be exactly where that reply left it; one whose request was in flight at the kill may also be
one step further (the turn was committed, the reply lost). Then every resident answers on to the
result, and `PRAGMA integrity_check` must say ok.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import Pool, Resident, Stats, free_port, running, start_bot, wait_healthy  # noqa: E402

# Programs with several questions, so residents are mid-questionnaire when the server dies.
PROGRAMS = ("internship", "startup_loan", "job_retention_refund", "skills_upgrade_subsidy")

Step = tuple[int, int, str] | None


class Worker(Resident):
    """A resident who keeps answering questionnaires until a request fails (the kill)."""

    def __init__(self, pool: Pool, user: str, rng: random.Random, stats: Stats,
                 think: tuple[float, float]) -> None:
        super().__init__(pool, user, rng, stats, think)
        self.acknowledged: Step = None  # pending question per the last reply received
        self.acknowledged_before_restart: Step = None
        self.lost_in_flight = False  # the failing request may have been committed
        self.failed_sent_at: float | None = None  # when the request that failed was sent
        self.answers = 0

    async def send(self, text: str = "", action: str | None = None) -> bool:
        sent_at = time.monotonic()
        ok = await super().send(text, action)
        if ok:
            self.acknowledged = self.step
        elif self.failed_sent_at is None:
            self.failed_sent_at = sent_at
        return ok

    async def work(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.step is None:
                program = self.rng.choice(PROGRAMS)
                if not await self.send("测一测", f"p:{program}"):
                    return
            elif not await self.answer_step():
                return
            else:
                self.answers += 1


@dataclass
class Outcome:
    residents: int = 0
    answers_before_kill: int = 0
    in_flight_at_kill: int = 0
    exact: int = 0
    one_step_on: int = 0
    failures: list[str] = field(default_factory=list)
    finished_after_restart: int = 0
    integrity: str = ""

    @property
    def passed(self) -> bool:
        return (not self.failures and self.integrity == "ok"
                and self.finished_after_restart == self.residents and self.answers_before_kill > 0)


def compatible(before: Step, after: Step, in_flight: bool) -> bool:
    """Whether the state after the restart is what the acknowledged reply (plus, if a request
    was in flight, that one request) can have produced."""
    if after == before:
        return True
    if not in_flight:
        return False
    if before is None:  # the in-flight request started a questionnaire
        return after is not None and after[0] == 1
    if after is None:  # the in-flight answer was the last one: the result was committed
        return True
    return after[0] == before[0] + 1  # the in-flight answer was recorded


async def check_and_finish(port: int, workers: list[Worker], outcome: Outcome, pool_size: int) -> None:
    async with Pool(port, pool_size) as pool:
        async def one(worker: Worker) -> None:
            worker.pool, worker.think = pool, (0.0, 0.0)
            if not await worker.send("/help"):
                outcome.failures.append(f"{worker.user}: /help failed after restart")
                return
            before, after = worker.acknowledged_before_restart, worker.step
            if not compatible(before, after, worker.lost_in_flight):
                outcome.failures.append(f"{worker.user}: was at {before}, in flight={worker.lost_in_flight}, "
                                        f"found at {after}")
                return
            if after == before:
                outcome.exact += 1
            else:
                outcome.one_step_on += 1
            for _ in range(30):  # answer on to the result
                if worker.step is None:
                    outcome.finished_after_restart += 1
                    return
                if not await worker.answer_step():
                    outcome.failures.append(f"{worker.user}: could not continue after restart")
                    return
            outcome.failures.append(f"{worker.user}: questionnaire did not end")

        await asyncio.gather(*(one(w) for w in workers))


def run_round(tmp: Path, residents: int, kill_after: float, seed: int, think: tuple[float, float] = (0.0, 0.2),
              pool_size: int = 100, log=print) -> Outcome:
    """One kill -9 round on a fresh database; returns what was found."""
    db = tmp / f"kill9-{seed}.sqlite3"
    outcome = Outcome(residents=residents)
    rng = random.Random(seed)
    stats = Stats()
    port = free_port()
    server = start_bot(db, port, tmp / "kill9.log")
    with running(server):
        wait_healthy(port, server)

        async def load() -> list[Worker]:
            async with Pool(port, min(pool_size, residents)) as pool:
                workers = [Worker(pool, f"kill9-{seed}-{i:05d}", random.Random(rng.random()), stats, think)
                           for i in range(residents)]
                deadline = time.monotonic() + kill_after + 30  # bounded even if the kill misfires
                tasks = [asyncio.create_task(w.work(deadline)) for w in workers]
                await asyncio.sleep(kill_after)
                killed_at = time.monotonic()
                os.kill(server.pid, signal.SIGKILL)
                await asyncio.wait(tasks, timeout=30)
                for w in workers:
                    # Sent before the kill: the server may have committed it. Sent after: refused.
                    w.lost_in_flight = w.failed_sent_at is not None and w.failed_sent_at <= killed_at
                return workers

        workers = asyncio.run(load())
        server.wait(10)
    outcome.answers_before_kill = sum(w.answers for w in workers)
    outcome.in_flight_at_kill = sum(w.lost_in_flight for w in workers)
    for w in workers:
        w.acknowledged_before_restart = w.acknowledged
        w.step = w.acknowledged
    log(f"  killed after {kill_after:.1f} s: {outcome.answers_before_kill} answers acknowledged, "
        f"{outcome.in_flight_at_kill} requests in flight")

    port = free_port()
    server = start_bot(db, port, tmp / "kill9.log")
    with running(server):
        wait_healthy(port, server)
        asyncio.run(check_and_finish(port, workers, outcome, pool_size))
    with sqlite3.connect(db) as check:
        outcome.integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kill-after", type=float, default=3.0, help="seconds of load before the kill")
    args = parser.parse_args()
    print(f"# bench_kill9 {time.strftime('%Y-%m-%d %H:%M')}  residents={args.residents}  rounds={args.rounds}")
    all_passed = True
    with tempfile.TemporaryDirectory(prefix="bench-kill9-") as tmpdir:
        for round_no in range(1, args.rounds + 1):
            print(f"round {round_no}:")
            outcome = run_round(Path(tmpdir), args.residents, args.kill_after * (0.6 + 0.4 * round_no / args.rounds),
                                seed=round_no)
            print(f"  after restart: {outcome.exact} exactly where they were, {outcome.one_step_on} one step on "
                  f"(their in-flight answer was committed), {outcome.finished_after_restart}/{outcome.residents} "
                  f"finished their questionnaire, integrity_check={outcome.integrity}")
            for failure in outcome.failures[:10]:
                print(f"  FAIL {failure}")
            print(f"  {'PASS' if outcome.passed else 'FAIL'}")
            all_passed &= outcome.passed
    print("PASS" if all_passed else "FAIL")
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main())
