"""Keeping Python's cyclic garbage collector away from what a process keeps for its whole life.

A web process holds a hundred thousand long-lived objects (modules, URL patterns, compiled templates, admin classes)
and each request makes tens of thousands of short-lived ones. Every full collection walks all of them: on the admin
pages that was a pause of 60 to 120 ms every few dozen requests, the slowest twentieth of requests. Moving the
long-lived objects into the permanent generation (`gc.freeze`) leaves the collector with the requests' own objects;
under a forking server it also keeps their memory pages shared between workers.

Collections are also made rarer: by default one starts every 700 new container objects, three or four times during
an admin page, each walking the request's live forms and querysets. Every YOUNG_THRESHOLD objects lets most requests
finish between two (the change form's p50 0.5 to 2 ms lower in alternating runs, its p95 as noisy as the machine);
cyclic garbage waiting to be collected stays bounded by the same number of objects (a few MB).
"""

from __future__ import annotations

import gc

from django.core.signals import request_finished

# Templates, caches and URL lookups are loaded by the first requests of each page; after these the process has
# settled. Each freeze first collects, so that no garbage is kept with the survivors.
SETTLE_AFTER_REQUESTS = 25
YOUNG_THRESHOLD = 10_000  # measured on the admin change form: 700 (Python's), 10,000 and 50,000


def settle() -> None:
    """Collect what is garbage now, exempt every surviving object from later collections, and collect the young
    generation every YOUNG_THRESHOLD new objects (the older generations' thresholds stay Python's)."""
    gc.collect()
    gc.freeze()
    _young, *older = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, *older)


def settle_after_first_requests(count: int = SETTLE_AFTER_REQUESTS) -> None:
    """Settle now, and again after each of the next `count` requests (what they load stays with the process)."""
    settle()
    left = [count]

    def after_request(sender, **kwargs) -> None:
        left[0] -= 1
        if left[0] <= 0:
            request_finished.disconnect(after_request, dispatch_uid=__name__)
        settle()

    request_finished.connect(after_request, weak=False, dispatch_uid=__name__)
