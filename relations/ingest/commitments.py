"""What a meeting promised: invitations, agreements to explore, MoUs, planned visits and meetings, with a due month.

Also the events a text names (summits, exhibitions), with their month and country where the sentence says so.
"""

from __future__ import annotations

import re

from relations.ingest.dates import DateMention
from relations.ingest.text import Document, Match, Sentence

COMMITMENT_CUES = [
    # An invitation the meeting answers ("memenuhi undangan") is its occasion, not a promise: checked first.
    ("answered", re.compile(r"\b(memenuhi undangan|atas undangan|at the invitation of|accepted an invitation"
                            r")\b", re.I)),
    ("invitation", re.compile(r"\b(undangan|mengundang|diundang|invited|invitation|invites)\b", re.I)),
    ("mou", re.compile(r"\b(nota kesepahaman|MoUs?|memorandum of understanding|memorandums? of understanding|"
                       r"letter of intent|perjanjian kerja ?sama|cooperation agreement|arrangement on)\b", re.I)),
    ("explore", re.compile(r"\b(menjajaki|mengeksplorasi|eksplorasi|explore|exploring|mulled|penjajakan)\b", re.I)),
    ("planned_visit", re.compile(r"\b(akan berkunjung|akan mengunjungi|kunjungan balasan|will visit|return visit|"
                                 r"planned visit|to visit)\b", re.I)),
    ("planned_meeting", re.compile(r"\b(akan bertemu|pertemuan berikutnya|pertemuan selanjutnya|next meeting|"
                                   r"will meet|sit together|duduk bersama|look forward to resuming)\b", re.I)),
]  # fmt: skip
_PARTICLES = r"(?:(?:de|la|para|y|of|and|the|dan|on|for)\s+){0,2}"
EVENT_RE = re.compile(
    rf"(?:\b(?:KTT|Konferensi|Pameran|Sidang|Forum)\s+(?:[A-Z0-9][\w'’+-]*\s*){{1,6}}"
    rf"|(?:[A-Z0-9][\w'’+-]*\s+{_PARTICLES}){{1,9}}"
    r"(?:Summit|Conference|Exhibition|Expo|Meeting|Forum|Dialogue|Show|Leaders' Meeting)\b(?:-Plus)?"
    r"(?!\s+(?:Centre|Center|Hall|Building))"
    r"|\b(?:pertemuan|konferensi|pameran|sidang|forum|summit|meeting)\s+(?:\w+\s+){0,2}[A-Z]{3,}\b(?:-Plus)?)"
    r"(?:\s*\([A-Z][\w-]+\))?"
)
ACRONYM_EVENT_RE = re.compile(rf"((?:[A-Z][\w'’-]*\s+{_PARTICLES}){{2,14}})\(([A-Z][A-Za-z-]{{2,}})\)")
EVENT_WORDS = re.compile(r"summit|conference|exhibition|expo|meeting|forum|pameran|ktt|defen[cs]a|salon|show", re.I)
VENUE_NAME_RE = re.compile(r"\b(Centre|Center|Hall|Building|Gedung|Istana|Palace|Hotel)\b(?:\s*\([\w-]+\))?$")
EVENT_PLACE_RE = re.compile(r"^[^.;]{0,60}?\b(?:di|in|at|ke)\s+$", re.I)


def _due(mentions: list[DateMention], sentence: Sentence) -> str | None:
    for mention in mentions:
        if sentence.start <= mention.start < sentence.end and mention.resolved:
            return mention.iso
    return None


def find_commitments(doc: Document, sentences: list[Sentence], mentions: list[DateMention]) -> list[dict]:
    found = []
    for sentence in sentences:
        for kind, pattern in COMMITMENT_CUES:
            match = pattern.search(sentence.text)
            if not match:
                continue
            if kind == "answered":
                break
            found.append(
                {
                    "kind": kind,
                    "description": _shorten(sentence.text),
                    "evidence": sentence.text.strip(),
                    "due": _due(mentions, sentence),
                    "spans": [[sentence.start + match.start(), sentence.start + match.end()]],
                }
            )
            break
    return found


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def find_events(
    doc: Document, sentences: list[Sentence], mentions: list[DateMention], countries: list[Match]
) -> list[dict]:
    """Named summits, exhibitions and forums, the longest form of each, with the month and country the sentence
    gives ("... yang akan diselenggarakan di Peru pada November 2024")."""
    events: dict[str, dict] = {}
    for sentence in sentences:
        candidates = [(m.start(), m.end()) for m in EVENT_RE.finditer(sentence.text)]
        candidates += [
            (m.start(), m.end()) for m in ACRONYM_EVENT_RE.finditer(sentence.text) if EVENT_WORDS.search(m.group(1))
        ]
        for start, end in sorted(candidates, key=lambda c: c[0] - c[1]):
            name = re.sub(r"^(?:The|the|Dalam|Pada|Di|di)\s+", "", sentence.text[start:end].strip()).strip(" ,.")
            if len(name) < 6 or any(name in known for known in events) or VENUE_NAME_RE.search(name):
                continue
            place = next(
                (
                    c.value.code
                    for c in countries
                    if sentence.start + end <= c.start < sentence.end
                    and EVENT_PLACE_RE.match(doc.text[sentence.start + end : c.start])
                ),
                None,
            )
            events[name] = {
                "name": name,
                "date": _due(mentions, sentence),
                "place": place,
                "spans": [[sentence.start + start, sentence.start + end]],
            }
    return list(events.values())
