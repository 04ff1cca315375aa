"""Live reload of the staff-edited YAML (FAQ, synonyms, documents, contacts, procedures,
parameters, the bot's fixed texts) without restarting the bot.

A reload loads the knowledge YAML and validates it together with the eligibility YAML —
exactly the checks of `policybot check`, producing the same `file:line: message` lines. Only
when there is no problem at all is the new knowledge base swapped into the engine
(`Engine.reload`); otherwise the bot keeps serving the previous data and the problems go back
to whoever asked (the admin's chat for /reload, the log for SIGHUP and the file watcher).

Triggers, and why these:
- `/reload` from an admin (dialog/admin.py): the person who edited gets the verdict, with the
  exact lines to fix, where they are. This is the documented way.
- SIGHUP (`systemctl reload policybot`, `kill -HUP PID`): the Unix convention for "re-read
  your configuration", for deploy scripts that copy new YAML and want it live. Without our
  handler SIGHUP would kill the process, so the handler is installed as soon as the reloader
  runs.
- A file watcher polling the YAML files' modification times and sizes every few seconds —
  OFF by default (`poll_seconds=0`). Polling needs no new dependency and works on any file
  system (inotify does not see edits over some network mounts), but an automatic reload takes
  a half-finished edit live the moment it happens to be valid, and tells nobody when it is
  not (only the log). Deployments where staff edit on the server and cannot send /reload turn
  it on; it waits until the files have been quiet for one interval, and does not retry the
  same broken files until they change again.

Several bot processes (a PostgreSQL store, `store.shared`): /reload or SIGHUP reaches one
process. A data version in the database carries it to the others: a process whose reload
succeeds bumps it (`bump_data_version`), and every process reads it every
`version_poll_seconds` (one indexed SELECT) and reloads its own files when it moved. A reload
that follows the version does not bump it again. The files must be the same on every machine
(the deployment copies them before sending the reload).

The slow parts (reading ~20 YAML files, building the retrieval index: 1-3 s) run in a worker
thread so that other residents' turns go on meanwhile; reloads are serialised by a lock.
Turns in flight finish with the knowledge they started with (see `Engine.reload`).

One moment for every file: the knowledge, the eligibility data, the fixed texts and the
understanding vocabulary are read one after the other, so an edit saved in between would pair
the new FAQ with the old button texts (measured: 217 of 3,028 replies while editing during
reloads). Every file's content is fingerprinted (`content_fingerprint`) before and after the
reading; when they differ, everything is read again (up to MAX_ATTEMPTS times, then the reload
fails and the previous data stays), so what is swapped in is what the files held at one moment.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import eligibility
from dialog import runtime_tuning
from dialog.texts import check_texts, default_texts_file
from dialog.understanding import check_vocabulary
from dialog.understanding.vocabulary import default_vocabulary_file
from eligibility.context import InvalidEligibilityData, load_context
from eligibility.context import default_data_dir as eligibility_data_dir
from knowledge.base import InvalidKnowledge, KnowledgeBase, default_data_dir, load_knowledge
from knowledge.yamlsource import Problem

log = logging.getLogger("policybot.reload")

DEFAULT_POLL_SECONDS = 3.0
DEFAULT_VERSION_POLL_SECONDS = 5.0  # how often a process sharing a PostgreSQL store reads the data version
FOLLOW_REASON = "data version"  # a reload that follows another process's: not announced again
MAX_ATTEMPTS = 4  # readings of all the files before a reload gives up because they keep changing
RETRY_PAUSE_SECONDS = 0.2
Fingerprint = dict[str, tuple[int, int]]
ContentFingerprint = dict[str, tuple[int, int, str]]
_DATA_SUFFIXES = (".yaml", ".yml", ".txt")


class ReloadableEngine(Protocol):
    """What the reloader needs from dialog.engine.Engine."""

    @property
    def kb(self) -> KnowledgeBase: ...

    def reload(self, kb: KnowledgeBase) -> None: ...


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: `ok` and the counts, or the problems (`file:line: message`)."""

    ok: bool
    reason: str
    problems: tuple[str, ...] = ()
    clauses: int = 0
    faq: int = 0
    seconds: float = 0.0
    at: float = field(default_factory=time.time)

    def summary(self, limit: int = 30) -> str:
        """The admin's reply: plain Chinese, the problem lines verbatim (as policybot check)."""
        if self.ok:
            return f"已重新加载：{self.clauses} 个条款，{self.faq} 条常见问答（用时 {self.seconds:.1f} 秒）。"
        lines = [f"数据有误，没有加载，机器人仍在使用上一版数据。请修改以下 {len(self.problems)} 处后再发送 /reload："]
        lines += list(self.problems[:limit])
        if len(self.problems) > limit:
            lines.append(f"……另有 {len(self.problems) - limit} 处，请在服务器上运行 policybot check 查看全部。")
        return "\n".join(lines)


def _accepts(reload: Callable[..., object], name: str) -> bool:
    """Whether `Engine.reload` takes this keyword (`ctx`: the eligibility context; `texts`:
    the fixed texts). Without `ctx` the reloader warms the engine's cache itself."""
    try:
        return name in inspect.signature(reload).parameters
    except (TypeError, ValueError):
        return False


def load_validated(data_dir: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load the knowledge YAML from `data_dir` and check it with the eligibility YAML.

    Same checks and same order as `policybot check` (knowledge.cli.all_problems), so staff
    see the same lines in the chat as on the console. Returns (kb, []) or (None, problems)."""
    kb, problems = load_knowledge(data_dir)
    problems = list(problems) + list(eligibility.validate(kb=kb))
    return (None, problems) if problems else (kb, [])


def watched_files(*folders: Path) -> list[Path]:
    """Every YAML file the bot reads from these folders (documents/, faq/, lexicon/ …)."""
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*.yaml") if p.is_file())
    return files


def fingerprint(folders: tuple[Path, ...]) -> Fingerprint:
    """(mtime in ns, size) of each watched file: any edit, new or removed file changes it."""
    out: Fingerprint = {}
    for path in watched_files(*folders):
        with contextlib.suppress(OSError):  # removed between listing and stat: next poll sees it
            st = path.stat()
            out[str(path)] = (st.st_mtime_ns, st.st_size)
    return out


def content_fingerprint(folders: tuple[Path, ...], files: tuple[Path, ...] = ()) -> ContentFingerprint:
    """(mtime in ns, size, SHA-256 of the content) of every data file (.yaml, .yml, .txt) in
    `folders` and of `files`: any edit, even one that keeps the size and the second, changes it."""
    out: ContentFingerprint = {}
    paths: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            paths += sorted(p for p in folder.rglob("*") if p.suffix in _DATA_SUFFIXES and p.is_file())
    paths += [f for f in files if f.is_file()]
    for path in paths:
        with contextlib.suppress(OSError):  # removed meanwhile: its absence is the difference
            st = path.stat()
            out[str(path)] = (st.st_mtime_ns, st.st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    return out


@dataclass
class _Loaded:
    """Everything a reload reads, before anything is swapped in."""

    kb: KnowledgeBase | None
    problems: list[Problem]
    texts: dict[str, str] | None = None
    vocabulary: object | None = None
    ctx: object | None = None


class Reloader:
    """Reloads the engine's knowledge on request, on SIGHUP and (optionally) on file change."""

    def __init__(self, engine: ReloadableEngine, data_dir: Path | None = None, *,
                 poll_seconds: float = 0.0,
                 load: Callable[[Path], tuple[KnowledgeBase | None, list[Problem]]] = load_validated) -> None:
        self.engine = engine
        self.data_dir = Path(data_dir or engine.kb.data_dir or default_data_dir())
        self.texts_file = default_texts_file()
        self.poll_seconds = poll_seconds
        self._load = load
        self._lock = asyncio.Lock()
        self._pending: set[asyncio.Task] = set()
        self.last: ReloadResult | None = None
        store = getattr(engine, "store", None)
        # A store shared by several processes carries the data version (PostgreSQL), else None.
        self.store = store if getattr(store, "shared", False) and callable(getattr(store, "data_version", None)) \
            else None
        self.version_poll_seconds = DEFAULT_VERSION_POLL_SECONDS
        self.version: int | None = None  # the data version this process's data corresponds to

    @property
    def folders(self) -> tuple[Path, ...]:
        return (self.data_dir, eligibility_data_dir(), self.texts_file.parent)

    @property
    def files(self) -> tuple[Path, ...]:
        """Files read from outside `folders` (a staff copy of the vocabulary)."""
        return (self.texts_file, default_vocabulary_file())

    async def _read_everything(self) -> _Loaded:
        """Load and check every file the engine takes (nothing is swapped here)."""
        kb, problems = await asyncio.to_thread(self._load, self.data_dir)
        loaded = _Loaded(kb, list(problems))
        if _accepts(self.engine.reload, "texts"):
            loaded.texts, text_problems = await asyncio.to_thread(check_texts, self.texts_file)
            if text_problems:
                loaded.kb, loaded.problems = None, loaded.problems + text_problems
        if _accepts(self.engine.reload, "vocabulary"):
            loaded.vocabulary, word_problems = await asyncio.to_thread(check_vocabulary)
            if word_problems:
                loaded.kb, loaded.problems = None, loaded.problems + word_problems
        if loaded.kb is not None and _accepts(self.engine.reload, "ctx"):
            # The eligibility context is built here from the same kb and handed over whole:
            # no window in which a later edit can break questionnaires.
            loaded.ctx, ctx_problems = await asyncio.to_thread(load_context, None, loaded.kb)
            if ctx_problems:
                loaded.kb, loaded.problems = None, list(ctx_problems)
        return loaded

    async def _read_at_one_moment(self) -> _Loaded:
        """`_read_everything` until the files did not change while they were read."""
        for attempt in range(MAX_ATTEMPTS):
            before = await asyncio.to_thread(content_fingerprint, self.folders, self.files)
            loaded = await self._read_everything()
            after = await asyncio.to_thread(content_fingerprint, self.folders, self.files)
            if before == after:
                return loaded
            changed = sorted({*before, *after} - {k for k in before if before.get(k) == after.get(k)})
            log.info("reload: %s changed while being read; reading everything again (%d/%d)",
                     ", ".join(Path(c).name for c in changed[:5]), attempt + 1, MAX_ATTEMPTS)
            await asyncio.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))
        return _Loaded(None, [Problem(str(self.data_dir), 0,
                                      f"the files kept changing while they were read ({MAX_ATTEMPTS} times): "
                                      "send /reload again once the edit is saved")])

    async def reload(self, reason: str = "request") -> ReloadResult:
        """Load and validate; swap the new data in only when valid. Never raises for bad data."""
        async with self._lock:
            started = time.monotonic()
            swapped = False
            try:
                loaded = await self._read_at_one_moment()
                kb, problems = loaded.kb, loaded.problems
                texts, vocabulary, ctx = loaded.texts, loaded.vocabulary, loaded.ctx
                if kb is not None and _accepts(self.engine.reload, "ctx"):
                    if vocabulary is not None:
                        await asyncio.to_thread(self.engine.reload, kb, ctx=ctx, texts=texts, vocabulary=vocabulary)
                    elif texts is not None:
                        await asyncio.to_thread(self.engine.reload, kb, ctx=ctx, texts=texts)
                    else:
                        await asyncio.to_thread(self.engine.reload, kb, ctx=ctx)
                elif kb is not None:
                    # Builds the new retrieval index in the worker thread too (a second or two),
                    # then swaps it in with one attribute assignment.
                    await asyncio.to_thread(self.engine.reload, kb)
                    swapped = True
                    # Engine.reload clears the eligibility cache; load it now, off the event
                    # loop, rather than in the next resident's questionnaire turn.
                    await asyncio.to_thread(eligibility.default_context)
            except (InvalidKnowledge, InvalidEligibilityData) as exc:
                # The files changed again between the check and the eligibility load.
                kb, problems = None, list(exc.problems)
            except Exception as exc:  # noqa: BLE001 - a reload must never take the bot down
                log.exception("reload (%s) failed", reason)
                kb, problems = None, [Problem(str(self.data_dir), 0, f"unexpected error: {type(exc).__name__}: {exc}")]
            if kb is None and swapped:
                # Rare: an edit landed between the check and the eligibility load. The new
                # knowledge is in use, but questionnaires fail until the files are fixed.
                problems.insert(0, Problem(str(eligibility_data_dir()), 0,
                                           "changed during the reload: questionnaires are unavailable until "
                                           "these problems are fixed and /reload is sent again"))
            seconds = time.monotonic() - started
            if kb is None:
                result = ReloadResult(False, reason, tuple(str(p) for p in problems), seconds=seconds)
                log.warning("reload (%s): %d problem(s), keeping the previous data:\n%s",
                            reason, len(problems), "\n".join(result.problems))
            else:
                if self.store is not None and not reason.startswith(FOLLOW_REASON):
                    await self._announce()
                runtime_tuning.refreeze_after_reload()  # let the previous knowledge base be collected
                result = ReloadResult(True, reason, clauses=len(kb.clauses), faq=len(kb.faq), seconds=seconds)
                log.info("reload (%s): %d clauses, %d FAQ entries in %.1fs", reason, result.clauses, result.faq, seconds)
            self.last = result
            return result

    async def _announce(self) -> None:
        """Tell the other processes (bump the data version); a failure is logged only: this
        process has the new data, the others keep theirs until the next reload."""
        try:
            self.version = await self.store.bump_data_version()
        except Exception as exc:  # noqa: BLE001
            log.warning("reload: the other processes were not told (database: %s: %s)", type(exc).__name__, exc)

    async def follow(self, interval: float | None = None,
                     sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        """Read the shared data version every `interval` s (default `version_poll_seconds`) and
        reload when another process moved it. Runs until cancelled; database errors are
        logged once per outage and retried."""
        interval = self.version_poll_seconds if interval is None else interval
        failing = False
        while True:
            try:
                current = await self.store.data_version()
                failing = False
            except Exception as exc:  # noqa: BLE001 - the database is away: try again later
                if not failing:
                    log.warning("reload: data version not read (database: %s)", type(exc).__name__)
                failing = True
                current = None
            if current is not None:
                if self.version is None:
                    self.version = current  # this process started with the data of this version
                elif current != self.version:
                    self.version = current
                    await self.reload(f"{FOLLOW_REASON} {current}")
            await sleep(interval)

    def request(self, reason: str) -> None:
        """Schedule a reload from a synchronous context (a signal handler)."""
        task = asyncio.get_running_loop().create_task(self.reload(reason))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # ------------------------------------------------------------------ triggers

    def install_sighup(self) -> bool:
        """SIGHUP -> reload. False where signals cannot be handled (Windows, not main thread)."""
        if not hasattr(signal, "SIGHUP"):
            return False
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.request, "SIGHUP")
        except (NotImplementedError, RuntimeError, ValueError):
            return False
        return True

    def remove_sighup(self) -> None:
        if hasattr(signal, "SIGHUP"):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    async def watch(self, interval: float = DEFAULT_POLL_SECONDS,
                    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        """Poll the YAML files; reload once they changed and then stayed unchanged one interval."""
        current = await asyncio.to_thread(fingerprint, self.folders)
        while True:
            await sleep(interval)
            seen = await asyncio.to_thread(fingerprint, self.folders)
            if seen == current:
                continue
            while True:  # an editor or a copy may still be writing: wait for quiet
                await sleep(interval)
                again = await asyncio.to_thread(fingerprint, self.folders)
                if again == seen:
                    break
                seen = again
            current = seen  # a failed reload is not retried until the files change again
            await self.reload("file change")

    async def run(self) -> None:
        """The background task for server.py: SIGHUP always, the watcher when poll_seconds > 0.
        Runs until cancelled; cancelling removes the SIGHUP handler."""
        installed = self.install_sighup()
        log.info("live reload: /reload%s%s%s", ", SIGHUP" if installed else "",
                 f", file watcher every {self.poll_seconds:g}s" if self.poll_seconds > 0 else "",
                 f", other processes' reloads (data version, every {self.version_poll_seconds:g}s)"
                 if self.store is not None else "")
        following = asyncio.ensure_future(self.follow()) if self.store is not None else None
        try:
            if self.poll_seconds > 0:
                await self.watch(self.poll_seconds)
            else:
                await asyncio.Event().wait()  # nothing to poll: wait to be cancelled
        finally:
            if following is not None:
                following.cancel()
                await asyncio.gather(following, return_exceptions=True)
            if installed:
                self.remove_sighup()
            for task in list(self._pending):
                task.cancel()
