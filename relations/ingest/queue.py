"""Putting articles on the task queue, and keeping them when the queue (Redis) is down.

A task is only sent after the transaction that stored its article commits (the same guarantee as
`delay_on_commit`), and a broker that cannot be reached leaves the article pending with a message instead of an
error page; `requeue_pending()` (command `requeue_pending`, beat task, `ingest`) sends them once it is back.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from relations.models import Article

logger = logging.getLogger(__name__)

BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
# Fail fast when the broker is down: the editor is waiting for the page.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def queue_extraction(article_id: int) -> None:
    """Send the extraction task once the current transaction commits (at once outside one)."""
    transaction.on_commit(functools.partial(send_extraction, article_id))


def queued_message() -> str:
    return _("Waiting for a worker to start the extraction…")


def send_extraction(article_id: int, *, already_queued: bool = False) -> bool:
    """Send the task now; on a broker failure the article stays pending with the reason. True when sent.

    `already_queued`: the article was stored queued (intake's `queued=True`) and committed, so it is not marked
    again."""
    from relations.tasks import extract_article_task

    if not already_queued:
        waiting = (Article.Status.PENDING, Article.Status.QUEUED, Article.Status.FAILED)
        # Marked queued before sending so that a fast worker's "processing" is never overwritten.
        Article.objects.filter(pk=article_id, status__in=waiting).update(
            status=Article.Status.QUEUED, status_message=queued_message()
        )
    try:
        extract_article_task.apply_async((article_id,), retry_policy=PUBLISH_RETRY_POLICY)
    except BROKER_ERRORS as exc:
        logger.warning("Could not queue article %s: %s", article_id, exc)
        Article.objects.filter(pk=article_id, status=Article.Status.QUEUED).update(
            status=Article.Status.PENDING, status_message=broker_down_message(exc)
        )
        return False
    return True


def broker_down_message(exc: Exception) -> str:
    return _(
        "The task queue (Redis) cannot be reached, so extraction has not started (%(error)s). The article is kept "
        "and will be queued automatically once the queue is back."
    ) % {"error": exc}


def stuck_after() -> dt.timedelta:
    """How long an article stays "processing" at most: a worker's extraction is stopped at its hard time limit, and
    a retry waits at most RETRY_BACKOFF_MAX before it. Older ones were abandoned (a worker that died, a command
    interrupted with Ctrl-C)."""
    from relations.tasks import RETRY_BACKOFF_MAX

    return dt.timedelta(seconds=settings.EXTRACTION_TIME_LIMIT + RETRY_BACKOFF_MAX + 60)


def requeue_pending(*, include_failed: bool = False, stale_after: dt.timedelta | None = None) -> tuple[int, int]:
    """Send every pending article again, and those left "processing" past any extraction's time limit (and failed
    ones, and queued ones older than `stale_after`).

    Returns (sent, still pending). Near-duplicates are never extracted: they are reviewed with their original.
    """
    # Abandoned ones are marked queued at once (if still processing): the next requeue does not send them again,
    # and a worker that was still on one after all finds it no longer its own when it would store its proposal.
    abandoned = Article.objects.filter(
        status=Article.Status.PROCESSING, updated_at__lt=timezone.now() - stuck_after(), duplicate_of__isnull=True
    )
    taken_back = []
    for article_id in abandoned.values_list("pk", flat=True):
        # One by one, each taken only if still abandoned: of two requeues at once (the beat and `ingest`), one
        # takes it.
        taken = abandoned.filter(pk=article_id).update(
            status=Article.Status.QUEUED, status_message=queued_message(), updated_at=timezone.now()
        )
        if taken:
            taken_back.append(article_id)
    wanted = Q(status=Article.Status.PENDING) | Q(pk__in=taken_back, status=Article.Status.QUEUED)
    if include_failed:
        wanted |= Q(status=Article.Status.FAILED)
    if stale_after is not None:
        wanted |= Q(status=Article.Status.QUEUED, updated_at__lt=timezone.now() - stale_after)
    ids = list(
        Article.objects.filter(wanted, duplicate_of__isnull=True).order_by("created_at").values_list("pk", flat=True)
    )
    sent = 0
    for article_id in ids:
        if not send_extraction(article_id):
            break  # the broker is down: the others would fail the same way
        sent += 1
    return sent, len(ids) - sent
