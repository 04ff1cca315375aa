"""Rank clauses for a resident's question: BM25 (rank-bm25) over clauses and FAQ phrasings.

Two indexes, because residents and the document speak differently:
- the clauses, in the document's own words (title counted twice: it names the topic);
- the FAQ phrasings staff wrote in residents' words, each pointing at the clauses it rests on.
A question is segmented with the policy lexicon and expanded with synonyms (借钱 -> 创业担保贷款).
A clause's score mixes its own BM25 score and the best FAQ phrasing that cites it, each divided
by the best score of its index for this question, so that neither scale dominates.

Confidence is separate from rank: the share of the question's meaning (IDF-weighted words)
that the best match covers. A question about 公积金 or 产假 uses words the policy never uses,
so it covers little, however the BM25 ranking comes out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rank_bm25 import BM25Okapi

from knowledge.base import FaqEntry, KnowledgeBase
from knowledge.documents import Clause
from knowledge.segmentation import Segmenter, normalize


@dataclass(frozen=True)
class RetrievalSettings:
    """Weights and thresholds, tuned on the dev set (see README, "Retrieval quality")."""

    clause_weight: float = 1.0
    faq_weight: float = 2.0
    title_repeat: int = 1
    expansion_weight: float = 1.0  # how much a synonym's term counts against the question's own words
    secondary_faq_clause: float = 0.85  # a FAQ's second cited clause gets this share of its score
    k1: float = 1.2
    b: float = 0.75


@dataclass
class Candidate:
    clause: Clause
    score: float
    clause_score: float = 0.0
    faq_score: float = 0.0
    faq: FaqEntry | None = None


@dataclass
class SearchResult:
    question: str
    words: list[str]  # the question's own words
    expansions: list[str]  # words added by synonyms
    candidates: list[Candidate]  # ranked, best first
    faq: list[tuple[FaqEntry, float]]  # FAQ entries ranked by their best phrasing (normalised)
    confidence: float
    covered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    out_of_scope_topic: str | None = None  # a topic the document does not cover, if named


class Retriever:
    def __init__(self, kb: KnowledgeBase, segmenter: Segmenter | None = None,
                 settings: RetrievalSettings | None = None) -> None:
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
        self.clause_bm25 = BM25Okapi([d or ["∅"] for d in clause_docs], k1=s.k1, b=s.b)

        self.faq = list(kb.faq)
        self._phrasing_entry: list[int] = []
        phrasing_docs: list[list[str]] = []
        for i, entry in enumerate(self.faq):
            for question in entry.questions:
                phrasing_docs.append(seg.words(question))
                self._phrasing_entry.append(i)
        self.faq_bm25 = (
            BM25Okapi([d or ["∅"] for d in phrasing_docs], k1=s.k1, b=s.b) if phrasing_docs else None
        )

        # Vocabulary per clause for the coverage-based confidence: the clause's words plus the
        # words of every FAQ entry that cites it (phrasings and answer).
        self.clause_vocab: list[set[str]] = [set(d) for d in clause_docs]
        self.faq_vocab: list[set[str]] = []
        for entry in self.faq:
            vocab = set(seg.words(entry.answer))
            for question in entry.questions:
                vocab.update(seg.words(question))
            self.faq_vocab.append(vocab)
            for cid in entry.clauses:
                if cid in self._clause_index:
                    self.clause_vocab[self._clause_index[cid]].update(vocab)
        documents = [set(d) for d in clause_docs] + [set(d) for d in phrasing_docs]
        df = Counter(w for doc in documents for w in doc)
        n = len(documents)
        self._idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self._unknown_idf = math.log(1 + n / 0.5)

    def idf(self, word: str) -> float:
        return self._idf.get(word, self._unknown_idf)

    def search(self, question: str, limit: int = 5) -> SearchResult:
        s = self.settings
        own, extra = self.segmenter.query(question, s.expansion_weight)
        weights: dict[str, float] = dict(Counter(own))
        for term, weight in extra.items():
            weights[term] = weights.get(term, 0.0) + weight
        if not weights:
            return SearchResult(question, own, list(extra), [], [], 0.0)

        clause_raw = self._scores(self.clause_bm25, weights)
        clause_top = max(float(clause_raw.max()), 1e-9)

        entry_scores = [0.0] * len(self.faq)
        if self.faq_bm25 is not None:
            for j, score in enumerate(self._scores(self.faq_bm25, weights)):
                e = self._phrasing_entry[j]
                if score > entry_scores[e]:
                    entry_scores[e] = float(score)
        # FAQ scores become a similarity in [0, 1]: the score divided by what a phrasing
        # identical to the question would score. Dividing by the best FAQ score instead would
        # turn a weak match into a perfect one for a question the FAQ does not cover.
        faq_top = max(self._self_score(self.faq_bm25, weights, len(own)), 1e-9) if self.faq_bm25 else 1.0

        faq_by_clause: dict[int, tuple[float, FaqEntry]] = {}
        for e, score in enumerate(entry_scores):
            if score <= 0:
                continue
            entry = self.faq[e]
            for rank, cid in enumerate(entry.clauses):
                i = self._clause_index.get(cid)
                if i is None:
                    continue
                value = min(score / faq_top, 1.0) * (1.0 if rank == 0 else s.secondary_faq_clause)
                if i not in faq_by_clause or value > faq_by_clause[i][0]:
                    faq_by_clause[i] = (value, entry)

        clause_part = s.clause_weight * clause_raw / clause_top
        total = clause_part.copy()
        for i, (value, _entry) in faq_by_clause.items():
            total[i] += s.faq_weight * value
        # Only the best few become Candidate objects: a corpus of thousands of clauses must
        # not pay for building and sorting them all on every question.
        keep = min(len(total), max(limit, 10))
        top = np.argpartition(-total, keep - 1)[:keep] if keep < len(total) else np.arange(len(total))
        candidates = []
        for i in sorted(top.tolist(), key=lambda i: (-total[i], i)):
            if total[i] <= 0:
                continue
            f_score, f_entry = faq_by_clause.get(i, (0.0, None))
            candidates.append(Candidate(self.clauses[i], float(total[i]), float(clause_part[i]), f_score, f_entry))

        faq_ranked = sorted(
            ((self.faq[e], min(sc / faq_top, 1.0)) for e, sc in enumerate(entry_scores) if sc > 0),
            key=lambda pair: -pair[1],
        )
        best = candidates[0] if candidates else None
        confidence, covered, missing = self._coverage(question, own, best)
        topic = self._uncovered_topic(question, best)
        if topic is not None:
            confidence = 0.0
        return SearchResult(question, own, list(extra), candidates[:limit], faq_ranked[:limit], confidence,
                            covered, missing, topic)

    def _uncovered_topic(self, question: str, best: Candidate | None) -> str | None:
        """The out-of-scope topic the question names (staff list, lexicon/out_of_scope.yaml),
        unless the best clause's own text uses that word: 退税 is out of scope, except that
        clause 1 speaks of 出口退税率."""
        text = normalize(question)
        clause_text = normalize(best.clause.text) if best else ""
        for topic in self.kb.lexicon.out_of_scope:
            for word in topic.words:
                # "户口+迁": every part must occur, in any order (户口能迁过去吗, 迁户口).
                parts = [normalize(p) for p in word.split("+") if p.strip()]
                if parts and all(p in text for p in parts) and not all(p in clause_text for p in parts):
                    return topic.topic
        return None

    @staticmethod
    def _scores(bm25: BM25Okapi, weights: dict[str, float]) -> np.ndarray:
        """BM25 scores of every document for a weighted query (rank-bm25 takes a token list;
        a weight is a token counted fractionally, so score each token and add them up)."""
        total = np.zeros(bm25.corpus_size)
        for word, weight in weights.items():
            if word in bm25.idf:  # a word no document has scores 0 everywhere
                total += weight * bm25.get_scores([word])
        return total

    @staticmethod
    def _self_score(bm25: BM25Okapi, weights: dict[str, float], length: int) -> float:
        """BM25 of the query against a document that is exactly the question (its upper
        bound), unknown words counted at the highest IDF so that they lower the similarity."""
        length_norm = 1 - bm25.b + bm25.b * max(length, 1) / bm25.avgdl
        top_idf = max(bm25.idf.values(), default=1.0)
        return sum(
            weight * bm25.idf.get(w, top_idf) * (bm25.k1 + 1) / (1 + bm25.k1 * length_norm)
            for w, weight in weights.items()
        )

    def _coverage(self, question: str, own: list[str], best: Candidate | None) -> tuple[float, list[str], list[str]]:
        """The share of the question's information that the best match covers.

        Each word weighs its informativeness in general Chinese (a rare word says more).
        A word is covered when the best clause, or an FAQ entry citing it, uses it, or when
        it is part of a colloquial word whose document term the best clause uses.
        """
        seg = self.segmenter
        words = list(dict.fromkeys(seg.content_words(question)))
        if not words or best is None:
            return 0.0, [], words
        vocab = self.clause_vocab[self._clause_index[best.clause.id]]
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

