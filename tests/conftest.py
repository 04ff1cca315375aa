"""Shared test set-up.

The meaning channel (knowledge/semantic.py) builds its vectors in a background thread when a
server starts, answering on the lexical channels until they are ready. In tests that would make
an answer depend on timing (a fresh CI machine has no vector cache yet), so every knowledge
base the engine opens in a test builds its vectors before its first answer: once per run from
scratch (~15 s on a fresh machine, then from the disk cache in milliseconds), a changed FAQ
re-embedding only its changed texts. Tests of the background build itself pass their own
`Retriever(..., background=True)` and are not affected.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

import knowledge.answer
from dialog.config import Settings
from dialog.engine import Engine
from dialog.messages import Incoming
from knowledge import semantic
from knowledge.answer import Answerer
from knowledge.base import PACKAGE_DATA, load_knowledge, load_knowledge_or_raise
from knowledge.retrieval import Retriever


@pytest.fixture(scope="session", autouse=True)
def vectors_before_answers():
    """Also: a turn waits for its question's vector as long as it takes. The server's default
    (POLICYBOT_SEMANTIC_WAIT_MS=50, past which the question is answered lexically) would make
    an answer depend on how busy the machine is; tests of that fallback set their own wait."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(knowledge.answer, "Retriever", functools.partial(Retriever, background=False))
        mp.setenv(semantic.WAIT_ENV, "600000")
        yield


@pytest.fixture(scope="session")
def kb():
    """The shipped knowledge base (knowledge/data), loaded once per run. Test files that need
    their own (a copy they edit, another scope) define a `kb` fixture of their own."""
    return load_knowledge_or_raise(PACKAGE_DATA)


@pytest.fixture(scope="session")
def dated_answerer(kb) -> Answerer:
    """An answerer on the shipped knowledge whose today is 2026-12-02 (provisions that ran to
    2020-12-31 have ended), shared by the session test files."""
    return Answerer(kb, today=lambda: date(2026, 12, 2))


@pytest.fixture
def talk(tmp_path, kb) -> Callable[..., list[str]]:
    """Plays messages typed by one resident through a fresh engine on the shipped knowledge
    (today 2026-11-30): `talk(messages)` → the replies' texts, joined per message.
    `conversation` names another database in the same test (a second resident)."""
    def run(messages: list[str], conversation: str = "a", today: date = date(2026, 11, 30)) -> list[str]:
        async def scenario() -> list[str]:
            settings = Settings(db=tmp_path / conversation / "bot.sqlite3", salt="s")
            engine = await Engine.open(settings, kb=kb, today=lambda: today)
            try:
                out = []
                for text in messages:
                    replies = await engine.handle(Incoming("web", "u1", text))
                    out.append("\n".join(r.text for r in replies))
                return out
            finally:
                await engine.close()

        return asyncio.run(scenario())

    return run


@pytest.fixture(scope="session")
def kb_without_staff_list():
    """The shipped knowledge base with staff's out-of-scope list (lexicon/out_of_scope.yaml)
    emptied: for tests of what the calibrated decisions refuse by themselves, whatever topics
    staff list."""
    shipped = load_knowledge_or_raise(PACKAGE_DATA)
    return dataclasses.replace(shipped, lexicon=dataclasses.replace(shipped.lexicon, out_of_scope=()))


# --------------------------------------------------------------------------- PostgreSQL

_pg_databases = iter(range(1, 1_000_000))


@pytest.fixture(scope="session")
def engine_reader(kb, tmp_path_factory):
    """The reader (dialog/understanding/reader.py) of an engine on the shipped knowledge."""
    async def build():
        engine = await Engine.open(Settings(db=tmp_path_factory.mktemp("r") / "bot.sqlite3", salt="s"), kb=kb)
        await engine.close()
        return engine.reader

    return asyncio.run(build())


@pytest.fixture(scope="session")
def pg_cluster():
    """A throw-away PostgreSQL cluster for the whole run (tests/pgcluster.py), or a skip that
    says why (no server binaries: `apt-get install postgresql`; .ci/run installs it)."""
    import pgcluster

    try:
        with pgcluster.running_cluster() as cluster:
            yield cluster
    except pgcluster.ClusterUnavailable as exc:
        pytest.skip(f"PostgreSQL not available: {exc}")


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """The URL of a new, empty database of its own for one test (dropped afterwards)."""
    name = f"t{next(_pg_databases)}"
    pg_cluster.psql(f"CREATE DATABASE {name}")
    yield pg_cluster.url.replace(f"/{pg_cluster.database}?", f"/{name}?")
    pg_cluster.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def data_with(tmp_path: Path) -> Callable[[str, str], list[tuple[str, int, str]]]:
    """data_with("lexicon/places.yaml", text): the shipped data copied into tmp_path/"data" with
    that file written, loaded; its problems as (file name, line, message) — what staff see."""
    def write_and_load(relative: str, text: str) -> list[tuple[str, int, str]]:
        data = tmp_path / "data"
        if not data.exists():
            shutil.copytree(PACKAGE_DATA, data)
        (data / relative).write_text(text, encoding="utf-8")
        _, problems = load_knowledge(data)
        return [(Path(p.file).name, p.line, p.message) for p in problems]
    return write_and_load
