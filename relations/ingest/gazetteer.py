"""The word lists the extractors look up, loaded once per process: countries and sectors from the database (what
editors maintain in admin), titles, honorifics, meeting-kind cues and places from `relations/data/`.

A fresh checkout has no tables yet (the scorer runs `manage.py extract` that way): the country and sector lists are
then generated from the same sources the reference fixture is built from, so the answers are the same.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from relations.ingest.text import ANY_CASE, CAPITALIZED, EXACT, PhraseMatcher

logger = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# Country names that are also common words or given names in this kind of text.
AMBIGUOUS_NAMES = frozenset({"georgia", "chad", "guinea", "niger", "mali", "man", "jersey"})


# Long official forms in Indonesian put the state form first: "Republik Federasi Brasil", "Republik Arab Mesir".
STATE_FORMS_ID = (
    "Republik",
    "Kerajaan",
    "Republik Federasi",
    "Republik Federal",
    "Republik Arab",
    "Republik Islam",
    "Republik Sosialis",
    "Republik Bersatu",
    "Republik Demokratik",
    "Federasi",
    "Kesultanan",
    "Keamiran",
    "Negara",
    "Persemakmuran",
)


@dataclass(frozen=True, slots=True)
class CountryName:
    code: str
    kind: str  # name | abbreviation | demonym


@dataclass(frozen=True, slots=True)
class Title:
    title_en: str
    rank: int
    kind: str  # title | spokesperson


@dataclass(frozen=True, slots=True)
class SectorTerms:
    slug: str
    keywords: tuple[str, ...]


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _is_abbreviation(word: str) -> bool:
    letters = word.replace(".", "")
    return letters.isupper() and len(letters) <= 6


def _policy(word: str) -> str:
    return EXACT if _is_abbreviation(word) and " " not in word else CAPITALIZED


def _database_exists() -> bool:
    """False for a SQLite file not created yet: connecting would create it, and the extractor writes nothing."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return True
    name = str(connection.settings_dict["NAME"])
    return name == ":memory:" or "mode=memory" in name or Path(name).exists()


def _country_rows_from_database() -> list[tuple[str, str, str, str]] | None:
    from django.db import DatabaseError

    from relations.models import Country, CountryAlias

    if not _database_exists():
        return None
    try:
        countries = list(Country.objects.values_list("code", "name_en", "name_id"))
        aliases = list(CountryAlias.objects.values_list("country_id", "alias", "language", "kind"))
    except (DatabaseError, AssertionError) as exc:  # AssertionError: tests that forbid queries
        logger.debug("No country table (%s); using the generated gazetteer.", exc)
        return None
    if not countries:
        return None
    rows = [(code, name, "en", "name") for code, name, _ in countries]
    rows += [(code, name, "id", "name") for code, _, name in countries]
    return rows + aliases


def _country_rows_generated() -> list[tuple[str, str, str, str]]:
    from relations import reference

    countries = reference.countries()
    rows = [(c.code, c.name_en, "en", "name") for c in countries] + [
        (c.code, c.name_id, "id", "name") for c in countries
    ]
    rows += [(a.country.code, a.alias, a.language, a.kind) for a in reference.country_aliases(countries)]
    return rows


@lru_cache(maxsize=2)
def country_matcher(language: str) -> PhraseMatcher:
    """Names, abbreviations and demonyms of every country; abbreviations only of the text's language."""
    rows = _country_rows_from_database() or _country_rows_generated()
    entries = []
    for code, alias, alias_language, kind in rows:
        for variant in _name_variants(alias, alias_language):
            if variant.lower() in AMBIGUOUS_NAMES:
                continue
            abbreviation = _is_abbreviation(variant) and " " not in variant
            if abbreviation and alias_language != language:
                continue
            entries.append((variant, CountryName(code, "abbreviation" if abbreviation else kind), _policy(variant)))
    return PhraseMatcher(entries)


def _name_variants(alias: str, language: str) -> list[str]:
    """ "Myanmar (Burma)" gives both names; a country name gives its "Republic of"/"Republik" forms too."""
    names = [part.strip() for part in re.split(r"[()]", alias) if part.strip()]
    if "," in alias:  # pycountry's "Korea, Republic of"
        names = [alias.split(",")[0].strip()] if "Republic" not in alias else []
    out = list(names)
    if language == "id" and names:
        out += [f"{form} {names[0]}" for form in STATE_FORMS_ID]
    return out


@lru_cache(maxsize=1)
def place_matcher() -> PhraseMatcher:
    """Capitals and other cities that tell which country a meeting was held in."""
    return PhraseMatcher((row["place"], row["code"], CAPITALIZED) for row in _rows("places.csv"))


@lru_cache(maxsize=1)
def title_matcher() -> PhraseMatcher:
    entries = []
    for row in _rows("titles.csv"):
        if row["kind"] in ("title", "spokesperson"):
            term = row["term"]
            # Titles may be written in lower case in both languages ("menteri luar negeri Malaysia", "defense
            # minister Prabowo"), but "under Secretary X's leadership" is a preposition, not an Under Secretary.
            policy = EXACT if _is_abbreviation(term) and " " not in term else ANY_CASE
            if row["language"] == "en" and policy == ANY_CASE and term.lower().startswith("under "):
                policy = CAPITALIZED
            entries.append((term, Title(row["title_en"], int(row["rank"] or 5), row["kind"]), policy))
    return PhraseMatcher(entries)


@lru_cache(maxsize=1)
def honorific_matcher() -> PhraseMatcher:
    """Ranks and honorifics; the value ends in "." when only the abbreviated form with its full stop is one
    ("Gen." is General, "Gen Nakatani" is a given name)."""
    terms = [row["term"] for row in _rows("titles.csv") if row["kind"] == "honorific"]
    undotted = {t.lower() for t in terms if not t.endswith(".")}
    return PhraseMatcher(
        (t, t if t.endswith(".") and t[:-1].lower() not in undotted else t.rstrip("."), _policy(t)) for t in terms
    )


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    """Every word of every title: what may continue a title before the name starts ("for Maritime Affairs")."""
    from relations.ingest.text import phrase_key

    words = set()
    for row in _rows("titles.csv"):
        if row["kind"] != "honorific":
            words.update(phrase_key(row["term"]))
            words.update(phrase_key(row["title_en"]))
    for row in _rows("organizations.csv"):
        words.update(phrase_key(row["name"]))
        words.update(phrase_key(row["name_en"]))
        words.update(phrase_key(row["abbreviation"]))
    return frozenset(words)


@lru_cache(maxsize=2)
def kind_matcher() -> PhraseMatcher:
    return PhraseMatcher(
        (row["cue"], (row["kind"], int(row["tier"])), _policy(row["cue"]) if _is_abbreviation(row["cue"]) else ANY_CASE)
        for row in _rows("kinds.csv")
    )


def _spelling_variants(keyword: str) -> set[str]:
    """British and American spellings and the joined Indonesian "kerjasama", so editors need not list each."""
    variants = {keyword}
    for a, b in (("defence", "defense"), ("isation", "ization"), ("kerja sama", "kerjasama"), ("ise ", "ize ")):
        for v in list(variants):
            variants.add(v.replace(a, b))
            variants.add(v.replace(b, a))
    for v in list(variants):
        if v[-1:].isalpha() and v[-1:].islower() and not v.endswith("s"):
            variants.add(v + "s")  # "military exercise" also finds "military exercises"
    return variants


def _sector_rows_from_database() -> list[tuple[str, list[str]]] | None:
    from django.db import DatabaseError

    from relations.models import Sector

    if not _database_exists():
        return None
    try:
        sectors = list(Sector.objects.all())
    except (DatabaseError, AssertionError):
        return None
    if not sectors:
        return None
    return [(s.slug, s.keywords("en") + s.keywords("id")) for s in sectors]


def _sector_rows_generated() -> list[tuple[str, list[str]]]:
    from relations import reference

    return [(s.slug, s.keywords("en") + s.keywords("id")) for s in reference.sectors()]


@lru_cache(maxsize=1)
def sector_matcher() -> PhraseMatcher:
    rows = _sector_rows_from_database() or _sector_rows_generated()
    entries = []
    for slug, keywords in rows:
        for keyword in keywords:
            for variant in _spelling_variants(keyword.strip()):
                entries.append((variant, slug, CAPITALIZED if _is_abbreviation(variant) else ANY_CASE))
    return PhraseMatcher(entries)


@dataclass(frozen=True, slots=True)
class SectorContext:
    """A sector said by two kinds of word near each other rather than by one phrase (sector_context.json)."""

    slug: str
    activity: PhraseMatcher
    subject: PhraseMatcher
    replaces: frozenset[str]


@lru_cache(maxsize=1)
def sector_contexts() -> tuple[SectorContext, ...]:
    rows = json.loads((DATA_DIR / "sector_context.json").read_text(encoding="utf-8"))

    def matcher(words: list[str]) -> PhraseMatcher:
        return PhraseMatcher((w, w, EXACT if _is_abbreviation(w) else ANY_CASE) for w in words)

    return tuple(
        SectorContext(row["slug"], matcher(row["activity"]), matcher(row["subject"]), frozenset(row["replaces"]))
        for row in rows
    )


_fingerprint: tuple | None = None


def reference_fingerprint() -> tuple | None:
    """What changes when editors change countries, aliases or sectors: the newest history row of each (admin edits)
    and the row counts (fixtures and bulk loads write no history). None when the database cannot be read."""
    from django.db import DatabaseError, connection

    if not _database_exists():
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(_fingerprint_sql(connection.vendor))
            return tuple(cursor.fetchone())
    except (DatabaseError, AssertionError):
        return None


@lru_cache(maxsize=4)
def _fingerprint_sql(vendor: str) -> str:
    """One statement for the six figures: a worker asks before every article, and six ORM queries (each building
    simple_history's manager class anew) cost a quarter of a task's time."""
    from django.db import connection

    from relations.models import Country, CountryAlias, Sector

    quote = connection.ops.quote_name
    models = (Country, CountryAlias, Sector)
    histories = [m.history.model._meta for m in models]
    figures = [f"(SELECT MAX({quote(h.pk.column)}) FROM {quote(h.db_table)})" for h in histories]
    figures += [f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models]
    return "SELECT " + ", ".join(figures)


def refresh_if_changed() -> None:
    """Reload the lists in a long-lived process (a Celery worker) once the reference data has changed."""
    global _fingerprint
    current = reference_fingerprint()
    if current is not None and current != _fingerprint:
        clear_caches()
        _fingerprint = current


def clear_caches() -> None:
    """Forget loaded lists, e.g. after editors changed countries or sectors (tests call this too)."""
    for loader in (country_matcher, place_matcher, title_matcher, honorific_matcher, title_words, kind_matcher):
        loader.cache_clear()
    sector_matcher.cache_clear()
    sector_contexts.cache_clear()
