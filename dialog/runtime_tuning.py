"""Interpreter settings once used by the long-running server: `gc.freeze()` with a young-GC
threshold of 10,000, and a GIL switch interval of 0.5 ms. **The server no longer calls
`tune_for_serving`** (issue 17 item 7).

Why they were added (2026-11-26, a fixed mix of 16 cached questions): the collector ran every
few requests (~10% of the CPU per message), and the SQLite thread waited up to 5 ms for the
GIL while the event loop was busy.

Why they went (2026-11-29, benchmarks/bench_multi.py --tuning, realistic traffic from
benchmarks/traffic.py, `policybot run` on SQLite, saturation rounds alternating the servers in
one run): with everything on, 0.96x the messages per second of the untuned server on the
lexical path (695.7 vs 723.9 msg/s; CPU 1.09 vs 1.05 ms a message) and 1.03x with the meaning
channel (672.1 vs 654.7; 1.32 vs 1.30 ms); an earlier run of the same script: 0.96x and 0.88x.
The GC part alone and the switch interval alone: +5% to +12% msg/s in one run, with the CPU per
message — the stable figure — within ±3% of untuned every time: noise, not a gain. A turn now
allocates far more than the request path (new questions, questionnaires, PostgreSQL rows), the
store's thread is the project's own executor, and with PostgreSQL there is no database thread.

Still here because benchmarks/bench_http.py's floor servers call `tune_for_serving` (to match
what the server did when they were measured) and dialog/reloader.py calls
`refreeze_after_reload` after a reload (a no-op unless something froze the heap). Both calls and
this module can go together.
"""

from __future__ import annotations

import gc
import sys

YOUNG_THRESHOLD = 10_000  # allocations between two young-generation collections (default 700)
SWITCH_INTERVAL_SECONDS = 0.0005  # how long a thread waiting for the GIL waits (default 0.005)


def tune_for_serving() -> None:
    """Collect once, freeze what survives (start-up data), raise the young threshold, and let
    the database thread have the GIL back sooner."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 10, 10)
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def refreeze_after_reload() -> None:
    """After a live reload the previous knowledge base is garbage, but frozen objects are
    never collected: unfreeze, collect it (a pause of a few tens of ms, once per reload), and
    freeze the new data. Does nothing unless `tune_for_serving` ran in this process."""
    if gc.get_freeze_count() == 0:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()
