"""Meetings list and detail; sector and official pages.

Every page fetches its rows with a fixed number of queries (prefetches, not per-row lookups), pinned by tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
)
from django.db.models.functions import ExtractYear
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .. import charts, freshness
from ..digests import PARTICIPANT_ORDER
from ..filters import MeetingFilter, sector_and_descendants
from ..models import (
    Article,
    Commitment,
    Country,
    Meeting,
    MeetingCountry,
    MeetingSector,
    Official,
    Participant,
    Position,
    Sector,
    localized,
)
from ..paginators import CappedListPaginator, CappedUnionPaginator
from ..time_limits import StatementTimeout, statement_time_limit
from .dashboard import figure_data

PAGE_SIZE = 30
LATEST_MEETINGS = 15
TABLE_COUNTRIES = 15
CHART_COUNTRIES = 7


# --- Fetching ------------------------------------------------------------------------------------------------------


TABLE_COLUMNS = ["id", "held_on", "date_precision", "title", "kind", "place", "status"]


def meetings_for_list(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meeting's own columns a row of a meetings table shows (its sides and sectors come with table_rows)."""
    return queryset.only(*TABLE_COLUMNS)


@dataclass(frozen=True, slots=True)
class TableCountry:
    """A side's country as a table row shows it: read as a tuple of columns, not as two model instances."""

    code: str
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class TableSector:
    name: str
    url: str


def url_writer(viewname: str, stand_in: str | int) -> Callable[[object], str]:
    """reverse() of `viewname` with one argument, worked out once: the URL with `stand_in`, the argument written in
    (quoted as reverse() quotes it). `stand_in` must match the URL's converter and appear nowhere else in it."""
    pattern = reverse(viewname, args=[stand_in])
    stand_in = str(stand_in)
    return lambda arg: pattern.replace(stand_in, quote(str(arg), safe=RFC3986_SUBDELIMS + "/~:@"))


def table_rows(meetings: Iterable[Meeting]) -> list[Meeting]:
    """Meetings of meetings_for_list, ready for _meeting_table.html: `table_countries` (every side, partners first,
    then by name) and `table_sectors` (by name) of each, read in one query each for the page.

    Their links and labels are worked out once per page: per row, the template's get_absolute_url() calls and
    get_*_display() were a reverse() per meeting, partner and sector, and a dictionary of every choice per label.
    The sides and sectors were prefetched as model instances, with a queryset built for each meeting to hold them:
    a third of the list's Python.
    """
    meeting_url = url_writer("relations:meeting-detail", 918273645546372819)
    country_url = url_writer("relations:country-detail", "relationscountry7f3c")
    sector_url = url_writer("relations:sector-detail", "relationssector7f3c")
    kinds = dict(Meeting._meta.get_field("kind").flatchoices)
    statuses = dict(Meeting._meta.get_field("status").flatchoices)
    rows = list(meetings)
    countries: dict[int, list[TableCountry]] = {}
    sectors: dict[int, list[TableSector]] = {}
    ids = [meeting.pk for meeting in rows]
    if ids:
        sides = (
            MeetingCountry.objects.filter(meeting_id__in=ids)
            .order_by("meeting_id", "-role", "country__name_en")
            .values_list("meeting_id", "country_id", "country__name_en", "country__name_id")
        )
        for meeting_id, code, name_en, name_id in sides:
            country = TableCountry(code, localized(name_en, name_id), country_url(code))
            countries.setdefault(meeting_id, []).append(country)
        links = (
            MeetingSector.objects.filter(meeting_id__in=ids)
            .order_by("meeting_id", "sector__name_en")
            .values_list("meeting_id", "sector__slug", "sector__name_en", "sector__name_id")
        )
        for meeting_id, slug, name_en, name_id in links:
            sectors.setdefault(meeting_id, []).append(TableSector(localized(name_en, name_id), sector_url(slug)))
    for meeting in rows:
        meeting.url = meeting_url(meeting.pk)
        meeting.kind_label = kinds.get(meeting.kind, meeting.kind)
        meeting.status_label = statuses.get(meeting.status, meeting.status)
        # Only the official's page says what the official was then; elsewhere a missing attribute made the template
        # look for it the slow way (dir() of the meeting) on every row.
        meeting.__dict__.setdefault("title_then", "")
        meeting.table_countries = countries.get(meeting.pk, [])
        meeting.table_sectors = sectors.get(meeting.pk, [])
    return rows


def meeting_for_detail(pk: int) -> Meeting:
    queryset = Meeting.objects.select_related("venue_country").prefetch_related(
        Prefetch("countries", queryset=MeetingCountry.objects.select_related("country")),
        Prefetch(
            "participants",
            queryset=Participant.objects.select_related("official", "position", "side")
            .order_by(PARTICIPANT_ORDER, "id")
            .prefetch_related(Prefetch("official__positions", queryset=Position.objects.order_by("started_on"))),
        ),
        Prefetch("sectors", queryset=MeetingSector.objects.select_related("sector").order_by("sector__name_en")),
        Prefetch("commitments", queryset=Commitment.objects.select_related("fulfilled_by")),
    )
    return get_object_or_404(queryset, pk=pk)


def meeting_sources(meeting: Meeting) -> list[Article]:
    """Articles that report the meeting or hold the evidence of one of its sectors.

    The ids come from the two link tables, each read through its index on the meeting, in one union subquery: an
    OR of two EXISTS on the article made PostgreSQL scan every article.
    """
    reports = Article.meetings.through.objects.filter(meeting=meeting).values("article_id")
    evidence = MeetingSector.objects.filter(meeting=meeting, article__isnull=False).values("article_id")
    return list(
        Article.objects.filter(pk__in=reports.order_by().union(evidence.order_by()))
        .defer("proposal")
        .order_by(F("published_on").asc(nulls_last=True), "id")
    )


# --- Helpers -------------------------------------------------------------------------------------------------------


def paginate(
    request: HttpRequest, items, per_page: int | None = None, paginator_class: type[Paginator] = Paginator
) -> tuple[Page, str]:
    """The requested page, or the nearest one with a notice saying so (a stale bookmark must not fail)."""
    paginator = paginator_class(items, per_page or PAGE_SIZE)
    raw = request.GET.get("page", "1")
    try:
        page = paginator.page(raw)
    except PageNotAnInteger:
        notice = _("“%(page)s” is not a page number; showing the first page.") % {"page": raw}
        return paginator.page(1), notice
    except EmptyPage:
        if int(raw) < 1:
            return paginator.page(1), _("Pages start at 1; showing the first page.")
        last = paginator.num_pages
        notice = _("There is no page %(page)s; showing the last page, %(last)s.") % {"page": raw, "last": last}
        return paginator.page(last), notice
    if not page.object_list and page.number > 1:
        # Past a capped count the last page is not known: an empty page falls back to the first one.
        notice = _("There is no page %(page)s; showing the first page.") % {"page": raw}
        return paginator.page(1), notice
    return page, ""


def too_slow_message() -> str:
    return _(
        "This search would take too long to answer: the words are too common in this many meetings. "
        "Add a filter (a sector, a country, dates) or a less common word."
    )


def form_error_messages(form) -> list[str]:
    """Form errors as sentences naming the parameter, for the page and for a 400 response."""
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        messages.extend(f"{label} ({name}): {error}" for error in errors)
    return messages


def admin_change_url(user, meeting: Meeting) -> str | None:
    if not user.has_perm("relations.change_meeting"):
        return None
    try:
        return reverse("admin:relations_meeting_change", args=[meeting.pk])
    except NoReverseMatch:  # the admin may not register meetings
        return None


def evidence_pattern(evidence: str) -> re.Pattern | None:
    """A sentence as a pattern tolerant of line breaks and spacing that differ from the article's."""
    words = evidence.split()
    return re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE) if words else None


def highlight(text: str, passages: dict[str, Iterable[str]], prefix: str) -> tuple[SafeString, dict[str, str]]:
    """`text` escaped, with each passage found in it inside <mark>; also {passage: anchor id} for those found.

    `passages` maps each passage to the labels it supports (one evidence sentence can back several sectors).
    Every piece of the result is escaped by `escape` or `format_html`: article text is never trusted.
    """
    spans = []
    for passage, labels in passages.items():
        pattern = evidence_pattern(passage)
        match = pattern.search(text) if pattern else None
        if match:
            spans.append((match.start(), match.end(), passage, ", ".join(labels)))
    spans.sort()
    pieces: list[SafeString] = []
    anchors: dict[str, str] = {}
    cursor, anchor = 0, ""
    for start, end, passage, label in spans:
        if start < cursor:  # inside the passage marked last: point there rather than nest marks
            anchors[passage] = anchor
            continue
        anchor = f"{prefix}-{len(set(anchors.values())) + 1}"
        anchors[passage] = anchor
        pieces.append(escape(text[cursor:start]))
        pieces.append(format_html('<mark id="{}" title="{}">{}</mark>', anchor, label, text[start:end]))
        cursor = end
    pieces.append(escape(text[cursor:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces)), anchors


def title_at(participant: Participant, day: dt.date, positions: Iterable[Position] | None = None) -> str:
    """The participant's title on the day: the position recorded, else the one held then, else as written.

    `positions` are the official's, when the caller has them; otherwise the prefetched `official.positions`.
    """
    position = participant.position
    if position is None:
        candidates = participant.official.positions.all() if positions is None else positions
        held = [
            p
            for p in candidates
            if (p.started_on is None or p.started_on <= day) and (p.ended_on is None or p.ended_on >= day)
        ]
        held.sort(key=lambda p: p.started_on or dt.date.min)
        position = held[-1] if held else None
    return position.title if position else participant.title_as_written


# --- Pages ---------------------------------------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    filterset = MeetingFilter(request.GET or None, queryset=Meeting.objects.all())
    errors = [] if filterset.is_valid() or not filterset.is_bound else form_error_messages(filterset.form)
    # With a parameter in error the rows would not be what was asked for: show none, and say why.
    meetings = Meeting.objects.none() if errors else meetings_for_list(filterset.qs)
    status = 400 if errors else 200
    # Counting every match of a broad filter at 1,000,000 meetings would cost more than the page: the count stops
    # at the paginator's cap and the page says "more than".
    paginator_class = CappedListPaginator
    if filterset.text_parts and not errors:
        # Free text: count and page from the first rows of each place the words may be in, not from all matches.
        paginator_class = partial(CappedUnionPaginator, parts=filterset.text_parts, decorate=meetings_for_list)
    # Several common words at 1,000,000 meetings can cost seconds of SQL: free text runs under a time limit.
    limit = settings.MEETING_LIST_TIME_LIMIT_MS if filterset.text_parts and not errors else 0
    try:
        with statement_time_limit(limit):
            page, page_notice = paginate(request, meetings, paginator_class=paginator_class)
            page.object_list = table_rows(page.object_list)  # runs the page's queries inside the limit
    except StatementTimeout:
        errors, status = [too_slow_message()], 503
        page, page_notice = paginate(request, Meeting.objects.none(), paginator_class=CappedListPaginator)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "errors": errors,
        "too_slow": status == 503,
        "selected_official": filterset.form.cleaned_data.get("official") if filterset.is_bound else None,
        "page": page,
        "page_notice": page_notice,
        "total": page.paginator.count,
        "total_is_exact": page.paginator.count_is_exact,
        "total_is_estimate": page.paginator.count_is_estimate,
        "active_filters": len([k for k, v in request.GET.lists() if k not in ("page", "sort") and any(v)]),
        "is_filtered": any(any(v) for k, v in request.GET.lists() if k != "page"),
        "home_country": settings.HOME_COUNTRY,
    }
    # Header links: a second click on the sorted column reverses it.
    sort = context["sort"] = request.GET.get("sort") or "-date"
    context["date_sort"] = "date" if sort == "-date" else "-date"
    context["title_sort"] = "-title" if sort == "title" else "title"
    context["kind_sort"] = "-kind" if sort == "kind" else "kind"
    return render(request, "relations/meeting_list.html", context, status=status)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_detail(pk)
    participants = list(meeting.participants.all())
    for participant in participants:
        participant.title_then = title_at(participant, meeting.held_on)

    # Sides: host first, then partners; each with the participants who represented it.
    by_side = defaultdict(list)
    for participant in participants:
        by_side[participant.side_id].append(participant)
    sides = [(side.country, side.role, by_side.pop(side.country_id, [])) for side in meeting.countries.all()]
    sides.sort(key=lambda item: item[1] != MeetingCountry.Role.HOST)
    sides += [(group[0].side, "", group) for group in by_side.values()]

    # Evidence sentences marked in the article they come from (or in any source when no article is named).
    links = list(meeting.sectors.all())
    articles = meeting_sources(meeting)
    located: dict[int, str] = {}
    for article in articles:
        passages: dict[str, list[str]] = defaultdict(list)
        for link in links:
            if link.evidence and link.pk not in located and link.article_id in (None, article.pk):
                passages[link.evidence].append(link.sector.name)
        article.highlighted, anchors = highlight(article.text, passages, f"evidence-{article.pk}")
        for link in links:
            if link.pk not in located and link.evidence in anchors and link.article_id in (None, article.pk):
                located[link.pk] = anchors[link.evidence]
    for link in links:
        link.anchor = located.get(link.pk, "")

    context = {
        "meeting": meeting,
        "sides": sides,
        "sector_links": links,
        "commitments": list(meeting.commitments.all()),
        "articles": articles,
        "today": timezone.localdate(),
        "edit_url": admin_change_url(request.user, meeting),
    }
    return render(request, "relations/meeting_detail.html", context)


def year_country_table(sector_ids: set[int]) -> dict:
    """Meetings per year and partner country for the sectors, cancelled ones left out: the sector page's table."""
    in_sectors = MeetingSector.objects.filter(sector_id__in=sector_ids)
    counts = (
        MeetingCountry.objects.filter(Exists(in_sectors.filter(meeting=OuterRef("meeting"))))
        .exclude(country_id=settings.HOME_COUNTRY)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values("country_id", year=ExtractYear("held_on"))
        .annotate(count=Count("id"))
        .order_by()
    )
    per_year = (
        Meeting.objects.filter(Exists(in_sectors.filter(meeting=OuterRef("pk"))))
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(year=ExtractYear("held_on"))
        .values("year")
        .annotate(count=Count("id"))
        .order_by()
    )
    totals = {row["year"]: row["count"] for row in per_year}
    cells: dict[str, dict[int, int]] = defaultdict(dict)
    for row in counts:
        cells[row["country_id"]][row["year"]] = row["count"]
    years = list(range(min(totals), max(totals) + 1)) if totals else []
    countries = Country.objects.in_bulk(list(cells))
    rows = [
        {
            "country": countries[code],
            "counts": [by_year.get(year, 0) for year in years],
            "total": sum(by_year.values()),
        }
        for code, by_year in cells.items()
    ]
    rows.sort(key=lambda row: (-row["total"], row["country"].name))
    # The table keeps the leading partners; the rest are summed in one row (the meetings list has them all).
    shown, rest = rows[:TABLE_COUNTRIES], rows[TABLE_COUNTRIES:]
    other = None
    if rest:
        other = {
            "countries": len(rest),
            "counts": [sum(row["counts"][i] for row in rest) for i in range(len(years))],
            "total": sum(row["total"] for row in rest),
        }
    return {
        "years": years,
        "rows": shown,
        "other": other,
        "all_rows": rows,
        "totals": [totals.get(year, 0) for year in years],
        "total": sum(totals.values()),
    }


def year_country_figure(table: dict) -> dict | None:
    """Meetings per year stacked by partner country (the leading ones, the rest as one series)."""
    if not table["all_rows"]:
        return None
    counts = [
        charts.PeriodCount(year, row["country"].name, count)
        for row in table["all_rows"]
        for year, count in zip(table["years"], row["counts"], strict=True)
        if count
    ]
    stack = charts.stack_by_sector(counts, table["years"], top=CHART_COUNTRIES, other_label=_("Other countries"))
    return figure_data(charts.stacked_bars(stack, y_title=_("Meetings"), monthly=False))


SLUG_LENGTH = Sector._meta.get_field("slug").max_length


@login_required
def sector_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if len(slug) > SLUG_LENGTH:
        raise Http404  # no sector has such a slug: refused before the cache
    # An unknown slug raises Http404 inside and caches nothing. No day in the key, unlike the partner page's: nothing
    # on this page is counted "to date".
    page = freshness.cached(("sector-page", slug), lambda: _sector_page(slug))
    return render(request, "relations/sector_detail.html", {**page, "body": mark_safe(page["body"])})


def _sector_page(slug: str) -> dict:
    """The sector page's body, cached as HTML until the next write: its table counts every meeting of the sector and
    its sub-sectors per year and partner (1.6 s of SQL for a busy sector at 1,000,000 meetings)."""
    sector = get_object_or_404(Sector.objects.select_related("parent"), slug=slug)
    sector_ids = sector_and_descendants([sector])
    in_sectors = MeetingSector.objects.filter(meeting=OuterRef("pk"), sector_id__in=sector_ids)
    latest = table_rows(meetings_for_list(Meeting.objects.filter(Exists(in_sectors)))[:LATEST_MEETINGS])
    table = year_country_table(sector_ids)
    figure = year_country_figure(table)
    context = {
        "sector": sector,
        "children": list(sector.children.order_by("name_en")),
        "table": table,
        "figure": figure,
        "latest": latest,
        "home_country": settings.HOME_COUNTRY,
    }
    return {
        "title": sector.name,
        "has_figure": figure is not None,
        "body": render_to_string("relations/_sector_body.html", context),
    }


@login_required
def official_detail(request: HttpRequest, pk: int) -> HttpResponse:
    official = get_object_or_404(Official.objects.select_related("country"), pk=pk)
    positions = official.positions.select_related("organization").order_by(
        F("started_on").desc(nulls_last=True), "title_en"
    )
    meetings = meetings_for_list(
        Meeting.objects.filter(Exists(Participant.objects.filter(meeting=OuterRef("pk"), official=official)))
    ).prefetch_related(
        Prefetch(
            "participants",
            queryset=Participant.objects.filter(official=official).select_related("position"),
            to_attr="as_official",
        )
    )
    page, page_notice = paginate(request, meetings)
    page.object_list = table_rows(page.object_list)
    positions = list(positions)
    for meeting in page:
        participant = meeting.as_official[0] if meeting.as_official else None
        meeting.title_then = title_at(participant, meeting.held_on, positions) if participant else ""
    context = {
        "official": official,
        "positions": positions,
        "page": page,
        "page_notice": page_notice,
        "home_country": settings.HOME_COUNTRY,
    }
    return render(request, "relations/official_detail.html", context)
