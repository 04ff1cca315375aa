"""Interpreter settings for the long-running server (`policybot run`): the garbage collector
and the GIL's switch interval.

Garbage collector. The knowledge base, jieba's dictionary and the programs are ~50,000
long-lived containers that CPython's cyclic collector would otherwise walk again and again;
`gc.freeze()` moves them out of its sight. A chat request allocates hundreds of short-lived
objects (h11 events, dicts, futures) that reference counting frees at once; with CPython's
default threshold of 700 allocations the collector ran every few requests to find almost
nothing, which cost about 10% of the CPU per message under load (measured with
`gc.callbacks`; see benchmarks/README.md). With a threshold of 10,000 cyclic garbage stays
bounded and the collector's share falls below 1%.

Switch interval. SQLite runs in aiosqlite's thread and gives up the GIL while it works; each
time it needs the GIL back (after every statement, and to hand a result to the event loop)
while the event loop is busy, it waits up to the switch interval, 5 ms by default. Under load
the loop then ran out of work while a group commit sat waiting for the GIL: the main thread
was idle 7–9% of the time. At 0.5 ms it is idle ~5% and serves more messages per second
(benchmarks/README.md). The loop itself loses little: the database thread holds the GIL for
well under 1% of the time (py-spy --gil).

Only the server calls this: tests, the CLI and the terminal chat keep Python's defaults.
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
