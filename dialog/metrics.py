"""Prometheus metrics for `/metrics`: a few counters and histograms, written by hand.

Why not `prometheus_client`: the bot needs five or six series, the text format is a page of
rules, and one fewer dependency is one fewer thing for a prefecture's IT staff to audit and
update. Everything here runs in the event loop's thread, so plain dict and list updates are
enough (no locks); a recorded sample costs a dict lookup, a `bisect` and three additions.

What is measured, and why each series exists:

- `policybot_messages_total{channel}`: every message the engine handled (load by channel).
- `policybot_rate_limited_total{channel}`: messages refused by the per-user limiter.
- `policybot_questions_total{answered}` and `policybot_answered_share`: free questions the
  knowledge base answered or declined ("文件没有讲到") — the share is the quality signal staff
  watch; a drop means residents ask about something the FAQ lacks.
- `policybot_questionnaires_total{event}`: questionnaires started / completed.
- `policybot_engine_turn_seconds{channel}`: the engine's time per turn (answer + SQLite commit).
- `policybot_engine_errors_total{channel,error}`: turns that failed below the engine (database
  busy or read-only, a bug); each one was answered with the polite "系统暂时有点忙" text.
- `policybot_http_request_seconds{route}` and `policybot_http_requests_total{route,status}`:
  the web server as a whole; `route` is the matched route's path template, never the raw URL,
  so the number of series stays bounded whatever anyone requests.
- `process_resident_memory_bytes`, `process_cpu_seconds_total`, `process_start_time_seconds`:
  read from /proc at scrape time only (nothing is paid per request).

Label values come from code (channel names, route templates, exception class names), never
from what a user typed: user ids and texts must not reach a monitoring system.
"""

from __future__ import annotations

import math
import os
import resource
import time
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dialog.messages import Incoming, Reply

# Seconds. Fine below 100 ms (the latency target), coarse above (only "how bad").
LATENCY_BUCKETS: tuple[float, ...] = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)
KNOWN_CHANNELS = frozenset({"web", "telegram", "wechat", "terminal"})
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_PROCESS_START = time.time()


def _escape(value: str) -> str:
    """A label value as the text format wants it: backslash, quote and newline escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(names: Sequence[str], values: Sequence[str], extra: str = "") -> str:
    parts = [f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


def _number(value: float) -> str:
    if value == math.inf:
        return "+Inf"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def channel_label(channel: str) -> str:
    """The channel as a label value: known names as they are, anything else as "other"."""
    return channel if channel in KNOWN_CHANNELS else "other"


class Counter:
    """A monotonically increasing count per label set."""

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> None:
        self.name = name
        self.help = help_text
        self.labelnames = tuple(labelnames)
        self.values: dict[tuple[str, ...], float] = {}

    def inc(self, *labelvalues: str, amount: float = 1.0) -> None:
        self.values[labelvalues] = self.values.get(labelvalues, 0.0) + amount

    def get(self, *labelvalues: str) -> float:
        return self.values.get(labelvalues, 0.0)

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        for values, count in sorted(self.values.items()):
            yield f"{self.name}{_labels(self.labelnames, values)} {_number(count)}"


class Histogram:
    """Counts of observations per bucket, their sum and number, per label set.

    Buckets are stored non-cumulative (one `bisect` and one increment per observation) and
    made cumulative only when rendered, which happens once per scrape.
    """

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = (),
                 buckets: Sequence[float] = LATENCY_BUCKETS) -> None:
        self.name = name
        self.help = help_text
        self.labelnames = tuple(labelnames)
        self.bounds = tuple(sorted(buckets))
        # label values -> [count per bucket..., count above the last bound, sum]
        self.series: dict[tuple[str, ...], list[float]] = {}

    def observe(self, value: float, *labelvalues: str) -> None:
        row = self.series.get(labelvalues)
        if row is None:
            row = self.series[labelvalues] = [0.0] * (len(self.bounds) + 2)
        row[bisect_left(self.bounds, value)] += 1  # le semantics: value == bound goes in it
        row[-1] += value

    def count(self, *labelvalues: str) -> int:
        row = self.series.get(labelvalues)
        return 0 if row is None else int(sum(row[:-1]))

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for values, row in sorted(self.series.items()):
            cumulative = 0.0
            for bound, count in zip((*self.bounds, math.inf), row[:-1], strict=True):
                cumulative += count
                le = 'le="' + _number(bound) + '"'
                yield f"{self.name}_bucket{_labels(self.labelnames, values, le)} {_number(cumulative)}"
            yield f"{self.name}_sum{_labels(self.labelnames, values)} {_number(row[-1])}"
            yield f"{self.name}_count{_labels(self.labelnames, values)} {_number(cumulative)}"


class Metrics:
    """The bot's metrics. One instance (`METRICS`) serves the whole process; tests make their
    own so that they do not see each other's counts."""

    def __init__(self) -> None:
        self.messages = Counter("policybot_messages_total", "Messages handled by the engine.", ["channel"])
        self.rate_limited = Counter("policybot_rate_limited_total",
                                    "Messages refused by the per-user rate limit.", ["channel"])
        self.questions = Counter("policybot_questions_total",
                                 "Free questions, by whether the documents answered them.", ["answered"])
        self.questionnaires = Counter("policybot_questionnaires_total",
                                      "Eligibility questionnaires started and completed.", ["event"])
        self.turn_seconds = Histogram("policybot_engine_turn_seconds",
                                      "Engine time per message (answer and database commit).", ["channel"])
        self.engine_errors = Counter("policybot_engine_errors_total",
                                     "Messages that failed below the engine (database, bug).",
                                     ["channel", "error"])
        self.http_seconds = Histogram("policybot_http_request_seconds",
                                      "HTTP request duration, whole response.", ["route"])
        self.http_requests = Counter("policybot_http_requests_total", "HTTP requests by response status.",
                                     ["route", "status"])

    # ------------------------------------------------------------------ recording

    def observe_request(self, route: str, status: int, seconds: float) -> None:
        """One HTTP request answered: its time and its status, by route template."""
        self.http_seconds.observe(seconds, route)
        self.http_requests.inc(route, str(status))

    def observe_events(self, events: Iterable[Any]) -> None:
        """Count a turn's log events (`dialog.store.Event`): answered questions, questionnaires."""
        for event in events:
            kind = getattr(event, "kind", None)
            if kind == "question":
                self.questions.inc("yes" if getattr(event, "answered", False) else "no")
            elif kind == "questionnaire_started":
                self.questionnaires.inc("started")
            elif kind == "questionnaire_completed":
                self.questionnaires.inc("completed")

    def answered_share(self) -> float | None:
        answered, declined = self.questions.get("yes"), self.questions.get("no")
        total = answered + declined
        return answered / total if total else None

    # ------------------------------------------------------------------ exposition

    def render(self) -> str:
        lines: list[str] = []
        for metric in (self.messages, self.rate_limited, self.questions, self.questionnaires,
                       self.turn_seconds, self.engine_errors, self.http_seconds, self.http_requests):
            lines.extend(metric.render())
        share = self.answered_share()
        if share is not None:
            lines += ["# HELP policybot_answered_share Share of free questions answered since start.",
                      "# TYPE policybot_answered_share gauge",
                      f"policybot_answered_share {_number(round(share, 6))}"]
        lines.extend(_process_lines())
        return "\n".join(lines) + "\n"


def _process_lines() -> list[str]:
    """The standard process_* series, read now (once per scrape, not per request)."""
    usage = os.times()
    lines = [
        "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.",
        "# TYPE process_cpu_seconds_total counter",
        f"process_cpu_seconds_total {_number(round(usage.user + usage.system, 3))}",
        "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.",
        "# TYPE process_start_time_seconds gauge",
        f"process_start_time_seconds {_number(round(_PROCESS_START, 3))}",
    ]
    rss = resident_memory_bytes()
    if rss is not None:
        lines += ["# HELP process_resident_memory_bytes Resident memory size in bytes.",
                  "# TYPE process_resident_memory_bytes gauge",
                  f"process_resident_memory_bytes {rss}"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    lines += ["# HELP process_peak_resident_memory_bytes Peak resident memory size in bytes.",
              "# TYPE process_peak_resident_memory_bytes gauge",
              f"process_peak_resident_memory_bytes {peak}"]
    return lines


def resident_memory_bytes(pid: int | str = "self") -> int | None:
    """Current RSS of a process from /proc (Linux); None elsewhere."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


METRICS = Metrics()


# ---------------------------------------------------------------------- engine wrapper


class _Engine(Protocol):
    async def handle(self, incoming: Incoming, /) -> list[Reply]: ...


class MeteredEngine:
    """Wraps an engine: counts messages per channel, times each turn, counts failures.

    Answered/unanswered questions are only known inside the engine (its log events), so when
    the wrapped engine has a `store`, `observe_events` is hung on the store's `on_commit`
    hook: each turn's events are counted once they are committed.
    """

    def __init__(self, engine: _Engine, metrics: Metrics | None = None) -> None:
        object.__setattr__(self, "engine", engine)
        object.__setattr__(self, "metrics", metrics or METRICS)
        store = getattr(engine, "store", None)
        if store is not None and not getattr(store, "_policybot_metered", False):
            _observe_store(store, self.metrics)

    def __getattr__(self, name: str) -> Any:
        # Everything else (store, close, reload, admin …) is the wrapped engine's.
        return getattr(self.engine, name)

    def __setattr__(self, name: str, value: Any) -> None:
        # `wrapper.admin = handler` must reach the engine, or staff commands would silently
        # stop working the day someone wires the wrapper instead of the engine.
        setattr(self.engine, name, value)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        channel = channel_label(incoming.channel)
        started = time.perf_counter()
        try:
            replies = await self.engine.handle(incoming)
        except Exception as exc:
            self.metrics.engine_errors.inc(channel, type(exc).__name__)
            raise
        finally:
            self.metrics.turn_seconds.observe(time.perf_counter() - started, channel)
        self.metrics.messages.inc(channel)
        return replies


def _observe_store(store: Any, metrics: Metrics) -> None:
    """Count each committed turn's events (once per store, whichever channel's wrapper got
    there first)."""
    hooks = getattr(store, "on_commit", None)
    if hooks is None:  # a store without the hook (a test double): nothing to count
        return
    hooks.append(metrics.observe_events)
    store._policybot_metered = True


# ---------------------------------------------------------------------- HTTP


class MetricsMiddleware:
    """Pure ASGI middleware timing every HTTP request and counting it by route and status.

    The route is the template of the route Starlette matched (`/api/chat`, `/static`), read
    from `scope["route"]` after the app ran; unmatched paths count as "unmatched". Timing ends
    when the app returns, i.e. after the whole body was sent.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics or METRICS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # if the app raises before starting a response, the server sends a 500
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe_request(route, status, time.perf_counter() - started)


def metrics_route(metrics: Metrics | None = None, path: str = "/metrics") -> Route:
    """GET /metrics in Prometheus text format. Contains no personal data (counts and timings
    only); keep it off the public internet all the same (see deploy/nginx-policybot.conf)."""
    registry = metrics or METRICS

    async def endpoint(request: Request) -> Response:
        return Response(registry.render(), media_type=CONTENT_TYPE,
                        headers={"Cache-Control": "no-store"})

    return Route(path, endpoint, methods=["GET"], name="metrics")
