"""Twenty-first session (2026-12-02): the kinds of fault held-out sets 59–62 and two
play-throughs showed — a yes/no question naming two benefits of one clause answered by a raw
sentence on the one it names less, "what money is there" answered by one clause's first
sentence, labour-contract questions read as the loan's 劳动合同 condition, two names of one
thing (稳岗补贴 / 稳岗返还), an age asked with 多大 read as an amount, and an amount line that
leads with the condition.

Every sentence here is written for the tests, not taken from an eval set.
"""

from __future__ import annotations

from datetime import date

import pytest

import eligibility
from knowledge.answer import Answerer
from knowledge.asking import heads_and_months

NOW = date(2026, 12, 2)


@pytest.fixture(scope="module")
def answerer(kb):
    return Answerer(kb, today=lambda: NOW)


def first_line(answerer: Answerer, question: str) -> str:
    return answerer.answer(question).reply.splitlines()[0]


# ------------------------------------------------- two benefits of one clause in one question

@pytest.mark.parametrize("question", [
    "创业园区能不能免费给个门面",
    "孵化园能免费提供场地不",
])
def test_the_benefit_named_more_answers_not_a_sentence_on_the_other(answerer, question):
    line = first_line(answerer, question)
    assert line.startswith("要看地方"), line
    assert "免费提供经营场地" in line


def test_the_other_benefit_named_alone_still_answers(answerer):
    line = first_line(answerer, "孵化基地能申请补助不")
    assert line.startswith("要看条件") and "孵化示范基地" in line, line


# ------------------------------------------------------------------ what money is there

@pytest.mark.parametrize("question", ["下岗以后能领些啥钱", "厂子倒了 俺能领啥钱"])
def test_what_money_lists_the_clauses_that_give_some(answerer, question):
    answer = answerer.answer(question)
    assert answer.kind == "overview", answer.reply
    assert "失业保险金" in answer.reply
    assert "加强预警" not in answer.reply  # monitoring pays no one


# ------------------------------------------------------------ labour contracts (劳动法)

@pytest.mark.parametrize("question", ["放暑假招几个临时工 合同要不要签", "寒假工用签合同不"])
def test_how_to_sign_a_labour_contract_is_not_the_documents(answerer, question):
    answer = answerer.answer(question)
    assert not answer.answered, answer.reply
    assert "没有讲到" in answer.reply and "12333" in answer.reply


def test_the_contract_as_the_loans_condition_is_still_answered(answerer):
    answer = answerer.answer("新招的人都签了一年合同 厂子能贷款不")
    assert answer.answered and "300万" in answer.reply, answer.reply


# ------------------------------------------------------------ two names, ages, amounts

def test_two_names_of_job_retention_money_are_not_made_one(answerer):
    line = first_line(answerer, "稳岗补贴跟稳岗返还一样不")
    assert line.startswith("文件没有说明两者的关系"), line
    assert "60%" in line


@pytest.mark.parametrize("question", ["岁数多大才算大龄", "大龄是多大"])
def test_an_age_asked_with_duo_da_is_no_amount(answerer, question):
    line = first_line(answerer, question)
    assert "金额" not in line, line
    assert "大龄" in line


def test_how_large_a_loan_is_still_an_amount(answerer):
    assert first_line(answerer, "创业贷款最多是多大").startswith("最高不超过15万元")


def test_an_amount_the_document_does_not_give_is_said_first(answerer):
    line = first_line(answerer, "考了电工证 技能提升补贴给多少钱")
    assert line.startswith("文件没有写补贴金额"), line


@pytest.mark.parametrize("question", ["厂里招不上工 政府能帮忙招工不", "店里缺人手 政府给帮着找人不"])
def test_a_firm_asking_for_help_recruiting_hears_what_the_document_says(answerer, question):
    line = first_line(answerer, question)
    assert line.startswith("文件没有写政府帮企业招工"), line
    assert "300万" in line  # the loan for firms that hire is what it does give


# ------------------------------------------------------------ the interest subsidy

@pytest.mark.parametrize(("question", "start"), [
    ("个人创业担保贷款的贴息能给多少", "文件没有写贴息多少"),
    ("贷款贴息能贴多少年", "文件没有写贴息多少年"),
])
def test_the_interest_subsidy_named_last_is_what_is_asked(answerer, question, start):
    line = first_line(answerer, question)
    assert line.startswith(start), line
    assert "最高不超过15万元" not in line  # the loan's cap is no answer on the interest


def test_the_loan_itself_still_answers_with_its_cap(answerer):
    assert first_line(answerer, "开个小店创业贷款能贷多少").startswith("最高不超过15万元")


# ------------------------------------------------------------ questionnaires by name

def _parse(program: str, question: str, text: str):
    return eligibility.parse_answer(eligibility.get_program(program).question(question), text, as_of=NOW)


@pytest.mark.parametrize(("program", "question", "text", "value"), [
    ("internship", "category", "高中刚毕业 没考上", "unemployed_youth"),
    ("internship", "category", "大学没考上 在家待着", "unemployed_youth"),
    ("internship", "category", "大专刚毕业", "college_grad"),
    ("graduate_grassroots", "graduate", "初中刚毕业", "no"),
])
def test_a_school_leaver_below_college_is_no_graduate(program, question, text, value):
    assert _parse(program, question, text).value == value


@pytest.mark.parametrize(("first", "label"), [
    ("测一测我是否符合 稳岗返还", "「稳岗返还」"),
    ("测一测我是否符合技能提升补贴", "「技术技能提升补贴」"),
    ("俺们车间的 稳岗返还能拿不 帮我测一下", "「稳岗返还」"),
    ("扶贫车间想收几个见习生 测一测", "「就业见习补贴」"),
])
def test_the_buttons_words_with_a_policy_name_start_that_policys_questionnaire(talk, first, label):
    replies = talk([first], today=NOW)
    assert label in replies[0] and "好的，我们来测一测" in replies[0], replies[0]


def test_a_firm_that_never_insured_hears_no_after_the_named_test(talk):
    replies = talk(["测一测我是否符合 稳岗返还", "没交"], today=NOW)
    assert "结果：不符合" in replies[1]


# ------------------------------------------------------------ sums worked out

@pytest.mark.parametrize(("text", "said"), [
    ("那俩人见习五个月一共多少", (2, 5)),
    ("收了7个见习的 干了一年半", (7, 18)),
    ("四个人见习半年", (4, 6)),
    ("见习六个月给多少", None),  # no count of people
    ("一个人能贷多少", None),  # no length
])
def test_people_and_months_are_read_from_a_question(text, said):
    assert heads_and_months(text) == said


def test_a_per_person_monthly_sum_is_worked_out_for_the_people_and_months_given(answerer):
    reply = answerer.answer("单位收了两个见习生 见习八个月 一共补多少").reply
    assert reply.startswith("按每人每月1000元算：2人 × 8个月 × 1000元 = 1.6万元"), reply
    assert "1.92万元" in reply.splitlines()[1]  # the raised 1200元 where its condition is met


def test_months_beyond_the_clauses_range_are_counted_to_its_end(answerer):
    line = first_line(answerer, "3个人见习了两年 一共能补多少")
    assert "× 12个月" in line and "3—12个月" in line, line


def test_a_total_asked_after_a_worked_out_result_repeats_that_sum(talk):
    replies = talk(["稳岗返还", "测一测我是否符合", "交着呢", "一个没裁", "四万", "加起来一共多少"], today=NOW)
    assert "结果：符合" in replies[4]
    assert replies[5].startswith("按您刚才测一测的回答") and "24000元" in replies[5], replies[5]
    other = talk(["稳岗返还", "测一测我是否符合", "交着呢", "一个没裁", "四万", "那要是交了十万呢"],
                 conversation="b", today=NOW)
    assert "6万元" in other[5] and not other[5].startswith("按您刚才")  # a figure of its own: applied to it


# ------------------------------------------------------------ side questions typed at a step

@pytest.mark.parametrize("side", ["对了 见习的时候有保险木有", "见习期间有生活费没有"])
def test_a_has_it_or_not_question_at_a_number_step_is_answered(talk, side):
    replies = talk(["见习补贴", "测一测我是否符合", "想参加见习的个人", "失业青年", side], today=NOW)
    assert "这一步要的是年龄" not in replies[4], replies[4]
    assert "回到刚才的问题" in replies[4]


def test_a_where_to_go_either_or_question_is_no_option(talk):
    replies = talk(["创业担保贷款", "测一测我是否符合", "个人从事个体经营", "这个贷款得去银行办还是找人社局"], today=NOW)
    assert "没能确定您选的是哪一项" not in replies[3], replies[3]
    assert "第五条第（二）项" in replies[3] and "回到刚才的问题" in replies[3]


@pytest.mark.parametrize("answer", ["木有啊", "后来还是去县上打零工了"])
def test_everyday_answers_with_either_or_words_are_still_answers(talk, answer):
    replies = talk(["稳岗返还", "测一测我是否符合", answer], today=NOW)
    assert "回到刚才的问题" not in replies[2], replies[2]


def test_not_knowing_what_to_ask_gets_how_to_use_the_bot(talk):
    replies = talk(["唉 我都不知道该问些啥", "失业登记不晓得该问哪个部门"], today=NOW)
    assert "使用方法" in replies[0] and "没有讲到" not in replies[0]
    assert "使用方法" not in replies[1] and "常住地" in replies[1]  # a real question said that way


# ------------------------------------------------------------ sums typed as answers

@pytest.mark.parametrize(("text", "value"), [
    ("社保一年交九万 失业保险四千", 4000),
    ("失业险交了七千多 社保总共十二万", 7000),
])
def test_the_number_beside_what_is_asked_is_the_answer(text, value):
    parsed = _parse("job_retention_refund", "last_year_contribution", text)
    assert parsed.value == value, parsed


def test_two_numbers_neither_beside_what_is_asked_are_asked_again():
    parsed = _parse("job_retention_refund", "last_year_contribution", "交了三万 分两次交的")
    assert parsed.value is None and "2个数字" in parsed.error


def test_a_monthly_figure_is_no_years_sum():
    parsed = _parse("job_retention_refund", "last_year_contribution", "十个人 每人每月交八十块")
    assert parsed.value is None and "每月" in parsed.error and "12" in parsed.error
    both = _parse("job_retention_refund", "last_year_contribution", "每个月两千 一年两万四")
    assert both.value == 24000  # the year's is said too


def test_none_of_another_act_is_no_zero_count():
    laid_off = _parse("startup_loan", "new_hires", "没裁")
    assert laid_off.value is None and "没裁" in laid_off.error
    assert _parse("startup_loan", "new_hires", "一个也没招").value == 0
    assert _parse("startup_loan", "new_hires", "没雇").value == 0
    assert _parse("internship", "retained", "一个都没留").value == 0
    assert _parse("job_retention_refund", "last_year_contribution", "没有").value == 0
    assert _parse("job_retention_refund", "last_year_contribution", "没交").value == 0


def test_a_year_as_the_period_of_a_sum_is_no_length():
    paid = _parse("startup_loan", "contracts", "一年交了两万多")
    assert paid.value is None and "是不是" in paid.error
    assert _parse("startup_loan", "contracts", "合同都签的一年").value is True


# ------------------------------------------------------------ who asks, and sums after results

@pytest.mark.parametrize("first", ["俺是小厂老板 测一测我是否符合", "扶贫车间的负责人 帮我测一下"])
def test_an_employer_naming_only_themselves_gets_the_finder_for_units(talk, first):
    replies = talk([first], today=NOW)
    assert "已记下：单位" in replies[0], replies[0]
    assert "农村劳动力吗" not in replies[0]


def test_a_bare_sum_after_a_failed_result_says_the_result_first(talk):
    replies = talk(["稳岗返还帮我测一下", "交着呢", "裁员较多", "四万"], today=NOW)
    assert "结果：不符合" in replies[2]
    assert replies[3].startswith("注意：") and "2.4万元" in replies[3], replies[3]


# ------------------------------------------------------------ a small firm's headcount

@pytest.mark.parametrize(("question", "start", "share"), [
    ("厂子一百一十个人 今年新招了十五个 三百万能贷不", "按人数算不够", "13.6%"),  # under the 15% above 100 staff
    ("我们厂在职职工四十人 今年新招了八个 能贷三百万不", "按人数算不够", "20.0%"),  # under 25%
    ("公司一共二十个人 新招了五个 能申请小微企业贷款不", "按人数算够了", "25.0%"),
])
def test_the_share_of_new_hires_is_worked_out_against_the_documents_bar(answerer, question, start, share):
    line = first_line(answerer, question)
    assert line.startswith(start) and share in line, line


def test_hires_without_a_staff_count_get_the_condition(answerer):
    line = first_line(answerer, "今年新招了五个人 能贷三百万不")
    assert not line.startswith("按人数算"), line


def test_two_loan_names_are_not_made_one_and_a_yes_line_does_not_answer(answerer):
    line = first_line(answerer, "小额担保贷款是不是就是创业担保贷款")
    assert line.startswith("文件没有说明两者的关系"), line
    assert not line.startswith("能")


def test_two_policies_compared_are_each_said_without_a_claim_of_their_own(answerer):
    reply = answerer.answer("见习补贴跟稳岗返还有啥区别").reply
    assert reply.splitlines()[0].endswith("文件里分别是这样写的："), reply
    assert "1000元" in reply and "60%" in reply


# ------------------------------------------------------------ asked of the document, not a test

def test_still_valid_asked_for_oneself_is_answered_not_tested(talk):
    replies = talk(["俺家是零就业家庭 今年还能领不"], today=NOW)
    assert "测一测" not in replies[0].splitlines()[0], replies[0]
    assert "到期" in replies[0].splitlines()[0]


def test_dropping_one_topic_for_another_answers_the_other(answerer):
    line = first_line(answerer, "算了不问贷款了 我想问问公益性岗位")
    assert "没有讲到" not in line and "公益性岗位" in line, line


def test_insurance_for_interns_is_answered_by_the_staff_line(answerer):
    assert first_line(answerer, "单位要不要给见习的娃买意外保险").startswith("有安排")


@pytest.mark.parametrize(("question", "start"), [
    ("单位收了五个见习生 见习十个月 留了三个 一共能补多少", "按每人每月1200元算（留用3人，留用率60%，达到50%）"),
    ("单位收了五个见习生 见习十个月 留下了两个 一共能补多少", "按每人每月1000元算（留用2人，留用率40%，没达到50%）"),
])
def test_the_retention_said_decides_the_rate_of_a_worked_out_sum(answerer, question, start):
    line = first_line(answerer, question)
    assert line.startswith(start), line


def test_a_laid_off_worker_asking_what_now_is_not_offered_the_employers_refund(answerer):
    answer = answerer.answer("我闺女在苏州的厂子裁员了 回来能干啥")
    assert answer.kind == "overview", answer.reply
    assert "稳岗返还" not in answer.reply and "失业登记" in answer.reply


def test_an_employer_that_kept_everyone_still_hears_of_the_refund(answerer):
    assert "60%" in answerer.answer("我们厂一个人都没裁员 有啥扶持").reply


# ------------------------------------------------------------ still valid, of what

def test_still_valid_after_a_policy_is_asked_of_that_policy(answerer):
    answer = answerer.answer("现在还作数不", about="6")
    assert answer.clause is not None and answer.clause.id == "6", answer.reply


def test_still_valid_with_nothing_before_or_of_the_document_is_the_documents(answerer):
    assert answerer.answer("现在还作数不").clause.id == "0"
    assert answerer.answer("这个方案现在还作数不", about="6").clause.id == "0"


def test_a_part_asking_still_valid_goes_with_the_policy_before_it(talk):
    replies = talk(["闺女中专毕业在家 见习还有没有 现在还作数不", "一个月给多少"], today=NOW)
    assert "就业见习补贴" in replies[0].split("2. 问", 1)[1], replies[0]
    assert replies[1].startswith("每人每月1000元"), replies[1]


def test_a_year_and_a_half_said_early_is_kept_whole(talk):
    replies = talk(["测一测：技术技能提升补贴", "两年半"], today=NOW)
    assert "已记下：2年6个月" in replies[1], replies[1]



# ------------------------------------------------------------ what the new rules must leave alone

@pytest.mark.parametrize(("question", "clause"), [
    ("小微企业新招的人合同得签几年", "5.2"),  # the loan's contract condition, not labour law
    ("放暑假的大学生能算见习不", "6"),
    ("企业改制以后下岗了 能办失业登记吗", "9.3"),
    ("工业用电的电价能不能降", "1"),  # 第一条 names 降电价
])
def test_words_near_the_new_out_of_scope_topics_still_get_the_documents_answer(answerer, question, clause):
    answer = answerer.answer(question)
    assert answer.answered and answer.clause is not None and answer.clause.id == clause, answer.reply


def test_a_school_leaver_who_went_on_to_college_is_a_graduate():
    assert _parse("graduate_grassroots", "graduate", "大学没考上 后来念了个大专 毕业了").value == "graduate"


@pytest.mark.parametrize(("first", "label"), [
    ("测一测创业担保贷款 我学了个厨师证", "「创业担保贷款」"),  # 厨师证 tells of the person
    ("帮我测一下创业贷款 想开个门面", "「创业担保贷款」"),
])
def test_a_policy_named_in_the_request_is_not_overridden_by_a_later_everyday_word(talk, first, label):
    assert label in talk([first], today=NOW)[0]


@pytest.mark.parametrize(("text", "said"), [
    ("单位有30个人 收了4个见习生 见习五个月", (4, 5)),  # the interns, not the staff
    ("单位2020年收了3个见习生", None),  # a calendar year is no length
])
def test_the_interns_count_and_a_calendar_year(text, said):
    assert heads_and_months(text) == said


def test_an_intern_asking_is_not_told_the_units_money_as_pay(answerer):
    assert not first_line(answerer, "我自己去见习两个月 能拿多少钱").startswith("按每人每月")


@pytest.mark.parametrize(("question", "start"), [
    ("贴息贷款最多能贷多少", "最高不超过15万元"),  # the loan, not its interest
    ("厂子多大才算小微企业", "符合条件的小微企业"),  # a firm's size, no age
])
def test_loans_and_firm_sizes_keep_their_answers(answerer, question, start):
    line = first_line(answerer, question)
    assert line.startswith(start) and "年龄" not in line, line


def test_a_rate_asked_after_a_worked_out_result_gets_the_rate(talk):
    replies = talk(["稳岗返还", "测一测我是否符合", "交着呢", "一个没裁", "四万", "返还比例是百分之多少"], today=NOW)
    assert not replies[5].startswith("按您刚才测一测的回答") and "60%" in replies[5], replies[5]


@pytest.mark.parametrize(("messages", "who", "label"), [
    (["测一测我能享受哪些政策", "个人", "四十", "在厂里上班", "那我媳妇呢"], "您爱人", "回答几个简单问题"),
    (["见习补贴", "测一测我是否符合", "想参加见习的个人", "离校未就业的高校毕业生", "那我妹妹呢"], "您妹妹", "「就业见习补贴」"),
])
def test_asking_for_a_family_member_right_after_a_result_tests_them(talk, messages, who, label):
    replies = talk(messages, today=NOW)
    assert "结果" in replies[-2] or "可能适用" in replies[-2]
    assert label in replies[-1] and f"按{who}的情况回答" in replies[-1], replies[-1]
    assert "没有讲到" not in replies[-1]


def test_a_longer_message_about_a_family_member_is_read_as_usual(talk):
    # what it says of her is read too (the finder asked for her, with her situation noted)
    replies = talk(["测一测我能享受哪些政策", "个人", "四十", "在厂里上班", "那我媳妇在扶贫车间上班 她能领啥呢"], today=NOW)
    assert "按您爱人的情况回答" in replies[-1] and "已记下：个人；企业在职职工" in replies[-1], replies[-1]
