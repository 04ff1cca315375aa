"""Two `policybot run` processes on one PostgreSQL database (issue 17): a resident whose
messages alternate between them walks a questionnaire exactly as with one process (same
replies, progress one step at a time, the same result); a WeChat retry of a message sent to
the other process is answered with the first one's reply and the step runs once; `policybot
forget` run against the database is honoured by both processes at once.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from dialog.channels.wechat import sign

ROOT = Path(__file__).resolve().parents[1]
SALT = "multiprocess-salt-0123456789abcdef"
WECHAT_TOKEN = "multiprocessToken2026"
STEP_RE = re.compile(r"（第(\d+)步(?:/共|，最多)(\d+)步）")
PROGRAM = "p:internship"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bot:
    """`policybot run` in a child process on the shared database."""

    def __init__(self, url: str, folder: Path, name: str) -> None:
        self.port = free_port()
        self.log = folder / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
        env.update(POLICYBOT_DB=url, POLICYBOT_SALT=SALT, POLICYBOT_PORT=str(self.port), PYTHONUNBUFFERED="1",
                   POLICYBOT_WECHAT_TOKEN=WECHAT_TOKEN, POLICYBOT_RATE_LIMIT_PER_MINUTE="0",
                   POLICYBOT_DB_POOL_SIZE="4")
        self.stream = self.log.open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stdout=self.stream,
                                     stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"the bot did not start: {self.log.read_text()[-3000:]}")

    def chat(self, user: str, text: str = "", action: str | None = None) -> list[dict]:
        body: dict = {"user": user, "text": text}
        if action:
            body["action"] = action
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/chat", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.loads(r.read())["replies"]

    def wechat(self, xml: bytes, timestamp: str, nonce: str) -> str:
        query = urlencode({"signature": sign(WECHAT_TOKEN, timestamp, nonce), "timestamp": timestamp,
                           "nonce": nonce})
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/wechat?{query}", xml,
                                         {"Content-Type": "text/xml"})
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.read().decode()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.stream.close()


@pytest.fixture(scope="module")
def bots(pg_cluster, tmp_path_factory):
    name = "multiprocess"
    pg_cluster.psql(f"CREATE DATABASE {name}")
    url = pg_cluster.url.replace(f"/{pg_cluster.database}?", f"/{name}?")
    folder = tmp_path_factory.mktemp("bots")
    started = [Bot(url, folder, "a"), Bot(url, folder, "b")]
    try:
        for bot in started:
            bot.wait_ready()
        yield url, started
    finally:
        for bot in started:
            bot.stop()


def _texts(replies: list[dict]) -> str:
    return "\n".join(r["text"] for r in replies)


def _next_message(replies: list[dict]) -> dict:
    """The resident's next move: the second answer button (the path that asks the most
    questions of the internship questionnaire), else the only one, else a typed number."""
    answers = [button["action"] for reply in replies for row in reply.get("buttons", []) for button in row
               if button["action"].startswith("a:")]
    if answers:
        return {"action": answers[min(1, len(answers) - 1)]}
    return {"text": "28"}


def walk(route: list[Bot], user: str, limit: int = 30) -> tuple[list[str], list[int]]:
    """A questionnaire from its start to its result, message i going to route[i % len]."""
    replies = route[0].chat(user, action=PROGRAM)
    seen, steps = [_texts(replies)], []
    for i in range(1, limit):
        found = STEP_RE.search(_texts(replies))
        if found is None:
            break
        steps.append(int(found.group(1)))
        replies = route[i % len(route)].chat(user, **_next_message(replies))
        seen.append(_texts(replies))
    return seen, steps


def test_a_questionnaire_alternating_between_two_processes_is_the_same_as_on_one(bots) -> None:
    _, (a, b) = bots
    alone, alone_steps = walk([a], "resident-alone-0001")
    alternating, steps = walk([a, b], "resident-alternating-0001")
    assert len(steps) >= 3, alone
    assert steps == list(range(1, len(steps) + 1)), f"progress jumped: {steps}"
    assert steps == alone_steps
    assert alternating == alone  # every reply, the result included
    assert STEP_RE.search(alternating[-1]) is None  # it ended in a result


def test_the_same_persons_messages_sent_to_both_at_once_run_one_after_the_other(bots) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _, (a, b) = bots
    user = "resident-double-tap-01"
    first = a.chat(user, action=PROGRAM)
    move = _next_message(first)
    with ThreadPoolExecutor(2) as pool:  # a double tap of the same answer, one on each process
        results = list(pool.map(lambda bot: _texts(bot.chat(user, **move)), (a, b)))
    found = [int(m.group(1)) for m in (STEP_RE.search(t) for t in results) if m]
    # One tap answered question 1; the other was read in the state the first left behind (its
    # button now belongs to a past question), so the two replies differ. Run side by side, both
    # would have answered question 1 from the same state and given the very same reply.
    assert found == [2, 2], results
    assert results[0] != results[1], results


def test_a_wechat_retry_on_the_other_process_is_answered_once(bots) -> None:
    _, (a, b) = bots
    openid = "oMultiProcessResident0001"
    xml = (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
           f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           "<Content><![CDATA[见习补贴一个月给多少钱]]></Content><MsgId>7700000000000001</MsgId></xml>").encode()
    first = a.wechat(xml, str(int(time.time())), "111")
    retry = b.wechat(xml, str(int(time.time())), "222")  # WeChat's retry, routed to the other process
    assert "<Content>" in first and first.split("<Content>")[1] == retry.split("<Content>")[1]
    # The step ran once: one question in the log for this person.
    a_more = a.wechat(xml.replace(b"7700000000000001", b"7700000000000002"), str(int(time.time())), "333")
    assert "<Content>" in a_more
    url, _ = bots
    assert _count_events(url, openid) == 2  # two distinct messages, the retry not counted again


def _count_events(url: str, openid: str) -> int:
    import asyncio

    from dialog.storage import open_store

    async def count() -> int:
        store = await open_store(url, SALT)
        try:
            return await store.count("events", store.user_key("wechat", openid))
        finally:
            await store.close()

    return asyncio.run(count())


def test_policybot_forget_is_honoured_by_both_processes_at_once(bots) -> None:
    url, (a, b) = bots
    user = "resident-forget-000001"
    a.chat(user, action=PROGRAM)
    moved = b.chat(user, **_next_message(a.chat(user, text="继续")))  # a questionnaire under way
    assert STEP_RE.search(_texts(moved)) is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    env.update(POLICYBOT_DB=url, POLICYBOT_SALT=SALT)
    done = subprocess.run([sys.executable, "-m", "bot", "forget", user, "--channel", "web"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "deleted web user" in done.stdout, done.stderr
    for bot in (a, b):  # neither process remembers the questionnaire
        replies = bot.chat(user, text="继续")
        assert STEP_RE.search(_texts(replies)) is None, _texts(replies)
    assert _count_events(url, "never-seen") == 0


def _wechat_text(bot: Bot, openid: str, content: str, msg_id: int) -> str:
    """A follower's text message to `bot`; the reply's Content ('' for `success`)."""
    from xml.etree.ElementTree import fromstring

    now = str(int(time.time()))
    xml = (f"<xml><ToUserName><![CDATA[gh_test]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
           f"<CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>").encode()
    answer = bot.wechat(xml, now, str(msg_id))
    return "" if answer == "success" else (fromstring(answer).findtext("Content") or "")


def test_a_long_wechat_reply_pages_on_the_other_process(bots) -> None:
    """A side question asked in the finder, then 查看原文 of its clause (第十条, the longest) with the
    finder's question asked again after it, is longer than one WeChat message: its pages are asked
    for on alternating processes."""
    from test_wechat import options_of

    from dialog.channels.wechat import MAX_REPLY_BYTES, MORE_NOTE, MORE_WORD

    _, (a, b) = bots
    openid = "oMultiProcessPager0001"
    ids = iter(range(7700000000100000, 7700000000200000))
    _wechat_text(a, openid, "测一测", next(ids))
    _wechat_text(b, openid, "1", next(ids))
    _wechat_text(a, openid, "各级政府的就业工作责任是啥", next(ids))
    content = _wechat_text(b, openid, "查看原文", next(ids))
    assert MORE_NOTE in content, f"the reply now fits in one message; this test needs a longer reply:\n{content}"
    pages = [content]
    bot = b
    while MORE_NOTE in pages[-1] and len(pages) < 5:
        bot = a if bot is b else b  # each 更多 on the process that did not send the page before
        pages.append(_wechat_text(bot, openid, MORE_WORD, next(ids)))
    assert len(pages) >= 2 and MORE_NOTE not in pages[-1], pages
    assert all(len(p.encode()) <= MAX_REPLY_BYTES for p in pages)
    first_body, second_body = pages[0].split("\n\n")[0], pages[1].split("\n\n")[0]
    assert second_body and second_body not in first_body  # page 2 goes on, not a repeat
    assert options_of(pages[0]) == options_of(pages[-1])  # the same options under every page
    # After the pages, 更多 is an ordinary message again (the engine answers it, no page).
    assert MORE_NOTE not in _wechat_text(a if bot is b else b, openid, MORE_WORD, next(ids))
