"""Policy words typed by their sound (knowledge/homophones.py, issue 13): pinyin and voice input
put a homophone in place of the word; the answerer puts the word back before reading the
question. Sentences are written for these tests."""

from __future__ import annotations

import pytest

from knowledge import semantic
from knowledge.answer import Answerer
from knowledge.homophones import Homophones


@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb)


@pytest.mark.parametrize("typed, meant", [
    ("厂子说的稳钢返还咋申请", "稳岗返还"),              # one character of four differs
    ("娃想去三只一扶 咋报名", "三支一扶"),
    ("那个见席补贴一个月多少", "见习补贴"),           # a two-character term
    ("创业单保贷款要啥条件", "创业担保贷款"),
    ("公益性岗为一个月多钱", "公益性岗位"),
    ("失业保线金在哪领", "失业保险金"),
])
def test_a_policy_word_typed_by_its_sound_is_put_back(answerer, typed, meant):
    assert meant in answerer.spelled(typed)


@pytest.mark.parametrize("text", [
    "技能等级证书有补贴吗",      # 等级 is a word: the document's own 技能等级
    "厂子不贴钱 我咋办",          # a function character: not 补贴
    "养牛养羊有扶持没",           # 牛养 crosses the words 养牛 + 养羊
    "网上买的衣服能退吗",         # residents' words (网上卖) are not put back, only the documents'
    "厂子多招人能贷款不",         # 多招 crosses 多 + 招人
    "公司常驻地在兰州 能申请贷款不",  # what differs (常驻) is a real word as typed
    "单位是事业登记的",
    "就业间隙想去学个手艺",
    "回农家了 想养几头牛",            # 了 is no slip for 乐
])
def test_right_words_and_phrases_are_left_as_typed(answerer, text):
    assert answerer.spelled(text) == answerer.kb.lexicon.fix_typos(text)


def test_no_faq_phrasing_or_training_question_is_changed(answerer, kb):
    # texts written with the right words: any change would be a false one
    training = semantic.read_training(semantic.training_path(kb.data_dir))[0]
    texts = [q for e in kb.faq for q in e.questions] + [q for q, _ in training.in_scope] + [
        q for q, _ in training.off_topic]
    changed = [t for t in texts if answerer.spelled(t) != kb.lexicon.fix_typos(t)]
    assert changed == []


def test_the_repaired_question_is_answered_from_the_right_clause(answerer):
    answer = answerer.answer("户口在乡里人住在县上 失业等级能在县上办不")
    assert answer.answered and answer.clause.id == "9.3"


def test_a_stretch_must_share_half_its_characters_with_the_word():
    # 简析 sounds like 见习 but shares no character with it: another word, not a slip
    homophones = Homophones(["见习"], known=lambda s: False, is_word=lambda s: False, tokens=list, short=["见习"])
    assert homophones.fix("简析") == "简析"
    assert homophones.fix("见席") == "见习"


def test_a_whole_real_word_slip_is_repaired_only_from_the_typo_list(answerer):
    # 实业 is a real word, so the sound rule leaves it; typos.yaml lists 实业保险 for 失业保险
    assert "失业保险" in answerer.spelled("单位交的实业保险能返不")
    assert "实业" in answerer.spelled("搞实业的老板能贷款不")
