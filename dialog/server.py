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

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from dialog.admin import StaffTools
from dialog.config import Settings
from dialog.engine import Engine
from dialog.web import create_app
from dialog.wechat import wechat_routes
from knowledge.base import KnowledgeBase

log = logging.getLogger("policybot")


def health_route(engine: Engine) -> Route:
    """GET /healthz: 200 when the process answers and the database takes a write lock."""

    async def healthz(request: Request) -> JSONResponse:
        try:
            await engine.store.db.execute("BEGIN IMMEDIATE")
            await engine.store.db.rollback()
        except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
            log.error("health check failed: %s", type(exc).__name__)
            return JSONResponse({"ok": False, "database": "unavailable"}, status_code=503)
        return JSONResponse({"ok": True, "database": "writable"})

    return Route("/healthz", healthz, methods=["GET"])


async def serve(settings: Settings, kb: KnowledgeBase) -> None:
    engine = await Engine.open(settings, kb=kb)
    staff = StaffTools.attach(engine, settings)  # engine.admin: /reload /stats /unanswered
    routes = [health_route(engine)]
    routes += wechat_routes(engine, settings)  # [] unless POLICYBOT_WECHAT_TOKEN is set
    application = None
    if settings.telegram_token:
        from dialog import telegram

        application = telegram.build_application(engine, settings)
        if settings.telegram_mode == "webhook":
            routes.append(telegram.webhook_route(application, settings))
    app = create_app(engine, settings, extra_routes=routes)
    server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info",
                                           access_log=False, lifespan="off"))
    staff.start()  # SIGHUP (and optional file watch) reload, retention purge every 6 h
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
