"""What a question asks for: its kind (how much, yes or no, how to apply, when, who qualifies,
who receives the money), the aspects it names that documents often leave out (到账, 担保人 …),
and an amount it names (300万 -> 3,000,000 元).

The words live in `knowledge/data/asking.yaml` (staff extend them without code); this module
holds the logic. The reply's first line answers the kind found here (README, "How answering
works"). Reading a question is pure string work: no segmentation, no retrieval.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import cn2an

from knowledge.yamlsource import LineDict, LineList, Problem, check_fields, load_yaml


class Kind(StrEnum):
    """What a question asks for; OTHER when no cue is found (a general 'what is there')."""

    AMOUNT = "amount"  # 多少, 最高, 额度, 几个月 …
    RECIPIENT = "recipient"  # 发给谁, 钱是给单位还是 …
    PAYER = "payer"  # 谁出, 钱从哪来, 由谁掏钱 …
    APPLY = "apply"  # 怎么申请, 去哪, 找谁, 报名 …
    WHEN = "when"  # 什么时候, 到哪年, 截止, 多久 …
    WHO = "who"  # 谁能, 哪些人, 条件, 要求 …
    YES_NO = "yes_no"  # 能不能, 有没有, …吗, …不
    LEAD = "lead"  # 谁牵头, 哪个部门负责, 归谁管: the departments the clause lists
    MEANING = "meaning"  # 是啥意思, 啥叫, 指的是: what a word of the document means
    OTHER = "other"


KIND_NAMES = {k.value: k for k in Kind if k is not Kind.OTHER}
# kinds answered from the clause itself, never by a benefit's own line (benefits.yaml has no such key)
CLAUSE_KINDS = frozenset({Kind.LEAD, Kind.MEANING})


@dataclass(frozen=True)
class KindRule:
    """How one kind is recognised in a question and in a staff FAQ answer."""

    kind: Kind
    cues: tuple[str, ...]  # substrings of the question
    not_cues: tuple[str, ...] = ()  # a cue inside one of these does not count (去哪几个城市)
    endings: tuple[str, ...] = ()  # the question (without punctuation) ends with one
    not_endings: tuple[str, ...] = ()  # …unless it ends with one of these (什么 is not a …么 question)
    answered_by: tuple[str, ...] = ()  # an FAQ answer's first sentence with one answers this kind


def says_any(words: tuple[str, ...], text: str) -> bool:
    """Whether `text` holds one of `words`, each a word or "a+b" (every part, in any order)."""
    # a plain word (most are) is one substring test; "a+b" is split only when it is one
    return any(w in text if "+" not in w else all(p in text for p in w.split("+")) for w in words)


@dataclass(frozen=True)
class Caution:
    """A warning said first when a question tells of money demanded before a benefit is given:
    the documents set no such fee (asking.yaml `caution`)."""

    say: str
    words: tuple[str, ...]  # "a+b": both, any order
    instead_of: str | None = None  # the `say` of an aspect whose "文件没有写明…" line it replaces
    unless: tuple[str, ...] = ()  # money the resident owes anyway (社保, 缴费): no caution

    def asked_in(self, text: str) -> bool:
        return says_any(self.words, text) and not says_any(self.unless, text)


@dataclass(frozen=True)
class Aspect:
    """Something residents ask about a benefit that documents often do not say (到账, 担保人)."""

    say: str  # completes "文件没有写明<topic>…": 多久到账、什么时候发钱
    words: tuple[str, ...]  # how residents say it
    stated_by: tuple[str, ...]  # words in a clause's text that mean the document does say it
    # What the aspect is about when it is not the clause's benefit: 贷款 for 还不上怎么办, asked
    # after an answer on free shop space (第九条（二）) — "文件没有写明贷款还不上怎么办", not
    # "…经营场地还不上怎么办". None: the benefit or clause answered.
    topic: str | None = None
    unless: tuple[str, ...] = ()  # …but not when one of these is said (交社保有补贴没 asks the 社保补贴)
    # said apart from the benefit's name: "关于就业见习补贴，文件没有写明工资由谁发" (the wage is
    # not the subsidy), not run into it
    apart: bool = False

    def asked_in(self, text: str) -> bool:
        """Whether `text` asks this aspect: it holds one of `words` ("a+b": both, any order)
        and none of `unless`."""
        return says_any(self.words, text) and not says_any(self.unless, text)

    def stated_in(self, text: str) -> bool:
        """Whether `text` (a clause, a staff answer) states this aspect: one of `stated_by` (else
        of `words`; "a+b": both) occurs in it."""
        return says_any(self.stated_by or self.words, text)


@dataclass(frozen=True)
class Comparison:
    """How residents weigh two of the documents' benefits against each other (asking.yaml
    `comparing`): both at once (能不能既…又…), which first (先…还是先…), which is better (哪个划算).
    A question naming benefits of two clauses this way gets a line on each; the documents rarely
    say either, and the reply says so unless a clause does (`stated_by`: 不可同时领取)."""

    say: str  # completes "文件没有写明<A>和<B>…": 能不能同时享受
    words: tuple[str, ...]  # how residents say it ("a+b": both, any order)
    stated_by: tuple[str, ...] = ()  # words in a clause's text that mean the document does say it
    lines: tuple[Kind, ...] = ()  # the plain line shown for each benefit: the first kind it has
    asked_as: tuple[Kind, ...] = ()  # only when the question is of one of these kinds (none: any)
    # the first line after "<A>和<B>" when the documents do answer it by saying each one
    # (有啥区别: 是两项不同的政策…), instead of "文件没有写明<A>和<B><say>"
    heading: str = ""

    def asked_in(self, text: str) -> bool:
        return says_any(self.words, text)

    def stated_in(self, text: str) -> bool:
        return bool(self.stated_by) and says_any(self.stated_by, text)


# 最多贷多少 asks the cap; 多领了 / 多发了 tells of money had; 多贷几年 / 多借两年 asks a term
_NOT_MORE = re.compile(r"最多|至多|顶多|多少|多久|多长|多大|多高|多[领发给贷拿借补]了"
                       r"|多[贷借][一二两三四五六七八九十几]+(?:年|个月)")


@dataclass(frozen=True)
class More:
    """How residents ask for more money than the document's standard (asking.yaml `more`):
    能不能多贷点, 补贴能多给些不, 额度能不能高点. The documents set a sum or a cap and no group that
    gets more; the reply says so, naming who the question says it is for (`who`: 残疾人)."""

    words: tuple[str, ...]  # how residents ask for more ("a+b": both, any order)
    who: tuple[tuple[str, str], ...] = ()  # (how residents say a group, its name), longest first

    def asked_for(self, text: str, money: Iterable[str]) -> str | None:
        """Who `text` (normalised) asks more for: a group's name (腿有残疾 -> 残疾人), "" when it
        names none, None when it does not ask for more or names no money (人多一点的企业)."""
        text = _NOT_MORE.sub(" ", text)  # 最多贷多少 asks the cap, not for more
        if not says_any(self.words, text) or not any(w in text for w in money):
            return None
        return next((name for word, name in self.who if word in text), "")


@dataclass(frozen=True)
class AskingRules:
    """The content of asking.yaml. Empty rules read every question as Kind.OTHER."""

    kinds: tuple[KindRule, ...] = ()  # in precedence order
    filler: frozenset[str] = frozenset()
    aspects: tuple[Aspect, ...] = ()
    starts: tuple[str, ...] = ()  # a "when" question with one asks when it began (开始, 出台)
    in_force: tuple[str, ...] = ()  # words asking whether it still applies (管用, 过期, 作废)
    money: tuple[str, ...] = ()  # words that make a "how much" question one about money (钱, 补, 贷)
    claims: tuple[str, ...] = ()  # words that pass on what someone said (听说, 是真的吗, 涨到)
    parties: frozenset[str] = frozenset()  # who may be asked about instead (那厂子呢): not a topic
    overview: tuple[str, ...] = ()  # what policies are there for this (有撒政策, 有啥帮扶): a list
    # Pieces that go on about the question before them without naming a topic (要带些啥材料,
    # 网上能办吗): compared by meaning with a piece typed after a question the documents do not
    # cover (knowledge/semantic.py `going_on_gap`).
    going_on: tuple[str, ...] = ()
    # Someone asks the resident for money first (手续费, 保证金, 交五百块钱才给安排): the reply
    # opens with this caution, whatever else it says (asking.yaml `caution`).
    caution: Caution | None = None
    # Words for a part any matter has (利息, 补助, 一次性, 以后的帮扶), not a matter of its own: a
    # piece of one message naming only these, after a piece the documents do not cover, asks
    # about that piece's matter (knowledge/answer.py `Answerer.names_no_matter`).
    details: frozenset[str] = frozenset()
    # How residents say who asks or how their household stands (困难户, 家里困难, 娃娃多): after a
    # piece the documents do not cover (新农合交多少 / 娃娃多的家里困难能少交不) they say who, not
    # what; a benefit word inside one (困难 of 困难企业) does not name that benefit there.
    askers: tuple[str, ...] = ()
    # Words asking whether money comes with it (补贴, 给钱): about a benefits.yaml `unpaid` one
    asks_money: tuple[str, ...] = ()
    comparing: tuple[Comparison, ...] = ()  # 先…还是先…, 哪个划算: two benefits weighed
    # What a person is doing (打工, 种地, 在家): with another party in a follow-up (那我掌柜的在兰州
    # 打工呢) it tells how that person stands, it names no topic
    situations: frozenset[str] = frozenset()
    # Asking for more than the document's sum (能不能多贷点, 补贴能多给些不): asking.yaml `more`
    more: More | None = None
    # Where one applies (银行, 人社局, 村上): in a "where to apply" question after an answer (这个
    # 贷款得去银行办还是找人社局) they say where, not what — no topic of their own
    offices: frozenset[str] = frozenset()

    def rule(self, kind: Kind) -> KindRule | None:
        return next((r for r in self.kinds if r.kind is kind), None)

    @functools.cached_property
    def cue_words(self) -> tuple[str, ...]:
        """Every cue of every kind, and the words asking whether it still applies (`in_force`:
        算数, 管用 — no topic of their own), longest first (so 怎么申请 goes before 申请); computed once."""
        return tuple(sorted({c for r in self.kinds for c in r.cues} | set(self.in_force), key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class Asked:
    """What one question asks for.

    kind: the kind its longest cue names (ties: the earlier kind in asking.yaml);
    kinds: every kind found, best first; cue: the words that decided it (None for OTHER);
    aspects: aspects named (到账 …); amount: a sum of money it names, in 元, or None; age: an
    age it gives (25岁, 二十五岁, 娃19了), or None;
    second: a second kind whose cue stands in another part of the question (split at ，？。；!
    and spaces) than the first one's, not a yes/no ending; rest: the question (normalised)
    without its cue and aspect words and sums of money — what is left to name a topic.
    """

    question: str
    kind: Kind
    kinds: tuple[Kind, ...] = ()
    cue: str | None = None
    second: Kind | None = None  # another kind asked in another part of the message (在哪申请？钱从哪出？)
    aspects: tuple[Aspect, ...] = ()
    amount: float | None = None
    age: int | None = None  # an age the question gives (我25岁了, 娃十九了), in years
    rest: str = ""
    numbers: tuple[str, ...] = field(default=())
    start: bool = False  # asks when something began (撒时候开始的), not until when
    in_force: bool = False  # asks whether it still applies (还管用不, 过期了没): a "when" question
    money: bool = False  # an amount question about money (能补多少钱, 贷多少), not a count or a length
    rate: float | None = None  # a percentage the question states (90%, 百分之九十), in percent
    claim: bool = False  # it passes on what someone said (听说…涨到一千五了, …是真的吗)
    comparison: Comparison | None = None  # it weighs two things (先…还是先…, 哪个划算, 能不能既…又…)
    # it asks for more money than the standard (能不能多贷点): who it says it is for (残疾人), ""
    # when it names no one, None when it does not ask for more
    more_for: str | None = None


_OTHERS = re.compile(r"除了|别的|其他|其它|之外|以外")
# 娃的见习期啥时候截止, 贴息期限截止到啥时候: a length of the benefit's, not whether it still runs
_LENGTH_TERM = re.compile(r"期限|见习期|贴息期|培训期|合同期|服务期|期满")
_PUNCT_TAIL = re.compile(r"[\s\W_]+$", re.UNICODE)
_SPOKEN_BREAK = re.compile(r"[\s,，。？?!！；;]+")  # where a typed message pauses


_SPACES = re.compile(r"\s+")


# Remembered: the answerer folds the lexicon's and benefits' words again on every question
# (~130 calls a message); 0.55 of 14.5 s of CPU under cProfile before it (benchmarks/README.md,
# "The lexical path's cost, again").
@functools.lru_cache(maxsize=16384)
def normalize(text: str) -> str:
    """NFKC (full-width to half-width), lower case, no spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "").lower())


_SUM = r"[\d.零一二两三四五六七八九十百千万]+(?:元|块|块钱|万|万元)?"
_SUM_OR_SUM = re.compile(_SUM + r"还是" + _SUM)


# 阿么弄呢 / 咋办呀 / 这可怎么办 said first, then the matter after a pause: a cry of "what to
# do", not a question of how to apply (the words after it ask what they ask)
# A cry of "what to do" (阿么弄呢, 这可咋办, 咋整): said before a story or a question, it asks
# nothing itself. One pattern for the asking rules here and for the reader's splitting.
_SIGH = r"(?:哎|唉|哎呀|唉呀)?"
_WHAT_TO_DO_CRY = (r"(?:这|那|可|该|我|我们|俺|这可|那可)?(?:阿么|啊么|咋|怎么|怎|如何|咋个|啥)"
                  r"(?:办|弄|整|搞|是好)(?:呀|啊|呢|嘞|哩|哦|唉)?")
_CRY_ALONE = re.compile(_SIGH + _WHAT_TO_DO_CRY)
_LEADING_CRY = re.compile(rf"^\s*{_SIGH}[，,\s]*{_WHAT_TO_DO_CRY}[\s，,。！!？?]+(?=\S)")


def is_what_to_do_cry(text: str) -> bool:
    """Whether `text` (a piece of a message, spaces and punctuation already removed) is only a
    cry of "what to do": 阿么弄呢, 哎呀咋办."""
    return _CRY_ALONE.fullmatch(text) is not None


_ASKS_ITSELF = re.compile(r"[吗呢不没么？?]\s*$|多少|啥|什么|哪|几|怎么|咋|能不能|有没有|管不管|行不行")


def read_question(question: str, rules: AskingRules) -> Asked:
    """The kind, aspects and amount of `question` (any text; never raises)."""
    said = _LEADING_CRY.sub("", question or "", count=1)  # 阿么弄呢 …: a cry, not 怎么办 asked
    if not _ASKS_ITSELF.search(said):
        said = question or ""  # 咋弄 见习补贴: nothing else asks — the 咋弄 is how to apply
    text = normalize(said)
    # The end of the message and of each part of it (失业金我能领不 交了八年: the question is the
    # first part, then a fact) — an ending cue (…不, …吗) counts at the end of any part.
    ends = [_PUNCT_TAIL.sub("", text)]
    ends += [b for p in _SPOKEN_BREAK.split(said) if len(b := _PUNCT_TAIL.sub("", normalize(p))) >= 3]
    found: list[tuple[int, int, Kind, str]] = []  # (-cue length, precedence, kind, cue)
    for order, rule in enumerate(rules.kinds):
        best = max((c for c in rule.cues if c and c in text
                    and not any(c in n and n in text for n in rule.not_cues)), key=len, default=None)
        if best is None:
            best = next((e for end in ends if not any(end.endswith(n) for n in rule.not_endings)
                         for e in rule.endings if e and end.endswith(e)), None)
            if best is not None:
                found.append((-1, order, rule.kind, best))
        elif best is not None:
            found.append((-len(best), order, rule.kind, best))
    choice = _SUM_OR_SUM.search(text)
    if choice is not None and not any(k is Kind.AMOUNT for _, _, k, _ in found):
        # 一千还是一千二 / 15万还是20万: which of two sums — a "how much" question
        found.append((-len(choice.group(0)), len(rules.kinds), Kind.AMOUNT, choice.group(0)))
    found.sort()
    if len(found) > 1 and found[0][2] is Kind.YES_NO:
        # 有没有规定最多多少, 能不能说说给多少: an amount asked after the yes/no words of the same
        # part is what is asked
        amount = next((f for f in found if f[2] is Kind.AMOUNT), None)
        part_of = _parts(text)
        if (amount is not None and text.find(amount[3]) > text.find(found[0][3]) >= 0
                and part_of(amount[3]) == part_of(found[0][3])):
            found.remove(amount)
            found.insert(0, amount)
    if len(found) > 1 and found[0][2] is Kind.MEANING:
        # 什么是申请创业贷款的条件, 啥是见习补贴的条件: "what is" the condition or the sum — the other
        # kind asks it; what a word means is asked only when nothing else is
        found.append(found.pop(0))
    kinds = tuple(dict.fromkeys(k for _, _, k, _ in found))
    # 除了见习补贴还有吗 asks for other things, not whether it still runs
    in_force = any(w in text for w in rules.in_force) and not _OTHERS.search(text) and not _LENGTH_TERM.search(text)
    start = any(w in text for w in rules.starts)
    if (in_force or start) and kinds[:1] in ((), (Kind.YES_NO,), (Kind.OTHER,)):
        # 这文件还管用不 / 哪年开始的: asked about time, whatever the yes/no ending says.
        kinds = (Kind.WHEN, *(k for k in kinds if k is not Kind.WHEN))
        found.insert(0, (-99, -1, Kind.WHEN, next(w for w in (*rules.in_force, *rules.starts) if w in text)))
    second = None
    if len(found) > 1:
        part_of = _parts(text)
        first_part = part_of(found[0][3])
        second = next((k for n, _, k, cue in found[1:] if n < -1 and k is not found[0][2]
                       and part_of(cue) != first_part), None)
    aspects = tuple(a for a in rules.aspects if a.asked_in(text))
    rest = text
    for aspect in aspects:  # first: an aspect's words hold cues (几天能批 holds 几天)
        for word in sorted((p for w in aspect.words for p in w.split("+")
                            if all(q in text for q in w.split("+"))), key=lambda w: (-len(w), w)):
            rest = rest.replace(word, " ")
    for word in rules.cue_words:
        rest = rest.replace(word, " ")
    rest = _MONEY.sub(" ", rest)  # 贷8万能行吗: the amount is not a topic (nor is 万能)
    return Asked(
        question=question,
        kind=kinds[0] if kinds else Kind.OTHER,
        kinds=kinds,
        cue=found[0][3] if found else None,
        second=second,
        aspects=aspects,
        amount=question_amount(question),
        age=question_age(text),
        rest=re.sub(r"\s+", " ", rest).strip(),
        numbers=tuple(re.findall(r"\d+(?:\.\d+)?", text)),
        start=start and (kinds[:1] == (Kind.WHEN,)),
        comparison=next((c for c in rules.comparing if c.asked_in(text)), None),
        more_for=rules.more.asked_for(text, rules.money) if rules.more is not None else None,
        in_force=in_force,
        money=bool(kinds) and kinds[0] is Kind.AMOUNT and any(w in text for w in rules.money),
        rate=question_rate(text),
        claim=any(w in text for w in rules.claims),
    )


_PART_BREAK = re.compile(r"[,，。？?!！；;、\s]+")


def _parts(text: str):
    """A function giving the index of the part of `text` (split at punctuation) a cue is in."""
    parts = [p for p in _PART_BREAK.split(text) if p]

    def part_of(cue: str) -> int:
        return next((i for i, p in enumerate(parts) if cue in p), -1)

    return part_of


# ---------------------------------------------------------------- amounts of money

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "仨": 3, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
# a bare figure of 3+ digits said as what was paid (交了…4800, 缴纳的保险费一共12000): money in 元
_PAID_BARE = re.compile(r"(?:交|缴)(?:了|过|的|纳的?)?(?:失业保险费?|保险费?|社保费?)?(?:了|的)?(?:一共|总共|共)?"
                        r"(?P<num>\d{3,}(?:\.\d+)?)(?![\d.万千wk元块岁年月天日人个名次%])")
_CN_NUMERAL = re.compile(r"[零〇一二两俩仨三四五六七八九十百千万]+")
_WAN_TAIL = re.compile(r"([1-9一二两三四五六七八九])(?![\d零〇一二两三四五六七八九十百千万元块个月年天岁人名次])")  # the 6 of 3万6
_MONEY = re.compile(
    r"(?P<num>\d+(?:\.\d+)?|[零〇一二两俩仨三四五六七八九十百千]+(?:万[零〇一二两俩仨三四五六七八九十百千]+)?)"
    r"\s*(?P<unit>万元|万块|万|w|千元|千块|千|k|元|块)"
    r"(?![岁年月天日人个名次])"
)
_SCALE = {"万元": 10_000, "万块": 10_000, "万": 10_000, "w": 10_000, "千元": 1000, "千块": 1000,
          "千": 1000, "k": 1000, "元": 1, "块": 1}


def chinese_number(text: str) -> int | None:
    """一百五十 -> 150, 三百 -> 300, 十五 -> 15, 两千 -> 2000, 十五万五千 -> 155000 (cn2an, smart
    mode); None if not a numeral. 俩 (which cn2an does not read) is read here, below 万."""
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, IndexError):
        value = None
    if value is not None and float(value).is_integer():
        return int(value)
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


_COUNT = r"(\d+|[一二两三四五六七八九]?十几|[零一二两俩三四五六七八九十百]+)"  # 十几个: 11—19
# 三个人 / 5个见习的 / 俩人 — not 六个月 (a length), 一个人 is one person
_HEADS = re.compile(_COUNT + r"\s*(?:个人|个|人|名|位)(?!月|多月|半月)")
# 2个见习生 / 三个实习的: the count of interns, before a staff count said beside it (单位有20个人)
_INTERN_HEADS = re.compile(_COUNT + r"\s*(?:个|名|位)?(?:见习|实习)|" + _COUNT + r"\s*(?:个|名)(?:娃娃|娃|学生|大学生|孩子|年轻人)"
                           r"|(?:见习|实习)(?:的|生)?(?:娃娃|娃)?" + _COUNT + r"\s*(?:个|名|位)(?!多?月|半月)")  # 见习的四个, not 见习一个月
_MONTHS = re.compile(_COUNT + r"\s*个(?:多)?月|(半年)|(?<!\d)(\d{1,2}|[一二两俩三四五六七八九十]+)\s*年(半)?(?!龄|级|纪|底|前|后|初|了?的)")


# 留了三个 / 留用了两个 / 留下一个: those kept on (knowledge/answer.py reads them apart)
KEPT_VERBS = r"(?:留用|留下来|留下|留住|留|转正)了?"
# (not 多留了两个月: a length, not people kept)
_KEPT_SPAN = re.compile(KEPT_VERBS + _COUNT + r"(?!\s*个?多?(?:月|半月))\s*(?:个人|个|人|名)?")


# 一个没留 / 一个都没留下 / 都没留: none kept on
_NONE_KEPT = re.compile(r"一个(?:都|也)?没(?:有)?留(?:下来?|住|用)?|(?:都|全)没(?:有)?留(?:下来?|住|用)?")


# 收了几个 / 多少个: a count asked or not said (the one count said is then someone else's)
_SOME_HEADS = re.compile(r"(?:几|多少)\s*(?:个|名|位)(?!月|多月|半月)")


def interns_and_kept(text: str) -> tuple[tuple[int, int], int] | None:
    """((fewest, most) interns, those kept on) a host's question gives: 收了五个见习的 期满留了两个
    -> ((5, 5), 2); 接了七八个实习的 留下来三个 -> ((7, 8), 3). None unless both are said, the
    interns named as such (五个见习的, 三个实习的娃) — a staff count (单位三十个人) is no interns —
    and no more kept than came."""
    kept = _KEPT_SPAN.search(text)
    none_kept = _NONE_KEPT.search(text)
    if kept is None and none_kept is None:
        return None
    count = spoken_count(kept.group(1)) if kept is not None else 0
    rest = _NONE_KEPT.sub(" ", _KEPT_SPAN.sub(" ", text))
    interns = _INTERN_HEADS.search(rest)
    if count is None or interns is None:
        return None
    heads = spoken_span(next(g for g in interns.groups() if g))
    return (heads, count) if heads and heads[0] > 0 and count <= heads[0] else None


def heads_and_months(text: str) -> tuple[int, int] | None:
    """(people, months) a question gives for a sum paid per person per month (那三个人见习六个月
    一共多少 -> (3, 6); 俩人见习半年 -> (2, 6); 5个见习的 干了一年 -> (5, 12)); None unless both
    are said, and the people said as one number. 俩 and 两 are 2; a length in years is twelve
    months each."""
    said = heads_span_and_months(text)
    return (said[0][0], said[1]) if said is not None and said[0][0] == said[0][1] else None


def heads_span_and_months(text: str) -> tuple[tuple[int, int], int] | None:
    """((fewest, most) people, months) as `heads_and_months`, the people also said as a range:
    接了七八个见习的 见习了五个月 -> ((7, 8), 5)."""
    text = _KEPT_SPAN.sub(" ", text)  # 留了三个: how many stayed on, not how many came
    interns = _INTERN_HEADS.search(text)
    counts = _HEADS.findall(text)
    months = _MONTHS.search(text)
    if months is None or (interns is None and (len(counts) != 1 or _SOME_HEADS.search(text))):
        return None  # (单位有20个人 收了几个: which count is the interns is not said)
    heads = spoken_span(next(g for g in interns.groups() if g) if interns is not None else counts[0])
    if months.group(2):
        length = 6
    elif months.group(1):
        length = spoken_count(months.group(1))
    else:
        years = spoken_count(months.group(3))
        length = years * 12 + (6 if months.group(4) else 0) if years is not None else None  # 一年半: 18
    return (heads, length) if heads and heads[0] > 0 and length else None


# 厂子一百二十个人 / 在职职工80人 / 一共五十个工人 / 五十来个人 (about 50, taken as 50): the whole staff; 新招了十五个 / 今年招了6个人 /
# 新来了三个: those taken on this year
# Words that name a firm's whole staff (厂里, 职工, 一共) and the verbs of taking people on (招了,
# 新来): the readers below and the questionnaire's corrections (dialog.flows.questionnaire) share them.
STAFF_WORDS = r"厂子?里?|全厂|公司里?|店里|单位|企业|合作社|车间|在职职工|在职|职工|员工|工人|一共|总共|现有|全部"
HIRE_VERBS = r"新招用?了?|招用?了?|新招进|新来了?|新雇了?|雇了?|新进了?"
_STAFF = re.compile(r"(?:" + STAFF_WORDS + r"|原来|有)(?:有|共)?"
                    + _COUNT + r"来?\s*(?:个人|号人|个|人|名)(?!月)"
                    # 四十个人招了十个 / 能贷多少四十个人… / 想贷款四十个人… / 二十个工人: people counted,
                    # whatever comes before — not after an act (招了十个人, 留了三个人: those are others)
                    r"|(?<![招雇留裁辞进减了再来村乡镇县\d零一二两俩三四五六七八九十百])" + _COUNT
                    + r"来?\s*(?:个人|号人|个工人|名工人|个职工|名职工|个员工|名员工|个伙计|个妇女|名妇女|个女工|名女工|人)(?!月)")
_HIRED = re.compile(r"(?:新招用?了?|招了|新招进|新来了?|新雇了?|新进了?|(?<![想算备再要划得年])招用?)" + _COUNT + r"\s*(?:个人|个|人|名)?")


def _counts_said(text: str) -> tuple[str, str, str, str] | None:
    """(the staff's count word, the character after it, the hires' count word, the character
    after it) a firm's question gives; None unless both are said."""
    hired = _HIRED.search(text)
    if hired is None:
        return None
    rest = text[:hired.start()] + " " + text[hired.end():]
    staff = _STAFF.search(rest)
    if staff is None:
        return None
    group = next(i for i, g in enumerate(staff.groups(), 1) if g)
    return (staff.group(group), rest[staff.end(group):staff.end(group) + 1],
            hired.group(1), text[hired.end(1):hired.end(1) + 1])


def staff_and_hires(text: str) -> tuple[int, int] | None:
    """(staff, new hires) a firm's question gives (厂子一百二十个人 今年新招了十五个 -> (120, 15)),
    None unless both are said and the hires are not more than the staff."""
    said = _counts_said(text)
    if said is None:
        return None
    total, new = spoken_count(said[0]), spoken_count(said[2])
    return (total, new) if total and new is not None and 0 < new <= total else None


def counts_paired(text: str) -> bool:
    """Whether `text` (normalised) says both figures of a pair a rule compares or multiplies:
    the staff and the new hires (第五条第（二）项's 25%), the interns and those kept on (第六条's
    50%), or the people and the months of a per-head monthly subsidy (第六条: 10人 × 6个月)."""
    months = heads_span_and_months(text)
    # (补贴一个月多少: a rate a month, not one month of internship — no length said)
    return (staff_and_hire_spans(text) is not None or interns_and_kept(text) is not None
            or (months is not None and months[1] > 1))


def staff_and_hire_spans(text: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """((fewest, most) staff, (fewest, most) new hires) a firm's question gives, each end the
    same for a figure said exactly: 四五十个人 今年新招了十二个 -> ((40, 50), (12, 12)). None
    unless both are said and the hires are not more than the staff."""
    said = _counts_said(text)
    if said is None:
        return None
    total, new = _about(spoken_span(said[0]), said[1]), _about(spoken_span(said[2]), said[3])
    return (total, new) if total and new and new[0] > 0 and new[1] <= total[0] else None


def _about(span: tuple[int, int] | None, after: str) -> tuple[int, int] | None:
    """A round count followed by 来 is "about" it (二十来个 -> (18, 25): a fifth of its place
    below, half above — as the questionnaire reads it, eligibility.answers); else `span`."""
    if span is None or after != "来" or span[0] != span[1] or span[0] < 10 or span[0] % 10:
        return span
    place = 10 ** (len(str(span[0])) - len(str(span[0]).rstrip("0")))  # 20 -> 10, 300 -> 100
    return span[0] - place // 5, span[0] + place // 2


def staff_alone(text: str) -> int | None:
    """The staff a firm's question gives when it says no hires (我们厂现在20个人 要招几个才够 ->
    20); None when it says hires or no staff."""
    if _HIRED.search(text):
        return None
    staff = _STAFF.search(text)
    return spoken_count(next(g for g in staff.groups() if g)) if staff is not None else None


_DIGIT_WORDS = "一二三四五六七八九"


def spoken_range(word: str) -> tuple[int, int] | None:
    """Two neighbouring numbers said together, as people guess a count: 五六 -> (5, 6), 十七八 ->
    (17, 18), 二三十 -> (20, 30), 三十五六 -> (35, 36), 一百二三十 -> (120, 130); None for one
    number (十七, 二十)."""
    if word == "三五":  # 三五个: a few, three to five
        return 3, 5
    d = {c: i + 1 for i, c in enumerate(_DIGIT_WORDS)} | {"两": 2}
    teens = re.fullmatch(r"([一二两三四五六七八九])?十几", word)  # 十几个: 11—19; 二十几: 21—29
    if teens is not None:
        tens = 10 * d[teens.group(1)] if teens.group(1) else 10
        return tens + 1, tens + 9
    pairs = (
        (r"([一两二三四五六七八九])([一二三四五六七八九])", lambda a, b: (d[a], d[b])),
        (r"十([一两二三四五六七八九])([一二三四五六七八九])", lambda a, b: (10 + d[a], 10 + d[b])),
        (r"([一二三四五六七八九])([一二三四五六七八九])十", lambda a, b: (10 * d[a], 10 * d[b])),
    )
    for pattern, make in pairs:
        found = re.fullmatch(pattern, word)
        if found is not None:
            low, high = make(*found.groups())
            return (low, high) if high == low + (10 if pattern.endswith("十") else 1) else None
    hundreds = re.fullmatch(r"([一两二三四五六七八九])百(.+)", word)  # 一百二三十: 120—130
    if hundreds is not None:
        tens = spoken_range(hundreds.group(2))
        base = 100 * d[hundreds.group(1)]
        return (base + tens[0], base + tens[1]) if tens is not None and tens[1] <= 90 and tens[0] >= 10 else None
    found = re.fullmatch(r"([一二三四五六七八九])十([一两二三四五六七八九])([一二三四五六七八九])", word)
    if found is not None:
        tens, a, b = (d[g] for g in found.groups())
        return (10 * tens + a, 10 * tens + b) if b == a + 1 else None
    return None


# ---------------------------------------------------------------- a figure changed in a follow-up

_N = r"(?P<n>\d+|[一二两俩三四五六七八九十百]+)"
_HEADS_TAIL = r"\s*(?:个人|个|人|名|位)?"
# (role, the figure said with its verb). The verb says which figure it is: 招了十个 (hired), 留了
# 三个 (kept on), 裁了两个 (laid off); a role of the change replaces the same role's span in the
# question before it. 再 (再招两个) adds to the figure before.
_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hired", re.compile(r"(?P<more>再)?(?:" + HIRE_VERBS + r")" + _N + _HEADS_TAIL)),
    ("kept", re.compile(r"(?P<more>再)?(?:留用了?|留下来了?|留下了?|留住了?|留了|转正了?)" + _N + _HEADS_TAIL)),
    ("laid_off", re.compile(r"(?P<more>再)?(?:裁掉了?|裁了?|辞退了?|辞了|开除了?|减了)" + _N + _HEADS_TAIL)),
    ("months", re.compile(r"(?P<more>再)?(?:干了|见习了?|实习了?)?" + _N + r"\s*个(?:多)?月")),
    # 我24岁, then 那明年我25了呢: an age (岁, or 了 right after 我/他/她/娃/今年/明年)
    ("age", re.compile(r"(?P<more>)(?:(?<=[我他她娃俺])|(?<=今年)|(?<=明年)|(?<=已经))" + _N + r"(?:\s*(?:周岁|岁)|(?=了))")),
    # 接收十个见习生 / 五个实习的: the interns (第六条's count of people paid for); 接了十个 / 收了
    # 八个: those a unit took, the interns of a question about them
    ("interns", re.compile(r"(?P<more>再)?" + _N + r"\s*(?:个|名|位)?(?:见习|实习)")),
    ("interns_taken", re.compile(r"(?P<more>再)?(?:接了|收了|接收了|带了|要是接|要是收)" + _N + r"\s*(?:个|名|位)(?!月|多月)")),
    # 交了两年, then 再交一年呢: years of insurance paid
    ("years", re.compile(r"(?P<more>再)?(?:交了|交够了?|缴了|参保了?|交)" + _N + r"\s*年(?![龄级纪底前后初])")),
    # 要是公司有120人 / 厂子一百五十个工人: the staff (not 招了20个人: those hired)
    ("staff", re.compile(r"(?<![招雇留裁辞进减了再来])(?P<more>)" + _N + r"\s*(?:个人|人|个职工|名职工|个工人|名工人|个员工|名员工)(?!月)")),
)
_ROLE_PATTERNS = dict(_ROLES)
_STAFF_ROLE = _ROLE_PATTERNS["staff"]
# 一个都没裁 / 没裁人 / 不裁员: no one laid off (said as 一个没裁 in the question revised)
_NONE_LAID_OFF = re.compile(r"(?:一个)?(?:人)?都?没(?:有)?(?:裁|辞退|开除)(?:人|员)?|(?:一个)?都?不裁(?:人|员)?|一个没裁")
_LAID_OFF_SPAN = _ROLES[2][1]
_MONEY_SPAN = re.compile(r"(?:\d+(?:\.\d+)?|[零〇一二两俩三四五六七八九十百千]+(?:万[零〇一二两俩三四五六七八九十百千]*)?)"
                         r"\s*(?:万元|万块|万|千元|千块|千|元|块)"
                         # 两万三 / 一万二 / 三千五: the spoken digit after 万 or 千 is part of the sum
                         r"(?:(?<=[万千])[一二两三四五六七八九](?![十百千万元块个岁年月天日人名次]))?(?![岁年月天日人个名次])")


_FIGURE = r"(?:\d+(?:\.\d+)?|[零〇一二两俩三四五六七八九十百千万]+)"
_FIGURE_UNIT = r"(?:个人|个月|个|人|名|位|万元|万块|万|千元|千块|千|元|块|年半|年|岁)"
# 不对 是十五个 / 说错了，应该是两万四 / 哦不 五个: the figure said just before put right
_FIX_AFTER = re.compile(r"[\s，,。]*(?:哦不对|(?<![对是])不对|说错了|错了|哦不)[\s，,。]*(?:是|应该是|应是)?\s*"
                        r"(?:(?:我|俺|我们|俺们)?(?:交了|干了|见习了|实习了|有|今年)?)\s*"
                        r"(?P<fig>" + _FIGURE + r")\s*(?P<unit>" + _FIGURE_UNIT + r")?")
# 不是二十个 是十五个: the wrong figure named, then the right one
_FIX_NAMED = re.compile(r"不是\s*(?P<wrong>" + _FIGURE + r")\s*(?P<wunit>" + _FIGURE_UNIT + r")?[\s，,。]*(?:是|而是)\s*"
                        r"(?P<fig>" + _FIGURE + r")\s*(?P<unit>" + _FIGURE_UNIT + r")?")
_FIGURE_SPAN = re.compile(r"(?P<fig>" + _FIGURE + r")\s*(?P<unit>" + _FIGURE_UNIT + r")?")
_UNIT_KIND = {"个人": "people", "个": "people", "人": "people", "名": "people", "位": "people",
              "万元": "money", "万块": "money", "万": "money", "千元": "money", "千块": "money", "千": "money",
              "元": "money", "块": "money", "个月": "months", "年": "years", "年半": "years", "岁": "age"}


def correct_figures(text: str) -> str:
    """The text with a figure put right in the same breath replaced — 车间一百二十个人 今年新招了
    二十个 不对 是十五个 能贷不 -> 车间一百二十个人 今年新招了十五个 能贷不; 不是二十个 是十五个 ->
    十五个; 交了两万 说错了 两万四 -> 交了两万四. The figure replaced is the last one before the
    marker of the same kind (people, money, months, years, age; the unit said with the right
    figure, else that of the last figure). Unchanged when no figure is put right."""
    named = _FIX_NAMED.search(text)
    if named is not None:
        unit = named.group("unit") or named.group("wunit") or ""
        return text[:named.start()] + named.group("fig") + unit + text[named.end():]
    fix = _FIX_AFTER.search(text)
    if fix is None:
        return text
    before, after = text[:fix.start()], text[fix.end():]
    figures = list(_FIGURE_SPAN.finditer(before))
    if not figures:
        return text
    figure, unit = fix.group("fig"), fix.group("unit") or ""
    kind = "money" if not unit and re.search(r"[万千]", figure) else _UNIT_KIND.get(unit)
    same = [f for f in figures if kind is None or _kind_of(f) == kind]
    if not same:
        return text
    old = same[-1]
    if not unit and kind != "money":
        unit = old.group("unit") or ""  # 是十五个 -> 个; 二十三 after 二十五 (an age said bare)
    return before[:old.start()] + figure + unit + before[old.end():] + (" " + after.lstrip() if after.strip() else "")


def _kind_of(figure: re.Match[str]) -> str | None:
    """people / money / months / years / age for a figure found with `_FIGURE_SPAN` (两万: money)."""
    unit = figure.group("unit")
    if unit:
        return _UNIT_KIND[unit]
    return "money" if re.search(r"[万千]", figure.group("fig")) else None


def revise_figures(before: str, change: str) -> str | None:
    """The question `before` with the figures a follow-up changes put in place — 俺厂四十个人 今年
    招了十个 够不, then 那招八个呢 -> 俺厂四十个人 今年招了8个 够不; 那再招两个呢 adds (招了12个);
    五个见习的干了十二个月 一共多少, then 要是留了三个呢 -> …一共多少 留了3个; …裁了一个人 返多少, then
    那要是一个都没裁呢 -> …一个没裁 返多少; a sum (那交了三万呢) replaces the sum before. A figure
    whose kind `before` does not hold is added at its end. None when the change holds no such
    figure (那创业贷款呢). Pure string work: whether the revised question is answered is the
    caller's."""
    revised, changed = before, False
    age = question_age(change)
    if age is not None:
        # 我弟十五 初中没毕业 能见习不, then 要是他十六了呢 / 那要是十七呢: the age said before
        # replaced; with none before, added only when the change says it as an age (我二十五了,
        # 他十六岁) — 那要是二十呢 after 四十个人 招了十个 is no age
        said = _said_age(revised)
        if said is not None:
            revised, changed = revised[:said[0]] + str(age) + revised[said[1]:], True
        elif _ROLE_PATTERNS["age"].search(change) is not None or _AGE.search(normalize(change)) is not None:
            revised, changed = f"{revised} {age}岁", True
    for role, pattern in _ROLES:
        if role == "age":
            continue  # above (the pattern tells an age said as one)
        new = pattern.search(change)
        if new is None:
            continue
        count = spoken_count(new.group("n"))
        if count is None or (role == "staff" and count < 2):
            continue  # (要是我一个人开呢: alone, not a staff of one)
        old = pattern.search(revised)
        if role in ("staff", "interns_taken") and old is None \
                and (interns := _ROLE_PATTERNS["interns"].search(revised)) is not None:
            # 医院接收十个见习生 … 那要是八个人呢: the people of a question about interns are the interns
            old = interns
        if old is not None and new.group("more"):
            was = spoken_count(old.group("n"))
            count = count + was if was is not None else count
        if old is not None:  # the words before kept, the count changed (招了十个 -> 招了8个)
            figure = revised[old.start():old.start("n")] + str(count) + revised[old.end("n"):old.end()]
            revised = revised[:old.start()] + figure.replace("再", "", 1) + revised[old.end():]
        else:
            revised = f"{revised} {new.group(0).replace('再', '', 1)}"
        changed = True
        if role == "hired" and new.group("more") and not _STAFF_ROLE.search(change):
            # 四十个人 招了五个, then 那再招七个呢: the staff grows with them (47), as the
            # questionnaire counts this year's hires in the staff
            staff = _STAFF_ROLE.search(revised)
            was = spoken_count(staff.group("n")) if staff is not None else None
            if staff is not None and was is not None and old is not None:
                added = count - (spoken_count(old.group("n")) or 0)
                revised = revised[:staff.start("n")] + str(was + added) + revised[staff.end("n"):]
    if _NONE_LAID_OFF.search(change) and not _LAID_OFF_SPAN.search(change):
        old = _LAID_OFF_SPAN.search(revised)
        revised = (revised[:old.start()] + "一个没裁" + revised[old.end():]) if old is not None else f"{revised} 一个没裁"
        changed = True
    sums = _MONEY_SPAN.findall(change)
    if len(sums) == 1:
        old = _MONEY_SPAN.search(revised)
        revised = (revised[:old.start()] + sums[0] + revised[old.end():]) if old is not None else f"{revised} {sums[0]}"
        changed = True
    return revised if changed else None


_DIGIT_RUN = re.compile(r"[一二两三四五六七八九]{2,}")


def spoken_count(word: str) -> int | None:
    """A count written in digits or in Chinese numerals (俩 is 2), else None — also for a
    spoken range (七八, 十七八, 二三十, 三五: cn2an would read 七八 as 78), which `spoken_span`
    reads."""
    if word.isdigit():
        return int(word)
    if _DIGIT_RUN.fullmatch(word) or spoken_range(word) is not None:
        return None
    return chinese_number(word.replace("俩", "两"))


def spoken_span(word: str) -> tuple[int, int] | None:
    """(fewest, most) of a count said as one number (both the same: 十五 -> (15, 15)) or as a
    spoken range (十七八 -> (17, 18), 一百二三十 -> (120, 130)); None if it is neither."""
    span = spoken_range(word)
    if span is not None:
        return span
    count = spoken_count(word)
    return (count, count) if count is not None else None


# 一千二 = 1200, 一万五 = 15000, 两千五 = 2500: a single digit after 千/万 is the next place down
# (how people say sums); not when a smaller unit follows (一千二百 is read whole by cn2an).
_SPOKEN = re.compile(r"(?P<lead>[一二两三四五六七八九])(?P<unit>千|万)(?P<tail>[一二两三四五六七八九])(?![十百千万\d])")
_COUNTED = "个人名岁年月天日次"  # after a number: a count, an age or a length, not money
_FEES = ("保证金", "手续费", "押金", "好处费", "中介费", "服务费", "介绍费")  # a sum demanded, not asked for
_SPOKEN_SCALE = {"千": 1000, "万": 10_000}


def question_amount(text: str) -> float | None:
    """The sum of money a question asks about, in 元: 300万 / 三百万 / 15w / 1.5万元 / 5000元 /
    一千二 (1200) / 一万五 (15000) — the last one right after 贷 or 借 (一人十五万 能贷四十五万不
    asks about 45万; 能贷二十万不 之前领过两万 about 20万), else the first. Ages, years, months and head
    counts are not money (19岁, 3年, 6个月, 20人) and give None."""
    text = normalize(_PAUSE_AFTER_SCALE.sub("，", text))  # 八万 一个没裁: not 八万一
    sums = list(_MONEY.finditer(text))
    asked = [m for m in sums if _ASK_VERB.search(text[max(0, m.start() - 3):m.start()])]
    if asked and len(sums) >= 2:
        text = text[asked[-1].start():]  # read from the sum asked about
    spoken = _SPOKEN.search(text)
    counted = spoken is not None and text[spoken.end():spoken.end() + 1] in tuple(_COUNTED)
    first = _MONEY.search(text)
    if spoken is not None and not counted and (first is None or spoken.start() <= first.start()):
        scale = _SPOKEN_SCALE[spoken.group("unit")]
        return float(_DIGITS[spoken.group("lead")] * scale + _DIGITS[spoken.group("tail")] * scale // 10)
    for m in _MONEY.finditer(text):
        if counted and spoken is not None and m.start() < spoken.end() and spoken.start() < m.end():
            continue  # 一千二个人: the 一千 of a head count
        raw = m.group("num")
        if (m.group("unit") == "块" and raw.endswith("一") and (len(raw) == 1 or raw[-2] not in "十百千万零〇")
                and not text.startswith("钱", m.end())):
            continue  # 一块弄 / 弟兄俩一块干: "together", not 1元 (一块钱, 十一块 are money)
        if text.startswith(_FEES, m.end()):
            continue  # 要交一万保证金: a fee demanded, not the sum asked for (a loan of 1万)
        if "万" in raw and m.group("unit") in ("千", "千元", "千块", "k"):
            # 三万六千多, 一万二千五: one numeral (the regex stopped at 千 to find a unit), read whole
            whole = _CN_NUMERAL.match(text, m.start())
            value = chinese_number(whole.group(0)) if whole else None
            if value is not None:
                return float(value)
        value = float(raw) if raw[0].isdigit() else chinese_number(raw)
        if value is None:
            continue
        tail = _WAN_TAIL.match(text, m.end()) if m.group("unit") == "万" else None
        if tail is not None:  # 3万6, 两万三: the next digit is thousands
            return float(value) * 10_000 + _DIGITS.get(tail.group(1), int(tail.group(1)) if tail.group(1).isdigit() else 0) * 1_000
        return float(value) * _SCALE[m.group("unit")]
    paid = _PAID_BARE.search(text)  # 去年交失业保险一共4800: a sum paid, its 元 left unsaid
    return float(paid.group("num")) if paid else None


def question_amount_range(text: str) -> tuple[float, float] | None:
    """(low, high) in 元 when the question's sum is said as a spoken range (十七八万 ->
    (170000, 180000), 两三千 -> (2000, 3000)); None when it is one sum or none."""
    for m in _MONEY.finditer(normalize(_PAUSE_AFTER_SCALE.sub("，", text))):
        span = spoken_range(m.group("num"))
        if span is not None:
            return span[0] * _SCALE[m.group("unit")], span[1] * _SCALE[m.group("unit")]
    about = _MONEY_ABOUT.search(normalize(text))  # 三十来万: about 30万, read as the counts are (28万—35万)
    if about is not None:
        span = _about(spoken_span(about.group("num")), "来")
        if span is not None and span[0] != span[1]:
            return span[0] * _SCALE[about.group("unit")], span[1] * _SCALE[about.group("unit")]
    return None


_MONEY_ABOUT = re.compile(r"(?P<num>\d+|[一二两三四五六七八九十百]+)来(?P<unit>万元|万块|万|千元|千块|千|元|块)")


# a pause typed after 万 / 千 before another numeral: two figures (交了八万 一个没裁), not 八万一
_PAUSE_AFTER_SCALE = re.compile(r"(?<=[万千])\s+(?=[一二两三四五六七八九])")
# 能贷四十五万 / 再借五万: the sum asked about follows one (not 领过两万的补贴: money had already)
_ASK_VERB = re.compile(r"(?<![了过])(?:贷|借)(?![了过])|就是|是不是|应该是|那就")  # 一个人十五万 两个就是三十万吧: the guess


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%|百分之([零一二两三四五六七八九十百]+)")


def question_rate(text: str) -> float | None:
    """The first percentage a question states, in percent: 90% / 百分之九十 -> 90.0; None when
    it states none (一半 is not read: it could be a share of people)."""
    m = _PERCENT.search(normalize(text))
    if m is None:
        return None
    if m.group(1):
        return float(m.group(1))
    value = chinese_number(m.group(2))
    return float(value) if value is not None else None


_AGE = re.compile(r"(?P<num>\d{1,2}|[一二两三四五六七八九十]{1,3})(?:周岁|岁)")
# 我25了 / 娃19了 / 我弟弟二十三呢 / 那十七了呢 / 那要是十七呢 (a follow-up on an age range)
# 六十了 还能贷款不 / 我都五十多了 / 我今年五十 能参加培训不: at the start, with 多, or after 今年
_WHO_AGED = (r"(?:^|我|俺|娃|娃娃|孩子|儿子|女儿|闺女|姑娘|丫头|他|她|弟弟|妹妹|哥哥|姐姐|侄子|侄女|外甥|外甥女|孙子|孙女|"
             r"媳妇|老婆|男人|老汉|老公|爱人|对象|老大|老二|老三|老四|老伴|弟|妹|哥|姐|那|要是)")
_AGE_NUMBER = r"(?P<num>[1-9]\d|[一二两三四五六七八九]?十[一二三四五六七八九]?)"
_AGE_SAID = re.compile(_WHO_AGED + r"(?:今年|都快|已经快|快|都|已经|也|要是|就)?" + _AGE_NUMBER + r"多?(?:了|呢|的话)"
                       # (我丫头中专毕业 在积石山 今年十九: the person said further back)
                       + "|" + _WHO_AGED.replace("^|", "") + r"?今年" + _AGE_NUMBER.replace("num", "num2")
                       + r"(?=[\s，,。]|$|能|还|想|可以|要|了|岁|没|在|刚|一直|初中|高中|中专|大学|大专|毕业)"  # 今年19 初中毕业
                       # 他二十四 没工作 / 我是二十三: a person, then a number alone before a pause
                       + "|" + _WHO_AGED.replace("^|", "").replace("|那|要是", "") + r"是?"
                       + _AGE_NUMBER.replace("num", "num3") + r"(?=[\s，,。！!？?]|$|没|也|不|还|能|在|刚|一直|初中|高中|中专|大学|大专)")


def _said_age(text: str) -> tuple[int, int] | None:
    """Where in `text` (as typed, spaces kept) the figure of an age stands, by `question_age`'s
    patterns, or None."""
    for pattern in (_AGE, _AGE_SAID):
        for m in pattern.finditer(text):
            group = next((g for g in ("num", "num2", "num3") if g in pattern.groupindex and m.group(g)), None)
            if group is None or (pattern is _AGE and m.start() > 0 and text[m.start() - 1] in "到至—-~"):
                continue
            if pattern is _AGE and text[m.end():m.end() + 1] in ("到", "至", "—", "-", "~"):
                continue
            return m.start(group), m.end(group)
    return None


def question_age(text: str) -> int | None:
    """An age the question gives: 25岁 / 二十五周岁 / 我25了 / 娃19了 / 我娃二十六了 / 我弟弟二十三呢 /
    那十七了呢 / 他二十四 没工作 / 我是二十三; None when it gives none
    (16到24岁 as a range is not a person's age: the first number of a range is skipped)."""
    text = normalize(text)
    for pattern in (_AGE, _AGE_SAID):
        for m in pattern.finditer(text):
            if pattern is _AGE and m.start() > 0 and text[m.start() - 1] in "到至—-~":
                continue  # the end of a range (16到24岁)
            raw = m.group("num") if pattern is _AGE or m.group("num") else (m.group("num2") or m.group("num3"))
            value = int(raw) if raw.isdigit() else chinese_number(raw)
            if value is not None and 0 < value < 100:
                after = text[m.end():m.end() + 1]
                if pattern is _AGE and after in ("到", "至", "—", "-", "~"):
                    continue
                return value
    return None


# ---------------------------------------------------------------- asking.yaml

_RULE_FIELDS = {"kind": str, "cues": list}
_RULE_OPTIONAL = {"not_cues": list, "endings": list, "not_endings": list, "answered_by": list}
_ASPECT_FIELDS = {"say": str, "words": list}
_ASPECT_OPTIONAL = {"stated_by": list, "topic": str, "unless": list, "apart": bool}


def _checked_items(data: LineDict, key: str, name: str, problems: list[Problem], required: dict, optional: dict,
                   what: str, shape: str) -> Iterator[LineDict]:
    """Each mapping of the list `key` whose fields check; a non-mapping (`shape`, in Chinese)
    and wrong fields are noted in `problems` with their lines, and skipped."""
    for i, item in enumerate(data.get(key) or []):
        if not isinstance(item, LineDict):
            problems.append(Problem(name, data[key].line_of(i), shape))
            continue
        found = in_chinese(check_fields(item, name, required=required, optional=optional, what=what))
        problems += found
        if not found:
            yield item


def load_asking(path: Path, name: str) -> tuple[AskingRules, list[Problem]]:
    """Read asking.yaml; a missing file gives empty rules (every question is Kind.OTHER).
    Problems are Chinese `file:line` messages for staff."""
    if not path.exists():
        return AskingRules(), []
    data, problems = load_yaml(path, name)
    if data is None:
        return AskingRules(), problems
    if not isinstance(data, LineDict):
        return AskingRules(), problems + [Problem(name, 1, "问法文件应当是一个映射，含 kinds、filler、aspects 三项")]
    problems += in_chinese(check_fields(data, name, required={"kinds": list},
                                      optional={"filler": list, "aspects": list, "starts": list, "in_force": list,
                                                "money": list, "claims": list, "parties": list,
                                                "overview": list, "going_on": list, "details": list,
                                                "askers": list, "asks_money": list, "caution": dict,
                                                "comparing": list, "situations": list, "more": dict,
                                                "offices": list},
                                      what="问法文件"))
    kinds: list[KindRule] = []
    seen: dict[Kind, int] = {}
    for i, item in enumerate(data.get("kinds") or []):
        line = data["kinds"].line_of(i)
        if not isinstance(item, LineDict):
            problems.append(Problem(name, line, "kinds 的每一项应当是含 kind、cues 的映射"))
            continue
        found = in_chinese(check_fields(item, name, required=_RULE_FIELDS, optional=_RULE_OPTIONAL, what="问法"))
        problems += found
        if found:
            continue
        kind = KIND_NAMES.get(item["kind"])
        if kind is None:
            problems.append(Problem(name, item.line_of("kind"),
                                    f"不认识的问法类别“{item['kind']}”（可用：{'、'.join(KIND_NAMES)}）"))
            continue
        if kind in seen:
            problems.append(Problem(name, item.line_of("kind"), f"问法类别“{kind.value}”重复（第{seen[kind]}行已有）"))
            continue
        seen[kind] = item.line_of("kind")
        cues = _texts(item, "cues", name, problems)
        if not cues:
            problems.append(Problem(name, item.line_of("cues"), f"问法类别“{kind.value}”没有 cues"))
        kinds.append(KindRule(kind, tuple(cues), tuple(_texts(item, "not_cues", name, problems)),
                              tuple(_texts(item, "endings", name, problems)),
                              tuple(_texts(item, "not_endings", name, problems)),
                              tuple(_texts(item, "answered_by", name, problems))))
    filler = frozenset(_texts(data, "filler", name, problems))
    aspects: list[Aspect] = []
    for item in _checked_items(data, "aspects", name, problems, _ASPECT_FIELDS, _ASPECT_OPTIONAL, "方面",
                               "aspects 的每一项应当是含 say、words 的映射"):
        words = _texts(item, "words", name, problems)
        if not item["say"].strip() or not words:
            problems.append(Problem(name, item.line, "每个方面都要有 say 和至少一个 words"))
            continue
        topic = str(item.get("topic") or "").strip() or None
        aspects.append(Aspect(item["say"].strip(), tuple(words), tuple(_texts(item, "stated_by", name, problems)),
                              topic, tuple(_texts(item, "unless", name, problems)), bool(item.get("apart"))))
    comparing: list[Comparison] = []
    for item in _checked_items(data, "comparing", name, problems, {"say": str, "words": list, "lines": list},
                               {"stated_by": list, "asked_as": list, "heading": str}, "比较",
                               "comparing 的每一项应当是含 say、words、lines 的映射"):
        words = _texts(item, "words", name, problems)
        kinds_of: dict[str, list[Kind]] = {"lines": [], "asked_as": []}
        for key, out in kinds_of.items():
            for kind_name in _texts(item, key, name, problems):
                if kind_name not in KIND_NAMES:
                    problems.append(Problem(name, item.line_of(key),
                                            f"不认识的问法类别“{kind_name}”（可用：{'、'.join(KIND_NAMES)}）"))
                else:
                    out.append(KIND_NAMES[kind_name])
        if not item["say"].strip() or not words or not kinds_of["lines"]:
            problems.append(Problem(name, item.line, "每个比较都要有 say、至少一个 words 和至少一个 lines"))
            continue
        comparing.append(Comparison(item["say"].strip(), tuple(words), tuple(_texts(item, "stated_by", name, problems)),
                                    tuple(kinds_of["lines"]), tuple(kinds_of["asked_as"]),
                                    str(item.get("heading") or "").strip()))
    starts = tuple(_texts(data, "starts", name, problems))
    in_force = tuple(_texts(data, "in_force", name, problems))
    money = tuple(_texts(data, "money", name, problems))
    claims = tuple(_texts(data, "claims", name, problems))
    parties = frozenset(_texts(data, "parties", name, problems))
    overview = tuple(_texts(data, "overview", name, problems))
    going_on = tuple(dict.fromkeys(_texts(data, "going_on", name, problems)))
    details = frozenset(_texts(data, "details", name, problems))
    askers = tuple(sorted(set(_texts(data, "askers", name, problems)), key=lambda w: (-len(w), w)))
    caution = None
    block = data.get("caution")
    if isinstance(block, LineDict):
        found = in_chinese(check_fields(block, name, required={"say": str, "words": list},
                                        optional={"instead_of": str, "unless": list}, what="提醒（caution）"))
        problems += found
        words = _texts(block, "words", name, problems) if not found else []
        instead_of = str(block.get("instead_of") or "").strip() or None
        if instead_of is not None and not any(a.say == instead_of for a in aspects):
            problems.append(Problem(name, block.line_of("instead_of"), f"instead_of“{instead_of}”不是 aspects 里的 say"))
        if not found and block["say"].strip() and words:
            unless = tuple(normalize(w) for w in _texts(block, "unless", name, problems))
            caution = Caution(" ".join(block["say"].split()), tuple(normalize(w) for w in words), instead_of, unless)
        elif not found:
            problems.append(Problem(name, block.line, "提醒（caution）要有 say 和至少一个 words"))
    more = None
    block = data.get("more")
    if isinstance(block, LineDict):
        found = in_chinese(check_fields(block, name, required={"words": list}, optional={"who": dict},
                                        what="多给的问法（more）"))
        problems += found
        if not found:
            words = _texts(block, "words", name, problems)
            if words:
                groups = block.get("who") or {}
                who: dict[str, str] = {}
                for group in groups:
                    if not isinstance(groups[group], list):
                        problems.append(Problem(name, groups.line_of(group),
                                                f"more 的 who 里“{group}”后面应当是说法的列表，如 [残疾人, 残疾]"))
                        continue
                    who.update((w, normalize(str(group))) for w in _texts(groups, group, name, problems))
                more = More(tuple(words), tuple(sorted(who.items(), key=lambda p: (-len(p[0]), p[0]))))
            else:
                problems.append(Problem(name, data.line_of("more"), "多给的问法（more）要有至少一个 words"))
    return (AskingRules(tuple(kinds), filler, tuple(aspects), starts, in_force, money, claims, parties, overview,
                        going_on, caution, details, askers,
                        tuple(_texts(data, "asks_money", name, problems)), tuple(comparing),
                        frozenset(_texts(data, "situations", name, problems)), more,
                        frozenset(_texts(data, "offices", name, problems))), problems)


def _texts(item: LineDict, key: str, name: str, problems: list[Problem]) -> list[str]:
    """The non-empty strings of a list field (normalised); other items are reported."""
    values = item.get(key) or []
    if not isinstance(values, list):
        return []
    out = []
    for i, value in enumerate(values):
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            out.append(normalize(str(value)))
        else:
            line = values.line_of(i) if isinstance(values, LineList) else item.line_of(key)
            problems.append(Problem(name, line, f"{key} 里的“{value}”应当是非空文字"))
    return out


_FIELD_MESSAGES = (
    (re.compile(r"unknown field '(.+)' in (.+) \(known: (.+)\)"), "{1}里有不认识的字段“{0}”（可用：{2}）"),
    (re.compile(r"(.+) is missing field '(.+)'"), "{0}缺少字段“{1}”"),
    (re.compile(r"field '(.+)' should be (.+), got (.+)"), "字段“{0}”应当是{1}，现在是{2}"),
)
_TYPE_WORDS = {"text": "文字", "a list": "列表", "a mapping": "映射", "a whole number": "整数",
               "a number": "数字", "true/false": "是/否", "empty": "空"}


def in_chinese(problems: list[Problem]) -> list[Problem]:
    """check_fields' English messages in Chinese, for the files staff edit in Chinese."""
    out = []
    for p in problems:
        message = p.message
        for pattern, template in _FIELD_MESSAGES:
            m = pattern.fullmatch(message)
            if m:
                groups = [" 或 ".join(_TYPE_WORDS.get(x, x) for x in g.split(" or ")) for g in m.groups()]
                message = template.format(*groups)
                break
        out.append(Problem(p.file, p.line, message))
    return out
