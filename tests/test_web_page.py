"""What the web channel adds for the page (issue 16): the page's own words and the retention
period put into the page, and the two marks the page acts on in a chat response (the privacy
notice, a completed deletion). The page itself is tested in Chromium (test_web_browser.py)."""

from __future__ import annotations

import html
import json
import re

from starlette.testclient import TestClient

from dialog.channels.web import create_app
from dialog.config import Settings
from dialog.messages import Button, Incoming, Reply
from dialog.texts import TEXT_FIELDS, load_texts

TEXTS = load_texts()
USER = "u_page-1234abcd"


class TextsEngine:
    """Answers with the replies it is given; has `texts` like the real engine (swapped on
    /reload)."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self.texts = dict(texts or TEXTS)
        self.replies: list[Reply] = []

    async def handle(self, incoming: Incoming) -> list[Reply]:
        return self.replies


def page_texts(page: str) -> dict[str, str]:
    value = re.search(r'data-texts="([^"]*)"', page)
    assert value, "the page carries its texts"
    return json.loads(html.unescape(value.group(1)))


def test_the_page_carries_its_words_and_the_retention_period() -> None:
    engine = TextsEngine()
    with TestClient(create_app(engine, Settings(session_retention_days=3))) as client:
        page = client.get("/").text
        assert 'data-keep-days="3"' in page and "__KEEP_DAYS__" not in page
        words = page_texts(page)
        assert set(words) == {key[5:] for key in TEXT_FIELDS if key.startswith("page_")}
        assert words["forget"] == TEXTS["page_forget"] and words["big"] == TEXTS["page_big"]

        # A staff edit taken live by /reload reaches the next page load; markup in it stays text.
        engine.texts = {**engine.texts, "page_big": '大字 "<b>&'}
        words = page_texts(client.get("/").text)
        assert words["big"] == '大字 "<b>&'
        assert "<b>" not in client.get("/").text


def test_the_privacy_notice_is_marked_and_a_deletion_is_announced() -> None:
    engine = TextsEngine()
    privacy = TEXTS["privacy"].format(days=180, session_days="7")
    menu = ((Button(TEXTS["menu_ask"], "m:ask"),),)
    with TestClient(create_app(engine, Settings())) as client:
        engine.replies = [Reply(TEXTS["greeting"]), Reply(privacy, menu)]
        body = client.post("/api/chat", json={"user": USER, "text": "/start"}).json()
        assert [r.get("role") for r in body["replies"]] == [None, "notice"]
        assert body["replies"][1]["buttons"][0][0]["label"] == TEXTS["menu_ask"]
        assert "forgotten" not in body

        engine.replies = [Reply(TEXTS["forget_done"], menu)]
        body = client.post("/api/chat", json={"user": USER, "action": "fg:yes", "kind": "button"}).json()
        assert body["forgotten"] is True and "role" not in body["replies"][0]

        # Replies that merely mention privacy, or quote the deletion text, are not marked.
        engine.replies = [Reply("隐私：" + privacy), Reply(TEXTS["forget_done"] + "（示例）")]
        body = client.post("/api/chat", json={"user": USER, "text": "隐私"}).json()
        assert [r.get("role") for r in body["replies"]] == [None, None] and "forgotten" not in body

        # Staff reword the notice: the new wording is recognised, the old one no longer.
        engine.texts = {**engine.texts, "privacy": "关于您的信息：提问保存{days}天。"}
        engine.replies = [Reply("关于您的信息：提问保存180天。"), Reply(privacy)]
        body = client.post("/api/chat", json={"user": USER, "text": "/start"}).json()
        assert [r.get("role") for r in body["replies"]] == ["notice", None]


def test_an_engine_without_texts_uses_the_checked_file() -> None:
    class Plain:
        async def handle(self, incoming: Incoming) -> list[Reply]:
            return [Reply(TEXTS["forget_done"])]

    with TestClient(create_app(Plain(), Settings())) as client:
        assert page_texts(client.get("/").text)["read"] == TEXTS["page_read"]
        assert client.post("/api/chat", json={"user": USER, "text": "x"}).json()["forgotten"] is True
