"""Garbage-collector settings for the long-running server (`policybot run`).

The knowledge base, jieba's dictionary and the programs are ~50,000 long-lived containers
that CPython's cyclic collector would otherwise walk again and again; `gc.freeze()` moves
them out of its sight. A chat request allocates hundreds of short-lived objects (h11 events,
dicts, futures) that reference counting frees at once; with CPython's default threshold of
700 allocations the collector ran every few requests to find almost nothing, which cost
about 10% of the CPU per message under load (measured with `gc.callbacks`; see
benchmarks/README.md). With a threshold of 10,000 cyclic garbage stays bounded and the
collector's share falls below 1%.

Only the server calls this: tests, the CLI and the terminal chat keep Python's defaults.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000  # allocations between two young-generation collections (default 700)


def tune_for_serving() -> None:
    """Collect once, freeze what survives (start-up data), raise the young threshold."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 10, 10)


def refreeze_after_reload() -> None:
    """After a live reload the previous knowledge base is garbage, but frozen objects are
    never collected: unfreeze, collect it (a pause of a few tens of ms, once per reload), and
    freeze the new data. Does nothing unless `tune_for_serving` ran in this process."""
    if gc.get_freeze_count() == 0:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()
