"""Keyword-only makers of test rows: each test says only what it depends on."""

from __future__ import annotations

import datetime as dt
import itertools

from relations.models import (
    Article,
    Commitment,
    Country,
    CountryAlias,
    Meeting,
    MeetingCountry,
    MeetingSector,
    Official,
    Organization,
    Participant,
    Position,
    Sector,
)

_seq = itertools.count(1)


def make_country(*, code: str = "PE", name_en: str | None = None, name_id: str | None = None) -> Country:
    alpha3 = code + "X" if len(code) == 2 else code
    country, _ = Country.objects.get_or_create(
        code=code, defaults={"alpha3": alpha3, "name_en": name_en or code, "name_id": name_id or name_en or code}
    )
    return country


def make_sector(*, slug: str | None = None, parent: Sector | None = None, **fields) -> Sector:
    slug = slug or f"sector-{next(_seq)}"
    fields.setdefault("name_en", slug.replace("_", " ").title())
    fields.setdefault("name_id", fields["name_en"])
    sector, _ = Sector.objects.get_or_create(slug=slug, defaults={"parent": parent, **fields})
    return sector


def make_official(*, full_name: str | None = None, country: Country | None = None, **fields) -> Official:
    return Official.objects.create(
        full_name=full_name or f"Official {next(_seq)}", country=country or make_country(code="ID"), **fields
    )


def make_position(*, official: Official | None = None, title_en: str = "Minister of Defence", **fields) -> Position:
    fields.setdefault("title_id", title_en)
    return Position.objects.create(official=official or make_official(), title_en=title_en, **fields)


def make_meeting(
    *,
    held_on: dt.date = dt.date(2024, 10, 4),
    host: str | None = "ID",
    partners: tuple[str, ...] = ("PE",),
    sectors: tuple[Sector, ...] = (),
    **fields,
) -> Meeting:
    fields.setdefault("title", f"Meeting {next(_seq)}")
    meeting = Meeting.objects.create(held_on=held_on, **fields)
    if host:
        MeetingCountry.objects.create(meeting=meeting, country=make_country(code=host), role=MeetingCountry.Role.HOST)
    for code in partners:
        MeetingCountry.objects.create(meeting=meeting, country=make_country(code=code))
    for sector in sectors:
        MeetingSector.objects.create(meeting=meeting, sector=sector, evidence=f"About {sector.name_en}.")
    return meeting


def make_participant(*, meeting: Meeting, official: Official | None = None, **fields) -> Participant:
    official = official or make_official()
    fields.setdefault("side", official.country)
    return Participant.objects.create(meeting=meeting, official=official, **fields)


def make_article(*, text: str = "Jakarta, Jumat (4/10). A test article.", **fields) -> Article:
    return Article.objects.create(text=text, **fields)


def make_country_alias(*, country: Country | None = None, alias: str = "Peruvian", **fields) -> CountryAlias:
    fields.setdefault("language", "en")
    return CountryAlias.objects.create(country=country or make_country(), alias=alias, **fields)


def make_organization(*, name: str | None = None, country: Country | None = None, **fields) -> Organization:
    return Organization.objects.create(name=name or f"Organization {next(_seq)}", country=country, **fields)


def make_commitment(*, meeting: Meeting | None = None, description: str = "An invitation.", **fields) -> Commitment:
    return Commitment.objects.create(meeting=meeting or make_meeting(), description=description, **fields)
