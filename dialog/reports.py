"""Staff reports from the message log: /stats and /unanswered in the chat, `policybot report`.

One computation (`build_report`) over the log's rows, several renderings: compact text for a
phone (/stats, /unanswered), full text, CSV and a self-contained HTML page for the office, and
YAML FAQ stubs for the questions the bot could not answer.

Decisions, and why:
- The numbers are aggregated by SQLite (`aggregate`: GROUP BY per day, campaign, program,
  clause and unanswered text), on a read-only connection of the report's own, in a thread:
  a log of a million rows was read into Python whole (803 MB in the bot, 612 MB for
  `policybot report`, /stats 180 took 7 s on the chat's own database connection and raised
  200 residents' p99 from 24 ms to 4.1 s). Now only the aggregates and the distinct
  unanswered texts reach Python, the chat's writer and the event loop are never used, and
  memory stays flat (benchmarks/README.md). The same function serves /stats in the bot and
  the command line. `build_report` over `LogEvent` rows computes the same Report from rows in
  memory (tests compare the two).
- Days are local calendar days of the machine running the report (the bot's server runs on
  China time); `--since DATE` starts at that day's local midnight.
- "Users" are distinct hashed user keys; the same person on two channels counts twice, since
  the log cannot (and must not be able to) link them.
- Campaign funnel, counted in distinct users per campaign: opened (any logged event — the web
  page and Telegram both send /start on arrival), asked (asked a question or started a
  questionnaire: did something beyond opening), completed (finished a questionnaire). A person's
  campaign is the first one their session saw; events from before it are counted as direct.
- "Unanswered" = question events the knowledge base could not answer (`answered = 0`). Alike
  questions are grouped: first by their normalised text (NFKC, no punctuation or spaces,
  lower case), then greedily, most frequent first, into the group whose representative
  shares the most words (Jaccard >= 0.5 over jieba words without question words such as 怎么,
  多少). Comparing with the representative rather than any member keeps groups from chaining
  into one blob of loosely related questions; prefix filtering keeps it near-linear. A text
  that starts with a command carrying a secret (`/admin <token>`) is never shown.
- CSV is one "long" table (section, key, label, metric, value) so every number of the report
  fits one sheet that pivots easily; it starts with a UTF-8 byte-order mark because Excel on a
  Chinese Windows desktop otherwise shows the Chinese as mojibake, and cells starting with
  = + - @ get a leading apostrophe so a resident's text can never run as a spreadsheet formula.
- HTML: one page, inline CSS and SVG only, no script, a Content-Security-Policy that forbids
  loading anything, every text escaped — it is opened from e-mail or a USB stick offline.
- FAQ stubs are valid FAQ YAML that `policybot check` flags only for the empty answer and the
  missing clauses (what staff must fill in): ids are stable hashes of the group (`todo-…`, so
  two reports never clash), and phrasings already in the FAQ or duplicated are left out.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import hashlib
import html
import io
import logging
import math
import os
import re
import sqlite3
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from dialog.campaigns import campaign_name
from dialog.storage import is_postgres_url
from dialog.store import carries_secret
from knowledge.base import normalize_question

DIRECT = "(direct)"  # the campaign key of people who came without a campaign link
DIRECT_LABEL = "直接访问"
FINDER_ID = "__finder__"
FINDER_LABEL = "测一测我能享受哪些政策"

# Words that say *how* something is asked, not *what*: they must not make two questions alike.
QUESTION_WORDS = frozenset({
    "怎么", "怎样", "怎么样", "如何", "什么", "多少", "多少钱", "哪些", "哪里", "哪儿", "是否", "可以", "可不可以",
    "能", "能不能", "会", "吗", "呢", "啊", "吧", "呀", "的", "了", "我", "我们", "你", "你们", "请问", "有没有",
    "是不是", "咋", "啥", "谁", "要", "想", "需要", "一下", "一个", "这个", "那个", "还", "也", "就", "都", "和",
    "跟", "在", "是", "有",
})
_WORD_OK = re.compile(r"\w", re.UNICODE)

EVENT_COLUMNS = ("ts", "user_key", "campaign", "kind", "text", "clause", "faq", "answered", "program")
_SELECT = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE ts >= ? ORDER BY ts, id"


class ReportError(Exception):
    """The report cannot be made (no database, not a database); the message says why."""


@dataclass(frozen=True)
class LogEvent:
    """One row of the message log, as the report needs it."""

    ts: float
    user_key: str
    campaign: str | None
    kind: str  # start | question | questionnaire_started | questionnaire_completed
    text: str | None = None
    clause: str | None = None
    faq: str | None = None
    answered: bool | None = None
    program: str | None = None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> LogEvent:
        ts, user_key, campaign, kind, text, clause, faq, answered, program = row
        return cls(float(ts), str(user_key), campaign or None, str(kind), text, clause, faq,
                   None if answered is None else bool(answered), program)

    @property
    def day(self) -> date:
        return datetime.fromtimestamp(self.ts).date()


# ---------------------------------------------------------------- reading the log


def day_start(day: date | None) -> float:
    """Local midnight of `day` as a Unix time; 0 (everything) for None."""
    return datetime.combine(day, datetime.min.time()).timestamp() if day else 0.0


def open_readonly(path: Path | str) -> Any:
    """A read-only connection to the bot's database: a report never creates or changes it.
    A SQLite file gives a sqlite3 connection; a PostgreSQL URL (`postgresql://…`) a
    `dialog.storage.postgres.ReadonlyConnection`, read the same way (`execute`, `close`)."""
    if is_postgres_url(path):
        from dialog.storage.postgres import ReadonlyConnection, redact_url

        try:
            conn = ReadonlyConnection(str(path))
            conn.execute("SELECT 1 FROM events LIMIT 1")
        except Exception as exc:  # noqa: BLE001 - unreachable, refused, no such database or table
            raise ReportError(f"cannot read the log in {redact_url(str(path))} ({type(exc).__name__}: {exc})") from None
        return conn
    if str(path) == ":memory:" or not Path(path).is_file():
        raise ReportError(f"no database at {path} (setting db / POLICYBOT_DB): "
                          "the bot has not stored anything there yet, or the path is wrong")
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("SELECT 1 FROM events LIMIT 1")
    except sqlite3.DatabaseError as exc:
        raise ReportError(f"{path} is not the bot's database ({exc})") from None
    return conn


def read_events(conn: Any, since: date | None = None) -> list[LogEvent]:
    """The log rows from `since` (inclusive, local day) on, oldest first."""
    return [LogEvent.from_row(r) for r in conn.execute(_SELECT, (day_start(since),))]


async def read_events_async(db: Any, since: date | None = None) -> list[LogEvent]:
    """Same as `read_events`, through the SQLite store's own connection (`Store.db`)."""
    async with db.execute(_SELECT, (day_start(since),)) as cur:
        rows = await cur.fetchall()
    return [LogEvent.from_row(r) for r in rows]


# ---------------------------------------------------------------- the numbers


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


@dataclass(frozen=True)
class Totals:
    users: int = 0
    questions: int = 0
    answered: int = 0
    started: int = 0  # questionnaires started
    completed: int = 0  # questionnaires completed

    @property
    def answered_share(self) -> float | None:
        return share(self.answered, self.questions)


@dataclass(frozen=True)
class DayRow:
    day: date
    totals: Totals


@dataclass(frozen=True)
class CampaignRow:
    campaign: str  # DIRECT for no campaign
    opened: int  # distinct users with any event
    asked: int  # distinct users who asked a question or started a questionnaire
    completed: int  # distinct users who completed a questionnaire
    questions: int
    answered: int

    @property
    def label(self) -> str:
        """直接访问, or the campaign's name (a Chinese name's zh_ id read back: dialog.campaigns)."""
        return DIRECT_LABEL if self.campaign == DIRECT else campaign_name(self.campaign)


@dataclass(frozen=True)
class ProgramRow:
    program: str
    label: str
    started: int
    completed: int


@dataclass(frozen=True)
class ClauseRow:
    clause: str
    title: str  # "" when unknown
    count: int  # answered questions citing it first


@dataclass(frozen=True)
class UnansweredGroup:
    """Alike unanswered questions: the representative first, then the other phrasings."""

    text: str  # the representative phrasing (most frequent)
    count: int  # how often any phrasing of the group was asked
    phrasings: tuple[tuple[str, int], ...]  # (phrasing, times), most frequent first

    @property
    def key(self) -> str:
        return question_key(self.text)


@dataclass(frozen=True)
class Report:
    first_day: date | None
    last_day: date | None
    totals: Totals
    days: tuple[DayRow, ...]  # every day from first to last, empty days included
    campaigns: tuple[CampaignRow, ...]
    programs: tuple[ProgramRow, ...]
    clauses: tuple[ClauseRow, ...]
    unanswered: tuple[UnansweredGroup, ...]
    unanswered_total: int = 0

    @property
    def period(self) -> str:
        if self.first_day is None or self.last_day is None:
            return "（没有记录）"
        if self.first_day == self.last_day:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()} 至 {self.last_day.isoformat()}"


def _report_span(days_seen: Iterable[date], since: date | None,
                 until: date | None) -> tuple[date | None, date | None, list[date]]:
    """(first, last, every day from first to last): first is `since` else the first day seen,
    last the latest of the days seen and `until` (never before first); empty days are listed
    so that a gap shows. The list is empty when either end is unknown."""
    seen = list(days_seen)
    first = since or (min(seen) if seen else None)
    last = max([*seen, *([until] if until else [])]) if (seen or until) else None
    if first is None or last is None:
        return first, last, []
    last = max(last, first)
    return first, last, [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _totals(events: Iterable[LogEvent]) -> Totals:
    users: set[str] = set()
    questions = answered = started = completed = 0
    for e in events:
        users.add(e.user_key)
        if e.kind == "question":
            questions += 1
            answered += bool(e.answered)
        elif e.kind == "questionnaire_started":
            started += 1
        elif e.kind == "questionnaire_completed":
            completed += 1
    return Totals(len(users), questions, answered, started, completed)


def build_report(events: Sequence[LogEvent], *, since: date | None = None, until: date | None = None,
                 titles: Mapping[str, str] | None = None, program_labels: Mapping[str, str] | None = None,
                 words: Callable[[str], Iterable[str]] | None = None, top: int = 10,
                 threshold: float = 0.5) -> Report:
    """Every number of the report from the log rows (already filtered by `since`).

    `titles` maps clause ids to a readable title and `program_labels` program ids to their
    names (both optional: ids are shown without them). `words` segments a question for
    grouping (default: jieba). `until` extends the day list to that day (e.g. today)."""
    titles = titles or {}
    labels = {FINDER_ID: FINDER_LABEL, **(program_labels or {})}
    by_day: dict[date, list[LogEvent]] = defaultdict(list)
    for e in events:
        by_day[e.day].append(e)
    first, last, span = _report_span(by_day, since, until)
    days = [DayRow(d, _totals(by_day.get(d, []))) for d in span]

    per_campaign: dict[str, list[LogEvent]] = defaultdict(list)
    for e in events:
        per_campaign[e.campaign or DIRECT].append(e)
    campaigns = []
    for name, evs in per_campaign.items():
        t = _totals(evs)
        asked = {e.user_key for e in evs if e.kind in ("question", "questionnaire_started")}
        done = {e.user_key for e in evs if e.kind == "questionnaire_completed"}
        campaigns.append(CampaignRow(name, t.users, len(asked), len(done), t.questions, t.answered))
    campaigns.sort(key=lambda c: (-c.opened, c.campaign == DIRECT, c.campaign))

    started = Counter(e.program for e in events if e.kind == "questionnaire_started" and e.program)
    completed = Counter(e.program for e in events if e.kind == "questionnaire_completed" and e.program)
    programs = [ProgramRow(p, labels.get(p, p), started[p], completed[p]) for p in set(started) | set(completed)]
    programs.sort(key=lambda p: (-p.started, -p.completed, p.program))

    cited = Counter(e.clause for e in events if e.kind == "question" and e.answered and e.clause)
    clauses = [ClauseRow(c, titles.get(c, ""), n) for c, n in sorted(cited.items(), key=lambda kv: (-kv[1], kv[0]))]

    unanswered_texts = [e.text for e in events if e.kind == "question" and e.answered is False and e.text
                        and not carries_secret(e.text)]
    groups = group_unanswered(unanswered_texts, words=words, threshold=threshold)
    return Report(first, last, _totals(events), tuple(days), tuple(campaigns), tuple(programs),
                  tuple(clauses[:top]), tuple(groups), len(unanswered_texts))


# ---------------------------------------------------------------- grouping alike questions


def question_key(text: str) -> str:
    """The text reduced for "same question": NFKC, no punctuation/spaces/symbols, lower case.
    Coarser than the FAQ checker's duplicate key, so two stubs can never be its duplicates."""
    return normalize_question(text).lower()


def default_words(stopwords: Iterable[str] = ()) -> Callable[[str], list[str]]:
    """jieba's accurate-mode words of a question, without punctuation and `stopwords`."""
    import jieba  # late: the dictionary load costs a second, only grouping needs it

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict…" chatter in reports

    skip = frozenset(stopwords)

    def words(text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        return [w for w in jieba.lcut(text, HMM=False) if w.strip() and _WORD_OK.search(w) and w not in skip]

    return words


def jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def group_unanswered(texts: Iterable[str], *, words: Callable[[str], Iterable[str]] | None = None,
                     threshold: float = 0.5) -> list[UnansweredGroup]:
    """Alike questions grouped, most frequent group first (ties: first asked first)."""
    return group_unanswered_counts(((text, 1) for text in texts), words=words, threshold=threshold)


def group_unanswered_counts(counted: Iterable[tuple[str, int]], *,
                            words: Callable[[str], Iterable[str]] | None = None,
                            threshold: float = 0.5) -> list[UnansweredGroup]:
    """`group_unanswered` from (text, times asked) pairs in the order first asked (what SQL's
    GROUP BY gives), so a million rows never have to be in memory at once.

    Each question joins the group whose representative's words are most alike (Jaccard >=
    `threshold`; the earliest group on a tie), else starts its own. Only groups sharing a
    word with it are compared, and only words from the *prefix* of each word set (its rarest
    words first, as many as could still reach the threshold: |x| - ceil(t·|x|) + 1) are
    indexed: two sets with Jaccard >= t always share a word within both prefixes, so the
    result is the same as comparing with every group, in time close to linear in the number
    of distinct questions instead of quadratic (10,000 distinct questions took 3.9 s).
    Memory: one small tuple per distinct question (65,000 distinct texts: ~30 MB)."""
    forms: dict[str, Any] = {}  # key -> (text, times), or {text: times} once it has several phrasings
    order: dict[str, int] = {}
    for raw, times in counted:
        if not raw or carries_secret(raw):  # a token typed after /admin is never shown
            continue
        text = " ".join(raw.split())
        key = question_key(text)
        if not key:
            continue  # "？？" says nothing to group or to turn into an FAQ
        entry = forms.get(key)
        if entry is None:
            forms[key] = (text, times)
            order[key] = len(order)
        elif isinstance(entry, tuple):
            forms[key] = (text, entry[1] + times) if entry[0] == text else {entry[0]: entry[1], text: times}
        else:
            entry[text] = entry.get(text, 0) + times
    if not forms:
        return []
    words = words or default_words()
    keys = sorted(forms, key=lambda k: (-_total(forms[k]), order[k]))
    intern = sys.intern
    own_words = {key: tuple({intern(w) for w in words(_phrasings(forms[key])[0][0]) if w not in QUESTION_WORDS})
                 for key in keys}
    frequency: Counter[str] = Counter(w for ws in own_words.values() for w in ws)

    def prefix(ws: Iterable[str]) -> list[str]:
        ranked = sorted(ws, key=lambda w: (frequency[w], w))
        if threshold <= 0:
            return ranked
        return ranked[:len(ranked) - math.ceil(threshold * len(ranked) - 1e-9) + 1]

    groups: list[tuple[frozenset[str], list[str]]] = []  # (representative's words, member keys)
    index: dict[str, list[int]] = defaultdict(list)  # prefix word -> groups
    for key in keys:
        own = frozenset(own_words.pop(key))
        if threshold <= 0:
            candidates: Iterable[int] = range(len(groups))
        else:
            candidates = sorted({g for w in prefix(own) for g in index.get(w, ())})
        best, best_score = None, threshold
        for g in candidates:
            score = jaccard(own, groups[g][0])
            if score >= best_score and (best is None or score > best_score):
                best, best_score = g, score
        if best is None:
            for w in prefix(own):
                index[w].append(len(groups))
            groups.append((own, [key]))
        else:
            groups[best][1].append(key)
    out = []
    for _, members in groups:
        phrasings: list[tuple[str, int]] = []
        for key in members:
            phrasings += _phrasings(forms[key])
        phrasings.sort(key=lambda p: (-p[1], order[question_key(p[0])]))
        out.append(UnansweredGroup(phrasings[0][0], sum(n for _, n in phrasings), tuple(phrasings)))
    out.sort(key=lambda g: (-g.count, order[g.key]))
    return out


def _total(entry: tuple[str, int] | dict[str, int]) -> int:
    return entry[1] if isinstance(entry, tuple) else sum(entry.values())


def _phrasings(entry: tuple[str, int] | dict[str, int]) -> list[tuple[str, int]]:
    """The phrasings of one normalised question, most frequent first (ties: first asked)."""
    if isinstance(entry, tuple):
        return [entry]
    return sorted(entry.items(), key=lambda item: -item[1])


# ---------------------------------------------------------------- the numbers, in SQL

# The SQL below is read by SQLite and PostgreSQL alike (`?` placeholders become $1 … for
# PostgreSQL), except the local calendar day of a timestamp (`_day_sql`) and the scan hint.
_DAY = "date(ts, 'unixepoch', 'localtime')"
_ANSWERED = "(kind = 'question' AND coalesce(answered, 0) != 0)"


def _n(condition: str) -> str:
    """How many rows meet `condition` (SQLite sums booleans; PostgreSQL needs the CASE)."""
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


_QUESTIONS, _ANSWERED_N = _n("kind = 'question'"), _n(_ANSWERED)
_STARTED, _COMPLETED = _n("kind = 'questionnaire_started'"), _n("kind = 'questionnaire_completed'")
_SUMS = f"COUNT(DISTINCT user_key), {_QUESTIONS}, {_ANSWERED_N}, {_STARTED}, {_COMPLETED}"
_CAMPAIGN = f"CASE WHEN campaign IS NULL OR campaign = '' THEN '{DIRECT}' ELSE campaign END"


def _is_postgres(conn: Any) -> bool:
    return getattr(conn, "dialect", "sqlite") == "postgresql"


def local_zone() -> str | None:
    """This machine's IANA time zone (Asia/Shanghai) from TZ, /etc/timezone or the
    /etc/localtime link; None when it cannot be told (the UTC offset of now is used then)."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name and "/" in name and not name.startswith("/"):
        return name
    with contextlib.suppress(OSError):
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        if name:
            return name
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").resolve())
        if "/zoneinfo/" in target:
            return target.split("/zoneinfo/", 1)[1]
    return None


def _day_sql(conn: Any) -> tuple[str, tuple[Any, ...]]:
    """The local calendar day of `ts` as 'YYYY-MM-DD' (SQL, and its parameters, which come
    first): SQLite's localtime; on PostgreSQL this machine's zone, so both agree with
    `day_start` (local midnight)."""
    if not _is_postgres(conn):
        return _DAY, ()
    zone = local_zone()
    if zone:
        return "to_char(to_timestamp(ts) AT TIME ZONE ?, 'YYYY-MM-DD')", (zone,)
    offset = time.localtime().tm_gmtoff
    return "to_char(to_timestamp(ts + ?) AT TIME ZONE 'UTC', 'YYYY-MM-DD')", (float(offset),)


def _totals_row(row: Sequence[Any]) -> Totals:
    return Totals(*(int(v or 0) for v in row))


def _scan_hint(conn: Any, since: float) -> str:
    """"ts" (use the events_ts index) for a short recent range, "+ts" (read the table in order:
    2-8 times faster than a million index lookups) when the range covers much of the log.
    PostgreSQL's planner makes that choice itself from its statistics: always "ts" there."""
    if _is_postgres(conn):
        return "ts"
    oldest, newest = conn.execute("SELECT min(ts), max(ts) FROM events").fetchone()
    if oldest is None or newest is None or newest <= oldest:
        return "ts"
    return "+ts" if (newest - max(since, oldest)) / (newest - oldest) > 0.3 else "ts"


def aggregate(conn: Any, *, since: date | None = None, until: date | None = None,
              titles: Mapping[str, str] | None = None, program_labels: Mapping[str, str] | None = None,
              words: Callable[[str], Iterable[str]] | None = None, top: int = 10,
              threshold: float = 0.5, group: bool = True) -> Report:
    """The same Report as `build_report(read_events(conn, since), …)`, computed by the database
    (SQLite, or PostgreSQL through `open_readonly`'s connection):
    GROUP BY queries over the rows from `since` on, so only the per-day, per-campaign,
    per-program and per-clause numbers and the distinct unanswered texts (with their counts)
    ever reach Python. Memory does not grow with the number of rows. `group=False` skips
    grouping the unanswered texts (their count stays right): /stats does not show them.
    Meant for a read-only connection of its own (`open_readonly`), in a process of its own
    (`run_report`): it never uses the bot's writer, its event loop or its interpreter."""
    titles = titles or {}
    labels = {FINDER_ID: FINDER_LABEL, **(program_labels or {})}
    start = (day_start(since),)
    where = f"FROM events WHERE {_scan_hint(conn, start[0])} >= ?"
    day, day_args = _day_sql(conn)
    day_rows = conn.execute(f"SELECT {day} AS d, {_SUMS} {where} GROUP BY d", (*day_args, *start)).fetchall()
    by_day = {date.fromisoformat(d): _totals_row(rest) for d, *rest in day_rows if d}
    totals = _totals_row(conn.execute(f"SELECT {_SUMS} {where}", start).fetchone())
    first, last, span = _report_span(by_day, since, until)
    days = [DayRow(d, by_day.get(d, Totals())) for d in span]

    campaigns = [
        CampaignRow(name, int(opened), int(asked), int(done), int(questions or 0), int(answered or 0))
        for name, opened, asked, done, questions, answered in conn.execute(
            f"SELECT {_CAMPAIGN} AS c, COUNT(DISTINCT user_key), "
            "COUNT(DISTINCT CASE WHEN kind IN ('question', 'questionnaire_started') THEN user_key END), "
            "COUNT(DISTINCT CASE WHEN kind = 'questionnaire_completed' THEN user_key END), "
            f"{_QUESTIONS}, {_ANSWERED_N} {where} GROUP BY c", start)]
    campaigns.sort(key=lambda c: (-c.opened, c.campaign == DIRECT, c.campaign))

    programs = [ProgramRow(p, labels.get(p, p), int(started or 0), int(completed or 0))
                for p, started, completed in conn.execute(
                    f"SELECT program, {_STARTED}, {_COMPLETED} "
                    f"{where} AND kind IN ('questionnaire_started', 'questionnaire_completed') "
                    "AND program IS NOT NULL AND program != '' GROUP BY program", start)]
    programs.sort(key=lambda p: (-p.started, -p.completed, p.program))

    clauses = [ClauseRow(c, titles.get(c, ""), int(n)) for c, n in conn.execute(
        f"SELECT clause, COUNT(*) AS n {where} AND {_ANSWERED} AND clause IS NOT NULL AND clause != '' "
        "GROUP BY clause ORDER BY n DESC, clause LIMIT ?", (*start, top))]

    unanswered_sql = (f"SELECT text, COUNT(*), MIN(ts) AS first {where} AND kind = 'question' AND answered = 0 "
                      "AND text IS NOT NULL AND text != '' GROUP BY text ORDER BY first")
    asked = [0]

    def counted() -> Iterable[tuple[str, int]]:  # streamed from SQLite, counted on the way
        for text, n, _ in conn.execute(unanswered_sql, start):
            if not carries_secret(text):
                asked[0] += int(n)
                yield text, int(n)

    if group:
        groups = group_unanswered_counts(counted(), words=words, threshold=threshold)
    else:
        groups = []
        for _ in counted():
            pass
    return Report(first, last, totals, tuple(days), tuple(campaigns), tuple(programs), tuple(clauses),
                  tuple(groups), asked[0])


# ---------------------------------------------------------------- text


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clause_label(row: ClauseRow, limit: int = 18) -> str:
    return f"{row.clause} {_short(row.title, limit)}" if row.title else f"第{row.clause}条"


def _program_label(row: ProgramRow) -> str:
    """The program's Chinese name; the finder (FINDER_ID, an internal id) as FINDER_LABEL even
    when no labels were given. Staff never see the internal id."""
    return FINDER_LABEL if row.program == FINDER_ID else row.label


def _campaign_key(row: CampaignRow) -> str:
    """The campaign as a CSV key: its name (a zh_ id read back), DIRECT for direct visits."""
    return row.campaign if row.campaign == DIRECT else campaign_name(row.campaign)


def render_stats_compact(report: Report, *, max_days: int = 14, max_campaigns: int = 8, max_clauses: int = 5) -> str:
    """/stats: the numbers that fit a phone screen without scrolling sideways."""
    t = report.totals
    lines = [f"统计：{report.period}",
             f"用户 {t.users} · 提问 {t.questions} · 答上 {t.answered}（{percent(t.answered_share)}）",
             f"测评：开始 {t.started} · 完成 {t.completed}"]
    active = [row for row in report.days if row.totals.users]
    if not active:
        lines.append("（这段时间没有记录）")
    else:
        lines.append("— 按天：提问 答上率 用户 测评开始/完成 —")
        shown = active[-max_days:]
        if len(shown) < len(report.days):
            lines.append(f"（只列有记录的最近{max_days}天）" if len(active) > max_days else "（没列出的日子没有记录）")
        for row in reversed(shown):
            d = row.totals
            lines.append(f"{row.day:%m-%d} 提问{d.questions} {percent(d.answered_share)} 用户{d.users} "
                         f"测评{d.started}/{d.completed}")
    if report.campaigns:
        lines.append("— 按来源：打开→提问→完成测评 —")
        for c in report.campaigns[:max_campaigns]:
            lines.append(f"{c.label} {c.opened}→{c.asked}→{c.completed}")
        if len(report.campaigns) > max_campaigns:
            lines.append(f"…另有{len(report.campaigns) - max_campaigns}个来源")
    if report.clauses:
        lines.append("— 热门条款（答上的提问）—")
        lines += [f"{_clause_label(c, 14)} ×{c.count}" for c in report.clauses[:max_clauses]]
    if report.programs:
        lines.append("— 测评项目：开始/完成 —")
        lines += [f"{_short(_program_label(p), 14)} {p.started}/{p.completed}" for p in report.programs[:5]]
    return "\n".join(lines)


def render_unanswered_compact(report: Report, *, limit: int = 10, also: int = 3) -> str:
    """/unanswered: the groups, most frequent first, with a few other phrasings each."""
    if not report.unanswered:
        return f"{report.period}：没有答不上的问题。"
    lines = [f"答不上的问题（{report.period}，共{report.unanswered_total}次，{len(report.unanswered)}组）："]
    for i, g in enumerate(report.unanswered[:limit], 1):
        lines.append(f"{i}. {_short(g.text, 40)}（{g.count}次）")
        others = [p for p, _ in g.phrasings[1:also + 1]]
        if others:
            lines.append("   也问：" + " · ".join(_short(p, 20) for p in others))
    if len(report.unanswered) > limit:
        lines.append(f"…另有{len(report.unanswered) - limit}组")
    lines.append("可在服务器上运行 policybot report --faq-stubs 生成常见问答草稿。")
    return "\n".join(lines)


def render_text(report: Report) -> str:
    """`policybot report`: everything, for a terminal or a text file."""
    t = report.totals
    out = [f"临夏就业政策助手 · 使用报告 {report.period}", "",
           f"用户 {t.users}  提问 {t.questions}  答上 {t.answered}（{percent(t.answered_share)}）  "
           f"测评开始 {t.started}  测评完成 {t.completed}", "",
           "按天        用户  提问  答上率  测评开始  测评完成"]
    for row in report.days:
        d = row.totals
        out.append(f"{row.day.isoformat()}  {d.users:4d}  {d.questions:4d}  {percent(d.answered_share):>6}  "
                   f"{d.started:8d}  {d.completed:8d}")
    out += ["", "按来源（人数）  打开 → 提问/测评 → 完成测评   提问  答上率"]
    for c in report.campaigns:
        out.append(f"{c.label}  {c.opened} → {c.asked} → {c.completed}   {c.questions}  "
                   f"{percent(share(c.answered, c.questions))}")
    out += ["", "热门条款（答上的提问次数）"]
    out += [f"{c.count:5d}  {_clause_label(c, 40)}" for c in report.clauses] or ["  （无）"]
    out += ["", "测评项目  开始  完成"]
    out += [f"{_program_label(p)}  {p.started}  {p.completed}" for p in report.programs] or ["  （无）"]
    out += ["", f"答不上的问题：共 {report.unanswered_total} 次，{len(report.unanswered)} 组"]
    for i, g in enumerate(report.unanswered, 1):
        out.append(f"{i:3d}. ({g.count}) {g.text}")
        out += [f"       ({n}) {p}" for p, n in g.phrasings[1:]]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- CSV

CSV_HEADER = ("section", "key", "label", "metric", "value")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(report: Report) -> list[tuple[str, str, str, str, str]]:
    """The report as (section, key, label, metric, value) rows, header not included."""
    rows: list[tuple[object, ...]] = []

    def totals(section: str, key: str, label: str, t: Totals) -> None:
        share_text = "" if t.answered_share is None else f"{t.answered_share:.3f}"
        for metric, value in (("users", t.users), ("questions", t.questions), ("answered", t.answered),
                              ("answered_share", share_text), ("questionnaires_started", t.started),
                              ("questionnaires_completed", t.completed)):
            rows.append((section, key, label, metric, value))

    span = f"{report.first_day.isoformat()}/{report.last_day.isoformat()}" if report.first_day and report.last_day else ""
    totals("summary", span, "", report.totals)
    for row in report.days:
        totals("day", row.day.isoformat(), "", row.totals)
    for c in report.campaigns:
        for metric, value in (("opened", c.opened), ("asked", c.asked), ("completed", c.completed),
                              ("questions", c.questions), ("answered", c.answered)):
            rows.append(("campaign", _campaign_key(c), c.label, metric, value))
    for p in report.programs:
        key = FINDER_LABEL if p.program == FINDER_ID else p.program  # never the internal id
        rows += [("program", key, _program_label(p), "started", p.started),
                 ("program", key, _program_label(p), "completed", p.completed)]
    for c in report.clauses:
        rows.append(("clause", c.clause, c.title, "answered_questions", c.count))
    for i, g in enumerate(report.unanswered, 1):
        rows.append(("unanswered", str(i), g.text, "count", g.count))
        rows += [("unanswered_phrasing", str(i), p, "count", n) for p, n in g.phrasings]
    return [tuple(_cell(v) for v in r) for r in rows]  # type: ignore[misc]


def render_csv(report: Report, *, bom: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(report))
    return ("\ufeff" if bom else "") + buffer.getvalue()


# ---------------------------------------------------------------- HTML with inline SVG
#
# Made to be read on a phone (360 px, where the report is often opened from WeChat) as well as
# on a desktop. Every chart is an SVG drawn for a 360-unit-wide viewBox and shown at the page's
# width (`width:100%`, at most CHART_MAX_PX), so one unit is 0.93 px on a 360-px phone and
# 1.33 px on a desktop: labels of CHART_FONT units stay at least 12 px everywhere (they shrank
# to 5-8 px when the charts were drawn 720 wide). Horizontal bars carry their label on a line
# of its own above the bar, wrapped rather than cut. Tables sit in a container that scrolls
# sideways on its own, so the page itself never does.

_GREEN, _AMBER, _BLUE, _GREY = "#2e7d32", "#f0a202", "#1f5fa8", "#9aa5b1"
_FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
CHART_WIDTH = 360  # viewBox units
CHART_FONT = 14  # viewBox units: ≥ 13 px on a 360-px phone (0.93 px per unit)
CHART_MAX_PX = 480  # a chart is never drawn wider than this (desktop: 1.33 px per unit)


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _nice_max(value: int) -> int:
    """A round axis maximum >= value (1, 2, 5, 10, 20, 50 …)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def _em(text: str) -> float:
    """Rough width of `text` in em: CJK and full-width characters 1, others 0.6."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.6 for ch in text)


def _wrap(text: str, width_em: float, max_lines: int = 3) -> list[str]:
    """`text` in lines of at most `width_em` em (see `_em`), cut nowhere but between
    characters; past `max_lines` the last line ends with … (the full text is in the title)."""
    lines, line = [], ""
    for ch in text:
        if line and _em(line + ch) > width_em:
            lines.append(line)
            line = ""
        line += ch
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines or [""]


def _svg_open(height: float, aria: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {height:.0f}" role="img" aria-label="{esc(aria)}" '
            f'font-size="{CHART_FONT}">')


def _legend(y: float, items: Sequence[tuple[str, str]]) -> str:
    return (f'<text x="0" y="{y:.0f}" class="legend">'
            + " ".join(f'<tspan fill="{color}">■</tspan> {esc(name)}' for name, color in items) + "</text>")


def _date_ticks(n: int, slot: float) -> int:
    """Label every k-th day so that labels (“11-05”, ~3 em) never touch: k from the slot width."""
    return max(1, math.ceil(CHART_FONT * 3.6 / max(slot, 0.01)), round(n / 6))


def svg_day_bars(days: Sequence[DayRow]) -> str:
    """Questions per day, the answered part in green on top of the unanswered part."""
    width, height, left, right, top, bottom = CHART_WIDTH, 226, 34, 6, 36, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(days), 1)
    ymax = _nice_max(max((d.totals.questions for d in days), default=0))
    slot = plot_w / n
    bar = max(slot * 0.75, 0.8)
    parts = [_svg_open(height, "每天提问数"), _legend(16, (("答上", _GREEN), ("答不上", _AMBER)))]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 4}" y="{y + (5 if frac else -3):.1f}" text-anchor="end">'
                     f'{esc(_fmt_num(ymax * frac))}</text>')  # 0 above its line: clear of the dates
    every = _date_ticks(n, slot)
    for i, row in enumerate(days):
        t = row.totals
        x = left + i * slot + (slot - bar) / 2
        h_all = plot_h * t.questions / ymax
        h_ok = plot_h * t.answered / ymax
        tip = f"{row.day.isoformat()}：提问 {t.questions}，答上 {t.answered}（{percent(t.answered_share)}）"
        parts.append(f'<g><title>{esc(tip)}</title>'
                     f'<rect x="{x:.1f}" y="{top + plot_h - h_all:.1f}" width="{bar:.1f}" height="{h_all - h_ok:.1f}" fill="{_AMBER}"/>'
                     f'<rect x="{x:.1f}" y="{top + plot_h - h_ok:.1f}" width="{bar:.1f}" height="{h_ok:.1f}" fill="{_GREEN}"/></g>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 6}" text-anchor="middle">{row.day:%m-%d}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_share_line(days: Sequence[DayRow]) -> str:
    """The answered share per day (days without questions leave a gap)."""
    width, height, left, right, top, bottom = CHART_WIDTH, 190, 44, 10, 14, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(days), 1)
    slot = plot_w / n
    parts = [_svg_open(height, "每天答上率")]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 4}" y="{y + (5 if frac else -3):.1f}" text-anchor="end">{round(frac * 100)}%</text>')
    segment: list[str] = []
    segments: list[list[str]] = []
    every = _date_ticks(n, slot)
    for i, row in enumerate(days):
        x = left + i * slot + slot / 2
        s = row.totals.answered_share
        if s is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            y = top + plot_h * (1 - s)
            segment.append(f"{x:.1f},{y:.1f}")
            tip = f"{row.day.isoformat()}：答上率 {percent(s)}（{row.totals.answered}/{row.totals.questions}）"
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{_BLUE}"><title>{esc(tip)}</title></circle>')
        if i % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">{row.day:%m-%d}</text>')
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{_BLUE}" stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _value_room(vmax: int) -> float:
    """Units to keep right of the longest bar for its value (digits 0.6 em each, a 5-unit gap)."""
    return 8 + 0.6 * CHART_FONT * len(str(vmax))


def svg_hbars(items: Sequence[tuple[str, int]], *, color: str = _BLUE, aria: str = "") -> str:
    """Horizontal bars, one (label, value) each: the label on its own line(s) above its bar
    (wrapped, never cut short), the value after the bar; longest bar = the largest value."""
    width, line_h, bar_h, gap = CHART_WIDTH, round(CHART_FONT * 1.5), 12, 10  # a line: the font's 1.4 em box
    vmax = max((v for _, v in items), default=0) or 1
    bar_w = width - _value_room(vmax)
    parts: list[str] = []
    y = 2.0
    for label, value in items:
        lines = _wrap(label, width / CHART_FONT)
        parts.append(f"<g><title>{esc(label)}：{value}</title>")
        for line in lines:
            y += line_h
            parts.append(f'<text x="0" y="{y - 5:.1f}">{esc(line)}</text>')
        w = max(bar_w * value / vmax, 1.0)
        parts.append(f'<rect x="0" y="{y:.1f}" width="{w:.1f}" height="{bar_h}" fill="{color}"/>'
                     f'<text x="{w + 5:.1f}" y="{y + bar_h - 1:.1f}">{value}</text></g>')
        y += bar_h + gap
    return _svg_open(max(y, 20), aria) + "".join(parts) + "</svg>"


def svg_funnel(campaigns: Sequence[CampaignRow]) -> str:
    """Per campaign, in people: its name above three bars, opened -> asked -> completed."""
    width, line_h, bar_h, gap = CHART_WIDTH, round(CHART_FONT * 1.5), 11, 12
    stages = (("打开", _GREY), ("提问/测评", _BLUE), ("完成测评", _GREEN))
    vmax = max((c.opened for c in campaigns), default=0) or 1
    bar_w = width - _value_room(vmax)
    parts = [_legend(16, stages)]
    y = 24.0
    for c in campaigns:
        parts.append("<g>")
        for line in _wrap(c.label, width / CHART_FONT, 2):
            y += line_h
            parts.append(f'<text x="0" y="{y - 5:.1f}">{esc(line)}</text>')
        for (name, color), value in zip(stages, (c.opened, c.asked, c.completed), strict=True):
            w = max(bar_w * value / vmax, 1.0)
            parts.append(f'<rect x="0" y="{y:.1f}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                         f'<title>{esc(c.label)} {name}：{value}人</title></rect>'
                         f'<text x="{w + 5:.1f}" y="{y + bar_h - 1:.1f}">{value}</text>')
            y += bar_h + 3
        parts.append("</g>")
        y += gap
    return _svg_open(max(y, 30), "来源漏斗") + "".join(parts) + "</svg>"


def _fmt_num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


_CSS = f"""
*{{box-sizing:border-box}}
body{{font-family:{_FONT};margin:0 auto;max-width:760px;padding:12px;color:#1d2733;background:#fff;
font-size:16px;line-height:1.5;-webkit-text-size-adjust:100%;text-size-adjust:100%}}
h1{{font-size:1.3em;margin:.2em 0}} h2{{font-size:1.1em;margin:1.5em 0 .4em;border-bottom:1px solid #dde3ea}}
.kpi{{display:grid;grid-template-columns:repeat(auto-fill,minmax(6.5em,1fr));gap:8px}}
.kpi div{{background:#f3f6f9;border-radius:8px;padding:6px 10px}} .kpi b{{display:block;font-size:1.35em}}
.chart{{display:block;width:100%;max-width:{CHART_MAX_PX}px;height:auto;font-family:{_FONT}}}
.chart text{{fill:#1d2733}} .chart .grid{{stroke:#e6eaef}}
.scroll{{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}}
table{{border-collapse:collapse;width:100%;font-size:.95em}}
td,th{{border-bottom:1px solid #e6eaef;padding:5px 6px;text-align:left;vertical-align:top;white-space:nowrap}}
th{{white-space:normal;vertical-align:bottom}}
td.n,th.n{{text-align:right}} td.t{{white-space:normal;min-width:8em;overflow-wrap:anywhere}}
.muted{{color:#5b6570;font-size:.9em}}
"""


def render_html(report: Report) -> str:
    """One self-contained page: numbers, charts (inline SVG) and tables; nothing loaded.
    Readable at 360 px (see the notes above `CHART_WIDTH`); ids never shown, only names."""
    t = report.totals
    kpis = [("用户", t.users), ("提问", t.questions), ("答上率", percent(t.answered_share)),
            ("测评开始", t.started), ("测评完成", t.completed), ("答不上", report.unanswered_total)]
    body = [f"<h1>临夏就业政策助手 · 使用报告</h1><p class='muted'>{esc(report.period)}</p>",
            "<div class='kpi'>" + "".join(f"<div>{esc(k)}<b>{esc(v)}</b></div>" for k, v in kpis) + "</div>"]
    body += ["<h2>每天提问数</h2>", svg_day_bars(report.days),
             "<h2>每天答上率</h2>", svg_share_line(report.days)]
    body.append("<h2>热门话题（答上的提问次数）</h2>")
    if report.clauses:
        body.append(svg_hbars([(_clause_label(c, 40), c.count) for c in report.clauses], aria="热门话题"))
    else:
        body.append("<p class='muted'>（无）</p>")
    body.append("<h2>来源漏斗（人数）：打开 → 提问/测评 → 完成测评</h2>")
    if report.campaigns:
        body.append(svg_funnel(report.campaigns))
        body.append(_table(("来源", "打开", "提问/测评", "完成测评", "提问", "答上率"),
                           [(c.label, c.opened, c.asked, c.completed, c.questions,
                             percent(share(c.answered, c.questions))) for c in report.campaigns]))
    else:
        body.append("<p class='muted'>（无）</p>")
    if report.programs:
        body.append("<h2>测评项目</h2>")
        body.append(_table(("项目", "开始", "完成"), [(_program_label(p), p.started, p.completed)
                                                    for p in report.programs]))
    body.append("<h2>按天</h2>")
    body.append(_table(("日期", "用户", "提问", "答上率", "测评开始", "测评完成"),
                       [(r.day.isoformat(), r.totals.users, r.totals.questions, percent(r.totals.answered_share),
                         r.totals.started, r.totals.completed) for r in report.days], text_column=False))
    body.append(f"<h2>答不上的问题（共{report.unanswered_total}次，{len(report.unanswered)}组）</h2>")
    if report.unanswered:
        rows = []
        for g in report.unanswered:
            others = "".join(f"<br>（{n}）{esc(p)}" for p, n in g.phrasings[1:])
            rows.append(f"<tr><td class='n'>{g.count}</td><td class='t'>{esc(g.text)}{others}</td></tr>")
        body.append("<div class='scroll'><table><tr><th class='n'>次数</th><th>问法</th></tr>"
                    + "".join(rows) + "</table></div>")
        body.append("<p class='muted'>policybot report --faq-stubs 可把这些问题生成常见问答草稿。</p>")
    else:
        body.append("<p class='muted'>（无）</p>")
    return ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>使用报告 {esc(report.period)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], *, text_column: bool = True) -> str:
    """A table in a container that scrolls sideways by itself; the first column is text that
    may wrap (`text_column`), the others are numbers kept on one line and right-aligned."""
    first = " class=t" if text_column else ""
    head = "".join(f"<th{' class=n' if i else ''}>{esc(h)}</th>" for i, h in enumerate(header))
    lines = []
    for row in rows:
        cells = "".join(f"<td{' class=n' if i else first}>{esc(v)}</td>" for i, v in enumerate(row))
        lines.append(f"<tr>{cells}</tr>")
    return f"<div class='scroll'><table><tr>{head}</tr>{''.join(lines)}</table></div>"


# ---------------------------------------------------------------- FAQ stubs


@dataclass
class StubOptions:
    existing_ids: frozenset[str] = frozenset()
    existing_questions: frozenset[str] = frozenset()  # normalize_question() of every FAQ phrasing
    max_phrasings: int = 6
    skipped: list[str] = field(default_factory=list)  # groups left out (every phrasing in the FAQ)


def stub_id(group: UnansweredGroup, taken: set[str]) -> str:
    base = "todo-" + hashlib.sha1(group.key.encode("utf-8")).hexdigest()[:8]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def faq_stubs(groups: Sequence[UnansweredGroup], options: StubOptions | None = None, *,
              today: date | None = None) -> str:
    """YAML FAQ entries (id, the phrasings seen, empty answer, no clauses) for staff to fill."""
    options = options or StubOptions()
    taken = set(options.existing_ids)
    seen = set(options.existing_questions)
    header = [
        f"# 常见问答草稿（{(today or date.today()).isoformat()}，policybot report --faq-stubs）："
        "群众问过、机器人答不上的问题，每组一条。",
        "# 请填写 answer（大白话 2-4 句）和 clauses（依据的条款编号，如 [\"6\"]），删掉不合适的问法，",
        "# 放进 knowledge/data/faq/ 下的文件，运行 policybot check 无误后发送 /reload。",
        "# Draft FAQ entries: until answer and clauses are filled in, `policybot check` reports exactly those two.",
    ]
    blocks: list[str] = []
    for group in groups:
        questions = []
        for text, _ in group.phrasings:
            key = normalize_question(text)
            if not key or key in seen:
                continue
            seen.add(key)
            questions.append(text)
            if len(questions) >= options.max_phrasings:
                break
        if not questions:
            options.skipped.append(group.text)
            continue
        entry_id = stub_id(group, taken)
        taken.add(entry_id)
        entry = {"id": entry_id, "questions": questions, "answer": "", "clauses": []}
        dumped = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
        blocks.append(f"# 被问 {group.count} 次\n{dumped}")
    if not blocks:
        return "\n".join(header) + "\n# 没有需要补充的问题。\n[]\n"
    return "\n".join(header) + "\n\n" + "\n".join(blocks)


# ---------------------------------------------------------------- a report in a process of its own

REPORT_TIMEOUT_SECONDS = 300.0
RENDERS = ("stats", "unanswered")


def report_text(db: Path | str, *, since: date | None, until: date | None, render: str,
                data_dir: Path | None = None) -> str:
    """/stats or /unanswered ("stats" | "unanswered") as the chat shows it, computed here:
    clause titles and FAQ words from the knowledge YAML in `data_dir` (default: the packaged or
    POLICYBOT_DATA one; problems in it only cost the titles), the log from `db` read-only."""
    if render not in RENDERS:
        raise ValueError(render)
    from knowledge.base import load_knowledge

    try:
        kb, _ = load_knowledge(data_dir) if data_dir else load_knowledge()
    except Exception:  # noqa: BLE001 - titles and grouping words are a nicety; the numbers are not
        kb = None
    titles = {cid: c.title for cid, c in kb.clauses.items()} if kb is not None else {}
    labels: dict[str, str] = {}
    try:
        import eligibility

        labels = {p.id: p.label for p in eligibility.all_programs()}
    except Exception:  # noqa: BLE001, S110 - program ids are shown instead of their names
        pass
    words = None
    if render == "unanswered" and kb is not None:
        from knowledge.segmentation import Segmenter

        words = Segmenter(kb.lexicon).content_words
    conn = open_readonly(db)
    try:
        report = aggregate(conn, since=since, until=until, titles=titles, program_labels=labels, words=words,
                           group=render == "unanswered")
    finally:
        conn.close()
    return render_stats_compact(report) if render == "stats" else render_unanswered_compact(report)


REPORT_DB_ENV = "POLICYBOT_REPORT_DB"  # a PostgreSQL URL reaches the report's process here, not in argv


async def run_report(db: Path | str, *, since: date | None, until: date | None, render: str,
                     data_dir: Path | None = None, timeout: float = REPORT_TIMEOUT_SECONDS) -> str:
    """`report_text` in a child process (`python -m dialog.reports`), at a lower CPU priority
    (nice 10), awaited without blocking the event loop.

    Why a process: a report over a million rows is seconds of SQLite and Python work and up
    to ~100 MB of memory; in the bot's own process its Python work competed with every
    resident's turn for the GIL (chat p99 4.1 s), its memory stayed with the bot, and on the
    chat's connection it held up every commit. In a child it has its own interpreter and
    memory, which the operating system takes back when it ends, and the chat keeps its core.
    Raises ReportError (with the child's last line) on failure or after `timeout` s.
    A PostgreSQL URL (it may hold a password) goes to the child in its environment
    (REPORT_DB_ENV), never on its command line, which any local user can read."""
    env = None
    if is_postgres_url(db):
        env = {**os.environ, REPORT_DB_ENV: str(db)}
        args = [sys.executable, "-m", "dialog.reports", "--db-from-env", "--render", render]
    else:
        args = [sys.executable, "-m", "dialog.reports", "--db", str(db), "--render", render]
    if since is not None:
        args += ["--since", since.isoformat()]
    if until is not None:
        args += ["--until", until.isoformat()]
    if data_dir is not None:
        args += ["--data", str(data_dir)]
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE, env=env)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except BaseException as exc:  # too slow, or the bot is stopping: the child goes too
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        if isinstance(exc, TimeoutError):
            raise ReportError(f"the report took longer than {timeout:g} s and was stopped") from None
        raise
    if proc.returncode != 0:
        lines = err.decode("utf-8", "replace").strip().splitlines()
        raise ReportError(lines[-1] if lines else f"the report process ended with status {proc.returncode}")
    return out.decode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m dialog.reports --db FILE|--db-from-env --render stats|unanswered [--since D]
    [--until D] [--data DIR]`: the child of `run_report`; prints the text, exit 1 with one line
    on error. `--db-from-env`: the database (a PostgreSQL URL) is in REPORT_DB_ENV."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m dialog.reports")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", type=Path)
    source.add_argument("--db-from-env", action="store_true")
    parser.add_argument("--render", choices=RENDERS, required=True)
    parser.add_argument("--since", type=date.fromisoformat)
    parser.add_argument("--until", type=date.fromisoformat)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args(argv)
    with contextlib.suppress(OSError, AttributeError):
        os.nice(10)  # residents' turns first
    logging.basicConfig(level=logging.WARNING)
    try:
        db = os.environ.get(REPORT_DB_ENV, "") if args.db_from_env else args.db
        if not db:
            raise ReportError(f"--db-from-env: {REPORT_DB_ENV} is not set")
        text = report_text(db, since=args.since, until=args.until, render=args.render, data_dir=args.data)
    except Exception as exc:  # noqa: BLE001 - SQLite, PostgreSQL or file errors: one line for the bot
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
