"""eligibility/data/answer_words.yaml: complete for every choice question, checked by
`policybot check` with file:line problems in Chinese, and staff edits take effect."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from dialog.understanding.facts import stated_words
from eligibility import FINDER, get_program, parse_answer, validate
from eligibility.context import PACKAGE_DATA, choice_questions, load_context
from eligibility.programs import PROGRAMS
from eligibility.staffdata import load_answer_words
from knowledge.base import KnowledgeBase, load_knowledge_or_raise

AS_OF = date(2026, 11, 29)
_KB: list[KnowledgeBase] = []


def kb() -> KnowledgeBase:
    if not _KB:
        _KB.append(load_knowledge_or_raise())
    return _KB[0]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "eligibility-data"
    shutil.copytree(PACKAGE_DATA, target)
    return target


def edit(data_dir: Path, old: str, new: str) -> int:
    """Replace `old` (once) in answer_words.yaml; the 1-based line where `new` starts."""
    path = data_dir / "answer_words.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(new)].count("\n") + 1


def problems_of(data_dir: Path) -> list[str]:
    return [str(p) for p in validate(data_dir, kb()) if "answer_words.yaml" in p.file]


def test_shipped_words_are_clean() -> None:
    words, problems = load_answer_words(PACKAGE_DATA / "answer_words.yaml", "answer_words.yaml", choice_questions())
    assert problems == []
    assert words.yes_words and words.no_words and words.hedges and words.negators


@pytest.mark.parametrize("program", (FINDER, *PROGRAMS), ids=lambda p: p.id)
def test_every_option_of_every_choice_question_has_words(program) -> None:
    words, _ = load_answer_words(PACKAGE_DATA / "answer_words.yaml", "answer_words.yaml", choice_questions())
    stated = stated_words().get(program.id, {})  # a hidden choice read only from stated_facts.yaml
    for q in program.questions:
        if q.kind == "choice":
            table = words.choices.get((program.id, q.id), {})
            if q.hidden and q.id in stated:
                table = {**{v: list(ws) for v, ws in stated[q.id].values.items()}, **table}
            missing = [c.value for c in q.choices if not table.get(c.value)]
            assert not missing, f"{program.id}.{q.id}: no words for {missing}"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  internship:\n    role:\n", "  internship_x:\n    role:\n", "没有 id 为 'internship_x' 的项目"),
    ("  internship:\n    role:\n", "  internship:\n    roles:\n", "项目 'internship' 没有选择题 'roles'"),
    ("      host: [单位,", "      hosts: [单位,", "问题 internship.role 没有选项 'hosts'"),
    ("      few: [走了,", "      few: []\n      few_old: [走了,", "job_retention_refund.layoffs.few 的词语列表是空的"),
    ("      xibu: [西部计划, 西部, 志愿者, 志愿服务]", "      xibu: [西部计划, '', 志愿服务]", "不是有效的词语"),
    ("      xibu: [西部计划, 西部, 志愿者, 志愿服务]", "      xibu: [西部计划, 特岗]", "同时写在选项 'tegang' 和 'xibu' 下"),
    ("      xibu: [西部计划, 西部, 志愿者, 志愿服务]", "      xibu: [西部计划, no]", "要加引号"),
    ("  hedges: [", "  hedge_words: [", "yesno 下不认识的字段 'hedge_words'"),
])
def test_a_bad_entry_is_reported_at_its_line_in_chinese(data_dir: Path, old: str, new: str, message: str) -> None:
    line = edit(data_dir, old, new)
    found = problems_of(data_dir)
    hits = [p for p in found if message in p]
    assert hits, found
    assert any(f"answer_words.yaml:{n}:" in h for h in hits for n in (line, line + 1, line + 2)), hits


def test_a_yaml_syntax_error_is_reported(data_dir: Path) -> None:
    line = edit(data_dir, "      tegang: [特岗,", "      tegang: [特岗 [,")
    found = problems_of(data_dir)
    assert any("YAML 格式错误" in p and any(f":{n}:" in p for n in range(line, line + 3)) for p in found), found


def test_policybot_check_lists_the_problem(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The staff route: POLICYBOT_ELIGIBILITY_DATA points at their copy, `policybot check` says where."""
    import bot

    line = edit(data_dir, "  internship:\n    role:\n", "  internship:\n    rolle:\n")
    monkeypatch.setenv("POLICYBOT_ELIGIBILITY_DATA", str(data_dir))
    code = bot.main(["check"])
    out = capsys.readouterr()
    assert code != 0
    assert f"answer_words.yaml:{line + 1}: 项目 'internship' 没有选择题 'rolle'" in out.out + out.err


def test_a_staff_copy_without_the_file_uses_the_shipped_words(data_dir: Path) -> None:
    (data_dir / "answer_words.yaml").unlink()
    ctx, problems = load_context(data_dir, kb())
    assert problems == [] and ctx.answer_words.choices


def test_a_word_staff_add_is_understood(data_dir: Path) -> None:
    layoffs = get_program("job_retention_refund").question("layoffs")
    before = parse_answer(layoffs, "原班人马", as_of=AS_OF)
    assert not before.ok
    edit(data_dir, "      none: [没裁,", "      none: [原班人马, 没裁,")
    ctx, problems = load_context(data_dir, kb())
    assert problems == []
    assert parse_answer(layoffs, "原班人马", as_of=AS_OF, words=ctx.answer_words).value == "none"


def test_a_yes_word_staff_add_is_understood(data_dir: Path) -> None:
    question = get_program("rural_public_jobs").question("rural_labour")
    assert not parse_answer(question, "妥妥的", as_of=AS_OF).ok
    edit(data_dir, "  yes_words: [是,", "  yes_words: [妥妥的, 是,")
    ctx, _ = load_context(data_dir, kb())
    assert parse_answer(question, "妥妥的", as_of=AS_OF, words=ctx.answer_words).value is True


@pytest.mark.parametrize(("text", "value"), [("本科毕业两年了 一直在屋里待着", "college_grad"),
                                             ("在屋里待着 没事干", "unemployed_youth")])
def test_an_option_that_includes_another_wins_the_tie(text: str, value: str) -> None:
    # 离校未就业的高校毕业生 is itself someone without work: both said, the graduate option
    question = get_program("internship").question("category")
    assert parse_answer(question, text).value == value


def test_includes_naming_an_option_that_does_not_exist_is_a_problem_with_its_line(tmp_path: Path) -> None:
    text = (PACKAGE_DATA / "answer_words.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "answer_words.yaml"
    bad.write_text(text.replace("college_grad: [unemployed_youth]", "college_grad: [jobless]"), encoding="utf-8")
    _words, problems = load_answer_words(bad, "answer_words.yaml", choice_questions())
    assert any("includes" in p.message and "jobless" in p.message and p.line > 1 for p in problems)
