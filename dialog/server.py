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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import h11
import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from dialog import runtime_tuning
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


async def serve(settings: Settings, kb: KnowledgeBase) -> None:
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
    if settings.telegram_token:
        from dialog.channels import telegram

        application = telegram.build_application(limited, settings)
        if settings.telegram_mode == "webhook":
            routes.append(telegram.webhook_route(application, settings))
    app = create_app(metered, settings, extra_routes=routes, limiter=limiter)  # also serves /metrics
    limits = ConnectionLimits.from_settings(settings).within_fd_limit()
    throttle_accept_errors(asyncio.get_running_loop())
    server = _Server(uvicorn_config(app, settings, limits))
    staff.start()  # SIGHUP (and optional file watch) reload, retention purge every 6 h
    runtime_tuning.tune_for_serving()  # after start-up: see dialog/runtime_tuning.py
    try:
        if application is not None:
            await telegram.start_telegram(application, settings)
            log.info("Telegram started (%s)", settings.telegram_mode)
        log.info("web chat at %s/", settings.web_url)
        await server.serve()
    finally:
        await staff.stop()
        if application is not None:
            await telegram.stop_telegram(application)
        await engine.close()


def run(settings: Settings, kb: KnowledgeBase) -> int:
    """Serve until stopped. Returns 0 after a normal stop, 1 when the database cannot be used
    or the salt cannot be written, 2 when the salt file is empty or short (a person must
    restore it); the reason is one line on the log, with no traceback."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every Telegram request URL, and those URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the normal way to stop
            asyncio.run(serve(settings, kb))
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
