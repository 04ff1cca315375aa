"""Campaign names in Chinese (issue 16, item 8): the links `policybot link` prints for 春季招聘
lead, through the real web page and the real Telegram application, to visits the report counts
under 春季招聘; names that cannot be carried are refused in Chinese, saying what to use."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fake_bot_api import TEST_TOKEN, FakeBotApi, message_update

import bot
from dialog import reports
from dialog.campaigns import (
    ASCII_ID,
    CampaignError,
    campaign_id,
    campaign_name,
    check_name,
    parse_campaign,
)
from dialog.channels.telegram import build_application, start_telegram, stop_telegram
from dialog.channels.web import create_app, valid_campaign
from dialog.config import Settings
from dialog.engine import Engine
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

PUBLIC = "https://jiuye.example.cn"
NAME = "春季招聘"


@pytest.fixture
def env(monkeypatch):
    for name in ("POLICYBOT_CONFIG", "POLICYBOT_DB", "POLICYBOT_CJK_FONT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("POLICYBOT_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("POLICYBOT_TELEGRAM_BOT_USERNAME", "LinxiaJobsBot")
    return monkeypatch


# ---------------------------------------------------------------- names and ids


@pytest.mark.parametrize("name", ["春季招聘", "春季招聘-东乡", "东乡县2026_春", "招" * 15, "poster-2026_03", "P1"])
def test_every_usable_name_has_an_id_telegram_accepts_and_reads_back(name: str) -> None:
    cid = campaign_id(name)
    assert ASCII_ID.fullmatch(cid) and len(cid) <= 64
    assert campaign_name(cid) == name
    assert parse_campaign(name) == parse_campaign(cid) == cid
    assert (cid == name) == name.isascii()


def test_one_name_typed_two_ways_is_one_campaign() -> None:
    assert campaign_id("春季招聘２０２６") == campaign_id("春季招聘2026")
    assert campaign_id(" 春季招聘 ") == campaign_id(NAME)


@pytest.mark.parametrize("name, says", [
    ("", "活动名是空的"),
    ("春季 招聘", "空格"),
    ("春季招聘（东乡）", "“（”"),
    ("a/b", "“/”"),
    ("招" * 16, "最多能带 15 个汉字"),
    ("x" * 65, "最多能带 64 个"),
    ("zh_abc", "留给中文活动名的编码"),
])
def test_unusable_names_are_refused_in_chinese_saying_what_to_use(name: str, says: str) -> None:
    with pytest.raises(CampaignError) as caught:
        check_name(name)
    message = str(caught.value)
    assert says in message
    assert re.search(r"例如|请缩短|请换一个|只能用", message)


def test_ids_that_are_not_an_encoded_name_are_shown_as_they_are() -> None:
    assert campaign_name("poster1") == "poster1"
    assert campaign_name("zh_!!") == "zh_!!"
    assert campaign_name("zh_YWJj") == "zh_YWJj"  # "abc": an ASCII name is never encoded
    assert parse_campaign("春季 招聘") is None and parse_campaign(None) is None and parse_campaign("") is None
    assert valid_campaign(NAME) == campaign_id(NAME)


# ---------------------------------------------------------------- the commands, in Chinese


def test_link_prints_a_percent_encoded_web_link_and_the_telegram_id(env, capsys) -> None:
    assert bot.main(["link", "--campaign", NAME]) == 0
    out = capsys.readouterr().out
    web = re.search(r"网页版：\s*(\S+)", out).group(1)
    telegram = re.search(r"Telegram：\s*(\S+)", out).group(1)
    assert web == f"{PUBLIC}/?c=%E6%98%A5%E5%AD%A3%E6%8B%9B%E8%81%98"
    assert telegram == f"https://t.me/LinxiaJobsBot?start={campaign_id(NAME)}"
    assert f"都记在“{NAME}”名下" in out


@pytest.mark.parametrize("argv, says", [
    (["link", "--campaign", "春季 招聘"], "活动名“春季 招聘”里有空格"),
    (["link"], "请用 --campaign 给出活动名"),
    (["qr", "--campaign", NAME], "请用 -o 给出输出文件"),
    (["qr", "--campaign", NAME, "-o", "poster.jpg"], "文件名要以 .png 或 .svg 结尾"),
])
def test_link_and_qr_refusals_are_chinese(env, capsys, argv: list[str], says: str) -> None:
    assert bot.main(argv) == 2
    assert says in capsys.readouterr().err


def test_link_without_username_or_public_url_says_so_in_chinese(env, capsys) -> None:
    env.delenv("POLICYBOT_TELEGRAM_BOT_USERNAME")
    env.delenv("POLICYBOT_PUBLIC_URL")
    assert bot.main(["link", "--campaign", NAME]) == 0
    captured = capsys.readouterr()
    assert "未设置：请把 POLICYBOT_TELEGRAM_BOT_USERNAME 设为机器人的用户名" in captured.out
    assert "没有设置 public_url（POLICYBOT_PUBLIC_URL）" in captured.err and "群众打不开" in captured.err


def test_qr_success_and_refusals_are_chinese(env, tmp_path: Path, capsys) -> None:
    out = tmp_path / "春季.svg"
    assert bot.main(["qr", "--campaign", NAME, "-o", str(out)]) == 0
    assert f"已生成二维码 {out}：打开 {PUBLIC}/?c=%E6" in capsys.readouterr().out
    env.delenv("POLICYBOT_TELEGRAM_BOT_USERNAME")
    assert bot.main(["qr", "--campaign", NAME, "-o", str(out), "--target", "telegram"]) == 1
    assert "没有设置机器人的 Telegram 用户名" in capsys.readouterr().err
    env.delenv("POLICYBOT_PUBLIC_URL")
    assert bot.main(["qr", "--campaign", NAME, "-o", str(out)]) == 1
    assert "只有这台电脑能打开" in capsys.readouterr().err
    env.setenv("POLICYBOT_PUBLIC_URL", PUBLIC)
    assert bot.main(["qr", "--campaign", NAME, "-o", str(tmp_path / "没有这个目录" / "x.png")]) == 1
    assert "无法写入" in capsys.readouterr().err


def test_report_messages_are_chinese_and_name_the_database(env, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    env.setenv("POLICYBOT_DB", str(missing))
    assert bot.main(["report"]) == 1
    err = capsys.readouterr().err
    assert f"没有找到数据库 {missing}" in err and "POLICYBOT_DB" in err
    assert not missing.exists()
    assert bot.main(["report", "--since", "29.11.2026"]) == 2
    assert "日期请写成 2026-11-01 这样的格式" in capsys.readouterr().err
    not_a_db = tmp_path / "notes.sqlite3"
    not_a_db.write_text("这不是数据库", encoding="utf-8")
    assert bot.main(["report", "--db", str(not_a_db)]) == 1
    assert f"无法读取数据库 {not_a_db}" in capsys.readouterr().err


# ---------------------------------------------------------------- both links, round trip


def test_both_links_of_a_chinese_campaign_count_under_its_name(env, tmp_path: Path, capsys) -> None:
    assert bot.main(["link", "--campaign", NAME]) == 0
    out = capsys.readouterr().out
    web = urlsplit(re.search(r"网页版：\s*(\S+)", out).group(1))
    start = urlsplit(re.search(r"Telegram：\s*(\S+)", out).group(1)).query.removeprefix("start=")
    db = tmp_path / "bot.sqlite3"
    settings = Settings(db=db, salt="campaign-round-trip")
    kb = load_knowledge_or_raise(PACKAGE_DATA)

    async def scenario() -> None:
        engine = await Engine.open(settings, kb=kb)
        try:
            # The web chat: the page as a phone opens it, then what its script sends.
            transport = httpx.ASGITransport(app=create_app(engine, settings))
            async with httpx.AsyncClient(transport=transport, base_url="http://phone") as client:
                page = await client.get(f"{web.path}?{web.query}")
                campaign = re.search(r'data-campaign="([^"]*)"', page.text).group(1)
                assert campaign == campaign_id(NAME)
                for text in ("/start", "见习补贴一个月给多少钱"):
                    reply = await client.post("/api/chat", json={"user": "phone-0001-abcd", "text": text,
                                                                 "campaign": campaign})
                    assert reply.status_code == 200
            # Telegram: the deep link's start parameter, as Telegram sends it.
            with FakeBotApi() as api:
                tg = Settings(telegram_token=TEST_TOKEN, telegram_base_url=api.base_url, salt="x" * 16)
                application = build_application(engine, tg)
                await start_telegram(application, tg)
                try:
                    api.push_update(message_update(2001, text=f"/start {start}"))
                    await api.wait_for_async("sendMessage", chat_id=2001)
                finally:
                    await stop_telegram(application)
        finally:
            await engine.close()

    asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    with sqlite3.connect(db) as conn:
        channels = conn.execute("SELECT DISTINCT channel, campaign FROM events ORDER BY channel").fetchall()
    assert channels == [("telegram", campaign_id(NAME)), ("web", campaign_id(NAME))]

    env.setenv("POLICYBOT_DB", str(db))
    assert bot.main(["report"]) == 0
    captured = capsys.readouterr()
    assert f"数据库：{db}" in captured.err
    line = next(line for line in captured.out.splitlines() if line.startswith(NAME))
    assert re.match(rf"{NAME}\s+2 → 1 → 0", line), line  # two people opened, the web one asked
    assert "zh_" not in captured.out
    conn = reports.open_readonly(db)
    try:
        report = reports.aggregate(conn)
    finally:
        conn.close()
    assert f"{NAME} 2→1→0" in reports.render_stats_compact(report)
    assert NAME in reports.render_html(report) and "zh_" not in reports.render_html(report)
    csv_text = reports.render_csv(report)
    assert f"campaign,{NAME},{NAME},opened,2" in csv_text and "zh_" not in csv_text  # keyed by name too


@pytest.mark.parametrize("command, says", [
    ("link", "每张海报、传单或推文用一个活动名"),
    ("qr", "二维码默认打开网页版"),
    ("report", "从机器人的数据库生成使用报告"),
])
def test_help_of_link_qr_and_report_is_chinese(capsys, command: str, says: str) -> None:
    with pytest.raises(SystemExit) as done:
        bot.main([command, "--help"])
    assert done.value.code == 0
    out = re.sub(r"\s+", "", capsys.readouterr().out)
    assert says in out
    assert ("例如春季招聘" in out) == (command != "report")
    with pytest.raises(SystemExit):
        bot.main(["--help"])
    overview = capsys.readouterr().out
    assert "打印一个宣传活动的网页链接和 Telegram 链接" in overview and "使用报告：" in overview
