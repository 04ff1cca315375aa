"""The WeChat Official Account callback (dialog/channels/wechat.py) against a simulated WeChat server.

`WeChatServer` below plays WeChat's part as its documentation describes it: it signs every
request with the token, builds the XML a follower's message or event becomes, encrypts it in
safe mode with its own AES code (not the module's, so a mistake cannot cancel itself out), and
reads the passive reply back. Most tests use a FakeEngine (it records every Incoming and
answers with canned replies); one runs the real engine through a whole questionnaire answered
only with typed numbers, as a resident in WeChat would.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import secrets
import struct
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from starlette.testclient import TestClient

from dialog.channels.web import BUSY_TEXT, create_app
from dialog.channels.wechat import (
    LATE_PREFIX,
    MAX_BODY_BYTES,
    MAX_REPLY_BYTES,
    MORE_NOTE,
    MORE_WORD,
    PAGE_BYTES,
    WeChatCallback,
    WeChatCrypto,
    WeChatSettings,
    fit_reply,
    paginate,
    sign,
    wechat_routes,
    xml_legal,
)
from dialog.config import ConfigError, Settings
from dialog.engine import Engine
from dialog.messages import Button, Incoming, Reply

TOKEN = "policybotToken2026"
APP_ID = "wx0123456789abcdef"
AES_KEY = base64.b64encode(bytes(range(1, 33))).decode().rstrip("=")  # 43 characters
ACCOUNT = "gh_linxia_jobs"
OPENID = "oLinxiaResident_0123456789ab"  # 28 characters, like a real OpenID

PLAIN = WeChatSettings(app_id=APP_ID, token=TOKEN)
SAFE = WeChatSettings(app_id=APP_ID, token=TOKEN, aes_key=AES_KEY)


# ---------------------------------------------------------------------------- the simulated WeChat


def wechat_encrypt(xml: bytes, aes_key: str = AES_KEY, app_id: str = APP_ID) -> str:
    """WeChat's side of 安全模式, written from the spec independently of dialog.channels.wechat."""
    key = base64.b64decode(aes_key + "=")
    plain = secrets.token_bytes(16) + struct.pack(">I", len(xml)) + xml + app_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def wechat_decrypt(encrypted: str, aes_key: str = AES_KEY) -> tuple[bytes, bytes]:
    """(xml, appid) from a reply's Encrypt, checking the 32-byte PKCS#7 padding."""
    key = base64.b64decode(aes_key + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    pad = plain[-1]
    assert 1 <= pad <= 32 and plain[-pad:] == bytes([pad]) * pad and len(plain) % 32 == 0
    plain = plain[:-pad]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20:20 + length], plain[20 + length:]


def xml_fields(body: bytes) -> dict[str, str]:
    root = ElementTree.fromstring(body)
    assert root.tag == "xml"
    return {child.tag: child.text or "" for child in root}


def cdata(value: str) -> str:
    return f"<![CDATA[{value}]]>"


class WeChatServer:
    """Sends what WeChat sends to the callback URL and reads what it answers."""

    def __init__(self, client: TestClient, safe: bool = False, token: str = TOKEN, path: str = "/wechat") -> None:
        self.client, self.safe, self.token, self.path = client, safe, token, path
        self.msg_id = 24_000_000_000_000_000
        self.create_time = 1_800_000_000
        self.clock_offset = 0  # seconds WeChat's clock is ahead of ours (negative: behind)

    def params(self, encrypted: str | None = None) -> dict[str, str]:
        timestamp, nonce = str(int(time.time()) + self.clock_offset), str(secrets.randbelow(10**9))
        params = {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                  "openid": OPENID}
        if encrypted is not None:
            params.update(encrypt_type="aes", msg_signature=sign(self.token, timestamp, nonce, encrypted))
        return params

    def message_xml(self, msg_type: str, openid: str = OPENID, msg_id: int | None = None,
                    create_time: int | None = None, **fields: str) -> bytes:
        if create_time is None:
            self.create_time += 1
            create_time = self.create_time
        parts = [f"<ToUserName>{cdata(ACCOUNT)}</ToUserName>", f"<FromUserName>{cdata(openid)}</FromUserName>",
                 f"<CreateTime>{create_time}</CreateTime>", f"<MsgType>{cdata(msg_type)}</MsgType>"]
        parts += [f"<{name}>{cdata(value)}</{name}>" for name, value in fields.items()]
        if msg_type != "event":
            if msg_id is None:
                self.msg_id += 1
                msg_id = self.msg_id
            parts.append(f"<MsgId>{msg_id}</MsgId>")
        return ("<xml>" + "".join(parts) + "</xml>").encode()

    def post_xml(self, xml: bytes, app_id: str = APP_ID):
        if not self.safe:
            return self.client.post(f"{self.path}?{urlencode(self.params())}", content=xml,
                                    headers={"Content-Type": "text/xml"})
        encrypted = wechat_encrypt(xml, app_id=app_id)
        body = f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
        return self.client.post(f"{self.path}?{urlencode(self.params(encrypted))}", content=body.encode(),
                                headers={"Content-Type": "text/xml"})

    def reply_of(self, response) -> dict[str, str] | None:
        """The passive reply's fields (decrypted in safe mode), None for `success`."""
        assert response.status_code == 200, response.text
        if response.content == b"success":
            return None
        outer = xml_fields(response.content)
        if not self.safe:
            return outer
        assert set(outer) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}
        assert outer["MsgSignature"] == sign(self.token, outer["TimeStamp"], outer["Nonce"], outer["Encrypt"])
        xml, app_id = wechat_decrypt(outer["Encrypt"])
        assert app_id == APP_ID.encode()
        return xml_fields(xml)

    def send(self, msg_type: str = "text", **kw) -> dict[str, str] | None:
        return self.reply_of(self.post_xml(self.message_xml(msg_type, **kw)))

    def text(self, content: str, **kw) -> str:
        reply = self.send("text", Content=content, **kw)
        assert reply is not None
        return reply["Content"]


# ---------------------------------------------------------------------------- fixtures


class FakeEngine:
    """Records every Incoming and answers with canned replies; can be held (to play a slow
    engine) or made to fail (a database outage)."""

    def __init__(self, replies: list[Reply] | None = None, error: Exception | None = None) -> None:
        self.received: list[Incoming] = []
        self.replies = replies if replies is not None else [
            Reply("见习补贴每人每月1000元。\n依据：第六条",
                  ((Button("测一测我是否符合", "p:internship"), Button("查看原文", "o:6")),
                   (Button("返回菜单", "m:menu"),))),
        ]
        self.error = error
        self.hold = False
        self.started = threading.Event()
        self.finished = threading.Event()
        self._gate: asyncio.Event | None = None

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.received.append(incoming)
        if self.hold:
            self._gate = self._gate or asyncio.Event()
            self.started.set()
            await self._gate.wait()
        self.finished.set()
        if self.error is not None:
            raise self.error
        return self.replies

    def release(self, client: TestClient) -> None:
        async def open_gate() -> None:
            assert self._gate is not None
            self._gate.set()

        assert client.portal is not None
        client.portal.call(open_gate)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


def make_client(engine, wechat: WeChatSettings = PLAIN, deadline: float = 3.0) -> tuple[TestClient, WeChatCallback]:
    callback = WeChatCallback(engine, wechat, deadline=deadline)
    return TestClient(create_app(engine, Settings(), extra_routes=callback.routes())), callback


@pytest.fixture
def plain(engine: FakeEngine) -> Iterator[tuple[WeChatServer, WeChatCallback]]:
    client, callback = make_client(engine)
    with client:
        yield WeChatServer(client), callback


@pytest.fixture
def safe(engine: FakeEngine) -> Iterator[tuple[WeChatServer, WeChatCallback]]:
    client, callback = make_client(engine, SAFE)
    with client:
        yield WeChatServer(client, safe=True), callback


def options_of(content: str) -> dict[str, int]:
    """label -> number, from the "回复 N：label" lines."""
    return {m.group(2): int(m.group(1)) for m in re.finditer(r"^回复 (\d+)：(.+)$", content, re.M)}


# ---------------------------------------------------------------------------- URL verification


def test_signature_matches_wechats_documented_examples():
    # The two worked examples in WeChat's 消息推送 guide (token "AAAAA").
    assert sign("AAAAA", "1714036504", "1514711492") == "f464b24fc39322e44b38aa78f5edd27bd1441696"
    assert sign("AAAAA", "1714037059", "486452656") == "899cf89e464efb63f54ddac96b0a0a235f53aa78"


@pytest.mark.parametrize("wechat", [PLAIN, SAFE], ids=["plain", "safe"])
def test_url_check_with_the_right_signature_echoes_echostr(engine, wechat):
    client, _ = make_client(engine, wechat)
    with client:
        params = WeChatServer(client).params() | {"echostr": "4375120948345356249"}
        response = client.get(f"/wechat?{urlencode(params)}")
    assert response.status_code == 200
    assert response.text == "4375120948345356249"  # plain in safe mode too


def test_url_check_with_a_wrong_or_missing_signature_is_403(plain):
    server, _ = plain
    params = server.params() | {"echostr": "123"}
    bad = params | {"signature": "0" * 40}
    assert server.client.get(f"/wechat?{urlencode(bad)}").status_code == 403
    wrong_token = WeChatServer(server.client, token="someoneElse").params() | {"echostr": "123"}
    assert server.client.get(f"/wechat?{urlencode(wrong_token)}").status_code == 403
    assert server.client.get("/wechat?echostr=123").status_code == 403
    non_ascii = params | {"signature": "签名" * 20}
    assert server.client.get(f"/wechat?{urlencode(non_ascii)}").status_code == 403


# ---------------------------------------------------------------------------- text messages


def test_text_message_goes_to_the_engine_numbered_and_comes_back_as_passive_text(plain, engine):
    server, _ = plain
    before = int(time.time())
    reply = server.send("text", Content="见习补贴多少钱")
    assert reply is not None
    [incoming] = engine.received
    assert (incoming.channel, incoming.user, incoming.text, incoming.kind) == ("wechat", OPENID, "见习补贴多少钱", "text")
    assert incoming.extra == {"numbered": True}
    # To/From swapped, a text message, the buttons as numbered options at the end.
    assert reply["ToUserName"] == OPENID and reply["FromUserName"] == ACCOUNT
    assert reply["MsgType"] == "text" and int(reply["CreateTime"]) >= before
    assert reply["Content"] == ("见习补贴每人每月1000元。\n依据：第六条\n\n"
                                "回复 1：测一测我是否符合\n回复 2：查看原文\n回复 3：返回菜单")
    assert server.post_xml(server.message_xml("text", Content="x")).headers["content-type"].startswith("application/xml")


def test_post_with_a_wrong_signature_is_403_and_never_reaches_the_engine(plain, engine):
    server, callback = plain
    params = server.params() | {"signature": "f" * 40}
    response = server.client.post(f"/wechat?{urlencode(params)}", content=server.message_xml("text", Content="hi"))
    assert response.status_code == 403
    assert engine.received == [] and callback.stats["refused"] == 1


@pytest.mark.parametrize("offset", [-(10 * 60), 10 * 60, -86400 * 365])
def test_a_signed_request_with_a_stale_or_future_timestamp_is_refused(plain, engine, offset):
    """In plain mode the signature does not cover the body: a captured URL must not remain
    usable for posting messages as anyone."""
    server, callback = plain
    server.clock_offset = offset
    assert server.post_xml(server.message_xml("text", Content="hi")).status_code == 403
    assert engine.received == [] and callback.stats["refused"] == 1


@pytest.mark.parametrize("offset", [-200, 0, 200])
def test_ordinary_clock_drift_is_tolerated(plain, engine, offset):
    server, _ = plain
    server.clock_offset = offset
    assert server.post_xml(server.message_xml("text", Content="hi")).status_code == 200
    assert len(engine.received) == 1


def test_a_signed_but_non_numeric_timestamp_is_refused(plain, engine):
    server, _ = plain
    nonce = "12345"
    params = {"signature": sign(server.token, "soon", nonce), "timestamp": "soon", "nonce": nonce}
    response = server.client.post(f"/wechat?{urlencode(params)}", content=server.message_xml("text", Content="hi"))
    assert response.status_code == 403 and engine.received == []


def test_reply_text_is_valid_xml_whatever_it_contains(plain, engine):
    server, _ = plain
    engine.replies = [Reply("a]]>b\x00c\x07d <e> & f")]
    assert server.text("x") == "a]]>bcd <e> & f"


@pytest.mark.parametrize("wechat", [PLAIN, SAFE], ids=["plain", "safe"])
def test_a_message_with_a_control_character_is_answered_normally_and_reaches_the_engine_clean(engine, wechat):
    """Issue 12: WeChat passes a \\x02 through unescaped, XML 1.0 forbids it, and the callback
    used to answer 400 (WeChat then shows 该公众号暂时无法提供服务)."""
    client, callback = make_client(engine, wechat)
    with client:
        server = WeChatServer(client, safe=wechat is SAFE)
        xml = server.message_xml("text", Content="求职\x02创业\u200b补贴\x1b怎么\x7f申请\ufffe")
        assert b"\x02" in xml  # sent raw, as WeChat does, not as a character reference
        response = server.post_xml(xml)
        assert response.status_code == 200
        reply = server.reply_of(response)
    assert reply is not None and reply["ToUserName"] == OPENID
    assert reply["Content"].startswith("见习补贴每人每月1000元。") and "回复 1：测一测我是否符合" in reply["Content"]
    assert [m.text for m in engine.received] == ["求职创业补贴怎么申请"]
    assert callback.stats["refused"] == 0


def test_a_voice_transcript_is_cleaned_and_one_of_only_invisible_characters_is_a_voice_message(plain, engine):
    server, _ = plain
    server.send("voice", MediaId="m1", Format="amr", Recognition="\u200b见习\x03补贴\u202e")
    server.send("voice", MediaId="m2", Format="amr", Recognition="\u200b\x05 \ufeff")
    assert [(m.kind, m.text) for m in engine.received] == [("text", "见习补贴"), ("voice", "")]


def test_xml_legal_leaves_utf16_bodies_and_legal_text_alone():
    legal = "<xml><Content><![CDATA[第一行\n\t第二行\r\n😂 ＡＢＣ]]></Content></xml>".encode()
    assert xml_legal(legal) == legal
    assert xml_legal(b"<xml>\x00\x01\x08\x0b\x0c\x0e\x1f\xef\xbf\xbe\xef\xbf\xbf</xml>") == b"<xml></xml>"
    utf16 = "\ufeff<xml/>".encode("utf-16-le")
    assert xml_legal(utf16) == utf16


def test_voice_with_recognition_is_answered_as_text_and_without_as_a_voice_message(plain, engine):
    server, _ = plain
    server.send("voice", MediaId="m1", Format="amr", Recognition="见习补贴多少钱")
    server.send("voice", MediaId="m2", Format="amr", Recognition="")
    assert [(m.kind, m.text) for m in engine.received] == [("text", "见习补贴多少钱"), ("voice", "")]


@pytest.mark.parametrize("msg_type,fields,kind", [
    ("image", {"PicUrl": "http://x/p.jpg", "MediaId": "m"}, "photo"),
    ("video", {"MediaId": "m", "ThumbMediaId": "t"}, "video"),
    ("shortvideo", {"MediaId": "m", "ThumbMediaId": "t"}, "video"),
    ("location", {"Location_X": "35.6", "Location_Y": "103.2", "Scale": "15", "Label": "临夏"}, "location"),
    ("link", {"Title": "t", "Description": "d", "Url": "http://x"}, "other"),
    ("miniprogrampage", {"Title": "t"}, "other"),
])
def test_non_text_messages_reach_the_engine_as_their_kind(plain, engine, msg_type, fields, kind):
    server, _ = plain
    assert server.send(msg_type, **fields) is not None
    [incoming] = engine.received
    assert incoming.kind == kind and incoming.user == OPENID


# ---------------------------------------------------------------------------- events


def test_subscribe_through_a_campaign_qr_code_starts_with_that_campaign(plain, engine):
    server, _ = plain
    reply = server.send("event", Event="subscribe", EventKey="qrscene_poster2026", Ticket="T")
    assert reply is not None and reply["Content"].startswith("见习补贴")
    [incoming] = engine.received
    assert incoming.text == "/start poster2026" and incoming.campaign == "poster2026"


def test_plain_subscribe_starts_without_campaign_and_a_mangled_scene_is_ignored(plain, engine):
    server, _ = plain
    server.send("event", Event="subscribe", EventKey="")
    server.send("event", Event="subscribe", EventKey="qrscene_<script>")
    assert [(m.text, m.campaign) for m in engine.received] == [("/start", None), ("/start", None)]


def test_scan_by_a_follower_starts_with_the_campaign(plain, engine):
    server, _ = plain
    server.send("event", Event="SCAN", EventKey="market_day", Ticket="T")
    [incoming] = engine.received
    assert incoming.text == "/start market_day" and incoming.campaign == "market_day"


def test_unsubscribe_and_other_events_get_success_without_the_engine(plain, engine):
    server, _ = plain
    assert server.send("event", Event="unsubscribe", EventKey="") is None
    assert server.send("event", Event="LOCATION", Latitude="35.6", Longitude="103.2", Precision="10") is None
    assert server.send("event", Event="VIEW", EventKey="https://example.org") is None
    assert engine.received == []


# ---------------------------------------------------------------------------- retries


def test_a_retried_msgid_is_processed_once_and_gets_the_same_reply(plain, engine):
    server, callback = plain
    xml = server.message_xml("text", Content="1", msg_id=6_000_000_000_000_000_001)
    first = server.reply_of(server.post_xml(xml))
    second = server.reply_of(server.post_xml(xml))  # WeChat's retry: new signature, same body
    assert len(engine.received) == 1 and callback.stats["retries_joined"] == 1
    assert first is not None and second is not None and first["Content"] == second["Content"]


def test_a_retried_event_is_deduplicated_by_sender_and_create_time(plain, engine):
    server, _ = plain
    xml = server.message_xml("event", create_time=1_800_000_123, Event="subscribe", EventKey="qrscene_a")
    server.post_xml(xml)
    server.post_xml(xml)
    other_person = server.message_xml("event", openid="oAnotherPerson_0123456789abc", create_time=1_800_000_123,
                                      Event="subscribe", EventKey="qrscene_a")
    server.post_xml(other_person)
    assert [m.user for m in engine.received] == [OPENID, "oAnotherPerson_0123456789abc"]


def test_a_retry_arriving_while_the_first_try_runs_waits_for_the_same_reply(plain, engine):
    server, callback = plain
    engine.hold = True
    xml = server.message_xml("text", Content="2")
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(server.post_xml, xml)
        assert engine.started.wait(2)
        retry = pool.submit(server.post_xml, xml)
        deadline = time.monotonic() + 2
        while callback.stats["retries_joined"] < 1 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert callback.stats["retries_joined"] == 1  # the retry is waiting, not running
        engine.release(server.client)
        replies = [server.reply_of(first.result(2)), server.reply_of(retry.result(2))]
    assert len(engine.received) == 1 and callback.stats["engine_calls"] == 1
    assert replies[0] is not None and replies[1] is not None
    assert replies[0]["Content"] == replies[1]["Content"]


def test_a_slow_engine_gets_success_in_time_and_the_reply_comes_with_the_next_message(engine):
    client, callback = make_client(engine, deadline=0.2)
    engine.hold = True
    with client:
        server = WeChatServer(client)
        started = time.monotonic()
        assert server.send("text", Content="1") is None  # `success`, within the deadline
        assert time.monotonic() - started < 1.5
        assert server.send("text", Content="1") is None  # typed again while still running
        engine.release(client)
        assert engine.finished.wait(2)
        late = server.text("1")  # a third try: shown the reply the person missed
        assert late.startswith(LATE_PREFIX) and late.count(LATE_PREFIX) == 1
        assert "回复 1：测一测我是否符合" in late
        assert len(engine.received) == 1  # the re-typed "1"s were not taken as new answers
        engine.hold = False
        normal = server.text("见习补贴")
        assert not normal.startswith(LATE_PREFIX) and len(engine.received) == 2
    assert callback.stats["timeouts"] == 2


# ---------------------------------------------------------------------------- long replies


def test_a_reply_over_2048_bytes_comes_in_pages_with_every_option_on_each(plain, engine):
    server, callback = plain
    lines = [f"第{i}款：符合条件的高校毕业生可以申请就业见习补贴，按月发放到见习单位。" for i in range(60)]
    buttons = ((Button("测一测我是否符合", "p:internship"), Button("查看原文", "o:6")),
               (Button("返回菜单", "m:menu"),))
    engine.replies = [Reply("\n".join(lines), buttons), Reply("还想了解什么？")]
    options = "回复 1：测一测我是否符合\n回复 2：查看原文\n回复 3：返回菜单"
    pages = [server.text("见习")]
    while MORE_NOTE in pages[-1] and len(pages) < 10:
        pages.append(server.text(MORE_WORD))
    assert 3 <= len(pages) < 10 and len(engine.received) == 1  # paging never calls the engine
    for page in pages:
        assert len(page.encode()) <= MAX_REPLY_BYTES and page.endswith(options)
    shown = [line for page in pages for line in page.split("\n\n")[0].split("\n")]
    assert shown[:60] == lines  # whole lines, none lost, none repeated
    assert pages[-1].split("\n\n")[-2] == "还想了解什么？" and MORE_NOTE not in pages[-1]
    # Once the pages are done, or after any other message, 更多 is an ordinary message again.
    long_replies, engine.replies = engine.replies, [Reply("好的")]
    assert server.text(MORE_WORD) == "好的" and len(engine.received) == 2
    engine.replies = long_replies
    assert MORE_NOTE in server.text("见习")
    engine.replies = [Reply("好的")]
    server.text("1")  # answers the options instead of paging on
    assert server.text(MORE_WORD) == "好的"
    assert [m.text for m in engine.received[2:]] == ["见习", "1", MORE_WORD]


def test_one_enormous_line_is_cut_at_a_sentence_or_anywhere_and_options_always_fit():
    sentences = "。".join(["对吸纳就业见习人员的单位按每人每月1000元的标准给予就业见习补贴"] * 40) + "。"
    page, rest = paginate(sentences, ["回复 1：返回菜单"])
    assert len(page.encode()) <= PAGE_BYTES and page.endswith(f"{MORE_NOTE}\n\n回复 1：返回菜单")
    assert page.split("\n\n")[0].endswith("补贴。") and sentences == page.split("\n\n")[0] + rest

    page, rest = paginate("政策" * 3000, ["回复 1：返回菜单"])
    first = page.split("\n\n")[0]
    assert first.endswith("…") and len(page.encode()) <= PAGE_BYTES and first[:-1] + rest == "政策" * 3000

    many = tuple((Button(f"第{i}个很长的选项标签，用来测试选项本身就超过长度限制的情况", f"c:{i}"),) for i in range(80))
    content = fit_reply([Reply("正文" * 400, many)])
    assert len(content.encode()) <= MAX_REPLY_BYTES and content.startswith("正文")
    assert "回复 1：第0个" in content  # options are dropped from the end only, numbering intact
    short = [Reply("短", ((Button("返回菜单", "m:menu"),),))]
    assert fit_reply(short) == "短\n\n回复 1：返回菜单"


# ---------------------------------------------------------------------------- safe mode


def test_safe_mode_round_trip_decrypts_the_request_and_encrypts_the_reply(safe, engine):
    server, _ = safe
    reply = server.send("text", Content="见习补贴多少钱")  # reply_of checks MsgSignature and AppID
    assert reply is not None and reply["ToUserName"] == OPENID and reply["FromUserName"] == ACCOUNT
    assert reply["Content"].endswith("回复 3：返回菜单")
    [incoming] = engine.received
    assert incoming.text == "见习补贴多少钱" and incoming.user == OPENID
    assert server.send("event", Event="unsubscribe") is None  # `success` is plain in safe mode too


OLD_AES_KEY = base64.b64encode(bytes(range(101, 133))).decode().rstrip("=")


def test_after_a_key_change_messages_made_with_the_previous_key_are_answered_with_it(engine):
    """While the 公众号 console switches to a new EncodingAESKey, messages encrypted with the old
    one keep arriving: they are opened with the previous key and answered with it; a key the
    bot does not know is refused."""
    rotated = WeChatSettings(app_id=APP_ID, token=TOKEN, aes_key=AES_KEY, previous_aes_key=OLD_AES_KEY)
    client, _ = make_client(engine, rotated)
    with client:
        server = WeChatServer(client, safe=True)
        xml = server.message_xml("text", Content="见习补贴多少钱")
        for key in (AES_KEY, OLD_AES_KEY):
            encrypted = wechat_encrypt(xml, aes_key=key)
            body = f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
            response = client.post(f"/wechat?{urlencode(server.params(encrypted))}", content=body.encode())
            assert response.status_code == 200
            outer = xml_fields(response.content)
            reply, app_id = wechat_decrypt(outer["Encrypt"], aes_key=key)  # answered with that key
            assert app_id == APP_ID.encode() and xml_fields(reply)["ToUserName"] == OPENID
            xml = server.message_xml("text", Content="见习补贴多少钱")  # a new MsgId
        unknown = base64.b64encode(bytes(range(50, 82))).decode().rstrip("=")
        encrypted = wechat_encrypt(xml, aes_key=unknown)
        body = f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt></xml>"
        assert client.post(f"/wechat?{urlencode(server.params(encrypted))}", content=body.encode()).status_code in (400, 403)
    assert [m.text for m in engine.received] == ["见习补贴多少钱", "见习补贴多少钱"]


def test_the_previous_key_setting_is_checked(engine):
    env = {"POLICYBOT_WECHAT_APP_ID": APP_ID, "POLICYBOT_WECHAT_TOKEN": TOKEN, "POLICYBOT_WECHAT_AES_KEY": AES_KEY,
           "POLICYBOT_WECHAT_AES_KEY_PREVIOUS": OLD_AES_KEY}
    assert WeChatSettings.from_env(env).previous_aes_key == OLD_AES_KEY
    assert OLD_AES_KEY not in repr(WeChatSettings.from_env(env))
    with pytest.raises(ConfigError, match="POLICYBOT_WECHAT_AES_KEY_PREVIOUS"):
        WeChatSettings.from_env(env | {"POLICYBOT_WECHAT_AES_KEY_PREVIOUS": "short"})
    with pytest.raises(ConfigError, match="POLICYBOT_WECHAT_AES_KEY_PREVIOUS needs"):
        WeChatSettings.from_env({"POLICYBOT_WECHAT_TOKEN": TOKEN, "POLICYBOT_WECHAT_AES_KEY_PREVIOUS": OLD_AES_KEY})


def test_safe_mode_accepts_compatibility_mode_bodies(safe, engine):
    server, _ = safe
    xml = server.message_xml("text", Content="兼容模式")
    encrypted = wechat_encrypt(xml)
    body = xml.replace(b"</xml>", f"<Encrypt>{cdata(encrypted)}</Encrypt></xml>".encode())
    response = server.client.post(f"/wechat?{urlencode(server.params(encrypted))}", content=body)
    assert server.reply_of(response) is not None and engine.received[0].text == "兼容模式"


def test_safe_mode_refuses_a_payload_for_another_appid(safe, engine):
    server, callback = safe
    response = server.post_xml(server.message_xml("text", Content="hi"), app_id="wxSomeoneElse00000")
    assert response.status_code == 403 and engine.received == []


def test_safe_mode_refuses_a_wrong_msg_signature_and_garbage(safe, engine):
    server, _ = safe
    encrypted = wechat_encrypt(server.message_xml("text", Content="hi"))
    body = f"<xml><Encrypt>{cdata(encrypted)}</Encrypt></xml>".encode()
    params = server.params(encrypted) | {"msg_signature": "0" * 40}
    assert server.client.post(f"/wechat?{urlencode(params)}", content=body).status_code == 403
    for garbage in ("not base64!", base64.b64encode(b"x" * 17).decode(), base64.b64encode(b"x" * 32).decode()):
        body = f"<xml><Encrypt>{cdata(garbage)}</Encrypt></xml>".encode()
        assert server.client.post(f"/wechat?{urlencode(server.params(garbage))}", content=body).status_code == 400
    assert engine.received == []


def test_an_encrypted_message_without_a_configured_key_is_refused(plain, engine):
    server, _ = plain
    encrypted = wechat_encrypt(server.message_xml("text", Content="hi"))
    body = f"<xml><Encrypt>{cdata(encrypted)}</Encrypt></xml>".encode()
    assert server.client.post(f"/wechat?{urlencode(server.params(encrypted))}", content=body).status_code == 400


# Published test vectors (wechatpy's tests, from WeChat's sample code): token, key, AppID,
# a message WeChat encrypted, and the exact encryption of a reply with a fixed random prefix.
KAT_TOKEN, KAT_KEY, KAT_APPID = "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a"


def test_crypto_matches_published_test_vectors():
    crypto = WeChatCrypto(KAT_TOKEN, KAT_KEY, KAT_APPID)
    encrypted = (
        "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzx"
        "h6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOA"
        "QqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTK"
        "e7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
    )
    assert sign(KAT_TOKEN, "1411525903", "461056294", encrypted) == "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
    fields = xml_fields(crypto.decrypt(encrypted))
    assert fields["Content"] == "test" and fields["FromUserName"] == "messense"

    reply = (b"<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
             b"<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n"
             b"<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>")
    envelope = xml_fields(crypto.encrypted_reply(reply, "1411525903", "461056294", random16=b"1234567890123456"))
    assert envelope["Encrypt"].startswith("9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk")
    assert envelope["Encrypt"].endswith("1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3")
    assert envelope["MsgSignature"] == "407518b7649e86ef23978113f92d27afa9296533"
    assert (envelope["TimeStamp"], envelope["Nonce"]) == ("1411525903", "461056294")
    assert crypto.decrypt(envelope["Encrypt"]) == reply


# ---------------------------------------------------------------------------- hostile input


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE xml [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><ToUserName>gh_x</ToUserName><FromUserName>oAttacker</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh_x</ToUserName><FromUserName>oAttacker</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&secret;</Content><MsgId>2</MsgId></xml>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE xml SYSTEM "http://127.0.0.1:9/evil.dtd">
<xml><FromUserName>oAttacker</FromUserName><MsgType>text</MsgType><Content>x</Content></xml>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_xml_with_a_dtd_or_entities_is_refused_without_expanding(plain, engine, body):
    server, _ = plain
    started = time.monotonic()
    response = server.client.post(f"/wechat?{urlencode(server.params())}", content=body)
    assert response.status_code == 400 and time.monotonic() - started < 1
    assert engine.received == []


def test_an_entity_bomb_inside_the_encrypted_payload_is_refused_too(safe, engine):
    server, _ = safe
    assert server.post_xml(BILLION_LAUGHS).status_code == 400
    assert engine.received == []


@pytest.mark.parametrize("body", [b"", b"not xml", b"<html><body/></html>", b"<xml><MsgType>text</MsgType></xml>",
                                  b"<xml><FromUserName>bad id!</FromUserName><MsgType>text</MsgType></xml>"])
def test_malformed_or_incomplete_bodies_are_400(plain, engine, body):
    server, _ = plain
    assert server.client.post(f"/wechat?{urlencode(server.params())}", content=body).status_code == 400
    assert engine.received == []


def test_a_body_over_64_kb_is_refused_whether_declared_or_streamed(plain, engine):
    server, _ = plain
    url = f"/wechat?{urlencode(server.params())}"
    big = server.message_xml("text", Content="长" * (MAX_BODY_BYTES // 3 + 10))
    assert len(big) > MAX_BODY_BYTES
    assert server.client.post(url, content=big).status_code == 413

    sent = []

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        for _ in range(200):
            sent.append(1)
            yield b"<!-- padding -->" * 64

    assert server.client.post(url, content=chunks()).status_code == 413
    assert engine.received == []
    just_fits = server.message_xml("text", Content="短" * ((MAX_BODY_BYTES - 400) // 3))
    assert len(just_fits) <= MAX_BODY_BYTES and server.reply_of(server.post_xml(just_fits)) is not None


def test_engine_failure_answers_politely_and_logs_neither_openid_nor_text(engine, caplog):
    engine.error = RuntimeError(f"database is locked for {OPENID} saying 我的身份证号是620000199001011234")
    client, _ = make_client(engine)
    with client, caplog.at_level(logging.INFO):
        server = WeChatServer(client)
        assert server.text("我的身份证号是620000199001011234") == BUSY_TEXT
        params = server.params() | {"signature": "0" * 40}
        client.post(f"/wechat?{urlencode(params)}", content=server.message_xml("text", Content="x"))
    # The test client's own HTTP log shows the URL (with ?openid=): only our records count;
    # in production uvicorn's access log is off (dialog/server.py) for the same reason.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("dialog"))
    assert "engine failed" in logged and "refused" in logged
    assert OPENID not in logged and "620000199001011234" not in logged


# ---------------------------------------------------------------------------- settings and mounting


def test_settings_from_env_and_the_route_only_with_a_token(engine):
    assert wechat_routes(engine, Settings(), WeChatSettings.from_env({})) == []
    env = {"POLICYBOT_WECHAT_APP_ID": APP_ID, "POLICYBOT_WECHAT_TOKEN": TOKEN,
           "POLICYBOT_WECHAT_AES_KEY": AES_KEY, "POLICYBOT_WECHAT_PATH": "/wx/callback"}
    wechat = WeChatSettings.from_env(env)
    assert wechat == SAFE.__class__(app_id=APP_ID, token=TOKEN, aes_key=AES_KEY, path="/wx/callback")
    assert TOKEN not in repr(wechat) and AES_KEY not in repr(wechat)
    [route] = wechat_routes(engine, Settings(), wechat)
    assert route.path == "/wx/callback" and {"GET", "POST"} <= set(route.methods or ())
    assert WeChatSettings.from_env({"POLICYBOT_WECHAT_TOKEN": TOKEN}).path == "/wechat"


@pytest.mark.parametrize("env,names", [
    ({"POLICYBOT_WECHAT_TOKEN": TOKEN, "POLICYBOT_WECHAT_AES_KEY": "short"}, "POLICYBOT_WECHAT_AES_KEY"),
    ({"POLICYBOT_WECHAT_TOKEN": TOKEN, "POLICYBOT_WECHAT_AES_KEY": "!" * 43, "POLICYBOT_WECHAT_APP_ID": APP_ID},
     "POLICYBOT_WECHAT_AES_KEY"),
    ({"POLICYBOT_WECHAT_TOKEN": TOKEN, "POLICYBOT_WECHAT_AES_KEY": AES_KEY}, "POLICYBOT_WECHAT_APP_ID"),
    ({"POLICYBOT_WECHAT_TOKEN": "a b"}, "POLICYBOT_WECHAT_TOKEN"),
    ({"POLICYBOT_WECHAT_TOKEN": TOKEN, "POLICYBOT_WECHAT_PATH": "wechat"}, "POLICYBOT_WECHAT_PATH"),
    ({"POLICYBOT_WECHAT_TOKEN": TOKEN, "POLICYBOT_WECHAT_PATH": "/api/chat"}, "POLICYBOT_WECHAT_PATH"),
    ({"POLICYBOT_WECHAT_TOKEN": TOKEN, "POLICYBOT_WECHAT_PATH": "/"}, "POLICYBOT_WECHAT_PATH"),
])
def test_malformed_settings_stop_start_up_naming_the_variable_not_the_secret(env, names):
    with pytest.raises(ConfigError) as caught:
        WeChatSettings.from_env(env)
    assert names in str(caught.value)
    assert TOKEN not in str(caught.value) and AES_KEY not in str(caught.value)


# ---------------------------------------------------------------------------- the real engine


class EngineSlot:
    """Lets the app be built before the engine exists: the real engine must be opened inside
    the TestClient's event loop, where its SQLite connection will be used."""

    engine: Engine | None = None

    async def handle(self, incoming: Incoming) -> list[Reply]:
        assert self.engine is not None
        return await self.engine.handle(incoming)


def answer_for(content: str) -> str:
    """What a host organisation would type for the question at the end of `content`."""
    options = options_of(content)
    question = content.split("\n\n")[-2] if "\n\n" in content else content
    if "请输入数字" in question:
        numbers = {"几名": "4", "几个月": "6", "留用": "3"}
        return next((n for word, n in numbers.items() if word in question), "5")
    for label in ("接收见习人员的单位", "是"):
        if label in options:
            return str(options[label])
    return str(options["不清楚"])


def test_real_engine_full_questionnaire_answered_with_numbers(tmp_path: Path):
    slot = EngineSlot()
    callback = WeChatCallback(slot, SAFE)
    settings = Settings(db=tmp_path / "db.sqlite3", salt="x")
    with TestClient(create_app(slot, settings, extra_routes=callback.routes())) as client:
        assert client.portal is not None
        slot.engine = client.portal.call(partial(Engine.open, settings))
        try:
            server = WeChatServer(client, safe=True)
            greeting = server.send("event", Event="subscribe", EventKey="qrscene_poster2026")
            assert greeting is not None and "临夏就业政策助手" in greeting["Content"]
            assert "回复 1：问政策" in greeting["Content"]

            polite = server.send("image", PicUrl="http://x/p.jpg", MediaId="m")
            assert polite is not None and "只能看懂文字消息" in polite["Content"]

            answer = server.text("见习补贴每人每月多少钱？")
            assert "1000元" in answer
            content = server.text(str(options_of(answer)["测一测我是否符合"]))  # start by its number
            assert "就业见习补贴" in content and "（第1步" in content
            typed = []
            for _ in range(15):
                if "（第" not in content:
                    break
                typed.append(answer_for(content))
                content = server.text(typed[-1])
            assert all(t.isdigit() for t in typed) and len(typed) >= 3
            assert "请输入数字" not in content and "（第" not in content  # the questionnaire is over
            assert content.startswith("【就业见习补贴") and "结果：" in content
            # The typed numbers were taken as values, not options: "3" would otherwise have been
            # option 3 of that question, 重新开始.
            assert "4人 × 6个月" in content and "留用3人" in content
            pages = [content]
            while MORE_NOTE in pages[-1] and len(pages) < 5:
                pages.append(server.text(MORE_WORD))
            assert "怎么申请" in "".join(pages) and "12333" in "".join(pages)
            assert "还想了解什么？" in pages[-1]
            for page in pages:
                assert len(page.encode()) <= MAX_REPLY_BYTES
                assert page.endswith("回复 1：查看原文\n回复 2：重新开始\n回复 3：测一测我能享受哪些政策\n"
                                     "回复 4：问政策\n回复 5：返回菜单")
            menu = server.text("5")  # the numbers still press the result's buttons after paging
            assert "回复 1：问政策" in menu

            store = slot.engine.store
            key = store.user_key("wechat", OPENID)
            session = client.portal.call(store.load, key)
            assert session.campaign == "poster2026" and session.mode == "idle"
        finally:
            client.portal.call(slot.engine.close)
    # subscribe, image, question, start, each answer, the menu; paging needs no engine call
    assert callback.stats["engine_calls"] == 5 + len(typed)


def test_real_engine_answers_a_question_typed_with_a_control_character(tmp_path: Path):
    slot = EngineSlot()
    callback = WeChatCallback(slot, PLAIN)
    settings = Settings(db=tmp_path / "db.sqlite3", salt="x")
    with TestClient(create_app(slot, settings, extra_routes=callback.routes())) as client:
        assert client.portal is not None
        slot.engine = client.portal.call(partial(Engine.open, settings))
        try:
            server = WeChatServer(client)
            response = server.post_xml(server.message_xml("text", Content="见习\x02补贴\u200b每人每月多少钱"))
            assert response.status_code == 200
            reply = server.reply_of(response)
            assert reply is not None and "1000元" in reply["Content"]
        finally:
            client.portal.call(slot.engine.close)
    assert callback.stats["refused"] == 0
