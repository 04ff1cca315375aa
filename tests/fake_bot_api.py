"""A small local Telegram Bot API server for end-to-end tests of the Telegram channel.

It listens on 127.0.0.1 (no network), speaks the methods the channel uses — getMe, getUpdates
(serves the updates a test injects, then long-polls), sendMessage, editMessageText,
editMessageReplyMarkup, answerCallbackQuery, deleteWebhook, setWebhook, getWebhookInfo — and
records every call with its decoded parameters. It checks what the real server would refuse
(text over 4096 characters, malformed HTML, callback_data over 64 bytes, an empty text, a
wrong token), so a test that passes here would not be refused by Telegram for those reasons.

It runs `http.server` in a thread: python-telegram-bot talks to it over real HTTP, while the
test waits on recorded calls with `wait_for` (blocking, a condition variable, no sleeps) or
`await api.wait_for_async(...)` from inside the event loop that runs the bot.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

TEST_TOKEN = "123456:TEST-token_for-the-fake-api"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "临夏就业政策助手",
    "username": "linxia_policy_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Parameters python-telegram-bot sends JSON-encoded in its form posts (strings are sent raw).
_JSON_PARAMS = {
    "chat_id",
    "message_id",
    "reply_markup",
    "offset",
    "limit",
    "timeout",
    "allowed_updates",
    "link_preview_options",
    "show_alert",
    "cache_time",
    "drop_pending_updates",
    "max_connections",
    "disable_notification",
    "protect_content",
    "reply_parameters",
    "entities",
}
_HTML_TAGS = "b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji"
_TAG = re.compile(rf"</?(?:{_HTML_TAGS})(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class ApiError(Exception):
    """An error answer of the Bot API: {"ok": false, "error_code", "description"}."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class ApiCall:
    """One request the bot made: the method name and its decoded parameters."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeBotApi:
    """The fake server. Use as a context manager, or `start()` / `stop()`."""

    def __init__(self, token: str = TEST_TOKEN, *, long_poll_cap: float = 10.0) -> None:
        self.token = token
        self.long_poll_cap = long_poll_cap
        self.calls: list[ApiCall] = []
        self.messages: dict[int, dict[str, Any]] = {}  # message_id -> message sent by the bot
        self.blocked: set[int] = set()  # chats whose user blocked the bot (sendMessage -> 403)
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = threading.Condition()
        self._closing = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeBotApi:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.api = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-bot-api",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()  # release long polls at once
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """What `Settings.telegram_base_url` should be: `http://127.0.0.1:PORT/bot`."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/bot"

    # ------------------------------------------------------------------ test side

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates (update_id assigned here); returns the update_id."""
        with self._changed:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self._changed.notify_all()
        return update_id

    def calls_of(self, method: str) -> list[ApiCall]:
        with self._changed:
            return [call for call in self.calls if call.method == method]

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        """The sendMessage parameters sent to one chat, in order."""
        return [
            c.params for c in self.calls_of("sendMessage") if c.params.get("chat_id") == chat_id
        ]

    def wait_for(
        self, method: str, count: int = 1, *, timeout: float = 5.0, **match: Any
    ) -> list[ApiCall]:
        """Block until at least `count` calls of `method` (whose params include `match`) exist."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [
                    call
                    for call in self.calls
                    if call.method == method
                    and all(call.params.get(k) == v for k, v in match.items())
                ]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params.get("chat_id")) for c in self.calls]
                    raise TimeoutError(
                        f"{count} × {method} {match} not seen in {timeout}s; calls: {seen}"
                    )
                self._changed.wait(left)

    async def wait_for_async(
        self, method: str, count: int = 1, *, timeout: float = 5.0, **match: Any
    ) -> list[ApiCall]:
        """`wait_for` without blocking the event loop that runs the bot."""
        return await asyncio.to_thread(self.wait_for, method, count, timeout=timeout, **match)

    # ------------------------------------------------------------------ server side

    def handle(self, path: str, params: dict[str, Any]) -> Any:
        """Run one Bot API method; returns the `result` or raises ApiError."""
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
        if match is None:
            raise ApiError(404, "Not Found")
        token, method = match.groups()
        if token != self.token:
            raise ApiError(401, "Unauthorized")
        if method != "getUpdates":  # getUpdates records itself, under its long-poll lock
            with self._changed:
                self.calls.append(ApiCall(method, params))
                self._changed.notify_all()
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return handler(params)

    def _m_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), self.long_poll_cap)
        deadline = time.monotonic() + timeout
        with self._changed:
            self.calls.append(ApiCall("getUpdates", params))
            while True:
                if offset:  # like Telegram: an offset confirms every earlier update
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._closing:
                    return []
                if self._updates:
                    return list(self._updates[: int(params.get("limit") or 100)])
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self._changed.wait(left)

    def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        if params.get("chat_id") in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        text = _check_text(params)
        markup = _check_markup(params.get("reply_markup"))
        message_id = next(self._message_ids)
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": params["chat_id"], "type": "private", "first_name": "居民"},
            "from": BOT_USER,
            "text": text,
        }
        if markup:
            message["reply_markup"] = markup
        with self._changed:
            self.messages[message_id] = message
        return message

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._message(params)
        markup = _check_markup(params.get("reply_markup"))
        if message.get("reply_markup") == markup or (not markup and "reply_markup" not in message):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
            )
        with self._changed:
            if markup:
                message["reply_markup"] = markup
            else:
                message.pop("reply_markup", None)
        return message

    def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._message(params)
        text = _check_text(params)
        markup = _check_markup(params.get("reply_markup"))
        with self._changed:
            message["text"] = text
            if markup:
                message["reply_markup"] = markup
            else:
                message.pop("reply_markup", None)
        return message

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if str(params.get("callback_query_id", "old-")).startswith("old-"):  # a test's stale press
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        if not str(params.get("url", "")).startswith("https://"):
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self.messages.get(params.get("message_id"))  # type: ignore[arg-type]
        if message is None or message["chat"]["id"] != params.get("chat_id"):
            raise ApiError(400, "Bad Request: message to edit not found")
        return message


def _check_text(params: dict[str, Any]) -> str:
    """Refuse what Telegram refuses: empty text, malformed HTML, over 4096 characters."""
    raw = str(params.get("text", ""))
    text = raw
    if params.get("parse_mode") == "HTML":
        stripped = _TAG.sub("", raw)
        if "<" in stripped or ">" in stripped or "&" in _ENTITY.sub("", stripped):
            raise ApiError(
                400,
                "Bad Request: can't parse entities: unsupported start tag or unescaped character",
            )
        text = html.unescape(stripped)
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text.encode("utf-16-le")) // 2 > 4096:
        raise ApiError(400, "Bad Request: message is too long")
    return text


def _check_markup(markup: Any) -> dict[str, Any] | None:
    """Refuse inline buttons Telegram refuses (callback_data over 64 bytes, no action)."""
    if not markup:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not button.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if data is None and "url" not in button:
                raise ApiError(400, "Bad Request: inline keyboard button has no action")
    return markup


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as python-telegram-bot's httpx client expects

    def do_POST(self) -> None:
        api: FakeBotApi = self.server.api  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            params = _decode(self.headers.get("Content-Type", ""), body)
            payload: dict[str, Any] = {"ok": True, "result": api.handle(self.path, params)}
            status = 200
        except ApiError as exc:
            payload = {"ok": False, "error_code": exc.code, "description": exc.description}
            status = exc.code
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a cancelled long poll)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the recorded calls are the log."""


def _decode(content_type: str, body: bytes) -> dict[str, Any]:
    """Form posts (what python-telegram-bot sends) or JSON bodies, into plain values."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/"):
        raise ApiError(400, "Bad Request: file uploads are not supported by the fake server")
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        params[key] = json.loads(value) if key in _JSON_PARAMS else value
    return params


# ---------------------------------------------------------------------- update builders


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "居民", "language_code": "zh-hans"}


def message_update(
    user_id: int, *, text: str | None = None, chat_type: str = "private", **fields: Any
) -> dict[str, Any]:
    """A `message` update from a user in their private chat; `fields` add photo, sticker…

    A text starting with `/` gets its bot_command entity, as Telegram sends it (command
    handlers look for that entity, not for the slash).
    """
    message: dict[str, Any] = {
        "message_id": next(_incoming_ids),
        "date": int(time.time()),
        "chat": {"id": user_id, "type": chat_type, "first_name": "居民"},
        "from": _user(user_id),
        **fields,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
    return {"message": message}


def photo_update(user_id: int) -> dict[str, Any]:
    sizes = [
        {"file_id": f"photo{n}", "file_unique_id": f"p{n}", "width": w, "height": w}
        for n, w in enumerate((90, 320))
    ]
    return message_update(user_id, photo=sizes)


def sticker_update(user_id: int) -> dict[str, Any]:
    sticker = {
        "file_id": "sticker1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    return message_update(user_id, sticker=sticker)


def location_update(user_id: int) -> dict[str, Any]:
    return message_update(user_id, location={"latitude": 35.6, "longitude": 103.2})


def callback_update(
    api: FakeBotApi, user_id: int, message_id: int, data: str, query_id: str | None = None
) -> dict[str, Any]:
    """A button press on a message the bot sent earlier (as stored by the fake server)."""
    return {
        "callback_query": {
            "id": query_id or f"cq{next(_incoming_ids)}",
            "from": _user(user_id),
            "chat_instance": f"ci{user_id}",
            "message": json.loads(json.dumps(api.messages[message_id])),  # as it is now
            "data": data,
        }
    }


_incoming_ids = itertools.count(1)
