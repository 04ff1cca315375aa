"""Chinese word segmentation for retrieval: jieba with the policy's user dictionary.

Why a private `jieba.Tokenizer` rather than the module-level one: the bot reloads its lexicon
without a restart, and a fresh tokenizer per lexicon keeps an old dictionary from leaking
into a new one. Why `cut_for_search`: it emits a long term and its parts (创业担保贷款 ->
创业, 担保, 贷款, 创业担保贷款), so a resident's partial word still meets the document's term.

jieba's dictionary load is the main start-up cost; its cache file is kept in a per-user cache
folder (not /tmp, which some servers clear) so every start after the first is fast.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from pathlib import Path

import jieba

from knowledge.base import Lexicon

jieba.setLogLevel(logging.WARNING)

_TOKEN_OK = re.compile(r"[\w%]", re.UNICODE)
_TERM_FREQ = 200_000  # high enough that jieba keeps a policy term whole against its parts


def cache_dir() -> Path:
    base = os.environ.get("POLICYBOT_CACHE") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "policybot"


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to half-width), lower-case, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", text).strip()


class Segmenter:
    """Turns text into retrieval tokens: normalised, segmented, stopwords removed."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.tokenizer = jieba.Tokenizer()
        folder = cache_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.tokenizer.cache_file = str(folder / "jieba.cache")
        except OSError:
            pass  # read-only home: jieba falls back to its temp-folder cache
        self.tokenizer.initialize()
        for word, freq in lexicon.terms:
            self.tokenizer.add_word(normalize(word), freq or _TERM_FREQ)
        for group in lexicon.synonyms:
            for word in group.means:
                self.tokenizer.add_word(normalize(word), _TERM_FREQ)
        self.stopwords = frozenset(normalize(w) for w in lexicon.stopwords)
        self._synonyms = [
            (tuple(normalize(w) for w in g.words), tuple(normalize(m) for m in g.means)) for g in lexicon.synonyms
        ]

    def words(self, text: str) -> list[str]:
        """Segmented words of `text` (search mode), without stopwords and punctuation."""
        out = []
        for token in self.tokenizer.cut_for_search(normalize(text), HMM=False):
            token = token.strip()
            if token and token not in self.stopwords and _TOKEN_OK.search(token):
                out.append(token)
        return out

    def expansions(self, text: str) -> list[str]:
        """The document's terms for colloquial words found in `text` (substring match,
        since jieba may split a colloquial phrase like 没活干 differently each time)."""
        text = normalize(text)
        terms: list[str] = []
        for words, means in self._synonyms:
            if any(w in text for w in words):
                terms.extend(m for m in means if m not in terms)
        return terms

    def query(self, text: str) -> tuple[list[str], list[str]]:
        """(the question's own words, the extra words its synonyms bring)."""
        own = self.words(text)
        extra: list[str] = []
        for term in self.expansions(text):
            extra.extend(self.words(term))
        return own, extra
