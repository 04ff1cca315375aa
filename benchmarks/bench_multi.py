"""Several bot processes (issue 17, "Measured"): saturation for 1 and 2 processes on SQLite and
on PostgreSQL in the same run, 1,000 paced residents with 2 processes, the scaling ratio and
the CPU per message (the bot's processes and PostgreSQL's, from /proc).

Run by hand: `.venv/bin/python benchmarks/bench_multi.py` (about 8 minutes per meaning mode;
`--quick` about half); it prints numbers and asserts nothing.

What one run does:
- A throw-away PostgreSQL cluster (tests/pgcluster.py: initdb in a temporary folder, a Unix
  socket and a loopback port, fsync off as in the tests — the commit cost of a real disk is
  bench_durability.py's subject), one database per server.
- For each meaning mode (`--semantic off,on`: POLICYBOT_SEMANTIC=off is the lexical path,
  ~1 ms of CPU a message; "on" is the default, ~6 ms, dominated by one e5 embedding per new
  question), the servers side by side, each with a fresh database:
    * `sqlite-1`: `policybot run` on a SQLite file (the embedded default);
    * `sqlite-2`: `policybot run --workers 2` on SQLite — refused (more than one worker needs
      PostgreSQL): the run prints the refusal and its status instead of figures;
    * `pg-1`, `pg-2`: `policybot run` and `policybot run --workers 2` on PostgreSQL;
    * `--tuning`: `sqlite-1-tuned`, `sqlite-1-gc`, `sqlite-1-switch`: `sqlite-1` with the
      interpreter settings dialog/runtime_tuning.py describes forced on (all, the GC part, the
      GIL switch interval), beside `sqlite-1` as the server runs (Python's defaults).
- Saturation: `--slots` residents back to back with no think time for `--saturation-seconds`,
  `--rounds` rounds alternating the servers (this machine's speed drifts by ±20% from one
  10 s window to the next). Traffic is benchmarks/traffic.py's (distinct residents, distinct
  colloquial questions, questionnaires walked to the end by typed answers), through
  bench_http.py's client (a pool of keep-alive connections, like nginx's upstream pool).
- Paced: `--residents` (1,000) residents with a think time (`--think`, 1–3 s: several times
  harsher than a person reading an answer) on each server named in `--paced` (default `pg-2`,
  the issue's target: p99 <= 100 ms). Also `--think-real` (default 5,30) for a second paced
  phase with a think time as residents read.
- Ramp (`--ramp 60`, on by default): the same residents arriving evenly over 60 s (as a WeChat
  article or a push brings them) beside the opening burst (all of them within their first
  1-3 s think time); both are reported. Each paced phase also prints, per 5 s window, the
  requests sent per second (the arrival rate) and their p99: the burst's first windows send
  more than the saturation msg/s of the same server, which is where its p99 comes from.
- `--baseline DIR` (another checkout, e.g. `git archive <commit> | tar -x -C DIR`): servers
  named NAME@base (`pg-1@base`, `pg-2@base`) run that code beside this one's in the same run,
  and the summary prints their ratios (before/after a change on the same busy machine).
- CPU: utime+stime of the bot's process tree (the parent and its workers) and of PostgreSQL's
  (the postmaster and its backends), per phase, from /proc; per message and as messages per
  second per core (1,000 / CPU ms per message).

The load generator shares the machine's cores with the servers and PostgreSQL (its CPU is
printed): on a 2-core machine 2 processes cannot double the throughput; the CPU per message is
the figure that carries to a bigger machine (benchmarks/README.md, "Several processes").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

import bench_http  # noqa: E402
from bench_http import paced_phase, percentile, saturation_phase  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
WINDOW_SECONDS = 5.0  # paced phases: arrival rate and p99 per window
# Servers of --tuning: sqlite-1 with runtime_tuning's parts forced on (see run_untuned).
TUNING_VARIANTS = {"sqlite-1-tuned": "all", "sqlite-1-gc": "gc", "sqlite-1-switch": "switch"}


# --------------------------------------------------------------------------- /proc


def children_of(pid: int) -> list[int]:
    """Every process whose parent is `pid` (one /proc scan)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process; 0 when it is gone."""
    try:
        return bench_http.proc_cpu_seconds(pid)
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_cpu(pid: int) -> dict[int, float]:
    """CPU seconds of `pid` and of each of its children, by pid."""
    return {p: cpu_seconds(p) for p in [pid, *children_of(pid)]}


def delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two tree_cpu snapshots (processes that started meanwhile count whole)."""
    return sum(after[p] - before.get(p, 0.0) for p in after)


# --------------------------------------------------------------------------- servers


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes] | None
    log: Path
    workers: int
    refused: str = ""  # the refusal, for sqlite-2

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def wait_workers(server: Server, timeout: float = 180.0) -> None:
    """/healthz answers and, with workers, every worker logged that it is ready."""
    bench_http.wait_healthy(server.port, server.process, timeout)
    if server.workers < 2:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = server.log.read_text(encoding="utf-8", errors="replace")
        if sum(f"worker {i} ready" in text for i in range(1, server.workers + 1)) == server.workers:
            return
        time.sleep(0.2)
    raise TimeoutError(f"{server.name}: the workers did not all start ({server.log})")


def start_server(name: str, target: str, workers: int, logs: Path, semantic: str, untuned: str = "",
                 code: Path | None = None) -> Server:
    """`policybot run [--workers N]` on `target` (a SQLite path or a postgresql:// URL), the
    default rate limit (20 a minute; a resident sends at most 18 messages), Telegram off.
    `code`: another checkout of the project to run instead of this one (`--baseline`)."""
    port = bench_http.free_port()
    log = logs / f"{name}-{semantic}.log".replace("@", "-")
    env = {"POLICYBOT_DB": target, "POLICYBOT_DB_POOL_SIZE": "10"}
    if semantic == "off":
        env["POLICYBOT_SEMANTIC"] = "off"
    command = ([sys.executable, str(Path(__file__).resolve()), "--run-untuned", untuned] if untuned
               else [sys.executable, "-m", "bot", "run"])
    if workers > 1:
        command += ["--workers", str(workers)]
    if code is None:
        process = bench_http.start_bot(Path(target), port, log, command, **env)
    else:  # `python -m bot` from that checkout: its folder comes first on sys.path
        env["PYTHONPATH"] = str(code)
        handle = open(log, "ab")  # noqa: SIM115 - the child writes to it for its whole life
        process = subprocess.Popen(command, cwd=code, env=bench_http.bot_env(Path(target), port, **env),
                                   stdout=handle, stderr=subprocess.STDOUT)
    return Server(name, port, process, log, workers)


def try_sqlite_workers(path: Path, logs: Path) -> str:
    """`policybot run --workers 2` on SQLite: its status and first line (it is refused)."""
    port = bench_http.free_port()
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--workers", "2"], cwd=ROOT, timeout=120,
                          env=bench_http.bot_env(path, port), capture_output=True, text=True)
    first = (done.stderr or done.stdout).strip().splitlines()[0] if (done.stderr or done.stdout).strip() else ""
    return f"exit {done.returncode}: {first[:90]}…"


def run_untuned(part: str) -> int:
    """`policybot run` with dialog/runtime_tuning.py's tuning (as of 2026-11-29: gc.freeze and a
    young threshold of 10,000, a GIL switch interval of 0.5 ms) forced on, off, or only its GC
    part ("gc") or only its switch interval ("switch"), whatever the server itself does."""
    import gc

    sys.path.insert(0, str(ROOT))
    import bot

    def tune() -> None:
        if part in ("all", "gc"):
            gc.collect()
            gc.freeze()
            gc.set_threshold(10_000, 10, 10)
        if part in ("all", "switch"):
            sys.setswitchinterval(0.0005)

    from dialog import server

    serve = server._Server.serve

    async def tuned_serve(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        tune()  # after start-up, where the server used to call runtime_tuning.tune_for_serving
        return await serve(self, *args, **kwargs)

    server._Server.serve = tuned_serve
    return bot.main(["run", *sys.argv[sys.argv.index("--run-untuned") + 2:]])


async def ramp_phase(port: int, n: int, think: tuple[float, float], pool: int, seed: int, ramp: float,
                     time_limit: float) -> tuple[bench_http.Stats, float]:
    """bench_http.paced_phase with the residents arriving evenly over `ramp` seconds (as a
    WeChat article or a push brings them over a minute) instead of all at once: resident i
    starts its conversation at i * ramp / n s, then thinks `think` s before each message as
    in the paced phase. Returns (stats, elapsed)."""
    import random

    stats = bench_http.Stats()
    rng = random.Random(seed)
    async with bench_http.Pool(port, pool) as connections:
        residents = [bench_http.Resident(connections, f"ramp-{seed}-{i:06d}", random.Random(rng.random()), stats,
                                         think) for i in range(n)]

        async def arrive(i: int, resident: bench_http.Resident) -> None:
            await asyncio.sleep(i * ramp / n)
            await resident.converse()

        started = time.perf_counter()
        tasks = [asyncio.create_task(arrive(i, r)) for i, r in enumerate(residents)]
        done, pending = await asyncio.wait(tasks, timeout=time_limit)
        for task in pending:
            task.cancel()
        if pending:
            stats.errors["unfinished (time limit)"] += len(pending)
        return stats, time.perf_counter() - started


# --------------------------------------------------------------------------- measuring


@dataclass
class Row:
    semantic: str
    server: str
    phase: str
    messages: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    bot_cpu_s: float
    pg_cpu_s: float
    client_cpu_s: float
    round: int = 0
    worker_split: str = ""
    steady_p99_ms: float = float("nan")
    error_kinds: str = ""
    traffic_summary: str = ""
    extra: dict[str, float] = field(default_factory=dict)
    windows: list[tuple[float, int, float]] = field(default_factory=list)  # (start s, requests, p99 ms) per 5 s

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def bot_ms(self) -> float:
        return self.bot_cpu_s * 1000 / max(self.messages, 1)

    @property
    def pg_ms(self) -> float:
        return self.pg_cpu_s * 1000 / max(self.messages, 1)


def measure(server: Server, pg_pid: int | None, coro_factory, semantic: str, phase: str, round_no: int = 0,
            warmup: float = 10.0) -> Row:
    bot0 = tree_cpu(server.pid)
    pg0 = tree_cpu(pg_pid) if pg_pid and server.name.startswith("pg") else {}
    client0 = sum(os.times()[:2])
    stats, elapsed = asyncio.run(coro_factory())
    client1 = sum(os.times()[:2])
    bot1 = tree_cpu(server.pid)
    pg1 = tree_cpu(pg_pid) if pg0 else {}
    workers = sorted((p for p in bot1 if p != server.pid), key=lambda p: p)
    split = ""
    if server.workers > 1:
        parts = [bot1[p] - bot0.get(p, 0.0) for p in workers]
        total = sum(parts) or 1.0
        split = "/".join(f"{x / total:.0%}" for x in parts)
    first = min(stats.sent_at, default=0.0)
    steady = [x for at, x in zip(stats.sent_at, stats.latencies, strict=True) if at >= first + warmup]
    return Row(semantic, server.name, phase, stats.messages, elapsed, percentile(stats.latencies, 50) * 1000,
               percentile(stats.latencies, 99) * 1000, sum(stats.errors.values()), delta(bot0, bot1),
               delta(pg0, pg1) if pg0 else 0.0, client1 - client0, round_no, split,
               percentile(steady, 99) * 1000,
               ", ".join(f"{k}×{v}" for k, v in stats.errors.most_common(3)),
               stats.traffic.summary() if stats.traffic.conversations else "",
               windows=bench_http.windows_of(stats, WINDOW_SECONDS))


HEADER = (f"{'meaning':7} {'server':17} {'phase':14} {'msgs':>6} {'msg/s':>7} {'p50 ms':>7} {'p99 ms':>8} "
          f"{'errors':>6} {'bot ms/msg':>10} {'pg ms/msg':>9} {'cli cpu s':>9}  worker CPU split")


def print_row(row: Row) -> None:
    phase = f"{row.phase} {row.round}" if row.round else row.phase
    print(f"{row.semantic:7} {row.server:17} {phase:14} {row.messages:6d} {row.rate:7.1f} {row.p50_ms:7.1f} "
          f"{row.p99_ms:8.1f} {row.errors:6d} {row.bot_ms:10.2f} {row.pg_ms:9.2f} {row.client_cpu_s:9.1f}  "
          f"{row.worker_split}" + (f"  ({row.error_kinds})" if row.errors else ""), flush=True)
    if row.phase.startswith(("paced", "ramp")):
        print(f"{'':26}p99 after the first 10 s {row.steady_p99_ms:.1f} ms", flush=True)
        # Where the time goes in a burst: requests sent per second in each window (the arrival
        # rate) beside that window's p99; compare with the saturation msg/s of the same server.
        shown = row.windows[:8] + ([("…", 0, 0.0)] if len(row.windows) > 8 else [])  # type: ignore[list-item]
        print(f"{'':26}per {WINDOW_SECONDS:g} s from the start: " + "  ".join(
            "…" if start == "…" else f"{start:g}s {count / WINDOW_SECONDS:.0f}/s p99 {p99:.0f}"
            for start, count, p99 in shown), flush=True)


def postmaster_pid(folder: Path) -> int:
    return int((folder / "data" / "postmaster.pid").read_text().split()[0])


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--semantic", default="off,on", help="meaning modes, in order (default off,on)")
    parser.add_argument("--servers", default="sqlite-1,pg-1,pg-2",
                        help="sqlite-1, pg-1, pg-2 (policybot run --workers 2 on PostgreSQL), sqlite-1-untuned")
    parser.add_argument("--tuning", action="store_true",
                        help="add sqlite-1-tuned, sqlite-1-gc, sqlite-1-switch (runtime_tuning's parts forced on) "
                             "beside sqlite-1 (as the server runs)")
    parser.add_argument("--slots", type=int, default=100, help="saturation: residents at once (default 100)")
    parser.add_argument("--pool", type=int, default=100, help="client keep-alive connections (default 100)")
    parser.add_argument("--saturation-seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--residents", type=int, default=1000, help="paced residents (default 1000)")
    parser.add_argument("--think", default="1,3", help="paced think time, seconds (default 1,3)")
    parser.add_argument("--think-real", default="5,30",
                        help="a second paced phase with this think time ('' to skip; default 5,30)")
    parser.add_argument("--paced", default="pg-2", help="servers that get the paced phases (default pg-2)")
    parser.add_argument("--ramp", type=float, default=60.0,
                        help="a paced phase with the residents arriving over this many seconds beside the "
                             "opening burst (0 to skip; default 60)")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout (e.g. `git archive <commit> | tar -x -C DIR`): the servers named "
                             "NAME@base in --servers / --paced run that code, beside this one's, in the same run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-dir", type=Path)
    parser.add_argument("--quick", action="store_true", help="2 rounds of 6 s, no realistic-think phase")
    parser.add_argument("--run-untuned", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.run_untuned:
        return run_untuned(args.run_untuned)
    if args.quick:
        args.rounds, args.saturation_seconds, args.think_real = 2, 6.0, ""
    names = args.servers.split(",") + (list(TUNING_VARIANTS) if args.tuning else [])
    paced_on = [s for s in args.paced.split(",") if s]
    think = tuple(float(x) for x in args.think.split(",")) if args.think else None
    think_real = tuple(float(x) for x in args.think_real.split(",")) if args.think_real else None
    import pgcluster

    print(f"# bench_multi {time.strftime('%Y-%m-%d %H:%M')}  nproc={os.cpu_count()}  "
          f"load={os.getloadavg()[0]:.2f} (shared machine)  slots={args.slots} pool={args.pool}  "
          f"saturation={args.saturation_seconds:g}s x {args.rounds}  paced={args.residents} residents, "
          f"think {args.think or '-'}" + (f" and {args.think_real}" if think_real else "") + f"  seed={args.seed}")
    rows: list[Row] = []
    refusals: dict[str, str] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-multi-") as tmp, pgcluster.running_cluster() as cluster:
        tmpdir = Path(tmp)
        logs = args.log_dir or tmpdir
        logs.mkdir(parents=True, exist_ok=True)
        pg_pid = postmaster_pid(cluster.folder)
        print(f"# PostgreSQL {cluster.bin_dir.parent.name} on a Unix socket (fsync off), pool 10 per process")
        for semantic in args.semantic.split(","):
            refusals[semantic] = try_sqlite_workers(tmpdir / f"refused-{semantic}.sqlite3", logs)
            print(f"\n-- POLICYBOT_SEMANTIC={semantic}: sqlite-2 (policybot run --workers 2 on SQLite): "
                  f"{refusals[semantic]}")
            servers: dict[str, Server] = {}
            with contextlib.ExitStack() as stack:
                for name in names:
                    base, _, variant = name.partition("@")
                    code = args.baseline if variant == "base" else None
                    if variant and code is None:
                        raise SystemExit(f"{name}: --baseline DIR names the other checkout")
                    workers = 2 if base.endswith("-2") else 1
                    if name.startswith("pg"):
                        database = f"{name.replace('-', '_').replace('@', '_')}_{semantic}"
                        cluster.psql(f"CREATE DATABASE {database}")
                        url = cluster.url.replace(f"/{cluster.database}?", f"/{database}?")
                        server = start_server(name, url, workers, logs, semantic, code=code)
                    else:
                        server = start_server(name, str(tmpdir / f"{name}-{semantic}.sqlite3"), workers, logs,
                                              semantic, untuned=TUNING_VARIANTS.get(name, ""), code=code)
                    assert server.process is not None
                    stack.enter_context(bench_http.running(server.process))
                    servers[name] = server
                for server in servers.values():
                    wait_workers(server)
                print(HEADER)
                for round_no in range(args.rounds):
                    order = names if round_no % 2 == 0 else names[::-1]
                    for name in order:
                        server = servers[name]
                        seed = args.seed * 100_003 + 1000 * round_no + 7

                        def factory(port: int = server.port, seed: int = seed):
                            return saturation_phase(port, args.slots, min(args.pool, args.slots), seed,
                                                    args.saturation_seconds)

                        row = measure(server, pg_pid, factory, semantic, "saturation", round_no + 1)
                        rows.append(row)
                        print_row(row)
                for label, span in (("paced", think), ("paced-real", think_real)):
                    if span is None:
                        continue
                    for name in paced_on:
                        if name not in servers:
                            continue
                        server = servers[name]

                        def factory(port: int = server.port, span: tuple[float, ...] = span):
                            limit = 120.0 + 20 * span[1] * 2
                            return paced_phase(port, args.residents, span, min(args.pool, args.residents),
                                               seed=args.seed * 100_003 + args.residents, time_limit=limit)

                        row = measure(server, pg_pid, factory, semantic, f"{label} {span[0]:g}-{span[1]:g}s")
                        rows.append(row)
                        print_row(row)
                        if label == "paced" and args.ramp > 0:
                            def ramped(port: int = server.port, span: tuple[float, ...] = span):
                                limit = 120.0 + args.ramp + 20 * span[1] * 2
                                return ramp_phase(port, args.residents, span, min(args.pool, args.residents),
                                                  args.seed * 100_003 + args.residents + 1, args.ramp, limit)

                            row = measure(server, pg_pid, ramped, semantic,
                                          f"ramp{args.ramp:g}s {span[0]:g}-{span[1]:g}s")
                            rows.append(row)
                            print_row(row)
            for server in servers.values():
                code = server.process.returncode if server.process else None
                if code not in (0, -15, None):
                    print(f"   {server.name} exited with {code}: log {server.log}")
        summarise(rows, names, refusals)
    print(f"\n(run took {time.perf_counter() - started:.0f} s)")
    return 0


def summarise(rows: list[Row], names: list[str], refusals: dict[str, str]) -> None:
    print("\nsaturation, median of the rounds (rounds alternate the servers):")
    medians: dict[tuple[str, str], float] = {}
    for semantic in dict.fromkeys(r.semantic for r in rows):
        for name in names:
            mine = [r for r in rows if r.semantic == semantic and r.server == name and r.phase == "saturation"]
            if not mine:
                continue
            rate = statistics.median(r.rate for r in mine)
            medians[semantic, name] = rate
            bot = statistics.median(r.bot_ms for r in mine)
            pg = statistics.median(r.pg_ms for r in mine)
            total = bot + pg
            print(f"  {semantic:3} {name:17} {rate:7.1f} msg/s (rounds {', '.join(f'{r.rate:.0f}' for r in mine)}); "
                  f"CPU per message: bot {bot:.2f} ms + PostgreSQL {pg:.2f} ms = {total:.2f} ms "
                  f"-> {1000 / total if total else float('nan'):.0f} msg/s per core; client "
                  f"{statistics.median(r.client_cpu_s / max(r.messages, 1) * 1000 for r in mine):.2f} ms/msg")
        sqlite_refusal = refusals.get(semantic, "")
        print(f"  {semantic:3} sqlite-2          refused ({sqlite_refusal})")
        for one, two in (("pg-1", "pg-2"), ("sqlite-1", "pg-2"), ("pg-1@base", "pg-1"), ("pg-2@base", "pg-2"),
                         ("pg-1@base", "pg-2@base")):
            if (semantic, one) in medians and (semantic, two) in medians:
                ratios = []
                by_round: dict[int, dict[str, Row]] = {}
                for r in rows:
                    if r.semantic == semantic and r.phase == "saturation":
                        by_round.setdefault(r.round, {})[r.server] = r
                for rs in by_round.values():
                    if one in rs and two in rs and rs[one].rate:
                        ratios.append(rs[two].rate / rs[one].rate)
                print(f"  {semantic:3} scaling {two} / {one}: {statistics.median(ratios):.2f} "
                      f"(rounds {', '.join(f'{x:.2f}' for x in ratios)})")
        for variant in TUNING_VARIANTS:
            if (semantic, variant) in medians and (semantic, "sqlite-1") in medians:
                plain = [r for r in rows if r.semantic == semantic and r.server == "sqlite-1" and r.phase == "saturation"]
                tuned = [r for r in rows if r.semantic == semantic and r.server == variant and r.phase == "saturation"]
                print(f"  {semantic:3} {variant} / sqlite-1: msg/s x{medians[semantic, variant] / medians[semantic, 'sqlite-1']:.3f}, "
                      f"CPU per message {statistics.median(r.bot_ms for r in tuned):.3f} vs "
                      f"{statistics.median(r.bot_ms for r in plain):.3f} ms")
    print("\npaced (target: p99 <= 100 ms):")
    for r in rows:
        if r.phase.startswith(("paced", "ramp")):
            verdict = "met" if r.p99_ms <= 100 and not r.errors else "MISSED"
            print(f"  {r.semantic:3} {r.server:8} {r.phase:16} {r.messages} messages at {r.rate:.0f} msg/s: "
                  f"p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms ({verdict}), after 10 s {r.steady_p99_ms:.1f} ms, "
                  f"errors {r.errors}; CPU bot {r.bot_ms:.2f} + PostgreSQL {r.pg_ms:.2f} ms/msg; worker split "
                  f"{r.worker_split or '-'}")
            if r.traffic_summary:
                print(f"      traffic: {r.traffic_summary}")


if __name__ == "__main__":
    sys.exit(main())
