"""What kind of meeting a text reports, from the cue words of relations/data/kinds.csv.

Tier 1 cues name a format outright (2+2, joint commission, phone call) and win wherever they are; in the sentence
that reports the meeting, tier 2 (courtesy call, state visit, bilateral meeting) beats tier 3, the generic words
(visit, meeting, "menerima kunjungan"), earliest first; tier 4 (signing) counts only when nothing else is said, since
texts often recall agreements signed before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relations.ingest import gazetteer
from relations.ingest.text import Document, Sentence

# "visiting Laos to attend the summit": a visit to the venue of a multilateral event is not the meeting's kind.
VISIT_TO_EVENT_RE = re.compile(r"^\W*(?:\w+\W+){0,3}(to attend|untuk menghadiri|for the|guna menghadiri)\b", re.I)


# "agreed to hold the first Joint Working Group later this year", "Komite Bersama yang akan digelar": a cue in a
# sentence about a future event names that event, not the meeting the article reports as held.
FUTURE_EVENT_RE = re.compile(
    r"\b(akan|dijadwalkan|direncanakan|rencananya|mendatang|tahun depan|berikutnya|will|to hold|to be held|"
    r"to convene|later this year|next year|next month|upcoming|is scheduled|are scheduled|is expected|are expected|"
    r"persiapan|preparations? for|preparing for)\b",
    re.IGNORECASE,
)


# "hasil pertemuan Joint Border Committee yang telah dilaksanakan pada April lalu": a format recalled from the past.
RECALLED_EVENT_RE = re.compile(
    r"\b((?:telah|sudah) (?:dilaksanakan|digelar|diadakan|berlangsung)|"
    r"(?:januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|tahun|bulan) lalu|"
    r"previous|previously|last year|last month|earlier this year|(?:in|pada|tahun) (?:19|20)\d\d)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class KindCue:
    kind: str
    tier: int
    sentence: int
    start: int
    end: int


# A named joint body with words between ("Joint Defence Cooperation Committee", "Komisi Bersama Kerja Sama ..."
# is already matched by its first two words).
JOINT_BODY_RE = re.compile(r"\bJoint(?:[ -][A-Z][\w-]*){0,4} (Committee|Commission)\b")


def find_cues(doc: Document, sentences: list[Sentence]) -> list[KindCue]:
    """Every cue, overlapping ones too: "menerima kunjungan kenegaraan" is both a visit received and a state visit."""
    cues = []
    matcher = gazetteer.kind_matcher()
    for sentence in sentences:
        for body in JOINT_BODY_RE.finditer(sentence.text):
            kind = "joint_committee" if body.group(1) == "Committee" else "joint_commission"
            start = sentence.start + body.start()
            cues.append(KindCue(kind, 1, sentence.index, start, sentence.start + body.end()))
        for i in range(sentence.first_token, sentence.last_token):
            match = matcher.match_at(doc, i, sentence.last_token)
            if match is None:
                continue
            kind, tier = match.value
            if kind == "visit" and VISIT_TO_EVENT_RE.match(doc.text[match.end : match.end + 60]):
                continue
            cues.append(KindCue(kind, tier, sentence.index, match.start, match.end))
    return cues


# A trip is the frame, not the meeting: "during the visit, the admiral called on his counterpart", "kunjungan kerja
# ke Seoul ... Dalam pertemuan bilateral tersebut". A named call or bilateral meeting inside it says what the meeting
# with the counterpart was.
MEETING_WITHIN_TRIP = {"courtesy_call", "bilateral_meeting"}


def choose_kind(cues: list[KindCue], main_sentence: int | None) -> KindCue | None:
    """A format named anywhere; else the strongest cue of the main sentence; else the strongest, earliest cue.

    Two refinements: a generic visit gives way to a named call or bilateral meeting (tier 2) within it; and a
    signing that the first sentence with any cue reports, alone, is the meeting's kind (a lead saying "X signed a
    memorandum with Y" is about a signing, whatever the later sentences call the trip).
    """
    if not cues:
        return None
    first_tier = [c for c in cues if c.tier == 1]
    if first_tier:
        return first_tier[0]
    in_main = [c for c in cues if c.sentence == main_sentence]
    if not in_main:
        lead = [c for c in cues if c.sentence == min(c.sentence for c in cues)]
        if all(c.kind == "agreement_signing" for c in lead):
            return lead[0]
    chosen = min(in_main or cues, key=lambda c: (c.tier, c.sentence, c.start))
    if chosen.kind == "visit":
        within = [c for c in cues if c.tier == 2 and c.kind in MEETING_WITHIN_TRIP]
        if within:
            return min(within, key=lambda c: (c.sentence, c.start))
    return chosen


def about_future_event(doc: Document, cue: KindCue) -> bool:
    """The cue's sentence speaks of an event still to come."""
    return bool(FUTURE_EVENT_RE.search(doc.sentences[cue.sentence].text))


def about_past_event(doc: Document, cue: KindCue) -> bool:
    """The cue's sentence recalls an earlier event."""
    return bool(RECALLED_EVENT_RE.search(doc.sentences[cue.sentence].text))
