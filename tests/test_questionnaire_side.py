"""A question typed in the middle of a questionnaire is about the program being tested when the
program's clause is close and no other policy is named (dialog/flows/questionnaire.py
`_digression`). Sentences are written for these tests."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming

TODAY = date(2026, 11, 30)


def test_a_side_question_is_answered_about_the_program_being_tested(tmp_path: Path, kb):
    async def scenario():
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="s"), kb=kb, today=lambda: TODAY)
        try:
            await engine.handle(Incoming("web", "u1", "测一测技能提升补贴"))
            side = await engine.handle(Incoming("web", "u1", "失业保险交了一年多 能领到不"))
            first = side[0].text
            # the skills subsidy's rule (3 years now), not 第九条's unemployment benefit
            assert "第三条第（四）项" in first and "3年以上" in first
            assert "第九条" not in first
            # and the questionnaire goes on where it was
            assert any("第1步" in r.text for r in side[1:])
            # a side question naming another policy is still answered about that policy
            other = await engine.handle(Incoming("web", "u1", "见习补贴一个月多少"))
            assert "1000元" in other[0].text and "第六条" in other[0].text
        finally:
            await engine.close()

    asyncio.run(scenario())
