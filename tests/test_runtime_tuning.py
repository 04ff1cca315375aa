"""The server's interpreter settings (dialog/runtime_tuning.py).

Freezing start-up data is only safe if a live reload can still free the knowledge base it
replaces: frozen objects are never collected, so without the re-freeze each /reload would
leak the previous one.
"""

from __future__ import annotations

import gc
import sys
import weakref

from dialog import runtime_tuning


class Node:
    """A reference cycle: only the cyclic collector can free it, never reference counting."""

    def __init__(self) -> None:
        self.me = self


def test_serving_freezes_start_up_data_and_reload_lets_the_old_data_go() -> None:
    before, switch = gc.get_threshold(), sys.getswitchinterval()
    try:
        old_knowledge = Node()
        ref = weakref.ref(old_knowledge)
        runtime_tuning.tune_for_serving()
        assert gc.get_threshold()[0] == runtime_tuning.YOUNG_THRESHOLD
        assert sys.getswitchinterval() == runtime_tuning.SWITCH_INTERVAL_SECONDS < switch
        assert gc.get_freeze_count() > 0
        del old_knowledge  # replaced by a reload
        gc.collect()
        assert ref() is not None, "a frozen object was collected: the freeze did nothing"
        runtime_tuning.refreeze_after_reload()
        assert ref() is None, "the replaced data stays in memory after a reload"
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
        sys.setswitchinterval(switch)


def test_refreeze_does_nothing_outside_the_server() -> None:
    gc.unfreeze()
    runtime_tuning.refreeze_after_reload()
    assert gc.get_freeze_count() == 0
