"""What every store backend shares: the session and log-event records, the store interface,
and the errors. Backends: `dialog.store.Store` (SQLite, one file, the embedded default) and
`dialog.storage.postgres.PostgresStore` (PostgreSQL, shared by several bot processes);
`dialog.storage.open_store` picks one from the settings (`POLICYBOT_DB=postgresql://…`).

Privacy rules that hold on both: sessions are keyed by a salted hash of (channel, user id),
never the raw id; the message log never holds answers to questionnaire questions; nothing
typed after a command that carries a secret (`/admin <token>`) is ever stored.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from dialog.fastjson import dumps_text
from dialog.normalize import clean_text

# Commands whose argument is a secret: nothing that starts with one is ever stored, whatever
# path the message took (a typo, a keyboard's 、 for /, the admin handler missing).
SECRET_COMMANDS = frozenset({"admin"})
_SECRET_COMMAND = re.compile(r"^[/\\、]?\s*(?:" + "|".join(sorted(SECRET_COMMANDS)) + r")(?:@\w*)?(?:\s|$)",
                             re.IGNORECASE)

# A purge whose "now" is this far past the last purge (or, before the first one, the newest
# row) is refused: the bot purges every 6 hours while it runs, so such a gap means the clock
# jumped or the bot was stopped for days, and only a person can tell which. With the clock
# 200 days ahead, retention would otherwise delete every row and session.
MAX_PURGE_GAP_SECONDS = 3 * 86400
# The health check writes (and deletes) a row this big, so that it needs new pages like a
# batch of turns does: a full disk or a file that cannot grow fails it.
PROBE_BYTES = 8192


def carries_secret(text: str | None) -> bool:
    """True when `text` starts with a command that carries a secret (`/admin <token>`), read
    the way the bot reads commands: control characters removed, NFKC (／ａｄｍｉｎ and the
    ideographic space U+3000 count), any white space after the command (tab, newline). The
    slash may be missing or be the Chinese keyboard's 、."""
    if not text:
        return False
    return _SECRET_COMMAND.match(unicodedata.normalize("NFKC", clean_text(text)).strip()) is not None


class DatabaseUnusable(Exception):
    """The database cannot be opened or brought to the current schema (SQLite: not a
    database, corrupted, locked past busy_timeout, read-only, a directory, disk full;
    PostgreSQL: server unreachable, authentication refused, no such database). The message
    is one line that names the database (a URL without its password) and the reason."""


class ClockJumped(Exception):
    """Retention refused to purge: the clock is far past the last purge (or the newest row),
    which is what a clock set wrong looks like. The message says how to go ahead."""


@dataclass
class Session:
    """Where one person is in the conversation. JSON-serialised into sessions.data."""

    mode: str = "idle"  # idle | questionnaire | finder | confirm_forget | resume
    program: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)  # answered question ids, for 上一步
    campaign: str | None = None
    last_clause: str | None = None  # for 查看原文
    last_buttons: list[list[str]] = field(default_factory=list)  # [label, action] of the last reply
    awaiting_number: bool = False  # the last reply asked for a typed number
    pending_text: str | None = None  # an answer typed when the questionnaire had gone stale
    finder_answers: dict[str, Any] = field(default_factory=dict)  # to prefill a program after the finder
    last_program: str | None = None  # the program of the last answer or result (测一测, follow-ups)
    lead_text: str | None = None  # the last free question (masked), read for facts if a questionnaire follows
    lead_at: float = 0.0  # when lead_text was said: it is read only for LEAD_SECONDS
    # The first line of the last free answer (what was asked, answered: 15万 / 发给单位 / 已到期),
    # said again plainly on 没看懂 / 说简单点 — not found again from lead_text, whose meaning may
    # have come from the question before it (给娃不给 after 见习补贴给谁).
    last_line: str | None = None
    # last_line as the turn began (the engine clears last_line at every turn, so a reply that is
    # not a free answer — a menu, an overview, a result — leaves none). Not serialised.
    line_before: str | None = field(default=None, repr=False, compare=False)
    # lead_text was a question the document does not cover: a detail typed right after it
    # (要带啥材料) goes on about it (dialog/flows/questions.py GOING_ON_SECONDS).
    lead_uncovered: bool = False
    # Whether the previous turn refused a free question (lead_uncovered as the turn began; the
    # engine clears lead_uncovered at every turn, so a menu or a button in between ends it).
    # Not serialised.
    refused_last: bool = field(default=False, repr=False, compare=False)
    flags: dict[str, str] = field(default_factory=dict)  # question id -> "hedged / approximate" note for the result
    # The questionnaire just finished ({program, answers, history, flags}), kept for one more message
    # only, so that 上一步 or 不对 … right after a result can still change an answer.
    finished: dict[str, Any] | None = None
    updated_at: float = 0.0
    questionnaire_at: float = 0.0  # when the questionnaire was last touched
    # Whether the database held this session's row when it was read (or this process committed
    # it since): saving such a session whose row has meanwhile gone means it was deleted
    # (`policybot forget`, a purge) and must not be written back. Not serialised.
    stored: bool = field(default=False, repr=False, compare=False)

    def end_questionnaire(self, mode: str = "idle") -> None:
        """Forget everything a questionnaire held — its answers and notes, the message that
        led to it, an answer typed while it had gone stale — and go to `mode`."""
        self.mode, self.program, self.answers, self.history, self.flags = mode, None, {}, [], {}
        self.lead_text, self.lead_at, self.pending_text, self.lead_uncovered = None, 0.0, None, False
        self.last_line = None

    def to_json(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if k not in _NOT_SERIALISED}
        return dumps_text(data)

    @classmethod
    def from_json(cls, text: str, updated_at: float) -> Session:
        data = json.loads(text)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k not in _NOT_SERIALISED}
        return cls(**known, updated_at=updated_at)


_NOT_SERIALISED = frozenset({"updated_at", "stored", "refused_last", "line_before"})


def parse_session(data: str, updated_at: float) -> Session:
    """A stored row's session, marked `stored`; a damaged row gives a fresh session (a bad
    row must not lock the person out)."""
    try:
        session = Session.from_json(data, updated_at)
    except (ValueError, TypeError):
        session = Session()
    session.stored = True
    return session


@dataclass(frozen=True)
class Event:
    kind: str  # start | question | questionnaire_started | questionnaire_completed | button | other
    text: str | None = None  # only the free question a resident asked
    clause: str | None = None
    faq: str | None = None
    confidence: float | None = None
    answered: bool | None = None
    program: str | None = None


def event_row(now: float, channel: str, user_key: str, campaign: str | None, e: Event) -> tuple[Any, ...]:
    """The events row of one log event, in EVENT_COLUMNS order; a text that carries a secret
    is never stored."""
    return (now, channel, user_key, campaign, e.kind, None if carries_secret(e.text) else e.text, e.clause,
            e.faq, e.confidence, None if e.answered is None else int(e.answered), e.program)


EVENT_COLUMNS = ("ts", "channel", "user_key", "campaign", "kind", "text", "clause", "faq", "confidence",
                 "answered", "program")


def scrub_session(session: Session) -> None:
    """Typed text kept for later is never a token: dropped when it carries a secret."""
    for name in ("lead_text", "pending_text"):
        if carries_secret(getattr(session, name)):
            setattr(session, name, None)


@dataclass(frozen=True)
class WriteError:
    """The last failed write of turns: when (Unix time), the database's error name (SQLite's
    SQLITE_FULL …, PostgreSQL's SQLSTATE class name) and message, and how many bytes the
    failed batch carried (the health probe writes at least as much)."""

    at: float
    name: str
    message: str
    batch_bytes: int


@runtime_checkable
class SessionStore(Protocol):
    """The store interface the engine, the channels, the staff tools and the CLI use.

    Guarantees on every backend: `save` returns only once the turn is durably committed; a
    person deleted meanwhile (`forget`, a purge, in any process) is never written back; a
    failed save raises and leaves nothing half-written; `turn_lock(user_key)` makes one
    person's turns run one at a time — in this process (SQLite) or across every process
    sharing the database (PostgreSQL). A turn is what the block does with the store: on
    PostgreSQL the lock is taken by the block's first store call (the `load`, in the same
    round trip) and released by the `save` as it commits, so code in the block before its
    first store call is not yet exclusive (the engine loads first).
    """

    backend: str  # "sqlite" | "postgresql"
    shared: bool  # other processes may use the same database at the same time
    session_days: float | None
    on_commit: list[Callable[[list[Event]], None]]
    on_forget: list[Callable[[str], None]]
    last_write_error: WriteError | None

    @property
    def report_source(self) -> Path | str | None: ...  # what reports open: a file, a URL, None (in memory)

    def user_key(self, channel: str, user: str) -> str: ...

    def turn_lock(self, user_key: str) -> AbstractAsyncContextManager[None]: ...

    async def load(self, user_key: str) -> Session: ...

    async def save(self, user_key: str, channel: str, session: Session, events: list[Event],
                   campaign: str | None) -> None: ...

    async def forget(self, user_key: str) -> int: ...

    async def erase_leftovers(self, attempts: int = 8, first_wait: float = 0.5) -> bool | None: ...

    async def purge(self, older_than_days: float, now: float | None = None, *, trust_clock: bool = False) -> int: ...

    async def count(self, table: str, user_key: str | None = None) -> int: ...

    async def check_writable(self) -> None: ...

    async def migrate(self) -> int: ...

    async def close(self) -> None: ...


@runtime_checkable
class SharedState(Protocol):
    """What a store shared by several processes (`shared` True: PostgreSQL) also keeps, so
    that the per-process state of the moment holds across processes. Users check
    `store.shared` and fall back to their in-memory state otherwise (SQLite)."""

    async def claim_message(self, key: str, user_key: str, ttl: float) -> bool: ...  # WeChat MsgId: run it here?

    async def finish_message(self, key: str, reply: str | None) -> None: ...

    async def message_reply(self, key: str) -> Any: ...  # MessageState(state, reply) | None

    async def keep_pending(self, user_key: str, kind: str, body: str | None, options: tuple[str, ...] | list[str],
                           ttl: float) -> None: ...  # WeChat: pages still to send ("more"), a late reply ("late")

    async def drop_pending(self, user_key: str, kind: str) -> None: ...

    async def take_pending(self, user_key: str) -> Any: ...  # Pending(more, options, late, late_running)

    async def claim_and_take(self, key: str, user_key: str, ttl: float) -> Any: ...  # Pending | None (not claimed)

    async def seen_request(self, timestamp: int, nonce: str, digest: bytes, keep_until: float) -> str: ...

    async def take_token(self, key: str, rate: float, burst: float, now: float | None = None) -> float: ...

    async def admin_failures(self, scope: str, key: str, window: float) -> int: ...

    async def add_admin_failure(self, scope: str, key: str) -> None: ...

    async def clear_admin_failures(self, scope: str, key: str) -> None: ...

    async def grant_admin(self, who: str, seconds: float | None) -> None: ...

    async def admin_granted(self, who: str) -> float | None: ...

    async def data_version(self) -> int: ...

    async def bump_data_version(self) -> int: ...


def purge_refusal(now: float, reference: float | None, last_run: float | None) -> ClockJumped | None:
    """The ClockJumped to raise when `now` is more than MAX_PURGE_GAP_SECONDS past the last
    purge (before the first one: past the newest row), else None."""
    if reference is None or now - reference <= MAX_PURGE_GAP_SECONDS:
        return None
    return ClockJumped(
        f"retention purge refused: the clock says {when(now)}, "
        f"{(now - reference) / 86400:.1f} days after the "
        f"{'last purge' if last_run is not None else 'newest stored row'} ({when(reference)}). "
        "If the clock is wrong, fix it (timedatectl); if it is right (the bot was stopped "
        "for days), run `policybot purge --trust-clock` once.")


def when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))
