"""Policy words typed by their sound (issue 13): pinyin input and voice input put a homophone in
place of the word — 见席 for 见习, 单保 for 担保, 三只一扶 for 三支一扶, 稳钢 for 稳岗.
lexicon/typos.yaml lists the slips someone has seen; this finds the rest by pronunciation
(pypinyin: the Mandarin readings of each character, tones ignored).

A stretch of the question is read as a policy word when
- it sounds like the word (each character's usual reading, tones ignored, is the word's
  character's: 等级 and 登记 are both deng ji; 反还 and 返还 both fan hai),
- it shares at least half of its characters with the word, in place (a wholly different
  stretch that sounds the same is another word: 简析 is not 见习),
- it is not itself a word of jieba's dictionary, of the documents or of the lexicon (技能等级
  stays: 等级 is a word; so does 不贴 in 贴不贴, which has a function character, below), and
- for a two-character word, it holds no function character (不, 没, 的, 了 …): 厂子不贴钱
  does not become 补贴.

Words are the lexicon's terms, the synonyms (both sides) and the benefits' names and words, of
2+ Chinese characters. Measured with benchmarks/measure_homophones.py on the FAQ phrasings and
the in-scope and off-topic training questions: a replacement there is a false one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

# Only single characters' readings are used, the same way on both sides (a word's key is its
# characters' usual readings, 返还 -> fan hai like 反还): pypinyin's phrase dictionary is not
# needed. Its documented switches leave it unloaded: RSS +12 MB instead of +56 MB (measured
# 2026-11-30, importing pypinyin 0.55 and reading one word).
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin import lazy_pinyin  # noqa: E402

_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that make a two-character stretch part of a phrase, not a misspelt word.
_FUNCTION = frozenset("不没的了是有在我你他她这那也就都还吗呢吧啊呀个一和跟给把被让要会能想将")
CACHE_SIZE = 4096  # questions remembered (a reload builds a new Homophones)


@lru_cache(maxsize=65536)
def _reading(char: str) -> str:
    """The character's usual toneless reading (等 -> deng); the character itself when it has none
    (a digit, a letter). Rare readings are not used: with them 招 would sound like 少."""
    found = lazy_pinyin(char, errors=lambda c: [c])
    return found[0] if found else char


class Homophones:
    """Finds policy words typed as homophones in a question and puts the word back (see the
    module docstring). `known(stretch)`: the stretch is a word already (of the dictionary or the
    documents), left as typed; `is_word(token)`: a token is a word of the dictionary;
    `tokens(text)`: the segmenter's tokens; `short`: the words of two characters that may be
    put back (the documents' terms)."""

    def __init__(self, words: Iterable[str], known: Callable[[str], bool], is_word: Callable[[str], bool],
                 tokens: Callable[[str], list[str]], short: Iterable[str] = ()) -> None:
        self.words = frozenset(w for w in words if _CJK_WORD.match(w) and len(w) >= 3) | frozenset(
            w for w in short if _CJK_WORD.match(w))
        self._known = known
        self._is_word = is_word
        self._tokens = tokens
        self._by_sound: dict[tuple[str, ...], list[str]] = {}
        for word in sorted(self.words):
            self._by_sound.setdefault(tuple(_reading(c) for c in word), []).append(word)
        self.lengths = sorted({len(w) for w in self.words}, reverse=True)
        self.fix = lru_cache(maxsize=CACHE_SIZE)(self._fix)

    def _fix(self, text: str) -> str:
        """`text` with each homophone of a policy word replaced by the word; unchanged when none."""
        out: list[str] = []
        last = 0
        spans = self._spans(text)
        starts = {a for a, _ in spans}
        ends = {b for _, b in spans}
        for run in _CJK_RUN.finditer(text):
            start, end = run.span()
            i = start
            while i < end:
                found = self._word_at(text, i, end, ends, spans) if i in starts else None
                if found is None:
                    i += 1
                    continue
                out.append(text[last:i])
                out.append(found)
                i += len(found)
                last = i
        out.append(text[last:])
        return "".join(out)

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """Where the segmenter's tokens of `text` start and end: a stretch read as a word must
        be whole tokens (养牛养羊 is 养牛 + 养羊: 牛养 is no stretch to read as 牛羊)."""
        spans, at = [], 0
        for token in self._tokens(text):
            found = text.find(token, at)
            if found < 0:
                break
            spans.append((found, found + len(token)))
            at = found + len(token)
        return spans

    def _word_at(self, text: str, i: int, end: int, ends: set[int],
                 spans: list[tuple[int, int]]) -> str | None:
        for length in self.lengths:
            if i + length > end or i + length not in ends:
                continue
            stretch = text[i:i + length]
            if stretch in self.words:
                return None  # the word itself, typed right: nothing to put back here
            word = self._sounds_like(stretch, i, text, spans)
            if word is not None:
                return word
        return None

    def _sounds_like(self, stretch: str, at: int, text: str, spans: list[tuple[int, int]]) -> str | None:
        if len(stretch) == 2 and any(c in _FUNCTION for c in stretch):
            return None
        key = tuple(_reading(c) for c in stretch)
        for word in self._by_sound.get(key, ()):
            differ = [k for k, (a, b) in enumerate(zip(word, stretch, strict=True)) if a != b]
            if not differ or 2 * (len(word) - len(differ)) < len(word) or self._known(stretch):
                continue
            if any(stretch[k] in _FUNCTION for k in differ):
                continue  # 回农家了: 了 is no slip for 乐
            covering = {(a, b) for a, b in spans for k in differ if a <= at + k < b}
            if all(b - a >= 2 and self._is_word(text[a:b]) for a, b in covering):
                continue  # 事业登记, 公司常驻地, 就业间隙: what differs is a real word as typed
            return word
        return None
