"""Questions typed wholly in pinyin (issue 13): "jianxi butie duoshao qian" is read as 见习补贴多少钱.

Some phones are left in the Latin keyboard, and some older residents type the sounds they know.
The message's letters (spaces and apostrophes dropped; a tone digit right after a syllable
dropped too, jian4xi2; other numbers kept as typed, ta 20 sui) are cut into the toneless
readings of known words. Each piece scores log(weight) - PIECE, and the best total wins, so
a likely word beats two unlikely pieces (jianxi -> 见习, not jian + xi) and the more frequent
word wins where two share a reading (qian -> 钱 in questions, not 前). The weights, highest
first:
- words residents ask with and policy names (ASKED): the FAQ phrasings' words and asking.yaml's
  cues (counted), the lexicon's terms and synonyms, benefits' words, staff's out-of-scope
  topics (3+ characters), numbers as said (二十四岁), how follow-ups begin (那我);
- everyday words of two to four characters, by frequency (jieba's dictionary, its PINYIN_EVERYDAY
  most frequent: 儿子, 退休);
- pairs of characters residents type together in the FAQ phrasings (开个), below everyday words;
- the documents' other words (DOCUMENT);
- single characters, by how often residents type them alone and how common they are.

A message is read only when every letter is covered and one piece at least is a word residents
ask with (ASKED, two characters or more): "hello", "Shanghai", "change" or an English sentence
stays as typed (the dialog answers it with its helping hand, "请用中文打字"). The reading is
shown back to the resident ("我按“见习补贴多少钱”来理解"), so a wrong guess is seen, never
silently answered. A frequent word may still take the place of a rarer one residents meant
(bu zhidao -> 不指导: 指导 is a word of an FAQ phrasing): the reading shown lets them retype it.

The readings come from pypinyin (already used by knowledge/homophones.py): every reading of the
ASKED words and of single characters (还: huan and hai, so fanhuan is 返还), the usual reading of
other words. The table is built on the first message typed in letters.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import product

from pypinyin import Style, pinyin

_LETTERS = re.compile(r"^[a-zA-Z\s'’,，.。?？!！0-9]+$")
_NOT_LETTER = re.compile(r"[^a-z0-9]")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
MAX_LETTERS = 120  # a longer message in letters is not read (the search is quadratic in it)
MIN_LETTERS = 5  # "ok", "hehe", "buhe": too short to read with any confidence
_TONE = re.compile(r"(?<=[a-z])[1-5](?=[a-z\s',，.。?？!！]|$)")  # jian4xi2: tone digits, not numbers

# Weights (log-scaled in the search), see the module docstring: ASKED words first, then everyday
# words (up to EVERYDAY_CAP), then pairs residents type together, then the documents' other words
ASKED, EVERYDAY_CAP, PAIR, DOCUMENT = 10**8, 10**5, 2 * 10**3, 10**3
CHAR_ASKED, CHAR_DISCOUNT = 100, 100  # a character said alone: 100 per time residents type it, plus 1% of its everyday frequency
PIECE = 10.0  # what a cut costs: three likely pieces (还 管用 不) beat two rare ones (海关 永不)
MAX_KEYS = 8  # readings kept per word (返还: fanhuan, fanhai): characters with several readings multiply them


@lru_cache(maxsize=65536)
def _readings(char: str) -> tuple[str, ...]:
    """Every toneless reading pypinyin knows for the character (还 -> huan, hai; ü as v)."""
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors=lambda c: [c])
    return tuple(dict.fromkeys(r.replace("ü", "v") for r in (found[0] if found else [char])))


_DIGITS = "一二三四五六七八九"
# Numbers residents say (ages, years paid, people): 十八, 二十五, 五十 — read before a homophone (武士)
_TENS = [f"{_DIGITS[t - 1] if t > 1 else ''}十{_DIGITS[u - 1] if u else ''}" for t in range(1, 10) for u in range(10)]
# …and with what they count (二十四岁 is one piece, so 十四岁 never wins over it)
NUMBERS = tuple(dict.fromkeys(_TENS + [n + unit for n in _TENS + list(_DIGITS) for unit in ("岁", "个", "年", "个月")]
                              + ["两年", "两个", "两个月", "一百"]))
# How follow-ups begin (那我孙子呢, 那要是): 那 before a person, not 哪
FOLLOW_UPS = ("那我", "那要是", "那如果", "那我们", "那俺")
# Phrases of speech a document word sounds like: bu zhidao is 不知道, not 不 + 指导
SPOKEN = ("不知道", "不晓得", "不清楚", "不明白")


def typed_in_letters(message: str) -> bool:
    """Whether the message holds letters and nothing but letters, digits, spaces and
    punctuation: the only messages `PinyinReader.read` may read (a cheap test, no table)."""
    return bool(message) and bool(_LETTERS.match(message)) and re.search(r"[a-zA-Z]", message) is not None


def keys_of(word: str) -> list[str]:
    """The ways the word is typed in pinyin, its characters' readings run together: 返还 ->
    fanhuan, fanhai (at most MAX_KEYS)."""
    keys = []
    for combo in product(*(_readings(c) for c in word)):
        keys.append("".join(combo))
        if len(keys) >= MAX_KEYS:
            break
    return keys


class PinyinReader:
    """Reads a message typed in pinyin as Chinese (see the module docstring).

    `asked`: texts residents ask with (FAQ phrasings, cue words), segmented by `tokens` and
    counted; `words`: the policies' names and residents' words for them (lexicon, benefits);
    `general`: a callable giving everyday words with their frequency; `documents`: the words of
    the documents' text. Built lazily and thread-safely on the first `read`."""

    def __init__(self, asked: Iterable[str], words: Iterable[str], tokens,
                 general: Callable[[], Iterable[tuple[str, int]]] = tuple,
                 documents: Iterable[str] = ()) -> None:
        self._asked = list(asked)
        self._words = list(words)
        self._documents = list(documents)
        self._tokens = tokens
        self._general = general  # (word, frequency) of everyday Chinese, read on the first build
        self._table: dict[str, tuple[str, float, bool]] | None = None  # reading -> (word, score, ASKED?)
        self._longest = 0
        self._lock = threading.Lock()

    def _build(self) -> dict[str, tuple[str, float, bool]]:
        asked: Counter[str] = Counter()
        pairs: Counter[str] = Counter()
        chars: Counter[str] = Counter()
        for text in self._asked:
            tokens = [t for t in self._tokens(text) if _CJK.match(t)]
            asked.update(t for t in tokens if len(t) >= 2)
            chars.update(t for t in tokens if len(t) == 1)  # 钱 of 多少钱, not 文 of 文件
            runs = re.findall(r"[\u4e00-\u9fff]+", text)
            pairs.update(run[i:i + 2] for run in runs for i in range(len(run) - 1))
        weights: dict[str, float] = {}
        for word, n in asked.items():
            weights[word] = ASKED + n
        for word in (*self._words, *NUMBERS, *FOLLOW_UPS, *SPOKEN):
            if _CJK.match(word) and len(word) >= 2:
                weights.setdefault(word, ASKED)
        strong = set(weights)  # the ASKED words: a reading needs one of them
        everyday = dict(self._general())
        for word, freq in everyday.items():
            if len(word) >= 2 and _CJK.match(word):
                weights.setdefault(word, min(freq, EVERYDAY_CAP))
        for pair, n in pairs.items():
            weights.setdefault(pair, PAIR + n)
        for word in self._documents:
            if _CJK.match(word) and len(word) >= 2:
                weights.setdefault(word, DOCUMENT)
        for char, n in chars.items():  # how often residents type it alone, and how common it is (问 over 文)
            weights.setdefault(char, CHAR_ASKED * n + everyday.get(char, 0) / CHAR_DISCOUNT)
        for char, freq in everyday.items():  # any other character, by how common it is (他 over 塔)
            if len(char) == 1 and _CJK.match(char):
                weights.setdefault(char, max(freq / CHAR_DISCOUNT, 1.0))
        table: dict[str, tuple[str, float, bool]] = {}
        for word, weight in weights.items():
            # every reading of the ASKED words (返还: fanhuan, fanhai) and of single characters (谁:
            # shui, shei); an everyday word by its usual reading only (岂可 is not kaige)
            keys = keys_of(word) if word in strong or len(word) == 1 else keys_of(word)[:1]
            score = math.log(weight) - PIECE
            for key in keys:
                if not key.isalpha() or not key.isascii():
                    continue  # a character pypinyin has no reading for
                best = table.get(key)
                if best is None or score > best[1]:
                    table[key] = (word, score, word in strong)
        self._longest = max((len(k) for k in table), default=0)
        return table

    def read(self, message: str) -> str | None:
        """The message read as Chinese, or None when it is not pinyin the table covers."""
        if not message or not _LETTERS.match(message) or not re.search(r"[a-zA-Z]", message):
            return None
        letters = _NOT_LETTER.sub("", _TONE.sub("", message.lower()))
        if not MIN_LETTERS <= len(letters) <= MAX_LETTERS or letters.isdigit():
            return None
        with self._lock:
            if self._table is None:
                self._table = self._build()
        table = self._table
        n = len(letters)
        # best[i]: (score, words) of the best reading of letters[:i]: the sum over its pieces of
        # log(weight) - PIECE, so that a piece must be a likely word to be worth cutting there
        best: list[tuple[float, tuple[str, ...], bool] | None] = [None] * (n + 1)  # (score, words, has a strong one)
        best[0] = (0.0, (), False)
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            if letters[i].isdigit():  # ta 20 sui: a number stays as typed
                j = i
                while j < n and letters[j].isdigit():
                    j += 1
                if best[j] is None or here[0] > best[j][0]:  # type: ignore[index]
                    best[j] = (here[0], here[1] + (letters[i:j],), here[2])
                continue
            for j in range(i + 1, min(n, i + self._longest) + 1):
                found = table.get(letters[i:j])
                if found is None:
                    continue
                word, score, strong = found
                candidate = (here[0] + score, here[1] + (word,), here[2] or (strong and len(word) >= 2))
                if best[j] is None or candidate[0] > best[j][0]:  # type: ignore[index]
                    best[j] = candidate
        done = best[n]
        if done is None or not done[2]:  # Shanghai -> 上还, change -> 嫦娥: nothing residents ask with
            return None
        return "".join(done[1])


def initials_of(word: str) -> str:
    """How the word is typed by its pinyin initials, each character's usual reading (见习补贴 ->
    jxbt): one key, the same on every run."""
    return "".join(readings[0][:1] for readings in pinyin(word, style=Style.FIRST_LETTER, heteronym=False) if readings)


# a run of 4–8 Latin letters standing alone (not inside an English word or a longer run; three
# letters are too often an acronym of their own: cbd, app)
_INITIALS_RUN = re.compile(r"(?<![A-Za-z])[A-Za-z]{4,8}(?![A-Za-z])")


class Initialisms:
    """Policy names typed by their pinyin initials (jxbt 多少钱一个月, wgfh 咋弄, gyxgw 还有没):
    `words` (the benefits' names and the lexicon's terms, 4–8 characters) keyed by their
    initials; a key two different words share is left out (typed that way, it is not clear
    which is meant). `read(text)` puts each such run of letters right; other letters stay."""

    def __init__(self, words: Iterable[str]) -> None:
        table: dict[str, set[str]] = {}
        for word in words:
            if 4 <= len(word) <= 8 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
                table.setdefault(initials_of(word), set()).add(word)
        self.table = {k: next(iter(v)) for k, v in table.items() if len(v) == 1}

    def read(self, text: str) -> str:
        return _INITIALS_RUN.sub(lambda m: self.table.get(m.group(0).lower(), m.group(0)), text)
