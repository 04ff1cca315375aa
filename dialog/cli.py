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


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register report, link, qr, forget and purge; each sets `func(args) -> int`."""
    p = subparsers.add_parser("report", help="usage report from the message log (text, csv, html, FAQ stubs)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="first day to include (default: everything kept)")
    p.add_argument("--format", choices=("text", "csv", "html"), default="text", help="output format (default text)")
    p.add_argument("--faq-stubs", action="store_true",
                   help="print YAML FAQ entries for the unanswered questions instead of the report")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="write to FILE instead of the screen")
    p.add_argument("--db", metavar="FILE", type=Path, help="database file (default: setting db / POLICYBOT_DB)")
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser("link", help="print the Telegram and web links of a publicity campaign")
    p.add_argument("--campaign", required=True, metavar="NAME", help="A-Z a-z 0-9 _ -, up to 64 characters")
    p.set_defaults(func=cmd_link)

    p = subparsers.add_parser("qr", help="make a poster QR code (PNG or SVG) for a campaign link")
    p.add_argument("--campaign", required=True, metavar="NAME", help="A-Z a-z 0-9 _ -, up to 64 characters")
    p.add_argument("-o", "--output", required=True, metavar="FILE", type=Path, help="FILE.png or FILE.svg")
    p.add_argument("--caption", default=None, help='text under the code (default "扫码咨询就业政策"; "" for none)')
    p.add_argument("--target", choices=("web", "telegram"), default="web",
                   help="which link the code opens (default web: works in WeChat's scanner)")
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
        _err(f"cannot write {output}: {exc.strerror or exc}")
        return FAILED
    print(f"written: {output}", file=sys.stderr)
    return OK


# ---------------------------------------------------------------- report


def _knowledge() -> Any:
    """The knowledge base for clause titles and existing FAQ entries, or None (report goes on)."""
    try:
        from knowledge.base import load_knowledge

        kb, problems = load_knowledge()
    except Exception as exc:  # noqa: BLE001 - titles are a nicety; the numbers do not need them
        _err(f"note: knowledge base not loaded ({type(exc).__name__}: {exc}); clauses shown by number only")
        return None
    if problems:
        _err(f"note: the knowledge YAML has {len(problems)} problem(s) (policybot check); using what loaded")
    return kb


def cmd_report(args: argparse.Namespace) -> int:
    from dialog import reports

    since = None
    if args.since:
        try:
            since = date.fromisoformat(args.since)
        except ValueError:
            _err(f"--since {args.since!r}: use a date like 2026-11-01")
            return USAGE
    settings = _settings()
    if settings is None:
        return USAGE
    try:
        conn = reports.open_readonly(args.db or settings.db)
    except reports.ReportError as exc:
        _err(str(exc))
        return FAILED
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
    except sqlite3.DatabaseError as exc:
        _err(f"{args.db or settings.db}: cannot read the log ({exc})")
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
            _err(f"note: {len(options.skipped)} group(s) left out: all their phrasings are already FAQ questions")
        return _write(text, args.output)
    if args.format == "csv":
        return _write(reports.render_csv(report), args.output)
    if args.format == "html":
        return _write(reports.render_html(report), args.output)
    return _write(reports.render_text(report), args.output)


# ---------------------------------------------------------------- link and qr


def _campaign_links(campaign: str) -> tuple[Settings, CampaignLinks] | None:
    """The settings and the campaign's links, or None after printing why not (`link`, `qr`)."""
    from dialog.publicity import PublicityError, campaign_links

    settings = _settings()
    if settings is None:
        return None
    try:
        return settings, campaign_links(campaign, settings)
    except PublicityError as exc:
        _err(str(exc))
        return None


def cmd_link(args: argparse.Namespace) -> int:
    from dialog.publicity import ENV_BOT_USERNAME

    found = _campaign_links(args.campaign)
    if found is None:
        return USAGE
    _, links = found
    print(f"网页 / web:      {links.web}")
    if links.telegram:
        print(f"Telegram:        {links.telegram}")
    else:
        print(f"Telegram:        (not configured: set {ENV_BOT_USERNAME} to the bot's username)")
    for warning in links.warnings:
        _err(f"warning: {warning}")
    return OK


def cmd_qr(args: argparse.Namespace) -> int:
    from dialog.publicity import DEFAULT_CAPTION, ENV_BOT_USERNAME, is_local_url, save_qr

    if args.output.suffix.lower() not in (".png", ".svg"):
        _err(f"{args.output}: the file name must end in .png or .svg")
        return USAGE
    found = _campaign_links(args.campaign)
    if found is None:
        return USAGE
    settings, links = found
    if args.target == "telegram":
        if not links.telegram:
            _err(f"no Telegram username configured: set {ENV_BOT_USERNAME} (e.g. LinxiaJobsBot), "
                 "or use --target web")
            return FAILED
        link = links.telegram
    else:
        if not settings.public_url or is_local_url(links.web):
            _err(f"the web link would be {links.web}, which only this machine can open: "
                 "set POLICYBOT_PUBLIC_URL to the address residents reach (e.g. https://jiuye.example.cn)")
            return FAILED
        link = links.web
    caption = DEFAULT_CAPTION if args.caption is None else args.caption.strip()
    try:
        warnings = save_qr(link, args.output, caption)
    except OSError as exc:
        _err(f"cannot write {args.output}: {exc.strerror or exc}")
        return FAILED
    for warning in warnings:
        _err(f"warning: {warning}")
    print(f"{args.output}: QR code for {link}" + (f" with caption “{caption}”" if caption and not warnings else ""))
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


def _database_exists(settings: Settings) -> bool:
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
    """Open the bot's database, run `await work(store)`, close it; None (after saying why)
    when the database cannot be used."""

    from dialog.store import ClockJumped, DatabaseUnusable, Store

    async def run():
        store = await Store.open(settings.db, salt)
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
