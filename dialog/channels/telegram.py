"""Telegram channel: translates Telegram updates into `Incoming` and `Reply` lists into messages.

All conversation logic lives in the engine; this module only translates. Each handler does one
thing (like python-telegram-bot's examples) and ends in `_turn`, which calls the engine under a
per-user lock and sends the replies.

Design choices, and why:

* Updates are processed concurrently (one slow turn, or a reply held back by the rate limiter,
  must not stall every other resident), but one user's turns run one at a time in arrival order
  (a per-user `asyncio.Lock`), so a user's answers never race each other in the engine.
* Only new messages in private chats are handled. In a group, the bot would echo one person's
  questionnaire answers (age, 低保, disability) to everybody; edited messages are ignored so an
  old answer is not re-processed.
* Text is sent as HTML with everything escaped: the engine's text is plain, and HTML needs only
  `<`, `>` and `&` escaped (MarkdownV2 would need a dozen characters escaped).
* A reply's `link` becomes an extra line, not a URL button: Telegram rejects URL buttons that
  point to hosts such as 127.0.0.1 (the default web-chat address), which would make the whole
  message fail; a plain URL line always sends and Telegram still makes public URLs tappable.
* Long replies are split below 4096 characters on line boundaries, and the keyboard goes on the
  last part only (the buttons belong after the whole text, next to where the user reads).
* A pressed keyboard is removed with editMessageReplyMarkup (not editMessageText): the question
  text stays in the history exactly as it was, the keyboard cannot be pressed twice, and nothing
  has to be re-rendered. A second press that Telegram delivered before the keyboard vanished is
  dropped (the message id is remembered per user).
* Token and user ids never reach the logs in clear: the token is redacted from the records of
  the `telegram` and `httpx` loggers (httpx logs every request URL, which contains the token),
  and user ids are logged as a salted hash.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import hmac
import html
import json
import logging
import secrets
import traceback
import weakref
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from dialog.campaigns import parse_campaign
from dialog.config import Settings
from dialog.messages import Incoming, Reply
from dialog.normalize import clean_text

__all__ = [
    "BUSY_TEXT",
    "CHANNEL",
    "MAX_PART_CHARS",
    "MAX_WEBHOOK_BYTES",
    "WEBHOOK_PATH",
    "build_application",
    "file_url_for",
    "message_kind",
    "render_reply",
    "split_text",
    "start_telegram",
    "stop_telegram",
    "webhook_route",
]

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
# Told to the user when anything fails below the engine (database, network, a bug).
BUSY_TEXT = "系统暂时有点忙，请稍后再试，或拨打12333。"
# Telegram's limit is 4096 characters; stay clearly below it so that a limit counted slightly
# differently (UTF-16 units, entities) never rejects a part.
MAX_PART_CHARS = MessageLimit.MAX_TEXT_LENGTH - 96
WEBHOOK_PATH = "/telegram/webhook"
MAX_WEBHOOK_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Only what the handlers use: fewer updates to fetch, and no edited messages.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# Sent when a reply has buttons but no text (Telegram refuses an empty message).
CHOOSE_TEXT = "请选择："

_ENGINE_KEY = "engine"
_LOCKS_KEY = "user_locks"
_SALT_KEY = "log_salt"
_PRESSED_KEY = "pressed_message_ids"
_PRESSED_REMEMBERED = 32

# New messages in private chats only (see the module docstring).
_PRIVATE_NEW = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
_MEDIA = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.Dice.ALL
    | filters.POLL
)


class EngineLike(Protocol):
    """What this channel needs from `dialog.engine.Engine` (kept structural so tests can fake it)."""

    async def handle(self, incoming: Incoming, /) -> list[Reply]: ...


# --------------------------------------------------------------------------- application


def build_application(engine: EngineLike, settings: Settings) -> Application:
    """Build the python-telegram-bot `Application` for this engine, not yet started.

    The Bot API base URL comes from the settings so that a self-hosted Bot API server (or the
    tests' fake one) can be used; the file URL is derived from it the same way. In webhook mode
    no `Updater` is built: updates arrive through `webhook_route` instead of long polling.
    """
    if not settings.telegram_token:
        raise ValueError("telegram_token is not set")
    _redact_token_in_logs(settings.telegram_token)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(file_url_for(settings.telegram_base_url))
        # Retries once or twice on RetryAfter instead of failing the reply.
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(True)
    )
    if settings.telegram_mode == "webhook":
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data[_ENGINE_KEY] = engine
    application.bot_data[_LOCKS_KEY] = weakref.WeakValueDictionary()
    # Stable hashes across restarts when a salt is configured; otherwise per process.
    application.bot_data[_SALT_KEY] = (settings.salt or secrets.token_hex(16)).encode("utf-8")

    application.add_handler(CommandHandler("start", on_start, filters=_PRIVATE_NEW))
    application.add_handler(
        CommandHandler(["help", "cancel", "forget"], on_command, filters=_PRIVATE_NEW)
    )
    # Any other text, unknown /commands included: the engine decides what they mean.
    application.add_handler(MessageHandler(_PRIVATE_NEW & filters.TEXT, on_text))
    application.add_handler(MessageHandler(_PRIVATE_NEW & _MEDIA, on_media))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)
    return application


def file_url_for(base_url: str) -> str:
    """The Bot API file URL that goes with `base_url`.

    Telegram and the self-hosted server both serve methods under `…/bot<token>/` and files under
    `…/file/bot<token>/`, so the file URL inserts `/file` before the last `/bot`.
    """
    head, sep, tail = base_url.rpartition("/bot")
    if not sep:
        return base_url.rstrip("/") + "/file/bot"
    return f"{head}/file/bot{tail}"


async def start_telegram(application: Application, settings: Settings) -> None:
    """Initialize and start `application` inside the running event loop, then fetch updates.

    Polling mode starts the updater's long polling (which deletes any webhook first). Webhook
    mode registers `telegram_webhook_url` with the secret token; updates then come through
    `webhook_route`. If anything fails (bad token, unreachable Bot API), the application is
    shut down again and the error raised, so the caller can log it and keep the web chat up.
    """
    try:
        await application.initialize()
    except InvalidToken:
        await application.bot.shutdown()  # close the HTTP clients the failed start opened
        # The library's message quotes the token itself; this one can be logged safely.
        raise InvalidToken("the Bot API server rejected the configured Telegram token") from None
    except BaseException:
        await application.bot.shutdown()
        raise
    try:
        await application.start()
        if settings.telegram_mode == "webhook":
            await application.bot.set_webhook(
                url=settings.telegram_webhook_url,
                secret_token=settings.telegram_webhook_secret or None,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            if application.updater is None:
                raise RuntimeError("polling mode needs an application built with an updater")
            # Pending updates are kept: residents who wrote while the bot was down get answers.
            await application.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False
            )
    except BaseException:
        await stop_telegram(application)
        raise
    logger.info("telegram channel started (%s mode)", settings.telegram_mode)


async def stop_telegram(application: Application) -> None:
    """Stop polling, finish the update processing and close the HTTP clients; safe to repeat.

    The webhook is left registered on purpose: Telegram keeps the updates that arrive during a
    restart and delivers them once the server is back.
    """
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


# --------------------------------------------------------------------------- webhook


def webhook_route(application: Application, settings: Settings, path: str = WEBHOOK_PATH) -> Route:
    """A Starlette route that receives Telegram's webhook POSTs and queues the updates.

    The secret token Telegram echoes in `X-Telegram-Bot-Api-Secret-Token` is compared in
    constant time; without a configured secret every request is refused (fail closed). Bodies
    over 1 MB are refused before they are read in full; anything that is not a JSON update is a
    400. The update is only queued here, so Telegram gets its 200 at once, whatever the engine
    does next.
    """
    expected = settings.telegram_webhook_secret.encode("utf-8")

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8")
        if not expected or not hmac.compare_digest(given, expected):
            return Response("forbidden", status_code=403, media_type="text/plain")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_WEBHOOK_BYTES:
            return Response("too large", status_code=413, media_type="text/plain")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_WEBHOOK_BYTES:
                return Response("too large", status_code=413, media_type="text/plain")
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, application.bot)
        except Exception:  # any malformed body is the sender's fault, never a 500 to retry
            return Response("bad request", status_code=400, media_type="text/plain")
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Route(path, telegram_webhook, methods=["POST"], name="telegram_webhook")


# --------------------------------------------------------------------------- handlers


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/start` or a deep link `/start ID`: the payload is the campaign (poster, leaflet…), its
    id as `policybot link` made it (a Chinese name travels as its zh_ id; one typed by hand,
    `/start 春季招聘`, is turned into that id: `dialog.campaigns.parse_campaign`)."""
    payload = parse_campaign(context.args[0][:64]) if context.args else None
    text = "/start" + (f" {payload}" if payload else "")
    await _turn(update, context, _incoming(update, text=text, campaign=payload))


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/help`, `/cancel`, `/forget`: passed on as text without the `@botname` suffix."""
    await _turn(update, context, _incoming(update, text=_command_text(update.effective_message)))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message: a question, or an answer to the pending questionnaire step."""
    message = update.effective_message
    await _turn(update, context, _incoming(update, text=message.text if message else ""))


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, files, locations…: the engine answers them politely."""
    kind = message_kind(update.effective_message)
    await _turn(update, context, _incoming(update, kind=kind))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed inline button: under the user's lock, answer it (stops the spinner), remove
    the keyboard, then turn.

    The lock is taken before anything is awaited: updates are processed concurrently, and
    the lock's queue is what keeps one person's presses in the order Telegram delivered them.
    Answering first let each press wait on its own network round trip and reach the lock in
    whatever order those finished (ten quick presses committed as 0,1,3,4,5,7,2,6,8,9)."""
    query = update.callback_query
    if query is None:
        return
    message = query.message if isinstance(query.message, Message) else None
    incoming = _incoming(
        update, kind="button", action=query.data or "", text=_button_label(message, query.data or "")
    )
    if incoming is None:
        return
    async with _user_lock(context, incoming.user):
        try:
            await query.answer()
        except BadRequest as exc:  # too old (e.g. pressed while the bot was down): still a turn
            logger.debug("callback query not answered: %s", exc.message)
        if not query.data:
            return
        if message is not None:
            if _already_pressed(context, message.message_id):
                return  # a second tap that Telegram delivered before the keyboard vanished
            await _remove_keyboard(message)
        await _respond(update, context, incoming)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure without the token or what the user wrote, and apologise to the user."""
    error = context.error
    if isinstance(error, Forbidden):  # the user blocked the bot: nothing to tell, nobody to tell
        logger.info("telegram user unreachable: %s", type(error).__name__)
        return
    who = ""
    if isinstance(update, Update) and update.effective_user is not None:
        who = f" for user {_user_hash(context, str(update.effective_user.id))}"
    if error is None:
        logger.error("telegram update failed%s", who)
    else:
        detail = "".join(traceback.format_exception(error))
        logger.error("telegram update failed%s: %s", who, _redact(detail, context.bot.token))
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is None or chat.type != "private":
        return
    try:
        await context.bot.send_message(chat.id, BUSY_TEXT)
    except TelegramError as exc:  # the Bot API itself may be what failed
        logger.warning("could not send the apology: %s", type(exc).__name__)


# --------------------------------------------------------------------------- turn & rendering


async def _turn(
    update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming | None
) -> None:
    """One user turn under the user's lock, so that turns of one user never overlap."""
    if incoming is None:
        return
    async with _user_lock(context, incoming.user):
        await _respond(update, context, incoming)


async def _respond(update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming) -> None:
    """Ask the engine, then send its replies in order to the chat the update came from."""
    engine: EngineLike = context.bot_data[_ENGINE_KEY]
    replies = await engine.handle(incoming)
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else int(incoming.user)
    for reply in replies:
        for text, markup in render_reply(reply):
            await context.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )


def render_reply(reply: Reply) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """A `Reply` as Telegram messages: (HTML text, keyboard) pairs, the keyboard on the last one.

    The text is split before escaping (on line boundaries) and each part is escaped on its own,
    so an `&amp;` is never cut in two; the limit is checked on the escaped part, which is the
    stricter of the two ways the length could be counted.
    """
    text = reply.text.strip("\n")
    if reply.link:
        text = f"{text}\n🔗 {reply.link}" if text.strip() else f"🔗 {reply.link}"
    markup = _keyboard(reply)
    if not text.strip():
        if markup is None:
            return []
        text = CHOOSE_TEXT
    parts = [html.escape(part, quote=False) for part in split_text(text)]
    return [(part, markup if i == len(parts) - 1 else None) for i, part in enumerate(parts)]


def split_text(text: str, limit: int = MAX_PART_CHARS) -> list[str]:
    """Split `text` into parts whose HTML-escaped length is at most `limit` UTF-16 units.

    Parts end on line boundaries; a single line longer than the limit is cut after the last
    punctuation or space that fits, else at the limit. Empty parts are dropped (Telegram
    refuses empty messages).
    """
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.splitlines(keepends=True):
        line_size = _escaped_len(line)
        if size + line_size > limit and current:
            parts.append("".join(current))
            current, size = [], 0
        while line_size > limit:
            head, line = _cut_line(line, limit)
            parts.append(head)
            line_size = _escaped_len(line)
        current.append(line)
        size += line_size
    if current:
        parts.append("".join(current))
    return [part.strip("\n") for part in parts if part.strip()]


def message_kind(message: Message | None) -> str:
    """The `Incoming.kind` for a non-text message (one of `dialog.messages.KINDS`)."""
    if message is None:
        return "other"
    if message.sticker:
        return "sticker"
    if message.photo:
        return "photo"
    if message.voice or message.audio:
        return "voice"
    if message.video or message.video_note or message.animation:
        return "video"  # checked before document: a GIF arrives as animation *and* document
    if message.document:
        return "file"
    if message.location or message.venue:
        return "location"
    return "other"


_BREAKS = "\n。！？；，、.!?;, "


def _cut_line(line: str, limit: int) -> tuple[str, str]:
    """Cut an over-long line into a head that fits `limit` and the rest."""
    fit = 0
    used = 0
    for i, char in enumerate(line):
        used += _escaped_len(char)
        if used > limit:
            break
        fit = i + 1
    fit = max(fit, 1)  # always make progress
    cut = max((line.rfind(ch, 0, fit) for ch in _BREAKS), default=-1) + 1
    if cut < fit // 2:  # no break in the second half: cut hard rather than send a tiny part
        cut = fit
    return line[:cut], line[cut:]


def _escaped_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units) of the text once HTML-escaped."""
    return len(html.escape(text, quote=False).encode("utf-16-le")) // 2


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Inline keyboard with each button's action as callback_data (≤ 64 bytes by contract)."""
    rows = [
        [InlineKeyboardButton(button.label, callback_data=button.action) for button in row]
        for row in reply.buttons
        if row
    ]
    return InlineKeyboardMarkup(rows) if rows else None


# --------------------------------------------------------------------------- helpers


def _incoming(
    update: Update,
    *,
    text: str = "",
    kind: str = "text",
    action: str | None = None,
    campaign: str | None = None,
) -> Incoming | None:
    """The `Incoming` for an update, its text cleaned (`dialog.normalize.clean_text`: no
    zero-width or control characters), or None when it has no user (channel posts)."""
    user = update.effective_user
    if user is None:
        return None
    return Incoming(
        channel=CHANNEL,
        user=str(user.id),
        text=clean_text(text or ""),
        action=action,
        kind=kind,
        campaign=campaign,
    )


def _command_text(message: Message | None) -> str:
    """`/Help@linxia_bot x` -> `/help x`: the engine knows commands without the bot's name."""
    if message is None or not message.text:
        return ""
    command, _, rest = message.text.partition(" ")
    command = command.split("@", 1)[0].lower()
    return f"{command} {rest.strip()}".strip()


def _button_label(message: Message | None, data: str) -> str:
    """The label of the pressed button, found in the message's keyboard (empty if not there)."""
    markup = message.reply_markup if message is not None else None
    if markup is None:
        return ""
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return ""


def _already_pressed(context: ContextTypes.DEFAULT_TYPE, message_id: int) -> bool:
    """Remember the keyboards this user pressed; True when this one was pressed before."""
    user_data: dict[str, Any] = context.user_data if context.user_data is not None else {}
    pressed: collections.deque[int] = user_data.setdefault(
        _PRESSED_KEY, collections.deque(maxlen=_PRESSED_REMEMBERED)
    )
    if message_id in pressed:
        return True
    pressed.append(message_id)
    return False


async def _remove_keyboard(message: Message) -> None:
    """Take the keyboard off a pressed message; failing to do so must not lose the turn."""
    if message.reply_markup is None:
        return
    try:
        await message.edit_reply_markup(reply_markup=None)
    except BadRequest as exc:  # "message is not modified", or too old to edit
        logger.debug("keyboard not removed: %s", exc.message)


def _user_lock(context: ContextTypes.DEFAULT_TYPE, user: str) -> asyncio.Lock:
    """The user's lock; kept only while some turn of that user holds or waits for it."""
    locks: weakref.WeakValueDictionary[str, asyncio.Lock] = context.bot_data[_LOCKS_KEY]
    lock = locks.get(user)
    if lock is None:
        lock = asyncio.Lock()
        locks[user] = lock
    return lock


def _user_hash(context: ContextTypes.DEFAULT_TYPE, user: str) -> str:
    """A salted hash of a user id, short enough for logs and not reversible by enumeration."""
    salt: bytes = context.bot_data.get(_SALT_KEY, b"")
    return hmac.new(salt, user.encode("utf-8"), hashlib.sha256).hexdigest()[:12]


def _redact(text: str, token: str) -> str:
    return text.replace(token, "<token>") if token else text


class _TokenRedactor(logging.Filter):
    """Replaces bot tokens in log records (httpx logs each request URL, token included)."""

    def __init__(self) -> None:
        super().__init__("policybot-token-redactor")
        self.tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(token in message for token in self.tokens):
            for token in self.tokens:
                message = message.replace(token, "<token>")
            record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            text = "".join(traceback.format_exception(*record.exc_info))
            if any(token in text for token in self.tokens):
                for token in self.tokens:
                    text = text.replace(token, "<token>")
                record.exc_text = text.rstrip("\n")
        return True


_REDACTOR = _TokenRedactor()


def _redact_token_in_logs(token: str) -> None:
    """Install the redactor on the `telegram*`, `httpx` and `httpcore` loggers that exist.

    Logger filters apply only to records created on that very logger, so every existing
    logger of those libraries gets it (they create theirs at import time, which has happened).
    """
    _REDACTOR.tokens.add(token)
    libraries = {"telegram", "httpx", "httpcore"}
    names = [name for name in logging.root.manager.loggerDict if name.split(".")[0] in libraries]
    for name in ["telegram", "httpx", "httpcore", *names]:
        log = logging.getLogger(name)
        if _REDACTOR not in log.filters:
            log.addFilter(_REDACTOR)
