"""Mobile web chat: the single-page chat at `/` and the JSON API it talks to, `POST /api/chat`.

Why this shape:
- Starlette + uvicorn: one small, well-kept ASGI stack that also hosts the Telegram webhook
  (python-telegram-bot documents a custom-webhook setup with it) and any other channel the
  lead mounts through `extra_routes`, so one process and one port serve everything.
- The page is static (no templates, no build step, no CDN): it must load quickly on a slow
  phone connection and inside WeChat's in-app browser, and nothing may come from the internet.
  The only server-side touch is putting two values into the page as data attributes
  (the validated `?c=` campaign and the message length limit) and a version tag on the asset
  URLs so a redeploy is never mixed with a stale cached script.
- Replies are plain text; the page inserts them with `textContent`, and a strict
  Content-Security-Policy (scripts from this origin only, no inline script) is the second wall
  should anyone ever slip HTML into a reply.
- The API is deliberately strict about what it accepts (JSON only, small bodies, a well-formed
  user id) because it is reachable by anyone who can reach the page: a cross-site form cannot
  send `application/json` without a CORS preflight, which this app never grants.
- Each user gets `rate_limit_per_minute` messages a minute (dialog/ratelimit.py); past that
  the API answers 429 with a polite reply the page shows like any other, and the engine and
  the database never see the message, so one abusive user cannot slow the others.
- Each message carries the client's address (`Incoming.extra["client"]`: the connection's
  peer, or behind a proxy listed in `trusted_proxies` the X-Forwarded-For address that proxy
  saw; a header from anyone else is ignored), for what must be limited per address rather
  than per chat id, which the client chooses (admin login attempts).
- Every request is timed and counted by `dialog.metrics` and `/metrics` serves the figures.
- The page's own words (大字, 朗读, 全文 …) are the `page_*` texts of dialog/data/texts.yaml, put
  into the page per request, so staff edit them like every other text and /reload applies them.
  Two replies get a mark the page acts on (`_mark_replies`), from the role the engine gave them
  (`Reply.role`, never their wording): the privacy notice is `"role": "notice"` (shown as one
  line with 全文), and a response that confirms deleting the person's data carries
  `"forgotten": true` (the page then drops its own copy and its id).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import re
import time
import traceback
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialog.campaigns import parse_campaign
from dialog.config import Settings
from dialog.fastjson import dumps_bytes, loads
from dialog.flows.common import plain_number
from dialog.messages import KINDS, MAX_ACTION_BYTES, ROLE_FORGOTTEN, ROLE_NOTICE, Incoming, Reply
from dialog.metrics import METRICS, MeteredEngine, Metrics, MetricsMiddleware, metrics_route
from dialog.normalize import clean_text
from dialog.ratelimit import RateLimiter, limited_text
from dialog.texts import InvalidTexts, load_texts

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")

# A JSON message from the page is a few hundred bytes; 16 KB leaves room for a long paste
# (4,000 CJK characters are 12 KB of UTF-8) while refusing anything meant to exhaust memory.
MAX_BODY_BYTES = 16 * 1024
# Text beyond this is cut before the engine sees it; between settings.max_message_chars and
# this, the engine itself answers "please keep it shorter", which reads better than an error.
MAX_TEXT_CHARS = 4000

USER_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")

BUSY_TEXT = "系统暂时有点忙，请稍后再试，或拨打12333。"

# Self only, no inline script or style: the page needs nothing else, and anything injected
# into it would have nowhere to load from and nothing to run.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    # The campaign code sits in the page URL; external links (e.g. to a government site)
    # should not carry it along.
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
# A JSON reply is never a document: nothing in it loads, runs, navigates or is framed, so of
# the page's headers only the two that matter for data are sent (OWASP's REST cheat sheet):
# no MIME sniffing, and a CSP that forbids everything should a browser ever render it.
# Fewer headers is also less work per message for the HTTP server (h11 validates each one).
API_SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
)
CHAT_PATH = "/api/chat"


class ChatEngine(Protocol):
    """What the web channel needs from the conversation engine (see engine_interface.md)."""

    async def handle(self, incoming: Incoming) -> list[Reply]: ...


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response that does not set them itself.

    A pure ASGI middleware (not BaseHTTPMiddleware) so that static file and streaming
    responses pass through untouched apart from the headers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def safe_json(content: Any) -> bytes:
    """Compact UTF-8 JSON with `<`, `>` and `&` written as \\u escapes: the same data for any
    JSON parser, but no byte sequence a browser could ever read as markup, whatever a reply
    quotes back."""
    body = dumps_bytes(content)
    if b"<" in body or b">" in body or b"&" in body:
        body = body.replace(b"&", b"\\u0026").replace(b"<", b"\\u003c").replace(b">", b"\\u003e")
    return body


async def send_json(send: Send, status: int, content: Any, extra_headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """One JSON response straight on the ASGI `send`, without building a Response object:
    this is the path of every chat message."""
    body = safe_json(content)
    headers = [(b"content-length", str(len(body)).encode("ascii")), (b"content-type", b"application/json"),
               (b"cache-control", b"no-store"), *API_SECURITY_HEADERS, *extra_headers]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _ApiError(Exception):
    """A request the API refuses; carries the status and the JSON body to answer with."""

    def __init__(self, status: int, code: str, text: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.text = text
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        # `replies` too, so the page can show the refusal like any other bot message.
        return {"error": self.code, "replies": [Reply(self.text).to_json()]}

    async def send(self, send: Send) -> None:
        extra = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in self.headers.items()]
        await send_json(send, self.status, self.body(), extra)


def _without_surrogates(value: str) -> str:
    """`value` with lone surrogates (legal in JSON's \\ud800 escapes, not in UTF-8) turned into
    U+FFFD, so that neither the database nor the JSON reply fails to encode it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def valid_campaign(value: object) -> str | None:
    """The campaign's id (`dialog.campaigns.parse_campaign`): an [A-Za-z0-9_-] token as it is,
    a name such as 春季招聘 (`?c=%E6%98%A5…`) as its zh_ id, so the web link and the Telegram
    link of one campaign count together; else None (ignored, not an error: a mangled poster
    link should still open the chat)."""
    return parse_campaign(value)


def _asset_version() -> str:
    """A short hash of the page's assets: changes with every deploy that changes them, so
    `?v=` busts WeChat's aggressive cache without any build step."""
    digest = hashlib.sha256()
    for name in ("chat.js", "chat.css"):
        path = STATIC_DIR / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _page_template(settings: Settings) -> str:
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return html.replace("__VERSION__", _asset_version()).replace(
        "__MAX_CHARS__", str(int(settings.max_message_chars))
    ).replace("__KEEP_DAYS__", plain_number(settings.session_retention_days))


class PageTexts:
    """The fixed texts as the page needs them: the engine's own (`engine.texts`, swapped by
    /reload) when it has them, else the checked file (a stand-in engine in tests, benchmarks).

    `page_json()` is the `page_*` texts as HTML-attribute-safe JSON ({"big": "大字", …})."""

    def __init__(self, engine: object) -> None:
        self.engine = engine
        try:
            self.fallback: dict[str, str] = load_texts()
        except InvalidTexts:  # the engine refuses to start on such a file anyway
            self.fallback = {}
        self._seen: dict[str, str] | None = None
        self._page = ""

    def current(self) -> dict[str, str]:
        texts = getattr(self.engine, "texts", None)
        return texts if isinstance(texts, dict) else self.fallback

    def _update(self) -> None:
        texts = self.current()
        if texts is self._seen:
            return
        page = {key[5:]: value for key, value in texts.items() if key.startswith("page_")}
        self._page = safe_json(page).decode("utf-8").replace('"', "&quot;").replace("'", "&#39;")
        self._seen = texts

    def page_json(self) -> str:
        self._update()
        return self._page


def _mark_replies(replies: Sequence[Reply]) -> dict[str, Any]:
    """The JSON body of a chat response: the replies, the privacy notice (`Reply.role`
    ROLE_NOTICE) marked `"role": "notice"`, and `"forgotten": true` when a reply confirms that
    the person's data was just deleted (ROLE_FORGOTTEN)."""
    out: list[dict[str, Any]] = []
    body: dict[str, Any] = {"replies": out}
    for reply in replies:
        item = reply.to_json()
        if reply.role == ROLE_NOTICE:
            item["role"] = "notice"
        elif reply.role == ROLE_FORGOTTEN:
            body["forgotten"] = True
        out.append(item)
    return body


class _Disconnected(Exception):
    """The client went away before its whole request arrived."""


async def _read_body(scope: Scope, receive: Receive) -> bytes:
    """The request body, refusing more than MAX_BODY_BYTES: by Content-Length up front, and
    again while reading, since a chunked body has no length and a client may lie."""
    declared = _header(scope, b"content-length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise _ApiError(400, "bad_length", "请求格式不正确。") from None
        if length > MAX_BODY_BYTES:
            raise _ApiError(413, "too_large", "消息太长了，请分几次发送。")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _ApiError(413, "too_large", "消息太长了，请分几次发送。")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class TrustedProxies:
    """The `trusted_proxies` setting: addresses ("127.0.0.1", "::1") and networks
    ("172.16.0.0/12", for Docker's bridge) whose X-Forwarded-For is believed; "*" for any."""

    def __init__(self, setting: str = "") -> None:
        entries = [part.strip() for part in setting.split(",") if part.strip()]
        self.any = "*" in entries
        self.addresses: set[str] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in entries:
            try:
                if "/" in entry:
                    self.networks.append(ipaddress.ip_network(entry, strict=False))
                else:
                    self.addresses.add(str(ipaddress.ip_address(entry)))
            except ValueError:
                self.addresses.add(entry)  # a literal (a unix socket's name …)

    def __contains__(self, host: object) -> bool:
        if self.any:
            return True
        if not isinstance(host, str) or not host:
            return False
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return host in self.addresses
        return str(address) in self.addresses or any(address in network for network in self.networks)


def trusted_proxies(setting: str) -> TrustedProxies:
    """The `trusted_proxies` setting parsed (see TrustedProxies)."""
    return TrustedProxies(setting)


def client_address(scope: Scope, trusted: TrustedProxies | Collection[str]) -> str:
    """The address of the client behind this request: the connection's peer, unless the peer
    is a trusted proxy; then the right-most X-Forwarded-For entry that is not itself a trusted
    proxy (each proxy appends the address it saw, so entries to its left are the client's
    word), or X-Real-IP. "" when unknown."""
    if not isinstance(trusted, TrustedProxies):
        trusted = TrustedProxies(",".join(trusted))
    peer = (scope.get("client") or ("", 0))[0] or ""
    if peer not in trusted:
        return peer
    forwarded = _header(scope, b"x-forwarded-for")
    if forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop
        if hops:
            return hops[0]
    real = _header(scope, b"x-real-ip")
    return real.strip() if real and real.strip() else peer


def _parse_incoming(data: Any, client: str = "") -> Incoming:
    """Checks the JSON fields and builds the engine's Incoming for the web channel; the text is
    cut to MAX_TEXT_CHARS, then cleaned (lone surrogates, zero-width and control characters).
    `client` (the client's address) goes into `extra`."""
    if not isinstance(data, dict):
        raise _ApiError(400, "bad_json", "请求格式不正确。")
    user = data.get("user")
    if not isinstance(user, str) or not USER_RE.fullmatch(user):
        raise _ApiError(400, "bad_user", "页面标识无效，请刷新页面后再试。")

    text = data.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise _ApiError(400, "bad_text", "请求格式不正确。")
    text = clean_text(_without_surrogates(text[:MAX_TEXT_CHARS]))

    action = data.get("action")
    if action is not None:
        if not isinstance(action, str):
            raise _ApiError(400, "bad_action", "请求格式不正确。")
        action = _without_surrogates(action)
        if len(action.encode("utf-8")) > MAX_ACTION_BYTES:
            raise _ApiError(400, "bad_action", "请求格式不正确。")

    kind = data.get("kind")
    if kind is None:
        kind = "button" if action else "text"
    if not isinstance(kind, str) or kind not in KINDS:
        raise _ApiError(400, "bad_kind", "请求格式不正确。")

    return Incoming(
        channel="web",
        user=user,
        text=text,
        action=action or None,
        kind=kind,
        campaign=valid_campaign(data.get("campaign")),
        extra={"client": client} if client else {},
    )


def _log_engine_failure(exc: BaseException, incoming: Incoming) -> None:
    """Logs an engine failure for the operator without anything the user typed or their id:
    the exception type, a message with the user's text and id blanked out, and the stack of
    code locations (no local variables)."""
    message = str(exc)
    for secret in (incoming.text, incoming.user, incoming.action or ""):
        if secret and len(secret) >= 2:
            message = message.replace(secret, "<redacted>")
    stack = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    log.error(
        "web chat: engine failed on a %s message: %s: %s\n%s",
        incoming.kind,
        type(exc).__name__,
        message,
        stack.rstrip(),
    )


class ChatApi:
    """`POST /api/chat`, as a plain ASGI app: JSON {user, text | action, kind?, campaign?} in,
    {"replies": [...]} out; refusals are JSON too (400 / 413 / 415 / 429 / 503) with a reply
    the page shows like any other.

    Plain ASGI rather than a Starlette Request/Response pair because this is the path of every
    message: it reads the body and writes the answer directly, which measurably raises the
    messages per second the process can serve (benchmarks/README.md). The route, the
    middlewares (metrics, security headers) and everything else stay Starlette's."""

    def __init__(self, engine: ChatEngine, limiter: RateLimiter, metrics: Metrics | None,
                 texts: PageTexts | None = None, proxies: TrustedProxies | None = None) -> None:
        self.engine = engine
        self.limiter = limiter
        self.metrics = metrics
        self.texts = texts or PageTexts(engine)
        self.proxies = proxies or TrustedProxies()  # trusted reverse proxies (client_address)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.respond(scope, receive, send)

    async def respond(self, scope: Scope, receive: Receive, send: Send) -> int:
        """Answers one request; returns the HTTP status sent (for the metrics)."""
        try:
            incoming = await self._incoming(scope, receive)
        except _ApiError as error:
            await error.send(send)
            return error.status
        except _Disconnected:
            await send({"type": "http.response.start", "status": 400, "headers": [(b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return 400
        try:
            replies = await self.engine.handle(incoming)
        except Exception as exc:  # the engine raises only on infrastructure failure
            _log_engine_failure(exc, incoming)
            await _ApiError(503, "engine_unavailable", BUSY_TEXT).send(send)
            return 503
        await send_json(send, 200, _mark_replies(replies))
        return 200

    async def _incoming(self, scope: Scope, receive: Receive) -> Incoming:
        content_type = _header(scope, b"content-type") or ""
        if content_type.split(";", 1)[0].strip().lower() != "application/json":
            raise _ApiError(415, "unsupported_media_type", "请求格式不正确。")
        body = await _read_body(scope, receive)
        try:
            data = loads(body)
        except (ValueError, RecursionError):
            raise _ApiError(400, "bad_json", "请求格式不正确。") from None
        incoming = _parse_incoming(data, client_address(scope, self.proxies))
        wait = await self.limiter.acheck_user("web", incoming.user)  # shared buckets with PostgreSQL
        if wait:
            if self.metrics is not None:
                self.metrics.rate_limited.inc("web")
            raise _ApiError(429, "rate_limited", limited_text(wait),
                            headers={"Retry-After": str(max(1, math.ceil(wait)))})
        return incoming


class WebApp(Starlette):
    """The Starlette app, with one shortcut: `POST /api/chat`, the request of every message,
    goes straight to the chat endpoint instead of through Starlette's middleware stack and
    router (five layers, each wrapping `send` in a closure).

    The shortcut does what that stack would do for this request: the endpoint sends its own
    headers (API_SECURITY_HEADERS), the request is timed and counted like any other, and an
    exception still reaches the server, which answers 500 and logs it. Every other method and
    path, and any deployment under a root path, takes the ordinary route."""

    chat_api: ChatApi | None = None
    chat_metrics: Metrics | None = None

    def add_middleware(self, *args: Any, **kwargs: Any) -> None:
        """A middleware added later must see every request, the chat's too: the shortcut,
        which would skip it, is turned off."""
        self.chat_api = None
        super().add_middleware(*args, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (self.chat_api is not None and scope["type"] == "http" and scope["path"] == CHAT_PATH
                and scope["method"] == "POST" and not scope.get("root_path")):
            await self._chat(self.chat_api, scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def _chat(self, chat: ChatApi, scope: Scope, receive: Receive, send: Send) -> None:
        metrics = self.chat_metrics
        if metrics is None:
            await chat.respond(scope, receive, send)
            return
        status = 500  # if the endpoint raises, the server answers 500
        started = time.perf_counter()
        try:
            status = await chat.respond(scope, receive, send)
        finally:
            metrics.observe_request(CHAT_PATH, status, time.perf_counter() - started)


def create_app(
    engine: ChatEngine,
    settings: Settings,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    limiter: RateLimiter | None = None,
    metrics: Metrics | None = METRICS,
) -> Starlette:
    """Builds the web app: the chat page, its assets, the chat API, `/metrics`, plus
    `extra_routes` (Telegram webhook, WeChat, health checks …) so that every channel shares
    one server.

    `extra_routes` come after the chat's own routes (`/`, `/api/chat`, `/static`, `/metrics`),
    so they cannot shadow them by accident. The engine and settings are kept on `app.state`
    for them. `limiter` defaults to one built from the settings (`rate_limit_per_minute`);
    `metrics=None` turns off the metrics middleware and route (tests of other layers).
    """
    template = _page_template(settings)
    limiter = limiter if limiter is not None else RateLimiter.from_settings(settings)
    chat_engine: ChatEngine = engine
    if metrics is not None and not isinstance(engine, MeteredEngine):
        chat_engine = MeteredEngine(engine, metrics)

    texts = PageTexts(engine)

    async def page(request: Request) -> Response:
        campaign = valid_campaign(request.query_params.get("c")) or ""
        # The campaign id matches [A-Za-z0-9_-]{1,64} (a Chinese name arrives as its zh_ id),
        # so it is safe inside an HTML attribute.
        html = template.replace('data-campaign=""', f'data-campaign="{campaign}"', 1)
        html = html.replace('data-texts=""', f'data-texts="{texts.page_json()}"', 1)
        return HTMLResponse(html, headers={"Cache-Control": "no-cache"})

    chat = ChatApi(chat_engine, limiter, metrics, texts, trusted_proxies(getattr(settings, "trusted_proxies", "")))

    routes: list[BaseRoute] = [
        Route("/", page, methods=["GET"]),
        Route(CHAT_PATH, chat, methods=["POST"], name="chat"),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    middleware = [Middleware(SecurityHeadersMiddleware)]
    if metrics is not None:
        routes.append(metrics_route(metrics))
        # Outermost, so that it sees the final status of every response.
        middleware.insert(0, Middleware(MetricsMiddleware, metrics=metrics))
    routes.extend(extra_routes)
    app = WebApp(routes=routes, middleware=middleware)
    app.chat_api, app.chat_metrics = chat, metrics
    app.state.engine = engine
    app.state.settings = settings
    return app
