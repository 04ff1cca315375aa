"""The parser turns the received .txt into the clauses the whole bot cites."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from knowledge.base import PACKAGE_DATA
from knowledge.documents import read_document
from knowledge.parser import (
    find_periods,
    find_quantities,
    parse_departments,
    parse_document,
    repair_paragraphs,
)

# Every test here reads the copy the package ships, so a clean clone anywhere runs them all.
SEED_TXT = PACKAGE_DATA / "documents" / "linxia-2019-3.txt"
# The SHA-256 of the document as received (shared/policy/linxia-2019-3.txt, 2026-11): the
# shipped copy is checked against it without needing the shared folder next to the clone.
RECEIVED_SHA256 = "ddb43e176177145bfed4effe0aacc8d6a276753e88f3780151a8cccd31228d41"
SHARED_TXT = Path(__file__).resolve().parents[2] / "shared" / "policy" / "linxia-2019-3.txt"


@pytest.fixture(scope="module")
def doc():
    return parse_document(SEED_TXT.read_text(encoding="utf-8"), "linxia-2019-3", "linxia-2019-3.txt")


def test_shipped_text_is_the_received_document():
    assert hashlib.sha256(SEED_TXT.read_bytes()).hexdigest() == RECEIVED_SHA256
    if SHARED_TXT.exists():  # in the workspace, also byte for byte against the shared copy
        assert SEED_TXT.read_bytes() == SHARED_TXT.read_bytes()


def test_clause_ids_follow_the_documents_numbering(doc):
    assert [c.id for c in doc.clauses] == [
        "0", "1", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4",
        "5.1", "5.2", "6", "7", "8", "9.1", "9.2", "9.3", "10", "11",
    ]


def test_header_fields(doc):
    assert doc.number == "临州府发〔2019〕3号"
    assert doc.issued == date(2019, 1, 17)
    assert doc.title.startswith("临夏回族自治州人民政府关于做好当前和今后一个时期促进就业工作的实施方案")
    preamble = doc.clause("0")
    assert "甘政发〔2018〕78号" in preamble.text


def test_titles(doc):
    assert doc.clause("6").title == "落实补贴促就业"
    assert doc.clause("2.3").title == "支持农村劳动力返乡创业"
    assert doc.clause("2.3").section_title == "有序转移促就业"
    assert doc.clause("11").text.startswith("各县（市）人民政府要结合本县（市）实际")
    assert doc.clause("10").text.endswith("创业就业环境。")  # the closing paragraph is not in 10


@pytest.mark.parametrize(
    ("clause_id", "fragment"),
    [
        ("8", "建立工作台账"),  # 建立工 / 作台账 across a page break
        ("2.4", "州总工会等负责"),  # 州总工会 / 等负责
        ("9.2", "省、州、县市级"),  # 县 / 市级
        ("2.2", "建设，通过“扶贫车间”"),  # a paragraph cut after a comma
        ("4", "企业及其职工应缴纳"),
        ("10", "促进就业创业的主体责任"),
    ],
)
def test_page_break_artifacts_are_repaired(doc, clause_id, fragment):
    assert fragment in doc.clause(clause_id).text


def test_repair_does_not_join_real_paragraphs():
    text = "一、甲\n\n第一段完。\n\n第二段完。\n\n二、乙\n\n半句被\n\n分页切开了。"
    assert repair_paragraphs(text) == ["一、甲", "第一段完。", "第二段完。", "二、乙", "半句被分页切开了。"]


def test_departments_lead_is_first_listed(doc):
    c = doc.clause("1")
    assert c.lead_department == "州发改委"
    assert c.other_departments[:2] == ("州工信委", "州科技局")
    assert c.county_clause == "各县（市）政府负责落实"
    assert doc.clause("9.3").lead_department == "州人社局"
    assert doc.clause("9.3").other_departments == ("州民政局", "州医保局", "州税务局", "州财政局")
    assert doc.clause("5.1").other_departments[-1] == "临夏银保监分局"
    assert doc.clause("10").lead_department is None


def test_department_listed_twice_is_kept_once(doc):
    others = doc.clause("5.2").other_departments
    assert others.count("州财政局") == 1


def test_parse_departments_variants():
    lead, others, county = parse_departments("正文。（州人社局、州财政局等有关部门和单位负责，各县（市）政府负责落实）")
    assert (lead, others, county) == ("州人社局", ("州财政局",), "各县（市）政府负责落实")
    assert parse_departments("正文没有括号。") == (None, (), None)
    assert parse_departments("依托技工院校（职业院校）") == (None, (), None)


def test_periods(doc):
    (p,) = doc.clause("3.3").periods
    assert (p.start, p.end, p.kind) == (date(2019, 1, 1), date(2020, 12, 31), "range")
    (p,) = doc.clause("3.2").periods
    assert p.text == "2019年1月1日至12月31日" and p.end == date(2019, 12, 31)
    (p,) = doc.clause("6").periods
    assert p.kind == "from" and p.start == date(2019, 1, 1) and p.end is None
    assert not p.has_ended(date(2026, 11, 26))
    (p,) = doc.clause("2.2").periods
    assert (p.text, p.end) == ("2019—2020年", date(2020, 12, 31))
    assert p.has_ended(date(2026, 11, 26)) and not p.has_ended(date(2020, 12, 31))


def test_period_finder_handles_each_shape():
    kinds = [(p.text, p.kind) for p in find_periods("自2021年3月1日起；2020年1月1日至2022年6月30日；2019-2020年；2018年5月4日")]
    assert kinds == [
        ("自2021年3月1日起", "from"),
        ("2020年1月1日至2022年6月30日", "range"),
        ("2019-2020年", "years"),
        ("2018年5月4日", "point"),
    ]


def test_quantities(doc):
    texts = lambda cid: [q.text for q in doc.clause(cid).quantities]  # noqa: E731
    assert texts("5.2") == ["15万元", "25%", "100人", "15%", "1年以上", "300万元"]
    assert texts("6") == ["16—24岁", "3—12个月", "1000元", "50%以上", "1200元"]
    assert "60%" in texts("4") and "6个月" in texts("4")
    assert texts("2.2") == ["6600个"]
    assert texts("3.4") == ["3年以上", "1年以上"]
    loan = doc.clause("5.2").quantities[0]
    assert loan.value == 150000 and loan.unit == "万元"
    age = doc.clause("6").quantities[0]
    assert (age.value, age.upper, age.unit) == (16, 24, "岁")


def test_quantities_skip_dates_and_years():
    assert find_quantities("2019年1月1日至2020年12月31日，2019—2020年") == []


def test_shipped_yaml_matches_the_parser(doc):
    """The YAML staff read was produced by the parser; if they correct it, this test says
    where it differs so the correction is deliberate."""
    shipped, problems = read_document(PACKAGE_DATA / "documents" / "linxia-2019-3.yaml")
    assert problems == []
    assert [c.id for c in shipped.clauses] == [c.id for c in doc.clauses]
    for parsed, stored in zip(doc.clauses, shipped.clauses, strict=True):
        assert stored.text == parsed.text, stored.id
        assert stored.lead_department == parsed.lead_department, stored.id
        assert stored.periods == parsed.periods, stored.id
