"""The chat page in a real headless browser, as a resident on a phone would use it.

Debian's Chromium (`/usr/bin/chromium`) driven by Playwright; Playwright's own browser download
is not available here. The real app runs under uvicorn on a loopback port with a tiny scripted
engine (greeting, one answer, a two-step questionnaire, a result), so the test checks the page
and the web layer, not the real engine's wording.

When Chromium is missing or cannot start, the test is skipped and says why.
"""

from __future__ import annotations

import asyncio
import contextlib
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


def test_chat_page_on_a_phone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not CHROMIUM.exists():
        _skip(f"{CHROMIUM} not found (apt-get install chromium)", capsys)
    expect = sync_api.expect
    engine = QuizEngine()
    app = create_app(engine, Settings())

    with serve(app) as base, sync_api.sync_playwright() as playwright:
        try:
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / "profile"),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport=PHONE,
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
                locale="zh-CN",
                timeout=20_000,
            )
        except Exception as exc:  # a browser that cannot start is an environment problem
            _skip(f"chromium cannot start: {_launch_failure(exc)}", capsys)
        context.set_default_timeout(5_000)
        try:
            page = context.pages[0] if context.pages else context.new_page()
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
            page.screenshot(path=str(tmp_path / "1-greeting.png"))

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
            page.screenshot(path=str(tmp_path / "2-result.png"))

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
            page.screenshot(path=str(tmp_path / "3-error.png"))
            error.locator("button", has_text="重试").tap()
            expect(log.locator(".row.bot .bubble").last).to_have_text("收到：你好")
            expect(log.locator(".row.error")).to_have_count(0)
            assert [i.text for i in engine.received].count("你好") == 2
            assert log.locator(".row.user .bubble", has_text="你好").count() == 1
            page.screenshot(path=str(tmp_path / "4-chat.png"))

            # A return visit: no second /start, nothing restored but a hint.
            starts = sum(1 for i in engine.received if i.text == "/start")
            page.reload()
            expect(log.locator(".note")).to_contain_text("欢迎回来")
            page.screenshot(path=str(tmp_path / "5-return.png"))
            page.wait_for_timeout(200)
            assert sum(1 for i in engine.received if i.text == "/start") == starts == 1
            assert len({i.user for i in engine.received}) == 1, "the page keeps one user id"
            log.locator(".note button", has_text="主菜单").tap()
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
    print(f"screenshots in {tmp_path}")


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


def test_real_engine_questionnaire_by_tapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A resident on a phone: asks a question, then taps through the 就业见习 questionnaire of
    the real engine (as a host unit) to the estimate, typing the numbers."""
    if not CHROMIUM.exists():
        _skip(f"{CHROMIUM} not found (apt-get install chromium)", capsys)
    expect = sync_api.expect
    settings = Settings(db=tmp_path / "bot.sqlite3", salt="browser-test")
    engine = LazyRealEngine(settings)
    app = create_app(engine, settings)
    with serve(app) as base, contextlib.ExitStack() as cleanup, sync_api.sync_playwright() as playwright:
        cleanup.callback(engine.close)  # before the server (and its loop) stops
        try:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # a browser that cannot start is an environment problem
            _skip(f"chromium cannot start: {_launch_failure(exc)}", capsys)
        try:
            context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                          has_touch=True, locale="zh-CN")
            context.set_default_timeout(8_000)
            page = context.new_page()
            log = page.locator("#log")
            page.goto(f"{base}/?c=browser-test")
            expect(log.locator(".row.bot .bubble").first).to_contain_text("临州府发〔2019〕3号")

            def send(text: str) -> None:
                page.locator("#input").fill(text)
                page.locator("#send").tap()
                expect(log.locator(".row.user .bubble").last).to_have_text(text)

            def tap(label: str) -> None:
                log.locator("button.btn:not([disabled])", has_text=label).last.tap()
                expect(log.locator(".row.user .bubble").last).to_have_text(label)

            send("见习补贴每人每月多少钱？")
            expect(log.locator(".row.bot .bubble", has_text="1000元").last).to_be_visible()
            tap("测一测我是否符合")
            expect(log.locator(".row.bot .bubble").last).to_contain_text("第1步")
            tap("接收见习人员的单位")
            tap("是")
            for number in ("3", "6", "2"):
                expect(log.locator(".row.bot .bubble").last).to_contain_text("请输入数字")
                send(number)
            result = log.locator(".row.bot .bubble", has_text="结果：")
            expect(result).to_contain_text("3人 × 6个月 × 1200元 = 21600元")
            expect(result).to_contain_text("结果仅供参考")
            page.screenshot(path=str(tmp_path / "real-engine-result.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"page is {width}px wide"
        finally:
            browser.close()
