"""A meeting's sides, participants and sectors as the CSV export writes them, stored per meeting (PostgreSQL).

Writing 10,000 meetings reads about 100,000 rows of sides, participants, officials, positions and sectors; one
digest row per meeting replaces them, and the export becomes one COPY of meetings joined to their digests that
PostgreSQL formats itself.

The digests are kept by the database, not by the write paths: statement-level triggers (migration 0007) recompute
the digests of the meetings a statement touched, in the writer's transaction, whatever wrote (admin, ingestion,
bulk inserts, COPY, raw SQL); renaming an official or a position, or changing a sector's slug, recomputes the
meetings that show them. A meeting with no side, participant nor sector may have no digest: the export reads that
as empty.

Renaming an official or a position recomputes, in the same request, every meeting that shows them: seconds for an
official in tens of thousands of meetings (docs/performance.md, next steps). A sector's slug cannot be changed once
the sector exists (the admin shows it read-only): it is in hundreds of thousands of digests at scale.

The triggers lock the meetings' rows before recomputing, so two transactions writing one meeting take turns, and
the second reads what the first committed: that holds under READ COMMITTED, Django's default (under REPEATABLE READ
the second would compute from its older snapshot).

SQLite has no such triggers here: its export computes every row from the link tables (`compute`), the same text,
only slower. Digests are never shown in the admin nor kept in history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import connections
from django.db.models import Case, CharField, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast

from .models import MeetingCountry, MeetingSector, Official, Participant, Position

SEPARATOR = "; "

# Principals first, then those accompanying them, then those only mentioned (the role codes sort otherwise).
PARTICIPANT_ORDER = Case(
    When(role=Participant.Role.PRINCIPAL, then=0), When(role=Participant.Role.ACCOMPANYING, then=1), default=2
)


@dataclass(frozen=True)
class Digest:
    host: str  # a country code, or "" when the meeting has no host side
    partners: tuple[str, ...]  # the other sides' codes, in code order
    participants: str  # "Name (title)" joined by SEPARATOR, principals first; shown whole, never split back
    sectors: tuple[str, ...]  # slugs, in code point order


def compute(ids: list[int], using: str = "default") -> dict[int, Digest]:
    """Digests of the meetings `ids`, from the link tables.

    One UNION ALL query over the three link tables (a column says which table a row is from), sorted here in code
    point order (codes and slugs are ASCII): three queries cost more than sorting a few thousand rows.
    """
    source = lambda n: Cast(Value(n), IntegerField())  # noqa: E731
    blank = Cast(Value(""), CharField())
    sides = (
        MeetingCountry.objects.using(using)
        .filter(meeting_id__in=ids)
        .values_list("meeting_id", source(0), "country_id", "role", blank, source(0), source(0))
    )
    # Names and titles by primary key, one lookup per participant: joined, PostgreSQL hashed all officials and
    # positions for every chunk (70 ms a chunk at 1M, against 1,500 lookups of a few microseconds).
    name = Subquery(Official.objects.filter(pk=OuterRef("official_id")).values("full_name"))
    title = Subquery(Position.objects.filter(pk=OuterRef("position_id")).values("title_en"))
    participants = (
        Participant.objects.using(using)
        .filter(meeting_id__in=ids)
        .values_list("meeting_id", source(1), name, title, "title_as_written", PARTICIPANT_ORDER, "pk")
    )
    sectors = (
        MeetingSector.objects.using(using)
        .filter(meeting_id__in=ids)
        .values_list("meeting_id", source(2), "sector__slug", blank, blank, source(0), source(0))
    )
    rows = sorted(
        sides.order_by().union(participants.order_by(), sectors.order_by(), all=True),
        key=lambda row: (row[1], row[5], row[6], row[2]),
    )
    hosts: dict[int, str] = {}
    partners: dict[int, list[str]] = defaultdict(list)
    people: dict[int, list[str]] = defaultdict(list)
    slugs: dict[int, list[str]] = defaultdict(list)
    for meeting_id, kind, text, detail, as_written, _order, _pk in rows:
        if kind == 0 and detail == MeetingCountry.Role.HOST:
            hosts[meeting_id] = text
        elif kind == 0:
            partners[meeting_id].append(text)
        elif kind == 1:
            title = detail or as_written
            people[meeting_id].append(f"{text} ({title})" if title else text)
        else:
            slugs[meeting_id].append(text)
    return {
        pk: Digest(hosts.get(pk, ""), tuple(partners[pk]), SEPARATOR.join(people[pk]), tuple(slugs[pk])) for pk in ids
    }


def kept(using: str = "default") -> bool:
    """Whether digests are kept on this database (the triggers are PostgreSQL's)."""
    return connections[using].vendor == "postgresql"


def store(ids: list[int], using: str = "default") -> None:
    """Compute and store the digests of the meetings `ids` (PostgreSQL), without the triggers' row locks: for
    meetings no other transaction can write meanwhile, as a bulk writer's own new ones (generate_data)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT relations_digest_compute(%s::bigint[])", [list(ids)])
