"""The conversation engine: one user's message or button press in, replies out.

It knows nothing of Telegram, HTTP or WeChat: channels (dialog/channels/) build an `Incoming`
and render the `Reply` list. Every turn loads the user's session, reads the message
(dialog/understanding: what did the person mean, in the context of the conversation), routes
it to a flow (dialog/flows: questions, questionnaire, menu, commands), and saves the session
together with the turn's log events before the replies are returned, so a restart (even
kill -9) resumes each person exactly where they were.
"""

from __future__ import annotations

import asyncio
import functools
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import eligibility
from dialog.config import Settings, ensure_salt
from dialog.flows.commands import CAMPAIGN, AdminHandler, CommandsFlow
from dialog.flows.common import SHORT_OF, Turn, mask_personal_numbers
from dialog.flows.menu import MenuFlow, clause_section_label
from dialog.flows.questionnaire import FINDER_LISTED, RENDER_MEMO_LIMIT, WHY_NOT, QuestionnaireFlow
from dialog.flows.questions import MULTI_MAX, QuestionsFlow
from dialog.messages import ROLE_FORGOTTEN, Incoming, Reply
from dialog.storage import open_store
from dialog.store import Session, Store
from dialog.texts import load_texts
from dialog.understanding import Conversation, Reader, Understanding, Vocabulary, load_vocabulary
from dialog.understanding.normalize import bare
from knowledge import semantic
from knowledge.answer import Answerer
from knowledge.base import KnowledgeBase, load_knowledge_or_raise

__all__ = ["AdminHandler", "CAMPAIGN", "Engine", "RENDER_MEMO_LIMIT", "Turn", "clause_section_label",
           "mask_personal_numbers", "today_once_a_second"]

_today_cache: tuple[int, date] = (-1, date.min)
_WORKER_NAME = "turns"
_EMBED_NAME = "embed"
# Understood kinds whose text the flows search (answerer.answer / retriever.search); "multi"
# searches its parts. Embedded ahead of the turn (`Engine._embed_ahead`).
# 那我老婆呢 / 那俺儿子咋样, typed right after a result: the same test for that person
_ASKS_ABOUT = ("呢", "咋样", "怎么样", "咋办")
ABOUT_ANOTHER_CHARS = 8  # longer messages say more than whom (那我老婆在扶贫车间上班呢): read as usual
# Words for money or help in general: whichever one listed programme's name holds 补贴, they do
# not pick it (unlike 贷款, 培训, 稳岗, which name a kind of programme)
_BROAD_PICKS = frozenset({"补贴", "补助", "政策", "钱", "扶持", "优惠", "帮扶", "好处", "资金", "奖励"})
_REFUSING = re.compile(r"不|没|别|算了")  # 不想贷款, 没兴趣: no pick
FINDER_PICK_CHARS = 8  # 贷款, 想测稳岗返还: a message this short right after the finder's list may pick one of it
_SEARCHED_KINDS = frozenset({"question", "follow_up", "side_question", "topic_word"})


def today_once_a_second() -> date:
    """`date.today()`, asked of the system at most once a second: a turn needs the date four or
    five times (validity periods, the questionnaire's dated rules), and under load that was a
    measurable share of a message's cost. Stale by under a second at midnight."""
    global _today_cache
    second = int(time.time())
    if _today_cache[0] != second:
        _today_cache = (second, date.today())
    return _today_cache[1]


@dataclass
class _UserLock:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


# Navigation intents (dialog/data/understanding.yaml) and the button action each one presses.
_INTENT_ACTIONS = {
    "menu": "m:menu", "contacts": "m:contact", "list": "m:list", "ask": "m:ask", "finder": "m:find",
    "quit": "n:exit", "restart": "n:restart", "back": "n:back", "resume_go": "r:go",
    "original": "o:",  # the clause last answered from (查看原文 typed as 把原文给我看看)
}


class Engine(QuestionsFlow, QuestionnaireFlow, MenuFlow, CommandsFlow):
    def __init__(self, store: Store, answerer: Answerer, settings: Settings,
                 texts: dict[str, str] | None = None, today: Callable[[], date] = today_once_a_second,
                 clock: Callable[[], float] = time.time, vocabulary: Vocabulary | None = None) -> None:
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
        self.reader = self._reader(vocabulary or load_vocabulary())
        # Reading a message and deciding the reply is CPU work (retrieval, ~1 ms). It runs in
        # one worker thread, so the event loop keeps serving other people's HTTP and database
        # I/O meanwhile, and the engine's caches are only ever touched by that one thread (no
        # locks needed). The meaning channel's question embedding (10-35 ms, GIL released) runs
        # before the turn enters that worker, in a thread of its own (`_embed_ahead`), so cheap
        # turns (questionnaire steps, buttons) never queue behind it.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_WORKER_NAME)
        # The embedding thread runs at a lower CPU priority (nice +10): on a busy machine the
        # event loop and the turns come first, and a vector that cannot be made in time is
        # not waited for (`_embed_ahead`).
        self._embedder = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_EMBED_NAME,
                                            initializer=semantic.lower_thread_priority)
        self._embed_ahead_on = semantic.embed_ahead()
        self._embed_wait = semantic.ahead_wait_seconds()
        self._embed_queue = semantic.EmbedQueue()
        # Questions the lexical decision is unsure of wait longer for their vector, embedded
        # by a second thread ahead of the queue (`_embed_ahead`; POLICYBOT_SEMANTIC_UNSURE_WAIT_MS).
        self._embedder_first = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_EMBED_NAME + "-first",
                                                  initializer=semantic.lower_thread_priority)
        self._unsure_wait = semantic.unsure_wait_seconds()
        self._first_queue = semantic.EmbedQueue()

    @classmethod
    async def open(cls, settings: Settings, kb: KnowledgeBase | None = None,
                   answerer: Answerer | None = None, **kwargs: Any) -> Engine:
        """The engine on `settings`' database, answering from `answerer` when one is given
        (the terminal chat has built it already: building a second costs a second of start-up),
        else from a new one over `kb` (loaded from the package data when None)."""
        if answerer is None:
            answerer = Answerer(kb or load_knowledge_or_raise())
        # SQLite file or PostgreSQL (settings.database_url): dialog.storage.open_store
        store = await open_store(settings, ensure_salt(settings))
        try:
            return cls(store, answerer, settings, **kwargs)
        except BaseException:
            await store.close()  # its connection thread would keep the process alive (bad texts.yaml)
            raise

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self._worker.shutdown)
        for embedder in (self._embedder, self._embedder_first):
            await asyncio.get_running_loop().run_in_executor(None, functools.partial(embedder.shutdown,
                                                                                     cancel_futures=True))
        await self.store.close()

    async def _in_worker(self, fn: Callable[..., Any], *args: Any, lexical_only: frozenset[str] = frozenset()) -> Any:
        """`fn(*args)` in the turns' worker thread. `lexical_only`: questions whose vector did not
        come in time, answered there on the lexical channels (knowledge/semantic.py)."""
        call = functools.partial(fn, *args)
        if lexical_only:
            call = functools.partial(semantic.call_lexical_only, lexical_only, call)
        return await asyncio.get_running_loop().run_in_executor(self._worker, call)

    async def _embed_ahead(self, u: Understanding, s: Session) -> frozenset[str]:
        """Embed the questions this turn will search, in the embedding thread, before the turn
        enters the worker; wait at most POLICYBOT_SEMANTIC_WAIT_MS (default 50 ms). Returns the
        questions still without a vector then (answered on the lexical channels: a burst of
        new questions degrades to the lexical answer instead of queueing everyone); an embedding
        not yet started is cancelled, one under way finishes and is remembered."""
        if not self._embed_ahead_on:
            return frozenset()
        if u.kind in _SEARCHED_KINDS:
            texts: tuple[str, ...] = (u.text,)
        elif u.kind == "multi":
            texts = u.parts[:MULTI_MAX]
        else:
            return frozenset()
        answerer = self.answerer
        questions = answerer.to_embed(texts, about=s.last_clause, today=self.today())
        if not questions:
            return frozenset()
        queue = self._embed_queue
        job = None
        if queue.admits(len(questions), self._embed_wait):
            try:
                job = self._embedder.submit(queue.run, answerer.retriever.embed, questions)
            except RuntimeError:  # shut down (the engine is closing): answer without the vector
                queue.release(len(questions))
                return frozenset(questions)
            if await _waited(job, self._embed_wait):
                return frozenset()
            if job.cancel():  # not started: not embedded at all (no wasted CPU in a burst)
                queue.release(len(questions))
                job = None
        if self._unsure_wait <= 0:
            return frozenset(questions)
        # Late. A question the lexical decision is unsure of (knowledge/retrieval.py
        # `lexically_unsure`: 3.6% of the training questions, ~18% of the late ones in
        # bench_http's traffic) is worth a longer wait: the lexical path would decide its refusal
        # worse. One under way is waited for; the others go to a second embedding thread that
        # competes for the model's lock with the queue's thread (no priority guarantee: usually
        # within one or two embeddings). The probe is one more lexical search in the worker
        # (~0.7 ms), paid only by late questions.
        unsure = await self._in_worker(_unsure_of, answerer.retriever, questions)
        if not unsure:
            return frozenset(questions)
        if job is not None:
            return frozenset() if await _waited(job, self._unsure_wait) else frozenset(questions)
        first = self._first_queue
        if not first.admits(len(unsure), self._unsure_wait):
            return frozenset(questions)
        try:
            early = self._embedder_first.submit(first.run, answerer.retriever.embed, unsure)
        except RuntimeError:
            first.release(len(unsure))
            return frozenset(questions)
        if await _waited(early, self._unsure_wait):
            return frozenset(q for q in questions if q not in unsure)
        if early.cancel():
            first.release(len(unsure))
        return frozenset(questions)

    @property
    def kb(self) -> KnowledgeBase:
        return self.answerer.kb

    def _reader(self, vocabulary: Vocabulary) -> Reader:
        return Reader(vocabulary, self.parse_answer, self.answerer.has_own_topic,
                      from_pinyin=lambda text: self.answerer.from_pinyin(text))

    def parse_answer(self, question: eligibility.Question, text: str, **kwargs: Any) -> Any:
        """eligibility.parse_answer, and when the answer is not understood as typed, again with
        the policy words it misspells put right (lexicon/typos.yaml and their sound, Answerer.spelled:
        他自己去见细 -> 去见习, the person's own wish). Same arguments and result."""
        parsed = eligibility.parse_answer(question, text, **kwargs)
        if parsed.ok or getattr(parsed, "range", None) is not None:
            return parsed
        spelled = self.answerer.spelled(text)
        if spelled == text:
            return parsed
        again = eligibility.parse_answer(question, spelled, **kwargs)
        return again if again.ok else parsed

    def reload(self, kb: KnowledgeBase, ctx: eligibility.Context | None = None,
               texts: dict[str, str] | None = None, vocabulary: Vocabulary | None = None) -> None:
        """Swap in a new, already validated knowledge base (and eligibility context, fixed texts
        and understanding vocabulary) for live reload. The new answerer is built in the calling
        thread; the swap itself runs in the turns' worker thread, between two turns, so no turn
        ever sees half of the old data and half of the new."""
        answerer = Answerer(kb, settings=self.answerer.settings, today=self.answerer.today)
        if threading.current_thread().name.startswith(_WORKER_NAME):
            self._swap(answerer, ctx, texts, vocabulary)  # already between two turns
            return
        try:
            self._worker.submit(self._swap, answerer, ctx, texts, vocabulary).result()
        except RuntimeError:  # the worker is shut down (engine closed): swap here
            self._swap(answerer, ctx, texts, vocabulary)

    def _swap(self, answerer: Answerer, ctx: eligibility.Context | None, texts: dict[str, str] | None,
              vocabulary: Vocabulary | None) -> None:
        eligibility.reload_default_context(ctx)
        self._program_of_clause = _programs_by_clause()
        if texts is not None:
            self.texts = texts  # remembered steps with the old labels are dropped (_remembered)
        self.answerer = answerer
        self.reader = self._reader(vocabulary or self.reader.vocabulary)

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
            # One person's double tap must not interleave two turns: in this process (the
            # lock), and across the processes sharing a PostgreSQL store (`turn_lock`, an
            # advisory lock; nothing to take on SQLite).
            async with lock.lock, self.store.turn_lock(key):
                session = await self.store.load(key)
                turn = await self._turn(msg, session, key)
                if turn is None:  # the person's data was just deleted: store nothing
                    return [Reply(self.t("forget_done"), self._menu_buttons(), role=ROLE_FORGOTTEN)]
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
        finished, s.finished = s.finished, None  # a result's answers: kept for one more message only
        # A refused question is gone on about only by the very next message (flows/questions.py).
        s.refused_last, s.lead_uncovered = s.lead_uncovered, False
        s.line_before, s.last_line = s.last_line, None
        if msg.kind not in ("text", "button"):
            return await self._in_worker(lambda: Turn([Reply(self.t("non_text"))] + self._pending_question(s), []))
        if msg.action:
            if msg.action.startswith("fg:"):
                return await self._on_action(msg.action, s, key)
            return await self._in_worker(self._on_action_sync, msg.action, s)
        confirmed = self._forget_answer(msg.text or "", s)
        if confirmed == "fg:unsure":  # 嗯 / 是的 to "delete everything?": deleting is for good — said outright
            return await self._in_worker(lambda: Turn(
                [Reply(self.t("forget_say_it"), self._forget_prompt().replies[0].buttons)], []))
        if confirmed is not None:  # 删吧 / 确定删除 / 算了 typed to "delete everything about you?"
            return await self._on_action(confirmed, s, key)
        if len(msg.text or "") > self.settings.max_message_chars:
            limit = self.settings.max_message_chars
            return await self._in_worker(lambda: Turn([Reply(self.t("too_long", limit=limit))] + self._pending_question(s), []))
        u = await self._in_worker(self._understand, msg.text or "", s, bool(msg.extra.get("numbered")))
        if u.kind == "command":
            return await self._on_command(u.text, s, msg)
        if u.kind == "button" and (u.action or "").startswith("fg:"):
            return await self._on_action(u.action or "", s, key)
        late = await self._embed_ahead(u, s)
        turn = await self._in_worker(self._route, u, s, msg, finished, lexical_only=late)
        if u.heard is not None and turn is not None:  # typed in pinyin: say how it was read, first
            turn = Turn([Reply(self.t("pinyin_heard", text=u.heard))] + turn.replies, turn.events)
        return turn

    def _forget_answer(self, text: str, s: Session) -> str | None:
        """"fg:yes" / "fg:no" / "fg:unsure" when the last reply asked whether to delete everything
        (its buttons) and `text` is a whole answer of understanding.yaml `confirm_forget` (delete /
        keep / unsure: 嗯, 是的 agree to anything, so they delete nothing); else None."""
        if not any(action == "fg:yes" for _, action in s.last_buttons):
            return None
        said = bare(text)
        vocabulary = self.reader.vocabulary
        if said in vocabulary.forget_yes:
            return "fg:yes"
        if said in vocabulary.forget_unsure:
            return "fg:unsure"
        return "fg:no" if said in vocabulary.forget_no else None

    def _understand(self, text: str, s: Session, numbered: bool = False) -> Understanding:
        """What the message means, read in the context of this conversation."""
        in_questionnaire = s.mode in ("questionnaire", "finder")
        conv = Conversation(
            question=self._current_question(s) if in_questionnaire else None,
            buttons=tuple((label, action) for label, action in s.last_buttons),
            labels=self._labels(s),
            numbered=numbered,
            awaiting_number=s.awaiting_number,
            has_topic=bool(s.last_clause) and not in_questionnaire,
            topic_clause=s.last_clause if not in_questionnaire else None,
            resume_pending=s.mode == "resume",
            as_of=self.today(),
        )
        return self.reader.read(text, conv)

    def _labels(self, s: Session) -> dict[str, str]:
        """Every button label the bot shows anywhere, typed at any time, and what it presses."""
        labels = {
            self.t("menu_ask"): "m:ask", self.t("menu_find"): "m:find", self.t("menu_list"): "m:list",
            self.t("menu_contact"): "m:contact", self.t("back_to_menu"): "m:menu",
            self.t("nav_exit"): "n:exit", self.t("nav_back"): "n:back", self.t("nav_restart"): "n:restart",
            self.t("check_me"): "t:topic", self.t("show_original"): f"o:{s.last_clause or ''}",
            self.t("forget_yes"): "m:forget", self.t("forget_no"): "m:menu",
        }
        return {bare(label): action for label, action in labels.items() if bare(label)}

    def _route(self, u: Understanding, s: Session, msg: Incoming, finished: dict[str, Any] | None) -> Turn:
        """The flow for what was understood (commands and deleting data are async, handled before)."""
        kind = u.kind
        if finished and s.mode == "idle":
            reopened = self._after_result(u, s, finished)
            if reopened is not None:
                return reopened
        about = self._on_conversation(u, s, finished)  # 好的 谢谢 算了, 看不懂, 我说过了 … (flows/questions.py)
        if about is not None:
            return about
        if kind == "empty":
            return Turn([Reply(self.t("empty"))] + self._pending_question(s), [])
        if kind == "button":
            return self._on_action_sync(u.action or "", s)
        if kind == "navigate":
            return self._on_intent(u.intent or "", s, topic=u.parts[0] if u.parts else None, who=u.who,
                                   whom=u.whom)
        if s.mode in ("questionnaire", "finder"):
            if self._is_stale(s):
                return self._resume_prompt(s, answer_first=u)
            return self._on_understood_answer(u, s)
        if kind == "number":
            hint = "number_hint_numbered" if msg.extra.get("numbered") else "number_hint"
            return Turn([Reply(self.t(hint), self._menu_buttons())], [])
        if kind == "greeting":
            return Turn([Reply(self.t("hello"), self._example_buttons() + self._menu_buttons())], [])
        if kind == "thanks":
            return Turn([Reply(self.t("thanks"), self._menu_buttons())], [])
        if kind == "non_question":
            return self._helping_hand("not_a_question")
        if kind == "foreign":
            return self._helping_hand("foreign")
        if kind == "topic_word":
            return self._topic_word(u.text, s, said=u.raw)
        if kind == "multi":
            return self._multi(u.parts, s)
        if kind == "follow_up":
            return self._follow_up(u.text, s, said=u.raw)
        # A question with a topic of its own is answered as is; the answerer ignores `about`
        # unless the question turns out to lean on the last answer after all.
        return self._free_question(u.text, s, about=s.last_clause, said=u.raw)

    def _program_named_after_finder(self, plain: str, finished: dict[str, Any]) -> str | None:
        """The id of the one programme of the finder's result just shown that a short message
        names (贷款, 稳岗, 见习补贴: a word of its label or keywords), else None."""
        if (finished.get("program") != "__finder__" or not plain or len(plain) > FINDER_PICK_CHARS
                or plain in _BROAD_PICKS or self.reader.asks_by_form(plain) or _REFUSING.search(plain)):
            return None  # (补贴 asks about subsidies in general; 贷款利息多少 asks; 不想贷款 declines)
        matches = eligibility.find_programs(dict(finished.get("answers") or {}), as_of=self.today())
        named = [m.program.id for m in matches[:FINDER_LISTED]
                 if plain in m.program.label or any(len(k) >= 2 and k in plain for k in m.program.keywords)]
        return named[0] if len(named) == 1 else None

    def _after_result(self, u: Understanding, s: Session, finished: dict[str, Any]) -> Turn | None:
        """上一步 or 不对 … typed right after a result: back into that questionnaire."""
        if kind_is(u, "navigate", "back") and self._reopen(s, finished):
            return self._on_nav("back", s)
        plain = bare(u.text)
        who = (self.reader.someone_else(plain)
               if plain.startswith("那") and plain.endswith(_ASKS_ABOUT) and len(plain) <= ABOUT_ANOTHER_CHARS else None)
        if who and finished.get("program"):
            # 那我老婆呢 right after a result: the same test again, for her (said before its first question)
            if finished["program"] == "__finder__":
                return self._start_finder(s, who=who)
            return self._start_questionnaire(finished["program"], s, who=who)
        chosen = self._program_named_after_finder(plain, finished)
        if chosen is not None:
            # 贷款 typed right after the finder's list: the test of the listed programme it names,
            # as its button would start it (what the finder was told is kept)
            return self._start_questionnaire(chosen, s, from_finder=True)
        both = self._both_counts(u.text, s, finished)
        if both is not None:  # 那五十个人招十个呢: the staff and the hires changed together
            return both
        correction = u.correction or (u.text if finished.get("which") else None)  # after "改哪一项？"
        for changed, note in ((correction, "corrected"), (u.what_if, "what_if")):
            if changed and self._reopen(s, finished):
                corrected = self._correct(changed, s, note=note)
                if corrected is not None:
                    return corrected
                s.end_questionnaire()
                s.finished = finished  # a correction that changed nothing: the next may still
        if SHORT_OF.search(bare(u.text)):
            short_of = self._short_of(finished)
            if short_of is not None:  # 还差几个 right after a result: its hint on what is missing
                s.finished = finished  # (为啥不行 / 不对 … may follow: the result stays open)
                return short_of
        if WHY_NOT.search(bare(u.text)):
            why = self._why_not(finished.get("program"), dict(finished.get("answers") or {}))
            if why is not None:  # 为啥不行 right after a 不符合 result: the conditions it fails
                s.finished = finished
                return Turn([Reply(why, self._menu_buttons())], [])
        restated = self._figure_for_nothing(u.text, s, finished)  # 八万四 after 没有 failed it
        if restated is None:
            restated = self._restated(u.text, s, finished)  # 他今年十九了: a fact it lacked (flows/questionnaire.py)
        if restated is None and u.kind == "question":
            restated = self._late_answer(u.text, s, finished)  # 不困难 after the result: it stands
        if restated is None and u.kind in ("question", "follow_up"):
            restated = self._sum_after_failed_result(u.text, s, finished)  # 那能返多少 after 不符合
        if restated is None and u.kind in ("question", "follow_up"):
            restated = self._sum_after_result(u.text, s, finished)  # 一共多少 after a worked-out 符合
        return restated

    def _on_intent(self, intent: str, s: Session, topic: str | None = None, who: str | None = None,
                   whom: str | None = None) -> Turn:
        """A navigation intent; `who` / `whom`: whom a test or the finder is for (女儿 / the words
        我闺女, 我们厂子), noted when it starts (flows/questionnaire.py)."""
        in_questionnaire = s.mode in ("questionnaire", "finder", "resume")
        if intent == "explain":
            return self._explain(s)
        if intent == "wait" and in_questionnaire:  # 稍等我问下财务: the question waits for the answer
            return Turn([Reply(self.t("wait"))] + self._pending_question(s), [])
        if intent == "test_topic" and topic:
            return self._test_named(topic, s, who=who, said=whom)
        if intent == "test_topic" and not in_questionnaire and (who or whom):
            return self._test_topic(s, who=who, said=whom)
        if intent == "finder" and not in_questionnaire and (who or whom):
            return self._start_finder(s, who=who, said=whom)
        if intent == "for_other" and in_questionnaire and s.program:
            # 那我儿子呢 他二十岁 在家闲着, mid-test: the same test for him, his words read for it
            if s.program == "__finder__":
                return self._start_finder(s, who=who, said=whom)
            return self._start_questionnaire(s.program, s, who=who, said=whom)
        if intent in ("menu", "quit"):
            if in_questionnaire:
                return self._exit(s)
            if intent == "quit":  # 算了 / 不问了 after an answer: a goodbye, and where to ask what the document lacks
                return Turn([Reply(self.t("goodbye_idle"), self._menu_buttons())], [])
        if intent == "help":
            return Turn([Reply(self.t("help"), self._menu_buttons())] + self._pending_question(s), [])
        if intent == "forget":
            return self._forget_prompt()
        if intent == "more":
            return Turn([Reply(self.t("nothing_more"), self._menu_buttons())] + self._pending_question(s), [])
        if intent == "test_topic":
            return self._on_action_sync("t:topic", s)
        if intent in ("contacts", "list") and in_questionnaire:
            shown = self._on_menu("contact" if intent == "contacts" else "list", s)
            return Turn(shown.replies + self._pending_question(s), shown.events)
        if intent in ("finder", "ask") and in_questionnaire and s.program != "__finder__":
            s.end_questionnaire()
        return self._on_action_sync(_INTENT_ACTIONS.get(intent, "m:menu"), s)

    # ------------------------------------------------------------------ buttons

    async def _on_action(self, action: str, s: Session, key: str) -> Turn | None:
        kind, _, arg = action.partition(":")
        if kind == "fg":
            if arg == "yes":
                await self.store.forget(key)
                return None
            return Turn([Reply(self.t("forget_kept"))] + self._pending_question(s), [])
        return self._on_action_sync(action, s)

    def _on_action_sync(self, action: str, s: Session) -> Turn:
        kind, _, arg = action.partition(":")
        if kind == "m":
            if arg == "forget":
                return self._forget_prompt()
            if arg == "menu" and s.mode in ("questionnaire", "finder", "resume"):
                return self._exit(s)
            return self._on_menu(arg, s)
        if kind == "x":  # an example question
            return self._free_question(arg, s)
        if kind in ("p", "pf"):
            return self._start_questionnaire(arg, s, from_finder=kind == "pf")
        if kind == "t":  # 测一测 typed: the topic just answered
            if s.mode in ("questionnaire", "finder"):
                return Turn(self._pending_question(s), [])
            return self._test_topic(s)
        if kind == "a":
            return self._on_choice(arg, s)
        if kind == "n":
            return self._on_nav(arg, s)
        if kind == "r":
            return self._on_resume(arg, s)
        if kind == "s":
            return self._list_section(arg)
        if kind == "c":
            return self._show_clause(arg, s)
        if kind == "o":
            return self._show_original(arg, s)
        return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])  # stale or unknown button


def kind_is(u: Understanding, kind: str, intent: str | None = None) -> bool:
    return u.kind == kind and (intent is None or u.intent == intent)


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


async def _waited(job: Future[Any], seconds: float) -> bool:
    """Whether `job` finished within `seconds` (it is not cancelled when it did not)."""
    try:
        await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(job)), seconds)
    except TimeoutError:
        return False
    return True


def _unsure_of(retriever: Any, questions: list[str]) -> list[str]:
    """The questions the lexical decision is unsure of (run in the turns' worker thread)."""
    return [q for q in questions if retriever.lexically_unsure(q)]
