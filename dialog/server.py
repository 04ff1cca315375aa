"""`policybot run`: one process serving the web chat, and Telegram when a token is configured.

uvicorn runs the Starlette app (web chat page, JSON API, Telegram webhook route); the Telegram
application (python-telegram-bot) runs in the same asyncio loop, by long polling by default or
by webhook. The engine, its SQLite store and the knowledge base are opened once at start-up and
closed on shutdown (Ctrl-C / SIGTERM), after uvicorn has drained its requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from dialog import runtime_tuning
from dialog.admin import StaffTools
from dialog.channels.web import create_app
from dialog.channels.wechat import wechat_routes
from dialog.config import Settings
from dialog.engine import Engine
from dialog.metrics import MeteredEngine
from dialog.ratelimit import RateLimitedEngine, RateLimiter
from knowledge.base import KnowledgeBase

log = logging.getLogger("policybot")

def health_route(engine: Engine) -> Route:
    """GET /healthz: 200 when the process answers and the database takes a write lock."""

    async def healthz(request: Request) -> JSONResponse:
        try:
            await engine.store.check_writable()
        except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
            log.error("health check failed: %s", type(exc).__name__)
            return JSONResponse({"ok": False, "database": "unavailable"}, status_code=503)
        return JSONResponse({"ok": True, "database": "writable"})

    return Route("/healthz", healthz, methods=["GET"])


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


async def serve(settings: Settings, kb: KnowledgeBase) -> None:
    engine = await Engine.open(settings, kb=kb)
    staff = StaffTools.attach(engine, settings)  # engine.admin: /reload /stats /unanswered
    # Channels get the engine through two thin wrappers: metrics (messages by channel, turn
    # time, answered share, errors) and the per-user rate limit (a polite reply past it). The
    # web app applies the limit itself, to answer 429, so it gets the metered engine only.
    metered = MeteredEngine(engine)
    limited = RateLimitedEngine(metered, RateLimiter.from_settings(settings))
    routes = [health_route(engine)]
    routes += wechat_routes(limited, settings)  # [] unless POLICYBOT_WECHAT_TOKEN is set
    application = None
    if settings.telegram_token:
        from dialog.channels import telegram

        application = telegram.build_application(limited, settings)
        if settings.telegram_mode == "webhook":
            routes.append(telegram.webhook_route(application, settings))
    app = create_app(metered, settings, extra_routes=routes)  # also serves /metrics
    server = _Server(uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info",
                                    access_log=False, lifespan="off"))
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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every Telegram request URL, and those URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the normal way to stop
        asyncio.run(serve(settings, kb))
    return 0
