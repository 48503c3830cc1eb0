"""Countries and places named in a text, and which of them take a side in a meeting.

A country is a side when the text ties it to the meeting: an official of it, a pair ("Indonesia dan Peru",
"Japan-Philippines", "between Indonesia and Denmark"), or a word that makes it a party ("dengan Brunei",
"Delegasi ... Rusia", "visit to Indonesia"). A country only named as a topic ("the situation in Afghanistan") or
as the host of a summit the meeting was held at is not.
"""

from __future__ import annotations

import re

from relations.ingest import gazetteer
from relations.ingest.text import Document, Match, Sentence, word_set

PAIR_GAP_RE = re.compile(r"\.?\s*(?:,\s*|,?\s*(?:dan|and|&|serta|with|dengan)\s+(?:the\s+)?|\s*[-–—/]\s*)\s*")
PARTY_BEFORE = frozenset(
    {"dengan", "with", "delegasi", "delegation", "counterpart", "dubes", "kedubes", "kedutaan", "embassy"}
)
WITH = frozenset({"dengan", "with"})
# "perbatasan dengan Malaysia", "trade with China": the country is what the relation is with, not who met.
RELATION_NOUNS = word_set(
    """
    perbatasan border borders hubungan relations relationship ties perdagangan trade sengketa dispute
    disputes konflik conflict perang war ketegangan tensions
    """
)
MEETING_WORDS = word_set(
    """
    bertemu pertemuan berbicara berbincang berdiskusi dialog sidang komisi telepon met meet meeting
    meetings talks spoke call dialogue commission committee bilateral
    """
)
VISIT_BEFORE = frozenset({"ke", "to", "visiting", "visited", "visit", "visits", "mengunjungi"})
TOPIC_BEFORE = frozenset({"in", "di", "about", "on", "regarding", "tentang", "mengenai", "soal", "isu", "situasi"})
DELEGATION_RE = re.compile(r"\b(delegasi|delegation)\b", re.IGNORECASE)
TO_ATTEND_RE = re.compile(r"^\W*(?:\w+\W+){0,2}(to attend|untuk menghadiri|guna menghadiri|for the)\b", re.IGNORECASE)


# "Director General for American and European Affairs", "Bureau of African Affairs": a portfolio, not a country.
PORTFOLIO_AFTER_RE = re.compile(r"(?:\s*(?:,|and|&)\s*[A-Z][\w-]*)*\s+(?:Affairs|Studies)\b")


def find_countries(doc: Document, language: str) -> list[Match]:
    found = gazetteer.country_matcher(language).find_all(doc)
    return [
        m for m in found if not (m.value.kind == "demonym" and PORTFOLIO_AFTER_RE.match(doc.text, m.end, m.end + 80))
    ]


def find_places(doc: Document) -> list[Match]:
    return gazetteer.place_matcher().find_all(doc)


def is_visit_destination(doc: Document, mention: Match) -> bool:
    """ "visit to Indonesia", "berkunjung ke Malaysia": the country hosts, unless it only hosts an event attended."""
    tokens = doc.tokens
    previous = [t.key for t in tokens[max(0, mention.first - 2) : mention.first]]
    if not previous or previous[-1] not in VISIT_BEFORE:
        return False
    if previous[-1] == "visiting" and mention.value.kind == "demonym":
        return False  # "the visiting Chilean minister": the visitor's country, not the one visited
    if previous[-1] == "to" and (len(previous) < 2 or previous[-2] not in ("visit", "trip", "travel", "came", "flew")):
        return False
    return not TO_ATTEND_RE.match(doc.text[mention.end : mention.end + 60])


def is_event_venue(doc: Document, mention: Match) -> bool:
    """ "visiting Laos to attend the ADMM-Plus": the country is where a multilateral event took place."""
    previous = doc.tokens[mention.first - 1].key if mention.first else ""
    if previous == "visiting" and mention.value.kind == "demonym":
        return False
    return previous in VISIT_BEFORE and bool(TO_ATTEND_RE.match(doc.text[mention.end : mention.end + 60]))


def sides_in_sentence(doc: Document, sentence: Sentence, mentions: list[Match]) -> dict[str, int]:
    """Countries this sentence makes parties to a meeting, with the offset of the evidence."""
    inside = [m for m in mentions if sentence.first_token <= m.first < sentence.last_token]
    sides: dict[str, int] = {}
    tokens = doc.tokens
    listed = _long_lists(doc, sentence, inside)
    for index, mention in enumerate(inside):
        code = mention.value.code
        if is_event_venue(doc, mention):
            continue
        before = [t.key for t in tokens[max(sentence.first_token, mention.first - 3) : mention.first]]
        after = tokens[mention.last].key if mention.last < sentence.last_token else ""
        party = bool(set(before) & PARTY_BEFORE - WITH) or after in (
            "delegation",
            "delegasi",
            "counterpart",
            "side",
            "embassy",
        )
        party = party or (bool(set(before) & WITH) and _met_with(doc, sentence, mention))
        party = party or _leads_a_delegation(doc, sentence, mention)
        party = party or is_visit_destination(doc, mention)
        if not party:
            clause_start = max(doc.text.rfind(",", sentence.start, mention.start), sentence.start)
            party = bool(DELEGATION_RE.search(doc.text, clause_start, mention.start)) and mention.first - 14 < _first(
                doc, DELEGATION_RE, clause_start, mention.start
            )
        for other in (inside[index - 1] if index else None, inside[index + 1] if index + 1 < len(inside) else None):
            if other is None or other.value.code == code:
                continue
            left, right = (other, mention) if other.start < mention.start else (mention, other)
            if (
                PAIR_GAP_RE.fullmatch(doc.text[left.end : right.start])
                and not (before and before[-1] in TOPIC_BEFORE and left is mention)
                and not _dateline_dash(doc, left, right)
                and index not in listed
            ):
                party = True
        if party:
            sides.setdefault(code, mention.start)
    return sides


# What makes a list of countries the sides after all: "between ...", "the defence ministers of ...", "duta besar ...".
BETWEEN_RE = re.compile(
    r"(?:\b(?:between|among|antara)\s+(?:\w+\s+){0,2}|"
    r"\b(?:ministers|ambassadors|envoys|leaders|chiefs|delegations|representatives|officials|heads|navies|armies|"
    r"forces)\s+(?:of|from)\s+(?:the\s+)?|"
    r"\b(?:duta besar|dubes|menteri(?:\s+\w+){0,2}|menlu|menhan|delegasi|perwakilan|pemimpin|panglima|kepala staf"
    r"(?:\s+\w+){0,2}|angkatan laut|angkatan udara|angkatan darat)\s+)$",
    re.IGNORECASE,
)


def _long_lists(doc: Document, sentence: Sentence, inside: list[Match]) -> set[int]:
    """Indexes of mentions in a list of three or more countries ("offers from Turkey, Italy and Japan", "partners
    such as the US, China and Japan"): members or examples, not a pair that met, unless "between" opens it."""
    runs, run = [], [0] if inside else []
    for k in range(1, len(inside)):
        if PAIR_GAP_RE.fullmatch(doc.text[inside[k - 1].end : inside[k].start]):
            run.append(k)
        else:
            runs.append(run)
            run = [k]
    if run:
        runs.append(run)
    out = set()
    for run in runs:
        opening = doc.text[max(sentence.start, inside[run[0]].start - 40) : inside[run[0]].start]
        if len({inside[k].value.code for k in run}) >= 3 and not BETWEEN_RE.search(opening):
            out.update(run)
    return out


def _dateline_dash(doc: Document, left: Match, right: Match) -> bool:
    """ "SINGAPORE - Indonesia's minister ...": a city-state's dateline and the first word, not a pair."""
    line_start = doc.text.rfind("\n", 0, left.start) + 1
    return not doc.text[line_start : left.start].strip() and bool(
        re.fullmatch(r"\s+[-–—]\s+", doc.text[left.end : right.start])
    )


PARTY_NOUNS = frozenset({"delegation", "delegations", "team", "contingent", "side", "embassy", "mission"})


def _leads_a_delegation(doc: Document, sentence: Sentence, mention: Match) -> bool:
    """ "a Polish defence industry delegation", "the Japanese naval team": an adjective of the country and a few
    words later the group it sends."""
    if mention.value.kind != "demonym":
        return False
    tokens = doc.tokens
    for k in range(mention.last, min(mention.last + 4, sentence.last_token)):
        if doc.text[tokens[k - 1].end : tokens[k].start] not in (" ", "-"):
            return False
        if tokens[k].key in PARTY_NOUNS:
            return True
    return False


def _met_with(doc: Document, sentence: Sentence, mention: Match) -> bool:
    """ "bertemu dengan X", "pertemuan JCBC yang keempat dengan X": a meeting word shortly before "with"."""
    keys = [t.key for t in doc.tokens[max(sentence.first_token, mention.first - 10) : mention.first]]
    with_at = max(i for i, key in enumerate(keys) if key in WITH)
    if with_at and keys[with_at - 1] in RELATION_NOUNS:
        return False
    return any(key in MEETING_WORDS for key in keys[:with_at])


def _first(doc: Document, pattern: re.Pattern, start: int, end: int) -> int:
    match = pattern.search(doc.text, start, end)
    return doc.token_index_at(match.start()) if match else -(10**9)
