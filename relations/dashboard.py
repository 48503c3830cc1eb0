"""What the overview and partner-country pages fetch.

Every function runs a fixed number of queries whatever the number of meetings: counts are grouped in the database
(by month, year, sector, country) and only the aggregates come back. A partner is any country on a meeting other
than settings.HOME_COUNTRY; cancelled meetings are left out of every count.

Where the database keeps the summaries (relations/summaries.py: PostgreSQL), the counts over whole months come from
them and only the month under way is counted from the meetings (its days up to today); elsewhere every count comes
from the meetings. tests/test_summaries.py holds the two ways equal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, ExtractYear, RowNumber, TruncMonth
from django.urls import reverse

from . import charts, summaries
from .models import (
    NO_SECTOR,
    OPEN_FIRST,
    Article,
    Commitment,
    Country,
    CountryMonth,
    CountryMonthSector,
    CountryOfficial,
    Meeting,
    MeetingCountry,
    MeetingSector,
    MonthSector,
    Participant,
    Position,
    Sector,
    localized,
)

NOT_CANCELLED = ~Q(meeting__status=Meeting.Status.CANCELLED)


def home_country() -> str:
    return settings.HOME_COUNTRY


def partner_sides() -> QuerySet[MeetingCountry]:
    return MeetingCountry.objects.exclude(country_id=home_country()).filter(NOT_CANCELLED)


def summarised() -> bool:
    """Whether to read the summaries (a function, so that tests can compare both ways)."""
    return summaries.kept()


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def year_ago(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# --- Overview ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A count this year to date against the same span of last year."""

    this_year: int
    last_year: int

    @property
    def change(self) -> int:
        return self.this_year - self.last_year


def _spans(today: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    return (dt.date(today.year, 1, 1), today), (dt.date(today.year - 1, 1, 1), year_ago(today))


def overview_counts(today: dt.date) -> dict[str, Comparison]:
    """Meetings, partner countries and partner officials met, this year to date against last year's same span."""
    this, last = _spans(today)
    # The WHERE on the two years lets each count walk a date index rather than every row.
    span = (last[0], this[1])
    meetings = (
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
        .filter(held_on__range=span)
        .aggregate(this=Count("id", filter=Q(held_on__range=this)), last=Count("id", filter=Q(held_on__range=last)))
    )
    if summarised():
        partners = partner_rows(today)
        countries = {"this": sum(1 for p in partners if p.this_year), "last": sum(1 for p in partners if p.last_year)}
    else:
        countries = (
            partner_sides()
            .filter(held_on__range=span)
            .aggregate(
                this=Count("country", distinct=True, filter=Q(held_on__range=this)),
                last=Count("country", distinct=True, filter=Q(held_on__range=last)),
            )
        )
    officials = (
        Participant.objects.exclude(side_id=home_country())
        .filter(NOT_CANCELLED, meeting__held_on__range=span)
        .aggregate(
            this=Count("official", distinct=True, filter=Q(meeting__held_on__range=this)),
            last=Count("official", distinct=True, filter=Q(meeting__held_on__range=last)),
        )
    )
    return {
        "meetings": Comparison(meetings["this"], meetings["last"]),
        "countries": Comparison(countries["this"], countries["last"]),
        "officials": Comparison(officials["this"], officials["last"]),
    }


def sector_labels() -> dict[int, tuple[str, str]]:
    """Sector id -> (name in the active language, colour); one small query over the taxonomy.

    A sector without its own colour gets one from its id, so it keeps the same colour on every chart and page.
    """
    palette = charts.PALETTE
    return {
        s.pk: (s.name, s.color or palette[s.pk % len(palette)])
        for s in Sector.objects.only("name_en", "name_id", "color")
    }


def _top_sector(prefix: str = "") -> Coalesce:
    # Sub-sectors roll up into their parent so that the stack has a few broad areas.
    return Coalesce(f"{prefix}sector__parent_id", f"{prefix}sector_id")


def _whole_months(first_month: dt.date, last_day: dt.date) -> dt.date | None:
    """Where the summaries' whole months end and the meetings' own count begins (the last day's month), or None
    when the span is to be counted from the meetings alone."""
    if first_month.day != 1 or not summarised():
        return None
    return max(first_month, month_of(last_day))


def sector_counts_by_month(first_month: dt.date, last_day: dt.date) -> list[charts.PeriodCount]:
    """Meetings per month and top-level sector (a meeting on two sectors counts in both)."""
    labels = sector_labels()
    counts: dict[tuple[dt.date, int], int] = {}
    counted_from = _whole_months(first_month, last_day)
    if counted_from is not None:
        summary = MonthSector.objects.filter(month__gte=first_month, month__lt=counted_from).exclude(
            top_sector=NO_SECTOR
        )
        counts.update({(r.month, r.top_sector): r.meetings for r in summary})
    rows = (
        MeetingSector.objects.filter(
            NOT_CANCELLED, meeting__held_on__gte=counted_from or first_month, meeting__held_on__lte=last_day
        )
        .annotate(month=TruncMonth("meeting__held_on"), top=_top_sector())
        .values("month", "top")
        .annotate(n=Count("meeting", distinct=True))
        .order_by()
    )
    counts.update({(_as_date(r["month"]), r["top"]): r["n"] for r in rows})
    return [charts.PeriodCount(month, labels[top][0], n, labels[top][1]) for (month, top), n in counts.items()]


def unsectored_counts_by_month(first_month: dt.date, last_day: dt.date) -> dict[dt.date, int]:
    """Meetings per month that no sector is linked to, so the stacked chart still shows every meeting."""
    counts: dict[dt.date, int] = {}
    counted_from = _whole_months(first_month, last_day)
    if counted_from is not None:
        summary = MonthSector.objects.filter(month__gte=first_month, month__lt=counted_from, top_sector=NO_SECTOR)
        counts.update(summary.values_list("month", "meetings"))
    rows = (
        Meeting.objects.exclude(status=Meeting.Status.CANCELLED)
        .filter(held_on__gte=counted_from or first_month, held_on__lte=last_day, sectors__isnull=True)
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update({_as_date(r["month"]): r["n"] for r in rows})
    return counts


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True)
class PartnerRow:
    code: str
    alpha3: str
    name: str
    meetings: int
    last_contact: dt.date | None
    this_year: int = 0
    last_year: int = 0

    def get_absolute_url(self) -> str:
        return reverse("relations:country-detail", args=[self.code])


def partner_rows(today: dt.date) -> list[PartnerRow]:
    """Every partner country: meetings, last contact, this year's and last year's counts; most active first."""
    rows = _summarised_partner_counts(today) if summarised() else _partner_counts(today)
    countries = Country.objects.filter(code__in=[r["country_id"] for r in rows]).only("alpha3", "name_en", "name_id")
    by_code = {c.code: c for c in countries}
    return [
        PartnerRow(
            code=r["country_id"],
            alpha3=by_code[r["country_id"]].alpha3,
            name=by_code[r["country_id"]].name,
            meetings=r["n"],
            last_contact=r["last_contact"],
            this_year=r["this"],
            last_year=r["last"],
        )
        for r in rows
    ]


def _partner_counts(today: dt.date) -> list[dict]:
    this, last = _spans(today)
    # Grouped by the code alone (the names come from a second, small query): grouping by the names too made
    # PostgreSQL sort every side row. A country is on a meeting once (meeting_country_once), so counting side rows
    # counts meetings, with no DISTINCT.
    rows = list(
        partner_sides()
        .values("country_id")
        .annotate(
            n=Count("id"),
            last_contact=Max("held_on", filter=Q(held_on__lte=today)),
            this=Count("id", filter=Q(held_on__range=this)),
            last=Count("id", filter=Q(held_on__range=last)),
        )
        .order_by("-n", "country_id")
    )
    return rows


def _summarised_partner_counts(today: dt.date) -> list[dict]:
    """_partner_counts from the summaries' whole months, and from the meetings for the month under way and the same
    days of last year's month (a year to date ends within them)."""
    this, last = _spans(today)
    this_month, last_month = month_of(today), month_of(last[1])
    by_country = {
        r["country_id"]: r
        for r in CountryMonth.objects.exclude(country_id=home_country())
        .values("country_id")
        .annotate(
            n=Sum("meetings"),
            last_contact=Max("last_held_on", filter=Q(month__lt=this_month)),
            this=Coalesce(Sum("meetings", filter=Q(month__gte=this[0], month__lt=this_month)), 0),
            last=Coalesce(Sum("meetings", filter=Q(month__gte=last[0], month__lt=last_month)), 0),
        )
    }
    days = Q(meeting__held_on__range=(this_month, today))
    days_last_year = Q(meeting__held_on__range=(last_month, last[1]))
    partial = (
        partner_sides()
        .filter(days | days_last_year)
        .values("country_id")
        .annotate(
            this=Count("id", filter=days), last=Count("id", filter=days_last_year), last_day=Max("held_on", filter=days)
        )
        .order_by()
    )
    for r in partial:
        # A partner whose first meeting was committed between the two queries is in the second alone.
        row = by_country.setdefault(
            r["country_id"], {"country_id": r["country_id"], "n": r["this"], "last_contact": None, "this": 0, "last": 0}
        )
        row["this"] += r["this"]
        row["last"] += r["last"]
        row["last_contact"] = max(filter(None, (row["last_contact"], r["last_day"])), default=None)
    return sorted(by_country.values(), key=lambda r: (-r["n"], r["country_id"]))


def partner_trends(first_year: int, last_year: int) -> dict[str, list[tuple[str, int]]]:
    """Country code -> [(year, meetings)] for every year of the span, zeros included."""
    counts: dict[str, dict[int, int]] = {}
    if summarised():
        rows = (
            CountryMonth.objects.exclude(country_id=home_country())
            .filter(month__gte=dt.date(first_year, 1, 1), month__lte=dt.date(last_year, 12, 1))
            .annotate(year=ExtractYear("month"))
            .values("country_id", "year")
            .annotate(n=Sum("meetings"))
            .order_by()
        )
    else:
        rows = (
            partner_sides()
            .filter(held_on__year__gte=first_year, held_on__year__lte=last_year)
            .annotate(year=ExtractYear("held_on"))
            .values("country_id", "year")
            .annotate(n=Count("id"))  # one side row per meeting and country
            .order_by()
        )
    for r in rows:
        counts.setdefault(r["country_id"], {})[r["year"]] = r["n"]
    years = range(first_year, last_year + 1)
    return {code: [(str(y), by_year.get(y, 0)) for y in years] for code, by_year in counts.items()}


def coming_due(today: dt.date, horizon_days: int) -> Q:
    """Open, not overdue, and due by the horizon (one due this month counts until the month is over)."""
    horizon = today + dt.timedelta(days=horizon_days)
    return Q(status=Commitment.Status.OPEN, due_on__lte=horizon) & ~Commitment.overdue(today)


def commitment_summary(today: dt.date, horizon_days: int = 90) -> dict[str, int]:
    return Commitment.objects.filter(status=Commitment.Status.OPEN).aggregate(
        overdue=Count("id", filter=Commitment.overdue(today)),
        due_soon=Count("id", filter=coming_due(today, horizon_days)),
    )


def _sides_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(f"{prefix}countries", queryset=MeetingCountry.objects.select_related("country"))


def commitments_coming_due(today: dt.date, horizon_days: int = 90, limit: int = 4) -> list[Commitment]:
    """Open commitments due from today to the horizon, soonest first, with their meeting and its countries."""
    return list(_open_commitments().filter(coming_due(today, horizon_days)).order_by("due_on", "id")[:limit])


def commitments_overdue(today: dt.date, limit: int = 4) -> list[Commitment]:
    """Open commitments past their date, the most recently missed first (old ones are likely lapsed)."""
    return list(_open_commitments().filter(Commitment.overdue(today)).order_by("-due_on", "-id")[:limit])


def _open_commitments() -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(status=Commitment.Status.OPEN)
        .select_related("meeting")
        .prefetch_related(_sides_prefetch("meeting__"))
    )


def latest_meetings(today: dt.date, limit: int = 8) -> list[Meeting]:
    return list(
        Meeting.objects.filter(held_on__lte=today)
        .exclude(status=Meeting.Status.CANCELLED)
        .prefetch_related(
            _sides_prefetch(), Prefetch("sectors", queryset=MeetingSector.objects.select_related("sector"))
        )
        .order_by("-held_on", "-id")[:limit]
    )


# --- Partner country ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountrySummary:
    meetings: int
    first_contact: dt.date | None
    last_contact: dt.date | None
    this_year: int


def country_summary(code: str, today: dt.date) -> CountrySummary:
    """Counts for the page head, in one aggregate over the country's side rows (country-date index)."""
    if summarised():
        this_month = month_of(today)
        row = CountryMonth.objects.filter(country_id=code).aggregate(
            n=Coalesce(Sum("meetings"), 0),
            first=Min("first_held_on"),
            last=Max("last_held_on", filter=Q(month__lt=this_month)),
            this_year=Coalesce(Sum("meetings", filter=Q(month__year=today.year)), 0),
        )
        latest = MeetingCountry.objects.filter(
            NOT_CANCELLED, country_id=code, held_on__range=(this_month, today)
        ).aggregate(last=Max("held_on"))["last"]
        return CountrySummary(row["n"], row["first"], latest or row["last"], row["this_year"])
    row = MeetingCountry.objects.filter(NOT_CANCELLED, country_id=code).aggregate(
        n=Count("meeting"),
        first=Min("held_on"),
        last=Max("held_on", filter=Q(held_on__lte=today)),
        this_year=Count("meeting", filter=Q(held_on__year=today.year)),
    )
    return CountrySummary(row["n"], row["first"], row["last"], row["this_year"])


def country_meetings(code: str, limit: int) -> list[Meeting]:
    """The country's latest meetings (at most `limit`), with sides, sectors, participants and the best seniority.

    The latest ids come from the (country, date) index of the side rows, so the query reads `limit` rows whatever
    the partner's history; the best seniority (`best_rank`) is taken from the prefetched participants.
    """
    latest = MeetingCountry.objects.filter(country_id=code).order_by("-held_on", "-meeting_id")
    participants = Participant.objects.select_related("official", "position", "side").order_by("role", "id")
    meetings = list(
        Meeting.objects.filter(pk__in=latest.values("meeting_id")[:limit])
        .prefetch_related(
            _sides_prefetch(),
            Prefetch("sectors", queryset=MeetingSector.objects.select_related("sector", "sector__parent")),
            Prefetch("participants", queryset=participants),
        )
        .order_by("-held_on", "-id")
    )
    for meeting in meetings:
        ranks = [p.position.rank for p in meeting.participants.all() if p.position is not None]
        meeting.best_rank = min(ranks, default=None)
    return meetings


def sector_counts_by_year(code: str) -> list[charts.PeriodCount]:
    labels = sector_labels()
    if summarised():
        rows = (
            CountryMonthSector.objects.filter(country_id=code)
            .exclude(top_sector=NO_SECTOR)
            .annotate(year=ExtractYear("month"), top=F("top_sector"))
            .values("year", "top")
            .annotate(n=Sum("meetings"))
            .order_by()
        )
        return [charts.PeriodCount(r["year"], labels[r["top"]][0], r["n"], labels[r["top"]][1]) for r in rows]
    rows = (
        MeetingSector.objects.filter(NOT_CANCELLED, meeting__countries__country_id=code)
        .annotate(year=ExtractYear("meeting__held_on"), top=_top_sector())
        .values("year", "top")
        .annotate(n=Count("meeting", distinct=True))
        .order_by()
    )
    return [charts.PeriodCount(r["year"], labels[r["top"]][0], r["n"], labels[r["top"]][1]) for r in rows]


def unsectored_counts_by_year(code: str) -> dict[int, int]:
    if summarised():
        rows = (
            CountryMonthSector.objects.filter(country_id=code, top_sector=NO_SECTOR)
            .annotate(year=ExtractYear("month"))
            .values("year")
            .annotate(n=Sum("meetings"))
            .order_by()
        )
        return {r["year"]: r["n"] for r in rows}
    rows = (
        Meeting.objects.involving(code)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(~Exists(MeetingSector.objects.filter(meeting=OuterRef("pk"))))
        .annotate(year=ExtractYear("held_on"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["year"]: r["n"] for r in rows}


def officials_met(code: str, sides: tuple[str, ...], limit: int = 8) -> dict[str, list[dict]]:
    """Per side in `sides`: its officials who met most often in meetings with country `code`, with their latest title.

    Two queries whatever the sides: one pass over the participants counts per side and official and keeps each
    side's top `limit` (a window), then the titles of the officials kept are looked up (a title looked up per
    participant row before grouping cost a subquery per row).
    """
    # A participant is on a meeting once and the country once, so counting rows counts meetings.
    if summarised():
        counted = CountryOfficial.objects.filter(country_id=code, side_id__in=sides).annotate(
            n=F("meetings"), last=F("last_met")
        )
    else:
        counted = (
            Participant.objects.filter(NOT_CANCELLED, side_id__in=sides, meeting__countries__country_id=code)
            .values("side_id", "official_id")
            .annotate(n=Count("id"), last=Max("meeting__held_on"))
        )
    rows = list(
        counted.values("side_id", "official_id", "official__full_name", "n", "last")
        .annotate(
            place=Window(
                RowNumber(), partition_by=F("side_id"), order_by=[F("n").desc(), F("official__full_name").asc()]
            )
        )
        .filter(place__lte=limit)
        .order_by("side_id", "place")
    )
    titles: dict[int, str] = {}
    positions = Position.objects.filter(official_id__in={r["official_id"] for r in rows}).order_by(
        "official_id", F("started_on").desc(nulls_last=True), "-id"
    )
    for position in positions.only("official_id", "title_en", "title_id"):
        titles.setdefault(position.official_id, localized(position.title_en, position.title_id))
    by_side: dict[str, list[dict]] = {side: [] for side in sides}
    for r in rows:
        by_side[r["side_id"]].append(
            {
                "pk": r["official_id"],
                "name": r["official__full_name"],
                "title": titles.get(r["official_id"], ""),
                "meetings": r["n"],
                "last_met": r["last"],
            }
        )
    return by_side


# A partner with at most this many meetings has its commitments fetched by its meetings' ids and sorted; a busier one
# has them read in list order from commitment_open_first_idx until enough are found. PostgreSQL cannot tell the two
# apart from its statistics: it walked the index through every commitment for a partner of 500 meetings (0.4 s at 1M).
FEW_MEETINGS = 5000


def country_commitments(code: str, limit: int, meetings: int | None = None) -> list[Commitment]:
    """Open commitments first, then the most recently due; at most `limit`. `meetings`: the partner's, if known."""
    found = (
        Commitment.objects.select_related("meeting", "fulfilled_by")
        .annotate(is_settled=OPEN_FIRST)
        .order_by("is_settled", F("due_on").desc(nulls_last=True), "-id")
    )
    if meetings is not None and meetings <= FEW_MEETINGS:
        ids = list(MeetingCountry.objects.filter(country_id=code).values_list("meeting_id", flat=True))
        return list(found.filter(meeting_id__in=ids)[:limit])
    return list(found.filter(meeting__countries__country_id=code)[:limit])


def country_articles(code: str, limit: int) -> list[Article]:
    """The latest articles on the country's meetings; EXISTS, not a join + DISTINCT that sorts every linked row."""
    links = Article.meetings.through.objects.filter(article=OuterRef("pk"), meeting__countries__country_id=code)
    return list(
        Article.objects.filter(Exists(links))
        .only("title", "url", "outlet", "published_on", "language")
        .order_by(F("published_on").desc(nulls_last=True), "-id")[:limit]
    )
