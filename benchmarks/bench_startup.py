"""Cold start and memory at rest of the real server (`python -m bot run`, i.e. `policybot run`).

Run by hand: `.venv/bin/python benchmarks/bench_startup.py [--runs 3]`; prints numbers, asserts
nothing. For each run, a fresh process on a free 127.0.0.1 port with a fresh database:

- time from process start to the first 200 from GET /healthz (the database is writable);
- time from process start to the first answer from POST /api/chat (a real question);
- RSS right after that answer, and at rest two seconds later.

"cold" points POLICYBOT_CACHE at an empty folder, so jieba builds its dictionary cache (what a
container without the cache baked into its image would pay on every start); "warm" reuses the
cache built by the cold run (the normal case, and the Docker image's, where the cache is built
at image build time). Every wait is bounded by time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_http import free_port, proc_status_kb, running, start_bot  # noqa: E402

QUESTION = "见习补贴一个月给多少"


def one_start(tmp: Path, cache: Path, index: int, timeout: float = 60.0) -> dict[str, float]:
    port = free_port()
    started = time.perf_counter()
    process = start_bot(tmp / f"start-{index}.sqlite3", port, tmp / "startup.log", POLICYBOT_CACHE=str(cache))
    result: dict[str, float] = {}
    with running(process), httpx.Client(timeout=5.0) as client:
        base = f"http://127.0.0.1:{port}"
        deadline = started + timeout
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}; see {tmp / 'startup.log'}")
            try:
                if client.get(base + "/healthz").status_code == 200:
                    result["healthz_s"] = time.perf_counter() - started
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.005)
        else:
            raise TimeoutError("no /healthz in time")
        body = {"user": f"startup-{index:04d}", "text": QUESTION}
        response = client.post(base + "/api/chat", content=json.dumps(body), headers={"Content-Type": "application/json"})
        result["first_answer_s"] = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"first answer failed: {response.status_code}")
        result["rss_after_answer_mb"] = (proc_status_kb(process.pid, "VmRSS") or 0) / 1024
        time.sleep(2.0)
        result["rss_at_rest_mb"] = (proc_status_kb(process.pid, "VmRSS") or 0) / 1024
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3, help="warm runs (default 3); one cold run before them")
    args = parser.parse_args()
    print(f"# bench_startup {time.strftime('%Y-%m-%d %H:%M')}  nproc={os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmpdir:
        tmp = Path(tmpdir)
        cache = tmp / "cache"
        rows = [("cold (no jieba cache)", one_start(tmp, cache, 0))]
        rows += [(f"warm #{i}", one_start(tmp, cache, i)) for i in range(1, args.runs + 1)]
        print(f"{'run':24} {'to /healthz':>12} {'to 1st answer':>14} {'RSS after':>10} {'RSS at rest':>12}")
        for name, r in rows:
            print(f"{name:24} {r['healthz_s']:10.2f} s {r['first_answer_s']:12.2f} s "
                  f"{r['rss_after_answer_mb']:7.1f} MB {r['rss_at_rest_mb']:9.1f} MB")
        warm = [r for name, r in rows if name.startswith("warm")]
        if warm:
            print(f"{'warm median':24} {statistics.median(r['healthz_s'] for r in warm):10.2f} s "
                  f"{statistics.median(r['first_answer_s'] for r in warm):12.2f} s "
                  f"{statistics.median(r['rss_after_answer_mb'] for r in warm):7.1f} MB "
                  f"{statistics.median(r['rss_at_rest_mb'] for r in warm):9.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
