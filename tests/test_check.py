"""`policybot check`: each class of YAML mistake staff make -> a Chinese message with its line,
the parser's words after it as the technical detail; every problem of a run, not the first."""

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
    # Reported where the quote opens, not where the file ends; the parser's words follow.
    assert msg == ("test.yaml:7: YAML 格式错误：引号没有配对：从这一行开始的引号一直没有结束（技术细节：line 9, "
                   "column 1: found unexpected end of stream (while scanning a quoted scalar at line 7)）")


def test_yaml_bad_indentation_points_at_the_line(data_dir):
    write_faq(data_dir, GOOD_ENTRY + "- id: other\n  questions: [甲]\n answer: 乙\n")
    (msg,) = messages(data_dir)
    assert msg.startswith("test.yaml:8: YAML 格式错误：") and "line 8, column 2" in msg, msg


def test_unknown_clause_id(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace('["6"]', '["6", "5.9"]'))
    assert messages(data_dir) == ["test.yaml:5: “sample-entry”引用的条款编号“5.9”在文件里没有（可用的编号见文件开头的说明）"]


def test_numeric_clause_id_is_accepted(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace('["6"]', "[6]"))
    assert messages(data_dir) == []


def test_duplicate_id_across_files(data_dir):
    write_faq(data_dir, GOOD_ENTRY)
    write_faq(data_dir, GOOD_ENTRY.replace("见习补贴一个月多少钱", "另一个问法"), name="zz.yaml")
    (msg,) = messages(data_dir)
    assert msg.startswith("zz.yaml:1: 编号“sample-entry”重复了（另一条在 ")
    assert "test.yaml:1" in msg


def test_duplicate_phrasing_ignores_punctuation(data_dir):
    write_faq(data_dir, GOOD_ENTRY + GOOD_ENTRY.replace("sample-entry", "other").replace("多少钱", "多少钱？"))
    (msg,) = messages(data_dir)
    assert msg.startswith("test.yaml:8: 问法“见习补贴一个月多少钱？”重复了")


def test_empty_answer(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace("每人每月1000元。", '""'))
    assert messages(data_dir) == ["test.yaml:4: “sample-entry”的回答（answer）是空的"]


def test_wrong_type(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace("  questions:\n    - 见习补贴一个月多少钱", "  questions: 见习补贴一个月多少钱"))
    assert messages(data_dir) == ["test.yaml:2: 字段“questions”应当是列表（- 开头的几行，或 [甲, 乙]），现在是文字"]


def test_unknown_field_names_the_known_ones(data_dir):
    write_faq(data_dir, GOOD_ENTRY + "  answr: typo\n")
    (msg,) = messages(data_dir)
    assert msg.startswith("test.yaml:6: 这条常见问答里有不认识的字段“answr”（可用：id、questions、answer、clauses、tags")


def test_missing_field(data_dir):
    write_faq(data_dir, GOOD_ENTRY.replace('  clauses: ["6"]\n', ""))
    assert messages(data_dir) == ["test.yaml:1: 这条常见问答缺少字段“clauses”"]


def test_duplicate_yaml_key(data_dir):
    write_faq(data_dir, GOOD_ENTRY + "  answer: 又写了一遍\n")
    (msg,) = messages(data_dir)
    assert msg.startswith("test.yaml:6: “answer”重复了（第一次在第4行）")


def test_lexicon_errors(data_dir):
    (data_dir / "lexicon" / "synonyms.yaml").write_text("synonyms:\n  - words: [借钱]\n    mean: [贷款]\n", encoding="utf-8")
    found = messages(data_dir)
    assert "synonyms.yaml:3: 同义词组里有不认识的字段“mean”（可用：words、means、from_age；拼错了？）" in found
    assert "synonyms.yaml:2: 同义词组缺少字段“means”" in found


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
    assert len(out) == 1 and out[0].endswith("test.yaml:5: “sample-entry”引用的条款编号“99”在文件里没有（可用的编号见文件开头的说明）")


def test_check_command_passes_on_valid_data(data_dir, capsys):
    write_faq(data_dir, GOOD_ENTRY)
    assert bot.main(["check", "--data", str(data_dir)]) == 0
    assert "检查通过" in capsys.readouterr().out


def test_bot_refuses_to_answer_on_invalid_data(data_dir, capsys):
    write_faq(data_dir, GOOD_ENTRY.replace("answer:", "answr:"))
    assert bot.main(["ask", "见习补贴多少", "--data", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "test.yaml:1: 这条常见问答缺少字段“answer”" in err
