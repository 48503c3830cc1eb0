"""Article text in, the meetings it reports out: the extractor the ingestion task and `manage.py extract` call.

`extract_article` is pure: it reads the word lists (database or data files) and never writes; the document it
returns has the schema the review screen and the accuracy scorer read, plus character spans of the evidence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from django.conf import settings

from relations.ingest import commitments, countries, dates, gazetteer, kinds, meetings, people, sectors
from relations.ingest.errors import EmptyTextError, ExtractionError, NotTextError, UnsupportedLanguageError
from relations.ingest.language import check_language, detect_language
from relations.ingest.text import Document

__all__ = ["ExtractionError", "EmptyTextError", "NotTextError", "UnsupportedLanguageError", "extract_article"]

MAX_CHARACTERS = 500_000
REMOTE_RE = re.compile(
    r"\b(video ?conference|videoconference|konferensi video|virtual|secara daring|daring|online|by (?:tele)?phone|"
    r"melalui telepon|sambungan telepon|percakapan telepon)\b",
    re.IGNORECASE,
)


def check_text(text: object) -> str:
    """The text if it is prose worth reading; an ExtractionError saying why not otherwise."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotTextError("The file is not UTF-8 text (it looks like binary data).") from exc
    if not isinstance(text, str) or not text.strip():
        raise EmptyTextError("The article is empty: there is no text to read.")
    if len(text) > MAX_CHARACTERS:
        raise ExtractionError(f"The article is too long ({len(text):,} characters; at most {MAX_CHARACTERS:,}).")
    sample = text[:20000]
    control = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t") or c == "\ufffd")
    letters = sum(c.isalpha() for c in sample)
    visible = sum(not c.isspace() for c in sample) or 1
    if "\x00" in sample or control / len(sample) > 0.01 or letters / visible < 0.5:
        raise NotTextError("The article does not look like text (binary data or symbols rather than words).")
    if letters < 20:
        raise EmptyTextError("The article is too short to report a meeting.")
    return text


def _as_date(published: dt.date | str | None) -> dt.date | None:
    if published is None or published == "":
        return None
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    try:
        return dt.date.fromisoformat(str(published)[:10])
    except ValueError as exc:
        raise ExtractionError(f"The publication date {published!r} is not a date (YYYY-MM-DD).") from exc


def extract_article(text: str, published: dt.date | None = None, language: str | None = None) -> dict:
    """The meetings an Indonesian or English article reports, as the JSON document of the review screen."""
    text = check_text(text)
    published = _as_date(published)
    language = check_language(language) if language else detect_language(text)
    gazetteer.refresh_if_changed()
    home = settings.HOME_COUNTRY
    doc = Document(text)
    topics = sectors.find_sectors(doc, doc.sentences, all_mentions=True)
    # "South China Sea", "Laut China Selatan": a country inside a topic's name is not a party.
    inside_topic = {i for t in topics for i in range(t.first, t.last)}
    country_mentions = [m for m in countries.find_countries(doc, language) if m.first not in inside_topic]
    places = countries.find_places(doc)
    date_mentions = dates.find_dates(doc.text)
    reference = dates.resolve_all(doc.text, date_mentions, published)
    mentions = people.find_people(doc, country_mentions)
    people.link_unnamed(mentions, home)
    people.inherit_title_country(mentions, home)
    people.settle_companions(mentions)
    cues = kinds.find_cues(doc, doc.sentences)
    drafts = meetings.draft_meetings(doc, home, country_mentions, mentions, cues, language, places)
    drafts = meetings.split_further_meetings(doc, drafts, mentions)
    meetings.assign_segments(doc, drafts)
    cued = {s.index for s in meetings.meeting_sentences(doc, cues, formats=True)}
    for draft in drafts:
        draft.cued = cued
        meetings.date_meeting(doc, draft, date_mentions, published, reference, cued)
    meetings.inherit_dates(doc, drafts)
    documents = []
    for draft in drafts:
        meetings.place_people(doc, draft, [dataclasses.replace(p, spans=list(p.spans)) for p in mentions], cued)
        meetings.host_meeting(doc, draft, home, country_mentions, places)
        meetings.settle_sides_of_people(doc, draft, home)
        if len(set(draft.sides)) < 2:
            continue
        documents.append(_meeting_document(doc, draft, cues, date_mentions, country_mentions, cued))
    return {
        "language": language,
        "published": published.isoformat() if published else None,
        "meetings": documents,
    }


def _meeting_document(doc, draft, cues, date_mentions, country_mentions, cued) -> dict:
    segment = [doc.sentences[i] for i in sorted(set(draft.segment))]
    main = doc.sentence_at(draft.date.start).index if draft.date else draft.anchors[0]
    own_cues = [
        c
        for c in cues
        if c.sentence in set(draft.segment)
        and not (draft.status == "held" and c.sentence != main and kinds.about_future_event(doc, c))
        and not (c.tier == 1 and c.sentence != main and kinds.about_past_event(doc, c))
    ]
    kind = kinds.choose_kind(own_cues, main)
    sector_hits = sectors.find_sectors(doc, segment)
    officials = people.merge_people(draft.people)
    date_value = draft.date_value
    host, partners, place, place_span = draft.host, draft.partners, draft.place, draft.place_span
    if (kind and kind.kind == "phone_call") or REMOTE_RE.search(doc.sentences[main].text):
        # A call or a video conference has no receiving side and no venue: every side is a partner.
        host, partners, place, place_span = None, list(dict.fromkeys(draft.sides)), None, None
    return {
        "date": date_value.isoformat() if date_value and draft.date_precision == "day" else None,
        "date_text": draft.date.text if draft.date else None,
        "status": draft.status,
        "host_country": host,
        "partner_countries": partners,
        "place": place,
        "kind": kind.kind if kind else "bilateral_meeting",
        "officials": [o.as_dict() for o in officials if o.country in draft.sides or o.country is None],
        "sectors": sectors.summarize(doc, sector_hits),
        "events_mentioned": commitments.find_events(doc, segment, date_mentions, country_mentions),
        "commitments": commitments.find_commitments(doc, segment, date_mentions),
        "spans": {
            "date": [[draft.date.start, draft.date.end]] if draft.date else [],
            "place": [place_span] if place_span else [],
            "kind": [[kind.start, kind.end]] if kind else [],
            "report": [[doc.sentences[i].start, doc.sentences[i].end] for i in draft.anchors],
        },
    }
