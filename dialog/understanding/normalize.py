"""Text as the understanding step reads it.

`prepare`: what every typed message becomes before anything else looks at it — control and
zero-width characters removed (dialog.normalize.clean_text, the channels' own cleaning, done
again so that no caller can skip it), then Unicode NFKC (full-width digits, letters and
punctuation folded: ２．４ｗ → 2.4w, ？ → ?), surrounding white space stripped.

`bare`: the same without punctuation, white space and symbols (emoji), lower-case, for
comparing a message with a word list ("算了！" and "算了" are the same answer).
"""

from __future__ import annotations

import functools
import unicodedata

from dialog.normalize import clean_text

# The sentence-final particles (吧, 啊, 哩 …) are one list, eligibility/data/answer_words.yaml
# `particles`, which answers are read with too; the reader passes them in (Reader.particles:
# that list less the ones dialog/data/understanding.yaml `particles_kept` says change a
# command's meaning, 了 and 的: 停了 is not 停).


def prepare(text: str) -> str:
    """NFKC of the cleaned text, stripped; never raises."""
    return unicodedata.normalize("NFKC", clean_text(text or "")).strip()


# Remembered: the reader bares the vocabulary's own words again on every message (~55 calls a
# message, most of them the same words); benchmarks/README.md, "The lexical path's cost, again".
@functools.lru_cache(maxsize=16384)
def bare(text: str) -> str:
    """Letters, digits and CJK only, lower-case: "返回 菜单！" → "返回菜单"."""
    return "".join(ch for ch in prepare(text).lower() if _kept(ch))


def without_particles(text: str, particles: str) -> str:
    """`bare(text)` with trailing `particles` (single characters) dropped: "退出吧" → "退出"
    (never empty: a message of particles only stays as it is)."""
    plain = bare(text)
    return plain.rstrip(particles) or plain


def _kept(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in "LN"



