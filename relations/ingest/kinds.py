"""What kind of meeting a text reports, from the cue words of relations/data/kinds.csv.

Tier 1 cues name a format outright (2+2, joint commission, phone call) and win wherever they are; tier 2 cues
(courtesy call, visit, bilateral meeting) count in the sentence that reports the meeting, earliest first; tier 3
(signing) only when nothing else is said, since texts often recall agreements signed before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relations.ingest import gazetteer
from relations.ingest.text import Document, Sentence

# "visiting Laos to attend the summit": a visit to the venue of a multilateral event is not the meeting's kind.
VISIT_TO_EVENT_RE = re.compile(r"^\W*(?:\w+\W+){0,3}(to attend|untuk menghadiri|for the|guna menghadiri)\b", re.I)


@dataclass(frozen=True)
class KindCue:
    kind: str
    tier: int
    sentence: int
    start: int
    end: int


def find_cues(doc: Document, sentences: list[Sentence]) -> list[KindCue]:
    cues = []
    matcher = gazetteer.kind_matcher()
    for sentence in sentences:
        for match in matcher.find_all(doc, sentence.first_token, sentence.last_token):
            kind, tier = match.value
            if kind == "visit" and VISIT_TO_EVENT_RE.match(doc.text[match.end : match.end + 60]):
                continue
            cues.append(KindCue(kind, tier, sentence.index, match.start, match.end))
    return cues


def choose_kind(cues: list[KindCue], main_sentence: int | None) -> KindCue | None:
    """The specific format if named; else the main sentence's first cue; else the earliest cue."""
    if not cues:
        return None
    first_tier = [c for c in cues if c.tier == 1]
    if first_tier:
        return first_tier[0]
    usual = [c for c in cues if c.tier == 2] or cues
    in_main = [c for c in usual if c.sentence == main_sentence]
    return (in_main or usual)[0]
