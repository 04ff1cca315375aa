"""Slash commands (/start, /help, /cancel, /forget, /menu) and the staff commands' gate."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

from dialog.flows.common import Turn, plain_number
from dialog.messages import ROLE_NOTICE, Button, Incoming, Reply
from dialog.store import SECRET_COMMANDS, Event, Session

if TYPE_CHECKING:
    from dialog.engine import Engine

CAMPAIGN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class AdminHandler(Protocol):
    """Staff commands (/reload, /stats, /unanswered …), implemented outside the engine."""

    commands: frozenset[str]

    def is_admin(self, msg: Incoming) -> bool: ...

    async def handle(self, command: str, arg: str, msg: Incoming) -> list[Reply]: ...


class CommandsFlow:
    async def _on_command(self: Engine, text: str, s: Session, msg: Incoming) -> Turn:
        # Split at any white space (the text is NFKC already: U+3000 is a space; a tab, a
        # newline), also after a lone slash ("/ admin token").
        command, arg = (text[1:].split(maxsplit=1) + ["", ""])[:2]
        command = command.split("@")[0].lower()  # /start@BotName in groups
        if self.admin is not None and command in self.admin.commands:
            # `authorize` (async) when the handler has one: grants shared by several processes
            authorize = getattr(self.admin, "authorize", None)
            if not (await authorize(msg) if authorize is not None else self.admin.is_admin(msg)):
                return Turn([Reply("无权限。")], [])
            return Turn(await self.admin.handle(command, arg.strip(), msg), [])
        if command in SECRET_COMMANDS:  # no staff handler here: refuse, and log nothing of it
            return Turn([Reply("无权限。")], [])
        return await self._in_worker(self._on_plain_command, command, arg, text, s)

    def _on_plain_command(self: Engine, command: str, arg: str, text: str, s: Session) -> Turn:
        """/start, /help, /cancel, /forget, /menu, and any other slash text as a question; in
        the turns' worker thread like every other flow."""
        if command == "start":
            campaign = arg.strip()
            if campaign and CAMPAIGN.match(campaign) and not s.campaign:
                s.campaign = campaign
            privacy = self.t("privacy", days=self.settings.log_retention_days,
                             session_days=plain_number(self.settings.session_retention_days))
            greeting = [Reply(self.t("greeting")), Reply(privacy, self._menu_buttons(), role=ROLE_NOTICE)]
            event = Event("start")
            if s.mode in ("questionnaire", "finder"):
                return Turn(greeting + self._resume_prompt(s).replies, [event])
            return Turn(greeting, [event])
        if command == "help":
            return Turn([Reply(self.t("help"), self._menu_buttons())] + self._pending_question(s), [])
        if command in ("cancel", "stop", "exit"):
            return self._exit(s)
        if command == "forget":
            return self._forget_prompt()
        if command == "menu":
            return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])
        return self._free_question(text.lstrip("/"), s)

    def _forget_prompt(self: Engine) -> Turn:
        return Turn([Reply(self.t("forget_confirm"), ((Button(self.t("forget_yes"), "fg:yes"),
                                                       Button(self.t("forget_no"), "fg:no")),))], [])
