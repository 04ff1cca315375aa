"""Fifteenth session (2026-12-01): two benefits weighed against each other, what is asked after
a trade the plan supports without money, and the kinds of fault held-out sets 39 and 40 showed.

Every sentence here is written for the tests, not taken from an eval set.
"""

from __future__ import annotations

from datetime import date

import pytest

from eligibility.answers import parse_answer
from eligibility.programs import PROGRAMS
from knowledge.answer import Answerer

NOW = date(2026, 12, 1)


@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb, today=lambda: NOW)


def first_line(answerer: Answerer, question: str) -> str:
    return answerer.answer(question).reply.splitlines()[0]


def question_of(program_id: str, question_id: str):
    program = next(p for p in PROGRAMS if p.id == program_id)
    return program.question(question_id)


# ------------------------------------------------------------- two benefits weighed

@pytest.mark.parametrize("question, say, clauses", [
    ("我想先学门手艺再说，还是先去单位见习好", "先办哪个", ("第三条", "第六条")),
    ("先申请创业担保贷款还是先去上职业培训", "先办哪个", ("第五条第（二）项", "第三条")),
    ("见习补贴跟创业贷款比 哪个更实惠", "哪个更合适", ("第六条", "第五条第（二）项")),
    ("厂里领了稳岗返还，还能不能同时领见习补贴", "能不能同时享受", ("第四条", "第六条")),
])
def test_two_benefits_weighed_get_a_line_each(answerer, question: str, say: str, clauses: tuple[str, str]) -> None:
    """先…还是先… / 哪个实惠 / 能不能同时: the document says neither, and says so first; then a
    line on each benefit with its clause (asking.yaml `comparing`)."""
    answer = answerer.answer(question)
    lines = answer.reply.splitlines()
    assert lines[0].startswith("文件没有写明") and say in lines[0]
    body = answer.reply.split("依据：")[0]
    assert all(label in body for label in clauses)
    assert body.count("1. ") == 1 and body.count("2. ") == 1


def test_the_order_of_the_two_is_the_questions(answerer) -> None:
    answer = answerer.answer("是先去报名培训，还是先办失业登记")
    item_1 = next(line for line in answer.reply.splitlines() if line.startswith("1. "))
    assert "培训" in item_1
    assert answer.clauses[0].startswith("3")


def test_the_time_asked_after_a_comparison_is_the_apply_line(answerer) -> None:
    """Which first: where each is applied for (the `lines` of 先办哪个 lead with apply)."""
    reply = answerer.answer("先办失业登记还是先申请见习").reply
    assert "公共就业服务机构" in reply


def test_what_a_clause_says_of_both_at_once_is_answered_from_it(answerer) -> None:
    """第三条第（三）项 says 不可同时领取失业保险金: not "文件没有写明…"."""
    first = first_line(answerer, "参加培训的生活费补贴跟失业保险金可以一起拿吗")
    assert not first.startswith("文件没有写明")
    assert "不可同时领取失业保险金" in answerer.answer("参加培训的生活费补贴跟失业保险金可以一起拿吗").reply


@pytest.mark.parametrize("question", [
    "俩娃都能去见习吗",                           # one benefit: who may go
    "我们单位带了见习生 也没裁员 这两样都能享受些啥",  # what there is: the overview
    "我想学手艺 他想贷款开店 两样事政府都咋帮",       # how, not whether both at once
])
def test_not_every_two_or_both_is_a_comparison(answerer, question: str) -> None:
    assert not first_line(answerer, question).startswith("文件没有写明")


def test_three_things_of_one_clause_are_not_weighed(answerer) -> None:
    """推项目、给场地、帮贷款 are all 第二条第（三）项 (一笔小额担保贷款): its line, not a
    comparison with the 15万 loan."""
    first = first_line(answerer, "返乡办养殖场 政府给找项目找场地还帮贷款 这几样能一起给不")
    assert not first.startswith("文件没有写明")
    assert "一处场地" in first


# ------------------------------------------- a trade supported without money, then the ask

def test_a_loan_asked_after_a_trade_is_the_loan(answerer) -> None:
    """农家乐 is among 第二条第（二）项's 五小行业 (benefits.yaml `unpaid`); 贷款 is asked."""
    answer = answerer.answer("想在村里开个农家乐 能贷点款不")
    assert answer.clauses[0] == "5.2"
    assert "15万元" in answer.reply.splitlines()[0]


def test_the_trade_alone_stays_on_its_clause(answerer) -> None:
    answer = answerer.answer("想在村里开个小卖部 政府扶持不")
    assert answer.clauses[0] == "2.2"


def test_money_asked_of_a_trade_says_the_plan_names_none(answerer) -> None:
    first = first_line(answerer, "在村里开个小修理店能领补贴不")
    assert first.startswith("文件没有写") and "补贴或给钱" in first


def test_a_benefit_named_in_the_story_before_the_trade_is_not_the_ask(answerer) -> None:
    """回来 (返乡创业) comes before the 扶贫车间 asked about: the story, not the ask."""
    answer = answerer.answer("我在外面打工回来了 村里扶贫车间还招人不")
    assert answer.clauses[0] == "2.2"


def test_a_benefits_own_name_in_a_sentence_does_not_replace_its_line(answerer) -> None:
    """The clause's opening sentence names 就业见习补贴 among eight subsidies; the yes/no line
    says who may go."""
    first = first_line(answerer, "家里开小卖部的 闺女大学毕业了能申请见习补贴不")
    # (a graduate: the line for 离校未就业高校毕业生, benefits.yaml `groups`, names the 16—24 too)
    assert first.startswith("要看") and "16—24岁" in first and "离校未就业" in first


# ------------------------------------------------------------- words and other offices

def test_where_it_was_seen_names_no_benefit(answerer) -> None:
    """抖音 is a word of 网上创业; 抖音上看的 says where the resident heard it."""
    first = first_line(answerer, "快手上看的回乡创业能贷款 开个小吃店最多贷多少")
    assert "15万元" in first
    assert "网上创业" not in first


@pytest.mark.parametrize("question, topic", [
    ("村上的以工代赈工程 干活的工钱咋算", "以工代赈"),
    ("天津帮扶建的那个车间还要人不", "天津"),
    ("娃十六了 法律上多大才能打工", "最低就业年龄"),
])
def test_other_programmes_are_refused(answerer, question: str, topic: str) -> None:
    answer = answerer.answer(question)
    assert answer.refused
    assert topic in answer.reply


def test_the_plans_social_insurance_subsidy_is_answered_for_gig_workers(answerer) -> None:
    """灵活就业人员自己交社保 is staff's out-of-scope topic, but 社保补贴 is named in 第六条."""
    answer = answerer.answer("我开网约车算灵活就业 文件里提没提社保补贴")
    assert answer.answered
    assert answer.clauses[0] == "6"
    assert "社会保险补贴" in answer.reply.split("依据：")[0]


def test_paying_in_oneself_as_a_gig_worker_stays_refused(answerer) -> None:
    assert answerer.answer("灵活就业的自己交社保一年交多少").refused


# ------------------------------------------------------------------ questionnaire answers

@pytest.mark.parametrize("said, value", [
    ("停了两个月工 一个人都没辞", "none"),
    ("一个人也没打发走", "none"),
    ("没辞几个", "few"),
])
def test_layoffs_said_with_other_verbs(said: str, value: str) -> None:
    assert parse_answer(question_of("job_retention_refund", "layoffs"), said).value == value


@pytest.mark.parametrize("said, value", [
    ("不是三年 是五年", 5),
    ("三年不对 五年", 5),
    ("交了三年 不是五年", 3),
])
def test_a_number_said_not_to_be_it_is_dropped(said: str, value: float) -> None:
    assert parse_answer(question_of("skills_upgrade_subsidy", "insured_years"), said, as_of=NOW).value == value


def test_less_than_is_still_a_bound() -> None:
    parsed = parse_answer(question_of("skills_upgrade_subsidy", "insured_years"), "不到三年", as_of=NOW)
    assert parsed.value is None and "不满3年" in (parsed.error or "")


def test_a_number_corrected_after_the_result_changes_that_answer(talk) -> None:
    replies = talk(["技能提升补贴", "测一测我是否符合", "是", "三年", "有", "打错了 不是三年 是一年"])
    assert "参保" in replies[-1] or "失业保险" in replies[-1]
    assert "1年" in replies[-1]
    assert "证书" not in replies[-1].splitlines()[0]


# ------------------------------------------------------------------------- small talk

@pytest.mark.parametrize("message", ["乡政府叫我到这上面问问", "网格员让我来这里看看"])
def test_who_sent_them_is_no_question(talk, message: str) -> None:
    reply = talk([message])[0]
    assert "依据：" not in reply
    assert "政策助手" in reply


def test_who_sent_them_before_a_question_is_answered(talk) -> None:
    reply = talk(["镇上让我来问问 失业登记去哪办"])[0]
    assert "依据：" in reply and "常住地" in reply


# ------------------------------------------------- what a yes/no answer says of the question

@pytest.mark.parametrize("said", ["今年才开始上培训班", "职业资格证书"])
def test_naming_the_thing_asked_about_is_no_yes(said: str) -> None:
    """享受过培训生活费补贴 / 取得…证书: saying the thing after the verb (培训, 证书) tells of it,
    not that it was had (answers.py `_Prompt.objects`); the question is asked again."""
    question = (question_of("unemployed_training", "allowance_this_year") if "培训" in said
                else question_of("skills_upgrade_subsidy", "certificate"))
    parsed = parse_answer(question, said)
    assert parsed.value is None and parsed.error


@pytest.mark.parametrize("said, value", [
    ("补贴今年领过了", True),
    ("生活费补贴报上了钱还没到账", False),
    ("前年领过一回", False),          # another year's (answer_words.yaml past_times)
    ("前年领了 今年也领了", True),
])
def test_this_years_allowance(said: str, value: bool) -> None:
    parsed = parse_answer(question_of("unemployed_training", "allowance_this_year"), said)
    assert parsed.value is value


@pytest.mark.parametrize("said, value", [
    ("只跟一部分签了", False),          # not all (answer_words.yaml partial)
    ("多数签了", False),
    ("签的都是三年的", True),
    ("三年的合同", True),               # long enough, though no 签 is said
    ("三个月的合同", False),
])
def test_contracts_with_all_new_hires(said: str, value: bool) -> None:
    parsed = parse_answer(question_of("startup_loan", "contracts"), said)
    assert parsed.value is value


def test_the_loan_asked_after_an_internship_is_the_loans(answerer) -> None:
    """见习 ranks 第六条 first, but 能贷多少 asks a sum of money only 第五条第（二）项 caps
    (benefits.yaml `max`): the 15万, also as a piece after a question on the internship."""
    answer = answerer.answer("等见习结束了 想自己开个小店 能贷多少钱")
    assert answer.clauses[0] == "5.2" and "15万元" in answer.reply.splitlines()[0]
    assert answerer.has_own_topic("等见习结束了 想自己开个小店 能贷多少钱", about="6")
    assert not answerer.has_own_topic("见习的时候一个月给多少钱", about="6")


# ------------------------------------------------------------------ typed in pinyin

@pytest.mark.parametrize("typed, read", [
    ("jianxi butie duoshao qian", "见习补贴多少钱"),
    ("chuangye danbao daikuan zenme shenqing", "创业担保贷款怎么申请"),
    ("wengang fanhuan neng fan duoshao", "稳岗返还能返多少"),     # 还 read huan, not only hai
    ("wo wushi sui le hai neng peixun ma", "我五十岁了还能培训吗"),  # a number before a homophone (武士)
    ("shiye dengji qu nali ban", "失业登记去哪里办"),
])
def test_pinyin_is_read_as_the_question(answerer, typed: str, read: str) -> None:
    assert answerer.from_pinyin(typed) == read


@pytest.mark.parametrize("typed", ["hello", "ok thanks", "i want a loan", "yes", "12333", "见习 butie"])
def test_english_letters_and_mixed_text_are_not_read_as_pinyin(answerer, typed: str) -> None:
    assert answerer.from_pinyin(typed) is None


def test_a_pinyin_question_is_answered_and_says_how_it_was_read(answerer) -> None:
    answer = answerer.answer("jianxi butie gei shui")
    lines = answer.reply.splitlines()
    assert "见习补贴给谁" in lines[0] and "拼音" in lines[0]
    assert answer.clauses[0] == "6" and "单位" in lines[1]


def test_pinyin_in_the_chat_is_read_with_a_note_first(talk) -> None:
    reply = talk(["shiye dengji qu nali ban"])[0]
    first, rest = reply.split("\n", 1)
    assert "失业登记去哪里办" in first
    assert "常住地" in rest


def test_english_in_the_chat_still_gets_the_helping_hand(talk) -> None:
    reply = talk(["can you speak english"])[0]
    assert "中文" in reply and "依据" not in reply


# ------------------------------------- kinds a residents' play-through and sets 41–42 showed

def test_a_result_decided_by_hedged_answers_says_so_in_its_verdict(talk) -> None:
    replies = talk(["稳岗返还", "测一测我是否符合", "估计交着呢", "好像一个没裁", "二十万"])
    verdict = next(line for line in replies[-1].splitlines() if line.startswith("结果："))
    assert verdict.startswith("结果：可能符合") and "2项" in verdict


@pytest.mark.parametrize("said, low, high", [("差不多二十来万", 180_000, 250_000), ("三十来万", 280_000, 350_000)])
def test_about_so_many_ten_thousands_keeps_the_ten_thousands(said: str, low: float, high: float) -> None:
    parsed = parse_answer(question_of("job_retention_refund", "last_year_contribution"), said, as_of=NOW)
    assert parsed.range == (low, high)


@pytest.mark.parametrize("program_id, question_id", [("internship", "interns"),
                                                     ("job_retention_refund", "last_year_contribution")])
def test_a_length_of_time_is_no_count_or_sum(program_id: str, question_id: str) -> None:
    parsed = parse_answer(question_of(program_id, question_id), "九个月", as_of=NOW)
    assert parsed.value is None and "时间长短" in (parsed.error or "")


@pytest.mark.parametrize("said", ["大学没念过 中专也没有", "中专也没上"])
def test_options_said_and_denied_are_none_of_them(said: str) -> None:
    assert parse_answer(question_of("internship", "category"), said).value == "none"


def test_a_graduate_without_a_job_is_still_the_graduate_option() -> None:
    assert parse_answer(question_of("internship", "category"), "大专毕业了没有工作").value == "college_grad"


def test_places_left_of_an_ended_programme_say_it_ended(answerer) -> None:
    first = first_line(answerer, "村里的公益岗今年还有名额没")
    assert "已于2020年12月31日到期" in first


@pytest.mark.parametrize("follow_up, said", [
    ("那我男人呢 他二十二 没工作", "能：22岁、没有工作"),
    ("那我闺女呢 她二十七 也没活干", "27岁不在"),
])
def test_another_person_with_their_age_is_asked_of_the_same_benefit(talk, follow_up: str, said: str) -> None:
    replies = talk(["见习一个月补多少钱", follow_up])
    assert replies[-1].startswith(said)


def test_can_he_get_it_stays_on_the_benefit_just_named(talk) -> None:
    replies = talk(["技能提升补贴咋领", "我弟在工地上干活 失业保险没交过 他能领不"])
    assert "第三条第（四）项" in replies[-1] and "第四条" not in replies[-1].split("依据")[1][:20]


def test_a_fact_put_right_outside_a_questionnaire_is_asked_again(talk) -> None:
    replies = talk(["我二十六了 还能去见习不", "不对 我说错了 我是二十二"])
    assert replies[-1].startswith("22岁在16—24岁之内")


@pytest.mark.parametrize("question, topic", [
    ("那房子装修能贷款不", "买房"),
    ("考驾校政府给报销不", "驾照"),
    ("厂里工会经费咋交", "工会"),
    ("特种作业证培训费谁出", "特种作业"),
    ("退伍军人有啥补贴政策", "退役军人"),
    ("个体户交税能免不", "税"),
])
def test_more_other_offices_matters_are_refused_by_name(answerer, question: str, topic: str) -> None:
    answer = answerer.answer(question)
    assert answer.refused and topic in answer.reply


def test_another_offices_programme_after_an_answer_is_refused(talk) -> None:
    replies = talk(["开个小卖部能贷多少", "禁牧补助啥时候到"])
    assert "没有讲到" in replies[-1] and "创业担保贷款" not in replies[-1]


@pytest.mark.parametrize("message", ["你能干啥", "你是干撒的"])
def test_asking_what_the_bot_does_is_no_policy_question(talk, message: str) -> None:
    reply = talk([message])[0]
    assert "依据：" not in reply


def test_a_bare_apply_asks_which_topic(talk) -> None:
    reply = talk(["办理"])[0]
    assert "依据：" not in reply and "办理" in reply


def test_by_the_way_before_a_question_answers_nothing(talk) -> None:
    replies = talk(["见习补贴", "测一测我是否符合", "接收见习人员的单位", "对了 营业执照咋年检"])
    assert "已记下" not in replies[-1]
    assert "接收的见习人员是否都属于见习对象" in replies[-1]


def test_each_sum_asked_after_two_benefits_gets_both(talk) -> None:
    reply = talk(["见习补贴和稳岗返还能一起领吗？分别是多少"])[0]
    assert "1000元" in reply and "60%" in reply and "您问了2件事" not in reply


def test_none_hired_this_year_is_zero() -> None:
    parsed = parse_answer(question_of("startup_loan", "new_hires"), "前年招过几个 今年一个也没招", as_of=NOW)
    assert parsed.value == 0


def test_wrong_said_right_after_a_count_puts_that_count_right(talk) -> None:
    replies = talk(["创业担保贷款", "测一测我是否符合", "小微企业", "60", "说错了 是八十个"])
    assert "改为“80人”" in replies[-1]


def test_a_family_with_nobody_working_is_a_zero_employment_family() -> None:
    assert parse_answer(question_of("unemployed_training", "hardship"), "全家都没活干").value == "zero_employment"


def test_a_clerk_saying_their_job_gets_the_helping_hand(talk) -> None:
    reply = talk(["我是公司管社保的"])[0]
    assert "依据：" not in reply and "政策助手" in reply


def test_tax_relief_for_returnees_is_what_the_plan_says(answerer) -> None:
    first = first_line(answerer, "打工回来开了个修车铺 能少交点税不")
    assert "税费优惠" in first and "12345" in first


def test_the_length_a_rule_sets_answers_how_long(answerer) -> None:
    first = first_line(answerer, "企业贷款要求新招的人签几年合同")
    assert "1年以上劳动合同" in first


@pytest.mark.parametrize("question, start", [
    ("见习能不能干十五个月", "文件写的是3—12个月：15个月超过了12个月，不在这个范围内"),
    ("见习八个月行不", "文件写的是3—12个月：8个月在这个范围内"),
])
def test_a_length_asked_against_the_clauses_range(answerer, question: str, start: str) -> None:
    assert first_line(answerer, question).startswith(start)


def test_asking_for_more_loan_is_no_yes_unless_in_partnership(answerer) -> None:
    """Only 合伙创业 raises the limit: 多贷一些 alone is the individual loan's condition, not 能."""
    first = answerer.answer("我腿不好 能不能多贷一些", about="5.2").reply.splitlines()[0]
    assert first.startswith("要看条件") and "15万元" in first
    partners = answerer.answer("我们三个合伙 能不能多贷一些", about="5.2").reply.splitlines()[0]
    assert partners.startswith("能适当提高") and "合伙创业" in partners


def test_pieces_after_a_question_on_an_allowance_are_about_it(talk) -> None:
    replies = talk(["家里困难得很 有没有临时生活补助", "补多少 去哪申请"])
    assert "家庭困难程度" in replies[-1] and "临时生活补助" in replies[-1]


def test_the_ended_special_standard_asked_after_the_refund(talk) -> None:
    replies = talk(["稳岗返还返多少", "那按6个月失业保险金算的那个还有吗"])
    assert replies[-1].startswith("2019年困难企业的特殊返还标准") and "已于2019年12月31日到期" in replies[-1]


def test_a_question_then_a_test_request_answers_then_tests(talk) -> None:
    reply = talk(["见习补贴给谁 测一测我是否符合"])[0]
    assert "单位" in reply and "测一测「就业见习补贴」" in reply


def test_a_side_question_is_asked_with_the_answer_before_it(talk) -> None:
    """我们是两口子合伙的 能多贷些吗: the answer (合伙) stored, and the side question answered
    with it — the partnership's limit, not the individual loan's."""
    replies = talk(["创业担保贷款", "测一测我是否符合", "我们是两口子合伙的 能多贷些吗"])
    assert "适当提高" in replies[-1] and "已记下" in replies[-1]
