"""A program's questionnaire and the policy finder: one question at a time, to a result.

The understanding step has already read the message (dialog/understanding): this flow stores
answers, re-asks with a hint, answers side questions without losing the pending question,
settles a rough range when every value in it gives the same result, and marks answers that
were hedged (好像是) or approximate (大概 / a birth year) in the result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import eligibility
from dialog.flows.common import Turn, mask_personal_numbers, short
from dialog.messages import MAX_ACTION_BYTES, Button, Reply
from dialog.store import Event, Session
from dialog.understanding import Understanding, facts_from_text
from dialog.understanding.facts import (
    count_read_as,
    said_with_unit,
    shared_pairs,
    stated_facts,
    units_said,
)
from dialog.understanding.normalize import bare
from eligibility.model import NOT_MET, wan
from knowledge.asking import HIRE_VERBS, STAFF_WORDS, normalize, staff_and_hires

if TYPE_CHECKING:
    from dialog.engine import Engine

# Rendered questionnaire steps and results kept per engine; emptied when full or when the
# eligibility data or the texts are reloaded (they are pure in program, answers, date and those).
RENDER_MEMO_LIMIT = 4096
NAMED_PROGRAM_CANDIDATES = 3  # clauses whose programs a "测一测 + name" may mean (_named_last)
# Session flag: the questionnaire is answered for someone else (the family member named).
FOR_SOMEONE_ELSE = "@for"
# "And me?" while answering for someone else: 那我自己呢 / 我呢 / 给我自己测 / 按我自己的算.
# 五十多了算大龄不, 我这算不算低保家庭: an option named and asked whether it fits (not 本科毕业的
# 每天跑快递呢, a statement ending in 呢, whose other facts the usual path reads)
# (a bare final 么 is not enough: 没有么 is the dialect's plain "no")
_ASKS_IF_IT_FITS = re.compile(r"算不算|是不是|属不属于|够不够|算.{0,6}(?:不|吗|么|嘛)[？?]?$|吗[？?]?$")
_SWITCH_TO_SELF = re.compile(r"^\s*(?:那|那么|那就)?\s*(?:(?:我|俺)(?:自己|自个|自个儿|本人)?(?:的)?(?:呢|咋样|怎么样)"
                             r"|(?:给|按|帮|测测?)(?:我|俺)自己)")
# what is left of "俺是小厂老板" once the party (老板, 厂子) is taken out: no policy's name
_ONLY_WHO = re.compile(r"[我俺咱们是个的小大开家这那一]|负责人|厂长|经理|掌柜|主任")
_RUNS_IT = re.compile(r"负责人|厂长|老板|经理|掌柜|主任")  # one who runs what is named


def _without_parties(text: str, parties: tuple[str, ...]) -> str:
    """`text` without its punctuation and the parties it names (asking.yaml `parties`), longest first."""
    plain = bare(text)
    for party in sorted(parties, key=len, reverse=True):
        plain = plain.replace(party, "")
    return plain


# 一共多少 / 能拿多少 after a worked-out result asks that sum again (`_sum_after_result`)
_TOTAL_ASKED = re.compile(r"一共|总共|合计|加起来|总的|能拿多少|能返多少|能领多少|能补多少|能给多少|拿多少|返多少|补多少|多少钱")
_FIGURE_SAID = re.compile(r"[0-9０-９]|[一二两三四五六七八九十百千万]+(?:万|千|块|元|个人|人|个月)")  # a figure of its own
# A number with its unit (8个人, 三十个, 两万元): removed before asking which question a correction
# names, so a unit such as 个人 is never read as the word of a question.
_WITHOUT_AMOUNTS = re.compile(r"[0-9０-９.零〇一二两俩三四五六七八九十百千万wWkK]+\s*(个人|个|名|人|位|岁|周岁|元|块|万|个月|月|年)?")

# A rough range ("二十来岁") is settled without asking again for questions whose value is
# compared with a threshold and never multiplied into an amount: ages and years. A sum of money
# feeds the amount, so a range there always asks for the exact number (headcounts: SETTLE_COUNTS).
SETTLE_UNITS = ("岁", "年")
# A rough headcount (留下了五六个, 招了五六个) is settled when every value in it gives the same
# verdict, conditions and amount however the yes/no and choice questions still to come are
# answered (5 or 6 kept on of 20: below 50% either way); one that straddles a threshold (五六个
# of 12) or that a number still to come may multiply (the interns, before the months) is asked again.
SETTLE_COUNTS = ("人",)
# A count of people in a message (三个, 3人, 五六个, 八十名), never a time (六个月) nor money.
# A hedged answer (应该交了吧, 好像没裁) kept as the answer it leans to, and said so in the result
TENTATIVE = "您回答的是“不太确定”，暂按“{answer}”估算，请以核实为准"
TENTATIVE_START = TENTATIVE.split("{", 1)[0]
_ELIGIBLE_LINE = "结果：符合"  # the verdict line a hedged answer qualifies (eligibility/result.py)
FINDER_LISTED = 6  # programs the finder's result offers (a button each)
FINDER_DETAILED = 3  # of them, those shown with their line; the rest by name
# 三个, 3人 — or 俩, 仨, which hold their measure word (俩都留下了: two people)
_PEOPLE_COUNT = re.compile(r"[0-9零〇一二两俩三四五六七八九十百千几]+\s*(?:来|多|余)?\s*(?:个(?![月钟星礼])|人|名|位)|[俩仨](?![月年天])")
SETTLE_MAX_VALUES = 60
# After a result: a message that only supposes (那十七了呢, 要是…) changes no answer (`_restated`).
_HYPOTHETICAL = re.compile(r"^(那|要是|如果|假如|假设|万一|比如)")
# A message that asks (…吗, 能不能…, ？) rather than states (`_restated`).
_ASKING_BACK = re.compile(r"[吗呢？?]\s*$|能不能|可不可以|算不算|行不行|是不是|有没有|咋|怎么|啥|撒|什么|多少|多钱|哪|谁")
# He / she: the person the questionnaire was about, said again after its result (`_restated`).
_PRONOUNS = ("他", "她", "人家")
# A late answer after a result: a short bare negation (不困难, 没裁, 没有的), at most this long
LATE_ANSWER_CHARS = 6
_BARE_NEGATION = re.compile(r"(?:也|并|都|还)?(?:不|没|没有|木有|莫)([\u4e00-\u9fff]{2,3})")
# Line prefixes after a result's verdict that are not its sum (conditions, notes, other parts)
_NOT_THE_SUM = ("√", "×", "？", "?", "说明", "▶", "提示", "怎么申请", "联系", "依据", "结果仅供")
# A choice's label that itself names a number (100人以上): a count typed to it is read exactly.
_NUMERAL = re.compile(r"[0-9０-９零〇一二两俩仨三四五六七八九十百千万半]")  # a number typed (没有 is none)
_PART_OF = ("其中", "留用")  # a count of some of the people counted before (见习对象 among those received, kept on)
# 再干一年 / 再交两年 / 再招三个 in a what-if: that many more than the answer before
_ONE_MORE = re.compile(r"再(?:干|交|缴|做|招|雇|留|接|收|加|多)?了?[\d零一二两俩三四五六七八九十百千万]")
_COUNTED_LABEL = re.compile(r"[0-9零〇一二两三四五六七八九十百千]")
# The message that led to a questionnaire is read for facts only if the questionnaire starts
# within this many seconds of it (30 minutes): last week's question is not "what you just said".
LEAD_SECONDS = 30 * 60

_MISSING = object()
# A flag marker (s.flags[question id + _KEPT] = the words): a number typed before its question
# applied (五万块 to 是否参保, for the contribution asked once 是), used when that question comes.
_KEPT = "#kept"
# A rough headcount said before a number still to come (在职一百二三十个人, before the new hires):
# kept as "low,high" under <question id>#range, its low end stored, and weighed over the whole
# range with the later answers when the questionnaire ends (`_unsettled_range`).
_RANGED = "#range"
# A rough figure asked again exactly: its range ("low,high") under <question id>#range_asked, kept
# if the answer to that is 不清楚 or another rough figure
_RANGE_ASKED = "#range_asked"
# The most combinations of ranged answers weighed (each about 1 ms): 一百二三十 (11) by 二十来个 (8)
# is 88; beyond this the exact number is asked.
RANGE_GRID_MAX = 300
# The units of rough figures kept for later: counts of people, sums of money, months (ages and
# years are settled or bracketed at once: SETTLE_UNITS).
_RANGE_KEPT_UNITS = ("人", "元", "个月")
# s.flags[question id + _STATED_BY] = the question whose pressed option's label stated it (the
# 中职 option names the 国家级贫困县): taken back together with that answer by 上一步.
# 厂里是六十个人 / 职工一共五十 name the staff (a headcount with this year's hires in it); 招了十五个
# / 新来了八个 the hires (eligibility Question.adds_hires / counts_hires)
_STAFF_CUE = re.compile(STAFF_WORDS)
_HIRES_CUE = re.compile(HIRE_VERBS)
# 今年新招了十三个 / 新来了五个: this year's hires said outright; 算上 / 包括 新招的: counted in the staff
_NEW_HIRES = re.compile(r"新招|今年.{0,2}招|新来|新进|新雇")
_COUNTED_IN = re.compile(r"算上|包括|加上|连上|带上|连同|在内")


_FIGURE_SAID = re.compile(r"\d|[一二两三四五六七八九十]{1,3}(?:个|岁|年|月|人|万|千|块|元|了)")


@lru_cache(maxsize=1)
def _result_labels() -> frozenset[str]:
    """The labels a result is remembered by (`_finish`: the part's own label, 参加就业见习（见习人员）),
    never read as what the resident said."""
    return frozenset(label for program in eligibility.all_programs() for part in program.parts
                     for label in (part.label, part.label.split("·")[-1]))


def _figure_only(words: str) -> bool:
    """Whether a correction's words are a figure and little else (我二十六了, 是五个): they put a
    number right, so they are no 否 to a yes/no question (不对 我在工地干了两年了 still is)."""
    found = _FIGURE_SAID.search(words)
    if found is None:
        return False
    rest = bare(words[:found.start()] + words[found.end():])
    return len(re.sub(r"[我俺他她是了岁的呢啊个人]", "", rest)) <= 1


def _count_named(question: eligibility.Question, words: str) -> bool:
    """Whether a correction's words name this headcount question by how people speak of it."""
    if getattr(question, "counts_hires", False):
        return _HIRES_CUE.search(words) is not None
    if getattr(question, "adds_hires", False):
        return _STAFF_CUE.search(words) is not None and _HIRES_CUE.search(words) is None
    return False


# 为啥不行 / 为什么不符合 / 凭啥不给 / 咋就不行了: why the answers fail (after a 不符合)
WHY_NOT = re.compile(r"^(?:那|可是|但是)?(?:为啥|为什么|为撒|咋|怎么|凭啥|凭什么)(?:就|会|又)?"
                      r"(?:不行|不符合|不能|不给|不够|不满足|不合格|没资格|不可以)(?:了|呢|啊|哩|嘛|吗)?$")
# one-character acts that name which count is meant (一个没留 -> 留用了几人; 裁了两个 -> 裁员)
_ACTS = ("留", "裁", "招", "辞")
_STATED_BY = "#stated_by"
# The hidden answer "<question id>_below" = the bound a rough answer is under (快三年 → 3).
BELOW = "_below"


class QuestionnaireFlow:
    # ------------------------------------------------------------------ starting

    def _start_questionnaire(self: Engine, program_id: str, s: Session, from_finder: bool = False,
                             who: str | None = None, said: str | None = None) -> Turn:
        """The program's questionnaire from its first question not yet answered. `who`: the
        family member it is for (我闺女 … → 女儿), said before the first question; `said`: words
        that name whom it is for ("我们厂子 单位"), read as part of the message that led here for
        the questions they answer (个人/单位; `_lead_with`)."""
        try:
            program = eligibility.get_program(program_id)
        except KeyError:
            return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])
        finder_answers, s.finder_answers = s.finder_answers, {}
        lead_text, lead_at = s.lead_text, s.lead_at
        s.end_questionnaire("questionnaire")
        s.program = program.id
        if self.clock() - lead_at <= LEAD_SECONDS:  # what they just said, not last week's question
            s.lead_text, s.lead_at = lead_text, lead_at
        _lead_with(s, said, self.clock())
        if finder_answers and program.infer:
            # What the finder already asked (individual or employer, age …) is not asked again,
            # whether its list's button was pressed or the programme named (培训那个 测一测):
            # the finder's answers are kept only until the next programme starts.
            known = set(program.question_ids)
            for key, value in program.infer(finder_answers).items():
                if key in known and value is not None:
                    s.answers[key] = value
                    s.history.append(key)
        # Which part of the program the leading message asked about (认定就业困难人员, 生活费):
        # never asked, never counted, it only chooses the result's headline.
        s.answers.update(eligibility.focus_of(program, s.lead_text))
        s.questionnaire_at = self.clock()
        started = Event("questionnaire_started", program=program.id)
        if eligibility.engine.ended_on(program, eligibility.default_context(), self.today()) is not None:
            # Every provision of it ended (在岗培训: 2019年12月31日): no answer can change that,
            # so none is asked; the result says first that it ended, when, and whom to ask now.
            finished = self._finish(s)
            return Turn(finished.replies, [started] + finished.events)
        prefilled = self._prefill(program, s)
        if self._current_question(s) is None:  # what was already said is all it needs
            finished = self._finish(s)
            intro = Reply(self.t("questionnaire_no_questions", label=program.label))
            return Turn([intro] + prefilled + finished.replies, [started] + finished.events)
        intro = Reply(self.t("questionnaire_intro", label=program.label))
        return Turn([intro] + self._about_someone_else(s, who) + prefilled + self._pending_question(s), [started])

    def _about_someone_else(self: Engine, s: Session, who: str | None = None) -> list[Reply]:
        """我儿子失业在家 … 测一测: the questions are about the son — said once before the first
        question, so a mother does not answer 您今年多少岁 with her own age. `who`: named in the
        request itself (我闺女能领啥), else found in the message that led here."""
        who = who or (self.reader.someone_else(s.lead_text) if s.lead_text else None)
        if who:
            s.flags[FOR_SOMEONE_ELSE] = who
        return [Reply(self.t("third_person", who=who))] if who else []

    def _start_finder(self: Engine, s: Session, who: str | None = None, said: str | None = None) -> Turn:
        """The finder (测一测我能享受哪些政策); `who` and `said` as for `_start_questionnaire`
        (我们厂子能领啥 → 单位 noted, and the programmes for employers listed at once)."""
        lead_text, lead_at = s.lead_text, s.lead_at
        s.end_questionnaire("finder")
        s.program = "__finder__"
        if self.clock() - lead_at <= LEAD_SECONDS:
            s.lead_text, s.lead_at = lead_text, lead_at
        _lead_with(s, said, self.clock())
        s.questionnaire_at = self.clock()
        started = Event("questionnaire_started", program="__finder__")
        replies = [Reply(self.t("finder_intro"))] + self._about_someone_else(s, who) + self._prefill(eligibility.FINDER, s)
        if self._current_question(s) is None:
            # What was already said answers every finder question (我们是合作社 → 单位, which
            # asks nothing more): the matching programmes now, never a turn with no question.
            finished = self._finish(s)
            return Turn(replies + finished.replies, [started] + finished.events)
        return Turn(replies + self._pending_question(s), [started])

    def _prefill(self: Engine, program: eligibility.Program, s: Session, said: str | None = None,
                 whole: bool = False) -> list[Reply]:
        """Facts the message that led here already gave (我儿子十九了没工作) are not asked again:
        stored as answers, confirmed in one line, changeable with 上一步. Tried at the start and
        after each answer (a headcount applies only once "enterprise" is answered). The message
        is kept in the session only while the questionnaire runs. `said`, an answer of several
        parts ("交着哩，一个都没辞退"), is read the same way for the questions after the one it
        answered; with `whole`, also when it is one part (an answer to a later question)."""
        # Each message is read on its own: whether it speaks of the person (我 …, which yes/no
        # facts need) is a property of that message, so "技能提升补贴" (the topic asked about)
        # never becomes "has a certificate" because a later answer says 我在公司上班.
        # (a result's own label, kept for follow-ups such as 能贷多少, is the bot's words: no facts)
        lead = self._without_benefit_names(s.lead_text) if s.lead_text and s.lead_text not in _result_labels() else ""
        texts = [self.reader.statements(lead)] if lead.strip() else []
        parts = self.reader.parts(said) if said else []
        if len(parts) >= 2 or (whole and parts):  # `whole`: a one-part message too (see _unclear)
            texts.append(" ".join(parts))
        found: dict[str, Any] = {}
        for text in texts:
            if text.strip():
                read = facts_from_text(program, text, {**s.answers, **found}, self.parse_answer,
                                       as_of=self.today(), personal_markers=self.reader.vocabulary.personal_markers)
                # 马上十六了 / 交了快三年了: a number said as a bound not reached is no answer of it (asked)
                counted = {v for q, v in found.items() if _counts_people(program.question(q))}
                found.update({qid: value for qid, value in read.items()
                              if not eligibility.answers.said_short_of(program.question(qid), text, value)
                              # the same headcount read again from another text is not a second count
                              and not (_counts_people(program.question(qid)) and value in counted and qid not in found)})
        # One headcount said once answers one question: 厂子里有四十个人 今年招了五个 gave the staff
        # count 40, which is no count of new hires when that question comes up later (a count of
        # people already stored for another question is asked, not taken again; an age may
        # answer two age questions)
        stored = {v for q, v in s.answers.items() if q in program.question_ids and _counts_people(program.question(q))}
        found = {qid: v for qid, v in found.items() if not _counts_people(program.question(qid)) or v not in stored}
        if not found:
            return []
        said = []
        for qid, value in found.items():
            question = program.question(qid)
            s.answers[qid] = value
            s.history.append(qid)
            said.append(_fact_line(question, value))
        return [Reply(self.t("prefilled", facts="；".join(said)))]

    def _without_benefit_names(self: Engine, text: str) -> str:
        """`text` without the name of a benefit the bot put in front of it (个人创业担保贷款, named
        beside a follow-up it answered: "<name> <what was typed>"): that name says what was
        answered, not who asks. What the person typed stays whole (扶贫车间的负责人)."""
        head, sep, rest = text.partition(" ")
        if sep and any(b.name == head for c in self.answerer.kb.clauses for b in self.answerer.kb.benefits_of(c)):
            return rest
        return text

    def _test_named(self: Engine, topic: str, s: Session, who: str | None = None, said: str | None = None) -> Turn:
        """测一测 + a policy's name ("测一测创业担保贷款", "稳岗返还也想测一下"): that program's
        questionnaire, found through the clause the name retrieves. In the middle of another
        questionnaire this switches to it; the same program, or no program found, carries on."""
        left = _ONLY_WHO.sub("", _without_parties(topic, self.answerer.kb.asking.parties))
        described = ((bool(who) or re.search(r"(?<!其)[他她]", left) is not None)
                     and not any(m in left for m in self.reader.vocabulary.ask_policy_words)
                     and not self.answerer.names_a_benefit(left))
        if described or left == "" or (left == "扶贫" and _RUNS_IT.search(f"{topic}{said or ''}{who or ''}")):  # (扶贫车间的负责人: an employer too)
            # (我儿子今年二十三 没工作 帮他测一测: what is said of him names no policy — the finder)
            # 俺是小厂老板 测一测我是否符合: who is asking, no policy named — the finder, which
            # notes 单位 from these words and lists what there is for employers
            return self._start_finder(s, who=who, said=said or topic)
        result = self.answerer.retriever.search(topic, limit=NAMED_PROGRAM_CANDIDATES)
        clause = result.candidates[0].clause.id if result.candidates and result.confidence > 0 else None
        program = self._named_last(topic, [c.clause.id for c in result.candidates]) or self._program_of_clause.get(clause or "")
        if program and (s.mode not in ("questionnaire", "finder") or program != s.program):
            return self._start_questionnaire(program, s, who=who, said=said)
        if s.mode in ("questionnaire", "finder"):
            return Turn(self._pending_question(s), [])
        return self._test_topic(s, who=who, said=said)

    def _named_last(self: Engine, topic: str, clauses: list[str]) -> str | None:
        """The program of the policy named last in `topic`, among the programs of `clauses`
        (retrieval's best few): 扶贫车间的 稳岗返还能拿不 names the workshop as the one asking
        and 稳岗返还 as what is asked — "X的Y" asks Y. Only names of a policy count: a program's
        label, or a word of its benefits (benefits.yaml) holding a policy word (understanding.yaml
        eligibility_asks.policy_words: 补贴, 贷款, 返还, 见习 …) — not 厨师证 or 门面, which tell of
        the person (测一测创业担保贷款 我考了厨师证). None when no such name is in `topic`."""
        text = bare(topic)
        marks = self.reader.vocabulary.ask_policy_words
        best: tuple[int, str] | None = None
        for clause in clauses:
            program = self._program_of_clause.get(clause)
            if program is None:
                continue
            names = [eligibility.get_program(program).label]
            names += [w for b in self.answerer.kb.benefits_of(clause) for w in (b.name, *b.words)
                      if any(m in w for m in marks)]
            for word in names:
                end = text.rfind(bare(word))
                if len(word) >= 2 and end >= 0 and (best is None or end + len(word) > best[0]):
                    best = (end + len(word), program)
        return best[1] if best else None

    def _explain(self: Engine, s: Session) -> Turn:
        """啥意思 / 听不懂 / a lone ？: in a questionnaire, the question again with how to answer
        it (its help line and the answer hint); elsewhere, what the bot can do."""
        question = self._current_question(s) if s.mode in ("questionnaire", "finder") else None
        if question is None:
            return Turn([Reply(self.t("help"), self._example_buttons() + self._menu_buttons())], [])
        return Turn(self._pending_question(s, hint=self.t("explain_question") + eligibility.answers.hint(question)), [])

    def _test_topic(self: Engine, s: Session, who: str | None = None, said: str | None = None) -> Turn:
        """测一测 typed after an answer or a result: the questionnaire of that topic's program,
        or the finder when there is none (`who`, `said`: whom it is for, as above)."""
        program = s.last_program or self._program_of_clause.get(s.last_clause or "")
        if program:
            return self._start_questionnaire(program, s, who=who, said=said)
        return self._start_finder(s, who=who, said=said)

    # ------------------------------------------------------------------ state

    def _program(self: Engine, s: Session) -> eligibility.Program:
        return eligibility.FINDER if s.program == "__finder__" else eligibility.get_program(s.program or "")

    def _current_question(self: Engine, s: Session) -> eligibility.Question | None:
        if s.mode not in ("questionnaire", "finder", "resume") or not s.program:
            return None
        if s.program == "__finder__":
            return eligibility.next_finder_question(s.answers)
        return eligibility.next_question(self._program(s), s.answers, as_of=self.today())

    def _remembered(self: Engine, key: tuple[Any, ...] | None, compute: Callable[[], Any]) -> Any:
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

    def _state_key(self: Engine, kind: str, program: str | None, answers: dict[str, Any], as_of: date,
                   *more: Any) -> tuple[Any, ...] | None:
        """What a rendering of a questionnaire's state depends on (besides the data), or None
        when the answers cannot be a key (not something parse_answer produces)."""
        try:
            frozen = tuple(sorted(answers.items()))
            hash(frozen)
        except TypeError:
            return None
        return (kind, program, frozen, as_of, *more)

    # ------------------------------------------------------------------ asking

    def _pending_question(self: Engine, s: Session | None, hint: str | None = None) -> list[Reply]:
        """The question the person is on, with its buttons, or nothing outside questionnaires."""
        if s is None or s.mode not in ("questionnaire", "finder"):
            return []
        # Read before rendering: a step rendered just after midnight is then filed under the
        # day before, where no one looks it up again (never the other way round).
        key = self._state_key("step", s.program, s.answers, self.today(), bool(s.history), hint)
        reply = self._remembered(key, lambda: self._render_pending_question(s, hint))
        return [reply] if reply is not None else []

    def _progress_text(self: Engine, s: Session) -> str:
        """第2步/共5步 when the number of questions is known; 第2步，最多5步 when an answer
        (不清楚, a 不符合) can still end it sooner. The step never goes backwards."""
        p = eligibility.progress_detail(self._program(s), s.answers, as_of=self.today())
        return f"第{p.step}步/共{p.total}步" if p.exact else f"第{p.step}步，最多{p.total}步"

    def _render_pending_question(self: Engine, s: Session, hint: str | None) -> Reply | None:
        question = self._current_question(s)
        if question is None:
            return None
        lines = [f"（{self._progress_text(s)}）{question.prompt}"]
        if question.help:
            lines.append(question.help)
        if question.kind == "number" and question.unit:
            lines.append(f"请输入数字（单位：{question.unit}），不清楚可以点“{self.t('unknown_answer')}”。")
        if hint:
            lines.insert(0, hint)
        options = question.buttons()
        option_buttons = [Button(label, answer_action(s.program or "", question.id, i)) for i, label in enumerate(options)]
        rows = [tuple(option_buttons[i:i + 2]) for i in range(0, len(option_buttons), 2)]
        nav = [Button(self.t("nav_restart"), "n:restart"), Button(self.t("nav_exit"), "n:exit")]
        if s.history:
            nav.insert(0, Button(self.t("nav_back"), "n:back"))
        rows.append(tuple(nav))
        return Reply("\n".join(lines), tuple(rows), number_input=question.kind == "number")

    # ------------------------------------------------------------------ answering

    def _on_choice(self: Engine, arg: str, s: Session) -> Turn:
        """An answer button pressed (or its label or number typed): `arg` is what follows "a:"
        (see `answer_action`). A button of another question (an old message's keyboard, tapped
        after the questionnaire moved on) is refused with a line saying so, and the current
        question is shown again; an old keyboard's bare index (sent before buttons named their
        question) is read against the current question, as it always was."""
        question = self._current_question(s) if s.mode in ("questionnaire", "finder", "resume") else None
        if question is None:
            return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])
        program, question_id, index = _answer_target(arg)
        options = question.buttons()
        current = question_id is None or (question_id == question.id and program in (None, s.program))
        if s.mode == "resume" or self._is_stale(s):
            # Back after a long while (or the "continue or restart?" prompt waiting): that
            # prompt first, as for a typed answer; this answer is kept for "继续上次".
            label = options[index] if current and index is not None and index < len(options) else None
            return self._resume_prompt(s, pending=label)
        if not current:
            return Turn(self._pending_question(s, hint=self.t("stale_answer_button")), [])
        if index is None or index >= len(options):
            return Turn(self._pending_question(s), [])
        parsed = eligibility.parse_answer(question, options[index])
        return self._store_answer(question, parsed, s)

    def _on_understood_answer(self: Engine, u: Understanding, s: Session) -> Turn:
        """An answer, an unreadable answer or a side question to the pending question. An
        answer that came with a side question ("交着哩 这钱啥时候能返下来") gets the side
        question answered first, then the answer is stored and the questionnaire goes on."""
        question = self._current_question(s)
        if question is None:  # nothing left to ask (e.g. data changed): show the result
            return self._finish(s)
        if s.flags.get(FOR_SOMEONE_ELSE) and s.program and s.program != "__finder__":
            switched = _SWITCH_TO_SELF.match(u.raw or u.text)
            if switched:
                # 那我自己呢 我交了五年, while answering for a son: not the son's answer — the
                # questionnaire starts again for the person typing, with what they said of themselves.
                rest = (u.raw or u.text)[switched.end():].strip(" ，,。")
                s.lead_text, s.lead_at = "", 0.0  # the message that named the son is not about them
                s.flags.pop(FOR_SOMEONE_ELSE, None)
                turn = self._start_questionnaire(s.program, s, said=rest or None)
                return Turn([Reply(self.t("switch_to_self"))] + turn.replies, turn.events)
        if u.kind == "answer" and u.parts:
            # asked with the answer before it (我孙子是跟人合伙的 能多贷点吗: the partnership's limit)
            side = self._digression(f"{u.text} {' '.join(u.parts)}", s, said=" ".join(u.parts), ask_again=False)
            turn = self._on_understood_answer(replace(u, parts=()), s)
            kept = question.id in s.answers or (s.finished or {}).get("answers", {}).get(question.id) is not None
            said = [Reply(self.t("prefilled", facts=question.label_of(u.answer.value)))] if kept else []
            return Turn(side.replies + said + turn.replies, side.events + turn.events)
        if (u.kind == "answer" and question.kind == "choice" and question.help and u.answer is not None
                and u.answer.ok and u.answer.value is not None and _ASKS_IF_IT_FITS.search(u.raw or u.text)):
            # 五十多了算大龄不 to 您是否属于下面的情况: an option, asked whether it fits — what the
            # question's note says of it (文件没有规定“大龄”是多少岁…), then kept as that option
            turn = self._store_answer(question, u.answer, s)
            said = re.sub(r"^请按(?:自己|您)的情况选[；;，,。]?", "", question.help)  # the note, not how to answer
            note = Reply(self.t("asked_while_answering", label=question.label_of(u.answer.value), help=said))
            return Turn([note, *turn.replies], turn.events)
        if u.kind == "side_question" and u.intent == "quit":  # 先不测了 + a question: leave, then answer
            left = self._exit(s)
            asked = self._free_question(u.text, s, said=u.raw)
            return Turn(left.replies[:1] + asked.replies, left.events + asked.events)
        if u.kind == "side_question" and WHY_NOT.search(bare(u.text)):
            why = self._why_not(s.program, dict(s.answers))  # 为啥不行, after "这一条不满足"
            if why is not None:
                return Turn([Reply(why)] + self._pending_question(s), [])
        if u.kind == "side_question":
            return self._digression(u.text, s, said=u.raw)
        if u.correction:
            # 说错了 said outright looks at earlier answers first; 不对 … yields to the current
            # question when its words answer it ("不对，没打算" answers "有创业的打算吗").
            words = self.reader.without_correction_marker(u.correction)
            current = eligibility.parse_answer(question, words, as_of=self.today())
            # 错了 是五十个 right after a count, with the next count asked: the count just given
            # (not when the words name the current question: 不对，新招的是十个 is the new hires)
            just_counted = (question.kind == "number" and bool(s.history)
                            and (prev := self._program(s).question(s.history[-1])).kind == "number"
                            and prev.unit == question.unit
                            and not shared_pairs(_WITHOUT_AMOUNTS.sub("", words), question.prompt)
                            and not eligibility.answers.echoes_named(question.prompt, words))
            # (不对 我是想自己去见习的 to 是否都属于见习对象: a wish is no answer to what is; the role is)
            planned_only = question.kind == "yesno" and bool(getattr(current, "plan", False))
            # (不对 留了三个 to a yes/no that asks no 留: the count kept on, said before, put right)
            acted_elsewhere = question.kind == "yesno" and (
                any(a in words and a not in question.prompt for a in _ACTS)
                # 不对 我二十六了 to 是失业人员吗: a figure put right is no 否 to this question
                or (_figure_only(words) and not (current.ok and current.value is True)))
            # (不对 中间断过 也就交了五六年 to 生活是否困难: the words speak of an earlier step —
            # the insurance — and not of this one; never a 否 to this question)
            program = self._program(s)
            # (only when this question does not read a yes from them: 不对 社保一直交着呢 证有 still
            # answers 证书 — a 否 may be the earlier step's own 断)
            said_of_earlier = (not (current.ok and current.value not in (None, False))
                               and not eligibility.answers.echoes_named(question.prompt, words)
                               and not shared_pairs(_WITHOUT_AMOUNTS.sub("", words), question.prompt)
                               and any(q in program.question_ids
                                       and eligibility.answers.echoes_named(program.question(q).prompt, words)
                                       for q in s.history))
            if (u.correction_explicit or not current.ok or _says_other_unit(question, words) or just_counted
                    or planned_only or acted_elsewhere or said_of_earlier):
                corrected = self._correct(words, s, current=question.id)
                if corrected is not None:
                    return corrected
            if said_of_earlier:
                return Turn(self._pending_question(s, hint=self.t("correction_unchanged")), [])
            if acted_elsewhere:
                kept = self._keep_for_later(question, words, s)  # 留了三个 replaces 留下了两个, kept for later
                if kept:
                    return Turn(kept + self._pending_question(s), [])
                if _figure_only(words) and not (current.ok and current.value is True):
                    # nothing it can change: this question again
                    return Turn(self._pending_question(s, hint=self.t("number_to_yesno")), [])
            if u.correction_explicit:  # they erred but we cannot tell where: one step back
                return self._on_nav("back", s)
            if current.ok:
                return self._store_answer(question, current, s, said=words)
        parsed = u.answer
        planned = bool(getattr(parsed, "plan", False))  # 想留两个: a plan, never a count kept on
        if parsed is None or (not parsed.ok and getattr(parsed, "range", None) is None):
            implied = None if planned else self._count_implies_yes(question, u.text, s)
            if implied is not None:
                return implied
            return self._unclear(u, s, getattr(parsed, "error", None))
        split = self._counts_apart(question, u.text, s)
        if split is not None:
            return split
        hires = self._hires_for_staff(question, u.text, s)
        if hires is not None:
            return hires
        if parsed.ok and parsed.value is True and not planned and question.kind == "yesno":
            # 留下了三个 / 满了 留下了三个: 是, and the count of people its follow-up asks
            implied = self._count_implies_yes(question, u.text, s, said_yes=True)
            if implied is not None:
                return implied
        return self._answer_read(question, parsed, s, u.text)

    def _hires_for_staff(self: Engine, question: eligibility.Question, text: str, s: Session) -> Turn | None:
        """今年新招了十三个, typed when the whole staff is asked (现有在职职工多少人): the count
        answers the hires' question (Question.counts_hires), kept for it, and the staff is asked
        again. None when the words name the staff (厂里一共五十个) or no hires, or the programme
        asks no hires."""
        if (not question.adds_hires or _NEW_HIRES.search(text) is None or _STAFF_CUE.search(text) is not None
                or _COUNTED_IN.search(text) is not None):
            return None  # (算上新招的三十个 / 雇了三十个: the whole staff, as the question asks)
        program = self._program(s)
        hires_q = next((q for q in program.questions if q.counts_hires and q.id not in s.answers), None)
        if hires_q is None:
            return None
        parsed = self.parse_answer(hires_q, text, as_of=self.today())
        rough = getattr(parsed, "range", None)
        if not parsed.ok and rough is not None:
            # 今年招了五六个: the hires said roughly — asked at their own step, not read as the staff
            hint = self.t("hires_rough_later", low=_num(rough[0]), high=_num(rough[1]))
            return Turn(self._pending_question(s, hint=hint), [])
        if not parsed.ok or parsed.value is None:
            return None
        s.answers[hires_q.id] = parsed.value
        s.history.append(hires_q.id)
        kept = Reply(self.t("hires_kept", answer=hires_q.label_of(parsed.value)))
        return Turn([kept] + self._pending_question(s, hint=self.t("staff_after_hires")), [])

    def _counts_apart(self: Engine, question: eligibility.Question, text: str, s: Session) -> Turn | None:
        """Two headcounts in one answer, one said as the whole (厂里原来八十个人, 一共收了十个:
        answer_words.yaml yesno.totals) and one not (今年招了五六个): the whole answers the
        program's total — its first question in people (接收了几名见习人员, 现有在职职工多少人) —
        and the other the people question asked after it; each is read as any answer to its
        question (a rough count settled or asked again). A total already answered is kept as
        answered. None when the message is not two such parts or the pending question is not
        one of those two."""
        if question.kind != "number" or question.unit != "人" or s.program == "__finder__":
            return None
        parts = [p for p in self.reader.parts(text) if _PEOPLE_COUNT.search(p)]
        if len(parts) != 2:
            return None
        totals = eligibility.answers.current_words().totals
        whole = [p for p in parts if any(w in p for w in totals)]
        if len(whole) != 1:
            return None
        whole_part, other_part = whole[0], next(p for p in parts if p is not whole[0])
        program = self._program(s)
        people = [q for q in program.questions if q.kind == "number" and q.unit == "人"]
        total_q = next((q for q in people if q.id == question.id or eligibility.engine.applies(q.ask_if, s.answers)), None)
        if total_q is None:
            return None
        replies: list[Reply] = []
        # 原来二十个人，今年又招了五个 to a headcount that counts the hires in (现有在职职工): both together
        joined = self.parse_answer(total_q, text, as_of=self.today()) if total_q.adds_hires else None
        total_read = joined if joined is not None and joined.ok and joined.note else None
        if question.id == total_q.id:  # the whole first, then the other count if it is asked next
            turn = self._answer_read(question, total_read or self.parse_answer(question, whole_part, as_of=self.today()),
                                     s, whole_part)
            if total_read is not None:
                turn = Turn([Reply(f"{total_read.note}。")] + turn.replies, turn.events)
            follow = self._current_question(s)
            if follow is None or follow.kind != "number" or follow.unit != "人" or question.id not in s.answers:
                return turn
            stored = Reply(self.t("prefilled", facts=question.label_of(s.answers[question.id])))
            turn = self._answer_read(follow, self.parse_answer(follow, other_part, as_of=self.today()), s, other_part)
            return Turn([stored] + turn.replies, turn.events)
        if total_q.id not in s.answers:  # the pending count, with the whole it is part of
            value = total_read or self.parse_answer(total_q, whole_part, as_of=self.today())
            if value.ok and value.value is not None and not value.approximate:
                s.answers[total_q.id] = value.value
                s.history.append(total_q.id)
                replies.append(Reply(self.t("prefilled", facts=total_q.label_of(value.value))))
        turn = self._answer_read(question, self.parse_answer(question, other_part, as_of=self.today()), s, other_part)
        return Turn(replies + turn.replies, turn.events)

    def _answer_read(self: Engine, question: eligibility.Question, parsed: Any, s: Session, said: str) -> Turn:
        """A read answer (`parsed`: ok, or a rough range) to `question`: a range settled or
        asked again, a guess near a threshold asked again, a year bracketed, else stored."""
        if not parsed.ok:  # a rough range: settled when every value in it gives the same result
            below = getattr(parsed, "below", None)
            if below is not None and not parsed.note:  # 不到三年: how far under is not said, asked
                return Turn(self._pending_question(s, hint=parsed.error), [])
            settled = self._settle_range(question, parsed.range, s)
            if settled is None:
                # asked once more for the exact figure, saying what is known for the range; a second
                # rough figure (or 不清楚) keeps the range for the end (`_keep_range`)
                before = s.flags.get(question.id + _RANGE_ASKED)
                if before is not None and _overlaps(parsed.range, before):
                    # the same figure said roughly again (差不多 一百二三十), not another one (今年招了
                    # 五六个 to the staff, after 二十来个: the hires)
                    kept = self._keep_range(question, parsed.range, s, said)
                    if kept is not None:
                        return kept
                s.flags[question.id + _RANGE_ASKED] = _range_flag(parsed.range)
                return Turn(self._pending_question(s, hint=self._range_hint(question, parsed, s)), [])
            low, high = parsed.range
            unit = question.unit
            if below is not None:
                # 快三年: every value just under the bound gives this result; the one just under
                # it is stored (never the low end, nor the bound: 快三年 is not 3年), and the bound
                # too where the programme reads it (<id>_below), so no text says 2年11个月 / 还差1个月
                s.flags[question.id] = parsed.note
                return self._advance(question, high, s, parsed.note + "。", below=below)
            note = self.t("range_settled", low=_num(low), high=_num(high), unit=unit)
            s.flags[question.id] = f"按您说的{_num(low)}—{_num(high)}{unit}估算（这个范围内结果都一样）"
            return self._advance(question, settled, s, note)
        about = getattr(parsed, "about", None)
        if about is not None and self._decided_within(question, about, s):
            low, high = about
            hint = self.t("about_exact", said=question.label_of(parsed.value), low=_num(low), high=_num(high),
                          unit=question.unit)
            return Turn(self._pending_question(s, hint=hint), [])
        if getattr(parsed, "range", None) is not None and question.unit in SETTLE_UNITS:
            return self._bracketed(question, parsed, s)
        return self._store_answer(question, parsed, s, said=said)

    def _decided_within(self: Engine, question: eligibility.Question, bounds: tuple[float, float], s: Session) -> bool:
        """Whether a guessed number (一百个人左右 → 90—110) could change the result within
        `bounds`, so the exact number must be asked: a threshold of the program in the
        question's unit lies inside (the 100-staff line of the startup loan, whose deciding
        answer — the new hires — is not known yet), or, with what is already answered, the
        next question, a verdict or a condition (a 50% retention tier) differs across the
        values. The amount alone may differ (the answer is then marked approximate). Only for
        counts, money and months; a number of years only when a threshold lies inside (差不多三年
        against 3 years of insurance); a guessed age (应该是22岁) is taken as said, and years
        worked out from a date are bracketed (`_bracketed`). Never in the finder, which only
        ranks programs."""
        if s.program == "__finder__" or not question.unit or question.unit == "岁":
            return False  # an age said as a guess (应该是22岁) is taken as said
        program = self._program(s)
        low, high = bounds
        as_of = self.today()
        for name, parameter in eligibility.default_context().params.by_name.items():
            if (not (name.startswith(f"{program.id}.") or name in program.parameters)
                    or parameter.unit != question.unit):
                continue
            entry = parameter.at(as_of)
            value = entry.value if entry is not None else None
            if isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high:
                return True  # (差不多三年 against the 3 years of insurance: just under or over)
        if question.unit in SETTLE_UNITS:
            return False  # a number of years said as a guess, away from any threshold: taken as said
        values: set[float] = {low, high}
        if question.integer and math.floor(high) - math.ceil(low) <= SETTLE_MAX_VALUES:
            values.update(range(math.ceil(low), math.floor(high) + 1))
        seen = set()
        for value in sorted(values):
            answers = {**s.answers, question.id: value}
            nxt = eligibility.next_question(program, answers, as_of=as_of)
            seen.add((nxt.id if nxt else None, _outcome(eligibility.assess(program, answers, as_of=as_of))))
            if len(seen) > 1:
                return True
        return False

    def _unclear(self: Engine, u: Understanding, s: Session, hint: str | None) -> Turn:
        """An answer the pending question cannot read: asked again with how to answer. When it
        answers a later question instead ("我在超市上班" to "您今年多少岁"), that answer is
        kept (said in one line, changeable with 上一步) and the pending question stays."""
        current = self._current_question(s)
        kept = self._prefill(self._program(s), s, u.text, whole=True) if u.kind == "unclear_answer" else []
        if kept and self._current_question(s) is current:
            return Turn(kept + self._pending_question(s), [])
        if kept:  # what it answered settled the pending question too (it no longer applies)
            if self._current_question(s) is None:
                finished = self._finish(s)
                return Turn(kept + finished.replies, finished.events)
            return Turn(kept + self._pending_question(s), [])
        if current is not None and self._names_other_choice(current, u.text, s):
            # 合伙 typed to 是否问过经办机构, after 个人从事个体经营 was taken from an earlier
            # message: the earlier choice put right, as after 不对
            corrected = self._correct(u.text, s, current=current.id)
            if corrected is not None:
                return corrected
        later = self._keep_for_later(current, u.text, s) if current is not None else []
        return Turn(later + self._pending_question(s, hint=hint), [])

    def _names_other_choice(self: Engine, current: eligibility.Question, text: str, s: Session) -> bool:
        """Whether `text`, which does not answer `current`, names another option of a choice
        question answered before (合伙 after 个人从事个体经营): read as putting that answer right."""
        plain = bare(text).rstrip("的呢哩啊呀吧嘛")
        if s.program in (None, "__finder__") or not plain or _NUMERAL.search(plain):
            return False
        program = self._program(s)
        words = eligibility.answers.current_words()
        for qid in s.history:
            if qid == current.id or qid not in program.question_ids:
                continue
            question = program.question(qid)
            if question.kind != "choice":
                continue
            # the whole message is that option's label or one of its words (合伙, 是合伙的) — not
            # a sentence holding one (单位说要等, 有两个是大学生 一个是三十岁的)
            options = words.choices.get((program.id, qid), {})
            said = {plain, plain.removeprefix("是")}
            named = [c.value for c in question.choices
                     if said & {bare(c.label), *(bare(w) for w in options.get(c.value, ()))}]
            if len(named) == 1 and named[0] != s.answers.get(qid):
                return True
        return False

    def _keep_for_later(self: Engine, question: eligibility.Question, text: str, s: Session) -> list[Reply]:
        """A number typed to a question that takes none (五万块 to 是否参加了失业保险): when exactly
        one later number question of the programme, not yet answered, reads it exactly (the
        contribution in 元; a sum of money is never a headcount), it is kept for that question
        (`_KEPT` flag) and used as its answer when it applies (`_apply_kept`); the line saying
        so is returned. [] otherwise (the pending question is asked again with how to answer)."""
        if question.kind == "number" or s.program in (None, "__finder__") or not _NUMERAL.search(text):
            return []  # (没有 to 以哪种方式创业 is no count of 0 new hires: a number must be typed)
        program = self._program(s)
        ids = [q.id for q in program.questions]
        if question.id not in ids:
            return []
        open_ids = {q.id for q in eligibility.engine.remaining_questions(program, s.answers, eligibility.default_context(),
                                                                          as_of=self.today())}
        while True:  # a question behind one never asked (an ended part: 2019年困难企业) is never asked either
            closed = {q.id for q in program.questions if q.id in open_ids
                      and any(a not in s.answers and a not in open_ids for a in q.ask_if)}
            if not closed:
                break
            open_ids -= closed
        hits = []
        for later in program.questions[ids.index(question.id) + 1:]:
            if later.kind != "number" or later.id not in open_ids:
                continue
            parsed = eligibility.parse_answer(later, text, as_of=self.today())
            if (parsed.ok and parsed.value is not None and not getattr(parsed, "approximate", False)
                    and not self._more_than_counted(later, parsed.value, s)):
                hits.append((later, parsed.value))
        if len(hits) > 1:  # 收了五个见习的: the count of people, not 5 months
            hits = [(q, v) for q, v in hits if said_with_unit(q, text)]
        if len(hits) != 1:
            return []
        later, value = hits[0]
        s.flags[later.id + _KEPT] = text
        return [Reply(self.t("prefilled", facts=f"{later.short or later.prompt.rstrip('？?')}：{later.label_of(value)}"))]

    def _apply_kept(self: Engine, s: Session) -> None:
        """Numbers kept by `_keep_for_later` stored as the answers of their questions once those
        apply (still read exactly); kept ones whose question is answered otherwise are dropped."""
        if not any(k.endswith(_KEPT) for k in s.flags):
            return
        program = self._program(s)
        for key in [k for k in s.flags if k.endswith(_KEPT)]:
            qid = key[: -len(_KEPT)]
            try:
                question = program.question(qid)
            except KeyError:
                s.flags.pop(key)
                continue
            if qid in s.answers:
                s.flags.pop(key)
            elif eligibility.engine.applies(question.ask_if, s.answers):
                parsed = eligibility.parse_answer(question, s.flags.pop(key), as_of=self.today())
                if parsed.ok and parsed.value is not None:
                    s.answers[qid] = parsed.value
                    s.history.append(qid)

    def _bracketed(self: Engine, question: eligibility.Question, parsed: Any, s: Session) -> Turn:
        """A value worked out from a year (03年出生 → 22 or 23 周岁; 从22年开始交 → 3.9 to 4.9
        years): kept when every value in the bracket gives the same result, else asked again.
        An age is stored as the completed years it is sure of (周岁, the lower end)."""
        low, high = parsed.range
        if s.program == "__finder__":  # the finder only ranks programs; each asks again if it matters
            return self._store_answer(question, parsed, s)
        settled = self._settle_range(question, (low, high), s)
        if settled is None:
            hint = f"{parsed.note}，" if parsed.note else ""
            return Turn(self._pending_question(s, hint=hint + self.t("range_exact")), [])
        if question.unit == "岁" and float(low).is_integer() and float(high).is_integer() and high > low:
            note = (parsed.note or "").split("，")[0].split("（")[0]
            note = f"{note.split('今年')[0].rstrip('，')}，今年{_num(low)}或{_num(high)}周岁，结果一样"
            s.flags[question.id] = note
            return self._advance(question, int(low), s, note + "。")
        return self._store_answer(question, parsed, s)

    def _count_implies_yes(self: Engine, question: eligibility.Question, text: str, s: Session,
                           said_yes: bool = False) -> Turn | None:
        """A count of people typed to a yes/no question whose follow-up presupposes 是 and asks
        that count ("三个" or "留下了三个" to 见习期已经满了吗, whose next question, asked only on 是,
        is 见习期满后实际留用了几人): both are stored (a rough count, 五六个, then goes the way
        of any rough count: settled when it cannot change the result, else asked again).

        Only a follow-up in people (unit 人) whose prompt names what the yes/no question asks
        (见习期满 in both): a sum of money (稳岗返还's 上年度缴纳的失业保险费) or a headcount
        that is not about it (参保职工 after 是否面临困难) is never read from such an answer.
        With `said_yes` (the answer already read as 是) the text must say a count of people
        (三个, 3人), not merely hold a number. None when no such follow-up reads the text."""
        if question.kind != "yesno":
            return None
        for follow in self._program(s).questions:
            if (follow.kind != "number" or follow.unit != "人" or dict(follow.ask_if) != {question.id: (True,)}
                    or not _presupposes(follow, question)):
                continue
            if said_yes and not _PEOPLE_COUNT.search(text):
                return None
            if said_yes and any(a in follow.prompt and a not in text for a in _ACTS):
                return None  # 满了 四个人的生活费都发了: a count beside 是 that is not said kept on (留)
            parsed = eligibility.parse_answer(follow, text, as_of=self.today())
            if parsed.value is None and getattr(parsed, "range", None) is None:
                parsed = self._count_after_total(follow, text, s)
            if parsed is None or (parsed.value is None and getattr(parsed, "range", None) is None):
                return None
            if self._more_than_counted(follow, parsed.value, s):
                return None
            s.answers[question.id] = True
            if question.id in s.history:
                s.history.remove(question.id)
            s.history.append(question.id)
            s.flags.pop(question.id, None)
            said = Reply(self.t("prefilled", facts=question.short or question.prompt.rstrip("？?")))
            turn = self._answer_read(follow, parsed, s, text)
            return Turn([said] + turn.replies, turn.events)
        return None

    def _more_than_counted(self: Engine, follow: eligibility.Question, value: Any, s: Session) -> bool:
        """Whether `value`, typed to another step and read as the count `follow` asks of a part of
        some people (its prompt says 其中 or 留用: 见习期满后实际留用了几人), is more than a count of
        people already answered in this test (接收了几名见习人员: 5) — then it counts no part of
        them (十二 to 见习期已经满了吗 after 5 received is not 12 kept on) and is not stored."""
        if (follow.unit != "人" or not any(w in follow.prompt for w in _PART_OF)
                or isinstance(value, bool) or not isinstance(value, int | float)):
            return False
        return any(q.kind == "number" and q.unit == "人" and q.id != follow.id
                   and isinstance(answered := s.answers.get(q.id), int | float) and not isinstance(answered, bool)
                   and value > answered for q in self._program(s).questions)

    def _count_after_total(self: Engine, follow: eligibility.Question, text: str, s: Session) -> Any:
        """五个留下了四个: the total already answered (5 interns received) said again before the
        count `follow` asks (the 4 kept on, after its act 留): that count read alone. None when
        the words before the act say no count already answered."""
        act = next((a for a in _ACTS if a in follow.prompt), None)
        at = text.find(act) if act else -1
        if at <= 0:
            return None
        before = eligibility.parse_answer(follow, text[:at], as_of=self.today())
        totals = {v for q in self._program(s).questions if q.kind == "number" and q.unit == "人"
                  and q.id != follow.id and (v := s.answers.get(q.id)) is not None}
        if before.value is None or before.value not in totals:
            return None
        return eligibility.parse_answer(follow, text[at:], as_of=self.today())

    def _store_answer(self: Engine, question: eligibility.Question, parsed: Any, s: Session,
                      said: str | None = None) -> Turn:
        again = f"{question.id}#asked_again"  # a marker among the flags, never a question id
        if again in s.flags and said is not None and bare(said) in self.reader.vocabulary.acknowledgements:
            # 不晓得, then 嗯 / 好的 to "再回答一次‘不清楚’": agreeing it is not known, not 是
            parsed = replace(parsed, value=None, unknown=True)
        if parsed.value is None and s.program == "__finder__" and question.id == eligibility.FINDER.questions[0].id:
            # 不清楚 to the finder's 个人还是单位: nothing can be found without it — what each
            # means, asked once more (a second 不清楚 lists what there is for both)
            if again not in s.flags:
                s.flags[again] = "1"
                return Turn(self._pending_question(s, hint=self.t("finder_role_unknown")), [])
            s.flags.pop(again)
        rough = s.flags.pop(question.id + _RANGE_ASKED, None)
        if parsed.value is None and rough is not None and not getattr(parsed, "range", None):
            # 二十来个, asked for the exact figure, then 不清楚: the range said is what is known
            kept = self._keep_range(question, _flag_range(rough), s, said)
            if kept is not None:
                return kept
        if parsed.value is None and question.unknown_goes_on:
            # 不清楚 to a condition (参保了吗): asked once more with why and how to find out; a
            # second 不清楚 goes on to the other questions, the result marking it 待核实.
            if s.flags.pop(again, None) is None:
                s.flags[again] = "1"
                return Turn(self._pending_question(s, hint=self.t("unknown_once", why=question.help)), [])
            s.flags[question.id] = self.t("unknown_kept")
            return self._advance(question, None, s, None, said)
        s.flags.pop(again, None)
        flag = None
        if getattr(parsed, "tentative", False):
            flag = TENTATIVE.format(answer=question.label_of(parsed.value))
        elif getattr(parsed, "approximate", False):
            flag = getattr(parsed, "note", None) or f"按您说的大约{question.label_of(parsed.value)}估算"
        elif (question.kind == "choice" and said and parsed.value is not None and _PEOPLE_COUNT.search(said)
              and not _COUNTED_LABEL.search(question.label_of(parsed.value))):
            # 裁了十几个 read as 少量裁员: the document sets no number for it, so the result says so
            pieces = [p for p in re.split(r"[\s，,。；;]+", said) if _PEOPLE_COUNT.search(p)]
            # 厂里八十个人 裁了四十个: the count of the act asked (裁), not the whole staff
            acted = [p for p in pieces if any(a in p and a in question.prompt for a in _ACTS)]
            counted = (acted or pieces or [said.strip()])[0]
            whole = next((p for p in pieces if p != counted and any(w in p for w in eligibility.answers.current_words().totals)), None)
            flag = count_read_as(f"{counted}（{whole}）" if whole else counted, question.label_of(parsed.value))
        if flag:
            s.flags[question.id] = flag
        else:
            s.flags.pop(question.id, None)
        return self._advance(question, parsed.value, s, getattr(parsed, "note", None), said)

    def _advance(self: Engine, question: eligibility.Question, value: Any, s: Session, note: str | None,
                 said: str | None = None, below: float | None = None,
                 ranged: tuple[float, float] | None = None) -> Turn:
        """Store `value` for `question` and go on; `below`: the bound a rough answer is under
        (快三年 → 3), kept as the hidden answer <id>_below where the programme has one;
        `ranged`: the rough range `value` (its low end) stands for, weighed when the
        questionnaire ends (`_keep_range`)."""
        before = dict(s.answers)
        s.answers[question.id] = value
        s.flags.pop(question.id + _RANGED, None)
        s.flags.pop(question.id + _RANGE_ASKED, None)
        if ranged is not None:
            s.flags[question.id + _RANGED] = _range_flag(ranged)
        bound_id = question.id + BELOW
        s.answers.pop(bound_id, None)
        if below is not None and s.program != "__finder__" and bound_id in self._program(s).question_ids:
            s.answers[bound_id] = below
        if question.id in s.history:
            s.history.remove(question.id)
        s.history.append(question.id)
        s.questionnaire_at = self.clock()
        lead = [Reply(note)] if note else []
        self._apply_kept(s)  # before the prefill, which would say a kept number a second time
        lead += self._stated(question, value, s, said)
        lead += self._prefill(self._program(s), s, said)
        if self._current_question(s) is None:
            finished = self._finish(s)
            return Turn(lead + finished.replies, finished.events)
        return Turn(lead + self._ruled_out(question, before, s) + self._pending_question(s), [])

    def _ruled_out(self: Engine, question: eligibility.Question, before: dict[str, Any], s: Session) -> list[Reply]:
        """When the answer just given fails a condition on its own (每人见习几个月 → 2, against the
        3—12个月 of 第六条) and so turns the main result to 不符合 whatever comes next: say so at
        once, with the way back (上一步), instead of only in the result a few questions later.
        Only a required condition outside any either-or group counts; [] otherwise."""
        if s.program in (None, "__finder__"):
            return []
        program = self._program(s)
        after = eligibility.assess(program, dict(s.answers), as_of=self.today()).main
        if after.verdict != eligibility.NOT_ELIGIBLE:
            return []
        was = {c.id for c in eligibility.assess(program, before, as_of=self.today()).main.checks
               if c.status == NOT_MET}
        failed = [c for c in after.checks if c.required and c.group is None and c.status == NOT_MET
                  and c.id not in was]
        if not failed:
            return []
        c = failed[0]
        return [Reply(self.t("ruled_out", condition=c.text, note=f"（{c.note}）" if c.note else ""))]

    def _stated(self: Engine, question: eligibility.Question, value: Any, s: Session, said: str | None) -> list[Reply]:
        """What an answer states outright besides answering its question, in the words of
        eligibility/data/stated_facts.yaml: "大专毕业的 在超市打工呢" to 您属于哪一类 also says the
        person works now (第六条 is for people without work); a pressed option's own label too
        (the 中职 option names the 国家级贫困县, so that is not asked again). A typed answer's
        facts are said in one line (changeable with 上一步); a button's are not (it was pressed)."""
        if s.program in (None, "__finder__"):
            return []
        text = said if said else (question.label_of(value) if question.kind == "choice" and value is not None else "")
        if not text:
            return []
        program = self._program(s)
        found = stated_facts(program, text, s.answers)
        for qid, found_value in found.items():
            s.answers[qid] = found_value
            if said:
                s.history.append(qid)
            else:  # not a step of its own: 上一步 takes it back with the button's answer
                s.flags[qid + _STATED_BY] = question.id
        if not found or not said:
            return []
        facts = [_fact_line(program.question(qid), found_value) for qid, found_value in found.items()]
        return [Reply(self.t("prefilled", facts="；".join(facts)))]

    def _settle_range(self: Engine, question: eligibility.Question, bounds: tuple[float, float], s: Session) -> Any:
        """The value to store for a range when every whole value in it gives the same next step,
        verdict and amount; None when they differ (then the exact number is asked)."""
        counted = question.unit in SETTLE_COUNTS
        if (question.unit not in SETTLE_UNITS and not counted) or s.program == "__finder__":
            return None
        low, high = math.ceil(bounds[0]), math.floor(bounds[1])
        if bounds[1] < bounds[0] or high - low > SETTLE_MAX_VALUES:
            return None
        program = self._program(s)
        seen = set()
        values = sorted({bounds[0], bounds[1], *range(low, high + 1)})
        variants = self._ranged_variants(s, program, skip=question.id)
        if variants is None or len(values) * len(variants) > RANGE_GRID_MAX:
            return None
        for value, other in ((v, o) for v in values for o in variants):
            answers = {**s.answers, **other, question.id: value}
            if counted:  # every way the questions still to come can be answered must agree
                ends = self._every_end(program, answers)
                if ends is None:
                    return None  # a number still to come: it may multiply this count
                seen.add(tuple(sorted(ends.items(), key=repr)))
                if len(seen) > 1:
                    return None
                continue
            nxt = eligibility.next_question(program, answers, as_of=self.today())
            result = eligibility.assess(program, answers, as_of=self.today())
            seen.add((nxt.id if nxt else None, result.verdict, result.amount, _outcome(result)))
            if len(seen) > 1:
                return None
        return int(low) if float(bounds[0]).is_integer() else bounds[0]

    def _range_hint(self: Engine, question: eligibility.Question, parsed: Any, s: Session) -> str:
        """Why a rough figure is asked again: when this is the last question and both ends of the
        range give the same verdict and conditions (money is only multiplied), the amount the
        range gives first (七八千 to the contribution: 金额约4200元—4800元); then the request for the
        exact number, and — only where `_keepable` would keep the range — that 不清楚 goes on with
        it. Where it would not, the parser's own request is given as is."""
        low, high = parsed.range
        unit = question.unit
        program = self._program(s) if s.program and s.program != "__finder__" else None
        preview = ""
        if program is not None:
            ends = [{**s.answers, question.id: v} for v in (low, high)]
            if all(eligibility.next_question(program, a, as_of=self.today()) is None for a in ends):
                results = [eligibility.assess(program, a, as_of=self.today()) for a in ends]
                same = len({(r.verdict, _outcome(r)) for r in results}) == 1
                amounts = [r.amount for r in results]
                if same and None not in amounts and amounts[0] != amounts[1]:
                    preview = self.t("range_preview", low=_num(low), high=_num(high), unit=unit,
                                     verdict=results[0].verdict, amounts=f"{wan(min(amounts))}—{wan(max(amounts))}")
        if self._keepable(question, (low, high), s) is None:
            return preview + (parsed.error or "")  # (不清楚 would leave it unknown: nothing promised)
        asked = self.t("range_asked", low=_num(low), high=_num(high), unit=unit)
        return preview + asked + self.t("range_or_unknown", low=_num(low), high=_num(high), unit=unit)

    def _keep_range(self: Engine, question: eligibility.Question, bounds: tuple[float, float], s: Session,
                    said: str | None) -> Turn | None:
        """A rough figure that the steps still to come may decide with (在职一百二三十个人, before
        the new hires), or that changes only the amount (交了七八千 to the refund's contribution;
        七八个见习的): kept as the range (`_RANGED`), its low end stored, and the whole range
        weighed when the questionnaire ends (`_unsettled_range`) — the exact number is asked only
        if the verdict or a condition differs within it; an amount that differs is given as a
        range. None (nothing stored: the exact number is asked) when `_keepable` says no."""
        kept = self._keepable(question, bounds, s)
        if kept is None:
            return None
        (low, high), last = kept
        # (the last question: the result's own note says how the range was weighed)
        note = None if last else self.t("range_kept", low=_num(low), high=_num(high), unit=question.unit)
        return self._advance(question, low, s, note, said, ranged=(low, high))

    def _keepable(self: Engine, question: eligibility.Question, bounds: tuple[float, float],
                  s: Session) -> tuple[tuple[float, float], bool] | None:
        """((low, high) as kept — whole numbers for an integer question —, whether it is the last
        question) when a rough figure may be kept for later (`_keep_range`); None in the finder,
        for units other than people, money and months (ages and years are settled apart), for a
        range of one value or wider than SETTLE_MAX_VALUES + 1 people or months, when the range
        holds a threshold of the programme (`_decided_within`), when the next step itself
        depends on the figure, or when nothing left may compare or multiply it and a verdict or
        condition already differs within it. Changes nothing."""
        if question.unit not in _RANGE_KEPT_UNITS or s.program == "__finder__":
            return None
        low, high = bounds
        if question.integer:
            low, high = math.ceil(low), math.floor(high)
        if high <= low or self._decided_within(question, (low, high), s):
            return None
        values = _range_values(question, low, high)
        if values is None:
            return None
        program = self._program(s)
        nexts = {getattr(eligibility.next_question(program, {**s.answers, question.id: v}, as_of=self.today()), "id", None)
                 for v in values}
        if len(nexts) != 1:
            return None  # (the next step itself depends on the figure)
        ends = []
        for v in values:
            end = self._every_end(program, {**s.answers, question.id: v})
            if end is None:
                break  # a number still to come may compare or multiply it: weighed at the end
            ends.append({path: (verdict, outcome) for path, (verdict, _amount, outcome) in end.items()})
        else:  # nothing left that may: every way the rest can go must agree (the amount aside)
            if any(e != ends[0] for e in ends[1:]):
                return None
        return (low, high), None in nexts

    def _ranged_variants(self: Engine, s: Session, program: eligibility.Program,
                         skip: str | None = None) -> list[dict[str, Any]] | None:
        """Every combination of the values of the rough ranges kept (`_keep_range`) whose
        question still holds the low end it stored: [{question id: value}, …] ([{}] when none
        is kept); None when there are more than RANGE_GRID_MAX."""
        combos: list[dict[str, Any]] = [{}]
        for qid, (low, high) in self._ranges_kept(s, program).items():
            if qid == skip:
                continue
            values = _range_values(program.question(qid), low, high) or ()  # (never wider: `_keepable`)
            combos = [{**c, qid: v} for c in combos for v in values]
            if len(combos) > RANGE_GRID_MAX:
                return None
        return combos

    def _ranges_kept(self: Engine, s: Session, program: eligibility.Program) -> dict[str, tuple[float, float]]:
        """{question id: (low, high)} of the rough ranges kept whose question still holds the low
        end stored (one answered exactly since is no range any more)."""
        out = {}
        for key, kept in s.flags.items():
            qid = key[: -len(_RANGED)] if key.endswith(_RANGED) else None
            if qid is None or qid not in program.question_ids:
                continue
            low, high = _flag_range(kept)
            if s.answers.get(qid) is not None and float(s.answers[qid]) == low:
                out[qid] = (low, high)
        return out

    def _unsettled_range(self: Engine, s: Session) -> Turn | None:
        """At the end of a questionnaire with rough figures kept (`_keep_range`): when every
        combination of their values gives the same verdict and conditions, each is noted for
        the result (按您说的120—130人估算…, with the amount as a range where it differs) and None
        is returned (the ranges stay with the result: a correction after it is weighed over them
        again); otherwise a figure whose value differs between two combinations that give
        different results is dropped and asked again exactly, with why."""
        if not s.program or s.program == "__finder__" or not any(k.endswith(_RANGED) for k in s.flags):
            return None
        program = self._program(s)
        ranged = self._ranges_kept(s, program)
        variants = self._ranged_variants(s, program)
        for key in [k for k in s.flags if k.endswith(_RANGED) and k[: -len(_RANGED)] not in ranged]:
            s.flags.pop(key)  # (answered exactly since) — the others stay with the result, so that
        if not ranged:        # a correction after it (不对 新招的是十八个) is weighed over them again
            return None
        seen: dict[tuple[Any, ...], dict[str, Any]] = {}
        amounts: set[float] = set()
        for combo in variants or ():
            result = eligibility.assess(program, {**s.answers, **combo}, as_of=self.today())
            seen.setdefault((result.verdict, _outcome(result)), combo)
            if result.amount is not None:
                amounts.add(result.amount)
            if len(seen) > 1:
                break
        if variants is not None and len(seen) == 1:
            sums = f"，金额约{wan(min(amounts))}—{wan(max(amounts))}" if len(amounts) > 1 else ""
            for qid, (low, high) in ranged.items():
                unit = program.question(qid).unit
                # (the lines below are worked out at the low end, said so where the amount differs)
                same = f"（下面按{_num(low)}{unit}算）" if len(amounts) > 1 else "（这个范围内结果都一样）"
                s.flags[qid] = f"按您说的{_num(low)}—{_num(high)}{unit}估算{sums}{same}"
                sums = ""  # said once, beside the first figure
            return None
        # the figure whose range alone changes the result (else the first), asked exactly
        first = next(iter(ranged))
        if len(seen) > 1:
            a, b = list(seen.values())[:2]
            first = next((qid for qid in ranged if a.get(qid) != b.get(qid)), first)
        question = program.question(first)
        low, high = ranged[first]
        s.flags.pop(first + _RANGED, None)
        s.flags.pop(first, None)  # (a note of an earlier result on it)
        s.answers.pop(first, None)
        if first in s.history:
            s.history.remove(first)
        hint = self.t("range_exact_now", low=_num(low), high=_num(high), unit=question.unit)
        return Turn(self._pending_question(s, hint=hint), [])

    def _every_end(self: Engine, program: eligibility.Program, answers: dict[str, Any],
                   depth: int = 0) -> dict[tuple[Any, ...], tuple[Any, ...]] | None:
        """{the answers still to come (question id, value)…: (verdict, amount, each condition's
        status)} over every way the remaining yes/no and choice questions can be answered (不清楚
        included); None when a number question is still to come (or the walk is too deep)."""
        nxt = eligibility.next_question(program, answers, as_of=self.today())
        if nxt is None:
            result = eligibility.assess(program, answers, as_of=self.today())
            return {(): (result.verdict, result.amount, _outcome(result))}
        if depth >= 4 or nxt.kind not in ("yesno", "choice"):
            return None
        options: list[Any] = [True, False] if nxt.kind == "yesno" else [c.value for c in nxt.choices]
        out: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for option in [*options, None]:
            below = self._every_end(program, {**answers, nxt.id: option}, depth + 1)
            if below is None:
                return None
            out.update({((nxt.id, option), *path): end for path, end in below.items()})
        return out

    def _correct(self: Engine, text: str, s: Session, current: str | None = None,
                 note: str = "corrected") -> Turn | None:
        """不对 / 说错了 + words that answer an EARLIER question differently ("不对 我不是低保
        是大龄"): that answer is changed (answers that no longer apply are dropped) and the
        questionnaire goes on from there. None when the words change no earlier answer."""
        program = self._program(s)
        changes: list[tuple[eligibility.Question, Any, float]] = []  # (question, parsed, words shared)
        edit = eligibility.answers.zero_edit(text)
        for qid in reversed(s.history) if edit is not None else ():
            # 多打了个零 / 少写了个零: the number answers said before, ÷ or × 10 per zero
            question = program.question(qid) if qid in program.question_ids else None
            value = s.answers.get(qid)
            if question is None or question.kind != "number" or qid == current or not value:
                continue
            parsed = eligibility.parse_answer(question, format(value * 10.0 ** edit, "f"), as_of=self.today())
            if parsed.ok and parsed.value is not None:
                changes.append((question, parsed, False))
        for qid in reversed(s.history) if edit is None else ():
            if qid == current:
                continue
            try:
                question = program.question(qid)
            except KeyError:
                continue
            words = _WITHOUT_AMOUNTS.sub("", text)  # "是8个人" names no question (个人 is its unit)
            named = max(shared_pairs(words, question.prompt), shared_pairs(words, question.short or ""),
                        eligibility.answers.echoes_named(question.prompt, words),
                        any(act in words and act in question.prompt for act in _ACTS),  # 一个没留: 留用
                        _count_named(question, words))  # 不对 厂里是六十个人: the staff
            if named and question.kind == "number" and any(a in question.prompt and a not in words for a in _ACTS):
                # 是六个见习的: the interns received (接收了几名见习人员), before those kept on
                # (留用了几人), which shares 见习 but whose act (留) is not said
                named = 0.5
            if question.kind == "yesno" and not named:
                continue  # a bare 是/不是 does not say which earlier question it is about
            probe = text
            if (question.kind == "number" and "属于" not in question.prompt
                    and eligibility.answers.MEMBERS_DESCRIBED.search(bare(text))):
                # 不对 有一个是大专的: what one of the people is, not how many there are — only the
                # rest of the message may put a count right (不对 接收了六个 有两个是大专的: 6)
                probe = eligibility.answers.MEMBERS_DESCRIBED.sub(" ", bare(text))
                if not _NUMERAL.search(probe):
                    continue
            units = units_said(probe)
            if question.kind == "number" and units and question.unit not in units and (
                    ("人" in units and question.unit in ("个月", "年")) or ("个月" in units and question.unit == "人")):
                continue  # 是八个见习的: a count of people, not 8 months (2003年出生 still puts an age right)
            parsed = eligibility.parse_answer(question, probe, as_of=self.today())
            # (the low end of a rough range kept is no exact answer yet: 不对 在职职工是120人 settles it)
            if not parsed.ok or (parsed.value == s.answers.get(qid) and qid + _RANGED not in s.flags
                                 and not (note == "what_if" and question.unit in ("年", "个月")
                                          and _ONE_MORE.search(bare(text)))):
                continue
            changes.append((question, parsed, named))
        if not changes and edit is None and current is None:
            changes = self._last_yesno_changed(text, s)
        if not changes:
            return None
        # The answer the words name comes first ("不对 职工总共三十个人" is the staff count, not
        # the newest number asked); a number that names none, with two number questions it
        # could change, is asked about instead of guessed — a wrong guess flips the verdict.
        # the question whose words it shares most: 接收的见习生一共是6个 is the count received
        # (接收, 见习), not the count kept on (见习)
        named = [(q, p) for q, p, shared in sorted(changes, key=lambda c: -float(c[2])) if shared]
        numbers = [q for q, _p, _n in changes if q.kind == "number"]
        if not named and len(numbers) > 1:
            return self._which_answer(numbers, s, current)
        question, parsed = named[0] if named else changes[0][:2]
        value = parsed.value
        if getattr(parsed, "range", None) is not None and question.unit in SETTLE_UNITS and s.program != "__finder__":
            # 他是2001年生的: 24 or 25 — kept when both give the same result (the completed years
            # it is sure of, as `_bracketed` keeps it); else that question is asked again, exactly.
            value = self._settle_range(question, parsed.range, s)
            if value is None:
                s.answers.pop(question.id, None)
                s.flags.pop(question.id, None)
                s.history = [h for h in s.history if h != question.id]
                s.questionnaire_at = self.clock()
                hint = f"{parsed.note}，" if getattr(parsed, "note", None) else ""
                return Turn(self._pending_question(s, hint=hint + self.t("range_exact")), [])
        before = s.answers.get(question.id)
        if (note == "what_if" and question.kind == "number" and question.unit in ("年", "个月")
                and _ONE_MORE.search(bare(text))
                and isinstance(before, int | float) and not isinstance(before, bool)
                and isinstance(value, int | float) and not isinstance(value, bool)):
            # 交了两年, then 要是再干一年呢: 3 years, not 1 (spans only: 再招两个 would grow the
            # staff too, which holds this year's hires — not worked out here)
            value = before + value
        s.answers[question.id] = value
        s.answers.pop(question.id + BELOW, None)  # the rough bound said before no longer holds
        s.flags.pop(question.id + _RANGED, None)  # nor the rough range (its note goes with the answer's)
        kept = eligibility.engine.relevant_answers(program, s.answers) if s.program != "__finder__" else s.answers
        s.answers = dict(kept)
        s.history = [h for h in s.history if h in s.answers]
        s.flags = {k: v for k, v in s.flags.items() if k in s.answers or (k.endswith(_RANGED) and k[: -len(_RANGED)] in s.answers)}
        # The old answer's note (按2008年出生算 …) no longer holds; the new one's is kept.
        s.flags.pop(question.id, None)
        note_of_new = _answer_note(question, parsed)
        if note_of_new:
            s.flags[question.id] = note_of_new
        s.questionnaire_at = self.clock()
        said = Reply(self.t(note, question=question.short or question.prompt.rstrip("？?"),
                            answer=question.label_of(value)))
        if self._current_question(s) is None:
            finished = self._finish(s)
            return Turn([said] + finished.replies, finished.events)
        return Turn([said] + self._pending_question(s), [])

    def _last_yesno_changed(self: Engine, text: str, s: Session) -> list[tuple[eligibility.Question, Any, bool]]:
        """Right after a result, a correction that names no question ("打错了 是交了的", "不对
        其实有"): the most recent yes/no answer, when the words read as the other answer to it
        (a clear 是 or 否, not 不清楚 nor 好像). The result said which answer decided it, and
        the reply says which answer was changed, so the person sees what was taken. [] when the
        most recent yes/no answer reads the same or cannot read the words."""
        program = self._program(s)
        for qid in reversed(s.history):
            question = program.question(qid) if qid in program.question_ids else None
            if question is None or question.kind != "yesno":
                continue
            parsed = eligibility.parse_answer(question, text, as_of=self.today())
            if (parsed.ok and parsed.value is not None and parsed.value != s.answers.get(qid)
                    and not getattr(parsed, "unknown", False) and not getattr(parsed, "tentative", False)):
                return [(question, parsed, False)]
            return []
        return []

    def _which_answer(self: Engine, questions: list[eligibility.Question], s: Session, current: str | None) -> Turn:
        """A changed number that names no answer while several could take it: ask which one.
        Mid-questionnaire the pending question follows; right after a result the result stays
        open for one more message (`s.finished`), so "不对 在职职工三十人" can still change it."""
        which = "、".join(f"“{q.short or q.prompt.rstrip('？?')}”" for q in questions)
        asked = Reply(self.t("correct_which", which=which))
        if current is not None:
            return Turn([asked] + self._pending_question(s), [])
        s.finished = {"program": s.program, "answers": dict(s.answers), "history": list(s.history),
                      "flags": dict(s.flags), "which": True}
        s.end_questionnaire()
        return Turn([asked], [])

    def _both_counts(self: Engine, text: str, s: Session, finished: dict[str, Any]) -> Turn | None:
        """那五十个人招十个呢 right after a result whose programme asks the staff and this year's
        hires (第五条第（二）项): both changed together and the result given again; None when the
        text does not say both or the programme asks no such pair."""
        program_id = finished.get("program")
        if not program_id or program_id == "__finder__":
            return None
        counts = staff_and_hires(normalize(text))
        program = eligibility.get_program(program_id)
        staff_q = next((q for q in program.questions if q.adds_hires), None)
        hires_q = next((q for q in program.questions if q.counts_hires), None)
        answers = dict(finished.get("answers") or {})
        if (counts is None or staff_q is None or hires_q is None
                or not eligibility.engine.applies(staff_q.ask_if, answers) or not self._reopen(s, finished)):
            return None  # (after an individual's result, 五十个人招十个 is no answer the test asked)
        s.answers[staff_q.id], s.answers[hires_q.id] = counts
        s.history = [h for h in s.history if h not in (staff_q.id, hires_q.id)] + [staff_q.id, hires_q.id]
        said = Reply(self.t("what_if", question=f"{staff_q.short or staff_q.prompt.rstrip('？?')}、"
                                               f"{hires_q.short or hires_q.prompt.rstrip('？?')}",
                            answer=f"{staff_q.label_of(counts[0])}、{hires_q.label_of(counts[1])}"))
        finished_turn = self._finish(s)
        return Turn([said] + finished_turn.replies, finished_turn.events)

    def _reopen(self: Engine, s: Session, finished: dict[str, Any]) -> bool:
        """Back into the questionnaire just finished (上一步 / 不对 … right after its result)."""
        program = finished.get("program")
        if not program:
            return False
        s.mode = "finder" if program == "__finder__" else "questionnaire"
        s.program = program
        s.answers = dict(finished.get("answers") or {})
        s.history = list(finished.get("history") or [])
        s.flags = dict(finished.get("flags") or {})
        s.questionnaire_at = self.clock()
        return True

    def _figure_for_nothing(self: Engine, text: str, s: Session, finished: dict[str, Any]) -> Turn | None:
        """Right after a result, a bare figure (八万四, 是五个) when the result had exactly one
        number answered as none (没有 to 上年度缴纳的失业保险费是多少元): that answer put right and
        the result worked out again, as 不对 八万四 would. None otherwise (no such answer or two,
        or a figure that is no answer to it)."""
        program_id = finished.get("program")
        if not program_id or program_id == "__finder__" or finished.get("which") or not _figure_only(text):
            return None
        program = eligibility.get_program(program_id)
        answers = dict(finished.get("answers") or {})
        zeros = [q for q in program.questions if q.kind == "number" and answers.get(q.id) == 0]
        if len(zeros) != 1:
            return None
        parsed = eligibility.parse_answer(zeros[0], text, as_of=self.today())
        if not parsed.ok or not parsed.value or not self._reopen(s, finished):
            return None
        corrected = self._correct(text, s)
        if corrected is None:
            s.end_questionnaire()
            s.finished = finished
        return corrected

    def _restated(self: Engine, text: str, s: Session, finished: dict[str, Any]) -> Turn | None:
        """Right after a result, a fact the questionnaire did not have ("他今年十九了 不能算失业
        青年吗" when the age was 不清楚 or not asked; "她现在在饭馆上班" after a 符合): read as
        before a questionnaire (facts_from_text, stated_facts.yaml) for the questions of that
        programme left open (unanswered or 不清楚) that apply to the answers, stored, and the
        questionnaire goes on — a question it opens is asked, else the new result is shown.
        Never for someone else (那我弟弟呢, 我闺女二十三了: another person) nor a hypothetical
        (那…呢, 要是…: what-ifs are answered elsewhere); None when it settles nothing."""
        program_id = finished.get("program")
        if not program_id or program_id == "__finder__" or finished.get("which"):
            return None
        plain = text.strip()
        if not plain or self.reader.someone_else(plain) or _HYPOTHETICAL.match(plain):
            return None
        program = eligibility.get_program(program_id)
        answers = dict(finished.get("answers") or {})
        open_ones = {k for k, v in answers.items() if v is None}
        known = {k: v for k, v in answers.items() if v is not None}
        found = facts_from_text(program, plain, known, eligibility.parse_answer, as_of=self.today(),
                                personal_markers=self.reader.vocabulary.personal_markers + _PRONOUNS)
        found = {qid: v for qid, v in found.items() if qid not in answers or qid in open_ones}
        if _ASKING_BACK.search(plain):
            # a question (见习期满了以后还能领吗) states no yes/no or choice; a number said in it
            # (他今年十九了 不能算失业青年吗) is still a fact about the person
            found = {qid: v for qid, v in found.items() if program.question(qid).kind == "number"}
        found = {qid: v for qid, v in found.items()
                 if not eligibility.answers.said_short_of(program.question(qid), plain, v)}
        if not found or not self._reopen(s, finished):
            return None
        for qid, value in found.items():
            s.answers[qid] = value
            if qid in s.history:
                s.history.remove(qid)
            s.history.append(qid)
            s.flags.pop(qid, None)
        s.answers = dict(eligibility.engine.relevant_answers(program, s.answers))
        said = Reply(self.t("prefilled", facts="；".join(_fact_line(program.question(q), v) for q, v in found.items())))
        if self._current_question(s) is None:
            result = self._finish(s)
            return Turn([said] + result.replies, result.events)
        return Turn([said] + self._pending_question(s), [])

    def _late_answer(self: Engine, text: str, s: Session, finished: dict[str, Any]) -> Turn | None:
        """A bare answer typed right after a result (at most LATE_ANSWER_CHARS characters, no
        question, not small talk) that `_restated` found no open question for, and that agrees
        with the result: it answers one of the programme's yes/no questions the way it was
        answered (交了 after 交着呢), or negates a thing a question of the programme speaks of
        that was not asked (不困难: the 2019 困难企业 question, ended), or says it does not know
        (不晓得 typed after any result with answers: nothing is pending, so it changes nothing —
        a 待核实 result stays one). Then the result stands —
        said so, with its verdict and sum again, and how to change an answer. None for anything
        else: an answer that contradicts one given (没交 after 交着呢) is no "unchanged" (it is
        answered as usual; 不对 … changes it), nor are complaints (没收到钱, 不公平)."""
        program_id = finished.get("program")
        if not program_id or program_id == "__finder__" or finished.get("which"):
            return None
        plain = bare(text)
        if (not plain or len(plain) > LATE_ANSWER_CHARS or self.reader.is_question(text)
                or self.reader.small_talk(plain) is not None):
            return None
        program = eligibility.get_program(program_id)
        answers = dict(finished.get("answers") or {})
        agrees = False
        for question in program.questions:
            parsed = eligibility.parse_answer(question, text, as_of=self.today())
            if parsed.unknown and answers:
                # 不晓得 after a result the answers given already settled: nothing left to ask
                agrees = True
                continue
            if (question.kind == "choice" and parsed.ok and parsed.value is not None
                    and answers.get(question.id) == parsed.value):
                agrees = True  # 没有工作 after 失业青年 was chosen: what it said already
                continue
            if question.kind != "yesno" or not parsed.ok or parsed.value not in (True, False):
                continue
            if question.id in answers and answers[question.id] is not None and answers[question.id] != parsed.value:
                return None  # 没交 after 交着呢: it would change the result
            agrees = agrees or (question.id in answers and not self.answerer.has_own_topic(text))  # not 社保
        negation = _BARE_NEGATION.fullmatch(plain)
        unasked = negation is not None and any(
            negation.group(1) in q.prompt and q.id not in answers for q in program.questions)
        if not (agrees or unasked):
            return None
        lines = self._result_text(program_id, answers).split("\n")
        at = next((i for i, line in enumerate(lines) if line.startswith("结果：")), None)
        if at is None:
            return None
        kept = [lines[at]] + [line for line in lines[at + 1:at + 3] if not line.startswith(_NOT_THE_SUM)][:1]
        text_out = self.t("late_answer", label=program.label, result="\n".join(kept))
        s.finished = finished  # 不对 … may still change an answer
        buttons = ((Button(self.t("show_original"), f"o:{program.reference[0]}"),
                    Button(self.t("nav_restart"), f"p:{program_id}")),
                   (Button(self.t("back_to_menu"), "m:menu"),))
        return Turn([Reply(text_out, buttons)], [])

    def _digression(self: Engine, text: str, s: Session, said: str | None = None, ask_again: bool = True) -> Turn:
        """A question typed in the middle of a questionnaire: answered (about the program when
        it has no topic of its own), then (`ask_again`) the pending question again. Never stored
        as an answer. When its words pull to another clause but the program's clause is among the
        three closest and no other policy is named, it is asked with the program's label in front
        ("技术技能提升补贴 失业保险交了一年多 能领到不"); the log keeps what was typed."""
        about = None
        asked = text
        chosen = None
        if s.program and s.program != "__finder__":
            program = self._program(s)
            about = program.reference[0] if program.reference else None
            # 能贷多少 after choosing 小微企业: the options chosen name the benefit asked about
            # (the 300万 loan, not the individual 15万 one)
            chosen = " ".join(q.label_of(s.answers[q.id]) for q in program.questions
                              if q.kind == "choice" and s.answers.get(q.id) is not None) or None
            if about is not None:
                # 交了一年半失业保险 能领不, in the skills subsidy's questionnaire: the words pull
                # to 第九条's 失业保险金, but the program's clause is close and no other policy is
                # named — the question is about the program being tested, asked with its name
                first = self._ask(text, about)
                if (first.clause is not None and first.clause.id != about and about in first.clauses[:3]
                        and not self.answerer.names_policy_of(first.clause, text)):
                    asked = f"{program.label} {text}"
                elif first.refused and first.clauses[:1] == [about]:
                    # 合同要签几年的, in the 小微企业 loan's questionnaire: alone, a labour-law matter
                    # the document leaves out; the program's clause is nearest and makes it its
                    # condition (签订1年以上劳动合同) — asked with its name, kept if answered there
                    again = self._ask(f"{program.label} {text}", about)
                    if again.answered and again.clause is not None and again.clause.id == about:
                        asked = f"{program.label} {text}"
        turn = self._free_question(asked, s, about=about, remember=False, said=said or text,
                                   context=" ".join(filter(None, (chosen, s.lead_text))) or None)
        answer_reply = turn.replies[0]
        plain = Reply(answer_reply.text, tuple(row for row in answer_reply.buttons
                                               if not any(b.action.startswith(("p:", "m:")) for b in row)))
        if not ask_again:
            return Turn([plain], turn.events)
        return Turn([plain, Reply(self.t("digression_back"))] + self._pending_question(s), turn.events)

    # ------------------------------------------------------------------ navigation

    def _on_nav(self: Engine, arg: str, s: Session) -> Turn:
        if arg == "exit" and s.mode == "resume":
            return self._exit(s)
        if s.mode not in ("questionnaire", "finder"):
            return Turn([Reply(self.t("no_questionnaire"), self._menu_buttons())], [])
        if arg == "back" and s.history:
            last = s.history.pop()
            s.answers.pop(last, None)
            s.answers.pop(last + BELOW, None)
            s.flags.pop(last, None)
            for key in [k for k, v in s.flags.items() if k.endswith(_STATED_BY) and v == last]:
                s.flags.pop(key)
                s.answers.pop(key[: -len(_STATED_BY)], None)
            return Turn(self._pending_question(s), [])
        if arg == "restart":
            s.answers, s.history, s.flags = {}, [], {}
            s.questionnaire_at = self.clock()
            return Turn(self._pending_question(s), [])
        if arg == "exit":
            return self._exit(s)
        return Turn(self._pending_question(s), [])

    def _exit(self: Engine, s: Session) -> Turn:
        was_in = s.mode in ("questionnaire", "finder", "resume")
        s.end_questionnaire()
        s.finder_answers = {}
        return Turn([Reply(self.t("exited") if was_in else self.t("menu_prompt"), self._menu_buttons())], [])

    # ------------------------------------------------------------------ result

    def _short_of(self: Engine, finished: dict[str, Any]) -> Turn | None:
        """还差几个 / 还差多少 right after a result: its 提示 lines (再招20名…达到25% / 再多留用1人…),
        which say what is missing and what it would give; that nothing is missing after a 符合
        one. None for a result with neither (then the message is answered as usual)."""
        program_id = finished.get("program")
        if not program_id or program_id == "__finder__":
            return None
        program = eligibility.get_program(program_id)
        lines = self._result_text(program_id, dict(finished.get("answers") or {})).split("\n")
        hints = [line for line in lines if line.startswith("提示：")]
        if hints:
            text = "\n".join(hints)
        elif any(line.startswith("结果：符合") for line in lines):
            judged = eligibility.assess(program_id, dict(finished.get("answers") or {}), as_of=self.today()).main.label
            text = self.t("short_of_nothing", label=judged.split("·")[-1])
        else:
            return None
        return Turn([Reply(text, self._result_buttons(program))], [])

    def _why_not(self: Engine, program_id: str | None, answers: dict[str, Any]) -> str | None:
        """为啥不行 / 凭啥不符合: the conditions the answers given fail (each with its note and
        clause), in one line; None outside a programme or when none fails (then the question is
        answered as any other)."""
        if not program_id or program_id == "__finder__":
            return None
        program = eligibility.get_program(program_id)
        main = eligibility.assess(program, answers, as_of=self.today()).main
        failed = [c for c in main.checks if c.required and c.status == NOT_MET]
        if not failed:
            return None
        said = "；".join(f"“{c.text}”{f'（{c.note}）' if c.note else ''}（{c.clause_label}）" for c in failed)
        return self.t("why_not", label=program.label, failed=said)

    def _sum_after_failed_result(self: Engine, text: str, s: Session, finished: dict[str, Any]) -> Turn | None:
        """那能返多少 去年交了两万 right after a 不符合 result of the same programme: the sum is
        answered as usual, after a line saying that by the answers just given the result was
        不符合 and why (the × lines) — a sum worked out for someone who does not qualify is not
        theirs. None for anything else (then the message is answered as usual)."""
        program_id = finished.get("program")
        if not program_id or program_id == "__finder__":
            return None
        program = eligibility.get_program(program_id)
        answers = dict(finished.get("answers") or {})
        lines = self._result_text(program_id, answers).split("\n")
        if not any(line.startswith("结果：不符合") for line in lines):
            return None
        if answers.get("role") in ("intern", "individual") and any(p in text for p in self.answerer.kb.asking.parties):
            return None  # 那单位接收一个见习生补多少, after the person's own 不符合: the other side's sum
        answer = self._ask(text, s.last_clause)
        # (三万 / 去年交了三万 alone: a sum said, answered with the rate applied — a sum too)
        sum_said = answer.kind == "other" and self.answerer.read(text).amount is not None
        if (answer.refused or (answer.kind != "amount" and not sum_said) or answer.clause is None
                or answer.clause.id not in program.reference):
            return None
        failed = "；".join(line.lstrip("× ").strip() for line in lines if line.startswith("×"))
        turn = self._free_question(text, s, about=s.last_clause)
        note = self.t("sum_after_failed", label=program.label, failed=failed or "有条件不满足")
        first = turn.replies[0]
        return Turn([replace(first, text=f"{note}\n{first.text}"), *turn.replies[1:]], turn.events)

    def _sum_after_result(self: Engine, text: str, s: Session, finished: dict[str, Any]) -> Turn | None:
        """一共多少 / 那能拿多少 right after a 符合 (or 需核实) result that worked out a sum (its
        "预计 … = …" line, with 如审核通过 for 需核实): that sum again, from the answers just given — not the rate the document states,
        which the result already applied. Not when the message gives a figure of its own (那要是
        交了五万呢: answered as usual, the rate applied to it) or asks of another programme. None
        for anything else."""
        program_id = finished.get("program")
        if not program_id or program_id == "__finder__" or _FIGURE_SAID.search(text) or not _TOTAL_ASKED.search(text):
            return None  # (返还比例是多少 asks the rate: answered as usual)
        program = eligibility.get_program(program_id)
        lines = self._result_text(program_id, dict(finished.get("answers") or {})).split("\n")
        if not any(line.startswith(("结果：符合", "结果：需核实")) for line in lines):
            return None  # (需核实: its sum says 如审核通过 — said again with that)
        worked = next((line for line in lines if "预计" in line and "=" in line), None)
        if worked is None:
            return None
        answer = self._ask(text, s.last_clause)
        if answer.refused or answer.kind != "amount" or answer.clause is None or answer.clause.id not in program.reference:
            return None
        sum_said = worked.split("：", 1)[-1].strip()
        reply = Reply(self.t("sum_after_result", label=program.label, sum=sum_said), self._result_buttons(program))
        return Turn([reply], [])

    def _result_buttons(self: Engine, program: eligibility.Program) -> tuple[tuple[Button, ...], ...]:
        """The buttons under a result: its clause, the test again, the finder, ask, menu."""
        return (
            (Button(self.t("show_original"), f"o:{program.reference[0]}"),
             Button(self.t("nav_restart"), f"p:{program.id}")),
            (Button(self.t("menu_find"), "m:find"), Button(self.t("menu_ask"), "m:ask")),
            (Button(self.t("back_to_menu"), "m:menu"),),
        )

    def _result_text(self: Engine, program_id: str, answers: dict[str, Any]) -> str:
        """The compact result of `program_id` for `answers`, as of today (remembered per state)."""
        as_of = self.today()
        key = self._state_key("result", program_id, answers, as_of)
        return self._remembered(key, lambda: eligibility.assess(program_id, answers, as_of=as_of).to_chat_text())

    def _finish(self: Engine, s: Session) -> Turn:
        unsettled = self._unsettled_range(s)
        if unsettled is not None:  # a rough count kept for later changes the result: asked now
            return unsettled
        program_id = s.program or ""
        answers, flags = dict(s.answers), dict(s.flags)
        s.finished = {"program": program_id, "answers": answers, "history": list(s.history), "flags": flags}
        s.end_questionnaire()
        event = Event("questionnaire_completed", program=program_id)
        if program_id == "__finder__":
            matches = eligibility.find_programs(answers, as_of=self.today())
            if not matches:
                return Turn([Reply(self.t("finder_none"), self._menu_buttons())], [event])
            shown = matches[:FINDER_LISTED]
            # A phone shows a few lines: those the answers speak for in full (at most
            # FINDER_DETAILED), the rest — nothing said fits them yet, or only ended — by name
            detailed = [m for m in shown if m.fits][:FINDER_DETAILED] or shown[:FINDER_DETAILED]
            lines = [self.t("finder_result")]
            lines += [f"{i}. {m.line}" for i, m in enumerate(detailed, 1)]
            named = [m for m in shown if m not in detailed]
            if named:
                lines.append(self.t("finder_more", programs="、".join(m.program.label for m in named)))
            s.finder_answers = answers  # to prefill the program chosen next (cleared then)
            rows = tuple((Button(f"测一测：{short(m.program.label)}", f"pf:{m.program.id}"),) for m in detailed + named)
            return Turn([Reply("\n".join(lines), rows + ((Button(self.t("back_to_menu"), "m:menu"),),))], [event])
        text = self._result_text(program_id, answers)
        program = eligibility.get_program(program_id)
        if flags:
            notes = []
            order = {qid: i for i, qid in enumerate(program.question_ids)}
            for qid, flag in sorted(flags.items(), key=lambda item: order.get(item[0], len(order))):
                try:
                    question = program.question(qid)
                except KeyError:
                    continue
                notes.append(f"※ {question.short or question.prompt.rstrip('？?')}：{flag}。")
            # Right under the verdict it qualifies, not after the disclaimer.
            lines = text.split("\n")
            at = next((i + 1 for i, line in enumerate(lines) if line.startswith("结果：")), len(lines))
            unsure = sum(1 for flag in flags.values() if flag.startswith(TENTATIVE_START))
            if unsure and at <= len(lines) and lines[at - 1].startswith(_ELIGIBLE_LINE):
                # 应该交了吧 / 好像没裁 decided it: "符合" only once they are checked
                lines[at - 1] = "结果：" + self.t("tentative_verdict", count=unsure) + lines[at - 1][len(_ELIGIBLE_LINE):]
            text = "\n".join(lines[:at] + notes + lines[at:])
        # Follow-ups (啥时候到账, 去哪申请) lean on the program just judged — on the part of it the
        # result is about (那能贷多少 after 小微企业创业担保贷款: its 300万, not the individual's 15万)
        s.last_program = program.id
        s.last_clause = program.reference[0] if program.reference else s.last_clause
        # (the part's own label: 小微企业创业担保贷款, not 创业担保贷款·小微企业创业担保贷款, whose
        # programme name would name the individual loan too)
        judged = eligibility.assess(program_id, answers, as_of=self.today()).main.label.split("·")[-1]
        s.lead_text, s.lead_at, s.lead_uncovered = judged, self.clock(), False
        buttons = self._result_buttons(program)
        # The compact rendering for a phone; every condition's full quotation is one tap away
        # (查看原文) and in `policybot assess` for staff.
        return Turn([Reply(text), Reply(self.t("result_more"), buttons)], [event])

    # ------------------------------------------------------------------ coming back later

    def _is_stale(self: Engine, s: Session) -> bool:
        return s.questionnaire_at > 0 and self.clock() - s.questionnaire_at > self.settings.stale_hours * 3600

    def _resume_prompt(self: Engine, s: Session, answer_first: Understanding | None = None,
                       pending: str | None = None) -> Turn:
        """"Continue or restart?" for a questionnaire left long ago. A typed answer
        (`answer_first`) or a pressed option's label (`pending`) is kept and applied on 继续上次;
        a question typed meanwhile is answered first."""
        replies: list[Reply] = []
        events: list[Event] = []
        if pending is not None:
            s.pending_text = pending
        if answer_first is not None:
            if answer_first.kind == "answer" and answer_first.answer is not None and answer_first.answer.ok:
                s.pending_text = answer_first.text  # kept, and applied if they choose to continue
            else:  # a question: answer it, the questionnaire waits
                turn = self._free_question(answer_first.text, s, said=answer_first.raw)
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

    def _on_resume(self: Engine, arg: str, s: Session) -> Turn:
        if arg == "go" and s.mode == "resume":
            s.mode = "finder" if s.program == "__finder__" else "questionnaire"
            s.questionnaire_at = self.clock()
            pending, s.pending_text = s.pending_text, None
            if pending:
                return self._on_understood_answer(self._understand(pending, s), s)
            return Turn(self._pending_question(s), [])
        if arg == "new" and s.program:
            program = s.program
            s.mode, s.pending_text = "idle", None
            return self._start_finder(s) if program == "__finder__" else self._start_questionnaire(program, s)
        return Turn([Reply(self.t("menu_prompt"), self._menu_buttons())], [])


def _fact_line(question: eligibility.Question, value: Any) -> str:
    """How a fact taken from what was said is confirmed: a yes/no by its short form when 是
    (是企业在职职工), else the short form or the question with the answer (是企业在职职工：否 —
    never the bare short form for a 否, nor a bare 是); a choice or number by its label."""
    if question.kind != "yesno":
        return question.label_of(value)
    if value is True and question.short:
        return question.short
    return f"{question.short or question.prompt.rstrip('？?')}：{question.label_of(value)}"


def _presupposes(follow: eligibility.Question, question: eligibility.Question) -> bool:
    """Does `follow`'s prompt name what the yes/no `question` asks (见习期满后实际留用了几人 names
    见习期已满), so that a count answering it takes 是 for granted? The question's short form
    (or prompt) without its question words (已, 是否, 吗 …), as a run of at least two characters."""
    words = sorted(eligibility.answers.current_words().question_words, key=lambda w: (-len(w), w))
    content = question.short or question.prompt
    for w in words:
        content = content.replace(w, "\n")
    return any(len(run) >= 2 and run in follow.prompt for run in content.split("\n"))


def _lead_with(s: Session, said: str | None, now: float) -> None:
    """Words the request itself said of whom it is for ("我们饭馆 单位", "我儿子 今年二十三
    没工作") added to the message that led here (`s.lead_text`, masked): read for the questions
    they answer at the start and whenever a question they answer comes (after 个人), and found
    by 我说过了."""
    if said:
        said = mask_personal_numbers(said)
        s.lead_text = f"{s.lead_text} {said}" if s.lead_text else said
        s.lead_at = now


def _range_flag(bounds: tuple[float, float]) -> str:
    """A rough range as kept in the session's flags (`_RANGED`, `_RANGE_ASKED`): "low,high"."""
    return f"{_num(bounds[0])},{_num(bounds[1])}"


def _flag_range(kept: str) -> tuple[float, float]:
    """(low, high) of a range kept by `_range_flag`."""
    low, high = kept.split(",")
    return float(low), float(high)


def _overlaps(bounds: tuple[float, float], kept: str) -> bool:
    """Whether a range said now shares a value with one said before (`_range_flag`)."""
    low, high = _flag_range(kept)
    return bounds[0] <= high and low <= bounds[1]


def _range_values(question: eligibility.Question, low: float, high: float) -> tuple[float, ...] | None:
    """The values a rough range is weighed at: every whole one for a count of people or months
    (a share or a tier may change within it), at most SETTLE_MAX_VALUES + 1 (None beyond); the
    two ends for a sum of money, which the rules only multiply (a threshold inside is found
    apart, `_decided_within`)."""
    if question.unit == "元":
        return (low, high)
    if high - low > SETTLE_MAX_VALUES:
        return None
    return tuple(range(int(low), int(high) + 1))


def _counts_people(question: eligibility.Question) -> bool:
    """Whether the question asks for a number of people (unit 人: staff, new hires, trainees)."""
    return question.kind == "number" and question.unit == "人"


def _answer_note(question: eligibility.Question, parsed: Any) -> str | None:
    """The note a corrected answer carries in the result (as `_store_answer` writes it): a
    hedged answer (好像是), an approximate one (大概), one worked out from a year (按2000年出生算);
    None for an answer said plainly."""
    if getattr(parsed, "tentative", False):
        return TENTATIVE.format(answer=question.label_of(parsed.value))
    if getattr(parsed, "approximate", False) or getattr(parsed, "range", None) is not None:
        return getattr(parsed, "note", None) or f"按您说的大约{question.label_of(parsed.value)}估算"
    return None


def _outcome(result: Any) -> tuple[Any, ...]:
    """What a result decides, without the amount: each part's verdict and each condition's
    status (a tier such as a retention rate is a condition too)."""
    return tuple((part.id, part.verdict, tuple((c.id, c.status) for c in part.checks))
                 for part in (result.main, *result.extras))


def answer_action(program: str, question_id: str, index: int) -> str:
    """The action of an answer button: "a:<program>/<question id>:<index>" (the finder's
    program is "__finder__"), so that a press is checked against the question being asked.
    When a long staff-made id would pass MAX_ACTION_BYTES, the program is left out (the
    question id alone still tells most stale presses apart)."""
    action = f"a:{program}/{question_id}:{index}"
    if len(action.encode("utf-8")) > MAX_ACTION_BYTES:
        action = f"a:{question_id}:{index}"[:MAX_ACTION_BYTES]
    return action


def _answer_target(arg: str) -> tuple[str | None, str | None, int | None]:
    """(program, question id, option index) of what follows "a:"; program None when the
    action names only the question, question id None for an old bare index ("a:1"), index
    None when it is not a number."""
    target, sep, index = arg.rpartition(":")
    number = int(index) if index.isdigit() else None
    if not sep:
        return None, None, number
    program, slash, question_id = target.rpartition("/")
    return (program if slash else None), question_id, number


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# The measure words a count of each unit is said with: 不对 是6个 while asked 见习几个月 corrects
# the count of people just given (8个), not the months.
_UNIT_WORDS = {"人": ("个人", "人", "名", "位", "个"), "个月": ("个月", "月"), "年": ("年",), "岁": ("岁",)}


def _says_other_unit(question: eligibility.Question, words: str) -> bool:
    """Whether a correction's number is said with a measure word of another unit than the
    pending number question's (6个 to a question in 个月): it corrects an earlier answer."""
    if question.kind != "number" or question.unit not in _UNIT_WORDS:
        return False
    own = _UNIT_WORDS[question.unit]
    m = re.search(r"[\d零一二两三四五六七八九十百千万]+\s*(个月|个人|个|人|名|位|月|年|岁)", words)
    return m is not None and m.group(1) not in own
