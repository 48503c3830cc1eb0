"""The meetings list as CSV: the filtered meetings streamed in chunks, with codes rather than names so that the file
means the same in any language."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from itertools import chain, islice

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connections
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat, NullIf
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import digests
from ..filters import MeetingFilter
from ..models import Meeting
from .meetings import form_error_messages

EXPORT_CHUNK_SIZE = 500
PIECE_BYTES = 64 * 1024
# Line feeds, as PostgreSQL's COPY ends lines: both ways of writing the file give the same bytes.
LINE_END = "\n"

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

    Titles and names come from news articles, which nobody here controls (OWASP "CSV injection"). Carriage returns
    become line feeds: the file's lines end in line feeds, and Python's csv quotes a field only for those (a bare
    carriage return would split the row in a reader).
    """
    prefix = "'" if text.startswith(FORMULA_STARTS) else ""
    return prefix + text.replace("\r\n", "\n").replace("\r", "\n")


def url_parts(request: HttpRequest) -> tuple[str, str]:
    """What comes before and after the id in a meeting's absolute URL: reverse() once, not per row."""
    marker = "2147483647"
    return tuple(request.build_absolute_uri(reverse("relations:meeting-detail", args=[marker])).split(marker))


def header() -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, lineterminator=LINE_END).writerow(EXPORT_HEADER)
    return buffer.getvalue().encode("utf-8")


# --- From stored digests, formatted by PostgreSQL ------------------------------------------------------------------


def copy_statement(request: HttpRequest, meetings: QuerySet[Meeting]) -> tuple[str, list]:
    """COPY of the filtered meetings as CSV rows, in the list's order, with the cells `python_rows` writes.

    The filtered, ordered meetings are a subquery (its ORDER BY keeps it one), each joined to its digest by a lateral
    lookup that cannot be flattened (OFFSET 0): a nested loop, which keeps the list's order and reads one digest
    per meeting. A plain join let the planner hash the whole digest table for 10,000 rows (0.8 s at 1M).
    """
    url_head, url_tail = url_parts(request)

    def text(expression, function=None):
        # Empty cells unquoted, as Python's csv writes them (COPY quotes an empty string, not a NULL).
        if function:
            expression = Func(expression, function=function, output_field=TextField())
        return NullIf(expression, Value(""), output_field=TextField())

    rows = meetings.values(
        export_id=F("pk"),
        export_date=Func(F("held_on"), Value("YYYY-MM-DD"), function="to_char", output_field=TextField()),
        export_precision=F("date_precision"),
        export_status=F("status"),
        export_kind=F("kind"),
        export_title=text(F("title"), "relations_spreadsheet_safe"),
        export_place=text(F("place"), "relations_spreadsheet_safe"),
        export_url=Concat(Value(url_head), Cast("pk", TextField()), Value(url_tail), output_field=TextField()),
    )
    sql, params = rows.query.get_compiler(using=meetings.db).as_sql()
    home = settings.HOME_COUNTRY
    statement = f"""COPY (SELECT
            m.export_id, m.export_date, m.export_precision, m.export_status, m.export_kind, m.export_title,
            NULLIF(d.host, ''),
            NULLIF(relations_export_guests(d.partners, %s), ''),
            NULLIF(relations_export_counterparts(d.sides, %s), ''),
            NULLIF(relations_spreadsheet_safe(d.participants), ''),
            NULLIF(d.sectors, ''),
            m.export_place, m.export_url
        FROM ({sql}) m
        LEFT JOIN LATERAL (
            SELECT host, partners, sides, participants, sectors FROM relations_meetingdigest
            WHERE meeting_id = m.export_id OFFSET 0
        ) d ON true
    ) TO STDOUT WITH (FORMAT csv)"""
    return statement, [home, home, *params]


def copied(request: HttpRequest, meetings: QuerySet[Meeting]) -> Iterator[bytes]:
    """The CSV body as PostgreSQL writes it: one statement formats every row in C, none passes through Python."""
    connection = connections[meetings.db]
    statement, params = copy_statement(request, meetings)
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        # PostgreSQL sends a row per message: pieces of PIECE_BYTES, or the response would cost per row.
        piece = bytearray()
        for block in copy:
            piece += block
            if len(piece) >= PIECE_BYTES:
                yield bytes(piece)
                piece.clear()
        if piece:
            yield bytes(piece)
    if connection.queries_logged:  # the copy bypasses Django's cursor wrapper: log it as that would
        sql = connection.ops.compose_sql(statement, params)
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


# --- Computed in Python (SQLite) -------------------------------------------------------------------------------------


def python_rows(request: HttpRequest, meetings: QuerySet[Meeting]) -> Iterator[list[list]]:
    """Rows of up to EXPORT_CHUNK_SIZE meetings at a time, their links computed from the link tables in one query
    per chunk. Plain tuples rather than model instances: building hundreds of thousands would cost more."""
    home = settings.HOME_COUNTRY
    url_head, url_tail = url_parts(request)
    fields = ("pk", "held_on", "date_precision", "status", "kind", "title", "place")
    rows = meetings.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    while chunk := list(islice(rows, EXPORT_CHUNK_SIZE)):
        links = digests.compute([row[0] for row in chunk], meetings.db)
        lines = []
        for pk, held_on, precision, status, kind, title, place in chunk:
            digest = links[pk]
            # The home country, when it is a guest, comes after the partners proper.
            guests = sorted(digest.partners, key=lambda code: (code == home, code))
            counterparts = sorted(code for code in (digest.host, *digest.partners) if code and code != home)
            lines.append(
                [
                    pk,
                    held_on.isoformat(),
                    precision,
                    status,
                    kind,
                    spreadsheet_safe(title),
                    digest.host,
                    "; ".join(guests),
                    "; ".join(counterparts),
                    spreadsheet_safe(digest.participants),
                    "; ".join(digest.sectors),
                    spreadsheet_safe(place),
                    f"{url_head}{pk}{url_tail}",
                ]
            )
        yield lines


def written(request: HttpRequest, meetings: QuerySet[Meeting]) -> Iterator[bytes]:
    # One piece per chunk of meetings: the response sends each, so per-line pieces would cost per line.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)
    for rows in python_rows(request, meetings):
        writer.writerows(rows)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


@login_required
def meeting_export(request: HttpRequest) -> HttpResponse:
    """The filtered meetings as CSV, streamed so memory stays flat however many rows match.

    UTF-8 with a byte-order mark: Excel, which most ministry staff open CSV files with, otherwise reads the file as
    a legacy code page and garbles accented names; Python's "utf-8-sig", pandas and LibreOffice read the mark fine.
    """
    filterset = MeetingFilter(request.GET or None, queryset=Meeting.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        message = "\n".join([_("The export was not made: fix these parameters."), *form_error_messages(filterset.form)])
        return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")
    meetings = filterset.qs
    body = copied if digests.kept(meetings.db) else written
    response = StreamingHttpResponse(chain([header()], body(request, meetings)), content_type="text/csv; charset=utf-8")
    filename = f"meetings-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
