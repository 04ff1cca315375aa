"""Live reload through the real engine: a valid edit changes the answers; an invalid one
leaves the bot answering from the previous data and gives the admin the same
`file:line: message` lines as `policybot check`. SIGHUP and the file watcher trigger it."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from datetime import date
from pathlib import Path

import pytest

import eligibility
from dialog.admin import StaffCommands
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming
from dialog.reloader import Reloader, ReloadResult, fingerprint
from eligibility.context import PACKAGE_DATA as ELIGIBILITY_DATA
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise
from knowledge.cli import all_problems

QUESTION = "就业方面都有哪些补贴"  # a phrasing of FAQ subsidies-list
OLD_START = "按《甘肃省就业补助资金管理办法》"
NEW_ANSWER = "热更新测试：补贴包括职业培训补贴、社会保险补贴、就业见习补贴等，详情请问县人社局。"


@pytest.fixture
def data(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """Staff copies of the knowledge and eligibility YAML, used by everything (as in production
    with POLICYBOT_DATA / POLICYBOT_ELIGIBILITY_DATA)."""
    knowledge_dir, eligibility_dir = tmp_path / "knowledge", tmp_path / "eligibility"
    shutil.copytree(PACKAGE_DATA, knowledge_dir)
    shutil.copytree(ELIGIBILITY_DATA, eligibility_dir)
    monkeypatch.setenv("POLICYBOT_DATA", str(knowledge_dir))
    monkeypatch.setenv("POLICYBOT_ELIGIBILITY_DATA", str(eligibility_dir))
    eligibility.reload_default_context()
    yield knowledge_dir, eligibility_dir
    eligibility.reload_default_context()  # later tests get the shipped data again


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def ask(engine: Engine, text: str, user: str = "resident1") -> str:
    return "\n".join(r.text for r in await engine.handle(Incoming("web", user, text)))


async def admin(engine: Engine, text: str) -> str:
    return "\n".join(r.text for r in await engine.handle(Incoming("terminal", "staff", text)))


def test_valid_then_invalid_edits(data, tmp_path):
    knowledge_dir, eligibility_dir = data
    faq = knowledge_dir / "faq" / "subsidies.yaml"

    async def scenario() -> None:
        kb = load_knowledge_or_raise(knowledge_dir)
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="s"), kb=kb, today=lambda: date(2026, 11, 26))
        engine.admin = StaffCommands(engine, reloader=Reloader(engine))
        try:
            assert OLD_START in await ask(engine, QUESTION)

            # 1. A valid edit: the next answer uses it.
            edit(faq, "    按《甘肃省就业补助资金管理办法》，全面落实", f"    {NEW_ANSWER}\n    全面落实")
            reply = await admin(engine, "/reload")
            assert reply.startswith("已重新加载：21 个条款")
            assert NEW_ANSWER in await ask(engine, QUESTION)

            # 2. An invalid FAQ edit: the admin gets policybot check's lines, residents the old data.
            edit(faq, 'clauses: ["6"]', 'clauses: ["6", "99"]')
            reply = await admin(engine, "/reload")
            expected = [str(p) for p in all_problems(knowledge_dir)]
            assert len(expected) == 1 and expected[0].endswith("“subsidies-list”引用的条款编号“99”在文件里没有（可用的编号见文件开头的说明）")
            assert expected[0].startswith(f"{faq}:")
            lines = reply.splitlines()
            assert "仍在使用上一版数据" in lines[0] and lines[1:] == expected
            answer = await ask(engine, QUESTION, user="resident2")
            assert NEW_ANSWER in answer and "99" not in answer

            # 3. Fixed, but the eligibility YAML broken: still the previous data, its line reported.
            edit(faq, 'clauses: ["6", "99"]', 'clauses: ["6"]')
            contacts = eligibility_dir / "contacts.yaml"
            contacts.write_text(contacts.read_text(encoding="utf-8") + "\n  - [unclosed\n", encoding="utf-8")
            reply = await admin(engine, "/reload")
            expected = [str(p) for p in all_problems(knowledge_dir)]
            assert expected and all(line.startswith(f"{contacts}:") for line in expected)
            assert reply.splitlines()[1:] == expected
            assert NEW_ANSWER in await ask(engine, QUESTION, user="resident3")
            # Questionnaires go on too, from the cached (previous) eligibility data.
            replies = await engine.handle(Incoming("web", "resident3", "测一测", action="m:find", kind="button"))
            assert "第1步" in "\n".join(r.text for r in replies)
        finally:
            await engine.close()

    asyncio.run(scenario())


def test_reload_result_summary_caps_long_problem_lists():
    result = ReloadResult(False, "test", tuple(f"faq/x.yaml:{i}: bad" for i in range(1, 41)))
    lines = result.summary(limit=30).splitlines()
    assert len(lines) == 32 and lines[1] == "faq/x.yaml:1: bad" and "另有 10 处" in lines[-1]


class _FakeEngine:
    def __init__(self, data_dir: Path) -> None:
        self.kb = type("KB", (), {"data_dir": data_dir, "clauses": {}, "faq": []})()
        self.reloaded: list[object] = []

    def reload(self, kb: object) -> None:
        self.reloaded.append(kb)


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
def test_sighup_triggers_a_reload(tmp_path):
    calls: list[Path] = []

    def load(path: Path):
        calls.append(path)
        return None, []  # "invalid": nothing swapped, nothing slow

    async def scenario() -> None:
        reloader = Reloader(_FakeEngine(tmp_path), load=load)
        task = asyncio.create_task(reloader.run())
        await asyncio.sleep(0.05)
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            if reloader.last is not None:
                break
            await asyncio.sleep(0.02)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert calls == [tmp_path] and reloader.last is not None and reloader.last.reason == "SIGHUP"

    asyncio.run(scenario())
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL  # handler removed with the task


def test_file_watcher_reloads_after_the_files_settle(tmp_path, monkeypatch):
    knowledge_dir = tmp_path / "k"
    (knowledge_dir / "faq").mkdir(parents=True)
    faq = knowledge_dir / "faq" / "a.yaml"
    faq.write_text("[]\n", encoding="utf-8")
    monkeypatch.setenv("POLICYBOT_ELIGIBILITY_DATA", str(tmp_path / "none"))
    calls: list[str] = []

    async def scenario() -> None:
        reloader = Reloader(_FakeEngine(knowledge_dir), load=lambda p: (calls.append("load"), (None, []))[1])
        ticks = 0

        async def sleep(_: float) -> None:
            nonlocal ticks
            ticks += 1
            if ticks == 2:
                faq.write_text("- id: x\n", encoding="utf-8")  # an edit …
            if ticks == 3:
                faq.write_text("- id: xy\n", encoding="utf-8")  # … still being written
            if ticks == 8:
                raise asyncio.CancelledError
            await asyncio.sleep(0)

        with pytest.raises(asyncio.CancelledError):
            await reloader.watch(0.01, sleep=sleep)
        assert calls == ["load"]  # once, after the writes stopped; not again for the same files
        assert reloader.last is not None and reloader.last.reason == "file change"

    asyncio.run(scenario())
    assert str(faq) in fingerprint((knowledge_dir,))


def test_reload_hands_the_eligibility_context_to_an_engine_that_takes_it():
    """With the proposed `Engine.reload(kb, ctx=None)`, the context is built from the very kb
    being swapped in, so questionnaires and answers can never disagree after a reload."""

    class Engine2(_FakeEngine):
        def reload(self, kb: object, ctx: object = None) -> None:
            self.reloaded.append((kb, ctx))

    engine = Engine2(PACKAGE_DATA)
    result = asyncio.run(Reloader(engine).reload("test"))
    assert result.ok and result.clauses == 21
    [(kb, ctx)] = engine.reloaded
    assert isinstance(ctx, eligibility.Context) and ctx.kb is kb
