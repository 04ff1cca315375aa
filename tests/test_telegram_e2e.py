"""The Telegram channel end to end: the real python-telegram-bot against a local fake Bot API.

No network: `FakeBotApi` listens on 127.0.0.1, the application is pointed at it through
`Settings.telegram_base_url`, and the engine is a fake that records what reaches it. Each test
waits on recorded calls (condition variables), never on fixed sleeps, and always shuts the
application down.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
from collections.abc import Awaitable, Callable

import httpx
import pytest
from fake_bot_api import (
    TEST_TOKEN,
    FakeBotApi,
    callback_update,
    location_update,
    message_update,
    photo_update,
    sticker_update,
)
from starlette.applications import Starlette
from starlette.testclient import TestClient
from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application

from dialog.channels.telegram import (
    BUSY_TEXT,
    MAX_WEBHOOK_BYTES,
    WEBHOOK_PATH,
    build_application,
    start_telegram,
    stop_telegram,
    webhook_route,
)
from dialog.config import Settings
from dialog.messages import Button, Incoming, Reply

SECRET = "s3cret-webhook-token"
MENU = (
    (Button("问政策", "m:ask"), Button("测一测我能享受哪些政策", "m:check")),
    (Button("政策清单", "m:list"), Button("联系方式", "m:contact")),
)
CHECK = ((Button("测一测我是否符合", "q:start:jianxi"),),)
LONG_TEXT = "\n".join(
    f"第{n}条 <b>见习补贴</b> & 一次性求职创业补贴，按月发放，最长12个月。" for n in range(1, 301)
)
BUSY_WORD = "坏了"


class FakeEngine:
    """Records every `Incoming` and answers from a script, like the real engine would."""

    def __init__(self) -> None:
        self.incoming: list[Incoming] = []
        self.slow_first = False

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.incoming.append(incoming)
        if self.slow_first and len(self.incoming) == 1:
            await asyncio.sleep(0.15)  # a slow first turn must not let the second overtake it
        if incoming.kind == "button":
            return [
                Reply(
                    f"您选择了：{incoming.text}（第1步/共5步）",
                    buttons=((Button("退出", "q:exit"),),),
                )
            ]
        if incoming.kind != "text":
            return [Reply(f"抱歉，我暂时看不懂{incoming.kind}。请直接输入文字问题。")]
        if incoming.text.startswith("/start"):
            return [Reply("您好！我是临夏就业政策助手，结果仅供参考。", buttons=MENU)]
        if incoming.text == "长":
            return [Reply(LONG_TEXT, buttons=((Button("继续提问", "m:ask"),),))]
        if incoming.text == BUSY_WORD:
            raise RuntimeError("database is unavailable")
        return [
            Reply(
                f"关于“{incoming.text}”：补贴 <按月发放> & 最长12个月。",
                buttons=CHECK,
                link="https://example.org/p",
            )
        ]


def markup_json(rows: tuple[tuple[Button, ...], ...]) -> dict:
    return {
        "inline_keyboard": [
            [{"text": b.label, "callback_data": b.action} for b in row] for row in rows
        ]
    }


def settings_for(base_url: str, **overrides: object) -> Settings:
    settings = Settings(telegram_token=TEST_TOKEN, telegram_base_url=base_url, salt="test-salt")
    for key, value in overrides.items():
        setattr(settings, key, value)
    return settings


def run_bot(
    api: FakeBotApi,
    engine: FakeEngine,
    body: Callable[[Application], Awaitable[None]],
    **overrides: object,
) -> None:
    """Start the bot on the fake API, run the test body in the same loop, always shut down."""

    async def main() -> None:
        settings = settings_for(api.base_url, **overrides)
        application = build_application(engine, settings)
        await start_telegram(application, settings)
        try:
            await body(application)
        finally:
            await stop_telegram(application)

    asyncio.run(asyncio.wait_for(main(), timeout=20))


@pytest.fixture
def api() -> FakeBotApi:
    with FakeBotApi() as server:
        yield server


def last_message_id(api: FakeBotApi, chat_id: int) -> int:
    return max(mid for mid, msg in api.messages.items() if msg["chat"]["id"] == chat_id)


# ------------------------------------------------------------------------------ polling


def test_text_message_gets_escaped_html_and_inline_keyboard(api: FakeBotApi) -> None:
    engine = FakeEngine()

    async def body(application: Application) -> None:
        api.push_update(message_update(1001, text="见习补贴多少"))
        await api.wait_for_async("sendMessage", chat_id=1001)

    run_bot(api, engine, body)
    assert engine.incoming == [Incoming(channel="telegram", user="1001", text="见习补贴多少")]
    [sent] = api.sent_to(1001)
    assert sent["parse_mode"] == "HTML"
    assert (
        sent["text"]
        == "关于“见习补贴多少”：补贴 &lt;按月发放&gt; &amp; 最长12个月。\n🔗 https://example.org/p"
    )
    assert sent["reply_markup"] == markup_json(CHECK)
    assert sent["link_preview_options"] == {"is_disabled": True}
    methods = [call.method for call in api.calls]
    assert methods[0] == "getMe" and "deleteWebhook" in methods  # polling bootstrap


def test_text_with_invisible_and_control_characters_reaches_the_engine_cleaned(
    api: FakeBotApi,
) -> None:
    engine = FakeEngine()

    async def body(application: Application) -> None:
        api.push_update(message_update(1004, text="创业\u200b担保\x02贷款\u2066\t额度\ufeff"))
        await api.wait_for_async("sendMessage", chat_id=1004)

    run_bot(api, engine, body)
    assert engine.incoming == [Incoming(channel="telegram", user="1004", text="创业担保贷款 额度")]
    [sent] = api.sent_to(1004)
    assert sent["text"].startswith("关于“创业担保贷款 额度”")


def test_start_deep_link_carries_the_campaign_and_commands_reach_the_engine(
    api: FakeBotApi,
) -> None:
    engine = FakeEngine()

    async def body(application: Application) -> None:
        api.push_update(message_update(1002, text="/start poster2026"))
        await api.wait_for_async("sendMessage", chat_id=1002)
        api.push_update(message_update(1002, text="/start"))
        api.push_update(message_update(1002, text="/help@linxia_policy_test_bot"))
        api.push_update(message_update(1002, text="/forget"))
        api.push_update(message_update(1002, text="/cancel"))
        await api.wait_for_async("sendMessage", 5, chat_id=1002)

    run_bot(api, engine, body)
    first = engine.incoming[0]
    assert (first.text, first.campaign, first.kind) == ("/start poster2026", "poster2026", "text")
    assert [(i.text, i.campaign) for i in engine.incoming[1:]] == [
        ("/start", None),
        ("/help", None),
        ("/forget", None),
        ("/cancel", None),
    ]
    menu = api.sent_to(1002)[0]
    assert menu["reply_markup"] == markup_json(MENU)
    assert len(menu["reply_markup"]["inline_keyboard"]) == 2


def test_button_press_is_answered_keyboard_removed_and_label_passed(api: FakeBotApi) -> None:
    engine = FakeEngine()

    async def body(application: Application) -> None:
        api.push_update(message_update(1003, text="见习补贴"))
        await api.wait_for_async("sendMessage", chat_id=1003)
        question_id = last_message_id(api, 1003)
        stale_press = callback_update(api, 1003, question_id, "q:start:jianxi", query_id="cq-1")
        api.push_update(stale_press)
        await api.wait_for_async("sendMessage", 2, chat_id=1003)
        # A second tap on the same keyboard, delivered before the keyboard vanished.
        stale_press["callback_query"]["id"] = "cq-2"
        api.push_update(stale_press)
        await api.wait_for_async("answerCallbackQuery", callback_query_id="cq-2")
        api.push_update(message_update(1003, text="还有别的吗"))  # same user: runs after the tap
        await api.wait_for_async("sendMessage", 3, chat_id=1003)

    run_bot(api, engine, body)
    press = engine.incoming[1]
    assert (press.kind, press.action, press.text, press.user) == (
        "button",
        "q:start:jianxi",
        "测一测我是否符合",
        "1003",
    )
    assert [i.kind for i in engine.incoming] == [
        "text",
        "button",
        "text",
    ]  # the double tap is dropped

    methods = [c.method for c in api.calls if c.method != "getMe"]
    answer = methods.index("answerCallbackQuery")
    edit = methods.index("editMessageReplyMarkup")
    reply = [i for i, m in enumerate(methods) if m == "sendMessage"][1]
    assert answer < edit < reply  # answered first, keyboard removed, then the engine's reply
    [edit_call] = api.calls_of("editMessageReplyMarkup")
    assert edit_call.params["chat_id"] == 1003 and "reply_markup" not in edit_call.params
    assert "reply_markup" not in api.messages[edit_call.params["message_id"]]
    assert [c.params["callback_query_id"] for c in api.calls_of("answerCallbackQuery")] == [
        "cq-1",
        "cq-2",
    ]
    assert api.sent_to(1003)[1]["text"] == "您选择了：测一测我是否符合（第1步/共5步）"


def test_photos_stickers_and_locations_reach_the_engine_without_text(api: FakeBotApi) -> None:
    engine = FakeEngine()

    async def body(application: Application) -> None:
        api.push_update(photo_update(1004))
        await api.wait_for_async("sendMessage", chat_id=1004)
        api.push_update(sticker_update(1004))
        await api.wait_for_async("sendMessage", 2, chat_id=1004)
        api.push_update(location_update(1004))
        await api.wait_for_async("sendMessage", 3, chat_id=1004)

    run_bot(api, engine, body)
    assert [(i.kind, i.text) for i in engine.incoming] == [
        ("photo", ""),
        ("sticker", ""),
        ("location", ""),
    ]
    assert api.sent_to(1004)[0]["text"] == "抱歉，我暂时看不懂photo。请直接输入文字问题。"


def test_long_reply_is_split_below_4096_on_lines_with_buttons_last(api: FakeBotApi) -> None:
    engine = FakeEngine()
    assert len(LONG_TEXT) > 9000
    keyboard = markup_json(((Button("继续提问", "m:ask"),),))

    async def body(application: Application) -> None:
        api.push_update(message_update(1005, text="长"))
        await api.wait_for_async("sendMessage", chat_id=1005, reply_markup=keyboard)

    run_bot(api, engine, body)
    parts = api.sent_to(1005)
    assert len(parts) >= 3
    for part in parts:
        assert part["parse_mode"] == "HTML"
        assert len(part["text"]) < 4096  # escaped payload, so the parsed text is shorter still
        assert "<b>" not in part["text"] and "&lt;b&gt;见习补贴&lt;/b&gt; &amp;" in part["text"]
    assert [("reply_markup" in p) for p in parts] == [False] * (len(parts) - 1) + [True]
    # Joined back with newlines, the parts are exactly the text: every cut was at a line end.
    assert "\n".join(html.unescape(p["text"]) for p in parts) == LONG_TEXT


def test_engine_failure_apologises_in_chinese_and_logs_no_secrets(
    api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    engine = FakeEngine()
    caplog.set_level(logging.INFO)  # httpx logs each request URL (with the token) at INFO

    async def body(application: Application) -> None:
        api.push_update(message_update(7654321, text=BUSY_WORD))
        await api.wait_for_async("sendMessage", chat_id=7654321)

    run_bot(api, engine, body)
    assert api.sent_to(7654321)[0]["text"] == BUSY_TEXT
    errors = [
        r for r in caplog.records if r.name == "dialog.channels.telegram" and r.levelno == logging.ERROR
    ]
    assert errors and "RuntimeError: database is unavailable" in errors[0].getMessage()
    assert any("HTTP Request" in r.getMessage() for r in caplog.records)  # the httpx lines exist…
    assert TEST_TOKEN not in caplog.text  # …but the token is redacted from them
    assert "7654321" not in caplog.text and BUSY_WORD not in caplog.text


def test_group_chats_are_ignored(api: FakeBotApi) -> None:
    engine = FakeEngine()

    async def body(application: Application) -> None:
        api.push_update(message_update(1006, text="群里的问题", chat_type="group"))
        api.push_update(message_update(1006, text="私聊的问题"))
        await api.wait_for_async("sendMessage", chat_id=1006)

    run_bot(api, engine, body)
    assert [i.text for i in engine.incoming] == ["私聊的问题"]
    assert len(api.calls_of("sendMessage")) == 1


def test_users_are_served_concurrently_but_each_users_turns_in_order(api: FakeBotApi) -> None:
    engine = FakeEngine()
    engine.slow_first = True

    async def body(application: Application) -> None:
        api.push_update(message_update(2001, text="第一句"))  # slow in the engine
        api.push_update(message_update(2001, text="第二句"))
        for user in range(3001, 3006):
            api.push_update(message_update(user, text=f"用户{user}"))
        await api.wait_for_async("sendMessage", 7)

    run_bot(api, engine, body)
    assert [p["text"][:9] for p in api.sent_to(2001)] == ["关于“第一句”：补", "关于“第二句”：补"]
    for user in range(3001, 3006):
        [sent] = api.sent_to(user)
        assert f"用户{user}" in sent["text"]
    # The other users were not held up behind the slow turn.
    order = [c.params["chat_id"] for c in api.calls_of("sendMessage")]
    assert order.index(3001) < order.index(2001)


# ------------------------------------------------------------------------------ webhook


def test_webhook_mode_end_to_end_registers_secret_and_answers_posted_updates(
    api: FakeBotApi,
) -> None:
    engine = FakeEngine()
    url = "https://bot.example.org/telegram/webhook"

    async def body(application: Application) -> None:
        assert application.updater is None
        web = Starlette(
            routes=[
                webhook_route(
                    application, settings_for(api.base_url, telegram_webhook_secret=SECRET)
                )
            ]
        )
        update = {"update_id": 77, **message_update(1007, text="/start leaflet")}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web), base_url="http://testserver"
        ) as client:
            response = await client.post(
                WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            )
        assert response.status_code == 200
        await api.wait_for_async("sendMessage", chat_id=1007)

    run_bot(
        api,
        engine,
        body,
        telegram_mode="webhook",
        telegram_webhook_url=url,
        telegram_webhook_secret=SECRET,
    )
    [set_webhook] = api.calls_of("setWebhook")
    assert set_webhook.params["url"] == url and set_webhook.params["secret_token"] == SECRET
    assert set_webhook.params["allowed_updates"] == ["message", "callback_query"]
    assert not api.calls_of("getUpdates") and not api.calls_of("deleteWebhook")
    assert engine.incoming[0].campaign == "leaflet"


@pytest.fixture
def webhook_client() -> tuple[TestClient, Application]:
    settings = settings_for(
        "http://127.0.0.1:9/bot",  # never contacted: the application is not started
        telegram_mode="webhook",
        telegram_webhook_url="https://bot.example.org/telegram/webhook",
        telegram_webhook_secret=SECRET,
    )
    application = build_application(FakeEngine(), settings)
    with TestClient(Starlette(routes=[webhook_route(application, settings)])) as client:
        yield client, application


def test_webhook_route_queues_an_update_with_the_right_secret(
    webhook_client: tuple[TestClient, Application],
) -> None:
    client, application = webhook_client
    update = {"update_id": 5, **message_update(1008, text="你好")}
    response = client.post(
        WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert response.status_code == 200
    queued = application.update_queue.get_nowait()
    assert isinstance(queued, Update) and queued.update_id == 5
    assert queued.effective_message.text == "你好" and queued.effective_user.id == 1008


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, b'{"update_id": 1}', 403),
        ({}, b'{"update_id": 1}', 403),
        ({"X-Telegram-Bot-Api-Secret-Token": SECRET}, b"{not json", 400),
        ({"X-Telegram-Bot-Api-Secret-Token": SECRET}, b"[1, 2]", 400),
        ({"X-Telegram-Bot-Api-Secret-Token": SECRET}, b'{"message": {}}', 400),
        (
            {"X-Telegram-Bot-Api-Secret-Token": SECRET},
            b'{"update_id": 1, "message": {"message_id": 1}}',
            400,
        ),
        ({"X-Telegram-Bot-Api-Secret-Token": SECRET}, b"\xff\xfe", 400),
        ({"X-Telegram-Bot-Api-Secret-Token": SECRET}, b" " * (MAX_WEBHOOK_BYTES + 1), 413),
    ],
    ids=[
        "wrong-secret",
        "no-secret",
        "bad-json",
        "not-an-object",
        "no-update-id",
        "bad-update",
        "not-utf8",
        "too-large",
    ],
)
def test_webhook_route_refuses_bad_requests(
    webhook_client: tuple[TestClient, Application],
    headers: dict[str, str],
    body: bytes,
    status: int,
) -> None:
    client, application = webhook_client
    response = client.post(
        WEBHOOK_PATH, content=body, headers={"Content-Type": "application/json", **headers}
    )
    assert response.status_code == status
    assert application.update_queue.empty()


def test_webhook_route_accepts_only_post(webhook_client: tuple[TestClient, Application]) -> None:
    client, _ = webhook_client
    assert client.get(WEBHOOK_PATH).status_code == 405


def test_webhook_route_refuses_everything_without_a_configured_secret() -> None:
    settings = settings_for("http://127.0.0.1:9/bot", telegram_mode="webhook")
    application = build_application(FakeEngine(), settings)
    with TestClient(Starlette(routes=[webhook_route(application, settings)])) as client:
        body = json.dumps({"update_id": 1})
        assert (
            client.post(
                WEBHOOK_PATH, content=body, headers={"X-Telegram-Bot-Api-Secret-Token": ""}
            ).status_code
            == 403
        )


def test_a_rejected_token_fails_start_without_quoting_the_token(api: FakeBotApi) -> None:
    settings = settings_for(api.base_url, telegram_token="999:WRONG-token")
    application = build_application(FakeEngine(), settings)

    async def main() -> None:
        with pytest.raises(InvalidToken) as raised:
            await start_telegram(application, settings)
        assert "999:WRONG-token" not in str(raised.value)
        assert not application.running
        await stop_telegram(application)  # harmless after a failed start

    asyncio.run(main())


def test_a_press_too_old_to_answer_is_still_a_turn(api: FakeBotApi) -> None:
    engine = FakeEngine()

    async def body(application: Application) -> None:
        api.push_update(message_update(1009, text="见习补贴"))
        await api.wait_for_async("sendMessage", chat_id=1009)
        api.push_update(
            callback_update(
                api, 1009, last_message_id(api, 1009), "q:start:jianxi", query_id="old-1"
            )
        )
        await api.wait_for_async("sendMessage", 2, chat_id=1009)

    run_bot(api, engine, body)
    assert [i.kind for i in engine.incoming] == ["text", "button"]
    assert BUSY_TEXT not in [p["text"] for p in api.sent_to(1009)]


def test_a_user_who_blocked_the_bot_is_not_sent_an_apology(
    api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    engine = FakeEngine()
    api.blocked.add(1010)
    caplog.set_level(logging.INFO, logger="dialog.channels.telegram")

    async def body(application: Application) -> None:
        api.push_update(message_update(1010, text="你好"))
        await api.wait_for_async("sendMessage", chat_id=1010)  # refused with 403

    run_bot(api, engine, body)  # stopping waits for the update's processing, error handler included
    assert len(api.calls_of("sendMessage")) == 1  # no apology attempted to the blocked chat
    assert "telegram user unreachable: Forbidden" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
