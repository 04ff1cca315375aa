"""WeChat Official Account (公众号) channel: the message callback with passive replies.

WeChat posts every message a follower sends to one URL (`POLICYBOT_WECHAT_PATH`, default
`/wechat`) and shows whatever XML the server answers within 5 seconds as the account's reply.
This module translates that protocol into `Incoming` / `Reply`; the conversation itself is the
engine's. Mount it with `create_app(engine, settings, extra_routes=wechat_routes(engine, settings))`.

Design choices, and why:

* Protocol as WeChat documents it (消息推送 / 被动回复 / 消息加解密): the URL check is
  `sha1("".join(sorted([token, timestamp, nonce])))`, compared in constant time, and answered
  with `echostr` (plain also in safe mode: the Official Account check never encrypts it).
  Every POST carries the same `signature`; in safe mode (`encrypt_type=aes`) the body's
  `<Encrypt>` is also covered by `msg_signature` and both are checked. A signed timestamp
  more than MAX_CLOCK_SKEW from the server's clock is refused, so a captured URL cannot be
  replayed later; within that window every (timestamp, nonce) is remembered with a digest of
  its body (`_SeenRequests`): the same signed query string with another body (in plain mode
  the signature does not cover the body, so another sender and text could ride on it) is
  refused, and the same request again (a retry, or a replay) never runs the engine a second
  time. MsgIds are kept longer than that window, so a safe-mode message re-sent a minute
  later is not processed again either. With an EncodingAESKey configured, a message without
  `encrypt_type=aes` is refused: accepting plain posts would let anyone who captured one
  signed URL bypass the encryption (a downgrade).
* Safe mode is implemented here on top of `cryptography` (AES-256-CBC) rather than by
  depending on wechatpy: we need ~60 lines of it, wechatpy is a whole API SDK (requests,
  xmltodict, dateutil …) that itself needs `cryptography` (or pycryptodome) for exactly these
  lines, and `cryptography` is the Python ecosystem's de-facto, audited crypto library with
  wheels for every platform. The code is checked against wechatpy's published test vectors
  (tests/test_wechat.py), so it agrees with the reference implementation byte for byte.
  After an EncodingAESKey change, `POLICYBOT_WECHAT_AES_KEY_PREVIOUS` keeps the old key: a
  message the current key cannot open is tried with it and answered with it (WeChat's
  guidance for a smooth switch).
* The endpoint is on the internet: bodies are capped at 64 KB while reading (a chunked body
  has no length and a client may lie), XML is parsed by defusedxml with DTDs refused outright,
  so entity bombs and external entities fail before anything is expanded or fetched.
* What a follower types may hold characters XML 1.0 forbids (a \\x02 from some keyboards):
  they are removed from the body, and in safe mode from the decrypted message, before parsing
  (`xml_legal`), so such a message is answered like any other instead of refused with 400,
  which WeChat shows as "该公众号暂时无法提供服务". The text then goes through
  `dialog.normalize.clean_text` like every channel's.
* Buttons do not exist in WeChat text replies: they are rendered as numbered options
  (`dialog.channels.render`), and text is sent to the engine with `extra={"numbered": True}` so that a
  typed `2` presses the 2nd option.
* WeChat's text limit is 2048 bytes, and a questionnaire result with its how-to-apply,
  materials and phone numbers is longer (~2.3 KB). Such a reply is sent in pages: cut at a
  line, `（内容较长，回复“更多”查看后面的内容）`, the numbered options repeated on every page.
  "更多" gives the next page without calling the engine, so the numbers keep meaning the same
  buttons. Ending with "call 12333" would drop exactly what the resident needs next (how and
  where to apply), and "回复原文" would clash with the existing 查看原文 option (the policy
  clause, a different text).
* WeChat retries a POST it got no answer to (3 tries, about 5 s apart). A retry must never
  run a questionnaire step twice: replies are remembered by MsgId (events by FromUserName +
  CreateTime) in a bounded in-memory TTL cache, and a retry that arrives while the first try
  is still being processed waits for the same result instead of calling the engine again.
  With several bot processes behind a load balancer (a PostgreSQL store, `store.shared`) the
  retry may land on another process: the first process to see a message claims its key in
  the database (`claim_message`, INSERT … ON CONFLICT) and records the reply when done
  (`finish_message`); another process that sees it polls for that reply within the same 5 s
  budget, and the step runs once. The signed requests already seen are shared the same way
  (`seen_request`), so a replay with another body is refused whichever process it reaches.
* Always answer within 5 s: after ~4.5 s the callback answers `success` (WeChat then shows
  nothing and does not retry). The turn still finishes in the background, so the session has
  moved on — without care the resident, who saw nothing, would type their answer again and
  have it taken for the *next* question. So the late reply is kept for a few minutes and
  shown, with an apology, in answer to their next message, which is then not processed (they
  are asked to send it again). Only a customer-service API push could deliver the reply on
  time; that needs an access token and is out of scope.
* Pages still to send and late replies with several processes (a PostgreSQL store): kept in
  the database (`wechat_pending`, one row per person and kind, with a TTL, cleaned like the
  claims), so nginx needs no openid affinity: the process that gets "更多" or the next message
  serves them. Every message hands over what is kept for its sender in the statement that
  claims its MsgId (`claim_and_take`: no round trip of its own). A late reply still being worked out is
  announced at the deadline, so a next message on another process waits for it (within its
  own 5 s) instead of being taken for an answer. With SQLite (one process) they stay in this
  process's memory: no database work at all for them. Measured (2026-11-29, local test
  cluster): `take_pending` on its own costs 0.29 ms of wall time and 0.14 ms of the bot's CPU
  per message, against ~1.1 ms of CPU for a whole SQLite message: 10-25% more for nothing
  when one process holds everything anyway.
* The OpenID is the engine's user id (channel `wechat`, hashed by the engine's log); it never
  appears in this module's log lines, and neither does what the resident typed.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import heapq
import hmac
import logging
import os
import re
import secrets
import struct
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar
from xml.etree.ElementTree import Element, ParseError

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from dialog.channels.render import numbered_options, render_text
from dialog.channels.web import BUSY_TEXT, valid_campaign
from dialog.config import ConfigError, Settings
from dialog.messages import Incoming, Reply
from dialog.normalize import clean_text

__all__ = [
    "CHANNEL",
    "DEFAULT_PATH",
    "LATE_PREFIX",
    "MAX_BODY_BYTES",
    "MAX_REPLY_BYTES",
    "MORE_NOTE",
    "MORE_WORD",
    "PAGE_BYTES",
    "REPLY_DEADLINE",
    "WeChatCallback",
    "WeChatCrypto",
    "WeChatError",
    "WeChatSettings",
    "fit_reply",
    "paginate",
    "parse_xml",
    "sign",
    "dedup_key",
    "text_reply_xml",
    "to_incoming",
    "wechat_routes",
    "xml_legal",
]

log = logging.getLogger(__name__)

CHANNEL = "wechat"
DEFAULT_PATH = "/wechat"
# A WeChat message is a few hundred bytes (about 3x that in compatibility mode, where the body
# carries both plain and encrypted copies); 64 KB is far above any real one.
MAX_BODY_BYTES = 64 * 1024
# WeChat's limit for a text message's Content, in bytes of UTF-8.
MAX_REPLY_BYTES = 2048
# Typed text beyond this is cut before the engine sees it (as in the web chat); between
# settings.max_message_chars and this the engine itself asks the person to keep it short.
MAX_TEXT_CHARS = 4000
# WeChat waits 5 s for the answer; leave room for the network and the response itself.
REPLY_DEADLINE = 4.5
# Retries come within ~15 s, but a captured request stays acceptable as long as its timestamp
# does (MAX_CLOCK_SKEW either side of the server's clock): a MsgId is remembered for that whole
# window and a minute more, so a replay of a message is never processed again. The bound keeps
# a flood of distinct messages from growing memory (each entry holds at most a 2 KB reply).
DEDUP_MAX_ENTRIES = 4096
# How long a reply that missed the 5 s window waits to be shown on the person's next message.
LATE_TTL = 300.0
# A signed request whose timestamp is further than this from the server's clock is refused.
# In plain mode the signature covers only token, timestamp and nonce, not the body: without
# this check one captured callback URL would let anyone post messages as any follower, for
# ever. Five minutes tolerates ordinary clock drift; the server's clock must be kept right
# (NTP; deploy/README explains), or every WeChat message is refused with a log line saying so.
MAX_CLOCK_SKEW = 300.0
SHARED_POLL_SECONDS = 0.1  # how often a retry on another process looks for the reply (PostgreSQL)
# A late reply still being worked out is announced in the shared store for this long: a process
# that died mid-turn must not leave the person's next messages waiting for it for LATE_TTL.
LATE_RUNNING_TTL = 120.0
DEDUP_TTL = 2 * MAX_CLOCK_SKEW + 60.0
# (timestamp, nonce) pairs remembered at most; past this the oldest is dropped and requests no
# newer than it are refused (they could no longer be told from a replay). ~100 bytes each.
SEEN_MAX_ENTRIES = 100_000

# A reply too long for one message is sent in pages: the person types this word for the next.
MORE_WORD = "更多"
MORE_NOTE = f"（内容较长，回复“{MORE_WORD}”查看后面的内容）"
MORE_TTL = 1800.0
LATE_PREFIX = ("抱歉，刚才系统有点慢，没能及时回复。下面是对您上一条消息的回复"
               "（您刚发的这条还没有处理，看完后请再发一次）：")
# Pages leave room for LATE_PREFIX, so a late reply still fits in one message.
PAGE_BYTES = MAX_REPLY_BYTES - len(LATE_PREFIX.encode("utf-8")) - 2
# However many options there are, a page keeps this much room for the text, so that every
# "更多" makes progress.
MIN_BODY_BYTES = 300

OPENID_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
PATH_RE = re.compile(r"/[A-Za-z0-9/_.-]+")
_TAKEN_PATHS = {"", "/api/chat", "/static", "/healthz"}  # the web chat's and server's own routes
# Characters XML 1.0 does not allow; a reply containing one would be rejected whole by WeChat.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The same in a UTF-8 body, as bytes: C0 controls are single bytes that never occur inside a
# multi-byte sequence, and U+FFFE / U+FFFF are EF BF BE / EF BF BF (EF only ever leads one).
_XML_INVALID_UTF8 = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")

# MsgType -> Incoming.kind for what the engine cannot read (it answers them politely).
_MEDIA_KINDS = {
    "image": "photo",
    "voice": "voice",
    "video": "video",
    "shortvideo": "video",
    "location": "location",
    "link": "other",
}


class WeChatError(Exception):
    """A request the callback refuses; carries the HTTP status to answer with."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class ChatEngine(Protocol):
    """What the WeChat channel needs from the conversation engine (see engine_interface.md)."""

    async def handle(self, incoming: Incoming) -> list[Reply]: ...


# ---------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class WeChatSettings:
    """The Official Account's credentials (公众号后台 → 设置与开发 → 基本配置 / 服务器配置).

    Kept apart from `Settings` for now; the names match the `POLICYBOT_WECHAT_*` variables so
    that folding them into `Settings` later (as `wechat_app_id` …) changes nothing outside.
    """

    app_id: str = ""
    token: str = field(default="", repr=False)
    aes_key: str = field(default="", repr=False)  # EncodingAESKey, 43 characters
    path: str = DEFAULT_PATH
    # The EncodingAESKey before the last change in the console, kept while messages made with
    # it may still arrive (WeChat's guidance: try the previous key when the current one fails,
    # and answer with the key that worked).
    previous_aes_key: str = field(default="", repr=False)

    @property
    def enabled(self) -> bool:
        """The callback is served only when a token is configured."""
        return bool(self.token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WeChatSettings:
        """Reads POLICYBOT_WECHAT_APP_ID / _TOKEN / _AES_KEY / _PATH; raises ConfigError
        naming the variable (never its value) when one is malformed."""
        env = os.environ if env is None else env
        settings = cls(
            app_id=env.get("POLICYBOT_WECHAT_APP_ID", "").strip(),
            token=env.get("POLICYBOT_WECHAT_TOKEN", "").strip(),
            aes_key=env.get("POLICYBOT_WECHAT_AES_KEY", "").strip(),
            path=env.get("POLICYBOT_WECHAT_PATH", "").strip() or DEFAULT_PATH,
            previous_aes_key=env.get("POLICYBOT_WECHAT_AES_KEY_PREVIOUS", "").strip(),
        )
        settings.validate()
        return settings

    @classmethod
    def from_settings(cls, settings: Settings, env: Mapping[str, str] | None = None) -> WeChatSettings:
        """From `Settings` once it has `wechat_token` (…) fields, else from the environment."""
        if hasattr(settings, "wechat_token"):
            result = cls(
                app_id=str(getattr(settings, "wechat_app_id", "") or ""),
                token=str(settings.wechat_token or ""),
                aes_key=str(getattr(settings, "wechat_aes_key", "") or ""),
                path=str(getattr(settings, "wechat_path", "") or DEFAULT_PATH),
                previous_aes_key=str(getattr(settings, "wechat_aes_key_previous", "") or ""),
            )
            result.validate()
            return result
        return cls.from_env(env)

    def validate(self) -> None:
        if not PATH_RE.fullmatch(self.path) or self.path.rstrip("/") in _TAKEN_PATHS \
                or self.path.startswith("/static/"):
            raise ConfigError(f"setting POLICYBOT_WECHAT_PATH: {self.path!r} is not a free URL path like /wechat")
        if self.token and not re.fullmatch(r"[A-Za-z0-9]{3,32}", self.token):
            raise ConfigError("setting POLICYBOT_WECHAT_TOKEN must be 3-32 letters or digits (as the 公众号 console requires)")
        if self.aes_key:
            _aes_key_bytes(self.aes_key)  # raises ConfigError
            if not self.app_id:
                raise ConfigError("setting POLICYBOT_WECHAT_APP_ID is required with POLICYBOT_WECHAT_AES_KEY (safe mode checks it)")
            if not self.token:
                raise ConfigError("setting POLICYBOT_WECHAT_TOKEN is required with POLICYBOT_WECHAT_AES_KEY")
        if self.previous_aes_key:
            if not self.aes_key:
                raise ConfigError("setting POLICYBOT_WECHAT_AES_KEY_PREVIOUS needs POLICYBOT_WECHAT_AES_KEY (the current key)")
            _aes_key_bytes(self.previous_aes_key, "POLICYBOT_WECHAT_AES_KEY_PREVIOUS")


def _aes_key_bytes(encoding_aes_key: str, setting: str = "POLICYBOT_WECHAT_AES_KEY") -> bytes:
    """AESKey = Base64_Decode(EncodingAESKey + "="): 43 characters give 32 bytes."""
    if len(encoding_aes_key) != 43:
        raise ConfigError(f"setting {setting} must be the 43-character EncodingAESKey")
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"setting {setting} is not a valid EncodingAESKey") from None
    if len(key) != 32:
        raise ConfigError(f"setting {setting} is not a valid EncodingAESKey")
    return key


# ---------------------------------------------------------------------------- signatures, crypto


def sign(*parts: str) -> str:
    """WeChat's signature: SHA1 of the parts sorted as strings and joined."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def _signature_ok(given: str | None, *parts: str) -> bool:
    """Constant-time comparison, so the signature cannot be guessed byte by byte."""
    if not given:
        return False
    return hmac.compare_digest(sign(*parts).encode("ascii"), given.encode("utf-8", "replace"))


class WeChatCrypto:
    """安全模式: AES-256-CBC, key = Base64_Decode(EncodingAESKey + "="), IV = key[:16],
    PKCS#7 padding to 32-byte blocks; the plaintext is 16 random bytes, the XML's length as a
    4-byte big-endian integer, the XML, and the AppID (checked on the way in)."""

    BLOCK_BITS = 256  # WeChat pads to 32 bytes, not AES's 16

    def __init__(self, token: str, encoding_aes_key: str, app_id: str, previous_aes_key: str = "") -> None:
        self.token = token
        self.app_id = app_id.encode("utf-8")
        self._key = _aes_key_bytes(encoding_aes_key)
        self._previous = _aes_key_bytes(previous_aes_key, "POLICYBOT_WECHAT_AES_KEY_PREVIOUS") if previous_aes_key else None

    @staticmethod
    def _cipher(key: bytes) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(key), modes.CBC(key[:16]))

    def encrypt(self, xml: bytes, random16: bytes | None = None, key: bytes | None = None) -> str:
        """Base64 ciphertext for `xml` with the current key, or `key` (the one a message came
        with); random16 is only fixed by tests with known vectors."""
        prefix = random16 if random16 is not None else secrets.token_bytes(16)
        if len(prefix) != 16:
            raise ValueError("random prefix must be 16 bytes")
        plain = prefix + struct.pack(">I", len(xml)) + xml + self.app_id
        padder = padding.PKCS7(self.BLOCK_BITS).padder()
        padded = padder.update(plain) + padder.finalize()
        encryptor = self._cipher(key or self._key).encryptor()
        return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypted: str) -> bytes:
        """The XML inside `encrypted`; WeChatError 400 if it is not well formed, 403 if it was
        made for another AppID (someone else's account, or a forged message)."""
        return self.decrypt_with_key(encrypted)[0]

    def decrypt_with_key(self, encrypted: str) -> tuple[bytes, bytes]:
        """(XML, the key that opened it): the current key, else the previous one if set. A
        message neither opens fails with the current key's error."""
        try:
            return self._decrypt(encrypted, self._key), self._key
        except WeChatError:
            if self._previous is None:
                raise
            try:
                return self._decrypt(encrypted, self._previous), self._previous
            except WeChatError:
                pass
            raise

    def _decrypt(self, encrypted: str, key: bytes) -> bytes:
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise WeChatError(400, "Encrypt is not base64") from None
        if not data or len(data) % 16:
            raise WeChatError(400, "Encrypt is not whole AES blocks")
        decryptor = self._cipher(key).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        try:
            unpadder = padding.PKCS7(self.BLOCK_BITS).unpadder()
            plain = unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise WeChatError(400, "bad padding after decryption") from None
        if len(plain) < 20:
            raise WeChatError(400, "decrypted message too short")
        (length,) = struct.unpack(">I", plain[16:20])
        if 20 + length > len(plain):
            raise WeChatError(400, "decrypted length out of range")
        xml, app_id = plain[20:20 + length], plain[20 + length:]
        if not hmac.compare_digest(app_id, self.app_id):
            raise WeChatError(403, "AppID in the decrypted message does not match")
        return xml

    def encrypted_reply(self, xml: bytes, timestamp: str, nonce: str, random16: bytes | None = None,
                        key: bytes | None = None) -> bytes:
        """The XML envelope WeChat expects for an encrypted passive reply (with `key`, the key
        the message came with, when given)."""
        encrypted = self.encrypt(xml, random16, key)
        signature = sign(self.token, timestamp, nonce, encrypted)
        return (
            f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp>"
            f"<Nonce><![CDATA[{nonce}]]></Nonce></xml>"
        ).encode()


# ---------------------------------------------------------------------------- XML


def xml_legal(body: bytes) -> bytes:
    """`body` (UTF-8, as WeChat sends it) without the characters XML 1.0 forbids (C0 controls
    other than tab, LF and CR; U+FFFE, U+FFFF). WeChat passes a follower's \\x02 through into
    `<Content>` unescaped, and an XML parser refuses the whole document for it (issue 12: the
    callback answered 400 and WeChat showed "该公众号暂时无法提供服务"). A body that looks like
    UTF-16/32 (a BOM or a NUL in its first two bytes) is returned as it is: its NULs are not
    control characters, and the parser decides.
    """
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in body[:2]:
        return body
    return _XML_INVALID_UTF8.sub(b"", body)


def parse_xml(body: bytes) -> dict[str, str]:
    """The `<xml>` root's child elements as {tag: text}, after `xml_legal`. Refuses (400) any
    DTD — hence every entity declaration, internal or external — before it is expanded, and
    malformed XML."""
    body = xml_legal(body)
    try:
        root: Element = defused_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise WeChatError(400, "XML with a DTD or entities") from None
    except (ParseError, ValueError, RecursionError):
        raise WeChatError(400, "malformed XML") from None
    if root.tag != "xml":
        raise WeChatError(400, "XML root is not <xml>")
    return {child.tag: (child.text or "") for child in root if isinstance(child.tag, str)}


def _xml_text(value: str) -> str:
    """`value` safe inside CDATA: characters XML forbids removed, `]]>` split across sections."""
    return _XML_INVALID.sub("", value).replace("]]>", "]]]]><![CDATA[>")


def text_reply_xml(to_user: str, from_user: str, content: str, create_time: int) -> bytes:
    """A passive text reply: To/From are the incoming message's From/To swapped."""
    return (
        f"<xml><ToUserName><![CDATA[{_xml_text(to_user)}]]></ToUserName>"
        f"<FromUserName><![CDATA[{_xml_text(from_user)}]]></FromUserName>"
        f"<CreateTime>{int(create_time)}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{_xml_text(content)}]]></Content></xml>"
    ).encode()


# ---------------------------------------------------------------------------- rendering


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut_to_bytes(text: str, budget: int) -> tuple[str, int]:
    """(what to show, how many characters of `text` it uses) for the longest prefix within
    `budget` bytes that ends at a line break; failing that (one very long line), at the last
    sentence end, else anywhere, marked with …"""
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        cost = _bytes(line) + (1 if kept else 0)
        if used + cost > budget:
            break
        kept.append(line)
        used += cost
    shown = "\n".join(kept)
    if shown.strip():
        return shown.rstrip(), len(shown)
    room = max(budget - _bytes("…"), 1)
    prefix = text.encode("utf-8")[:room].decode("utf-8", "ignore") or text[:1]
    sentence_end = max(prefix.rfind(mark) for mark in "。！？；")
    if sentence_end >= len(prefix) // 2:
        return prefix[: sentence_end + 1], sentence_end + 1
    return prefix + "…", len(prefix)


def paginate(body: str, options: list[str], limit: int = PAGE_BYTES) -> tuple[str, str]:
    """(this message, the rest of `body` still to send) for a text of at most `limit` bytes.

    The numbered options always come last and are kept whole on every page (they are the way
    on: a resident who cannot see "回复 1：…" is stuck, and they stay valid because the engine's
    last buttons do not change while the person pages). When the body does not fit it is cut
    at a line boundary and MORE_NOTE says how to get the rest. Only if the options alone
    would leave less than MIN_BODY_BYTES are trailing options dropped."""
    full = "\n\n".join(part for part in (body, "\n".join(options)) if part)
    if _bytes(full) <= limit:
        return full, ""
    options = list(options)
    while options and _bytes(MORE_NOTE + "\n\n" + "\n".join(options)) > limit - MIN_BODY_BYTES:
        options.pop()
    tail = "\n\n".join([MORE_NOTE] + (["\n".join(options)] if options else []))
    shown, used = _cut_to_bytes(body, limit - _bytes(tail) - 2)
    return f"{shown}\n\n{tail}", body[used:].lstrip("\n")


def split_replies(replies: list[Reply]) -> tuple[str, list[str]]:
    """(the replies' text, their numbered options) as `dialog.channels.render.render_text` joins them."""
    return render_text([Reply(r.text, (), r.link) for r in replies]), numbered_options(replies)


def fit_reply(replies: list[Reply], limit: int = MAX_REPLY_BYTES) -> str:
    """The first message for `replies` (what `render_text` gives, when it fits)."""
    return paginate(*split_replies(replies), limit=limit)[0]


# ---------------------------------------------------------------------------- message -> Incoming


def _campaign_from_event_key(key: str) -> str | None:
    """`qrscene_<campaign>` (subscribe) or `<campaign>` (SCAN), validated like `?c=`."""
    if key.startswith("qrscene_"):
        key = key[len("qrscene_"):]
    return valid_campaign(key)


def to_incoming(fields: Mapping[str, str]) -> Incoming | None:
    """The engine's Incoming for a WeChat message, or None when there is nothing to answer
    (unsubscribe, menu clicks, location reports, template-send receipts …)."""
    user = fields.get("FromUserName", "")
    msg_type = fields.get("MsgType", "").strip().lower()
    numbered = {"numbered": True}
    if msg_type == "text":
        return Incoming(CHANNEL, user, clean_text(fields.get("Content", ""))[:MAX_TEXT_CHARS], extra=numbered)
    if msg_type == "event":
        event = fields.get("Event", "").strip()
        if event.lower() in ("subscribe", "scan"):
            campaign = _campaign_from_event_key(fields.get("EventKey", "").strip())
            text = f"/start {campaign}" if campaign else "/start"
            return Incoming(CHANNEL, user, text, campaign=campaign, extra=numbered)
        return None
    said = clean_text(fields.get("Recognition", "")).strip() if msg_type == "voice" else ""
    if said:
        # With 语音识别 enabled WeChat sends the transcript: answer what was said.
        return Incoming(CHANNEL, user, said[:MAX_TEXT_CHARS], extra=numbered)
    return Incoming(CHANNEL, user, kind=_MEDIA_KINDS.get(msg_type, "other"), extra=numbered)


def dedup_key(fields: Mapping[str, str]) -> str:
    """MsgId identifies a message across WeChat's retries; events have none, and WeChat
    documents FromUserName + CreateTime for them."""
    sender = fields.get("FromUserName", "")
    msg_id = fields.get("MsgId", "").strip()
    if msg_id and fields.get("MsgType") != "event":
        return f"m:{sender}:{msg_id}"
    return f"e:{sender}:{fields.get('CreateTime', '')}"


# ---------------------------------------------------------------------------- the callback


V = TypeVar("V")


class TTLCache(Generic[V]):
    """A small insertion-ordered cache: entries expire after `ttl` seconds and the oldest go
    first past `max_entries`. Every entry has the same ttl, so the oldest is always first."""

    def __init__(self, ttl: float, max_entries: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._items: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def _purge(self) -> None:
        now = self.clock()
        while self._items:
            key, (expires, _) = next(iter(self._items.items()))
            if expires > now:
                break
            del self._items[key]

    def get(self, key: str) -> V | None:
        self._purge()
        item = self._items.get(key)
        return item[1] if item else None

    def set(self, key: str, value: V) -> None:
        self._purge()
        self._items.pop(key, None)
        self._items[key] = (self.clock() + self.ttl, value)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def pop(self, key: str) -> V | None:
        self._purge()
        item = self._items.pop(key, None)
        return item[1] if item else None

    def __len__(self) -> int:
        self._purge()
        return len(self._items)

    def drop_where(self, condition: Callable[[str, V], bool]) -> int:
        """Remove every entry for which `condition(key, value)` holds; returns how many."""
        doomed = [key for key, (_, value) in self._items.items() if condition(key, value)]
        for key in doomed:
            del self._items[key]
        return len(doomed)


class _SeenRequests:
    """Every signed POST's (timestamp, nonce) with a digest of its body, kept until its
    timestamp is no longer acceptable (timestamp + MAX_CLOCK_SKEW by the server's clock).

    `check` says "new" (first time), "again" (the same request: a retry or a replay, which
    must not run the engine again) or raises WeChatError(403) for the same (timestamp, nonce)
    with a different body. Bounded: past `max_entries` the entry with the oldest timestamp
    goes and `floor` rises to it; a request whose timestamp is not above the floor is refused,
    since it could no longer be recognised as a replay."""

    def __init__(self, clock: Callable[[], float], max_entries: int = SEEN_MAX_ENTRIES) -> None:
        self.clock = clock
        self.max_entries = max_entries
        self.floor = float("-inf")
        self._digests: dict[tuple[int, str], bytes] = {}
        self._by_time: list[tuple[int, str]] = []  # a heap of (timestamp, nonce)

    def check(self, timestamp: int, nonce: str, body: bytes) -> str:
        now = self.clock()
        while self._by_time and self._by_time[0][0] + MAX_CLOCK_SKEW < now:
            self._digests.pop(heapq.heappop(self._by_time), None)
        if timestamp <= self.floor:
            raise WeChatError(403, "too many recent requests to tell this one from a replay")
        digest = hashlib.sha256(body).digest()
        key = (timestamp, nonce)
        seen = self._digests.get(key)
        if seen is not None:
            if not hmac.compare_digest(seen, digest):
                raise WeChatError(403, "a signed timestamp and nonce reused with another body (replay)")
            return "again"
        self._digests[key] = digest
        heapq.heappush(self._by_time, key)
        while len(self._digests) > self.max_entries:
            oldest = heapq.heappop(self._by_time)
            self._digests.pop(oldest, None)
            self.floor = max(self.floor, oldest[0])
        return "new"

    def __len__(self) -> int:
        return len(self._digests)


@dataclass(frozen=True)
class _More:
    """The rest of a reply that did not fit, and the options to repeat under each page."""

    body: str
    options: tuple[str, ...]


@dataclass(eq=False)
class _Turn:
    """One message being (or having been) answered, shared by its retries."""

    openid: str
    result: asyncio.Future[str | None]
    delivered: bool = False  # its reply went back to WeChat (or is claimed by a later message)
    timed_out: bool = False  # a request for it answered `success` after the deadline
    late_kept: bool = False  # its late reply is kept in the shared store (PostgreSQL)


class WeChatCallback:
    """The callback endpoint (GET = URL check, POST = a message); see the module docstring."""

    def __init__(self, engine: ChatEngine, wechat: WeChatSettings, *, deadline: float = REPLY_DEADLINE,
                 clock: Callable[[], float] = time.time) -> None:
        if not wechat.token:
            raise ValueError("WeChat callback needs a token")
        self.engine = engine
        self.wechat = wechat
        self.deadline = deadline
        self.clock = clock
        self.crypto = (WeChatCrypto(wechat.token, wechat.aes_key, wechat.app_id, wechat.previous_aes_key)
                       if wechat.aes_key else None)
        self._turns: TTLCache[_Turn] = TTLCache(DEDUP_TTL, DEDUP_MAX_ENTRIES, clock=lambda: self.clock())  # by dedup key
        self._seen = _SeenRequests(lambda: self.clock())  # (timestamp, nonce) of signed POSTs
        self._latest: TTLCache[_Turn] = TTLCache(LATE_TTL, DEDUP_MAX_ENTRIES)  # by OpenID
        self._more: TTLCache[_More] = TTLCache(MORE_TTL, DEDUP_MAX_ENTRIES)  # by OpenID
        self._tasks: set[asyncio.Future[str | None]] = set()  # strong refs until done
        # Counters for tests and for an operator's debugging; no personal data.
        self.stats = {"engine_calls": 0, "retries_joined": 0, "timeouts": 0, "late_delivered": 0, "refused": 0,
                      "repeats": 0}

    def routes(self) -> list[Route]:
        return [Route(self.wechat.path, self.endpoint, methods=["GET", "POST"], name="wechat")]

    def forget(self, user_key: str, key_of: Callable[[str, str], str]) -> int:
        """Drop what is kept in memory for the person whose stored key is `user_key` (replies
        kept for retries, a late reply, the pages still to send), `key_of(channel, openid)`
        being the store's hash: a deleted person's old replies are never shown again."""
        def theirs(openid: str) -> bool:
            return key_of(CHANNEL, openid) == user_key

        return (self._turns.drop_where(lambda _, turn: theirs(turn.openid))
                + self._latest.drop_where(lambda openid, _: theirs(openid))
                + self._more.drop_where(lambda openid, _: theirs(openid)))

    async def endpoint(self, request: Request) -> Response:
        started = time.monotonic()
        try:
            if request.method == "POST":
                return await self._post(request, started)
            return self._verify_url(request)
        except WeChatError as error:
            self.stats["refused"] += 1
            client = request.client.host if request.client else "?"
            log.warning("wechat: refused a %s from %s: %s (%d)", request.method, client, error.reason, error.status)
            return PlainTextResponse("", status_code=error.status)
        except ClientDisconnect:
            return Response(status_code=400)

    # -- GET: the URL check when the callback is configured in the 公众号 console

    def _signed(self, request: Request) -> tuple[str, str]:
        q = request.query_params
        timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
        if not _signature_ok(q.get("signature"), self.wechat.token, timestamp, nonce):
            raise WeChatError(403, "bad signature")
        try:
            skew = self.clock() - int(timestamp)
        except ValueError:
            raise WeChatError(403, "timestamp is not a number") from None
        if abs(skew) > MAX_CLOCK_SKEW:
            raise WeChatError(403, f"timestamp {skew:+.0f} s from this server's clock: a replayed request, "
                                   "or this server's clock is wrong (check NTP)")
        return timestamp, nonce

    def _verify_url(self, request: Request) -> Response:
        self._signed(request)
        return PlainTextResponse(request.query_params.get("echostr", ""))

    # -- POST: a message

    async def _read_body(self, request: Request) -> bytes:
        """The body, refusing more than MAX_BODY_BYTES: by Content-Length up front, and again
        while reading, since a chunked body has no length and a client may lie."""
        declared = request.headers.get("content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                raise WeChatError(400, "bad Content-Length") from None
            if length > MAX_BODY_BYTES:
                raise WeChatError(413, "body over 64 KB (declared)")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise WeChatError(413, "body over 64 KB")
            chunks.append(chunk)
        return b"".join(chunks)

    async def _post(self, request: Request, started: float) -> Response:
        timestamp, nonce = self._signed(request)
        encrypt_type = request.query_params.get("encrypt_type", "raw").lower()
        if encrypt_type not in ("raw", "aes"):
            raise WeChatError(400, "unknown encrypt_type")
        if self.crypto is not None and encrypt_type != "aes":
            # Safe mode is configured: a plain post is a downgrade (or the console was switched
            # back to 明文模式 without removing POLICYBOT_WECHAT_AES_KEY).
            raise WeChatError(403, "an unencrypted message while POLICYBOT_WECHAT_AES_KEY is set (safe mode)")
        body = await self._read_body(request)
        fields = parse_xml(body)
        safe_mode = encrypt_type == "aes"
        reply_key: bytes | None = None  # in safe mode, the key the message came with
        if safe_mode:
            if self.crypto is None:
                log.error("wechat: an encrypted message arrived but POLICYBOT_WECHAT_AES_KEY is not set")
                raise WeChatError(400, "safe mode without an EncodingAESKey")
            encrypted = fields.get("Encrypt", "")
            if not _signature_ok(request.query_params.get("msg_signature"), self.wechat.token, timestamp,
                                 nonce, encrypted):
                raise WeChatError(403, "bad msg_signature")
            xml_in, reply_key = self.crypto.decrypt_with_key(encrypted)
            fields = parse_xml(xml_in)

        openid = fields.get("FromUserName", "")
        if not OPENID_RE.fullmatch(openid):
            raise WeChatError(400, "missing or malformed FromUserName")
        again = await self._check_seen(int(timestamp), nonce, body) == "again"
        if again:
            self.stats["repeats"] += 1
        content = await self._reply_content(fields, started, again=again)
        if content is None:
            return PlainTextResponse("success")
        xml = text_reply_xml(openid, fields.get("ToUserName", ""), content, int(self.clock()))
        if safe_mode and self.crypto is not None:
            reply_timestamp = str(int(self.clock()))
            reply_nonce = str(secrets.randbelow(10**10))
            xml = self.crypto.encrypted_reply(xml, reply_timestamp, reply_nonce, key=reply_key)
        return Response(xml, media_type="application/xml")

    def _shared_store(self) -> Any:
        """The engine's store when several processes share it (PostgreSQL), else None."""
        store = getattr(self.engine, "store", None)
        if getattr(store, "shared", False) and callable(getattr(store, "claim_message", None)):
            return store
        return None

    async def _check_seen(self, timestamp: int, nonce: str, body: bytes) -> str:
        """`_SeenRequests.check` here, then (for a request new to this process) in the shared
        store: "new" or "again"; WeChatError(403) for a reused (timestamp, nonce) with another
        body. If the database fails, this process's memory decides."""
        seen = self._seen.check(timestamp, nonce, body)
        store = self._shared_store()
        if seen == "again" or store is None:
            return seen
        try:
            shared = await store.seen_request(timestamp, nonce, hashlib.sha256(body).digest(),
                                              float(timestamp) + MAX_CLOCK_SKEW)
        except Exception as exc:  # noqa: BLE001 - the chat's own save reports the database
            log.warning("wechat: seen requests not shared (database: %s)", type(exc).__name__)
            return seen
        if shared == "conflict":
            raise WeChatError(403, "a signed timestamp and nonce reused with another body (replay)")
        return shared

    async def _shared_reply(self, store: Any, key: str, started: float) -> str | None:
        """Wait (polling every SHARED_POLL_SECONDS, within the deadline) for the reply another
        process records for the message `key`; None = answer `success`."""
        while True:
            try:
                state = await store.message_reply(key)
            except Exception as exc:  # noqa: BLE001 - no answer rather than a second run
                log.warning("wechat: shared reply not read (database: %s)", type(exc).__name__)
                return None
            if state is None:
                return None
            if state.state == "done":
                return state.reply
            if time.monotonic() - started + SHARED_POLL_SECONDS > self.deadline:
                self.stats["timeouts"] += 1
                return None
            await asyncio.sleep(SHARED_POLL_SECONDS)

    async def _claim(self, store: Any, key: str, incoming: Incoming) -> tuple[bool, Any]:
        """Claim the message in the shared store: (True, what the store kept for the person —
        pages, a late reply — read in the same statement) when this process runs it, (False,
        None) when another has it. If the database fails: (True, None), each process deciding
        alone as with one process."""
        try:
            pending = await store.claim_and_take(key, store.user_key(CHANNEL, incoming.user), DEDUP_TTL)
        except Exception as exc:  # noqa: BLE001
            log.warning("wechat: message not claimed in the database (%s); running it here", type(exc).__name__)
            return True, None
        return pending is not None, pending

    def _record(self, store: Any, key: str, result: asyncio.Future[str | None]) -> None:
        """When the turn is done, record its reply for other processes' retries."""
        def done(future: asyncio.Future[str | None]) -> None:
            reply = None if future.cancelled() or future.exception() is not None else future.result()
            task = asyncio.ensure_future(store.finish_message(key, reply))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            task.add_done_callback(_log_unrecorded)

        result.add_done_callback(done)

    async def _reply_content(self, fields: Mapping[str, str], started: float, again: bool = False) -> str | None:
        """The reply text for a message (None = answer `success`), running the engine at most
        once per message however often WeChat retries it (in any process sharing the store),
        and within the deadline. `again`: this very request (same timestamp, nonce and body)
        was seen before, so it never starts a turn."""
        key = dedup_key(fields)
        turn = self._turns.get(key)
        store = self._shared_store()
        if turn is not None:
            self.stats["retries_joined"] += 1
        else:
            incoming = to_incoming(fields)
            if incoming is None:
                return None
            pending: Any = None  # what the shared store kept for the person, read with the claim
            if store is not None:
                claimed, pending = (False, None) if again else await self._claim(store, key, incoming)
                if not claimed:
                    # another process has (or had) it: its reply, never a second run
                    self.stats["retries_joined"] += 1
                    return await self._shared_reply(store, key, started)
            elif again:
                return None
            turn = self._start_turn(incoming, store, started, pending)
            self._turns.set(key, turn)
            if store is not None:
                self._record(store, key, turn.result)
        remaining = self.deadline - (time.monotonic() - started)
        if not turn.result.done():
            await asyncio.wait({turn.result}, timeout=max(remaining, 0.0))
        if not turn.result.done():
            self.stats["timeouts"] += 1
            turn.timed_out = True
            log.warning("wechat: no reply within %.1f s; answered 'success', the reply will be shown "
                        "on the person's next message", self.deadline)
            if store is not None and not turn.late_kept:
                turn.late_kept = True
                await self._keep_late(store, turn)
            return None
        turn.delivered = True
        return turn.result.result()

    async def _keep_late(self, store: Any, turn: _Turn) -> None:
        """A turn missed the deadline, with several processes: announce its late reply in the
        shared store now (so the person's next message, on any process, waits for it instead
        of being taken for an answer), and keep the reply there once it is known (or drop the
        announcement if there is nothing to show)."""
        user_key = store.user_key(CHANNEL, turn.openid)
        try:
            await store.keep_pending(user_key, "late", None, (), LATE_RUNNING_TTL)
        except Exception as exc:  # noqa: BLE001 - the reply is then shown by this process only
            log.warning("wechat: late reply not announced in the database (%s)", type(exc).__name__)
            return

        async def keep() -> None:
            try:
                reply = await asyncio.shield(turn.result)
            except Exception:  # noqa: BLE001 - the turn logged its own failure
                reply = None
            if reply is None:
                await store.drop_pending(user_key, "late")
            else:
                await store.keep_pending(user_key, "late", reply, (), LATE_TTL)

        task = asyncio.ensure_future(keep())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(_log_unrecorded)

    def _start_turn(self, incoming: Incoming, store: Any = None, started: float = 0.0, pending: Any = None) -> _Turn:
        """Runs the engine for a new message, except in two cases:

        * the person's previous reply missed the deadline and nobody has seen it: this message
          gets that reply (with an apology) and is not processed, because the person wrote it
          without seeing the question it would be taken to answer;
        * the person asks for the next page (MORE_WORD) of a reply that did not fit.

        With a shared store (PostgreSQL, several processes) both are kept in the database
        (`_shared_turn`), so the process that gets the next message serves them; `started` is
        when the request arrived (monotonic), for the deadline; `pending`: what the store kept,
        read with the claim (None: read it now). Else in this process's memory.
        """
        user = incoming.user
        if store is not None:
            shared: asyncio.Future[str | None] = asyncio.ensure_future(
                self._shared_turn(store, incoming, started, pending))
            self._tasks.add(shared)
            shared.add_done_callback(self._tasks.discard)
            return _Turn(user, shared)
        previous = self._latest.get(user)
        result: asyncio.Future[str | None]
        if previous is not None and previous.timed_out and not previous.delivered:
            previous.delivered = True
            result = asyncio.ensure_future(self._late_reply(previous, incoming))
        else:
            more = self._more.pop(user)  # any other message ends the paging
            if more is not None and incoming.kind == "text" and incoming.text.strip() == MORE_WORD:
                result = asyncio.get_running_loop().create_future()
                result.set_result(self._page(user, more.body, list(more.options)))
            else:
                result = asyncio.ensure_future(self._run_engine(incoming))
        self._tasks.add(result)
        result.add_done_callback(self._tasks.discard)
        turn = _Turn(user, result)
        self._latest.set(user, turn)
        return turn

    async def _shared_turn(self, store: Any, incoming: Incoming, started: float, pending: Any = None) -> str | None:
        """`_start_turn`'s cases with what the shared store keeps for the person (`pending`, read
        with the claim, else `take_pending`): a late reply (shown with the apology; this message is not processed),
        one still being worked out on some process (waited for within the deadline, else
        `success` and it comes with the next message), the pages of a long reply ("更多"), or
        the engine. If the database fails, the engine answers."""
        user_key = store.user_key(CHANNEL, incoming.user)
        try:
            if pending is None:
                pending = await store.take_pending(user_key)
            while pending.late is None and pending.late_running:
                if time.monotonic() - started + 2 * SHARED_POLL_SECONDS > self.deadline:
                    return None
                await asyncio.sleep(SHARED_POLL_SECONDS)
                pending = await store.take_pending(user_key)
        except Exception as exc:  # noqa: BLE001 - answer rather than fail
            log.warning("wechat: kept pages and late replies not read (database: %s)", type(exc).__name__)
            return await self._run_engine(incoming)
        if pending.late is not None:
            self.stats["late_delivered"] += 1
            text = pending.late
            return text if text.startswith(LATE_PREFIX) else f"{LATE_PREFIX}\n\n{text}"
        if pending.more is not None and incoming.kind == "text" and incoming.text.strip() == MORE_WORD:
            return await self._shared_page(store, user_key, pending.more, list(pending.options))
        try:
            replies = await self._engine_replies(incoming)
        except _EngineFailed:
            return BUSY_TEXT
        return await self._shared_page(store, user_key, *split_replies(replies))

    async def _shared_page(self, store: Any, user_key: str, body: str, options: list[str]) -> str | None:
        """The next message of a reply; what does not fit is kept in the shared store for
        MORE_WORD (on any process)."""
        page, rest = paginate(body, options)
        if rest:
            try:
                await store.keep_pending(user_key, "more", rest, options, MORE_TTL)
            except Exception as exc:  # noqa: BLE001 - the first page still goes out
                log.warning("wechat: the rest of a long reply not kept (database: %s)", type(exc).__name__)
        return page or None

    async def _late_reply(self, previous: _Turn, incoming: Incoming) -> str | None:
        text = await previous.result
        if text is None:  # nothing was missed after all: handle this message normally
            return await self._run_engine(incoming)
        self.stats["late_delivered"] += 1
        # Several messages may have come in while the slow turn ran: apologise only once.
        return text if text.startswith(LATE_PREFIX) else f"{LATE_PREFIX}\n\n{text}"

    def _page(self, user: str, body: str, options: list[str]) -> str | None:
        """The next message of a reply; what does not fit is kept for MORE_WORD."""
        page, rest = paginate(body, options)
        if rest:
            self._more.set(user, _More(rest, tuple(options)))
        else:
            self._more.pop(user)
        return page or None

    async def _engine_replies(self, incoming: Incoming) -> list[Reply]:
        """The engine's replies; _EngineFailed (logged) when it raised."""
        self.stats["engine_calls"] += 1
        try:
            return await self.engine.handle(incoming)
        except Exception as exc:  # the engine raises only on infrastructure failure
            _log_engine_failure(exc, incoming)
            raise _EngineFailed from exc

    async def _run_engine(self, incoming: Incoming) -> str | None:
        try:
            replies = await self._engine_replies(incoming)
        except _EngineFailed:
            return BUSY_TEXT
        return self._page(incoming.user, *split_replies(replies))


class _EngineFailed(Exception):
    """The engine raised (already logged): answer BUSY_TEXT."""


def _log_unrecorded(task: asyncio.Future[None]) -> None:
    """A reply that could not be recorded in the shared store: other processes' retries of
    that message then answer nothing (never run it twice)."""
    if not task.cancelled() and task.exception() is not None:
        log.warning("wechat: reply not recorded in the database (%s)", type(task.exception()).__name__)


def _log_engine_failure(exc: BaseException, incoming: Incoming) -> None:
    """Logs an engine failure without the OpenID or the text: type, a redacted message, and
    the code locations of the stack (no local variables)."""
    message = str(exc)
    for secret in (incoming.text, incoming.user):
        if secret and len(secret) >= 2:
            message = message.replace(secret, "<redacted>")
    stack = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    log.error("wechat: engine failed on a %s message: %s: %s\n%s", incoming.kind, type(exc).__name__,
              message, stack.rstrip())


def wechat_routes(engine: ChatEngine, settings: Settings, wechat: WeChatSettings | None = None,
                  *, deadline: float = REPLY_DEADLINE) -> list[Route]:
    """The callback route (GET + POST on `POLICYBOT_WECHAT_PATH`, default /wechat), or no
    route at all when no token is configured. `wechat` defaults to the environment (or to
    `settings` once it carries the wechat_* fields)."""
    wechat = wechat if wechat is not None else WeChatSettings.from_settings(settings)
    if not wechat.enabled:
        return []
    log.info("WeChat callback at %s%s (%s mode)", settings.web_url, wechat.path,
             "safe/compatible" if wechat.aes_key else "plain")
    callback = WeChatCallback(engine, wechat, deadline=deadline)
    store = getattr(engine, "store", None)  # deleting a person clears this channel's memory of them
    if store is not None and isinstance(getattr(store, "on_forget", None), list):
        store.on_forget.append(lambda key: callback.forget(key, store.user_key))
    return callback.routes()
