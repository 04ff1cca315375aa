"""The conversation engine: one user's message or button press in, replies out.

It knows nothing of Telegram, HTTP or WeChat: channels build an `Incoming` and render the
`Reply` list. Every turn loads the user's session, decides, and saves the session together
with the turn's log events before the replies are returned, so a restart (even kill -9)
resumes each person exactly where they were.

Flows: /start (with a campaign) -> greeting and menu; a free question -> the knowledge base's
answer with buttons (测一测 when the clause belongs to a program, 查看原文, 您是不是想问);
a questionnaire -> one question at a time with progress, 上一步 / 重新开始 / 退出, lenient
answers, digressions answered without losing the pending question; the policy finder;
the policy list; contacts; /help, /cancel, /forget.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import eligibility
from dialog.config import Settings, ensure_salt
from dialog.messages import Button, Incoming, Reply
from dialog.store import Event, Session, Store
from dialog.texts import load_texts
from knowledge.answer import Answer, Answerer
from knowledge.base import KnowledgeBase, load_knowledge_or_raise
from knowledge.documents import Clause

CAMPAIGN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_QUESTION_LIKE = re.compile(r"[?？]|吗|呢$|么$|怎么|如何|什么|啥|哪|多少|能不能|可不可以|是否|有没有|咋|谁")
_SMALL_TALK_STRIP = re.compile(r"[\s,，。.!！?？~～、]+")
_GREETINGS = {"你好", "您好", "你好啊", "在吗", "在不在", "有人吗", "喂", "哈喽", "hello", "hi", "早上好", "晚上好", "下午好", "嗨"}
_THANKS = {"谢谢", "谢谢你", "谢谢您", "多谢", "感谢", "好的谢谢", "知道了", "好的", "明白了", "收到", "thanks", "ok"}
_MENU_WORDS = {"菜单", "主菜单", "目录", "开始", "首页", "返回", "menu"}
_HELP_WORDS = {"帮助", "怎么用", "使用说明", "help", "说明"}
_EXAMPLES = ("见习补贴每人每月多少钱？", "开个小店能贷多少款？", "失业了去哪里登记？")


_today_cache: tuple[int, date] = (-1, date.min)


def today_once_a_second() -> date:
    """`date.today()`, asked of the system at most once a second: a turn needs the date four or
    five times (validity periods, the questionnaire's dated rules), and under load that was a
    measurable share of a message's cost. Stale by under a second at midnight."""
    global _today_cache
    second = int(time.time())
    if _today_cache[0] != second:
        _today_cache = (second, date.today())
    return _today_cache[1]


# Rendered questionnaire steps and results kept per engine; emptied when full or when the
# eligibility data or the texts are reloaded (they are pure in program, answers, date and those).
RENDER_MEMO_LIMIT = 4096


@dataclass
class _UserLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


@dataclass
class Turn:
    """What one handled message produces: replies and the log events to store with it."""

    replies: list[Reply]
    events: list[Event]


class AdminHandler(Protocol):
    """Staff commands (/reload, /stats, /unanswered …), implemented outside the engine."""

    commands: frozenset[str]

    def is_admin(self, msg: Incoming) -> bool: ...

    async def handle(self, command: str, arg: str, msg: Incoming) -> list[Reply]: ...


class Engine:
    def __init__(self, store: Store, answerer: Answerer, settings: Settings,
                 texts: dict[str, str] | None = None, today: Callable[[], date] = today_once_a_second,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.answerer = answerer
        self.settings = settings
        self.texts = texts or load_texts()
        self.today = today
        self.clock = clock
        self._locks: dict[str, _UserLock] = {}
        self._program_of_clause = _programs_by_clause()
        self.admin: AdminHandler | None = None
        self._rendered: dict[tuple[Any, ...], Any] = {}
        self._rendered_for: tuple[eligibility.Context | None, dict[str, str] | None] = (None, None)

    @classmethod
    async def open(cls, settings: Settings, kb: KnowledgeBase | None = None, **kwargs: Any) -> Engine:
        kb = kb or load_knowledge_or_raise()
        store = await Store.open(settings.db, ensure_salt(settings))
        store.session_days = settings.session_retention_days
        return cls(store, Answerer(kb), settings, **kwargs)

    async def close(self) -> None:
        await self.store.close()

    @property
    def kb(self) -> KnowledgeBase:
        return self.answerer.kb

    def reload(self, kb: KnowledgeBase, ctx: eligibility.Context | None = None,
               texts: dict[str, str] | None = None) -> None:
        """Swap in a new, already validated knowledge base (and eligibility context, and the
        fixed texts) for live reload. Turns in flight finish with the answerer they started
        with; the next turn uses the new one."""
        answerer = Answerer(kb, settings=self.answerer.settings, today=self.answerer.today)
        eligibility.reload_default_context(ctx)
        self._program_of_clause = _programs_by_clause()
        if texts is not None:
            self.texts = texts  # remembered steps with the old labels are dropped (_remembered)
        self.answerer = answerer

    def t(self, key: str, **values: Any) -> str:
        text = self.texts[key]
        return text.format(**values) if values else text

    # ------------------------------------------------------------------ entry point

    async def handle(self, msg: Incoming) -> list[Reply]:
        """Handle one message; the session and log are saved before returning."""
        key = self.store.user_key(msg.channel, msg.user)
        lock = self._locks.setdefault(key, _UserLock())
        lock.users += 1
        try:
            async with lock.lock:  # one person's double tap must not interleave two turns
                session = await self.store.load(key)
                turn = await self._turn(msg, session, key)
                if turn is None:  # the person's data was just deleted: store nothing
                    return [Reply(self.t("forget_done"), self._menu_buttons())]
                session.last_buttons = [[b.label, b.action] for r in turn.replies for b in r.all_buttons()]
                session.awaiting_number = any(r.number_input for r in turn.replies)
                await self.store.save(key, msg.channel, session, turn.events, session.campaign)
                return turn.replies
        finally:
            lock.users -= 1
            if lock.users == 0:
                self._locks.pop(key, None)

    async def _turn(self, msg: Incoming, s: Session, key: str) -> Turn | None:
        if msg.campaign and CAMPAIGN.match(msg.campaign) and not s.campaign:
            s.campaign = msg.campaign
        if msg.kind not in ("text", "button"):
            return Turn([Reply(self.t("non_text"))] + self._pending_question(s), [])
        text = (msg.text or "").strip()
        if text.startswith("／"):  # a Chinese keyboard's slash: /forget typed as ／forget
            text = "/" + text[1:]
        action = msg.action or self._action_for_text(text, s, msg)
        if action:
            return await self._on_action(action, s, key)
        if not text:
            return Turn([Reply(self.t("empty"))] + self._pending_question(s), [])
        if len(text) > self.settings.max_message_chars:
            return Turn([Reply(self.t("too_long", limit=self.settings.max_message_chars))] + self._pending_question(s), [])
        if text.startswith("/"):
            return await self._on_command(text, s, msg)
        if s.mode in ("questionnaire", "finder"):
            if self._is_stale(s):
                return self._resume_prompt(s, answer_first=text)
            return self._on_answer(text, s)
        small_talk = self._small_talk(text, msg)
        if small_talk is not None:
            return small_talk
        return self._free_question(text, s)

    def _small_talk(self, text: str, msg: Incoming) -> Turn | None:
        """Greetings, thanks, 菜单/帮助 and a bare number are not policy questions: answering
        them from the document would be a confident wrong answer or a needless refusal."""
        bare = _SMALL_TALK_STRIP.sub("", text)
        if bare in _GREETINGS:
            return Turn([Reply(self.t("hello"), self._menu_buttons())], [])
        if bare in _THANKS:
            return Turn([Reply(self.t("thanks"), self._menu_buttons())], [])
        if bare in _MENU_WORDS:
            return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])
        if bare in _HELP_WORDS:
            return Turn([Reply(self.t("help"), self._menu_buttons())], [])
        if bare.isdigit():
            key = "number_hint_numbered" if msg.extra.get("numbered") else "number_hint"
            return Turn([Reply(self.t(key), self._menu_buttons())], [])
        return None

    # ------------------------------------------------------------------ commands

    async def _on_command(self, text: str, s: Session, msg: Incoming) -> Turn:
        command, _, arg = text[1:].partition(" ")
        command = command.split("@")[0].lower()  # /start@BotName in groups
        if self.admin is not None and command in self.admin.commands:
            if not self.admin.is_admin(msg):
                return Turn([Reply("无权限。")], [])
            return Turn(await self.admin.handle(command, arg.strip(), msg), [])
        if command == "start":
            campaign = arg.strip()
            if campaign and CAMPAIGN.match(campaign) and not s.campaign:
                s.campaign = campaign
            greeting = [Reply(self.t("greeting")), Reply(self.t("privacy", days=self.settings.log_retention_days,
                                                                     session_days=_plain(self.settings.session_retention_days)),
                                                         self._menu_buttons())]
            event = Event("start")
            if s.mode in ("questionnaire", "finder"):
                return Turn(greeting + self._resume_prompt(s).replies, [event])
            return Turn(greeting, [event])
        if command == "help":
            return Turn([Reply(self.t("help"), self._menu_buttons())] + self._pending_question(s), [])
        if command in ("cancel", "stop", "exit"):
            return self._exit(s)
        if command == "forget":
            return Turn([Reply(self.t("forget_confirm"), ((Button(self.t("forget_yes"), "fg:yes"),
                                                           Button(self.t("forget_no"), "fg:no")),))], [])
        if command == "menu":
            return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])
        return self._free_question(text.lstrip("/"), s)

    # ------------------------------------------------------------------ buttons

    def _action_for_text(self, text: str, s: Session, msg: Incoming) -> str | None:
        """A typed text that names a button of the last reply acts as pressing it; text-only
        channels (WeChat) number the buttons and send `numbered=True`, so "2" presses the 2nd."""
        if not text or not s.last_buttons:
            return None
        if msg.extra.get("numbered") and text.isdigit() and not s.awaiting_number:
            n = int(text)
            if 1 <= n <= len(s.last_buttons):
                return s.last_buttons[n - 1][1]
        for label, action in s.last_buttons:
            if text == label:
                return action
        return None

    async def _on_action(self, action: str, s: Session, key: str) -> Turn | None:
        kind, _, arg = action.partition(":")
        if kind == "m":
            return self._on_menu(arg, s)
        if kind == "x":  # an example question
            return self._free_question(arg, s)
        if kind in ("p", "pf"):
            return self._start_questionnaire(arg, s, from_finder=kind == "pf")
        if kind == "a":
            return self._on_choice(arg, s)
        if kind == "n":
            return self._on_nav(arg, s)
        if kind == "r":
            if arg == "go" and s.mode == "resume":
                s.mode = "finder" if s.program == "__finder__" else "questionnaire"
                s.questionnaire_at = self.clock()
                pending, s.pending_text = s.pending_text, None
                if pending:
                    return self._on_answer(pending, s)
                return Turn(self._pending_question(s), [])
            if arg == "new" and s.program:
                program = s.program
                s.mode, s.pending_text = "idle", None
                return self._start_finder(s) if program == "__finder__" else self._start_questionnaire(program, s)
            return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])
        if kind == "fg":
            if arg == "yes":
                await self.store.forget(key)
                return None
            return Turn([Reply(self.t("forget_kept"))] + self._pending_question(s), [])
        if kind == "s":
            return self._list_section(arg)
        if kind == "c":
            return self._show_clause(arg, s)
        if kind == "o":
            return self._show_original(arg, s)
        return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])  # stale or unknown button

    def _on_menu(self, item: str, s: Session) -> Turn:
        if item == "ask":
            return Turn([Reply(self.t("ask_prompt"), tuple((Button(q, f"x:{q}"),) for q in _EXAMPLES))], [])
        if item == "find":
            return self._start_finder(s)
        if item == "list":
            return self._list_sections()
        if item == "contact":
            return Turn([Reply(self._contacts_text(), self._menu_buttons())], [])
        return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])

    def _menu_buttons(self) -> tuple[tuple[Button, ...], ...]:
        return (
            (Button(self.t("menu_ask"), "m:ask"), Button(self.t("menu_find"), "m:find")),
            (Button(self.t("menu_list"), "m:list"), Button(self.t("menu_contact"), "m:contact")),
        )

    # ------------------------------------------------------------------ free questions

    def _free_question(self, text: str, s: Session) -> Turn:
        answer = self.answerer.answer(text, today=self.today())
        event = Event("question", text=mask_personal_numbers(text), clause=answer.clauses[0] if answer.clauses else None,
                      faq=answer.faq_entry.id if answer.faq_entry else None,
                      confidence=round(answer.confidence, 3), answered=answer.answered)
        if answer.clause is not None:
            s.last_clause = answer.clause.id
        return Turn([Reply(answer.reply, self._answer_buttons(answer))], [event])

    def _answer_buttons(self, answer: Answer) -> tuple[tuple[Button, ...], ...]:
        rows: list[tuple[Button, ...]] = []
        if answer.answered and answer.clause is not None:
            program = self._program_of_clause.get(answer.clause.id)
            first: list[Button] = []
            if program:
                first.append(Button(self.t("check_me"), f"p:{program}"))
            first.append(Button(self.t("show_original"), f"o:{answer.clause.id}"))
            rows.append(tuple(first))
            if answer.alternative is not None:
                rows.append((Button(f"您是不是想问：{_short(answer.alternative.title)}", f"c:{answer.alternative.id}"),))
        else:
            rows += [(Button(_short(c.title), f"c:{c.id}"),) for c in answer.suggestions]
            rows.append((Button(self.t("menu_contact"), "m:contact"),))
        rows.append((Button(self.t("back_to_menu"), "m:menu"),))
        return tuple(rows)

    # ------------------------------------------------------------------ questionnaires

    def _start_questionnaire(self, program_id: str, s: Session, from_finder: bool = False) -> Turn:
        try:
            program = eligibility.get_program(program_id)
        except KeyError:
            return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])
        finder_answers, s.finder_answers = s.finder_answers, {}
        s.mode, s.program, s.answers, s.history = "questionnaire", program.id, {}, []
        if from_finder and finder_answers and program.infer:
            # What the finder already asked (individual or employer, age …) is not asked again.
            known = set(program.question_ids)
            for key, value in program.infer(finder_answers).items():
                if key in known and value is not None:
                    s.answers[key] = value
                    s.history.append(key)
        s.questionnaire_at = self.clock()
        intro = Reply(self.t("questionnaire_intro", label=program.label))
        started = Event("questionnaire_started", program=program.id)
        if self._current_question(s) is None:  # the finder's answers were all it needed
            finished = self._finish(s)
            return Turn([intro] + finished.replies, [started] + finished.events)
        return Turn([intro] + self._pending_question(s), [started])

    def _start_finder(self, s: Session) -> Turn:
        s.mode, s.program, s.answers, s.history = "finder", "__finder__", {}, []
        s.questionnaire_at = self.clock()
        return Turn([Reply(self.t("finder_intro"))] + self._pending_question(s),
                    [Event("questionnaire_started", program="__finder__")])

    def _program(self, s: Session) -> eligibility.Program:
        return eligibility.FINDER if s.program == "__finder__" else eligibility.get_program(s.program or "")

    def _current_question(self, s: Session) -> eligibility.Question | None:
        if s.mode not in ("questionnaire", "finder", "resume") or not s.program:
            return None
        if s.program == "__finder__":
            return eligibility.next_finder_question(s.answers)
        return eligibility.next_question(self._program(s), s.answers, as_of=self.today())

    def _remembered(self, key: tuple[Any, ...] | None, compute: Callable[[], Any]) -> Any:
        """`compute()`, remembered under `key` (None: not remembered) until the eligibility
        data or the texts are reloaded. People answer the same few questions the same few
        ways, so the same steps and results are rendered over and over; Reply is frozen, safe
        to share."""
        if key is None:
            return compute()
        ctx, texts = eligibility.default_context(), self.texts
        if ctx is not self._rendered_for[0] or texts is not self._rendered_for[1] \
                or len(self._rendered) >= RENDER_MEMO_LIMIT:
            self._rendered = {}  # a new dict: a turn still holding the old one cannot refill this
            self._rendered_for = (ctx, texts)
        memo = self._rendered
        found = memo.get(key, _MISSING)
        if found is _MISSING:
            found = compute()
            # A reload (in a worker thread) may have swapped the data while this was computed:
            # then it was rendered from a mix and is not kept.
            if eligibility.default_context() is ctx and self.texts is texts:
                memo[key] = found
        return found

    def _state_key(self, kind: str, program: str | None, answers: dict[str, Any], as_of: date,
                   *more: Any) -> tuple[Any, ...] | None:
        """What a rendering of a questionnaire's state depends on (besides the data), or None
        when the answers cannot be a key (not something parse_answer produces)."""
        try:
            frozen = tuple(sorted(answers.items()))
            hash(frozen)
        except TypeError:
            return None
        return (kind, program, frozen, as_of, *more)

    def _pending_question(self, s: Session, hint: str | None = None) -> list[Reply]:
        """The question the person is on, with its buttons, or nothing outside questionnaires."""
        if s.mode not in ("questionnaire", "finder"):
            return []
        # Read before rendering: a step rendered just after midnight is then filed under the
        # day before, where no one looks it up again (never the other way round).
        key = self._state_key("step", s.program, s.answers, self.today(), bool(s.history), hint)
        reply = self._remembered(key, lambda: self._render_pending_question(s, hint))
        return [reply] if reply is not None else []

    def _render_pending_question(self, s: Session, hint: str | None) -> Reply | None:
        question = self._current_question(s)
        if question is None:
            return None
        program = self._program(s)
        step, total = eligibility.progress(program, s.answers, as_of=self.today())
        lines = [f"（第{step}步/共{total}步）{question.prompt}"]
        if question.help:
            lines.append(question.help)
        if question.kind == "number" and question.unit:
            lines.append(f"请输入数字（单位：{question.unit}），不清楚可以点“{self.t('unknown_answer')}”。")
        if hint:
            lines.insert(0, hint)
        options = question.buttons()
        option_buttons = [Button(label, f"a:{i}") for i, label in enumerate(options)]
        rows = [tuple(option_buttons[i:i + 2]) for i in range(0, len(option_buttons), 2)]
        nav = [Button(self.t("nav_restart"), "n:restart"), Button(self.t("nav_exit"), "n:exit")]
        if s.history:
            nav.insert(0, Button(self.t("nav_back"), "n:back"))
        rows.append(tuple(nav))
        return Reply("\n".join(lines), tuple(rows), number_input=question.kind == "number")

    def _on_choice(self, index: str, s: Session) -> Turn:
        question = self._current_question(s) if s.mode in ("questionnaire", "finder") else None
        if question is None:
            return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])
        options = question.buttons()
        if not index.isdigit() or int(index) >= len(options):
            return Turn(self._pending_question(s), [])
        return self._on_answer(options[int(index)], s)

    def _on_answer(self, text: str, s: Session) -> Turn:
        question = self._current_question(s)
        if question is None:  # nothing left to ask (e.g. data changed): show the result
            return self._finish(s)
        looks_like_question = bool(_QUESTION_LIKE.search(text)) and len(text) > 4
        if looks_like_question and (text.endswith(("?", "？", "吗", "呢")) or len(text) > 12):
            return self._digression(text, s)
        parsed = eligibility.parse_answer(question, text)
        if not parsed.ok:
            if looks_like_question:
                return self._digression(text, s)
            return Turn(self._pending_question(s, hint=parsed.error), [])
        s.answers[question.id] = parsed.value
        if question.id in s.history:
            s.history.remove(question.id)
        s.history.append(question.id)
        s.questionnaire_at = self.clock()
        if self._current_question(s) is None:
            return self._finish(s)
        return Turn(self._pending_question(s), [])

    def _digression(self, text: str, s: Session) -> Turn:
        """A question typed in the middle of a questionnaire: answer it, then ask again."""
        turn = self._free_question(text, s)
        answer_reply = turn.replies[0]
        plain = Reply(answer_reply.text, tuple(row for row in answer_reply.buttons
                                               if not any(b.action.startswith(("p:", "m:")) for b in row)))
        return Turn([plain, Reply(self.t("digression_back"))] + self._pending_question(s), turn.events)

    def _on_nav(self, arg: str, s: Session) -> Turn:
        if arg == "exit" and s.mode == "resume":
            return self._exit(s)
        if s.mode not in ("questionnaire", "finder"):
            return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])
        if arg == "back" and s.history:
            last = s.history.pop()
            s.answers.pop(last, None)
            return Turn(self._pending_question(s), [])
        if arg == "restart":
            s.answers, s.history = {}, []
            s.questionnaire_at = self.clock()
            return Turn(self._pending_question(s), [])
        if arg == "exit":
            return self._exit(s)
        return Turn(self._pending_question(s), [])

    def _exit(self, s: Session) -> Turn:
        s.mode, s.program, s.answers, s.history = "idle", None, {}, []
        return Turn([Reply(self.t("exited"), self._menu_buttons())], [])

    def _finish(self, s: Session) -> Turn:
        program_id = s.program or ""
        answers = dict(s.answers)
        s.mode, s.program, s.answers, s.history = "idle", None, {}, []
        event = Event("questionnaire_completed", program=program_id)
        if program_id == "__finder__":
            matches = eligibility.find_programs(answers, as_of=self.today())
            if not matches:
                return Turn([Reply(self.t("finder_none"), self._menu_buttons())], [event])
            lines = [self.t("finder_result")]
            lines += [f"{i}. {m.program.label}：{m.verdict}。{m.program.summary}" for i, m in enumerate(matches[:6], 1)]
            s.finder_answers = answers  # to prefill the program chosen next (cleared then)
            rows = tuple((Button(f"测一测：{_short(m.program.label)}", f"pf:{m.program.id}"),) for m in matches[:6])
            return Turn([Reply("\n".join(lines), rows + ((Button(self.t("back_to_menu"), "m:menu"),),))], [event])
        as_of = self.today()
        key = self._state_key("result", program_id, answers, as_of)
        text = self._remembered(key, lambda: eligibility.assess(program_id, answers, as_of=as_of).to_chat_text())
        program = eligibility.get_program(program_id)
        buttons = (
            (Button(self.t("show_original"), f"o:{program.reference[0]}"),
             Button(self.t("nav_restart"), f"p:{program_id}")),
            (Button(self.t("menu_find"), "m:find"), Button(self.t("menu_ask"), "m:ask")),
            (Button(self.t("back_to_menu"), "m:menu"),),
        )
        # The compact rendering for a phone; every condition's full quotation is one tap away
        # (查看原文) and in `policybot assess` for staff.
        return Turn([Reply(text), Reply(self.t("result_more"), buttons)], [event])

    def _is_stale(self, s: Session) -> bool:
        return s.questionnaire_at > 0 and self.clock() - s.questionnaire_at > self.settings.stale_hours * 3600

    def _resume_prompt(self, s: Session, answer_first: str | None = None) -> Turn:
        replies: list[Reply] = []
        events: list[Event] = []
        if answer_first is not None:
            parsed_as_answer = False
            question = self._current_question(s)
            if question is not None:
                parsed_as_answer = eligibility.parse_answer(question, answer_first).ok
            if parsed_as_answer:  # kept, and applied if they choose to continue
                s.pending_text = answer_first
            else:  # a question: answer it, the questionnaire waits
                turn = self._free_question(answer_first, s)
                replies += turn.replies
                events += turn.events
        program = self._program(s)
        step, total = eligibility.progress(program, s.answers, as_of=self.today())
        s.mode = "resume"
        replies.append(Reply(self.t("resume_question", label=program.label, step=step, total=total), (
            (Button(self.t("resume_continue"), "r:go"), Button(self.t("resume_restart"), "r:new")),
            (Button(self.t("nav_exit"), "n:exit"),),
        )))
        return Turn(replies, events)

    # ------------------------------------------------------------------ policy list, clauses, contacts

    def _sections(self) -> list[tuple[str, str, list[Clause]]]:
        """(section key, section title, clauses) in document order, for the seed document first."""
        out: dict[str, tuple[str, list[Clause]]] = {}
        for doc in self.kb.documents.values():
            for clause in doc.clauses:
                section = clause.number.split(".")[0]
                key = section if doc.id == self.kb.seed.id else f"{doc.id}:{section}"
                title = {"0": "前言（文件名称、文号、依据）"}.get(clause.number, clause.section_title)
                out.setdefault(key, (title, []))[1].append(clause)
        return [(k, t, cs) for k, (t, cs) in out.items()]

    def _list_sections(self) -> Turn:
        rows = []
        for key, title, _ in self._sections():
            label = clause_section_label(key, title)
            rows.append((Button(_short(label, 18), f"s:{key}"),))
        rows.append((Button(self.t("back_to_menu"), "m:menu"),))
        return Turn([Reply(self.t("list_prompt"), tuple(rows))], [])

    def _list_section(self, key: str) -> Turn:
        for k, title, clauses in self._sections():
            if k == key:
                if len(clauses) == 1:
                    return self._show_clause(clauses[0].id, None)
                rows = tuple((Button(_short(f"{c.label()} {c.title}", 20), f"c:{c.id}"),) for c in clauses)
                return Turn([Reply(self.t("list_section", title=title), rows + ((Button(self.t("menu_list"), "m:list"),),))], [])
        return self._list_sections()

    def _show_clause(self, clause_id: str, s: Session | None) -> Turn:
        clause = self.kb.clauses.get(clause_id)
        if clause is None:
            return self._list_sections()
        if s is not None:
            s.last_clause = clause.id
        body = "".join(self.answerer.best_sentences(clause, clause.title)[:2]) or clause.body[:200]
        text = self.answerer.format_reply(body, clause, self.today(), None)
        first = [Button(self.t("show_original"), f"o:{clause.id}")]
        program = self._program_of_clause.get(clause.id)
        if program:
            first.insert(0, Button(self.t("check_me"), f"p:{program}"))
        rows = (tuple(first), (Button(self.t("menu_list"), "m:list"), Button(self.t("back_to_menu"), "m:menu")))
        return Turn([Reply(text, rows)] + (self._pending_question(s) if s else []), [])

    def _show_original(self, clause_id: str, s: Session) -> Turn:
        clause = self.kb.clauses.get(clause_id or s.last_clause or "")
        if clause is None:
            return self._list_sections()
        program = self._program_of_clause.get(clause.id)
        rows: list[tuple[Button, ...]] = []
        if program:
            rows.append((Button(self.t("check_me"), f"p:{program}"),))
        rows.append((Button(self.t("menu_list"), "m:list"), Button(self.t("back_to_menu"), "m:menu")))
        text = f"{self.answerer.citation(clause)}\n\n{clause.text}"
        return Turn([Reply(text, tuple(rows))] + self._pending_question(s), [])

    def _contacts_text(self) -> str:
        ctx = eligibility.default_context()
        contacts = ctx.contacts
        lines = [self.t("contact_intro")]
        for name in ("州人社局",):  # the lead department of every program residents can test
            office = contacts.office(name)
            phone = office.phone or self.t("phone_missing")
            lines.append(f"· {office.name}：{phone}" + (f"，{office.address}" if office.address else ""))
        county = contacts.county
        lines.append(f"· {county.name}：{county.phone or self.t('phone_missing')}")
        for name, number in contacts.hotlines:
            lines.append(f"· {name}：{number}")
        return "\n".join(lines)


_MISSING = object()
_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")


def mask_personal_numbers(text: str) -> str:
    """Mobile and ID-card numbers people type into a question are not kept in the log."""
    return _ID_NUMBER.sub("[证件号]", _PHONE.sub("[手机号]", text))


def clause_section_label(key: str, title: str) -> str:
    number = key.split(":")[-1]
    if number == "0" or title == "结尾":  # the closing paragraph is not a numbered article
        return title
    try:
        from knowledge.documents import to_chinese

        return f"{to_chinese(int(number))}、{title}"
    except ValueError:
        return title


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _short(text: str, limit: int = 16) -> str:
    text = text.rstrip("。")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _programs_by_clause() -> dict[str, str]:
    """clause id -> the program to offer for it. A program whose first reference is the
    clause wins over one that only cites it further down its references."""
    out: dict[str, str] = {}
    programs = eligibility.all_programs()
    for program in programs:
        if program.reference:
            out.setdefault(program.reference[0], program.id)
    for program in programs:
        for clause_id in program.reference[1:]:
            out.setdefault(clause_id, program.id)
    return out
