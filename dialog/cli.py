"""Staff and publicity commands: `policybot report | link | qr | forget | purge`.

Exit codes, the same for every command: 0 done; 1 could not be done (no database, a missing
salt, no Telegram username configured, a file that cannot be written); 2 the command line or
the configuration is wrong (a bad campaign name or date; argparse's own usage errors are 2
too). Errors are one or two lines in plain words on stderr, never a traceback.

All of them read the same settings as the bot (`load_settings()`: POLICYBOT_CONFIG and the
POLICYBOT_* variables), so they find the bot's database without being told where it is.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialog.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:
    from dialog.publicity import CampaignLinks

OK, FAILED, USAGE = 0, 1, 2
CHANNELS = ("telegram", "web", "wechat", "terminal")
CAMPAIGN_HELP = ("汉字、字母、数字、_ 或 -，例如 春季招聘 或 poster-2026-03（中文名最多 15 个字；"
                 "Telegram 链接里是它的编码，报告里仍显示中文名）")


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register report, link, qr, forget and purge; each sets `func(args) -> int`."""
    p = subparsers.add_parser("report", help="使用报告：提问、答上率、热门条款、来源、答不上的问题（text/csv/html）",
                              description="从机器人的数据库生成使用报告（只读，不改动数据库）。")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="从这一天开始统计（默认：保留的全部记录）")
    p.add_argument("--format", choices=("text", "csv", "html"), default="text", help="输出格式（默认 text）")
    p.add_argument("--faq-stubs", action="store_true", help="不出报告，改为给答不上的问题生成常见问答（FAQ）草稿")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="写到文件 FILE，而不是显示在屏幕上")
    p.add_argument("--db", metavar="FILE", type=Path,
                   help="数据库文件（默认：设置 db / POLICYBOT_DB，未设置时为项目目录下的 var/policybot.sqlite3）")
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser("link", help="打印一个宣传活动的网页链接和 Telegram 链接",
                              description="每张海报、传单或推文用一个活动名，报告里按活动统计来访。")
    p.add_argument("--campaign", metavar="活动名", help=CAMPAIGN_HELP)
    p.set_defaults(func=cmd_link)

    p = subparsers.add_parser("qr", help="为活动链接生成海报二维码（PNG 或 SVG）",
                              description="二维码默认打开网页版（微信扫一扫可用）。")
    p.add_argument("--campaign", metavar="活动名", help=CAMPAIGN_HELP)
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="输出文件：FILE.png 或 FILE.svg")
    p.add_argument("--caption", default=None, help='二维码下方的文字（默认“扫码咨询就业政策”；"" 表示不要）')
    p.add_argument("--target", choices=("web", "telegram"), default="web",
                   help="二维码打开哪个链接（默认 web：微信扫一扫能打开）")
    p.set_defaults(func=cmd_qr)

    p = subparsers.add_parser("forget", help="delete everything stored about one user (sessions and log)")
    p.add_argument("user", help="the user's id on that channel (Telegram: the numeric id)")
    p.add_argument("--channel", required=True, choices=CHANNELS)
    p.set_defaults(func=cmd_forget)

    p = subparsers.add_parser("purge", help="delete log rows and idle sessions older than N days")
    p.add_argument("--days", type=int, metavar="N", help="default: setting log_retention_days (180)")
    p.add_argument("--trust-clock", action="store_true",
                   help="purge even though the clock is days past the last purge (after checking the clock)")
    p.set_defaults(func=cmd_purge)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _settings() -> Settings | None:
    try:
        return load_settings()
    except ConfigError as exc:
        _err(f"配置错误 / configuration error: {exc}")
        return None


def _write(text: str, output: Path | None) -> int:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return OK
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        _err(f"无法写入 {output}：{exc.strerror or exc}")
        return FAILED
    print(f"已写入：{output.absolute()}", file=sys.stderr)
    return OK


# ---------------------------------------------------------------- report


def _knowledge() -> Any:
    """The knowledge base for clause titles and existing FAQ entries, or None (report goes on)."""
    try:
        from knowledge.base import load_knowledge

        kb, problems = load_knowledge()
    except Exception as exc:  # noqa: BLE001 - titles are a nicety; the numbers do not need them
        _err(f"提示：知识库没有加载，条款只显示编号 ({type(exc).__name__}: {exc})")
        return None
    if problems:
        _err(f"提示：知识库的 YAML 有 {len(problems)} 个问题（运行 policybot check 查看），报告用已读入的部分")
    return kb


def cmd_report(args: argparse.Namespace) -> int:
    from dialog import reports

    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            _err(f"--since {args.since}：日期请写成 2026-11-01 这样的格式")
            return USAGE
    settings = _settings()
    if settings is None:
        return USAGE
    if not args.db and settings.database_url:  # PostgreSQL (POLICYBOT_DB=postgresql://…): no file to look for
        db: Path | str = settings.database_url
        shown = _database_name(settings)  # without the password
    else:
        db = (args.db or settings.db).absolute()
        shown = str(db)
        if not db.is_file():
            _err(f"没有找到数据库 {db}：机器人还没有在这里保存过记录，或路径不对。"
                 f"{'用 --db 指定的文件' if args.db else '位置由设置 db / POLICYBOT_DB 决定（未设置时为项目目录下的 var/policybot.sqlite3）'}；"
                 "部署的服务器上一般是 /var/lib/policybot/policybot.sqlite3 (no database at this path)")
            return FAILED
    try:
        conn = reports.open_readonly(db)
    except reports.ReportError as exc:
        _err(f"无法读取数据库 {shown}：它不是机器人的数据库，或已损坏 ({exc})")
        return FAILED
    _err(f"数据库：{shown}")
    kb = _knowledge()
    titles = {cid: c.title for cid, c in kb.clauses.items()} if kb else {}
    words = None
    if kb is not None:
        segmenter: list[Any] = []  # built on the first unanswered question only (jieba: ~0.5 s)

        def words(text: str) -> list[str]:
            if not segmenter:
                from knowledge.segmentation import Segmenter

                segmenter.append(Segmenter(kb.lexicon))
            return segmenter[0].content_words(text)
    labels = {}
    try:
        import eligibility

        labels = {p.id: p.label for p in eligibility.all_programs()}
    except Exception:  # noqa: BLE001, S110 - program ids are shown instead of their names
        pass
    try:
        # Aggregated by SQLite: memory stays flat however many rows the log holds.
        report = reports.aggregate(conn, since=since, titles=titles, program_labels=labels, words=words, top=15)
    except Exception as exc:
        if not isinstance(exc, sqlite3.DatabaseError) and not type(exc).__module__.startswith("asyncpg"):
            raise
        _err(f"无法读取 {shown} 里的消息记录 ({exc})")
        return FAILED
    finally:
        conn.close()
    if args.faq_stubs:
        from knowledge.base import normalize_question

        options = reports.StubOptions(
            existing_ids=frozenset(e.id for e in kb.faq) if kb else frozenset(),
            existing_questions=frozenset(normalize_question(q) for e in kb.faq for q in e.questions) if kb else frozenset(),
        )
        text = reports.faq_stubs(report.unanswered, options)
        if options.skipped:
            _err(f"提示：{len(options.skipped)} 组问题没有列出：它们的问法都已经在常见问答里了")
        return _write(text, args.output)
    if args.format == "csv":
        return _write(reports.render_csv(report), args.output)
    if args.format == "html":
        return _write(reports.render_html(report), args.output)
    return _write(reports.render_text(report), args.output)


# ---------------------------------------------------------------- link and qr


def _campaign_links(campaign: str | None) -> tuple[Settings, CampaignLinks] | None:
    """The settings and the campaign's links, or None after printing why not (`link`, `qr`)."""
    from dialog.publicity import PublicityError, campaign_links

    if campaign is None:
        _err("请用 --campaign 给出活动名，例如 policybot link --campaign 春季招聘")
        return None
    settings = _settings()
    if settings is None:
        return None
    try:
        return settings, campaign_links(campaign, settings)
    except PublicityError as exc:
        _err(str(exc))
        return None


def cmd_link(args: argparse.Namespace) -> int:
    """Prints the web link and the Telegram link (or why there is none); warnings on stderr."""
    from dialog.publicity import ENV_BOT_USERNAME

    found = _campaign_links(args.campaign)
    if found is None:
        return USAGE
    _, links = found
    print(f"网页版：   {links.web}")
    if links.telegram:
        print(f"Telegram： {links.telegram}")
    else:
        print(f"Telegram： （未设置：请把 {ENV_BOT_USERNAME} 设为机器人的用户名，例如 LinxiaJobsBot）")
    if links.id != links.campaign:
        print(f"说明：Telegram 链接只能带字母和数字，“{links.campaign}”在其中写作 {links.id}；"
              f"两个链接的来访在报告里都记在“{links.campaign}”名下。")
    for warning in links.warnings:
        _err(f"注意：{warning}")
    return OK


def cmd_qr(args: argparse.Namespace) -> int:
    """Writes the QR code (PNG or SVG) of the campaign's web or Telegram link."""
    from dialog.publicity import DEFAULT_CAPTION, ENV_BOT_USERNAME, is_local_url, save_qr

    if args.output is None:
        _err("请用 -o 给出输出文件，例如 policybot qr --campaign 春季招聘 -o 海报.png（或 .svg）")
        return USAGE
    if args.output.suffix.lower() not in (".png", ".svg"):
        _err(f"{args.output}：文件名要以 .png 或 .svg 结尾")
        return USAGE
    found = _campaign_links(args.campaign)
    if found is None:
        return USAGE
    settings, links = found
    if args.target == "telegram":
        if not links.telegram:
            _err(f"没有设置机器人的 Telegram 用户名：请设置 {ENV_BOT_USERNAME}（例如 LinxiaJobsBot），"
                 "或改用 --target web")
            return FAILED
        link = links.telegram
    else:
        if not settings.public_url or is_local_url(links.web):
            _err(f"网页链接会是 {links.web}，只有这台电脑能打开：请把 POLICYBOT_PUBLIC_URL 设为"
                 "群众访问的地址（例如 https://jiuye.example.cn）再生成二维码")
            return FAILED
        link = links.web
    caption = DEFAULT_CAPTION if args.caption is None else args.caption.strip()
    try:
        warnings = save_qr(link, args.output, caption)
    except OSError as exc:
        _err(f"无法写入 {args.output}：{exc.strerror or exc}")
        return FAILED
    for warning in warnings:
        _err(f"注意：{warning}")
    shown = f"，下方文字“{caption}”" if caption and not warnings else ""
    print(f"已生成二维码 {args.output.absolute()}：打开 {link}{shown}")
    return OK


# ---------------------------------------------------------------- privacy


def _salt(settings: Settings) -> str | None:
    """The salt user keys were hashed with. Never generate one here: a new salt would hash
    the id to a key that matches nothing, and `forget` would delete nothing while saying so.
    None after saying why when it is missing, empty or too short."""
    from dialog.config import read_salt_file, salt_file

    if settings.salt:
        return settings.salt
    try:
        value = read_salt_file(salt_file(settings))
    except ConfigError as exc:
        _err(str(exc))
        return None
    if value is None:
        _err(f"the salt is missing (setting salt / POLICYBOT_SALT, or the file {salt_file(settings)}): "
             "without it the user's stored key cannot be computed")
    return value


def _database_name(settings: Settings) -> str:
    """The database as messages name it: the SQLite file, or the PostgreSQL URL without its password."""
    if settings.database_url:
        from dialog.storage.postgres import redact_url

        return redact_url(settings.database_url)
    return str(settings.db)


def _database_exists(settings: Settings) -> bool:
    """The SQLite file is there (never create an empty one to delete from). For PostgreSQL
    the connection tells (`_on_store`)."""
    if settings.database_url:
        return True
    if not settings.db.is_file():
        _err(f"no database at {settings.db} (setting db / POLICYBOT_DB): nothing is stored there, or the path is wrong")
        return False
    return True


def cmd_forget(args: argparse.Namespace) -> int:
    user = args.user.strip()
    if not user:
        _err("the user id is empty")
        return USAGE
    if args.channel == "telegram" and not user.isdigit():
        _err(f"{user!r}: a Telegram user id is a number (e.g. 123456789), not a @username")
        return USAGE
    settings = _settings()
    if settings is None:
        return USAGE
    if not _database_exists(settings):
        return FAILED
    salt = _salt(settings)
    if salt is None:
        return FAILED

    async def forget(store) -> tuple[int, int, bool | None]:
        key = store.user_key(args.channel, user)
        counts = (await store.count("sessions", key), await store.count("events", key))
        await store.forget(key)
        # The WAL still holds the pages from before the deletion until it is checkpointed and
        # truncated; the running bot may be writing, so try for a few seconds.
        erased = await store.erase_leftovers(attempts=5, first_wait=0.2)
        return (*counts, erased)

    result = _on_store(settings, salt, forget)
    if result is None:
        return FAILED
    sessions, events, erased = result
    if sessions == events == 0:
        print(f"nothing stored for {args.channel} user {user} (check the id and the channel)")
    else:
        print(f"deleted {args.channel} user {user}: {sessions} session(s), {events} log event(s)")
    if erased is False:
        _err(f"note: {settings.db}-wal could not be emptied now (the bot was busy); it is emptied at the "
             "bot's next checkpoint, or run this command again")
    return OK


def _on_store(settings, salt: str, work):
    """Open the bot's database (the SQLite file, or PostgreSQL when `database_url` is set:
    `dialog.storage.open_store`), run `await work(store)`, close it; None (after saying why)
    when the database cannot be used."""

    from dialog.storage import ClockJumped, DatabaseUnusable, database_of, open_store

    async def run():
        # The database only: the bot's session retention is not applied here (purge --days N
        # deletes idle sessions older than N days, as before).
        store = await open_store(database_of(settings), salt, pool_size=2)
        try:
            return await work(store)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except (DatabaseUnusable, ClockJumped) as exc:
        _err(str(exc))
        return None
    except sqlite3.DatabaseError as exc:
        _err(f"{settings.db}: cannot use the database ({exc})")
        return None
    except (OSError, ConnectionError) as exc:
        _err(f"{_database_name(settings)}: cannot use the database ({type(exc).__name__}: {exc})")
        return None
    except Exception as exc:
        if type(exc).__module__.startswith("asyncpg"):  # PostgreSQL refused a statement
            _err(f"{_database_name(settings)}: cannot use the database ({type(exc).__name__}: {exc})")
            return None
        raise


def cmd_purge(args: argparse.Namespace) -> int:
    settings = _settings()
    if settings is None:
        return USAGE
    days = settings.log_retention_days if args.days is None else args.days
    if days < 1:
        _err(f"--days {days}: use at least 1 (to delete one user's data, use policybot forget)")
        return USAGE
    if not _database_exists(settings):
        return FAILED

    async def purge(store) -> tuple[int, int]:
        before = (await store.count("events"), await store.count("sessions"))
        await store.purge(days, trust_clock=args.trust_clock)
        after = (await store.count("events"), await store.count("sessions"))
        return before[0] - after[0], before[1] - after[1]

    # The salt is not needed to delete by age; the store wants one, so pass a placeholder
    # rather than generating (and saving) a salt next to a database that has none.
    result = _on_store(settings, settings.salt or "purge", purge)
    if result is None:
        return FAILED
    events, sessions = result
    print(f"deleted {events} log event(s) and {sessions} idle session(s) older than {days} days")
    return OK
