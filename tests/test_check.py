"""`policybot check`: each class of YAML mistake staff make -> a message with its line."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

import bot
from knowledge.base import PACKAGE_DATA, load_knowledge

GOOD_ENTRY = """\
- id: sample-entry
  questions:
    - 见习补贴一个月多少钱
  answer: 每人每月1000元。
  clauses: ["6"]
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped data, with the FAQ replaced by one file we control."""
    target = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, target)
    shutil.rmtree(target / "faq")
    (target / "faq").mkdir()
    return target


def write_faq(data_dir: Path, text: str, name: str = "test.yaml") -> Path:
    path = data_dir / "faq" / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def messages(data_dir: Path) -> list[str]:
    _, problems = load_knowledge(data_dir)
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in problems]


def test_shipped_data_is_valid():
    _, problems = load_knowledge(PACKAGE_DATA)
    assert [str(p) for p in problems] == []


def test_good_entry_has_no_problem(data_dir):
    write_faq(data_dir, GOOD_ENTRY)
    assert messages(data_dir) == []


def test_yaml_syntax_error_has_line_and_column(data_dir):
    write_faq(data_dir, GOOD_ENTRY + '- id: broken\n  questions: ["未闭合\n  answer: x\n')
    (msg,) = messages(data_dir)
    assert msg == ("test.yaml:9: YAML syntax error at column 1: found unexpected end of stream"
                   " (while scanning a quoted scalar at line 7)")


def test_yaml_bad_indentation_points_at_the_line(data_dir):
    write_faq(data_dir, GOOD_ENTRY + "- id: other\n  questions: [甲]\n answer: 乙\n")
    (msg,) = messages(data_dir)
    assert msg.startswith("test.yaml:8: YAML syntax error at column 2"), msg


def test_unknown_clause_id(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace('["6"]', '["6", "5.9"]'))
    assert messages(data_dir) == ["test.yaml:5: unknown clause id '5.9' in FAQ 'sample-entry'"]


def test_numeric_clause_id_is_accepted(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace('["6"]', "[6]"))
    assert messages(data_dir) == []


def test_duplicate_id_across_files(data_dir):
    write_faq(data_dir, GOOD_ENTRY)
    write_faq(data_dir, GOOD_ENTRY.replace("见习补贴一个月多少钱", "另一个问法"), name="zz.yaml")
    (msg,) = messages(data_dir)
    assert msg.startswith("zz.yaml:1: duplicate FAQ id 'sample-entry' (also at ")
    assert "test.yaml:1" in msg


def test_duplicate_phrasing_ignores_punctuation(data_dir):
    write_faq(data_dir, GOOD_ENTRY + GOOD_ENTRY.replace("sample-entry", "other").replace("多少钱", "多少钱？"))
    (msg,) = messages(data_dir)
    assert msg.startswith("test.yaml:8: duplicate question '见习补贴一个月多少钱？'")


def test_empty_answer(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace("每人每月1000元。", '""'))
    assert messages(data_dir) == ["test.yaml:4: FAQ 'sample-entry' has an empty answer"]


def test_wrong_type(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace("  questions:\n    - 见习补贴一个月多少钱", "  questions: 见习补贴一个月多少钱"))
    assert messages(data_dir) == ["test.yaml:2: field 'questions' should be a list, got text"]


def test_unknown_field_names_the_known_ones(data_dir):
    write_faq(data_dir, GOOD_ENTRY + "  answr: typo\n")
    (msg,) = messages(data_dir)
    assert msg.startswith("test.yaml:6: unknown field 'answr' in FAQ entry (known: id, questions, answer, clauses, tags")


def test_missing_field(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace('  clauses: ["6"]\n', ""))
    assert messages(data_dir) == ["test.yaml:1: FAQ entry is missing field 'clauses'"]


def test_duplicate_yaml_key(data_dir):
    write_faq(data_dir, GOOD_ENTRY + "  answer: 又写了一遍\n")
    (msg,) = messages(data_dir)
    assert msg == "test.yaml:6: duplicate key 'answer' (first at line 4)"


def test_lexicon_errors(data_dir):
    (data_dir / "lexicon" / "synonyms.yaml").write_text("synonyms:\n  - words: [借钱]\n    mean: [贷款]\n", encoding="utf-8")
    found = messages(data_dir)
    assert "synonyms.yaml:3: unknown field 'mean' in synonym group (known: words, means)" in found
    assert "synonyms.yaml:2: synonym group is missing field 'means'" in found


def test_document_yaml_errors(data_dir):
    path = data_dir / "documents" / "linxia-2019-3.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("end: '2020-12-31'", "end: '2020-13-31'", 1)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "2020-13-31" in row)
    assert messages(data_dir) == [f"linxia-2019-3.yaml:{line}: date '2020-13-31' is not YYYY-MM-DD"]


def test_check_command_prints_file_line_message_and_fails(data_dir, capsys):
    write_faq(data_dir, GOOD_ENTRY.replace('["6"]', '["99"]'))
    code = bot.main(["check", "--data", str(data_dir)])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert len(out) == 1 and out[0].endswith("test.yaml:5: unknown clause id '99' in FAQ 'sample-entry'")


def test_check_command_passes_on_valid_data(data_dir, capsys):
    write_faq(data_dir, GOOD_ENTRY)
    assert bot.main(["check", "--data", str(data_dir)]) == 0
    assert "OK" in capsys.readouterr().out


def test_bot_refuses_to_answer_on_invalid_data(data_dir, capsys):
    write_faq(data_dir, GOOD_ENTRY.replace("answer:", "answr:"))
    assert bot.main(["ask", "见习补贴多少", "--data", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "test.yaml:1: FAQ entry is missing field 'answer'" in err
