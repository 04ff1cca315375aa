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

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import eligibility
from dialog.flows.common import SHORT_OF, Turn, mask_personal_numbers, short
from dialog.flows.questionnaire import FOR_SOMEONE_ELSE
from dialog.messages import Button, Reply
from dialog.store import Event, Session
from dialog.understanding import Understanding, facts_from_text
from dialog.understanding.facts import speaks_of
from dialog.understanding.normalize import bare
from knowledge.answer import Answer
from knowledge.asking import (
    Kind,
    correct_figures,
    counts_paired,
    is_what_to_do_cry,
    normalize,
    question_age,
    revise_figures,
    staff_and_hires,
)
from knowledge.benefits import pick_benefit

if TYPE_CHECKING:
    from dialog.engine import Engine

MULTI_MAX = 3  # questions answered from one message
# A detail typed this soon after a question the document does not cover (劳动仲裁咋申请, then
# 要交钱不) goes on about that question; later it is a question of its own.
GOING_ON_SECONDS = 5 * 60
# kinds of question whose answer does not depend on who asks (a sum, who receives it, where or
# when to apply): turned to another person, what is said of them is the question
_PERSON_FREE = frozenset({Kind.AMOUNT, Kind.RECIPIENT, Kind.APPLY, Kind.WHEN})
_SELF_AGAIN = re.compile(r"^(?:那|那么)?(?:要是|如果)?(?:我|俺)(?:自己|本人)")  # 那要是我自己呢 我四十五
# 那我呢 + who the person is: what policies there are for them (Answerer.overview)
_WHAT_ABOUT_ME = re.compile(r"^(?:那|那么)?(?:我|俺)(?:呢|咋办|怎么办|咋整|嘞)[\s,，。?？]*(.{2,})$")
# X呢 after an answered question: the same question about X (我开修车铺能贷多少, then 牛肉面馆呢)
_WHAT_ABOUT = re.compile(r"^(?:那么|那)?(?!那|我|俺)(.{2,10}?)(?:呢|嘞|咋样|怎么样)[\s,，。?？]*$")
# a figure of the person's own (我们厂两百多人, 我今年五十了, 交了三年): a count, an age, a span or a sum
_OWN_FIGURE = re.compile(r"(?<!\d)(?!\d{4}年)[0-9零〇二两俩仨三四五六七八九十百千万]+\s*(?:来|多|余)?\s*(?:个人|人|名|岁|年|个月|万|元|块|号人)")
# what the person says of themself or their household (我家是建档立卡贫困户, 俺是残疾人): after an
# answer, their case for the question just answered
_OF_ONESELF = re.compile(r"^\s*(?:我|俺|咱)(?:们)?(?:家|家里|自己)?(?:是|也是|属于|算是|就是|有|在)")
# a follow-up that supposes another case (那招八个呢, 要是留了三个呢, 那要是一个都没裁呢)
_WHAT_IF = re.compile(r"^(?:那|那么)?(?:要是|如果|假如|万一|再)|^那.{0,12}[呢嘞]|[呢嘞][\s,，。?？]*$")
# what else there is, after an answer (还有别的扶持吗, 除了贷款还有啥帮扶, 其他的呢)
_WHAT_ELSE = re.compile(r"^(?:那|那么)?(?:除了[^，,。？?]{0,8})?(?:还有|还能有|另外还有|另外有|有没有|还有没有)?"
                        r"(?:啥|什么|哪些|撒)?(?:别的|其他|其它|另外的)(?:的)?(?:啥|什么)?"
                        r"(?:扶持|政策|帮扶|补贴|支持|好处|优惠|帮助|照顾)?(?:吗|没|不|没有|呢|么|嘛)?[\s?？。!！]*$"
                        r"|^(?:那|那么)?除了[^，,。？?]{1,8}(?:以外|之外)?(?:还有|还能有|还能享受|还能领)(?:啥|什么|哪些|撒|些啥)"
                        r"(?:扶持|政策|帮扶|补贴|支持|好处|优惠|帮助|照顾)?(?:吗|没|不|没有|呢|么|嘛)?[\s?？。!！]*$")
# a follow-up that leans on the question before it (那…, …也…, 这个…)
_LEANS_BACK = re.compile(r"^(?:那|那么|那要是|这个|这)|也")
MULTI_LINE = 90  # characters of each brief answer
TOPIC_BUTTONS = 4
# What residents say about the conversation itself (dialog/understanding KINDS), handled by
# `_on_conversation` wherever the person is.
CONVERSATION_KINDS = frozenset({"closing", "overview", "simpler", "already_said", "proxy"})
SIMPLE_LINE = 70  # characters of an answer said again plainly (看不懂 / 说简单些)
_ASIDE = re.compile(r"（(?!市）)[^（）]*）|\([^()]*\)")  # asides in full-width brackets; keeps 县（市）
_IN_QUESTIONNAIRE = ("questionnaire", "finder", "resume")
# A wish or a request in a message that asks nothing by its form (我想办个护照, 帮我查一下)
_WISH = re.compile(r"想|要|打算|准备|需要|希望|帮我|帮忙|(?<!申)请|求|麻烦|问问|问一下|咨询|了解")


class QuestionsFlow:
    def _ask(self: Engine, text: str, about: str | None = None, context: str | None = None) -> Answer:
        """The answerer's answer. `about` is the clause the conversation is on: the answerer
        uses it only for a question with no topic of its own (去哪报名, 钱给谁), with `context`
        (the previous question) naming which of the clause's benefits it is about."""
        return self.answerer.answer(text, today=self.today(), about=about, context=context)

    def _free_question(self: Engine, text: str, s: Session, about: str | None = None,
                       remember: bool = True, said: str | None = None, context: str | None = None) -> Turn:
        """`text` is answered; `said` (default: text) is what the person typed, for the log.
        `context`: what names the benefit a question with no topic of its own is about (default:
        the question before it; in a questionnaire, the options chosen so far: 小微企业).
        When the document has no answer and the message began by saying where the person is
        from ("我是积石山的 …"), it is asked again without that part."""
        if self._asks_nothing(text) and self.reader.complains(text) and not self.answerer.names_benefit(text):
            # 问了半天也说不明白 一点用也没有: sorry, and the ways on — not a follow-up on the
            # last answer's clause, nor "noted"
            return Turn([Reply(self.t("complaint"), self._menu_buttons())],
                        [Event("question", text=mask_personal_numbers(said or text), answered=False, confidence=0.0)])
        if about is not None and (more := self._what_else(text, s, said)) is not None:
            return more
        answer = None
        refused = self._refused_question(s)
        if refused and self.answerer.asks_here_instead(refused, text):
            # 新疆那边给的见习补贴多少, then 咱这有没: the same matter here — asked together, the
            # other place is a contrast and the document answers for its own area
            joined_text = f"{refused} {text}"
            answer = self._ask(joined_text)
            said, text = f"{refused} {said or text}", joined_text
        elif refused and self.answerer.continues(refused, text):
            # 劳动仲裁咋申请, then 要交钱不 / 助学贷款咋办, then 利息政府出不: still the matter the
            # document does not cover — asked together, so that 第三条's training fees or 第五条's
            # 贴息 do not answer it. Its refusal stands, as within one message (`answer_parts`):
            # the joined words are not asked again — 电工证咋复审 / 要不要重新去培训 would be pulled
            # into 第三条 by 培训. The refused question stays the one remembered; the log keeps both.
            answer = self._ask(refused)
            said, text = f"{refused} {said or text}", refused
        turning = self._turned_to_person(text, s) if answer is None else None
        if turning is not None and not turning[2]:  # (a late one is asked below, if the message is refused)
            turned, asks = turning[:2]
            # 我二十四 大学毕业 能见习不, then 那我弟呢 十九 初中毕业在家: what was asked, asked of
            # the brother with what is said of him (the asker's own age and story left out) — kept
            # when answered; remembered so, for 那我妹呢 after it
            again = self._ask(turned, about, s.lead_text if about else None)
            if again.answered:
                answer, said, text = again, said or text, turned
            elif not asks and (overview := self.answerer.overview(turned, today=self.today())) is not None:
                # 那我弟弟呢 十七 初中毕业在家 after a story, no question: the policies for him
                answer, said, text = overview, said or text, turned
        if (answer is None and about is not None and _WHAT_IF.search(text) and not self._turns_to_self(text)
                and (other := self._answered_question(s)) is not None
                and (revised := revise_figures(other, text)) is not None):
            # 俺厂四十个人 今年招了十个 够不, then 那招八个呢: the same question with the figure
            # changed (8 of 40, worked out again) — kept when it stays on that clause; remembered
            # revised, so 那再招两个呢 goes on from it
            again = self._ask(revised)
            if again.answered and again.clause is not None and again.clause.id == about:
                answer, said, text = again, said or text, revised
        if (answer is None and about is not None and (fact := self.reader.what_if(text)) is not None
                and not self.answerer.has_own_topic(fact, about)
                and (other := self._answered_question(s)) is not None):
            # 我二十三 去年毕业的 能见习不, then 要是没交社保呢 / 要是我是中专毕业的呢: the same question
            # with the fact changed (中专 in place of 大学) — kept when it stays on that clause;
            # remembered so, for the next what-if
            changed = self.reader.with_changed_fact(other, fact)
            again = self._ask(changed, about, s.lead_text)
            if again.answered and again.clause is not None and again.clause.id == about:
                answer, said, text = again, said or text, changed
        if (answer is None and about is not None and not counts_paired(normalize(text))
                and (other := self._answered_question(s)) is not None and not counts_paired(normalize(other))
                and counts_paired(normalize(joined := f"{text} {other}"))):
            # 收了五个见习的娃娃 补贴一个月多少, then 留下来三个 能拿1200不: one count said before,
            # the other now — worked out together (3 of 5 kept), remembered so, for 那要是留了两个呢
            again = self._ask(joined)
            if again.answered and again.clause is not None and again.clause.id == about:
                answer, said, text = again, said or text, joined
        if (answer is None and about is not None and self.reader.correction(text) is not None
                and (other := self._answered_question(s)) is not None
                and (fixed := self._figure_put_right(other, text)) is not None):
            # 带了四个见习的 每人六个月 能拿多少, then 不对 是五个 / 不对 招了十五个: that question
            # worked out again with the figure put right, remembered so
            again = self._ask(fixed)
            if again.answered and again.clause is not None and again.clause.id == about:
                answer, text = again, fixed
        if (answer is None and about is not None and SHORT_OF.search(bare(text))
                and (other := self._answered_question(s)) is not None and staff_and_hires(normalize(other))):
            # 厂子四十个人 今年招了五个 能贷多少, then 还差几个: that question worked out again, whose
            # share line says how many more hires it takes
            again = self._ask(other)
            if again.answered and again.clause is not None and again.clause.id == about:
                answer, text = again, other
        if answer is None:
            answer = self._ask(text, about, (context or s.lead_text) if about else None)
            if answer.refused and turning is not None and turning[2]:
                again = self._ask(turning[0], about, s.lead_text if about else None)
                if again.answered:
                    answer, said, text = again, said or text, turning[0]
            if answer.refused:
                rest = self.reader.without_introduction(text)
                if rest is not None:
                    again = self._ask(rest, about)
                    answer = again if again.answered else answer
            if answer.refused and about is not None:
                # 我二十五了 还能参加见习不, then 不对 我说错了 我是二十三: the fact put right,
                # asked about the clause just answered (23 against 16—24岁)
                corrected = self.reader.correction(text)
                fixed = self.reader.without_correction_marker(corrected[0]) if corrected else None
                if fixed and fixed != text:
                    again = self._ask(fixed, about, s.lead_text)
                    answer = again if again.answered else answer
            if (answer.refused and about is not None and not (answer.decision or {}).get("out_of_scope_topic")
                    and (other := self._answered_question(s)) is not None
                    and (repeated := self._words_said_before(text, other)) is not None):
                # 幼儿园想收两个见习老师, then 一个月给幼儿园多少: its topic words were all said in
                # the question just answered — that question's context, not a topic of its own
                # (幼儿园 alone is near 幼儿园收费) — asked without them about that clause
                again = self._ask(repeated, about, s.lead_text)
                if again.answered and again.clause is not None and again.clause.id == about:
                    answer = again
            if (me := _WHAT_ABOUT_ME.match(text)) is not None and (answer.refused or answer.benefit is None):
                # 那我呢 我四十八 在家种地: what there is for the person described (not a sentence
                # of the last clause that shares a word with the description: 种植)
                answer = self.answerer.overview(me.group(1), today=self.today()) or answer
            if answer.refused and (other := self._answered_question(s)) is not None \
                    and (what := _WHAT_ABOUT.match(text)) is not None:
                # 我开修车铺能贷多少, then 牛肉面馆呢: the same question about the 面馆 — asked
                # with it only when X alone is not answered (那稳岗补贴呢 is answered alone), and
                # kept only when X alone came near that answer's clause (那看病呢 did not: 第六条
                # is no answer about seeing a doctor). Remembered joined, so 那羊肉馆呢 goes on.
                joined_text = f"{what.group(1)} {other}"
                again = self._ask(joined_text)
                if again.answered and again.clause is not None and again.clause.id in answer.clauses[:3]:
                    answer, said, text = again, said or text, joined_text
        if (answer.refused and about is not None and _LEANS_BACK.search(text)
                and not (answer.decision or {}).get("out_of_scope_topic")
                and (other := self._answered_question(s)) is not None and self.answerer.names_plan_matter(text)):
            # 见习补贴一个月多少钱, then 那二十出头没活干的尕娃 从哪年开始也算进去了: a follow-up
            # leaning back (那, 也) with the plan's own words (没活干: 失业), too weak alone —
            # asked with the question before it, kept only when it stays on that clause (那看病
            # 能报销不 names nothing of the plan and stays refused)
            again = self._ask(f"{other} {text}")
            if again.answered and again.clause is not None and again.clause.id == about:
                answer = again
        if (self._asks_nothing(text) and (_OWN_FIGURE.search(text) or _OF_ONESELF.match(text))
                and not (answer.decision or {}).get("out_of_scope_topic")
                and (other := self._answered_question(s)) is not None and s.last_clause is not None
                and (answer.refused or answer.clause is None or answer.clause.id != s.last_clause)):
            # 小微企业贷款对新招人有啥要求, then 我们厂两百多人: the person's own figure for the
            # question just answered — asked again with it, kept when it stays on that clause
            joined_text = f"{text} {other}"
            again = self._ask(joined_text)
            if again.answered and again.clause is not None and again.clause.id == s.last_clause:
                answer, said, text = again, said or text, joined_text
        story = self._story_before(s, text)
        if story is not None and not (answer.decision or {}).get("out_of_scope_topic") and (
                (not answer.refused and answer.clause is not None) or (answer.refused and about is not None)):
            # 我四十八了 厂子把我辞了 家里低保户, then 能不能算就业困难人员: the story told just
            # before is the asker's, so the question is asked with it (低保家庭 → 可以申请) — kept
            # when it stays on the clause this answer (or, if refused, the conversation) is on
            again = self._ask(f"{story} {text}")
            on = answer.clause.id if not answer.refused and answer.clause is not None else about
            if again.answered and again.clause is not None and again.clause.id == on:
                answer = again
        if answer.refused and self._asks_nothing(text) and not (answer.decision or {}).get("out_of_scope_topic"):
            # 材料我已经交上去了, 他不会用手机: nothing was asked, so nothing is refused — the
            # bot says it heard and where to ask (a topic staff listed is still refused by name);
            # a situation the plan speaks of (我老婆是残疾人) gets what there is for it. No
            # example questions (after 老板欠了工钱不给 they would look like an answer). Logged
            # as unanswered, so staff still see it.
            overview = self.answerer.overview(text, today=self.today()) if self.answerer.names_plan_matter(text) else None
            event = self._question_event(said or text, answer)
            if remember:  # the story, for the question that follows it (`_story_before`) or a test
                s.lead_text, s.lead_at, s.lead_uncovered = mask_personal_numbers(text), self.clock(), False
            if overview is not None:
                return Turn([Reply(overview.reply, self._answer_buttons(overview))], [event])
            return Turn([Reply(self.t("statement_heard"), self._menu_buttons())], [event])
        if (not answer.refused and about is None and answer.kind != "overview" and answer.benefit is None
                and answer.faq_entry is None
                and (not self.reader.asks_by_form(text) or self._asks_only_what_to_do(text))
                and self.answerer.names_situation(text)):
            # 我22 大学毕业一年了没工作 / 没考上高中 想学个技术: a situation told, no question (or
            # only 阿么办 after it: 我儿子大学毕业没找下工作 阿么办), and
            # answered only by a clause's text picked by its words (no benefit's line, no staff
            # answer) — what there is for it instead (the overview)
            overview = self.answerer.overview(text, today=self.today())
            if overview is not None:
                answer = overview
        if not answer.refused and about is None and self._asks_nothing(text) and self.answerer.tells_only(text):
            # 我家掌柜的出去打工了 我一个人在家带三个娃: a story that asks nothing and names
            # nothing of the plan — which clause its words match (打工: 劳务输转) is a guess; the
            # bot asks what the person wants to know
            if remember:  # the story, for the question that follows it (`_story_before`)
                s.lead_text, s.lead_at, s.lead_uncovered = mask_personal_numbers(text), self.clock(), False
            return Turn([Reply(self.t("story_heard"), self._menu_buttons())], [self._question_event(said or text, answer)])
        event = self._question_event(said or text, answer)
        if remember and answer.clause is not None:
            self._remember_topic(s, answer.clause.id)
        if remember:  # facts for a questionnaire started soon after (LEAD_SECONDS); 没看懂's line
            s.last_line = _plain_line(answer)
            before = s.lead_text if (about is not None and answer.clause is not None and answer.clause.id == about
                                     and s.lead_text and self.clock() - s.lead_at <= GOING_ON_SECONDS) else None
            s.lead_text, s.lead_at = mask_personal_numbers(text), self.clock()
            if before and self.answerer.names_benefit(text) and not any(
                    m in text for m in self.reader.vocabulary.personal_markers) and (
                    not self.reader.is_question(before)
                    or (named_before := pick_benefit(self.kb.benefits_of(answer.clause.id), before)) is None
                    or named_before.id == answer.benefit):
                # (有公益岗没, then 那扶贫车间呢: the question before asked of another benefit of the
                # clause — not kept, or 在哪 after it would be about 公益岗)
                # 我跟我兄弟想合伙开个修车铺, then 创业担保贷款: the name of what was answered,
                # said alone, keeps what was said of the person before it (合伙) for a test
                s.lead_text = f"{before} {s.lead_text}"
            named = next((b for b in self.kb.benefits_of(answer.clause.id) if b.id == answer.benefit), None) \
                if answer.clause is not None and answer.benefit else None
            if about is not None and named is not None and named.name not in text:
                # 能贷多少 after the firm loan's result, then 还差几个 / 合同签半年行不, then 最多贷
                # 多少: what the follow-up was answered on stays named for the next one (the
                # firm's 300万, not the individual's 15万)
                s.lead_text = f"{named.name} {s.lead_text}"
            s.lead_uncovered = answer.refused
        return Turn([Reply(answer.reply, self._answer_buttons(answer))], [event])

    def _what_else(self: Engine, text: str, s: Session, said: str | None = None) -> Turn | None:
        """开个小店能贷多少, then 还有别的扶持吗 / 除了贷款还有啥帮扶: what else there is for the one
        who asked the last question — its overview without the clause just answered. None when
        the message does not ask that, or nothing was answered just before."""
        if (not _WHAT_ELSE.search(text) or s.last_clause is None
                or (other := self._answered_question(s)) is None):
            return None
        more = self.answerer.overview(other, today=self.today(), exclude=(s.last_clause,))
        if more is None:
            return None
        s.last_line = _plain_line(more)  # 没看懂 after it: the names it listed
        return Turn([Reply(more.reply, self._answer_buttons(more))], [self._question_event(said or text, more)])

    def _refused_question(self: Engine, s: Session) -> str | None:
        """The question refused by the turn just before this one (masked), while a message may
        still go on about it (GOING_ON_SECONDS); else None."""
        if s.refused_last and s.lead_text and self.clock() - s.lead_at <= GOING_ON_SECONDS:
            return s.lead_text
        return None

    @staticmethod
    def _figure_put_right(question: str, correction: str) -> str | None:
        """`question` with the figure `correction` puts right (不对 是五个: the last count of
        people; 不对 招了十五个: the hires, `revise_figures`), or None when it puts none right."""
        joined = f"{question} {correction}"
        fixed = correct_figures(joined)
        return fixed if fixed != joined else revise_figures(question, correction)

    def _story_before(self: Engine, s: Session, text: str) -> str | None:
        """What the person told of themself in the message just before (我四十八了 厂子把我辞了 家里
        低保户: it asked nothing), when `text` asks whether or who (能不能算就业困难人员; not a sum:
        `_STORY_DECIDES`), names no one else and states no figure of its own, and the story was
        told within GOING_ON_SECONDS; else None."""
        lead = s.lead_text
        if (not lead or s.lead_uncovered or self.clock() - s.lead_at > GOING_ON_SECONDS
                or self.answerer.read(text).kind not in _STORY_DECIDES  # (见习补贴一个月多少钱: the sum, whoever asks)
                or self._asks_nothing(text) or not self._asks_nothing(lead)
                or self.reader.someone_else(text) or _OWN_FIGURE.search(text)):
            return None
        story = self._without_benefit_names(lead).strip()
        return story if any(m in story for m in self.reader.vocabulary.personal_markers) else None

    def _turns_to_self(self: Engine, text: str) -> bool:
        """Whether a follow-up turns to the asker (那我呢 我四十五, 那要是我自己呢): not a figure of the
        person asked about before to change."""
        return bool(_WHAT_ABOUT_ME.match(text) or _SELF_AGAIN.search(bare(text)))

    def _asks_only_what_to_do(self: Engine, text: str) -> bool:
        """Whether the message tells a situation, then only cries "what to do" (我儿子大学毕业没找下
        工作 阿么办): its last part is such a cry and no part before it asks anything."""
        parts = self.reader.parts(text)
        return (len(parts) >= 2 and is_what_to_do_cry(bare(parts[-1]))
                and not any(self.reader.is_question(p) for p in parts[:-1]))

    def _turned_to_person(self: Engine, text: str, s: Session) -> tuple[str, bool, bool] | None:
        """A follow-up turning to another person (那我儿子呢 二十二 去年大学毕业了, 那老二呢) as a
        question of its own: the person and what is said of them, then what the question just
        answered asked (its asking part, without its person and their age: 有啥政策没, 能见习不).
        When what is said of them asks something itself (那我儿子呢 他三十 残疾 能干公益岗不), that is
        the question; when nothing was asked before, what is said of them is. None when the
        message does not turn to a person, or says nothing of them and nothing was asked before.
        The flags: whether the text asks something (else it only tells their situation), and
        whether it is asked only when the message as it stands is not answered."""
        pointed = self.reader.person_pointer(text)
        if pointed is None:
            return None
        person, said_of = pointed
        if said_of[:1] in ("他", "她") and said_of[1:2] not in ("们", ""):
            said_of = said_of[1:].lstrip()  # 那我儿子呢 他三十 → 我儿子三十: the person named once
        if said_of and any(self.reader.is_question(p) for p in self.reader.parts(said_of)):
            return f"{person}{said_of}", True, False
        other = self._answered_question(s)
        pieces = self.reader.parts(other) if other is not None else []
        asking = [i for i, p in enumerate(pieces) if self.reader.is_question(p)]
        if not asking:
            # 我二十六了 中专毕业 在积石山, then 那我弟弟呢 十七 初中毕业在家: nothing asked before —
            # what is said of him, as his situation (answered, or the policies for it)
            return (f"{person}{said_of}", False, False) if said_of else None
        at = asking[-1]
        asked = self.reader.without_person(pieces[at])
        if said_of and self.answerer.read(asked).kind in _PERSON_FREE:
            # 见习一个月补多少钱, then 那我男人呢 他二十二 没工作: the sum is no one's own — whether
            # he may take part is what is asked of him, as the message stands, about the clause
            # the conversation is on; the sum asked of him only when that is not answered
            # (贷款最多贷多少, then 换成我爸呢 他六十三)
            return f"{person}{said_of} {asked}", True, True
        if at > 0 and self.reader.overview(asked) is None and not self.answerer.has_own_topic(asked):
            # 我和朋友合伙开店 想贷三十万 行不: 行不 asks of the words before it
            asked = f"{self.reader.without_person(pieces[at - 1])} {asked}"
        if not asked.strip():
            return None
        return f"{person}{said_of} {asked}", True, False

    def _words_said_before(self: Engine, text: str, before: str) -> str | None:
        """`text` without its topic words when every one of them was said in `before` (the
        question just answered) — 一个月给幼儿园多少 after 幼儿园想收两个见习老师 -> 一个月给多少;
        None when it has no topic word, or one said only now."""
        topics = self.answerer.topic_words(text)
        if not topics or not all(t in before for t in topics):
            return None
        rest = text
        for word in sorted(topics, key=len, reverse=True):
            rest = rest.replace(word, "")
        return rest if bare(rest) else None

    def _answered_question(self: Engine, s: Session) -> str | None:
        """The last question answered (masked), if it was asked within GOING_ON_SECONDS and the
        turn just before refused nothing; else None. A menu or a button in between does not end
        it (那牛肉面馆呢 still asks it), unlike `_refused_question`."""
        if (s.lead_text and not s.refused_last
                and self.clock() - s.lead_at <= GOING_ON_SECONDS):
            return s.lead_text
        return None

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
        if answer.clause is not None:  # answered, or what the document leaves to others (低保)
            program = self._program_of_clause.get(answer.clause.id)
            first: list[Button] = []
            if program and answer.answered:
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
        the full answer of each is one tap away (`answer_parts`, `multi_reply`). A last part that
        only asks to be tested (稳岗返还能返多少 测一测我是否符合) is no question: the rest is
        answered, then the test of its topic starts."""
        if len(parts) >= 2 and self.reader.test_topic(parts[-1]) == ():
            asked = self._free_question(" ".join(parts[:-1]), s, about=s.last_clause)
            if s.last_clause and self._program_of_clause.get(s.last_clause):
                test = self._on_intent("test_topic", s)
                return Turn(asked.replies + test.replies, asked.events + test.events)
            return asked
        parts, answers = answer_parts(self.answerer, parts[:MULTI_MAX], about=s.last_clause, today=self.today(),
                                      context=s.lead_text if s.last_clause else None)
        if len(parts) == 1:  # one question after all ("养老院咋住 要带啥"): answered as one
            return self._free_question(parts[0], s, about=s.last_clause)
        rows: list[tuple[Button, ...]] = []
        for answer in answers:
            if answer.clause is not None:
                detail = (Button(short(f"详细：{answer.clause.title}", 18), f"c:{answer.clause.id}"),)
                if detail not in rows:  # two parts answered from one clause: one button
                    rows.append(detail)
        intro = self.t("multi_intro" if rows else "multi_intro_plain", count=len(parts))  # 点“详细” only with one
        text = multi_reply(parts, answers, intro, self.t("multi_not_covered"))
        events = [self._question_event(part, answer) for part, answer in zip(parts, answers, strict=True)]
        last = next((a for a in reversed(answers) if a.clause is not None), None)
        if last is not None:
            self._remember_topic(s, last.clause.id)
        rows.append((Button(self.t("back_to_menu"), "m:menu"),))
        return Turn([Reply(text, tuple(rows))], events)

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

    def _asks_nothing(self: Engine, text: str) -> bool:
        """Whether a message only tells something: no question by its form (reader.asks_by_form:
        政府管不管 and 能领莫 ask too) and no wish or request (想, 要, 打算, 帮 …: 我想办个护照
        asks for something)."""
        return not self.reader.asks_by_form(text) and not _WISH.search(text)

    def _helping_hand(self: Engine, key: str) -> Turn:
        """Not a question (emoji, 我, pinyin …): what the bot can do, with example questions."""
        rows = self._example_buttons() + self._menu_buttons()
        return Turn([Reply(self.t(key), rows)], [])


    # ------------------------------------------------------------------ about the conversation

    def _on_conversation(self: Engine, u: Understanding, s: Session, finished: dict[str, Any] | None) -> Turn | None:
        """What the person said about the conversation itself, wherever they are: a closing
        (好的 谢谢 算了), a broad ask (有啥好政策), 看不懂 after an answer, 我说过了 and 替我儿子
        问的 in a questionnaire. None for every other kind (the engine routes those). An answer
        the questionnaire cannot read is kept with the message that led to it (`s.lead_text`,
        masked), so a fact said too early is used once its question comes, and 我说过了 finds it."""
        in_questionnaire = s.mode in _IN_QUESTIONNAIRE
        if u.kind == "unclear_answer" and s.mode in ("questionnaire", "finder") and u.text:
            said = mask_personal_numbers(u.text)
            s.lead_text = f"{s.lead_text} {said}" if s.lead_text else said
            return None
        if u.kind not in CONVERSATION_KINDS:
            return None
        if u.kind == "closing":
            if not in_questionnaire:
                return Turn([Reply(self.t("goodbye"), self._menu_buttons())], [])
            left = self._exit(s)
            return Turn([Reply(self.t("goodbye_exited"), left.replies[0].buttons)] + left.replies[1:], left.events)
        if u.kind == "overview":
            return self._overview(u, s)
        if u.kind == "simpler":
            return self._simpler(s, finished)
        if s.mode == "resume" or (in_questionnaire and self._is_stale(s)):
            return self._resume_prompt(s)
        if u.kind == "proxy":
            if s.mode in ("questionnaire", "finder"):
                pending = self._current_question(s)
                if s.program == "__finder__" and pending is not None and pending.id == "role":
                    # 帮我娃问的 at 个人还是单位: a person is asked about (the child) — noted, and on
                    # to the child's age, not the same step again
                    if u.who:
                        s.flags[FOR_SOMEONE_ELSE] = u.who
                    went = self._advance(pending, "individual", s, None, u.text)
                    return Turn([Reply(self.t("third_person", who=u.who or ""))] + went.replies, went.events)
                return Turn([Reply(self.t("third_person", who=u.who or ""))] + self._pending_question(s), [])
            return Turn([Reply(self.t("third_person_ask", who=u.who or ""), self._menu_buttons())], [])
        if u.kind == "already_said" and s.mode in ("questionnaire", "finder"):
            return self._already_said(s)
        return Turn([Reply(self.t("not_a_question"), self._example_buttons() + self._menu_buttons())], [])

    def _overview(self: Engine, u: Understanding, s: Session) -> Turn:
        """有啥好政策 / 能帮我啥: what the bot covers in plain words (the programs one can test)
        with 测一测 first. With a statement that names a topic (我是返乡的 有啥好政策), the
        document's answer when it has one. Mid-questionnaire the pending question follows."""
        if s.mode not in _IN_QUESTIONNAIRE and (more := self._what_else(u.text, s, u.raw)) is not None:
            return more  # 除了贷款还有啥帮扶, right after the loan's answer
        if (s.mode not in _IN_QUESTIONNAIRE and bare(u.text).startswith("那") and s.last_clause
                and self._answered_question(s) is not None):
            # 低保户家的娃能算就业困难人员吗, then 那能享受啥: what the policy just answered gives
            answer = self._ask(u.text, s.last_clause, s.lead_text)
            if answer.answered:
                return self._free_question(u.text, s, about=s.last_clause, said=u.raw)
        if u.intent == "answer_first" and s.mode not in _IN_QUESTIONNAIRE:
            answer = self._ask(u.text, s.last_clause)
            if answer.answered:
                return self._free_question(u.text, s, about=s.last_clause, said=u.raw)
        situation = self.reader.situation_beside_broad_ask(u.text) if s.mode not in _IN_QUESTIONNAIRE else None
        if situation is not None and (question_age(situation) is not None or self.answerer.names_plan_matter(situation)):
            # 我是放羊的 六十了 有啥补贴没: the closest policies for what the person said of themself
            # (大龄, 就近就业, 培训) — ranked by that, not by the broad ask's 补贴
            overview = self.answerer.overview(situation, today=self.today())
            if overview is not None:
                s.lead_text, s.lead_at = mask_personal_numbers(u.text), self.clock()
                s.last_line = _plain_line(overview)
                return Turn([Reply(overview.reply, self._answer_buttons(overview))],
                            [self._question_event(u.raw or u.text, overview)])
        programs = "、".join(p.label for p in eligibility.all_programs())
        rows = ((Button(self.t("menu_find"), "m:find"),),) + self._example_buttons()
        if s.mode in ("questionnaire", "finder"):
            return Turn([Reply(self.t("overview", programs=programs)), Reply(self.t("digression_back"))]
                        + self._pending_question(s), [])
        if s.mode == "idle":  # what they said of themselves prefills the finder if they tap it
            s.lead_text, s.lead_at = mask_personal_numbers(u.text), self.clock()
        rows += ((Button(self.t("menu_list"), "m:list"), Button(self.t("back_to_menu"), "m:menu")),)
        return Turn([Reply(self.t("overview", programs=programs), rows)], [])

    def _simpler(self: Engine, s: Session, finished: dict[str, Any] | None) -> Turn:
        """看不懂 / 说简单些 right after an answer or a result: its first line again, shorter
        (the amount, yes or no, who gets it; no clause quoted), and where to ask. A result is
        judged again from its answers (`finished`); a free answer's first line is the one kept
        with the session for one turn (`s.line_before`); an overview's, the names it listed;
        else the answer is found again from the question that led to it (`s.lead_text`)."""
        plain = ""
        program = (finished or {}).get("program")
        if program and program != "__finder__":
            result = eligibility.assess(program, dict(finished.get("answers") or {}), as_of=self.today())
            plain = plain_result(result.to_chat_text())
        elif program == "__finder__":
            matches = eligibility.find_programs(dict(finished.get("answers") or {}), as_of=self.today())
            plain = "可能适用：" + "、".join(m.program.label for m in matches[:6]) + "。" if matches else ""
        elif s.line_before:
            plain = plain_words(s.line_before)
        elif s.lead_text:
            answer = self._ask(s.lead_text, s.last_clause)
            if (answer.answered or answer.clause is not None) and (
                    answer.clause is None or not s.last_clause or answer.clause.id == s.last_clause):
                plain = plain_words(answer.first_line or headline(answer.reply))
        if not plain and s.last_clause in self.kb.clauses:
            clause = self.kb.clauses[s.last_clause]
            plain = plain_words("".join(self.answerer.best_sentences(clause, clause.title)[:1]) or clause.title)
        if not plain:
            return Turn([Reply(self.t("help"), self._example_buttons() + self._menu_buttons())], [])
        text = self.t("simpler", answer=plain) + "\n" + self.t("simpler_where")
        rows: list[tuple[Button, ...]] = []
        program_id = s.last_program or self._program_of_clause.get(s.last_clause or "")
        if program_id and not program:
            rows.append((Button(self.t("check_me"), f"p:{program_id}"),))
        rows.append((Button(self.t("menu_contact"), "m:contact"), Button(self.t("back_to_menu"), "m:menu")))
        return Turn([Reply(text, tuple(rows))], [])

    def _already_said(self: Engine, s: Session) -> Turn:
        """我说过了 / 我刚才不是说了吗 in a questionnaire: the pending question's answer taken from
        what this conversation holds (the message that led here and the answers that could not
        be read when typed), said in one line; when nothing there answers it, an apology and
        the question again, plainly (with how to answer it)."""
        question = self._current_question(s)
        if question is None:
            return self._finish(s)
        found = self._said_before(question, s)
        if found is not None:
            said, value = found
            note = self.t("already_said_found", said=said, answer=question.label_of(value))
            return self._advance(question, value, s, note)
        hint = self.t("already_said_missing") + eligibility.answers.hint(question)
        return Turn(self._pending_question(s, hint=hint), [])

    def _said_before(self: Engine, question: eligibility.Question, s: Session) -> tuple[str, Any] | None:
        """(the words said earlier, the value they give `question`) or None. A number is taken
        only written with its unit (十九岁, 四十个人), a yes/no only from words about what the
        question asks (facts_from_text); a choice from any statement that names an option."""
        parts = [p for p in self.reader.parts(s.lead_text or "") if not self.reader.is_question(p)]
        program = self._program(s)
        markers = self.reader.vocabulary.personal_markers
        for part in parts:
            found = facts_from_text(program, part, s.answers, eligibility.parse_answer, as_of=self.today(),
                                    personal_markers=markers)
            if found.get(question.id) is not None:
                return part, found[question.id]
        if question.kind in ("choice", "yesno"):
            for part in parts:
                if question.kind == "yesno" and not speaks_of(part, question.prompt):
                    continue
                parsed = eligibility.parse_answer(question, part, as_of=self.today())
                if parsed.ok and parsed.value is not None and not getattr(parsed, "unknown", False) \
                        and not getattr(parsed, "tentative", False) and not part.strip().isdigit():
                    return part, parsed.value
        return None


_LISTED = re.compile(r"^\d+\.\s*([^（(：:\n]+)", re.MULTILINE)


def _plain_line(answer: Answer) -> str | None:
    """What 没看懂 after `answer` says again: the names an overview listed (可能相关：…), else the
    answer's first line; None for a refusal."""
    if not answer.answered:
        return None
    if answer.kind == "overview":
        names = _LISTED.findall(answer.reply)
        if names:
            return "可能相关：" + "、".join(n.strip() for n in names) + "。"
    return answer.first_line or headline(answer.reply)


def plain_words(line: str, limit: int = SIMPLE_LINE) -> str:
    """An answer's first line made plain: asides in brackets dropped, cut after its first
    sentence or clause (。；), then at a comma when still over `limit` characters; ends in 。."""
    text = _ASIDE.sub("", line).strip()
    for stop in "。；;":
        at = text.find(stop)
        if at > 0:
            text = text[:at]
    if len(text) > limit:
        at = text.rfind("，", 0, limit)
        text = text[:at] if at > 0 else text[:limit]
    return text.rstrip("，,：:、 ") + "。" if text else ""


def plain_result(text: str) -> str:
    """A chat result (eligibility Result.to_chat_text) in two plain lines: the verdict without
    its date, and the amount line (or, for an ended provision, what to do instead)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    at = next((i for i, line in enumerate(lines) if line.startswith("结果：")), None)
    if at is None:
        return ""
    out = [_ASIDE.sub("", lines[at]).rstrip("。") + "。"]
    for line in lines[at + 1:]:
        if line.startswith("怎么办："):
            out.append(plain_words(line))
            break
        if line[:1] in "√×？?※▶" or line.startswith(("说明：", "提示：", "怎么申请", "联系：", "依据：")):
            continue
        if any(ch.isdigit() for ch in line):
            out.append(plain_words(line))
            break
    return "\n".join(out)


def answer_parts(answerer: Any, parts: Sequence[str], *, about: str | None = None,
                 today: date | None = None, context: str | None = None) -> tuple[list[str], list[Answer]]:
    """Each question of a message answered in turn (`Answerer.answer`): (the questions, their
    answers). A part with no topic of its own ("怎么申请" after "见习补贴多少钱") is about the
    clause the part before it was answered from; `about` (the conversation's clause) serves
    the first part. Such a part is asked together with the one before it, as one question,
    when it asks the same kind ("咋申请 到阿达"), so fewer questions may come back. After a
    part the document does not cover, a part that goes on about it (`Answerer.continues`: no
    topic of its own, a detail of some matter — "公租房咋申请 要啥材料", "结婚登记要带啥 两个人不在
    一个县能办吗" — or the clause that part came closest to, unnamed — "助学贷款咋办 利息政府出
    不") is asked together with it too: what the document does not cover is not in it either.
    `context` (the conversation's previous question) serves the first part as a part before it
    serves the next: 有临时生活补助没, then 给多少 去哪领 — the 补助's sum and place."""
    asked: list[str] = []
    answers: list[Answer] = []
    abouts: list[str | None] = []  # the clause each question was asked about
    for part in parts:
        if not answers:
            joined = False
        elif answers[-1].refused:
            joined = answerer.continues(asked[-1], part, in_message=True)
        else:
            # 咋申请 / 到阿达: one question in two pieces; 我开了个小餐馆 想收几个见习的娃 / 一个给补多少:
            # a description that asks nothing, then the question about it
            joined = not answerer.has_own_topic(part) and (_same_kind(answerer, part, answers[-1])
                                                           or _describes(answerer, asked[-1], part))
        if answers and answers[-1].refused and answerer.asks_here_instead(asked[-1], part):
            # 宁夏那边给的见习补贴多少 / 咱这有没: the same matter here — asked together, answered
            asked[-1] = f"{asked[-1]} {part}"
            answers[-1] = answerer.answer(asked[-1], today=today)
        elif joined and answers[-1].refused:
            # 电工证咋复审 要不要重新去培训: a detail of what the document does not cover is not
            # covered either — the refusal stands (re-asked, 培训 would pull it into scope).
            asked[-1] = f"{asked[-1]} {part}"
            about = None
        elif joined:  # 咋申请 到阿达: one question typed in two pieces
            asked[-1] = f"{asked[-1]} {part}"
            answers[-1] = answerer.answer(asked[-1], today=today, about=abouts[-1])
        else:
            # 扶贫车间招人不 一个月多钱: the 车间's pay; after a part naming nothing (给多少), the
            # conversation's question still says what (去哪领: the 临时生活补助's place)
            before = asked[-1] if asked and (not context or answerer.topic_words(asked[-1])) else context
            answer = answerer.answer(part, today=today, about=about, context=before)
            if (answers and not answers[-1].refused and answer.clause != answers[-1].clause
                    and _POINTS_BACK_PART.search(part) and not answerer.names_any_benefit(part)):
                # 在岗培训的钱从哪出 二零一九年那个支持现在还有没: "那个支持" is the one the part
                # before named — asked with that benefit's name, kept when it stays on its clause
                named = _benefit_name(answerer, answers[-1])
                again = answerer.answer(f"{named} {part}", today=today, about=about) if named else None
                if again is not None and again.answered and again.clause == answers[-1].clause:
                    answer = again
            if answer.refused and answers and not answers[-1].refused:
                # 孙子见习能干几个月 公家一月贴单位多少: a part refused on its own words may still be
                # about the matter the part before named — asked with that benefit's name in front
                # (见习补贴 公家一月贴单位多少), kept only when answered from the same clause
                named = _benefit_name(answerer, answers[-1])
                again = answerer.answer(f"{named} {part}", today=today, about=about) if named else None
                if (again is not None and again.answered and again.clause == answers[-1].clause
                        and again.unstated is None):  # (…工资谁发: not "the document does not say" in its name)
                    answer = again
            if answers and answer.answered and answer.first_line == answers[-1].first_line:
                asked[-1] = f"{asked[-1]} {part}"  # 能靠这个挣钱不 政府扶持不: one answer, said once
                continue
            asked.append(part)
            abouts.append(about)
            answers.append(answer)
        if answers[-1].clause is not None:
            about = answers[-1].clause.id
    return asked, answers


# the kinds of question a story told just before decides (能不能 / 算不算, who qualifies)
_STORY_DECIDES = (Kind.YES_NO, Kind.WHO)
# a part pointing back at what the part before it named (那个支持, 这项补贴, 上面说的)
_POINTS_BACK_PART = re.compile(r"那个|这个|那项|这项|那笔|这笔|上面说的|刚说的|前面说的")


def _benefit_name(answerer: Any, answer: Answer) -> str | None:
    """The name of the benefit `answer` was about (就业见习补贴), from benefits.yaml; None when
    it was about none."""
    if answer.clause is None or answer.benefit is None:
        return None
    return next((b.name for b in answerer.kb.benefits_of(answer.clause.id) if b.id == answer.benefit), None)


def _describes(answerer: Any, before: str, part: str) -> bool:
    """Whether `before` only says something — no kind of question, no question word, no
    question mark or yes/no ending — and `part` asks a kind of question: the description is the
    question's context (我开了个小餐馆 想收几个见习的娃 / 一个给补多少). 什么是就业见习 / 一个月给多少
    stays two questions."""
    return not answerer.asks(before) and answerer.read(part).kind is not Kind.OTHER


def _same_kind(answerer: Any, part: str, before: Answer) -> bool:
    """Whether `part` asks what the question before it asked (where to apply twice: 咋申请 /
    到阿达), so the two are one question, not two."""
    kind = answerer.read(part).kind
    return kind.value == before.kind and kind is not Kind.OTHER


def multi_reply(parts: Sequence[str], answers: Sequence[Answer], intro: str, not_covered: str) -> str:
    """The reply to several questions: `intro`, then per part "i. 问：…" and "答：" its first
    line with the clause (or `not_covered`). Used by the chat and by `policybot ask`."""
    lines = [intro]
    for i, (part, answer) in enumerate(zip(parts, answers, strict=True), 1):
        lines.append(f"{i}. 问：{part}")
        if answer.clause is not None:  # answered, or "文件没有写…" of a referred benefit (低保)
            first, limit = answer.first_line or answer.reply, MULTI_LINE
            if first.rstrip().endswith(("：", ":")):  # a lead-in (分别是这样写的：): the lines it leads to too
                first, limit = answer.reply, 2 * MULTI_LINE
            lines.append(f"   答：{headline(first, limit)}（{answer.clause.label()}）")
        else:
            lines.append(f"   答：{not_covered}")
    return "\n".join(lines)


def headline(reply: str, limit: int = MULTI_LINE) -> str:
    """The first line of a reply (its plain answer), cut to about `limit` characters at the end of
    a sentence: whole sentences while they fit in 1.5 × `limit` (the figure a sentence ends with —
    返还…失业保险费的60% — is not cut off), else the first `limit` characters and "…"."""
    lines = [line.strip() for line in reply.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if first.endswith(("：", ":")) and len(lines) > 1:
        # 稳岗返还和失业保险金文件里分别是这样写的： — a lead-in: what it leads to, in one line
        first = first + "".join(lines[1:3])
    if len(first) <= limit:
        return first
    kept = ""
    for sentence in re.findall(r"[^。！？]+[。！？]?", first):
        if len(kept) + len(sentence) > limit * 3 // 2:
            break
        kept += sentence
        if len(kept) >= limit:
            break
    return kept or first[: limit - 1] + "…"
