"""The web process exempts what it keeps for its life from garbage collection, after its first requests."""

from __future__ import annotations

import gc
import weakref

import pytest
from django.core.signals import request_finished

from config import collector


class Node:
    pass


def listening() -> bool:
    return any(key[0] == collector.__name__ for key, *_ in request_finished.receivers)


@pytest.mark.django_db  # request_finished also closes old database connections
def test_settles_now_and_after_each_of_the_first_requests_then_stops_listening():
    try:
        gc.unfreeze()
        collector.settle_after_first_requests(count=2)
        assert gc.get_freeze_count() > 0
        assert listening()
        request_finished.send(sender=None)
        assert listening()
        request_finished.send(sender=None)
        assert not listening()
        gc.unfreeze()
        request_finished.send(sender=None)
        assert gc.get_freeze_count() == 0  # settled: later requests freeze nothing
    finally:
        request_finished.disconnect(dispatch_uid=collector.__name__)
        gc.unfreeze()


def test_garbage_is_collected_before_the_survivors_are_frozen():
    try:
        gc.unfreeze()
        garbage, kept = Node(), Node()
        garbage.cycle = garbage  # unreachable once deleted, but only the collector can free it
        gone, alive = weakref.ref(garbage), weakref.ref(kept)
        del garbage
        collector.settle()
        assert gone() is None
        assert alive() is kept and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_settling_makes_young_collections_rarer_and_leaves_older_thresholds_alone():
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        collector.settle()
        assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, 10, 10)
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
