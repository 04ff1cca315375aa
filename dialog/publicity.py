"""Campaign links and poster QR codes for the publicity team.

Every poster, leaflet or WeChat post gets its own campaign name, so /stats and
`policybot report` can say which one brought people in:
- web chat: `<public_url>/?c=NAME` (a Chinese name percent-encoded) — the page passes the
  campaign's id to the engine;
- Telegram: `https://t.me/<bot username>?start=ID` — Telegram sends `/start ID`.

Decisions, and why:
- A campaign may be named in Chinese (春季招聘) or in ASCII (poster-2026-03). Telegram's deep
  link carries only A-Z a-z 0-9 _ - (1-64), so a Chinese name travels as an id worked out from
  the name and read back by the reports (`dialog.campaigns`: 春季招聘 → zh_5pil5a2j5oub6IGY);
  both links count the same campaign. Names that cannot be carried (spaces, punctuation, more
  than 15 Chinese characters) are refused with a Chinese message saying what to use.
- The bot's Telegram username comes from POLICYBOT_TELEGRAM_BOT_USERNAME (or a future
  `telegram_bot_username` setting). When it is not set we say so rather than guess: a wrong
  username on a thousand printed posters sends people to someone else's bot. (Asking Telegram
  with getMe would need the network and the token at poster-making time.)
- A web link built from an unset `public_url` points at this machine (127.0.0.1): printed, it
  is useless, so `qr` refuses it and `link` warns.
- The QR target defaults to the web chat: it opens in WeChat's scanner and any phone browser,
  while Telegram is not reachable for most residents in Linxia.
- QR codes come from segno (pure Python, no network, well kept), error correction M raised as
  far as the symbol size allows (segno's `boost_error`): posters get creased and wet. A quiet
  zone of 4 modules and a white background, as scanners expect.
- SVG (best for print) is composed here: the modules as one path plus the caption as text in
  a CJK font stack — the printer's software supplies the font. PNG (for WeChat posts) is drawn
  with Pillow and a CJK font found on the system (Noto Sans CJK, WenQuanYi, Droid Sans
  Fallback, PingFang, Microsoft YaHei …, or POLICYBOT_CJK_FONT); without Pillow or without a
  font able to draw the caption, the PNG is made without caption and a warning says so,
  pointing to the SVG.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import segno

from dialog.campaigns import CampaignError, campaign_id, check_name

USERNAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
ENV_BOT_USERNAME = "POLICYBOT_TELEGRAM_BOT_USERNAME"
ENV_FONT = "POLICYBOT_CJK_FONT"
DEFAULT_CAPTION = "扫码咨询就业政策"
MODULE_PX = 20  # pixels per QR module in the PNG: a 33-module code is 820 px with its border (print-ready)
BORDER = 4  # the quiet zone the QR standard asks for
SVG_FONTS = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)


class PublicityError(ValueError):
    """A campaign name, username, target or file the command cannot use; says what to do."""


def check_campaign(name: str) -> str:
    """The campaign name as it is counted (`dialog.campaigns.check_name`: NFKC, trimmed), else
    PublicityError with the Chinese sentence saying what is wrong and what to use."""
    try:
        return check_name(name)
    except CampaignError as exc:
        raise PublicityError(str(exc)) from None


def bot_username(settings: Any = None, env: Mapping[str, str] | None = None) -> str | None:
    """The bot's Telegram username without '@', or None when not configured."""
    env = os.environ if env is None else env
    raw = (env.get(ENV_BOT_USERNAME) or getattr(settings, "telegram_bot_username", "") or "").strip()
    if not raw:
        return None
    name = raw.removeprefix("@").removeprefix("https://t.me/").strip("/")
    if not USERNAME_RE.fullmatch(name):
        raise PublicityError(f"{ENV_BOT_USERNAME}={raw!r} 不是 Telegram 用户名：应为 5-32 个字母、数字或 _，"
                             "以字母开头，例如 LinxiaJobsBot (not a Telegram username)")
    return name


def telegram_link(username: str, campaign: str) -> str:
    """`https://t.me/<username>?start=<id>`: the campaign's id (the name itself when ASCII)."""
    return f"https://t.me/{username}?start={campaign_id(check_campaign(campaign))}"


def web_link(base_url: str, campaign: str) -> str:
    """`<base_url>/?c=<name>`, the name percent-encoded (UTF-8) when it is not ASCII."""
    return f"{base_url.rstrip('/')}/?c={quote(check_campaign(campaign), safe='')}"


def is_local_url(url: str) -> bool:
    """True for links only this machine can open (localhost, 127.x, 0.0.0.0, ::1)."""
    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "0.0.0.0", "::1", "") or host.startswith("127.")


@dataclass
class CampaignLinks:
    campaign: str  # the name as counted (NFKC, trimmed)
    web: str
    telegram: str | None  # None when no bot username is configured
    warnings: list[str] = field(default_factory=list)  # Chinese sentences for the person making posters
    id: str = ""  # what the channels carry and the log stores (`dialog.campaigns.campaign_id`)


def campaign_links(campaign: str, settings: Any, env: Mapping[str, str] | None = None) -> CampaignLinks:
    """Both links of a campaign; `telegram` is None when no username is set. PublicityError
    (Chinese) for a name that cannot be used or a malformed username."""
    name = check_campaign(campaign)
    web = web_link(settings.web_url, name)
    username = bot_username(settings, env)
    links = CampaignLinks(name, web, telegram_link(username, name) if username else None, id=campaign_id(name))
    if not getattr(settings, "public_url", ""):
        links.warnings.append(f"没有设置 public_url（POLICYBOT_PUBLIC_URL）：网页链接指向本机（{settings.web_url}），"
                              "群众打不开；请设为群众访问的地址，例如 https://jiuye.example.cn")
    elif is_local_url(web):
        links.warnings.append(f"网页链接指向本机（{settings.web_url}），群众打不开")
    return links


# ---------------------------------------------------------------- QR codes


def make_qr(data: str) -> segno.QRCode:
    """A QR code (not Micro QR: phone scanners often ignore those) for `data`."""
    return segno.make_qr(data, error="m", boost_error=True)


def qr_modules(qr: segno.QRCode) -> list[list[bool]]:
    """The code's dark modules, without the quiet zone."""
    return [[bool(v) for v in row] for row in qr.matrix]


def _text_width_em(text: str) -> float:
    """Rough width of a caption in em: CJK and full-width characters 1, others 0.6."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.6 for ch in text)


def qr_svg(data: str, caption: str = "", *, module: int = MODULE_PX) -> str:
    """A standalone SVG: white background, the code, and the caption centred below it."""
    matrix = qr_modules(make_qr(data))
    n = len(matrix)
    side = (n + 2 * BORDER) * module
    font = round(side / 11) if caption else 0
    width = max(side, round(_text_width_em(caption) * font + 2 * BORDER * module)) if caption else side
    height = side + (round(font * 1.8) if caption else 0)
    dx = (width - side) // 2 + BORDER * module
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">',
             f"<title>{escape(data)}</title>",
             f'<rect width="{width}" height="{height}" fill="#fff"/>',
             f'<path transform="translate({dx} {BORDER * module}) scale({module})" fill="#000" '
             f'shape-rendering="crispEdges" d="{"".join(runs)}"/>']
    if caption:
        parts.append(f'<text x="{width / 2:g}" y="{side + font * 0.6:g}" font-size="{font}" text-anchor="middle" '
                     f'dominant-baseline="middle" font-family="{SVG_FONTS}" fill="#000">{escape(caption)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def find_cjk_font(env: Mapping[str, str] | None = None) -> Path | None:
    """A font file that can draw Chinese: POLICYBOT_CJK_FONT, known paths, then fontconfig."""
    env = os.environ if env is None else env
    if env.get(ENV_FONT):
        path = Path(env[ENV_FONT])
        return path if path.is_file() else None
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        for line in sorted(out.splitlines()):
            path = Path(line.split(":")[0].strip())
            if path.suffix.lower() in (".ttf", ".ttc", ".otf") and path.is_file():
                return path
    return None


def _load_font(path: Path | None, size: int, caption: str) -> Any:
    """A Pillow font for the caption, or None when no font here can draw it."""
    from PIL import ImageFont

    if path is None:
        if caption.isascii():
            return ImageFont.load_default(size)
        return None
    best = None
    for index in range(10):  # a .ttc holds several faces: prefer the Simplified Chinese one
        try:
            face = ImageFont.truetype(str(path), size, index=index)
        except OSError:
            break
        best = best or face
        if " SC" in " ".join(face.getname()):
            return face
    return best


def qr_png_bytes(data: str, caption: str = "", *, module: int = MODULE_PX,
                 font_path: Path | None = None, env: Mapping[str, str] | None = None) -> tuple[bytes, list[str]]:
    """PNG bytes of the code with the caption under it, and any warnings (caption dropped)."""
    qr = make_qr(data)
    plain = io.BytesIO()
    qr.save(plain, kind="png", scale=module, border=BORDER)
    if not caption:
        return plain.getvalue(), []
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        return plain.getvalue(), ["没有安装 Pillow，PNG 图片不带说明文字：请 pip install pillow，"
                                  "或改做 .svg（说明文字以文本保存）"]
    font_path = font_path or find_cjk_font(env)
    code = Image.open(plain).convert("L")
    side = code.width
    size = max(12, round(side / 11))
    font = _load_font(font_path, size, caption)
    if font is None:
        return plain.getvalue(), ["没有找到能显示中文的字体，PNG 图片不带说明文字：请安装 fonts-noto-cjk，"
                                  f"或把 {ENV_FONT} 设为一个 .ttf/.ttc 字体文件；.svg 图片带说明文字"]
    left, top, right, bottom = ImageDraw.Draw(code).textbbox((0, 0), caption, font=font)
    width = max(side, right - left + 2 * BORDER * module)
    height = side + round(size * 1.8)
    canvas = Image.new("L", (width, height), 255)
    canvas.paste(code, ((width - side) // 2, 0))
    draw = ImageDraw.Draw(canvas)
    draw.text((width / 2, side + size * 0.6), caption, font=font, fill=0, anchor="mm")
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue(), []


def save_qr(data: str, path: Path, caption: str = "", *, env: Mapping[str, str] | None = None) -> list[str]:
    """Write the QR code as .png or .svg (by the file's suffix); returns warnings."""
    suffix = path.suffix.lower()
    if suffix == ".svg":
        content: bytes = qr_svg(data, caption).encode("utf-8")
        warnings: list[str] = []
    elif suffix == ".png":
        content, warnings = qr_png_bytes(data, caption, env=env)
    else:
        raise PublicityError(f"{path}：文件名要以 .png 或 .svg 结尾")
    path.write_bytes(content)  # OSError (no folder, no permission) is the caller's to word
    return warnings
