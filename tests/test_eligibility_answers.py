"""Lenient answer parsing: what residents type -> a value, unknown, or a re-ask hint."""

from __future__ import annotations

from datetime import date

import pytest

from eligibility import FINDER, get_program, parse_answer
from eligibility.answers import chinese_to_number
from eligibility.model import Question

AGE = get_program("internship").question("age")  # number, 岁, 1..120
MONEY = get_program("job_retention_refund").question("last_year_contribution")  # number, 元, decimals
YEARS = get_program("skills_upgrade_subsidy").question("insured_years")  # number, 年, decimals
MONTHS = get_program("internship").question("months")  # number, 个月
RETAINED = get_program("internship").question("retained")  # number, 人, from 0
YES_NO = get_program("skills_upgrade_subsidy").question("certificate")
CATEGORY = get_program("internship").question("category")
DATE = Question("start", "什么时候开始？", "date")


@pytest.mark.parametrize(("question", "text", "value"), [
    (AGE, "23", 23),
    (AGE, "二十三", 23),
    (AGE, "20岁", 20),
    (AGE, "我今年十六岁", 16),
    (AGE, "２４", 24),  # full-width digits
    (MONEY, "两百", 200),
    (MONEY, "1.5万", 15000),
    (MONEY, "15万元", 150000),
    (MONEY, "80,000元", 80000),
    (MONEY, "一万五", 15000),
    (MONEY, "一百零五", 105),
    (MONTHS, "3个月", 3),
    (MONTHS, "一年", 12),
    (YEARS, "1.5", 1.5),
    (YEARS, "一年半", 1.5),
    (YEARS, "18个月", 1.5),
    (RETAINED, "没有", 0),
])
def test_numbers(question: Question, text: str, value: float) -> None:
    parsed = parse_answer(question, text)
    assert parsed.ok and not parsed.unknown, parsed.error
    assert parsed.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["是", "对", "有", "嗯", "好的", "是的，我有", "已经考了"])
def test_yes(text: str) -> None:
    assert parse_answer(YES_NO, text).value is True


@pytest.mark.parametrize("text", ["没有", "不是", "否", "无", "没", "还没考"])
def test_no(text: str) -> None:
    parsed = parse_answer(YES_NO, text)
    assert parsed.ok and parsed.value is False


@pytest.mark.parametrize("question", [AGE, YES_NO, CATEGORY, MONEY, DATE])
@pytest.mark.parametrize("text", ["不清楚", "不知道", "跳过", "？"])
def test_every_question_accepts_unknown(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)
    assert parsed.ok and parsed.unknown and parsed.value is None


@pytest.mark.parametrize(("text", "value"), [
    ("1", "college_grad"), ("第三个", "unemployed_youth"), ("4", "none"),
    ("失业青年", "unemployed_youth"), ("高校毕业生", "college_grad"), ("都不是", "none"),
])
def test_choice_by_number_or_label(text: str, value: str) -> None:
    assert parse_answer(CATEGORY, text).value == value


@pytest.mark.parametrize(("question", "text"), [
    (AGE, "300"), (AGE, "三百岁"), (AGE, "-5"), (AGE, "23.5"), (AGE, "很年轻"), (AGE, "20到30"),
    (YES_NO, "香蕉"), (CATEGORY, "9"), (CATEGORY, "毕业生"), (MONEY, ""), (DATE, "明天"), (DATE, "2019年2月30日"),
    (AGE, "好" * 300),
])
def test_unparseable_gets_a_reask_hint_not_an_exception(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)
    assert not parsed.ok and parsed.value is None
    assert "请" in parsed.error  # a hint in Chinese on how to answer


def test_choice_hint_lists_the_options_by_number() -> None:
    error = parse_answer(CATEGORY, "随便").error
    assert "1." in error and CATEGORY.choices[0].label in error


@pytest.mark.parametrize(("text", "iso"), [("2019-06-01", "2019-06-01"), ("2019年6月1日", "2019-06-01"), ("2019年6月", "2019-06-01")])
def test_dates(text: str, iso: str) -> None:
    assert parse_answer(DATE, text).value == iso


@pytest.mark.parametrize(("text", "value"), [("十", 10), ("十五", 15), ("两百", 200), ("三百五", 350), ("一万", 10000)])
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_to_number(text) == value


@pytest.mark.parametrize("question", [AGE, YES_NO, CATEGORY])
def test_every_button_parses_back(question: Question) -> None:
    for label in question.buttons():
        assert parse_answer(question, label).ok, label
    assert question.buttons()[-1] == "不清楚"


# ---------------------------------------------------------------- bounds, guesses, doubt


@pytest.mark.parametrize(("question", "text"), [
    (YEARS, "不到三年"),
    (YEARS, "不足一年"),
    (YEARS, "未满1年"),
    (YEARS, "快三年了"),
    (AGE, "不满16岁"),
    (AGE, "16岁以下"),
    (MONTHS, "不到3个月"),
    (MONTHS, "12个月以内"),
    # an upper-limited number: "二十多岁" may be 28, "12个月以上" may be 13
    (AGE, "二十多岁"),
    (AGE, "24岁以上"),
    (MONTHS, "12个月以上"),
])
def test_bound_is_reasked_for_the_exact_number(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)
    assert not parsed.ok and parsed.value is None and not parsed.unknown
    assert "具体的数字" in parsed.error


@pytest.mark.parametrize(("text", "value"), [("三年多", 3), ("1年多", 1), ("3年以上", 3)])
def test_at_least_is_kept_for_a_minimum_rule(text: str, value: float) -> None:
    parsed = parse_answer(YEARS, text)  # 参保N年以上: "三年多" meets "3年以上" honestly
    assert parsed.ok and parsed.value == value


def test_under_three_years_no_longer_passes_the_three_year_rule() -> None:
    """Before: "不到三年" was read as 3 and 技术技能提升补贴 said 符合 in 2026."""
    parsed = parse_answer(YEARS, "不到三年")
    assert parsed.error and parsed.value is None


@pytest.mark.parametrize("question", [YES_NO, YEARS, CATEGORY])
@pytest.mark.parametrize("text", ["不是很清楚", "不太清楚", "不确定", "说不准"])
def test_doubt_is_unknown_not_yes_or_no(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)  # before: 不是很清楚 -> 否 (不 prefix)
    assert parsed.ok and parsed.unknown and parsed.value is None


@pytest.mark.parametrize("question", [YEARS, CATEGORY])
@pytest.mark.parametrize("text", ["有可能", "可能吧", "也许"])
def test_a_bare_hedge_says_nothing_to_a_number_or_a_choice(question: Question, text: str) -> None:
    parsed = parse_answer(question, text)
    assert parsed.ok and parsed.unknown and parsed.value is None


@pytest.mark.parametrize("text", ["有可能", "可能吧", "也许"])
def test_a_bare_hedge_to_a_yes_no_question_is_a_tentative_yes(text: str) -> None:
    """Issue 12: a hedge is a tentative yes (shown as such in the result), no longer 不清楚."""
    parsed = parse_answer(YES_NO, text)
    assert parsed.ok and parsed.value is True and parsed.tentative and not parsed.unknown


def test_skills_question_does_not_say_continuous() -> None:
    assert "连续" not in YEARS.prompt + YEARS.help  # the document never says 连续缴费


# ---------------------------------------------------------------- issue 12: answers by meaning

AS_OF = date(2026, 11, 29)
INSURED = get_program("job_retention_refund").question("insured_enterprise")  # 参加失业保险并按规定缴费
WANTS = get_program("returnee_startup").question("wants_startup")  # 你有创业的打算吗
EMPLOYEE = get_program("skills_upgrade_subsidy").question("employee")  # 在职职工
UNEMPLOYED = get_program("employment_assistance").question("unemployed")  # 失业（下岗）人员
HARDSHIP = get_program("employment_assistance").question("living_hardship")  # 生活是否困难
FUND_SHORT = get_program("in_job_training").question("fund_insufficient")  # 经费是否不足以支付
LAYOFFS = get_program("job_retention_refund").question("layoffs")
HOST_ROLE = get_program("internship").question("role")
LOAN_ROLE = get_program("startup_loan").question("role")
GRADUATE = get_program("graduate_grassroots").question("graduate")
SITUATION = FINDER.question("situation")
STAFF = get_program("job_retention_refund").question("insured_staff")  # 人, at least ok
INTERNS = get_program("internship").question("interns")


@pytest.mark.parametrize(("question", "text"), [
    (INSURED, "是哩"), (INSURED, "对着哩"), (INSURED, "嗯呐"), (INSURED, "当然是"), (INSURED, "那当然"),
    (INSURED, "没毛病"), (INSURED, "没错，每个月都按时交"), (INSURED, "不错 一直在缴"),
    (EMPLOYEE, "是的 在一个砖厂里干活"), (EMPLOYEE, "对 在县上一家公司"),
])
def test_affirmative_words_and_a_leading_affirmative_with_context_are_yes(question: Question, text: str) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert parsed.ok and parsed.value is True and not parsed.tentative, parsed


@pytest.mark.parametrize(("question", "text", "value"), [
    (INSURED, "我们厂早就参加了", True), (INSURED, "社保一直按月交着", True), (INSURED, "保险买了的", True),
    (INSURED, "还没交", False), (INSURED, "去年就没参加", False), (INSURED, "我们社保没有按时交", False),
    (INSURED, "前年就断缴了", False), (INSURED, "木有", False), (INSURED, "没有没有", False),
    (WANTS, "想哩", True), (WANTS, "准备开个尕铺子", True), (WANTS, "有这个想法", True), (WANTS, "要", True),
    (WANTS, "不想", False), (WANTS, "暂时没打算", False), (WANTS, "还没想过", False),
    (UNEMPLOYED, "一直在家浪着哩", True), (UNEMPLOYED, "下岗两年了", True), (UNEMPLOYED, "没活干", True),
    (UNEMPLOYED, "在工地上干活", False), (UNEMPLOYED, "没失业", False),
    (HARDSHIP, "日子紧巴巴的", True), (HARDSHIP, "过得去", False), (HARDSHIP, "不太困难", False),
    (FUND_SHORT, "钱不够", True), (FUND_SHORT, "够用", False),
])
def test_an_echo_of_the_question_is_yes_and_its_negation_no(question: Question, text: str, value: bool) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert parsed.ok and parsed.value is value, parsed


@pytest.mark.parametrize("text", ["没问题", "没问题，这个一直都有", "没错的", "错不了"])
def test_a_negation_of_something_not_asked_is_not_a_no(text: str) -> None:
    """Before: 没问题 -> 否 (没 prefix) and 稳岗返还 ended in 不符合."""
    parsed = parse_answer(INSURED, text, as_of=AS_OF)
    assert parsed.ok and parsed.value is True


@pytest.mark.parametrize(("text", "value"), [
    ("应该是吧", True), ("大概交了", True), ("估计参加了", True), ("似乎有", True), ("差不多吧", True),
    ("好像没交", False), ("可能不是", False),
])
def test_a_hedge_is_a_tentative_answer_never_an_error(text: str, value: bool) -> None:
    parsed = parse_answer(INSURED, text, as_of=AS_OF)
    assert parsed.ok and parsed.value is value and parsed.tentative and not parsed.unknown


def test_an_impossible_is_a_firm_no_not_a_hedge() -> None:
    parsed = parse_answer(WANTS, "不可能", as_of=AS_OF)
    assert parsed.ok and parsed.value is False and not parsed.tentative


@pytest.mark.parametrize("question", [INSURED, WANTS, LAYOFFS, AGE, CATEGORY])
@pytest.mark.parametrize("text", ["不测了", "不问了", "不弄了", "不想填了", "算了吧", "取消"])
def test_leaving_words_are_never_an_answer(question: Question, text: str) -> None:
    """The dialog handles these first; if one slips through it must not become 否 / an option."""
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert not parsed.ok and parsed.value is None and not parsed.unknown
    assert "退出" in parsed.error


def test_planning_is_not_leaving() -> None:
    assert parse_answer(WANTS, "早就打算了", as_of=AS_OF).value is True  # 打算了 contains 算了


@pytest.mark.parametrize("text", ["有没有年龄限制", "是不是要先登记"])
def test_a_question_is_not_stored_as_an_answer(text: str) -> None:
    parsed = parse_answer(EMPLOYEE, text, as_of=AS_OF)
    assert not parsed.ok and parsed.value is None


def test_contradictory_clauses_are_reasked() -> None:
    parsed = parse_answer(INSURED, "交了，没交", as_of=AS_OF)
    assert not parsed.ok and parsed.value is None


@pytest.mark.parametrize(("question", "text", "value"), [
    (LAYOFFS, "一个人都没减", "none"), (LAYOFFS, "人没动", "none"), (LAYOFFS, "没辞人", "none"),
    (LAYOFFS, "走了几个", "few"), (LAYOFFS, "没裁多少", "few"), (LAYOFFS, "辞了很多人", "many"),
    (CATEGORY, "娃娃在家里闲着哩", "unemployed_youth"), (CATEGORY, "找不上工作", "unemployed_youth"),
    (CATEGORY, "去年大专毕业的", "college_grad"), (CATEGORY, "技校出来的", "vocational_grad"),
    (HOST_ROLE, "我们厂子想收几个见习生", "host"), (HOST_ROLE, "替我女儿问的", "intern"),
    (LOAN_ROLE, "想开一家拉面馆", "individual"), (LOAN_ROLE, "跟亲戚合伙干", "partnership"),
    (LOAN_ROLE, "注册了公司的", "enterprise"),
    (GRADUATE, "是的", "graduate"), (GRADUATE, "大三", "student"), (GRADUATE, "初中毕业就出来了", "no"),
    (GRADUATE, "在西宁读大专哩", "student"),
    (SITUATION, "在砖厂上班", "employee"), (SITUATION, "从外地打工回来了", "rural_worker"),
    (SITUATION, "想摆个摊", "self_employed"),
])
def test_choices_by_meaning(question: Question, text: str, value: str) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert parsed.ok and parsed.value == value, parsed


@pytest.mark.parametrize(("question", "text", "not_value"), [
    (CATEGORY, "还没毕业", "college_grad"), (CATEGORY, "没有失业", "unemployed_youth"),
    (GRADUATE, "没毕业", "graduate"), (HOST_ROLE, "不是单位的", "host"), (SITUATION, "不是农民", "rural_worker"),
])
def test_a_negated_phrase_never_picks_its_option(question: Question, text: str, not_value: str) -> None:
    assert parse_answer(question, text, as_of=AS_OF).value != not_value


def test_the_most_specific_phrase_wins_and_a_tie_is_reasked() -> None:
    assert parse_answer(GRADUATE, "快毕业了", as_of=AS_OF).value == "student"  # not 毕业了
    assert parse_answer(SITUATION, "中专毕业了", as_of=AS_OF).value == "vocational_grad"  # not 毕业了
    tie = parse_answer(SITUATION, "下岗了想开店", as_of=AS_OF)
    assert not tie.ok and "没能确定" in tie.error


def test_a_hedged_choice_is_tentative() -> None:
    parsed = parse_answer(CATEGORY, "估计算失业的吧", as_of=AS_OF)
    assert parsed.ok and parsed.value == "unemployed_youth" and parsed.tentative


@pytest.mark.parametrize(("question", "text", "value"), [
    (MONEY, "3.6w", 36000), (MONEY, "8k", 8000), (MONEY, "2.5W元", 25000), (MONEY, "四万八", 48000),
    (MONEY, "两千三", 2300), (MONEY, "1万2", 12000), (MONEY, "一点二万", 12000), (MONEY, "壹万伍仟", 15000),
    (MONEY, "12,500", 12500), (STAFF, "俩", 2), (MONTHS, "半年", 6),
])
def test_numbers_as_people_write_them(question: Question, text: str, value: float) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert parsed.ok and parsed.value == pytest.approx(value) and not parsed.approximate, parsed


@pytest.mark.parametrize(("question", "text", "value"), [
    (YEARS, "大概三年", 3), (YEARS, "2年左右", 2), (AGE, "差不多二十二", 22), (MONEY, "约莫两万", 20000),
    (STAFF, "估计30个人", 30), (MONEY, "五千上下", 5000),
])
def test_a_guessed_number_is_kept_and_marked_approximate(question: Question, text: str, value: float) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert parsed.ok and parsed.value == value and parsed.approximate and parsed.range is None
    assert parsed.note and "大约" in parsed.note
    assert parsed.about is not None and parsed.about[0] < value < parsed.about[1]


@pytest.mark.parametrize(("question", "text", "about"), [
    (STAFF, "两百号人上下吧", (180, 220)), (STAFF, "差不多七个", (6, 8)), (MONEY, "大约三万块", (27000, 33000)),
    (RETAINED, "估计一个", (0, 2)),
])
def test_a_guessed_number_says_what_it_may_stand_for(question: Question, text: str, about: tuple[float, float]) -> None:
    """A tenth either side, at least one for whole numbers, within the question's limits."""
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert parsed.ok and parsed.approximate and parsed.about == about, parsed


def test_an_exact_number_has_no_about() -> None:
    assert parse_answer(STAFF, "一百二十三", as_of=AS_OF).about is None


@pytest.mark.parametrize(("question", "text", "rng"), [
    (STAFF, "十七八个", (17, 18)), (STAFF, "三十几个", (31, 39)), (STAFF, "五六十人", (50, 60)),
    (STAFF, "几百个", (100, 999)), (INTERNS, "三五个", (3, 5)), (INTERNS, "一两个", (1, 2)),
    (AGE, "三十来岁", (28, 35)), (AGE, "十八九岁", (18, 19)), (AGE, "二十五六", (25, 26)),
    (AGE, "30多", (31, 39)), (AGE, "16到20岁", (16, 20)), (MONEY, "两三万", (20000, 30000)),
    (MONEY, "2到3万", (20000, 30000)), (YEARS, "四五年", (4, 5)), (MONTHS, "五个多月", (5, 6)),
])
def test_a_rough_figure_gives_its_range_and_asks_for_the_number(question: Question, text: str, rng: tuple[float, float]) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert not parsed.ok and parsed.value is None and parsed.range == rng, parsed
    assert "具体的数字" in parsed.error and f"{rng[0]}—{rng[1]}" in parsed.error


def test_more_than_is_still_the_number_for_a_minimum_rule() -> None:
    parsed = parse_answer(STAFF, "50多人", as_of=AS_OF)  # 参保职工: rules are "≥", so 50 is honest
    assert parsed.ok and parsed.value == 50 and parsed.range is None


@pytest.mark.parametrize(("text", "age"), [("02年生的", 24), ("2004年出生", 22), ("零六年的", 20), ("九九年的", 27)])
def test_a_birth_year_is_an_age_on_the_judging_date(text: str, age: int) -> None:
    parsed = parse_answer(AGE, text, as_of=AS_OF)
    assert parsed.ok and parsed.value == age and parsed.approximate
    assert parsed.range == (age - 1, age)  # one less before this year's birthday
    assert str(AS_OF.year - age) in parsed.note and f"{age}岁" in parsed.note


def test_a_birth_month_settles_the_age() -> None:
    before = parse_answer(AGE, "2002年12月生的", as_of=AS_OF)  # birthday still to come in December
    after = parse_answer(AGE, "2002年5月生的", as_of=AS_OF)
    assert (before.value, after.value) == (23, 24) and before.range is None and after.range is None


@pytest.mark.parametrize(("text", "years"), [
    ("从19年起交的", 7), ("2021年开始缴的", 5), ("打23年就参保了", 3), ("去年开始交的", 1),
])
def test_a_start_year_is_a_number_of_years_never_a_count(text: str, years: float) -> None:
    parsed = parse_answer(YEARS, text, as_of=AS_OF)
    assert parsed.ok and parsed.value == years and parsed.approximate
    low, high = parsed.range
    assert low < years <= high
    assert str(AS_OF.year - years) in parsed.note


def test_a_start_year_and_month_is_counted_in_months() -> None:
    parsed = parse_answer(YEARS, "2024年5月开始交的", as_of=AS_OF)
    assert parsed.ok and parsed.value == pytest.approx(2.5) and parsed.approximate


@pytest.mark.parametrize(("question", "text", "value"), [
    (YEARS, "交了15年了", 15), (YEARS, "15年", 15), (YEARS, "15", 15), (AGE, "19", 19), (STAFF, "12", 12),
])
def test_a_number_without_a_year_marker_is_a_count(question: Question, text: str, value: float) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert parsed.ok and parsed.value == value and not parsed.approximate and parsed.note is None


def test_a_year_is_never_a_headcount() -> None:
    parsed = parse_answer(STAFF, "18年的", as_of=AS_OF)
    assert not parsed.ok and "年份" in parsed.error
    assert parse_answer(MONEY, "2025年交了4万", as_of=AS_OF).value == 40000  # the year is context


@pytest.mark.parametrize(("question", "text"), [(YEARS, "2027年开始交"), (AGE, "2027年出生"), (YEARS, "28年开始交")])
def test_a_year_not_yet_come_is_reasked(question: Question, text: str) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)  # 28年 is 1928 then: 98 years, out of range
    assert not parsed.ok and parsed.value is None


def test_the_judging_date_moves_the_age() -> None:
    assert parse_answer(AGE, "05年的", as_of=date(2030, 6, 1)).value == 25


def test_existing_callers_see_the_old_fields_unchanged() -> None:
    parsed = parse_answer(YES_NO, "是")  # no as_of: today
    assert (parsed.value, parsed.unknown, parsed.error, parsed.ok) == (True, False, None, True)
    assert (parsed.tentative, parsed.approximate, parsed.range, parsed.note) == (False, False, None, None)


def test_a_nominal_age_is_one_year_less_and_approximate() -> None:
    parsed = parse_answer(AGE, "虚岁二十五", as_of=AS_OF)
    assert parsed.ok and parsed.value == 24 and parsed.approximate and parsed.range == (23, 24)


def test_a_generation_is_a_range_of_ages() -> None:
    parsed = parse_answer(AGE, "我是95后", as_of=AS_OF)  # born 1995—1999
    assert not parsed.ok and parsed.range == (26, 31)


def test_half_a_year_of_age_is_dropped() -> None:
    assert parse_answer(AGE, "十九岁半", as_of=AS_OF).value == 19


@pytest.mark.parametrize(("question", "text", "value"), [
    (get_program("returnee_startup").question("rural_returnee"), "一直在家没出去过", False),
    (get_program("returnee_startup").question("online"), "只想开个门面", False),
    (get_program("rural_public_jobs").question("poor"), "前几年就脱贫了", False),
    (get_program("incubation_base").question("recognised_base"), "还在申请", False),
])
def test_an_opposite_of_what_was_asked_is_no(question: Question, text: str, value: bool) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert parsed.ok and parsed.value is value, parsed


@pytest.mark.parametrize(("question", "text"), [(UNEMPLOYED, "我是学生"), (EMPLOYEE, "我是开出租的")])
def test_being_something_else_is_not_a_yes(question: Question, text: str) -> None:
    """是 / 有 / 想 said of something the question did not ask about decide nothing."""
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert not parsed.ok and parsed.value is None


@pytest.mark.parametrize(("question", "text"), [
    (get_program("incubation_base").question("role"), "创业孵化基地"),
    (LOAN_ROLE, "创业担保贷款"), (HOST_ROLE, "就业见习补贴"),
])
def test_the_program_name_picks_no_option(question: Question, text: str) -> None:
    """The message that starts a questionnaire names the program; it must not prefill an option."""
    assert not parse_answer(question, text, as_of=AS_OF).ok


@pytest.mark.parametrize(("text", "low", "high"), [
    ("十五六万", 150000, 160000), ("三十一二万", 310000, 320000), ("二三十万", 200000, 300000),
])
def test_a_rough_sum_in_ten_thousands_keeps_its_tens(text: str, low: float, high: float) -> None:
    parsed = parse_answer(MONEY, text, as_of=AS_OF)
    assert not parsed.ok and parsed.range == (low, high)


@pytest.mark.parametrize(("question", "text", "value"), [
    (MONEY, "一年下来交了四万五", 45000), (MONEY, "六个月交了八千", 8000), (STAFF, "这两年一共留下9个", 9),
])
def test_a_time_said_with_a_sum_or_a_count_is_not_the_answer(question: Question, text: str, value: float) -> None:
    parsed = parse_answer(question, text, as_of=AS_OF)
    assert parsed.ok and parsed.value == value, parsed


@pytest.mark.parametrize("said", ["没有", "还没呢", "没"])
def test_a_bare_no_picks_the_one_option_that_says_no(said):
    question = next(q for q in get_program("startup_loan").questions
                    if q.choices and any(c.label.startswith("还没") for c in q.choices))
    assert parse_answer(question, said).value == next(c.value for c in question.choices if c.label.startswith("还没"))


def test_a_bare_no_is_not_enough_with_two_options_that_say_no():
    from eligibility.model import Choice

    question = Question("q", "您的情况？", "choice", choices=(Choice("a", "有工作"), Choice("b", "不在家"), Choice("c", "还没毕业")))
    assert parse_answer(question, "没有").value is None


def test_a_bare_no_does_not_pick_a_description_that_begins_with_wei():
    # 未就业的中职毕业生 describes a person; it is not the "no" option of the finder's question.
    situation = FINDER.question("situation")
    assert parse_answer(situation, "没有").value is None


def test_a_bare_no_read_for_facts_answers_nothing():
    # Read from a message typed to another question (facts.py), 没有 settles no choice.
    question = next(q for q in get_program("startup_loan").questions
                    if q.choices and any(c.label.startswith("还没") for c in q.choices))
    assert parse_answer(question, "没有", asked=False).value is None


@pytest.mark.parametrize(("question", "text", "wanted"), [
    (AGE, "腿脚不好 是个残疾人", "年龄"),
    (MONEY, "这个归会计管", "金额"),
    (RETAINED, "都是好娃", "人数"),
])
def test_an_answer_with_no_number_at_all_is_asked_for_the_number_this_step_needs(
        question: Question, text: str, wanted: str) -> None:
    parsed = parse_answer(question, text)
    assert not parsed.ok and parsed.error is not None
    assert parsed.error.startswith(f"这一步要的是{wanted}") and "没看懂" not in parsed.error
