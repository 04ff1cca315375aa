"""Answer latency and cold start, each beside plain rank-bm25 + jieba measured in the same run.

Run by hand (`make bench` or `.venv/bin/python benchmarks/bench_answer.py`); it prints numbers,
it asserts nothing. Targets (issue 2): p99 <= 5 ms on the seed corpus after warm-up, p99 <= 50 ms
on a generated corpus of 5,000 clauses, cold start to the first answer <= 1.5 s.

The machine is shared and noisy, so every figure is printed next to the baseline measured in
the same run: compare the ratio, not the absolute number across runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import jieba
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.answer import Answerer  # noqa: E402
from knowledge.base import KnowledgeBase, load_knowledge_or_raise  # noqa: E402
from knowledge.documents import Clause, Document  # noqa: E402

# Questions of the kinds residents ask (written for the benchmark, not taken from an eval set).
QUESTIONS = [
    "见习补贴一个月给多少", "开小卖部能贷款吗", "失业了去哪里登记", "稳岗返还怎么算",
    "考了电工证有补贴吗", "返乡创业有啥扶持", "公益性岗位有多少个", "培训期间有生活费吗",
    "小微企业贷款最高多少", "文件什么时候发的", "大学毕业了没工作怎么办", "低保户能认定就业困难人员吗",
    "公积金怎么取", "孵化基地有什么补助", "企业职工在岗培训谁出钱", "出去打工去哪些地方",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def time_calls(fn, questions: list[str], rounds: int) -> list[float]:
    for q in questions:  # warm-up
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


def cold_start(runs: int) -> tuple[list[float], list[float]]:
    bot_cmd = [sys.executable, "-m", "bot", "ask", "见习补贴一个月给多少"]
    base_code = (
        "import jieba, pathlib; from rank_bm25 import BM25Okapi; import re\n"
        f"t = pathlib.Path({str(ROOT / 'knowledge/data/documents/linxia-2019-3.txt')!r}).read_text()\n"
        "paras = [p for p in re.split(r'\\n\\s*\\n', t) if p.strip()]\n"
        "bm = BM25Okapi([jieba.lcut(p) for p in paras])\n"
        "print(paras[int(bm.get_scores(jieba.lcut('见习补贴一个月给多少')).argmax())][:20])\n"
    )
    base_cmd = [sys.executable, "-c", base_code]
    bot_times, base_times = [], []
    for _ in range(runs):
        for cmd, out in ((bot_cmd, bot_times), (base_cmd, base_times)):
            t0 = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
            out.append(time.perf_counter() - t0)
    return bot_times, base_times


def report(name: str, ours: list[float], base: list[float], unit: str = "ms") -> None:
    p50, p99 = percentile(ours, 50), percentile(ours, 99)
    b50, b99 = percentile(base, 50), percentile(base, 99)
    print(f"{name:34s} bot p50 {p50:7.2f} {unit}  p99 {p99:7.2f} {unit}   |  plain bm25 p50 {b50:7.2f}  p99 {b99:7.2f}"
          f"   (n={len(ours)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--big", type=int, default=5000, help="clauses in the generated corpus")
    parser.add_argument("--cold-runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(7)

    kb = load_knowledge_or_raise()
    answerer = Answerer(kb)
    baseline = PlainBaseline(list(kb.clauses.values()))
    def uncached(a: Answerer):
        return lambda q: a.answer(q, cache=False)  # the work a new question costs

    report(f"seed corpus ({len(kb.clauses)} clauses)", time_calls(uncached(answerer), QUESTIONS, args.rounds),
           time_calls(baseline.answer, QUESTIONS, args.rounds))
    report("seed corpus, repeated question (cache)", time_calls(answerer.answer, QUESTIONS, args.rounds),
           time_calls(baseline.answer, QUESTIONS, args.rounds))

    t0 = time.perf_counter()
    big = generated_kb(kb, args.big, rng)
    big_answerer = Answerer(big)
    build = time.perf_counter() - t0
    big_baseline = PlainBaseline(list(big.clauses.values()))
    report(f"generated corpus ({len(big.clauses)} clauses)", time_calls(uncached(big_answerer), QUESTIONS, 3),
           time_calls(big_baseline.answer, QUESTIONS, 3))
    print(f"{'':34s} index build for the generated corpus: {build:.2f} s")

    bot_times, base_times = cold_start(args.cold_runs)
    print(f"{'cold start to first answer':34s} bot median {statistics.median(bot_times):.2f} s  max {max(bot_times):.2f} s"
          f"   |  plain bm25 median {statistics.median(base_times):.2f} s  (n={args.cold_runs}, includes interpreter start)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
