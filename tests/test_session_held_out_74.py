"""Twenty-fifth session (2026-12-03): the kinds of fault held-out sets 74–76 and two play-throughs
(families; employers) showed — the interns kept on said but never weighed against the 50% the
raised rate needs (2 of 5 answered "能"), one count said in one message and the other in the
next, a firm's 150万 asked "个人" answered as within the 300万, "是不是早就结束了" read as a
yes/no the document does not answer, where the workers are sent (苏州, 东莞) answered with a
count, 那医保呢 answered with registration, a labour-law word refusing the loan's own contract
condition inside its questionnaire, and a few wordings (要裁十几个人 对企业有什么要求, 12333打不通,
家门口附近能找着活不, 去年毕业的研究生, 补主, 还没培训 想去学).

Every sentence here is written for the tests, not taken from an eval set.
"""

from __future__ import annotations

import pytest

from knowledge.answer import Answerer
from knowledge.asking import counts_paired, interns_and_kept


def first_line(answerer: Answerer, question: str, **kwargs) -> str:
    return answerer.answer(question, **kwargs).reply.splitlines()[0]


# ------------------------------------------------------------ interns kept on, against 50%

@pytest.mark.parametrize(("text", "said"), [
    ("收了六个见习的 期满留了两个", ((6, 6), 2)),
    ("接了七八个实习的 留下来四个", ((7, 8), 4)),
    ("见习的四个 一个都没留下", ((4, 4), 0)),
    ("收了三个见习的", None),  # none kept said
    ("留了五个 收了三个见习的", None),  # more kept than came: not a reading
])
def test_interns_and_those_kept_are_read_apart(text, said):
    assert interns_and_kept(text) == said


@pytest.mark.parametrize(("question", "start", "rate"), [
    ("单位收了六个见习的 期满留了两个 能按1200算不", "不能", "仍按每人每月1000元"),  # 33%
    ("单位收了六个见习的 期满留了三个 能按1200算不", "能", "按每人每月1200元"),  # 50% is 以上
    ("收了四个见习生 一个也没留 还能提高到1200不", "不能", "仍按每人每月1000元"),
])
def test_the_share_kept_decides_the_raised_rate(dated_answerer, question, start, rate):
    line = first_line(dated_answerer, question)
    assert line.startswith(start + "：") and rate in line


def test_the_subsidy_itself_is_paid_whatever_the_share_kept(dated_answerer):
    line = first_line(dated_answerer, "见习的六个 都没留下 见习补贴还有没有")
    assert line.startswith("有：") and "按每人每月1000元" in line and "不能" not in line


def test_a_rate_a_month_asked_with_the_share_kept_is_that_rate(dated_answerer):
    line = first_line(dated_answerer, "我们接了六个见习生 留下来四个 一个月补多少")
    assert line.startswith("每人每月1200元") and "留用率67%" in line


def test_one_count_now_and_the_other_before_are_worked_out_together(talk):
    replies = talk(["我们厂收了六个见习的 补贴一个月多少", "留下来两个 能拿1200不", "那要是留了四个呢"])
    assert "见习6人、期满留用2人" in replies[1] and "没达到50%" in replies[1]
    assert "见习6人、期满留用4人" in replies[2] and "达到50%以上" in replies[2]


def test_counts_paired_needs_both_counts_of_a_pair():
    assert counts_paired("厂子四十个人 新招了十个")
    assert counts_paired("收了三个见习的 留了一个")
    assert not counts_paired("留了一个")
    assert not counts_paired("厂子四十个人")


# ------------------------------------------------------------ the first line answers what was asked

def test_a_sum_beyond_the_smaller_loan_named_says_so_first(dated_answerer):
    line = first_line(dated_answerer, "想办个小工厂 个人能贷二百万不")
    assert line.startswith("个人创业担保贷款不行") and "15万元" in line and "300万元" in line


@pytest.mark.parametrize("question", ["见习补贴是不是早就结束了", "创业担保贷款早就停了吧"])
def test_whether_a_standing_benefit_has_ended_is_answered_as_when(dated_answerer, question):
    answer = dated_answerer.answer(question)
    assert answer.kind == "when"
    assert "没有" in answer.first_line and "截止" in answer.first_line
    assert "没有讲到您问的这一点" not in answer.reply


@pytest.mark.parametrize("question", ["输转出去一般到哪些地方", "组织出去打工一般去哪里"])
def test_where_workers_are_sent_names_the_places(dated_answerer, question):
    line = first_line(dated_answerer, question)
    assert "苏州" in line and "东莞" in line and "厦门" in line


def test_a_follow_up_on_the_medical_insurance_gets_its_line(talk):
    replies = talk(["厂子关了 我下岗了", "失业保险金谁发", "那医保呢"])
    assert replies[2].splitlines()[0].startswith("领失业保险金期间不用自己交")
    assert "基本医疗保险费从失业保险基金中列支" in replies[2]


@pytest.mark.parametrize("question", ["公司准备裁二十几个人 对企业有什么要求", "我们厂要减员 有啥规定"])
def test_a_firm_laying_off_gets_its_duties_first(dated_answerer, question):
    answer = dated_answerer.answer(question)
    assert answer.clause is not None and answer.clause.id == "4"
    assert answer.first_line.startswith("文件对裁员企业的要求是")


def test_a_hotline_that_does_not_answer_gets_other_ways_not_itself(dated_answerer):
    answer = dated_answerer.answer("12333老是打不通")
    assert answer.answered and "12345" in answer.first_line and "乡镇" in answer.first_line
    assert "更多问题可拨打12333" not in answer.reply


def test_work_near_home_is_answered_yes_and_where_to_ask(dated_answerer):
    answer = dated_answerer.answer("出去打工好些年了 现在回来了 家跟前有没有活干")
    assert answer.first_line.startswith("有：") and "扶贫车间" in answer.first_line
    assert not answer.first_line.startswith("另") and "乡镇" in answer.first_line


def test_a_graduate_said_after_the_degree_has_no_age_limit(dated_answerer):
    line = first_line(dated_answerer, "亲戚家娃二十六了 前年毕业的本科生 一直没工作 能参加见习不")
    assert line.startswith("能：离校未就业的高校毕业生")


def test_a_typed_homophone_of_subsidy_is_read(dated_answerer):
    line = first_line(dated_answerer, "孵化基地有补主没")
    assert "按规定给予补助" in line


# ------------------------------------------------------------ questionnaire

def test_not_trained_yet_but_meaning_to_is_in_progress(talk):
    replies = talk(["测一测", "个人", "五十一", "下岗了", "测一测：失业人员职业培训补贴", "还没培训 想去学个厨师"])
    assert "不满足" not in replies[-1] and "不符合" not in replies[-1]


def test_a_side_question_on_the_loans_contract_is_answered_in_its_questionnaire(talk):
    replies = talk(["小微企业担保贷款", "测一测我是否符合", "小微企业", "四十", "合同要签几年的"])
    assert "1年以上劳动合同" in replies[-1]
    assert "劳动法" not in replies[-1]


# ------------------------------------------------------------ what the new rules must leave alone

def test_a_staff_count_or_a_length_is_no_interns_kept(dated_answerer):
    assert interns_and_kept("我们单位三十个人 见习期满留下了四个") is None  # the staff, not the interns
    assert interns_and_kept("收了三个见习的 期满后又多留了两个月") is None  # a length, not people
    line = first_line(dated_answerer, "我们单位三十个人 见习期满留下了四个 能按1200算不")
    assert "见习30人" not in line


def test_the_larger_loans_own_name_is_no_smaller_loan_named(dated_answerer):
    for question in ("小微企业创业担保贷款能贷200万不", "我自己开的小公司 能贷一百万不"):
        assert not first_line(dated_answerer, question).startswith("个人创业担保贷款不行")


@pytest.mark.parametrize("question", ["我的失业金到期了吗 还能续领不", "我报的培训班是不是取消了"])
def test_a_persons_own_matter_ending_is_no_policy_in_force_asked(dated_answerer, question):
    assert "也没有说已经停止" not in dated_answerer.answer(question).reply


@pytest.mark.parametrize(("question", "benefit"), [
    ("劳务经纪人去哪里找", "labour-brokers"),
    ("扶贫车间附近有没有 能去干活不", "poverty-workshops"),
])
def test_plain_where_words_leave_the_specific_benefit_asked(dated_answerer, question, benefit):
    assert dated_answerer.answer(question).benefit == benefit


def test_a_high_school_leaver_is_no_graduate(dated_answerer):
    line = first_line(dated_answerer, "娃高中毕业 本科没考上 在家闲着 能参加见习不")
    assert not line.startswith("能：离校未就业的高校毕业生")


# ------------------------------------------------------------ second round (play-throughs O and P)

def test_the_finders_list_details_what_fits_and_names_the_rest(talk):
    reply = talk(["测一测", "个人", "五十六", "下岗了"])[-1]
    lines = reply.splitlines()
    numbered = [x for x in lines if x[:2] in ("1.", "2.", "3.", "4.", "5.", "6.")]
    assert len(numbered) <= 3
    assert any(x.startswith("还可以看看：") for x in lines)
    assert len(reply) < 450


@pytest.mark.parametrize("proxy", ["帮我娃问的", "我给孙子问呢"])
def test_asking_for_a_child_at_the_first_step_goes_on_to_the_childs_age(talk, proxy):
    replies = talk(["测一测", proxy, "二十二"])
    assert "多少岁" in replies[1] and "个人身份" not in replies[1].splitlines()[-1]
    assert "没有第" not in replies[2] and "最符合" in replies[2]


@pytest.mark.parametrize(("question", "start"), [
    ("稳岗返还是不是百分之五十", "不是50%，是60%"),
    ("稳岗返还是返60%吗", "是60%"),
    ("稳岗返还是不是返50%", "现在不是50%"),  # the ended 2019 standard's 50%
])
def test_a_share_asked_yes_or_no_is_checked_against_the_document(dated_answerer, question, start):
    assert first_line(dated_answerer, question).startswith(start)


def test_until_when_asks_the_policys_end_not_a_length(talk, dated_answerer):
    line = first_line(dated_answerer, "见习补贴撒时候截止")
    assert "没有给就业见习补贴写截止日期" in line and "3—12个月" not in line
    replies = talk(["想开个小卖部 能贷多少", "利息谁出", "撒时候截止"])
    assert "截止日期" in replies[2].splitlines()[0] and "贴息多少年" not in replies[2]


def test_who_pays_the_interns_wages_says_what_the_unit_pays_from(dated_answerer):
    reply = dated_answerer.answer("见习期间工资谁发").reply
    assert "没有写明工资由谁发" in reply and "基本生活费" in reply and "见习单位" in reply


@pytest.mark.parametrize("question", ["组织两后生出去打工 有补贴不", "我们企业想搞新型学徒制 有补贴不"])
def test_money_asked_of_a_plan_that_names_none_is_no_yes(dated_answerer, question):
    line = first_line(dated_answerer, question)
    assert line.startswith("文件没有写") and "有补贴或给钱" in line


def test_a_cooperative_saying_it_is_no_company_is_not_told_no(dated_answerer):
    line = first_line(dated_answerer, "我们不是公司 是合作社 算小微企业不")
    assert not line.startswith("不能") and "合作社" in line


def test_a_dozen_or_so_interns_are_worked_out_at_the_share_line(talk):
    replies = talk(["我们医院接了十几个见习的 补贴一个月多少", "那留下来七个呢"])
    assert "见习14人及以下的" in replies[1] and "见习15人及以上的" in replies[1]


def test_a_question_after_a_result_is_no_answer_to_it(talk):
    replies = talk(["测一测", "个人", "三十八", "农村劳动力", "测一测：乡村公益性岗位和扶贫车间就近就业",
                    "是", "扶贫车间一个月能挣多少"])
    assert "已记下" not in replies[-1]
    assert replies[-1].startswith("文件没有写明扶贫车间的补助金额") and "能挣多少" in replies[-1].splitlines()[0]


def test_a_firm_closing_with_many_out_of_work_gets_the_governments_duty_and_the_workers_way(dated_answerer):
    line = first_line(dated_answerer, "我们厂子要倒闭了 一下子两百多人没活干 政府管不管")
    assert line.startswith("政府要管") and "失业登记" in line


def test_a_student_still_at_school_is_outside_the_internship(dated_answerer):
    line = first_line(dated_answerer, "卫校在校的学生来我们诊所实习 这算见习不")
    assert line.startswith("在校学生不在见习范围内")
    assert first_line(dated_answerer, "大专毕业了 一直在家闲着 能见习不").startswith("能：")


def test_this_or_that_recipient_is_a_recipient_question(dated_answerer):
    answer = dated_answerer.answer("职业培训补贴是给培训学校还是给学员")
    assert answer.kind == "recipient" and "培训合格的失业人员" in answer.first_line


def test_money_asked_of_an_unpaid_plan_with_give_is_no_clause_paste(dated_answerer):
    line = first_line(dated_answerer, "开了个农家乐 五小行业有钱给不")
    assert line.startswith("文件没有写") and "有补贴或给钱" in line


def test_a_hard_times_story_asking_the_refund_now_gets_the_standing_refund(dated_answerer, talk):
    answer = dated_answerer.answer("厂子生意不好 今年要裁掉十来个人 还能拿稳岗返还不")
    assert answer.benefit == "job-retention-refund"
    assert "不裁员或少裁员" in answer.first_line and "只在2019年" not in answer.first_line
    replies = talk(["厂子效益不好 今年要裁几个人 还能拿稳岗返还不", "我们厂六十来个人", "去年交了五六万失业保险"])
    assert "只在2019年1月1日至12月31日执行" not in replies[1].splitlines()[0]
    assert "3万元—3.6万元" in replies[2]
    more = first_line(dated_answerer, "厂子效益不好 稳岗返还能多返点不")
    assert "2019年困难企业的特殊返还标准" in more  # more asked: the ended special standard


def test_a_sum_hoped_for_is_no_fee_paid(dated_answerer):
    line = first_line(dated_answerer, "稳岗返还能返8万不")
    assert "按文件写的60%算" not in line
    paid = first_line(dated_answerer, "去年交了五万 一个没裁 能返还不")
    assert "约3万元" in paid


def test_a_staff_answer_on_another_thing_of_the_clause_yields_to_the_benefit_named(dated_answerer):
    line = first_line(dated_answerer, "两后生输转到哪些地方")
    assert "苏州" in line and "东莞" in line


# ------------------------------------------------------------ what the second round must leave alone

@pytest.mark.parametrize("question", ["见习的留用率有60% 能按1200算吗", "我们留了70%的见习生 补贴是不是1200",
                                      "我们厂裁员不到10% 能拿稳岗返还吗"])
def test_the_askers_own_share_is_no_share_asked_of_the_rule(dated_answerer, question):
    assert not first_line(dated_answerer, question).startswith(("不是", "是"))


@pytest.mark.parametrize("question", ["我大专毕业一年了没工作 弟弟还在上学 我能参加见习不",
                                      "我在校时学的护理 毕业两年了 一直在家 能见习不"])
def test_a_graduate_mentioning_school_is_no_student(dated_answerer, question):
    assert not first_line(dated_answerer, question).startswith("在校学生不在见习范围内")


def test_as_of_and_a_length_ending_are_no_policy_end_asked(dated_answerer):
    assert dated_answerer.answer("截至今年我们厂交了五年失业保险 能拿稳岗返还不").kind == "yes_no"
    assert "3—12个月" in first_line(dated_answerer, "娃的见习期啥时候截止")


def test_one_worker_laid_off_is_no_mass_layoff(dated_answerer):
    assert not first_line(dated_answerer, "厂子关门了 我下岗了 政府管不管").startswith("政府要管")


# ------------------------------------------------------------ third round (play-through Q)

@pytest.mark.parametrize("question", ["拉面馆想招两个见习的尕娃 有补贴没", "幼儿园想接三个见习老师 政府有补贴不"])
def test_a_host_taking_a_counted_few_interns_is_told_what_it_gets(dated_answerer, question):
    line = first_line(dated_answerer, question)
    assert line.startswith("有：每人每月1000元") and "单位" in line


def test_a_teachers_college_graduate_is_a_graduate(dated_answerer):
    assert first_line(dated_answerer, "闺女师范毕业两年了 二十六了 一直在家 能见习不").startswith("能：离校未就业的高校毕业生")
    assert not first_line(dated_answerer, "中专师范毕业 在家闲着 能见习不").startswith("能：离校未就业的高校毕业生")


def test_a_sum_said_with_about_is_worked_out_at_each_end(dated_answerer):
    line = first_line(dated_answerer, "厂里去年交失业保险四十来万 一个没裁 能返多少")
    assert "38万元—45万元" in line and "22.8万元—27万元" in line


def test_the_contract_length_is_answered_in_a_follow_up(talk):
    replies = talk(["小微企业贷款要啥条件", "我们签了半年的合同", "那要签多长"])
    assert replies[1].startswith("不够：合同签半年")
    assert replies[2].startswith("1年以上")


def test_a_firm_meaning_to_lay_off_some_is_told_what_counts_is_unset(dated_answerer):
    line = first_line(dated_answerer, "肉厂九十个人 打算裁十五个 还能拿稳岗返还不")
    assert line.startswith("要看") and "少裁员" in line and "没有规定标准" in line


def test_no_job_is_promised_after_training(dated_answerer):
    line = first_line(dated_answerer, "闺女技能培训学完了 给不给推荐工作")
    assert line.startswith("文件没有写明") and "分配" in line


def test_the_temporary_allowance_is_no_plain_yes(dated_answerer):
    line = first_line(dated_answerer, "下岗了 家里困难 有没有临时生活补助")
    assert line.startswith("要看条件") and "生活困难下岗失业人员" in line


def test_the_training_fee_is_a_known_matter(dated_answerer):
    answer = dated_answerer.answer("培训费要自己出吗")
    assert answer.answered and answer.clause is not None and answer.clause.id == "3.3"


def test_an_ended_standard_asked_whether_it_is_still_there_says_ended_first(dated_answerer):
    line = first_line(dated_answerer, "2019年那个按六个月算的稳岗返还现在还有没")
    assert line.startswith("2019年困难企业的特殊返还标准只在") and "到期" in line


@pytest.mark.parametrize("question", ["屋里就我一个人挣钱 现在也没活了 我们家算零就业家庭不", "零就业家庭怎么认定"])
def test_how_a_zero_employment_family_is_recognised_is_not_written(dated_answerer, question):
    line = first_line(dated_answerer, question)
    assert line.startswith("文件没有写明零就业家庭怎么认定")


def test_where_to_complain_and_whether_procedures_are_published(dated_answerer):
    line = first_line(dated_answerer, "钱一直没发下来 到哪投诉")
    assert "没有写具体号码" in line and "12345" in line
    published = first_line(dated_answerer, "政府会不会把补贴的申办流程公布出来")
    assert published.startswith("会：") and "申办流程" in published


# ------------------------------------------------------------ what the third round must leave alone

@pytest.mark.parametrize("question", ["零就业家庭培训生活费补贴标准是多少", "我家是零就业家庭 贷款利息咋算",
                                      "我家零就业 算不算就业困难人员"])
def test_a_zero_employment_family_named_beside_another_matter_asks_that(dated_answerer, question):
    assert "零就业家庭怎么认定" not in first_line(dated_answerer, question)


@pytest.mark.parametrize("question", ["就业扶贫专岗怎么申请", "大学毕业了想找工作 去哪里办"])
def test_the_grassroots_programmes_are_no_default_for_their_clause(dated_answerer, question):
    assert "特岗计划、三支一扶、西部计划" not in first_line(dated_answerer, question)


def test_simplifying_procedures_is_not_the_publicity_line(dated_answerer):
    reply = dated_answerer.answer("办补贴流程太麻烦了 能不能简化一下").reply
    assert "优化流程" in reply and not reply.startswith("会：")


def test_a_late_claim_for_an_ended_year_says_late_claims_are_not_written(dated_answerer):
    reply = dated_answerer.answer("2019年厂里困难没裁人 那年的稳岗返还还能申请不").reply
    assert "过了期限还能不能补申请，文件没有写" in reply
