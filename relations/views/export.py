"""The meetings list as CSV: the filtered meetings streamed in chunks, with codes rather than names so that the file
means the same in any language."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import CharField, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..filters import MeetingFilter
from ..models import Meeting, MeetingCountry, MeetingSector, Official, Participant, Position
from .meetings import PARTICIPANT_ORDER, form_error_messages

EXPORT_CHUNK_SIZE = 500

EXPORT_HEADER = [
    "id",
    "date",
    "precision",
    "status",
    "kind",
    "title",
    "host_country",
    "partner_countries",
    # What the dashboard lists as a meeting's partners: every side but the home country, host or guest. The two
    # columns before it are the receiving side and the others, so a meeting in Brasília has BR as host, ID as
    # partner, and BR as counterpart.
    "counterpart_countries",
    "participants",
    "sectors",
    "place",
    "url",
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Text that a spreadsheet shows as text: a leading quote defuses a cell that would start a formula.

    Titles and names come from news articles, which nobody here controls (OWASP "CSV injection").
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_links(ids: list[int]) -> dict[int, tuple[str, list[str], list[str], list[str]]]:
    """Per meeting id: host code, partner codes, participants as "Name (title)" and sector slugs, in export order.

    One UNION ALL query over the three link tables (a column says which table a row is from), sorted here in code
    point order (codes and slugs are ASCII): three queries per chunk cost more than sorting a few thousand rows.
    """
    source = lambda n: Cast(Value(n), IntegerField())  # noqa: E731
    blank = Cast(Value(""), CharField())
    sides = MeetingCountry.objects.filter(meeting_id__in=ids).values_list(
        "meeting_id", source(0), "country_id", "role", blank, source(0), source(0)
    )
    # Names and titles by primary key, one lookup per participant: joined, PostgreSQL hashed all officials and
    # positions for every chunk (70 ms a chunk at 1M, against 1,500 lookups of a few microseconds).
    name = Subquery(Official.objects.filter(pk=OuterRef("official_id")).values("full_name"))
    title = Subquery(Position.objects.filter(pk=OuterRef("position_id")).values("title_en"))
    participants = Participant.objects.filter(meeting_id__in=ids).values_list(
        "meeting_id", source(1), name, title, "title_as_written", PARTICIPANT_ORDER, "pk"
    )
    sectors = MeetingSector.objects.filter(meeting_id__in=ids).values_list(
        "meeting_id", source(2), "sector__slug", blank, blank, source(0), source(0)
    )
    rows = sorted(
        sides.order_by().union(participants.order_by(), sectors.order_by(), all=True),
        key=lambda row: (row[1], row[5], row[6], row[2]),
    )
    hosts: dict[int, str] = {}
    partners: dict[int, list[str]] = defaultdict(list)
    people: dict[int, list[str]] = defaultdict(list)
    slugs: dict[int, list[str]] = defaultdict(list)
    for meeting_id, kind, name, detail, as_written, _order, _pk in rows:
        if kind == 0 and detail == MeetingCountry.Role.HOST:
            hosts[meeting_id] = name
        elif kind == 0:
            partners[meeting_id].append(name)
        elif kind == 1:
            title = detail or as_written
            people[meeting_id].append(f"{name} ({title})" if title else name)
        else:
            slugs[meeting_id].append(name)
    return {pk: (hosts.get(pk, ""), partners[pk], people[pk], slugs[pk]) for pk in ids}


def export_chunks(request: HttpRequest, meetings: QuerySet[Meeting]) -> Iterator[list[list]]:
    """Rows of up to EXPORT_CHUNK_SIZE meetings at a time: codes for countries and choices, so that the file means
    the same in any language.

    Plain tuples rather than model instances, and one query per chunk for the sides, participants and sectors:
    building and prefetching hundreds of thousands of instances would cost more than the queries.
    """
    home = settings.HOME_COUNTRY
    # reverse() once: detail URLs differ only by the id, and reversing per row was a third of the export's time.
    marker = "2147483647"
    url_head, url_tail = request.build_absolute_uri(reverse("relations:meeting-detail", args=[marker])).split(marker)
    fields = ("pk", "held_on", "date_precision", "status", "kind", "title", "place")
    rows = meetings.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    while chunk := list(islice(rows, EXPORT_CHUNK_SIZE)):
        links = export_links([row[0] for row in chunk])
        lines = []
        for pk, held_on, precision, status, kind, title, place in chunk:
            host, partners, people, sectors = links[pk]
            # The home country, when it is a guest, comes after the partners proper.
            guests = sorted(partners, key=lambda code: (code == home, code))
            lines.append(
                [
                    pk,
                    held_on.isoformat(),
                    precision,
                    status,
                    kind,
                    spreadsheet_safe(title),
                    host,
                    "; ".join(guests),
                    "; ".join(sorted(code for code in {host, *partners} if code and code != home)),
                    spreadsheet_safe("; ".join(people)),
                    "; ".join(sectors),
                    spreadsheet_safe(place),
                    f"{url_head}{pk}{url_tail}",
                ]
            )
        yield lines


@login_required
def meeting_export(request: HttpRequest) -> HttpResponse:
    """The filtered meetings as CSV, streamed in chunks so memory stays flat however many rows match.

    UTF-8 with a byte-order mark: Excel, which most ministry staff open CSV files with, otherwise reads the file as
    a legacy code page and garbles accented names; Python's "utf-8-sig", pandas and LibreOffice read the mark fine.
    """
    filterset = MeetingFilter(request.GET or None, queryset=Meeting.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        message = "\n".join([_("The export was not made: fix these parameters."), *form_error_messages(filterset.form)])
        return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")
    chunks = export_chunks(request, filterset.qs)

    def stream() -> Iterator[str]:
        # One string per chunk of meetings: the response encodes and sends each, so per-line chunks cost per line.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(EXPORT_HEADER)
        for rows in chunks:
            writer.writerows(rows)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():  # no meeting matched: the header alone
            yield buffer.getvalue()

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    filename = f"meetings-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
