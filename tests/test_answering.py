"""Question answering: canonical questions, honest refusals, periods, JSON, several documents.

The questions here are written for the tests (not taken from any eval set). Expected figures
are read from the parsed document where possible, so a test fails if the reply loses them.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

import bot
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise
from knowledge.segmentation import normalize

SCREEN = 300


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb, today=lambda: date(2026, 11, 26))


def first_screen(reply: str) -> str:
    return normalize(reply).replace(" ", "")[:SCREEN]


@pytest.mark.parametrize(
    ("question", "clause", "figure"),
    [
        ("见习补贴每人每月多少钱", "6", "1000元"),
        ("见习留用率够了补贴能提高到多少", "6", "1200元"),
        ("一个人自己开店，创业担保贷款最高能贷多少", "5.2", "15万元"),
        ("小微企业创业担保贷款最多多少", "5.2", "300万元"),
        ("稳岗返还返还多少失业保险费", "4", "60%"),
        ("乡村公益性岗位开发多少个", "2.2", "6600个"),
        ("技术技能提升补贴要参保几年", "3.4", "1年以上"),
        ("失业了在哪里办失业登记", "9.3", "常住地"),
        ("这份实施方案的文号", "0", "临州府发〔2019〕3号"),
    ],
)
def test_canonical_questions(answerer, kb, question, clause, figure):
    answer = answerer.answer(question)
    assert answer.answered, answer.reply
    assert answer.clauses[0] == clause, answer.clauses
    assert figure in kb.clause(clause).text  # the figure is the document's own
    assert normalize(figure) in first_screen(answer.reply), answer.reply


def test_reply_cites_clause_lead_department_and_document(answerer, kb):
    answer = answerer.answer("见习补贴每人每月多少钱")
    clause = kb.clause("6")
    assert f"依据：临州府发〔2019〕3号 {clause.label()}（落实补贴促就业）" in answer.reply
    assert f"牵头部门：{clause.lead_department}" in answer.reply


@pytest.mark.parametrize(
    "question",
    ["住房公积金能取出来买房吗", "产假有几天", "驾照扣分怎么处理", "养老金每个月能领多少"],
)
def test_out_of_scope_is_refused_honestly(answerer, question):
    answer = answerer.answer(question)
    assert not answer.answered, (answer.confidence, answer.reply)
    assert "没有讲到" in answer.reply and "12333" in answer.reply
    # judged off-topic: no list of unrelated clause titles, the menu instead
    assert answer.reply.count("·") == len(answer.suggestions) == 0
    assert "回到菜单" in answer.reply


def test_an_unsure_refusal_offers_the_nearest_clauses_a_judged_one_does_not(answerer):
    """Refused without a judgement (decided None: unsure whether the document covers it) →
    the clauses the question shares words with are offered; judged off-topic → none."""
    import dataclasses

    result = answerer.retriever.search("见习单位的食堂伙食怎么样")
    assert result.candidates
    unsure = dataclasses.replace(result, off_topic=False, out_of_scope_topic=None, decided=None)
    answer = answerer._not_covered(unsure.question, unsure, [])
    assert answer.suggestions == [c.clause for c in result.candidates[:3]]
    assert answer.reply.count("·") == len(answer.suggestions) and "12333" in answer.reply
    judged = dataclasses.replace(unsure, decided=False)
    answer = answerer._not_covered(judged.question, judged, [])
    assert answer.suggestions == [] and "·" not in answer.reply and "12333" in answer.reply


def test_expired_period_is_reported_against_today(kb):
    question = "就业困难人员参加失业培训期间的生活费补贴"
    late = Answerer(kb, today=lambda: date(2026, 11, 26)).answer(question)
    early = Answerer(kb, today=lambda: date(2019, 6, 1)).answer(question)
    assert late.clauses[0] == early.clauses[0] == "3.3"
    assert "已于2020年12月31日到期" in late.reply and "12333" in late.reply
    assert late.expired == ["2019年1月1日至2020年12月31日"]
    assert "到期" not in early.reply and early.expired == []
    assert "有效期：2019年1月1日至2020年12月31日" in early.reply


def test_open_ended_period_is_not_expired(answerer):
    answer = answerer.answer("16到24岁的失业青年能参加就业见习吗")
    assert answer.clauses[0] == "6"
    assert "到期" not in answer.reply
    assert "从2019年1月1日起执行" in answer.reply


def test_empty_and_very_long_questions(answerer):
    empty = answerer.answer("   ")
    assert not empty.answered and "输入" in empty.reply
    long = answerer.answer("见习补贴" * 1000)
    assert long.question == ("见习补贴" * 1000)[:500]


def test_close_second_candidate_is_offered(kb):
    clause_a, clause_b = kb.clause("3.3"), kb.clause("3.4")
    answerer = Answerer(kb)
    reply = answerer.format_reply("答案。", clause_a, date(2026, 11, 26), clause_b)
    assert f"您是不是想问：{clause_b.title}？" in reply


def test_ask_json_interface(capsys):
    assert bot.main(["ask", "--json", "见习补贴每人每月多少钱"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert set(row) >= {"question", "answered", "clauses", "faq", "reply"}
    assert row["question"] == "见习补贴每人每月多少钱"
    assert row["answered"] is True and row["clauses"][0] == "6" and len(row["clauses"]) <= 5


def test_ask_batch_keeps_order_and_count(tmp_path, capsys):
    questions = ["见习补贴每人每月多少钱", "住房公积金能取出来买房吗", "", "小微企业创业担保贷款最多多少"]
    batch = tmp_path / "q.txt"
    batch.write_text("\n".join(questions) + "\n", encoding="utf-8")
    assert bot.main(["ask", "--json", "--batch", str(batch)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in rows] == questions
    assert [r["answered"] for r in rows] == [True, False, False, True]


def test_ask_answers_each_question_of_a_two_question_line_as_the_chat_does(capsys):
    # Two questions with no punctuation between them: both amounts on the first screen, each
    # part's clause ranked before either part's second guess.
    assert bot.main(["ask", "--json", "见习的单位一个月补多钱 个人创业担保贷款顶多能贷几万"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["answered"] is True and len(row["parts"]) == 2
    assert set(row["clauses"][:2]) == {"6", "5.2"}
    assert "1000元" in row["reply"][:300] and "15万元" in row["reply"][:300]
    assert bot.main(["ask", "--json", "见习补贴每人每月多少钱"]) == 0
    assert "parts" not in json.loads(capsys.readouterr().out)  # one question: the answer's own JSON


def test_a_part_with_no_topic_after_an_uncovered_part_is_not_answered_alone(capsys):
    # "要带啥证件" alone would be answered from a clause's materials; after a question the
    # document does not cover it is part of that question and is refused with it.
    assert bot.main(["ask", "--json", "养老院咋住进去，要带啥证件"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["answered"] is False
    assert all(part["answered"] is False for part in row.get("parts", [row]))


def test_a_question_of_its_own_after_an_uncovered_part_is_still_answered(capsys):
    # A second question after one the document does not cover is answered on its own, even
    # when the decision is not sure of it (a real question must not be lost with the first).
    assert bot.main(["ask", "--json", "驾驶证到期了咋换 被厂里辞了去哪登记失业"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["answered"] is True and len(row["parts"]) == 2
    assert [p["answered"] for p in row["parts"]] == [False, True] and "9.3" in row["clauses"]


def test_a_detail_after_an_uncovered_part_is_refused_with_it(capsys):
    # "得交保证金吗" names 保证金 (a topic word), yet it is a detail of the arbitration the first
    # piece asks about: refused with it, not answered from a clause's fees or deposits (by
    # meaning: the lexical path alone cannot tell).
    from knowledge import semantic

    if semantic.shared_embedder() is None:
        pytest.skip("the meaning channel is off")
    assert bot.main(["ask", "--json", "劳动争议仲裁去哪申请 得先交一笔保证金吗"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["answered"] is False
    assert all(part["answered"] is False for part in row.get("parts", [row]))


def test_ask_rejects_bad_date(capsys):
    assert bot.main(["ask", "--today", "2026-13-01", "见习"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


SECOND_DOCUMENT = """\
测试省人民政府关于支持养蜂产业发展的若干措施

测政发〔2020〕9号 2020年3月5日

各市人民政府：

为支持养蜂产业，制定如下措施。

一、养蜂补贴

对新购蜂箱的养蜂户，每箱补贴200元，2020年1月1日至2021年12月31日执行。（省农业厅、省财政厅等负责）

二、技术服务

组织蜂农参加养蜂技术培训。（省农业厅负责）
"""


def test_second_document_is_a_data_change(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    txt = tmp_path / "bees.txt"
    txt.write_text(SECOND_DOCUMENT, encoding="utf-8")
    assert bot.main(["import", str(txt), "--id", "test-2020-9", "--data", str(data)]) == 0
    assert (data / "documents" / "test-2020-9.yaml").exists()
    assert bot.main(["check", "--data", str(data)]) == 0
    capsys.readouterr()

    kb = load_knowledge_or_raise(data)
    assert kb.clause("test-2020-9:1").lead_department == "省农业厅"
    assert kb.clause("6").document_id == "linxia-2019-3"  # the seed keeps bare ids
    answer = Answerer(kb, today=lambda: date(2026, 11, 26)).answer("养蜂户买蜂箱每箱补贴多少钱")
    assert answer.clauses[0] == "test-2020-9:1"
    assert "200元" in first_screen(answer.reply)
    assert "依据：测政发〔2020〕9号 第一条（养蜂补贴）" in answer.reply
    assert "已于2021年12月31日到期" in answer.reply
    # the seed document still answers its own questions
    assert Answerer(kb).answer("见习补贴每人每月多少钱").clauses[0] == "6"


def test_import_refuses_to_overwrite_and_bad_ids(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    txt = tmp_path / "bees.txt"
    txt.write_text(SECOND_DOCUMENT, encoding="utf-8")
    assert bot.main(["import", str(txt), "--id", "Bad ID", "--data", str(data)]) == 2
    assert bot.main(["import", str(txt), "--id", "test-2020-9", "--data", str(data)]) == 0
    assert bot.main(["import", str(txt), "--id", "test-2020-9", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert "lower-case" in err and "--overwrite" in err
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(SECOND_DOCUMENT.encode("gbk"))
    assert bot.main(["import", str(gbk), "--id", "gbk-doc", "--data", str(data)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_out_of_scope_topics_name_the_topic_and_spare_in_scope_words(answerer):
    refused = answerer.answer("老板拖了三个月工钱不给，去哪里告他")
    assert not refused.answered and "讨薪和劳动纠纷" in refused.reply
    # 上学 alone is not an out-of-scope topic: a 两后生 question is the document's business.
    kept = answerer.answer("娃初中毕业不想上学了，政府能组织出去打工吗")
    assert kept.answered and kept.clauses[0] == "2.4"
    # a listed word that the best clause itself uses is not refused: clause 1 names 出口退税率
    assert answerer.retriever.search("提高出口退税率是哪一条讲的").out_of_scope_topic is None


def test_an_out_of_scope_topic_gives_way_to_its_unless_words(answerer):
    # out_of_scope.yaml `unless`: 考证 with 补助 asks for the document's subsidy, not the exam fee
    assert answerer.retriever.search("电焊证考下来以后考证给的补助多钱").out_of_scope_topic is None
    assert answerer.retriever.search("考个电焊证要交多少考试费").out_of_scope_topic == "考证的报名、考点和费用"
    # livestock subsidies are 农牧's; support for family farming (五小行业) is the document's
    assert "农牧" in (answerer.retriever.search("养了二十只羊 养羊补贴一只给多少").out_of_scope_topic or "")
    assert answerer.retriever.search("在家养羊算五小行业不 有扶持没").out_of_scope_topic is None
    assert answerer.retriever.search("种地的人想出去打工 有补贴没").out_of_scope_topic is None
    # 民政/残联's disability subsidies are refused; a disabled person's job help is the document's
    assert "残联" in (answerer.retriever.search("我是残疾人 残疾人补贴一个月多少").out_of_scope_topic or "")
    assert answerer.retriever.search("残疾人想就业 有补贴没").out_of_scope_topic is None
    # 报销 with 考证 asks for the skills subsidy; an injury during training is medical insurance
    assert answerer.retriever.search("考个厨师证国家给报销不").out_of_scope_topic is None
    assert answerer.retriever.search("参加培训的时候受了伤 医疗报销找谁").out_of_scope_topic == "看病和医保报销"


def test_open_ended_rule_in_a_clause_with_an_ended_period(kb):
    """第四条: the 60% refund has no end date; the 2019 special standard ended 2019-12-31.
    A reply quoting only the 60% sentence must not call the refund time-limited or expired."""
    question = "不裁员的企业稳岗返还返还多少失业保险费"
    late = Answerer(kb, today=lambda: date(2026, 11, 26)).answer(question)
    early = Answerer(kb, today=lambda: date(2019, 6, 1)).answer(question)
    assert late.clauses[0] == "4" and "60%" in late.reply
    assert "2019年1月1日至12月31日" not in late.reply.split("\n\n")[0]  # only the 60% is quoted
    assert "有效期：上面说的内容，文件未写明截止日期" in late.reply  # not a bare "no end date" beside "ended"
    assert "另：本条中“2019年1月1日至12月31日”的限期规定已于2019年12月31日到期" in late.reply
    assert "有效期：2019年1月1日至12月31日" not in early.reply and "到期" not in early.reply


@pytest.mark.parametrize(("question", "topic"), [
    ("干了三年厂子把我辞了，能赔几个月工资", "讨薪和劳动纠纷"),      # severance: a worker's claim, not 稳岗返还
    ("老板不给我们买五险，能去告吗", "讨薪和劳动纠纷"),
    ("残疾证丢了咋补办", "证照办理"),
    ("乡镇事业单位今年招不招人", "考编和事业单位招考"),
])
def test_workers_rights_and_other_papers_are_out_of_scope(question, topic):
    answer = Answerer(load_knowledge_or_raise(PACKAGE_DATA)).answer(question)
    assert not answer.answered
    assert topic in answer.reply and "12333" in answer.reply


@pytest.mark.parametrize("question", ["考了个架子工证能领补贴不", "我有育婴师证 单位给申请技能补贴不"])
def test_a_trade_certificate_is_the_skill_certificate_of_clause_3_4(question):
    answer = Answerer(load_knowledge_or_raise(PACKAGE_DATA)).answer(question)
    assert answer.answered and answer.clauses[0] == "3.4"


@pytest.mark.parametrize("question", ["我有残疾证 能认定就业困难人员不", "贷款要带营业执照吗", "失业登记要带身份证吗"])
def test_a_paper_named_in_a_covered_question_does_not_trip_the_list(question):
    # the list names getting a paper (办残疾证, 营业执照+办), not every question that names one
    answer = Answerer(load_knowledge_or_raise(PACKAGE_DATA)).answer(question)
    assert answer.answered


def test_a_second_piece_asking_the_same_thing_is_one_question(capsys):
    # "咋申请" then "到哪里": one question typed in two pieces, answered once, not twice
    assert bot.main(["ask", "--json", "创业贷款咋申请 到哪里"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert "parts" not in row and row["answered"] and row["clauses"][0] == "5.2"
    assert "您问了" not in row["reply"]


def test_a_second_part_is_about_what_the_first_part_named(capsys):
    # 第二条第（二）项 names the 扶贫车间 and the ended 6600 posts; 一个月给多少 after asking
    # about the 车间 is about the 车间, not the posts
    assert bot.main(["ask", "--json", "扶贫车间还要人不 一个月给多少"]) == 0
    row = json.loads(capsys.readouterr().out)
    second = row["parts"][1]
    assert second["clauses"][0] == "2.2" and "6600" not in second["reply"] and "扶贫车间" in second["reply"]


def test_two_parts_with_the_same_answer_are_answered_once(capsys):
    # 能挣钱不 / 政府给扶持不 about one craft: the same first line twice would be noise
    assert bot.main(["ask", "--json", "媳妇会刻葫芦 能挣钱不 政府给扶持不"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert "parts" not in row and row["answered"] and row["clauses"][0] == "2.2"
    assert "葫芦雕刻" in row["reply"].splitlines()[0]


@pytest.mark.parametrize(("typed", "clause"), [("建习补贴一个月给多少", "6"), ("失业登计去哪里", "9.3"), ("稳岗补帖咋领", "4")])
def test_common_pinyin_typos_are_read_as_the_right_words(typed, clause):
    answer = Answerer(load_knowledge_or_raise(PACKAGE_DATA)).answer(typed)
    assert answer.answered and answer.clauses[0] == clause
    assert answer.question == typed  # the resident's own words are kept


def test_a_typo_list_entry_needs_both_spellings(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    (data / "lexicon" / "typos.yaml").write_text("typos:\n  - right: 见习\n    wrong: []\n", encoding="utf-8")
    from knowledge.base import load_knowledge
    _kb, problems = load_knowledge(data)
    assert any("typos.yaml" in str(p) and "错别字组" in str(p) for p in problems)


def test_a_worker_speaking_of_his_factory_is_asked_about_as_a_worker(capsys):
    # 我们厂子裁了我: the factory is the worker's, the question his own (第九条第（三）项),
    # not the rebate the factory gets (第四条).
    assert bot.main(["ask", "--json", "我们厂子把我裁了 失业金到哪领"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["answered"] is True and row["clauses"][0] == "9.3"


def test_a_question_with_no_topic_and_no_conversation_asks_which_policy(capsys):
    # 那我自己呢 typed first: any clause would be a guess (it was answered from the closing clause).
    assert bot.main(["ask", "--json", "那我自己呢"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["answered"] is False and "哪一项政策" in row["reply"] and "那我自己呢”" not in row["reply"]
