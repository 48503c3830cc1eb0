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

A bulk writer of new meetings (generate_data) may defer the triggers (`defer`) and add its batch's meetings to the
summaries itself (`add_meetings`) in the batch's transaction: new meetings' counts simply add. SQLite has no such
triggers here: its pages count from the tables.
"""

from __future__ import annotations

from django.db import connections, transaction


def kept(using: str = "default") -> bool:
    """Whether this database keeps the summaries (the triggers are PostgreSQL's)."""
    return connections[using].vendor == "postgresql"


def add_meetings(first_id: int, last_id: int, using: str = "default") -> None:
    """Add the meetings `first_id`..`last_id`, new and written with the triggers deferred (`defer`), to the
    summaries, in the caller's transaction: their counts add to those already held."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT relations_summary_add_meetings(%s, %s)", [first_id, last_id])


def rebuild(using: str = "default") -> None:
    """Count every summary again from the tables."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT relations_summary_rebuild()")


def defer(cursor) -> None:
    """In the cursor's transaction, writes leave the summaries alone: the caller adds what it wrote itself
    (`add_meetings`) before it commits."""
    cursor.execute("SET LOCAL relations.defer_summaries = 'on'")
