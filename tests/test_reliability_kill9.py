"""kill -9 of the real server in the middle of a load, restart on the same database: every
resident's questionnaire continues from its last answered step (20 residents; the longer
version with 200 residents and several rounds is benchmarks/bench_kill9.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_kill9 import compatible, run_round  # noqa: E402


def test_compatible_states_after_a_restart() -> None:
    at2 = (2, 7, "你属于下面哪一类？")
    assert compatible(at2, at2, in_flight=False)
    assert not compatible(at2, (3, 7, "x"), in_flight=False)  # moved on without a request
    assert not compatible(at2, (1, 7, "x"), in_flight=True)  # an answered step was lost
    assert compatible(at2, (3, 7, "x"), in_flight=True)
    assert compatible(at2, None, in_flight=True)
    assert not compatible(at2, None, in_flight=False)
    assert compatible(None, (1, 5, "x"), in_flight=True)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_kill_9_mid_load_loses_no_answered_step(tmp_path: Path) -> None:
    lines: list[str] = []
    outcome = run_round(tmp_path, residents=20, kill_after=0.8, seed=7, think=(0.0, 0.05), log=lines.append)
    assert outcome.answers_before_kill > 20, lines
    assert outcome.failures == []
    assert outcome.exact + outcome.one_step_on == 20
    assert outcome.finished_after_restart == 20
    assert outcome.integrity == "ok"
