"""The main menu, the policy list (sections, one clause, the original text) and contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import eligibility
from dialog.flows.common import Turn, short
from dialog.messages import Button, Reply
from dialog.store import Session
from knowledge.documents import Clause

if TYPE_CHECKING:
    from dialog.engine import Engine

# Example questions offered by 问政策 and by the helping hand for what is not a question.
EXAMPLES = ("见习补贴每人每月多少钱？", "开个小店能贷多少款？", "失业了去哪里登记？")
# Where residents can always ask, whatever staff have filled in (national hotlines).
COUNTY_BUREAU = "所在县（市）人社局"


class MenuFlow:
    def _on_menu(self: Engine, item: str, s: Session) -> Turn:
        if item == "ask":
            return Turn([Reply(self.t("ask_prompt"), self._example_buttons())], [])
        if item == "find":
            if s.program == "__finder__" and s.mode in ("finder", "resume"):
                return self._finder_again(s)
            return self._start_finder(s)
        if item == "list":
            return self._list_sections()
        if item == "contact":
            return Turn([Reply(self._contacts_text(), self._menu_buttons())], [])
        return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])

    def _finder_again(self: Engine, s: Session) -> Turn:
        """The finder asked for (typed or tapped) while already in it: it goes on where the
        person is, saying so, with 重新开始 on the question; after a long while away, the
        "continue or restart?" prompt instead. It never starts over by itself."""
        if s.mode == "resume" or self._is_stale(s):
            return self._resume_prompt(s)
        return Turn(self._pending_question(s, hint=self.t("finder_continue")), [])

    def _menu_buttons(self: Engine) -> tuple[tuple[Button, ...], ...]:
        return (
            (Button(self.t("menu_ask"), "m:ask"), Button(self.t("menu_find"), "m:find")),
            (Button(self.t("menu_list"), "m:list"), Button(self.t("menu_contact"), "m:contact")),
        )

    def _example_buttons(self: Engine) -> tuple[tuple[Button, ...], ...]:
        return tuple((Button(q, f"x:{q}"),) for q in EXAMPLES)

    def _sections(self: Engine) -> list[tuple[str, str, list[Clause]]]:
        """(section key, section title, clauses) in document order, for the seed document first."""
        out: dict[str, tuple[str, list[Clause]]] = {}
        for doc in self.kb.documents.values():
            for clause in doc.clauses:
                section = clause.number.split(".")[0]
                key = section if doc.id == self.kb.seed.id else f"{doc.id}:{section}"
                title = {"0": "前言（文件名称、文号、依据）"}.get(clause.number, clause.section_title)
                out.setdefault(key, (title, []))[1].append(clause)
        return [(k, t, cs) for k, (t, cs) in out.items()]

    def _list_sections(self: Engine) -> Turn:
        rows = []
        for key, title, _ in self._sections():
            label = clause_section_label(key, title)
            rows.append((Button(short(label, 18), f"s:{key}"),))
        rows.append((Button(self.t("back_to_menu"), "m:menu"),))
        # Residents asking "都有啥政策" mean the benefits, not the document's section titles.
        # …and a programme whose every part has ended (困难企业职工在岗培训) is said to have ended
        ctx, today = eligibility.default_context(), self.today()
        programs = "、".join(
            p.label + (f"（已于{ended.year}年{ended.month}月{ended.day}日到期）"
                       if (ended := eligibility.engine.ended_on(p, ctx, today)) else "")
            for p in eligibility.all_programs())
        text = self.t("list_programs", programs=programs) + "\n" + self.t("list_prompt")
        return Turn([Reply(text, tuple(rows))], [])

    def _list_section(self: Engine, key: str) -> Turn:
        for k, title, clauses in self._sections():
            if k == key:
                if len(clauses) == 1:
                    return self._show_clause(clauses[0].id, None)
                rows = tuple((Button(short(f"{c.label()} {c.title}", 20), f"c:{c.id}"),) for c in clauses)
                return Turn([Reply(self.t("list_section", title=title), rows + ((Button(self.t("menu_list"), "m:list"),),))], [])
        return self._list_sections()

    def _show_clause(self: Engine, clause_id: str, s: Session | None) -> Turn:
        clause = self.kb.clauses.get(clause_id)
        if clause is None:
            return self._list_sections()
        if s is not None:
            self._remember_topic(s, clause.id)
        body = "".join(self.answerer.best_sentences(clause, clause.title)[:2]) or clause.body[:200]
        text = self.answerer.format_reply(body, clause, self.today(), None)
        first = [Button(self.t("show_original"), f"o:{clause.id}")]
        program = self._program_of_clause.get(clause.id)
        if program:
            first.insert(0, Button(self.t("check_me"), f"p:{program}"))
        rows = (tuple(first), (Button(self.t("menu_list"), "m:list"), Button(self.t("back_to_menu"), "m:menu")))
        return Turn([Reply(text, rows)] + (self._pending_question(s) if s else []), [])

    def _show_original(self: Engine, clause_id: str, s: Session) -> Turn:
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

    def _contacts_text(self: Engine) -> str:
        """Only what staff have filled in is shown; an office without a number is named with
        where to ask instead (the county bureau, the national hotlines), never a placeholder."""
        contacts = eligibility.default_context().contacts
        lines = [self.t("contact_intro")]
        for name in ("州人社局",):  # the lead department of every program residents can test
            office = contacts.office(name)
            if office.phone or office.address:
                lines.append(f"· {office.name}：" + "，".join(x for x in (office.phone, office.address) if x))
        county = contacts.county
        if county.phone:
            lines.append(f"· {county.name}：{county.phone}")
        else:
            lines.append(f"· {COUNTY_BUREAU}：{self.t('contact_county')}")
        for name, number in contacts.hotlines:
            lines.append(f"· {name}：{number}")
        if not any(number == "12345" for _, number in contacts.hotlines):
            lines.append("· 政务服务便民热线：12345")
        return "\n".join(lines)


def clause_section_label(key: str, title: str) -> str:
    number = key.split(":")[-1]
    if number == "0" or title == "结尾":  # the closing paragraph is not a numbered article
        return title
    try:
        from knowledge.documents import to_chinese

        return f"{to_chinese(int(number))}、{title}"
    except ValueError:
        return title
