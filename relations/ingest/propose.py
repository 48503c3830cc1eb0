"""The task's work: run the extractor on a stored article and keep what it proposes for review."""

from __future__ import annotations

import json
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.core.serializers.json import DjangoJSONEncoder
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from relations.ingest.errors import ExtractionError
from relations.models import Article

logger = logging.getLogger(__name__)

# Statuses whose work is done: running again must change nothing.
SETTLED = (Article.Status.PROPOSED, Article.Status.APPROVED)
# Database hiccups are worth a retry; anything else the extractor raises will fail the same way again.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


class Outcome:
    PROPOSED = "proposed"
    SKIPPED = "skipped"
    FAILED = "failed"
    MISSING = "missing"


def propose_meetings(article_id: int) -> str:
    """Extract the article's meetings into `proposal`; an article already proposed or approved is left alone."""
    # One conditional UPDATE claims it (the database checks the status under the row's lock), rather than a
    # transaction that locked, read, saved and committed: that save also wrote a history row and bumped the data
    # version for a state that lasts a few milliseconds and that no cached page shows (the worker's other status
    # changes write neither). A third of a task's CPU, extraction aside.
    claimed = (
        Article.objects.filter(pk=article_id, duplicate_of__isnull=True)
        .exclude(status__in=SETTLED)
        .update(
            status=Article.Status.PROCESSING,
            status_message=_("Extracting meetings from the text…"),
            updated_at=timezone.now(),
        )
    )
    if not claimed:
        return Outcome.SKIPPED if Article.objects.filter(pk=article_id).exists() else Outcome.MISSING
    article = Article.objects.only("text", "published_on", "language").filter(pk=article_id).first()
    if article is None:  # deleted in between
        return Outcome.MISSING
    try:
        proposal = run_extractor(article)
    except (*TRANSIENT_ERRORS, SoftTimeLimitExceeded):
        raise  # the task retries these, or reports the time limit
    except Exception as exc:
        logger.warning("Extraction of article %s failed", article_id, exc_info=True)
        mark_failed(article_id, failure_message(exc))
        return Outcome.FAILED
    # Dates and other values the extractor returns as objects are stored as the JSON the review screen reads.
    proposal = json.loads(json.dumps(proposal, cls=DjangoJSONEncoder))
    updated = Article.objects.filter(pk=article_id, status=Article.Status.PROCESSING).update(
        status=Article.Status.PROPOSED, proposal=proposal, status_message=proposal_message(proposal)
    )
    return Outcome.PROPOSED if updated else Outcome.SKIPPED


def run_extractor(article: Article) -> dict:
    from relations.ingest.extract import extract_article

    return extract_article(article.text, published=article.published_on, language=article.language or None)


def mark_failed(article_id: int, message: str) -> None:
    Article.objects.filter(pk=article_id).exclude(status__in=SETTLED).update(
        status=Article.Status.FAILED, status_message=message
    )


def failure_message(exc: Exception) -> str:
    if isinstance(exc, ExtractionError):
        return str(exc)
    return _("The extractor stopped with an error (%(error)s). The article is kept; try again or enter it by hand.") % {
        "error": f"{type(exc).__name__}: {exc}"
    }


def proposal_message(proposal: dict) -> str:
    count = len(proposal.get("meetings") or [])
    if not count:
        return _("No meeting between countries was found in this article.")
    return _("%(count)s meeting(s) proposed; ready for review.") % {"count": count}
