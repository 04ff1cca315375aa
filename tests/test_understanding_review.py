"""Fixes from the review of the understanding work (issue 12's leftovers), each with its own
sentences: answer buttons that name their question, typed labels on a stale questionnaire,
topic pointers logged as answered, the finder asked for while in it, one particle list,
reply roles, and rough counts that straddle a rule's threshold."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import eligibility
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming, Reply
from dialog.understanding import Reader, check_vocabulary, load_vocabulary
from knowledge.base import PACKAGE_DATA, load_knowledge_or_raise

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_or_raise(PACKAGE_DATA)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class Person:
    def __init__(self, engine: Engine, user: str = "r1") -> None:
        self.engine, self.user = engine, user
        self.replies: list[Reply] = []

    async def say(self, text: str) -> str:
        self.replies = await self.engine.handle(Incoming("web", self.user, text))
        return self.text

    async def act(self, action: str) -> str:
        self.replies = await self.engine.handle(Incoming("web", self.user, "", action=action, kind="button"))
        return self.text

    def action_of(self, label: str) -> str:
        return next(b.action for r in self.replies for b in r.all_buttons() if b.label == label)

    @property
    def text(self) -> str:
        return "\n".join([r.text for r in self.replies] + [b.label for r in self.replies for b in r.all_buttons()])


async def _engine(tmp_path: Path, kb, clock: Clock | None = None) -> Engine:
    return await Engine.open(Settings(db=tmp_path / "bot.sqlite3", salt="test-salt"), kb=kb,
                             today=lambda: TODAY, clock=clock or Clock())


# ---------------------------------------------------------------- one list of particles


def test_the_reader_takes_its_particles_from_the_answer_words(vocabulary) -> None:
    """A particle staff add to answer_words.yaml is dropped from commands too; the ones
    understanding.yaml keeps (了) are not: 停了 is no quit."""
    listed = ("咯", "了", "吧")
    reader = Reader(vocabulary, eligibility.parse_answer, answer_particles=lambda: listed)
    assert reader.intent("菜单咯") == "menu"
    assert reader.intent("停") == "quit" and reader.intent("停了") is None
    plain = Reader(vocabulary, eligibility.parse_answer, answer_particles=lambda: ("吧",))
    assert plain.intent("菜单咯") is None


def test_the_shipped_particles_are_one_list(vocabulary) -> None:
    """The reader's particles are the answer words' (less the kept ones), and every kept one
    is a particle of that list."""
    words = eligibility.answers.current_words()
    reader = Reader(vocabulary, eligibility.parse_answer)
    assert set(reader.particles) == {p for p in words.particles if p not in vocabulary.particles_kept}
    assert vocabulary.particles_kept <= set(words.particles)
    assert reader.intent("回主菜单哟") == "menu"  # 哟: a particle the reader had on its own list


def test_a_kept_particle_must_be_one_character(tmp_path) -> None:
    path = tmp_path / "understanding.yaml"
    path.write_text("particles_kept: [了, 的话]\n", encoding="utf-8")
    vocabulary, problems = check_vocabulary(path)
    assert vocabulary is None and any("一个字" in p.message and p.line == 1 for p in problems)

