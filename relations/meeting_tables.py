"""The rows of the meetings tables (templates/relations/_meeting_table.html), written in Python.

A list page shows 30 meetings, each with its date, title, kind, place, status, partners and sectors: through the
template that was some 40 variable lookups and tag renders a row, a third of the page's rendering. The markup is the
template's (templates/relations/_meeting_rows.html keeps it as a template; tests/test_meeting_tables.py compares).
Rows come from views.meetings.table_rows, which has already worked out their links and labels.
"""

from __future__ import annotations

from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from .rendering import text

DATE_FORMATS = {"year": "Y", "month": "YEAR_MONTH_FORMAT"}


def partner_cells(meeting, home_country) -> str:
    return "".join(
        f'<div><span class="flag-code">{text(country.code)}</span>'
        f'<a href="{text(country.url)}">{text(country.name)}</a></div>'
        for country in meeting.table_countries
        if country.code != home_country
    )


def sector_cells(meeting) -> str:
    chips = "".join(
        f'<a class="chip" href="{text(sector.url)}">{text(sector.name)}</a>' for sector in meeting.table_sectors
    )
    return chips or '<span class="muted">—</span>'


def row(meeting, home_country) -> str:
    held_on = text(date_filter(meeting.held_on, DATE_FORMATS.get(meeting.date_precision, "DATE_FORMAT")))
    place = f" · {text(meeting.place)}" if meeting.place else ""
    badge = ""
    if meeting.status != "held":
        kind = " badge--due" if meeting.status == "planned" else " badge--lapsed"
        badge = f'<span class="badge{kind}">{text(meeting.status_label)}</span>'
    then = ""
    if meeting.title_then:
        then = '<div class="meta">' + gettext("As %(title)s") % {"title": text(meeting.title_then)} + "</div>"
    return (
        f'\n    <tr>\n      <td class="date">{held_on}</td>\n      <td>\n'
        f'        <a class="meeting-title" href="{text(meeting.url)}">{text(meeting.title)}</a>\n'
        f'        <div class="meta">{text(capfirst(meeting.kind_label))}{place}\n          {badge}</div>\n'
        f"        {then}\n      </td>\n"
        f'      <td class="partners">{partner_cells(meeting, home_country)}</td>\n'
        f'      <td class="sectors">{sector_cells(meeting)}</td>\n    </tr>\n  '
    )


def rows(meetings, home_country=None) -> str:
    return mark_safe("".join(row(meeting, home_country) for meeting in meetings))
