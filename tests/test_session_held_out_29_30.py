"""Twelfth session (2026-11-30): left-overs of the held-out rounds 25–28 and sets 29–30."""

from __future__ import annotations

from datetime import date

import pytest

import eligibility as E
from eligibility.answers import parse_answer
from knowledge.answer import Answerer

NOW = date(2026, 11, 30)
FIRM = {"insured_enterprise": True, "layoffs": "none"}




@pytest.mark.parametrize("paid, verdict, amount", [(0, "不符合", None), (0.5, "符合", 0.3), (80000, "符合", 48000)])
def test_a_refund_of_nothing_paid_is_no_refund(paid: float, verdict: str, amount: float | None) -> None:
    """第四条 returns 60% of last year's contributions actually paid: 没有 (0元) leaves nothing."""
    result = E.assess("job_retention_refund", {**FIRM, "last_year_contribution": paid}, NOW)
    assert result.verdict == verdict
    assert result.amount == amount
    if paid == 0:
        assert "没有可返还" in result.to_chat_text()


def test_an_unknown_contribution_rests_on_the_insured_answer() -> None:
    """不清楚 to the amount: an insured enterprise paying as required has paid something (符合,
    no amount); with the insurance itself unknown nothing is claimed."""
    assert E.assess("job_retention_refund", dict(FIRM), NOW).verdict == "符合"
    assert E.assess("job_retention_refund", dict(FIRM), NOW).amount is None
    unsure = E.assess("job_retention_refund", {"insured_enterprise": None, "layoffs": "none"}, NOW)
    assert unsure.verdict == "需核实" and unsure.amount is None


@pytest.mark.parametrize("said, value", [
    ("莫出去过 一直在屋里种地", False),  # never went out: farming at home is not returning
    ("一直在村里放羊", False),
    ("在外头打了几年工 去年回来在屋里种地", True),  # went out before, back now
])
def test_always_at_home_is_no_returnee(said: str, value: bool) -> None:
    question = E.get_program("returnee_startup").question("rural_returnee")
    assert parse_answer(question, said, as_of=NOW).value is value


# ---------------------------------------------------------------- two questions in one run

@pytest.mark.parametrize("message, first, second", [
    ("技能提升补贴能领多少钱公益岗一个月给多少", "技能提升", "公益"),
    ("失业金能领多久创业贷款能贷几年", "失业金", "贷"),
])
def test_two_questions_with_no_pause_and_no_joiner_are_two(engine_reader, message, first, second) -> None:
    parts = engine_reader.split(message)
    assert len(parts) == 2 and first in parts[0] and second in parts[1] and second not in parts[0]


@pytest.mark.parametrize("message", [
    "毕业多久还能参加见习",            # 多久 + a predicate
    "参保几年职工能领技能提升补贴",      # 几年 + who
    "创业贷款多少岁以下的能申请",        # 多少 + what is counted
    "公益岗多少岁以上的困难人员能报",
    "一个月多少钱的补贴能领几个月",  # 多少钱的…: one question goes on
    "见习补贴一个月多少啊",
    "贷款能贷多少才够开个面馆",
    "培训补贴多少",
])
def test_a_question_that_goes_on_is_not_cut(engine_reader, message) -> None:
    assert engine_reader.split(message) == [message]


def test_a_numbered_list_is_one_question_an_item(engine_reader) -> None:
    parts = engine_reader.split("你好 1见习补贴多少 2稳岗返还比例 3小微企业贷款最多多少")
    assert parts == ["见习补贴多少", "稳岗返还比例", "小微企业贷款最多多少"]
    assert engine_reader.split("一、公益岗一个月多少钱 二、创业贷款咋申请") == ["公益岗一个月多少钱", "创业贷款咋申请"]
    # numbers of the question are no list numbers: they stay in the question
    assert engine_reader.split("见习1个月多少 2个月呢") == ["见习1个月多少", "2个月呢"]
    assert engine_reader.split("交了2年 3年才能领吗") == ["交了2年 3年才能领吗"]
    assert engine_reader.split("1名见习生 2名留下了 单位能领多少") == ["1名见习生 2名留下了 单位能领多少"]
    # a Chinese numeral starts an item only with its mark (一、): 一般 / 二手 are words
    assert all(not p.startswith(("般", "手")) for p in engine_reader.split("一般多久到账 二手车能抵押不"))


# ---------------------------------------------------------------- asking by form

@pytest.mark.parametrize("text, asks", [
    ("能领么", True),                      # a final 么 asks
    ("我们厂一个人都么走", False),          # 么 inside is the dialect 没
    ("厂里一个人都么走 返还能返多少", True),
])
def test_mo_asks_only_at_the_end(engine_reader, text: str, asks: bool) -> None:
    assert engine_reader.is_question(text) is asks


@pytest.mark.parametrize("text, asks", [
    ("村上的路政府修不修", True),           # A-not-A, any verb
    ("这个补贴高不高", True),
    ("公益岗还有名额莫 我五十了", True),     # a dialect final before who asks
    ("今年还开发公益岗没有", True),
    ("不了不了", False),                    # "no, no"
    ("算了不弄了不弄了", False),
    ("材料我们已经交上去了", False),
    ("我还没有", False),
])
def test_asking_by_form(engine_reader, text: str, asks: bool) -> None:
    assert engine_reader.asks_by_form(text) is asks


def test_a_refused_a_not_a_question_is_refused_not_heard(talk) -> None:
    """村里的路灯坏了政府修不修 asks (修不修): "the document does not say", not "I heard you"."""
    reply = talk(["村里的路灯坏了政府修不修"])[-1]
    assert "没有讲到" in reply and "12333" in reply


def test_a_which_one_gets_the_money_is_a_side_question(talk, kb) -> None:
    replies = talk(["见习补贴", "测一测我是否符合", "想参加见习的个人", "那钱是给我还是给单位"])
    assert "单位" in replies[-1].split("回到刚才的问题")[0] and "没能确定" not in replies[-1]


# ---------------------------------------------------------------- answers

@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb, today=lambda: NOW)


def test_an_ended_sentence_beside_the_answer_is_said_after_it(answerer) -> None:
    """想学个手艺有补贴没: the sentence that answers (职业培训补贴, 第三条第（三）项) is current; the
    生活费补贴 beside it ran 2019—2020 and is said as ended after it, never first."""
    reply = answerer.answer("想学个手艺有补贴没").reply
    first = reply.splitlines()[0]
    assert "职业培训补贴" in first and "到期" not in first
    assert "2020年12月31日到期" in reply


def test_whether_the_unit_pays_social_insurance_is_not_said(answerer) -> None:
    reply = answerer.answer("见习的娃单位要给交五险不").reply
    assert reply.startswith("文件没有写明") and "社会保险" in reply.splitlines()[0]
    # the 社保补贴 is another question
    assert "五险" not in answerer.answer("招了就业困难人员 给交社保有补贴没").reply.splitlines()[0]


def test_a_detail_after_a_refused_piece_goes_on_about_it(answerer) -> None:
    """单位交的那部分 / 报名要啥证明 name no matter of their own (asking.yaml details): after a
    refused piece in the same message they ask about that piece's matter."""
    assert answerer.continues("在外省交了几年养老保险 咋转回来", "单位交的那部分能一起转不")
    assert answerer.continues("考公务员有没有定向招录", "报名要啥证明")
    assert not answerer.continues("考公务员有没有定向招录", "见习补贴要啥证明")


# ---------------------------------------------------------------- other offices' matters

@pytest.mark.parametrize("question", [
    "寄宿生生活补助一年多少",
    "家里的牛得了病 防疫站管不管",
    "儿子在外地交的医保能转回来不",
    "开个小卖部要办食品经营许可证吗",
    "退耕还林的钱今年咋还没到",
])
def test_another_offices_matter_is_refused(answerer, question: str) -> None:
    assert not answerer.answer(question).answered


@pytest.mark.parametrize("question", [
    "开店要交多少税，有税收优惠吗",          # 税收优惠 is 第二条's matter
    "送外卖跑网约车政府支持吗",              # new forms of work (新业态)
    "没签合同也没交失业保险 考了个焊工证 能领技能提升补贴吗",
    "养羊的合作社招了几个贫困户 有啥帮扶",
])
def test_the_plans_matter_next_to_those_words_is_answered(answerer, question: str) -> None:
    assert answerer.answer(question).answered


def test_how_much_with_an_age_in_range_says_the_sum_first(answerer) -> None:
    """见习一个月给多少 asks the sum: it comes first; the age (23, within 16—24岁) after it; an age
    outside the range (26) still comes first, before a sum that is not for him."""
    within = answerer.answer("尕娃二十三了想去见习 见习一个月给多少").reply.splitlines()
    assert "1000元" in within[0] and "23岁在16—24岁之内" in within[1]
    outside = answerer.answer("娃二十六了 见习一个月给多少").reply.splitlines()
    assert outside[0].startswith("26岁不在") and "1000元" in outside[1]


def test_a_later_piece_of_one_message_naming_no_plan_matter_goes_on(answerer) -> None:
    """One message: after a piece the documents do not cover, a piece naming none of the plan's
    matters asks about that piece's (公积金 / 晚点交); one naming a benefit is the plan's own."""
    assert answerer.continues("单位给职工交的公积金比例能降不", "最低按多少交 能晚几个月交吗", in_message=True)
    assert not answerer.continues("公积金咋提取", "见习补贴一个月多少", in_message=True)
    assert not answerer.continues("饭馆的营业执照年检咋弄", "几个伙计不会新活 政府能帮着培训不", in_message=True)


# ---------------------------------------------------------------- conversations

def test_thanks_with_an_address_or_forwarding_is_thanks(talk) -> None:
    replies = talk(["公益岗一个月多少钱", "好的 谢谢姑娘", "收到 我转给我们会计看看"])
    for reply in replies[1:]:
        assert "不客气" in reply and "依据" not in reply and "没有写" not in reply


def test_said_wrongly_corrects_the_question_its_words_name(talk) -> None:
    """说成5个了 after a result: the wrong value goes with the phrase, and the question sharing
    most words (接收…见习 → 接收了几名见习人员, not 见习期满后…留用) is changed."""
    replies = talk(["见习补贴", "测一测我是否符合", "单位", "是", "4", "6", "是", "2",
                                   "我们接收的见习生是5个 刚才说成4个了"])
    assert "接收了几名见习人员" in replies[-1] and "5人" in replies[-1]
    assert "5人 × 6个月" in replies[-1]


def test_waiting_to_ask_someone_is_no_answer(talk) -> None:
    replies = talk(["稳岗返还", "测一测我是否符合", "好的 稍等 我问问会计"])
    assert "不着急" in replies[-1] and "第1步" in replies[-1] and "第2步" not in replies[-1]
    # leaving with a reason is still leaving
    replies = talk(conversation="b", messages=["稳岗返还", "测一测我是否符合", "算了 我先去问问会计"])
    assert "退出" in replies[-1]


@pytest.mark.parametrize("question", [
    "在网上卖点自己做的馍馍 一个月卖几千块 要交税不",
    "居家养老服务补贴咋申请 儿女都在外地打工",
    "征信上有逾期记录 能申请修复不",
    "合作社想评示范社 要啥条件",
    "厂房扩建的用地审批找谁",
    "娃想转到兰州上学 要办啥手续",
])
def test_more_other_offices_matters_are_refused(answerer, question: str) -> None:
    assert not answerer.answer(question).answered


@pytest.mark.parametrize("question", [
    "离婚了一个人带娃 跟朋友合伙开个店 贷款能多贷些不",   # marriage is the story, the loan the ask
    "返乡开店有啥税费优惠 要交税不",                     # the plan's 税费优惠
    "社区里有个示范社区的创业街 能申请场地不",            # 示范社区 is the plan's word
])
def test_the_plans_matter_beside_those_words_is_answered(answerer, question: str) -> None:
    assert answerer.answer(question).answered


@pytest.mark.parametrize("text, rest", [
    ("我刚才说成了4个 其实接收了5个", "5个"),
    ("刚才接收人数说成4个应该是5个", "5个"),
])
def test_said_wrongly_in_any_order_keeps_the_right_value(engine_reader, text: str, rest: str) -> None:
    words, explicit = engine_reader.correction(text)
    assert explicit and rest in words and "4个" not in words


def test_written_as_without_a_number_is_no_correction(engine_reader) -> None:
    assert engine_reader.correction("签了 但合同上写成临时工了") is None


@pytest.mark.parametrize("text", ["老板动不动就扣工资", "时不时就停工", "我去不去都行"])
def test_idioms_with_a_not_a_ask_nothing(engine_reader, text: str) -> None:
    assert not engine_reader.asks_by_form(text)


@pytest.mark.parametrize("said, value", [
    ("在外头干了几年 回来一直在老家", True),   # since coming back
    ("在新疆打了五年工 去年回来了 现在一直在村里", True),
])
def test_always_at_home_since_coming_back_is_a_returnee(said: str, value: bool) -> None:
    question = E.get_program("returnee_startup").question("rural_returnee")
    assert parse_answer(question, said, as_of=NOW).value is value


def test_wait_words_outside_a_questionnaire_or_with_an_answer_are_read(talk) -> None:
    """我查一下见习补贴咋申请 is a question (not 'wait' + menu); 我刚问下会计 交着的 answers."""
    outside = talk(["我查一下见习补贴咋申请"])[-1]
    assert "见习" in outside and "依据" in outside
    inside = talk(conversation="b", messages=["稳岗返还", "测一测我是否符合", "我刚问下会计 交着的"])[-1]
    assert "第2步" in inside and "不着急" not in inside


@pytest.mark.parametrize("question", [
    "厂子效益滑坡 老板说要裁人 政府有啥帮扶",
    "在外面流浪了好几年 回来想开个店 有扶持吗",
    "我们几个人集资合伙开个厂 有啥扶持",
    "老板没给交社保 我失业了能领失业金不",
    "单位没签合同 我能去申请公益岗不",
])
def test_the_plans_matter_next_to_catalogue_words_is_answered(answerer, question: str) -> None:
    answer = answerer.answer(question)
    assert answer.answered and "五险" not in answer.reply.splitlines()[0]


# ---------------------------------------------------------------- the tester's round

def test_no_problem_is_not_never_asked() -> None:
    """没问题 has 没问 in it: to 您是否已向…经办机构问过 it is not 还没问过 (it is asked again)."""
    question = E.get_program("startup_loan").question("office_answer")
    parsed = parse_answer(question, "没问题", as_of=NOW)
    assert parsed.value != "not_asked"
    assert parse_answer(question, "还没问过", as_of=NOW).value == "not_asked"


def test_a_no_in_the_message_before_is_no_none_of_these(talk) -> None:
    """没有工作了，失业登记咋办 then the test: 没有 negates 工作, not 大龄 / 残疾 / 低保 — that question
    is asked, not filled in as 都不是."""
    replies = talk(["没有工作了，失业登记咋办", "测一测我是否符合", "是"])
    assert "已记下：都不是" not in replies[-1] and "大龄" in replies[-1]


def test_the_question_of_the_message_before_is_no_fact(talk) -> None:
    """…想学个挖掘机，培训补贴有莫: 有莫 asks; it does not say the allowance was had this year."""
    replies = talk(["厂子倒闭了我下岗了想学个电焊，培训补贴有莫", "测一测我是否符合", "是", "低保户"])
    assert "享受过培训生活费补贴：是" not in "\n".join(replies)


def test_no_problem_after_an_answer_is_thanks(talk) -> None:
    reply = talk(["培训补贴有多少", "没问题"])[-1]
    assert "不客气" in reply and "依据" not in reply


@pytest.mark.parametrize("text, topic", [
    ("见习补贴 测一测我是否符合", "见习补贴"),       # the topic, then the button's words typed
    ("创业担保贷款测一测我符不符合", "创业担保贷款"),
])
def test_a_topic_with_the_test_words_starts_the_test(engine_reader, text: str, topic: str) -> None:
    assert engine_reader.test_topic(text) == (topic,)
    assert engine_reader.test_topic("稳岗返还是怎么测算的") is None  # asks how it is worked out


def test_a_situation_with_a_broad_ask_gets_what_there_is(answerer) -> None:
    """没活干了政府管不管 names no policy but a situation the plan speaks of: its policies, listed
    — not "which policy?"."""
    reply = answerer.answer("没活干了好几个月 这个管不管").reply
    assert "有关的政策" in reply and "哪一项政策" not in reply


def test_wages_and_disputes_stay_refused_next_to_the_plans_words(answerer) -> None:
    assert not answerer.answer("见习完了单位不给转正 能去劳动仲裁吗").answered
    assert not answerer.answer("公益岗的工资两个月没发了 找谁要").answered


def test_a_follow_up_in_the_words_of_the_answer_just_given_stays_on_it(answerer) -> None:
    """那要回户口所在地不 after 失业登记 (第九条第（三）项): the answer said 不必回户口所在地 —
    about that clause, not 第三条第（二）项's 所在地人社部门; 那培训补贴呢 names another policy."""
    back = answerer.answer("那要回户口所在地不", about="9.3")
    assert back.clauses[0] == "9.3" and "常住地" in back.reply.splitlines()[0]
    assert answerer.answer("那培训补贴呢", about="9.3").clauses[0] != "9.3"


def test_thanks_inside_a_questionnaire_keeps_the_question_waiting(talk) -> None:
    """谢谢姑娘 / 收到 我转给会计 to a choice question is no failed answer ("没能确定"): the
    question waits; a yes/no question still takes 好的 as yes."""
    reply = talk(["见习补贴", "测一测我是否符合", "想参加见习的个人", "谢谢姑娘"])[-1]
    assert "不着急" in reply and "没能确定" not in reply and "第2步" in reply
    replies = talk(["稳岗返还", "测一测我是否符合", "好的"], conversation="b")
    assert "第2步" in replies[-1]
