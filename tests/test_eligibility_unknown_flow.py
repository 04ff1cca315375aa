"""不知道 to a condition a program's questionnaire starts with (在职职工吗, 参保了吗): asked once
more, politely, with why it matters and how to find out; a second 不清楚 goes on to the other
questions, and the result marks that condition 待核实 instead of stopping at 未回答."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming, Reply
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


class Person:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.replies: list[Reply] = []

    async def say(self, text: str) -> str:
        self.replies = await self.engine.handle(Incoming("web", "u1", text))
        return self.text

    async def act(self, action: str) -> str:
        self.replies = await self.engine.handle(Incoming("web", "u1", "", action=action, kind="button"))
        return self.text

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)


async def _engine(tmp_path: Path, kb) -> Engine:
    return await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"), kb=kb, today=lambda: TODAY)


def test_a_worker_not_sure_of_being_employed_is_asked_once_more_then_the_test_goes_on(tmp_path: Path, kb) -> None:
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:skills_upgrade_subsidy")
        assert "在职职工" in p.text
        await p.say("我也不知道")
        assert "结果：" not in p.text and "在职职工" in p.text  # the same question, once more
        assert "再回答一次" in p.text and "劳动合同" in p.text  # why / how to find out
        await p.say("不清楚")
        assert "结果：" not in p.text and "参加失业保险" in p.text  # went on, did not stop
        await p.say("4年")
        await p.say("有证书")
        assert "结果：需核实" in p.text
        assert "？ 企业在职职工（待核实）" in p.text and "未回答" not in p.text
        await engine.close()

    asyncio.run(scenario())


def test_an_answer_after_the_second_asking_is_taken_as_any_other(tmp_path: Path, kb) -> None:
    async def scenario() -> None:
        engine = await _engine(tmp_path, kb)
        p = Person(engine)
        await p.act("p:job_retention_refund")
        await p.say("不清楚")
        assert "社保缴费记录" in p.text and "结果：" not in p.text
        await p.say("是")
        assert "裁员" in p.text
        await p.say("没有裁员")
        await p.say("3万")
        assert "结果：符合" in p.text and "18000" in p.text and "待核实" not in p.text
        await engine.close()

    asyncio.run(scenario())
