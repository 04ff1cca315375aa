"""`policybot check` for Chinese-speaking staff (issue 16, items 4 and 7): messages in Chinese
at `file:line` with the parser's words after them, a full-width colon named at its own line,
every problem of a run (several files, several problems in one file), paths printed alike, a
success line that names everything checked, and unfilled contacts as warnings."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import bot
from eligibility.context import PACKAGE_DATA as ELIGIBILITY_DATA
from eligibility.validate import contact_warnings
from knowledge.base import PACKAGE_DATA, load_knowledge
from knowledge.yamlsource import parse_yaml

CJK = re.compile(r"[\u4e00-\u9fff]")

ENTRY = """\
- id: {id}
  questions:
    - {question}
  answer: 每人每月一千元，详见文件。
  clauses: ["6"]
"""


def entry(entry_id: str, question: str) -> str:
    return ENTRY.format(id=entry_id, question=question)


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.fixture
def staff_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped data copied into the folder staff work in (the current folder), with the
    eligibility data and texts pointed at it as the README says."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(PACKAGE_DATA, tmp_path / "data")
    shutil.rmtree(tmp_path / "data" / "faq")
    (tmp_path / "data" / "faq").mkdir()
    shutil.copytree(ELIGIBILITY_DATA, tmp_path / "eligibility")
    shutil.copy(Path(bot.__file__).parent / "dialog" / "data" / "texts.yaml", tmp_path / "texts.yaml")
    monkeypatch.setenv("POLICYBOT_ELIGIBILITY_DATA", str(tmp_path / "eligibility"))
    monkeypatch.setenv("POLICYBOT_TEXTS", str(tmp_path / "texts.yaml"))
    monkeypatch.setenv("POLICYBOT_UNDERSTANDING", str(Path(bot.__file__).parent / "dialog" / "data" / "understanding.yaml"))
    return tmp_path


def check(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    code = bot.main(["check", "--data", "data"])
    out, err = capsys.readouterr()
    return code, out.strip().splitlines(), err


def test_a_full_width_colon_is_named_at_its_own_line_and_the_file_is_still_checked() -> None:
    text = entry("a", "问法一").replace('  clauses: ["6"]\n', '  clauses: ["6"]\n  tags：[补贴]\n') + "\n" + entry("b", "问法二")
    data, problems = parse_yaml(text, "faq.yaml")
    [problem] = problems
    assert problem.line == line_of(text, "tags：")  # not the next entry's line
    assert "全角" in problem.message and "“tags: …”" in problem.message
    assert "技术细节" in problem.message and "expected ':'" in problem.message  # the parser's words after
    assert [item["id"] for item in data] == ["a", "b"] and data[0]["tags"] == ["补贴"]  # read on


def test_a_colon_inside_a_text_is_not_taken_for_a_key() -> None:
    text = "answer: |\n  联系：州人社局\n bad: x\ntags: [a]\n"
    [problem] = parse_yaml(text, "x.yaml")[1]
    assert problem.line == 3 and "全角" not in problem.message and "缩进" in problem.message


def test_several_syntax_errors_in_one_file_each_at_its_line() -> None:
    text = (entry("a", "问法一") + entry("b", "问法二").replace("  answer:", "\tanswer:")
            + entry("c", "问法三").replace('["6"]', '["6"') + entry("d", "问法四"))
    data, problems = parse_yaml(text, "faq.yaml")
    assert data is None
    assert [p.line for p in problems] == [line_of(text, "\tanswer"), line_of(text, "- id: c") + 4]  # where the bracket opens
    assert all(p.message.startswith("YAML 格式错误：") and "技术细节：line " in p.message for p in problems)
    assert "制表符" in problems[0].message and "方括号" in problems[1].message


def test_one_run_reports_every_problem_in_every_file_in_chinese(
    staff_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    faq = staff_copy / "data" / "faq"
    broken = entry("a", "问法一").replace("  answer:", "  answer：") + entry("b", "问法二").replace('"6"', '"99"')
    (faq / "one.yaml").write_text(broken, encoding="utf-8")
    (faq / "two.yaml").write_text(entry("c", "问法三") + "- id: d\n  questions: [问法四\n", encoding="utf-8")
    (faq / "three.yaml").write_text(entry("e", "问法五").replace("questions", "question"), encoding="utf-8")
    texts = staff_copy / "texts.yaml"
    texts.write_text(texts.read_text(encoding="utf-8").replace("nav_exit: 退出", "nav_exit：退出"), encoding="utf-8")
    contacts = staff_copy / "eligibility" / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('州人社局: {phone: ""', '州人社局: {phone: "找小王"'),
                        encoding="utf-8")

    code, out, err = check(capsys)
    assert code == 1
    where = [line.split(": ", 1)[0] for line in out]
    assert where == [
        f"data/faq/one.yaml:{line_of(broken, 'answer：')}",  # the colon at its line, and the file goes on:
        f"data/faq/one.yaml:{line_of(broken, '99')}",  # its unknown clause is found too
        "data/faq/three.yaml:1",  # questions missing
        "data/faq/three.yaml:2",  # question unknown
        f"data/faq/two.yaml:{line_of((faq / 'two.yaml').read_text(encoding='utf-8'), '[问法四')}",
        f"eligibility/contacts.yaml:{line_of(contacts.read_text(encoding='utf-8'), '找小王')}",
        f"texts.yaml:{line_of(texts.read_text(encoding='utf-8'), 'nav_exit：')}",
    ], out
    for line in out:
        assert re.match(r"^[^:]+\.yaml:\d+: ", line), line  # every path printed the same way
        assert CJK.search(line.split(": ", 1)[1].split("技术细节")[0]), line  # Chinese before the detail
    assert f"发现 {len(out)} 个问题" in err


def test_the_success_line_names_everything_checked_and_contacts_are_warnings(
    staff_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (staff_copy / "data" / "faq" / "one.yaml").write_text(entry("a", "问法一"), encoding="utf-8")
    contacts = staff_copy / "eligibility" / "contacts.yaml"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace('州人社局: {phone: ""', '州人社局: {phone: "0930-0000000"'),
                        encoding="utf-8")
    code, out, _ = check(capsys)
    assert code == 0
    summary = out[-1]
    assert summary.startswith("检查通过")
    for named in ("政策文件 1 份", "常见问答 1 条", "data/faq", "data/lexicon", "data/asking.yaml",
                  "data/benefits.yaml", "calibration.yaml", "eligibility", "texts.yaml", "understanding.yaml"):
        assert named in summary, named
    warnings = [line for line in out[:-1] if "contacts.yaml" in line]
    text = contacts.read_text(encoding="utf-8")
    assert warnings and all(line.startswith("eligibility/contacts.yaml:") and "提示：" in line for line in warnings)
    assert not any("州人社局" in line for line in warnings), "a filled number is not a warning"
    assert any(line.startswith(f"eligibility/contacts.yaml:{line_of(text, '州财政局')}: ") and "州财政局" in line
               for line in warnings)
    assert any("12333" in line for line in warnings), "the warning says what residents see instead"


def test_contact_warnings_of_the_shipped_file() -> None:
    warnings = contact_warnings(ELIGIBILITY_DATA)
    offices = [w.message.split("提示：", 1)[1].split("的电话", 1)[0] for w in warnings]
    assert "州人社局" in offices and "各县（市）人民政府" in offices
    assert all(w.file.endswith("contacts.yaml") and w.line > 1 for w in warnings)


def test_knowledge_messages_are_chinese(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    (data / "faq" / "zz.yaml").write_text(
        entry("Bad_ID", "见习补贴的问法") + entry("other", "见习补贴的问法").replace("每人每月一千元，详见文件。", '""')
        + "- id: third\n  questions: []\n  answer: 有\n  clauses: []\n  extra: 1\n", encoding="utf-8")
    _, problems = load_knowledge(data)
    assert len(problems) >= 4, problems
    for problem in problems:
        assert CJK.search(problem.message) and not re.search(r"\b(should|unknown|missing|duplicate)\b", problem.message), problem
