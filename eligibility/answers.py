"""Lenient parsing of residents' answers to questionnaire questions, in one place.

People type 二十三, 两百, 1.5w, 三万六, 十几个, 05年的, 交着呢, 没问题, 好像是, 一个都没裁,
毕业了, or the number of a button. Everything a question can receive goes through
`parse_answer`, which never raises: an answer it cannot read comes back with a re-ask hint in
plain Chinese. Every question accepts 不清楚 / 不知道 / 跳过, which gives an unknown answer
(stored as None) and a 需核实 verdict where that answer matters.

Content and logic are kept apart: the words (affirmatives, negators, hedges, the ways each
choice is said, what a question's words are echoed by) are staff YAML,
eligibility/data/answer_words.yaml, loaded with the eligibility context and checked by
`policybot check`; this module holds how they are applied, and the grammar of numbers.

The result, `ParsedAnswer`:

- `value`: what is stored (True/False, a choice value, a number, an ISO date), None when
  unknown or unreadable;
- `unknown`: the resident said 不清楚 (value None, ok);
- `error`: a re-ask hint (value None); `ok` is `error is None`;
- `tentative` (yes/no and choices): the answer was hedged (好像是, 应该交了, 可能吧): the value
  is the resident's best guess and the result should say it is to be confirmed;
- `approximate` (numbers): the number was said as a guess (大概三年, 2万左右) or worked out
  from a year (05年的 -> 21岁, 从22年开始交 -> 4年): usable, but shown as approximate;
- `range` (numbers): (low, high), both inclusive, of what the words allow. With an error it
  is a rough figure (十几个 -> (11, 19), 二十来岁, 三四个, 十七八): the engine may go on when
  every value in the range gives the same verdict and amount, else ask again. With `ok` it
  brackets a value worked out from a year (born 2005 -> value 21, range (20, 21));
- `about` (numbers): (low, high) of what a guessed number may stand for (一百个人左右 -> (90, 110):
  a tenth either side, at least one for whole numbers); None for an exact number. The dialog
  asks for the exact number when a rule's threshold falls inside it;
- `note`: one short Chinese line saying how the answer was read (按2005年出生算，今年约21岁),
  for the engine to show; None when there is nothing to say;
- `plan` (yes/no and choices): the answer spoke of a plan or a supposition (想留两个, 打算去学,
  要是满了) to a question about what has happened: a yes/no is then "not yet" (value False,
  with a note) when the plan names what was asked, else asked again (error); a choice takes
  the option that is itself a plan (正在培训或准备参加). The dialog never reads a count in such
  an answer as a fact (留两个 is not two kept on); a yes/no is also "not yet" (False, with a note)
  when what was asked, a thing done (签订了, 已取得), is said to be under way or still to come
  (正在签, 下周签, 下个月考: answer_words.yaml yesno.not_yet), or when the answer gives a duration
  shorter than the one the question names (签了半年 to 签订了1年以上的劳动合同);
- `below` (numbers): the number said is a bound the value has not reached (不到三年, 快十六,
  三年差两个月 without an exact figure, 过了年就二十五): the value is under it, never it. With an
  error, `range` is (low, high) just under the bound, and the dialog stores `high` (the value just
  under the bound) once every value in the range gives the same result, else asks for the exact
  number; `note` says how it was read. A bound that gives the value itself (快十六 -> 15 周岁,
  三年差两个月 -> 2年10个月) comes back ok, approximate, with a note.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

import cn2an

from eligibility.model import Question, duration_text, format_number
from eligibility.staffdata import AnswerWords, answer_word, load_answer_words

MAX_LENGTH = 200

# Button positions typed as digits on a yes/no question (是 = 1, 否 = 2).
_YES_DIGIT, _NO_DIGIT = "1", "2"
_PUNCT = re.compile(r"[\s,，。.!！?？、；;:：~～\"'“”‘’()（）【】\[\]]+")
# For numbers: punctuation goes, but not the . of 1.5 nor the ~ / - of a range (2~3, 20-30).
_NUMBER_PUNCT = re.compile(r"[\s,，。!！?？、；;:：\"'“”‘’()（）【】\[\]]+|\.(?!\d)")
_ZERO = re.compile(r"(?:一[个人名][都也]?|一[都也]|一(?:分|毛)钱?[都也]?)?(?:都|全都|也)?(?:没有?|无|零)(?![少缺欠])[^\d几零一二两三四五六七八九十百千万]{0,3}")
# 没算过, 没看过, 没注意: the number was never looked at — not known, not zero
_NOT_LOOKED = re.compile(r"^(?:我|俺)?(?:也|都|还)?(?:没有?|莫)(?:算|看|记|数|查|注意|留意|统计|仔细)")
# 有一个是大专的 / 其中两个是中专生: what some of the people are (no figure of another unit)
MEMBERS_DESCRIBED = re.compile(r"(?:有|其中|里头|里面)[一二两三四五六七八九十\d几]+(?:个|名|位)(?:是|属于|算)")
_NOT_LOOKED_YESNO_CHARS = 5  # 没算过, 俺也没查过: a yes/no answered only that is not known
# 没多少, 没几个钱, 不多: some, but how much is not said — asked again, never stored as 0
_VAGUE_SOME = re.compile(r"^(?:也|都)?(?:没多少|没几个|没几|不多|不算多|不太多|没有多少|不怎么多|就一点|一点点|一点儿)")
_CLAUSE_SPLIT = re.compile(r"[\s,，。.!！?？、；;:：~～…]+")
_A_NOT_A = re.compile(r"(?<![没不])([^没不])[没不]\1")  # 有没有 / 是不是 / 交没交: a question, never an answer
# 开个店 = 开店, 开一家馆子 = 开馆子; a count between taking on and whom: 收两个见习生 = 收见习生,
# 招了三名工人 = 招了工人 (the count is not what a choice is about).
_MEASURE = re.compile(r"(?<=[开办搞做当干摆])(?:一个|一家|个|家)"
                      r"|(?<=[收招带要雇请])了?(?:[一二两三四五六七八九十几\d]+|好几)(?:个|名|位)")
_STRONG, _WEAK = 2, 1
_MASK = "\u3000"  # stands for a masked phrase; never in an (NFKC-normalised) answer or word
_BREAK = "、"  # where a clause ended (_compact removes every 、): a negation never reaches past it
_NEGATION_GAP = 2  # 没有按时交, 不是很困难: at most two characters between a negator and what it negates


@dataclass(frozen=True)
class ParsedAnswer:
    """How a typed answer was read; see the module docstring for every field's meaning."""

    value: Any = None
    unknown: bool = False
    error: str | None = None
    tentative: bool = False
    approximate: bool = False
    range: tuple[float, float] | None = None
    note: str | None = None
    about: tuple[float, float] | None = None
    plan: bool = False
    below: float | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def normalize(text: str) -> str:
    """NFKC (full-width digits -> ASCII), lower-case, stripped."""
    return unicodedata.normalize("NFKC", text or "").strip().lower()


def _compact(text: str) -> str:
    return _PUNCT.sub("", text)


# ---------------------------------------------------------------- the words in force


@lru_cache(maxsize=1)
def _shipped_words() -> AnswerWords:
    from eligibility.context import PACKAGE_DATA, choice_questions

    words, _ = load_answer_words(PACKAGE_DATA / "answer_words.yaml", "answer_words.yaml", choice_questions())
    return words


def current_words() -> AnswerWords:
    """The answer words of the eligibility context in force (a live reload brings staff edits);
    the shipped file when the context cannot be loaded (its problems are reported by
    `policybot check`), so that parsing never fails for want of data."""
    from eligibility.context import InvalidEligibilityData, default_context
    from knowledge.base import InvalidKnowledge

    try:
        return default_context().answer_words
    except (InvalidEligibilityData, InvalidKnowledge, OSError, ValueError):
        return _shipped_words()


def is_unknown(text: str, words: AnswerWords | None = None) -> bool:
    """不清楚 / 跳过 and friends, or a bare question mark."""
    raw = normalize(text)
    if raw and set(raw) <= {"?", " "}:
        return True
    t = _compact(raw)
    return any(w in t for w in (words or current_words()).unknown)


def is_not_an_answer(text: str, words: AnswerWords | None = None) -> bool:
    """不测了 / 不问了 / 算了 …: a wish to stop, never a "no". Words of three or more characters
    count anywhere in the text; shorter ones (算了, 退出) only at its start, so 打算了 is not 算了."""
    t = _compact(normalize(text))
    for w in (words or current_words()).not_answers:
        if t.startswith(w) or (len(w) >= 3 and w in t):
            return True
    return False


def _said_once(text: str, words: AnswerWords) -> str:
    """A whole yes or no word said over and over at the start (voice input: 对对对, 没有没有都不是,
    是的是的刚回来) said once, with a pause after it: 对, 没有，都不是, 是的，刚回来. A stutter
    inside one word (不不是, 没没有) and other repeats (好好的, 看看, 11) stay as they are."""
    said = sorted({*words.yes_words, *words.no_words}, key=lambda w: (-len(w), w))
    for word in said:
        if not word or not text.startswith(word + word):
            continue
        rest = text[len(word):]
        while rest.startswith(word):
            rest = rest[len(word):]
        if any(len(w) > len(word) and (word + rest).startswith(w) for w in said):
            return text  # 不不是, 没没有: a stutter into a longer word, not the word said again
        return word + ("，" + rest if rest and rest[0] not in "，,。 " else rest)
    return text


def plain_speech(text: str, words: AnswerWords | None = None) -> str:
    """Dialect forms (answer_words.yaml yesno.spoken) replaced by the plain word, longest
    first: Linxia 莫裁人 -> 没裁人, 莫有 -> 没有, 么有交 -> 没有交. A form inside a hedge or a
    not-negation word (约莫, 莫非) stays as it is. `text` is normalised already."""
    words = words or current_words()
    if not words.spoken:
        return text
    forms = sorted(((form, plain) for plain, said in words.spoken.items() for form in said),
                   key=lambda f: len(f[0]), reverse=True)
    if not any(form in text for form, _ in forms):
        return text
    kept = [False] * len(text)
    for w in (*words.hedges, *words.not_negations):
        start = text.find(w)
        while start >= 0:
            kept[start:start + len(w)] = [True] * len(w)
            start = text.find(w, start + 1)
    out, i = [], 0
    while i < len(text):
        for form, plain in forms:
            if text.startswith(form, i) and not any(kept[i:i + len(form)]):
                out.append(plain)
                i += len(form)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def parse_answer(question: Question, text: str, *, as_of: date | None = None,
                 words: AnswerWords | None = None, asked: bool = True) -> ParsedAnswer:
    """Parse a typed answer or button label for `question`; never raises.

    `as_of` is the judging date a year is converted against (05年的 -> an age, 从22年开始交 ->
    years insured); default today. `words` defaults to the answer words in force. `asked`:
    the text was typed in reply to this very question; False when a message is read for the
    facts it states (dialog/understanding/facts.py), where a bare 没有 answers nothing.
    """
    raw = normalize(str(text) if text is not None else "")
    if not raw:
        return ParsedAnswer(error=f"没有收到回答。{hint(question)}")
    if len(raw) > MAX_LENGTH:
        return ParsedAnswer(error=f"回答太长了。{hint(question)}")
    words = words or current_words()
    raw = _said_once(plain_speech(raw, words), words)
    if is_not_an_answer(raw, words):
        return ParsedAnswer(error=f"这不像是对这个问题的回答；不想继续可以回复“退出”。{hint(question)}")
    looked = _NOT_LOOKED.match(_compact(raw))
    if is_unknown(raw, words) or (looked and (question.kind in ("number", "choice")
                                              or len(_compact(raw)) <= _NOT_LOOKED_YESNO_CHARS)):
        # (没算过 to how many / which: not known; to 参保了吗 too, said alone — 交着呢 交了多少没算过
        # still answers 是)
        return ParsedAnswer(None, unknown=True)
    if _A_NOT_A.search(_compact(raw)):
        return ParsedAnswer(error=f"这像是在提问，不是回答。{hint(question)}")
    as_of = as_of or date.today()
    if question.kind != "yesno" and _only_a_hedge(raw, words) and not (
            question.kind == "choice" and _hedged_yes(raw, words)):
        return ParsedAnswer(None, unknown=True)  # 可能吧 to "how many years?" says nothing
    if question.kind == "yesno":
        return _parse_yesno(question, raw, words)
    if question.kind == "number":
        return _parse_number(question, raw, words, as_of)
    if question.kind == "choice":
        return _parse_choice(question, raw, words, asked)
    if question.kind == "date":
        return _parse_date(question, raw)
    return ParsedAnswer(error="这个问题暂时无法回答，请回复“跳过”。")


def echoes_named(prompt: str, text: str, words: AnswerWords | None = None) -> int:
    """How many of the residents' phrasings of the prompt's words (answer_words.yaml
    yesno.echoes, 2+ characters: 见习期 -> 留下, 转正) `text` says: 说错了留下来两个 names
    见习期满后实际留用了几人 (留下) though it shares no two-character word with it."""
    words = words or current_words()
    prompt, said = answer_word(prompt), answer_word(text)
    return sum(1 for key, phrases in words.echoes.items() if key in prompt
               for phrase in phrases if len(phrase) >= 2 and phrase in said)


def read_part_asked(question: Question, text: str, words: AnswerWords | None = None) -> str | None:
    """The choice a hidden question (Program.focus: the part of a program a resident asked
    about) takes from a message, or None. Unlike `parse_answer` the message is usually itself
    a question (能不能认定就业困难人员？), so A-not-A and question words do not stop it; a
    message naming no part, or two, gives None."""
    raw = normalize(str(text) if text is not None else "")
    if not question.hidden or question.kind != "choice" or not raw or len(raw) > MAX_LENGTH:
        return None
    raw = _A_NOT_A.sub(r"\1", raw)  # 给不给生活费 asks about 生活费, it does not deny it
    parsed = _parse_choice(question, raw, words or current_words())
    return parsed.value if parsed.ok else None


def hint(question: Question) -> str:
    """How to answer, shown with every re-ask."""
    if question.kind == "yesno":
        return "请回答“是”或“否”，不清楚可以回答“不清楚”。"
    if question.kind == "number":
        rng = ""
        if question.minimum is not None and question.maximum is not None:
            rng = f"（{format_number(question.minimum)}—{format_number(question.maximum)}{question.unit}）"
        return f"请回答一个数字{rng}，例如“{_example(question)}”；不清楚可以回答“不清楚”。"
    if question.kind == "choice":
        options = " ".join(f"{i}.{c.label}" for i, c in enumerate(question.choices, 1))
        return f"请回复序号或选项：{options}；不清楚可以回答“不清楚”。"
    if question.kind == "date":
        return "请按“2019年6月1日”或“2019-06-01”的格式回答；不清楚可以回答“不清楚”。"
    return ""


def _example(question: Question) -> str:
    return {"岁": "23岁", "元": "1.5万元", "人": "12人", "个月": "6个月", "年": "2.5年"}.get(question.unit, f"3{question.unit}")


# ---------------------------------------------------------------- shared helpers


def _clauses(raw: str) -> list[str]:
    """The answer cut at punctuation and spaces: "对的 我在厂里上班" -> [对的, 我在厂里上班]."""
    return [c for c in _CLAUSE_SPLIT.split(raw) if c]


def _without_particles(text: str, words: AnswerWords) -> str:
    """Sentence-final particles dropped: 是哩 -> 是, 没有嘛 -> 没有, 对着哩 stays (a word)."""
    while text and text not in words.yes_words and text not in words.no_words:
        for p in words.particles:
            if text.endswith(p):
                text = text[: -len(p)]
                break
        else:
            break
    return text


def _loose(text: str) -> str:
    """开个店 / 开一家馆子 -> 开店 / 开馆子: phrases and answers are compared in this form."""
    return _MEASURE.sub("", text)


_FOR_WHOM_GAP = 3  # 没给 + 伙计们 + 交: at most this many characters name whom (不给补我们也交着呢: no)


def _negated(text: str, start: int, words: AnswerWords) -> bool:
    """Is the phrase at `start` negated: a negator ending at most two characters before it
    (没交, 没有按时交, 不是很困难), or one before 给/帮/替/为 and whom it is done for (没给伙计交)?"""
    window = text[max(0, start - _NEGATION_GAP - 2): start]
    window = window[window.rfind(_BREAK) + 1:]  # 没毕业 还在念书: 没 is not said of 还在念书
    for neg in words.negators:
        at = window.rfind(neg)
        if at >= 0 and len(window) - (at + len(neg)) <= _NEGATION_GAP:
            return True
    # 没给伙计交保险, 不帮工人交: the negator before whom it is done for (给/帮/替/为 + a few
    # characters) negates the verb after them
    before = text[max(0, start - _FOR_WHOM_GAP - 3): start]
    before = before[before.rfind(_BREAK) + 1:]
    return any(re.search(f"{re.escape(neg)}(?:给|帮|替|为)[^{_BREAK}也都还]{{1,{_FOR_WHOM_GAP}}}$", before)
               for neg in words.negators)


def _mask(text: str, phrases: tuple[str, ...]) -> str:
    """Replace each phrase (longest first) by one mask character, so that 没问题 / 不少 /
    差不多 are not read as negations."""
    for p in sorted(phrases, key=lambda w: (-len(w), w)):
        text = text.replace(p, _MASK)
    return text


def _hedged(text: str, words: AnswerWords) -> tuple[bool, str]:
    """(was a hedge said, the text with hedges masked). 不可能 is no hedge: a hedge right after a
    negator is part of a denial."""
    found = False
    for h in sorted(words.hedges, key=lambda w: (-len(w), w)):
        start = text.find(h)
        while start >= 0:
            if not any(text[:start].endswith(n) for n in words.negators):
                found = True
                text = text[:start] + _MASK + text[start + len(h):]
                start = text.find(h, start + 1)
            else:
                start = text.find(h, start + len(h))
    return found, text


def _hedge_rest(raw: str, words: AnswerWords) -> tuple[bool, str]:
    """(was a hedge said, what is left without it and the particles)."""
    hedged, text = _hedged(_compact(raw), words)
    return hedged, _without_particles(text.replace(_MASK, ""), words)


def _hedged_yes(raw: str, words: AnswerWords) -> bool:
    """好像是 / 应该是的: a hedged "yes" — to a choice (个人 or 单位?) it picks no option, so it is
    asked again like a bare 是, not taken as 不清楚 (which would end the questionnaire there)."""
    hedged, rest = _hedge_rest(raw, words)
    return hedged and bool(rest) and rest in words.yes_words and not rest.startswith("有")  # 有可能: a bare hedge


def _only_a_hedge(raw: str, words: AnswerWords) -> bool:
    """可能吧 / 有可能 / 也许: a hedge with nothing hedged."""
    hedged, rest = _hedge_rest(raw, words)
    return hedged and (not rest or rest in words.yes_words)


def _asks_plan(question: Question, words: AnswerWords) -> bool:
    """Does the question itself ask about a plan (有创业的打算吗, 是否准备或正在创业, 想参加见习的
    个人还是单位)? Then a plan answers it as any answer does."""
    prompt = answer_word(question.prompt)
    return any(p in prompt for p in words.plans)


def _planned(clause: str, words: AnswerWords) -> str | None:
    """What a clause says is planned or supposed (想留两个 -> 留两个, 要是满了 -> 满了), or None when
    it is no plan: a plan word negated (不想参加 is a refusal), standing alone, or followed
    by 是, a yes/no word or a hedge (我想是的, 我想是22岁, 我想应该满了: 想 is "I think" there)."""
    for p in sorted(words.plans, key=lambda w: (-len(w), w)):
        start = clause.find(p)
        while start >= 0:
            rest = clause[start + len(p):]
            bare = _without_particles(rest, words)
            if (not _negated(clause, start, words) and bare and not rest.startswith((_MASK, "是"))
                    and not _inside_number(clause, start, start + len(p))  # 两万一千多: no 万一 (in case)
                    and bare not in words.yes_words and bare not in words.no_words
                    and not rest.startswith(("法", "不", "起"))):  # 想法, 想不起来
                return rest
            start = clause.find(p, start + 1)
    return None


def _inside_number(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is part of a number written there: the 万一 of 两万一千 (21000)
    is no 万一 ("in case")."""
    return any(m.start() < end and start < m.end() and len(m.group(0)) > end - start
               for m in _NUM_RE.finditer(text))


def _fact_part(clause: str, words: AnswerWords) -> str:
    """The part of a clause said as a fact: all of it, or what comes before its plan word
    (满了打算留三个 -> 满了)."""
    rest = _planned(clause, words)
    if rest is None:
        return clause
    start = len(clause) - len(rest)
    plan = max((p for p in words.plans if clause[:start].endswith(p)), key=len, default="")
    return clause[:start - len(plan)]


def _find(text: str, phrases: list[tuple[str, Any]]) -> list[tuple[int, str, Any]]:
    """Non-overlapping occurrences, longest phrase first: (start, phrase, tag)."""
    taken = [False] * len(text)
    found = []
    for phrase, tag in sorted(phrases, key=lambda p: len(p[0]), reverse=True):
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(phrase)
                found.append((start, phrase, tag))
            start = text.find(phrase, start + 1)
    return sorted(found)


# ---------------------------------------------------------------- yes / no


@dataclass(frozen=True)
class _Prompt:
    """What a yes/no question is about, derived from its prompt and the echo words."""

    phrases: tuple[tuple[str, bool], ...]  # (phrase, says yes?): echoes True, opposites False
    chars: frozenset[str]  # the characters of the prompt's content words
    general: frozenset[str] = frozenset()  # phrases that are only general verbs (是, 有, 想 …)
    not_yet: tuple[str, ...] = ()  # yesno.not_yet words of the question: 正在 / 下周 before what it asks
    done_asked: bool = False  # the question asks about a thing done (签订了, 已取得): a key of yesno.not_yet
    # Of such a question, the phrases said only of the thing after its verb (享受过 | 培训生活费补贴):
    # said alone (今年刚开始培训) they tell of that thing, not that it was done — no "yes" by themselves
    objects: frozenset[str] = frozenset()
    needs: tuple[float, str] | None = None  # a duration the question names (1年以上): (months, as said)


_BRACKETED = re.compile(r"（[^）]*）|\([^)]*\)")


def _prompt(question: Question, words: AnswerWords) -> _Prompt:
    """The question's own words (the prompt without 你/是否/吗…, in bigrams), the YAML echoes
    of words in the prompt, the general affirming verbs, and the YAML opposites."""
    key = ("prompt", question.prompt)
    found = words.memo.get(key)
    if found is not None:
        return found
    prompt = answer_word(question.prompt)
    content = re.sub(r"[\d—\-~]+", _MASK, _mask(prompt, words.question_words))
    segments = [s for s in content.split(_MASK) if len(s) >= 2]
    # Who or what the question is about, before its verb (answer_words.yaml `predicates`: 毕业生所在的
    # 县 属于…, 与这些新招用人员 签订…): saying those words (中专毕业的, 今年新招了八个) tells something
    # else, it does not answer. A verb inside an example in brackets (如失业前参加了…) does not count.
    outside = answer_word(_BRACKETED.sub("", question.prompt))
    cut, verb = min(((i, verb) for verb in words.predicates if (i := outside.find(verb)) > 0), default=(0, ""))
    subject = outside[:cut]
    before_object = outside[:cut + len(verb)]
    thing = outside[cut + len(verb):] if verb else ""  # 享受过 | 培训生活费补贴: what was or was not done
    phrases: dict[str, bool] = {}
    for seg in segments:
        for phrase in (seg, *(seg[i:i + 2] for i in range(len(seg) - 1))):
            # A word of who the question is about says nothing of what is asked, also when the
            # asked part repeats it (接收的见习人员 是否都属于 见习对象: 收了五个见习的 is a count)
            if phrase not in subject:
                phrases.setdefault(phrase, True)
    general = {verb for verb in words.verbs if verb not in phrases}
    for verb in general:
        phrases[verb] = True
    of_thing = {phrase for phrase in phrases if phrase in thing and phrase not in before_object}
    for table, says_yes in ((words.echoes, True), (words.opposites, False)):
        for word, said in table.items():
            if word in prompt:
                for phrase in said:
                    phrases[phrase] = says_yes
                    if says_yes and word in thing and word not in before_object:
                        of_thing.add(phrase)
    # …unless a word of the verb says it too (领取|享受 -> 领过, 拿过)
    of_thing -= {p for k, said in words.echoes.items() if k in before_object and k not in subject for p in said}
    loose: dict[str, bool] = {}
    for phrase, says_yes in phrases.items():
        loose[_loose(phrase)] = says_yes
    general -= {p for table in (words.echoes, words.opposites) for k, said in table.items() if k in prompt for p in said}
    plan = _asks_plan(question, words)  # 有创业的打算吗: 下个月开店 answers it
    done_asked = any(k in prompt for k in words.not_yet if k != _EVERY_QUESTION)
    not_yet = () if plan else tuple(dict.fromkeys(
        w for k, said in words.not_yet.items() if k == _EVERY_QUESTION or k in prompt for w in said))
    objects = frozenset(_loose(p) for p in of_thing) if done_asked and not plan else frozenset()
    found = _Prompt(tuple(loose.items()), frozenset("".join(segments)), frozenset(general), not_yet,
                    done_asked and not plan, objects=objects, needs=_duration_asked(prompt))
    words.memo[key] = found
    return found


def _parse_yesno(question: Question, raw: str, words: AnswerWords) -> ParsedAnswer:
    """是/对/嗯/没问题, an echo of what was asked (交着呢, 想, 参加了 -> yes; 没交, 不想 -> no),
    a hedge (好像是 -> tentative yes). A 没/不 is a "no" only where it negates what was asked."""
    t = _compact(raw)
    if t == _YES_DIGIT:
        return ParsedAnswer(True)
    if t == _NO_DIGIT:
        return ParsedAnswer(False)
    hedged, text = _hedged(raw, words)
    prompt = _prompt(question, words)
    clauses = _clauses(text)
    planned: list[str] = []
    if not _asks_plan(question, words):  # 想留两个 to 见习期满了吗: a plan, not what happened
        planned = [rest for c in clauses if (rest := _planned(c, words)) is not None]
        clauses = [f for c in clauses if (f := _fact_part(c, words))]
    short = _too_short(prompt, raw)
    if short is not None:  # 签了半年 to 签订了1年以上的劳动合同: shorter than asked, a "no"
        return ParsedAnswer(False, tentative=hedged, note=short)
    prompt_text = answer_word(question.prompt)
    said = _compact(text)
    if "都" in prompt_text and (part := next((w for w in words.partial if w in said), None)) \
            and not _negated(said, said.find(part), words):
        # 大部分是 有两个不是 / 只签了一部分 to 是否都…: some are, not all — a "no", said so
        return ParsedAnswer(False, tentative=hedged, note=f"您说的是“{part}”，问题问的是是不是都这样，先按“否”记下。")
    results = []
    for i, c in enumerate(clauses):
        only = _ONLY_WANT.match(c)
        if (only and any(value is False for value, _ in results)
                and _clause_polarity(c[only.end():], prompt, words) is None):
            # 莫有 就想打个工 to 有创业的打算吗: "only X" after a no, X not what was asked, is the
            # no's reason (就想开个小店 names 创业 itself: read as usual)
            continue
        # 在外头干了几年 回来一直在老家: after a return, 一直在… is since then, not "never left"
        back = bool(_RETURNED.search("".join(clauses[:i])))
        if (r := _clause_polarity(c, prompt, words, returned=back)) is not None:
            results.append(r)
    strong = {value for value, strength in results if strength == _STRONG}
    weak = {value for value, strength in results if strength == _WEAK}
    decided = strong or weak
    if len(decided) == 1:
        value = decided.pop()
        if value is False and any(_unfinished(c, prompt, words) for c in clauses):
            return ParsedAnswer(False, tentative=hedged, plan=True, note=_NOT_YET_NOTE)
        if (value is True and "今年" in prompt_text and "今年" not in said
                and (past := next((w for w in words.past_times if w in said), None))):
            # 领过一回去年的 to 今年是否已经享受过…: another year's
            return ParsedAnswer(False, tentative=hedged, note=f"您说的是{past}的情况，问题问的是今年，先按“今年没有”记下。")
        return ParsedAnswer(value, tentative=hedged, plan=bool(planned))
    if not decided and not planned and (said := _durations_said(prompt, raw)) and not any(short for short, _ in said):
        # 两年的合同 to 签订了1年以上的劳动合同吗: long enough, said of what was asked
        return ParsedAnswer(True, tentative=hedged)
    if planned and not decided:
        if any((r := _clause_polarity(rest, prompt, words)) is not None and r[1] == _STRONG for rest in planned):
            return ParsedAnswer(False, plan=True, note="您说的是打算；这里问的是已经发生的事，先按“还没有”记下。")
        return ParsedAnswer(plan=True, error=f"您说的像是打算；这里问的是现在已经是什么情况。{hint(question)}")
    if not decided and hedged:
        return ParsedAnswer(True, tentative=True)  # 可能吧, 差不多吧, 好像……
    if strong == {True, False} and prompt.done_asked:
        # 考完了 证还没发下来 to 已取得证书吗: a step done and the thing asked not done is not
        # done (a question about a thing done: one with yesno.not_yet words)
        return ParsedAnswer(False, tentative=hedged, plan=True, note=_NOT_YET_NOTE)
    if decided:
        return ParsedAnswer(error=f"这个回答里既有“是”又有“不是”，没能确定。{hint(question)}")
    if _numbers_in(_ONE_IN_WORDS.sub("", _prepare_number_text(_compact(raw)))):  # 五万块 to 是否参保: never stored
        return ParsedAnswer(error=f"您说的是一个数；这个问题问的是“是不是”，不是多少。{hint(question)}")
    return ParsedAnswer(error=f"没看懂这个回答。{hint(question)}")


def _clause_polarity(clause: str, prompt: _Prompt, words: AnswerWords, *, returned: bool = False) -> tuple[bool, int] | None:
    """(yes?, strength) of one clause, or None when it says neither. Strong: it echoes (or
    negates) what was asked; weak: a bare 是 / 不是 / 没问题. `returned`: a clause before this one
    told of coming back (回来了), so an opposite saying "always" (一直在村里) is since then."""
    bare = _without_particles(clause.replace(_MASK, ""), words)
    if not bare:
        return None
    masked = _loose(_mask(clause, words.not_negations))
    values = []
    found = _find(masked, list(prompt.phrases))
    for start, phrase, says_yes in found:
        if not says_yes and phrase.startswith("一直") and (returned or _RETURNED.search(masked[:start])):
            continue  # 回来一直在老家: since coming back, not "never went out"
        # only what precedes the phrase counts: 没工作 (an echo of 失业) is itself a yes
        negated = _negated(masked, start, words)
        if says_yes and not negated and _not_yet_at(masked, start, start + len(phrase), prompt.not_yet):
            values.append(False)  # 正在签 / 下个月考: what was asked is not done yet
            continue
        if says_yes and not negated and phrase in prompt.objects:
            continue  # 今年刚开始培训 to 享受过培训生活费补贴吗: the thing named, not that it was had
        if phrase in prompt.general and not negated:
            end = start + len(phrase)
            after = _without_particles(masked[end:].replace(_MASK, ""), words)
            if after and not any(s >= end for s, _, _ in found):
                continue  # 我是学生 to "are you unemployed?": 是 something else, not what was asked
        values.append(says_yes != negated)
    strength = _STRONG if values else _WEAK
    if bare in words.no_words:  # 木有 is no though it contains 有
        return False, strength
    if bare in words.yes_words:
        return True, strength
    if False in values:
        return False, _STRONG  # 有的不是, 社保没交: the negated predicate decides
    if values:
        return True, _STRONG
    # Nothing of the question in it: a leading 是的 / 不是 / 没问题 decides weakly.
    prefix_yes = max((len(w) for w in words.yes_words if len(w) >= 2 and bare.startswith(w)), default=0)
    prefix_no = max((len(w) for w in words.no_words if len(w) >= 2 and bare.startswith(w)), default=0)
    if prefix_yes or prefix_no:
        return (True, _WEAK) if prefix_yes > prefix_no else (False, _WEAK)
    for neg in sorted(words.negators, key=lambda w: (-len(w), w)):
        if masked.startswith(neg):
            rest = masked[len(neg):]
            if rest and rest[0] in prompt.chars:
                return False, _STRONG  # 不难 to 生活是否困难
            return None  # 没钱 to "did you pay": not what was asked
    return None


_RETURNED = re.compile(r"回来|回到|返乡|回家|回乡|回村|回老家")  # a return told before "always…"
# Acts that answer another question than a count of people taken on or kept: 没裁 (no one laid
# off) is the answer to 是否裁员, not 0 new hires. Only these are refused; 没有 / 没交 / 没雇 are a 0.
_OTHER_ACTS = re.compile(r"(?:没有?|无)(?:裁|辞|开除|减员|减人)[\u4e00-\u9fff]{0,2}$")


def _other_act(answer: str, prompt: str) -> str | None:
    """The words of a "none" answer naming an act another question asks (没裁, to a count of
    people hired; none of 裁/辞/开除/减 in the prompt), else None (没招, 没有, 没交, 没雇)."""
    m = _OTHER_ACTS.search(answer)
    if m is None or any(act in prompt for act in ("裁", "辞", "开除", "减")):
        return None
    return m.group(0)


_PER_PERIOD = re.compile(r"(?:都|就|才)?(?:交|缴|挣|赚|花|给|发|拿|领|收)")  # 一年交了: a sum per that period
_YEARLY = re.compile(r"上年度|去年|一年|全年|每年")  # a question asking a year's sum
_MONTHLY = re.compile(r"每月|一个月|每个月|月均")  # an answer giving a month's


def _names_prompt(part: str, prompt: str) -> bool:
    """Whether a part of an answer names what the prompt asks about: three characters in a row
    of the prompt (失业保 of 失业保险费; not its asking words 多少元), 保险 said short as 险
    (失业险) too."""
    for text in (prompt, prompt.replace("保险", "险")):
        grams = (text[i:i + 3] for i in range(len(text) - 2))
        if any(g in part for g in grams if not any(w in g for w in ("多少", "是否", "几"))):
            return True
    return False


_KEPT_ON = re.compile(r"留(?:了|下|用|住|在)")  # 留了两个: a count of those kept on
_ONLY_WANT = re.compile(r"(?:我|俺)?(?:就|只|光|就是|只是)(?:想|要|打算|准备)")  # 就想打个工: only that
_FILLERS = re.compile(r"(?:才|就|再|去|来|开始|要|能|会|得)+")  # 下个月才开始交: still right before it
_REACHING = re.compile(r"(?:了|得|够了|满了)?(?:满|够|到|足)")  # 快交满三年: what is nearly reached is a length
_EVERY_QUESTION = "*"  # a key of yesno.not_yet: its words are for every question (but one about a plan)
_NOT_YET_NOTE = "您说的是还没到的事（正在办，或以后才有）；这里问的是现在已经是不是这样，先按“还没有”记下，到时候可以再测。"
def _duration_asked(prompt: str) -> tuple[float, str] | None:
    """(months, as said) of the least duration the prompt names (1年以上 -> (12, "1年")), or None."""
    m = _DURATION_ASKED.search(prompt)
    if not m:
        return None
    value = _to_number(m.group(1))
    unit = m.group(2).lstrip("个")
    if value is None:
        return None
    return value * _MONTHS_IN[unit], m.group(0).removesuffix("以上")


def _too_short(prompt: _Prompt, raw: str) -> str | None:
    """A note when every duration the answer gives is under the one the question needs
    (签了半年的, 只签了六个月, 不到一年 to 签订了1年以上的劳动合同); None otherwise (no duration,
    one long enough, or some of each: 试用三个月 合同签了三年)."""
    said = _durations_said(prompt, raw)
    if not said or not all(short for short, _ in said):
        return None
    return f"您说的是“{said[0][1]}”，不到问题要求的{prompt.needs[1]}，先按“否”记下。"  # type: ignore[index]


def _durations_said(prompt: _Prompt, raw: str) -> list[tuple[bool, str]]:
    """(shorter than the prompt's duration?, as said) for each duration the answer gives; [] when
    the prompt names none or the answer gives none."""
    if prompt.needs is None:
        return []
    needs = prompt.needs[0]
    t = _prepare_number_text(_compact(raw)).replace("年半", "半年").replace("个半月", "半个月")
    said = []
    for m in _DURATION_SAID.finditer(t):
        value = _to_number(m.group("n"))
        if value is None or value >= 100:  # 2019年: a year, not a duration
            continue
        if _PER_PERIOD.match(t, m.end()):  # 一年交了两万多: the period of a sum paid, not a length
            continue
        months = value * _MONTHS_IN[m.group("u").lstrip("个")]
        under = bool(m.group("pre") or m.group("post"))
        said.append((months < needs or (under and months <= needs), m.group(0)))
    return said


def _not_yet_at(text: str, start: int, end: int, markers: tuple[str, ...]) -> bool:
    """Is the phrase at text[start:end] said as not done yet: a not_yet word right before it (快签,
    正考着) or, for a word of two characters or more, at most two characters before (下周就签,
    明天去签), or with only 才/就/开始… between (下个月才开始交)? Not when a length follows it (快交满三年: the length is nearly reached, the paying
    is done)."""
    if not markers or _REACHING.match(text, end):
        return False
    window = text[:start]
    window = window[window.rfind(_BREAK) + 1:]
    for w in markers:
        at = window.rfind(w)
        if at < 0:
            continue
        gap = window[at + len(w):]
        if not gap or (len(w) >= 2 and (len(gap) <= _NEGATION_GAP or _FILLERS.fullmatch(gap))):
            return True
    return False


def _unfinished(clause: str, prompt: _Prompt, words: AnswerWords) -> bool:
    """Does the clause say that what was asked is under way or still to come (正在签, 下个月考)?"""
    if not prompt.not_yet:
        return False
    masked = _loose(_mask(clause, words.not_negations))
    return any(says_yes and not _negated(masked, start, words)
               and _not_yet_at(masked, start, start + len(phrase), prompt.not_yet)
               for start, phrase, says_yes in _find(masked, list(prompt.phrases)))


# ---------------------------------------------------------------- choices


def _included(question: Question, words: AnswerWords) -> dict[str, tuple[str, ...]]:
    """answer_words.yaml `includes` for this question (through the programmes that ask it)."""
    for pid, _label in _owners(question):
        found = words.includes.get((pid, question.id))
        if found:
            return found
    return {}


def _choice_phrases(question: Question, words: AnswerWords) -> list[tuple[str, str]]:
    """(phrase, choice value) for every option: its label, its value and the YAML words.

    A YAML word inside the program's own name is left out (孵化基地 for 创业孵化基地扶持…): a
    message that names the program ("创业孵化基地") must not pick an option; typed alone it
    still matches the option's label. Not for a hidden question (Question.hidden), whose words
    name the parts of the program."""
    key = ("choice", question.id, question.choices)
    found = words.memo.get(key)
    if found is not None:
        return found
    table: dict[str, tuple[str, ...]] = {}
    name = ""
    for pid, label in _owners(question):
        table, name = words.choices.get((pid, question.id), {}), answer_word(label)
        if table:
            break
    out: list[tuple[str, str]] = []
    for c in question.choices:
        # A hidden question (the part a resident asked about) reads the words that name a
        # part, which are often inside the program's name: kept there.
        said = [p for p in table.get(c.value, ()) if question.hidden or p not in name]
        for phrase in (answer_word(c.label), c.value.lower(), *said):
            phrase = _loose(phrase)
            if phrase and (phrase, c.value) not in out:
                out.append((phrase, c.value))
    words.memo[key] = out
    return out


def _owners(question: Question) -> list[tuple[str, str]]:
    """(id, label) of the programs (and the finder) that ask this very question."""
    return list(_owners_of(question.id, question.choices))


@lru_cache(maxsize=256)
def _owners_of(question_id: str, choices: tuple[Any, ...]) -> tuple[tuple[str, str], ...]:
    from eligibility.finder import FINDER
    from eligibility.programs import PROGRAMS

    return tuple((p.id, p.label) for p in (FINDER, *PROGRAMS)
                 if question_id in p.question_ids and p.question(question_id).choices == choices)


# What denies the option just said (中专也没有, 大学没上, 中专也不是): right after it, a negated
# verb of having done it, or 也没有 ending the clause — not 没工作 / 就没有找下 (大学毕业就没有
# 找下 is the graduate option itself).
_NONE_OF = ("都不是", "以上都不是", "都不属于")  # the option that says none of the others
_NEGATED_AFTER = re.compile(r"(?:家庭|人员|成员|的人|的)?(?:也|都|还)?(?:没上|没念|没读|没考上|没毕业|不是)"
                            r"|(?:也|都)(?:没有|没)(?![\u4e00-\u9fff])")  # (零就业家庭不是: the rest of its name between)


def _parse_choice(question: Question, raw: str, words: AnswerWords, asked: bool = True) -> ParsedAnswer:
    """A button number, a label, or the option's meaning (一个都没裁 -> 没有裁员): the longest
    phrase found wins; a phrase right after 没/不 does not count (没毕业 is not 毕业了)."""
    t = _compact(raw)
    options = question.choices
    index = _choice_index(t)
    if index is not None:
        if 1 <= index <= len(options):
            return ParsedAnswer(options[index - 1].value)
        return ParsedAnswer(error=f"没有第{index}项。{hint(question)}")
    for c in options:
        if t in (_compact(normalize(c.label)), c.value.lower()):
            return ParsedAnswer(c.value)
    if not question.hidden and not _asks_plan(question, words):
        planned = _plan_choice(question, raw, words)
        if planned is not None:
            return planned
    if question.hidden:  # the program's own name says nothing of which part was asked about
        for _, label in _owners(question):
            t = t.replace(answer_word(label), _MASK)
    hedged, _ = _hedged(t, words)
    clauses = {_without_particles(c, words) for c in _clauses(raw)} | {_without_particles(t, words)}
    if not question.hidden:  # clauses kept apart, so that a 没 ends with its clause
        t = _BREAK.join(_compact(c) for c in _clauses(raw))
    t = _loose(_mask(t, words.not_negations))  # 没问题 is not 还没问过
    best: dict[str, int] = {}
    found: list[tuple[int, int, str]] = []  # (length, start, value)
    denied: set[str] = set()  # options said and denied right after (中专也没有)
    later = () if question.hidden or _asks_plan(question, words) else words.not_yet.get(_EVERY_QUESTION, ())
    planned_options = {c.value for c in options if any(p in answer_word(c.label) for p in words.plans)}
    # in words said before the question was asked (asked=False: 没有工作了，失业登记咋办), a bare
    # 没有 / 不是 negates something else, not "none of these"
    bare_no = {_loose(_compact(answer_word(w))) for w in words.no_words} if not asked else set()
    for phrase, value in _choice_phrases(question, words):
        if phrase in bare_no:
            continue
        if len(phrase) == 1:
            if phrase in clauses:  # 是 / 对 / 没: only as a whole answer
                best[value] = max(best.get(value, 0), 1)
            continue
        start = t.find(phrase)
        while start >= 0:
            # 没工作 counts; 没毕业 is not 毕业了, nor is 快毕业了 (yesno.not_yet "*": still to come),
            # but for an option that is itself a plan (想创业: 下个月开店)
            denied_here = _NEGATED_AFTER.match(t, start + len(phrase)) is not None
            if denied_here:
                denied.add(value)
            if (not _negated(t, start, words) and not denied_here
                    and (value in planned_options or not _not_yet_at(t, start, start + len(phrase), later))):
                found.append((len(phrase), start, value))
            start = t.find(phrase, start + 1)
    # Overlapping phrases: the longer one, then the one starting first (快毕业 over 毕业了: a
    # modifier comes before what it modifies) takes the characters.
    taken = [False] * len(t)
    said: dict[str, list[str]] = {}  # value -> the phrases that took characters for it
    for length, start, value in sorted(found, key=lambda f: (-f[0], f[1])):
        if not any(taken[start:start + length]):
            taken[start:start + length] = [True] * length
            best[value] = max(best.get(value, 0), length)
            said.setdefault(value, []).append(t[start:start + length])
    if len(best) > 1 and not question.hidden:
        unfinished = _unfinished_choice(question, said, words)
        if unfinished is not None:
            return ParsedAnswer(unfinished, tentative=hedged)
    if denied:  # 零就业家庭不是，就业困难人员也不是: an option denied anywhere is not chosen by a part of it
        best = {v: n for v, n in best.items() if v not in denied}
    if best:
        top = max(best.values())
        winners = [v for v, n in best.items() if n == top]
        if len(winners) > 1:  # 大专毕业了 在家呆着: the graduate option includes 没工作 (answer_words includes)
            included = _included(question, words)
            winners = [w for w in winners if not any(w in included.get(v, ()) for v in winners if v != w)]
        if len(winners) == 1:
            return ParsedAnswer(winners[0], tentative=hedged)
        return ParsedAnswer(error=f"没能确定您选的是哪一项。{hint(question)}")
    none_of = next((c.value for c in options if answer_word(c.label) in _NONE_OF), None)
    if denied and none_of is not None and none_of not in denied and not question.hidden:
        return ParsedAnswer(none_of)  # 没上过大学 中专也没有: none of the options said
    if not question.hidden:
        age = _age_choice(question, raw, words)
        if age is not None:
            return age
    if len(t) >= 2 and not question.hidden:  # a hidden question's label is no answer words
        hits = [c for c in options if t in _compact(normalize(c.label))]
        if len(hits) == 1:
            return ParsedAnswer(hits[0].value, tentative=hedged)
    negative = _negative_option(question, raw, words) if asked and not question.hidden else None
    if negative is not None:
        return ParsedAnswer(negative, tentative=hedged)
    return ParsedAnswer(error=f"没能确定您选的是哪一项。{hint(question)}")


# How an option that says no begins (还没问过, 没有裁员, 都不是); not 未/非/无, which begin
# descriptions (未就业的中职毕业生 is a kind of person, not a "no").
_NO_OPTION = ("没", "不")


def _negative_option(question: Question, raw: str, words: AnswerWords) -> str | None:
    """A bare "no" (没有, 还没, 不; answer_words.yaml no_words) to a choice question with exactly
    one option that says no (还没问过 among 问过，说我可以申请 / 问过，说我不符合条件 / 还没问过):
    that option. None otherwise (two negative options, or more than a bare no)."""
    said = _without_particles(_compact(raw), words)
    if said not in {_compact(answer_word(w)) for w in words.no_words}:
        return None
    negated = [c for c in question.choices if answer_word(c.label).lstrip("还都也").startswith(_NO_OPTION)]
    return negated[0].value if len(negated) == 1 else None


def _unfinished_choice(question: Question, said: dict[str, list[str]], words: AnswerWords) -> str | None:
    """培训完了 还没考试 / 培训完了 没考过: an answer naming a step done and one not done (yet)
    is the option of the step not done, never the one that says everything was done.

    The option that wins is the only one found through a phrase with a negator or a not_yet
    word (还没考, 没考过, 等考试) whose label itself says something is not done or still to
    come (正在培训或准备参加, 参加了培训，但考核没有合格, 还没审核: a negator or plan word, not at
    its start: 都不是 / 没有参加 say "none of these", not "not finished"); every other option
    found says nothing of the kind in its label. None otherwise (then the longest phrase wins)."""
    not_done = tuple(words.negators) + tuple(dict.fromkeys(w for ws in words.not_yet.values() for w in ws))
    marks = tuple(words.negators) + tuple(words.plans)
    labels = {c.value: answer_word(c.label) for c in question.choices}

    def says_not_done(label: str) -> bool:
        # (想参加见习的个人 is a wish of who answers, not a step left undone: a host telling of
        # its interns 都是没工作的 is no unfinished 想参加)
        return (any(m in label for m in marks)
                and not label.startswith((*words.negators, *words.plans, "都", "以上都")))

    open_ = [v for v, phrases in said.items()
             if says_not_done(labels.get(v, "")) and any(any(w in p for w in not_done) for p in phrases)]
    if len(open_) != 1:
        return None
    others = [v for v in said if v != open_[0]]
    if any(says_not_done(labels.get(v, "")) for v in others):
        return None
    return open_[0]


_TENS = "一二三四五六七八九"


def _age_choice(question: Question, raw: str, words: AnswerWords) -> ParsedAnswer | None:
    """五十三了 to a question with an option said as 五十多 (大龄劳动者): that option. The age is
    read as its tens (五十三 -> 五十多; 快六十 -> 五十九 -> 五十多); the option is whichever the
    answer words file the tens under. None when the answer is no bare age or no option takes it."""
    t = _prepare_number_text(_compact(raw))
    m = _AGE_ALONE.match(t)
    if not m:
        return None
    age = _to_number(m.group("n"))
    if age is None or not float(age).is_integer():
        return None
    age = int(age) - (1 if m.group("near") else 0)
    if not 20 <= age < 100 or age % 10 == 0:
        return None
    parsed = _parse_choice(question, f"{_TENS[age // 10 - 1]}十多了", words)
    if not parsed.ok:
        return None
    return ParsedAnswer(parsed.value, note=f"按{age}岁（{_TENS[age // 10 - 1]}十多岁）算")


def _plan_choice(question: Question, raw: str, words: AnswerWords) -> ParsedAnswer | None:
    """想去学开挖掘机 to "参加培训的情况是？": a plan is not 已参加. The option that is itself a
    plan (its label holds a plan word: 正在培训或准备参加) when the rest of the answer, said as
    a fact, picks no option. None when nothing in the answer is a plan, when what is said as a
    fact picks an option (下岗了想开店: a tie, asked again as usual) or when no option is a
    plan (then the answer is read as usual)."""
    _, text = _hedged(raw, words)
    clauses = _clauses(text)
    if not any(_planned(c, words) is not None for c in clauses):
        return None
    said = " ".join(_fact_part(c, words).replace(_MASK, "") for c in clauses)
    if said.strip() and _parse_choice(question, said, words).ok:
        return None  # what is said as a fact picks an option: read the answer as usual
    options = [c for c in question.choices if any(p in answer_word(c.label) for p in words.plans)]
    if len(options) == 1:
        return ParsedAnswer(options[0].value, plan=True)
    return None  # no option is a plan (想开一家面馆 to 以哪种方式创业: the way, not the time)


def _choice_index(t: str) -> int | None:
    m = re.fullmatch(r"(?:第|选|选择)?(\d+|[一二三四五六七八九十])(?:个|项|号|条)?", t)
    if not m:
        return None
    token = m.group(1)
    return int(token) if token.isdigit() else int(chinese_to_number(token) or 0)


# ---------------------------------------------------------------- numbers
#
# The grammar of numbers is kept here, not in the YAML: it is how numerals are written, not
# what anyone means. cn2an (smart mode) reads one numeral: 二十三, 一百零五, 三万六, 两千七,
# 1.5万, 2万4, 3千, 一点五. Our own code finds the numerals in a sentence and adds what cn2an
# lacks: w/k shorthand (1.5w, 15k), 半 (一年半), 一点五万, rough figures (十几, 二十来, 三四个,
# 十七八, 二三十, 20多), bounds and guesses (不到三年, 大概两年), and years (05年的, 从22年开始交).

# A number said with one of these is a bound, not the number: "不到三年" is not 3, "不满16岁"
# is not 16. We ask for the exact number rather than store a value that may be wrong.
BOUND_WORDS = ("不到", "不满", "不足", "以下", "以内", "未满", "快", "少于", "低于", "不超过", "将近",
               "接近", "没到", "不够")
# A number said with one of these (or a hedge of the YAML) is a guess: kept, marked approximate.
APPROX_WORDS = ("大概", "大约", "约", "左右", "差不多", "上下", "估计", "差不离", "前后")
# "三年多" / "3年以上" is at least the stated number: honest for a "≥" rule (参保3年以上), so it is
# kept as that number unless the question says otherwise (Question.at_least_ok, e.g. an age
# with an upper limit, where "二十多岁" may be 28: then it is a range, re-asked).
AT_LEAST_WORDS = ("以上", "超过", "至少", "出头")
_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_NUM = r"(?:\d+(?:\.\d+)?(?:[十百千万亿]+[\d零一二两三四五六七八九]*)*|[零一二两三四五六七八九十百千万亿点]+)半?|半"
_NUM_RE = re.compile(_NUM)
# An age said alone (五十三了, 快六十了, 四十五岁): for an option said as an age group (五十多了).
_AGE_ALONE = re.compile(rf"^(?:我|他|她|俺)?(?:今年|都|已经|也)?(?P<near>快|将近)?(?P<n>{_NUM})(?:周岁|岁)?(?:了|啦)?$")
# A duration a yes/no question names as the least it needs: 签订了1年以上的劳动合同.
_DURATION_ASKED = re.compile(rf"({_NUM})\s*(个?(?:年|月))以上")
# A duration in an answer, with what may say it is under its figure (不到一年, 快一年).
# Not a length: 这两天 / 过两个月 / 前年 / 三个月后 say when, not how long.
_DURATION_SAID = re.compile(rf"(?<![这过再前那上下头后去今明])(?P<pre>不到|不满|不足|没到|没满|没有|快要|快|将近|接近|差一点|差点)?"
                            rf"(?P<n>{_NUM})\s*(?P<u>个?(?:年|月))(?!份|底|初|前|后|内|以后|之后|龄|纪|级)"
                            rf"(?P<post>不到|不满|没到|没满|以下|以内)?")
_RANGE_SEP = re.compile(rf"({_NUM})\s*(?:个|名|岁|人|年|元|块|月)?\s*(?:到|至|-|~|—|或者|或)\s*({_NUM})")
_PAIR = re.compile(r"((?:[一二两三四五六七八九]?十)?)([一二两三四五六七八九])([二两三四五六七八九])([十百千]?万?)(?![零一二两三四五六七八九十])")
# 一万二三 / 三千五六: two digits in a row after 千/万 are the place below (12000—13000, 3500—3600),
# as 一万二 is 12000; not before a smaller unit (一万二三千 is read by _PAIR).
_SPOKEN_PAIR = re.compile(r"(\d+|[一二两三四五六七八九])([千万])([一二两三四五六七八九])([二两三四五六七八九])(?![十百千万零一二两三四五六七八九\d])")
_HEAD = re.compile(r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十]+)[百千万]$")
_SOME = re.compile(r"([零一二两三四五六七八九十百千万\d]*)几([十百千万]?)")
_ABOUT = re.compile(rf"({_NUM})来(?![了过的自])([百千万亿]*)")  # 二十来 / 十来万 (the 万 after 来)
_MORE = re.compile(rf"({_NUM})\s*(?:个|名|岁|人|年|元|块)?多(?![少大久])")
# Years: 2005年, 05年, 零五年, 去年; with an optional month.
_YEAR = re.compile(r"(?<![\d零一二三四五六七八九十])(?P<y>(?:19|20)\d{2}|\d{2}|[零一二三四五六七八九]{4}|[零一二三四五六七八九]{2}|今|去|前|大前)"
                   r"年(?![龄纪级限度])(?:(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])月份?|(?P<part>底|末|初))?")
_YEAR_PART_MONTH = {"底": 12, "末": 12, "初": 1}  # 2020年底开始交的: December
_YEAR_START_AFTER = ("开始", "起", "出生", "生", "的", "参保", "参加", "入职", "进厂", "上班", "工作", "交",
                     "缴", "就", "那年", "那会", "时候", "到现在", "至今", "以来", "来")
# Acts a year may be said of that start no span a question asks unless its prompt names them
# (去年毕业 to 每人见习几个月): the graduation, a marriage, leaving the army
_OTHER_ACTS_AFTER = ("毕业", "结婚", "退伍", "离校", "考上")
_YEAR_START_BEFORE = ("从", "自", "打", "自从", "打从", "是", "在", "于")
_GENERATION = re.compile(r"(?<!\d)(\d{2})后")
_DURATION_BEFORE = ("了", "有", "满", "够", "共", "计", "近")
_RELATIVE_YEARS = {"今": 0, "去": 1, "前": 2, "大前": 3}
# Units a number in an answer may carry that are never the unit asked for money or people: a
# time said alongside (一年交了十二万, 三个月招了5个人).
_COUNTED_UNITS = ("元", "人")
_ASKED = {"元": "金额（元）", "人": "人数"}
_OTHER_UNIT = re.compile(rf"(?:{_NUM})\s*个?(?:年|月|天|周|星期|礼拜)(?![份度])")
# A count of people (五六个, 八十个人, 3名) is never a sum of money, and money (3万元, 两千块) never
# a headcount: in an answer to a question in the other unit, such a number is what else was
# said ("裁了五六个 交了三万" to the contribution asked in 元), dropped before the number is read.
_PEOPLE_NUMBER = re.compile(rf"(?:{_NUM}|几|[零一二两三四五六七八九十]+几)\s*(?:来|多|余)?\s*(?:个人|个(?![月钟星礼])|人|名|位)")
_MONEY_NUMBER = re.compile(rf"(?:{_NUM})\s*(?:万元|万块|块钱|元|块)")
_NOT_ITS_UNIT = {"元": (_PEOPLE_NUMBER, "人数"), "人": (_MONEY_NUMBER, "钱数")}


def chinese_to_number(text: str) -> float | None:
    """二十三 -> 23, 两百 -> 200, 一百零一 -> 101, 一万五 -> 15000, 三百五 -> 350, 一半 -> 1.5,
    1.5万 -> 15000; None when it is not one number (二三 is a range, not 23)."""
    return _to_number(text)


def _to_number(token: str) -> float | None:
    half = token.endswith("半")
    body = token.removesuffix("半")
    if not body:
        return 0.5 if half else None
    if re.fullmatch(r"[零一二两三四五六七八九]{2,}", body):
        return None  # 二三 / 九八: digit strings are ranges or years, read elsewhere
    value: float | None
    if "点" in body and body[-1] in _CN_UNITS and body[-1] != "点":  # 一点五万: cn2an lacks it
        inner = _to_number(body[:-1])
        value = None if inner is None else inner * _CN_UNITS[body[-1]]
    else:
        try:
            value = float(cn2an.cn2an(body, "smart"))
        except (ValueError, KeyError, IndexError, TypeError):
            value = None
    if value is None:
        return None
    return value + 0.5 if half else value


def _prepare_number_text(raw: str) -> str:
    """80,000 -> 80000, 1.5w -> 1.5万, 15k -> 15千, 俩 -> 两, capital numerals to plain ones."""
    t = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", raw)
    t = re.sub(r"(\d(?:\.\d+)?)\s*w", r"\1万", t)
    t = re.sub(r"(\d(?:\.\d+)?)\s*k", r"\1千", t)
    t = t.translate(str.maketrans({"俩": "两", "仨": "三", "〇": "零", "壹": "一", "贰": "二", "叁": "三", "肆": "四", "伍": "五",
                                   "陆": "六", "柒": "七", "捌": "八", "玖": "九", "拾": "十", "佰": "百", "仟": "千"}))
    return t.replace("百分之", "")


def _numbers_in(text: str) -> list[float]:
    """Every number written in the text, Arabic (with 万/千 multipliers) or Chinese."""
    out = []
    for m in _NUM_RE.finditer(text):
        token = m.group(0)
        if token == "点":
            continue
        value = _to_number(token)
        if value is not None:
            out.append(value)
    return out


def _place(value: float) -> int:
    """The place of a round number's last non-zero digit: 20 -> 10, 300 -> 100, 7 -> 1."""
    if value <= 0 or not float(value).is_integer():
        return 1
    place, v = 1, int(value)
    while v % 10 == 0:
        v //= 10
        place *= 10
    return place


# 一 in words that are not numbers (算一下, 再来一遍, 一直, 一起): dropped before numbers are read,
# or "算一下应该是22岁吧" would hold two numbers and "从头再来一遍" would be an answer of 1.
# 测一测, 算一算, 看一看: the 一 between a doubled verb is no number
_ONE_IN_WORDS = re.compile(r"([测看算问查试比说想等])一\1|上一(?:个|步|题|次|项)|一(?:下子?|遍|次性?|些|直|起|样|般|定|哈|会儿?|切|旦|向|律|边|面|共|辈子|家|部分|点(?![零一二两三四五六七八九十\d]))")


# 多打了个零 / 少写了两个0: an edit of a number said before (its value ÷ or × 10 per zero), never
# the number 0. Read by `zero_edit`; the dialog applies it to the answer it corrects.
_ZERO_EDIT = re.compile(r"(多|少)(?:打|写|输|按|填|敲|加|算|说|了)*了?([一两二三四\d])?个(?:零|0)")


# A number said not to be the answer (不是两年, 两年不对, 而不是三个): `_parse_number` drops it when
# one other number is left. Not 不到 / 不够 (不到两年 is a bound, read by `_short_of`).
_N = r"[\d.零一二两三四五六七八九十百千万]+"
_NOT_THIS_NUMBER = re.compile(rf"(?:不是|而不是|并不是){_N}[^\d零一二两三四五六七八九十百千万，,]{{0,2}}"
                              rf"|{_N}[^\d零一二两三四五六七八九十百千万，,]{{0,2}}(?:不对|错了|说错了|打错了)")


# None this year, said beside what another year had (去年招了几个 今年没有 / 今年一个也没招)
_NONE_THIS_YEAR = re.compile(r"今年(?:还|倒是|就)?(?:没有|没|一个(?:也|都)没|一个没|零个?|不招|没招)(?!几|多少|怎么|裁)")


def zero_edit(text: str) -> int | None:
    """The power of ten a correction applies to a number said before: 多打了个零 -> -1 (÷10),
    少写了两个零 -> 2 (×100); None when the text says no such edit."""
    m = _ZERO_EDIT.search(normalize(text))
    if not m:
        return None
    count = m.group(2)
    n = 1 if not count else (int(count) if count.isdigit() else int(_CN_VALUE.get(count, 1)))
    return -n if m.group(1) == "多" else n


# a calendar year named in an answer: 2019年 / 二〇一九年 / 19年 (15—69: a year, not 三年's length),
# or said relative to now (前年, 去年 …)
_YEAR_NAMED = re.compile(r"(?<![\d两二三四五六七八九十])(?P<full>(?:19|20)\d{2}|[二][〇零][一二三四五六七八九〇零]{2})\s*年(?!龄|纪|级)"
                         r"|(?<![\d.])(?P<short>1[5-9]|[2-6]\d)\s*年(?![龄纪级多半以内前后底初])"
                         r"|(?P<relative>大前年|前年|去年|上年度|上一年|上年|今年|本年度)")
_RELATIVE_YEAR = {"大前年": -3, "前年": -2, "去年": -1, "上年度": -1, "上一年": -1, "上年": -1, "今年": 0, "本年度": 0}
_CN_DIGIT = {"〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}


def _years_of_figures(raw: str, as_of: date) -> list[int]:
    """The calendar years the figures of an answer are said to be of: each piece of the answer
    (cut at pauses) that holds a number and names a year (前年交了七千 -> as_of.year - 2)."""
    years = []
    for piece in _clauses(raw):
        named = _YEAR_NAMED.search(piece)
        if named is None:
            continue
        rest = piece[:named.start()] + piece[named.end():]
        if not _numbers_in(_prepare_number_text(rest)):
            continue  # 去年还没算: a year, no figure of it
        if named.group("relative"):
            years.append(as_of.year + _RELATIVE_YEAR[named.group("relative")])
        elif named.group("full"):
            years.append(int("".join(_CN_DIGIT.get(ch, ch) for ch in named.group("full"))))
        else:
            years.append(2000 + int(named.group("short")))
    return years


def _parse_number(question: Question, raw: str, words: AnswerWords, as_of: date) -> ParsedAnswer:
    if zero_edit(raw) is not None:  # 多打了个零 is no number of its own
        return ParsedAnswer(error=f"请直接告诉我正确的数字。{hint(question)}")
    if question.of_year is not None:
        wanted = as_of.year + question.of_year
        other = [y for y in _years_of_figures(raw, as_of) if y != wanted]
        if other:  # 前年交了七千 to 上年度交了多少: that year's figure is not the one asked for
            return ParsedAnswer(error=f"这里问的是{wanted}年（上年度）的数；您说的是{other[0]}年的，不能算在里面。"
                                      f"请告诉我{wanted}年的数。{hint(question)}")
    if ("见习" in question.prompt and "留" not in question.prompt
            and _KEPT_ON.search(raw) and len(_numbers_in(_prepare_number_text(raw))) == 1):
        # 留了两个 to 接收了几名见习人员 or 每人见习几个月: how many stayed on, not how many came
        # nor how long (the internship asks it later); 来了五个 留了两个 gives two numbers, read as usual
        return ParsedAnswer(error=f"您说的像是留用的人数；这里问的是“{question.prompt}”，留用几人后面再问。{hint(question)}")
    if question.adds_hires:
        added = _staff_with_hires(question, raw)
        if added is not None:
            return added
    if not _asks_plan(question, words):  # 打算再招五个 to 今年新招用了几人: a plan is no count
        clauses = _clauses(raw)
        facts = [f for c in clauses if (f := _fact_part(c, words))]
        if len(facts) < len(clauses) or any(f != c for f, c in zip(facts, clauses, strict=False)):
            said = [f for f in facts if _numbers_in(_prepare_number_text(f))]
            if not said:
                return ParsedAnswer(plan=True, error=f"您说的像是打算；这里问的是现在实际的数。{hint(question)}")
            raw = " ".join(said)
    t = _ONE_IN_WORDS.sub("", _prepare_number_text(raw))
    compact = _NUMBER_PUNCT.sub("", t)
    if not _numbers_in(compact):
        if _NOT_LOOKED.match(compact):
            return ParsedAnswer(unknown=True)  # 没算过: not known (待核实), not 0元
        if _VAGUE_SOME.match(compact):
            return ParsedAnswer(error=f"请说一个大概的数，比如“{_example(question)}”；实在不清楚可以回答“不清楚”。")
    year = _year_answer(question, compact, as_of, words)
    if year is not None:
        return year
    if question.unit == "岁":
        compact = compact.replace("岁半", "岁")  # an age in whole years: 18岁半 is 18
        generation = _GENERATION.search(compact)
        if generation:  # 00后 / 05后: born in that decade (or half-decade)
            start = _full_year(generation.group(1), as_of) or as_of.year
            span = 9 if start % 10 == 0 else 4
            lo, hi = _clip(question, (as_of.year - start - span - 1, as_of.year - start))
            return ParsedAnswer(range=(lo, hi), error=(
                f"请告诉我具体的岁数（{generation.group(0)}今年大约{format_number(lo)}—{format_number(hi)}岁），"
                f"比如“{_example(question)}”；不清楚可以回答“不清楚”。"))
    other = _NOT_ITS_UNIT.get(question.unit)
    if other is not None and other[0].search(compact):
        rest = other[0].sub("，", compact)
        if not _numbers_in(rest) and not re.search(r"几", rest):
            return ParsedAnswer(error=f"您说的“{other[0].search(compact).group(0)}”是{other[1]}；"
                                      f"这里问的是{_ASKED[question.unit]}。{hint(question)}")
        compact = rest
    short = _short_of(question, compact)
    if short is not None:
        return short
    if question.unit == "岁":
        compact = _CALENDAR_DAY.sub("，", compact)  # 明年六月才毕业: June is no age of 6
    if any(w in compact for w in BOUND_WORDS):  # a bound word not read above (快递干了三年): asked again
        return ParsedAnswer(error=f"请告诉我具体的数字，比如“{_example(question)}”；不清楚可以回答“不清楚”。")
    parts = [_NUMBER_PUNCT.sub("", c) for c in _clauses(t)]
    asked = set(re.sub(r"[几个人有了是的一都没多少]", "", answer_word(question.prompt)))
    zero = _ZERO.fullmatch(compact) or (
        # 满了，一个都没留: one part says none of what is asked (留 of 留用), the others give no number
        # (都留下了，一个都没走 says none left: asked again, not 0)
        any(_ZERO.fullmatch(c) and asked & set(c) for c in parts)
        and not any(_numbers_in(c) for c in parts if not _ZERO.fullmatch(c)))
    if not zero and any(_ZERO.fullmatch(c) for c in parts):
        # 都留下了，一个都没走: "none" of something else — its 一个 is no count of what is asked
        compact = "，".join(c for c in parts if not _ZERO.fullmatch(c))
    if zero and question.unit == "岁":  # 没工作 to 您今年多少岁: no age at all, not 0岁
        return ParsedAnswer(error=f"这一步问的是年龄。{hint(question)}")
    if zero and _ZERO.fullmatch(compact) and (other := _other_act(compact, question.prompt)):
        # 没裁, to "今年新招用的…有几人": none of another act (裁 is no 招) — asked again, not 0
        return ParsedAnswer(error=f"“{other}”回答的不是这一步；这里问的是“{question.prompt}”。{hint(question)}")
    if zero:  # 没有, 一个都没留, 零
        return _checked(question, 0.0, compact)
    if (question.unit == "人" and any(w in answer_word(question.prompt) for w in ("今年", "当年"))
            and _NONE_THIS_YEAR.search(compact)
            and not any(_numbers_in(_prepare_number_text(c)) for c in _clauses(raw)
                        if not any(w in c for w in words.past_times)
                        and not _NONE_THIS_YEAR.search(_compact(c)))):  # 今年没裁人 新招了5个: 5
        return _checked(question, 0.0, compact)  # 去年招了几个 今年没有: this year's count is none
    compact = compact.replace("年半", "半年").replace("个半月", "半个月")  # 一年半 -> 1.5
    compact = re.sub(r"(?<=[十百千万])好几", "几", compact)  # 二十好几 is 二十几
    numbered = [c for c in parts if _numbers_in(c) or _rough(question, c) is not None]
    naming = [c for c in numbered if _names_prompt(c, question.prompt)]
    if not naming and question.unit == "元" and _YEARLY.search(question.prompt):
        naming = [c for c in numbered if _YEARLY.search(c)]  # 每个月两千 一年两万四: the year's
    if len(numbered) > 1 and len(naming) == 1:
        # 一年交社保八万 失业保险五千, to "上年度…实际缴纳的失业保险费是多少元": the one part
        # naming what is asked (失业保险, 失业险) gives the number
        compact = naming[0]
    rough = _rough(question, compact)
    if rough is not None:
        factor = _unit_factor(question, compact)
        lo, hi = _clip(question, (rough[0] * factor, rough[1] * factor))
        unit = question.unit
        if lo > hi:
            return ParsedAnswer(error=f"这个数不在合理范围内，请再确认一下。{hint(question)}")
        return ParsedAnswer(range=(lo, hi), error=(
            f"请告诉我具体的数字（您说的大约是{format_number(lo)}—{format_number(hi)}{unit}），"
            f"比如“{_example(question)}”；不清楚可以回答“不清楚”。"))
    hedged, _ = _hedged(compact, words)
    approximate = hedged or any(w in compact for w in APPROX_WORDS)
    values = _numbers_in(compact)
    if not values:
        # 腿脚不好 是个残疾人 to "您今年多少岁": no number was said at all — ask for the number
        # this step needs, rather than "没看懂这个数字" about a number nobody typed.
        wanted = {"岁": "年龄", **_ASKED}.get(question.unit, "一个数字")
        return ParsedAnswer(error=f"这一步要的是{wanted}。{hint(question)}")
    if question.unit != "人" and MEMBERS_DESCRIBED.search(compact):
        # 有一个是大专的 to 每人见习几个月: what one of the people is, no length or sum (the rest
        # of the message may still give one: 半年 有一个是大专的)
        compact = MEMBERS_DESCRIBED.sub("，", compact)
        if not _numbers_in(compact):
            return ParsedAnswer(error=f"您说的是其中的人是什么情况；这里问的是{_ASKED.get(question.unit, '一个数字')}。{hint(question)}")
    if question.unit in _COUNTED_UNITS and (length := _OTHER_UNIT.search(compact)) and not _numbers_in(
            _OTHER_UNIT.sub("，", compact)):
        # 6个月 to 接收了几名见习人员: a length of time, never a count of people or a sum
        return ParsedAnswer(error=f"您说的“{length.group(0)}”是时间长短；这里问的是{_ASKED[question.unit]}。{hint(question)}")
    if len(values) > 1 and question.unit in _COUNTED_UNITS:
        # 一年交了十二万 / 三个月招了5个: a number of another unit (a time) is context, not the answer
        compact = _OTHER_UNIT.sub("，", compact)
        values = _numbers_in(compact)
    if len(values) > 1 and _NOT_THIS_NUMBER.search(compact):
        # 不是两年 是四年 / 两年不对 四年: the number said not to be it is the old one
        kept = _numbers_in(_NOT_THIS_NUMBER.sub("，", compact))
        values = kept if len(kept) == 1 else values
    if len(values) != 1:
        return ParsedAnswer(error=f"这个回答里有{len(values)}个数字，没能确定是哪一个。{hint(question)}")
    if (question.unit == "元" and _YEARLY.search(question.prompt) and _MONTHLY.search(compact)
            and not _YEARLY.search(compact)):  # (每个月三千 一年三万六: the year's is said too)
        # 每人每月交一百多, to a year's sum: a monthly figure is no year's total — asked again
        return ParsedAnswer(error=f"您说的像是每月的数；这里问的是{_YEARLY.search(question.prompt).group(0)}一共的数，"
                                  f"可以按每月的数乘以12算一下。{hint(question)}")
    parsed = _checked(question, values[0], compact)
    if parsed.ok and question.unit == "岁" and "虚岁" in compact:  # 虚岁 counts a year or two more
        age = parsed.value - 1
        return ParsedAnswer(age, approximate=True, range=(age - 1, age),
                            note=f"虚岁{format_number(parsed.value)}，按周岁约{format_number(age)}岁算")
    if parsed.ok and approximate:
        return ParsedAnswer(parsed.value, approximate=True, about=_about(question, parsed.value),
                            note=f"按大约{question.label_of(parsed.value)}算")
    return parsed


# 原来二十个人，今年又招了五个 / 原先有三十来号人 今年新招了8个: the staff before, then those hired
_EARLIER_AND_HIRED = re.compile(
    rf"(?:原来|原先|本来|以前|之前|原有|老的)[^\d零一二两三四五六七八九十百千万，,。]{{0,3}}(?P<before>{_NUM})(?P<rough>来|多)?"
    rf"(?:个人|号人|个|人|名)?[^\d零一二两三四五六七八九十百千万]{{0,8}}?(?:又|新|再|今年|后来)[^\d零一二两三四五六七八九十百千万]{{0,4}}?"
    rf"招(?:了|进来|进|上)?(?P<hired>{_NUM})(?P<rough_hired>来|多|几)?(?!\d|个?月|年|天)")


def _staff_with_hires(question: Question, raw: str) -> ParsedAnswer | None:
    """A headcount that includes this year's hires (Question.adds_hires), said as the staff
    before and those hired since: their sum, with a note saying how it was read; a rough staff
    before (三十来号人) is asked again. None when the text does not say it that way."""
    m = _EARLIER_AND_HIRED.search(_prepare_number_text(raw))
    if m is None:
        return None
    before, hired = _to_number(m.group("before")), _to_number(m.group("hired"))
    if before is None or hired is None:
        return None
    if m.group("rough") or m.group("rough_hired") or re.match(r"[五六七八九两三四]{2}", m.group("hired")):
        return ParsedAnswer(error=f"请告诉我准确的人数（原有的加上今年新招的）。{hint(question)}")
    parsed = _checked(question, before + hired, str(before + hired))
    if not parsed.ok:
        return parsed
    return replace(parsed, note=f"原有{format_number(before)}人加上今年新招的{format_number(hired)}人，"
                                f"在职职工按{format_number(before + hired)}人算")


def _checked(question: Question, value: float, text: str) -> ParsedAnswer:
    """Unit conversion (18个月 -> 1.5年), sign, integer and range checks."""
    value = value * _unit_factor(question, text)
    if re.search(r"(^|[^\d])-\s*\d", text):
        value = -value  # "-5" is out of range, not 5
    if question.integer and not float(value).is_integer():
        return ParsedAnswer(error=f"请回答一个整数。{hint(question)}")
    if (question.minimum is not None and value < question.minimum) or (question.maximum is not None and value > question.maximum):
        return ParsedAnswer(error=f"{format_number(value)}{question.unit}不在合理范围内，请再确认一下。{hint(question)}")
    return ParsedAnswer(_stored(question, value))


def _unit_factor(question: Question, text: str) -> float:
    """18个月 to a question in years is 1.5 (1/12); 一年 to one in months is 12."""
    if question.unit == "年" and "月" in text and "年" not in text:
        return 1 / 12
    if question.unit == "个月" and "年" in text and "月" not in text:
        return 12
    return 1


# How far a guessed number (大概 / 左右 / 差不多 …) may be from what was said: a tenth either
# side, and at least one for a whole-number question (五个左右 may be four or six).
ABOUT_SHARE = 0.1


def _about(question: Question, value: float) -> tuple[float, float]:
    """The (low, high) a guessed `value` may stand for, within the question's limits."""
    spread = abs(value) * ABOUT_SHARE
    if question.integer:
        spread = max(1, round(spread))
    lo, hi = _clip(question, (value - spread, value + spread))
    return (lo, hi) if lo <= hi else (value, value)


def _stored(question: Question, value: float) -> int | float:
    return int(value) if question.integer or float(value).is_integer() else round(value, 4)


def _clip(question: Question, rng: tuple[float, float]) -> tuple[float, float]:
    """A range cut to the question's minimum and maximum (low > high when wholly outside)."""
    lo, hi = rng
    if question.minimum is not None:
        lo = max(lo, question.minimum)
    if question.maximum is not None:
        hi = min(hi, question.maximum)
    return (_stored(question, lo) if float(lo).is_integer() else round(lo, 2),
            _stored(question, hi) if float(hi).is_integer() else round(hi, 2))


_UNIT_MORE = re.compile(r"多个?月")  # 三十多个月: months said "and more", read in years


def _rough(question: Question, t: str) -> tuple[float, float] | None:
    """The (low, high) of a rough figure, or None for a plain number.

    十几 -> (11, 19); 几十 -> (10, 99); 二十来 -> (18, 25) (来 is "about": a fifth of the place
    below, half above); 三四 -> (3, 4), 十七八 -> (17, 18), 二三十 -> (20, 30), 三五 -> (3, 5);
    20到30 / 2-3 -> (20, 30) / (2, 3); where "more than" may not be stored as the number
    (at_least_ok False): 二十多 -> (21, 29), 三年多 -> (3, 4), 24岁以上 -> (24, maximum)."""
    m = _RANGE_SEP.search(t)
    if m:
        a, b = _to_number(m.group(1)), _to_number(m.group(2))
        if a is not None and b is not None:
            tail = re.match(r"[\d.]+([十百千万亿]+)$", m.group(2))
            if tail and re.fullmatch(r"[\d.]+", m.group(1)):
                a *= b / float(m.group(2)[: -len(tail.group(1))])  # 2到3万 -> 20000—30000
            return (min(a, b), max(a, b)) if a != b else None
    m = _SPOKEN_PAIR.search(t)
    if m:
        lead, unit, d1, d2 = m.groups()
        a, b = _CN_VALUE[d1], _CN_VALUE[d2]
        if b == a + 1:
            scale = _CN_UNITS[unit]
            base = (int(lead) if lead.isdigit() else _CN_VALUE[lead]) * scale
            return base + a * scale // 10, base + b * scale // 10
    m = _SOME.search(t)
    if m:
        before, unit = m.group(1), m.group(2)
        lo, hi = _to_number(before + "一" + unit), _to_number(before + "九" + unit)
        if lo is not None and hi is not None:
            return lo, hi + (_CN_UNITS.get(unit, 1) - 1)
    m = _PAIR.search(t)
    if m:
        tens, d1, d2, unit = m.groups()
        a, b = _CN_VALUE[d1], _CN_VALUE[d2]
        if b == a + 1 or (a, b) == (3, 5):
            scale = math.prod(_CN_UNITS[u] for u in unit)  # 二三十万: 十 × 万
            base = (_to_number(tens) or 0) if tens else 0
            low, high = (base + a) * scale, (base + b) * scale  # 十二三万: (10 + 2) × 10000
            head = _HEAD.search(t[:m.start()])  # 三千五六百 / 两万五六千: the larger place said first
            above = _to_number(head.group(0)) if head else None
            if above is not None and above > high:
                low, high = above + low, above + high
            return low, high
    m = _ABOUT.search(t)
    if m:
        value = _to_number(m.group(1))
        if value is not None and value >= 10 and _place(value) >= 10:
            place = _place(value)
            scale = math.prod(_CN_UNITS[u] for u in m.group(2))  # 十来万: (8—15) × 10000
            return (value - place // 5) * scale, (value + place // 2) * scale
    m = _MORE.search(t)
    if m and (not question.at_least_ok or _UNIT_MORE.search(t)):
        # 二十多 where "more than" may not be stored as the number; and 三十多个月 to a question in
        # years (2.5 years or more — a range, settled when it decides nothing, else asked)
        value = _to_number(m.group(1))
        if value is not None:
            place = _place(value)
            if question.integer and place > 1:
                return value + 1, value + place - 1
            return value, value + place
    if not question.at_least_ok:
        for w in AT_LEAST_WORDS:
            at = t.find(w)
            if at >= 0:
                values = _numbers_in(t[:at] if w != "至少" else t[at + len(w):])
                if values:
                    value = values[-1] if w != "至少" else values[0]
                    if w == "出头":
                        return value + 1, value + max(1, _place(value) * 2 // 5)
                    start = value + 1 if (w == "超过" and question.integer) else value
                    return start, question.maximum if question.maximum is not None else value * 2
    return None


# ---------------------------------------------------------------- short of a number
#
# 快三年了, 不到三个月, 三年差两个月, 过了年就二十五: the number said is a bound not reached yet.
# Stored as that number it would pass a "≥ 3 years" rule or fail a "16—24岁" one wrongly, so
# it is read as what lies under it (see ParsedAnswer.below). How numbers and time are said is
# the grammar of numbers, kept here as the other number words are.

# Months in one of each time unit (a day is a thirtieth of a month, a week seven days).
_MONTHS_IN = {"年": 12.0, "岁": 12.0, "周岁": 12.0, "月": 1.0, "天": 1 / 30, "日": 1 / 30, "周": 7 / 30, "星期": 7 / 30, "礼拜": 7 / 30}
_TIME_UNIT = r"个?(?:周岁|年|岁|月|天|日|星期|礼拜|周)(?!份)"
# A day or month of the calendar (六月, 6月10号, 三月份): never an age.
_CALENDAR_DAY = re.compile(r"(?<![\d零一二两三四五六七八九十])(?:\d{1,2}|十[一二]?|[一二三四五六七八九])月份?(?:(?:\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])[号日])?")
# The same, but a bare 月 (明年六月) is a month of the calendar, not a length: 六个月 is.
_LENGTH_UNIT = r"个?(?:周岁|年|岁|天|星期|礼拜|周)(?!份)|个月"
# A figure too vague to subtract (差几天, 差一点): the value is then just under the bound.
_VAGUE = r"几|一点儿?|点儿?|一些|些|一丢丢|一下"
_DIFF_AFTER = re.compile(rf"(?P<n>{_NUM})(?P<u>{_TIME_UNIT})?(?:了|都|还|就)*差(?:个|了)?(?P<m>{_NUM}|{_VAGUE})?(?P<mu>{_TIME_UNIT})?(?!不)")
# Years and months together (一年零两个月, 两年十个月, 十五岁零十一个月): one duration.
_COMPOUND = re.compile(rf"(?P<y>{_NUM})(?:年|岁)(?:零|又)?(?P<m>{_NUM})个?月")
_DIFF_BEFORE = re.compile(rf"还?差(?:个|了)?(?P<m>{_NUM}|{_VAGUE})?(?P<mu>{_TIME_UNIT})(?:就|才|到|满|是|有)*(?P<n>{_NUM})(?P<u>{_TIME_UNIT})?")
# Nearly there, or there only later (明年就, 过了年就, 下个月满): under the number.
_NEARLY = re.compile(r"(?:快要|快满|快到|快|将近|接近|眼看|眼瞅着|马上|就要|差一点|差点儿?|不久就|很快就"
                     r"|过了年|过完年|过年|年后|明年|下个月|下月|下半年|过几天|过两天|过些天|过段时间|过阵子|年底|月底|"
                     r"过了生日|过完生日|生日一过|生日过了|再过[^\d零一二两三四五六七八九十]{0,3}"
                     rf"|再?过(?:{_NUM}|几)个?(?:年|月|天|星期|礼拜|周)后?"  # 过两个月就二十五
                     r"|小(?=[一二两三四五六七八九]?[十百千万]))"  # 小二十 / 小两万: nearly
                     rf"(?:(?:{_NUM})月份?)?(?:(?:{_NUM})[号日])?(?:就|才|能|要|满|到|是|有|就满|就到|就是|就有)*"
                     rf"(?P<n>{_NUM})(?P<u>{_LENGTH_UNIT})?(?!月)")
# 奔三 / 奔四十了: heading for an age of so many tens (dialect): a few years under it.
_HEADING_FOR = re.compile(r"奔(?P<n>[二两三四五六七八九]十?)")
_BELOW_BEFORE = re.compile(r"(?:还)?(?:不到|不满|不足|未满|没到|没满|没够|不够|少于|低于|没有|不超过|最多|顶多)"
                           rf"(?P<n>{_NUM})(?P<u>{_TIME_UNIT})?")
_BELOW_AFTER = re.compile(rf"(?P<n>{_NUM})(?P<u>{_TIME_UNIT})?(?:还|都)?(?:不到|不满|没到|没满|不足|不够|以下|以内|之内|内)")
# Bounds that allow the number itself (不超过三年, 三年以内): the range reaches it.
_INCLUSIVE = ("不超过", "最多", "顶多", "以下", "以内", "之内", "内")


def _short_of(question: Question, t: str) -> ParsedAnswer | None:
    """A number said as a bound not reached, or None: 三年差两个月 -> 2.83年 (to a question in
    years), 快十六了 -> 15岁, 快三年了 / 不到三年 -> under 3 (ParsedAnswer.below), 不到三个月 ->
    asked again, below 3. `t` is the compact answer (numbers prepared, punctuation removed)."""
    t = t.replace("年半", "半年").replace("个半月", "半个月").replace("差不多", _MASK).replace("差不离", _MASK)
    compound = _COMPOUND.search(t)
    if compound and question.unit in ("年", "岁", "个月"):  # 一年零两个月 is 14 months, not 1
        years, months = _to_number(compound.group("y")), _to_number(compound.group("m"))
        if years is not None and months is not None and months < 12:
            value = (years * 12 + months) / _MONTHS_IN[{"个月": "月"}.get(question.unit, question.unit)]
            return _checked(question, math.floor(value + 1e-9) if question.integer else round(value, 4), "")
    for pattern in (_DIFF_AFTER, _DIFF_BEFORE):
        m = pattern.search(t)
        if m:
            unit = m.group("u") or m.group("mu")
            if pattern is _DIFF_BEFORE and not unit:
                continue
            bound = _in_unit(question, m.group("n"), unit)
            if bound is None:
                continue
            gap = _in_unit(question, m.group("m"), m.group("mu") or m.group("u")) if m.group("m") else None
            if m.group("m") and re.fullmatch(_VAGUE, m.group("m")):
                gap = None
            said = m.group(0)
            if gap is not None and gap > 0:
                value = bound - gap
                if question.integer:
                    value = math.floor(value + 1e-9)
                return _short_value(question, value, said)
            return _nearly(question, bound, said)
    m = _HEADING_FOR.search(t)
    if m and question.unit == "岁":  # 奔三了: the late twenties
        bound = _to_number(m.group("n"))
        if bound is not None:
            bound = bound * 10 if bound < 10 else bound
            return _under(question, bound, bound - 5, m.group(0), inclusive=False, close=True)
    m = _NEARLY.search(t)
    if m:
        bound = _in_unit(question, m.group("n"), m.group("u"))
        if bound is not None:
            return _nearly(question, bound, m.group(0))
    for pattern in (_BELOW_BEFORE, _BELOW_AFTER):
        m = pattern.search(t)
        if m:
            bound = _in_unit(question, m.group("n"), m.group("u"))
            if bound is not None:
                inclusive = any(w in m.group(0) for w in _INCLUSIVE)
                low = question.minimum if question.minimum is not None else 0
                return _under(question, bound, low, m.group(0), inclusive)
    return None


def said_short_of(question: Question, text: str, value: Any) -> bool:
    """Does `text` say `value`, a number read from it for `question` by a looser reader (the
    facts of a first message: dialog/understanding/facts.py reads "十六了" out of 马上十六了), as a
    bound not reached — 快/将近/不到/差…/明年就 that number? Then the text does not answer
    `value` and the question is to be asked; False for any other question or text."""
    if question.kind != "number" or isinstance(value, bool) or not isinstance(value, int | float):
        return False
    t = _NUMBER_PUNCT.sub("", _prepare_number_text(plain_speech(normalize(text))))
    t = t.replace("年半", "半年").replace("个半月", "半个月").replace("差不多", _MASK).replace("差不离", _MASK)
    for pattern in (_DIFF_AFTER, _DIFF_BEFORE, _NEARLY, _BELOW_BEFORE, _BELOW_AFTER):
        for m in pattern.finditer(t):
            unit = m.group("u") or (m.group("mu") if "mu" in pattern.groupindex else None)
            bound = _in_unit(question, m.group("n"), unit)
            if bound is not None and abs(bound - value) < 1e-9:
                return True
    return False


def _in_unit(question: Question, number: str | None, unit: str | None) -> float | None:
    """A number said with a time unit (or none: the question's own), in the question's unit;
    None when it cannot be (a time said to a question in people or money, 一百人 to one in
    years)."""
    if not number:
        return None
    value = _to_number(number)
    if value is None:
        return None
    said = (unit or "").lstrip("个")
    if not said:
        return value
    asked = {"年": "年", "岁": "岁", "个月": "月"}.get(question.unit)
    if asked is None:
        return None
    return value * _MONTHS_IN[said] / _MONTHS_IN[asked]


def _step(question: Question) -> float:
    """The smallest step under a bound: a whole unit, or a month for a question in years."""
    if question.integer:
        return 1
    return 1 / 12 if question.unit == "年" else 0.01


def _said(question: Question, text: str) -> str:
    """The words of a bound as said, for a note: digits kept, punctuation gone."""
    return text.replace(_MASK, "")


def _short_value(question: Question, value: float, said: str) -> ParsedAnswer:
    """The value a bound gives (三年差两个月 -> 2.83年): kept, approximate, with a note."""
    checked = _checked(question, value, "")
    if not checked.ok:
        return ParsedAnswer(error=f"您说的是“{_said(question, said)}”，{checked.error}")
    shown = duration_words(checked.value, question.unit)
    return ParsedAnswer(checked.value, approximate=True, below=None,
                        note=f"您说的是“{_said(question, said)}”，按{shown}算")


def _nearly(question: Question, bound: float, said: str) -> ParsedAnswer:
    """快十六 / 将近三年 / 差几天三个月: under the bound, close to it. A whole number of years of
    age or months is the one under it (快十六 -> 15 周岁); otherwise a range under the bound
    (a tenth of it, at least one step, down to the step under it), for the dialog to settle."""
    step = _step(question)
    if question.integer and question.unit in ("岁", "个月") and float(bound).is_integer():
        return _short_value(question, bound - 1, said)
    spread = max(1.0 if question.unit in ("年", "岁", "个月") else step, abs(bound) * ABOUT_SHARE)
    return _under(question, bound, bound - spread, said, inclusive=False, close=True)


def _under(question: Question, bound: float, low: float, said: str, inclusive: bool,
           close: bool = False) -> ParsedAnswer:
    """Under `bound` (or up to it, `inclusive`), from `low`: an error with the range and `below`
    set. `close` (快三年: just under it): with a note, for the dialog to settle (storing the
    high end) when every value in the range gives the same result; otherwise (不到三年: how far
    under is not said) no note, and the dialog asks for the exact number."""
    high = bound if inclusive else bound - _step(question)
    if question.integer:
        high, low = math.floor(high + 1e-9), math.ceil(low - 1e-9)
    lo, hi = _clip(question, (max(low, question.minimum if question.minimum is not None else low), high))
    words = _said(question, said)
    if lo > hi:
        return ParsedAnswer(error=f"您说的是“{words}”，不在合理范围内，请再确认一下。{hint(question)}")
    limit = f"{format_number(bound)}{question.unit}"
    bounded = f"{'不超过' if inclusive else '不满'}{limit}"
    return ParsedAnswer(
        range=(lo, round(hi, 4) if isinstance(hi, float) else hi), below=bound,
        error=f"您说的是“{words}”，{bounded}；请告诉我具体的数字，比如“{_example(question)}”；不清楚可以回答“不清楚”。",
        note=f"您说的是“{words}”，{bounded}的结果都一样，按{bounded}算" if close else None)


def duration_words(value: float, unit: str) -> str:
    """How a stored value is said in a note: 2.8333年 -> 2年10个月, 15岁 -> 15岁."""
    if unit == "年" and not float(value).is_integer():
        return duration_text(value)
    return f"{format_number(value)}{unit}"


# ---------------------------------------------------------------- years


def _year_answer(question: Question, t: str, as_of: date, words: AnswerWords) -> ParsedAnswer | None:
    """A year said for a number question: 05年的 / 2005年出生 for an age, 从22年开始交 /
    2022年3月开始 for a number of years or months. None when the text holds no year.

    A bare two-digit number without 年 is a count, as always; so is 交了12年 (a duration).
    For other units (people, money) a year is context and is dropped: 2023年交了3万 -> 30000.
    """
    t = _CN_YEAR.sub(lambda m: _cn_year(m, as_of), t)  # 两千零三年 -> 2003年
    found = None
    for m in _YEAR.finditer(t):
        if _is_year(question, t, m, as_of):
            found = m
            break
    if found is None:
        return None
    rest = t[:found.start()] + "，" + t[found.end():]
    if _numbers_in(rest.replace("年半", "半年")):  # 03年的今年23 -> 23; 2023年交了3万 -> 30000
        return _parse_number(question, rest, words, as_of)
    if question.unit not in ("岁", "年", "个月"):
        return ParsedAnswer(error=f"“{found.group(0)}”是一个年份，这里问的不是年份。{hint(question)}")
    year = _full_year(found.group("y"), as_of)
    month = _month(found.group("m")) or _YEAR_PART_MONTH.get(found.group("part") or "")
    if year is None or year > as_of.year or (year == as_of.year and month and month > as_of.month):
        return ParsedAnswer(error=f"{found.group(0)}还没到，请再确认一下。{hint(question)}")
    said = f"{year}年{month}月" if month else f"{year}年"
    if question.unit != "岁" and _is_birth_year(t, found, as_of.year - year):
        # 1980年的 / 我是80年的 / 1985年出生: how people say when they were born, not when they
        # started paying in; asked again rather than read as 46 years of insurance
        return ParsedAnswer(error=f"“{found.group(0)}”听起来像是出生的年份。这一步问的是时间长短，"
                                  f"或者从哪年开始的（如“从2021年开始”）。{hint(question)}")
    if question.unit == "岁":
        age = as_of.year - year
        if month and month != as_of.month:
            age -= 1 if as_of.month < month else 0
            return _year_checked(question, age, None, f"按{said}出生算，今年{age}岁")
        return _year_checked(question, age, (age - 1, age),
                             f"按{said}出生算，今年约{age}岁（今年生日还没过的话是{age - 1}岁）")
    months = (as_of.year - year) * 12 + (as_of.month - month if month else 0)
    if months < 0:
        return ParsedAnswer(error=f"{said}还没到，请再确认一下。{hint(question)}")
    if question.unit == "个月":
        rng = None if month else (max(0, months - 12 + as_of.month), months + as_of.month - 1)
        return _year_checked(question, months, rng, f"按{said}开始算，到现在约{months}个月")
    years = months / 12
    rng = None
    if not month:  # started some time in that year: between a year less and as many years
        done = (as_of - date(as_of.year, 1, 1)).days / 365
        rng = (round(max(0.0, years - 1 + done), 2), round(years + done, 2))
    value = int(years) if question.integer else round(years, 2)
    return _year_checked(question, value, rng, f"按{said}开始算，到今年约{format_number(value)}年")


_BORN = re.compile(r"出生|出世|生的|生人|属[鼠牛虎兔龙蛇马羊猴鸡狗猪]")
_BARE_YEAR_OF = re.compile(r"^(?:我|俺|他|她|娃)?(?:是|就是)?(?:\d{2}|\d{4})年的(?:人)?[吧呀啊哈嘛呢]?$")
_BIRTH_YEARS_AGO = 20  # a bare "…年的" this long ago reads as a birth year, not a start


def _is_birth_year(t: str, found: re.Match[str], years_ago: int) -> bool:
    """Whether a year said for a duration is a birth year: 出生 / 生的 / 属马 said with it, or a
    bare 80年的 / 1980年的 at least `_BIRTH_YEARS_AGO` years back (15年的 may be a start)."""
    if _BORN.search(t):
        return True
    bare = re.sub(r"[\s,，。.!！?？~～]", "", t)
    return bool(_BARE_YEAR_OF.match(bare)) and years_ago >= _BIRTH_YEARS_AGO


# A year said with 千 (两千零三年, 二千年, 一千九百九十八年): read as its digits when it is one.
_CN_YEAR = re.compile(r"((?:一|两|二)千[零一二两三四五六七八九十百]*)年")


def _cn_year(m: re.Match[str], as_of: date) -> str:
    value = _to_number(m.group(1))
    if value is None or not 1900 <= value <= as_of.year + 1:
        return m.group(0)
    return f"{int(value)}年"


def _year_checked(question: Question, value: float, rng: tuple[float, float] | None, note: str) -> ParsedAnswer:
    checked = _checked(question, value, "")
    if not checked.ok:
        return ParsedAnswer(error=f"{note}，{checked.error}")
    return ParsedAnswer(checked.value, approximate=True, range=rng, note=note)


def _is_year(question: Question, t: str, m: re.Match[str], as_of: date) -> bool:
    y = m.group("y")
    before, after = t[:m.start()], t[m.end():]
    other = next((a for a in _OTHER_ACTS_AFTER if after.startswith(a)), None)
    if other is not None and other not in question.prompt:
        return False  # 都是去年毕业的 to 每人见习几个月: the year of another act, no start of this one
    if y in _RELATIVE_YEARS:
        return question.unit != "岁" and (after.startswith(_YEAR_START_AFTER) or before.endswith(_YEAR_START_BEFORE))
    four = len(y) == 4
    if four:  # 2020年, 二〇二〇年底: four digits are a year
        year = _full_year(y, as_of)
        return year is not None and 1900 <= year <= as_of.year + 1
    if before.endswith(_DURATION_BEFORE) and not before.endswith(_YEAR_START_BEFORE):
        return False  # 交了12年的: a duration
    if question.unit == "岁":
        return True  # an age is never "N年": 05年 / 零五年 is when they were born
    return (bool(m.group("m") or m.group("part")) or after.startswith(_YEAR_START_AFTER)
            or before.endswith(_YEAR_START_BEFORE))


def _full_year(text: str, as_of: date) -> int | None:
    if text in _RELATIVE_YEARS:
        return as_of.year - _RELATIVE_YEARS[text]
    digits = text if text.isdigit() else "".join(str(_CN_VALUE[c]) for c in text)
    year = int(digits)
    if len(digits) == 2:
        year = 2000 + year if 2000 + year <= as_of.year else 1900 + year
    return year


def _month(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text) if text.isdigit() else int(_to_number(text) or 0)
    return value if 1 <= value <= 12 else None


# ---------------------------------------------------------------- dates

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)")


def _parse_date(question: Question, raw: str) -> ParsedAnswer:
    m = _DATE.search(raw)
    if not m:
        return ParsedAnswer(error=f"没看懂这个日期。{hint(question)}")
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return ParsedAnswer(error=f"这个日期不存在。{hint(question)}")
    return ParsedAnswer(day.isoformat())
