"""The knowledge base: every document's clauses, the staff FAQ and the lexicon, validated.

`load_knowledge()` reads the YAML under a data folder and returns the knowledge base together
with every problem found, each as `file:line: message`. Callers decide what a problem means:
`policybot check` prints them and exits non-zero; the bot refuses to start with them; a live
reload keeps the previous knowledge base.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.asking import AskingRules, load_asking
from knowledge.benefits import Benefit, load_benefits
from knowledge.documents import SEED_DOCUMENT_ID, Clause, Document, read_document
from knowledge.yamlsource import LineDict, LineList, Problem, check_fields, load_yaml

PACKAGE_DATA = Path(__file__).parent / "data"


def default_data_dir() -> Path:
    """The data folder: $POLICYBOT_DATA when set (a staff copy), else the shipped one."""
    return Path(os.environ.get("POLICYBOT_DATA") or PACKAGE_DATA)


def display_path(path: Path) -> str:
    """A path as staff should see it in messages: relative to the working folder if inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class FaqEntry:
    id: str
    questions: tuple[str, ...]
    answer: str
    clauses: tuple[str, ...]
    tags: tuple[str, ...] = ()
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class SynonymGroup:
    """Colloquial `words`; a question containing one also searches for `means`. A word "a+b"
    counts when both parts are in the question, in any order (门槛+放低). `from_age` (years):
    an age said in figures of at least this (我五十八了) counts as one of the words, once."""

    words: tuple[str, ...]
    means: tuple[str, ...]
    from_age: int | None = None

    @property
    def word_parts(self) -> tuple[str, ...]:
        """Every word with its "a+b" parts taken apart, each of 2+ characters (the 补 of 开店+补
        is no word of its own): the strings a question may contain, for vocabularies."""
        return tuple(p for w in self.words for p in w.split("+") if len(p) >= 2 or "+" not in w)


@dataclass(frozen=True)
class OutOfScopeTopic:
    """A topic residents ask about that the document does not cover (退休, 公积金, 产假 …)."""

    topic: str
    words: tuple[str, ...]
    # A question with one of these is about what the document does give, not this topic:
    # 考证给的补助多钱 asks for 第三条第（四）项's 补贴, not the exam fee.
    unless: tuple[str, ...] = ()
    # Money the matter itself asks for (a platform's shop deposit): the caution against paying
    # for the document's policies (asking.yaml `caution`) is not said with this refusal.
    own_fees: bool = False


@dataclass(frozen=True)
class PlaceNames:
    """lexicon/places.yaml (knowledge/places.py): the names of places in the document's area
    (`home`, never taken for another place), of places outside it (`elsewhere`), the words for
    "there" (`near`), the policy words, the characters that make a place where the person is
    (`person`), and the words after which a policy word names a body (`institutions`)."""

    home: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    policy: tuple[str, ...] = ()
    person: tuple[str, ...] = ()
    institutions: tuple[str, ...] = ()  # 兰州的培训学校: a policy word then one of these names a body
    year_policy: tuple[str, ...] = ()  # words of a year's rules (2018年的稳岗返还), for OtherTimes
    here: tuple[str, ...] = ()  # 咱这, 我们临夏: asking about the area itself, after another place's


@dataclass(frozen=True)
class Audience:
    """Who a question is about (lexicon/audiences.yaml): a question with one of `words` (and
    none of `unless`) is about this kind of person; the clauses in `not_for` are written for
    someone else (3.4, for insured workers in a job, when the question is about someone out of
    work) and those in `for_` for exactly this person (3.3, training for the unemployed).

    `axis` groups the kinds of person that exclude each other: "status" (out of work vs in a
    job) and "beneficiary" (a company asking about what the company gets, 第四条 稳岗返还, vs a
    person asking about their own benefit, 第九条（三） 失业保险金). Each axis is judged on its
    own: on one axis exactly one kind must be named for the ranking to change."""

    who: str
    words: tuple[str, ...]
    not_for: tuple[str, ...]
    unless: tuple[str, ...] = ()
    for_: tuple[str, ...] = ()
    axis: str = "status"

    def named_in(self, text: str) -> bool:
        """Whether `text` names this kind of person: one of `words` ("a+b": both a and b, in any
        order) and none of `unless`."""
        return (any(all(p in text for p in w.split("+")) for w in self.words)
                and not any(u in text for u in self.unless))


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[tuple[str, int | None], ...] = ()  # (word, frequency or None)
    synonyms: tuple[SynonymGroup, ...] = ()
    stopwords: frozenset[str] = frozenset()
    out_of_scope: tuple[OutOfScopeTopic, ...] = ()
    audiences: tuple[Audience, ...] = ()
    typos: tuple[tuple[str, str], ...] = ()  # (wrong, right), longest wrong first (lexicon/typos.yaml)
    # Everyday things residents name as context (lexicon/everyday.yaml): neither covered nor
    # uncovered when judging whether the document covers a question.
    everyday: frozenset[str] = frozenset()
    # How names of programmes and procedures end (lexicon/programmes.yaml): 补贴, 贷款, 计划 …
    # (a name ending so with a qualifier no document uses is another department's programme),
    # and procedure words that are names by themselves (备案, 年检) — knowledge/programmes.py.
    programme_heads: tuple[str, ...] = ()
    procedure_heads: tuple[str, ...] = ()
    # Certificates (证, 执照) the documents do not issue, asked how to get or replace (办, 补办).
    certificate_heads: tuple[str, ...] = ()
    certificate_handling: tuple[str, ...] = ()
    # Places outside the document's area (lexicon/places.yaml): 甘南州的创业贷款 asks another
    # place's policy — knowledge/places.py.
    places: PlaceNames = field(default_factory=PlaceNames)

    def fix_typos(self, text: str) -> str:
        """`text` with each typo of lexicon/typos.yaml replaced by the right spelling (补帖 -> 补贴).
        A spelling in Latin letters (zf for 政府, bt for 补贴) counts only as a word of its own, in
        any case: not inside another Latin word (debt)."""
        for wrong, right in self.typos:
            if wrong.isascii():
                if wrong in text.lower():
                    text = re.sub(rf"(?<![a-z]){re.escape(wrong)}(?![a-z])", right, text, flags=re.IGNORECASE)
            elif wrong in text:
                text = text.replace(wrong, right)
        return text


@dataclass
class KnowledgeBase:
    documents: dict[str, Document]
    faq: list[FaqEntry]
    lexicon: Lexicon
    data_dir: Path | None = None
    clauses: dict[str, Clause] = field(default_factory=dict)
    asking: AskingRules = field(default_factory=AskingRules)  # asking.yaml: question kinds
    benefits: tuple[Benefit, ...] = ()  # benefits.yaml: what each clause gives, in plain words

    def __post_init__(self) -> None:
        if not self.clauses:
            self.clauses = {c.id: c for d in self.documents.values() for c in d.clauses}
        self._benefits_by_clause: dict[str, list[Benefit]] = {}
        for b in self.benefits:
            self._benefits_by_clause.setdefault(b.clause, []).append(b)

    def benefits_of(self, clause_id: str) -> list[Benefit]:
        """The benefits staff described for a clause (benefits.yaml), in file order."""
        return self._benefits_by_clause.get(clause_id, [])

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id; KeyError names the id when it does not exist."""
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise KeyError(f"unknown clause id {clause_id!r}") from None

    def document_of(self, clause: Clause) -> Document:
        return self.documents[clause.document_id]

    @property
    def seed(self) -> Document:
        return self.documents.get(SEED_DOCUMENT_ID) or next(iter(self.documents.values()))


class InvalidKnowledge(Exception):
    """Raised by `load_knowledge_or_raise` with every problem, for start-up and reload."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def normalize_question(text: str) -> str:
    """A phrasing reduced for duplicate detection: NFKC, no spaces or punctuation."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "Z", "S")) and not ch.isspace())


def load_knowledge(data_dir: Path | None = None) -> tuple[KnowledgeBase, list[Problem]]:
    data_dir = data_dir or default_data_dir()
    problems: list[Problem] = []
    documents: dict[str, Document] = {}
    doc_dir = data_dir / "documents"
    doc_files = sorted(doc_dir.glob("*.yaml")) if doc_dir.is_dir() else []
    if not doc_files:
        problems.append(Problem(display_path(doc_dir), 0, "没有找到政策文件的 YAML：先用 `policybot import 文件.txt` 导入"))
    for path in doc_files:
        doc, found = read_document(path, display_path(path))
        problems += found
        if doc is None:
            continue
        if doc.id in documents:
            problems.append(Problem(display_path(path), 1, f"文件编号“{doc.id}”和 {documents[doc.id].path} 的重复了"))
            continue
        documents[doc.id] = doc
    clause_ids = {c.id for d in documents.values() for c in d.clauses}
    faq = _load_faq(data_dir / "faq", clause_ids, problems)
    lexicon = _load_lexicon(data_dir / "lexicon", problems)
    asking, found = load_asking(data_dir / "asking.yaml", display_path(data_dir / "asking.yaml"))
    problems += found
    clauses = {c.id: c for d in documents.values() for c in d.clauses}
    texts = {d.id: "\n".join(c.text for c in d.clauses) for d in documents.values()}
    benefits, found = load_benefits(data_dir / "benefits.yaml", display_path(data_dir / "benefits.yaml"), clauses, texts)
    problems += found
    kb = KnowledgeBase(documents, faq, lexicon, data_dir, clauses, asking, benefits)
    return kb, sorted(set(problems), key=_problem_order)


def load_knowledge_or_raise(data_dir: Path | None = None) -> KnowledgeBase:
    kb, problems = load_knowledge(data_dir)
    if problems:
        raise InvalidKnowledge(problems)
    return kb


def _problem_order(p: Problem) -> tuple[str, int, str]:
    return (p.file, p.line, p.message)


# ---------------------------------------------------------------- FAQ

_FAQ_REQUIRED = {"id": str, "questions": list, "answer": str, "clauses": list}
_FAQ_OPTIONAL = {"tags": list}
_FAQ_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _load_faq(faq_dir: Path, clause_ids: set[str], problems: list[Problem]) -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    ids: dict[str, str] = {}
    phrasings: dict[str, str] = {}
    files = sorted(faq_dir.glob("*.yaml")) if faq_dir.is_dir() else []
    for path in files:
        name = display_path(path)
        data, found = load_yaml(path, name)
        problems += found
        if data is None:
            continue
        if not isinstance(data, LineList):
            problems.append(Problem(name, getattr(data, "line", 1), "常见问答文件应该是一条一条“- id: …”开头的列表"))
            continue
        for i, item in enumerate(data):
            line = data.line_of(i)
            if not isinstance(item, LineDict):
                problems.append(Problem(name, line, "每条常见问答都要写 id、questions、answer、clauses 这几项"))
                continue
            entry_problems = check_fields(item, name, required=_FAQ_REQUIRED, optional=_FAQ_OPTIONAL, what="这条常见问答")
            problems += entry_problems
            if entry_problems:
                continue
            entry_id = item["id"]
            if not _FAQ_ID.match(entry_id):
                problems.append(Problem(name, item.line_of("id"), f"编号“{entry_id}”只能用小写英文字母、数字和“-”"))
            if entry_id in ids:
                problems.append(Problem(name, item.line_of("id"), f"编号“{entry_id}”重复了（另一条在 {ids[entry_id]}）"))
                continue
            ids[entry_id] = f"{name}:{item.line_of('id')}"
            questions = _string_list(item, "questions", name, problems)
            if not questions:
                problems.append(Problem(name, item.line_of("questions"), f"“{entry_id}”没有写问法（questions）"))
            qlist: LineList = item["questions"]
            for qi, question in enumerate(qlist):
                if not isinstance(question, str):
                    continue
                key = normalize_question(question)
                where = f"{name}:{qlist.line_of(qi)}"
                if key in phrasings:
                    problems.append(Problem(name, qlist.line_of(qi), f"问法“{question}”重复了（另一处在 {phrasings[key]}）"))
                else:
                    phrasings[key] = where
            if not item["answer"].strip():
                problems.append(Problem(name, item.line_of("answer"), f"“{entry_id}”的回答（answer）是空的"))
            cited = _string_list(item, "clauses", name, problems, allow_numbers=True)
            if not cited:
                problems.append(Problem(name, item.line_of("clauses"), f"“{entry_id}”没有写依据的条款（clauses）"))
            for cid in cited:
                if cid not in clause_ids:
                    problems.append(Problem(name, item.line_of("clauses"), f"“{entry_id}”引用的条款编号“{cid}”在文件里没有（可用的编号见文件开头的说明）"))
            tags = _string_list(item, "tags", name, problems) if "tags" in item else []
            entries.append(
                FaqEntry(entry_id, tuple(questions), item["answer"].strip(), tuple(cited), tuple(tags), name, item.line)
            )
    return entries


def _string_list(item: LineDict, key: str, name: str, problems: list[Problem], *, allow_numbers: bool = False) -> list[str]:
    """The strings of a list field; other items are reported. Numbers are accepted as ids
    when allowed, since staff often write `clauses: [6]` for clause "6"."""
    out: list[str] = []
    values = item.get(key) or []
    for i, value in enumerate(values):
        if isinstance(value, str) and value.strip():
            out.append(value.strip())
        elif allow_numbers and isinstance(value, int | float) and not isinstance(value, bool):
            out.append(_number_as_id(value))
        else:
            line = values.line_of(i) if isinstance(values, LineList) else item.line_of(key)
            problems.append(Problem(name, line, f"{key} 里的“{value}”应该是文字，而且不能是空的"))
    return out


def _number_as_id(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------- lexicon


def _load_lexicon(lex_dir: Path, problems: list[Problem]) -> Lexicon:
    terms: list[tuple[str, int | None]] = []
    synonyms: list[SynonymGroup] = []
    stopwords: set[str] = set()

    data, name = _lexicon_file(lex_dir / "terms.yaml", "terms", problems)
    for i, item in enumerate(data):
        if isinstance(item, str) and item.strip():
            terms.append((item.strip(), None))
        elif isinstance(item, LineDict):
            problems += check_fields(item, name, required={"word": str}, optional={"freq": int}, what="词条")
            if isinstance(item.get("word"), str):
                terms.append((item["word"].strip(), item.get("freq") if isinstance(item.get("freq"), int) else None))
        else:
            problems.append(Problem(name, data.line_of(i), f"词“{item}”应该是文字，或者写成 {{word: 词, freq: 次数}}"))

    data, name = _lexicon_file(lex_dir / "synonyms.yaml", "synonyms", problems)
    for item in _entries(data, name, {"words": list, "means": list}, "同义词组", problems,
                         optional={"from_age": int}):
        words = _string_list(item, "words", name, problems)
        means = _string_list(item, "means", name, problems)
        if not words or not means:
            problems.append(Problem(name, item.line, "同义词组至少要有一个说法（words）和一个意思（means）"))
            continue
        from_age = item.get("from_age")
        if from_age is not None and not 16 <= from_age <= 100:
            problems.append(Problem(name, item.line_of("from_age"), f"from_age 是岁数（16到100之间），现在写的是 {from_age}"))
            from_age = None
        synonyms.append(SynonymGroup(tuple(words), tuple(means), from_age))

    data, name = _lexicon_file(lex_dir / "stopwords.yaml", "stopwords", problems)
    for i, item in enumerate(data):
        if isinstance(item, str) and item.strip():
            stopwords.add(item.strip())
        else:
            problems.append(Problem(name, data.line_of(i), f"停用词“{item}”应该是文字"))
    topics: list[OutOfScopeTopic] = []
    data, name = _lexicon_file(lex_dir / "out_of_scope.yaml", "out_of_scope", problems)
    for item in _entries(data, name, {"topic": str, "words": list}, "范围外话题", problems,
                         optional={"unless": list, "own_fees": bool}):
        words = _string_list(item, "words", name, problems)
        if not words:
            problems.append(Problem(name, item.line_of("words"), f"话题“{item['topic']}”没有写词（words）"))
            continue
        unless = _string_list(item, "unless", name, problems) if "unless" in item else []
        topics.append(OutOfScopeTopic(item["topic"].strip(), tuple(words), tuple(unless),
                                      own_fees=bool(item.get("own_fees", False))))
    audiences: list[Audience] = []
    data, name = _lexicon_file(lex_dir / "audiences.yaml", "audiences", problems)
    for item in _entries(data, name, {"who": str, "words": list, "not_for": list}, "人群", problems,
                         optional={"unless": list, "for": list, "axis": str}):
        words = _string_list(item, "words", name, problems)
        not_for = _string_list(item, "not_for", name, problems, allow_numbers=True)
        unless = _string_list(item, "unless", name, problems)
        for_ = _string_list(item, "for", name, problems, allow_numbers=True)
        if not words or not not_for:
            problems.append(Problem(name, item.line, f"人群“{item['who']}”要写说法（words）和条款编号（not_for）"))
            continue
        axis = str(item.get("axis") or "status").strip() or "status"
        audiences.append(Audience(item["who"].strip(), tuple(words), tuple(not_for), tuple(unless), tuple(for_),
                                  axis))
    typos: list[tuple[str, str]] = []
    data, name = _lexicon_file(lex_dir / "typos.yaml", "typos", problems)
    for item in _entries(data, name, {"right": str, "wrong": list}, "错别字组", problems):
        wrong = _string_list(item, "wrong", name, problems)
        if not item["right"].strip() or not wrong:
            problems.append(Problem(name, item.line, "错别字组要写正确的写法（right）和打错的写法（wrong）"))
            continue
        typos += [(w.lower() if w.isascii() else w, item["right"].strip()) for w in wrong]
    typos.sort(key=lambda pair: -len(pair[0]))
    everyday: set[str] = set()
    data, name = _lexicon_file(lex_dir / "everyday.yaml", "everyday", problems)
    for item in _entries(data, name, {"kind": str, "words": list}, "日常说法组", problems):
        words = _string_list(item, "words", name, problems)
        if not words:
            problems.append(Problem(name, item.line, f"“{item['kind']}”没有写词（words）"))
        everyday.update(words)
    heads, procedures, certificates, handling = _programme_names(lex_dir / "programmes.yaml", problems)
    places = _place_names(lex_dir / "places.yaml", problems)
    return Lexicon(tuple(terms), tuple(synonyms), frozenset(stopwords), tuple(topics), tuple(audiences),
                   tuple(typos), frozenset(everyday), heads, procedures, certificates, handling, places)


def _place_names(path: Path, problems: list[Problem]) -> PlaceNames:
    """lexicon/places.yaml (see knowledge/places.py). A missing file is allowed (no place is
    told apart)."""
    name = display_path(path)
    if not path.exists():
        return PlaceNames()
    data, found = load_yaml(path, name)
    problems += found
    if not isinstance(data, LineDict):
        if data is not None:
            problems.append(Problem(name, getattr(data, "line", 1), "文件里应该有 elsewhere、policy 等项"))
        return PlaceNames()
    lists = ("home", "elsewhere", "near", "policy", "person", "institutions", "year_policy", "here")
    problems += check_fields(data, name, required={"elsewhere": list, "policy": list},
                             optional={"home": list, "near": list, "person": list, "institutions": list,
                                       "year_policy": list, "here": list}, what=path.name)
    values = {key: tuple(_string_list(data, key, name, problems)) if isinstance(data.get(key), list) else ()
              for key in lists}
    return PlaceNames(**values)


def _programme_names(path: Path, problems: list[Problem]) -> tuple[tuple[str, ...], ...]:
    """lexicon/programmes.yaml: (name endings, procedure names, certificate endings, handling
    words) — see knowledge/programmes.py. A missing file is allowed (nothing is found)."""
    name = display_path(path)
    if not path.exists():
        return (), (), (), ()
    data, found = load_yaml(path, name)
    problems += found
    if not isinstance(data, LineDict):
        if data is not None:
            problems.append(Problem(name, getattr(data, "line", 1), "文件里应该有“programmes:”这一项"))
        return (), (), (), ()
    problems += check_fields(data, name, required={"programmes": list}, optional={"certificates": dict},
                             what=path.name)
    heads: list[str] = []
    procedures: list[str] = []
    entries = data.get("programmes") if isinstance(data.get("programmes"), LineList) else LineList()
    for item in _entries(entries, name, {"kind": str}, "名称结尾组", problems,
                         optional={"ends": list, "whole": list}):
        ends = _string_list(item, "ends", name, problems)
        whole = _string_list(item, "whole", name, problems)
        if not ends and not whole:
            problems.append(Problem(name, item.line, f"“{item['kind']}”要写名称的结尾（ends）或办事名称（whole）"))
        heads += ends
        procedures += whole
    certificates: list[str] = []
    handling: list[str] = []
    block = data.get("certificates")
    if isinstance(block, LineDict):
        problems += check_fields(block, name, required={"ends": list, "handling": list}, what="证件（certificates）")
        certificates = _string_list(block, "ends", name, problems)
        handling = _string_list(block, "handling", name, problems)
    return tuple(heads), tuple(procedures), tuple(certificates), tuple(handling)


def _entries(data: LineList, name: str, required: dict[str, type], what: str, problems: list[Problem],
             optional: dict[str, type] | None = None):
    """The mappings of a lexicon list that have the required fields; others are reported."""
    for i, item in enumerate(data):
        if not isinstance(item, LineDict):
            problems.append(Problem(name, data.line_of(i), f"每个{what}都要写 {'、'.join(required)}"))
            continue
        found = check_fields(item, name, required=required, optional=optional, what=what)
        problems += found
        if not found:
            yield item


def _lexicon_file(path: Path, key: str, problems: list[Problem]) -> tuple[LineList, str]:
    """The list under `key` in a lexicon file; a missing file is allowed (empty list)."""
    name = display_path(path)
    if not path.exists():
        return LineList(), name
    data, found = load_yaml(path, name)
    problems += found
    if data is None:
        return LineList(), name
    if not isinstance(data, LineDict) or key not in data:
        problems.append(Problem(name, getattr(data, "line", 1), f"文件里应该有“{key}:”这一项"))
        return LineList(), name
    problems += check_fields(data, name, required={key: list}, what=f"{path.name}")
    value = data.get(key)
    return (value if isinstance(value, LineList) else LineList()), name
