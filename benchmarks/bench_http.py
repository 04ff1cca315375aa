"""HTTP load on loopback: realistic residents against the real server's `POST /api/chat`,
beside the bare endpoint, in one run that also measures new questions in process, cold start
and memory.

Run by hand: `.venv/bin/python benchmarks/bench_http.py` (6-10 minutes, depending on what else
the machine runs); it prints numbers and asserts nothing. `--quick` runs a short version (~4
minutes).

What one run does, and why:
- Traffic (benchmarks/traffic.py, deterministic for `--seed`): distinct residents who word
  every question differently (subjects × dialect × question kinds × typos × Chinese numerals),
  walk questionnaires to the end by *typed* answers (交着呢, 一个没裁, 2.4w, 03年出生的 …) with
  side questions, corrections and 算了, ask follow-ups (去哪报名, 啥时候到账) and make small talk.
  With the old mix of 16 fixed questions nearly every answer came from the answer cache; the
  run prints how many distinct messages were sent and the cache hit rate the server saw.
- In process first (no server): p50/p99 of a *new* free question (answer cache and the
  question memories emptied before each call, bench_answer.time_new_questions) on the
  traffic's questions, with the meaning channel (the default) and without it (the lexical
  path, what POLICYBOT_SEMANTIC=off runs). This also builds the knowledge units' vectors into
  the on-disk cache if they are missing, so the servers below start with cached embeddings.
- Cold start and memory (bench_answer.server_rss, `--cold-runs` times each, meaning on and
  off): `python -m bot run` from process start to the first answer, RSS after 40 new
  questions and peak RSS.
- The servers, all started side by side for each N (an idle one costs nothing), each with a
  fresh temporary database:
    * `bot`: `policybot run` (through this script's launcher, which only counts answer-cache
      hits and question embeddings: class-level wrappers, ~1 µs a message; `--bot-command`
      replaces it), the turn's logic in the engine's worker thread (the design);
    * `inline`: the same with `Engine._in_worker` replaced by a direct call, so the turn's
      logic (and the meaning channel's question embedding, ~10-35 ms) runs on the event loop;
    * `lexical`: `bot` with POLICYBOT_SEMANTIC=off;
    * `unsure` (not by default): `bot` with POLICYBOT_SEMANTIC=unsure (a question is embedded
      only when the lexical channels are unsure);
    * `serial` (not by default): `bot` with POLICYBOT_SEMANTIC_AHEAD=off — the question embedded
      inside the turns' worker, as before 2026-11-29 (the "before" of embedding ahead); the
      counters add `deferred`: questions answered on the lexical channels because their vector
      did not come within POLICYBOT_SEMANTIC_WAIT_MS;
    * `nowait` (not by default): `bot` with POLICYBOT_SEMANTIC_UNSURE_WAIT_MS=0 — a late
      question is answered lexically even when the lexical decision is unsure of it (the
      "before" of the longer wait for those, 2026-11-29 evening);
    * `bare`: the floor, uvicorn + Starlette with the same settings as `dialog.server.serve`,
      one POST route that parses the body and returns a fixed reply of a realistic size;
    * `asgi`: the same endpoint as a plain ASGI function, no framework (the strictest floor);
    * `web` (not by default): dialog/channels/web.py's app around an engine that answers at
      once, the web layer's own cost.
- Two phases per N:
    * paced (the bot variants; `--paced-floors` adds `bare`): each resident waits a think time
      (uniform 1–3 s by default; a real person reading an answer takes 5–30 s, so this is
      several times harsher than reality) between messages, all N starting within the first
      think time; latency here is what people would see, and the p99 target is judged here.
      Also printed: the p99 of the requests sent after the first 10 s (once the start burst —
      N people opening the chat within 3 s — is absorbed), of questionnaire steps alone, and
      per 5 s window;
    * saturation: N slots with no think time, each slot running new residents back to back
      for a fixed time, `--rounds` times alternating the servers (the machine's speed drifts
      by ±20% from one 10 s window to the next); the maximum messages per second (closed
      loop, so latency in this phase is queueing: N / throughput, by Little's law).
- The load generator runs on the same two cores as the server: its own CPU time is printed, and
  the server's CPU time per message (from /proc) is the most stable figure of all. Residents
  send at most 18 messages each, under the bot's default rate limit (20 a minute).

Every loop is bounded by count and time; the subprocesses are killed on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import traffic  # noqa: E402
from traffic import pending_step  # noqa: E402,F401 - kept importable from here

MAX_STEPS = 25  # a questionnaire has at most ~10 questions; bound the loop all the same
FIXED_REPLY = {  # what the bare endpoint returns: the size of a typical answer with buttons
    "replies": [{
        "text": "接收单位按每人每月1000元（留用率达50%以上1200元）领取见习补贴。" * 4
        + "\n依据：临州府发〔2019〕3号 第六条（就业见习）\n牵头：州人社局",
        "buttons": [[{"label": "测一测我是否符合", "action": "p:internship"},
                     {"label": "查看原文", "action": "o:6"}], [{"label": "返回主菜单", "action": "m:menu"}]],
    }]
}


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(db: Path, port: int, **extra: str) -> dict[str, str]:
    """Environment for `python -m bot run`: settings come from POLICYBOT_* (dialog/config.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYBOT_", "TELEGRAM_"))}
    env.update({"POLICYBOT_DB": str(db), "POLICYBOT_HOST": "127.0.0.1", "POLICYBOT_PORT": str(port),
                "POLICYBOT_SALT": "bench-salt-0123456789abcdef", "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def start_bot(db: Path, port: int, log_path: Path, command: list[str] | None = None,
              **extra_env: str) -> subprocess.Popen[bytes]:
    """`policybot run` on 127.0.0.1:port with the given database (Telegram off: no token).
    `command` replaces `python -m bot run` (a profiler wrapper, a patched launcher)."""
    log = open(log_path, "ab")  # noqa: SIM115 - the child writes to it for its whole life
    return subprocess.Popen(command or [sys.executable, "-m", "bot", "run"], cwd=ROOT,
                            env=bot_env(db, port, **extra_env), stdout=log, stderr=subprocess.STDOUT)


def start_bare(port: int, log_path: Path, kind: str = "bare") -> subprocess.Popen[bytes]:
    """A floor server (`bare`, `asgi`) or the web layer with a fixed-reply engine (`web`)."""
    log = open(log_path, "ab")  # noqa: SIM115
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), f"--{kind}-server", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 10.0) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextlib.contextmanager
def running(process: subprocess.Popen[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    try:
        yield process
    finally:
        stop(process)


def wait_healthy(port: int, process: subprocess.Popen[bytes] | None = None, timeout: float = 60.0,
                 path: str = "/healthz") -> float:
    """Polls GET path until 200; returns the seconds waited. Raises if the process died."""
    started = time.perf_counter()
    deadline = started + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.perf_counter() < deadline:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"server exited with code {process.returncode}")
            try:
                if client.get(f"http://127.0.0.1:{port}{path}").status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.02)
    raise TimeoutError(f"server on port {port} not healthy after {timeout:.0f} s")


def proc_status_kb(pid: int, field_name: str) -> int | None:
    """A `VmRSS` / `VmHWM` (peak RSS) line of /proc/PID/status, in KiB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- residents


@dataclass
class Stats:
    """What one phase measured, from the residents' side."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: Counter[str] = field(default_factory=Counter)
    conversations: int = 0
    questionnaires_done: int = 0
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # latencies by traffic kind
    sent_at: list[float] = field(default_factory=list)  # perf_counter when each latency's request left
    traffic: traffic.TrafficStats = field(default_factory=traffic.TrafficStats)

    @property
    def messages(self) -> int:
        return len(self.latencies) + sum(self.errors.values())


class Connection(Protocol):
    async def post(self, path: str, body: bytes) -> tuple[int, bytes]: ...

    async def aclose(self) -> None: ...


class RawConnection:
    """One keep-alive HTTP/1.1 connection over asyncio streams: about a tenth of httpx's CPU
    per request, which matters when the load generator shares two cores with the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):  # a keep-alive connection the server closed: reconnect once
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                return await self._exchange(path, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.aclose()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, path: str, body: bytes) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
        self.writer.write(head.encode("ascii") + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                chunks.append(await self.reader.readexactly(size + 2))
            await self.reader.readuntil(b"\r\n")
            data = b"".join(c[:-2] for c in chunks)
        else:
            data = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.aclose()
        return status, data

    async def aclose(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


class HttpxConnection:
    """An httpx client limited to one connection. One shared client with a pool of many
    connections costs ~10 ms of CPU per request here (httpcore scans its whole pool on every
    request); a client per connection keeps it near 1 ms."""

    def __init__(self, host: str, port: int) -> None:
        self.base = f"http://{host}:{port}"
        self.client = httpx.AsyncClient(limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                                        timeout=httpx.Timeout(30.0))

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        response = await self.client.post(self.base + path, content=body,
                                          headers={"Content-Type": "application/json"})
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self.client.aclose()


class Pool:
    """At most `size` connections (like nginx's upstream keepalive pool); a request waits for
    a free one, first come first served. The wait is part of the latency the resident sees.

    A released connection goes straight to the longest waiter: with a plain asyncio.Queue the
    releasing task would take it back for its own next request before the woken waiter runs,
    and waiters would starve for seconds (seen: p99 of 6 s from the client alone)."""

    def __init__(self, port: int, size: int, kind: str = "raw") -> None:
        self.port, self.size, self.kind = port, size, kind
        self.free: list[Connection] = []
        self.waiters: deque[asyncio.Future[Connection]] = deque()
        self.all: list[Connection] = []

    async def acquire(self) -> Connection:
        if self.free and not self.waiters:
            return self.free.pop()
        if len(self.all) < self.size:
            connection: Connection = (RawConnection if self.kind == "raw" else HttpxConnection)("127.0.0.1", self.port)
            self.all.append(connection)
            return connection
        waiter: asyncio.Future[Connection] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        return await waiter

    def release(self, connection: Connection) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self.free.append(connection)

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        connection = await self.acquire()
        try:
            return await connection.post(path, body)
        finally:
            self.release(connection)

    async def __aenter__(self) -> Pool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for connection in self.all:
            await connection.aclose()


class Resident:
    """One person in the web chat: a conversation from benchmarks/traffic.py, over HTTP.

    `fixed_messages` (for the fixed-reply floors, which have no questionnaire) sends that many
    of the traffic's messages instead, so both servers get the same number of requests per
    resident. `send`, `step`, `answer_step` are also used by bench_kill9.py.
    """

    def __init__(self, pool: Pool, user: str, rng: random.Random,
                 stats: Stats, think: tuple[float, float] = (0.0, 0.0), fixed_messages: int = 0) -> None:
        self.pool, self.user, self.rng = pool, user, rng
        self.stats, self.think, self.fixed_messages = stats, think, fixed_messages
        self.replies: list[dict] = []
        self.step: tuple[int, int, str] | None = None  # (step, total, question) last seen
        self.in_flight = False
        self.kind = "other"  # the traffic kind of the message being sent

    async def send(self, text: str = "", action: str | None = None) -> bool:
        if self.think[1] > 0:
            await asyncio.sleep(self.rng.uniform(*self.think))
        body = {"user": self.user, "text": text, "action": action, "kind": "button" if action else "text"}
        kind = self.kind
        started = time.perf_counter()
        self.in_flight = True
        try:
            status, data = await self.pool.post("/api/chat", json.dumps(body, ensure_ascii=False).encode())
        except (httpx.HTTPError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            self.stats.errors[type(exc).__name__] += 1
            return False
        finally:
            self.in_flight = False
        elapsed = time.perf_counter() - started
        if status != 200:
            self.stats.errors[f"HTTP {status}"] += 1
            return False
        self.stats.latencies.append(elapsed)
        self.stats.sent_at.append(started)
        self.stats.by_kind.setdefault(kind, []).append(elapsed)
        self.replies = json.loads(data).get("replies", [])
        self.step = pending_step(self.replies)
        return True

    async def exchange(self, text: str, action: str | None, kind: str) -> list[dict] | None:
        """traffic.Send: the replies, or None when the request failed."""
        self.kind = kind
        return self.replies if await self.send(text, action) else None

    async def converse(self) -> None:
        self.stats.conversations += 1
        if self.fixed_messages:
            stream = traffic.message_stream(self.rng.randrange(2**31))
            for _ in range(self.fixed_messages):
                if not await self.send(next(stream)):
                    return
            return
        before = self.stats.traffic.questionnaires_finished
        await traffic.converse(self.exchange, self.rng, self.stats.traffic)
        self.stats.questionnaires_done += self.stats.traffic.questionnaires_finished - before

    async def questionnaire(self) -> bool:
        """Answer the pending questions with buttons until the result (bounded by MAX_STEPS)."""
        for _ in range(MAX_STEPS):
            if self.step is None:
                self.stats.questionnaires_done += 1
                return True
            if not await self.answer_step():
                return False
        return False

    async def answer_step(self) -> bool:
        """Answer the pending question: a number where one is asked, else one of its options."""
        text = "\n".join(r.get("text", "") for r in self.replies)
        if "请输入数字" in text:
            return await self.send(str(self.rng.randint(16, 60)))
        options = [b for r in self.replies for row in r.get("buttons", []) for b in row
                   if b["action"].startswith("a:")]
        if not options:
            return await self.send("不清楚")
        choice = self.rng.choice(options)
        return await self.send(choice["label"], choice["action"])


async def paced_phase(port: int, n: int, think: tuple[float, float], pool: int, seed: int,
                      fixed_messages: int = 0, time_limit: float = 240.0, client: str = "raw") -> tuple[Stats, float]:
    """N residents, one conversation each, with think time; returns (stats, elapsed)."""
    stats = Stats()
    rng = random.Random(seed)
    async with Pool(port, pool, client) as connections:
        residents = [Resident(connections, f"bench-{seed}-{i:06d}", random.Random(rng.random()), stats,
                              think, fixed_messages) for i in range(n)]
        started = time.perf_counter()
        tasks = [asyncio.create_task(r.converse()) for r in residents]
        done, pending = await asyncio.wait(tasks, timeout=time_limit)
        for task in pending:
            task.cancel()
        if pending:
            stats.errors["unfinished (time limit)"] += len(pending)
        return stats, time.perf_counter() - started


async def saturation_phase(port: int, n: int, pool: int, seed: int, duration: float,
                           fixed_messages: int = 0, client: str = "raw") -> tuple[Stats, float]:
    """N slots, each running new residents back to back (no think time) for `duration` s. The
    conversations under way at the deadline are finished (so the mix is whole conversations;
    the server stays saturated meanwhile, and the time counts)."""
    stats = Stats()
    deadline = time.perf_counter() + duration

    async def slot(index: int, connections: Pool) -> None:
        rng = random.Random(seed * 7919 + index)
        k = 0
        while time.perf_counter() < deadline and k < 10_000:
            await Resident(connections, f"sat-{seed}-{index:05d}-{k:05d}", rng, stats,
                           fixed_messages=fixed_messages).converse()
            k += 1

    async with Pool(port, pool, client) as connections:
        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(slot(i, connections) for i in range(n))), duration + 60)
        return stats, time.perf_counter() - started


# --------------------------------------------------------------------------- reporting

QUESTION_KINDS = ("question", "follow_up", "side_question")  # free questions, worded anew
ANSWER_KINDS = ("typed_answer", "retyped_answer", "button", "back", "correction")  # questionnaire steps


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


@dataclass
class Row:
    server: str
    n: int
    phase: str
    messages: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    error_kinds: str
    server_cpu_ms_per_msg: float
    client_cpu_s: float
    peak_rss_mb: float | None
    round: int = 0  # saturation rounds are numbered from 1
    question_p50_ms: float = float("nan")  # new free questions only
    question_p99_ms: float = float("nan")
    counters: dict[str, float] = field(default_factory=dict)  # the server's, during the phase
    traffic: traffic.TrafficStats | None = None
    steady_p99_ms: float = float("nan")  # paced: requests sent after the warm-up (the start burst)
    answer_p99_ms: float = float("nan")  # questionnaire steps only (cheap turns)
    windows: list[tuple[float, int, float]] = field(default_factory=list)  # (from s, requests, p99 ms)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    @property
    def cache_hit_rate(self) -> float | None:
        answers = self.counters.get("answer", 0)
        return 1 - self.counters.get("computed", 0) / answers if answers else None


def server_counters(pid: int, path: Path | None, timeout: float = 3.0) -> dict[str, float]:
    """The launcher's counters (answers, answers computed, question embeddings and their ms) at
    this moment: SIGUSR1 makes the server append them to `path` as a JSON line. {} without."""
    if path is None:
        return {}
    before = path.read_text(encoding="utf-8").count("\n") if path.exists() else 0
    os.kill(pid, signal.SIGUSR1)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        if len(lines) > before:
            return json.loads(lines[-1])
        time.sleep(0.02)
    return {}


def windows_of(stats: Stats, width: float = 5.0) -> list[tuple[float, int, float]]:
    """(window start in s from the first request, requests sent in it, their p99 in ms)."""
    if not stats.sent_at:
        return []
    t0 = min(stats.sent_at)
    buckets: dict[int, list[float]] = {}
    for at, latency in zip(stats.sent_at, stats.latencies, strict=True):
        buckets.setdefault(int((at - t0) // width), []).append(latency)
    return [(k * width, len(v), percentile(v, 99) * 1000) for k, v in sorted(buckets.items())]


def measure(pid: int, coro_factory, server: str, n: int, phase: str, counters_path: Path | None = None,
            warmup: float = 10.0) -> Row:
    start_counts = server_counters(pid, counters_path)
    cpu0, client0 = proc_cpu_seconds(pid), sum(os.times()[:2])
    stats, elapsed = asyncio.run(coro_factory())
    cpu1, client1 = proc_cpu_seconds(pid), sum(os.times()[:2])
    end_counts = server_counters(pid, counters_path)
    peak = proc_status_kb(pid, "VmHWM")
    ok = len(stats.latencies)
    questions = [x for kind in QUESTION_KINDS for x in stats.by_kind.get(kind, [])]
    answers = [x for kind in ANSWER_KINDS for x in stats.by_kind.get(kind, [])]
    first = min(stats.sent_at, default=0.0)
    return Row(server, n, phase, stats.messages, elapsed, percentile(stats.latencies, 50) * 1000,
               percentile(stats.latencies, 99) * 1000, sum(stats.errors.values()),
               ", ".join(f"{k}×{v}" for k, v in stats.errors.most_common(3)),
               (cpu1 - cpu0) * 1000 / max(ok, 1), client1 - client0,
               peak / 1024 if peak else None,
               question_p50_ms=percentile(questions, 50) * 1000, question_p99_ms=percentile(questions, 99) * 1000,
               counters={k: end_counts.get(k, 0) - start_counts.get(k, 0) for k in end_counts},
               traffic=stats.traffic if stats.traffic.conversations else None,
               steady_p99_ms=percentile([x for at, x in zip(stats.sent_at, stats.latencies, strict=True)
                                         if at >= first + warmup], 99) * 1000,
               windows=windows_of(stats) if phase == "paced" else [],
               answer_p99_ms=percentile(answers, 99) * 1000)


def phase_factory(phase: str, port: int, n: int, fixed: int, args: argparse.Namespace,
                  think: tuple[float, float], round_no: int = 0):
    """A function returning the coroutine of one phase against one server (the same residents,
    i.e. the same seed, for every server of a round)."""
    if phase == "paced":
        return lambda: paced_phase(port, n, think, min(args.pool, n), seed=args.seed * 100_003 + n,
                                   fixed_messages=fixed, client=args.client)
    return lambda: saturation_phase(port, n, min(args.pool, n), seed=args.seed * 100_003 + n + 1 + 1000 * round_no,
                                    duration=args.saturation_seconds, fixed_messages=fixed, client=args.client)


def print_row(row: Row) -> None:
    rss = f"{row.peak_rss_mb:6.1f}" if row.peak_rss_mb else "   n/a"
    phase = f"{row.phase} {row.round}" if row.round else row.phase
    question = (f"{row.question_p50_ms:7.1f} {row.question_p99_ms:7.1f}" if row.question_p50_ms == row.question_p50_ms
                else f"{'':7} {'':7}")
    hit = row.cache_hit_rate
    extra = ""
    if hit is not None:
        embeds = row.counters.get("embedded", 0)
        extra = f"  cache hits {hit:4.0%}, {embeds:.0f} embeds" + (
            f" ({row.counters.get('embed_ms', 0) / embeds:.1f} ms)" if embeds else "") + (
            f", {row.counters.get('deferred', 0):.0f} answered lexically (vector late)"
            if row.counters.get("deferred") else "") + (
            f", {row.counters.get('unsure', 0):.0f} late and lexically unsure (waited longer)"
            if row.counters.get("unsure") else "")
    print(f"{row.server:7} {row.n:5d} {phase:12} {row.messages:7d} {row.rate:8.1f} {row.p50_ms:8.1f} "
          f"{row.p99_ms:8.1f} {question} {row.errors:6d} {row.server_cpu_ms_per_msg:8.2f} {row.client_cpu_s:7.1f} {rss}"
          + extra + (f"  ({row.error_kinds})" if row.errors else ""), flush=True)
    if row.windows:
        print(f"{'':13} p99 after the first 10 s {row.steady_p99_ms:.1f} ms; questionnaire steps p99 "
              f"{row.answer_p99_ms:.1f} ms; by 5 s window (requests, p99 ms): "
              + ", ".join(f"{int(start)}s {count} {p99:.0f}" for start, count, p99 in row.windows), flush=True)


HEADER = ("srv         N phase        msgs    msg/s   p50 ms   p99 ms  q p50   q p99 errors  srv ms/msg "
          "cli cpu s  peakRSS MB   (q = new free questions only)")


# --------------------------------------------------------------------------- in process, cold start


def inprocess_new_questions(questions: list[str], rounds: int) -> list[tuple[str, list[float], str]]:
    """(label, ms per new question, note) with and without the meaning channel: bench_answer's
    measurement (every question new: caches emptied before each call) on the traffic's
    questions, the two variants alternating `rounds` times. Builds the vectors into the disk
    cache if they are missing (the note says so)."""
    sys.path.insert(0, str(ROOT))
    from bench_answer import time_new_questions

    from knowledge import semantic
    from knowledge.answer import Answerer
    from knowledge.base import load_knowledge_or_raise
    from knowledge.retrieval import RetrievalSettings, Retriever

    kb = load_knowledge_or_raise()
    variants = [("lexical path (POLICYBOT_SEMANTIC=off)",
                 Answerer(kb, retriever=Retriever(kb, settings=RetrievalSettings(semantic=False))), "")]
    if semantic.shared_embedder() is not None:
        retriever = Retriever(kb)
        retriever.wait_semantic(900)
        variants.append(("with meaning (default)", Answerer(kb, retriever=retriever), ""))
    samples: dict[str, list[float]] = {label: [] for label, _, _ in variants}
    for round_no in range(rounds):
        for label, answerer, _ in (variants if round_no % 2 == 0 else variants[::-1]):
            samples[label] += time_new_questions(answerer, questions, 1)
    out = []
    for label, answerer, _ in variants:
        r = answerer.retriever
        note = ""
        if r.semantic is not None:
            share = r.stats["embedded"] / max(r.stats["searched"], 1)
            note = f"embedded {share:.0%} of searches; vectors {r.semantic_status()}"
        out.append((label, samples[label], note))
    return out


def cold_starts(questions: list[str], runs: int) -> dict[str, list[tuple[float, float, float]]]:
    """bench_answer.server_rss `runs` times with the meaning channel and without: (seconds from
    process start to the first answer, RSS after 40 new questions, peak RSS) per run."""
    from bench_answer import server_rss

    out: dict[str, list[tuple[float, float, float]]] = {"with meaning (cached vectors)": [], "lexical (SEMANTIC=off)": []}
    for _ in range(runs):  # alternate, as everywhere on this machine
        out["with meaning (cached vectors)"].append(server_rss(questions, {}))
        out["lexical (SEMANTIC=off)"].append(server_rss(questions, {"POLICYBOT_SEMANTIC": "off"}))
    return out


# --------------------------------------------------------------------------- servers


def run_bot_variant(mode: str) -> int:
    """`policybot run` in this process, with counters: Answerer.answer calls and those the
    answer cache did not answer, question embeddings and their milliseconds (class-level
    wrappers). SIGUSR1 appends the counters to $BENCH_BOT_STATS as a JSON line. mode "inline"
    also replaces `Engine._in_worker` with a direct call: the turn's logic on the event loop."""
    sys.path.insert(0, str(ROOT))
    import threading

    import bot
    from dialog.engine import Engine
    from knowledge import semantic
    from knowledge.answer import Answerer
    from knowledge.retrieval import Retriever

    counts: Counter[str] = Counter()
    answer, compute, queries = Answerer.answer, Answerer._answer, semantic.Embedder.queries

    def counted_answer(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        counts["answer"] += 1
        return answer(self, *args, **kwargs)

    def counted_compute(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        counts["computed"] += 1
        return compute(self, *args, **kwargs)

    def counted_queries(self, texts):  # noqa: ANN001, ANN202
        t0 = time.perf_counter()
        out = queries(self, texts)
        counts["embedded"] += len(texts)
        counts["embed_ms"] += (time.perf_counter() - t0) * 1000
        return out

    deferred = semantic.SemanticIndex.deferred
    unsure_of = Retriever.lexically_unsure
    probing = threading.local()  # the engine's lexical probe of a late question is not an answer

    def counted_deferred(self, question):  # noqa: ANN001, ANN202
        late = deferred(self, question)
        if not getattr(probing, "on", False):
            counts["deferred"] += late
        return late

    def counted_unsure(self, question):  # noqa: ANN001, ANN202
        probing.on = True
        try:
            unsure = unsure_of(self, question)
        finally:
            probing.on = False
        counts["unsure"] += unsure
        return unsure

    Retriever.lexically_unsure = counted_unsure

    Answerer.answer, Answerer._answer = counted_answer, counted_compute
    semantic.Embedder.queries = counted_queries
    semantic.SemanticIndex.deferred = counted_deferred
    if mode == "inline":
        async def inline(self, fn, *args, lexical_only=frozenset()):  # noqa: ANN001, ANN002, ANN202
            return semantic.call_lexical_only(lexical_only, lambda: fn(*args))

        Engine._in_worker = inline
    path = os.environ.get("BENCH_BOT_STATS")
    if path:
        def dump(signum: int, frame: object) -> None:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(dict(counts)) + "\n")

        signal.signal(signal.SIGUSR1, dump)
    return bot.main(["run"])


def run_bare_server(port: int) -> None:
    """The floor: uvicorn + Starlette, one POST route returning FIXED_REPLY, as serve() runs."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def chat(request: Request) -> Response:
        json.loads(await request.body())
        return JSONResponse(FIXED_REPLY, headers={"Cache-Control": "no-store"})

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True})

    app = Starlette(routes=[Route("/api/chat", chat, methods=["POST"]), Route("/healthz", healthz)])
    if os.environ.get("BENCH_BARE_GC", "tuned") == "tuned":  # the same GC settings as serve()
        sys.path.insert(0, str(ROOT))
        from dialog import runtime_tuning

        runtime_tuning.tune_for_serving()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off")


def run_asgi_server(port: int) -> None:
    """The stricter floor: the bare endpoint without Starlette, a plain ASGI function that
    reads the body, parses it and encodes FIXED_REPLY, with the same uvicorn and GC settings."""
    import uvicorn

    ok = json.dumps({"ok": True}).encode()

    async def app(scope: dict, receive, send) -> None:  # noqa: ANN001 - ASGI callables
        if scope["type"] != "http":
            return
        if scope["path"] == "/api/chat" and scope["method"] == "POST":
            body, more = b"", True
            while more:
                message = await receive()
                body += message.get("body", b"")
                more = message.get("more_body", False)
            json.loads(body)
            reply = json.dumps(FIXED_REPLY, ensure_ascii=False, separators=(",", ":")).encode()
        elif scope["path"] == "/healthz":
            reply = ok
        else:
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", str(len(reply)).encode()), (b"content-type", b"application/json"),
                                (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": reply})

    sys.path.insert(0, str(ROOT))
    from dialog import runtime_tuning

    runtime_tuning.tune_for_serving()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off")


def run_web_layer_server(port: int) -> None:
    """dialog/channels/web.py's app (validation, rate limit, metrics, security headers) around an engine
    that returns FIXED_REPLY at once: the web layer's own cost, between bare and bot."""
    import uvicorn
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    sys.path.insert(0, str(ROOT))
    from dialog.channels.web import create_app
    from dialog.config import Settings
    from dialog.messages import Button, Incoming, Reply

    fixed = [Reply(r["text"], tuple(tuple(Button(b["label"], b["action"]) for b in row) for row in r["buttons"]))
             for r in FIXED_REPLY["replies"]]

    class FixedEngine:
        async def handle(self, incoming: Incoming) -> list[Reply]:
            return fixed

    async def healthz(request: object) -> JSONResponse:
        return JSONResponse({"ok": True})

    app = create_app(FixedEngine(), Settings(), extra_routes=[Route("/healthz", healthz)])
    from dialog import runtime_tuning

    runtime_tuning.tune_for_serving()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off")


BOT_VARIANTS = {"bot": ("worker", {}), "inline": ("inline", {}), "lexical": ("worker", {"POLICYBOT_SEMANTIC": "off"}),
                "unsure": ("worker", {"POLICYBOT_SEMANTIC": "unsure"}),
                "serial": ("worker", {"POLICYBOT_SEMANTIC_AHEAD": "off"}),
                "nowait": ("worker", {"POLICYBOT_SEMANTIC_UNSURE_WAIT_MS": "0"})}
FLOORS = ("bare", "asgi", "web")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--residents", default="200", help="comma-separated N (default 200; e.g. 50,200,1000)")
    parser.add_argument("--think", default="1,3", help="think time range in seconds (default 1,3)")
    parser.add_argument("--pool", type=int, default=100, help="client connection pool size (default 100)")
    parser.add_argument("--saturation-seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3,
                        help="saturation rounds per server, alternating the servers (default 3)")
    parser.add_argument("--phases", default="inprocess,cold,paced,saturation")
    parser.add_argument("--servers", default="bot,inline,lexical,bare,asgi",
                        help="bot = policybot run (worker thread); inline = the turn's logic on the event loop; "
                             "lexical = POLICYBOT_SEMANTIC=off; unsure = POLICYBOT_SEMANTIC=unsure (not by "
                             "default); bare = uvicorn + Starlette floor; asgi = uvicorn "
                             "with a plain ASGI function (saturation only); web = dialog/channels/web.py with a "
                             "fixed-reply engine (saturation only)")
    parser.add_argument("--seed", type=int, default=1, help="traffic seed (default 1)")
    parser.add_argument("--new-questions", type=int, default=150,
                        help="distinct traffic questions timed in process (default 150)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts per variant (default 3)")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="raw asyncio HTTP/1.1 (default, cheapest) or httpx (one client per connection)")
    parser.add_argument("--bot-command", help="run `bot` with this command instead of the counting launcher "
                        "(settings still come from the POLICYBOT_* environment), e.g. `python -m bot run`")
    parser.add_argument("--log-dir", type=Path, help="keep the servers' logs here (default: a temporary folder)")
    parser.add_argument("--paced-floors", action="store_true", help="also run the paced phase on `bare`")
    parser.add_argument("--quick", action="store_true", help="2 rounds of 5 s, 1 cold start each, 80 questions")
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--web-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--asgi-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--run-bot", choices=("worker", "inline"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_bot:
        return run_bot_variant(args.run_bot)
    if args.bare_server:
        run_bare_server(args.bare_server)
        return 0
    if args.web_server:
        run_web_layer_server(args.web_server)
        return 0
    if args.asgi_server:
        run_asgi_server(args.asgi_server)
        return 0
    if args.quick:
        args.saturation_seconds, args.rounds, args.cold_runs, args.new_questions = 5.0, 2, 1, 80
    ns = [int(x) for x in args.residents.split(",")]
    think = tuple(float(x) for x in args.think.split(","))
    phases = args.phases.split(",")
    servers = args.servers.split(",")
    started = time.perf_counter()
    print(f"# bench_http {time.strftime('%Y-%m-%d %H:%M')}  nproc={os.cpu_count()}  load={os.getloadavg()[0]:.2f} "
          f"(shared machine)  think={think[0]:g}-{think[1]:g}s  pool={args.pool}  client={args.client}  "
          f"saturation={args.saturation_seconds:g}s x {args.rounds}  seed={args.seed}")
    questions = traffic.questions(args.new_questions, seed=args.seed + 7)
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    inprocess: list[tuple[str, list[float], str]] = []
    if "inprocess" in phases:
        print(f"\n-- new free questions in process ({len(questions)} distinct traffic questions, each new; "
              "bench_answer.time_new_questions)")
        inprocess = inprocess_new_questions(questions, rounds=2)
        for label, samples, note in inprocess:
            print(f"  {label:40} p50 {percentile(samples, 50):6.2f} ms  p99 {percentile(samples, 99):7.2f} ms  "
                  f"(n={len(samples)}) {note}", flush=True)
        timings["in process"], mark = time.perf_counter() - mark, time.perf_counter()
    cold: dict[str, list[tuple[float, float, float]]] = {}
    if "cold" in phases:
        print(f"\n-- cold start (process start to first answer) and RSS after 40 new questions, {args.cold_runs} runs each")
        cold = cold_starts(questions, args.cold_runs)
        for label, runs in cold.items():
            print(f"  {label:32} first answer median {statistics.median(r[0] for r in runs):.2f} s "
                  f"(runs {', '.join(f'{r[0]:.2f}' for r in runs)});  RSS median {statistics.median(r[1] for r in runs):.1f} MB, "
                  f"peak max {max(r[2] for r in runs):.1f} MB", flush=True)
        timings["cold starts"], mark = time.perf_counter() - mark, time.perf_counter()

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        tmpdir = Path(tmp)
        msgs_per_resident = 8
        if "paced" in phases or "saturation" in phases:
            print("\n-- HTTP, POST /api/chat on 127.0.0.1")
            print(HEADER)
        for n in ns if ("paced" in phases or "saturation" in phases) else []:
            # Every server of this N runs side by side (idle ones cost nothing), so that the
            # saturation rounds can alternate them: a ratio then compares runs seconds apart,
            # not minutes apart on a machine whose speed drifts.
            processes: dict[str, subprocess.Popen[bytes]] = {}
            ports: dict[str, int] = {}
            counter_files: dict[str, Path | None] = {}
            logs = args.log_dir or tmpdir
            logs.mkdir(parents=True, exist_ok=True)
            with contextlib.ExitStack() as stack:
                for server in servers:
                    ports[server] = port = free_port()
                    counter_files[server] = None
                    if server in BOT_VARIANTS:
                        mode, env = BOT_VARIANTS[server]
                        command = (args.bot_command.split() if args.bot_command and server == "bot"
                                   else [sys.executable, str(Path(__file__).resolve()), "--run-bot", mode])
                        if command[-2:] == ["--run-bot", mode]:
                            counter_files[server] = tmpdir / f"counters-{server}-{n}.jsonl"
                            env = {**env, "BENCH_BOT_STATS": str(counter_files[server])}
                        process = start_bot(tmpdir / f"{server}-{n}.sqlite3", port, logs / f"{server}.log", command, **env)
                    else:
                        process = start_bare(port, logs / f"{server}.log", server)
                    processes[server] = stack.enter_context(running(process))
                rest: dict[str, int | None] = {}
                for server, process in processes.items():
                    wait_healthy(ports[server], process)
                    rest[server] = proc_status_kb(process.pid, "VmRSS")

                def factory_for(server: str, phase: str, round_no: int = 0):
                    fixed = 0 if server in BOT_VARIANTS else msgs_per_resident  # noqa: B023 - called at once
                    return phase_factory(phase, ports[server], n, fixed, args, think, round_no)  # noqa: B023

                def run(server: str, phase: str, round_no: int = 0) -> Row:
                    wall = time.perf_counter()
                    row = measure(processes[server].pid, factory_for(server, phase, round_no), server, n,  # noqa: B023
                                  phase, counter_files[server])  # noqa: B023
                    row.round = round_no + 1 if phase == "saturation" else 0
                    timings[f"({phase})"] = timings.get(f"({phase})", 0.0) + time.perf_counter() - wall
                    rows.append(row)
                    print_row(row)
                    return row

                if "paced" in phases:
                    for server in servers:
                        if server in ("web", "asgi") or (server == "bare" and not args.paced_floors):
                            continue
                        row = run(server, "paced")
                        if server == "bot" and n:
                            msgs_per_resident = max(1, round(row.messages / n))
                for server in servers:
                    if rest.get(server):
                        print(f"        ({server} RSS at rest before load: {(rest[server] or 0) / 1024:.1f} MB)")
                if "saturation" in phases:
                    for round_no in range(args.rounds):
                        order = servers if round_no % 2 == 0 else servers[::-1]
                        for server in order:
                            run(server, "saturation", round_no)
            for server, process in processes.items():
                if process.returncode not in (0, -signal.SIGTERM):
                    print(f"        {server} exited with {process.returncode}; log: {logs / (server + '.log')}")
        timings["servers"] = time.perf_counter() - mark
        summarise(rows, ns, inprocess, cold, servers)
    print(f"\n(run took {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + ")")
    return 0


def summarise(rows: list[Row], ns: list[int], inprocess: list[tuple[str, list[float], str]],
              cold: dict[str, list[tuple[float, float, float]]], servers: list[str]) -> None:
    """The one-run summary: traffic, cache, throughput ratios, and the issue's targets."""
    print()
    for row in rows:
        if row.server == "bot" and row.phase == "paced" and row.traffic is not None:
            print(f"traffic (bot, paced, N={row.n}): {row.traffic.summary()}")
    sat_bot = [r for r in rows if r.server == "bot" and r.phase == "saturation" and r.traffic is not None]
    if sat_bot:
        total = traffic.TrafficStats()
        for r in sat_bot:
            assert r.traffic is not None
            total.texts.update(r.traffic.texts)
            total.sent.update(r.traffic.sent)
        typed = sum(total.texts.values())
        print(f"traffic (bot, saturation rounds): {total.messages} messages, {total.distinct} distinct typed texts "
              f"of {typed} ({total.distinct / max(typed, 1):.0%})")
    for server in servers:
        hits = [r for r in rows if r.server == server and r.cache_hit_rate is not None]
        if hits:
            answers = sum(r.counters.get("answer", 0) for r in hits)
            computed = sum(r.counters.get("computed", 0) for r in hits)
            embeds = sum(r.counters.get("embedded", 0) for r in hits)
            print(f"server {server}: answer cache hits {1 - computed / max(answers, 1):.1%} of {answers:.0f} answers; "
                  f"{embeds:.0f} question embeddings")
    print("\nsaturation msg/s, median of rounds (rounds alternate the servers), and ratio to the floors:")
    for n in ns:
        sat = [r for r in rows if r.n == n and r.phase == "saturation"]
        by_round: dict[int, dict[str, Row]] = {}
        for r in sat:
            by_round.setdefault(r.round, {})[r.server] = r
        for server in servers:
            mine = [r for r in sat if r.server == server]
            if not mine:
                continue
            line = (f"  N={n:5d} {server:8} {statistics.median(r.rate for r in mine):8.1f} msg/s "
                    f"(rounds {', '.join(f'{r.rate:.0f}' for r in mine)}), CPU {statistics.median(r.server_cpu_ms_per_msg for r in mine):.2f} ms/msg")
            for floor in ("bare", "asgi"):
                if floor != server and server not in FLOORS:
                    ratios = [rs[server].rate / rs[floor].rate for rs in by_round.values()
                              if server in rs and floor in rs and rs[floor].rate]
                    if ratios:
                        line += f";  /{floor} {statistics.median(ratios):.3f}"
            print(line)
    print("\ntargets (issue 13):")
    for label, samples, _ in inprocess:
        print(f"  new question in process, {label}: p50 {percentile(samples, 50):.1f} ms, p99 {percentile(samples, 99):.1f} ms")
    for n in ns:
        for server in BOT_VARIANTS:
            for row in rows:
                if row.server == server and row.n == n and row.phase == "paced":
                    print(f"  paced N={n} {server:8} p99 {row.p99_ms:6.1f} ms (target <= 100 ms: "
                          f"{'met' if row.p99_ms <= 100 and not row.errors else 'MISSED'}; after the start burst "
                          f"{row.steady_p99_ms:.1f} ms), p50 {row.p50_ms:.1f} ms, "
                          f"new questions p99 {row.question_p99_ms:.1f} ms, questionnaire steps p99 "
                          f"{row.answer_p99_ms:.1f} ms, errors {row.errors}, peak RSS {row.peak_rss_mb or 0:.1f} MB")
    for label, runs in cold.items():
        first = statistics.median(r[0] for r in runs)
        rss = max(max(r[1], r[2]) for r in runs)
        print(f"  cold start {label}: {first:.2f} s (target <= 2 s: {'met' if first <= 2 else 'MISSED'}); "
              f"RSS max {rss:.1f} MB (target <= 250 MB: {'met' if rss <= 250 else 'MISSED'})")
    peaks = [r.peak_rss_mb for r in rows if r.server == "bot" and r.peak_rss_mb]
    if peaks:
        print(f"  bot peak RSS under load (VmHWM): {max(peaks):.1f} MB (target <= 250 MB: "
              f"{'met' if max(peaks) <= 250 else 'MISSED'})")


if __name__ == "__main__":
    sys.exit(main())
