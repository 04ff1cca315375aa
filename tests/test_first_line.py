"""The reply's first line answers the kind of question asked; expiry first; who gets the money;
follow-ups answered about the conversation's clause.

Every question here is written for these tests (none is taken from an eval set). Figures and
dates are checked against the parsed document, so a test fails if the data loses them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from knowledge.answer import Answerer
from knowledge.asking import Kind, question_age, question_amount, read_question
from knowledge.base import PACKAGE_DATA, load_knowledge, load_knowledge_or_raise

TODAY = date(2026, 11, 29)
SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


@pytest.fixture(scope="module")
def answerer(kb):
    a = Answerer(kb, today=lambda: TODAY)
    wait = getattr(a.retriever, "wait_semantic", None)
    if wait is not None:  # the same channels on every run
        wait(300)
    return a


def first_line(answer) -> str:
    return answer.reply.splitlines()[0]


# ---------------------------------------------------------------- reading the question


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("个体户办创业担保贷款顶多能借到多少", Kind.AMOUNT),
        ("见习单位留用率过半，补贴能不能往上调", Kind.YES_NO),
        ("稳岗返还要到哪个部门去申请", Kind.APPLY),
        ("见习补贴到底发给谁", Kind.RECIPIENT),
        ("技能提升补贴的钱由谁出", Kind.PAYER),
        ("见习一般要干多长时间", Kind.WHEN),
        ("哪些人可以申请认定就业困难人员", Kind.WHO),
        ("开农家乐有扶持吗", Kind.YES_NO),
        ("要担保人不", Kind.YES_NO),
        ("五小行业是什么", Kind.MEANING),  # 什么 is not a …么 yes/no question: what it is
        ("组织劳务输出一般去哪几个省", Kind.OTHER),  # 去哪几个 names places, it is not "where to apply"
        ("在这边住了好几年了，失业登记能在这办吗", Kind.YES_NO),  # 好几年 is said, not asked
        ("见习干多久能留下来，执行到哪年", Kind.WHEN),  # the longest cue decides (到哪年 over 到哪)
    ],
)
def test_question_kind(kb, question, kind):
    assert read_question(question, kb.asking).kind is kind


def test_second_kind_in_another_part_of_the_question(kb):
    asked = read_question("技能提升补贴在哪儿办？补贴的钱谁出？", kb.asking)
    assert {asked.kind, asked.second} == {Kind.APPLY, Kind.PAYER}
    assert read_question("稳岗返还能返多少吗", kb.asking).second is None  # a 吗 ending is grammar


@pytest.mark.parametrize(
    ("text", "amount"),
    [("能贷三百万吗", 3_000_000), ("贷15w行不行", 150_000), ("1.5万元够不够", 15_000),
     ("两千块", 2000), ("二十万", 200_000), ("我19岁", None), ("见习6个月", None), ("招了20人", None),
     ("弟兄俩一块干个修理铺", None), ("我们一块儿开", None), ("一块钱", 1),  # 一块 is "together"
     ("要先交八千保证金", None), ("交了两千手续费 能贷十万不", 100_000)],  # a fee demanded is no sum asked
)
def test_amount_named_in_a_question(text, amount):
    assert question_amount(text) == amount


@pytest.mark.parametrize(
    ("text", "age"),
    [("我26周岁了", 26), ("娃十九岁", 19), ("我娃19了", 19), ("16到24岁的青年", None), ("交了3年", None)],
)
def test_age_given_in_a_question(text, age):
    assert question_age(text) == age


# ---------------------------------------------------------------- the first line, by kind


def test_amount_individual_and_enterprise_loans(answerer, kb):
    loan = kb.clause("5.2").text
    assert "15万元" in loan and "300万元" in loan
    eatery = first_line(answerer.answer("在镇上开一家小面馆，个人能申请多少贷款"))
    assert "15万元" in eatery and ("300万" not in eatery or eatery.index("15万元") < eatery.index("300万"))
    firm = first_line(answerer.answer("我们是小微企业，担保贷款额度上限是多少"))
    assert firm.startswith("最高不超过300万元") and "15万" not in firm


def test_amount_is_not_answered_with_a_yes(answerer):
    line = first_line(answerer.answer("那见习的话单位每个月能补几个钱"))
    assert "1000元" in line and not line.startswith(("能", "有"))


def test_yes_no_compares_the_amount_asked_with_the_cap(answerer):
    over = first_line(answerer.answer("个人开店能贷20万吗"))
    assert over.startswith("不能") and "15万元" in over
    within = first_line(answerer.answer("我们厂能贷两百万不"))
    assert within.startswith("要看条件") and "300万元" in within and "25%" in within
    assert not within.startswith("25%")


def test_yes_no_opens_with_yes_or_the_condition(answerer):
    assert first_line(answerer.answer("见习单位留用率过半，补贴能不能往上调")).startswith("能")
    assert first_line(answerer.answer("没工作的年轻人能不能去单位见习")).startswith("要看条件")


def test_age_given_is_compared_with_the_age_range(answerer, kb):
    assert "16—24岁" in kb.clause("6").text
    inside = first_line(answerer.answer("十八岁没工作的娃能不能去单位见习"))
    # the age and 没工作 said are the group itself (16—24岁失业青年): 能, then the condition
    assert inside.startswith("能：18岁、没有工作，属于16—24岁失业青年") and "3—12个月" in inside
    working = first_line(answerer.answer("十八岁在饭馆上班的娃能不能去单位见习"))
    assert working.startswith("18岁在16—24岁之内") and "要看条件" in working
    outside = first_line(answerer.answer("我今年26周岁，待业在家，还能报见习吗"))
    assert outside.startswith("26岁不在") and "离校未就业高校毕业生" in outside  # the groups without an age limit


def test_how_to_apply_says_where_not_a_figure(answerer):
    line = first_line(answerer.answer("稳岗返还要到哪个部门去申请"))
    assert "人社" in line and "申请" in line and not line.startswith("60%")
    assert "参保地" in first_line(answerer.answer("考了电工证，技能提升补贴去哪儿申领"))
    assert "常住地" in first_line(answerer.answer("下岗了失业登记在哪里办"))


def test_when_and_who(answerer, kb):
    assert "3—12个月" in kb.clause("6").text
    assert "3—12个月" in first_line(answerer.answer("见习一般要干多长时间"))
    assert "大龄、残疾、低保家庭" in first_line(answerer.answer("哪些人可以申请认定就业困难人员"))


def test_who_pays(answerer):
    assert "失业保险基金" in first_line(answerer.answer("技能提升补贴的钱由谁出"))
    assert "当地财政全额承担" in first_line(answerer.answer("县上放宽贷款条件后多出的贴息谁承担"))


def test_reply_quotes_at_most_one_passage_and_never_the_whole_clause(answerer, kb):
    for question in ("见习补贴到底发给谁", "稳岗返还要到哪个部门去申请", "我们是小微企业，担保贷款额度上限是多少"):
        answer = answerer.answer(question)
        body = answer.reply.split("\n\n")[0]
        assert body.count("原文：") <= 1
        assert answer.clause.body not in answer.reply


# ---------------------------------------------------------------- who gets the money


@pytest.mark.parametrize(
    ("question", "recipient", "not_first"),
    [
        ("见习补贴到底发给谁", "单位", "发给见习"),
        ("稳岗返还的钱是给企业还是给职工", "企业", None),
        ("创业担保基金运营机构的奖励给谁", "运营管理机构", None),
        ("失业保险金发给谁", "失业人员", None),
    ],
)
def test_recipient_is_said_first(answerer, question, recipient, not_first):
    line = first_line(answerer.answer(question))
    assert recipient in line
    if not_first:
        assert not line.startswith(not_first)


def test_internship_money_goes_to_the_host_unit_not_the_intern(answerer):
    line = first_line(answerer.answer("见习补贴到底发给谁"))
    assert line.startswith("发给接收见习人员的单位") and "不是直接发给见习的人" in line


# ---------------------------------------------------------------- expiry first


def test_expired_relaxation_is_said_first_with_what_applies_now(answerer):
    answer = answerer.answer("交了一年失业保险，考了证能领技能提升补贴吗")
    line = first_line(answer)
    assert "已于2020年12月31日到期" in line and "3年以上" in line
    assert not line.startswith("参保1年以上")
    assert answer.reply.count("已于2020年12月31日到期") == 1  # not repeated in the footer


def test_expired_allowance_is_not_offered_as_current(kb, answerer):
    question = "参加培训的时候还能拿到生活费补贴吗"
    late = first_line(answerer.answer(question))
    assert "到期" in late and not late.startswith(("有", "能"))
    early = Answerer(kb, today=lambda: date(2020, 6, 1)).answer(question)
    assert "到期" not in first_line(early)


def test_expired_special_standard_says_what_applies_now(answerer):
    line = first_line(answerer.answer("企业经营困难没裁员，返还能按六个月失业保险金算吗"))
    assert "已于2019年12月31日到期" in line and "60%" in line


@pytest.mark.parametrize(
    "question",
    ["交了一年失业保险，考了证能领技能提升补贴吗", "参加培训的时候还能拿到生活费补贴吗",
     "零就业家庭培训有伙食补助吗", "村里的公益岗这两年开了多少", "全州两年里培训了多少劳动力",
     "困难企业搞职工在岗培训钱不够政府补不补", "企业经营困难没裁员，返还能按六个月失业保险金算吗"],
)
def test_first_line_never_states_an_ended_rule_as_current(answerer, question):
    answer = answerer.answer(question)
    line = first_line(answer)
    for period in answer.clause.ended_periods(TODAY):
        if period.text in line:
            assert "到期" in line, line
    assert answer.clause.ended_periods(TODAY)  # these all touch a time-limited rule


def test_staff_answer_naming_an_ended_period_is_not_used_as_current(kb):
    from knowledge.answer import _states_ended

    clause = kb.clause("3.4")
    assert _states_ended("参保1年以上。2019年1月1日至2020年12月31日放宽。", clause, TODAY)
    assert not _states_ended("这项放宽已于2020年12月31日到期；2019年1月1日至2020年12月31日…", clause, TODAY)
    assert not _states_ended("2019年1月1日至2020年12月31日放宽。", clause, date(2020, 1, 1))


# ---------------------------------------------------------------- follow-ups with `about`


def test_follow_up_answers_the_kind_about_the_conversation_clause(answerer):
    where = answerer.answer("找哪里报名", about="6")
    assert where.about == "6" and where.clauses == ["6"] and where.answered
    assert "人社" in first_line(where) or "公共就业服务" in first_line(where)
    money = answerer.answer("钱最后到谁手里", about="6")
    assert "单位" in first_line(money)
    total = answerer.answer("一个月补几个钱", about="6")
    assert "1000元" in first_line(total)


def test_follow_up_on_an_aspect_the_document_does_not_state(answerer):
    late = answerer.answer("多久能打到卡上", about="4")
    assert late.about == "4" and late.unstated
    # a long name goes first: 关于稳岗返还（返还失业保险费），文件没有写明多久到账…
    assert first_line(late).startswith("关于稳岗返还（返还失业保险费），文件没有写明") and "12333" in first_line(late)
    assert "失业动态监测" not in late.reply and late.clauses == ["4"]
    guarantor = answerer.answer("需要找担保人吗", about="5.2")
    assert "文件没有写明" in first_line(guarantor) and "担保人" in first_line(guarantor)


def test_follow_up_with_a_topic_of_its_own_ignores_about(answerer):
    own = answerer.answer("那创业担保贷款去哪办", about="6")
    assert own.about is None and own.clauses[0] == "5.2"
    # 第六条 lists 职业培训补贴 among others, but the question ranks 第三条第（三）项 first.
    listed = answerer.answer("职业培训补贴给多少", about="6")
    assert listed.about is None and listed.clauses[0] == "3.3"


def test_follow_up_in_the_clause_words_is_answered_even_when_the_words_alone_are_weak(answerer):
    kept = answerer.answer("那留用的人多的单位呢", about="6")
    assert kept.about == "6" and kept.answered and "1200元" in first_line(kept)
    who = answerer.answer("啥算见习对象", about="6")
    assert who.about == "6" and "16—24岁失业青年" in first_line(who)


def test_has_own_topic(answerer):
    assert not answerer.has_own_topic("去哪里报名")
    assert not answerer.has_own_topic("一个月给多少钱")
    assert not answerer.has_own_topic("啥时候能打款")
    assert answerer.has_own_topic("见习去哪里报名")
    assert answerer.has_own_topic("创业贷款要担保人吗")
    # A topic the documents do not cover is a topic too: never answered about the last clause.
    assert answerer.has_own_topic("护照去哪办", about="6")
    refused = answerer.answer("公积金怎么取出来", about="6")
    assert refused.about is None and not refused.answered
    assert not answerer.answer("办护照要去哪个窗口").answered  # its only topic word is in no document
    # Within the conversation's clause, its own words are no new topic.
    assert not answerer.has_own_topic("补贴是给单位还是给见习的年轻人", about="6")
    assert answerer.has_own_topic("补贴是给单位还是给见习的年轻人", about="5.2")


def test_question_without_topic_and_without_conversation_asks_which_policy(answerer):
    answer = answerer.answer("去哪里报名呢")
    assert not answer.answered and "哪一项政策" in answer.reply and answer.suggestions


def test_cache_keeps_answers_about_different_clauses_apart(answerer):
    intern = answerer.answer("一共能给多少", about="6")
    loan = answerer.answer("一共能给多少", about="5.2")
    assert intern.clauses == ["6"] and loan.clauses == ["5.2"]
    assert answerer.answer("一共能给多少", about="6") is intern
    assert answerer.answer("一共能给多少", about="99") is answerer.answer("一共能给多少")  # unknown id ignored


# ---------------------------------------------------------------- the data files are checked


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, target)
    return target


def messages(data_dir: Path) -> list[str]:
    _, problems = load_knowledge(data_dir)
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in problems]


BENEFIT = """\
benefits:
  - id: test-item
    clause: "6"
    name: 测试项
    words: [见习]
    amount:
      say: 每人每月1500元。
      quote: 每人每月1500元的标准
    period: 2030年
  - id: test-other
    clause: "9.9"
    name: 不存在的条款
    words: [x]
"""


def test_benefits_file_problems_are_chinese_with_lines(data_copy):
    (data_copy / "benefits.yaml").write_text(BENEFIT, encoding="utf-8")
    found = messages(data_copy)
    assert any(m.startswith("benefits.yaml:7:") and "1500" in m and "不能编数字" in m for m in found), found
    assert any(m.startswith("benefits.yaml:8:") and "逐字照抄" in m for m in found), found
    assert any(m.startswith("benefits.yaml:9:") and "2030年" in m and "期限" in m for m in found), found
    assert any(m.startswith("benefits.yaml:11:") and "找不到条款" in m for m in found), found


def test_asking_file_problems_are_chinese_with_lines(data_copy):
    (data_copy / "asking.yaml").write_text(
        "kinds:\n  - kind: howmuch\n    cues: [多少]\n  - kind: amount\n    cue: [多少]\n", encoding="utf-8")
    found = messages(data_copy)
    assert any(m.startswith("asking.yaml:2:") and "howmuch" in m for m in found), found
    assert any(m.startswith("asking.yaml:5:") and "不认识的字段" in m for m in found), found


def test_missing_question_kind_files_leave_answers_working(data_copy):
    (data_copy / "asking.yaml").unlink()
    (data_copy / "benefits.yaml").unlink()
    kb, problems = load_knowledge(data_copy)
    assert problems == [] and kb.benefits == ()
    answer = Answerer(kb, today=lambda: TODAY).answer("见习补贴每人每月多少钱")
    assert answer.answered and "1000元" in answer.reply


# ---------------------------------------------------------------- the eval scores do not drop


@pytest.mark.skipif(not (SHARED / "dev_questions.yaml").exists(), reason="shared eval set not present")
def test_dev_eval_scores_do_not_drop():
    root = Path(__file__).resolve().parents[1]
    cmd = f"{Path(sys.executable).parent / 'policybot'} ask --json --batch"
    out = subprocess.run([sys.executable, str(SHARED / "score.py"), str(SHARED / "dev_questions.yaml"), "--cmd", cmd],
                         capture_output=True, text=True, cwd=root, timeout=600)
    summary = dict(part.split("=") for part in out.stdout.strip().splitlines()[-1].split())
    assert float(summary["top1"]) >= 0.984 and float(summary["r3"]) >= 1.0
    assert float(summary["facts"]) >= 0.964 and float(summary["oos"]) >= 1.0
    assert float(summary["falsrej"]) <= 0.0


@pytest.mark.parametrize(("question", "money"), [
    ("这个能补多少钱", True), ("贷款能贷多少", True), ("工资一个月多少", True),
    ("一共开发了多少个岗位", False), ("见习最长几个月", False), ("能补不", False),
])
def test_an_amount_question_about_money_is_told_from_one_about_counts(kb, question, money):
    assert read_question(question, kb.asking).money is money


def test_a_sum_asked_of_a_clause_that_names_only_counts_is_not_answered_with_the_count(answerer, kb):
    """2.2 names 6600个 (posts) and no sum of money: 扶贫车间补多少钱 says the amount is not written,
    never a count passed off as the answer; a count question still gets the count."""
    assert not any(q.unit in {"元", "万元", "%"} for q in kb.clause("2.2").quantities)
    money = answerer.answer("我们村里办了扶贫车间 上面能补助多少钱", cache=False)
    assert money.clauses[0] == "2.2"
    first = money.reply.splitlines()[0]
    assert first.startswith("文件没有写明") and "金额" in first and "6600" not in first
    count = answerer.answer("乡村公益性岗位一共开发多少个", cache=False)
    assert count.clauses[0] == "2.2" and "6600个" in count.reply.splitlines()[0]


@pytest.mark.parametrize(("text", "amount"), [
    ("一千二的那种", 1200.0), ("贷个一万五行不", 15000.0), ("两千五够不够", 2500.0),
    ("一千二百元", 1200.0), ("一千块", 1000.0), ("招了一千二个人", None),
])
def test_sums_said_the_spoken_way(text, amount):
    assert question_amount(text) == amount


def test_a_condition_asked_of_a_tier_named_by_its_spoken_sum(answerer):
    """一千二 names the 1200元 tier (benefits.yaml lists 1200 among its words); 咋才能 asks the
    condition: the first line states it (留用率达到50%以上), not the clause's opening sentences."""
    answer = answerer.answer("见习那个一千二的补贴 单位咋才能拿上", cache=False)
    assert answer.clauses[0] == "6"
    first = answer.reply.splitlines()[0]
    assert "50%" in first and "1200" in first


def test_a_sum_the_document_does_not_name_is_corrected_first(answerer):
    """A rumour (涨到一千五了 / 一万块补贴是真的吗) is corrected before anything else: the document
    names 1000 and 1200 元 for internships, no other sum; a sum it does name is not 'corrected'."""
    rumour = answerer.answer("邻居说见习补贴现在一个人一个月一千五了 真的假的", cache=False)
    assert rumour.clauses[0] == "6"
    first = rumour.reply.splitlines()[0]
    assert first.startswith("文件里没有1500元的说法"), first
    assert "1000元" in rumour.reply.split("依据")[0]
    named = answerer.answer("见习补贴留用率高的是一千二吗", cache=False)
    assert "没有1200元的说法" not in named.reply and "1200" in named.reply.splitlines()[0]


def test_a_rate_is_applied_to_the_sum_the_question_gives(answerer):
    """第四条 returns 60% of last year's premiums: 交了三十万 -> 约18万元, the condition kept."""
    answer = answerer.answer("厂里去年交了三十万失业保险费 稳岗能返多少", cache=False)
    assert answer.clauses[0] == "4"
    first = answer.reply.splitlines()[0]
    assert "约18万元" in first and "60%" in first and "不裁员" in first


@pytest.mark.parametrize(("question", "kind"), [
    ("见习的娃自己能拿多少", Kind.RECIPIENT), ("这个补贴阿达去办", Kind.APPLY), ("失业登记哪达办", Kind.APPLY),
])
def test_dialect_and_plain_cues_of_the_kind_asked(kb, question, kind):
    assert read_question(question, kb.asking).kind is kind


def test_a_yes_no_ending_counts_at_the_end_of_any_part(kb, answerer):
    """失业金能领不 + a fact after a space: still a yes/no question, answered with the condition
    (not with who pays, which an FAQ on the same clause opens with)."""
    asked = read_question("失业保险金我能领不 我在厂里交了五年", kb.asking)
    assert asked.kind is Kind.YES_NO
    answer = answerer.answer("失业保险金我能领不 我在厂里交了五年", cache=False)
    assert answer.reply.startswith("要看条件")


def test_a_sum_only_one_clause_names_anchors_a_question_with_no_topic_word(answerer):
    """一千二是给谁的 / 1200是给谁的: no topic word, but only clause 6 names 1200元 — answered
    from it (who receives it), not refused and not asked 哪一项政策."""
    for question in ("那个一千二是给谁发的", "1200元给谁的"):
        answer = answerer.answer(question, cache=False)
        assert answer.answered and answer.clauses[0] == "6", answer.reply
        assert "单位" in answer.reply.splitlines()[0]


def test_a_yes_no_on_whether_the_person_gets_the_money_says_who_does(answerer):
    """娃能拿一千块不: the 见习 money goes to the host unit — said first, never a bare 能."""
    for question in ("我家娃去见习 一个月一千块能到他手里不", "见习的人自己每月能领一千二吗"):
        first = answerer.answer(question, cache=False).reply.splitlines()[0]
        assert not first.startswith("能") and "单位" in first and "不是" in first, first


def test_a_rate_the_document_does_not_name_is_corrected_first(kb, answerer):
    assert read_question("听说现在返百分之八十了", kb.asking).rate == 80.0
    answer = answerer.answer("村里人说稳岗返还涨到百分之八十了", cache=False)
    assert answer.clauses[0] == "4"
    lines = answer.reply.splitlines()
    assert lines[0] == "文件里没有80%的说法。" and "60%" in lines[1]
    named = answerer.answer("稳岗返还是返60%吗", cache=False)
    assert "没有60%的说法" not in named.reply


def test_a_follow_up_about_someone_with_an_age_is_compared_with_the_range(answerer):
    """那我娃呢 他二十岁 after an answer on 见习 (clause 6): the age is not a topic of its own;
    it is compared with 16—24岁."""
    answer = answerer.answer("那我闺女呢 她二十二岁", about="6", cache=False)
    assert answer.clauses[0] == "6"
    assert answer.reply.startswith("22岁在16—24岁之内")


def test_a_question_naming_only_a_benefit_gets_its_plain_line(answerer):
    """想问问见习补贴 names the benefit and asks nothing else: its plain line (1000元, to the
    unit) comes first, not the clause's opening list of subsidy names."""
    first = answerer.answer("俺想打听一下见习补贴", cache=False).reply.splitlines()[0]
    assert first.startswith("每人每月1000元") and "甘肃省就业补助资金管理办法" not in first


@pytest.mark.parametrize("question", [
    "我每月挣两千 能参加见习吗", "我家一年收入一万二 能认定就业困难人员不", "我交了三千块培训费 能补贴不",
])
def test_a_sum_about_the_persons_own_situation_is_not_corrected_as_a_rumour(answerer, question):
    """Only a passed-on claim (听说, 是真的吗, 涨到) is corrected; a wage, income or fee the person
    states about themselves is their situation."""
    assert "的说法" not in answerer.answer(question, cache=False).reply.splitlines()[0]


def test_another_party_after_an_answer_stays_on_the_clause(answerer, kb):
    # 那单位呢 after an answer on the internship subsidy: still 第六条, for the host unit.
    answer = answerer.answer("那单位呢", about="6")
    assert answer.clause is not None and answer.clause.id == "6"
    amount = next(q.text for q in kb.clause("6").quantities if q.unit == "元")
    assert amount in first_line(answer)
    assert not answerer.has_own_topic("那公司咋办", about="6")
    assert answerer.has_own_topic("那公司贷款呢", about="6")  # a topic of its own beyond the party


def test_a_follow_up_is_about_the_benefit_the_previous_question_named(answerer):
    # 第九条第（三）项 grants several things; "多少钱" after asking about the living allowance
    # is about that allowance, not about unemployment registration.
    plain = first_line(answerer.answer("能给多少钱", about="9.3"))
    followed = first_line(answerer.answer("能给多少钱", about="9.3", context="下岗以后日子难过 临时生活补助能申请不"))
    assert "失业登记" not in followed and "困难程度" in followed
    assert followed != plain


def test_the_plan_being_issued_is_not_money_being_paid(answerer, kb):
    answer = answerer.answer("文件发下来以后县上几天内要出落实办法")
    assert answer.clause is not None and answer.clause.id == "11"
    assert "到账" not in answer.reply and "30日内" in first_line(answer)


def test_no_empty_brackets_when_a_clause_names_no_lead_department(answerer, kb):
    assert not kb.clause("11").lead_department
    answer = answerer.answer("县上出落实办法以后补贴啥时候到账", about="11")
    assert "到账" in first_line(answer) and "（）" not in answer.reply


def test_when_the_document_was_issued_is_said_first(answerer, kb):
    doc = kb.document_of(kb.clause("0"))
    day = f"{doc.issued.year}年{doc.issued.month}月{doc.issued.day}日"
    assert first_line(answerer.answer("这方案哪天下发的")).startswith(f"{doc.number}是{day}印发的")
    assert "开始执行" not in first_line(answerer.answer("技能提升补贴的钱从啥资金里出的"))


def test_the_lead_department_asked_after_an_answer_is_about_its_clause(answerer, kb):
    answer = answerer.answer("牵头的是哪个部门", about="4")
    assert answer.clause.id == "4" and kb.clause("4").lead_department.split("（")[0] in first_line(answer)


def test_what_policies_for_a_person_lists_the_closest_few_a_line_each(answerer, kb):
    answer = answerer.answer("闺女中专毕业两年了在家闲着 政府有啥扶持")
    lines = answer.reply.splitlines()
    items = [line for line in lines if line[:2] in ("1.", "2.", "3.")]
    assert answer.answered and 2 <= len(items) <= 3
    assert any("（第六条）" in line for line in items)  # the internship is for such young people
    assert not any("（前言）" in line or "（结尾）" in line for line in items)
    assert "原文：" not in answer.reply and len(answer.reply) < 600  # a list, not a clause dumped



@pytest.mark.parametrize(("text", "age"), [("我侄子二十二呢", 22), ("那十六了呢", 16), ("那要是二十四呢", 24), ("那二十个人呢", None)])
def test_an_age_said_in_a_follow_up(text, age):
    assert question_age(text) == age


def test_a_relative_with_an_age_after_an_answer_is_compared_with_the_range(answerer, kb):
    answer = answerer.answer("我外甥二十一呢", about="6")
    assert answer.answered and answer.clause.id == "6"
    assert first_line(answer).startswith("21岁在16—24岁之内")


def test_who_gets_it_after_an_ended_part_is_the_standing_whole(answerer, kb):
    # the 2019 special standard of 第四条 ended; 钱返给谁 right after is about the refund itself
    answer = answerer.answer("这钱返给谁", about="4", context="效益不好的厂子按6个月的标准能返不")
    assert "到期" not in first_line(answer) and "企业" in first_line(answer)


def test_a_list_line_is_cut_at_a_pause_not_inside_a_range(answerer):
    from knowledge.answer import _cut
    text = "离校未就业高校毕业生，以及16—24岁失业青年，可以参加3—12个月的就业见习"
    assert _cut(text, 30) == "离校未就业高校毕业生，以及16—24岁失业青年…"
    assert _cut(text, 200) == text


def test_the_minimum_living_allowance_amount_is_not_in_the_document(answerer):
    line = first_line(answerer.answer("吃低保的一个月能拿多少钱"))
    assert line.startswith("文件没有写低保标准") and "就业困难人员" not in line


def test_a_clause_granting_several_things_names_them_in_a_list(answerer, kb):
    name, gives = answerer._overview_line(kb.clause("9.3"), TODAY)
    standing = [b.name for b in kb.benefits_of("9.3") if b.part_of is None and not b.has_ended(TODAY)]
    assert sum(n in gives for n in standing) >= 3


def test_a_list_leaves_out_what_the_age_said_rules_out(answerer):
    answer = answerer.answer("我快六十了 单位黄了 没事干 有啥帮扶")
    assert answer.answered and "（第六条）" not in answer.reply  # the 16—24岁 internship
    assert "第九条第（三）项" in answer.reply.splitlines()[0]


def test_a_da_as_father_is_not_where(answerer, kb):
    # 临夏话“阿达”: 哪里 in 到阿达申请, but 父亲 in 跟阿达一起开店
    asked = answerer.read("跟我阿达一起开店 贷款能多些不")
    assert asked.kind is not Kind.APPLY
    assert answerer.read("贷款到阿达申请").kind is Kind.APPLY


def test_where_the_training_is_given_is_the_clause_s_providers(answerer):
    line = first_line(answerer.answer("下岗职工的培训是在哪个学校学", about="3.3"))
    assert "职业院校" in line or "培训机构" in line


def test_list_names_are_short(answerer, kb):
    # a benefit's bracketed list of trades would push the next item past the first screen
    for clause_id in ("2.2", "9.3"):
        name, gives = answerer._overview_line(kb.clause(clause_id), TODAY)
        assert "（" not in name and len(gives) <= 60


# ---------------------------------------------------------------- details of how a thing is done

@pytest.mark.parametrize(("detail", "said"), [("手机上能申请不", "能不能在网上或手机上办"), ("收不收钱", "收不收费"),
                                             ("能让我儿子代办不", "能不能找人代办"), ("几天能批下来", "要多长时间"),
                                             ("礼拜天办不办", "办事的时间")])
def test_a_detail_the_document_does_not_give_is_said_to_be_missing(answerer, detail, said):
    # After an answer on 失业登记, a detail of how it is done (online, fees, by proxy, how long,
    # office hours) is about that clause, and the document says none of them — never a
    # sentence that happens to say 网上 or 时间 (第二条's 网上创业).
    answer = answerer.answer(detail, about="9.3", today=TODAY)
    assert answer.answered and answer.clauses[0] == "9.3"
    assert first_line(answer).startswith("文件没有写明") and said in first_line(answer)


def test_where_the_training_is_given_is_answered_from_the_clause(answerer):
    answer = answerer.answer("失业了想学个手艺 到哪个学校学", today=TODAY)
    assert answer.clauses[0] == "3.3"
    assert "职业院校" in first_line(answer) and "金额" not in first_line(answer)


@pytest.mark.parametrize(("question", "clause"), [("从青海打工回来了 想在附近找点活干", "2.2"),
                                                  ("打工回来了 想在老家开个小超市", "2.3")])
def test_a_returnee_looking_for_work_or_starting_out(answerer, question, clause):
    assert answerer.answer(question, today=TODAY).clauses[0] == clause


def test_whose_account_the_refund_goes_to_is_a_follow_up(answerer):
    # 单位 / 个人 are parties, not a topic beyond 第四条: the refund goes to the enterprise.
    answer = answerer.answer("钱是打到单位账上还是打到我卡上", about="4", today=TODAY)
    assert answer.answered and answer.clauses[0] == "4"
    assert "企业" in first_line(answer)


@pytest.mark.parametrize("question", ["屋里养了三十来只羊 想把规模弄大 政府扶持不", "养鸡的 想扩大 有政策没"])
def test_family_farming_is_the_five_small_trades(answerer, question):
    # 第二条第（二）项 扶持发展家庭种养殖: a farmer's question is answered, not refused as farming.
    answer = answerer.answer(question, today=TODAY)
    assert answer.answered and answer.clauses[0] == "2.2"


def test_a_yes_no_on_something_the_clause_does_not_speak_of_gets_no_verdict(answerer):
    # 第二条第（四）项 speaks of organised labour transfer to 苏州/东莞, not of a factory's meals
    # and beds: no 有： for it. (The test is lexical coverage, AnswerSettings.yes_no_min_coverage:
    # a question that words more of the clause gets the verdict — a known limit.)
    question = "苏州那边的电子厂给不给住的地方"
    assert answerer.retriever.search(question).coverage < answerer.settings.yes_no_min_coverage
    answer = answerer.answer(question, today=TODAY)
    assert answer.answered and answer.clauses[0] == "2.4"
    assert first_line(answer).startswith("文件没有讲到您问的这一点")
    assert answerer.answer("扶贫车间招人不", today=TODAY).reply.startswith("有")  # the clause speaks of it
    # asked of meals and beds in those words (asking.yaml aspect 管不管吃住): said not written, by name
    line = first_line(answerer.answer("苏州那边的电子厂包吃住不", today=TODAY))
    assert "没有写明管不管吃住" in line and not line.startswith(("有", "能"))


@pytest.mark.parametrize(("question", "not_said"), [("见习要搞多久", "办下来要多长时间"), ("礼拜六去培训有补贴吗", "办事的时间"),
                                                    ("能帮我办一下创业担保贷款吗", "代办"), ("本人必须是高校毕业生吗", "代办")])
def test_a_policy_question_is_not_taken_for_a_detail_of_handling(answerer, question, not_said):
    assert not_said not in first_line(answerer.answer(question, today=TODAY))


def test_naming_another_clauses_subject_is_a_question_of_its_own(answerer):
    # After 第三条第（二）项 (which mentions 稳岗补贴资金 in passing), 那稳岗补贴呢 names the subject
    # of 第四条 (援企稳岗促就业): answered from it, not the same answer again.
    assert answerer.has_own_topic("那稳岗补贴呢", "3.2")
    assert answerer.answer("那稳岗补贴呢", about="3.2", today=TODAY).clauses[0] == "4"
    assert not answerer.has_own_topic("那见习单位呢", "6")  # 第六条's own subject


def test_when_it_is_paid_and_which_of_two_sums(answerer):
    # 撒时侯 (a typo) and 一千二还是一千: not stated when it is paid; the sum from 第六条.
    answer = answerer.answer("见习补贴撒时侯打过来 一千二还是一千", today=TODAY)
    assert "文件没有写明" in first_line(answer)[:40] and "到账" in first_line(answer)
    assert "1000元" in answer.reply and "1200元" in answer.reply
    assert "印发" in answerer.answer("这个文件是哪天发的", today=TODAY).reply or "2019年1月17日" in answerer.answer(
        "这个文件是哪天发的", today=TODAY).reply  # 哪天发的 is the document's date, not a payment


def test_a_few_is_not_how_many(kb):
    # 想收几个见习的娃: 几个 is "a few"; the question is 一个补多少.
    assert read_question("我们饭馆想收几个见习的娃", kb.asking).kind is not Kind.AMOUNT
    assert read_question("我们饭馆想收几个见习的娃 一个给补多少", kb.asking).kind is Kind.AMOUNT


# ---------------------------------------------------------------- partners, ended periods of others


@pytest.mark.parametrize("question", ["跟表哥伙着开个烤肉店 贷款能比一个人多贷点不",
                                      "我们弟兄俩搭伙干 额度比单干的高不"])
def test_partners_said_in_dialect_get_the_raised_limit(answerer, question):
    answer = answerer.answer(question)
    assert answer.benefit == "loan-partnership"
    assert "适当提高" in first_line(answer) and "1元" not in answer.reply


def test_a_benefit_without_an_end_is_not_said_to_have_ended(answerer, kb):
    # 第二条第（二）项's 2019—2020 period is the 6600 乡村公益性岗位 plan's, not the 扶贫车间's
    answer = answerer.answer("扶贫车间这个政策现在还有效没有")
    line = first_line(answer)
    assert answer.benefit == "poverty-workshops"
    assert line.startswith("文件没有写扶贫车间的截止日期")
    assert "6600个乡村公益性岗位" in line and "2020年12月31日到期" in line


def test_an_unstated_detail_of_a_clause_title_is_not_run_into_it(answerer):
    answer = answerer.answer("落实补贴促就业那一条 钱多久能到账")
    line = first_line(answer)
    assert "文件没有写明" in line
    assert "落实补贴促就业多久" not in line  # not "文件没有写明落实补贴促就业多久到账"


# ---------------------------------------------------------------- money asked of the resident


@pytest.mark.parametrize("question", ["放贷的说得先交三千保证金才给办创业贷款", "村干部说给他两百块钱才给报公益岗",
                                      "信用社的人说贷款要交五千保证金 是规定吗"])
def test_money_demanded_first_gets_the_caution_first(answerer, question):
    answer = answerer.answer(question)
    first = answer.reply.splitlines()[0]
    assert first.startswith("提醒：") and "先别交" in first and "12345" in first
    assert "办理时收不收费" not in answer.reply  # the caution says it better
    assert "在额度之内" not in answer.reply  # the sum demanded is no loan asked for


@pytest.mark.parametrize("question", ["参加技能培训要交钱不", "参加技能培训要先交钱不",
                                      "失业保险得先交满两年钱才能领吗", "厂里给我们交社保 交够多少钱才返"])
def test_asking_whether_something_costs_money_is_no_warning(answerer, question):
    # money one owes anyway (社保, 失业保险) or a plain "does it cost" is no demand to warn of
    assert not answerer.answer(question).reply.startswith("提醒：")


def test_an_amount_within_a_cap_that_has_a_condition_is_not_a_plain_yes(answerer):
    # the 300万元 cap holds only for a firm that hired enough: 要看条件, then the condition
    line = first_line(answerer.answer("我们厂子能贷一百万不"))
    assert line.startswith("要看条件：") and "100万元在额度之内" in line
    assert "25%" in line and "300万元" in line


def test_what_a_benefit_is_is_answered_with_who_takes_part_not_the_amount(answerer):
    line = first_line(answerer.answer("见习是撒意思", about="6"))
    assert "3—12个月" in line and "16—24岁" in line
    assert not line.startswith("每人每月1000元")


def test_an_age_given_with_an_amount_question_is_judged_before_the_sum(answerer):
    line = first_line(answerer.answer("我儿子二十六了 见习一个月给多少"))
    assert line.startswith("26岁不在") and "16—24岁" in line
    assert "1000元" in answerer.answer("我儿子二十六了 见习一个月给多少").reply


def test_whether_two_benefits_can_be_had_together_is_not_stated(answerer):
    # the document says nothing on combining benefits: no "有：…" from a clause sentence
    line = first_line(answerer.answer("见习补贴和求职补贴能同时领不"))
    assert line.startswith("文件没有写明") and "同时享受" in line


def test_who_pays_asked_as_shi_na_chu_de(answerer):
    line = first_line(answerer.answer("技能提升补贴这钱是哪出的"))
    assert "失业保险基金" in line


def test_insuring_an_intern_is_answered_from_the_subsidy_s_use(answerer):
    assert "人身意外伤害保险" in first_line(answerer.answer("单位收了见习的娃 要给他上保险不"))


def test_taking_a_graduate_on_to_learn_the_trade_is_the_internship(answerer):
    answer = answerer.answer("饭馆里想带个刚毕业的娃先练手 政府给补多少")
    assert answer.clause.id == "6" and "1000元" in first_line(answer)


def test_what_a_refund_is_says_who_qualifies_and_what_it_gives(answerer):
    line = first_line(answerer.answer("稳岗返还是撒意思"))
    assert "参保企业" in line and "60%" in line


def test_an_amount_asked_after_yes_no_words_is_an_amount_question(answerer):
    # 有没有 … 多少 in one part asks how much; 有没有补贴，给多少 in two parts asks both
    assert answerer.read("见习补贴有没有说一个月给多少").kind.value == "amount"
    assert first_line(answerer.answer("见习补贴有没有说一个月给多少")).startswith("每人每月1000元")
    assert answerer.read("有没有补贴，给多少").kind.value == "yes_no"


def test_baifenzhiji_asks_a_rate(answerer):
    assert first_line(answerer.answer("不裁员的话 失业保险费能返百分之几")).startswith("返还上年度实际缴纳失业保险费的60%")


def test_a_count_of_people_is_not_the_individual_loan(answerer):
    # 12个人 is a headcount: the shop that hired people is asking about the firms' 300万 loan too
    line = first_line(answerer.answer("铺子里原来十个人 今年新招了三个 能贷款不"))
    assert "300万元" in line


def test_a_sum_checked_goes_to_the_close_clause_that_has_a_cap(answerer):
    # 第五条（一）(guarantees for small firms) and 第五条（二）(the loan, 300万 for a small firm) are
    # both close; only the second can say whether 两百万 fits
    answer = answerer.answer("我们是个小公司 想贷两百万 能行不")
    assert answer.clause.id == "5.2"
    assert first_line(answer).startswith("要看条件") and "300万元" in first_line(answer)


def test_an_ended_rule_that_states_what_was_asked_says_it_in_the_first_line(answerer):
    # 第三条第（三）项: the living allowance (ended 2020-12-31) "不可同时领取失业保险金"
    first = first_line(answerer.answer("领着失业金 培训期间的生活费还能一块领吗"))
    assert "到期" in first and "不可同时领取失业保险金" in first
