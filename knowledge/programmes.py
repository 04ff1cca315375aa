"""Names of programmes, benefits and procedures the documents do not have (issue 13).

Residents often ask about another department's programme in the plan's own words: 育儿补贴,
农机购置补贴, 生育津贴, 用工备案, 职称评审. The staff list (lexicon/out_of_scope.yaml) catches
the names someone wrote down; this catches the *kind*: a name that ends in a programme head
(lexicon/programmes.yaml: 补贴, 补助, 津贴, 贷款, 计划, 认定, 备案 …) whose qualifier (育儿, 购置,
生育, 用工) no document, FAQ entry or lexicon entry uses, or a procedure head no document uses
(备案, 年检). The documents' own names (一次性创业补贴, 技能提升补贴, 创业担保贷款) and the words
residents use for them (synonyms.yaml: 饭钱 -> 生活费补贴) are known, so they never fire.

Measured by benchmarks/measure_programmes.py (numbers in benchmarks/README.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.segmentation import Segmenter, cache_dir, normalize

_CJK = re.compile(r"[\u4e00-\u9fff]")
# A number, a count or a time is not a programme's qualifier: 2022年 的补贴, 三个月的补贴; nor
# which or how many kinds (哪几种补贴, 各种补贴, 这个补贴). 两项补贴 is a name, though — 两项 stays
# a word to look up (it is not a bare number).
_NUMBERISH = re.compile(r"(?:[哪这那各每][\d一二三四五六七八九十百千万两几半]*|(?:[\d一二三四五六七八九十百千万两几半]|大半|多半|小半)+)"
                        r"[年月日号天个岁块元次回批期种样类笔份张家]*")
_DONE = frozenset({"了", "过", "掉", "完"})  # a procedure that happened (注销了) is not asked about
_VERB_COMPLEMENT = "给到"  # 奖给, 发给, 借到: a verb with its result, not a programme's qualifier
_JUDGED = frozenset({"认定", "认证", "鉴定", "评审", "评定", "复审"})  # heads that also describe (…认定的基地)
_NEAR = 5  # characters after a certificate in which a handling word asks about it (在阿达办)
# Saying one has a certificate: 拿着毕业证, 带身份证, 有残疾证, 用营业执照, 凭…, 持…
_HOLDING = ("有", "拿着", "拿", "带着", "带", "用", "凭", "持", "是")
# said right after a certificate: it is had already (残疾证办下来了 想找个工作), not asked how to get
_HAD = ("办下来", "办好了", "办好的", "已经办", "早就办", "拿到了", "拿下来", "下来了", "批下来", "到手了")
_TIME = re.compile(r"[今去前明后当往早]年|[上下这本]个?月|以前|现在|目前|最近|过去")


# A brand is a word rare in general Chinese (jieba's dictionary: 巾帼 14.4, 惠农 16.6, 建行 13.4),
# not a common one that happens to stand before the name (另外 9.5, 还有 8.9, 妇女 10.1) — the same
# bar as a rare topic word's (answer.py AnswerSettings.unknown_topic_info).
BRAND_INFO = 11.0
_PRODUCT_HEAD = "贷"  # 巾帼创业贷, 富农贷: the short name banks and offices give a loan product
_PEOPLE = ("人", "户", "员", "生", "工", "者", "军")  # 退伍军人, 搬迁户: who, not a brand


@dataclass(frozen=True)
class ProgrammeName:
    """A name found in a question: `name` as typed (育儿补贴), its `head` (补贴) and the
    `qualifier` (育儿) no document uses."""

    name: str
    head: str
    qualifier: str
    certificate: bool = False

    @property
    def topic(self) -> str:
        """What the refusal names: 育儿补贴 (…方面的问题), 办残疾证 for a certificate."""
        return f"办{self.name}" if self.certificate else self.name


class ProgrammeNames:
    """Finds names of programmes and procedures the knowledge base does not know.

    `vocabulary`: every word of the clauses (title, section title, body), the FAQ entries
    (phrasings and answers) and the lexicon (terms, synonyms both ways, audiences' words,
    everyday things) — segmented like questions are. `texts`: the clauses' and FAQ entries'
    (answers and phrasings) normalised text, for names the segmenter splits differently. Built once per knowledge base
    (a reload builds a new one)."""

    def __init__(self, kb: KnowledgeBase, segmenter: Segmenter) -> None:
        self.segmenter = segmenter
        heads = [normalize(h) for h in kb.lexicon.programme_heads]
        self.heads = tuple(sorted(dict.fromkeys(h for h in heads if h), key=lambda w: (-len(w), w)))
        self.procedures = frozenset(normalize(h) for h in kb.lexicon.procedure_heads)
        texts: list[str] = []
        for clause in kb.clauses.values():
            texts += [clause.title, clause.section_title, clause.body]
        for entry in kb.faq:
            texts += [entry.answer, *entry.questions]
        lex = kb.lexicon
        words: list[str] = [t for t, _ in lex.terms]
        for group in lex.synonyms:
            words += [*group.word_parts, *group.means]
        for audience in lex.audiences:
            words += list(audience.words)
        words += list(lex.everyday)
        # residents' words for people and the area's places (asking.yaml filler, places.yaml
        # home): 女娃创业贷款, 东乡创业贷款 name who or where, not another product
        words += [*kb.asking.filler, *lex.places.home]
        self.texts = tuple(normalize(t) for t in texts)
        # The documents' own certificates (职业资格证书) and residents' words for them (焊工证):
        # asking how to get one is a question about the skills subsidy's condition, not refused.
        self.certificates = tuple(sorted((normalize(c) for c in lex.certificate_heads if c), key=lambda w: (-len(w), w)))
        self.handling = tuple(normalize(h) for h in lex.certificate_handling if h)
        clause_text = "".join(normalize(c.text) for c in kb.clauses.values())
        self._own_certificates = frozenset(
            normalize(w) for g in lex.synonyms if any(any(c in m for c in self.certificates) and m in clause_text
                                                      for m in map(normalize, g.means))
            for w in g.words)
        self._clause_text = clause_text
        vocabulary: set[str] = set()
        for text in [*texts, *words]:
            vocabulary.update(segmenter.words(text))
            vocabulary.update(segmenter.content_words(text))
        vocabulary.update(normalize(w) for w in words)
        self.vocabulary = frozenset(vocabulary)
        self._colloquial = tuple(normalize(w) for g in lex.synonyms for w in g.word_parts if len(w) >= 2)
        self._verbs = _verbs(str(getattr(segmenter.tokenizer, "dictionary", "") or ""))

    def _is_verb(self, word: str) -> bool:
        """Whether jieba's dictionary tags `word` as a verb (v, not the verbal noun vn): 帮办,
        购置, 改造; or it is a one-character verb with its complement (奖给, 借到: 奖给贷款的人)."""
        return word in self._verbs or (len(word) == 2 and word[1] in _VERB_COMPLEMENT)

    def known(self, word: str) -> bool:
        """Whether a document, an FAQ entry or the lexicon uses `word` (or all of its
        dictionary parts: 小额 + 贷款), or `word` is a number, count or time."""
        if (word in self.vocabulary or _NUMBERISH.fullmatch(word) or _TIME.fullmatch(word)
                or not _CJK.search(word)):
            return True
        if any(word in c for c in self._colloquial):
            return True  # part of a resident's word for a document term (饭钱 in 饭钱补助)
        parts = self.segmenter.parts(word)
        return bool(parts) and all(p in self.vocabulary for p in parts)

    def _in_texts(self, name: str) -> bool:
        return any(name in t for t in self.texts)

    def find(self, question: str) -> ProgrammeName | None:
        """The first name in `question` the knowledge base does not know, or None.

        A name is a token ending in a programme head (育儿补贴 as one token, or 育儿 + 补贴)
        whose qualifier — the rest of the token, else the word just before — is unknown
        (`known`) and at least two characters (学费, 车费 are not names), and the whole name
        appears in no clause or FAQ text; or such a name with a brand in front (`_branded`:
        巾帼创业贷); or a procedure head no document uses (备案)."""
        tokens = self.segmenter.tokens(question)
        stop = self.segmenter.stopwords
        certificate = self._certificate(tokens)
        if certificate is not None:
            return certificate
        for i, token in enumerate(tokens):
            follows = tokens[i + 1] if i + 1 < len(tokens) else ""
            if token in self.procedures and not self.known(token) and follows not in _DONE:
                # 公司注销了 稳岗补贴还给不: a fact about the firm, not the procedure asked about
                before = tokens[i - 1] if i > 0 else ""
                if len(before) >= 2 and before not in stop and _CJK.search(before) and not self._is_verb(before):
                    return ProgrammeName(before + token, token, before)  # 用工 + 备案
                return ProgrammeName(token, token, "")
            head = next((h for h in self.heads if token.endswith(h)), None)
            if head is None:
                continue
            if head in _JUDGED and follows == "的":
                continue  # 县级认定的孵化示范基地: 认定 describes the base asked about, not a procedure asked
            qualifier, name = token[:-len(head)], token
            if not qualifier and i > 0:
                qualifier, name = tokens[i - 1], tokens[i - 1] + token
                # A verb before the head is its action (能帮办贷款不, 想申请补贴), unless a noun
                # comes first and makes it part of a name (农机购置补贴, 危房改造补助).
                if self._is_verb(qualifier):
                    before = tokens[i - 2] if i > 1 else ""
                    if len(before) < 2 or before in stop or not _CJK.search(before):
                        continue
                    name = before + name
            if (len(qualifier) >= 2 and qualifier not in stop and not self.known(qualifier)
                    and not self._in_texts(name)):
                return ProgrammeName(name, head, qualifier)
            branded = self._branded(tokens, i - (token == head), head, qualifier, name)
            if branded is not None:
                return branded
        return None

    def _branded(self, tokens: list[str], start: int, head: str, qualifier: str, name: str) -> ProgrammeName | None:
        """巾帼创业贷: a brand in front of the document's own words (the qualifier 创业 is known)
        names another office's or bank's product. `start` is where the name's tokens begin; the
        brand is the token before. Only a product's short name (…贷) counts — 退伍军人创业贷款 is
        the document's loan asked for a kind of person — and the brand must be an unknown word,
        rare in general Chinese (BRAND_INFO), and no person (…人, …户)."""
        brand = tokens[start - 1] if start > 0 else ""
        if head != _PRODUCT_HEAD or not self._word_like(qualifier) or not self._word_like(brand):
            return None
        if (brand.endswith(_PEOPLE) or self.known(brand) or self._in_texts(brand + name)
                or self.segmenter.informativeness(brand) < BRAND_INFO):
            return None
        return ProgrammeName(brand + name, head, brand)

    def _word_like(self, token: str) -> bool:
        """A content word that may be part of a name: 2+ characters, Chinese, no stopword, no verb."""
        return (len(token) >= 2 and token not in self.segmenter.stopwords and bool(_CJK.search(token))
                and not self._is_verb(token))

    def _certificate(self, tokens: list[str]) -> ProgrammeName | None:
        """A certificate the documents do not issue (残疾证, 营业执照, 结婚证 — not 职业资格证书 nor
        a resident's word for it, 焊工证, nor the card of a registration the documents cover,
        失业证 for 失业登记), asked how to get, replace or renew: a `handling` word right after
        it (残疾证咋办, 营业执照在哪办, 身份证丢了) or right before it (补办就业创业证). Having one
        is not asking (拿着毕业证能办见习不, 带身份证去办吗), nor is 这个证 a name."""
        for i, token in enumerate(tokens):
            end = next((c for c in self.certificates if token.endswith(c)), None)
            if end is None or token in self._own_certificates:
                continue  # 电焊 + 考证: 考证 is the residents' word for the documents' own certificates
            start = i
            if token == end and i > 0 and _CJK.search(tokens[i - 1]) and tokens[i - 1] not in self.segmenter.stopwords:
                token, start = tokens[i - 1] + token, i - 1  # 残疾 + 证: the segmenter split the name
            if (start > 0 and len(tokens[start - 1]) >= 2 and _CJK.search(tokens[start - 1])
                    and tokens[start - 1] not in self.segmenter.stopwords
                    and not any(h in tokens[start - 1] for h in self.handling)):
                token, start = tokens[start - 1] + token, start - 1  # 就业 + 创业证
            qualifier = token[:-len(end)]
            if len(qualifier) < 2 or qualifier in self.segmenter.stopwords:
                continue  # 证 alone, 这个证: no certificate named
            if (token in self._clause_text or token in self._own_certificates
                    or self._registered(qualifier)):
                continue
            before = "".join(tokens[max(0, start - 2):start])
            after = "".join(tokens[i + 1:])[:_NEAR]
            if before.endswith(_HOLDING) or "".join(tokens[i + 1:]).startswith(_HAD):
                continue
            if any(h in after for h in self.handling) or any(before.endswith(h) for h in self.handling):
                return ProgrammeName(token, end, qualifier, certificate=True)
        return None

    def _registered(self, qualifier: str) -> bool:
        """Whether the certificate is the card of a registration a clause speaks of: 失业证,
        就业失业登记证 -> 失业登记 (第九条第（三）项)."""
        registration = qualifier if qualifier.endswith("登记") else f"{qualifier}登记"
        return any(registration[k:] in self._clause_text for k in range(len(registration) - 3))

    def unknown_in(self, phrasings: Iterable[str]) -> list[tuple[str, ProgrammeName]]:
        """The phrasings (FAQ questions, in-scope training questions) in which `find` finds a
        name: each would be refused, so `policybot check` reports them to staff."""
        return [(p, found) for p in phrasings if (found := self.find(p)) is not None]


@lru_cache(maxsize=4)
def _verbs(dictionary: str) -> frozenset[str]:
    """The words jieba's dictionary file (`word freq tag` lines) tags `v`: ~15,000 of the
    compact dictionary's 137,000, ~1.5 MB. Read once per file, and the list kept in the cache
    folder beside the compact dictionary (`<stem>.verbs.txt`, remade when the dictionary is
    newer): reading the 137,000 lines took ~80 ms of every start, the list takes ~5 ms.
    (jieba.posseg would give the same tags but loads its HMM tables: +64 MB resident, measured
    with bench_http.)"""
    if not dictionary:
        return frozenset()
    source = Path(dictionary)
    saved = cache_dir() / f"{source.stem}.verbs.txt"
    try:
        if saved.stat().st_mtime >= source.stat().st_mtime:
            return frozenset(saved.read_text(encoding="utf-8").split())
    except OSError:
        pass  # not made yet (or unreadable): read the dictionary
    verbs: set[str] = set()
    try:
        with source.open(encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[2] == "v":
                    verbs.add(parts[0])
    except OSError:
        return frozenset()  # no tags: no word is a verb, so a verb before a head may read as a qualifier
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)
        tmp = saved.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(sorted(verbs)), encoding="utf-8")
        os.replace(tmp, saved)
    except OSError:
        pass  # read-only cache: read the dictionary again next start
    return frozenset(verbs)
