"""临夏就业政策助手 — entry point (`policybot`).

Subcommands:
  run       start the bot (web chat on the embedded default; Telegram too when configured)
  chat      talk to the bot in the terminal (staff), `--json` for scripted use
  ask       answer one question, or a batch (`--json --batch FILE`, the eval interface)
  check     validate every YAML data file, print `file:line: message`, exit 1 on any problem
  import    import a policy document (.txt) into the knowledge base as YAML
  programs  list the eligibility programs (see eligibility/)
  assess    estimate eligibility for one program from answered facts
  report    staff report: questions, answered share, top topics, campaigns, unanswered (text/csv/html)
  link      campaign links (Telegram deep link and web chat link)
  qr        campaign QR code with a caption (PNG or SVG)
  forget    delete everything stored about one user
  purge     delete log rows older than the retention period
"""

from __future__ import annotations

import argparse
import sys

from dialog import cli as dialog_cli
from eligibility import cli as eligibility_cli
from knowledge import cli as knowledge_cli


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policybot", description="临夏就业政策助手 (临州府发〔2019〕3号)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    knowledge_cli.add_commands(subparsers)
    eligibility_cli.add_commands(subparsers)
    dialog_cli.add_commands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
