"""Names of programmes, procedures and certificates no document has (knowledge/programmes.py,
lexicon/programmes.yaml; issue 13): refused by the kind of name, not only by the staff list.
Sentences are written for these tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import test_retrieval

from knowledge import semantic
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise
from knowledge.cli import programme_warnings
from knowledge.programmes import ProgrammeNames
from knowledge.retrieval import Retriever

LEXICAL = test_retrieval.LEXICAL
kb = test_retrieval.kb  # the module fixtures of test_retrieval: one knowledge base, one lexical retriever
lexical = test_retrieval.lexical


@pytest.fixture(scope="module")
def names(lexical) -> ProgrammeNames:
    return lexical.programmes


@pytest.mark.parametrize("question, topic", [
    ("征兵入伍补贴能给多少", "征兵入伍补贴"),      # a verb qualifier inside a noun chain
    ("人才引进补贴咋申请", "人才引进补贴"),
    ("光伏贷一年利息多少", "光伏贷"),
    ("我们厂子去办用工备案要带啥", "用工备案"),   # a procedure no document uses, with its qualifier
    ("健康证去阿达办", "办健康证"),               # a certificate, asked how to get it
    ("营业执照弄丢了咋整", "办营业执照"),
    ("姐妹们贷的巾帼创业贷能延期还不", "巾帼创业贷"),   # a brand before the document's own words
    ("惠农创业贷利息多少", "惠农创业贷"),
])
def test_names_no_document_has_are_found(names, question, topic):
    found = names.find(question)
    assert found is not None and found.topic == topic


@pytest.mark.parametrize("question", [
    "一次性创业补贴有多少",            # the documents' own names
    "技能提升补贴去哪领",
    "创业担保贷款的利息谁出",
    "见习补贴一个月多少",
    "乡里能帮办贷款吗",                 # a verb before the head is its action, not a name
    "今年的补贴发了没",                 # a time is not a qualifier
    "三万的贷款能批下来不",             # nor a sum
    "见习的留下了一大半 补贴能涨不",    # nor a share, across a space
    "我有健康证 能去见习不",            # having a certificate is not asking how to get it
    "焊工证在哪领补贴",                 # a resident's word for the documents' certificate
    "考了个茶艺师资格证能领技能补贴不",  # 资格证 is not a head: any trade's certificate counts
    "失业证在阿达办",                   # the card of 失业登记, which 第九条第（三）项 covers
    "就业失业登记证咋办",
    "拿着毕业证能去见习不",             # having one is not asking how to get it
    "这个证咋换",                       # 这个 names no certificate
    "厂子注销了 失业金还能领不",        # a procedure that happened is not asked about
    "女娃创业贷款能贷多少",             # who (asking.yaml filler) or where (places.yaml home) is no brand
    "东乡创业贷款咋申请",
    "另外创业担保贷款也帮我算算",       # a common word before the name is no brand (BRAND_INFO)
    "退伍军人创业贷款能贷多少",         # the document's loan asked for a kind of person
    "县级认定的孵化示范基地能申请补助不",  # 认定的: describes the base, no procedure asked
    "易地搬迁户创业贷能贷多少",         # a person (…户) is no brand
    "想在镇上开个理发店 顶多能贷几个钱",  # 顶多 能 贷: no name, a verb before the head
])
def test_known_names_and_non_names_are_not_found(names, question):
    assert names.find(question) is None


def test_retrieval_refuses_the_name_as_its_topic(lexical):
    result = lexical.search("村里的光伏贷 利息谁出")
    assert result.out_of_scope_topic == "光伏贷"
    assert result.confidence == 0.0
    # The same words about the document's own loan are answered from its clause.
    own = lexical.search("创业担保贷款 利息谁出")
    assert own.out_of_scope_topic is None and own.candidates[0].clause.id.startswith("5")


def test_a_resident_word_in_synonyms_is_known(tmp_path: Path):
    """Staff teach a new word for a document's benefit in synonyms.yaml; it is then known."""
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    before = Retriever(load_knowledge_or_raise(data), settings=LEXICAL).programmes
    assert before.find("学手艺那阵子的口粮补助给不给") is not None
    synonyms = data / "lexicon" / "synonyms.yaml"
    synonyms.write_text(synonyms.read_text(encoding="utf-8")
                        + "  - words: [口粮补助]\n    means: [生活费补贴]\n", encoding="utf-8")
    after = Retriever(load_knowledge_or_raise(data), settings=LEXICAL).programmes
    assert after.find("学手艺那阵子的口粮补助给不给") is None


def test_no_in_scope_training_question_is_refused_as_a_name(lexical):
    """Every in-scope training question (refusal_training.yaml) keeps its answer: the check
    staff run warns when one would not (policybot check)."""
    assert lexical.training is not None and len(lexical.training.in_scope) > 100
    assert programme_warnings(lexical) == []


def test_check_warns_about_an_in_scope_question_that_would_be_refused(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    path = semantic.training_path(data)
    text = path.read_text(encoding="utf-8")
    marker = "in_scope:\n"
    assert marker in text
    line = next(x for x in text[text.index(marker):].splitlines()[1:] if x.strip().startswith("- clause"))
    indent = line[:len(line) - len(line.lstrip())]
    entry = f"{indent}- clause: \"3.3\"\n{indent}  questions: [学手艺那阵子的口粮补助给不给]\n"
    path.write_text(text.replace(marker, marker + entry, 1), encoding="utf-8")
    warnings = programme_warnings(Retriever(load_knowledge_or_raise(data), settings=LEXICAL))
    assert len(warnings) == 1 and "口粮补助" in warnings[0] and "synonyms.yaml" in warnings[0]


def test_programmes_yaml_errors_have_lines(data_with):
    found = data_with("lexicon/programmes.yaml",
                      "programmes:\n  - kind: 补贴\n    ends: [补贴]\n  - kind: 空的\n  - ends: [贷款]\n")
    assert ("programmes.yaml", 4, "“空的”要写名称的结尾（ends）或办事名称（whole）") in found
    assert any(name == "programmes.yaml" and line == 5 and "kind" in msg for name, line, msg in found)


def test_no_faq_phrasing_or_in_scope_question_names_an_uncovered_topic(lexical, kb):
    """The staff list and the names never refuse what staff wrote as in scope: an FAQ phrasing
    (就业政策落实不到位往哪举报 names 举报 — the list says 举报+老板, not 举报) or an in-scope
    training question (毕业回来想自己办个辅导班 有贷款吗 — 辅导班 only with 报/上/收费)."""
    questions = [q for entry in kb.faq for q in entry.questions]
    questions += [q for q, _ in lexical.training.in_scope]
    named = [(q, t) for q in questions if (t := lexical.search(q).out_of_scope_topic) is not None]
    assert named == []
