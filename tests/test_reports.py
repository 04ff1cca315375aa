"""Staff reports on a seeded message log: every number checked against hand-counted events,
the CSV rows, the self-contained HTML page, and the FAQ stubs `policybot check` accepts but
for the answer and clauses staff must fill in."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

import bot
from dialog import reports
from dialog.store import Store
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

D1, D2, D3 = date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 23)  # 11-22 has no event
FAQ_PHRASING = "就业方面都有哪些补贴"  # already a question of the shipped FAQ (subsidies-list)


def ts(day: date, hour: int = 10) -> float:
    return datetime(day.year, day.month, day.day, hour).timestamp()


# (day, user, campaign, kind, text, clause, answered, program)
EVENTS = [
    (D1, "A", "poster1", "start", None, None, None, None),
    (D1, "A", "poster1", "question", "见习补贴每月多少钱？", "6", True, None),
    (D1, "A", "poster1", "question", "公积金怎么提取？", None, False, None),
    (D1, "B", "poster1", "start", None, None, None, None),
    (D1, "B", "poster1", "questionnaire_started", None, None, None, "internship"),
    (D1, "B", "poster1", "questionnaire_completed", None, None, None, "internship"),
    (D1, "C", None, "start", None, None, None, None),
    (D1, "C", None, "question", "开个小店能贷多少款", "5.2", True, None),
    (D2, "C", None, "question", "怎么提取公积金", None, False, None),
    (D2, "C", None, "question", "公积金怎么提取", None, False, None),
    (D2, "D", "poster1", "start", None, None, None, None),
    (D2, "E", "wechat-jan", "start", None, None, None, None),
    (D2, "E", "wechat-jan", "question", "见习补贴发多久", "6", True, None),
    (D2, "E", "wechat-jan", "question", "<script>alert(1)</script>退休金", None, False, None),
    (D3, "A", "poster1", "question", "我家的牛生病了怎么办", None, False, None),
    (D3, "A", "poster1", "question", "=1+2 公积金怎么提取", None, False, None),
    (D3, "F", None, "questionnaire_started", None, None, None, "startup_loan"),
    (D3, "F", None, "question", FAQ_PHRASING, None, False, None),
    (D3, "F", None, "question", "求职补贴能领几次", "6", True, None),
]


def seed(path: Path, events=EVENTS) -> None:
    async def create() -> None:
        store = await Store.open(path, "salt")
        await store.close()

    asyncio.run(create())
    conn = sqlite3.connect(path)
    for i, (day, user, campaign, kind, text, clause, answered, program) in enumerate(events):
        conn.execute("INSERT INTO events (ts, channel, user_key, campaign, kind, text, clause, faq, confidence, answered,"
                     " program) VALUES (?, 'web', ?, ?, ?, ?, ?, NULL, NULL, ?, ?)",
                     (ts(day) + i, user, campaign, kind, text, clause,
                      None if answered is None else int(answered), program))
    conn.commit()
    conn.close()


@pytest.fixture(scope="module")
def words():
    return reports.default_words()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "bot.sqlite3"
    seed(path)
    return path


@pytest.fixture(scope="module")
def report(db, words) -> reports.Report:
    conn = reports.open_readonly(db)
    try:
        events = reports.read_events(conn)
    finally:
        conn.close()
    return reports.build_report(events, titles={"6": "落实补贴促就业", "5.2": "创业担保贷款"},
                                program_labels={"internship": "就业见习补贴"}, words=words)


def test_totals_days_and_shares(report):
    t = report.totals
    assert (t.users, t.questions, t.answered, t.started, t.completed) == (6, 11, 4, 2, 1)
    assert t.answered_share == pytest.approx(4 / 11)
    assert report.first_day == D1 and report.last_day == D3
    days = {row.day: row.totals for row in report.days}
    assert list(days) == [D1, D2, date(2026, 11, 22), D3]  # the quiet day is shown, empty
    assert (days[D1].users, days[D1].questions, days[D1].answered, days[D1].started, days[D1].completed) == (3, 3, 2, 1, 1)
    assert (days[D2].users, days[D2].questions, days[D2].answered) == (3, 4, 1)
    assert days[date(2026, 11, 22)].questions == 0 and days[date(2026, 11, 22)].answered_share is None
    assert (days[D3].users, days[D3].questions, days[D3].answered, days[D3].started) == (2, 4, 1, 1)
    assert days[D3].answered_share == pytest.approx(0.25)


def test_campaign_funnel(report):
    rows = {c.campaign: c for c in report.campaigns}
    # poster1: A, B, D opened; A asked, B started a questionnaire; B completed it.
    assert (rows["poster1"].opened, rows["poster1"].asked, rows["poster1"].completed) == (3, 2, 1)
    assert (rows["poster1"].questions, rows["poster1"].answered) == (4, 1)
    assert (rows["wechat-jan"].opened, rows["wechat-jan"].asked, rows["wechat-jan"].completed) == (1, 1, 0)
    assert (rows[reports.DIRECT].opened, rows[reports.DIRECT].asked, rows[reports.DIRECT].completed) == (2, 2, 0)
    assert [c.campaign for c in report.campaigns][0] == "poster1"  # most people first


def test_top_clauses_and_programs(report):
    assert [(c.clause, c.count, c.title) for c in report.clauses] == [("6", 3, "落实补贴促就业"), ("5.2", 1, "创业担保贷款")]
    programs = {p.program: p for p in report.programs}
    assert (programs["internship"].label, programs["internship"].started, programs["internship"].completed) == ("就业见习补贴", 1, 1)
    assert (programs["startup_loan"].label, programs["startup_loan"].started) == ("startup_loan", 1)


def test_unanswered_are_grouped_most_frequent_first(report):
    groups = report.unanswered
    assert report.unanswered_total == 7
    first = groups[0]
    # Four ways of asking how to withdraw 公积金: punctuation, word order, a formula prefix.
    assert first.count == 4
    assert {p for p, _ in first.phrasings} == {"公积金怎么提取？", "怎么提取公积金", "公积金怎么提取", "=1+2 公积金怎么提取"}
    others = {g.text for g in groups[1:]}
    assert others == {"我家的牛生病了怎么办", "<script>alert(1)</script>退休金", FAQ_PHRASING}
    assert all(g.count == 1 for g in groups[1:])


def test_grouping_does_not_chain_unrelated_questions(words):
    groups = reports.group_unanswered(
        ["见习补贴怎么申请", "怎么申请见习补贴", "见习补贴发多久", "创业贷款怎么申请", "？？"], words=words)
    texts = [sorted(p for p, _ in g.phrasings) for g in groups]
    assert sorted(["怎么申请见习补贴", "见习补贴怎么申请"]) in texts
    assert ["创业贷款怎么申请"] in texts and ["见习补贴发多久"] in texts
    assert sum(g.count for g in groups) == 4  # "？？" says nothing: left out


def test_text_and_compact_renderings(report):
    text = reports.render_text(report)
    assert "用户 6  提问 11  答上 4（36%）" in text
    assert "poster1  3 → 2 → 1" in text
    compact = reports.render_stats_compact(report)
    assert "用户 6 · 提问 11 · 答上 4（36%）" in compact and "poster1 3→2→1" in compact
    assert "11-22" not in compact  # a phone screen gets only the days with traffic
    assert max(len(line) for line in compact.splitlines()) <= 40
    unanswered = reports.render_unanswered_compact(report)
    assert unanswered.splitlines()[1].startswith("1. 公积金怎么提取？（4次）")


def test_csv_rows(report):
    text = reports.render_csv(report)
    assert text.startswith("\ufeff")  # Excel on Chinese Windows needs the BOM
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["section", "key", "label", "metric", "value"]
    table = {(r[0], r[1], r[3]): r for r in rows[1:]}
    assert table[("summary", "2026-11-20/2026-11-23", "questions")][4] == "11"
    assert table[("summary", "2026-11-20/2026-11-23", "answered_share")][4] == "0.364"
    assert table[("day", "2026-11-21", "questions")][4] == "4"
    assert table[("day", "2026-11-22", "answered_share")][4] == ""
    assert table[("campaign", "poster1", "opened")][4] == "3"
    assert table[("campaign", "poster1", "completed")][4] == "1"
    assert table[("campaign", "(direct)", "opened")][2] == "直接访问"
    assert table[("clause", "6", "answered_questions")][4] == "3"
    assert table[("unanswered", "1", "count")][4] == "4"
    phrasings = [r[2] for r in rows if r[0] == "unanswered_phrasing" and r[1] == "1"]
    assert "'=1+2 公积金怎么提取" in phrasings  # never a live spreadsheet formula
    assert len([r for r in rows if r[0] == "day"]) == 4 * 6


def test_html_is_self_contained_and_escaped(report):
    page = reports.render_html(report)
    assert page.count("<svg") == 4  # per day, answered share, topics, funnel
    assert not re.search(r"https?://|src=|href=|@import|<script", page, re.IGNORECASE)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;退休金" in page
    assert "Content-Security-Policy" in page
    for word in ("每天提问数", "每天答上率", "热门话题", "来源漏斗", "poster1", "6 落实补贴促就业"):
        assert word in page


def test_empty_log_renders(tmp_path):
    report = reports.build_report([], since=D1)
    assert report.totals.questions == 0
    assert "<svg" in reports.render_html(report)
    assert reports.render_unanswered_compact(report).endswith("没有答不上的问题。")
    assert yaml.safe_load(reports.faq_stubs(report.unanswered)) == []


def test_faq_stubs_are_valid_yaml_flagged_only_for_answer_and_clauses(report, tmp_path):
    from knowledge.base import normalize_question
    from knowledge.cli import all_problems

    kb = load_knowledge_or_raise(PACKAGE_DATA)
    options = reports.StubOptions(frozenset(e.id for e in kb.faq),
                                  frozenset(normalize_question(q) for e in kb.faq for q in e.questions))
    text = reports.faq_stubs(report.unanswered, options, today=D3)
    entries = yaml.safe_load(text)
    assert [len(e["questions"]) for e in entries] == [3, 1, 1]  # same-text forms once; the FAQ's own phrasing is left out
    assert options.skipped == [FAQ_PHRASING]
    for entry in entries:
        assert set(entry) == {"id", "questions", "answer", "clauses"}
        assert entry["answer"] == "" and entry["clauses"] == [] and entry["id"].startswith("todo-")
    assert entries[0]["questions"][0] == "公积金怎么提取？"
    # Stable ids: the same groups give the same ids tomorrow.
    assert reports.faq_stubs(report.unanswered, reports.StubOptions(options.existing_ids, options.existing_questions)
                             ).split("\n\n", 1)[1] == text.split("\n\n", 1)[1]

    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA, data)
    (data / "faq" / "zz_stubs.yaml").write_text(text, encoding="utf-8")
    problems = all_problems(data)
    assert problems, "staff must be told to fill the stubs in"
    assert {Path(p.file).name for p in problems} == {"zz_stubs.yaml"}
    messages = sorted(re.sub(r"“todo-[0-9a-f]+”", "ID", p.message) for p in problems)
    assert messages == sorted(["ID的回答（answer）是空的", "ID没有写依据的条款（clauses）"] * 3)


def test_policybot_report_command(db, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("POLICYBOT_CONFIG", raising=False)
    monkeypatch.setenv("POLICYBOT_DB", str(db))
    assert bot.main(["report", "--since", "2026-11-21", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert ["summary", "2026-11-21/2026-11-23", "", "questions", "8"] in rows
    assert not any(r[0] == "day" and r[1] == "2026-11-20" for r in rows)

    html_file = tmp_path / "report.html"
    assert bot.main(["report", "--format", "html", "-o", str(html_file)]) == 0
    assert html_file.read_text(encoding="utf-8").count("<svg") == 4

    assert bot.main(["report", "--faq-stubs"]) == 0
    assert len(yaml.safe_load(capsys.readouterr().out)) == 3

    assert bot.main(["report", "--since", "20.11.2026"]) == 2
    assert "日期请写成 2026-11-01 这样的格式" in capsys.readouterr().err
    monkeypatch.setenv("POLICYBOT_DB", str(tmp_path / "missing.sqlite3"))
    assert bot.main(["report"]) == 1
    assert "没有找到数据库" in capsys.readouterr().err
    assert not (tmp_path / "missing.sqlite3").exists()  # a report never creates the database
