"""Cooperation areas a text discusses: the taxonomy's keywords (Sector.keywords_en/_id), with the evidence sentence.

A forum named only as the setting ("di sela-sela KTT APEC", "to attend the ASEAN ... meeting") is where the meeting
happened, not what it was about, so that mention does not count; the forum discussed elsewhere in the text does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from relations.ingest import gazetteer
from relations.ingest.text import Document, Sentence

CONTEXT_WINDOW = 8  # tokens between the activity and the subject words of a context rule
AGREEMENT_WORDS = frozenset(
    {"agreement", "arrangement", "treaty", "memorandum", "framework", "perjanjian", "persetujuan", "kesepakatan"}
)
FORUM_SLUGS = frozenset({"apec", "asean", "g20"})
SETTING_RE = re.compile(
    r"(di sela[- ]sela|di sela|disela|on the (?:side)?lines? of|on the margins? of|in conjunction with|"
    r"to attend|attending|untuk menghadiri|menghadiri|saat menghadiri|dalam rangka|bertepatan dengan|"
    r"ahead of|at the)\W+(?:\w+\W+){0,6}$",
    re.IGNORECASE,
)
# "Indonesia selalu menjadi pemain kunci ... seperti ASEAN, G-20": forums listed as examples of a role, not discussed.
EXAMPLE_LIST_RE = re.compile(r"\b(seperti|such as|antara lain|termasuk|including)\W+(?:[\w-]+\W+){0,3}$", re.IGNORECASE)


TRAFFICKING_AFTER_RE = re.compile(
    r"\s+(?:in\s+)?(?:gelap\s+)?(?:narkoba|narkotika|manusia|orang|senjata\s+ilegal|satwa|drugs?|narcotics|"
    r"people|persons|humans|wildlife|illegal\s+arms)\b",
    re.IGNORECASE,
)


# Defence ministers, chiefs of the armed forces and their attachés: when they discuss a branch of defence cooperation
# (exercises, patrols, the defence industry), the talks are about defence as a whole too.
DEFENCE_LEADER_RE = re.compile(
    r"\b(?:defen[cs]e\s+(?:minist(?:er|ers|ry)|secretary|chief|force\s+chief|attach[eé]s?)|"
    r"(?:minist(?:er|ry)|secretary|department|chief)\s+of\s+(?:the\s+)?defen[cs]e|pentagon|"
    r"(?:military|army|navy|naval|air\s+force|armed\s+forces)\s+(?:chief|commander)s?|"
    r"(?:commander|chief)\s+of\s+(?:the\s+)?(?:\w+\s+)?(?:armed\s+forces|army|navy|air\s+force|general\s+staff)|"
    r"(?:wakil\s+)?(?:menteri|kementerian|atase)\s+pertahanan|atase\s+militer|panglima|kepala\s+staf|"
    r"menhan|wamenhan|kemhan|kemenhan|mabes\s*tni)\b"
    r"|\b(?:KSAL|KSAD|KSAU|Kasal|Kasad|Kasau|Kasum|CDF)\b",
    re.IGNORECASE,
)
# A sentence that recalls what the countries have done so far ("Sebagai informasi, ...", "The two countries have long
# cooperated in ...") is background to the meeting, not what the meeting discussed.
BACKGROUND_RE = re.compile(
    r"^\W*(?:sebagai\s+informasi|sebagai\s+catatan|selama\s+ini|for\s+the\s+record|as\s+background)\b"
    r"|\b(?:ha(?:ve|s)\s+long\s+(?:cooperated|worked\s+together)|(?:telah|sudah)\s+lama\s+"
    r"(?:menjalin|bekerja\s*sama))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SectorHit:
    slug: str
    sentence: int
    start: int
    end: int
    first: int = 0  # token indexes
    last: int = 0


def find_sectors(doc: Document, sentences: list[Sentence], all_mentions: bool = False) -> list[SectorHit]:
    """Keyword hits in the given sentences, in order; a slug may occur several times.

    Unless `all_mentions`, a keyword inside a proper name ("International Trade and Exhibition Centre") and a
    forum named as the setting are left out."""
    hits = []
    matcher = gazetteer.sector_matcher()
    for sentence in sentences:
        if not all_mentions and BACKGROUND_RE.search(sentence.text):
            continue
        for match in matcher.find_all(doc, sentence.first_token, sentence.last_token):
            if all_mentions:
                hits.append(SectorHit(match.value, sentence.index, match.start, match.end, match.first, match.last))
                continue
            if _inside_proper_name(doc, sentence, match):
                continue
            if match.value == "economic_trade" and TRAFFICKING_AFTER_RE.match(doc.text, match.end):
                continue  # "perdagangan narkoba", "trade in drugs": a crime, not commerce
            before = doc.text[sentence.start : match.start]
            if match.value in FORUM_SLUGS and (SETTING_RE.search(before) or EXAMPLE_LIST_RE.search(before)):
                continue
            hits.append(SectorHit(match.value, sentence.index, match.start, match.end, match.first, match.last))
        if not all_mentions:
            hits = _context_hits(doc, sentence, hits)
    if not all_mentions:
        hits = _defence_from_its_branches(doc, sentences, hits)
    return hits


@cache
def _branches_of(parent: str) -> frozenset[str]:
    rows = json.loads((gazetteer.DATA_DIR / "sectors.json").read_text(encoding="utf-8"))
    return frozenset(row["slug"] for row in rows if row["parent"] == parent)


def _defence_from_its_branches(doc: Document, sentences: list[Sentence], hits: list[SectorHit]) -> list[SectorHit]:
    """Defence itself when a branch of it is discussed and a defence minister or armed forces chief takes part.

    Peacekeeping does not count: a contribution to a UN mission is as much the foreign ministry's subject."""
    if any(h.slug == "defence" for h in hits):
        return hits
    branches = _branches_of("defence") - {"peacekeeping"}
    branch = next((h for h in hits if h.slug in branches), None)
    if branch is None:
        return hits
    for sentence in sentences:
        leader = DEFENCE_LEADER_RE.search(sentence.text)
        if leader and not BACKGROUND_RE.search(sentence.text):
            return [*hits, SectorHit("defence", branch.sentence, branch.start, branch.end, branch.first, branch.last)]
    return hits


def _context_hits(doc: Document, sentence: Sentence, hits: list[SectorHit]) -> list[SectorHit]:
    """Sectors said by an activity word near a subject word ("kursus ... bagi perwira", "companies which produce
    small arms"); a keyword of a replaced slug near the subject takes the context's slug ("pendidikan" of officers
    is military education, not civilian)."""
    for context in gazetteer.sector_contexts():
        subjects = context.subject.find_all(doc, sentence.first_token, sentence.last_token)
        if not subjects:
            continue

        activities = [
            a
            for a in context.activity.find_all(doc, sentence.first_token, sentence.last_token)
            if _near(a.first, a.last, subjects) and not any(s.first <= a.first < s.last for s in subjects)
        ]
        if not activities:
            continue
        hits = [h for h in hits if not (h.slug in context.replaces and _near(h.first, h.last, subjects))]
        if not any(h.slug == context.slug and h.sentence == sentence.index for h in hits):
            a = activities[0]
            hits.append(SectorHit(context.slug, sentence.index, a.start, a.end, a.first, a.last))
    return hits


def summarize(doc: Document, hits: list[SectorHit]) -> list[dict]:
    """One entry per slug: the first evidence sentence and every keyword span."""
    by_slug: dict[str, dict] = {}
    for hit in hits:
        entry = by_slug.setdefault(
            hit.slug, {"slug": hit.slug, "evidence": doc.sentences[hit.sentence].text.strip(), "spans": []}
        )
        entry["spans"].append([hit.start, hit.end])
    return list(by_slug.values())


def _inside_proper_name(doc: Document, sentence: Sentence, match) -> bool:
    """A lower-case keyword written capitalised between capitalised words is part of a name."""
    tokens = doc.tokens
    written = tokens[match.first].text
    if not written[:1].isupper() or written.isupper() or match.first == sentence.first_token:
        return False
    left = tokens[match.first - 1]
    right = tokens[match.last] if match.last < sentence.last_token else None
    if any(t.key in AGREEMENT_WORDS for t in tokens[match.last : min(match.last + 3, sentence.last_token)]):
        return False  # "Comprehensive Economic Partnership Agreement": an agreement's name says what it is about
    capital_left = left.is_capitalized and left.key not in ("the",)
    capital_right = right is not None and right.is_capitalized
    connective_right = right is not None and right.key in ("and", "dan", "of") and match.last + 1 < sentence.last_token
    return capital_left and (capital_right or connective_right or tokens[match.last - 1].text[:1].isupper())


def _near(first: int, last: int, matches) -> bool:
    return any(m.first - CONTEXT_WINDOW <= last and first <= m.last + CONTEXT_WINDOW for m in matches)
