"""Free questions and everything typed outside a questionnaire that is not navigation.

- a question: the knowledge base's answer with buttons (测一测 when the clause belongs to a
  program, 查看原文, 您是不是想问);
- a follow-up (去哪报名, 啥时候到账): answered about the last answer's clause or the last
  result's program, or "the document does not say" about that topic — never an unrelated clause;
- several questions in one message: each answered briefly (up to three);
- a bare topic word (钱, 贷款): the matching topics as buttons;
- greetings, thanks, emoji, a lone 我, pinyin or English: a helping hand, never "文件里没有讲到".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialog.flows.common import Turn, mask_personal_numbers, short
from dialog.messages import Button, Reply
from dialog.store import Event, Session
from knowledge.answer import Answer

if TYPE_CHECKING:
    from dialog.engine import Engine

MULTI_MAX = 3  # questions answered from one message
MULTI_LINE = 90  # characters of each brief answer
TOPIC_BUTTONS = 4


class QuestionsFlow:
    def _ask(self: Engine, text: str, about: str | None = None) -> Answer:
        """The answerer's answer. `about` is the clause the conversation is on: the answerer
        uses it only for a question with no topic of its own (去哪报名, 钱给谁)."""
        return self.answerer.answer(text, today=self.today(), about=about)

    def _free_question(self: Engine, text: str, s: Session, about: str | None = None,
                       remember: bool = True, said: str | None = None) -> Turn:
        """`text` is answered; `said` (default: text) is what the person typed, for the log.
        When the document has no answer and the message began by saying where the person is
        from ("我是积石山的 …"), it is asked again without that part."""
        answer = self._ask(text, about)
        if not answer.answered:
            rest = self.reader.without_introduction(text)
            if rest is not None:
                again = self._ask(rest, about)
                answer = again if again.answered else answer
        event = self._question_event(said or text, answer)
        if remember and answer.clause is not None:
            self._remember_topic(s, answer.clause.id)
        if remember:  # facts for a questionnaire started soon after (LEAD_SECONDS)
            s.lead_text, s.lead_at = mask_personal_numbers(text), self.clock()
        return Turn([Reply(answer.reply, self._answer_buttons(answer))], [event])

    def _question_event(self: Engine, text: str, answer: Answer) -> Event:
        return Event("question", text=mask_personal_numbers(text), clause=answer.clauses[0] if answer.clauses else None,
                     faq=answer.faq_entry.id if answer.faq_entry else None,
                     confidence=round(answer.confidence, 3), answered=answer.answered)

    def _remember_topic(self: Engine, s: Session, clause_id: str) -> None:
        s.last_clause = clause_id
        s.last_program = self._program_of_clause.get(clause_id)

    def _follow_up(self: Engine, text: str, s: Session, said: str | None = None) -> Turn:
        """A short question leaning on the last answer or result (kept in the session)."""
        return self._free_question(text, s, about=s.last_clause, said=said)

    def _answer_buttons(self: Engine, answer: Answer) -> tuple[tuple[Button, ...], ...]:
        rows: list[tuple[Button, ...]] = []
        if answer.answered and answer.clause is not None:
            program = self._program_of_clause.get(answer.clause.id)
            first: list[Button] = []
            if program:
                first.append(Button(self.t("check_me"), f"p:{program}"))
            first.append(Button(self.t("show_original"), f"o:{answer.clause.id}"))
            rows.append(tuple(first))
            if answer.alternative is not None:
                rows.append((Button(f"您是不是想问：{short(answer.alternative.title)}", f"c:{answer.alternative.id}"),))
        else:
            rows += [(Button(short(c.title), f"c:{c.id}"),) for c in answer.suggestions]
            rows.append((Button(self.t("menu_contact"), "m:contact"),))
        rows.append((Button(self.t("back_to_menu"), "m:menu"),))
        return tuple(rows)

    def _multi(self: Engine, parts: tuple[str, ...], s: Session) -> Turn:
        """Several questions in one message: each answered in a line or two, with its clause;
        the full answer of each is one tap away. A part with no topic of its own ("怎么申请"
        after "见习补贴多少钱") is about the clause the part before it was answered from (the
        conversation's last one for the first part)."""
        lines = [self.t("multi_intro", count=len(parts[:MULTI_MAX]))]
        rows: list[tuple[Button, ...]] = []
        events = []
        about = s.last_clause
        for i, part in enumerate(parts[:MULTI_MAX], 1):
            answer = self._ask(part, about)
            if answer.answered and answer.clause is not None:
                about = answer.clause.id
            events.append(self._question_event(part, answer))
            lines.append(f"{i}. 问：{part}")
            if answer.answered and answer.clause is not None:
                first = headline(answer.first_line or answer.reply)
                lines.append(f"   答：{first}（{answer.clause.label()}）")
                detail = (Button(short(f"详细：{answer.clause.title}", 18), f"c:{answer.clause.id}"),)
                if detail not in rows:  # two parts answered from one clause: one button
                    rows.append(detail)
            else:
                lines.append(f"   答：{self.t('multi_not_covered')}")
        answered = [e for e in events if e.answered]
        if answered:
            last = next(a for a in reversed(events) if a.answered)
            if last.clause:
                self._remember_topic(s, last.clause)
        rows.append((Button(self.t("back_to_menu"), "m:menu"),))
        return Turn([Reply("\n".join(lines), tuple(rows))], events)

    def _topic_word(self: Engine, text: str, s: Session, said: str | None = None) -> Turn:
        """One broad word: the topics it may mean, as buttons, rather than one arbitrary clause.

        Logged as a question answered by a topic pointer (answered, no clause, no confidence):
        the person got the topics to pick from, so it is not a gap in the knowledge base and
        stays out of the staff's unanswered list; it is unanswered only when no topic matched."""
        result = self.answerer.retriever.search(text, limit=TOPIC_BUTTONS)
        clauses = [c.clause for c in result.candidates[:TOPIC_BUTTONS]]
        rows = tuple((Button(short(c.title, 18), f"c:{c.id}"),) for c in clauses)
        rows += ((Button(self.t("menu_find"), "m:find"),), (Button(self.t("back_to_menu"), "m:menu"),))
        return Turn([Reply(self.t("topic_pick", word=text), rows)],
                    [Event("question", text=mask_personal_numbers(said or text), answered=bool(clauses),
                           confidence=None if clauses else 0.0)])

    def _helping_hand(self: Engine, key: str) -> Turn:
        """Not a question (emoji, 我, pinyin …): what the bot can do, with example questions."""
        rows = self._example_buttons() + self._menu_buttons()
        return Turn([Reply(self.t(key), rows)], [])


def headline(reply: str, limit: int = MULTI_LINE) -> str:
    """The first line of a reply (its plain answer), cut to `limit` characters."""
    first = next((line.strip() for line in reply.splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"
