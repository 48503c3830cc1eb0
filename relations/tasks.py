"""Celery tasks: ids in, one domain call, retries and time limits here."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _

from relations.ingest.propose import TRANSIENT_ERRORS, mark_failed, propose_meetings
from relations.ingest.queue import requeue_pending
from relations.warming import warm_pages

# A warming at a million meetings takes half a minute (eight pages); one that takes four times as long is stuck.
WARMING_SOFT_TIME_LIMIT = 120
# Longer than the broker's visibility timeout, after which an unacknowledged message is redelivered anyway.
STALE_QUEUED = dt.timedelta(hours=2)
# Seconds: the longest wait before a retry of an extraction (relations/ingest/queue.py counts on it).
RETRY_BACKOFF_MAX = 300


class ArticleTask(DjangoTask):
    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        # Retries are used up (or the error was not retryable): the editor must see why, not "extracting" forever.
        if args:
            mark_failed(
                args[0],
                _("Extraction failed after %(n)s attempts: %(error)s")
                % {
                    "n": self.request.retries + 1,
                    "error": f"{type(exc).__name__}: {exc}",
                },
            )


@shared_task(
    bind=True,
    base=ArticleTask,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=5,
    retry_backoff=5,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    acks_late=True,
    # The outcome is the article's status; a stored result would only cost a Redis write in the worker, and the
    # sender's subscription to its channel (Celery's Redis result backend subscribes for every task it sends).
    ignore_result=True,
    soft_time_limit=settings.EXTRACTION_SOFT_TIME_LIMIT,
    time_limit=settings.EXTRACTION_TIME_LIMIT,
)
def extract_article_task(self, article_id: int) -> str:
    """Propose meetings for an article; running it again on an article already proposed or approved does nothing."""
    try:
        return propose_meetings(article_id)
    except SoftTimeLimitExceeded:
        mark_failed(
            article_id,
            _("Extraction took longer than %(s)s seconds and was stopped.")
            % {"s": settings.EXTRACTION_SOFT_TIME_LIMIT},
        )
        return "failed"


@shared_task
def requeue_pending_articles_task() -> int:
    """Beat: queue the articles kept pending while the broker was down, and resend those queued so long ago that
    their message was probably lost with a Redis restart (the task is idempotent, so a duplicate costs nothing)."""
    return requeue_pending(stale_after=STALE_QUEUED)[0]


@shared_task(ignore_result=True, soft_time_limit=WARMING_SOFT_TIME_LIMIT, time_limit=WARMING_SOFT_TIME_LIMIT + 30)
def warm_pages_task() -> list[str]:
    """After a write (relations/warming.py): the dashboard's busiest pages computed before a reader asks for them.
    Stopped after a while: a page not warmed is computed by its first reader."""
    try:
        return warm_pages()
    except SoftTimeLimitExceeded:
        return []
