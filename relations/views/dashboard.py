"""Overview and partner-country pages: parse the request, ask relations.dashboard, build figures, render."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .. import charts, dashboard, freshness
from ..models import Country, Meeting

OVERVIEW_MONTHS = (12, 24, 36, 60)
DEFAULT_MONTHS = 24
DATE_FORMATS = {"month": "YEAR_MONTH_FORMAT", "year": "Y"}
# A partner page stays light whatever the partner's history: the meetings list has the rest.
TIMELINE_LIMIT = 300
LIST_LIMIT = 30
TREND_YEARS = 6
COUNTRY_SORTS = {
    "meetings": lambda row: (-row.meetings, row.name),
    "name": lambda row: row.name.casefold(),
    "last": lambda row: (-(row.last_contact or dt.date.min).toordinal(), row.name),
}


def figure_data(fig) -> dict:
    """The figure as plain JSON data for `json_script` (which escapes it for a <script> element)."""
    return json.loads(fig.to_json())


def _months_back(today: dt.date, months: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def _choice(request: HttpRequest, name: str, allowed, default):
    """A query parameter if it is one of `allowed`, else the default: a bad parameter never fails the page."""
    raw = request.GET.get(name, "")
    for value in allowed:
        if raw == str(value):
            return value
    return default


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    months = _choice(request, "months", OVERVIEW_MONTHS, DEFAULT_MONTHS)
    page = cached_overview_page(today, months)
    return render(request, "relations/overview.html", {**page, "months": months, "body": mark_safe(page["body"])})


def cached_overview_page(today: dt.date, months: int) -> dict:
    """The overview's page data under the current data version (relations/warming.py computes it ahead)."""
    return freshness.cached(("overview-page", today, months), lambda: _overview_page(today, months))


def _overview_page(today: dt.date, months: int) -> dict:
    """The overview's figures and its rendered body: the costly part of the page, cached until the next write.

    The few figures a reader may want without parsing HTML (counts, top partners; the tests read them) come back
    as data beside the body.
    """
    first_month = _months_back(today, months)
    sector_counts = dashboard.sector_counts_by_month(first_month, today)
    periods = charts.month_range(first_month, today)
    stack = charts.stack_by_sector(sector_counts, periods, other_label=_("Other sectors"))
    stack.add(_("No sector recorded"), charts.NONE_COLOUR, dashboard.unsectored_counts_by_month(first_month, today))
    partners = dashboard.partner_rows(today)
    map_rows = [charts.CountryCount(p.alpha3, p.name, p.meetings) for p in partners]
    context = {
        "today": today,
        "this_year": today.year,
        "last_year": today.year - 1,
        "counts": dashboard.overview_counts(today),
        "months": months,
        "month_choices": OVERVIEW_MONTHS,
        "stack": stack,
        "monthly_figure": figure_data(charts.stacked_bars(stack, y_title=_("Meetings"))) if stack.series else None,
        "map_figure": figure_data(charts.world_map(map_rows, colorbar_title=_("Meetings"))) if map_rows else None,
        "partners": partners,
        "top_partners": partners[:10],
        "top_partner_peak": partners[0].meetings if partners else 0,
        "commitment_summary": dashboard.commitment_summary(today),
        "commitments_due": dashboard.commitments_coming_due(today),
        "commitments_overdue": dashboard.commitments_overdue(today),
        "latest_meetings": dashboard.latest_meetings(today),
        "home_country": settings.HOME_COUNTRY,
    }
    return {
        "counts": context["counts"],
        "commitment_summary": context["commitment_summary"],
        "top_partners": context["top_partners"],
        "body": render_to_string("relations/_overview_body.html", context),
    }


@login_required
def country_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sort = _choice(request, "sort", COUNTRY_SORTS, "meetings")
    body = freshness.cached(("country-list-page", today, sort), lambda: _country_list_body(today, sort))
    return render(request, "relations/country_list.html", {"sort": sort, "body": mark_safe(body)})


def _country_list_body(today: dt.date, sort: str) -> str:
    """The country list's rendered body, cached until the next write."""
    first_year = today.year - TREND_YEARS + 1
    trends = dashboard.partner_trends(first_year, today.year)
    empty_trend = [(str(y), 0) for y in range(first_year, today.year + 1)]
    rows = sorted(dashboard.partner_rows(today), key=COUNTRY_SORTS[sort])
    countries = [(row, charts.spark_bars(trends.get(row.code, empty_trend))) for row in rows]
    context = {
        "countries": countries,
        "sort": sort,
        "first_year": first_year,
        "this_year": today.year,
        "last_year": today.year - 1,
    }
    return render_to_string("relations/_country_list_body.html", context)


@login_required
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code.isascii() and code.isalpha() and code != code.upper():
        return redirect("relations:country-detail", code=code.upper(), permanent=True)
    if len(code) != 2 or not code.isascii() or not code.isalnum():
        raise Http404  # not a code any country could have; and no such key reaches the cache
    today = timezone.localdate()
    # An unknown code raises Http404 inside and caches nothing; a known one is not even looked up when warm.
    page = cached_country_page(code, today)
    return render(request, "relations/country_detail.html", {**page, "body": mark_safe(page["body"])})


def cached_country_page(code: str, today: dt.date) -> dict:
    """A partner page's data under the current data version (relations/warming.py computes the busiest ahead)."""
    return freshness.cached(("country-page", code, today), lambda: _country_page(code, today))


def _country_page(code: str, today: dt.date) -> dict:
    """The partner page's figures and its rendered body, cached until the next write.

    The body is cached as HTML, not as model instances: a warm request then costs a cache read, not the unpickling,
    drawing and rendering of hundreds of meetings. The title, the head's summary and the officials come back as data.
    """
    country = get_object_or_404(Country, code=code)
    summary = dashboard.country_summary(code, today)
    meetings = dashboard.country_meetings(code, limit=TIMELINE_LIMIT)
    # From the first meeting to this year, so that a quiet recent period shows as such.
    years = list(range(summary.first_contact.year, today.year + 1)) if summary.first_contact else []
    stack = charts.stack_by_sector(dashboard.sector_counts_by_year(code), years, top=7, other_label=_("Other sectors"))
    stack.add(_("No sector recorded"), charts.NONE_COLOUR, dashboard.unsectored_counts_by_year(code))
    points = [_timeline_point(m) for m in meetings]
    lanes = [capfirst(str(label)) for value, label in Meeting.Kind.choices if any(m.kind == value for m in meetings)]
    commitments = dashboard.country_commitments(code, limit=LIST_LIMIT + 1, meetings=summary.meetings)
    articles = dashboard.country_articles(code, limit=LIST_LIMIT + 1)
    officials = dashboard.officials_met(code, sides=(code, settings.HOME_COUNTRY))
    context = {
        "country": country,
        "today": today,
        "summary": summary,
        "meetings": meetings,
        "timeline_is_partial": len(meetings) == TIMELINE_LIMIT,
        "timeline_figure": figure_data(charts.timeline(points, lanes=lanes, until=today)) if points else None,
        "timeline_height": max(220, 90 + 46 * len(lanes)),
        "stack": stack,
        "sector_figure": figure_data(charts.stacked_bars(stack, y_title=_("Meetings"), monthly=False))
        if stack.series
        else None,
        "their_officials": officials[code],
        "our_officials": officials[settings.HOME_COUNTRY],
        "commitments": commitments[:LIST_LIMIT],
        "more_commitments": len(commitments) > LIST_LIMIT,
        "articles": articles[:LIST_LIMIT],
        "more_articles": len(articles) > LIST_LIMIT,
        "list_limit": LIST_LIMIT,
        "is_home": code == settings.HOME_COUNTRY,
    }
    return {
        "title": country.name,
        "summary": summary,
        "their_officials": context["their_officials"],
        "our_officials": context["our_officials"],
        "body": render_to_string("relations/_country_body.html", context),
    }


def _timeline_point(meeting: Meeting) -> charts.TimelinePoint:
    links = list(meeting.sectors.all())
    if links:
        sector = links[0].sector.parent or links[0].sector
        group, colour = sector.name, sector.color or charts.PALETTE[sector.pk % len(charts.PALETTE)]
    else:
        group, colour = _("No sector recorded"), charts.NONE_COLOUR
    if meeting.status == Meeting.Status.CANCELLED:
        group, colour = _("Cancelled"), charts.OTHER_COLOUR
    return charts.TimelinePoint(
        held_on=meeting.held_on,
        title=meeting.title,
        lane=capfirst(str(meeting.get_kind_display())),
        group=str(group),
        colour=colour,
        rank=meeting.best_rank,
        participants=[_participant_label(p) for p in meeting.participants.all()],
        url=meeting.get_absolute_url(),
        date_label=formats.date_format(meeting.held_on, DATE_FORMATS.get(meeting.date_precision, "DATE_FORMAT")),
        planned=str(meeting.get_status_display()) if meeting.status == Meeting.Status.PLANNED else "",
    )


def _participant_label(participant) -> str:
    title = participant.position.title if participant.position else participant.title_as_written
    name = participant.official.full_name
    label = f"{name}, {title}" if title else name
    return f"{label} ({participant.side_id})"
