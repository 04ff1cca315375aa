"""HTTP load on loopback: simulated residents against the real server's `POST /api/chat`.

Run by hand: `.venv/bin/python benchmarks/bench_http.py` (about 5 minutes); it prints numbers
and asserts nothing. `--quick` runs a short version (N = 50 and 200, shorter phases).

What it does, and why:
- The real server: `python -m bot run` (the `policybot run` command) in a subprocess, on a free
  127.0.0.1 port, with a fresh temporary database; one fresh server per N, so that each N's peak
  RSS (VmHWM from /proc) is its own.
- The floor: a bare uvicorn + Starlette endpoint in another subprocess, same uvicorn settings as
  `dialog.server.serve`, that reads the body and returns a fixed JSON reply of a realistic size.
  The bot/bare ratio is the figure to improve: it is what the bot itself costs on top of the
  HTTP stack, and it is far less sensitive to the shared machine's noise than absolute numbers.
  A second floor, `asgi`, is the same endpoint with no framework at all (a plain ASGI function
  on uvicorn): the bot's own chat path skips Starlette's middleware stack, so its ratio to
  this stricter floor is printed too.
- Residents (asyncio + httpx, one client with a bounded connection pool, like nginx's upstream
  keepalive pool): /start, two free questions, then the questionnaire the answer offers (测一测)
  or else the policy finder, answered with its buttons (a number typed where one is asked)
  until the result. Two phases per N:
    * paced: each resident waits a think time (uniform 1–3 s by default; a real person reading
      an answer takes 5–30 s, so this is several times harsher than reality) between messages,
      starts staggered over the first think time; latency here is what people would see.
    * saturation: N slots with no think time, each slot running new residents back to back
      for a fixed time; this measures the maximum messages per second (closed loop, so the
      latency in this phase is queueing: N / throughput, by Little's law).
- The load generator runs on the same two cores as the server: its own CPU time is printed, and
  the server's CPU time per message (from /proc) is the most stable figure of all.

Every loop is bounded by count and time; the subprocesses are killed on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
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

# Questions of the kinds residents ask (written for the benchmarks, not taken from an eval set).
QUESTIONS = [
    "见习补贴一个月给多少", "开小卖部能贷款吗", "失业了去哪里登记", "稳岗返还怎么算",
    "考了电工证有补贴吗", "返乡创业有啥扶持", "公益性岗位有多少个", "培训期间有生活费吗",
    "小微企业贷款最高多少", "文件什么时候发的", "大学毕业了没工作怎么办", "低保户能认定就业困难人员吗",
    "公积金怎么取", "孵化基地有什么补助", "企业职工在岗培训谁出钱", "出去打工去哪些地方",
]
STEP_RE = re.compile(r"（第(\d+)步/共(\d+)步）")
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
                "POLICYBOT_SALT": "bench-salt", "PYTHONUNBUFFERED": "1"})
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
    """One person in the web chat: sends what a person would and presses the offered buttons.

    `fixed_messages` (for the bare endpoint, whose fixed reply has no questionnaire) sends that
    many messages instead, so both servers get the same number of requests per resident.
    """

    def __init__(self, pool: Pool, user: str, rng: random.Random,
                 stats: Stats, think: tuple[float, float] = (0.0, 0.0), fixed_messages: int = 0) -> None:
        self.pool, self.user, self.rng = pool, user, rng
        self.stats, self.think, self.fixed_messages = stats, think, fixed_messages
        self.replies: list[dict] = []
        self.step: tuple[int, int, str] | None = None  # (step, total, question) last seen
        self.in_flight = False

    async def send(self, text: str = "", action: str | None = None) -> bool:
        if self.think[1] > 0:
            await asyncio.sleep(self.rng.uniform(*self.think))
        body = {"user": self.user, "text": text, "action": action, "kind": "button" if action else "text"}
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
        self.replies = json.loads(data).get("replies", [])
        self.step = pending_step(self.replies)
        return True

    def button(self, prefix: str) -> dict | None:
        for reply in self.replies:
            for row in reply.get("buttons", []):
                for button in row:
                    if button["action"].startswith(prefix):
                        return button
        return None

    async def converse(self) -> None:
        """/start, two questions, then the program questionnaire one of the answers offered
        (测一测); when neither did, the policy finder first, then the program it suggests."""
        self.stats.conversations += 1
        if self.fixed_messages:
            for i in range(self.fixed_messages):
                if not await self.send(QUESTIONS[i % len(QUESTIONS)]):
                    return
            return
        if not await self.send("/start"):
            return
        offer = None
        for question in self.rng.sample(QUESTIONS, 2):
            if not await self.send(question):
                return
            offer = self.button("p:") or offer
        if offer is None:
            if not await self.send("测一测", "m:find") or not await self.questionnaire():
                return
            offer = self.button("p:")
        if offer is not None and await self.send(offer["label"], offer["action"]):
            await self.questionnaire()

    async def questionnaire(self) -> bool:
        """Answer the pending questions until the result (bounded by MAX_STEPS)."""
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


def pending_step(replies: list[dict]) -> tuple[int, int, str] | None:
    """(step, total, question text) of the questionnaire question in the replies, if any."""
    for reply in replies:
        match = STEP_RE.search(reply.get("text", ""))
        if match:
            question = reply["text"][match.end():].split("\n", 1)[0]
            return int(match.group(1)), int(match.group(2)), question
    return None


async def paced_phase(port: int, n: int, think: tuple[float, float], pool: int, seed: int,
                      fixed_messages: int = 0, time_limit: float = 180.0, client: str = "raw") -> tuple[Stats, float]:
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
    """N slots, each running new residents back to back (no think time) for `duration` s."""
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

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def measure(pid: int, coro_factory, server: str, n: int, phase: str) -> Row:
    cpu0, client0 = proc_cpu_seconds(pid), sum(os.times()[:2])
    stats, elapsed = asyncio.run(coro_factory())
    cpu1, client1 = proc_cpu_seconds(pid), sum(os.times()[:2])
    peak = proc_status_kb(pid, "VmHWM")
    ok = len(stats.latencies)
    return Row(server, n, phase, stats.messages, elapsed, percentile(stats.latencies, 50) * 1000,
               percentile(stats.latencies, 99) * 1000, sum(stats.errors.values()),
               ", ".join(f"{k}×{v}" for k, v in stats.errors.most_common(3)),
               (cpu1 - cpu0) * 1000 / max(ok, 1), client1 - client0,
               peak / 1024 if peak else None)


def phase_factory(phase: str, port: int, n: int, fixed: int, args: argparse.Namespace,
                  think: tuple[float, float], round_no: int = 0):
    """A function returning the coroutine of one phase against one server."""
    if phase == "paced":
        return lambda: paced_phase(port, n, think, min(args.pool, n), seed=n, fixed_messages=fixed, client=args.client)
    return lambda: saturation_phase(port, n, min(args.pool, n), seed=n + 1 + 1000 * round_no,
                                    duration=args.saturation_seconds, fixed_messages=fixed, client=args.client)


def print_row(row: Row) -> None:
    rss = f"{row.peak_rss_mb:6.1f}" if row.peak_rss_mb else "   n/a"
    phase = f"{row.phase} {row.round}" if row.round else row.phase
    print(f"{row.server:5} {row.n:5d} {phase:12} {row.messages:7d} {row.rate:8.1f} {row.p50_ms:8.1f} "
          f"{row.p99_ms:8.1f} {row.errors:6d} {row.server_cpu_ms_per_msg:8.2f} {row.client_cpu_s:7.1f} {rss}"
          + (f"  ({row.error_kinds})" if row.errors else ""), flush=True)


HEADER = ("srv       N phase        msgs    msg/s   p50 ms   p99 ms errors  srv ms/msg cli cpu s  peakRSS MB")


# --------------------------------------------------------------------------- main


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--residents", default="50,200,1000", help="comma-separated N (default 50,200,1000)")
    parser.add_argument("--think", default="1,3", help="think time range in seconds (default 1,3)")
    parser.add_argument("--pool", type=int, default=100, help="client connection pool size (default 100)")
    parser.add_argument("--saturation-seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3,
                        help="saturation rounds per server, alternating the servers (default 3)")
    parser.add_argument("--phases", default="paced,saturation")
    parser.add_argument("--servers", default="bot,web,bare,asgi",
                        help="bot = policybot run; web = dialog/channels/web.py with a fixed-reply engine "
                             "(saturation only); bare = uvicorn + Starlette floor; asgi = uvicorn "
                             "with a plain ASGI function (saturation only)")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="raw asyncio HTTP/1.1 (default, cheapest) or httpx (one client per connection)")
    parser.add_argument("--bot-command", help="run the bot with this command instead of `python -m bot run` "
                        "(settings still come from the POLICYBOT_* environment), e.g. for a profiler")
    parser.add_argument("--log-dir", type=Path, help="keep the servers' logs here (default: a temporary folder)")
    parser.add_argument("--quick", action="store_true", help="N=50,200; 5 s saturation")
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--web-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--asgi-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
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
        args.residents, args.saturation_seconds = "50,200", 5.0
    ns = [int(x) for x in args.residents.split(",")]
    think = tuple(float(x) for x in args.think.split(","))
    phases = args.phases.split(",")
    servers = args.servers.split(",")
    print(f"# bench_http {time.strftime('%Y-%m-%d %H:%M')}  nproc={os.cpu_count()}  "
          f"think={think[0]:g}-{think[1]:g}s  pool={args.pool}  client={args.client}  saturation={args.saturation_seconds:g}s")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        tmpdir = Path(tmp)
        msgs_per_resident = 11
        print(HEADER)
        for n in ns:
            # Every server of this N runs side by side (idle ones cost nothing), so that the
            # saturation rounds can alternate bot, web, bare: a ratio then compares runs
            # seconds apart, not minutes apart on a machine whose speed drifts.
            processes: dict[str, subprocess.Popen[bytes]] = {}
            ports: dict[str, int] = {}
            logs = args.log_dir or tmpdir
            logs.mkdir(parents=True, exist_ok=True)
            with contextlib.ExitStack() as stack:
                for server in servers:
                    ports[server] = port = free_port()
                    if server == "bot":
                        process = start_bot(tmpdir / f"bot-{n}.sqlite3", port, logs / "bot.log",
                                            args.bot_command.split() if args.bot_command else None)
                    else:
                        process = start_bare(port, logs / f"{server}.log", server)
                    processes[server] = stack.enter_context(running(process))
                rest: dict[str, int | None] = {}
                for server, process in processes.items():
                    wait_healthy(ports[server], process)
                    rest[server] = proc_status_kb(process.pid, "VmRSS")

                def factory_for(server: str, phase: str, round_no: int = 0):
                    fixed = 0 if server == "bot" else msgs_per_resident  # noqa: B023 - called at once
                    return phase_factory(phase, ports[server], n, fixed, args, think, round_no)  # noqa: B023

                if "paced" in phases:
                    for server in servers:
                        if server in ("web", "asgi"):
                            continue
                        row = measure(processes[server].pid, factory_for(server, "paced"), server, n, "paced")
                        if server == "bot" and n:
                            msgs_per_resident = max(1, round(row.messages / n))
                        rows.append(row)
                        print_row(row)
                if "bot" in rest and rest["bot"]:
                    print(f"      (bot RSS at rest before load: {rest['bot'] / 1024:.1f} MB; "
                          f"{msgs_per_resident} messages per resident)", flush=True)
                if "saturation" in phases:
                    for round_no in range(args.rounds):
                        for server in servers:
                            row = measure(processes[server].pid, factory_for(server, "saturation", round_no),
                                          server, n, "saturation")
                            row.round = round_no + 1
                            rows.append(row)
                            print_row(row)
            bot_process = processes.get("bot")
            if bot_process is not None and bot_process.returncode not in (0, -signal.SIGTERM):
                print(f"      bot exited with {bot_process.returncode}; log: {logs / 'bot.log'}")
        print()
        print("bot/bare throughput ratio (saturation msg/s; rounds alternate the servers, median of the rounds' ratios):")
        for n in ns:
            sat = [r for r in rows if r.n == n and r.phase == "saturation"]
            ratios, web_ratios, asgi_ratios = [], [], []
            for round_no in sorted({r.round for r in sat}):
                by = {r.server: r for r in sat if r.round == round_no}
                if "bot" in by and "bare" in by and by["bare"].rate:
                    ratios.append(by["bot"].rate / by["bare"].rate)
                if "web" in by and "bare" in by and by["bare"].rate:
                    web_ratios.append(by["web"].rate / by["bare"].rate)
                if "bot" in by and "asgi" in by and by["asgi"].rate:
                    asgi_ratios.append(by["bot"].rate / by["asgi"].rate)
            if not ratios:
                continue

            cpu = {server: statistics.median(r.server_cpu_ms_per_msg for r in sat if r.server == server)
                   for server in {r.server for r in sat}}
            print(f"  N={n:5d}: ratio {statistics.median(ratios):.2f} (rounds: {', '.join(f'{x:.2f}' for x in ratios)});  "
                  f"server CPU per message, median: bot {cpu['bot']:.2f} ms, bare {cpu['bare']:.2f} ms"
                  + (f";  web layer alone / bare: {statistics.median(web_ratios):.2f}" if web_ratios else ""))
            if asgi_ratios:
                print(f"          bot/asgi (no framework in the floor): {statistics.median(asgi_ratios):.2f} "
                      f"(rounds: {', '.join(f'{x:.2f}' for x in asgi_ratios)});  asgi CPU per message "
                      f"{cpu['asgi']:.2f} ms")
        print()
        print("targets at N=200 (paced): p99 <= 100 ms, no errors, peak RSS <= 150 MB; throughput >= 50% of bare")
        for row in rows:
            if row.server == "bot" and row.n == 200 and row.phase == "paced":
                verdict = row.p99_ms <= 100 and row.errors == 0 and (row.peak_rss_mb or 0) <= 150
                print(f"  p99 {row.p99_ms:.1f} ms, errors {row.errors}, peak RSS {row.peak_rss_mb or 0:.1f} MB: "
                      f"{'met' if verdict else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
