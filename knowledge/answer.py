"""Compose the reply a resident reads on a phone, from the retrieval result.

Order matters on a small screen: the plain answer first (the staff FAQ answer, or the best
sentences of the clause), then where it comes from (document, clause, title), who leads it,
and its period — with a plain warning when that period has ended. The key figure a question
asks for must fall within the first 300 characters, so the answer comes before everything else.

Below the confidence threshold the bot does not guess: it says the document does not cover
the question, offers the nearest topics, and gives the 12333 hotline.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from knowledge.base import FaqEntry, KnowledgeBase
from knowledge.documents import Clause
from knowledge.retrieval import Retriever, SearchResult

HOTLINE = "12333"
MAX_QUESTION_CHARS = 500
ANSWER_CACHE_SIZE = 4096  # distinct (question, day) pairs kept; about 4 MB at most
POPULAR_TOPICS = ("6", "5.2", "9.3")  # 见习补贴, 创业担保贷款, 失业登记与就业援助

_ASKS_FIGURE = re.compile(r"多少|几|多大|多久|多长|哪天|什么时候|啥时候|何时|比例|标准|额度|最高|上限|时间|期限|年限|多高")
# Units of numbers in a question; "娃19了" / "我52了" is how people give an age.
_UNIT_IN_QUESTION = re.compile(r"(?<=\d)(?:岁|个月|年以上|万元|元|%|名|人)|(?<=[1-7]\d)了")
FIGURE_BONUS = 3.0  # about one well-matched word: a figure is what such a question wants
_FIGURE = re.compile(r"\d|[一二三四五六七八九十百千万]+(?:个月|年|元|万|人|名|岁)")


@dataclass(frozen=True)
class AnswerSettings:
    """Decision thresholds, tuned on the dev set (README, "Retrieval quality")."""

    min_confidence: float = 0.3  # below: "the document does not cover this"
    faq_answer_min: float = 0.5  # FAQ similarity (0..1) above which its plain answer is used
    close_ratio: float = 0.85  # second candidate within this share of the best -> 您是不是想问
    max_sentences: int = 3
    sentence_budget: int = 220  # characters of clause text before the citation lines
    quote_min: int = 60  # the shortest quotation shown under an FAQ answer
    alternative_budget: int = 80  # characters quoted from a close second clause


@dataclass
class Answer:
    question: str
    answered: bool
    confidence: float
    clauses: list[str]  # ranked clause ids, up to 5
    faq: list[str]  # ids of the FAQ entries used or nearest
    reply: str
    clause: Clause | None = None  # the clause answered from
    faq_entry: FaqEntry | None = None
    sentences: list[str] = field(default_factory=list)
    alternative: Clause | None = None  # offered as 您是不是想问
    suggestions: list[Clause] = field(default_factory=list)  # nearest topics when not answered
    expired: list[str] = field(default_factory=list)  # period texts that have ended

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answered": self.answered,
            "confidence": round(self.confidence, 3),
            "clauses": self.clauses,
            "faq": self.faq,
            "reply": self.reply,
        }


class Answerer:
    """Answers questions from a knowledge base. One per knowledge base; cheap to call."""

    def __init__(self, kb: KnowledgeBase, retriever: Retriever | None = None,
                 settings: AnswerSettings | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self.kb = kb
        self.retriever = retriever or Retriever(kb)
        self.settings = settings or AnswerSettings()
        self.today = today
        self._text_words: dict[str, frozenset[str]] = {}
        self._answers: OrderedDict[tuple[str, date], Answer] = OrderedDict()

    def answer(self, question: str, *, today: date | None = None, cache: bool = True) -> Answer:
        """The reply to one question, judged as of `today` (default: the clock's today).

        Residents ask the same few dozen questions over and over, so answers are remembered
        per (question, day) in a bounded cache; a reload builds a new Answerer, so a cached
        answer never outlives the data it came from. Answer objects are treated as read-only.
        """
        question = (question or "").strip()
        if not question:
            return Answer(question, False, 0.0, [], [], "请直接输入您想问的政策问题，比如“见习补贴每月多少钱？”")
        question = question[:MAX_QUESTION_CHARS]
        day = today or self.today()
        key = (question, day)
        cached = self._answers.get(key) if cache else None
        if cached is not None:
            self._answers.move_to_end(key)
            return cached
        answer = self._answer(question, day)
        self._answers[key] = answer
        if len(self._answers) > ANSWER_CACHE_SIZE:
            self._answers.popitem(last=False)
        return answer

    def _answer(self, question: str, day: date) -> Answer:
        result = self.retriever.search(question)
        ranked = [c.clause.id for c in result.candidates]
        if not result.candidates or result.confidence < self.settings.min_confidence:
            return self._not_covered(question, result, ranked)
        best = result.candidates[0]
        clause = best.clause
        alternative = None
        if len(result.candidates) > 1:
            second = result.candidates[1]
            if second.score >= self.settings.close_ratio * best.score:
                alternative = second.clause
        # With a close second clause, both share the first screen: the best one gets less room.
        budget = self.settings.sentence_budget - (self.settings.alternative_budget if alternative else 0)
        faq_entry = self._faq_answer(result, clause)
        if faq_entry:
            # The staff's plain answer first, then the document's own words for trust.
            sentences = []
            room = max(self.settings.quote_min, budget - len(faq_entry.answer))
            body = f"{faq_entry.answer}\n原文：“{self.quote(clause, question, room)}”"
        else:
            sentences = self.best_sentences(clause, question, budget)
            body = "".join(sentences)
        if alternative is not None:
            quote = self.quote(alternative, question, self.settings.alternative_budget)
            body += f"\n您是不是想问{alternative.label()}（{_topic(alternative)}）？该条说：“{quote}”"
        expired = [p.text for p in clause.ended_periods(day)]
        reply = self.format_reply(body, clause, day, alternative)
        faq_ids = [faq_entry.id] if faq_entry else [e.id for e, _ in result.faq[:3]]
        return Answer(question, True, result.confidence, ranked, faq_ids, reply, clause, faq_entry,
                      sentences, alternative, [], expired)

    # ------------------------------------------------------------ pieces

    def _faq_answer(self, result: SearchResult, clause: Clause) -> FaqEntry | None:
        """The staff FAQ answer to use, if one matches the question closely enough and rests
        on the clause being cited; otherwise the clause's own sentences are quoted."""
        for entry, similarity in result.faq:
            if similarity < self.settings.faq_answer_min:
                return None
            if clause.id in entry.clauses:
                return entry
        return None

    def _ranked_sentences(self, clause: Clause, question: str) -> tuple[list[str], list[tuple[float, int]]]:
        """The clause's answer sentences and their (score, index), best first.

        A sentence scores the IDF of the question's words it uses (a rare word weighs more),
        plus a bonus when the question asks for a figure (多少, 几, 标准 …) and the sentence has
        one, and another when it names the unit of a number in the question ("我26岁" wants the
        sentence with an age range). A sub-item's lead sentence is its heading (shown in the
        citation line), not an answer.
        """
        sentences = [_strip_item_marker(s) for s in clause.sentences
                     if s.strip() and _strip_item_marker(s).rstrip("。") != clause.title]
        wanted = self._wanted_words(question)
        asks_figure = bool(_ASKS_FIGURE.search(question))
        units = {"岁" if u == "了" else u for u in _UNIT_IN_QUESTION.findall(question)}
        scored = []
        for i, sentence in enumerate(sentences):
            score = self._overlap(sentence, wanted)
            if asks_figure and _FIGURE.search(sentence):
                score += FIGURE_BONUS
            if units and any(unit in sentence for unit in units):
                score += FIGURE_BONUS
            scored.append((score, i))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return sentences, scored

    def best_sentences(self, clause: Clause, question: str, budget: int | None = None) -> list[str]:
        """The 1-3 sentences of the clause that answer best, in document order, within
        `budget` characters (a sentence longer than that is cut around its best part)."""
        budget = budget or self.settings.sentence_budget
        sentences, scored = self._ranked_sentences(clause, question)
        if not sentences:
            return [clause.body[:budget]]
        wanted = self._wanted_words(question)
        chosen: dict[int, str] = {}
        used = 0
        for score, i in scored:
            if len(chosen) >= self.settings.max_sentences or (chosen and score <= 0):
                break
            sentence = sentences[i]
            if not chosen and len(sentence) > budget:
                sentence = self._window(sentence, wanted, budget)
            if chosen and used + len(sentence) > budget:
                continue
            chosen[i] = sentence
            used += len(sentence)
        return [chosen[i] for i in sorted(chosen)]

    def quote(self, clause: Clause, question: str, budget: int) -> str:
        """The clause's words that answer best, as one quotation of at most `budget` characters."""
        sentences, scored = self._ranked_sentences(clause, question)
        if not sentences:
            return clause.body[:budget]
        best = sentences[scored[0][1]]
        return best if len(best) <= budget else self._window(best, self._wanted_words(question), budget)

    def _wanted_words(self, question: str) -> set[str]:
        own, extra = self.retriever.segmenter.query(question)
        return set(own) | set(extra)

    def _overlap(self, text: str, wanted: set[str]) -> float:
        words = self._text_words.get(text)
        if words is None:  # clause sentences recur in every answer: segment each once
            words = frozenset(self.retriever.segmenter.words(text))
            if len(self._text_words) < 50_000:
                self._text_words[text] = words
        return sum(self.retriever.idf(w) for w in wanted & words)

    def _window(self, sentence: str, wanted: set[str], budget: int) -> str:
        """Cut a long sentence to its best-matching comma-separated part and its neighbours,
        marking the cuts with …, so that the quotation stays verbatim and short."""
        parts = [p for p in re.split(r"(?<=[，；：、])", sentence) if p]
        scores = [self._overlap(p, wanted) for p in parts]
        best = max(range(len(parts)), key=lambda i: (scores[i], -i))
        lo = hi = best
        length = len(parts[best])
        while True:
            grew = False
            for j in (hi + 1, lo - 1):  # prefer the words that follow: figures come after the subject
                if 0 <= j < len(parts) and not (lo <= j <= hi) and length + len(parts[j]) <= budget:
                    length += len(parts[j])
                    lo, hi = min(lo, j), max(hi, j)
                    grew = True
                    break
            if not grew:
                break
        text = "".join(parts[lo:hi + 1])
        if len(text) > budget:
            text = text[:budget]
        return ("…" if lo > 0 else "") + text.rstrip("，；：、") + ("…" if hi < len(parts) - 1 else "")

    def citation(self, clause: Clause) -> str:
        doc = self.kb.document_of(clause)
        title = clause.title if clause.title != clause.section_title or clause.number == "0" else clause.section_title
        return f"依据：{doc.number or doc.title} {clause.label()}（{title}）"

    def departments_line(self, clause: Clause) -> str | None:
        if not clause.lead_department:
            return None
        line = f"牵头部门：{clause.lead_department}"
        if clause.other_departments:
            line += f"（会同{'、'.join(clause.other_departments[:2])}{'等' if len(clause.other_departments) > 2 else ''}）"
        if clause.county_clause:
            line += "；各县（市）政府负责落实"
        return line

    def period_lines(self, clause: Clause, day: date, body: str = "") -> list[str]:
        """The validity of what the reply says, judged against `day`.

        A clause can mix open-ended and time-limited rules (第四条: the 60% refund has no end
        date, the 2019 special standard ran to 2019-12-31). A period is the reply's own only
        when the reply quotes it; a period of the clause that the reply does not quote is
        still mentioned when it has ended, as "本条另有…", so that nobody reads it as current.
        """
        periods = [p for p in clause.periods if p.kind != "point"]
        if clause.number == "0":
            return []
        quoted = [p for p in periods if p.text in body] if body else periods
        lines = [] if quoted else ["有效期：文件未写明截止日期"]
        for p in periods:
            ended = p.has_ended(day)
            end = f"{p.end.year}年{p.end.month}月{p.end.day}日" if p.end else ""
            if p in quoted and ended:
                lines.append(f"注意：文中“{p.text}”的规定已于{end}到期；"
                             f"现在是否还有这项政策，请向{clause.lead_department or '当地人社部门'}或拨打{HOTLINE}核实。")
            elif p in quoted and p.kind == "from":
                lines.append(f"有效期：{p.text}执行，文件未写明截止日期")
            elif p in quoted:
                lines.append(f"有效期：{p.text}")
            elif ended:
                lines.append(f"另：本条中“{p.text}”的限期规定已于{end}到期。")
        return lines

    def format_reply(self, body: str, clause: Clause, day: date, alternative: Clause | None) -> str:
        lines = [body.strip(), "", self.citation(clause)]
        dept = self.departments_line(clause)
        if dept:
            lines.append(dept)
        lines += self.period_lines(clause, day, body)
        if alternative is not None and "您是不是想问" not in body:
            lines.append(f"您是不是想问：{_topic(alternative)}？")
        lines.append(f"更多问题可拨打{HOTLINE}（人社服务热线）。")
        return "\n".join(lines)

    def _not_covered(self, question: str, result: SearchResult, ranked: list[str]) -> Answer:
        nearest = [c.clause for c in result.candidates[:3]]
        if not nearest:  # nothing in common at all: offer what residents ask about most
            nearest = [self.kb.clauses[cid] for cid in POPULAR_TOPICS if cid in self.kb.clauses]
        doc = self.kb.seed.number or "这份就业政策文件"
        if result.out_of_scope_topic:
            lines = [f"抱歉，{result.out_of_scope_topic}方面的问题，{doc}里没有讲到，我不能乱说。"]
        else:
            lines = [f"抱歉，这份就业政策文件（{doc}）里没有讲到这个问题，我不能乱说。"]
        if nearest:
            lines.append("文件里和它最接近的内容有：")
            lines += [f"· {_topic(c)}（{c.label()}）" for c in nearest]
        lines.append(f"这个问题建议拨打{HOTLINE}（人社服务热线）或12345（政务服务热线）咨询。")
        return Answer(question, False, result.confidence, ranked, [e.id for e, _ in result.faq[:3]],
                      "\n".join(lines), suggestions=nearest)


def _strip_item_marker(sentence: str) -> str:
    return re.sub(r"^（[一二三四五六七八九十]+）", "", sentence)


def _topic(clause: Clause) -> str:
    return clause.title.rstrip("。")
