"""Per-user rate limiting: a token bucket per (channel, user), bounded in memory.

Why a token bucket: a resident who taps through a questionnaire sends a burst of ten answers
in a minute, then nothing; a bucket of `per_minute` tokens refilled at `per_minute` a minute
lets that burst through untouched and still caps anyone at `per_minute` messages a minute in
the long run. A refused message takes no token, so an abuser who keeps hammering still gets
exactly the allowance, and nothing more.

Why refuse before the engine: a refused message costs a dict lookup and no database write,
so one abusive user cannot slow the others (the engine's work and its single SQLite writer
stay for people within their allowance).

Memory: entries live in an `OrderedDict` in least-recently-seen order. A bucket idle long
enough to be full again is the same as no bucket, so it is dropped as soon as it reaches the
front (amortised O(1) per call); `max_users` caps the table should many ids appear at once
(web ids are chosen by the client, so rotating ids defeats any per-user limit: the per-IP
`limit_req` in deploy/nginx-policybot.conf is the wall for that case).

Keys: `check_user(channel, user)` keys the bucket with `key_of(channel, user)`. The server
passes the store's salted user key, so the table never holds a raw id, and `forget(key)`
(wired to `Store.on_forget`) drops a deleted person's bucket at once.

Several processes (a PostgreSQL store, `store.shared`): a person's messages may land on any of
them, so per-process buckets would give N times the allowance. With a shared store the
buckets live in the database (`acheck_user` -> `PostgresStore.take_token`: the same token
bucket, decided in one UPDATE on the database's clock, so two processes never both take the
last token; idle buckets are deleted by the store, a forgotten person's with their data).
`RateLimitedEngine` attaches the engine's store when it is shared; the in-memory table is
used otherwise, and if the database fails the message is let through (a limiter must not
take the chat down with it).
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from dialog.messages import Incoming, Reply
from dialog.metrics import METRICS, Metrics, channel_label

log = logging.getLogger("policybot.ratelimit")

DEFAULT_PER_MINUTE = 20
DEFAULT_MAX_USERS = 100_000  # ~150 bytes each: at most ~15 MB, in practice far less


def limited_text(retry_after: float) -> str:
    """The polite refusal, with a whole number of seconds to wait (at least 1)."""
    seconds = max(1, math.ceil(retry_after))
    return f"您发消息有点快，请休息一下，{seconds}秒后再发。如有急事，请拨打12333咨询。"


class RateLimiter:
    """`check(key)` -> 0.0 when the message may go through (a token is taken), else the
    seconds until the next token. `per_minute <= 0` disables limiting."""

    def __init__(self, per_minute: float = DEFAULT_PER_MINUTE, burst: float | None = None,
                 max_users: int = DEFAULT_MAX_USERS, clock: Callable[[], float] = time.monotonic,
                 key_of: Callable[[str, str], str] | None = None, store: Any = None) -> None:
        self.per_minute = float(per_minute)
        self.key_of = key_of or _plain_key
        self.enabled = self.per_minute > 0
        self.rate = self.per_minute / 60.0  # tokens per second
        self.burst = float(burst if burst is not None else max(per_minute, 1))
        self.max_users = max(1, int(max_users))
        self.clock = clock
        # Time for an empty bucket to be full again: after that, an entry carries no information.
        self._idle_after = self.burst / self.rate if self.enabled else 0.0
        # key -> [tokens, time of last update]
        self._buckets: OrderedDict[str, list[float]] = OrderedDict()
        self.store: Any = None  # a shared store (PostgreSQL) keeps the buckets instead: use_store
        if store is not None:
            self.use_store(store)

    @classmethod
    def from_settings(cls, settings: Any, key_of: Callable[[str, str], str] | None = None,
                      store: Any = None) -> RateLimiter:
        """From `settings.rate_limit_per_minute` when the setting exists, else the default;
        `store`: the buckets go to it when it is shared (`use_store`)."""
        return cls(getattr(settings, "rate_limit_per_minute", DEFAULT_PER_MINUTE), key_of=key_of, store=store)

    def use_store(self, store: Any) -> bool:
        """Keep the buckets in `store` when it is shared by several processes (it has
        `shared` True and `take_token`); True when it is used from now on."""
        if getattr(store, "shared", False) and callable(getattr(store, "take_token", None)):
            self.store = store
            self._buckets.clear()
            return True
        return False

    async def acheck_user(self, channel: str, user: str) -> float:
        """`check_user`, in the shared store's buckets when there is one (every process sees
        the same allowance); 0.0 (let through) if the database fails."""
        if not self.enabled:
            return 0.0
        if self.store is None:
            return self.check_user(channel, user)
        try:
            return await self.store.take_token(self.key_of(channel, user), self.rate, self.burst)
        except Exception as exc:  # noqa: BLE001 - the chat's own save will report the database
            log.warning("rate limit not checked (database: %s); message let through", type(exc).__name__)
            return 0.0

    def __len__(self) -> int:
        return len(self._buckets)

    def __contains__(self, key: str) -> bool:
        return key in self._buckets

    def check_user(self, channel: str, user: str) -> float:
        """`check` for one person on one channel, keyed by `key_of(channel, user)`."""
        return self.check(self.key_of(channel, user)) if self.enabled else 0.0

    def forget(self, key: str) -> None:
        """Drop the bucket of `key` (a `key_of` result): the person was deleted."""
        self._buckets.pop(key, None)

    def check(self, key: str) -> float:
        if not self.enabled:
            return 0.0
        now = self.clock()
        self._evict_idle(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = [self.burst, now]
            self._buckets[key] = bucket
            if len(self._buckets) > self.max_users:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket[0] = min(self.burst, bucket[0] + (now - bucket[1]) * self.rate)
            bucket[1] = now
        if bucket[0] >= 1.0:
            bucket[0] -= 1.0
            return 0.0
        return (1.0 - bucket[0]) / self.rate

    def _evict_idle(self, now: float) -> None:
        buckets = self._buckets
        while buckets:
            key = next(iter(buckets))
            if now - buckets[key][1] < self._idle_after:
                break
            del buckets[key]


def _plain_key(channel: str, user: str) -> str:
    return f"{channel}:{user}"


class _Engine(Protocol):
    async def handle(self, incoming: Incoming, /) -> list[Reply]: ...


class RateLimitedEngine:
    """An engine with the same `handle`, refusing politely past the user's allowance.

    For channels that cannot send a status code (Telegram, WeChat): the refusal is an ordinary
    reply. The key is (channel, user), so one person's Telegram and web chats are separate.
    Everything else is delegated to the wrapped engine.
    """

    def __init__(self, engine: _Engine, limiter: RateLimiter, metrics: Metrics | None = None) -> None:
        object.__setattr__(self, "engine", engine)
        object.__setattr__(self, "limiter", limiter)
        object.__setattr__(self, "metrics", metrics or METRICS)
        if limiter.store is None:  # several processes share the engine's store: so do the buckets
            limiter.use_store(getattr(engine, "store", None))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # Transparent like a reference to the engine itself (e.g. `engine.admin = …`).
        setattr(self.engine, name, value)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        wait = await self.limiter.acheck_user(incoming.channel, incoming.user)
        if wait:
            self.metrics.rate_limited.inc(channel_label(incoming.channel))
            return [Reply(limited_text(wait))]
        return await self.engine.handle(incoming)
