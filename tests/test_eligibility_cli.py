"""`policybot programs` and `policybot assess` through bot.main, as staff and scripts use them."""

from __future__ import annotations

import json

import pytest

import bot


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = bot.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_programs_lists_all_with_clauses_and_questions(capsys) -> None:
    code, out, _ = run(capsys, "programs")
    assert code == 0
    assert "internship" in out and "第六条" in out and "incubation_base" in out
    assert "每人见习几个月" in out


def test_programs_json(capsys) -> None:
    code, out, _ = run(capsys, "programs", "--json")
    data = json.loads(out)
    assert code == 0 and len(data) == 11
    internship = next(p for p in data if p["id"] == "internship")
    assert internship["reference"] == ["6"]
    age = next(q for q in internship["questions"] if q["id"] == "age")
    # 都不是 may still be a 16—24岁失业青年: the age is asked for them too (第六条)
    assert age["ask_if"] == {"category": ["unemployed_youth", "none"]} and age["unit"] == "岁"


def test_assess_text(capsys) -> None:
    facts = {"role": "host", "interns_eligible": True, "finished": True, "interns": 3, "months": 6, "retained": 0}
    code, out, _ = run(capsys, "assess", "internship", "--facts", json.dumps(facts), "--as-of", "2026-11-26")
    assert code == 0
    assert "结果：符合" in out and "3人 × 6个月 × 1000元 = 18000元" in out
    assert "结果仅供参考，以经办机构审核为准" in out


def test_assess_json_with_lenient_values(capsys) -> None:
    facts = '{"employee": "是", "insured_years": "一年半", "certificate": "有"}'
    code, out, _ = run(capsys, "assess", "skills_upgrade_subsidy", "--facts", facts, "--as-of", "2019-06-01", "--json")
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "符合" and data["as_of"] == "2019-06-01"
    code, out, _ = run(capsys, "assess", "skills_upgrade_subsidy", "--facts", facts, "--as-of", "2026-11-26", "--json")
    assert json.loads(out)["verdict"] == "不符合"


def test_assess_null_means_unknown(capsys) -> None:
    code, out, _ = run(capsys, "assess", "employment_assistance", "--facts", '{"unemployed": null}', "--json")
    assert code == 0 and json.loads(out)["verdict"] == "需核实"


@pytest.mark.parametrize(("argv", "message"), [
    (["assess", "internship", "--facts", "{role: host}"], "not valid JSON"),
    (["assess", "internship", "--facts", "[1, 2]"], "JSON object"),
    (["assess", "nope", "--facts", "{}"], "unknown program 'nope'"),
    (["assess", "internship", "--facts", '{"headcount": 3}'], "unknown fact 'headcount'"),
    (["assess", "internship", "--facts", '{"age": 300}'], "fact 'age'"),
    (["assess", "internship", "--facts", '{"role": "boss"}'], "fact 'role'"),
    (["assess", "internship", "--as-of", "2026-13-01"], "not a date"),
])
def test_assess_usage_errors_exit_2(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err and out == ""
