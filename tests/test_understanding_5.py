"""What residents say about the conversation itself (issue 12 follow-through).

- thanks / ok / leaving words together close the conversation (a questionnaire is left politely);
- a broad ask (有啥好政策, 能帮我做点啥), even after saying who one is or how one types, gets
  what the bot covers, never a refusal;
- 看不懂 / 说简单些 right after an answer or a result: that answer again, short and plain;
- 我说过了 in a questionnaire: the fact from earlier in the conversation, or an apology and
  the question again; never a new question;
- 替我儿子问的: accepted, not an answer to the pending question; answers about 他/娃 count.

The sentences are this file's own (not the eval sets').
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

import eligibility
from dialog.config import Settings
from dialog.engine import Engine
from dialog.flows.questions import plain_result, plain_words
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


@pytest.fixture(scope="module")
def reader(vocabulary, kb):
    from knowledge.answer import Answerer

    return Reader(vocabulary, eligibility.parse_answer, Answerer(kb).has_own_topic)


def role_question():
    return eligibility.get_program("internship").question("role")



def asked(question) -> Conversation:
    return Conversation(question=question, as_of=TODAY)


AFTER_ANSWER = Conversation(buttons=(("测一测我是否符合", "p:internship"), ("查看原文", "o:6")), has_topic=True)


# ---------------------------------------------------------------- the reader alone


@pytest.mark.parametrize("text", ["行 谢谢你 不问了", "好嘞 多谢 再见", "知道了 没事了 拜拜", "谢谢啊，那就这样吧", "那好吧 不问了"])
def test_thanks_with_leaving_words_is_a_closing(reader, text) -> None:
    assert reader.read(text, Conversation()).kind == "closing"
    assert reader.read(text, asked(role_question())).kind == "closing"


def test_one_ambiguous_leaving_word_mid_questionnaire_is_not_a_closing(reader) -> None:
    # 没事 alone may answer the question; it takes thanks or a second word to close.
    assert reader.read("没事了", asked(eligibility.get_program("job_retention_refund").question("insured_enterprise"))).kind != "closing"


@pytest.mark.parametrize("text", ["有撒好政策没有", "我眼睛不好 叫孙子帮我打的字 你们这有啥好政策",
                                  "俺是放羊的，能帮俺做点啥", "我没念过书有什么补贴", "县上有什么扶持给俺们说说",
                                  "国家都有哪些好政策能照顾一下农民"])
def test_a_broad_ask_after_saying_who_one_is_is_an_overview(reader, text) -> None:
    u = reader.read(text, Conversation())
    assert u.kind == "overview" and u.intent is None


def test_a_broad_ask_beside_a_topic_tries_the_answer_first(reader) -> None:
    u = reader.read("我是返乡的农民工 有啥好政策", Conversation())
    assert u.kind == "overview" and u.intent == "answer_first"


def test_a_broad_ask_with_a_real_question_is_not_an_overview(reader) -> None:
    assert reader.read("有啥好政策 创业贷款利息谁出", Conversation()).kind != "overview"


@pytest.mark.parametrize("text", ["太长了看不懂", "能说得通俗点吗", "我还是没看明白", "啥意思", "没听懂您写的啥"])
def test_not_understood_right_after_an_answer_asks_for_it_plainly(reader, text) -> None:
    assert reader.read(text, AFTER_ANSWER).kind == "simpler"
    assert reader.read(text, Conversation()).kind == "navigate"  # nothing answered: help


@pytest.mark.parametrize("text", ["我早就说过了", "前面不是讲了么", "刚刚已经回答了呀"])
def test_already_said_in_a_questionnaire(reader, text) -> None:
    assert reader.read(text, asked(role_question())).kind == "already_said"


def test_already_said_with_the_answer_reads_the_answer(reader) -> None:
    u = reader.read("我说过了 单位的", asked(role_question()))
    assert u.kind == "answer" and u.answer.value == "host"


@pytest.mark.parametrize(("text", "who"), [("我是替我闺女问的", "女儿"), ("帮俺家娃打听的", "孩子"),
                                           ("问的是我侄子", "侄子"), ("给我老汉问一下", "父亲")])
def test_asking_for_someone_else_is_not_an_answer(reader, text, who) -> None:
    u = reader.read(text, asked(role_question()))
    assert u.kind == "proxy" and u.who == who
    assert reader.read(text, Conversation()).kind == "proxy"


def test_proxy_with_an_answer_reads_the_answer(reader) -> None:
    u = reader.read("替我女儿问的，她想去见习", asked(role_question()))
    assert u.kind == "answer" and u.answer.value == "intern" and u.who == "女儿"


def test_help_me_ask_names_no_one(reader) -> None:
    assert reader.read("帮我问一下", Conversation()).kind != "proxy"


def test_not_me_but_my_son_is_a_proxy(reader) -> None:
    u = reader.read("不是我自己，是我儿子", asked(role_question()))
    assert u.kind == "proxy" and u.who == "儿子"


def test_testing_for_someone_outside_a_questionnaire_starts_the_test(reader) -> None:
    assert reader.read("给我姑娘测一下", Conversation()).intent == "test_topic"


def test_third_person_words_must_be_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "understanding.yaml"
    path.write_text("third_person:\n  starts: [替]\n  who: [儿子, 娃=]\n  ends: [问的]\n"
                    "already_said: ['(说']\n", encoding="utf-8")
    vocabulary, problems = check_vocabulary(path)
    assert vocabulary is None
    lines = {p.line for p in problems}
    assert 3 in lines and 5 in lines


def test_plain_words_drop_asides_and_keep_the_first_clause() -> None:
    line = "最高5万元（合伙的可以多贷），由银行发放；贴息按规定执行。"
    assert plain_words(line) == "最高5万元，由银行发放。"
    assert len(plain_words("每人" + "很长的话，" * 30)) <= 71


def test_plain_result_keeps_the_verdict_and_the_amount() -> None:
    text = ("【某补贴】\n结果：符合（按2026年1月1日的规定判断）\n某补贴：每人每月800元（另有说明），发给单位；其余略\n"
            "√ 条件一\n联系：12333")
    assert plain_result(text) == "结果：符合。\n某补贴：每人每月800元，发给单位。"


# ---------------------------------------------------------------- whole turns


class Person:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.replies: list[Reply] = []

    async def say(self, text: str) -> None:
        self.replies = await self.engine.handle(Incoming("web", "u5", text))

    @property
    def text(self) -> str:
        return "\n".join([r.text for r in self.replies] + [b.label for r in self.replies for b in r.all_buttons()])


def chat(tmp_path: Path, kb, *messages: str) -> list[str]:
    """The replies' text (with button labels) to each message, in order."""
    async def scenario() -> list[str]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"), kb=kb, today=lambda: TODAY)
        person = Person(engine)
        out = []
        for message in messages:
            await person.say(message)
            out.append(person.text)
        await engine.close()
        return out

    return asyncio.run(scenario())


def test_a_closing_is_not_a_question(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "行 谢谢你 不问了")[-1]
    assert "不客气" in last and "不能乱说" not in last and "依据" not in last


def test_a_closing_mid_questionnaire_leaves_it_politely(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "稳岗返还", "测一测我是否符合", "好嘞 多谢 再见", "是")
    assert "已退出" in replies[2] and "不客气" in replies[2] and "第1步" not in replies[2]
    assert "第2步" not in replies[3]  # the questionnaire is gone: 是 is not its answer


def test_a_broad_ask_gets_the_overview_and_the_finder(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "我眼睛不好 叫孙子帮我打的字 你们这有啥好政策")[-1]
    assert "不能乱说" not in last
    assert "测一测我能享受哪些政策" in last and "创业担保贷款" in last and "见习" in last


def test_a_broad_ask_mid_questionnaire_comes_back_to_the_question(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "还有撒好政策")[-1]
    assert "创业担保贷款" in last and "回到刚才的问题" in last and "第1步" in last


def test_simpler_after_an_answer_says_its_first_line_plainly(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "开个小店能贷多少款", "能说得通俗点吗")
    assert "15万" in replies[1] and "原文" not in replies[1] and "依据" not in replies[1]
    assert len(replies[1]) < len(replies[0]) / 2


def test_simpler_after_a_result_says_the_verdict(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "失业青年", "二十一", "太长了看不懂")
    assert "结果：符合" in replies[-1] and "1000元" in replies[-1] and "√" not in replies[-1]


def test_already_said_uses_what_the_leading_message_said(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "单位里一直在交失业保险 稳岗返还能返多少", "测一测我是否符合", "前面不是讲了么")[-1]
    assert "您前面说过" in last and "第2步" in last and "裁员" in last


def test_already_said_with_nothing_to_find_apologises_and_asks_again(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "我早就说过了")[-1]
    assert "对不起" in last and "第2步" in last and "依据" not in last and "不能乱说" not in last


def test_a_fact_said_too_early_is_used_when_its_question_comes(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "想参加见习的个人", "我娃今年十九岁", "失业青年")
    assert "19岁" in replies[-1] and "多少岁" not in replies[-1]


def test_asking_for_a_son_is_accepted_and_answers_about_him_count(tmp_path, kb) -> None:
    replies = chat(tmp_path, kb, "见习补贴", "测一测我是否符合", "我是替我儿子问的", "想参加见习的个人", "他没工作",
                   "他今年二十")
    assert "按您儿子的情况" in replies[2] and "第1步" in replies[2] and "第2步" not in replies[2]
    assert "结果：符合" in replies[-1]


def test_asking_for_someone_before_a_questionnaire(tmp_path, kb) -> None:
    last = chat(tmp_path, kb, "帮俺家娃打听的")[-1]
    assert "孩子" in last and "不能乱说" not in last and "测一测我能享受哪些政策" in last
