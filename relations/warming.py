"""Computing the dashboard's busiest pages again in a worker right after a write, so that no reader waits for them.

A write makes every cached page unreachable (relations/freshness.py); the first reader of the overview afterwards
paid its SQL, seconds at a million meetings. With a worker running, the write's commit queues one warming task, a few
seconds later: it computes the overview and the busiest partners' pages, in every language, under the new version.
Writes that come while a warming is queued share it, and warmings start at least MIN_INTERVAL seconds apart: a bulk
import, whose articles each change the pages, gets one warming a minute, not one per article (at a million meetings a
warming is about half a minute of a worker's time). Without a broker (the embedded setup runs tasks in the writer's own
request) nothing is queued: the first reader computes the page, as before.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

QUEUED_KEY = "relations:warming-queued"
STARTED_KEY = "relations:warming-started"
# Seconds between a write and its warming: the writes of an edit (a meeting and its inlines), an approval or a burst
# of imports share one.
WARM_DELAY = 5
# Seconds from the start of one warming to the start of the next.
MIN_INTERVAL = 60
# How long a queued warming keeps later writes from queueing another, and how long its message may wait for a worker
# (the task shares the queue with extraction: behind a backlog it is dropped, and the next write queues a fresh one).
QUEUED_TIMEOUT = 3 * MIN_INTERVAL
# Partner pages warmed after the overview, the busiest first: each costs as much SQL as the overview.
PARTNERS = 3


def schedule_warming() -> None:
    """Queue a warming unless one is queued already; nothing where tasks would run in this process. Never raises: a
    write has been committed, and without the warming its pages are computed by their first reader."""
    from relations.ingest.queue import BROKER_ERRORS, PUBLISH_RETRY_POLICY
    from relations.tasks import warm_pages_task

    if tasks_run_in_process():
        return
    queued = False
    try:
        queued = cache.add(QUEUED_KEY, 1, timeout=QUEUED_TIMEOUT)
        if queued:
            warm_pages_task.apply_async(
                countdown=delay(cache.get(STARTED_KEY)), expires=QUEUED_TIMEOUT, retry_policy=PUBLISH_RETRY_POLICY
            )
    except Exception as exc:
        reason = "the task queue" if isinstance(exc, BROKER_ERRORS) else "the cache or the task queue"
        logger.warning("The dashboard is not warmed after this write: %s failed (%s).", reason, exc, exc_info=True)
        if queued:  # no warming will come: the next write may queue one
            _forget_queued()


def tasks_run_in_process() -> bool:
    """Whether Celery runs tasks in the caller (no broker: the embedded setup), as its app is configured now."""
    from relations.tasks import warm_pages_task

    return bool(warm_pages_task.app.conf.task_always_eager)


def delay(last_started: float | None) -> float:
    """Seconds until the next warming may start: WARM_DELAY, or longer if the last one started less than
    MIN_INTERVAL ago."""
    if last_started is None:
        return WARM_DELAY
    return max(WARM_DELAY, last_started + MIN_INTERVAL - time.time())


def _forget_queued() -> None:
    try:
        cache.delete(QUEUED_KEY)
    except Exception:
        logger.warning("The cache cannot be reached.", exc_info=True)


def warm_pages() -> list[str]:
    """Compute the overview and the busiest partner pages not yet cached under the current version; the pages
    warmed, as "page:language"."""
    # The start first, then writes from now on queue the next warming (what they change may be missing from what is
    # computed here), a minute after this one. (The time is this worker's clock, read by the writers' servers.)
    try:
        cache.set(STARTED_KEY, time.time(), timeout=MIN_INTERVAL)
    except Exception:
        logger.warning("The cache cannot be reached.", exc_info=True)
    _forget_queued()
    from relations.views.dashboard import DEFAULT_MONTHS, cached_country_page, cached_overview_page

    today = timezone.localdate()
    warmed = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            overview = cached_overview_page(today, DEFAULT_MONTHS)
            warmed.append(f"overview:{language}")
            for partner in overview["top_partners"][:PARTNERS]:
                cached_country_page(partner.code, today)
                warmed.append(f"country-{partner.code}:{language}")
    return warmed
