"""The bot's fixed texts (dialog/texts.py, dialog/data/texts.yaml): staff edit the wording;
a broken edit is reported as `file:line: message` and never reaches a resident, and a good
one goes live with /reload like the rest of the YAML."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

import eligibility
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming
from dialog.reloader import Reloader
from dialog.texts import (
    PACKAGE_TEXTS,
    SAMPLE_VALUES,
    TEXT_FIELDS,
    InvalidTexts,
    check_texts,
    load_texts,
)
from knowledge.base import load_knowledge_or_raise

DIALOG = Path(__file__).resolve().parents[1] / "dialog"


def test_the_shipped_texts_are_complete_and_valid() -> None:
    texts, problems = check_texts(PACKAGE_TEXTS)
    assert problems == []
    assert set(texts) == set(TEXT_FIELDS)


def _text_calls() -> list[tuple[str, int, str, set[str]]]:
    """Every `self.t("key", name=…)` in the dialog code: (file, line, key, keyword names)."""
    calls = []
    for path in sorted(DIALOG.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "t"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                calls.append((path.name, node.lineno, node.args[0].value, {k.arg for k in node.keywords if k.arg}))
    return calls


def test_every_text_the_code_asks_for_is_in_the_contract_with_its_placeholders() -> None:
    calls = _text_calls()
    assert len(calls) > 30  # the scan found the engine's calls
    for file, line, key, names in calls:
        assert key in TEXT_FIELDS, f"{file}:{line}: text {key!r} is not in TEXT_FIELDS"
        assert names == set(TEXT_FIELDS[key]), f"{file}:{line}: {key!r} is filled with {names}, contract says {set(TEXT_FIELDS[key])}"


def write(tmp_path: Path, old: str | None = None, new: str = "") -> Path:
    path = tmp_path / "texts.yaml"
    text = PACKAGE_TEXTS.read_text(encoding="utf-8")
    if old is not None:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


@pytest.mark.parametrize(
    ("old", "new", "fragment", "message"),
    [
        ("menu_ask: 问政策", "menu_ask: yes", "menu_ask:", "“menu_ask”应该是文字"),
        ("menu_ask: 问政策", "menu_aks: 问政策", "menu_aks:", "没有“menu_aks”这条话术"),
        ("questionnaire_intro: ", "questionnaire_intro: 测{program}", "questionnaire_intro:", "{program} 不认识"),
        ("questionnaire_intro: ", "questionnaire_intro: 测{label ", "questionnaire_intro:", "花括号没有配对"),
        ("nav_exit: 退出", "nav_exit: 退出{label}", "nav_exit:", "不能用 {占位符}"),
        ("nav_exit: 退出", "nav_exit: ''", "nav_exit:", "“nav_exit”是空的"),
    ],
)
def test_a_broken_edit_is_reported_at_its_line(tmp_path, old, new, fragment, message) -> None:
    path = write(tmp_path, old, new)
    texts, problems = check_texts(path)
    assert texts is None
    assert problems[0].line == line_of(path, fragment)
    assert len(problems) == (2 if "这条话术" in message else 1)  # a renamed key is also missing
    assert message in problems[0].message and str(problems[0]).startswith(f"{path}:")
    with pytest.raises(InvalidTexts):
        load_texts(path)


@pytest.mark.parametrize(
    ("key", "bad"),
    [("privacy", "保存{days:天}天"), ("questionnaire_intro", "开始：{label:d}"),
     ("resume_question", "{label!x} 第{step}步"), ("too_long", "最多{limit:{x}}字"), ("list_section", "{title[0]}{title.x}")],
)
def test_a_placeholder_that_cannot_be_filled_in_is_reported(tmp_path, key, bad) -> None:
    """Every text is filled in with values of the engine's types when checked: what passes
    the check cannot crash a resident's turn."""
    text = PACKAGE_TEXTS.read_text(encoding="utf-8")
    start = text.index(f"\n{key}:") + 1
    end = text.index("\n", start)
    path = tmp_path / "texts.yaml"
    path.write_text(text[:start] + f'{key}: "{bad}"' + text[end:], encoding="utf-8")
    texts, problems = check_texts(path)
    assert texts is None and {p.line for p in problems} == {line_of(path, f"{key}:")}, problems


def test_every_shipped_text_fills_in_with_the_engine_values() -> None:
    texts = load_texts(PACKAGE_TEXTS)
    for key, fields in TEXT_FIELDS.items():
        if fields:
            assert "{" not in texts[key].format(**{f: SAMPLE_VALUES[f] for f in fields})


def test_a_missing_key_and_a_syntax_error_are_reported(tmp_path) -> None:
    path = write(tmp_path, "nav_back: 上一步\n", "")
    assert [p.message for p in check_texts(path)[1]] == [
        "缺少“nav_back”这条话术（每一条机器人都要用，请从原来的文件里复制回来）"]
    path = write(tmp_path, "nav_back: 上一步", "nav_back: [上一步")
    problem = check_texts(path)[1][0]
    assert problem.message.startswith("YAML 格式错误：方括号") and problem.line == line_of(path, "nav_back:")


def test_braces_in_a_text_shown_as_written_are_fine(tmp_path) -> None:
    path = write(tmp_path, "nav_exit: 退出", "nav_exit: 退出 {")
    assert check_texts(path)[1] == []


@pytest.fixture
def restore_eligibility():
    yield
    eligibility.reload_default_context()


def test_an_edited_text_goes_live_on_reload_and_a_broken_one_does_not(tmp_path, restore_eligibility) -> None:
    kb = load_knowledge_or_raise()
    path = write(tmp_path)

    async def scenario() -> None:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="s"), kb=kb)
        reloader = Reloader(engine)
        reloader.texts_file = path

        async def labels(user: str, *actions: str) -> list[str]:
            replies = []
            for action in actions:
                replies = await engine.handle(Incoming("web", user, "", action=action, kind="button"))
            return [b.label for r in replies for b in r.all_buttons()]

        assert "退出" in await labels("a", "p:internship")  # a step, remembered by the engine
        path.write_text(path.read_text(encoding="utf-8").replace("nav_exit: 退出", "nav_exit: 不测了"), encoding="utf-8")
        result = await reloader.reload("test")
        assert result.ok, result.problems
        assert "不测了" in await labels("b", "p:internship")  # the remembered step is not reused

        path.write_text(path.read_text(encoding="utf-8").replace("nav_exit: 不测了", "nav_exit: 退出{x}"), encoding="utf-8")
        result = await reloader.reload("test")
        assert not result.ok
        assert any(p.startswith(f"{path}:") and "{x}" in p for p in result.problems)
        assert "不测了" in await labels("c", "p:internship")  # still the last good texts
        assert path.parent in reloader.folders  # the file watcher sees edits too
        await engine.close()

    asyncio.run(scenario())


def test_policybot_check_reports_the_texts(tmp_path, monkeypatch) -> None:
    from knowledge.cli import all_problems

    path = write(tmp_path, "menu_ask: 问政策", "menu_aks: 问政策")
    monkeypatch.setenv("POLICYBOT_TEXTS", str(path))
    assert [p.file for p in all_problems()] == [str(path), str(path)]  # unknown key + missing key
    monkeypatch.delenv("POLICYBOT_TEXTS")
    assert all_problems() == []


def test_startup_refuses_broken_texts_with_the_problem_lines(tmp_path, monkeypatch, capsys) -> None:
    from bot import main

    path = write(tmp_path, "menu_ask: 问政策", "menu_ask: 问政策{x}")
    monkeypatch.setenv("POLICYBOT_TEXTS", str(path))
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "bot.sqlite3"))
    assert main(["run"]) == 1
    assert f"{path}:{line_of(path, 'menu_ask:')}:" in capsys.readouterr().err
