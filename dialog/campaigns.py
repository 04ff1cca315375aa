"""Campaign names (春季招聘, poster-2026-03): what the publicity team prints, and the id every
channel carries to the engine, the log and the reports.

Why an id: a Telegram deep link (`https://t.me/<bot>?start=<parameter>`) carries only
A-Z a-z 0-9 _ - and at most 64 characters, and the engine, the web page and the WeChat scene
code take only such tokens. So:
- an ASCII name (letters, digits, _ -) is its own id, exactly as before;
- a name with Chinese (or any other) letters or digits gets the id `zh_` + the name's UTF-8 in
  URL-safe base64 without padding (春季招聘 → zh_5pil5a2j5oub6IGY). Worked out from the name
  alone, never stored: the same name gives the same link on any machine and any day, no
  mapping file can be lost, and `campaign_name` turns the id back into the name for /stats and
  `policybot report`. 64 characters hold 45 bytes: 15 Chinese characters;
- the web link carries the name itself, percent-encoded (`?c=%E6%98%A5…`, shown as ?c=春季招聘 in
  a browser); the page reads the name or the id (`parse_campaign`) and counts the same id.
- Names are read after NFKC (全角 ２０２６ is 2026), so one name typed two ways is one campaign.
- ASCII names starting with `zh_` are refused: they would read as an encoded name.

Errors (CampaignError) are Chinese sentences saying what to use instead.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata

MAX_ID = 64  # Telegram's limit for a deep-link parameter
PREFIX = "zh_"
ASCII_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
EXAMPLE = "例如 春季招聘 或 poster-2026-03"


class CampaignError(ValueError):
    """A campaign name that cannot be used; the message (Chinese) says what to use instead."""


def _allowed(ch: str) -> bool:
    return ch in "_-" or (ch.isascii() and ch.isalnum()) or unicodedata.category(ch)[0] in "LN"


def _encode(name: str) -> str:
    return PREFIX + base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii").rstrip("=")


def check_name(name: str) -> str:
    """The campaign name as it will be counted (NFKC, outer spaces removed), or CampaignError
    saying what is wrong and what to use: empty, spaces or punctuation inside, a reserved
    `zh_` start, or too long for a Telegram link (64 ASCII characters, 15 Chinese ones)."""
    typed = (name or "").strip()
    name = unicodedata.normalize("NFKC", typed).strip()
    if not name:
        raise CampaignError(f"活动名是空的：请用汉字、字母、数字、下划线 _ 或连字符 -，{EXAMPLE}")
    bad = sorted({ch for ch in typed if not all(_allowed(c) for c in unicodedata.normalize("NFKC", ch))})
    if bad:  # named as typed (a full-width （ stays （)
        shown = "、".join(dict.fromkeys("空格" if ch.isspace() else f"“{ch}”" for ch in bad))
        raise CampaignError(f"活动名“{typed}”里有{shown}：只能用汉字、字母、数字、下划线 _ 或连字符 -，"
                            f"需要分隔时用 - 或 _（例如 春季招聘-东乡）")
    if name.isascii():
        if name.startswith(PREFIX):
            raise CampaignError(f"活动名“{name}”以 {PREFIX} 开头：这个开头留给中文活动名的编码，请换一个名字，"
                                f"例如 {name[len(PREFIX):] or 'poster'}-2026")
        if len(name) > MAX_ID:
            raise CampaignError(f"活动名“{name}”有 {len(name)} 个字符：Telegram 链接最多能带 {MAX_ID} 个，请缩短")
    elif len(_encode(name)) > MAX_ID:
        raise CampaignError(f"活动名“{name}”太长：Telegram 链接最多能带 15 个汉字（含字母数字时略有不同），"
                            "请缩短，例如 春季招聘-东乡")
    return name


def campaign_id(name: str) -> str:
    """The id of a campaign name (see the module's rule): the name when it is ASCII, else
    `zh_` + base64url. CampaignError when the name cannot be used (`check_name`)."""
    name = check_name(name)
    return name if name.isascii() else _encode(name)


def campaign_name(campaign: str) -> str:
    """The name behind an id, for reports: a `zh_` id that decodes to a usable non-ASCII name
    gives that name; anything else (an ASCII name, an old or foreign id) is shown as it is."""
    if not campaign.startswith(PREFIX) or not ASCII_ID.fullmatch(campaign):
        return campaign
    body = campaign[len(PREFIX):]
    try:
        name = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return campaign
    if name.isascii() or _encode(name) != campaign:
        return campaign
    try:
        return check_name(name)
    except CampaignError:
        return campaign


def parse_campaign(value: object) -> str | None:
    """What a channel received as a campaign — a name (春季招聘 from `?c=`, a WeChat scene) or an
    id (a Telegram start parameter, `?c=zh_…`) — as the id the engine stores; None when it is
    not a usable campaign (ignored: the visit is then counted as direct, never refused)."""
    if not isinstance(value, str) or not value:
        return None
    if ASCII_ID.fullmatch(value):
        return value
    try:
        return campaign_id(value)
    except CampaignError:
        return None
