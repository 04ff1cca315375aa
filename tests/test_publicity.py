"""Campaign links and poster QR codes: names validated, links exact, and every QR code
decodes back to its link (zxing-cpp reads the PNG; the SVG's path is redrawn and read too)."""

from __future__ import annotations

import io
import re

import pytest

import bot
from dialog import publicity

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")

PUBLIC = "https://jiuye.example.cn/chat"


@pytest.fixture
def env(monkeypatch):
    for name in ("POLICYBOT_CONFIG", "POLICYBOT_PUBLIC_URL", "POLICYBOT_TELEGRAM_BOT_USERNAME", "POLICYBOT_CJK_FONT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("POLICYBOT_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("POLICYBOT_TELEGRAM_BOT_USERNAME", "@LinxiaJobsBot")
    return monkeypatch


def decode(image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def test_link_prints_both_links(env, capsys):
    assert bot.main(["link", "--campaign", "poster-2026_03"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("网页版：") and out[0].endswith(f"{PUBLIC}/?c=poster-2026_03")
    assert out[1].startswith("Telegram：") and out[1].endswith("https://t.me/LinxiaJobsBot?start=poster-2026_03")
    assert len(out) == 2  # an ASCII name is its own id: nothing to explain


def test_link_without_username_says_so(env, capsys):
    env.delenv("POLICYBOT_TELEGRAM_BOT_USERNAME")
    env.delenv("POLICYBOT_PUBLIC_URL")
    assert bot.main(["link", "--campaign", "p1"]) == 0
    captured = capsys.readouterr()
    assert "http://127.0.0.1:8080/?c=p1" in captured.out
    assert "未设置：请把 POLICYBOT_TELEGRAM_BOT_USERNAME 设为" in captured.out and "t.me" not in captured.out
    assert "没有设置 public_url（POLICYBOT_PUBLIC_URL）" in captured.err


@pytest.mark.parametrize("name, why", [
    ("poster 1", "空格"), ("临夏海报！", "“！”"), ("x" * 65, "最多能带 64 个"), ("a/b", "“/”"), ("", "活动名是空的"),
])
def test_bad_campaign_names_are_refused_in_plain_words(env, capsys, name, why):
    assert bot.main(["link", "--campaign", name]) == 2
    assert why in capsys.readouterr().err
    with pytest.raises(publicity.PublicityError):
        publicity.check_campaign(name)


def test_longest_valid_campaign_name():
    assert publicity.check_campaign("A" * 64) == "A" * 64
    assert publicity.telegram_link("LinxiaJobsBot", "a-_Z9") == "https://t.me/LinxiaJobsBot?start=a-_Z9"
    assert publicity.check_campaign("临夏海报") == "临夏海报"  # a Chinese name is a campaign too
    assert publicity.web_link(PUBLIC, "临夏海报") == f"{PUBLIC}/?c=%E4%B8%B4%E5%A4%8F%E6%B5%B7%E6%8A%A5"


def test_bad_username_is_refused():
    with pytest.raises(publicity.PublicityError, match="不是 Telegram 用户名"):
        publicity.bot_username(env={"POLICYBOT_TELEGRAM_BOT_USERNAME": "临夏 bot"})


def test_png_qr_with_caption_decodes_to_the_web_link(env, tmp_path, capsys):
    out = tmp_path / "poster.png"
    assert bot.main(["qr", "--campaign", "poster1", "-o", str(out)]) == 0
    image = Image.open(out)
    assert decode(image) == [f"{PUBLIC}/?c=poster1"]
    captured = capsys.readouterr()
    if publicity.find_cjk_font() is not None:  # the caption strip makes the image taller than wide
        assert image.height > image.width and "注意" not in captured.err
        assert "已生成二维码" in captured.out and "下方文字“扫码咨询就业政策”" in captured.out
    else:
        assert "没有找到能显示中文的字体" in captured.err


def test_png_qr_for_telegram_and_without_font(env, tmp_path, capsys):
    env.setenv("POLICYBOT_CJK_FONT", str(tmp_path / "no-such-font.ttc"))
    out = tmp_path / "tg.png"
    assert bot.main(["qr", "--campaign", "tg_1", "-o", str(out), "--target", "telegram"]) == 0
    assert "没有找到能显示中文的字体" in capsys.readouterr().err  # said, not silently wrong
    image = Image.open(out)
    assert image.width == image.height  # caption-less, still a valid code
    assert decode(image) == ["https://t.me/LinxiaJobsBot?start=tg_1"]


def svg_to_image(svg: str, module_px: int = 4):
    """Redraw the SVG's QR path (our own simple M/h/v/z runs) as a bitmap with a quiet zone."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    runs = [tuple(map(int, m)) for m in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path)]
    assert "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in runs) == path  # nothing we did not parse
    size = max(x + n for x, _, n in runs)
    image = Image.new("L", ((size + 8) * module_px, (size + 8) * module_px), 255)
    for x, y, n in runs:
        image.paste(0, ((x + 4) * module_px, (y + 4) * module_px, (x + 4 + n) * module_px, (y + 5) * module_px))
    return image, runs


def test_svg_qr_decodes_and_carries_the_caption(env, tmp_path, capsys):
    out = tmp_path / "poster.svg"
    assert bot.main(["qr", "--campaign", "poster1", "-o", str(out), "--caption", "扫码咨询 <就业> 政策"]) == 0
    svg = out.read_text(encoding="utf-8")
    assert "扫码咨询 &lt;就业&gt; 政策</text>" in svg
    image, runs = svg_to_image(svg)
    link = f"{PUBLIC}/?c=poster1"
    assert decode(image) == [link]
    # And the drawn modules are exactly segno's matrix for the link.
    matrix = publicity.qr_modules(publicity.make_qr(link))
    drawn = {(x + i, y) for x, y, n in runs for i in range(n)}
    assert drawn == {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}


def test_qr_refusals(env, tmp_path, capsys):
    assert bot.main(["qr", "--campaign", "p1", "-o", str(tmp_path / "x.jpg")]) == 2
    assert "文件名要以 .png 或 .svg 结尾" in capsys.readouterr().err
    assert bot.main(["qr", "--campaign", "bad name", "-o", str(tmp_path / "x.png")]) == 2
    env.delenv("POLICYBOT_TELEGRAM_BOT_USERNAME")
    assert bot.main(["qr", "--campaign", "p1", "-o", str(tmp_path / "x.png"), "--target", "telegram"]) == 1
    assert "没有设置机器人的 Telegram 用户名" in capsys.readouterr().err
    env.delenv("POLICYBOT_PUBLIC_URL")
    assert bot.main(["qr", "--campaign", "p1", "-o", str(tmp_path / "x.png")]) == 1
    assert "只有这台电脑能打开" in capsys.readouterr().err
    env.setenv("POLICYBOT_PUBLIC_URL", PUBLIC)
    assert bot.main(["qr", "--campaign", "p1", "-o", str(tmp_path / "no-such-dir" / "x.png")]) == 1
    assert "无法写入" in capsys.readouterr().err
    assert not any(tmp_path.glob("x.*"))


def test_png_bytes_without_caption_are_segno_only():
    data, warnings = publicity.qr_png_bytes("https://t.me/LinxiaJobsBot?start=p", "")
    assert warnings == [] and decode(Image.open(io.BytesIO(data))) == ["https://t.me/LinxiaJobsBot?start=p"]
