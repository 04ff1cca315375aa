"""Prometheus metrics for `/metrics`, with `prometheus_client` (issue 17 item 5).

One process (`policybot run`): each `Metrics` has its own `CollectorRegistry`, and a scrape
renders it. Several processes (`policybot run --workers N`): the parent sets
`PROMETHEUS_MULTIPROC_DIR` to a folder it creates (and removes at the end) before it starts the
workers, so every worker's counters and histograms live in memory-mapped files there
(prometheus_client's multiprocess mode); a scrape, whichever worker answers it, adds up every
worker's files with `MultiProcessCollector`, and the parent calls `mark_process_dead` for a
worker that ended. The value class is chosen when prometheus_client is first imported, so the
variable must be set before a worker imports this module (the workers are started with the
"spawn" method: they import everything afresh).

What is measured, and why each series exists (the names and labels are the ones the
hand-written exporter used before, so dashboards and alerts keep working):

- `policybot_messages_total{channel}`: every message the engine handled (load by channel).
- `policybot_rate_limited_total{channel}`: messages refused by the per-user limiter.
- `policybot_questions_total{answered}` and `policybot_answered_share`: free questions the
  knowledge base answered or declined ("文件没有讲到") — the share is the quality signal staff
  watch; a drop means residents ask about something the FAQ lacks. The share is computed at
  scrape time from the (summed) counts.
- `policybot_questionnaires_total{event}`: questionnaires started / completed.
- `policybot_engine_turn_seconds{channel}`: the engine's time per turn (answer + database commit).
- `policybot_engine_errors_total{channel,error}`: turns that failed below the engine (database
  busy or read-only, a bug); each one was answered with the polite "系统暂时有点忙" text.
- `policybot_http_request_seconds{route}` and `policybot_http_requests_total{route,status}`:
  the web server as a whole; `route` is the matched route's path template, never the raw URL,
  so the number of series stays bounded whatever anyone requests.
- `process_resident_memory_bytes`, `process_cpu_seconds_total`, `process_start_time_seconds`
  (prometheus_client's `ProcessCollector`, read from /proc at scrape time only) and
  `process_peak_resident_memory_bytes`. With several workers these carry a `pid` label, one
  series per live worker (found through the `policybot_worker_up` gauge each worker sets, which
  disappears when the parent marks the worker dead), and `policybot_workers` counts them.

Label values come from code (channel names, route templates, exception class names), never
from what a user typed: user ids and texts must not reach a monitoring system.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

import prometheus_client
from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
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
# The classic text format (every Prometheus reads it; the names need none of 1.0.0's escaping).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
WORKER_UP = "policybot_worker_up"

# `*_created` series (one timestamp per label set) double the output and no dashboard reads them.
prometheus_client.disable_created_metrics()


def multiprocess_dir() -> str | None:
    """The folder of the multiprocess mode when it is on in this process, else None."""
    return os.environ.get(MULTIPROC_ENV) or None


def channel_label(channel: str) -> str:
    """The channel as a label value: known names as they are, anything else as "other"."""
    return channel if channel in KNOWN_CHANNELS else "other"


class Counter:
    """A counter per label set, called with positional label values (`inc("web")`), as the
    channels and the rate limiter call it; a thin layer over `prometheus_client.Counter` that
    caches the labelled children (one dict lookup per sample)."""

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = (),
                 registry: CollectorRegistry | None = None) -> None:
        self.name = name  # as exposed, with the _total suffix
        self.labelnames = tuple(labelnames)
        self.registry = registry
        self.metric = prometheus_client.Counter(name, help_text, self.labelnames, registry=registry)
        self._children: dict[tuple[str, ...], Any] = {}

    def inc(self, *labelvalues: str, amount: float = 1.0) -> None:
        child = self._children.get(labelvalues)
        if child is None:
            child = self._children[labelvalues] = (self.metric.labels(*labelvalues) if self.labelnames
                                                   else self.metric)
        child.inc(amount)

    def get(self, *labelvalues: str) -> float:
        """This process's count for the label set (0 when never counted)."""
        if self.registry is None:
            return 0.0
        value = self.registry.get_sample_value(self.name, dict(zip(self.labelnames, labelvalues, strict=True)))
        return value or 0.0


class Histogram:
    """Observations per bucket, their sum and number, per label set (`observe(seconds, "web")`)."""

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str] = (),
                 buckets: Sequence[float] = LATENCY_BUCKETS, registry: CollectorRegistry | None = None) -> None:
        self.name = name
        self.labelnames = tuple(labelnames)
        self.registry = registry
        self.metric = prometheus_client.Histogram(name, help_text, self.labelnames, registry=registry,
                                                  buckets=tuple(sorted(buckets)))
        self._children: dict[tuple[str, ...], Any] = {}

    def observe(self, value: float, *labelvalues: str) -> None:
        child = self._children.get(labelvalues)
        if child is None:
            child = self._children[labelvalues] = (self.metric.labels(*labelvalues) if self.labelnames
                                                   else self.metric)
        child.observe(value)

    def count(self, *labelvalues: str) -> int:
        """This process's number of observations for the label set."""
        if self.registry is None:
            return 0
        value = self.registry.get_sample_value(self.name + "_count",
                                               dict(zip(self.labelnames, labelvalues, strict=True)))
        return int(value or 0)


class _Families:
    """A fixed list of metric families, in the shape `generate_latest` collects from."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


class Metrics:
    """The bot's metrics. One instance (`METRICS`) serves the whole process; tests make their
    own so that they do not see each other's counts (each has its own registry). In the
    multiprocess mode there must be one instance per process (two would write the same
    memory-mapped entries), and `render` shows the sum over every worker."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.multiprocess = multiprocess_dir()
        r = self.registry
        self.messages = Counter("policybot_messages_total", "Messages handled by the engine.", ["channel"], r)
        self.rate_limited = Counter("policybot_rate_limited_total",
                                    "Messages refused by the per-user rate limit.", ["channel"], r)
        self.questions = Counter("policybot_questions_total",
                                 "Free questions, by whether the documents answered them.", ["answered"], r)
        self.questionnaires = Counter("policybot_questionnaires_total",
                                      "Eligibility questionnaires started and completed.", ["event"], r)
        self.turn_seconds = Histogram("policybot_engine_turn_seconds",
                                      "Engine time per message (answer and database commit).", ["channel"],
                                      registry=r)
        self.engine_errors = Counter("policybot_engine_errors_total",
                                     "Messages that failed below the engine (database, bug).",
                                     ["channel", "error"], r)
        self.http_seconds = Histogram("policybot_http_request_seconds",
                                      "HTTP request duration, whole response.", ["route"], registry=r)
        self.http_requests = Counter("policybot_http_requests_total", "HTTP requests by response status.",
                                     ["route", "status"], r)
        if self.multiprocess:
            # One file per live worker (removed by mark_process_dead): how a scrape finds them.
            up = prometheus_client.Gauge(WORKER_UP, "1 for each live worker process (label pid).",
                                         registry=r, multiprocess_mode="liveall")
            up.set(1)

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
        """Answered / all free questions, this process only; None before the first question."""
        answered, declined = self.questions.get("yes"), self.questions.get("no")
        total = answered + declined
        return answered / total if total else None

    # ------------------------------------------------------------------ exposition

    def families(self) -> list[Metric]:
        """Every metric family of a scrape: this registry's (one process) or every worker's
        summed (multiprocess mode), the answered share, and the process series."""
        if self.multiprocess:
            families = list(MultiProcessCollector(None, path=self.multiprocess).collect())
            pids = sorted({s.labels.get("pid", "") for f in families if f.name == WORKER_UP
                           for s in f.samples} - {""})
            families = [f for f in families if f.name != WORKER_UP]
            workers = GaugeMetricFamily("policybot_workers", "Live worker processes serving this port.")
            workers.add_metric([], len(pids))
            families.append(workers)
            process = _process_families(pids)
        else:
            families = list(self.registry.collect())
            process = _process_families([])
        share = _answered_share(families)
        if share is not None:
            gauge = GaugeMetricFamily("policybot_answered_share",
                                      "Share of free questions answered since start.")
            gauge.add_metric([], round(share, 6))
            families.append(gauge)
        return families + process

    def render(self) -> str:
        """The exposition in Prometheus's text format."""
        return generate_latest(_Families(self.families())).decode("utf-8")  # type: ignore[arg-type]


def _answered_share(families: list[Metric]) -> float | None:
    counts = {"yes": 0.0, "no": 0.0}
    for family in families:
        if family.name == "policybot_questions":
            for sample in family.samples:
                if sample.name == "policybot_questions_total" and sample.labels.get("answered") in counts:
                    counts[sample.labels["answered"]] += sample.value
    total = counts["yes"] + counts["no"]
    return counts["yes"] / total if total else None


def _process_families(pids: Sequence[str]) -> list[Metric]:
    """The standard process_* series (prometheus_client's ProcessCollector, read from /proc at
    scrape time) and the peak RSS: this process's without labels when `pids` is empty, else one
    series per pid with a `pid` label."""
    if not pids:
        families = list(ProcessCollector(registry=None).collect())
        peak = GaugeMetricFamily("process_peak_resident_memory_bytes", "Peak resident memory size in bytes.")
        peak.add_metric([], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)  # KiB on Linux
        return families + [peak]
    merged: dict[str, Metric] = {}
    peak = GaugeMetricFamily("process_peak_resident_memory_bytes", "Peak resident memory size in bytes.",
                             labels=["pid"])
    for pid in pids:
        for family in ProcessCollector(pid=lambda pid=pid: pid, registry=None).collect():
            target = merged.get(family.name)
            if target is None:
                target = merged[family.name] = Metric(family.name, family.documentation, family.type)
            for sample in family.samples:
                target.add_sample(sample.name, {**sample.labels, "pid": pid}, sample.value)
        hwm = _proc_status_kib(pid, "VmHWM")
        if hwm is not None:
            peak.add_metric([pid], hwm * 1024)
    return [*merged.values(), peak]


def _proc_status_kib(pid: int | str, field_name: str) -> int | None:
    """A `VmRSS` / `VmHWM` line of /proc/PID/status, in KiB; None where there is none."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def resident_memory_bytes(pid: int | str = "self") -> int | None:
    """Current RSS of a process from /proc (Linux); None elsewhere."""
    kib = _proc_status_kib(pid, "VmRSS")
    return None if kib is None else kib * 1024


def mark_process_dead(pid: int, path: str | None = None) -> None:
    """The parent's call for a worker that ended: its live gauges go (its counts stay in the
    sums). Does nothing outside the multiprocess mode."""
    folder = path or multiprocess_dir()
    if folder:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid, folder)


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
    only); keep it off the public internet all the same (see deploy/nginx-policybot.conf).
    With several workers, whichever answers shows the sum over all of them."""
    registry = metrics or METRICS

    async def endpoint(request: Request) -> Response:
        return Response(registry.render(), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})

    return Route(path, endpoint, methods=["GET"], name="metrics")
