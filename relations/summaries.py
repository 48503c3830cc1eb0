"""Counts by country and month, month and sector, country and official, kept by the database (PostgreSQL).

The overview and partner pages show counts over a partner's whole history or every partner at once: at a million
meetings, computing them from the meetings took the first reader after a write seconds (docs/performance.md). These
tables hold them per small key, so a page sums a few thousand rows instead:

- `CountryMonth`: a country's meetings per month, with their first and last days;
- `CountryMonthSector`: the same per top-level sector (`NO_SECTOR` for meetings without one), for the sector charts;
- `MonthSector`: every meeting per month and top-level sector, for the overview's chart;
- `CountryOfficial`: how often each official of a side met in meetings with a country, and when last.

The counts are of distinct meetings, which do not add up across sectors or officials, so each key is counted again
whole rather than adjusted: statement-level triggers (migration 0012) find the keys a statement's rows belong to and
recount them in the writer's transaction, whatever wrote (admin, approval, bulk inserts, COPY, raw SQL). A writer
that recounts takes one transaction-wide lock, so a second waits and counts what the first committed.

A bulk load may defer the triggers (`defer`) and rebuild everything once at the end; meanwhile the summaries are
marked stale and the pages count from the tables, as they do on SQLite, which has no such triggers here.
"""

from __future__ import annotations

from django.db import connections, transaction

from .models import SummaryState


def kept(using: str = "default") -> bool:
    """Whether this database keeps the summaries (the triggers are PostgreSQL's)."""
    return connections[using].vendor == "postgresql"


def current(using: str = "default") -> bool:
    """Whether the pages may read the summaries: kept, and not being rebuilt after a bulk load."""
    return kept(using) and not SummaryState.objects.using(using).filter(stale=True).exists()


def mark_stale(using: str = "default") -> None:
    """Committed at once, so that readers count from the tables while a bulk load writes without the triggers."""
    with transaction.atomic(using=using):
        if not SummaryState.objects.using(using).filter(pk=1).update(stale=True):
            SummaryState.objects.using(using).create(pk=1, stale=True)


def rebuild(using: str = "default") -> None:
    """Count every summary again from the tables, and mark them current."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT relations_summary_rebuild()")


def defer(cursor) -> None:
    """In the cursor's transaction, writes leave the summaries alone: the caller has marked them stale and rebuilds
    them once it is done."""
    cursor.execute("SET LOCAL relations.defer_summaries = 'on'")
