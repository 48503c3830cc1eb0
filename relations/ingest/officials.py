"""Which known official a name in news text refers to: "Muhammad Herindra" is "M. Herindra".

Names are compared token by token after dropping honorifics and ranks, so an initial matches its full name and
extra middle names do not count against a match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

from relations.models import Official

MATCH_THRESHOLD = 90.0
TOKEN_SIMILARITY = 85.0
HONORIFICS = frozenset(
    [
        "he",
        "h",
        "e",
        "his",
        "her",
        "excellency",
        "yang",
        "mulia",
        "ym",
        "mr",
        "mrs",
        "ms",
        "miss",
        "sir",
        "madam",
        "dr",
        "drs",
        "ir",
        "prof",
        "bapak",
        "pak",
        "ibu",
        "bu",
        "haji",
        "hj",
        "h",
        "jenderal",
        "jend",
        "letjen",
        "mayjen",
        "brigjen",
        "laksamana",
        "laksdya",
        "laksda",
        "laksma",
        "marsekal",
        "marsdya",
        "marsda",
        "marsma",
        "kolonel",
        "general",
        "gen",
        "lieutenant",
        "lt",
        "major",
        "maj",
        "admiral",
        "adm",
        "vice",
        "rear",
        "air",
        "marshal",
        "colonel",
        "col",
        "brigadier",
        "tni",
        "purn",
        "ret",
        "sh",
        "se",
        "mm",
        "msi",
        "mba",
        "phd",
        "ssos",
        "sip",
        "mh",
        "msc",
        "ma",
    ]
)


def name_tokens(name: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in plain if not unicodedata.combining(char)).lower()
    tokens = re.findall(r"[a-z]+", plain)
    kept = [token for token in tokens if token not in HONORIFICS]
    return kept or tokens


def name_similarity(first: str, second: str) -> float:
    """0-100: how surely two written names are the same person (initials and missing middle names allowed)."""
    a, b = name_tokens(first), name_tokens(second)
    if not a or not b:
        return 0.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    unused = list(long)
    score = whole = 0.0
    for token in short:
        best, best_index = 0.0, None
        for index, other in enumerate(unused):
            if len(token) == 1 or len(other) == 1:
                similarity = 90.0 if token[0] == other[0] else 0.0
            else:
                similarity = fuzz.ratio(token, other)
                similarity = similarity if similarity >= TOKEN_SIMILARITY else 0.0
            if similarity > best:
                best, best_index = similarity, index
        if best_index is None:
            return 0.0  # a name part with no counterpart: another person
        whole += len(token) > 1 and len(unused[best_index]) > 1
        score += best
        unused.pop(best_index)
    if not whole:
        return 0.0  # initials alone identify no one
    return score / len(short)


def match_official(
    name: str, *, country_code: str | None, officials: Iterable[Official] | None = None
) -> Official | None:
    """The known official of that country whose name or an alias best matches `name`, if any matches surely."""
    if officials is None:
        officials = Official.objects.filter(country_id=country_code) if country_code else Official.objects.all()
    best, best_key = None, (0.0, 0.0)
    for official in officials:
        for known in official.names:
            key = (name_similarity(name, known), fuzz.token_sort_ratio(name, known))
            if key > best_key:
                best, best_key = official, key
    return best if best_key[0] >= MATCH_THRESHOLD else None
