"""Fixes from the review of the understanding work (issue 12's leftovers), each with its own
sentences: answer buttons that name their question, typed labels on a stale questionnaire,
topic pointers logged as answered, the finder asked for while in it, one particle list,
reply roles, and rough counts that straddle a rule's threshold."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date
from pathlib import Path

import pytest

import eligibility
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming, Reply
from dialog.understanding import Conversation, Reader, check_vocabulary, load_vocabulary
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class Person:
    def __init__(self, engine: Engine, user: str = "r1") -> None:
        self.engine, self.user = engine, user
        self.replies: list[Reply] = []

    async def say(self, text: str) -> str:
        self.replies = await self.engine.handle(Incoming("web", self.user, text))
        return self.text

    async def act(self, action: str) -> str:
        self.replies = await self.engine.handle(Incoming("web", self.user, "", action=action, kind="button"))
        return self.text

    def action_of(self, label: str) -> str:
        return next(b.action for r in self.replies for b in r.all_buttons() if b.label == label)

    @property
    def text(self) -> str:
        return "\n".join([r.text for r in self.replies] + [b.label for r in self.replies for b in r.all_buttons()])


async def _engine(tmp_path: Path, kb, clock: Clock | None = None) -> Engine:
    return await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"), kb=kb,
                             today=lambda: TODAY, clock=clock or Clock())


# ---------------------------------------------------------------- one list of particles


def test_the_reader_takes_its_particles_from_the_answer_words(vocabulary) -> None:
    """A particle staff add to answer_words.yaml is dropped from commands too; the ones
    understanding.yaml keeps (了) are not: 停了 is no quit."""
    listed = ("咯", "了", "吧")
    reader = Reader(vocabulary, eligibility.parse_answer, answer_particles=lambda: listed)
    assert reader.intent("菜单咯") == "menu"
    assert reader.intent("停") == "quit" and reader.intent("停了") is None
    plain = Reader(vocabulary, eligibility.parse_answer, answer_particles=lambda: ("吧",))
    assert plain.intent("菜单咯") is None


def test_the_shipped_particles_are_one_list(vocabulary) -> None:
    """The reader's particles are the answer words' (less the kept ones), and every kept one
    is a particle of that list."""
    words = eligibility.answers.current_words()
    reader = Reader(vocabulary, eligibility.parse_answer)
    assert set(reader.particles) == {p for p in words.particles if p not in vocabulary.particles_kept}
    assert vocabulary.particles_kept <= set(words.particles)
    assert reader.intent("回主菜单哟") == "menu"  # 哟: a particle the reader had on its own list


def test_a_kept_particle_must_be_one_character(tmp_path) -> None:
    path = tmp_path / "understanding.yaml"
    path.write_text("particles_kept: [了, 的话]\n", encoding="utf-8")
    vocabulary, problems = check_vocabulary(path)
    assert vocabulary is None and any("一个字" in p.message and p.line == 1 for p in problems)



# ---------------------------------------------------------------- answer buttons name their question


def test_an_old_answer_button_does_not_answer_the_next_question(tmp_path, kb) -> None:
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:internship")
        first_unit = p.action_of("接收见习人员的单位")
        await p.act(first_unit)
        second = p.text
        assert "（第2步" in second
        await p.act(first_unit)  # the first message's keyboard, tapped again
        assert "前面一个问题的按钮" in p.text and "（第2步" in p.text
        await p.say("上一步")
        assert "（第1步" in p.text
        await engine.close()

    asyncio.run(scenario())


def test_a_button_of_another_programs_question_with_the_same_id_is_refused(tmp_path, kb) -> None:
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:startup_loan")
        loan_buttons = [b.action for r in p.replies for b in r.all_buttons() if b.action.startswith("a:")]
        await p.act("p:internship")
        assert all(a.startswith("a:internship/") for r in p.replies for b in r.all_buttons()
                   if (a := b.action).startswith("a:"))
        await p.act(loan_buttons[0])
        assert "前面一个问题的按钮" in p.text and "（第1步" in p.text
        await engine.close()

    asyncio.run(scenario())


def test_a_bare_index_from_before_the_change_still_answers_the_current_question(tmp_path, kb) -> None:
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:internship")
        await p.act("a:0")  # 接收见习人员的单位, as keyboards sent it before
        assert "（第2步" in p.text and "前面一个问题" not in p.text
        await engine.close()

    asyncio.run(scenario())


def test_a_typed_option_number_on_a_numbered_channel_presses_the_named_button(tmp_path, kb) -> None:
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        replies = await engine.handle(Incoming("wechat", "w1", "", action="p:internship", kind="button"))
        assert any(b.action.startswith("a:internship/") for r in replies for b in r.all_buttons())
        replies = await engine.handle(Incoming("wechat", "w1", "2", extra={"numbered": True}))
        assert "（第2步" in "\n".join(r.text for r in replies)
        await engine.close()

    asyncio.run(scenario())


def test_answer_actions_stay_within_the_channels_limit() -> None:
    from dialog.flows.questionnaire import answer_action
    from dialog.messages import MAX_ACTION_BYTES

    for program in [eligibility.FINDER, *eligibility.all_programs()]:
        for question in program.questions:
            assert len(answer_action(program.id, question.id, 9).encode()) <= MAX_ACTION_BYTES
    long = answer_action("p" * 40, "q" * 30, 3)
    assert long == "a:" + "q" * 30 + ":3"


# ---------------------------------------------------------------- a questionnaire left long ago


@pytest.mark.parametrize("how", ["typed", "tapped"])
def test_an_option_on_a_stale_questionnaire_asks_continue_or_restart_first(tmp_path, kb, how) -> None:
    """Typed as its label or tapped, an option after a day away gets the "continue or
    restart?" prompt (as a typed answer does); 继续上次 then applies that option."""
    async def scenario() -> None:
        clock = Clock()
        engine = await _engine(tmp_path, kb, clock)
        p = Person(engine)
        await p.act("p:internship")
        await p.act(p.action_of("接收见习人员的单位"))
        step2 = p.text
        label = next(b.label for r in p.replies for b in r.all_buttons() if b.action.startswith("a:"))
        action = p.action_of(label)
        clock.now += 40 * 3600
        if how == "typed":
            await p.say(label)
        else:
            await p.act(action)
        assert "欢迎回来" in p.text and "继续上次" in p.text and "（第3步" not in p.text
        await p.act(p.action_of("继续上次"))
        assert "（第3步" in p.text or "结果：" in p.text, (step2, p.text)
        await engine.close()

    asyncio.run(scenario())


def test_a_stale_keyboards_press_on_a_stale_questionnaire_is_not_kept(tmp_path, kb) -> None:
    async def scenario() -> None:
        clock = Clock()
        engine = await _engine(tmp_path, kb, clock)
        p = Person(engine)
        await p.act("p:internship")
        old = p.action_of("接收见习人员的单位")
        await p.act(old)
        clock.now += 40 * 3600
        await p.act(old)  # the first question's button, a day and a half later
        assert "欢迎回来" in p.text
        await p.act(p.action_of("继续上次"))
        assert "（第2步" in p.text and "前面一个问题" not in p.text
        await engine.close()

    asyncio.run(scenario())


# ---------------------------------------------------------------- the finder asked for inside it


@pytest.mark.parametrize("again", ["我能享受哪些政策", "m:find"])
def test_asking_for_the_finder_inside_it_goes_on_where_the_person_is(tmp_path, kb, again) -> None:
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.say("帮我看看我能领啥补贴")
        assert "（第1步" in p.text
        await p.act(next(b.action for r in p.replies for b in r.all_buttons() if b.action.startswith("a:")))
        assert "（第2步" in p.text
        if again.startswith("m:"):
            await p.act(again)
        else:
            await p.say(again)
        assert "您正在做" in p.text and "（第2步" in p.text and "重新开始" in p.text
        await p.say("重新开始")
        assert "（第1步" in p.text
        await engine.close()

    asyncio.run(scenario())


# ---------------------------------------------------------------- a topic pointer is an answer


def test_a_bare_topic_word_is_logged_as_answered_by_a_pointer(tmp_path, kb) -> None:
    """The staff's unanswered list holds what the bot could not answer: a broad word answered
    with the matching topics is not among them (answered, no clause, no confidence)."""
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.say("扶持")
        assert "您想了解哪一项" in p.text
        await engine.close()

    asyncio.run(scenario())
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        rows = conn.execute("SELECT text, answered, clause, confidence FROM events WHERE kind = 'question'").fetchall()
    assert rows == [("扶持", 1, None, None)]


# ---------------------------------------------------------------- a guessed number across a threshold


def _loan_to_staff(p: Person):
    async def go() -> None:
        await p.act("p:startup_loan")
        await p.act(p.action_of("小微企业"))
        assert "在职职工多少人" in p.text
    return go()


def test_a_guessed_headcount_across_the_rules_line_asks_for_the_exact_number(tmp_path, kb) -> None:
    """85—105 people holds the 100-staff line (25% or 15% new hires needed), decided only by
    an answer not given yet: the exact number is asked, nothing is stored."""
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await _loan_to_staff(p)
        await p.say("差不多九十五个人")
        assert "准确的数字" in p.text and "在职职工多少人" in p.text and "新招用" not in p.text
        await p.say("97")
        assert "新招用" in p.text
        await engine.close()

    asyncio.run(scenario())


def test_a_guessed_headcount_far_from_any_line_is_kept_as_approximate(tmp_path, kb) -> None:
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await _loan_to_staff(p)
        await p.say("估计有三十来个吧")  # a rough range: asked again, as always for a headcount
        assert "准确的数字" in p.text or "具体的数字" in p.text
        await p.say("大概三十个")
        assert "新招用" in p.text and "按大约30人算" in p.text
        await engine.close()

    asyncio.run(scenario())


def test_a_guessed_count_across_a_known_ratio_asks_for_the_exact_number(tmp_path, kb) -> None:
    """With 12 interns known, 大约六个 retained (5—7) straddles the 50% tier of the subsidy."""
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:internship")
        await p.act(p.action_of("接收见习人员的单位"))
        await p.act(p.action_of("是"))
        await p.say("12")
        await p.say("8")
        await p.act(p.action_of("是"))  # 见习期已满
        assert "留用" in p.text
        await p.say("大约六个人")
        assert "准确的数字" in p.text and "结果：" not in p.text
        await p.say("大约十个人")  # 9—11 of 12: above the tier whatever the exact number
        assert "结果：符合" in p.text and "按大约10人算" in p.text
        await engine.close()

    asyncio.run(scenario())


# ---------------------------------------------------------------- questions cut only by a space


@pytest.mark.parametrize(("text", "parts"), [
    ("开店贷款最多能贷多少 要不要抵押", ["开店贷款最多能贷多少", "要不要抵押"]),
    ("我厂子关门了 去哪办失业登记，失业金一个月多少", ["我厂子关门了 去哪办失业登记", "失业金一个月多少"]),
    ("培训补贴谁发的 咋领", ["培训补贴谁发的 咋领"]),  # a 2-character question joins the one before
])
def test_questions_typed_one_after_another_with_a_space_are_split(vocabulary, text, parts) -> None:
    assert Reader(vocabulary, eligibility.parse_answer).split(text) == parts


@pytest.mark.parametrize("text", ["我闺女大专毕业了 在家待着 能去见习吗", "稳岗返还 具体返多少"])
def test_statements_before_one_question_are_its_context_not_other_questions(vocabulary, text) -> None:
    assert Reader(vocabulary, eligibility.parse_answer).split(text) == [text]


def test_both_space_separated_questions_are_answered_the_second_about_the_first(tmp_path, kb) -> None:
    async def scenario() -> str:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        text = await p.say("见习一个月给多少钱 怎么报名")
        await engine.close()
        return text

    text = asyncio.run(scenario())
    assert "2件事" in text and "1000元" in text
    second = text.split("2. 问：")[1]
    assert "（第六条）" in second  # 怎么报名 has no topic of its own: about the internship clause
    assert sum(1 for line in text.splitlines() if line.startswith("详细")) == 1


# ---------------------------------------------------------------- found by probing the kinds again


@pytest.mark.parametrize(("text", "value"), [
    ("俺是来见习的", "intern"), ("我家丫头想来见习", "intern"),
    ("我们收两个见习生", "host"), ("厂里招了5名见习生", "host"),
])
def test_who_a_resident_is_in_an_internship_by_meaning(text, value) -> None:
    question = eligibility.get_program("internship").question("role")
    assert eligibility.parse_answer(question, text).value == value


def test_asking_how_many_ten_thousands_mid_questionnaire_is_a_side_question(vocabulary) -> None:
    money = eligibility.get_program("job_retention_refund").question("last_year_contribution")
    reader = Reader(vocabulary, eligibility.parse_answer)
    assert reader.read("那最后能返几万", Conversation(question=money, as_of=TODAY)).kind == "side_question"
    rough = reader.read("交了十几万吧", Conversation(question=money, as_of=TODAY))
    assert rough.kind == "answer" and rough.answer.range is not None  # a rough sum, asked again


@pytest.mark.parametrize("text", ["厂子倒闭了 一直呆在家", "工作没了", "在屋里呆着哩"])
def test_staying_at_home_after_the_job_went_says_unemployed(text) -> None:
    question = eligibility.get_program("unemployed_training").question("unemployed")
    parsed = eligibility.parse_answer(question, text)
    assert parsed.ok and parsed.value is True, parsed


@pytest.mark.parametrize(("text", "words"), [
    ("哎呀不对 是二十六", "是二十六"), ("哦，更正一下：我们厂是九个人", "我们厂是九个人"),
])
def test_an_interjection_before_a_correction_changes_nothing(vocabulary, text, words) -> None:
    found = Reader(vocabulary, eligibility.parse_answer).correction(text)
    assert found is not None and found[0] == words


def test_a_corrected_age_after_an_interjection_judges_again(tmp_path, kb) -> None:
    async def scenario() -> str:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:internship")
        await p.act(p.action_of("想参加见习的个人"))
        await p.act(p.action_of("失业青年"))
        await p.say("二十二")
        assert "结果：符合" in p.text
        text = await p.say("唉 不对 是二十七")
        await engine.close()
        return text

    text = asyncio.run(scenario())
    assert "已改正" in text and "结果：不符合" in text


def test_an_interjection_before_a_what_if_changes_nothing(vocabulary) -> None:
    assert Reader(vocabulary, eligibility.parse_answer).what_if("嗯 那要是三十个人呢") == "三十个人"


@pytest.mark.parametrize("text", ["这个得问问我们会计", "我回去查一下", "想不起来了"])
def test_needing_to_ask_someone_first_is_i_dont_know(text) -> None:
    question = eligibility.get_program("job_retention_refund").question("insured_enterprise")
    assert eligibility.parse_answer(question, text).unknown


def test_switching_to_another_policy_mid_questionnaire_in_words(tmp_path, kb) -> None:
    async def scenario() -> str:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:internship")
        text = await p.say("不弄这个了 换一个测稳岗返还")
        await engine.close()
        return text

    text = asyncio.run(scenario())
    assert "稳岗返还" in text and "（第1步" in text and "见习" not in text.split("（第1步")[1]


@pytest.mark.parametrize(("text", "value"), [
    ("学的电焊，证也拿到手了", "passed"), ("学了个厨师 证书考下来了", "passed"), ("学完了 可证没考下来", "failed"),
])
def test_how_a_training_ended_by_the_certificate(text, value) -> None:
    question = eligibility.get_program("unemployed_training").question("training")
    assert eligibility.parse_answer(question, text).value == value


@pytest.mark.parametrize(("program", "question", "text", "value"), [
    ("job_retention_refund", "layoffs", "谁都没走，人都还在", "none"),
    ("internship", "category", "一直没上班 在屋里待着", "unemployed_youth"),
    ("startup_loan", "role", "就我和我媳妇俩开的", "individual"),
    ("startup_loan", "role", "跟两个朋友合伙开的", "partnership"),
])
def test_more_ways_of_saying_an_option(program, question, text, value) -> None:
    asked = eligibility.get_program(program).question(question)
    assert eligibility.parse_answer(asked, text).value == value


@pytest.mark.parametrize(("text", "rest"), [
    ("我们是广河县的，开个小吃店能贷款不", "开个小吃店能贷款不"),
    ("俺是买家集镇的 见习一个月给多少", "见习一个月给多少"),
])
def test_saying_where_one_is_from_is_set_aside(vocabulary, text, rest) -> None:
    assert Reader(vocabulary, eligibility.parse_answer).without_introduction(text) == rest


@pytest.mark.parametrize("text", ["我是下岗的 能领啥补贴", "我在县城开饭馆 能贷多少", "我是和政的"])
def test_only_where_one_is_from_is_set_aside(vocabulary, text) -> None:
    assert Reader(vocabulary, eligibility.parse_answer).without_introduction(text) is None


def test_a_question_after_saying_where_one_is_from_is_answered(tmp_path, kb) -> None:
    """Whatever the answerer makes of the whole message: when it refuses it (here forced for
    any text with the place), the question is asked again without the introduction."""
    async def scenario() -> tuple[str, list[str]]:
        engine = await _engine(tmp_path, kb)
        original = engine.answerer.answer
        asked: list[str] = []

        def answer(text: str, **kwargs):
            asked.append(text)
            return original("今天兰州下雨吗" if "康乐县" in text else text, **kwargs)

        engine.answerer.answer = answer
        text = await Person(engine).say("你好 我是康乐县的 想问一下开个小卖部能不能贷款")
        await engine.close()
        return text, asked

    text, asked = asyncio.run(scenario())
    assert asked == ["我是康乐县的 想问一下开个小卖部能不能贷款", "想问一下开个小卖部能不能贷款"]
    assert "15万元" in text and "不能乱说" not in text


def test_an_answer_to_a_later_question_is_kept_and_the_pending_one_asked_again(tmp_path, kb) -> None:
    """The finder asks the age; "我在县上的厂里上着班" answers nothing of it, but the
    situation asked next: kept, said in one line, the age asked again."""
    async def scenario() -> str:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.say("测一测")
        await p.act(p.action_of("个人"))
        assert "多少岁" in p.text
        text = await p.say("我在县上的厂里上着班")
        await p.say("三十一")
        assert "结果" in p.text or "可能适用" in p.text or "没有找到" in p.text
        await engine.close()
        return text

    text = asyncio.run(scenario())
    assert "已记下：企业在职职工" in text and "多少岁" in text and "没看懂" not in text


def test_a_topic_named_before_the_questionnaire_is_no_yes_no_fact_when_a_later_answer_says_i(tmp_path, kb) -> None:
    """The message that led here only named the program (its words share 技能 with "证书"):
    an answer of several parts with 我 in it must not turn that name into "has a certificate"."""
    async def scenario() -> str:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.say("技能提升补贴")
        await p.say("测一测我是否符合")
        text = await p.say("对 我在一家物流公司干着哩")
        await engine.close()
        return text

    text = asyncio.run(scenario())
    assert "已记下" not in text and "有几年" in text


@pytest.mark.parametrize(("text", "intent"), [
    ("算球了 太麻烦了不想弄了", "quit"), ("我想改一下刚才那个数", "back"),
    ("你这个助手都能干些啥", "help"), ("你可以帮我做什么", "help"),
])
def test_more_ways_of_navigating(vocabulary, text, intent) -> None:
    assert Reader(vocabulary, eligibility.parse_answer).intent(text) == intent


@pytest.mark.parametrize("text", ["能贷多少", "我能领啥", "会计不在"])
def test_questions_and_answers_are_not_help(vocabulary, text) -> None:
    assert Reader(vocabulary, eligibility.parse_answer).intent(text) != "help"


def _policy_words(text: str) -> bool:
    return any(w in text for w in ("贷款", "见习", "返还", "培训", "孵化"))


@pytest.mark.parametrize(("text", "parts"), [
    ("创业贷款跟孵化基地各自找哪个部门", ["创业贷款找哪个部门", "孵化基地找哪个部门"]),
    ("见习补贴和稳岗返还分别是多少钱", ["见习补贴是多少钱", "稳岗返还是多少钱"]),
])
def test_one_question_about_two_policies_is_asked_of_each(vocabulary, text, parts) -> None:
    assert Reader(vocabulary, eligibility.parse_answer, _policy_words).split(text) == parts


@pytest.mark.parametrize("text", ["我跟我对象都没工作 能贷款吗", "见习补贴和稳岗返还我都想了解"])
def test_two_people_or_no_question_after_the_marker_is_not_split(vocabulary, text) -> None:
    assert Reader(vocabulary, eligibility.parse_answer, _policy_words).split(text) == [text]


def test_an_answer_and_a_side_question_in_one_message_are_both_taken(vocabulary) -> None:
    insured = eligibility.get_program("job_retention_refund").question("insured_enterprise")
    u = Reader(vocabulary, eligibility.parse_answer).read("一直按时交着 返的钱打到哪个账户",
                                                          Conversation(question=insured, as_of=TODAY))
    assert u.kind == "answer" and u.answer.value is True and u.parts == ("返的钱打到哪个账户",)
    alone = Reader(vocabulary, eligibility.parse_answer).read("返的钱打到哪个账户", Conversation(question=insured, as_of=TODAY))
    assert alone.kind == "side_question"


def test_the_side_question_is_answered_and_the_questionnaire_goes_on(tmp_path, kb) -> None:
    async def scenario() -> str:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:internship")
        await p.act(p.action_of("接收见习人员的单位"))
        await p.act(p.action_of("是"))
        text = await p.say("收了6个，补贴一个人一个月给多少")
        await engine.close()
        return text

    text = asyncio.run(scenario())
    assert "1000元" in text and "已记下：6人" in text and "见习几个月" in text and "回到刚才的问题" not in text


@pytest.mark.parametrize(("program", "question", "text", "value"), [
    ("returnee_startup", "rural_returnee", "在外省干了好几年 今年开春回来了", True),
    ("returnee_startup", "rural_returnee", "人还在外头打工哩", False),
    ("job_retention_refund", "insured_enterprise", "那还用说 一直交着", True),
    ("in_job_training", "difficult_enterprise", "这两年效益差得很 发不出工资", True),
])
def test_more_ways_of_saying_yes_or_no(program, question, text, value) -> None:
    asked = eligibility.get_program(program).question(question)
    parsed = eligibility.parse_answer(asked, text)
    assert parsed.ok and parsed.value is value, parsed


def test_leaving_and_asking_in_one_message_leaves_then_answers(tmp_path, kb) -> None:
    async def scenario() -> tuple[str, str]:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:job_retention_refund")
        text = await p.say("不弄了不弄了，创业贷款最多能贷多少")
        after = await p.say("是")  # no questionnaire is waiting for it any more
        await engine.close()
        return text, after

    text, after = asyncio.run(scenario())
    assert "已退出" in text and "15万元" in text and "（第" not in text
    assert "（第2步" not in after


def test_a_side_question_that_only_defers_keeps_the_questionnaire(vocabulary) -> None:
    insured = eligibility.get_program("job_retention_refund").question("insured_enterprise")
    u = Reader(vocabulary, eligibility.parse_answer).read("稍等 我先问个别的 贷款利息谁出",
                                                          Conversation(question=insured, as_of=TODAY))
    assert u.kind == "side_question" and u.intent is None


def test_two_uncovered_questions_do_not_point_to_a_details_button(tmp_path, kb) -> None:
    async def scenario() -> str:
        engine = await _engine(tmp_path, kb)
        text = await Person(engine).say("养老金一个月多少？公积金咋取出来？")
        await engine.close()
        return text

    text = asyncio.run(scenario())
    assert "2件事" in text and "详细" not in text  # no 详细 button is shown, so none is mentioned
    assert text.count("没有讲到") == 2


def test_what_about_me_with_who_i_am_lists_what_there_is_for_me(tmp_path, kb) -> None:
    async def scenario() -> str:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.say("我女子中专毕业了在家呆着 有啥政策")
        text = await p.say("那我呢 我五十了 在村里放羊")
        await engine.close()
        return text

    text = asyncio.run(scenario())
    assert "没有讲到" not in text and "1. " in text and "2. " in text


def turns(tmp_path, kb, *messages: str) -> list[str]:
    """The replies to each message of one person, in order (shared by the typed-answer tests)."""
    async def scenario() -> list[str]:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        out = [await p.say(message) for message in messages]
        await engine.close()
        return out

    return asyncio.run(scenario())


def test_and_me_while_answering_for_a_son_starts_over_for_the_person_typing(tmp_path, kb):
    # 那我自己呢 我交了四年, typed while answering for a son, is not the son's years: the
    # questionnaire starts again for the father, with his own years taken from that message.
    replies = turns(tmp_path, kb, "技能提升补贴 给我儿子测一下", "是", "那我自己呢 我交了四年")
    assert "儿子" in replies[0]
    last = replies[-1]
    assert "按您自己的情况" in last and "儿子" not in last and "4年" in last


def test_and_me_is_an_ordinary_answer_when_answering_for_oneself(tmp_path, kb):
    replies = turns(tmp_path, kb, "技能提升补贴 测一测我是否符合", "是", "那我呢")
    assert "按您自己的情况" not in replies[-1]


def test_a_question_ending_in_bu_about_something_else_is_not_the_answer_no(tmp_path, kb):
    # To "是否都属于见习对象", "见习期间要给见习的娃买保险不" asks about insurance: answered
    # aside, the same question asked again — not recorded as 否.
    replies = turns(tmp_path, kb, "见习补贴", "测一测我是否符合", "接收见习人员的单位", "见习期间要给见习的娃买保险不")
    assert "意外伤害保险" in replies[-1] and "回到刚才的问题" in replies[-1] and "见习对象" in replies[-1]
