"""Fourteenth session (2026-11-30): the kinds of fault held-out sets 35 and 36 showed.

Every sentence here is written for the tests, not taken from an eval set.
"""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.answer import Answerer
from knowledge.asking import Kind

NOW = date(2026, 11, 30)


@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb, today=lambda: NOW)


def first_line(answerer: Answerer, question: str) -> str:
    return answerer.answer(question).reply.splitlines()[0]


# ----------------------------------------------- who asks, after a piece the plan lacks

@pytest.mark.parametrize("refused, piece", [
    ("城乡居民医保一年交多少钱", "家里困难的能不能少交点"),
    ("住院的医药费能报销多少", "贫困户报得多不"),
    ("合作医疗今年涨到多少了", "娃娃多的人家有没有照顾"),
])
def test_who_asks_after_a_refused_piece_goes_on_about_it(answerer, refused: str, piece: str) -> None:
    """困难 is a word of 稳岗返还 (困难企业), but 家里困难 / 贫困户 say who asks (asking.yaml
    `askers`): the piece asks about the refused matter, not about a benefit of the plan."""
    assert answerer.answer(refused).refused
    assert answerer.names_no_matter(piece)
    assert answerer.continues(refused, piece, in_message=True)


def test_the_plans_own_help_for_the_poor_is_still_a_matter(answerer) -> None:
    assert not answerer.names_no_matter("家里困难的能申请临时生活补助不")
    assert not answerer.names_no_matter("贫困户能认定就业困难人员吗")


# --------------------------------------------- another office's programme the plan names

@pytest.mark.parametrize("question", [
    "我们家低保申请了 乡上说今年没名额",    # a statement ending in 没名额, read as yes/no
    "给我娘申请低保没批下来 凭什么",         # no cue at all
])
def test_asking_about_an_allowance_the_plan_only_names_is_referred(answerer, question: str) -> None:
    """第九条第（三）项 only names 低保 (民政's): whatever is asked of it, the reply says the
    document has no rules for it and where to ask — not a sentence on 就业困难人员."""
    answer = answerer.answer(question)
    assert not answer.answered
    first = answer.reply.splitlines()[0]
    assert "最低生活保障" in first and "12345" in first and "就业困难人员" not in first


# ------------------------------------------------------------------ other offices' matters

@pytest.mark.parametrize("question", [
    "退伍回来的一次性经济补助金啥时候到账",
    "自主就业的退役士兵一次性补助给多少",
    "家里搞养殖 养殖补贴咋申请",
    "种植补贴一亩地今年给多少",
])
def test_more_other_offices_matters_are_refused(answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert not answer.answered
    assert "退役军人" in answer.reply or "养殖、种植补贴" in answer.reply


@pytest.mark.parametrize("question", [
    "退伍回来想开个修车铺 能贷款不",
    "返乡搞养殖创业 政府能给贷款不",
    "返乡搞养殖创业 有啥补助",              # the plan's 返乡创业 (第二条第（三）项)
])
def test_the_plans_matter_beside_those_words_is_answered(answerer, question: str) -> None:
    assert answerer.answer(question).answered


# ------------------------------------------------------------------------ residents' words

@pytest.mark.parametrize("question, clause", [
    ("稳岗补贴我们小饭馆能拿不", "4"),            # residents' name for 稳岗返还 (typos.yaml), not 3.2's 稳岗补贴资金
    ("我能领稳岗补助不", "4"),
])
def test_residents_words_find_the_clause(answerer, question: str, clause: str) -> None:
    assert answerer.answer(question).clauses[0] == clause


def test_brothers_opening_together_is_a_partnership(answerer) -> None:
    """弟兄 / 一搭里 say 合伙 (the partnership loan may be raised)."""
    assert "适当提高" in first_line(answerer, "弟兄俩一搭里开个羊肉馆 贷款能比一个人多些不")


def test_interns_kept_on_is_the_higher_subsidy(answerer) -> None:
    assert "1200元" in answerer.answer("见习的娃一多半都留在厂里了 补贴能多些不").reply


def test_what_the_subsidy_is_for_is_said(answerer) -> None:
    """做撒用 asks what the money is for (asking.yaml aspect 用途): 第六条 says it (用于…)."""
    assert "人身意外伤害保险" in answerer.answer("见习补贴单位拿上做撒用").reply


def test_who_pays_asked_as_a_yes_no(answerer) -> None:
    """真是厂里出钱吗 asks who pays (payer), answered from the clause: 失业保险基金."""
    assert answerer.read("技能提升补贴真是厂里出钱吗").kind is Kind.PAYER
    assert "失业保险基金" in answerer.answer("技能提升补贴真是厂里出钱吗").reply


def test_materials_already_handed_in_are_no_question_of_what_to_bring(answerer) -> None:
    reply = answerer.answer("孵化基地的补助材料交上去三个月了 文件上咋说的").reply
    assert "要带哪些材料" not in reply and "符合资金申报条件" in reply


def test_whether_a_standing_measure_still_exists_says_it_set_no_end(answerer) -> None:
    """还有没有 about a clause with no period: no end set, and what the clause says, quoted."""
    reply = answerer.answer("政府组织去外地打工的事现在还有没有").reply
    first = reply.splitlines()[0]
    assert "没有给" in first and "截止日期" in first and "原文" in reply


# ------------------------------------------------------------------------ conversations

def test_not_having_got_round_to_asking_is_not_asked(talk) -> None:
    replies = talk(["创业担保贷款", "测一测我是否符合", "个人从事个体经营", "还没顾上去问"])
    assert "没能确定" not in replies[-1]
    assert "还没问过" in replies[-1] or "核实" in replies[-1]


# ------------------------------------------------------------------- several questions

@pytest.mark.parametrize("message", [
    "去乡上问过见习补贴咋申请，干部也说不明白。这些政策到底公布出来没有？",
    "我到县人社局问了技能补贴怎么领，人家让回去等着，政府有没有公开的办事流程",
])
def test_a_question_asked_of_someone_else_is_the_story(engine_reader, message: str) -> None:
    """去…问…咋申请 followed by what happened is a story told, the context of the question
    after it, not a second question."""
    assert len(engine_reader.split(message)) == 1


def test_a_question_to_the_bot_is_still_asked(engine_reader) -> None:
    parts = engine_reader.split("去哪问见习补贴咋申请，另外稳岗返还能返多少")
    assert len(parts) == 2


# ------------------------------------------------------------ words that must not capture

@pytest.mark.parametrize("question, wrong_start", [
    ("我弟兄想贷款开店 能贷多少", "可适当提高"),          # one brother borrowing, no partnership
    ("见习完了娃不想留在厂里 补贴给多少", "每人每月1200元"),  # nobody kept on (不想留在)
    ("我家有几个娃都没工作 能领啥", "文件没有写"),        # 几个 = several, no "how many"
    ("失业了谁管我们", "文件没有写"),                     # 9.3 names what is done for them
])
def test_new_words_leave_other_questions_alone(answerer, question: str, wrong_start: str) -> None:
    assert not first_line(answerer, question).startswith(wrong_start)


@pytest.mark.parametrize("question", ["我是低保户 失业了 有啥帮扶", "低保户失业了能领临时生活补助不",
                                      "除了低保还有啥临时给点钱的"])
def test_the_plans_help_beside_an_allowance_it_only_names_is_answered(answerer, question: str) -> None:
    """低保 is referred (民政's), but these ask the plan's own help: out of work, 临时生活补助."""
    answer = answerer.answer(question)
    assert answer.answered and "具体条件文件没有写" not in answer.reply.splitlines()[0]


def test_asking_for_money_the_plan_does_not_give_is_not_told_yes(answerer) -> None:
    """扶贫车间有补贴没: the plan supports 扶贫车间 but names no money; "有：" would read as yes."""
    first = first_line(answerer, "村里建扶贫车间 有补贴没")
    assert first.startswith("文件没有写") and "补贴" in first and "扶贫车间" in first


def test_telling_who_the_question_is_about_is_no_yes() -> None:
    """中专毕业的 to 毕业生所在的县属于…贫困县吗 repeats the question's subject, not its verb:
    it answers nothing (asked again), never a "yes" that makes the result 符合."""
    from eligibility.answers import parse_answer
    from eligibility.programs import PROGRAMS

    questions = {(p.id, q.id): q for p in PROGRAMS for q in p.questions}
    poor_area, contracts = questions[("internship", "poor_area")], questions[("startup_loan", "contracts")]
    assert parse_answer(poor_area, "中专毕业的").value is None
    assert parse_answer(contracts, "今年又新招了八个").value is None
    assert parse_answer(poor_area, "属于").value is True and parse_answer(contracts, "都签了").value is True


# ------------------------------------------------------------ what is asked, said first

def test_asking_whether_there_is_does_not_deny_it(answerer) -> None:
    """有没有吃饭钱 names the training living allowance (有没有 asks; 没 there is no denial):
    its ending is said first."""
    first = first_line(answerer, "家里没人上班 我去学手艺那阵子有没有吃饭钱补贴")
    assert "生活费补贴" in first and "到期" in first


def test_when_of_a_clause_with_no_dates_says_so(answerer) -> None:
    first = first_line(answerer, "今年毕业的 三支一扶撒时候报名")
    assert "文件没有写" in first and "三支一扶" in first


def test_places_left_is_not_stated(answerer) -> None:
    first = first_line(answerer, "今年见习的名额还有吗")
    assert first.startswith("文件没有写明") and "名额" in first


def test_whether_training_costs_money_is_the_fee_question(answerer) -> None:
    first = first_line(answerer, "去培训要钱不")
    assert not first.startswith("有") and "收不收费" in first


def test_whether_i_pay_is_who_pays(answerer) -> None:
    """医保是不是得我自己掏钱 asks who pays: 第九条第（三）项 says the fund pays it."""
    assert "失业保险基金" in first_line(answerer, "领失业金那几个月 医保得我自己掏钱交不")


@pytest.mark.parametrize("question", [
    "我在扶贫车间上班了 家里的低保还能接着吃不",
    "公益岗挣的钱算不算家庭收入",
    "娃上幼儿园的保教费困难家庭能减免不",
    "创业贷款的利息交税的时候能抵扣不",
])
def test_other_offices_rules_worded_like_the_plan_are_refused(answerer, question: str) -> None:
    assert not answerer.answer(question).answered


def test_out_of_work_on_the_minimum_allowance_gets_the_plans_help_listed(answerer) -> None:
    reply = answerer.answer("低保户失业了有啥帮扶").reply
    assert "失业登记" in reply and "临时生活补助" in reply


# ---------------------------------------------------------------- the second review's cases

@pytest.mark.parametrize("question, wrong_start", [
    ("娃没留在厂里 见习补贴给多少", "每人每月1200元"),       # 没 before the word: nobody kept on
    ("我们没合伙 就我一个人干 能贷多少", "可适当提高"),
])
def test_a_benefit_word_denied_does_not_name_it(answerer, question: str, wrong_start: str) -> None:
    assert not first_line(answerer, question).startswith(wrong_start)


def test_a_told_question_before_a_connector_is_still_asked(engine_reader) -> None:
    """去县上问…咋申请，另外…: nothing is told after the asked-of-someone question, and a
    connector begins the next piece: both are questions."""
    assert len(engine_reader.split("去县上问见习补贴咋申请，另外培训补贴给多少")) == 2


@pytest.mark.parametrize("question", ["低保之外还有啥帮扶", "低保户有啥政策"])
def test_the_programme_set_aside_or_as_who_asks_is_not_its_only_line(answerer, question: str) -> None:
    assert "具体条件文件没有写" not in first_line(answerer, question)


def test_what_else_there_is_is_no_question_of_still_running(answerer) -> None:
    assert not answerer.read("除了见习补贴 还有吗").in_force
    assert answerer.read("2026年见习补贴还有吗").in_force


def test_a_graduate_is_no_veteran(answerer) -> None:
    """自主就业 alone does not make a veteran: no 退役军人 refusal (the plan has no one-off grant
    for graduates either, so "the document does not say" is right)."""
    assert "退役军人" not in answerer.answer("高校毕业生自主就业有一次性补助没").reply


def test_a_follow_up_naming_another_clauses_subject_leaves_the_clause(answerer) -> None:
    """那贷款能贷多少 after an answer on 返乡创业 (第二条第（三）项 mentions 小额担保贷款 in passing):
    贷款 is the subject of 第五条第（二）项's title, so the amount comes from there (15万), while
    那要回户口所在地不 after 失业登记 still points back."""
    assert answerer.has_own_topic("那贷款能贷多少", about="2.3")
    assert "15万" in answerer.answer("那贷款能贷多少", about="2.3").reply
    assert not answerer.has_own_topic("那要回户口所在地不", about="9.3")
