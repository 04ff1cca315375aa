"""Sixteenth session (2026-12-01): asking for more than the standard for one's group, what is
asked after who one is, and the kinds of fault held-out sets 43–46 showed.

Every sentence here is written for the tests, not taken from an eval set.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming
from dialog.understanding import Conversation
from eligibility.answers import parse_answer
from eligibility.programs import PROGRAMS
from knowledge.answer import Answerer
from knowledge.asking import load_asking, read_question

NOW = date(2026, 12, 1)


@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb, today=lambda: NOW)


def first_line(answerer: Answerer, question: str) -> str:
    return answerer.answer(question).reply.splitlines()[0]


def question_of(program_id: str, question_id: str):
    program = next(p for p in PROGRAMS if p.id == program_id)
    return program.question(question_id)


def chat(tmp_path: Path, kb, *messages: str) -> list[str]:
    """The replies' text to each message, in order, one person."""
    async def scenario() -> list[str]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"), kb=kb, today=lambda: NOW)
        out = []
        for message in messages:
            replies = await engine.handle(Incoming("web", "u43", message))
            out.append("\n".join(r.text for r in replies))
        await engine.close()
        return out

    return asyncio.run(scenario())


# ------------------------------------------------------------- more for one's group

@pytest.mark.parametrize("question, group", [
    ("俺是残疾人，贷款能不能多贷一些", "残疾人"),
    ("我有残疾证 创业贷款额度能提高点不", "残疾人"),
    ("我们家吃低保的 贷款能多给点吗", "低保户"),
    ("建档立卡户开店 能多贷些不", "贫困户"),
])
def test_more_for_a_group_says_the_document_gives_none_more(answerer, question: str, group: str) -> None:
    """No group gets a bigger loan in the document: said first with the group asked about, then
    the 15万 cap (asking.yaml `more`), never a refusal and never 第九条's 就业困难人员."""
    answer = answerer.answer(question)
    lines = answer.reply.splitlines()
    assert lines[0] == f"文件没有写明{group}可以多贷。"
    assert "15万元" in lines[1]
    assert answer.clauses[0] == "5.2"


def test_more_without_a_group_is_the_benefits_own_line(answerer) -> None:
    """No group named: the benefit's own line answers — a kept-on share of interns does get
    more (第六条: 1200元), and a partnership's loan may be raised (第五条第（二）项)."""
    assert "1200元" in first_line(answerer, "见习生干满以后我们留下了一大半人 补贴能不能多给点")
    line = first_line(answerer, "我和我弟两个人合伙开店 贷款能多贷点不")
    assert "适当提高" in line and not line.startswith("文件没有写明")


def test_more_needs_money_in_the_question(kb) -> None:
    """人多一点 is a count, not a sum asked for: no `more` reading."""
    rules = kb.asking
    assert read_question("人多一点的企业能申请啥", rules).more_for is None
    assert read_question("低保户补贴能多给些不", rules).more_for == "低保户"
    assert read_question("补贴能多给些不", rules).more_for == ""


def test_more_words_in_yaml_are_checked(tmp_path) -> None:
    """Staff's `more` block: no words, or a group that is not a list, is reported in Chinese
    with its line; the rest still loads."""
    path = tmp_path / "asking.yaml"
    path.write_text("kinds:\n  - kind: amount\n    cues: [多少]\nmore:\n  words: []\n", encoding="utf-8")
    rules, problems = load_asking(path, "asking.yaml")
    assert rules.more is None
    assert any("more" in p.message and p.line == 4 for p in problems)
    path.write_text("kinds:\n  - kind: amount\n    cues: [多少]\nmore:\n  words: [多贷]\n  who:\n"
                    "    残疾人: 残疾\n    低保户: [低保]\n", encoding="utf-8")
    rules, problems = load_asking(path, "asking.yaml")
    assert [p.line for p in problems] == [7] and "残疾人" in problems[0].message
    assert rules.more is not None and rules.more.asked_for("低保能多贷点不", ("贷",)) == "低保户"


# ------------------------------------------------------------- the ask after who one is

@pytest.mark.parametrize("question", [
    "我家是零就业家庭，贷款最多贷多少",
    "我是个残疾人 想贷款开个小卖部",
    "低保户能贷款不",
])
def test_the_ask_after_the_status_is_the_loan(answerer, question: str) -> None:
    """The status (零就业家庭, 残疾, 低保) matches 第三条第（三）项 or 第九条第（三）项; what is
    asked after it (贷) is 第五条第（二）项's loan, answered with its cap or condition."""
    answer = answerer.answer(question)
    assert answer.clauses[0] == "5.2"
    assert "15万元" in answer.reply.split("依据：")[0]


def test_a_status_asked_about_stays_on_its_clause(answerer) -> None:
    """零就业家庭 asked after the loan word (贷款的事先不说 零就业家庭有啥帮扶) is what is asked."""
    answer = answerer.answer("零就业家庭有啥帮扶")
    assert answer.clauses[0] != "5.2"


def test_training_target_per_year_is_the_training_clause(answerer) -> None:
    """每年培训多少人 is 第三条第（一）项's 4.4万 (ended), not 第二条第（四）项's 10000 transferred."""
    answer = answerer.answer("县上每年能培训多少人")
    assert answer.clauses[0] == "3.1"
    assert "到期" in answer.reply.splitlines()[0]


# ------------------------------------------------------------- who pays a wage

def test_who_pays_the_interns_wage_is_unstated_apart_from_the_subsidy(answerer) -> None:
    """工资谁发 is not the 见习补贴: "关于就业见习补贴，文件没有写明工资由谁发", not run into
    the subsidy's name and not the "how much in hand" aspect."""
    line = first_line(answerer, "见习期间娃的工资由谁来发")
    assert line.startswith("关于就业见习补贴，文件没有写明工资由谁发")


# ------------------------------------------------------------- another place applied to

@pytest.mark.parametrize("question, place", [
    ("在广州那边申请创业补贴行不行", "广州"),
    ("我现在人在兰州 能不能申请那边的见习补贴", "兰州"),
])
def test_applying_for_another_places_policy_is_not_answered_with_linxias(answerer, question: str, place: str) -> None:
    answer = answerer.answer(question)
    assert answer.refused and place in answer.reply.splitlines()[0]


def test_where_one_works_is_not_another_places_policy(answerer) -> None:
    """在兰州打工 … 回来能申请创业贷款不: the place is where the person was; no 那边的 policy."""
    assert not answerer.answer("我以前在兰州打工 回来能申请创业贷款不").refused


# ------------------------------------------------------------- out of other offices

@pytest.mark.parametrize("question", [
    "驻村干部一个月驻村补助有多少",
    "合作社想用衔接资金建个冷库 咋申报",
])
def test_other_offices_programmes_are_refused(answerer, question: str) -> None:
    assert answerer.answer(question).refused


def test_a_village_cadre_asking_the_plans_matter_is_answered(answerer) -> None:
    """驻村工作队 says who asks: 见习补贴 is answered (the 驻村补助 topic's unless)."""
    answer = answerer.answer("我是驻村干部 村里娃想见习 补贴多少")
    assert not answer.refused and answer.clauses[0] == "6"


# ------------------------------------------------------------- questionnaire answers

@pytest.mark.parametrize("text, value", [
    ("他叫厂里给辞退了", True),
    ("老板把她开除了", True),
    ("厂里没辞退他", False),
])
def test_dismissed_is_out_of_work(text: str, value: bool) -> None:
    assert parse_answer(question_of("unemployed_training", "unemployed"), text).value is value


@pytest.mark.parametrize("text, value", [
    ("学完考试也过了", "passed"),
    ("考核过了", "passed"),
    ("考试没过", "failed"),
])
def test_a_passed_exam_is_training_passed(text: str, value: str) -> None:
    assert parse_answer(question_of("unemployed_training", "training"), text).value == value


def test_a_denial_said_twice_is_an_answer_not_a_question(tmp_path, kb) -> None:
    """没有没有 holds 有没有; said twice it denies (voice input), it asks nothing."""
    replies = chat(tmp_path, kb, "稳岗返还怎么申请", "测一测我是否符合", "是的", "没有没有 人一个都没少")
    assert "上年度贵单位实际缴纳的失业保险费" in replies[-1]
    assert "回到刚才的问题" not in replies[-1]


# ------------------------------------------------------------- what is said, not asked

def test_a_complaint_gets_an_apology_and_the_ways_on(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "见习补贴多少", "问了半天也说不明白 一点用也没有")
    assert replies[-1].startswith("抱歉") and "12333" in replies[-1]


def test_a_story_that_names_nothing_of_the_plan_is_asked_what_is_wanted(tmp_path, kb) -> None:
    """No ask and no benefit or situation of the plan named: no clause is guessed from 打工."""
    replies = chat(tmp_path, kb, "俺男人在外头打工 俺在屋里看两个娃")
    assert "您想问哪方面" in replies[-1] and "依据：" not in replies[-1]


def test_a_story_naming_a_situation_is_still_answered(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "我下岗了")
    assert "失业登记" in replies[-1]


@pytest.mark.parametrize("text", ["我是镇上劳动保障所的，替村民打听一下", "我是驻村工作队的"])
def test_staff_saying_who_they_are_asks_nothing_yet(engine_reader, text: str) -> None:
    assert engine_reader.read(text, Conversation()).kind == "non_question"


# ------------------------------------------------------------- smaller kinds

def test_bu_zhidao_in_pinyin_is_dont_know(answerer) -> None:
    """不知道 sounds like 不 + 指导 (a document word): a phrase of speech is read whole."""
    read = answerer.from_pinyin("wo bu zhidao chuangye daikuan zenme shenqing")
    assert read is not None and read.startswith("我不知道")


def test_those_years_in_a_story_are_not_a_question(tmp_path, kb) -> None:
    """在外地干活那几年 tells of the past: the message is one question (can he get 失业保险金),
    not two, and not a "how long" question."""
    replies = chat(tmp_path, kb, "在外地干活那几年厂里没给交失业保险，现在失业了能领失业保险金吗")
    assert "您问了2件事" not in replies[-1]
    assert replies[-1].startswith("要看条件")


def test_the_items_of_a_list_are_one_question(tmp_path, kb) -> None:
    """把能办的事、补多少钱、找谁办列出来: 、 joins the items of one ask (第十条: 公布政策清单)."""
    replies = chat(tmp_path, kb, "政府能不能把能办的事、补多少钱、找谁办都列出来公布")
    assert "件事" not in replies[-1].splitlines()[0]
    assert "第十条" in replies[-1]


def test_a_place_one_came_back_from_is_the_story(answerer) -> None:
    """从东莞回来了 想在家跟前找个活: 第二条第（二）项 (就近就业), not 第二条第（四）项, which
    names 东莞 as a destination of organised transfer."""
    assert answerer.answer("从东莞回来了 想在家跟前找个活干").clauses[0] == "2.2"
    assert answerer.answer("想去东莞打工 政府组织不").clauses[0] == "2.4"


def test_receiving_unemployment_benefit_is_how_one_stands(answerer) -> None:
    """正在领失业金的还能领吗 after the living allowance: that allowance, not 失业保险金."""
    assert not answerer.has_own_topic("正在领失业金的还能领吗", about="3.3")


def test_a_sum_said_for_how_much_money_outranks_a_count(answerer) -> None:
    """一个月给合作社补多少 for young people learning on the job: 第六条's 1000元."""
    answer = answerer.answer("合作社带了两个技校毕业的娃跟着学干活 一个月能补多少钱")
    assert answer.clauses[0] == "6" and "1000元" in answer.reply.splitlines()[0]


def test_a_fee_rate_the_clause_states_answers_the_fee_aspect(answerer) -> None:
    """担保费能低点不: 第五条第（一）项's 低费率 states it (asking.yaml 收费 `stated_by`)."""
    answer = answerer.answer("小企业贷款找担保公司 担保的手续费能不能低一点")
    assert "低费率" in answer.reply.split("依据：")[0]


def test_a_benefit_named_in_an_overview_shows_what_it_gives(answerer) -> None:
    """我闺女想去见习 … 有啥政策: 见习 is named, so its line says 1000元, not only who."""
    answer = answerer.answer("我闺女大专毕业了想去见习，我想开个理发店要贷款，这两样各有啥政策")
    body = answer.reply.split("依据：")[0]
    assert "1000元" in body and "15万元" in body


# ------------------------------------------------------------- from the residents' play-through

def test_a_hedged_yes_to_a_choice_is_asked_again_not_unknown() -> None:
    """好像是 to 个人还是单位？ picks no option: asked again like 是 (as 不清楚 it ended the test)."""
    parsed = parse_answer(question_of("internship", "role"), "好像是吧")
    assert parsed.value is None and not parsed.unknown and parsed.error
    assert parse_answer(question_of("internship", "role"), "可能吧").unknown  # a bare hedge is still unsure


@pytest.mark.parametrize("text, value", [
    ("没有没有都不是", "neither"),
    ("对对对 就业困难人员", "hard_to_employ"),
])
def test_a_yes_or_no_said_over_and_over_is_said_once(text: str, value: str) -> None:
    assert parse_answer(question_of("unemployed_training", "hardship"), text).value == value


def test_the_sum_asked_about_is_the_one_after_the_ask() -> None:
    from knowledge.asking import question_amount
    assert question_amount("我们仨每人十五万 合起来能贷四十五万不") == 450000
    assert question_amount("先贷了三万 还能再借五万吗") == 50000
    assert question_amount("贷十万行不") == 100000


def test_an_expired_part_is_named_in_the_finders_line() -> None:
    """Only the 2019—2020 posts ended: the line of 乡村公益性岗位和扶贫车间就近就业 names them, not the
    whole programme (扶贫车间 still runs)."""
    from eligibility.finder import find_programs
    found = find_programs({"role": "individual", "situation": "other"}, as_of=NOW)
    line = next(m.line for m in found if m.program.id == "rural_public_jobs")
    assert line.startswith("乡村公益性岗位和扶贫车间就近就业：乡村公益性岗位（2019—2020年）已到期。")


def test_an_ask_to_be_told_then_a_connector_is_its_own_question(engine_reader) -> None:
    """我想问一下户口迁移的事情还有就是…能贷多少: two questions (the first refused, the second answered)."""
    parts = engine_reader.split("我想问一下孩子转学的事情还有就是我想贷款开个小卖部能贷多少")
    assert len(parts) == 2 and "贷" in parts[1]


def test_dialect_mo_for_mei_names_the_persons_status(answerer) -> None:
    """莫工作 is 没工作 (lexicon/typos.yaml): someone out of work, the plan's own matter."""
    assert answerer.names_plan_matter("我媳妇莫工作 能给找个活不")


def test_an_interns_own_pay_is_unstated(answerer) -> None:
    """单位一个月给我发多少: the 1000元 goes to the unit; what the intern gets is not set."""
    line = first_line(answerer, "我在单位见习 单位一个月给我发多少生活费")
    # the staff's answer on it (FAQ internship-subsidy-recipient) or the unstated line: either way
    # the intern's own sum is said to be unwritten, and the 1000元 is the unit's
    assert ("实际到手" in line and line.startswith("文件没有写明")) or ("实际拿多少，文件没有写" in line and "发给接收见习人员的单位" in line)


@pytest.mark.parametrize("question", ["失业保险断了两年 社保还能补交吗",
                                      "环保设备改造有没有专项资金补贴", "参加展会的展位费政府补不补"])
def test_more_other_offices_matters_are_refused(answerer, question: str) -> None:
    assert answerer.answer(question).refused



def test_must_the_unit_keep_the_intern_is_unstated(answerer) -> None:
    """The plan obliges no unit to keep an intern (only 留用率50%以上 raises the subsidy)."""
    line = first_line(answerer, "见习期满了 单位是不是必须留我")
    assert line.startswith("关于就业见习补贴，文件没有写明见习期满后单位必须留用")


@pytest.mark.parametrize("question", ["我腿脚有残疾 想开个修鞋的小铺子 政府给撒扶持", "想在村里开个小餐馆 有撒照顾"])
def test_what_support_is_there_is_an_overview(answerer, question: str) -> None:
    """给撒扶持 / 有撒照顾 (asking.yaml `overview`): what there is for the person, not the bare
    sentence listing 五小行业."""
    assert answerer.answer(question).reply.startswith("临州府发〔2019〕3号里和您说的情况")


def test_what_support_for_a_small_trade_names_the_loan(answerer) -> None:
    """A 五小行业 trade: its line says the document sets no amount for it, and the 15万 loan."""
    body = answerer.answer("我是残疾人 想开个小修理店 政府给撒扶持 有莫有钱").reply.split("依据：")[0]
    assert "15万" in body


def test_the_training_steps_say_the_living_allowance_ended(kb) -> None:
    """怎么申请 never lists an ended benefit as still to be had."""
    import eligibility
    from eligibility.staffdata import load_procedures
    path = Path(eligibility.__file__).parent / "data" / "procedures.yaml"
    procedures, problems = load_procedures(path, "procedures.yaml", {p.id for p in PROGRAMS})
    steps = " ".join(procedures["unemployed_training"].steps)
    assert "生活费补贴" in steps and "已到期" in steps and "还可享受" not in steps


def test_a_story_with_a_plan_topic_is_answered(tmp_path, kb) -> None:
    """我问的是创业贷款 names the plan's matter: answered, never "您想问哪方面"."""
    replies = chat(tmp_path, kb, "我儿子大学毕业了在家闲着")
    assert "您想问哪方面" not in replies[-1]


# ------------------------------------------------------------- the newcomer review's findings

@pytest.mark.parametrize("text, value", [("不不是", False), ("没没有", False)])
def test_a_stutter_into_a_word_is_not_the_word_said_again(text: str, value: bool) -> None:
    """不不是 is 不是 stuttered, not 不 + 是 (yes)."""
    assert parse_answer(question_of("unemployed_training", "unemployed"), text).value is value


def test_money_had_before_is_not_the_sum_asked() -> None:
    from knowledge.asking import question_amount
    assert question_amount("能贷二十万不 之前领过两万的补贴") == 200000


@pytest.mark.parametrize("question", [
    "见习补贴的材料没带齐 能补交吗",
    "我是贫困户 开个小卖部 能贷五万不",
    "我想开个培训学校 能申请创业贷款不",
    "申请创业担保贷款要在银行开户吗",
])
def test_other_offices_words_do_not_refuse_the_plans_own_matters(answerer, question: str) -> None:
    assert not answerer.answer(question).refused


@pytest.mark.parametrize("text", ["我腿脚不中用了 干不了重活", "去人社局问了 人家也说不清楚", "我娃太笨 书没念成"])
def test_telling_of_oneself_is_no_complaint(engine_reader, text: str) -> None:
    assert not engine_reader.complains(text)


@pytest.mark.parametrize("question", ["我是残疾人 想提高点技术 培训有补贴吗", "我是低保户 多领了补贴要退回去吗"])
def test_not_every_more_is_more_money(kb, question: str) -> None:
    assert read_question(question, kb.asking).more_for is None


def test_a_wish_said_to_go_there_is_not_a_place_left(answerer) -> None:
    """在东莞那边有没有政府联系好的厂子: 东莞 is where they would go (第二条第（四）项), no origin."""
    assert answerer.retriever.places.origins("在东莞那边有没有政府联系好的厂子") == []
    assert answerer.answer("在东莞那边有没有政府联系好的厂子").clauses[0] == "2.4"


def test_returning_to_start_a_business_stays_on_its_clause(answerer) -> None:
    """返乡创业 is no status: 返乡创业能贷多少 stays on 第二条第（三）项 (its 小额担保贷款)."""
    assert answerer.answer("返乡创业能贷多少").clauses[0] == "2.3"
