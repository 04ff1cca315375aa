"""What the web channel adds for the page (issue 16): the page's own words and the retention
period put into the page, and the two marks the page acts on in a chat response (the privacy
notice, a completed deletion). The page itself is tested in Chromium (test_web_browser.py)."""

from __future__ import annotations

import asyncio
import html
import json
import re

import pytest
from starlette.testclient import TestClient

from dialog.channels.web import create_app
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import ROLE_FORGOTTEN, ROLE_NOTICE, Button, Incoming, Reply
from dialog.texts import TEXT_FIELDS, load_texts
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

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
    """The marks come from the role the engine gives a reply, never from its wording."""
    engine = TextsEngine()
    privacy = TEXTS["privacy"].format(days=180, session_days="7")
    menu = ((Button(TEXTS["menu_ask"], "m:ask"),),)
    with TestClient(create_app(engine, Settings())) as client:
        engine.replies = [Reply(TEXTS["greeting"]), Reply(privacy, menu, role=ROLE_NOTICE)]
        body = client.post("/api/chat", json={"user": USER, "text": "/start"}).json()
        assert [r.get("role") for r in body["replies"]] == [None, "notice"]
        assert body["replies"][1]["buttons"][0][0]["label"] == TEXTS["menu_ask"]
        assert "forgotten" not in body

        engine.replies = [Reply(TEXTS["forget_done"], menu, role=ROLE_FORGOTTEN)]
        body = client.post("/api/chat", json={"user": USER, "action": "fg:yes", "kind": "button"}).json()
        assert body["forgotten"] is True and "role" not in body["replies"][0]

        # Replies with the very words of the notice or of the deletion, but no role, are not marked.
        engine.replies = [Reply(privacy), Reply(TEXTS["forget_done"])]
        body = client.post("/api/chat", json={"user": USER, "text": "隐私"}).json()
        assert [r.get("role") for r in body["replies"]] == [None, None] and "forgotten" not in body

        # Staff reword the notice: still marked, since the engine says what the reply is.
        engine.texts = {**engine.texts, "privacy": "关于您的信息：提问保存{days}天。"}
        engine.replies = [Reply("关于您的信息：提问保存180天。", role=ROLE_NOTICE)]
        body = client.post("/api/chat", json={"user": USER, "text": "/start"}).json()
        assert [r.get("role") for r in body["replies"]] == ["notice"]


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError):
        Reply("x", role="banner")


def test_the_engine_marks_the_notice_and_the_deletion(tmp_path) -> None:
    """The real engine: /start gives the notice its role, a confirmed deletion its own."""
    async def scenario() -> tuple[list[Reply], list[Reply]]:
        engine = await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"),
                                   kb=load_knowledge_or_raise(PACKAGE_DATA))
        started = await engine.handle(Incoming("web", "u1", "/start"))
        await engine.handle(Incoming("web", "u1", "删除我的记录"))
        deleted = await engine.handle(Incoming("web", "u1", "", action="fg:yes", kind="button"))
        await engine.close()
        return started, deleted

    started, deleted = asyncio.run(scenario())
    assert [r.role for r in started] == [None, ROLE_NOTICE]
    assert [r.role for r in deleted] == [ROLE_FORGOTTEN]


def test_an_engine_without_texts_uses_the_checked_file() -> None:
    class Plain:
        async def handle(self, incoming: Incoming) -> list[Reply]:
            return [Reply(TEXTS["forget_done"], role=ROLE_FORGOTTEN)]

    with TestClient(create_app(Plain(), Settings())) as client:
        assert page_texts(client.get("/").text)["read"] == TEXTS["page_read"]
        assert client.post("/api/chat", json={"user": USER, "text": "x"}).json()["forgotten"] is True
