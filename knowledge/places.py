"""Questions about the policy of another place (issue 13: "never state as current what the
document does not say").

The document is 临夏州's. Residents who work in 新疆 or 东莞, or have family in 甘南, ask about
those places' policies in the plan's own words: 甘南州的创业贷款也是十五万吗, 兰州那边的见习补贴
给多少, 福建省今年的稳岗返还按多少比例返. Answered from the nearest clause, they get 临夏's 15万
or 1000元 as if it held there. `OtherPlaces.find` recognises the kind: a place outside the area
(lexicon/places.yaml `elsewhere`, with or without 省/市/州/县), then 的 or 那边/当地 (a time word
such as 今年 may come between), then, within a few characters, a policy word (贷款, 见习, 政策 …);
or the place as the one who pays or sets it (新疆那边给的补贴, 青海省定的额度, …稳岗补贴 江苏省出的
那个), with a policy word after it before a pause, or before it when nothing is named after.
A place followed, in a later piece, by the area itself (咱这, 我们临夏: places.yaml `here`) is a
contrast — 江苏那边见习给两千 咱这给多少 asks about here — and is answered as usual.
A place right after 在/从/是 … is where the person is, not whose policy is asked (在兰州的厂里上班,
从新疆回来的, 我是甘南的): the question is answered as usual — unless a policy is applied for
there (在佛山那边申请创业补贴: the place, 那边 or not, then 申请/办理/领取/享受, then a policy word),
or 那边的 before a policy word points back at a place named earlier and not left (我人在天津 能不能
申请那边的创业贷款; not 我从新疆回来的 那边的…, nor 当地, which is said of here too).
"""

from __future__ import annotations

import re

from knowledge.base import PlaceNames
from knowledge.segmentation import normalize

POLICY_WITHIN = 4  # characters after 的 in which the policy word must start (的创业担保贷款: 4)
_PAUSE = re.compile(r"[\s,，。.;；!！?？、]")
_SUFFIX = "(?:维吾尔自治区|回族自治区|壮族自治区|自治区|自治州|省|市|州|县|区)?"
_TIME = "(?:今年|去年|明年|现在|目前|这几年|这两年)?"
_AGENT_VERBS = "出|发|给|定|规定|制定|出台"  # 江苏省出的, 新疆那边给的: who pays or sets it
_APPLY_VERBS = "申请|申领|办理|领取|享受"  # 在佛山那边申请创业补贴: applying there
_ORIGIN = "在从"  # 在苏州干了六年, 从厦门回来: where the person is or was (`origins`)
_WORKPLACES = "厂子|厂里|厂|工地|公司|饭馆|餐馆|店里|店|矿上|矿|车间|工厂"
# …and what the person did there, in the past (干了六七年, 打过工, 回来了, 厂子倒了): without it the
# place may be where they ask to go (在东莞那边有没有政府联系好的厂子)
_PAST = re.compile(r"干了|打了|打过|干过|做了|待了|呆了|上了|回来|回家|倒了|关了|辞|裁|[一二两三四五六七八九十几\d]+年")
_PAST_WITHIN = 10
_POINTER = re.compile(r"(?:那个|那项|那种|这个|这项)(?:政策|补贴)?[吗呢吧啊]?")  # …江苏省出的那个


class OtherPlaces:
    """Finds the other place whose policy a question asks about (see the module docstring)."""

    def __init__(self, names: PlaceNames) -> None:
        home = {normalize(h) for h in names.home}
        self.here = tuple(sorted({normalize(h) for h in names.here if h}, key=lambda w: (-len(w), w)))
        places = sorted({normalize(p) for p in names.elsewhere if p} - home, key=lambda w: (-len(w), w))
        near = sorted({normalize(n) for n in names.near if n}, key=lambda w: (-len(w), w))
        self.policy = tuple(sorted({normalize(p) for p in names.policy if p}, key=lambda w: (-len(w), w)))
        self.person = frozenset(normalize(p) for p in names.person if p)
        self.institutions = tuple(normalize(i) for i in names.institutions if i)
        if not places or not self.policy:
            self._pattern = self._agent = self._apply = self._back = self._place = self._origin = None
            return
        near_alt = "|".join(map(re.escape, near)) or "(?!)"
        place = f"(?P<name>(?:{'|'.join(map(re.escape, places))}){_SUFFIX})"  # 甘南, 甘南州
        # 甘南州的 / 兰州那边的 / 新疆那边 / 福建省今年的: the place, then "of there"
        self._pattern = re.compile(f"{place}(?:(?:{near_alt}){_TIME}的?|{_TIME}的)")
        # 江苏省出的那个 / 新疆那边给的: the place as the one who pays or sets it (`_names_policy`)
        self._agent = re.compile(f"{place}(?:{near_alt})?{_TIME}(?:{_AGENT_VERBS})的")
        # 在佛山那边申请创业补贴 / 能不能在天津申请: applying there, where the person may well be
        self._apply = re.compile(f"{place}(?:{near_alt})?(?:{_APPLY_VERBS})")
        # 我人在天津 能不能申请那边的创业贷款: "there" pointing back at a place named before, not
        # after 回来 (not 当地: said of here too — 回来了 想参加当地的培训)
        self._back = re.compile(f"(?:{'|'.join(re.escape(n) for n in near if n != '当地') or '(?!)'})的")
        self._place = re.compile(place)
        # …with the workplace there (厦门电子厂, 东莞的厂子): 电子 of 电子厂 is no 电子商务
        self._origin = re.compile(f"{place}(?:的?(?:(?!那边|那里|那儿)[\u4e00-\u9fff]){{0,3}}?(?:{_WORKPLACES}))?")

    def find(self, question: str) -> str | None:
        """The place (as named in the question, e.g. 甘南州) whose policy `question` asks
        about, or None. Pure string work on the normalised question: O(length)."""
        if self._pattern is None:
            return None
        text = normalize(question)
        for pattern, names_policy in ((self._pattern, self._policy_after), (self._agent, self._names_policy)):
            for m in pattern.finditer(text):
                if self._contrast(text[m.end():]):
                    return None  # 江苏那边见习给两千 咱这给多少: asked about here, in contrast
                before = text[m.start() - 1] if m.start() > 0 else ""
                if before in self.person:
                    continue  # 在兰州的厂里, 从新疆回来的, 我是甘南的: where the person is
                if names_policy(text, m):
                    return m.group("name")
        for m in self._apply.finditer(text):
            if not self._contrast(text[m.end():]) and _policy_follows(text[m.end():], self.policy, self.institutions):
                return m.group("name")
        for m in self._back.finditer(text):
            before = text[:m.start()]
            named = list(self._place.finditer(before))
            if (named and "回来" not in before[named[-1].end():] and not self._contrast(text[m.end():])
                    and _policy_follows(text[m.end():], self.policy, self.institutions)):
                return named[-1].group("name")  # (从新疆回来的 那边的见习补贴: back here, not there)
        return None

    def origins(self, question: str) -> list[str]:
        """The places where the person was (normalised, with the workplace there: 苏州电子厂), not
        where they ask about: a name of `elsewhere` right after 在 or 从 and followed, within
        _PAST_WITHIN characters, by what they did there (在苏州电子厂干了六七年, 从厦门回来了). The clauses
        that name such cities as destinations of organised transfer (第二条第（四）项: 苏州, 东莞)
        are not what such a story asks; the retriever leaves these words out of its lexical
        channels. [] when there are none, or when `find` says the question asks about that
        place's policy."""
        if self._origin is None:
            return []
        text = normalize(question)
        found = [m.group(0) for m in self._origin.finditer(text)
                 if m.start() > 0 and text[m.start() - 1] in _ORIGIN and _PAST.search(text[m.end():m.end() + _PAST_WITHIN])]
        return found if found and self.find(question) is None else []  # (find only when a place is there)

    def _policy_after(self, text: str, m: re.Match) -> bool:
        """甘南州的创业贷款: a policy word within POLICY_WITHIN characters (兰州的培训学校 is a school)."""
        return _policy_follows(text[m.end():], self.policy, self.institutions)

    def _names_policy(self, text: str, m: re.Match) -> bool:
        """新疆那边给的补贴: a policy word after the payer before a pause; …稳岗补贴 江苏省出的那个:
        only a pointer after it, and the policy word came before."""
        after = _PAUSE.split(text[m.end():], maxsplit=1)[0]
        return any(word in after for word in self.policy) or (
            _POINTER.fullmatch(after) is not None and any(word in text[:m.start()] for word in self.policy))

    def _contrast(self, rest: str) -> bool:
        """Whether a later piece of the question (after a pause) asks about the area itself
        (places.yaml `here`: 咱这给多少, 我们临夏呢) — the other place is a contrast. 我是临夏的 or
        县上有人知道不 is no such piece."""
        pieces = _PAUSE.split(rest)[1:]
        return any(h in piece for piece in pieces for h in self.here)

    def here_in(self, text: str) -> str | None:
        """The words of `text` that ask about the area itself (`here`, longest first), or None."""
        text = normalize(text)
        return next((h for h in self.here if h in text), None)


def _policy_follows(rest: str, words: tuple[str, ...], institutions: tuple[str, ...] = ()) -> bool:
    """Whether one of `words` starts within POLICY_WITHIN characters of `rest`, before any pause
    (媳妇甘南的 创业贷款: the pause ends it), and is not the start of an institution's name."""
    after = _PAUSE.split(rest, maxsplit=1)[0]
    for word in words:
        at = after.find(word)
        if 0 <= at <= POLICY_WITHIN and not after.startswith(institutions, at + len(word)):
            return True
    return False


# 2018年的稳岗返还 / 2021年的就业方案: a year, then 的 (or 那个), then a policy word
# (2021年以后又出的…: a later year's rules, said from the year on)
_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})年(?:以后|之后|后来|往后)?"
                   r"(?:临夏州|临夏市|临夏县|临夏|甘肃省|甘肃|州政府|省政府|州上|州里|县上|县里|省上|省里|国家|中央|政府|上面"
                   r"|咱州|咱们州|咱县|我们州|我们县)?"  # 2023年州上新出的, 2024年临夏州新出台的
                   r"(?P<how>的|那个|那年的|新出的|新出台的|新发的|出台的|出的|印发的|又出的|又出台的|又新出的)")
# 2023年新出的稳岗返还, 2024年出台的见习补贴: a rule issued that year — another document's, whatever it is named
_ISSUED = frozenset({"新出的", "新出台的", "新发的", "出台的", "出的", "印发的", "又出的", "又出台的", "又新出的"})  # not 发的: 2020年发的补贴 is money paid
DOCUMENT_WORDS = ("方案", "文件", "通知", "办法", "意见")  # what a newer document is called
# a rate or sum said with its unit (90%, 1500元, 二十万): compared with the documents' own figures
_FIGURE = re.compile(r"\d+(?:\.\d+)?(?:%|元|块|万)")  # digits only: 二十万 is not compared
# a sum the person paid (上年度交了3万): their own figure, not the rule's
_PAID = re.compile(r"(?:交|缴)(?:了|过)?[^，,。？?！!\s]{0,6}?\d+(?:\.\d+)?(?:%|元|块|万)")


def figures_in(text: str) -> set[str]:
    """The rates and sums said in `text` with their unit, 块 read as 元: {"90%", "1000元", "15万"}."""
    return {f.replace("块", "元") for f in _FIGURE.findall(normalize(text))}


# 二一年, 二零二三年, 21年: a year typed short or in Chinese figures (two figures from 15 to 39
# only, and not right after 了/过: 领了12年, 干了二十年 are durations; 二三年 may also be "two or
# three years", but is then followed by no 的/出的 of a rule)
_SHORT_YEAR = re.compile(r"(?<![\d零〇一二两三四五六七八九十了过])(?:二[零〇]|20)?([一二三\d][零〇一二三四五六七八九\d])年")
_CN_DIGITS = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0"}


def _full_year(m: re.Match[str]) -> str:
    digits = "".join(_CN_DIGITS.get(c, c) for c in m.group(1))
    return f"20{digits}年" if 15 <= int(digits) <= 39 else m.group(0)


ISSUED_WITHIN = 10  # characters after 2023年新出的 in which the rule's word must end (稳就业若干措施: 7)
_MEASURES = ("政策", "措施", "规定", "新政", "补贴", "补助", "贷款", "返还")  # …or its rules, once issued that year


class OtherTimes:
    """Finds a policy of a year the documents do not cover: before the earliest was issued
    (2018年的稳岗返还: the plan of 2019 says nothing of 2018's rates), or a later year's document
    (2021年的就业方案: not this one). A later year's benefit (2023年的稳岗返还) is not found: the
    document's rules with no end date are answered, with their validity; nor is a document of
    the year after issue (2020), the last year the plan's own time-limited rules ran — unless it
    is said to be issued then (2023年新出的稳岗返还, 2020年出台的补贴: a later rule, not this plan's).

    `issued_year`: the earliest issue year of the loaded documents (None: none is dated).
    `policy`: lexicon/places.yaml `year_policy` — words of a year's rules (标准, 返还, 补贴), not
    of a person's history (2018年的贷款还没还完 is the resident's own loan). `figures`: the
    documents' own rates and sums (60%, 1000元); a later year's rule said with another figure
    (2024年的稳岗返还…90%) is that year's, not the plan's."""

    def __init__(self, issued_year: int | None, policy: tuple[str, ...], figures: frozenset[str] = frozenset()) -> None:
        self.issued_year = issued_year
        self.policy = tuple(sorted({normalize(p) for p in policy if p}, key=lambda w: (-len(w), w)))
        self.figures = figures  # the documents' own figures (60%, 1000元, 15万元), normalised

    def find(self, question: str) -> str | None:
        """"2018年" (the year as typed) when `question` asks about such a year's policy, else None."""
        if self.issued_year is None:
            return None
        text = _SHORT_YEAR.sub(_full_year, normalize(question))
        for m in _YEAR.finditer(text):
            year, rest = int(m.group("year")), text[m.end():]
            if year < self.issued_year and _policy_follows(rest, self.policy):
                return f"{year}年"
            if year > self.issued_year + 1 and _policy_follows(rest, DOCUMENT_WORDS):
                return f"{year}年"
            if (year > self.issued_year + 1 and _policy_follows(rest, self.policy)
                    and any(f not in self.figures for f in figures_in(_PAID.sub(" ", rest)))):
                return f"{year}年"  # 2024年的稳岗返还是不是返90%了: a later year's figure the plan never gives
            if year > self.issued_year and m.group("how") in _ISSUED:
                named = _PAUSE.split(rest, maxsplit=1)[0][:ISSUED_WITHIN]  # 稳就业若干措施
                if any(w in named for w in (*self.policy, *DOCUMENT_WORDS, *_MEASURES)):
                    return f"{year}年"
        return None
