"""The staff report on a phone (issue 16, item 9): the HTML report at 360×740 in Chromium has
no sideways scrolling of the page and chart labels of at least 12 px as drawn; no internal id
(the finder's `__finder__`, a campaign's zh_ id) appears in the text, CSV or HTML.

The browser part uses Debian's Chromium through Playwright like tests/test_web_browser.py and is
skipped, saying why, where Chromium cannot run. POLICYBOT_SCREENSHOTS=docs/screenshots keeps
the README's screenshots (report-360.png, report-360-topics.png)."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from dialog import reports
from dialog.campaigns import campaign_id
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

FIRST = date(2026, 10, 1)
DAYS = 60
SPRING = "春季招聘"
CAMPAIGNS = (None, campaign_id(SPRING), "poster-2026-03", campaign_id("东乡县集市海报"), "wechat-post-11")
UNANSWERED = ("住房公积金能不能一次取完", "家里的羊生病了找谁", "考驾照在哪里报名", "养老保险断交了怎么办")


@pytest.fixture(scope="module")
def report() -> reports.Report:
    """Two months of a busy log: every campaign, the finder and six programs, every clause cited."""
    kb = load_knowledge_or_raise(PACKAGE_DATA)
    import eligibility

    labels = {p.id: p.label for p in eligibility.all_programs()}
    programs = [*sorted(labels)[:6], reports.FINDER_ID]
    clauses = sorted(kb.clauses)
    events: list[reports.LogEvent] = []
    for d in range(DAYS):
        day = FIRST + timedelta(days=d)
        for u in range(3 + (d * 7) % 19):
            ts = datetime(day.year, day.month, day.day, 9).timestamp() + u * 300
            key, campaign = f"u{d}-{u}", CAMPAIGNS[(d + u) % len(CAMPAIGNS)]
            events.append(reports.LogEvent(ts, key, campaign, "start"))
            for k in range((d + u) % 4):
                answered = (d + u + k) % 5 != 0
                clause = clauses[(d * 3 + u + k) % len(clauses)] if answered else None
                text = None if answered else UNANSWERED[(d + k) % len(UNANSWERED)]
                events.append(reports.LogEvent(ts + k + 1, key, campaign, "question", text, clause, None, answered))
            if (d + u) % 3 == 0:
                program = programs[(d + u) % len(programs)]
                events.append(reports.LogEvent(ts + 9, key, campaign, "questionnaire_started", program=program))
                if u % 2 == 0:
                    events.append(reports.LogEvent(ts + 10, key, campaign, "questionnaire_completed", program=program))
    titles = {cid: c.title for cid, c in kb.clauses.items()}
    return reports.build_report(events, titles=titles, program_labels=labels, words=list, top=12)


# ---------------------------------------------------------------- no internal ids


def test_no_internal_id_in_text_csv_or_html(report: reports.Report) -> None:
    assert any(p.program == reports.FINDER_ID for p in report.programs)
    assert any(c.campaign == campaign_id(SPRING) for c in report.campaigns)
    renderings = {"text": reports.render_text(report), "csv": reports.render_csv(report),
                  "html": reports.render_html(report), "stats": reports.render_stats_compact(report)}
    for name, text in renderings.items():
        assert reports.FINDER_ID not in text, name
        assert "zh_" not in text, name
        assert SPRING in text, name
    for name in ("text", "csv", "html"):
        assert reports.FINDER_LABEL in renderings[name], name


def test_the_finder_is_named_even_without_program_labels() -> None:
    event = reports.LogEvent(datetime(2026, 11, 2, 9).timestamp(), "k", None, "questionnaire_started",
                             program=reports.FINDER_ID)
    bare = reports.build_report([event])
    for text in (reports.render_text(bare), reports.render_csv(bare), reports.render_html(bare)):
        assert reports.FINDER_ID not in text and reports.FINDER_LABEL in text


def test_charts_scale_with_the_page_and_tables_scroll_by_themselves(report: reports.Report) -> None:
    page = reports.render_html(report)
    charts = re.findall(r"<svg [^>]*>", page)
    assert len(charts) == 4
    assert all(f'viewBox="0 0 {reports.CHART_WIDTH} ' in svg for svg in charts)
    assert ".chart{display:block;width:100%" in page
    assert page.count("<table>") == page.count("<div class='scroll'><table>") == 4
    # A long clause title is wrapped above its bar, never cut: every character is drawn.
    longest = max((reports._clause_label(c, 40) for c in report.clauses), key=len)
    drawn = "".join(re.findall(r">([^<>]*)</text>", page))
    assert longest.replace(" ", "") in drawn.replace(" ", "")


# ---------------------------------------------------------------- in Chromium, at 360×740

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}

MEASURE = """() => {
  const root = document.documentElement;
  const outside = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.scroll') || el.closest('svg')) continue;  // tables scroll inside their box
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > root.clientWidth + 0.5 || r.left < -0.5)) outside.push(el.tagName + ':' + el.textContent.slice(0, 20));
  }
  const charts = Array.from(document.querySelectorAll('svg.chart')).map(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const texts = Array.from(svg.querySelectorAll('text')).map(t => {
      const r = t.getBoundingClientRect();
      return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
              box: [r.left, r.top, r.right, r.bottom]};
    });
    const edge = svg.getBoundingClientRect();
    const clipped = texts.filter(t => t.box[2] > edge.right + 0.5 || t.box[0] < edge.left - 0.5).map(t => t.text);
    return {width: edge.width, texts, clipped};
  });
  const boxes = Array.from(document.querySelectorAll('.scroll')).map(s => s.getBoundingClientRect().right);
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, outside, charts, boxes,
          bodyFont: parseFloat(getComputedStyle(document.body).fontSize)};
}"""


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                                                 timeout=20_000)
        except Exception as exc:  # a browser that cannot start is an environment problem
            pytest.skip(f"chromium cannot start: {str(exc).splitlines()[0]}")
        try:
            yield browser
        finally:
            browser.close()


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def test_the_report_at_360_px_has_no_sideways_scrolling_and_legible_chart_labels(
        chromium, report: reports.Report, tmp_path: Path) -> None:  # noqa: ANN001 - a Playwright Browser
    page_file = tmp_path / "report.html"
    page_file.write_text(reports.render_html(report), encoding="utf-8")
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        m = page.evaluate(MEASURE)
        assert m["clientWidth"] == PHONE["width"]
        assert m["scrollWidth"] <= m["clientWidth"], "the page scrolls sideways"
        assert m["outside"] == []
        assert all(right <= PHONE["width"] + 0.5 for right in m["boxes"])
        assert len(m["charts"]) == 4
        for chart in m["charts"]:
            assert chart["width"] <= PHONE["width"]
            assert chart["clipped"] == []  # every label and value inside its chart
            small = [(t["text"], round(t["px"], 1)) for t in chart["texts"] if t["px"] < 12]
            assert small == [], small
            for i, a in enumerate(chart["texts"]):  # no label drawn over another
                for b in chart["texts"][i + 1:]:
                    assert not _overlap(a["box"], b["box"]), (a["text"], b["text"])
        assert m["bodyFont"] >= 16
        body = page.inner_text("body")
        assert reports.FINDER_ID not in body and "zh_" not in body and SPRING in body
        if os.environ.get("POLICYBOT_SCREENSHOTS"):
            folder = Path(os.environ["POLICYBOT_SCREENSHOTS"])
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / "report-360.png"))  # the first screen: numbers and a chart
            page.locator("h2", has_text="热门话题").evaluate("h2 => h2.scrollIntoView()")
            page.screenshot(path=str(folder / "report-360-topics.png"))  # topics and the campaign funnel
    finally:
        context.close()
