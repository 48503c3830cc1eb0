"""An editor's approved proposal becomes records: meetings, their sides, participants, sectors and commitments.

All of an article is written in one transaction: a failure anywhere leaves nothing behind. A meeting another
article already reported (same date, a common partner country, and no contradicting participants) gets the new
article linked and its missing facts added, instead of a second copy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from relations.ingest.officials import match_official
from relations.models import (
    Article,
    Commitment,
    Country,
    DatePrecision,
    Meeting,
    MeetingCountry,
    MeetingSector,
    Official,
    Participant,
    Position,
    Sector,
    validate_due_date,
    validate_meeting_date,
)

PARTICIPANT_ROLES = {choice.value for choice in Participant.Role}


@dataclass
class Recorded:
    meeting: Meeting
    created: bool
    new_officials: list[Official] = field(default_factory=list)


def approve_article(article: Article, meetings: list[dict]) -> list[Recorded]:
    """Write the reviewed meetings of `article` and mark it approved; raises ValidationError on bad facts."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status == Article.Status.APPROVED:
            raise ValidationError(_("This article has already been approved."))
        recorded = [record_meeting(article, facts) for facts in meetings]
        linked = [item.meeting for item in recorded]
        article.meetings.add(*linked)
        for duplicate in article.near_duplicates.all():
            duplicate.meetings.add(*linked)
        article.near_duplicates.update(status=Article.Status.APPROVED)
        article.status = Article.Status.APPROVED
        article.status_message = _("Approved: %(n)s meeting(s) recorded.") % {"n": len(linked)}
        article.proposal = {**(article.proposal or {}), "reviewed": meetings}
        article.save(update_fields=["status", "status_message", "proposal", "updated_at"])
    return recorded


def record_meeting(article: Article, facts: dict) -> Recorded:
    held_on, precision = parse_partial_date(facts.get("date"), what=_("meeting date"))
    if held_on is None:
        raise ValidationError(_("Every meeting needs a date."))
    host = country(facts.get("host_country"))
    partners = [c for c in (country(code) for code in facts.get("partner_countries") or []) if c and c != host]
    partners = list(dict.fromkeys(partners))
    if not partners:
        raise ValidationError(_("Every meeting needs at least one partner country."))
    people = resolve_officials(facts.get("officials") or [], default_country=host or partners[0], day=held_on)
    known_ids = {official.pk for official, _info in people if official.pk}
    meeting = find_reported_meeting(held_on, [c.code for c in [host, *partners] if c], known_ids)
    created = meeting is None
    if created:
        meeting = Meeting.objects.create(
            held_on=held_on,
            date_precision=precision,
            status=facts.get("status") or Meeting.Status.HELD,
            kind=facts.get("kind") or Meeting.Kind.OTHER,
            title=meeting_title(facts.get("kind"), host, partners)[:300],
            summary=facts.get("summary") or "",
            place=(facts.get("place") or "")[:300],
            venue_country=host,
        )
    elif not meeting.place and facts.get("place"):
        meeting.place = facts["place"][:300]
        meeting.save(update_fields=["place", "updated_at"])
    add_countries(meeting, host, partners + third_countries(people, [host, *partners]))
    new_officials = add_participants(meeting, people)
    add_sectors(meeting, article, facts.get("sectors") or [])
    add_commitments(meeting, facts.get("commitments") or [])
    return Recorded(meeting=meeting, created=created, new_officials=new_officials)


# --- Finding what already exists ---------------------------------------------------------------------------------


def find_reported_meeting(held_on: dt.date, country_codes: list[str], official_ids: set[int]) -> Meeting | None:
    """A meeting on the same day with a common foreign side, whose participants (if both know any) overlap."""
    foreign = set(country_codes) - {settings.HOME_COUNTRY} or set(country_codes)
    candidates = (
        Meeting.objects.filter(held_on=held_on, countries__country_id__in=foreign)
        .distinct()
        .prefetch_related("participants")
        .order_by("id")
    )
    for meeting in candidates:
        theirs = {participant.official_id for participant in meeting.participants.all()}
        if not official_ids or not theirs or official_ids & theirs:
            return meeting
    return None


def resolve_officials(officials: list[dict], *, default_country: Country, day: dt.date) -> list[tuple[Official, dict]]:
    """Each named official matched to a known one of the same country, or a new unsaved one; an unnamed one
    ("Dubes Peru") is the holder of that title on the day when exactly one is known, else left out."""
    resolved, seen = [], set()
    for info in officials:
        name = (info.get("name") or "").strip()
        side = country(info.get("country")) or default_country
        if name:
            official = match_official(name, country_code=side.code) or Official(full_name=name[:200], country=side)
        else:
            official = holder_of_title(info.get("title") or "", side, day)
            if official is None:
                continue
        key = official.pk or (official.full_name, side.code)
        if key in seen:
            continue
        seen.add(key)
        resolved.append((official, info))
    return resolved


def holder_of_title(title: str, side: Country, day: dt.date) -> Official | None:
    """The one official of `side` whose post on `day` the written title names (exactly, else most specifically)."""
    written = title.strip().lower()
    if not written:
        return None
    best: dict[int, Official] = {}
    best_length = 0
    positions = Position.objects.held_on(day).filter(official__country=side).select_related("official")
    for position in positions:
        names = {position.abbreviation.lower(), position.title_id.lower(), position.title_en.lower()} - {""}
        length = max((len(name) + 1000 * (name == written) for name in names if name in written), default=0)
        if length > best_length:
            best, best_length = {position.official_id: position.official}, length
        elif length and length == best_length:
            best[position.official_id] = position.official
    return next(iter(best.values())) if len(best) == 1 else None


def country(code: str | None) -> Country | None:
    if not code:
        return None
    found = Country.objects.filter(code=str(code).upper()).first()
    if found is None:
        raise ValidationError(_("Unknown country code: %(code)s.") % {"code": code})
    return found


# --- Adding facts ------------------------------------------------------------------------------------------------


def third_countries(people: list[tuple[Official, dict]], sides: list[Country | None]) -> list[Country]:
    """Countries of officials at the meeting that the facts do not list as sides (a third country's envoy at the
    table): a participant speaks for a side of its meeting, as the admin requires, so they become partners too.
    The home country takes part in every meeting without being listed."""
    listed = {side.code for side in sides if side} | {settings.HOME_COUNTRY}
    found = {}
    for official, _info in people:
        if official.country_id not in listed:
            found.setdefault(official.country_id, official.country)
    return list(found.values())


def add_countries(meeting: Meeting, host: Country | None, partners: list[Country]) -> None:
    present = {side.country_id: side for side in meeting.countries.all()}
    has_host = any(side.role == MeetingCountry.Role.HOST for side in present.values())
    if host and host.code not in present:
        role = MeetingCountry.Role.PARTNER if has_host else MeetingCountry.Role.HOST
        MeetingCountry.objects.create(meeting=meeting, country=host, role=role)
    for partner in partners:
        if partner.code not in present:
            MeetingCountry.objects.create(meeting=meeting, country=partner, role=MeetingCountry.Role.PARTNER)


def add_participants(meeting: Meeting, people: list[tuple[Official, dict]]) -> list[Official]:
    present = set(meeting.participants.values_list("official_id", flat=True))
    created = []
    for official, info in people:
        name = (info.get("name") or "").strip()
        if official.pk is None:
            official, made = Official.objects.get_or_create(
                full_name=official.full_name, country=official.country, defaults={"aliases": []}
            )
            if made:
                created.append(official)
        elif name and name not in official.names:
            # Remember this spelling so the next article matches it exactly.
            official.aliases = [*official.aliases, name]
            official.save(update_fields=["aliases"])
        if official.pk in present:
            continue
        present.add(official.pk)
        title = (info.get("title") or "").strip()
        role = info.get("role") if info.get("role") in PARTICIPANT_ROLES else Participant.Role.MENTIONED
        Participant.objects.create(
            meeting=meeting,
            official=official,
            position=position_held(official, meeting.held_on, title),
            side=official.country,
            role=role,
            title_as_written=title[:300],
        )
    return created


def position_held(official: Official, day: dt.date, title: str) -> Position | None:
    """The post held on the day; with several, the one the article's title names, else the most senior."""
    positions = list(Position.objects.held_on(day).filter(official=official).order_by("rank", "-started_on"))
    wanted = title.lower()
    for position in positions:
        names = {position.title_id.lower(), position.title_en.lower(), position.abbreviation.lower()} - {""}
        if wanted and any(name in wanted or wanted in name for name in names):
            return position
    return positions[0] if positions else None


def add_sectors(meeting: Meeting, article: Article, sectors: list[dict]) -> None:
    by_slug = Sector.objects.in_bulk([item.get("slug") for item in sectors if item.get("slug")], field_name="slug")
    present = set(meeting.sectors.values_list("sector_id", flat=True))
    for item in sectors:
        sector = by_slug.get(item.get("slug"))
        if sector is None or sector.pk in present:
            continue  # "other:..." labels and unknown slugs are not in the taxonomy
        present.add(sector.pk)
        MeetingSector.objects.create(
            meeting=meeting, sector=sector, evidence=item.get("evidence") or "", article=article
        )


def add_commitments(meeting: Meeting, commitments: list[dict]) -> None:
    present = {text.strip().lower() for text in meeting.commitments.values_list("description", flat=True)}
    kinds = {choice.value for choice in Commitment.Kind}
    for item in commitments:
        description = (item.get("description") or "").strip()
        if not description or description.lower() in present:
            continue
        present.add(description.lower())
        due_on, precision = parse_partial_date(item.get("due"), what=_("due date"), validate=validate_due_date)
        Commitment.objects.create(
            meeting=meeting,
            kind=item.get("kind") if item.get("kind") in kinds else Commitment.Kind.OTHER,
            description=description,
            evidence=item.get("evidence") or "",
            due_on=due_on,
            due_precision=precision,
        )


# --- Small conversions -------------------------------------------------------------------------------------------


def parse_partial_date(value, *, what: str, validate=validate_meeting_date) -> tuple[dt.date | None, str]:
    """ "2024-10-04", "2024-10" or "2024" (or a date) as the first day and its precision."""
    if not value:
        return None, DatePrecision.DAY
    text = str(value).strip()
    invalid = _("Not a valid %(what)s: %(value)s.") % {"what": what, "value": text}
    try:
        if isinstance(value, dt.date):
            day, precision = value, DatePrecision.DAY
        elif len(text) == 4:
            day, precision = dt.date(int(text), 1, 1), DatePrecision.YEAR
        elif len(text) == 7:
            day, precision = dt.date(int(text[:4]), int(text[5:7]), 1), DatePrecision.MONTH
        else:
            day, precision = dt.date.fromisoformat(text[:10]), DatePrecision.DAY
    except ValueError as exc:
        raise ValidationError(invalid) from exc
    try:
        validate(day)
    except ValidationError as exc:
        raise ValidationError(" ".join([invalid, *exc.messages])) from exc
    return day, precision


def meeting_title(kind: str | None, host: Country | None, partners: list[Country]) -> str:
    label = Meeting.Kind(kind).label if kind in Meeting.Kind.values else Meeting.Kind.OTHER.label
    sides = " – ".join(side.name_en for side in [host, *partners] if side)
    return f"{str(label)[:1].upper()}{str(label)[1:]}: {sides}"
