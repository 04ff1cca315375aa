"""The web channel's HTTP contract (dialog/channels/web.py) with a fake engine: what the page may send,
what it gets back, what is refused, and the headers and assets that keep the page safe.

The real engine is not needed here: the web layer must translate requests into `Incoming`
faithfully and survive anything a browser (or anyone else) sends.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from dialog.channels.web import BUSY_TEXT, MAX_BODY_BYTES, MAX_TEXT_CHARS, STATIC_DIR, create_app
from dialog.config import Settings
from dialog.messages import Button, Incoming, Reply

USER = "u_test-1234abcd"
SECRET_TEXT = "我的身份证号是620000199001011234"


class FakeEngine:
    """Records every Incoming and answers with a fixed reply (or raises, to simulate a
    database outage)."""

    def __init__(self, replies: list[Reply] | None = None, error: Exception | None = None) -> None:
        self.received: list[Incoming] = []
        self.replies = replies if replies is not None else [Reply("好的")]
        self.error = error

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.received.append(incoming)
        if self.error is not None:
            raise self.error
        return self.replies


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine(
        [
            Reply(
                "见习补贴每月1,080元。\n依据：第十二条",
                buttons=((Button("测一测我是否符合", "q:start:jx"),),),
            ),
            Reply("办理请咨询", link="https://example.org/apply"),
        ]
    )


@pytest.fixture
def client(engine: FakeEngine) -> Iterator[TestClient]:
    with TestClient(create_app(engine, Settings())) as test_client:
        yield test_client


def chat(client: TestClient, **fields: object):
    body = {"user": USER, "text": "", "action": None, "campaign": None, "kind": None}
    body.update(fields)
    return client.post("/api/chat", json=body)


# ---- the API contract ----


def test_text_message_gives_replies_with_buttons_and_link(
    client: TestClient, engine: FakeEngine
) -> None:
    response = chat(client, text="见习补贴多少")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {
        "replies": [
            {
                "text": "见习补贴每月1,080元。\n依据：第十二条",
                "buttons": [[{"label": "测一测我是否符合", "action": "q:start:jx"}]],
            },
            {"text": "办理请咨询", "link": "https://example.org/apply"},
        ]
    }
    assert engine.received == [
        Incoming(
            channel="web", user=USER, text="见习补贴多少", action=None, kind="text", campaign=None
        )
    ]


def test_button_press_is_a_button_incoming(client: TestClient, engine: FakeEngine) -> None:
    assert chat(client, text="测一测我是否符合", action="q:start:jx").status_code == 200
    assert chat(client, text="是", action="q:a:yes", kind="button").status_code == 200
    first, second = engine.received
    assert (first.kind, first.action, first.text) == ("button", "q:start:jx", "测一测我是否符合")
    assert (second.kind, second.action, second.text) == ("button", "q:a:yes", "是")


def test_campaign_is_passed_through(client: TestClient, engine: FakeEngine) -> None:
    chat(client, text="/start", campaign="poster-2026_A")
    assert engine.received[0].campaign == "poster-2026_A"
    assert engine.received[0].text == "/start"


def test_a_chinese_campaign_name_arrives_as_its_id(client: TestClient, engine: FakeEngine) -> None:
    chat(client, text="/start", campaign="海报")
    assert engine.received[0].campaign == "zh_5rW35oql"  # dialog.campaigns: read back as 海报 in reports


@pytest.mark.parametrize("campaign", ["", "a b", "<script>", "x" * 65, "海报！", "招" * 16, 42])
def test_invalid_campaign_is_ignored_not_refused(
    client: TestClient, engine: FakeEngine, campaign: object
) -> None:
    assert chat(client, text="/start", campaign=campaign).status_code == 200
    assert engine.received[0].campaign is None


def test_other_kinds_reach_the_engine(client: TestClient, engine: FakeEngine) -> None:
    assert chat(client, kind="photo").status_code == 200
    assert engine.received[0].kind == "photo"
    assert engine.received[0].text == ""


def test_missing_text_is_empty_text(client: TestClient, engine: FakeEngine) -> None:
    response = client.post("/api/chat", json={"user": USER})
    assert response.status_code == 200
    assert engine.received[0].text == ""
    assert engine.received[0].kind == "text"


def test_long_text_goes_to_the_engine_and_huge_text_is_cut(
    client: TestClient, engine: FakeEngine
) -> None:
    chat(client, text="政" * 600)  # over max_message_chars: the engine answers politely
    chat(client, text="策" * 5000)
    assert engine.received[0].text == "政" * 600
    assert engine.received[1].text == "策" * MAX_TEXT_CHARS


def test_invisible_and_control_characters_are_removed_before_the_engine(
    client: TestClient, engine: FakeEngine
) -> None:
    response = chat(client, text="\ufeff高校\u200d毕业生\x02\x1f求职补贴\u202e多少\t钱\r\n谢谢\x7f")
    assert response.status_code == 200
    assert engine.received[0].text == "高校毕业生求职补贴多少 钱\n谢谢"
    # Cut to MAX_TEXT_CHARS first, then cleaned: the limit is on what was sent.
    chat(client, text="\u200b" * MAX_TEXT_CHARS + "尾巴")
    assert engine.received[1].text == ""


# ---- refusals ----


@pytest.mark.parametrize(
    "user",
    [
        None,
        "",
        "short",
        "x" * 65,
        "has space1",
        "slash/abcd",
        "dots.abcd",
        "abcdefgh\n",
        "用户用户用户用户",
        12345678,
    ],
)
def test_bad_user_id_is_400(client: TestClient, engine: FakeEngine, user: object) -> None:
    response = chat(client, user=user, text="你好")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_user"
    assert engine.received == []


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"not json",
        b"[]",
        b'"text"',
        b"null",
        b"\xff\xfe\x00garbage",
        b"[" * 5000 + b"]" * 5000,
        b"",
    ],
)
def test_malformed_json_is_400_with_json_error(
    client: TestClient, engine: FakeEngine, body: bytes
) -> None:
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    data = response.json()
    assert data["error"] == "bad_json"
    assert data["replies"][0]["text"]
    assert engine.received == []


@pytest.mark.parametrize(
    "fields",
    [
        {"text": 5},
        {"text": ["a"]},
        {"action": 7},
        {"action": "x" * 65},
        {"kind": "banana"},
        {"kind": 1},
    ],
)
def test_malformed_fields_are_400(client: TestClient, engine: FakeEngine, fields: dict) -> None:
    assert chat(client, **fields).status_code == 400
    assert engine.received == []


def test_oversized_body_with_content_length_is_413(client: TestClient, engine: FakeEngine) -> None:
    body = json.dumps({"user": USER, "text": "a" * MAX_BODY_BYTES}).encode()
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert engine.received == []


def test_oversized_body_without_content_length_is_cut_off_while_reading(
    client: TestClient, engine: FakeEngine
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"user": "' + USER.encode() + b'", "text": "'
        for _ in range(100):  # 100 KB in all, never announced by a Content-Length
            yield b"a" * 1024
        yield b'"}'

    response = client.post(
        "/api/chat", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert engine.received == []


def test_body_just_under_the_limit_is_accepted(client: TestClient, engine: FakeEngine) -> None:
    prefix = json.dumps({"user": USER, "text": ""}).encode()
    body = json.dumps({"user": USER, "text": "a" * (MAX_BODY_BYTES - len(prefix))}).encode()
    assert len(body) == MAX_BODY_BYTES
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
def test_wrong_content_type_is_415(
    client: TestClient, engine: FakeEngine, content_type: str | None
) -> None:
    body = json.dumps({"user": USER, "text": "你好"}).encode()
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/api/chat", content=body, headers=headers)
    assert response.status_code == 415
    assert engine.received == []


def test_json_with_charset_is_accepted(client: TestClient) -> None:
    body = json.dumps({"user": USER, "text": "你好"}).encode()
    response = client.post(
        "/api/chat", content=body, headers={"content-type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 200


def test_get_on_the_api_is_not_allowed(client: TestClient) -> None:
    assert client.get("/api/chat").status_code == 405


def test_engine_failure_is_503_with_a_polite_reply_and_a_clean_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The exception message carries the user's text and id, as a careless driver error might.
    engine = FakeEngine(
        error=RuntimeError(f"database is locked while saving {SECRET_TEXT} for {USER}")
    )
    with (
        TestClient(create_app(engine, Settings())) as client,
        caplog.at_level(logging.ERROR, logger="dialog.channels.web"),
    ):
        response = chat(client, text=SECRET_TEXT)
    assert response.status_code == 503
    data = response.json()
    assert data["replies"] == [{"text": BUSY_TEXT}]
    assert data["error"] == "engine_unavailable"
    records = [r for r in caplog.records if r.name == "dialog.channels.web"]
    assert len(records) == 1
    logged = records[0].getMessage() + (records[0].exc_text or "")
    assert "RuntimeError" in logged
    assert "database is locked" in logged
    assert SECRET_TEXT not in logged
    assert "620000199001011234" not in logged
    assert USER not in logged


# ---- the page, its headers and assets ----


def test_page_is_served_with_security_headers(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_static_responses_carry_the_page_headers(client: TestClient) -> None:
    response = client.get("/static/chat.js")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_every_api_response_is_unsniffable_uncached_json(engine: FakeEngine) -> None:
    """Replies, refusals and failures alike: JSON that a browser may not sniff into HTML, may
    not render with anything enabled, and may not keep in a cache (it can quote what a person
    told the bot)."""
    app = create_app(engine, Settings(rate_limit_per_minute=1))
    with TestClient(app) as client:
        responses = {
            "reply": chat(client, text="你好"),
            "rate limited": chat(client, text="你好"),
            "malformed": client.post("/api/chat", content=b"{bad", headers={"content-type": "application/json"}),
        }
    engine.error = RuntimeError("database is locked")
    with TestClient(create_app(engine, Settings())) as client:
        responses["engine failed"] = chat(client, text="你好")
    assert [r.status_code for r in responses.values()] == [200, 429, 400, 503]
    for name, response in responses.items():
        assert response.headers["content-type"] == "application/json", name
        assert response.headers["x-content-type-options"] == "nosniff", name
        assert response.headers["cache-control"] == "no-store", name
        assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'", name


def test_chat_under_a_root_path_takes_the_ordinary_route(engine: FakeEngine) -> None:
    """Behind a proxy that mounts the app under a prefix the shortcut for POST /api/chat does
    not apply; Starlette's router must still find the endpoint, with the same headers."""
    with TestClient(create_app(engine, Settings()), root_path="/bot") as client:
        response = client.post("/bot/api/chat", json={"user": USER, "text": "你好"})
    assert response.status_code == 200
    assert response.json()["replies"][0]["text"].startswith("见习补贴")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert engine.received[-1].text == "你好"


def test_page_markup_fits_a_phone_and_the_csp(client: TestClient) -> None:
    html = client.get("/").text
    assert '<html lang="zh-CN">' in html
    assert 'name="viewport"' in html and "width=device-width" in html
    assert 'name="theme-color"' in html
    assert "临夏就业政策助手" in html and "临州府发〔2019〕3号" in html
    assert "__VERSION__" not in html and "__MAX_CHARS__" not in html
    assert 'data-max-chars="500"' in html
    # No inline script, inline style or event-handler attributes: the CSP would block them.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag
    assert not re.search(r"<script\b[^>]*>\s*[^<\s]", html)
    assert "<style" not in html and "style=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html)


def test_page_assets_are_served_locally(client: TestClient) -> None:
    html = client.get("/").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the page links its script and style"
    for url in assets:
        assert url.startswith("/static/"), f"asset not served locally: {url}"
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        client.get("/static/chat.js")
        .headers["content-type"]
        .startswith(("text/javascript", "application/javascript"))
    )
    assert client.get("/static/chat.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/nope.js").status_code == 404


def test_no_external_resources_in_css_or_html() -> None:
    css = (STATIC_DIR / "chat.css").read_text(encoding="utf-8")
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    assert "@import" not in css and "@font-face" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert not re.search(r"(?:src|href)=\"(https?:)?//", html)


def test_valid_campaign_goes_into_the_page(client: TestClient) -> None:
    assert 'data-campaign="poster2026-A_1"' in client.get("/?c=poster2026-A_1").text
    # A Chinese name, percent-encoded in the link: the page carries its id (ASCII, attribute-safe).
    assert 'data-campaign="zh_5rW35oql"' in client.get("/?c=%E6%B5%B7%E6%8A%A5").text


@pytest.mark.parametrize(
    "value", ["<script>alert(1)</script>", '"><img src=x>', "a b", "x" * 65, "海报<b>", ""]
)
def test_invalid_campaign_in_the_link_is_ignored(client: TestClient, value: str) -> None:
    response = client.get("/", params={"c": value})
    assert response.status_code == 200
    assert 'data-campaign=""' in response.text
    assert "<img src=x>" not in response.text
    assert "alert(1)" not in response.text


def test_extra_routes_are_served_alongside_the_chat(engine: FakeEngine) -> None:
    async def health(request):  # noqa: ANN001 - a Starlette endpoint
        return PlainTextResponse("ok")

    app = create_app(engine, Settings(), extra_routes=[Route("/healthz", health)])
    with TestClient(app) as client:
        assert client.get("/healthz").text == "ok"
        assert client.get("/").status_code == 200
        assert chat(client, text="你好").status_code == 200
    assert app.state.engine is engine


# ---- the page script ----

JS = (STATIC_DIR / "chat.js").read_text(encoding="utf-8")


def _code_only(source: str) -> str:
    """The script without its comments, so rules apply to code, not to prose about them."""
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$|\s//\s.*$", "", source)


def test_page_script_never_inserts_html() -> None:
    code = _code_only(JS)
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ):
        assert sink not in code, f"chat.js uses {sink}"
    assert "textContent" in code


def test_page_script_runs_in_old_webviews() -> None:
    """WeChat's and old Android WebViews: no ES modules, optional chaining, ?? or top-level
    await; the script is written in ES5 throughout, so no arrows, let/const or templates."""
    code = _code_only(JS)
    for construct in ("?.", "??", "=>", "`", "import ", "export ", "await ", "async "):
        assert construct not in code, f"chat.js uses {construct!r}"
    assert not re.search(r"\b(let|const|class)\s", code)


def test_static_assets_stay_light() -> None:
    total = sum(p.stat().st_size for p in STATIC_DIR.iterdir() if p.is_file())
    assert total < 30 * 1024, f"static assets are {total} bytes"


def test_a_middleware_added_later_sees_chat_requests_too(engine: FakeEngine) -> None:
    seen: list[str] = []

    class Recorder:
        def __init__(self, app) -> None:  # noqa: ANN001 - an ASGI app
            self.app = app

        async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
            if scope["type"] == "http":
                seen.append(f"{scope['method']} {scope['path']}")
            await self.app(scope, receive, send)

    app = create_app(engine, Settings())
    assert app.chat_api is not None  # the shortcut is on as built (benchmarks/README.md measures it)
    app.add_middleware(Recorder)
    assert app.chat_api is None
    with TestClient(app) as client:
        assert chat(client, text="你好").status_code == 200
    assert seen == ["POST /api/chat"]
