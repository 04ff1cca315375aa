"""`eligibility.validate`: every class of staff mistake in the eligibility YAML -> file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eligibility import validate
from eligibility.context import PACKAGE_DATA
from knowledge.base import KnowledgeBase, load_knowledge_or_raise


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "eligibility-data"
    shutil.copytree(PACKAGE_DATA, target)
    return target


def edit(data_dir: Path, name: str, old: str, new: str) -> int:
    """Replace `old` (which must occur once) and return the 1-based line where `new` starts."""
    path = data_dir / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text[: text.index(new)].count("\n") + 1


_KB: list[KnowledgeBase] = []


def problems_text(data_dir: Path) -> list[str]:
    if not _KB:
        _KB.append(load_knowledge_or_raise())
    return [str(p) for p in validate(data_dir, _KB[0])]


def test_shipped_copy_is_clean(data_dir: Path) -> None:
    assert problems_text(data_dir) == []


def test_yaml_syntax_error_has_its_line(data_dir: Path) -> None:
    line = edit(data_dir, "parameters.yaml", "  internship.rate:\n", "  internship.rate: [unclosed\n")
    found = problems_text(data_dir)
    assert len(found) == 1, found  # the syntax error only, not every rule that reads a parameter
    assert "YAML 格式错误：方括号" in found[0]
    assert f"parameters.yaml:{line}:" in found[0]  # where the bracket opens


@pytest.mark.parametrize(("old", "new", "message"), [
    ("      - {value: 1000, start: 2019-01-01}", "      - {value: 1000, start: 2019-13-01}", "is not YYYY-MM-DD"),
    ("      - {value: 1000, start: 2019-01-01}", "      - {value: 1000, start: 2019-01-01, rate: 5}", "不认识的字段“rate”"),
    ("      - {value: 1000, start: 2019-01-01}", "      - {value: 一千, start: 2019-01-01}", "字段“value”应当是"),
    ("      - {value: 1000, start: 2019-01-01}", "      - {value: null, start: 2019-01-01}", "only staff parameters"),
    ("      - {value: 1000, start: 2019-01-01}", "      - {value: 1000, start: 2019-01-01, end: 2018-01-01}", "ends before it starts"),
])
def test_parameter_value_errors(data_dir: Path, old: str, new: str, message: str) -> None:
    line = edit(data_dir, "parameters.yaml", old, new)
    found = problems_text(data_dir)
    assert any(message in p and f"parameters.yaml:{line}:" in p for p in found), found


def test_unknown_clause_id_in_parameter(data_dir: Path) -> None:
    old = '    description: 就业见习补贴标准（每人每月）\n    unit: 元\n    reference: "6"'
    edit(data_dir, "parameters.yaml", old, old.replace('"6"', '"6.9"'))
    line = (data_dir / "parameters.yaml").read_text(encoding="utf-8").splitlines().index('    reference: "6.9"') + 1
    assert any(f"parameters.yaml:{line}: unknown clause id '6.9'" in p for p in problems_text(data_dir))


def test_overlapping_values(data_dir: Path) -> None:
    line = edit(data_dir, "parameters.yaml", "      - {value: 1, start: 2019-01-01, end: 2020-12-31",
                "      - {value: 1, start: 2018-06-01, end: 2020-12-31")
    assert any("overlap" in p and f"parameters.yaml:{line}:" in p for p in problems_text(data_dir))


def test_missing_parameter_a_program_reads(data_dir: Path) -> None:
    edit(data_dir, "parameters.yaml", "  internship.rate_retained:", "  internship.rate_kept:")
    assert any("internship.rate_retained" in p and "does not declare" in p for p in problems_text(data_dir))


def test_unknown_program_in_procedures(data_dir: Path) -> None:
    line = edit(data_dir, "procedures.yaml", "  internship:\n", "  internshipp:\n")
    found = problems_text(data_dir)
    assert any(f"procedures.yaml:{line}: 没有编号为“internshipp”的项目" in p for p in found)
    assert any("项目“internship”还没有办理流程" in p for p in found)


def test_procedure_wrong_type(data_dir: Path) -> None:
    old = "  rural_public_jobs:\n    steps:\n      - 向县（市）人社"
    text = (data_dir / "procedures.yaml").read_text(encoding="utf-8")
    start = text.index(old)
    line = text[:start].count("\n") + 2
    block_end = text.index("    materials: []", start) + len("    materials: []")
    (data_dir / "procedures.yaml").write_text(text[:start] + "  rural_public_jobs:\n    steps: 去问村委会\n" + text[block_end:], encoding="utf-8")
    assert any(f"procedures.yaml:{line}: 字段“steps”应当是列表" in p for p in problems_text(data_dir))


def test_bad_phone_and_unknown_department(data_dir: Path) -> None:
    line = edit(data_dir, "contacts.yaml", '  州人社局: {phone: "", address: ""}', '  州人社局: {phone: "找小王", address: ""}')
    line2 = edit(data_dir, "contacts.yaml", '  州民政局: {phone: "", address: ""}', '  州民政厅: {phone: "", address: ""}')
    found = problems_text(data_dir)
    assert any(f"contacts.yaml:{line}: 电话“找小王”只能写数字" in p for p in found)
    assert any(f"contacts.yaml:{line2}: 不认识的单位“州民政厅”" in p for p in found)


def test_duplicate_key(data_dir: Path) -> None:
    line = edit(data_dir, "contacts.yaml", '  州财政局: {phone: "", address: ""}\n',
                '  州财政局: {phone: "", address: ""}\n  州财政局: {phone: "0930-1234567"}\n') + 1
    assert any(f"contacts.yaml:{line}: “州财政局”重复了" in p for p in problems_text(data_dir))
