"""Everything the rules read besides the answers: the knowledge base, the parameters and the
staff content, loaded and validated once.

Sentences quoted by conditions are looked up here, by clause id and a distinctive fragment,
so that a rule's citation is always the document's own words.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from eligibility.parameters import Parameters, load_parameters
from eligibility.staffdata import (
    AnswerWords,
    Contacts,
    Procedure,
    load_answer_words,
    load_contacts,
    load_procedures,
)
from knowledge.base import KnowledgeBase, display_path, load_knowledge_or_raise
from knowledge.yamlsource import Problem

PACKAGE_DATA = Path(__file__).parent / "data"


def default_data_dir() -> Path:
    """$POLICYBOT_ELIGIBILITY_DATA when set (a staff copy), else the shipped eligibility/data."""
    return Path(os.environ.get("POLICYBOT_ELIGIBILITY_DATA") or PACKAGE_DATA)


class InvalidEligibilityData(Exception):
    """The eligibility YAML has problems; `.problems` lists them as file:line: message."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass
class Context:
    kb: KnowledgeBase
    params: Parameters
    procedures: dict[str, Procedure]
    contacts: Contacts
    answer_words: AnswerWords = field(default_factory=AnswerWords)  # how residents say answers
    # Results quote the same sentences and list the same contacts turn after turn; a reload
    # builds a new Context, so these memos never outlive the data they were computed from.
    _sentences: dict[tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def sentence(self, clause_id: str, fragment: str) -> str:
        key = (clause_id, fragment)
        found = self._sentences.get(key)
        if found is None:
            found = self._sentences[key] = find_sentence(self.kb, clause_id, fragment)
        return found


def find_sentence(kb: KnowledgeBase, clause_id: str, fragment: str) -> str:
    """The one sentence of the clause containing `fragment`; ValueError when none or several."""
    clause = kb.clause(clause_id)
    hits = [s for s in clause.sentences if fragment in s]
    if len(hits) != 1:
        what = "no sentence" if not hits else f"{len(hits)} sentences"
        raise ValueError(f"{what} of clause {clause_id} ({clause.label()}) contain {fragment!r}")
    return hits[0]


def load_context(data_dir: Path | None = None, kb: KnowledgeBase | None = None) -> tuple[Context, list[Problem]]:
    """Load the eligibility YAML; return every problem found in it.

    The knowledge base is loaded when not given, and must be valid (InvalidKnowledge is
    raised otherwise): its problems are reported by the knowledge check, not twice here.
    """
    from eligibility.programs import PROGRAMS  # late: programs import the model only

    problems: list[Problem] = []
    if kb is None:
        kb = load_knowledge_or_raise()
    data_dir = data_dir or default_data_dir()
    clause_ids = set(kb.clauses)
    departments = {d for c in kb.clauses.values() for d in c.departments}
    path = data_dir / "parameters.yaml"
    params, found = load_parameters(path, display_path(path), clause_ids)
    problems += found
    path = data_dir / "procedures.yaml"
    procedures, found = load_procedures(path, display_path(path), {p.id for p in PROGRAMS})
    problems += found
    path = data_dir / "contacts.yaml"
    contacts, found = load_contacts(path, display_path(path), departments)
    problems += found
    path = answer_words_path(data_dir)
    words, found = load_answer_words(path, display_path(path), choice_questions())
    problems += found
    return Context(kb, params, procedures, contacts, words), problems


def answer_words_path(data_dir: Path) -> Path:
    """answer_words.yaml of `data_dir`; a staff copy made before the file existed uses the
    shipped one (the words are optional content: labels and numbers always work)."""
    path = data_dir / "answer_words.yaml"
    return path if path.exists() else PACKAGE_DATA / "answer_words.yaml"


def choice_questions() -> dict[tuple[str, str], tuple[str, ...]]:
    """(program id, question id) -> choice values, for every choice question (finder included)."""
    from eligibility.finder import FINDER  # late: the finder imports this module
    from eligibility.programs import PROGRAMS

    return {(p.id, q.id): tuple(c.value for c in q.choices)
            for p in (FINDER, *PROGRAMS) for q in p.questions if q.kind == "choice"}


_installed: Context | None = None  # set by a live reload: already validated, never re-read


def default_context() -> Context:
    """The context in force: the one a live reload installed, else the shipped (or
    $POLICYBOT_ELIGIBILITY_DATA) one, loaded once; raises on problems."""
    return _installed or _loaded_context()


@lru_cache(maxsize=1)
def _loaded_context() -> Context:
    ctx, problems = load_context()
    if problems:
        raise InvalidEligibilityData(problems)
    return ctx


def reload_default_context(ctx: Context | None = None) -> None:
    """Install a validated context (live reload), or forget the cached one so that the next
    call reads the YAML again. Installing avoids a window in which a half-saved edit is read."""
    global _installed
    _installed = ctx
    _loaded_context.cache_clear()
