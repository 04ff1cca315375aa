"""Unit tests of the Telegram channel's pure parts: splitting, rendering, kinds, URLs, logging."""

from __future__ import annotations

import html
import logging

import pytest
from telegram import Message
from telegram.ext import Application

from dialog.channels.telegram import (
    CHOOSE_TEXT,
    MAX_PART_CHARS,
    _command_text,
    _redact_token_in_logs,
    build_application,
    file_url_for,
    message_kind,
    render_reply,
    split_text,
)
from dialog.config import Settings
from dialog.messages import Button, Reply


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class NullEngine:
    async def handle(self, incoming: object) -> list[Reply]:
        return []


# ------------------------------------------------------------------------------ split_text


def test_short_text_is_one_part() -> None:
    assert split_text("第一行\n第二行") == ["第一行\n第二行"]


def test_split_on_line_boundaries_below_the_limit() -> None:
    lines = [f"{n:04d} " + "就业" * 20 for n in range(400)]
    text = "\n".join(lines)
    parts = split_text(text, limit=1000)
    assert len(parts) > 1
    assert all(utf16_len(html.escape(p, quote=False)) <= 1000 for p in parts)
    assert "\n".join(parts) == text


def test_limit_counts_the_escaped_text() -> None:
    text = "\n".join(["&&&&&&&&&&"] * 50)  # 10 characters, 50 once escaped, per line
    parts = split_text(text, limit=200)
    assert all(len(html.escape(p, quote=False)) <= 200 for p in parts)
    assert "\n".join(parts) == text


def test_a_line_longer_than_the_limit_is_cut_after_punctuation() -> None:
    sentence = "符合条件的高校毕业生可以申请一次性求职创业补贴。"
    line = sentence * 40
    parts = split_text(line, limit=300)
    assert "".join(parts) == line
    assert all(utf16_len(p) <= 300 for p in parts)
    assert all(p.endswith("。") for p in parts[:-1])


def test_a_line_without_any_break_is_cut_hard() -> None:
    line = "补" * 1000
    parts = split_text(line, limit=300)
    assert [len(p) for p in parts] == [300, 300, 300, 100]


def test_emoji_count_as_two_utf16_units() -> None:
    parts = split_text("😀" * 200, limit=100)
    assert all(utf16_len(p) <= 100 for p in parts)
    assert "".join(parts) == "😀" * 200


def test_empty_and_blank_text_give_no_parts() -> None:
    assert split_text("") == []
    assert split_text("\n\n  \n") == []


def test_default_limit_is_below_telegrams() -> None:
    assert MAX_PART_CHARS < 4096


# ------------------------------------------------------------------------------ render_reply


def test_render_escapes_html_and_puts_buttons_on_the_last_part() -> None:
    reply = Reply(
        "<script>alert(1)</script> & 补贴\n" * 400,
        buttons=((Button("是", "a:yes"), Button("否", "a:no")),),
    )
    rendered = render_reply(reply)
    assert len(rendered) > 1
    assert all(markup is None for _, markup in rendered[:-1])
    keyboard = rendered[-1][1]
    assert keyboard is not None
    assert [[(b.text, b.callback_data) for b in row] for row in keyboard.inline_keyboard] == [
        [("是", "a:yes"), ("否", "a:no")]
    ]
    assert all("<script>" not in text and "&lt;script&gt;" in text for text, _ in rendered)


def test_render_adds_the_link_as_a_line() -> None:
    [(text, markup)] = render_reply(Reply("详见原文", link="http://127.0.0.1:8080/?c=x&y=1"))
    assert text == "详见原文\n🔗 http://127.0.0.1:8080/?c=x&amp;y=1"
    assert markup is None


def test_render_buttons_without_text_get_a_prompt_and_nothing_gives_nothing() -> None:
    [(text, markup)] = render_reply(Reply("", buttons=((Button("退出", "q:exit"),),)))
    assert text == CHOOSE_TEXT and markup is not None
    assert render_reply(Reply("  \n")) == []


# ------------------------------------------------------------------------------ small helpers


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        (
            {
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                }
            },
            "sticker",
        ),
        ({"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}, "photo"),
        ({"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}}, "voice"),
        (
            {
                "video": {
                    "file_id": "v",
                    "file_unique_id": "v",
                    "width": 1,
                    "height": 1,
                    "duration": 2,
                }
            },
            "video",
        ),
        (
            {
                "animation": {
                    "file_id": "g",
                    "file_unique_id": "g",
                    "width": 1,
                    "height": 1,
                    "duration": 1,
                },
                "document": {"file_id": "g", "file_unique_id": "g"},
            },
            "video",
        ),
        ({"document": {"file_id": "d", "file_unique_id": "d", "file_name": "简历.pdf"}}, "file"),
        ({"location": {"latitude": 35.6, "longitude": 103.2}}, "location"),
        ({"contact": {"phone_number": "12333", "first_name": "人社"}}, "other"),
    ],
)
def test_message_kind(fields: dict, kind: str) -> None:
    data = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, **fields}
    assert message_kind(Message.de_json(data, None)) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/help", "/help"),
        ("/Help@linxia_bot", "/help"),
        ("/forget@bot  now ", "/forget now"),
        ("/cancel", "/cancel"),
    ],
)
def test_command_text_drops_the_bot_name(text: str, expected: str) -> None:
    data = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": text}
    assert _command_text(Message.de_json(data, None)) == expected


@pytest.mark.parametrize(
    ("base", "files"),
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org/file/bot"),
        ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot"),
        ("http://10.0.0.5/tg/bot{token}", "http://10.0.0.5/tg/file/bot{token}"),
        ("http://proxy.local/api", "http://proxy.local/api/file/bot"),
    ],
)
def test_file_url_follows_the_base_url(base: str, files: str) -> None:
    assert file_url_for(base) == files


def test_build_application_uses_base_url_rate_limiter_and_mode() -> None:
    settings = Settings(telegram_token="42:abc", telegram_base_url="http://127.0.0.1:8081/bot")
    polling = build_application(NullEngine(), settings)
    assert isinstance(polling, Application)
    assert polling.bot.base_url == "http://127.0.0.1:8081/bot42:abc"
    assert polling.bot.base_file_url == "http://127.0.0.1:8081/file/bot42:abc"
    assert polling.bot.rate_limiter is not None
    assert polling.updater is not None
    settings.telegram_mode = "webhook"
    assert build_application(NullEngine(), settings).updater is None
    with pytest.raises(ValueError, match="telegram_token"):
        build_application(NullEngine(), Settings())


def test_token_is_redacted_from_library_logs(caplog: pytest.LogCaptureFixture) -> None:
    token = "999:SECRET-token"
    _redact_token_in_logs(token)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info(
        'HTTP Request: POST %s "HTTP/1.1 200 OK"', f"https://api.telegram.org/bot{token}/getMe"
    )
    try:
        raise RuntimeError(f"failed at https://api.telegram.org/bot{token}/x")
    except RuntimeError:
        logging.getLogger("telegram.ext.Updater").exception("polling failed")
    assert token not in caplog.text
    assert "bot<token>/getMe" in caplog.text
