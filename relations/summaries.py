"""Counts by country and month, month and sector, country and official, kept by the database (PostgreSQL).

The overview and partner pages show counts over a partner's whole history or every partner at once: at a million
meetings, computing them from the meetings took the first reader after a write seconds (docs/performance.md). These
tables hold them per small key, so a page sums a few thousand rows instead:

- `CountryMonth`: a country's meetings per month, with their first and last days;
- `CountryMonthSector`: the same per top-level sector (`NO_SECTOR` for meetings without one), for the sector charts;
- `MonthSector`: every meeting per month and top-level sector, for the overview's chart;
- `CountryOfficial`: how often each official of a side met in meetings with a country, and when last.

The month tables count distinct meetings, which do not add up across sectors, so each of their keys a statement
touched is counted again whole; the officials' table is kept by difference (+1 or -1 per participation and country
of its meeting; the day last met is looked up again only when the latest participation goes). Statement-level
triggers (migrations 0012, 0015, 0016) do it in the writer's transaction, whatever wrote (admin, approval, bulk
inserts, COPY, raw SQL). Every statement that writes a counted table first takes one transaction-wide lock (a
trigger BEFORE the statement, so before it or the digests' triggers lock any row): writers of meetings take turns
from their first write to their commit, each counts what the other committed, and none holds a meeting's row while
waiting for the lock.

A bulk load (generate_data, on benchmark databases) defers the triggers (`defer`) and counts everything once at the
end (`rebuild`, some 30 s at a million meetings; also when interrupted): until then the pages' counts over whole
months lag behind what it has loaded. SQLite has no such triggers here: its pages count from the tables.
"""

from __future__ import annotations

from django.db import connections, transaction

# The summary tables (migration 0012).
TABLES = [
    "relations_countrymonth",
    "relations_countrymonthsector",
    "relations_monthsector",
    "relations_countryofficial",
]


def kept(using: str = "default") -> bool:
    """Whether this database keeps the summaries (the triggers are PostgreSQL's)."""
    return connections[using].vendor == "postgresql"


def rebuild(using: str = "default") -> None:
    """Count every summary again from the tables."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT relations_summary_rebuild()")


def take_turn(using: str = "default") -> None:
    """Take now the lock the triggers take before each writing statement: the writers ahead commit first, the next
    ones wait for this transaction's end, and what it reads from here on is what its writes will count."""
    if kept(using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext('relations_summaries')) WHERE NOT relations_summary_deferred()"
            )


def defer(cursor) -> None:
    """In the cursor's transaction, writes leave the summaries alone: the caller rebuilds them once it is done."""
    cursor.execute("SET LOCAL relations.defer_summaries = 'on'")
