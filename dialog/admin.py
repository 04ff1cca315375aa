"""Staff commands in the chat — /reload, /stats, /unanswered — and who may use them.

`StaffCommands` is the engine's `AdminHandler`: the engine routes the commands listed in
`commands` here, and answers 无权限 (and nothing else) to anyone `is_admin` refuses. Admin
turns write no log event, so nothing typed in them (a token) reaches the database.

Who is an admin, and why:
- Telegram: the numeric user ids in POLICYBOT_ADMIN_TELEGRAM_IDS (comma-separated; to be
  folded into Settings). Telegram vouches for the id; nothing secret is typed in the chat.
- Web chat: `/admin <token>` once, compared in constant time with the configured
  `admin_token`; it grants admin rights to that browser's chat id for 8 hours (in memory
  only: a restart logs everyone out), `/logout` ends it. The token travels once instead of
  with every command, is never logged or echoed, and the engine stores no event for it.
  Tokens shorter than 16 characters are refused (guessable), failed attempts are throttled
  per chat id (5 per 15 min) and per client address (10 per 15 min; the address the web
  channel saw, behind nginx the forwarded one from a trusted proxy only), so guessing over
  the public API is hopeless: 16 hex characters are 2^64 tokens. There is deliberately no
  overall limit: anyone could fill it from rotating ids and lock the real admin out. The
  command is read like the engine reads it (NFKC: ／admin, the Chinese keyboard's U+3000
  space, a tab or a newline all count). With several bot processes on a PostgreSQL store
  (`store.shared`) a resident's messages land on any of them, so the grants and the failed
  attempts are kept in the database instead (`authorize`; keyed by salted hashes of the chat
  id and of the address, never the raw values): one allowance of guesses across all
  processes, and a login on one process holds on the others. Token login is offered on the web channel only: on
  Telegram and WeChat the token would sit in a third party's chat history.
- Terminal (`policybot chat` at the server console): admin by default. Whoever can run it
  already reads the database file and edits the YAML, so a token there protects nothing and
  only gets in the way; `terminal_is_admin=False` turns it off.
- Anyone else, including WeChat: not an admin.

Also here: `purge_periodically`, the retention task (log rows older than
`log_retention_days` deleted at start-up and every 6 hours), and `StaffTools`, which wires
both background tasks and the handler into a running engine for dialog/server.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import re
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dialog.config import ConfigError, Settings
from dialog.messages import Incoming, Reply
from dialog.normalize import clean_text
from dialog.reloader import Reloader
from dialog.reports import (
    ReportError,
    aggregate,
    render_stats_compact,
    render_unanswered_compact,
    run_report,
)
from dialog.store import ClockJumped

log = logging.getLogger("policybot.admin")

ADMIN_COMMANDS = frozenset({"admin", "logout", "reload", "stats", "unanswered"})
TOKEN_CHANNELS = frozenset({"web"})
MIN_TOKEN_CHARS = 16
SESSION_SECONDS = 8 * 3600
USER_FAILURES, USER_WINDOW = 5, 15 * 60
ADDRESS_FAILURES, ADDRESS_WINDOW = 10, 15 * 60
MAX_TRACKED = 10_000  # chat ids (and addresses) with recent failed logins kept in memory
PURGE_EVERY_SECONDS = 6 * 3600
DEFAULT_STATS_DAYS, DEFAULT_UNANSWERED_DAYS, MAX_DAYS = 7, 30, 366
ENV_TELEGRAM_IDS = "POLICYBOT_ADMIN_TELEGRAM_IDS"
ENV_POLL_SECONDS = "POLICYBOT_RELOAD_POLL_SECONDS"

HELP = (
    "管理员命令：\n"
    "/reload — 重新加载 FAQ、同义词、联系方式、办理流程、政策参数等数据（出错时保留上一版，并列出 文件:行号: 问题）\n"
    "/stats [天数] — 使用统计，默认最近7天\n"
    "/unanswered [天数] — 答不上的问题（相似的合并，次数多的在前），默认最近30天\n"
    "/logout — 退出管理员（网页）"
)


def telegram_admin_ids(env: Mapping[str, str] | None = None) -> frozenset[str]:
    """The Telegram user ids in POLICYBOT_ADMIN_TELEGRAM_IDS ("123, 456"); ConfigError on junk,
    since a typo here would silently lock the admin out (or worse, let a wrong id in)."""
    raw = (os.environ if env is None else env).get(ENV_TELEGRAM_IDS, "")
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    bad = [i for i in ids if not re.fullmatch(r"\d{1,20}", i)]
    if bad:
        raise ConfigError(f"setting admin_telegram_ids ({ENV_TELEGRAM_IDS}): {', '.join(map(repr, bad))} "
                          "is not a numeric Telegram user id (ask @userinfobot for yours)")
    return frozenset(ids)


def poll_seconds_from_env(env: Mapping[str, str] | None = None) -> float:
    """POLICYBOT_RELOAD_POLL_SECONDS: 0 (default) = no file watcher, else seconds >= 1."""
    raw = (os.environ if env is None else env).get(ENV_POLL_SECONDS, "").strip()
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"setting reload_poll_seconds ({ENV_POLL_SECONDS}): {raw!r} is not a number") from None
    if value != 0 and value < 1:
        raise ConfigError(f"setting reload_poll_seconds ({ENV_POLL_SECONDS}): use 0 (off) or at least 1 second")
    return value


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


@dataclass
class _Throttle:
    """Sliding-window counter of failed logins."""

    limit: int
    window: float
    times: deque[float] = field(default_factory=deque)

    def blocked(self, now: float) -> bool:
        while self.times and now - self.times[0] > self.window:
            self.times.popleft()
        return len(self.times) >= self.limit

    def add(self, now: float) -> None:
        self.times.append(now)


class StaffCommands:
    """The engine's AdminHandler (see the module docstring for who is an admin)."""

    commands: frozenset[str] = ADMIN_COMMANDS

    def __init__(self, engine: Any, *, reloader: Reloader | None = None,
                 telegram_ids: Iterable[str | int] = (), token: str = "", terminal_is_admin: bool = True,
                 session_seconds: float = SESSION_SECONDS, clock: Callable[[], float] = time.monotonic,
                 today: Callable[[], date] | None = None) -> None:
        self.engine = engine
        self.reloader = reloader
        self.telegram_ids = frozenset(str(i).strip() for i in telegram_ids)
        self.terminal_is_admin = terminal_is_admin
        self.session_seconds = session_seconds
        self.clock = clock
        # The log's timestamps are wall-clock time, so its windows use the real date (not the
        # engine's `today`, which tests and staff may pin to judge policy periods).
        self.today = today or date.today
        self._token_digest: bytes | None = None
        if token and len(token) < MIN_TOKEN_CHARS:
            log.warning("admin_token is shorter than %d characters: web admin login is disabled", MIN_TOKEN_CHARS)
        elif token:
            self._token_digest = _digest(token)
        self._granted: dict[tuple[str, str], float] = {}  # (channel, user) -> expiry
        self._user_failures: dict[tuple[str, str], _Throttle] = {}
        self._address_failures: dict[str, _Throttle] = {}  # client address -> failed logins
        self._report_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, engine: Any, settings: Settings, reloader: Reloader | None = None,
                      env: Mapping[str, str] | None = None) -> StaffCommands:
        ids = getattr(settings, "admin_telegram_ids", None)
        if isinstance(ids, str) and ids.strip():
            telegram_ids = telegram_admin_ids({ENV_TELEGRAM_IDS: ids})
        elif ids and not isinstance(ids, str):
            telegram_ids = frozenset(str(i) for i in ids)
        else:
            telegram_ids = telegram_admin_ids(env)
        return cls(engine, reloader=reloader, telegram_ids=telegram_ids, token=settings.admin_token)

    # ------------------------------------------------------------------ who

    def is_admin(self, msg: Incoming) -> bool:
        """True for configured admins, live web sessions, and a correct `/admin <token>`.

        Called by the engine right before `handle` for an admin command, so a correct token
        here opens the session that the following `handle("admin", …)` confirms."""
        if msg.channel == "telegram":
            return msg.user in self.telegram_ids
        if msg.channel == "terminal":
            return self.terminal_is_admin
        who = (msg.channel, msg.user)
        now = self.clock()
        expiry = self._granted.get(who)
        if expiry is not None:
            if now < expiry:
                return True
            del self._granted[who]
        token = _login_token(msg.text)
        if token is None or msg.channel not in TOKEN_CHANNELS or self._token_digest is None:
            return False
        # Throttled per chat id and per client address; a request without an address (not
        # the web server's) shares one bucket, so it is still bounded.
        address = str(msg.extra.get("client") or "?")
        mine = self._user_failures.setdefault(who, _Throttle(USER_FAILURES, USER_WINDOW))
        theirs = self._address_failures.setdefault(address, _Throttle(ADDRESS_FAILURES, ADDRESS_WINDOW))
        if mine.blocked(now) or theirs.blocked(now):
            log.warning("admin login refused on %s: too many failed attempts from this chat or address", msg.channel)
            return False
        if hmac.compare_digest(_digest(token), self._token_digest):
            self._granted[who] = now + self.session_seconds
            self._user_failures.pop(who, None)
            log.info("admin login on %s", msg.channel)
            return True
        mine.add(now)
        theirs.add(now)
        if len(self._user_failures) > MAX_TRACKED:  # ids are free to invent: keep memory bounded
            self._user_failures = {k: v for k, v in self._user_failures.items() if v.blocked(now)}
        if len(self._address_failures) > MAX_TRACKED:
            self._address_failures = {k: v for k, v in self._address_failures.items() if v.blocked(now)}
        log.warning("failed admin login on %s (%d from this address in the last %d min)", msg.channel,
                    len(theirs.times), ADDRESS_WINDOW // 60)
        return False

    def _shared_store(self) -> Any:
        """The engine's store when several processes share it (PostgreSQL), else None."""
        store = getattr(self.engine, "store", None)
        if getattr(store, "shared", False) and callable(getattr(store, "admin_granted", None)):
            return store
        return None

    async def authorize(self, msg: Incoming) -> bool:
        """`is_admin`, with the web grants and the failed-login throttle kept in a shared
        store (PostgreSQL) when there is one, so that they hold across processes. Falls back
        to this process's memory if the database fails."""
        store = self._shared_store()
        if store is None or msg.channel not in TOKEN_CHANNELS:
            return self.is_admin(msg)
        who = (msg.channel, msg.user)
        now = self.clock()
        try:
            who_key = store.user_key(msg.channel, msg.user)
            left = await store.admin_granted(who_key)
            if left is not None:
                self._granted[who] = now + left
                return True
            self._granted.pop(who, None)  # ended elsewhere (/logout on another process)
            token = _login_token(msg.text)
            if token is None or self._token_digest is None:
                return False
            address_key = store.user_key("address", str(msg.extra.get("client") or "?"))
            if (await store.admin_failures("user", who_key, USER_WINDOW) >= USER_FAILURES
                    or await store.admin_failures("address", address_key, ADDRESS_WINDOW) >= ADDRESS_FAILURES):
                log.warning("admin login refused on %s: too many failed attempts from this chat or address",
                            msg.channel)
                return False
            if hmac.compare_digest(_digest(token), self._token_digest):
                await store.grant_admin(who_key, self.session_seconds)
                await store.clear_admin_failures("user", who_key)
                self._granted[who] = now + self.session_seconds
                log.info("admin login on %s", msg.channel)
                return True
            await store.add_admin_failure("user", who_key)
            await store.add_admin_failure("address", address_key)
            log.warning("failed admin login on %s", msg.channel)
            return False
        except Exception as exc:  # noqa: BLE001 - the database failed: this process's memory decides
            log.warning("admin check in this process only (database: %s)", type(exc).__name__)
            return self.is_admin(msg)

    # ------------------------------------------------------------------ what

    async def handle(self, command: str, arg: str, msg: Incoming) -> list[Reply]:
        """One admin command; `arg` is what followed it (never echoed: it may be the token)."""
        if command == "admin":
            return [Reply(self._status(msg))]
        if command == "logout":
            store = self._shared_store()
            if store is not None and msg.channel in TOKEN_CHANNELS:
                await store.grant_admin(store.user_key(msg.channel, msg.user), None)  # in every process
            if self._granted.pop((msg.channel, msg.user), None) is not None:
                return [Reply("已退出管理员。")]
            return [Reply("您的管理员身份来自配置（Telegram 用户编号或服务器终端），无需退出。")]
        if command == "reload":
            if self.reloader is None:
                return [Reply("本进程没有启用重新加载。")]
            result = await self.reloader.reload(f"/reload on {msg.channel}")
            return [Reply(result.summary())]
        if command in ("stats", "unanswered"):
            default = DEFAULT_STATS_DAYS if command == "stats" else DEFAULT_UNANSWERED_DAYS
            days = _days(arg, default)
            if days is None:
                return [Reply(f"用法：/{command} [天数]，例如 /{command} 30（1 到 {MAX_DAYS} 天）。")]
            try:
                text = await self.report_text(command, days)
            except ReportError as exc:
                log.error("/%s failed: %s", command, exc)
                return [Reply(f"统计暂时做不出来（{exc}），请稍后再试，或在服务器上运行 policybot report。")]
            return [Reply(text)]
        return [Reply(HELP)]

    def _period(self, days: int) -> tuple[date, date]:
        today = self.today()
        return today - timedelta(days=days - 1), today

    async def report_text(self, command: str, days: int) -> str:
        """/stats or /unanswered over the last `days` days (today included), as text.

        Computed in a child process (`reports.run_report`: SQL aggregation on a read-only
        connection of its own, nice 10): the chat's writer connection, the event loop and the
        bot's interpreter and memory are never used, so residents' turns go on while a 180-day
        report runs over a million rows. One report at a time (others wait their turn). An
        in-memory database (tests) has no file for another process: it is read in this one."""
        store = self.engine.store
        # A SQLite file, a PostgreSQL URL, or None for an in-memory database (SessionStore.report_source)
        path = getattr(store, "report_source", getattr(store, "path", None))
        if path is None or str(path) == ":memory:":
            report = await self.report(days)
            return render_stats_compact(report) if command == "stats" else render_unanswered_compact(report)
        since, until = self._period(days)
        async with self._report_lock:
            return await run_report(path, since=since, until=until, render=command,
                                    data_dir=getattr(self.engine.kb, "data_dir", None))

    async def report(self, days: int) -> Any:
        """The Report of the last `days` days (today included), computed in this process on
        the store's connection (for an in-memory database; a file goes to `report_text`)."""
        since, until = self._period(days)
        kb = self.engine.kb
        titles = {cid: c.title for cid, c in kb.clauses.items()}
        options = {"since": since, "until": until, "titles": titles, "program_labels": _program_labels(),
                   "words": _engine_words(self.engine)}
        async with self._report_lock:
            return await self.engine.store.in_thread(lambda conn: aggregate(conn, **options))

    def _status(self, msg: Incoming) -> str:
        lines = []
        expiry = self._granted.get((msg.channel, msg.user))
        if expiry is not None:
            lines.append(f"已登录管理员，{max(1, round((expiry - self.clock()) / 3600))} 小时内有效。")
        lines.append(HELP)
        last = self.reloader.last if self.reloader else None
        if last is not None:
            when = time.strftime("%m-%d %H:%M", time.localtime(last.at))
            lines.append(f"上次重新加载：{when}，{'成功' if last.ok else '失败，仍用上一版数据'}。")
        return "\n".join(lines)


def _login_token(text: str) -> str | None:
    """The token of "/admin <token>" (also /admin@bot), else None. Read as the engine reads a
    command (dialog/understanding: cleaned, NFKC, so ／ａｄｍｉｎ and U+3000 count), split at
    any white space (space, tab, newline)."""
    text = unicodedata.normalize("NFKC", clean_text(text or "")).strip()
    if not text.startswith("/"):
        return None
    parts = text[1:].split(maxsplit=1)
    if not parts or parts[0].split("@")[0].lower() != "admin":
        return None
    return parts[1].strip() if len(parts) > 1 and parts[1].strip() else None


def _days(arg: str, default: int) -> int | None:
    arg = arg.strip()
    if not arg:
        return default
    if arg.isdigit() and 1 <= int(arg) <= MAX_DAYS:
        return int(arg)
    return None


def _engine_words(engine: Any) -> Callable[[str], list[str]] | None:
    """The engine's own segmenter (policy terms, stopwords) for grouping, if it has one."""
    segmenter = getattr(getattr(getattr(engine, "answerer", None), "retriever", None), "segmenter", None)
    return getattr(segmenter, "content_words", None)


def _program_labels() -> dict[str, str]:
    import eligibility

    return {p.id: p.label for p in eligibility.all_programs()}


# ---------------------------------------------------------------- background tasks


async def purge_periodically(store: Any, days: float, every: float = PURGE_EVERY_SECONDS,
                             sleep: Callable[[float], Any] = asyncio.sleep) -> None:
    """Delete log rows and idle sessions older than `days`, now and then every `every` s.
    Failures are logged and retried next round: retention must not stop the bot."""
    while True:
        try:
            deleted = await store.purge(days)
            if deleted:
                log.info("retention: deleted %d rows older than %g days", deleted, days)
        except ClockJumped as exc:  # nothing deleted; a person must look at the clock
            log.error("%s", exc)
        except Exception:  # noqa: BLE001 - e.g. database briefly locked; try again next round
            log.exception("retention purge failed")
        await sleep(every)


@dataclass
class StaffTools:
    """The admin handler plus the two background tasks (reload triggers, retention)."""

    admin: StaffCommands
    reloader: Reloader
    retention_days: float
    tasks: list[asyncio.Task] = field(default_factory=list)

    @classmethod
    def attach(cls, engine: Any, settings: Settings, env: Mapping[str, str] | None = None) -> StaffTools:
        """Build the reloader and the handler and set `engine.admin`. Raises ConfigError."""
        poll = getattr(settings, "reload_poll_seconds", None)
        poll_env = {ENV_POLL_SECONDS: str(poll)} if poll is not None else env
        reloader = Reloader(engine, poll_seconds=poll_seconds_from_env(poll_env))
        admin = StaffCommands.from_settings(engine, settings, reloader, env)
        engine.admin = admin
        return cls(admin, reloader, settings.log_retention_days)

    def start(self) -> list[asyncio.Task]:
        """Start SIGHUP/file-watch reloading and the retention purge in the running loop."""
        self.tasks = [asyncio.create_task(self.reloader.run(), name="policybot-reload"),
                      asyncio.create_task(purge_periodically(self.admin.engine.store, self.retention_days),
                                          name="policybot-retention")]
        return self.tasks

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks = []
