"""The chat page in a real headless browser, as a resident on a phone would use it.

Debian's Chromium (`/usr/bin/chromium`) driven by Playwright; Playwright's own browser download
is not available here. The real app runs under uvicorn on a loopback port with a tiny scripted
engine (greeting, one answer, a two-step questionnaire, a result), so the test checks the page
and the web layer, not the real engine's wording.

Issue 16 (a resident on a real phone, older residents too) is checked here at 360×740: the
first screen, the conversation kept on the phone across reloads with the pending question's
buttons, 大字, 朗读 (the speech API stubbed), and 删除我的记录 clearing the page's copy.
POLICYBOT_SCREENSHOTS=DIR keeps the screenshots there (docs/screenshots/ holds the README's).

When Chromium is missing or cannot start, the tests are skipped and say why.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from dialog.channels.web import create_app
from dialog.config import Settings
from dialog.messages import Button, Incoming, Reply
from dialog.texts import load_texts

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is not installed")

# Debian's package; CHROMIUM_PATH overrides it (e.g. another distribution's path).
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
INJECTION = "<script>alert(1)</script>"
IMG_INJECTION = '<img src=x onerror="alert(2)">'

QUESTION = "见习补贴每月多少钱？"
CONTROLS = (Button("上一步", "q:back"), Button("重新开始", "q:restart"), Button("退出", "q:exit"))


class QuizEngine:
    """A stand-in for the conversation engine that behaves like a tiny questionnaire."""

    def __init__(self) -> None:
        self.received: list[Incoming] = []
        self.fail_once = False

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.received.append(incoming)
        action, text = incoming.action, incoming.text
        if self.fail_once:
            self.fail_once = False
            raise RuntimeError("database is unavailable")
        if action is None and text.startswith("/start"):
            return [
                Reply(
                    "您好！我是临夏就业政策助手，可以解答临州府发〔2019〕3号里的就业政策，"
                    "也可以帮您测一测能享受哪些补贴（结果仅为估算）。\n"
                    "我们只保存对话状态，不收集姓名和证件号。",
                    buttons=(
                        (Button("问政策", "m:ask"), Button("测一测我能享受哪些政策", "m:quiz")),
                        (Button("政策清单", "m:list"), Button("联系方式", "m:contact")),
                    ),
                )
            ]
        if action is None and text == QUESTION:
            await asyncio.sleep(0.4)  # long enough to see the typing indicator
            return [
                Reply(
                    "就业见习补贴：这是测试用的假回答，不是政策内容。\n"
                    "第二行用来检查换行。",
                    buttons=((Button("测一测我是否符合", "q:start:jx"),),),
                )
            ]
        if action == "q:start:jx":
            return [
                Reply(
                    "第1步/共2步\n您今年多大年龄？",
                    buttons=(
                        (Button("16–24岁", "q1:young"), Button("25–34岁", "q1:mid")),
                        (Button("35岁及以上", "q1:old"),),
                        CONTROLS,
                    ),
                )
            ]
        if action and action.startswith("q1:"):
            return [
                Reply(
                    "第2步/共2步\n您是否为离校2年内未就业的高校毕业生？",
                    buttons=((Button("是", "q2:yes"), Button("否", "q2:no")), CONTROLS),
                )
            ]
        if action == "q2:yes":
            return [
                Reply(
                    "测算结果：这是测试用的假结果。\n"
                    "第二行。\n第三行。",
                    buttons=((Button("继续提问", "m:ask"), Button("测测其他政策", "m:quiz")),),
                    link="https://example.org/apply",
                )
            ]
        if "<" in text:
            return [Reply(f"您输入的是：{text}"), Reply(IMG_INJECTION)]
        return [Reply(f"收到：{text}")]


@contextmanager
def serve(app) -> Iterator[str]:  # noqa: ANN001 - any ASGI app
    """Runs the app under uvicorn in a thread on a loopback port picked by the OS (the
    socket is bound here and handed over, so no other process can take the port meanwhile)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


def _launch_failure(exc: Exception) -> str:
    """Playwright's first line plus what the browser itself printed on stderr (the useful part:
    a missing library, a sandbox refusal …), without the long command line."""
    lines = str(exc).splitlines()
    errors: list[str] = []
    for line in lines:
        if "[err]" in line:
            text = line.split("[err]", 1)[1].strip()
            if text and text not in errors:
                errors.append(text)
    return "; ".join(([lines[0]] if lines else [type(exc).__name__]) + errors[:3])


def _skip(reason: str, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nSKIPPED browser test: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def _chromium() -> Iterator[object]:
    """One browser for the module (each test opens its own context: its own storage); a str
    when it cannot run, which `browser` turns into a visible skip."""
    if not CHROMIUM.exists():
        yield f"{CHROMIUM} not found (apt-get install chromium)"
        return
    with sync_api.sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                  args=CHROMIUM_ARGS, timeout=20_000)
        except Exception as exc:  # a browser that cannot start is an environment problem
            yield f"chromium cannot start: {_launch_failure(exc)}"
            return
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser(_chromium: object, capsys: pytest.CaptureFixture[str]):  # noqa: ANN201 - a Playwright Browser
    if isinstance(_chromium, str):
        _skip(_chromium, capsys)
    return _chromium


def phone(browser, *, user_agent: str | None = None, script: str | None = None):  # noqa: ANN001, ANN201
    """A new 360×740 touch phone (its own storage), optionally with WeChat's user agent and a
    script run before the page's own."""
    options: dict = {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True,
                     "has_touch": True, "locale": "zh-CN"}
    if user_agent:
        options["user_agent"] = user_agent
    context = browser.new_context(**options)
    context.set_default_timeout(8_000)
    if script:
        context.add_init_script(script)
    return context


def shot(page, tmp_path: Path, name: str, *, doc: bool = False) -> None:  # noqa: ANN001 - a Playwright Page
    """A screenshot of what the phone shows, into the test's folder; the README's (`doc`) into
    $POLICYBOT_SCREENSHOTS when that is set."""
    folder = Path(os.environ.get("POLICYBOT_SCREENSHOTS") or tmp_path) if doc else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name))


def on_screen(page, locator) -> bool:  # noqa: ANN001 - Playwright Page and Locator
    """The element is wholly inside the visible part of the chat log (no scrolling needed)."""
    box, view = locator.bounding_box(), page.locator("#log").bounding_box()
    return bool(box and view and box["y"] >= view["y"] - 0.5
                and box["y"] + box["height"] <= view["y"] + view["height"] + 0.5
                and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5)


def bubbles(page) -> list[str]:  # noqa: ANN001 - a Playwright Page
    """The conversation as shown: every user and bot bubble, errors and notes left out."""
    return page.locator("#log .row:not(.error):not(.typing) .bubble").all_inner_texts()


def stored(page, key: str) -> str | None:  # noqa: ANN001 - a Playwright Page
    return page.evaluate("key => window.localStorage.getItem(key)", key)


def speech_stub(*langs: str) -> str:
    """window.speechSynthesis replaced by a recorder whose voices have these languages."""
    return """(function () {
  var langs = __LANGS__, spoken = window.__spoken = [];
  window.__cancelled = 0;
  var synth = {
    getVoices: function () { return langs.map(function (l) { return {lang: l, name: 'stub ' + l}; }); },
    speak: function (u) { spoken.push(u); },
    cancel: function () { window.__cancelled++; },
    addEventListener: function () {}
  };
  Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();""".replace("__LANGS__", json.dumps(list(langs)))


WECHAT_UA = ("Mozilla/5.0 (Linux; Android 12; V2134A Build/SP1A.210812.003; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 "
             "MMWEBSDK/20230303 MMWEBID/1234 MicroMessenger/8.0.34.2340(0x2800223B) WeChat/arm64 "
             "Weixin NetType/WIFI Language/zh_CN ABI/arm64")
TEXTS = load_texts()
MENU = [TEXTS[key] for key in ("menu_ask", "menu_find", "menu_list", "menu_contact")]


def test_chat_page_on_a_phone(browser, tmp_path: Path) -> None:  # noqa: ANN001 - a Playwright Browser
    expect = sync_api.expect
    engine = QuizEngine()
    app = create_app(engine, Settings())

    with serve(app) as base:
        context = phone(browser)
        context.set_default_timeout(5_000)
        try:
            page = context.new_page()
            problems: list[str] = []
            dialogs: list[str] = []
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda msg: (
                    problems.append(f"console {msg.type}: {msg.text}")
                    if msg.type == "error"
                    else None
                ),
            )

            def on_dialog(dialog) -> None:  # noqa: ANN001 - a Playwright Dialog
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            log = page.locator("#log")

            # First visit: the page sends /start with the poster's campaign by itself.
            page.goto(f"{base}/?c=poster2026")
            greeting = log.locator(".row.bot .bubble").first
            expect(greeting).to_contain_text("您好！我是临夏就业政策助手")
            assert engine.received[0].text == "/start"
            assert engine.received[0].campaign == "poster2026"
            assert log.locator(".row.user").count() == 0, "/start is not shown as a user bubble"
            shot(page, tmp_path, "quiz-1-greeting.png")

            # A free question: user bubble, typing indicator, then the answer with line breaks.
            page.locator("#input").fill(QUESTION)
            page.locator("#input").press("Enter")
            expect(log.locator(".row.user .bubble").last).to_have_text(QUESTION)
            expect(log.locator(".typing")).to_be_visible()
            answer = log.locator(".row.bot .bubble", has_text="就业见习补贴")
            expect(answer).to_be_visible()
            expect(log.locator(".typing")).to_have_count(0)
            assert answer.inner_text().count("\n") >= 1, "line breaks in replies are kept"
            assert page.locator("#input").input_value() == ""

            # The questionnaire, by tapping buttons; each tap shows its label as the user's bubble.
            for label, expected in (
                ("测一测我是否符合", "第1步/共2步"),
                ("16–24岁", "第2步/共2步"),
                ("是", "测算结果"),
            ):
                button = log.locator("button.btn:not([disabled])", has_text=label).last
                box = button.bounding_box()
                assert box is not None and box["height"] >= 44, f"{label}: touch target {box}"
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
                    f"{label}: off screen"
                )
                button.tap()
                expect(log.locator(".row.user .bubble").last).to_have_text(label)
                expect(log.locator(".row.bot .bubble").last).to_contain_text(expected)
            pressed = [(i.kind, i.action, i.text) for i in engine.received if i.kind == "button"]
            assert pressed == [
                ("button", "q:start:jx", "测一测我是否符合"),
                ("button", "q1:young", "16–24岁"),
                ("button", "q2:yes", "是"),
            ]
            expect(log.locator("a.link")).to_have_attribute("href", "https://example.org/apply")
            # Answered questions cannot be answered twice.
            assert log.locator("button.btn.chosen[disabled]").count() == 3
            shot(page, tmp_path, "quiz-2-result.png")

            # Nothing sticks out sideways on a 360-px screen.
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"page is {width}px wide"
            for box in (b.bounding_box() for b in log.locator("button.btn").all()):
                assert box is not None and box["x"] + box["width"] <= PHONE["width"] + 0.5

            # Script in user text and in replies is shown as text, never run.
            page.locator("#input").fill(INJECTION)
            page.locator("#send").tap()
            expect(log.locator(".row.user .bubble").last).to_have_text(INJECTION)
            expect(log.locator(".row.bot .bubble").last).to_have_text(IMG_INJECTION)
            expect(log.locator(".row.bot .bubble", has_text="您输入的是：")).to_have_text(
                f"您输入的是：{INJECTION}"
            )
            assert log.locator("script, img").count() == 0
            page.wait_for_timeout(200)
            assert dialogs == [], f"a script ran: {dialogs}"

            # The server has a bad moment: a polite message with 重试, which resends the message.
            engine.fail_once = True
            page.locator("#input").fill("你好")
            page.locator("#send").tap()
            error = log.locator(".row.error")
            expect(error).to_contain_text("系统暂时有点忙")
            shot(page, tmp_path, "quiz-3-error.png")
            error.locator("button", has_text="重试").tap()
            expect(log.locator(".row.bot .bubble").last).to_have_text("收到：你好")
            expect(log.locator(".row.error")).to_have_count(0)
            assert [i.text for i in engine.received].count("你好") == 2
            assert log.locator(".row.user .bubble", has_text="你好").count() == 1
            shot(page, tmp_path, "quiz-4-chat.png")

            # A reload (WeChat's browser reloads often): the conversation comes back from the
            # phone's copy, without a second /start; the error and its 重试 are not kept.
            starts = sum(1 for i in engine.received if i.text == "/start")
            before = bubbles(page)
            page.reload()
            expect(log.locator(".note")).to_have_text(TEXTS["page_restored"])
            assert bubbles(page) == before
            assert log.locator(".row.error").count() == 0
            assert log.locator("script, img").count() == 0
            assert log.locator("a.link").get_attribute("href") == "https://example.org/apply"
            assert log.locator("button.btn.chosen[disabled]").count() == 3, "answered stays answered"
            page.wait_for_timeout(200)
            assert sum(1 for i in engine.received if i.text == "/start") == starts == 1
            assert dialogs == []

            # Without the copy (storage cleared, or past the retention period): a hint and 主菜单.
            page.evaluate("window.localStorage.removeItem('lxzc.log')")
            page.reload()
            expect(log.locator(".note")).to_contain_text(TEXTS["page_welcome"])
            shot(page, tmp_path, "quiz-5-return.png")
            page.wait_for_timeout(200)
            assert sum(1 for i in engine.received if i.text == "/start") == starts == 1
            assert len({i.user for i in engine.received}) == 1, "the page keeps one user id"
            log.locator(".note button", has_text=TEXTS["page_menu"]).tap()
            expect(log.locator(".row.bot .bubble").last).to_contain_text("您好！")
            last = engine.received[-1]
            assert (last.text, last.kind, last.campaign) == ("/start", "text", "poster2026")

            # Without fetch (old WebViews) the page falls back to XMLHttpRequest.
            old = context.new_page()
            old.add_init_script("window.fetch = undefined;")
            old.on("pageerror", lambda error: problems.append(f"page error (no fetch): {error}"))
            old.goto(base)
            old.locator("#input").fill("旧浏览器")
            old.locator("#send").tap()
            expect(old.locator("#log .row.bot .bubble").last).to_have_text("收到：旧浏览器")
            old.close()

            # The 503 above is logged by the browser as a failed load; anything else (a CSP
            # violation, a script error) is a defect.
            problems = [p for p in problems if "status of 503" not in p]
            assert problems == [], problems
        finally:
            context.close()


class LazyRealEngine:
    """The real conversation engine, opened on first use inside the server's own event loop
    (its SQLite connection belongs to that loop)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def handle(self, incoming: Incoming) -> list[Reply]:
        if self.engine is None:
            from dialog.engine import Engine

            self.loop = asyncio.get_running_loop()
            self.engine = await Engine.open(self.settings)
        return await self.engine.handle(incoming)

    def close(self) -> None:
        """Close the engine in the server's loop (called from the test's thread)."""
        if self.engine is not None and self.loop is not None and self.loop.is_running():
            asyncio.run_coroutine_threadsafe(self.engine.close(), self.loop).result(timeout=10)



@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real engine behind the real app, one server for the module's tests (each test is a
    new phone, so a new person)."""
    settings = Settings(db=tmp_path_factory.mktemp("real") / "bot.sqlite3", salt="browser-test")
    engine = LazyRealEngine(settings)
    with serve(create_app(engine, settings)) as base:
        try:
            yield base
        finally:
            engine.close()  # before the server (and its loop) stops


class Resident:
    """A person on a phone: types and taps like one, and waits for the bubble to appear."""

    def __init__(self, page) -> None:  # noqa: ANN001 - a Playwright Page
        self.page = page
        self.log = page.locator("#log")

    def send(self, text: str) -> None:
        self.page.locator("#input").fill(text)
        self.page.locator("#send").tap()
        sync_api.expect(self.log.locator(".row.user .bubble").last).to_have_text(text)

    def tap(self, label: str) -> None:
        self.log.locator("button.btn:not([disabled])", has_text=label).last.tap()
        sync_api.expect(self.log.locator(".row.user .bubble").last).to_have_text(label)

    def last_bot(self):  # noqa: ANN201 - a Playwright Locator
        return self.log.locator(".row.bot .bubble").last


def test_real_engine_questionnaire_by_tapping(browser, real_site: str, tmp_path: Path) -> None:  # noqa: ANN001
    """A resident on a phone: asks a question, then taps through the 就业见习 questionnaire of
    the real engine (as a host unit) to the estimate, typing the numbers."""
    expect = sync_api.expect
    context = phone(browser, script=speech_stub("zh-CN"))
    try:
        page = context.new_page()
        person = Resident(page)
        page.goto(f"{real_site}/?c=browser-test")
        expect(person.log.locator(".row.bot .bubble").first).to_contain_text("临州府发〔2019〕3号")

        person.send("见习补贴每人每月多少钱？")
        expect(person.log.locator(".row.bot .bubble", has_text="1000元").last).to_be_visible()
        person.tap(TEXTS["check_me"])
        expect(person.last_bot()).to_contain_text("第1步")
        shot(page, tmp_path, "2-question.png", doc=True)
        person.tap("接收见习人员的单位")
        person.tap("是")
        for number in ("3", "6"):
            expect(person.last_bot()).to_contain_text("请输入数字")
            person.send(number)
        person.tap("是")  # 见习期已满 (the 1200元 tier needs an achieved rate)
        expect(person.last_bot()).to_contain_text("请输入数字")
        person.send("2")
        result = person.log.locator(".row.bot .bubble", has_text="结果：")
        expect(result).to_contain_text("3人 × 6个月 × 1200元 = 21600元")
        expect(result).to_contain_text("结果仅供参考")
        box, view = result.bounding_box(), person.log.bounding_box()
        assert view["y"] <= box["y"] < view["y"] + view["height"] / 2, "a long result is shown from its start"
        shot(page, tmp_path, "3-result.png", doc=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"page is {width}px wide"
    finally:
        context.close()


@pytest.mark.parametrize("user_agent", [None, WECHAT_UA], ids=["chromium", "wechat"])
def test_first_screen_fits_greeting_and_the_four_main_buttons(
    browser, real_site: str, tmp_path: Path, user_agent: str | None  # noqa: ANN001
) -> None:
    """Issue 16, item 2: at 360×740 the greeting and 问政策 / 测一测 / 政策清单 / 联系方式 are
    visible without scrolling; the privacy notice is one line whose 全文 shows it all, with
    删除我的记录. With a Chinese voice (朗读 beside each bubble, so narrower bubbles) too."""
    expect = sync_api.expect
    context = phone(browser, user_agent=user_agent, script=None if user_agent else speech_stub("zh-CN"))
    try:
        page = context.new_page()
        page.goto(real_site)
        log = page.locator("#log")
        greeting = log.locator(".row.bot .bubble").first
        expect(greeting).to_contain_text(TEXTS["greeting"].splitlines()[0][:10])
        notice = log.locator(".notice")
        expect(notice.locator(".bubble")).to_contain_text(TEXTS["privacy"].split("{")[0])
        expect(log.locator("button.btn", has_text=MENU[-1])).to_be_visible()
        page.wait_for_timeout(100)
        shot(page, tmp_path, f"1-first-screen{'-wechat' if user_agent else ''}.png", doc=not user_agent)
        assert on_screen(page, greeting), "the greeting is on the first screen"
        for label in MENU:
            button = log.locator("button.btn", has_text=label).first
            assert on_screen(page, button), f"{label} needs scrolling"
            assert button.bounding_box()["height"] >= 44
        line = notice.locator(".bubble").bounding_box()["height"]
        assert line < 40, f"the privacy notice takes {line}px"
        expect(notice.locator(".forget")).to_be_hidden()

        notice.locator("button", has_text=TEXTS["page_more"]).tap()
        assert notice.locator(".bubble").bounding_box()["height"] > 3 * line, "全文 shows the whole notice"
        expect(notice.locator(".forget")).to_have_text(TEXTS["page_forget"])
        notice.locator("button", has_text=TEXTS["page_less"]).tap()
        assert notice.locator(".bubble").bounding_box()["height"] == line
    finally:
        context.close()


def test_reload_shows_the_conversation_and_the_pending_question_with_its_buttons(
    browser, real_site: str, tmp_path: Path  # noqa: ANN001
) -> None:
    """Issue 16, item 1: mid-questionnaire, a reload shows the recent conversation again and
    the question being answered with live buttons; tapping one goes on where it was."""
    expect = sync_api.expect
    context = phone(browser)
    try:
        page = context.new_page()
        person = Resident(page)
        page.goto(real_site)
        expect(person.log.locator(".row.bot .bubble").first).to_contain_text("临州府发〔2019〕3号")
        person.send("见习补贴每人每月多少钱？")
        expect(person.log.locator(".row.bot .bubble", has_text="1000元").last).to_be_visible()
        person.tap(TEXTS["check_me"])
        expect(person.last_bot()).to_contain_text("第1步")
        person.tap("接收见习人员的单位")
        expect(person.last_bot()).to_contain_text("第2步")
        before = bubbles(page)
        user = stored(page, "lxzc.user")

        page.reload()
        expect(person.log.locator(".note")).to_have_text(TEXTS["page_restored"])
        shot(page, tmp_path, "4-after-reload.png", doc=True)
        assert bubbles(page) == before
        assert stored(page, "lxzc.user") == user
        pending = person.log.locator(".row.bot").last
        expect(pending.locator(".bubble")).to_contain_text("第2步")
        live = pending.locator("button.btn:not([disabled])")
        assert live.count() >= 2 and on_screen(page, live.first), "the pending question's buttons are shown"
        for label in (TEXTS["check_me"], "接收见习人员的单位"):  # answered before the reload
            expect(person.log.locator("button.btn.chosen[disabled]", has_text=label)).to_have_count(1)
        person.tap("是")
        expect(person.last_bot()).to_contain_text("第3步")
    finally:
        context.close()


def test_the_resume_prompt_is_on_screen_after_the_greeting(browser, real_site: str) -> None:  # noqa: ANN001
    """Without the phone's copy, 主菜单 mid-questionnaire brings the greeting and 继续上次 /
    重新开始: the prompt is what the screen shows, not the greeting above it."""
    expect = sync_api.expect
    context = phone(browser)
    try:
        page = context.new_page()
        person = Resident(page)
        page.goto(real_site)
        person.tap(MENU[1])
        expect(person.last_bot()).to_contain_text("第1步")
        page.evaluate("window.localStorage.removeItem('lxzc.log')")
        page.reload()
        person.log.locator(".note button", has_text=TEXTS["page_menu"]).tap()
        resume = person.log.locator("button.btn:not([disabled])", has_text=TEXTS["resume_continue"])
        expect(resume).to_be_visible()
        assert on_screen(page, resume)
        resume.tap()
        expect(person.last_bot()).to_contain_text("第1步")
    finally:
        context.close()


def test_forgetting_clears_the_phone_copy_and_the_next_visit_is_a_first_one(
    browser, real_site: str  # noqa: ANN001
) -> None:
    """Issue 16, items 3 and 6: 删除我的记录 is a button (the notice's), its confirmation
    deletes the server's data and the page's copy and id; a reload greets as a first visit,
    never with 欢迎回来."""
    expect = sync_api.expect
    context = phone(browser)
    try:
        page = context.new_page()
        person = Resident(page)
        page.goto(real_site)
        person.send("见习补贴每人每月多少钱？")
        expect(person.log.locator(".row.bot .bubble", has_text="1000元").last).to_be_visible()
        old_user = stored(page, "lxzc.user")
        assert old_user and stored(page, "lxzc.log")

        notice = person.log.locator(".notice")
        notice.locator("button", has_text=TEXTS["page_more"]).tap()
        notice.locator(".forget").tap()
        expect(person.log.locator(".row.user .bubble").last).to_have_text(TEXTS["page_forget"])
        expect(person.last_bot()).to_have_text(TEXTS["forget_confirm"])
        person.log.locator("button.btn:not([disabled])", has_text=TEXTS["forget_yes"]).tap()
        expect(person.last_bot()).to_have_text(TEXTS["forget_done"])
        assert bubbles(page) == [TEXTS["forget_done"]], "the conversation is gone from the screen"
        assert stored(page, "lxzc.log") is None and stored(page, "lxzc.user") is None

        page.reload()
        expect(person.log.locator(".row.bot .bubble").first).to_contain_text(TEXTS["greeting"].splitlines()[0][:10])
        expect(person.log.locator(".note")).to_have_count(0)
        assert "欢迎回来" not in page.locator("#log").inner_text()
        assert stored(page, "lxzc.user") not in (None, old_user)
        assert len(bubbles(page)) == 2, "greeting and notice, nothing from before"
    finally:
        context.close()


@contextmanager
def quiz_site(**settings: object) -> Iterator[tuple[str, QuizEngine]]:
    engine = QuizEngine()
    with serve(create_app(engine, Settings(**settings))) as base:
        yield base, engine


def font_size(page, selector: str) -> float:  # noqa: ANN001 - a Playwright Page
    return page.evaluate("s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)", selector)


def test_big_text_switch_enlarges_the_text_and_persists(browser, tmp_path: Path) -> None:  # noqa: ANN001
    """Issue 16, item 5: 大字 makes the bubbles, buttons and input larger (computed sizes), is
    remembered across reloads, and switching it off is remembered too."""
    expect = sync_api.expect
    parts = (".row.bot .bubble", ".btn", "#input")
    with quiz_site() as (base, _engine):
        context = phone(browser)
        try:
            page = context.new_page()
            page.goto(base)
            switch = page.locator("#big")
            expect(page.locator("#log .row.bot .btn").first).to_be_visible()
            expect(switch).to_have_attribute("aria-checked", "false")
            expect(switch).to_contain_text(TEXTS["page_big"])
            normal = [font_size(page, part) for part in parts]
            switch.tap()
            expect(switch).to_have_attribute("aria-checked", "true")
            large = [font_size(page, part) for part in parts]
            for part, small, big in zip(parts, normal, large, strict=True):
                assert big >= small * 1.2, f"{part}: {small}px -> {big}px"
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

            page.reload()
            expect(page.locator("#log .note")).to_have_text(TEXTS["page_restored"])
            expect(switch).to_have_attribute("aria-checked", "true")
            assert [font_size(page, part) for part in parts] == large
            shot(page, tmp_path, "big-text.png", doc=True)

            switch.tap()
            page.reload()
            expect(page.locator("#log .note")).to_be_visible()
            expect(switch).to_have_attribute("aria-checked", "false")
            assert [font_size(page, part) for part in parts] == normal
        finally:
            context.close()


def test_read_aloud_speaks_a_bubble_with_a_chinese_voice(browser) -> None:  # noqa: ANN001
    """Issue 16, item 5: 朗读 beside each bot message reads it with the browser's speech
    synthesis (stubbed here) in the Chinese voice, in short pieces; tapped again it stops; it
    is hidden where there is no Chinese voice or no speech synthesis at all."""
    expect = sync_api.expect
    with quiz_site() as (base, _engine):
        context = phone(browser, script=speech_stub("en-US", "zh-CN"))
        try:
            page = context.new_page()
            page.goto(base)
            row = page.locator("#log .row.bot").first
            expect(row.locator(".bubble")).to_contain_text("您好")
            speak = row.locator(".speak")
            expect(speak).to_be_visible()
            expect(speak).to_have_text(TEXTS["page_read"])
            speak.tap()
            expect(speak).to_have_text(TEXTS["page_stop"])
            spoken = page.evaluate("window.__spoken.map(function (u) { return [u.text, u.lang, u.voice.lang, u.rate]; })")
            assert len(spoken) >= 2, "read in short pieces"
            assert {(lang, voice) for _, lang, voice, _ in spoken} == {("zh-CN", "zh-CN")}
            assert all(0.5 <= rate <= 1 for *_, rate in spoken), "read no faster than normal"
            text = "".join(piece for piece, *_ in spoken).replace(" ", "")
            assert text == row.locator(".bubble").inner_text().replace("\n", "").replace(" ", "")
            speak.tap()  # stop
            expect(speak).to_have_text(TEXTS["page_read"])
            assert page.evaluate("window.__cancelled") >= 1
            # Read to the end: the control goes back to 朗读 by itself.
            speak.tap()
            page.evaluate("var u = window.__spoken[window.__spoken.length - 1]; u.onend && u.onend();")
            expect(speak).to_have_text(TEXTS["page_read"])
        finally:
            context.close()

        for script in (speech_stub("en-US"), "delete window.speechSynthesis;"):
            context = phone(browser, script=script)
            try:
                page = context.new_page()
                page.goto(base)
                expect(page.locator("#log .row.bot .bubble").first).to_contain_text("您好")
                assert page.locator("#log .speak:visible").count() == 0, script
            finally:
                context.close()


def test_the_phone_copy_is_capped_and_dropped_after_the_retention_period(browser) -> None:  # noqa: ANN001
    """The copy kept on the phone holds the last 60 bubbles and is dropped once it has not been
    used for the idle-session period of the settings (`session_retention_days`), like the
    server's unfinished answers."""
    expect = sync_api.expect
    with quiz_site(session_retention_days=2) as (base, _engine):
        context = phone(browser)
        try:
            page = context.new_page()
            page.goto(base)
            expect(page.locator("#log .row.bot .bubble").first).to_contain_text("您好")
            assert page.locator("body").get_attribute("data-keep-days") == "2"
            write = """days => {
                var id = localStorage.getItem('lxzc.user'), rows = [];
                for (var i = 0; i < 100; i++) { rows.push({w: i % 2 ? 'b' : 'u', t: 'bubble ' + i}); }
                localStorage.setItem('lxzc.log', JSON.stringify({id: id, at: Date.now() - days * 864e5, rows: rows}));
            }"""
            page.evaluate(write, 1.5)
            page.reload()
            expect(page.locator("#log .note")).to_have_text(TEXTS["page_restored"])
            shown = bubbles(page)
            assert len(shown) == 60 and shown[0] == "bubble 40" and shown[-1] == "bubble 99"

            page.evaluate(write, 2.5)
            page.reload()
            expect(page.locator("#log .note")).to_contain_text(TEXTS["page_welcome"])
            assert bubbles(page) == [] and stored(page, "lxzc.log") is None
        finally:
            context.close()
