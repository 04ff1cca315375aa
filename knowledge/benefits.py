"""What each clause gives, to whom, how much, where to apply and until when — in plain words
that staff wrote from the document's own words (`knowledge/data/benefits.yaml`).

A clause often holds several benefits (第五条第（二）项: the individual's 15万 loan and the small
enterprise's 300万 loan), some of them time-limited (第三条第（四）项: the relaxation to 1 year ran
2019-01-01..2020-12-31). A `Benefit` is one of them: its names, the period it ran if limited,
what applies now once that period has ended, and one plain statement per question kind, each
with an optional verbatim quotation. The answerer picks the benefit a question names and puts
the statement for the question's kind on the first line.

Validation keeps staff honest: every quotation must be the clause's own words, and every number
in a statement must occur in the document (no invented amounts, dates or phone numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.asking import CLAUSE_KINDS, KIND_NAMES, Kind, in_chinese, normalize, says_any
from knowledge.documents import Clause, Period, Quantity
from knowledge.yamlsource import LineDict, LineList, Problem, check_fields, load_yaml

HOTLINES = ("12333", "12345")  # numbers a statement may give without the document saying them
ASPECTS = "aspects"  # in `referred`: the details of asking.yaml's aspects (多久到账, 网上办 …)


@dataclass(frozen=True)
class Statement:
    """One plain answer (`say`) and, optionally, the clause's words it rests on (`quote`)."""

    say: str
    quote: str | None = None


@dataclass(frozen=True)
class Group:
    """A kind of person the clause names as eligible (离校未就业高校毕业生), how residents say the
    person is one (`words`, normalised; "a+b": both), what they must also say (`needs`: 没工作 for
    离校**未就业**; empty: nothing), what says they are not, or someone else is (`unless`: 在读,
    不是, 我爸), and the line that says they may take part (benefits.yaml `groups`)."""

    words: tuple[str, ...]
    say: Statement
    needs: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()

    def named_in(self, text: str) -> bool:
        """Whether `text` (normalised) says the person is one."""
        return (says_any(self.words, text) and (not self.needs or says_any(self.needs, text))
                and not says_any(self.unless, text))


@dataclass(frozen=True, eq=False)
class Benefit:
    """One benefit or rule of a clause (see the module docstring). `lines` maps a question kind
    to its statement; `part_of` names the benefit this one refines (its names count for it too)."""

    id: str
    clause: str  # clause id
    name: str  # plain name: 就业见习补贴
    words: tuple[str, ...]  # how residents name it (normalised), matched as substrings
    part_of: str | None = None
    period: Period | None = None  # the period it ran, when time-limited
    now: Statement | None = None  # what applies once the period has ended
    max: Quantity | None = None  # the cap a yes/no question's amount is compared with
    ages: Quantity | None = None  # an age range (16—24岁) a question's age is compared with
    age_outside: Statement | None = None  # what to say when the age given is outside `ages`
    lines: dict[Kind, Statement] = field(default_factory=dict)
    summary: Statement | None = None  # what it gives, in a line: for a general question (有啥支持)
    # Another department's programme the clause only mentions (第九条第（三）项: 低保 and 临时救助
    # are 民政's, the 失业保险金 standard is the unemployment insurance's): the kinds (and
    # ASPECTS, the details of asking.yaml) whose rules are not in the document. See `refers`.
    referred: frozenset[str] = frozenset()
    ask: str | None = None  # where to ask about it, ending the bot's own "文件没有写明…" lines
    line: int = 0
    file: str = ""
    # The document supports it but names no money for it (扶贫车间, 五小行业): asked whether it
    # comes with a subsidy (asking.yaml `asks_money`), the reply says the document does not say
    unpaid: bool = False
    # The kinds of person the clause names as eligible (benefits.yaml `groups`): a yes/no question
    # saying the person is one (大专毕业 二十六了 能见习吗) is answered 能 with that group's line.
    groups: tuple[Group, ...] = ()
    # The kinds of person it is NOT for, who ask as if it were theirs (benefits.yaml `not_for`):
    # a laid-off worker asking whether his own 失业保险 comes back (稳岗返还 is the employer's).
    # Whatever is asked of it — 能不能, 多少, 给谁 — that group's line comes first.
    not_for: tuple[Group, ...] = ()
    # Of its `words`, those that tell the asker's situation rather than ask for it (benefits.yaml
    # `situation`: 效益不好 names the ended 2019 standard for firms in difficulty, but 厂子效益不好
    # 还能拿稳岗返还不 asks the refund that stands): named alone beside the whole it refines, the
    # whole is what is asked.
    situation: tuple[str, ...] = ()

    def group_of(self, text: str) -> Group | None:
        """The first group `text` (normalised) says the person belongs to, or None."""
        return next((g for g in self.groups if g.named_in(text)), None)

    def outsider_in(self, text: str) -> Group | None:
        """The first `not_for` group `text` (normalised) says the person belongs to, or None. A
        headcount (店里12个人, 八个人能) is a count of people, not 个人 (an individual)."""
        text = _HEADCOUNT.sub("人", text)
        return next((g for g in self.not_for if g.named_in(text)), None)

    def statement(self, kind: Kind) -> Statement | None:
        return self.lines.get(kind)

    def refers(self, kind: Kind, aspect: bool = False) -> bool:
        """Whether a question of this kind (or, `aspect`, one asking a detail such as 多久到账)
        about this benefit is one the document leaves to another department's rules: its reply
        says "文件没有写…" and where to ask, and it counts as not answered (benefits.yaml
        `referred`)."""
        return (ASPECTS in self.referred) if aspect else kind.value in self.referred

    def has_ended(self, today) -> bool:
        return self.period is not None and self.period.has_ended(today)


# A number of people (12个人, 十几个人, 两个人): its 个人 is no benefit's word for "individual"
# 12个人 (not 一个人: one person, an individual); 有个人专门领人去打工, 这个人说: someone, not an
# individual borrower (有个人贷款没 still asks the individual loan)
# A firm the person worked at, not one they run: 厂子倒了, 在厂里打工, 公司关门了, 从厂子出来
_WORKED_AT = re.compile(r"(?:(?:在|从|原来的?|以前的?)(?:厂子|厂里|工厂|公司|单位)(?:里)?(?:打工|干活|上班|上过班|出来)"
                        r"|(?:厂子|厂里|工厂|公司|单位)(?:倒了|倒闭了?|关了|关门了?|黄了|垮了|辞了我|把我辞了|不要我了|裁了我))")
_HEADCOUNT = re.compile(r"(?<=[\d两二三四五六七八九十百千几多来])个人|(?<=[十百千零]一)个人"
                        r"|(?<=[有这那某])个人(?=专门|说|想|在|去|领|带|是|要|跟|给|问|家|开)")


def pick_benefit(benefits: Sequence[Benefit], text: str, terms: Iterable[str] = (),
                 amount: float | None = None) -> Benefit | None:
    """The benefit of one clause that a question names, or None when it names none.

    `text` is the question, `terms` the document terms its synonyms bring (饭馆 -> 个体经营).
    A benefit scores the names it and the benefit it refines share with the question, plus one
    when the question's amount is its cap (企业能贷300万吗 -> the 300万元 loan); names the
    resident typed count before those only a synonym brought (`terms`). A benefit whose whole
    name is (nearly) all the text says comes first; then the best total, then the most names of its own, then
    one whose `groups` the question says the person is in, then the one named last ("X的Y"
    asks Y), then the one listed first (a refinement such as
    "the 2019–2020 relaxation" wins only when the question names what it adds).
    """
    text = _HEADCOUNT.sub("人", normalize(text))  # 店里原来12个人: a count of people, not 个人 (individual)
    text = _WORKED_AT.sub(lambda m: "□" * len(m.group(0)), text)  # 厂子倒了回来了: where they worked, not their firm
    terms = {normalize(t) for t in terms}
    by_id = {b.id: b for b in benefits}

    # A benefit's whole name said (小微企业创业担保贷款) names it: the shorter words of others
    # inside that name (创业, a word of the individual loan) are not said of them
    names = sorted({normalize(b.name) for b in benefits if normalize(b.name) in text}, key=len, reverse=True)

    def seen_by(b: Benefit) -> str:
        own = normalize(b.name)
        masked = text
        for name in names:
            if name != own and name not in own:
                masked = masked.replace(name, "□" * len(name))
        return masked

    def matches(b: Benefit, said_only: bool = False) -> set[str]:
        said = seen_by(b)
        found = {w for w in b.words if _said(w, said) or (not said_only and w in terms)}
        if amount is not None:  # 一千二的那个: the sum said in words names the benefit listing 1200
            found |= {w for w in b.words if _NUMBER.fullmatch(w) and abs(float(w) - amount) < 1}
        # one mention counts once: 厂 inside 厂子 is not a second name
        return {w for w in found if not any(w != o and w in o for o in found)}

    def counts(b: Benefit, parent: Benefit | None, bonus: int, said_only: bool) -> tuple[int, int]:
        """(names of `b` and the benefit it refines, names of its own), each plus the bonus."""
        own = matches(b, said_only)
        inherited = matches(parent, said_only) if parent is not None else set()
        both = own | inherited  # (贴息 inside the whole's 贴息贷款 is one mention, not two)
        both = {w for w in both if not any(w != o and w in o for o in both)}
        own = {w for w in own if w in both}
        return len(both) + bonus, len(own) + bonus

    best, best_key = None, (0, 0, 0, 0, 0, 0, -1)
    for b in benefits:
        parent = by_id.get(b.part_of or "")
        bonus = 1 if amount is not None and b.max is not None and abs(b.max.value - amount) < 1 else 0
        # Words the resident typed first, then those only a synonym brought (劳务公司 brings
        # 劳务经纪人, but 输转两后生 … 送出去多少人 asks about the transfer, not the brokers).
        typed, with_synonyms = (counts(b, parent, bonus, True), counts(b, parent, bonus, False))
        # 我家是低保户 能帮着找个工作不: named as often as 低保 itself, the benefit whose groups
        # the person says they are in (低保家庭 -> 就业援助) is the one asked about
        grouped = (1,) if b.group_of(text) is not None else (0,)
        # 小微企业创业担保贷款 said in full and little else (a result's label, a button) is that
        # benefit, whatever shorter names (创业) of others it contains
        full = (1 if with_synonyms[0] > 0 and normalize(b.name) in text and len(text) <= len(b.name) + 4 else 0,)
        # A tie goes to the benefit named last: "X的Y" asks Y (个人创业担保贷款贴息是多少 asks the
        # interest, not the 15万 an individual may borrow)
        last = (max((text.rfind(w) + len(w) for w in matches(b, True)), default=-1),)
        key = full + typed + grouped + with_synonyms + last
        if with_synonyms[0] > 0 and key > best_key:
            best, best_key = b, key
    return best


def words_named(benefit: Benefit, text: str) -> set[str]:
    """The words of `benefit` (its `words` list) that `text` names, each mention once (厂 inside
    厂子 is not a second name) and none that `text` denies (没留下)."""
    text = _HEADCOUNT.sub("人", normalize(text))
    found = {w for w in benefit.words if _said(w, text)}
    return {w for w in found if not any(w != o and w in o for o in found)}


_NOT_BEFORE = re.compile(r"(?:不想|不愿|没有|不|没|未)$")  # what did not happen or is not wanted


def _said(word: str, text: str) -> bool:
    """Whether `text` names `word` other than as what did not happen or is not wanted: 不想留在
    厂里, 没留下 do not name the retention bonus (a word that itself begins with 不/没 — 不裁员 —
    is named as it stands)."""
    start = text.find(word)
    while start >= 0:
        before = text[max(0, start - 4):start]
        asks = before.endswith(("有没有", "有没")) or (len(before) >= 2 and before[-1] in "不没"
                                                      and before[-2] == word[0])
        if asks or not _NOT_BEFORE.search(before):
            return True  # 有没有饭钱补助, 留不留下: a question (A-not-A), not a denial
        start = text.find(word, start + 1)
    return False



# ---------------------------------------------------------------- benefits.yaml

_FIELDS = {"id": str, "clause": (str, int, float), "name": str, "words": list}
_OPTIONAL = {"part_of": str, "period": str, "now": (str, LineDict), "max": str, "summary": (str, LineDict),
             "ages": str, "age_outside": (str, LineDict), "referred": list, "ask": str, "unpaid": bool, "groups": list, "not_for": list,
             "situation": list,
             **{k: (str, LineDict) for k, kind in KIND_NAMES.items() if kind not in CLAUSE_KINDS}}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def load_benefits(path: Path, name: str, clauses: dict[str, Clause],
                  document_texts: dict[str, str]) -> tuple[tuple[Benefit, ...], list[Problem]]:
    """Read benefits.yaml (a missing file gives no benefits) and check it against the clauses.
    `document_texts` maps a document id to its whole text, for the no-invented-numbers check.
    Problems are Chinese `file:line` messages."""
    if not path.exists():
        return (), []
    data, problems = load_yaml(path, name)
    if data is None:
        return (), problems
    if not isinstance(data, LineDict) or not isinstance(data.get("benefits"), LineList):
        return (), problems + [Problem(name, getattr(data, "line", 1), "文件应当是含 benefits 列表的映射（benefits: - id: …）")]
    items: LineList = data["benefits"]
    out: list[Benefit] = []
    ids: dict[str, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, LineDict):
            problems.append(Problem(name, items.line_of(i), "每一项应当是含 id、clause、name、words 的映射"))
            continue
        found = in_chinese(check_fields(item, name, required=_FIELDS, optional=_OPTIONAL, what="这一项"))
        problems += found
        if found:
            continue
        bid = item["id"]
        if not _ID.match(bid):
            problems.append(Problem(name, item.line_of("id"), f"编号“{bid}”只能用小写英文字母、数字和“-”"))
        if bid in ids:
            problems.append(Problem(name, item.line_of("id"), f"编号“{bid}”重复（第{ids[bid]}行已有）"))
            continue
        ids[bid] = item.line_of("id")
        cid = _clause_id(item["clause"])
        clause = clauses.get(cid)
        if clause is None:
            problems.append(Problem(name, item.line_of("clause"), f"找不到条款“{cid}”"))
            continue
        label = clause.label()
        doc_text = normalize(document_texts.get(clause.document_id, clause.text))
        period = None
        if "period" in item:
            period = next((p for p in clause.periods if p.text == item["period"]), None)
            if period is None:
                known = "、".join(p.text for p in clause.periods) or "无"
                problems.append(Problem(name, item.line_of("period"),
                                        f"“{item['period']}”不是{label}写的期限（可用：{known}）"))
        cap = None
        if "max" in item:
            cap = next((q for q in clause.quantities if q.text == item["max"]), None)
            if cap is None:
                known = "、".join(q.text for q in clause.quantities) or "无"
                problems.append(Problem(name, item.line_of("max"), f"“{item['max']}”不是{label}写的数额（可用：{known}）"))
        ages = None
        if "ages" in item:
            ages = next((q for q in clause.quantities if q.text == item["ages"] and q.unit == "岁"), None)
            if ages is None:
                known = "、".join(q.text for q in clause.quantities if q.unit == "岁") or "无"
                problems.append(Problem(name, item.line_of("ages"), f"“{item['ages']}”不是{label}写的年龄（可用：{known}）"))
        age_outside = _statement(item, "age_outside", name, clause, doc_text, problems)
        if (ages is None) != (age_outside is None) and "ages" in item:
            problems.append(Problem(name, item.line_of("ages"), "ages（年龄范围）和 age_outside（不在范围内时怎么说）要一起写"))
        now = _statement(item, "now", name, clause, doc_text, problems)
        if now is not None and "period" not in item:
            problems.append(Problem(name, item.line_of("now"), "写了 now（到期后现在怎么办）就要写 period（哪段时间执行）"))
        words = []
        for j, w in enumerate(item["words"]):
            if isinstance(w, str | int | float) and not isinstance(w, bool) and str(w).strip():
                words.append(normalize(str(w)))
            else:
                problems.append(Problem(name, item["words"].line_of(j), f"words 里的“{w}”应当是非空文字"))
        situation = tuple(normalize(str(w)) for w in item.get("situation") or () if str(w).strip())
        words += [w for w in situation if w not in words]  # a situation word names it too
        lines = {kind: s for key, kind in KIND_NAMES.items()
                 if kind not in CLAUSE_KINDS and (s := _statement(item, key, name, clause, doc_text, problems)) is not None}
        summary = _statement(item, "summary", name, clause, doc_text, problems)
        referred = _referred(item, name, problems)
        for kind in sorted(k for k in referred if k != ASPECTS and KIND_NAMES[k] not in lines):
            problems.append(Problem(name, item.line_of("referred"),
                                    f"referred 里有“{kind}”，就要写 {kind}：说明文件没有写、去哪问"))
        out.append(Benefit(bid, cid, " ".join(item["name"].split()), tuple(words), item.get("part_of"),
                           period, now, cap, ages, age_outside, lines, summary, referred,
                           _ask(item, name, doc_text, problems), item.line, name, bool(item.get("unpaid", False)),
                           _groups(item, name, clause, doc_text, problems),
                           _groups(item, name, clause, doc_text, problems, key="not_for"), situation))
    by_id = {b.id: b for b in out}
    for b in out:
        if b.part_of is not None:
            parent = by_id.get(b.part_of)
            if parent is None or parent.clause != b.clause:
                problems.append(Problem(name, b.line, f"part_of“{b.part_of}”不是同一条款里的另一项"))
    return tuple(out), problems


def _groups(item: LineDict, name: str, clause: Clause, doc_text: str, problems: list[Problem],
            key: str = "groups") -> tuple[Group, ...]:
    """The `groups` (or `not_for`) list: each {words: [...], say: … or {say, quote}}, checked like
    any statement."""
    if key not in item:
        return ()
    if not isinstance(item[key], list):
        problems.append(Problem(name, item.line_of(key), f"{key} 应当是一个列表"))
        return ()
    out = []
    for j, entry in enumerate(item[key]):
        line = item[key].line_of(j)
        if not isinstance(entry, LineDict) or not isinstance(entry.get("words"), list) or "say" not in entry:
            problems.append(Problem(name, line, f"{key} 的每一项要写 words（群众的说法）和 say（第一行说的话）"))
            continue
        problems.extend(in_chinese(check_fields(entry, name, required={"words": list, "say": (str, LineDict)},
                                                optional={"needs": list, "unless": list}, what=key)))
        words = tuple(normalize(str(w)) for w in entry["words"] if str(w).strip())
        needs, unless = (tuple(normalize(str(w)) for w in entry.get(k) or () if str(w).strip()) for k in ("needs", "unless"))
        say = _statement(entry, "say", name, clause, doc_text, problems)
        if not words or say is None:
            problems.append(Problem(name, line, f"{key} 的这一项缺 words 或 say"))
            continue
        out.append(Group(words, say, needs, unless))
    return tuple(out)


def _statement(item: LineDict, key: str, name: str, clause: Clause, doc_text: str,
               problems: list[Problem]) -> Statement | None:
    """The statement under `key` (text, or {say, quote}), checked: a quote must be the
    clause's own words, every number in `say` must occur in the document (`doc_text`)."""
    value = item.get(key)
    if value is None:
        return None
    line = item.line_of(key)
    if isinstance(value, LineDict):
        problems.extend(in_chinese(check_fields(value, name, required={"say": str}, optional={"quote": str},
                                                what=f"“{key}”")))
        say, quote = value.get("say"), value.get("quote")
        if not isinstance(say, str):
            return None
        quote = quote.strip() if isinstance(quote, str) and quote.strip() else None
        line, qline = value.line_of("say"), value.line_of("quote")
    else:
        say, quote, qline = value, None, line
    say = " ".join(say.split())
    if not say:
        problems.append(Problem(name, line, f"“{key}”的 say 是空的"))
        return None
    for number in _NUMBER.findall(say):
        if number not in HOTLINES and number not in doc_text:
            problems.append(Problem(name, line, f"“{key}”里的数字“{number}”在文件原文里找不到（不能编数字）"))
    if quote is not None and quote not in clause.text:
        problems.append(Problem(name, qline, f"“{key}”的引文不是{clause.label()}原文里的话（引文要逐字照抄）：{quote[:30]}"))
        quote = None
    return Statement(say, quote)


def _ask(item: LineDict, name: str, doc_text: str, problems: list[Problem]) -> str | None:
    """The `ask` line (where to ask), checked like a statement's numbers: only the document's or
    the hotlines."""
    value = " ".join(str(item.get("ask") or "").split())
    if not value:
        return None
    for number in _NUMBER.findall(value):
        if number not in HOTLINES and number not in doc_text:
            problems.append(Problem(name, item.line_of("ask"), f"“ask”里的数字“{number}”在文件原文里找不到（不能编数字）"))
            return None
    return value


def _referred(item: LineDict, name: str, problems: list[Problem]) -> frozenset[str]:
    """The `referred` kinds of an item (question kinds of asking.yaml, or "aspects"), checked."""
    values = item.get("referred") or []
    known = (*KIND_NAMES, ASPECTS)
    out = set()
    for j, value in enumerate(values):
        if value in known:
            out.add(value)
        else:
            problems.append(Problem(name, values.line_of(j),
                                    f"referred 里的“{value}”不是问法类别（可用：{'、'.join(known)}）"))
    return frozenset(out)


def _clause_id(value: str | int | float) -> str:
    if isinstance(value, float | int):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value.strip()
