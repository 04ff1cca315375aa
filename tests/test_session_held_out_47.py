"""Seventeenth session (2026-12-01): who leads a piece of work (谁牵头, 归哪个部门管), and the
kinds of fault held-out sets 47–50 showed.

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
from knowledge.answer import Answerer
from knowledge.asking import Kind, read_question

NOW = date(2026, 12, 1)


@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb, today=lambda: NOW)


@pytest.fixture(scope="module")
def rules(kb):
    return kb.asking


def first_line(answerer: Answerer, question: str) -> str:
    return answerer.answer(question).reply.splitlines()[0]


def chat(tmp_path: Path, kb, *messages: str) -> list[str]:
    """The replies' text to each message, in order, one person."""
    async def scenario() -> list[str]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"), kb=kb, today=lambda: NOW)
        out = []
        for message in messages:
            replies = await engine.handle(Incoming("web", "u47", message))
            out.append("\n".join(r.text for r in replies))
        await engine.close()
        return out

    return asyncio.run(scenario())


# ------------------------------------------------------------- who leads

@pytest.mark.parametrize("question", [
    "见习补贴这块谁牵头",
    "扶贫车间的事归哪个部门管",
    "创业担保贷款是哪个部门负责的",
    "稳岗返还由哪个部门负责",
    "高校毕业生就业这一块主管部门是谁",
])
def test_who_leads_is_a_kind_of_its_own(rules, question):
    assert read_question(question, rules).kind is Kind.LEAD


@pytest.mark.parametrize("question", [
    "失业登记去哪个部门办",
    "找哪个部门申请见习补贴",
    "去哪个部门管这个事的窗口报名",
])
def test_where_to_go_is_still_where_to_apply(rules, question):
    assert read_question(question, rules).kind is Kind.APPLY


@pytest.mark.parametrize("question, lead, helper", [
    ("见习补贴这块谁牵头", "州人社局", "州财政局"),
    ("扶贫车间的事归哪个部门管", "州人社局", "州扶贫办"),
    ("创业担保贷款是哪个部门负责的", "州人社局", "州财政局"),
])
def test_the_first_line_names_the_lead_and_those_with_it(answerer, question, lead, helper):
    line = first_line(answerer, question)
    assert f"由{lead}牵头" in line and helper in line
    assert "元" not in line  # not the amount line


def test_an_ended_benefit_is_said_to_have_ended_beside_its_lead(answerer):
    reply = answerer.answer("乡村公益性岗位是哪个部门负责的").reply
    lines = reply.splitlines()
    assert "牵头" in lines[0]
    assert "已于2020年12月31日到期" in "\n".join(lines[:2])


# ------------------------------------------------------------- out of work is not "no diploma"

def test_an_out_of_work_26_year_old_is_asked_whether_a_graduate_before_any_verdict(tmp_path, kb):
    replies = chat(tmp_path, kb, "见习补贴 测一测我是否符合", "我26岁 待业在家", "大专")
    assert "不符合" not in replies[1] and "哪一类" in replies[1]
    assert "结果：符合" in replies[2] and "高校毕业生" in replies[2]


def test_an_out_of_work_youth_in_range_is_still_found_eligible(tmp_path, kb):
    replies = chat(tmp_path, kb, "我儿子十九了没工作 见习补贴能领不", "测一测", "失业青年")
    assert "结果：符合" in replies[2]
    assert "多少岁" not in replies[2]  # the 19 said first is kept


# ------------------------------------------------------------- deleting everything, typed

@pytest.mark.parametrize("ask", ["把我的信息删掉", "忘了我吧", "别记我的信息"])
@pytest.mark.parametrize("yes", ["删吧", "确定", "删除"])
def test_a_typed_yes_to_the_delete_prompt_deletes(tmp_path, kb, ask, yes):
    replies = chat(tmp_path, kb, "我26岁 大专毕业没工作", ask, yes, "见习补贴 测一测我是否符合")
    assert "确定要删除" in replies[1]
    assert "已删除您的全部信息" in replies[2]
    assert "已记下" not in replies[3]  # nothing said before is remembered


@pytest.mark.parametrize("no", ["算了", "不删", "不用了"])
def test_a_typed_no_keeps_everything(tmp_path, kb, no):
    replies = chat(tmp_path, kb, "把我的信息删掉", no)
    assert "没有删除任何信息" in replies[1]


@pytest.mark.parametrize("unsure", ["嗯", "是的", "好"])
def test_a_yes_that_agrees_to_anything_deletes_nothing(tmp_path, kb, unsure):
    """Deleting cannot be undone: 嗯 / 是的 get asked to say 确定删除 outright."""
    replies = chat(tmp_path, kb, "我26岁 大专毕业没工作", "把我的信息删掉", unsure, "确定删除")
    assert "已删除" not in replies[2] and "确定删除" in replies[2]
    assert "已删除您的全部信息" in replies[3]


@pytest.mark.parametrize("message", ["公司删除我的社保记录了 怎么办", "怎么删掉我的失业登记", "忘了我说的"])
def test_other_records_and_taking_back_an_answer_are_no_delete_request(tmp_path, kb, message):
    assert "确定要删除" not in chat(tmp_path, kb, message)[0]


def test_yes_words_delete_only_right_after_the_prompt(tmp_path, kb):
    replies = chat(tmp_path, kb, "见习补贴一个月多少钱", "嗯")
    assert "已删除" not in replies[1]


# ------------------------------------------------------------- questionnaire answers

def test_a_count_typed_to_a_yes_no_question_is_kept_for_the_count(tmp_path, kb):
    replies = chat(tmp_path, kb, "测一测：就业见习补贴", "单位", "收了五个见习的", "是", "六个月", "满了 留下来三个")
    assert "已记下：5人" in replies[2] and "都属于见习对象" in replies[2]  # kept; the yes/no asked again…
    assert "5人 × 6个月 × 1200元 = 36000元" in replies[-1]  # …and the five are the interns, not the three kept


@pytest.mark.parametrize("answer, kept", [("满了，一个都没留", 0), ("一个都没留", 0), ("满了 留了三个", 3)])
def test_none_kept_said_after_a_pause_is_zero(answer, kept):
    from eligibility.answers import parse_answer
    from eligibility.programs import PROGRAMS
    question = next(p for p in PROGRAMS if p.id == "internship").question("retained")
    assert parse_answer(question, answer).value == kept


def test_no_work_typed_to_the_age_question_is_no_age():
    from eligibility.answers import parse_answer
    from eligibility.programs import PROGRAMS
    question = next(p for p in PROGRAMS if p.id == "internship").question("age")
    parsed = parse_answer(question, "没工作")
    assert parsed.value is None and "问的是年龄" in (parsed.error or "") and "不在合理范围" not in (parsed.error or "")


@pytest.mark.parametrize("lead, said", [
    ("我是东乡的，52岁，厂子倒了莫有活干，能领撒补贴", "个人"),
    ("厂子关门了我失业了，测一测我能领啥", "个人"),
    ("我们厂子的工人，测一测能享受啥", "个人"),
])
def test_a_worker_who_names_the_factory_is_a_person_not_an_employer(tmp_path, kb, lead, said):
    replies = chat(tmp_path, kb, lead)
    assert f"已记下：{said}" in replies[0] and "已记下：单位" not in replies[0]


# ------------------------------------------------------------- after a refusal, a question of its own

@pytest.mark.parametrize("refused, then, clause", [
    ("我想去东莞打工，政府给不给路费", "有没有组织去的", "输转"),
    ("养老金一个月能领多少", "那失业了去阿达登记", "失业登记"),
])
def test_a_plan_matter_after_a_refusal_is_answered(tmp_path, kb, refused, then, clause):
    replies = chat(tmp_path, kb, refused, then)
    assert "没有讲到" in replies[0]
    assert "没有讲到" not in replies[1] and clause in replies[1]


def test_which_have_ended_after_asking_about_the_document(tmp_path, kb):
    replies = chat(tmp_path, kb, "这个文件现在还管用吗", "哪些已经过期了", "还有哪些现在能享受")
    assert "已于2020年12月31日到期" in replies[1] and "也没有说已经停止" not in replies[1]
    assert "困难企业职工在岗培训支持（已于2019年12月31日到期）" in replies[2]


# ------------------------------------------------------------- first lines

@pytest.mark.parametrize("question, first", [
    ("我是大专毕业的，二十六了，还没找上工作，能见习吗", "能："),
    ("俺娃本科念完两年了 二十七 一直在家闲着 还能参加见习不", "能："),
    ("我腿有残疾，有残疾证，能算就业困难人员吗", "可以申请"),
    ("家里吃低保 我能申请认定就业困难人员不", "可以申请"),
])
def test_one_of_the_named_groups_is_told_yes_first(answerer, question, first):
    assert first_line(answerer, question).startswith(first)


@pytest.mark.parametrize("question", [
    "我没上过大学 二十六了 能见习吗", "还在上大专 能见习不",
    "我是大专毕业的，现在在厂里上班，能参加见习吗",  # 离校未就业: not someone at work
    "我只有初中文化 我哥是大专毕业 在家 我能见习吗",  # someone else's diploma
    "闺女大学毕业了能申请见习补贴不",  # out of work not said: the condition is given instead
    "我们家不是低保户 能申请就业困难人员吗",
    "我爸是残疾人 我能认定就业困难人员吗",
])
def test_a_group_denied_or_unsaid_is_not_told_yes(answerer, question):
    assert not first_line(answerer, question).startswith(("能", "可以申请"))


@pytest.mark.parametrize("question", ["我招了十五个贫困户，一个人补多少", "我开了个饭馆 政府能补贴多少"])
def test_a_subsidy_asked_is_not_answered_with_a_loan_cap(answerer, question):
    line = first_line(answerer, question)
    assert not line.startswith("最高不超过15万元")
    assert "没有写" in line


def test_interest_subsidy_is_still_the_loans(answerer):
    assert "不是补贴" not in first_line(answerer, "创业贷款贴息能补多少")


@pytest.mark.parametrize("question, words", [
    ("我们和政县的乡上到底有没有专门管就业的人", "2名以上"),
    ("积石山这边创业贷款的门槛是不是能比别处放低一些", "适当放宽"),
    ("我们东乡县要多长时间出自己的办法", "30日内"),
])
def test_a_home_county_named_does_not_pull_the_county_clauses(answerer, question, words):
    assert words in answerer.answer(question).reply.splitlines()[0]


def test_which_kinds_of_subsidy_is_a_list_not_another_programme(answerer):
    answer = answerer.answer("文件里到底写了哪几种补贴")
    assert answer.answered and "创业补贴" in answer.reply.splitlines()[0]


def test_which_ended_by_2020_lists_the_ended_parts(answerer):
    line = first_line(answerer, "这个方案里有时间限制的那些政策，哪些到2020年底就结束了")
    assert "已于2020年12月31日到期" in line


def test_how_many_loans_is_no_programme_of_another_office(answerer):
    answer = answerer.answer("返乡创业的，政府给每个人推荐几个项目、帮着办几笔贷款")
    assert answer.answered and "一笔小额担保贷款" in answer.reply


# ------------------------------------------------------------- what young people type

@pytest.mark.parametrize("typed, meant", [("zf贷款最多能贷多少", "政府贷款最多能贷多少"),
                                          ("ZF有啥bt", "政府有啥补贴"),
                                          ("有木有培训", "有没有培训")])
def test_pinyin_initials_and_net_words_are_read(kb, typed, meant):
    assert kb.lexicon.fix_typos(typed) == meant


def test_latin_initials_inside_a_word_are_left(kb):
    assert kb.lexicon.fix_typos("debt") == "debt"


def test_not_much_money_is_no_question(tmp_path, kb):
    replies = chat(tmp_path, kb, "24岁想自己开个美发店 手里没啥本钱，政府贷款最多能贷多少")
    assert "2件事" not in replies[0] and "15万" in replies[0].splitlines()[0]


# ------------------------------------------------------------- what an option means

def test_what_an_option_means_is_a_side_question(tmp_path, kb):
    replies = chat(tmp_path, kb, "就业困难人员怎么认定", "测一测我是否符合", "是", "大龄是指多大岁数")
    assert "没有写明多大岁数算“大龄”" in replies[-1]
    assert "您是否属于下面的情况" in replies[-1]  # the same question again, nothing stored


def test_an_age_asked_of_a_clause_with_no_age_says_what_it_does_say(answerer):
    line = first_line(answerer, "我五十三了 这岁数能算就业困难人员不")
    assert "没有写明多大岁数算“大龄”" in line and "大龄、残疾、低保家庭" in line


@pytest.mark.parametrize("question", [
    "我孙子大专毕业了 见习是不是一个月给一千块钱 是直接给他本人吗",  # the sum and who gets it
    "我弟弟18岁 技校没念完就回家了 他能去见习不",  # no diploma; the age decides
])
def test_the_group_line_leaves_sums_ages_and_dropouts_alone(answerer, question):
    assert not first_line(answerer, question).startswith(("能：", "要看所在地"))


@pytest.mark.parametrize("question, answered", [
    ("想去南方打工 政府那边有没有劳务基地 还是只能找黑中介", True),  # the organised way asked
    ("被黑中介骗了两千块钱咋办", False),
])
def test_a_black_agency_named_beside_the_organised_way_is_no_refusal(answerer, question, answered):
    assert answerer.answer(question).answered is answered


@pytest.mark.parametrize("messages, stays", [
    (("测一测稳岗返还", "不晓得", "嗯", "没有裁员", "三万"), "需核实"),
    (("测一测稳岗返还", "不晓得", "是的", "没有裁员", "三万"), "结果：符合"),
])
def test_agreeing_after_not_known_keeps_it_not_known(tmp_path, kb, messages, stays):
    assert stays in chat(tmp_path, kb, *messages)[-1]


def test_a_guess_at_the_insurance_threshold_is_asked_exactly(tmp_path, kb):
    replies = chat(tmp_path, kb, "测一测技术技能提升补贴", "是", "差不多三年")
    assert "准确的数字" in replies[-1] and "结果：" not in replies[-1]


def test_an_ended_benefits_staff_answer_is_not_stated_as_current(answerer):
    reply = answerer.answer("领着失业金还能拿培训生活费吗").reply
    assert not reply.startswith("不能") and "到期" in reply.splitlines()[0]


@pytest.mark.parametrize("question", ["我是劳务经纪人，带人出去打工有奖励吗"])
def test_support_without_money_is_no_yes_to_a_reward(answerer, question):
    line = first_line(answerer, question)
    assert not line.startswith("有") and "没有写" in line
