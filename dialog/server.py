"""`policybot run`: one process serving the web chat, and Telegram when a token is configured.

uvicorn runs the Starlette app (web chat page, JSON API, Telegram webhook route); the Telegram
application (python-telegram-bot) runs in the same asyncio loop, by long polling by default or
by webhook. The engine, its SQLite store and the knowledge base are opened once at start-up and
closed on shutdown (Ctrl-C / SIGTERM), after uvicorn has drained its requests.

Failing to start is quick and says why in one line: a database that cannot be used (not a
database, locked, read-only, a directory), an empty salt file or one that cannot be written
ends the process within seconds with a non-zero status (1; 2 for a setting or salt a person
must fix), so systemd or Docker sees it and restarts or reports it, instead of a traceback
followed by a process that never exits.

Connections are bounded (`ConnectionLimits`): the bot is on the internet, and uvicorn's h11
server by itself keeps a connection that sends its request slowly (or never) open for ever —
3,000 half-sent requests held 3,000 sockets, ~21,000 exhausted the file descriptors, and
asyncio then logged every failed accept() with a traceback (2 million lines in 25 s: its
accept loop does not stop after the first EMFILE). So: a request's head must arrive within
`header_timeout_seconds` and its body within `body_timeout_seconds` (however slowly it
trickles in), at most `max_connections` are open at once (kept below the file-descriptor
limit, which is raised to its hard maximum), a connection over the limit is closed at once,
and those events and accept errors are logged at most once per 10 s with a count.

The listening socket is bound before anything is announced (`bind_socket`): a port another
program holds ends the start at once with a Chinese line saying so and how to choose another
port, never after "web chat at …" was printed.

Several processes (`policybot run --workers N`, `run_workers`): the parent checks that the port
is free (a plain bind, as above), then starts N workers with multiprocessing's "spawn" method;
each binds its own socket to the port with SO_REUSEPORT and the kernel spreads new connections
evenly over them. (One listening socket shared by all was tried first: asyncio accepts up to
100 waiting connections per wake-up, so in a burst the first worker awake took nearly all of
them — a CPU split of 92% / 8% for 1,000 residents arriving within 3 s; with SO_REUSEPORT the
kernel decides per connection. The price: connections waiting in a worker's queue when it is
killed are reset, where a shared socket would have let another worker take them. A second
`policybot run` on the port is still refused: its plain bind conflicts with the workers'
sockets.) Every worker is this module's
`serve` in full (its own engine and store, the connection guards, /healthz, Telegram where it
belongs, clean shutdown). The parent forwards SIGTERM / SIGINT (stop) and SIGHUP (reload) to
every worker, starts again a worker that was killed (a signal, e.g. the OOM killer), and stops
them all with the worker's status when one ends by itself with an error (an unusable database,
a setting to fix). More than one worker needs the PostgreSQL store (`workers_refusal`).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import multiprocessing
import os
import resource
import shutil
import signal
import socket
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_for_processes
from pathlib import Path
from typing import Any

import h11
import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from dialog import metrics as metrics_module
from dialog.admin import StaffTools
from dialog.channels.web import create_app
from dialog.channels.wechat import wechat_routes
from dialog.config import ConfigError, Settings
from dialog.engine import Engine
from dialog.metrics import MeteredEngine
from dialog.ratelimit import RateLimitedEngine, RateLimiter
from dialog.store import DatabaseUnusable, Store
from knowledge.base import KnowledgeBase

log = logging.getLogger("policybot")
FD_RESERVE = 128  # file descriptors kept free for the database, logs, Telegram's HTTP client
LOG_EVERY_SECONDS = 10.0
BACKLOG = 2048  # uvicorn's default: connections the kernel queues before one is accepted
REUSE_PORT = hasattr(socket, "SO_REUSEPORT")  # Linux >= 3.9, the BSDs; not Windows


def health_route(engine: Engine) -> Route:
    """GET /healthz: 200 when the process answers and the database takes a real write
    (`Store.check_writable`: a row as large as a batch of turns, committed); 503 otherwise,
    with the reason. `last_write_error` reports the last failed batch of turns, if any since
    the last one that committed."""

    async def healthz(request: Request) -> JSONResponse:
        store: Store = engine.store
        try:
            await store.check_writable()
        except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
            reason = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
            log.error("health check failed: %s: %s", reason, exc)
            return JSONResponse({"ok": False, "database": "unavailable", "error": f"{reason}: {exc}"},
                                status_code=503)
        body: dict[str, Any] = {"ok": True, "database": "writable"}
        failed = store.last_write_error
        if failed is not None:
            body["last_write_error"] = {"error": failed.name, "seconds_ago": round(time.time() - failed.at)}
        return JSONResponse(body)

    return Route("/healthz", healthz, methods=["GET"])


# ---------------------------------------------------------------------------- connections


@dataclass(frozen=True)
class ConnectionLimits:
    """How much of the server one client may hold: seconds for a request's head (request line
    and headers) and for its body, and open connections at once."""

    max_connections: int = 1000
    header_timeout: float = 10.0
    body_timeout: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(settings.max_connections, settings.header_timeout_seconds, settings.body_timeout_seconds)

    def within_fd_limit(self) -> ConnectionLimits:
        """The same limits with `max_connections` lowered below the process's file-descriptor
        limit (after raising the soft limit to the hard one), so accept() never meets EMFILE."""
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
                soft = hard
        if soft == resource.RLIM_INFINITY:
            return self
        allowed = max(16, int(soft) - FD_RESERVE)
        if allowed >= self.max_connections:
            return self
        log.warning("max_connections lowered from %d to %d: the file-descriptor limit is %d",
                    self.max_connections, allowed, soft)
        return ConnectionLimits(allowed, self.header_timeout, self.body_timeout)


class ThrottledLog:
    """Logs an event at most once per `every` seconds, saying how often it happened since."""

    def __init__(self, logger: logging.Logger, message: str, every: float = LOG_EVERY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger, self.message, self.every, self.clock = logger, message, every, clock
        self.count = 0  # since the last line
        self.total = 0
        self._last = float("-inf")

    def __call__(self, detail: str = "") -> None:
        self.count += 1
        self.total += 1
        now = self.clock()
        if now - self._last >= self.every:
            self.logger.warning("%s (%d since the last such line)%s", self.message, self.count,
                                f": {detail}" if detail else "")
            self._last = now
            self.count = 0


def guarded_protocol(limits: ConnectionLimits) -> type[H11Protocol]:
    """uvicorn's h11 protocol with the head/body deadlines and the connection cap of `limits`
    (pass the class as `uvicorn.Config(http=...)`). Counters are on the class: `refused`,
    `timed_out` (ThrottledLog objects, `.total` for tests and benchmarks)."""

    refused = ThrottledLog(log, f"connection limit ({limits.max_connections}) reached: new connections closed")
    timed_out = ThrottledLog(log, "closed connections whose request did not arrive in time "
                                  f"(head {limits.header_timeout:g} s, body {limits.body_timeout:g} s)")

    class GuardedH11Protocol(H11Protocol):
        """Phases of a connection: "head" (waiting for a request's head: from the connection,
        or from the end of the previous response; more bytes do not extend it), "body" (the
        head arrived, the body has not: from the head's arrival), "app" (the request is in:
        the application's time, not limited here)."""

        _phase = "head"
        _timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            if len(self.connections) >= limits.max_connections:
                self.transport = transport
                transport.abort()
                refused()
                return
            super().connection_made(transport)
            self._restart("head", limits.header_timeout)

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            self._track()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                if self.conn.their_state is h11.IDLE:
                    self._restart("head", limits.header_timeout)  # the next request's head
                else:
                    self._track()  # pipelined: already further

        def _track(self) -> None:
            if self.transport is None or self.transport.is_closing():
                self._cancel()
                return
            state = self.conn.their_state
            if state is h11.SEND_BODY:
                if self._phase != "body":
                    self._restart("body", limits.body_timeout)
            elif state is not h11.IDLE:  # DONE, MUST_CLOSE, CLOSED, ERROR: the request is in
                if self._phase != "app":
                    self._phase = "app"
                    self._cancel()
            elif self._phase == "app":  # a new cycle began without on_response_complete
                self._restart("head", limits.header_timeout)

        def _restart(self, phase: str, seconds: float) -> None:
            self._cancel()
            self._phase = phase
            self._timer = self.loop.call_later(seconds, self._too_slow)

        def _cancel(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _too_slow(self) -> None:
            self._timer = None
            if self.transport is not None and not self.transport.is_closing():
                timed_out(self._phase)
                self.transport.abort()

    GuardedH11Protocol.refused = refused  # type: ignore[attr-defined]
    GuardedH11Protocol.timed_out = timed_out  # type: ignore[attr-defined]
    return GuardedH11Protocol


def throttle_accept_errors(loop: asyncio.AbstractEventLoop, every: float = LOG_EVERY_SECONDS) -> ThrottledLog:
    """Route asyncio's "socket.accept() out of system resource" reports (EMFILE, ENFILE,
    ENOBUFS, ENOMEM: asyncio reports one per queued connection, with a traceback) through a
    ThrottledLog; every other report goes to the default handler, or the one already set."""
    accept_errors = ThrottledLog(log, "accept() failed: out of file descriptors or memory", every)
    previous = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") == "socket.accept() out of system resource":
            exc = context.get("exception")
            accept_errors(f"{type(exc).__name__}: {exc}" if exc else "")
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    return accept_errors


# ---------------------------------------------------------------------------- serving


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM / SIGINT after draining its requests so that the default
    handler ends the process; that ends it before `serve()`'s `finally` stops Telegram (which
    acknowledges the updates already handled, or they are delivered again after the restart)
    and closes the database. Without the re-raise, `serve()` returns and the process exits 0."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            try:
                yield
            finally:
                self._captured_signals.clear()


def uvicorn_config(app: Any, settings: Settings, limits: ConnectionLimits) -> uvicorn.Config:
    """uvicorn's settings for the bot: the guarded h11 protocol, X-Forwarded-For believed only
    from `trusted_proxies`, no access log (it would log what residents request)."""
    return uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info", access_log=False,
                          lifespan="off", http=guarded_protocol(limits), proxy_headers=True,
                          forwarded_allow_ips=settings.trusted_proxies,
                          timeout_keep_alive=max(1, int(min(5.0, limits.header_timeout))))


# ---------------------------------------------------------------------------- the port


class PortUnavailable(OSError):
    """The port cannot be listened on (taken, not allowed, an address not of this machine);
    the message is one Chinese line for the person starting the bot, with what to do."""


def port_busy_message(host: str, port: int) -> str:
    """What `policybot run` / `make run` says when another program listens on the port."""
    other = 8090 if port != 8090 else 8091
    return (f"端口 {port} 已被占用：{host}:{port} 上已经有程序在监听（可能是另一个正在运行的 policybot run）。"
            f"请先停止它，或换一个端口：make run PORT={other}，或 policybot run --port {other}，"
            f"或设置环境变量 POLICYBOT_PORT={other}（配置文件里是 port: {other}）。"
            f"(address already in use: {host}:{port})")


def bind_socket(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """A TCP socket bound to host:port and listening (with SO_REUSEPORT when `reuse_port`:
    one of the workers' sockets sharing the port).

    Raises PortUnavailable with a Chinese message when another socket listens there
    (EADDRINUSE), when the port needs privileges (EACCES: below 1024 without root) or when the
    address is not one of this machine's (EADDRNOTAVAIL); other OSErrors as they are.
    SO_REUSEADDR lets a restart bind while the previous process's connections close (it never
    lets two servers listen on one port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets
    # whose proto says TCP, and accepted connections inherit it. With proto 0 every response
    # (head and body are two writes) waited for the client's delayed ACK: 44 ms a request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(exc.errno, port_busy_message(host, port)) from None
        if exc.errno == errno.EACCES:
            raise PortUnavailable(exc.errno, f"没有权限监听端口 {port}（1024 以下的端口需要 root）：请换一个端口，"
                                             f"例如 make run PORT=8090 或 POLICYBOT_PORT=8090。"
                                             f"(permission denied: {host}:{port})") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise PortUnavailable(exc.errno, f"地址 {host} 不是本机的地址，无法监听：请检查 POLICYBOT_HOST"
                                             f"（本机用 127.0.0.1，对外用 0.0.0.0）。"
                                             f"(cannot assign requested address: {host})") from None
        raise
    return sock


# ---------------------------------------------------------------------------- one process


async def serve(settings: Settings, kb: KnowledgeBase, sock: socket.socket | None = None,
                worker: int = 0) -> None:
    """Serve the web chat (and Telegram, WeChat) until stopped. `sock` is the listening socket
    (bound here when None); `worker` is this process's number under `run_workers` (1 … N; 0
    when it serves alone): Telegram long polling runs in worker 0 or 1 only (the Bot API allows
    one poller), a webhook in every worker; a worker stops by itself when its parent is gone."""
    if sock is None:
        sock = bind_socket(settings.host, settings.port, reuse_port=worker > 0 and REUSE_PORT)
    engine = await Engine.open(settings, kb=kb)
    staff = StaffTools.attach(engine, settings)  # engine.admin: /reload /stats /unanswered
    # Channels get the engine through two thin wrappers: metrics (messages by channel, turn
    # time, answered share, errors) and the per-user rate limit (a polite reply past it). The
    # web app applies the same limiter itself, to answer 429, so it gets the metered engine
    # only. The limiter keys buckets by the store's salted user key, and drops a person's
    # bucket when they are deleted.
    metered = MeteredEngine(engine)
    limiter = RateLimiter.from_settings(settings, key_of=engine.store.user_key)
    engine.store.on_forget.append(limiter.forget)
    limited = RateLimitedEngine(metered, limiter)
    routes = [health_route(engine)]
    routes += wechat_routes(limited, settings)  # [] unless POLICYBOT_WECHAT_TOKEN is set
    application = None
    if settings.telegram_token and (worker <= 1 or settings.telegram_mode == "webhook"):
        from dialog.channels import telegram

        application = telegram.build_application(limited, settings)
        if settings.telegram_mode == "webhook":
            routes.append(telegram.webhook_route(application, settings))
    app = create_app(metered, settings, extra_routes=routes, limiter=limiter)  # also serves /metrics
    limits = ConnectionLimits.from_settings(settings).within_fd_limit()
    throttle_accept_errors(asyncio.get_running_loop())
    server = _Server(uvicorn_config(app, settings, limits))
    staff.start()  # SIGHUP (and optional file watch) reload, retention purge every 6 h
    # No interpreter tuning (gc.freeze, GIL switch interval): under realistic traffic it no
    # longer paid (dialog/runtime_tuning.py has the figures).
    orphan_watch = asyncio.create_task(_stop_when_orphaned(server)) if worker else None
    try:
        if application is not None:
            await telegram.start_telegram(application, settings)
            log.info("Telegram started (%s)", settings.telegram_mode)
        if not worker:
            log.info("web chat at %s/", settings.web_url)
        else:
            log.info("worker %d ready (pid %d)", worker, os.getpid())
        await server.serve(sockets=[sock])
    finally:
        if orphan_watch is not None:
            orphan_watch.cancel()
        await staff.stop()
        if application is not None:
            await telegram.stop_telegram(application)
        await engine.close()


async def _stop_when_orphaned(server: uvicorn.Server, every: float = 1.0) -> None:
    """A worker whose parent died (kill -9 of the supervisor) stops by itself, as after
    SIGTERM, instead of holding the port for ever."""
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(every)
    log.warning("the supervising process is gone: stopping")
    server.should_exit = True


def _configure_logging(worker: int | None = None) -> None:
    prefix = "" if worker is None else f"[worker {worker}] "
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s %(levelname)s {prefix}%(name)s: %(message)s")
    # httpx logs every Telegram request URL, and those URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def run(settings: Settings, kb: KnowledgeBase, sock: socket.socket | None = None, worker: int = 0) -> int:
    """Serve until stopped. Returns 0 after a normal stop, 1 when the database cannot be used,
    the salt cannot be written or the port cannot be listened on, 2 when the salt file is empty
    or short (a person must restore it); the reason is one line on the log, with no traceback."""
    _configure_logging(worker or None)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the normal way to stop
            asyncio.run(serve(settings, kb, sock, worker))
    except PortUnavailable as exc:
        log.error("%s", exc.strerror)
        return 1
    except DatabaseUnusable as exc:
        log.error("%s; not starting", exc)
        return 1
    except ConfigError as exc:
        log.error("configuration error: %s; not starting", exc)
        return 2
    except (OSError, sqlite3.Error) as exc:
        log.error("cannot start: %s: %s", type(exc).__name__, exc)
        return 1
    return 0


# ---------------------------------------------------------------------------- several processes

WORKER_RESTARTS = 5  # killed workers started again within RESTART_WINDOW before giving up
RESTART_WINDOW = 60.0  # seconds


def uses_postgres(settings: Settings) -> bool:
    """True when the store is PostgreSQL (POLICYBOT_DB=postgresql://…, which the settings keep
    as `database_url`, or POLICYBOT_DATABASE_URL)."""
    return bool(getattr(settings, "database_url", "")) or str(settings.db).startswith(("postgresql:", "postgres:"))


def workers_refusal(settings: Settings, workers: int) -> str | None:
    """Why `workers` processes cannot serve with these settings (a Chinese message), or None.

    On SQLite each process keeps its own per-user lock, session cache and WeChat de-duplication
    memory, so two workers could run one resident's turns at once or answer a WeChat retry
    twice (issue 17 item 3): more than one worker needs the PostgreSQL store."""
    if workers < 1:
        return f"--workers {workers}：工作进程数至少是 1。"
    if workers > 1 and not uses_postgres(settings):
        return (f"--workers {workers}：多个工作进程需要 PostgreSQL 数据库。SQLite 只能由一个进程使用"
                "（每个进程各自保存用户的处理顺序、会话缓存和微信消息去重，多个进程会把同一位居民的消息"
                "同时处理、把微信重发的消息回答两次）。请设置 POLICYBOT_DB=postgresql://用户:密码@主机:5432/库名"
                " 后再用 --workers，或者去掉 --workers 只用一个进程。见 deploy/部署指南.md「多进程部署」。"
                "(more than one worker needs PostgreSQL: set POLICYBOT_DB=postgresql://...)")
    return None


def _worker_main(settings: Settings, data_dir: Path | None, sock: socket.socket | None, worker: int) -> None:
    """A worker process (started by `run_workers` with "spawn"): loads the knowledge base and
    serves on its own SO_REUSEPORT socket (or `sock`, inherited, where the system has no
    SO_REUSEPORT); its exit status is `run`'s."""
    from knowledge.base import load_knowledge_or_raise

    _configure_logging(worker)
    try:
        kb = load_knowledge_or_raise(data_dir)
    except Exception as exc:  # noqa: BLE001 - the data were checked by the parent; say why in one line
        log.error("cannot load the knowledge base: %s: %s", type(exc).__name__, exc)
        raise SystemExit(1) from None
    raise SystemExit(run(settings, kb, sock, worker))


def run_workers(settings: Settings, workers: int, data_dir: Path | None = None,
                sock: socket.socket | None = None) -> int:
    """Serve with `workers` processes on one port until stopped; returns the exit status (0
    after SIGTERM / Ctrl-C; a worker's own non-zero status when one ended by itself, the
    others then stopped; 1 when the port cannot be listened on or killed workers keep dying).
    A worker killed by a signal or stopped alone (status 0) is started again, at most
    WORKER_RESTARTS times within RESTART_WINDOW seconds.

    The metrics of all workers are added up (dialog/metrics.py): a temporary folder in
    PROMETHEUS_MULTIPROC_DIR, created here before the workers start and removed at the end."""
    _configure_logging()
    if sock is None:
        try:
            sock = bind_socket(settings.host, settings.port)  # the check that the port is free
        except PortUnavailable as exc:
            log.error("%s", exc.strerror)
            return 1
    shared: socket.socket | None = None
    if REUSE_PORT:
        sock.close()  # each worker binds its own (SO_REUSEPORT); a plain socket would conflict
    else:
        shared = sock
        shared.set_inheritable(True)
    metrics_dir = tempfile.mkdtemp(prefix="policybot-metrics-")
    previous_env = os.environ.get(metrics_module.MULTIPROC_ENV)
    os.environ[metrics_module.MULTIPROC_ENV] = metrics_dir  # inherited by the spawned workers
    context = multiprocessing.get_context("spawn")
    processes: dict[int, multiprocessing.process.BaseProcess] = {}
    stopping = False
    status = 0
    restarts: list[float] = []

    def start(index: int) -> None:
        process = context.Process(target=_worker_main, args=(settings, data_dir, shared, index),
                                  name=f"policybot-worker-{index}", daemon=False)
        process.start()
        processes[index] = process

    def forward(signum: int, frame: object) -> None:
        nonlocal stopping
        if signum in (signal.SIGTERM, signal.SIGINT):
            stopping = True
            signum = signal.SIGTERM
        for process in processes.values():
            if process.pid is not None and process.exitcode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signum)

    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {signum: signal.signal(signum, forward) for signum in handled}
    try:
        for index in range(1, workers + 1):
            start(index)
        log.info("web chat at %s/ (%d worker processes)", settings.web_url, workers)
        while processes:
            sentinels = {process.sentinel: index for index, process in processes.items()}
            for ready in wait_for_processes(list(sentinels), timeout=1.0):
                index = sentinels[ready]  # type: ignore[index]
                process = processes.pop(index)
                process.join()
                metrics_module.mark_process_dead(process.pid or 0, metrics_dir)
                code = process.exitcode or 0
                if stopping:
                    continue
                if code > 0:
                    # It gave up by itself: an unusable database or a setting affects every worker.
                    log.error("worker %d ended with status %d: stopping the others", index, code)
                    status = status or code
                    forward(signal.SIGTERM, None)
                    continue
                now = time.monotonic()
                restarts[:] = [t for t in restarts if now - t < RESTART_WINDOW] + [now]
                if len(restarts) > WORKER_RESTARTS:
                    log.error("workers keep dying (%d in %.0f s): stopping", len(restarts), RESTART_WINDOW)
                    status = 1
                    forward(signal.SIGTERM, None)
                    continue
                log.warning("worker %d ended (%s): starting it again", index,
                            f"signal {-code}" if code < 0 else "stopped on its own")
                start(index)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for process in processes.values():  # only after an exception here
            process.kill()
            process.join(5)
        sock.close()
        if previous_env is None:
            os.environ.pop(metrics_module.MULTIPROC_ENV, None)
        else:
            os.environ[metrics_module.MULTIPROC_ENV] = previous_env
        shutil.rmtree(metrics_dir, ignore_errors=True)
    return status
