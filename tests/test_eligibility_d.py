"""Verdicts that rest only on what the resident said (tester D's kinds), 第六条 就业见习 first.

1. Someone who works now (打工, 上班, 跑快递) is no 离校**未就业**高校毕业生 / **未就业**中职毕业生 /
   **失业**青年: 不符合 for that route (打零工: 需核实), never a plain 符合.
2. 都不是 (or a 中职毕业生 outside the named areas) may still be a 16—24岁失业青年: the age is
   asked, and it decides.
3. Nothing is filled in that was not said: a place name is no 国家级贫困县 (the document names
   no county: asked, 不清楚 → 需核实 以人社部门认定为准); 农村 is not 贫困; a unit planning to take
   interns has not said they are all 见习对象 nor that the internship ended.
7. A 不符合 because of "not yet" (too young, still at school, working now) says when to come back.

Sentences are our own.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from test_understanding_review import Person, _engine, kb  # noqa: F401  (fixture)
from test_understanding_review import turns as _turns

import eligibility as E
from dialog.understanding.facts import stated_value, stated_words

NOW = date(2026, 11, 26)
INTERN = {"role": "intern"}


def _assess(**answers: object) -> E.Result:
    return E.assess("internship", {**INTERN, **answers}, as_of=NOW)


def _verdict(text: str) -> str | None:
    line = next((ln for ln in text.split("\n") if ln.startswith("结果：")), None)
    return line[3:].split("（")[0] if line else None


# ---------------------------------------------------------------- reading what was said


@pytest.mark.parametrize("said, status", [
    ("我外甥大学毕业一年了 现在在工地上干活", "working"),
    ("她在镇上的饭馆当服务员", "working"),
    ("娃每天跑快递呢", "working"),
    ("一直在家里闲着 啥也不干", "idle"),
    ("毕业以后还没找到工作", "idle"),
    ("没上班 在屋里待着", "idle"),
    ("他还在学校 明年才毕业", "studying"),
    ("偶尔帮人干点零活", "casual"),
    ("前年在外面打过工 现在回来了", None),   # the past says nothing of now
    ("家在积石山", None),
    ("他不在上学了 在家闲着", "idle"),       # 不在上学 is no 在上学
    ("在超市上班 以前在家闲着", None),        # two different situations: nothing certain
])
def test_the_situation_is_read_only_from_words_that_say_it(said: str, status: str | None) -> None:
    assert stated_value(stated_words()["internship"]["status"], said) == status


@pytest.mark.parametrize("said, value", [
    ("我们那是国家级贫困县", True),
    ("康乐不算贫困县吧", False),
    ("家在和政", None),
    ("住在东乡那边", None),
    ("是临夏县的", None),
])
def test_a_place_name_is_no_poor_county(said: str, value: bool | None) -> None:
    assert stated_value(stated_words()["internship"]["poor_area"], said) is value


def test_rural_is_not_poor() -> None:
    words = stated_words()["rural_public_jobs"]["poor"]
    assert stated_value(words, "我们是村里的 种地的") is None
    assert stated_value(words, "家里是建档立卡的") is True


# ---------------------------------------------------------------- 1. working now


@pytest.mark.parametrize("category", ["college_grad", "vocational_grad"])
def test_a_graduate_who_works_now_is_not_a_graduate_without_work(category: str) -> None:
    result = _assess(category=category, status="working", age=30)
    assert result.verdict == "不符合"
    assert any("未就业" in c.note for c in result.main.checks)
    assert any("再测" in w for w in result.main.what_if)


def test_casual_work_is_to_verify_never_a_plain_yes() -> None:
    result = _assess(category="college_grad", status="casual")
    assert result.verdict == "需核实"
    assert any("人社部门" in c.note for c in result.main.checks)


def test_a_young_person_who_works_is_no_unemployed_youth() -> None:
    assert _assess(category="unemployed_youth", age=20, status="working").verdict == "不符合"
    assert _assess(category="unemployed_youth", age=20, status="idle").verdict == "符合"


def test_working_said_in_a_conversation_gives_no_yes(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "我外甥大学毕业一年了 现在在工地上干活 能参加见习不 给他测一测", "他个人")
    assert _verdict(replies[-1]) == "不符合"
    assert "未就业" in replies[-1]


def test_working_said_with_the_category_answer_gives_no_yes(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "测一测就业见习", "个人", "本科毕业的 每天跑快递呢")
    assert _verdict(replies[-1]) == "不符合"


# ---------------------------------------------------------------- 2. the 16—24岁失业青年 route


def test_none_of_these_asks_the_age_and_the_age_decides() -> None:
    program = E.get_program("internship")
    assert E.next_question(program, {**INTERN, "category": "none"}, as_of=NOW).id == "age"
    assert _assess(category="none", age=20, status="idle").verdict == "符合"
    assert _assess(category="none", age=27, status="idle").verdict == "不符合"
    # nothing said of work: a 16—24-year-old may be a 失业青年, to verify
    assert _assess(category="none", age=20).verdict == "需核实"
    assert _assess(category="none", age=20, status="studying").verdict == "不符合"


def test_a_vocational_leaver_outside_the_named_areas_may_be_an_unemployed_youth() -> None:
    assert _assess(category="vocational_grad", age_vocational=21, poor_area=False).verdict == "符合"
    assert _assess(category="vocational_grad", age_vocational=29, poor_area=False).verdict == "不符合"
    assert _assess(category="vocational_grad", age_vocational=29, poor_area=None).verdict == "需核实"
    program = E.get_program("internship")
    assert E.next_question(program, {**INTERN, "category": "vocational_grad"}, as_of=NOW).id == "poor_area"
    # the area settles it: the age is not asked then
    assert E.next_question(program, {**INTERN, "category": "vocational_grad", "poor_area": True}, as_of=NOW) is None


def test_an_idle_leaver_who_says_none_of_these_is_asked_the_age(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "我侄子高中念完就没念了 一直在家待着 能见习不", "测一测我是否符合", "个人",
                     "哪个都不是 他就是高中毕业", "二十")
    assert "多少岁" in replies[-2] and _verdict(replies[-2]) is None
    assert _verdict(replies[-1]) == "符合"
    assert "16—24岁失业青年" in replies[-1]


# ---------------------------------------------------------------- 3. nothing filled in


def test_a_place_name_asks_whether_it_is_a_poor_county(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "测一测就业见习", "个人", "卫校毕业的 家在广河", "不清楚", "不清楚", "三十")
    assert "国家级贫困县吗" in replies[2] and _verdict(replies[2]) is None
    assert "多少岁" in replies[-2]
    assert _verdict(replies[-1]) == "需核实"
    assert "人社部门认定为准" in replies[-1]


def test_the_vocational_button_names_the_areas_so_they_are_not_asked(tmp_path, kb) -> None:  # noqa: F811
    async def scenario() -> tuple[str, str]:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.say("测一测就业见习")
        await p.act(p.action_of("想参加见习的个人"))
        await p.act(p.action_of("艰苦边远地区、老工业基地或国家级贫困县的未就业中职毕业生"))
        after_button = p.text
        back = await p.say("上一步")  # the button's answer and what its label said go back together
        await engine.close()
        return after_button, back

    after_button, back = asyncio.run(scenario())
    assert "国家级贫困县吗" not in after_button and _verdict(after_button) == "符合"
    assert "您属于下面哪一类" in back


def test_the_age_after_a_vocational_button_gives_the_verdict_without_a_county_question(tmp_path, kb) -> None:  # noqa: F811
    program = E.get_program("internship")
    answers = {**INTERN, "category": "vocational_grad", "poor_area": True, "age": 40}
    assert E.next_question(program, answers, as_of=NOW) is None
    assert _assess(**{k: v for k, v in answers.items() if k != "role"}).verdict == "符合"


def test_a_plan_to_take_interns_fills_in_nothing_about_them(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "我们合作社打算收三个见习的年轻人 有补贴没", "测一测我是否符合")
    assert "见习人员都属于见习对象" not in replies[-1]
    assert "见习期已满" not in replies[-1]
    assert "是否都属于见习对象" in replies[-1]


def test_rural_is_not_recorded_as_poor(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "测一测乡村公益性岗位", "是的 我们家在山里的村子")
    assert "贫困劳动力" in replies[-1] and "已记下：属于农村贫困劳动力" not in replies[-1]
    assert _verdict(replies[-1]) is None  # the question is asked, not answered for them


# ---------------------------------------------------------------- 7. "not yet"


def test_too_young_now_says_when_it_would_fit() -> None:
    result = _assess(category="unemployed_youth", age=15)
    assert result.verdict == "不符合"
    assert any("满16周岁" in w for w in result.main.what_if)


def test_still_at_school_says_to_come_back_after_leaving() -> None:
    result = _assess(category="none", status="studying")
    assert result.verdict == "不符合"
    assert any("离校后" in w for w in result.main.what_if)


# ---------------------------------------------------------------- 3. a count is no 少裁员 by itself


def test_a_count_of_layoffs_is_said_to_be_for_the_office_to_judge(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "测一测稳岗返还", "交着呢", "去年裁了二十几个 生意不好", "六万")
    assert _verdict(replies[-1]) == "需核实"
    assert "文件没有规定多少人算“少”" in replies[-1]
    assert "生意不好" not in replies[-1].split("※")[1].split("\n")[0]


def test_many_layoffs_settles_it_and_asks_no_amount(tmp_path, kb) -> None:  # noqa: F811
    program = E.get_program("job_retention_refund")
    assert E.next_question(program, {"insured_enterprise": True, "layoffs": "many"}, as_of=NOW) is None
    assert E.next_question(program, {"insured_enterprise": True, "layoffs": "few"}, as_of=NOW).id == "last_year_contribution"
    replies = _turns(tmp_path, kb, "测一测稳岗返还", "交着呢", "裁员较多")
    assert _verdict(replies[-1]) == "不符合"


# ---------------------------------------------------------------- 6. what was said is not asked again


def test_an_internship_said_to_be_over_is_taken_a_plan_is_not(tmp_path, kb) -> None:  # noqa: F811
    done = _turns(tmp_path / "a", kb, "我们厂前年带了五个见习的 见习期满了 有补贴没", "测一测我是否符合")[-1]
    assert "见习期已满" in done
    planned = _turns(tmp_path / "b", kb, "我们厂打算收五个见习的 见习期满了给多少", "测一测我是否符合")[-1]
    assert "已记下" not in planned or "见习期已满" not in planned


def test_a_worker_with_a_certificate_is_not_asked_either_again(tmp_path, kb) -> None:  # noqa: F811
    text = _turns(tmp_path, kb, "我在公司上班 失业保险交了五年了 考了个叉车证 技能提升补贴能领不", "测一测我是否符合")[-1]
    assert "在职职工吗" not in text and "是否已取得" not in text
    assert _verdict(text) is not None


def test_a_no_is_confirmed_as_a_no(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "我在厂里上班 证还没考下来 技能提升补贴咋领", "测一测我是否符合", "四年")
    assert "取得职业资格证书或职业技能等级证书：否" in replies[1]
    assert _verdict(replies[-1]) == "不符合" and "如果取得职业资格证书" in replies[-1]


def test_the_finder_answers_carry_over_when_the_programme_is_named(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "测一测我能享受哪些政策", "我自己 厂子倒闭了 没活干 五十一了", "测一测失业人员培训补贴")
    assert "失业人员吗" not in replies[-1]
    assert "培训" in replies[-1]


# ---------------------------------------------------------------- 2. a fact said after the result


def test_an_age_said_after_the_result_changes_the_verdict(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "测一测就业见习", "个人", "都不沾边", "不清楚", "他现在二十一岁 一直没工作 能算失业青年不")
    assert _verdict(replies[-2]) == "需核实"
    assert _verdict(replies[-1]) == "符合" and "21岁" in replies[-1]


def test_work_said_after_the_result_takes_the_yes_back(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "测一测就业见习", "个人", "本科毕业的", "不过她现在在镇上当店员")
    assert _verdict(replies[-2]) == "符合"
    assert _verdict(replies[-1]) == "不符合"


def test_a_supposed_age_or_another_person_changes_no_answer(tmp_path, kb) -> None:  # noqa: F811
    base = ("测一测就业见习", "个人", "都不沾边", "不清楚")
    supposed = _turns(tmp_path / "a", kb, *base, "那要是二十二岁呢")[-1]
    assert "已记下" not in supposed
    other = _turns(tmp_path / "b", kb, *base, "我外甥二十二了")[-1]
    assert "已记下" not in other


# ---------------------------------------------------------------- 3. no precision nobody stated


def test_nearly_three_years_is_said_as_under_three(tmp_path, kb) -> None:  # noqa: F811
    text = _turns(tmp_path, kb, "测一测技能提升补贴", "是", "差不多快三年了", "有 焊工证")[-1]
    assert _verdict(text) == "不符合"
    assert "不到3年" in text
    assert "2年11个月" not in text and "还差1个月" not in text


def test_an_exact_answer_after_going_back_is_shown_exactly() -> None:
    base = {"employee": True, "insured_years": 2.5, "certificate": True}
    exact = E.assess("skills_upgrade_subsidy", base, as_of=NOW)
    assert "2年6个月" in " ".join(c.note for c in exact.main.checks) and any("还差6个月" in w for w in exact.main.what_if)
    rough = E.assess("skills_upgrade_subsidy", {**base, "insured_years_below": 3}, as_of=NOW)
    assert "不到3年" in " ".join(c.note for c in rough.main.checks)
    assert not any("6个月" in w for w in rough.main.what_if)


def test_an_income_gone_is_no_word_on_unemployment_insurance(tmp_path, kb) -> None:  # noqa: F811
    text = _turns(tmp_path, kb, "测一测失业人员培训补贴", "是", "报了名了", "屋里就他一个挣钱 眼下也断了 算零就业")[-1]
    assert "不领取失业保险金" not in text


def test_a_class_starting_later_is_preparing_to_attend(tmp_path, kb) -> None:  # noqa: F811
    text = _turns(tmp_path, kb, "测一测失业人员培训补贴", "是", "等到年后才开班")[-1]
    assert "正在培训或准备参加" in text and "就业困难人员或零就业家庭成员" in text


def test_a_question_after_the_result_states_no_yes_or_no(tmp_path, kb) -> None:  # noqa: F811
    replies = _turns(tmp_path, kb, "测一测就业见习", "单位", "是", "3个", "半年", "不清楚", "我们这批见习期满了以后钱还能多领吗")
    assert "已记下" not in replies[-1]


# ---------------------------------------------------------------- the words file itself


def test_every_stated_word_list_names_a_real_question_and_answer() -> None:
    """stated_facts.yaml: each programme / question exists and each key is an answer it can have
    (yes / no for a yes/no question, an option's value for a choice); no list is empty."""
    for program_id, questions in stated_words().items():
        program = E.get_program(program_id)
        for qid, words in questions.items():
            question = program.question(qid)
            allowed = {True, False} if question.kind == "yesno" else {c.value for c in question.choices}
            assert question.kind in ("yesno", "choice"), qid
            assert set(words.values) <= allowed, (program_id, qid, set(words.values) - allowed)
            assert all(words.values.values()), (program_id, qid)


def test_not_sure_of_the_group_but_at_school_now_is_no() -> None:
    assert _assess(category=None, status="studying").verdict == "不符合"
    assert _assess(category=None, status="working").verdict == "不符合"
    assert _assess(category=None).verdict == "需核实"
    assert _assess(category=None, status="casual").verdict == "需核实"
