"""Reference data: every ISO 3166-1 country, the names news uses for them, the sector taxonomy, home organizations.

Countries come from pycountry (codes) and CLDR through Babel (names in English and Indonesian, region names); what
CLDR lacks (abbreviations, demonyms, sub-region membership, sectors) is editable data in `relations/data/`.
The functions return unsaved model instances, in an order `loaddata` can follow.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pycountry
from babel import Locale

from relations.models import Country, CountryAlias, Organization, Sector

DATA_DIR = Path(__file__).resolve().parent / "data"

_TRAILING_PARENTHESIS = re.compile(r"\s+\([^)]*\)$")


def _csv_rows(name: str) -> Iterator[dict[str, str]]:
    """The rows of a data file; lines starting with "#" are comments."""
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(line for line in handle if not line.startswith("#"))


def short_name(cldr_name: str) -> str:
    """CLDR's name without a trailing gloss: "Myanmar (Burma)" -> "Myanmar" (the full form stays an alias)."""
    return _TRAILING_PARENTHESIS.sub("", cldr_name)


def region_of() -> dict[str, str]:
    """Alpha-2 code -> English CLDR name of its UN M49 sub-region (Babel 2.18 has names but no containment)."""
    names = Locale("en").territories
    regions = {}
    for row in _csv_rows("regions.csv"):
        for code in row["countries"].split():
            if code in regions:
                raise ValueError(f"regions.csv lists {code} twice")
            regions[code] = names[row["region"]]
    return regions


def countries() -> list[Country]:
    en, id_ = Locale("en").territories, Locale("id").territories
    regions = region_of()
    return [
        Country(
            code=c.alpha_2,
            alpha3=c.alpha_3,
            name_en=short_name(en.get(c.alpha_2, c.name)),
            name_id=short_name(id_.get(c.alpha_2, c.name)),
            region=regions.get(c.alpha_2, ""),
        )
        for c in sorted(pycountry.countries, key=lambda c: c.alpha_2)
    ]


def _systematic_names(country: Country) -> Iterator[tuple[str, str]]:
    """(alias, language) pairs every country has from pycountry and CLDR."""
    iso = pycountry.countries.get(alpha_2=country.code)
    for attribute in ("name", "official_name", "common_name"):
        if value := getattr(iso, attribute, None):
            yield value, "en"
    yield Locale("en").territories.get(country.code, ""), "en"
    yield Locale("id").territories.get(country.code, ""), "id"


def country_aliases(country_list: list[Country]) -> list[CountryAlias]:
    """Every other name of each country: the systematic ones first, then relations/data/country_aliases.csv.

    A country's own display name in a language is not repeated as an alias of that language.
    """
    by_code = {c.code: c for c in country_list}
    own = {(c.code, c.name_en, "en") for c in country_list} | {(c.code, c.name_id, "id") for c in country_list}
    aliases: dict[tuple[str, str, str], CountryAlias] = {}

    def add(code: str, alias: str, language: str, kind: str) -> None:
        key = (code, alias.strip(), language)
        if alias.strip() and key not in own and key not in aliases:
            aliases[key] = CountryAlias(country=by_code[code], alias=key[1], language=language, kind=kind)

    for country in country_list:
        for alias, language in _systematic_names(country):
            add(country.code, alias, language, CountryAlias.Kind.NAME)
    for row in _csv_rows("country_aliases.csv"):
        add(row["code"], row["alias"], row["language"], row["kind"])
    return sorted(aliases.values(), key=lambda a: (a.country.code, a.language, a.alias))


def sectors() -> list[Sector]:
    """The taxonomy of relations/data/sectors.json, parents before children."""
    rows = json.loads((DATA_DIR / "sectors.json").read_text(encoding="utf-8"))
    by_slug: dict[str, Sector] = {}
    for row in rows:
        by_slug[row["slug"]] = Sector(
            slug=row["slug"],
            parent=by_slug[row["parent"]] if row["parent"] else None,
            name_en=row["name_en"],
            name_id=row["name_id"],
            keywords_en="\n".join(row["keywords_en"]),
            keywords_id="\n".join(row["keywords_id"]),
            color=row["color"],
        )
    return list(by_slug.values())


def organizations(country_list: list[Country]) -> list[Organization]:
    by_code = {c.code: c for c in country_list}
    by_name: dict[tuple[str, str], Organization] = {}
    for row in _csv_rows("organizations.csv"):
        by_name[row["name"], row["country"]] = Organization(
            name=row["name"],
            name_en=row["name_en"],
            abbreviation=row["abbreviation"],
            kind=row["kind"],
            country=by_code[row["country"]] if row["country"] else None,
            parent=by_name[row["parent"], row["country"]] if row["parent"] else None,
        )
    return list(by_name.values())


def reference_objects() -> list:
    country_list = countries()
    return [*country_list, *country_aliases(country_list), *sectors(), *organizations(country_list)]
