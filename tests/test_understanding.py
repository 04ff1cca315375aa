"""The understanding step: what a typed message means, read in the context of the conversation.

Each kind of message residents type has its own sentences here (not the eval sets'): the reader
is tested alone (fast, exact kinds), and whole turns through the engine check that the flows
act on what was understood.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

import eligibility
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming, Reply
from dialog.understanding import (
    Conversation,
    Reader,
    check_vocabulary,
    facts_from_text,
    load_vocabulary,
)
from dialog.understanding.normalize import bare, prepare
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


def reader(vocabulary, own_topic=lambda text: True) -> Reader:
    return Reader(vocabulary, eligibility.parse_answer, own_topic)


def yes_no_question():
    return eligibility.get_program("job_retention_refund").question("insured_enterprise")


# ---------------------------------------------------------------- normalising


def test_prepare_folds_full_width_and_drops_invisible_characters() -> None:
    assert prepare("见习\u200b补贴\x02多少钱？ ") == "见习补贴多少钱?"
    assert prepare("１．５ｗ") == "1.5w"
    assert bare("返回 菜单！！") == "返回菜单"
    assert bare("😂😂") == ""


# ---------------------------------------------------------------- navigation


@pytest.mark.parametrize(("text", "intent"), [
    ("不填了", "quit"), ("取消吧", "quit"), ("结束！", "quit"), ("算了 不测了", "quit"),
    ("回主菜单", "menu"), ("主菜单。", "menu"), ("不领了 再见", "quit"),
    ("选错了", "back"), ("上一题", "back"), ("哎呀按错了 回到上一个", "back"),
    ("重来", "restart"), ("从头开始吧", "restart"), ("还是从头重新答吧", "restart"),
    ("咨询电话", "contacts"), ("都有啥政策", "list"),
    ("删掉我的记录", "forget"),
    ("测一下吧", "test_topic"), ("帮我算算", "test_topic"),
    ("我想查一下我能领什么补贴", "finder"),
])
def test_navigation_in_any_wording(vocabulary, text, intent) -> None:
    assert reader(vocabulary).intent(text) == intent


@pytest.mark.parametrize("text", ["州上的人社局在哪儿 怎么走", "劳动局几点上班", "人社局电话号码多少", "办公时间是啥 就业局的"])
def test_where_and_when_the_bureau_is_open_shows_the_contacts(vocabulary, text) -> None:
    assert reader(vocabulary).intent(text) == "contacts"


@pytest.mark.parametrize("text", ["人社局在哪申请创业贷款", "在县人社局哪个窗口登记", "就业局在哪报名见习"])
def test_a_policy_question_naming_the_bureau_is_not_contacts(vocabulary, text) -> None:
    assert reader(vocabulary).intent(text) is None


def test_praise_is_thanks_not_a_question(vocabulary) -> None:
    u = reader(vocabulary).read("谢了 这个东西真好用", Conversation())
    assert u.kind in ("thanks", "closing")


def test_sorry_to_trouble_you_is_thanks(vocabulary) -> None:
    u = reader(vocabulary).read("行 麻烦您了", Conversation())
    assert u.kind in ("thanks", "closing")


@pytest.mark.parametrize("text", ["不想", "没有", "好的", "交了", "算了一下一共三万"])
def test_answers_and_statements_are_not_navigation(vocabulary, text) -> None:
    assert reader(vocabulary).intent(text) is None


def test_navigation_wins_over_the_pending_question(vocabulary) -> None:
    conv = Conversation(question=yes_no_question(), as_of=TODAY)
    u = reader(vocabulary).read("不弄了", conv)
    assert (u.kind, u.intent) == ("navigate", "quit")


def test_a_label_of_any_button_works_when_typed(vocabulary) -> None:
    conv = Conversation(labels={"查看原文": "o:6"})
    u = reader(vocabulary).read("查看 原文！", conv)
    assert (u.kind, u.action) == ("button", "o:6")


def test_a_numbered_option_presses_it_unless_a_number_is_awaited(vocabulary) -> None:
    buttons = (("是", "a:0"), ("否", "a:1"))
    u = reader(vocabulary).read("2", Conversation(buttons=buttons, numbered=True))
    assert (u.kind, u.action) == ("button", "a:1")
    u = reader(vocabulary).read("2", Conversation(buttons=buttons, numbered=True, awaiting_number=True))
    assert u.kind == "number"


# ---------------------------------------------------------------- inside a questionnaire


@pytest.mark.parametrize("text", ["这个补贴有没有名额限制", "要交多少钱才行?", "申请的话要带啥材料"])
def test_a_question_in_a_questionnaire_is_a_side_question(vocabulary, text) -> None:
    u = reader(vocabulary).read(text, Conversation(question=yes_no_question(), as_of=TODAY))
    assert u.kind == "side_question"


@pytest.mark.parametrize(("text", "value"), [("是的", True), ("没有", False), ("有", True)])
def test_plain_answers_are_answers(vocabulary, text, value) -> None:
    u = reader(vocabulary).read(text, Conversation(question=yes_no_question(), as_of=TODAY))
    assert u.kind == "answer" and u.answer.value is value


def test_dont_know_is_an_answer_even_with_a_question_word(vocabulary) -> None:
    u = reader(vocabulary).read("我也不知道有没有", Conversation(question=yes_no_question(), as_of=TODAY))
    assert u.kind == "answer" and u.answer.unknown


def test_a_statement_in_a_questionnaire_is_never_answered_from_the_document(vocabulary) -> None:
    """No question form, not readable as an answer: the question is asked again with a hint."""
    u = reader(vocabulary, own_topic=lambda t: True).read("我在县城开了个面馆子",
                                                           Conversation(question=yes_no_question(), as_of=TODAY))
    assert u.kind == "unclear_answer"


def test_an_unreadable_answer_keeps_the_hint(vocabulary) -> None:
    u = reader(vocabulary, own_topic=lambda t: False).read("绿色", Conversation(question=yes_no_question(), as_of=TODAY))
    assert u.kind == "unclear_answer" and u.answer.error


# ---------------------------------------------------------------- outside a questionnaire


@pytest.mark.parametrize(("text", "kind"), [
    ("👍👍", "non_question"), ("。。。", "non_question"), ("嗯", "non_question"), ("俺", "non_question"),
    ("您好！", "greeting"), ("你好 我想问个事", "greeting"), ("喂喂 有人吗", "greeting"),
    ("谢谢啊", "thanks"), ("好嘞 谢谢老师", "thanks"), ("知道了 辛苦了啊", "thanks"),
    ("我有个事情想问问", "non_question"), ("那个 我想咨询一下", "non_question"),
    ("what is this", "foreign"), ("chuang ye dai kuan", "foreign"),
    ("贷款", "topic_word"), ("补助", "topic_word"),
    ("15", "number"),
])
def test_what_is_not_a_question(vocabulary, text, kind) -> None:
    assert reader(vocabulary).read(text, Conversation()).kind == kind


def test_a_greeting_with_a_question_is_the_question(vocabulary) -> None:
    u = reader(vocabulary).read("你好，创业担保贷款找谁办", Conversation())
    assert u.kind == "question"


def test_several_questions_in_one_message_are_split(vocabulary) -> None:
    u = reader(vocabulary).read("稳岗返还有多少？还有 技能提升补贴要什么证书", Conversation())
    assert u.kind == "multi"
    assert len(u.parts) == 2 and "稳岗返还" in u.parts[0] and "证书" in u.parts[1]


def test_one_question_with_a_pause_is_not_split(vocabulary) -> None:
    u = reader(vocabulary).read("我在外地打工，回来开店能贷款吗", Conversation())
    assert u.kind == "question"


def test_a_follow_up_needs_a_topic_and_no_topic_of_its_own(vocabulary) -> None:
    no_topic = reader(vocabulary, own_topic=lambda t: False)
    assert no_topic.read("找谁办呢", Conversation(has_topic=True)).kind == "follow_up"
    assert no_topic.read("找谁办呢", Conversation(has_topic=False)).kind == "question"
    own = reader(vocabulary, own_topic=lambda t: True)
    assert own.read("创业贷款找谁办呢", Conversation(has_topic=True)).kind == "question"


# ---------------------------------------------------------------- facts given before a questionnaire


def test_facts_in_the_leading_message_prefill_the_questionnaire() -> None:
    program = eligibility.get_program("internship")
    found = facts_from_text(program, "我娃十八了，一直没工作在家闲着", {"role": "intern"},
                            eligibility.parse_answer, as_of=TODAY)
    # 没工作: stated_facts.yaml. Being out of work does not say one holds no diploma: the category
    # is asked (Question.prefill_not); the age it would open is still read
    assert found == {"status": "idle", "age": 18}


def test_an_age_behind_a_condition_on_an_unasked_branch_waits() -> None:
    """age_vocational is asked after poor_area, which is asked only after the category 中职: an
    age said before the category is answered belongs to neither yet."""
    program = eligibility.get_program("internship")
    found = facts_from_text(program, "我26岁 待业在家", {"role": "intern"}, eligibility.parse_answer, as_of=TODAY)
    assert found == {"status": "idle", "age": 26}


def test_a_statement_never_prefills_a_yes_no_question() -> None:
    program = eligibility.get_program("job_retention_refund")
    assert "insured" not in facts_from_text(program, "我们厂交了失业保险", {}, eligibility.parse_answer, as_of=TODAY)


def test_what_someone_was_told_or_has_done_is_never_prefilled() -> None:
    """A wish to borrow (想贷款 能贷多少) is not "the office told me I can apply", and new hires
    are not signed contracts: those questions (prefill=False) are always asked."""
    program = eligibility.get_program("startup_loan")
    found = facts_from_text(program, "我自己开了个小面馆 想贷点款 可以贷多少", {}, eligibility.parse_answer,
                            as_of=TODAY, personal_markers=("我",))
    assert found.get("role") == "individual" and "office_answer" not in found
    boss = facts_from_text(program, "我们厂今年新招了些人 都签了合同", {"role": "enterprise"},
                           eligibility.parse_answer, as_of=TODAY, personal_markers=("我",))
    assert "contracts" not in boss
    assert all(q.prefill for q in program.questions if q.id not in {"office_answer", "contracts"})


# ---------------------------------------------------------------- the vocabulary file


def test_the_shipped_vocabulary_is_valid() -> None:
    vocabulary, problems = check_vocabulary()
    assert problems == [] and vocabulary is not None


def test_vocabulary_problems_name_their_line_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "understanding.yaml"
    path.write_text(
        "intents:\n"
        "  quit:\n"
        "    exact: [算了, 不测了]\n"
        "  menu:\n"
        "    exact: [菜单, 算了]\n"
        "  leave:\n"
        "    exact: [走了]\n"
        "  back:\n"
        "    patterns: ['(上一']\n", encoding="utf-8")
    vocabulary, problems = check_vocabulary(path)
    assert vocabulary is None
    by_line = {p.line: p.message for p in problems}
    assert "同时写在了" in by_line[5]  # 算了 under quit and menu
    assert "不认识的意图" in by_line[6]
    assert "正则表达式" in by_line[9]


# ---------------------------------------------------------------- whole turns through the engine


class Person:
    def __init__(self, engine: Engine, user: str = "p1") -> None:
        self.engine, self.user = engine, user
        self.replies: list[Reply] = []

    async def say(self, text: str) -> str:
        self.replies = await self.engine.handle(Incoming("web", self.user, text))
        return self.text

    @property
    def text(self) -> str:
        return "\n".join([r.text for r in self.replies] + [b.label for r in self.replies for b in r.all_buttons()])


def chat(tmp_path: Path, kb, *messages: str) -> str:
    async def scenario() -> str:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"), kb=kb, today=lambda: TODAY)
        person = Person(engine)
        for message in messages:
            await person.say(message)
        await engine.close()
        return person.text

    return asyncio.run(scenario())


def test_quitting_in_words_leaves_without_a_verdict(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "稳岗返还", "测一测我是否符合", "不填了")
    assert "已退出" in text and "不符合" not in text and "问政策" in text


def test_menu_typed_mid_questionnaire_leaves_it(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "回主菜单")
    assert "问政策" in text and "第2步" not in text


def test_a_side_question_is_answered_and_the_question_asked_again(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "稳岗返还", "测一测我是否符合", "返还的钱打到哪个账户呢")
    assert "回到刚才的问题" in text and "（第1步" in text


def test_menu_labels_work_as_the_first_message(tmp_path, kb) -> None:
    assert "12333" in chat(tmp_path, kb, "联系方式")
    assert "请选择要看的部分" in chat(tmp_path, kb, "政策清单")


def test_test_typed_after_an_answer_starts_that_programs_questionnaire(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "创业担保贷款能贷多少", "那测一下")
    assert "创业担保贷款" in text and "第1步" in text


def test_test_typed_with_no_topic_starts_the_finder(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "测一下")
    assert "第1步" in text and "个人" in text


def test_non_questions_get_a_helping_hand(tmp_path, kb) -> None:
    for message in ("🙏", "?!", "俺"):
        text = chat(tmp_path, kb, message)
        assert "问政策" in text and "不能乱说" not in text and "依据" not in text


def test_a_bare_topic_word_offers_topics(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "补助")
    assert "不能乱说" not in text and "您想了解哪一项" in text


def test_more_with_nothing_waiting_says_so(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "更多")
    assert "没有更多内容" in text and "依据" not in text


def test_english_gets_a_chinese_reply(tmp_path, kb) -> None:
    assert "中文" in chat(tmp_path, kb, "how can I get a loan")


def test_two_questions_are_both_answered(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "见习补贴一个月多少钱？另外 稳岗返还按多少返")
    assert "1000" in text and "60%" in text


def test_facts_said_before_are_not_asked_again(tmp_path, kb) -> None:
    """The headcount applies only once "enterprise" is answered: it is taken then, not asked
    (我们单位 answers 以哪种方式创业 itself: a unit borrows as the small firm)."""
    text = chat(tmp_path, kb, "我们单位有四十五个人，能贷款吗", "测一测我是否符合")
    assert "已记下：小微企业；45人" in text
    assert "现有在职职工多少人" not in text and "以哪种方式创业" not in text and "新招用" in text
    text = chat(tmp_path / "b", kb, "我们有四十五个人，能贷款吗", "测一测我是否符合", "小微企业")
    assert "已记下：45人" in text and "现有在职职工多少人" not in text


def test_a_number_said_once_settles_one_question() -> None:
    program = eligibility.get_program("startup_loan")
    found = facts_from_text(program, "四十五个人", {"role": "enterprise"}, eligibility.parse_answer, as_of=TODAY)
    assert found == {"staff": 45}


def test_a_hedged_answer_is_marked_under_the_verdict(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "技能提升补贴", "测一测我是否符合", "是", "6", "估计有吧")
    lines = text.split("\n")
    verdict = next(i for i, line in enumerate(lines) if line.startswith("结果："))
    assert lines[verdict + 1].startswith("※") and "不太确定" in lines[verdict + 1]


def test_a_rough_age_is_settled_only_when_the_whole_range_gives_one_result(tmp_path, kb) -> None:
    inside = chat(tmp_path / "a", kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "失业青年", "十八九岁")
    assert "结果都一样" in inside and "结果：符合" in inside
    across = chat(tmp_path / "b", kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "失业青年", "二十来岁")
    assert "结果：" not in across and "（第3步" in across


def test_a_rough_headcount_always_asks_for_the_number(tmp_path, kb) -> None:
    """A headcount multiplies into the amount: a range is never settled for it."""
    text = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "接收见习人员的单位", "是", "七八个吧")
    assert "结果：" not in text and "接收了几名见习人员" in text


def test_a_birth_year_near_a_limit_is_asked_again(tmp_path, kb) -> None:
    """Born 2001, judged in late 2026: 24 or 25 周岁 — one side of the 16—24 limit each."""
    text = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "失业青年", "我是01年出生的")
    assert "结果：" not in text and "周岁" in text


def test_a_follow_up_is_answered_about_the_last_topic(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "创业担保贷款最多贷多少", "那找谁办呢")
    first = text.split("\n")[0]
    assert "人社" in first and "依据：临州府发〔2019〕3号 第五条" in text


# ---------------------------------------------------------------- corrections, switching, explaining


def test_a_correction_changes_the_earlier_answer_it_names(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "接收见习人员的单位", "是", "6",
                "不对，我刚才说错了 是8个人")
    assert "已改正" in text and "8人" in text and "每人见习几个月" in text


def test_a_no_with_a_reason_is_an_answer_not_a_correction(tmp_path, kb) -> None:
    """“不是 …” whose words answer no earlier question is the answer to the current one."""
    text = chat(tmp_path, kb, "稳岗返还", "测一测我是否符合", "不是 我们没交过")
    assert "已改正" not in text and "结果：" in text


def test_back_right_after_a_result_reopens_the_questionnaire(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "失业青年", "26", "上一步")
    assert "您今年多少岁" in text and "没有正在做的测评" not in text


def test_a_correction_right_after_the_finder_result_reopens_it(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "测一测我能享受哪些政策", "单位", "不对 我是个人")
    assert "已改正" in text and "您今年多少岁" in text


def test_test_with_a_policy_name_starts_that_questionnaire(tmp_path, kb) -> None:
    assert "「稳岗返还」" in chat(tmp_path / "a", kb, "帮我测一下稳岗返还")
    assert "「技术技能提升补贴」" in chat(tmp_path / "b", kb, "技能提升补贴能不能测测")


def test_naming_another_policy_to_test_switches_questionnaires(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "接收见习人员的单位", "是",
                "另外创业担保贷款也帮我算算")
    assert "「创业担保贷款」" in text and "（第1步" in text


@pytest.mark.parametrize("message", ["？？", "这是啥意思", "听不懂"])
def test_what_a_question_means_is_explained_and_nothing_is_stored(tmp_path, kb, message) -> None:
    text = chat(tmp_path, kb, "稳岗返还", "测一测我是否符合", message)
    assert "（第1步" in text and "请回答“是”或“否”" in text and "不清楚”估算" not in text


def test_a_phone_question_shows_the_contacts(tmp_path, kb) -> None:
    assert "12333" in chat(tmp_path, kb, "你们的电话是多少")


def test_a_bare_yes_after_an_answer_gets_the_menu(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "见习补贴每月多少", "对的")
    assert "问政策" in text and "依据" not in text


def test_a_connector_inside_a_question_does_not_split_it(vocabulary) -> None:
    assert reader(vocabulary).read("公益性岗位今年还有空缺没", Conversation()).kind == "question"


def test_the_words_of_a_question_never_prefill_an_answer(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "开个修车铺能申请贷款不", "测一测我是否符合")
    assert "已记下" not in text


def test_facts_from_statements_fill_yes_no_choice_and_money(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "我们公司去年失业保险交了3.5w，一个人也没裁，能返多少", "测一测我是否符合")
    assert "已记下" in text and "35000元" in text and "21000元" in text


def test_a_what_if_right_after_a_result_judges_again(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "失业青年", "18", "那假如他二十六了呢")
    assert "重新估算" in text and "26岁" in text and "结果：不符合" in text


def test_a_what_if_about_nothing_asked_is_an_ordinary_question(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "失业青年", "18", "要是下雨呢")
    assert "重新估算" not in text


# ---------------------------------------------------------------- what must never change an answer


def test_ok_after_a_result_changes_nothing(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "返乡创业", "测一测我是否符合", "否", "那好吧")
    assert "重新估算" not in text and "已改正" not in text


@pytest.mark.parametrize("message", ["不对，没打算", "不对 还没想好"])
def test_a_no_that_starts_like_a_correction_answers_the_current_question(tmp_path, kb, message) -> None:
    text = chat(tmp_path, kb, "返乡创业", "测一测我是否符合", "是", message)
    assert "已改正" not in text and "结果：不符合" in text


def test_a_question_saying_i_dont_know_is_a_side_question(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "稳岗返还", "测一测我是否符合", "我不知道啥叫参加失业保险，能说说吗")
    assert "回到刚才的问题" in text and "（第1步" in text


def test_loose_navigation_words_inside_an_answer_are_the_answer(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "失业青年", "算一下应该是22岁吧")
    assert "结果：" in text and "22岁" in text


def test_asking_how_something_is_computed_is_a_question_not_a_test(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "稳岗返还的钱是怎么测算的")
    assert "（第1步" not in text and "依据" in text


@pytest.mark.parametrize(("yaml_text", "line", "words"), [
    ("intents:\n  quit:\n    contains: ['！']\n", 3, "是空的"),
    ("intents:\n  back:\n    patterns: ['(上一步)?']\n", 3, "空消息"),
    ("corrections:\n  starts: 不对\n", 2, "应该是一个列表"),
    ("what_if:\n  ends: [呢]\n  middles: [呀]\n", 3, "不认识"),
])
def test_vocabulary_mistakes_that_would_match_every_message_are_refused(tmp_path, yaml_text, line, words) -> None:
    path = tmp_path / "understanding.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    vocabulary, problems = check_vocabulary(path)
    assert vocabulary is None and any(p.line == line and words in p.message for p in problems), problems


def test_an_answer_of_several_parts_answers_the_next_question_too(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "稳岗返还", "测一测我是否符合", "一直交着呢，今年一个都没辞过")
    assert "已记下：没有裁员" in text and "失业保险费是多少元" in text


def test_a_pointer_to_the_last_topic_is_a_follow_up(vocabulary) -> None:
    u = reader(vocabulary, own_topic=lambda t: True).read("这项补贴现在还能领吗", Conversation(has_topic=True))
    assert u.kind == "follow_up" and "这项补贴" not in u.text


def test_the_previous_step_in_a_sentence_is_not_a_number(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "稳岗返还", "测一测我是否符合", "是", "没有裁员", "哎 上一个我点错了")
    assert "（第2步" in text and "已改正" not in text


def test_test_me_with_no_policy_named_means_the_last_topic(tmp_path, kb) -> None:
    text = chat(tmp_path, kb, "创业担保贷款最多贷多少", "那帮我算一下能贷不")
    assert "「创业担保贷款」" in text and "（第1步" in text


def test_asking_for_the_list_in_a_sentence_shows_the_list(tmp_path, kb) -> None:
    assert "请选择要看的部分" in chat(tmp_path, kb, "咱们这儿一共有哪些政策 列一下")


@pytest.mark.parametrize("typed", ["、help", "、 menu", "\\cancel"])
def test_the_chinese_keyboards_slash_key_starts_a_command(vocabulary, typed) -> None:
    u = reader(vocabulary).read(typed, Conversation())
    assert u.kind == "command" and u.text.startswith("/")


def test_a_questionnaire_about_a_family_member_says_so_before_the_first_question(tmp_path, kb) -> None:
    """俺家丫头 …: the questions are about the daughter (丫头 → 女儿), said once, before them."""
    text = chat(tmp_path, kb, "俺家丫头大学毕业一年了 还没找上工作 能见习不", "测一测我是否符合")
    assert "下面的问题按您女儿的情况回答" in text
    assert text.index("女儿的情况") < text.index("第")  # before the first numbered step
    mine = chat(tmp_path / "me", kb, "我大学毕业一年了 还没找上工作 能见习不", "测一测我是否符合")
    assert "的情况回答" not in mine


def test_leaving_with_a_reason_leaves_the_questionnaire(tmp_path, kb) -> None:
    """算了 + why (我回去问问会计): the questionnaire is left; the reason is not read as an answer."""
    text = chat(tmp_path, kb, "技能提升补贴", "测一测我是否符合", "算了 我回头问问厂里管社保的")
    assert "已退出测评" in text and "已记下" not in text.split("测一测我是否符合")[-1]


def test_a_statement_about_the_person_after_a_follow_up_is_its_context(tmp_path, kb) -> None:
    """"那我娃呢 他二十岁" is one follow-up (the age is context), not two questions."""
    text = chat(tmp_path, kb, "见习补贴一个月多少", "那我娃呢 她十九岁")
    last = text.split("那我娃呢")[-1] if "那我娃呢" in text else text
    assert "您问了2件事" not in text and "19岁在16—24岁之内" in last


def test_a_few_of_a_group_is_a_statement_and_多钱_asks(tmp_path, kb) -> None:
    """我们几个 / 朋友几个 is "a few of us" (an answer, not a question: 几 after a group); 多钱 asks
    a sum like 多少钱, so two space-separated questions are both answered."""
    text = chat(tmp_path, kb, "创业担保贷款", "测一测我是否符合", "我跟朋友几个合着干")
    assert "第2步" in text.split("我跟朋友几个合着干")[-1]  # taken as the answer, the next step asked
    both = chat(tmp_path / "b", kb, "见习补贴给多钱 贷款个人最多贷多少")
    assert "1000元" in both and "15万" in both


def test_a_yes_with_an_ok_word_in_a_questionnaire_is_an_answer_not_a_goodbye(tmp_path, kb) -> None:
    """对 就这样 answers 是 (对 is a yes); only thanks + leaving words close a questionnaire."""
    text = chat(tmp_path, kb, "技能提升补贴", "测一测我是否符合", "对 就这样")
    assert "已退出测评" not in text


@pytest.mark.parametrize("text", [
    "厂里去年辞退了几个人，也没辞退多少，今年稳岗的钱还能返不",  # 几 / 多少 that do not ask
    "我正在领失业金呢 培训的生活费还能拿不",  # 正在…呢 is something going on
    "要是哪天工地停了 工人能领失业金不",  # 要是哪天: if some day
    "下岗了想学点啥 政府给不给出培训费",  # 想学点啥: want to learn something
])
def test_statements_before_a_question_are_its_context_not_questions(vocabulary, text) -> None:
    u = reader(vocabulary).read(text, Conversation())
    assert u.kind == "question", u.parts


def test_a_statement_between_two_questions_goes_with_the_one_after_it(vocabulary) -> None:
    u = reader(vocabulary).read("见习补贴一个月多少？厂子今年效益不好。稳岗的钱还能返不？", Conversation())
    assert u.kind == "multi" and len(u.parts) == 2
    assert "效益" in u.parts[1] and "效益" not in u.parts[0]


def test_hai_you_mei_you_is_a_question_not_a_connector(vocabulary) -> None:
    u = reader(vocabulary).read("培训能补多少钱？我是零就业家庭，还有没有别的补助？", Conversation())
    assert u.kind == "multi" and len(u.parts) == 2
    assert "还有没有" in u.parts[1] and "零就业" in u.parts[1]


@pytest.mark.parametrize(("text", "rest"), [("不是三万 是三千", "三千"), ("不是十二个，是二十个", "二十个"),
                                            ("不是2万 而是2千块", "2千块")])
def test_not_this_number_but_that_one_is_a_correction(vocabulary, text, rest) -> None:
    assert reader(vocabulary).correction(text) == (rest, False)


def test_not_me_but_my_son_is_not_a_number_correction(vocabulary) -> None:
    assert reader(vocabulary).correction("不是我 是我儿子") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("我们是个孵化基地 想问问补助", {}),  # who they are, not that they were recognised (第九条第（二）项)
    ("我们园区去年评上了县级示范基地", {"recognised_base": True}),
    ("我们基地还没认定呢", {"recognised_base": False}),
])
def test_a_base_is_recognised_only_when_it_says_so(text, expected):
    program = eligibility.get_program("incubation_base")
    found = facts_from_text(program, text, {"role": "base"}, eligibility.parse_answer, as_of=date(2026, 11, 29),
                            personal_markers=("我", "我们"))
    assert {k: v for k, v in found.items() if k == "recognised_base"} == expected


@pytest.mark.parametrize(("text", "action"), [("第一个", "pf:a"), ("头一个", "pf:a"), ("第2项", "pf:b"), ("第三个", "m:menu")])
def test_an_option_picked_by_its_place_on_a_numbered_channel(vocabulary, text, action) -> None:
    conv = Conversation(buttons=(("测一测：创业担保贷款", "pf:a"), ("测一测：失业登记与就业援助", "pf:b"),
                                 ("返回菜单", "m:menu")), numbered=True)
    u = reader(vocabulary).read(text, conv)
    assert (u.kind, u.action) == ("button", action)


def test_a_test_button_typed_without_its_prefix(vocabulary) -> None:
    conv = Conversation(buttons=(("测一测：创业担保贷款", "pf:a"), ("测一测：失业登记与就业援助", "pf:b")))
    u = reader(vocabulary).read("失业登记与就业援助", conv)
    assert (u.kind, u.action) == ("button", "pf:b")
    # named options are picked by their place too (第二个 is the second listed), but only places that exist
    assert (reader(vocabulary).read("第一个", conv).action, reader(vocabulary).read("第二个", conv).action) == ("pf:a", "pf:b")
    assert reader(vocabulary).read("第三个", conv).kind != "button"


@pytest.mark.parametrize("text", ["人社局在哪 公益岗咋报", "劳动局在哪 稳岗的钱咋还没到", "办公时间去劳动局能办就业证吗",
                                  "电话打给人社局没人接 社保断了咋补"])
def test_a_question_after_the_bureau_is_not_only_contacts(vocabulary, text) -> None:
    assert reader(vocabulary).intent(text) != "contacts"


@pytest.mark.parametrize("text, article", [("第三条", "s:3"), ("第二条讲的啥", "s:2")])
def test_a_clause_number_is_not_a_place_in_the_list(vocabulary, text, article) -> None:
    """第三条 is article 三 of the document, not the third line of a list that starts with 前言."""
    conv = Conversation(buttons=(("前言", "c:0"), ("一、扩大就业", "s:1"), ("二、有序转移", "s:2"), ("三、强化培训", "s:3")),
                        numbered=True)
    u = reader(vocabulary).read(text, conv)
    assert (u.kind, u.action) == ("button", article)


@pytest.mark.parametrize("text", ["俺在青海挖虫草呢 家里人想去扶贫车间干活 招人不", "我正拿着失业金呢 培训的生活费补贴能一起领不"])
def test_something_going_on_said_before_a_question_is_its_context(vocabulary, text) -> None:
    # 在…呢 / 正…着…呢 tell what is going on; the question is the rest, asked as one.
    u = reader(vocabulary).read(text, Conversation())
    assert u.kind != "multi"


@pytest.mark.parametrize("message, thanked", [
    ("好的 明白了 我回去跟家里商量商量", True),
    ("行 知道了 我去问问", True),
    ("好的 见习补贴咋申请", False),   # a question after the thanks
    ("好的 我想贷款开个店", False),   # no plan: read as usual
])
def test_thanks_then_a_plan_is_no_question(vocabulary, message, thanked) -> None:
    kind = reader(vocabulary).read(message, Conversation()).kind
    assert (kind == "thanks") is thanked
