"""Chinese word segmentation for retrieval: jieba with the policy's user dictionary.

Why a private `jieba.Tokenizer` rather than the module-level one: the bot reloads its lexicon
without a restart, and a fresh tokenizer per lexicon keeps an old dictionary from leaking
into a new one. Why `cut_for_search`: it emits a long term and its parts (创业担保贷款 ->
创业, 担保, 贷款, 创业担保贷款), so a resident's partial word still meets the document's term.

jieba's dictionary load is the main start-up cost; its cache file is kept in a per-user cache
folder (not /tmp, which some servers clear) so every start after the first is fast.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import unicodedata
from pathlib import Path

import jieba

from knowledge.asking import question_age
from knowledge.base import Lexicon

jieba.setLogLevel(logging.WARNING)

_TOKEN_OK = re.compile(r"[\w%]", re.UNICODE)
_TERM_FREQ = 200_000  # high enough that jieba keeps a policy term whole against its parts
# Texts whose segmentation is remembered (per Segmenter): one turn segments its question once
# (one jieba pass gives both modes) although retrieval, coverage and the reply's sentence
# choice each ask for its words.
SEGMENT_CACHE_SIZE = 4096


def cache_dir() -> Path:
    base = os.environ.get("POLICYBOT_CACHE") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "policybot"


# jieba's dictionary has 349,046 words, 61% of them seen fewer than 5 times in its corpus; loading
# them all is most of the start-up time. Words that rare add little for residents' questions
# (search-mode segmentation still finds their parts), so the bot loads a compact copy.

MIN_WORD_FREQ = int(os.environ.get("POLICYBOT_JIEBA_MIN_FREQ", "5"))


def compact_dictionary(min_freq: int = MIN_WORD_FREQ) -> str:
    """Path of jieba's dictionary without words rarer than `min_freq`, made once per cache."""
    source = Path(jieba.__file__).parent / "dict.txt"
    if min_freq <= 1:
        return str(source)
    target = cache_dir() / f"jieba-dict-min{min_freq}.txt"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return str(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        with source.open(encoding="utf-8") as src, tmp.open("w", encoding="utf-8") as out:
            for line in src:
                parts = line.split(" ")
                if len(parts) >= 2 and parts[1].strip().isdigit() and int(parts[1]) >= min_freq:
                    out.write(line)
        os.replace(tmp, target)
    except OSError:
        return str(source)  # read-only cache: use the full dictionary
    return str(target)


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to half-width), lower-case, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", text).strip()


class Segmenter:
    """Turns text into retrieval tokens: normalised, segmented, stopwords removed."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        dictionary = compact_dictionary()
        self.tokenizer = jieba.Tokenizer(dictionary)
        folder = cache_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # One cache per dictionary: jieba would happily load another dictionary's cache.
            self.tokenizer.cache_file = str(folder / f"jieba-{Path(dictionary).stem}.cache")
        except OSError:
            pass  # read-only home: jieba falls back to its temp-folder cache
        self.tokenizer.initialize()
        for word, freq in lexicon.terms:
            self.tokenizer.add_word(normalize(word), freq or _TERM_FREQ)
        for group in lexicon.synonyms:
            for word in group.means:
                self.tokenizer.add_word(normalize(word), _TERM_FREQ)
        self._max_info = math.log(self.tokenizer.total)
        self.stopwords = frozenset(normalize(w) for w in lexicon.stopwords)
        self._synonyms = [
            (tuple(normalize(w) for w in g.words), tuple(normalize(m) for m in g.means)) for g in lexicon.synonyms
        ]
        self._parts = {w: tuple(p for p in w.split("+") if p) for words, _ in self._synonyms for w in words}
        # Each synonym word under the first character of its first part, in lexicon order: a
        # question is tested only against the words that can occur in it (a Python loop over
        # every word of synonyms.yaml cost ~1 ms a question; benchmarks/README.md, "The
        # lexical path's cost, again").
        self._by_first_char: dict[str, list[tuple[int, str, tuple[str, ...]]]] = {}
        self._partless: list[tuple[int, str, tuple[str, ...]]] = []
        for order, (w, means) in enumerate((w, means) for words, means in self._synonyms for w in words):
            parts = self._parts[w]
            entry = (order, w, means)
            if parts:
                self._by_first_char.setdefault(parts[0][0], []).append(entry)
            else:
                self._partless.append(entry)
        self._aged = [g for g in lexicon.synonyms if g.from_age is not None]  # 大龄 from an age said
        # Remembered per instance (a reload builds a new Segmenter, so nothing outlives its
        # lexicon); callers get fresh lists, so the cached tuples are never changed.
        self._segments = functools.lru_cache(maxsize=SEGMENT_CACHE_SIZE)(self._segment)
        self._colloquial = functools.lru_cache(maxsize=SEGMENT_CACHE_SIZE)(self._find_colloquial)

    def words(self, text: str) -> list[str]:
        """Segmented words of `text` (search mode), without stopwords and punctuation."""
        return list(self._segments(text)[0])

    def content_words(self, text: str) -> list[str]:
        """The question's words in accurate mode (no overlapping parts): what it *says*, for
        judging coverage. Search mode would count 最低工资 as 最低 + 工资 + 低工资 + 最低工资."""
        return list(self._segments(text)[1])

    def _keep(self, token: str) -> bool:
        return bool(token) and token not in self.stopwords and bool(_TOKEN_OK.search(token))

    def tokens(self, text: str) -> list[str]:
        """Every accurate-mode token of `text`, stopwords and punctuation included (the words
        around a name: 能 + 帮办 + 贷款; a space is " "), from the same cached jieba pass as
        `words` and `content_words`."""
        return list(self._segments(text)[2])

    def _segment(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """(search-mode words, accurate-mode words, all accurate-mode tokens) from one jieba
        pass over `text`.

        jieba's `cut_for_search` is its accurate `cut` with, before each word longer than two
        characters, the dictionary's 2- and 3-character pieces of it; doing that here from
        the one `cut` gives both modes exactly (tests/test_retrieval.py compares them)."""
        freq = self.tokenizer.FREQ
        search: list[str] = []
        accurate: list[str] = []
        for word in self.tokenizer.cut(normalize(text), HMM=False):
            if len(word) > 2:
                search.extend(g for i in range(len(word) - 1) if freq.get(g := word[i:i + 2]))
            if len(word) > 3:
                search.extend(g for i in range(len(word) - 2) if freq.get(g := word[i:i + 3]))
            search.append(word)
            accurate.append(word)
        keep = self._keep
        return (tuple(t for t in (w.strip() for w in search) if keep(t)),
                tuple(t for t in (w.strip() for w in accurate) if keep(t)),
                tuple(w.strip() or " " for w in accurate if w))  # a space stays a break

    def parts(self, word: str) -> list[str]:
        """The dictionary words of two or more characters inside `word` (search-mode parts)."""
        return [p for p in self.tokenizer.cut_for_search(word, HMM=False) if len(p) >= 2 and p != word]

    def query(self, text: str, expansion_weight: float = 1.0) -> tuple[list[str], dict[str, float]]:
        """(the question's own words, the document terms its synonyms bring, with weights).

        A synonym brings its terms whole (外出务工人员, not also 外出, 务工, 人员), and a
        colloquial word's terms share one word's weight: 小吃店 -> 五小行业, 小餐馆, 农家乐 …
        must not outweigh the 贷款 asked about in the same question.
        """
        own = self.words(text)
        extra: dict[str, float] = {}
        for _word, means in self.colloquial_words(text).items():
            for term in means:
                if term not in own:
                    extra[term] = min(1.0, extra.get(term, 0.0) + expansion_weight / len(means))
        return own, extra

    def informativeness(self, word: str) -> float:
        """How much a word says, from its frequency in general Chinese (jieba's dictionary):
        自己, 回来, 不能 say little; 公积金, 产假 say a lot. Used to weigh a question's words
        when judging whether the document covers it, independently of the policy corpus."""
        freq = self.tokenizer.FREQ.get(word)
        if freq:
            return math.log(self.tokenizer.total / freq)
        # Not a dictionary word (多少钱, 女职工): it says what its most telling part says.
        parts = [p for p in self.tokenizer.cut_for_search(word, HMM=False) if p != word] or list(word)
        known = [self.tokenizer.FREQ[p] for p in parts if self.tokenizer.FREQ.get(p)]
        return math.log(self.tokenizer.total / min(known)) if known else self._max_info

    def colloquial_words(self, text: str) -> dict[str, tuple[str, ...]]:
        """Each colloquial word found in `text` -> the document terms it stands for."""
        return dict(self._colloquial(text))

    def _find_colloquial(self, text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        text = normalize(text)
        found: dict[str, tuple[str, ...]] = {}
        candidates = [*self._partless, *(e for ch in set(text) for e in self._by_first_char.get(ch, ()))]
        for _order, w, means in sorted(candidates):
            # 门槛+放低: every part, in any order (the parts are split once, in __init__)
            if all(p in text for p in self._parts[w]):
                found[w] = found.get(w, ()) + means
        aged = [(g.from_age, tuple(normalize(m) for m in g.means)) for g in self._aged]
        age = question_age(text) if aged else None
        for from_age, means in aged:
            if age is not None and age >= from_age and not any(means[0] in m for m in found.values()):
                # 我五十八了还能找活么: an age said in figures is what 五十多岁 says in words (a
                # synonyms.yaml group with from_age: 大龄), once: not again when words said it
                found[f"{age}岁"] = means
                break
        return tuple(found.items())
