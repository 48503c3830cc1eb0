"""Which meetings a text reports: between which countries, who hosted, when, held or planned, who took part.

Sentences with a meeting cue ("kunjungan kehormatan", "held a meeting", "menerima") are read for the sides they name
(countries.sides_in_sentence). When the home country takes part, each other country is its own meeting (a
minister receiving three ambassadors in one day is three meetings); otherwise the sides met together, e.g. two
foreign ministers on the sidelines of a summit. The host is the receiving side: the country visited, the venue's
country, the side that "received" or "hosted"; a venue in a third country means neutral ground (no host).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from relations.ingest import dates as dates_module
from relations.ingest.countries import TOPIC_BEFORE, is_event_venue, is_visit_destination, sides_in_sentence
from relations.ingest.dates import DATE_RE as DATE_WORD_RE
from relations.ingest.kinds import FUTURE_EVENT_RE, KindCue
from relations.ingest.people import Person, same_person
from relations.ingest.text import Document, Match, Sentence, word_set

MEETING_VERB_RE = re.compile(
    r"\b(menerima|menyambut(?! baik)|menjamu|diterima|disambut|dijamu|ditemui|bertemu|berbincang|berdiskusi|"
    r"kunjungan|pertemuan|received|receives|"
    # "welcomed the Ambassador", not "welcomed the ceasefire"
    r"welcomed(?=\s+(?:the\s+|his\s+|her\s+)?(?:(?-i:[A-Z])|delegat|visiting|counterpart|envoy|ambassador|minister))|"
    r"hosted|hosts|met|meet|meets|meeting|meetings|talks|visit|visited|visiting|called on|spoke|phone|telepon|"
    r"joint press conference|konferensi pers bersama|jumpa pers bersama)\b",
    re.IGNORECASE,
)
# Formats that report a meeting when the sentence names its sides ("Indonesia and India held the Defence Policy
# Dialogue"), but not alone ("will attend the Shangri-La Dialogue in Singapore" is a forum, not a meeting).
# "dialogue partners", "mitra dialog": members of a forum, not a meeting.
FORMAT_WORD_RE = re.compile(
    r"\b(?<!mitra )(dialogue|dialog|consultations|konsultasi|retreat)\b(?!\s+(?:partners?|countries|states))",
    re.IGNORECASE,
)
RECEIVING_RE = re.compile(
    r"\b(menerima|menyambut(?! baik)|menjamu|received|receives|hosted|hosts|welcomed (?=\w+ [A-Z]))", re.I
)
# "have signed more than 20 agreements since 2006", "telah menggelar 12 kali latihan sejak 2010": a track record.
TRACK_RECORD_RE = re.compile(
    r"\b(?:have|has|had|telah|sudah)\s+(?:\w+\s+){0,3}?(?:signed|held|conducted|met|menandatangani|menggelar|"
    r"melaksanakan|bertemu)\b[^.]{0,80}?\b(?:since|sejak)\s+(?:tahun\s+)?(?:19|20)\d\d\b|"
    # "sudah beberapa kali bertemu", "pernah bertemu", "has met him several times": meetings of the past, uncounted
    r"\b(?:beberapa|berkali-kali|sering|pernah)\s+(?:kali\s+)?(?:bertemu|berjumpa|menerima)\b|"
    r"\b(?:met|held talks|spoken)\b[^.]{0,60}?\b(?:several|many|multiple|numerous|a number of)\s+(?:times|occasions)\b",
    re.IGNORECASE,
)
TRACK_HINTS = ("since", "sejak", "kali", "times", "occasions", "pernah", "sering")


def _may_be_track_record(text: str) -> bool:
    lower = text.lower()
    return any(hint in lower for hint in TRACK_HINTS)  # cheaper than the pattern on every sentence


PASSIVE_RECEIVING_RE = re.compile(
    r"\b(?:(?:was|were|being|been) (?:received|welcomed|hosted|greeted)(?: \w+)? by|"
    r"(?:diterima|disambut|dijamu)(?:(?: \w+)? oleh)?)\b(?! baik)",
    re.IGNORECASE,
)
CALLED_ON_RE = re.compile(
    r"\b(paid (?:a )?(?:courtesy )?(?:call|visit) (?:on|to)|called on|calls on|call on|"
    r"(?:melakukan |mengadakan )?kunjungan kehormatan (?:kepada|ke|terhadap)|berkunjung ke kantor|sowan ke)\b",
    re.IGNORECASE,
)
VISITED_RE = re.compile(r"\b(visit to|visited|visiting|kunjungan ke|berkunjung ke|mengunjungi|trip to)\b", re.I)
OBJECT_RE = re.compile(
    r"\b(met with|met|meet with|meet|meets|bertemu dengan|bertemu|menemui|held talks with|meeting with|where he met|"
    r"spoke with|spoke to|talked with|berbicara dengan|berdialog dengan)\b",
    re.I,
)
PLANNED_RE = re.compile(
    r"\b(akan|dijadwalkan|rencananya|direncanakan|berencana|will|is scheduled|are scheduled|is expected to|"
    r"are expected to|plans to|is set to|upcoming)\b",
    re.IGNORECASE,
)
INVITATION_OR_PLAN_RE = re.compile(r"\b(undangan|mengundang|invited|invitation|will visit|akan berkunjung)\b", re.I)
BOTH_MEETINGS_RE = re.compile(
    r"\b(kedua pertemuan|ketiga pertemuan|kedua kunjungan|semua pertemuan|seluruh pertemuan|both meetings|"
    r"all (?:three|the) meetings|each meeting|both calls|both visits)\b",
    re.IGNORECASE,
)
ALSO_MET_RE = re.compile(
    r"\b(juga (?:akan |dijadwalkan )?(?:bertemu|menemui|menerima|mengunjungi|melakukan pertemuan)|"
    r"(?:also|will also|is also scheduled to|was also scheduled to) (?:met|meet|meets|called on|call on|held talks)|"
    r"later met|kemudian bertemu|selanjutnya bertemu)\b",
    re.IGNORECASE,
)
ORGANISATION_MET_RE = re.compile(r"\b(officials|representatives|pejabat|perwakilan|pimpinan)\b", re.IGNORECASE)
NEXT_DAY_RE = re.compile(
    r"\b(keesokan harinya|keesokan hari|esok harinya|sehari kemudian|the next day|the following day|a day later)\b",
    re.IGNORECASE,
)
LATER_DAY_RE = re.compile(
    r"\b(pada hari kedua|hari kedua|hari berikutnya|on the second day|on day two|on its second day)\b", re.I
)
SAME_DAY_RE = re.compile(r"\b(hari yang sama|same day|usai|setelah|kemudian|afterwards|later that day)\b", re.I)
VENUE_RE = re.compile(
    r"\b(?:di|in|at)\s+((?:(?:the|ruang|gedung|kantor)\s+)?[A-Z][\w'’.-]*(?:(?:,\s*|\s+(?:of|the|dan|and)\s+|\s+)"
    r"[A-Z][\w'’.-]*){0,9})"
)


@dataclass
class MeetingDraft:
    sides: list[str]
    anchors: list[int]  # sentence indexes that report this meeting
    segment: list[int] = field(default_factory=list)  # sentences whose facts belong to it
    host: str | None = None
    partners: list[str] = field(default_factory=list)
    status: str = "held"
    date: dates_module.DateMention | None = None
    date_value: dt.date | None = None
    date_precision: str | None = None
    place: str | None = None
    place_span: list[int] | None = None
    people: list[Person] = field(default_factory=list)
    home: str = ""
    cued: set[int] = field(default_factory=set)  # the text's sentences with a meeting cue
    own_sentences_only: bool = False  # a further meeting told in one sentence of another's story
    parent: MeetingDraft | None = None  # the meeting whose story tells it


def meeting_sentences(doc: Document, cues: list[KindCue], formats: bool = False) -> list[Sentence]:
    cued = {c.sentence for c in cues}
    return [
        s
        for s in doc.sentences
        if (s.index in cued or MEETING_VERB_RE.search(s.text) or (formats and FORMAT_WORD_RE.search(s.text)))
        and not (_may_be_track_record(s.text) and TRACK_RECORD_RE.search(s.text))
    ]


def draft_meetings(
    doc: Document,
    home: str,
    countries: list[Match],
    people: list[Person],
    cues: list[KindCue],
    language: str,
    places: list[Match] = (),
) -> list[MeetingDraft]:
    """Meetings by their sides, each with the sentences that report it; not yet dated or hosted."""
    sentences = meeting_sentences(doc, cues, formats=True)
    plain = {s.index for s in meeting_sentences(doc, cues)}
    per_sentence: dict[int, dict[str, int]] = {}
    # "Dubes RI untuk Prancis": the country a home envoy is posted to is not by itself a side (the envoy may be
    # calling on a minister at home); a foreign official, a foreign venue or nothing else at all makes it one.
    postings = {
        m.start
        for p in people
        if p.country == home and p.posted_to
        for m in countries
        if p.start <= m.start < p.end and m.value.code == p.posted_to
    }
    unposted = [m for m in countries if m.start not in postings]
    paired_foreign = False  # "between Japan and the Philippines": two foreign countries the text sets side by side
    for sentence in sentences:
        sides = sides_in_sentence(doc, sentence, unposted)
        paired_foreign = paired_foreign or len([c for c in sides if c != home]) >= 2
        for person in people:
            if person.sentence == sentence.index and person.country_explicit and person.kind == "title":
                sides.setdefault(person.country, person.start)
                if person.posted_to == home:
                    sides.setdefault(home, person.start)
        if sides:
            per_sentence[sentence.index] = sides
    foreign_order: list[str] = []
    for index in sorted(per_sentence):
        for code in sorted(per_sentence[index], key=per_sentence[index].get):
            if code != home and code not in foreign_order:
                foreign_order.append(code)
    if not foreign_order:
        # Officials of unstated countries met, and no other country is named as a side. It is a meeting with a
        # foreign side only when a visitor came to the home country ("a visit to Indonesia where he met ...":
        # the visitor's country is the foreign one the text names most) or it took place at a foreign venue;
        # otherwise it is a domestic meeting, whatever other countries the text mentions.
        sentences = [s for s in sentences if s.index in plain]
        reported = {s.index for s in sentences}
        home_visited = any(
            m.value.code == home and doc.sentence_of_token[m.first] in reported and is_visit_destination(doc, m)
            for m in countries
        )
        # A source abroad names the home side's country and not its own ("Secretary Blinken met with Indonesian
        # Foreign Minister ..."): the unplaced official across the table is foreign.
        qualified_home = language == "en" and any(
            p.country == home and p.country_explicit and p.sentence in reported for p in people
        )
        at_home = _home_place(doc, places, sentences, home)
        # "received the envoy in Jakarta to discuss a visit to Paris": a home venue outweighs a foreign city.
        fallback = (None if at_home else _foreign_place(doc, places, sentences, home)) or _paired_with_home(
            doc, unposted, home
        )
        if not fallback and not at_home:
            fallback = next((p.posted_to for p in people if p.country == home and p.posted_to), None)
        if home_visited or qualified_home:
            fallback = _most_mentioned_foreign(doc, countries, home) or fallback
        # "met UN Secretary-General X in New York": an international body's official is no country's side.
        unplaced = [
            p
            for p in people
            if p.country is None and p.kind == "title" and p.name and not INTERNATIONAL_RE.search(p.title)
        ]
        if fallback and unplaced and sentences and not _only_international_met(doc, people, sentences):
            anchors = [s.index for s in sentences]
            return [MeetingDraft(sides=[home, fallback], anchors=anchors, home=home)]
        return []
    # In Indonesian news an official whose title names no country is the home country's ("Menhan Prabowo").
    # English wire copy often leaves the home side's country unsaid ("Foreign Minister Sugiono spoke with ..."):
    # with one foreign country named, an official of no stated country is on the home side.
    unplaced = any(p.country is None and p.kind == "title" and p.name for p in people)
    home_takes_part = any(home in sides for sides in per_sentence.values()) or (unplaced and language == "id")
    if not home_takes_part and unplaced and (len(foreign_order) == 1 or not paired_foreign):
        # With several foreign officials met by one of no stated country ("President X held bilateral meetings with
        # the Japanese and Canadian prime ministers"), the unstated side is the home country's unless the text
        # pairs the foreign countries themselves.
        # Other sentences may name the other side ("cooperation between Japan and the Philippines").
        elsewhere = [
            code
            for sentence in doc.sentences
            if sentence.index not in per_sentence
            for code in sides_in_sentence(doc, sentence, countries)
        ]
        others = [c for c in dict.fromkeys(elsewhere) if c not in foreign_order]
        if others and home not in others:
            foreign_order += others
        else:
            home_takes_part = True
    if not home_takes_part:
        anchors = sorted(per_sentence)
        return [MeetingDraft(sides=foreign_order, anchors=anchors, home=home)]
    drafts = []
    for code in foreign_order:
        anchors = [i for i, sides in sorted(per_sentence.items()) if code in sides]
        drafts.append(MeetingDraft(sides=[home, code], anchors=anchors, home=home))
    return drafts


INTERNATIONAL_RE = re.compile(
    r"\b(?:UN|PBB|United Nations|Perserikatan Bangsa-Bangsa|ASEAN|NATO|EU|European Union|Uni Eropa|WHO|IMF|"
    r"World Bank|Bank Dunia|ICRC|UNIFIL|UNHCR|UNDP|UNICEF|OIC|OKI|Interpol|Secretary-General|Sekretaris Jenderal PBB)\b"
)


def _only_international_met(doc: Document, people: list[Person], sentences: list[Sentence]) -> bool:
    """The officials of the meeting sentences other than the first are all officials of international bodies."""
    reported = {s.index for s in sentences}
    named = [p for p in people if p.sentence in reported and p.kind == "title" and p.name]
    return len(named) >= 2 and all(INTERNATIONAL_RE.search(p.title) for p in named[1:])


def _home_place(doc: Document, places: list[Match], sentences: list[Sentence], home: str) -> bool:
    """A home city where the meeting is reported, as its venue or dateline ("as Jakarta and Canberra prepare to
    sign" names the governments, not where they met)."""
    reported = {s.index for s in sentences}
    venues = [(s.start + m.start(1), s.start + m.end(1)) for s in sentences for m in VENUE_RE.finditer(s.text)]
    return any(
        p.value == home
        and doc.sentence_of_token[p.first] in reported
        and (_starts_line(doc, p.start) or any(a <= p.start < b for a, b in venues))
        for p in places
    )


def _starts_line(doc: Document, offset: int) -> bool:
    return not doc.text[doc.text.rfind("\n", 0, offset) + 1 : offset].strip()


def _paired_with_home(doc: Document, countries: list[Match], home: str) -> str | None:
    """ "the U.S.-Indonesia partnership" elsewhere in the text names the other side of an unplaced official."""
    for sentence in doc.sentences:
        sides = sides_in_sentence(doc, sentence, countries)
        if home in sides and len(sides) == 2:
            return next(code for code in sides if code != home)
    return None


def _foreign_place(doc: Document, places: list[Match], sentences: list[Sentence], home: str) -> str | None:
    """ "hosted ... at the Pentagon": a foreign city or building where the meeting was reported."""
    reported = {s.index for s in sentences}
    codes = [p.value for p in places if doc.sentence_of_token[p.first] in reported and p.value != home]
    return codes[0] if codes else _dateline_country(doc, [], [p for p in places if p.value != home])


def _most_mentioned_foreign(doc: Document, countries: list[Match], home: str) -> str | None:
    counts: dict[str, int] = {}
    for mention in countries:
        previous = doc.tokens[mention.first - 1].key if mention.first else ""
        if previous in TOPIC_BEFORE:
            continue  # "the situation in Myanmar" is what they discussed, not who came
        if mention.value.code != home and not is_event_venue(doc, mention):
            counts[mention.value.code] = counts.get(mention.value.code, 0) + 1
    return max(counts, key=counts.get) if counts else None


def split_further_meetings(doc: Document, drafts: list[MeetingDraft], people: list[Person]) -> list[MeetingDraft]:
    """ "Menlu X dijadwalkan bertemu Presiden RI keesokan harinya", "also met officials of Global Affairs Canada":
    a later sentence where the same sides meet someone else ("also met", or a plan after a meeting held) is a meeting
    of its own, told in that sentence only."""
    out = []
    for draft in drafts:
        out.append(draft)
        if len(draft.anchors) < 2:
            continue
        first = draft.anchors[0]
        main_held = not PLANNED_RE.search(doc.sentences[first].text)
        principals = [p for p in people if p.sentence == first and p.kind == "title"]
        for index in draft.anchors[1:]:
            if any(index in other.anchors for other in drafts if other is not draft):
                continue  # the sentence tells of another country's meeting ("usai menerima Dubes X, juga menerima Y")
            text = doc.sentences[index].text
            also = ALSO_MET_RE.search(text)
            # "Keesokan harinya, Wamenhan menerima ...", "On the second day": a visit's next call is its own meeting.
            later_day = NEXT_DAY_RE.search(text) or LATER_DAY_RE.search(text)
            if not (also or later_day or (main_held and is_planned(text))):
                continue
            here = [
                p
                for p in people
                if p.sentence == index
                and p.kind == "title"
                and p.role != "accompanying"
                and (p.country is None or p.country in draft.sides)
            ]
            new = [p for p in here if not any(_same_official(p, q) for q in principals)]
            if not new and not (also and ORGANISATION_MET_RE.search(text, also.end())):
                continue
            draft.anchors.remove(index)
            out.append(
                MeetingDraft(
                    sides=list(draft.sides), anchors=[index], home=draft.home, own_sentences_only=True, parent=draft
                )
            )
    return out


def _same_official(a: Person, b: Person) -> bool:
    if a.name and b.name:
        return same_person(a.name, b.name)
    return a.title_en == b.title_en and a.country == b.country


def assign_segments(doc: Document, drafts: list[MeetingDraft]) -> None:
    """Each sentence belongs to the meeting reported last before it (the first meeting owns the lead); a further
    meeting told in one sentence (split_further_meetings) has that sentence alone."""
    claimed = set()
    for draft in drafts:
        if draft.own_sentences_only:
            draft.segment = list(draft.anchors)
            claimed.update(draft.anchors)
    drafts = [d for d in drafts if not d.own_sentences_only]
    if not drafts:
        return
    if len(drafts) == 1:
        drafts[0].segment = [s.index for s in doc.sentences if s.index not in claimed]
        return
    owner = min(range(len(drafts)), key=lambda n: drafts[n].anchors[0])
    for sentence in doc.sentences:
        if sentence.index in claimed:
            continue
        if BOTH_MEETINGS_RE.search(sentence.text):
            for draft in drafts:  # "Dalam kedua pertemuan, Wamenhan didampingi ...": said of every meeting
                draft.segment.append(sentence.index)
            continue
        reported = [n for n, d in enumerate(drafts) if sentence.index in d.anchors]
        if len(reported) == 1 or (reported and owner not in reported):
            owner = reported[0]
        for n in reported or [owner]:
            drafts[n].segment.append(sentence.index)


def date_meeting(
    doc: Document,
    draft: MeetingDraft,
    mentions: list[dates_module.DateMention],
    published: dt.date | None,
    reference: dt.date | None,
    cued_sentences: set[int],
) -> None:
    """The date written in the sentences that report the meeting, else in the other meeting sentences of its part."""
    by_sentence: dict[int, list[dates_module.DateMention]] = {}
    for mention in mentions:
        by_sentence.setdefault(doc.sentence_at(mention.start).index, []).append(mention)
    order = list(draft.anchors) + [i for i in draft.segment if i in cued_sentences and i not in draft.anchors]
    chosen = None
    for datelines in (False, True):
        for index in order:
            usable = [
                m
                for m in by_sentence.get(index, [])
                if (m.precision == "day" or m.is_bare_weekday or m.relative is not None) and m.dateline == datelines
            ]
            if usable:
                chosen = usable[0]
                break
        if chosen:
            break
    if chosen is None:
        # "The frigate arrived on 4 March ... On the day of arrival, its captain called on ...": an undated report
        # takes the full date the lead gave before it.
        lead = [i for i in sorted(set(draft.segment)) if i <= draft.anchors[0]]
        chosen = next((m for i in lead for m in by_sentence.get(i, []) if m.day is not None and not m.dateline), None)
    main = doc.sentences[doc.sentence_at(chosen.start).index] if chosen else doc.sentences[draft.anchors[0]]
    draft.status = "planned" if is_planned(main.text) else "held"
    if chosen is None:
        return
    value = chosen.resolved
    if chosen.is_bare_weekday:
        value = dates_module.resolve_weekday(chosen, mentions, published, reference, future=draft.status == "planned")
    draft.date, draft.date_value, draft.date_precision = chosen, value, "day" if value else None
    if value and (published or reference) and value > (published or reference) and draft.status == "held":
        draft.status = "planned" if published else draft.status


def is_planned(sentence: str) -> bool:
    """ "akan bertemu", "dijadwalkan menerima", "will visit": a future word governing the meeting verb, not any
    "akan" in the sentence ("Dubes yang akan mengakhiri masa tugasnya")."""
    for cue in PLANNED_RE.finditer(sentence):
        following = sentence[cue.end() : cue.end() + 45]
        verb = MEETING_VERB_RE.search(following)
        if verb and len(following[: verb.start()].split()) <= 3:
            return True
        trip = TRAVEL_VERB_RE.match(following)
        if trip and MEETING_VERB_RE.search(sentence, cue.end() + trip.end()):
            return True  # "will travel to Santiago next week for talks", "akan bertolak ke Tokyo untuk bertemu"
    return False


TRAVEL_VERB_RE = re.compile(
    r"\s+(?:\w+\s+)?(?:travel|fly|head|leave|depart|go|berangkat|bertolak|terbang|melawat|bertandang)\b", re.I
)


def inherit_dates(doc: Document, drafts: list[MeetingDraft]) -> None:
    """ "Usai menerima Dubes Malaysia ...", "pada hari yang sama": an undated later meeting shares the first's day."""
    first = next((d for d in drafts if d.date_value), None)
    if first is None:
        return
    for draft in drafts:
        if draft.date_value is None:
            text = " ".join(doc.sentences[i].text for i in draft.anchors[:2])
            if draft is not first and NEXT_DAY_RE.search(text) and first.date_precision == "day":
                draft.date_value, draft.date_precision = first.date_value + dt.timedelta(days=1), "day"
            elif draft.status == "held" or SAME_DAY_RE.search(text):
                draft.date_value, draft.date_precision = first.date_value, first.date_precision


def host_meeting(doc: Document, draft: MeetingDraft, home: str, countries: list[Match], places: list[Match]) -> None:
    """The receiving side, from the first sentence reporting the meeting that says where or who received."""
    sides = set(draft.sides)
    host, decided = None, False
    draft.place, draft.place_span = None, None
    for index in draft.anchors + [i for i in draft.segment if i in draft.cued and i not in draft.anchors]:
        sentence = doc.sentences[index]
        if draft.status == "held" and INVITATION_OR_PLAN_RE.search(sentence.text):
            continue  # "invited the minister to visit Tokyo": a later trip, not this meeting's venue
        if draft.status == "held" and index != draft.anchors[0] and FUTURE_EVENT_RE.search(sentence.text):
            continue  # "agreed to hold the next round in Cairo later this year": another, future meeting
        mentions = [m for m in countries if doc.sentence_of_token[m.first] == index]
        visited = [m.value.code for m in mentions if is_visit_destination(doc, m)]
        visited += [p.value for p in places if doc.sentence_of_token[p.first] == index and is_visit_destination(doc, p)]
        visited = [code for code in visited if code in sides]
        venue_codes, place, span = _venue(doc, sentence, countries, places)
        if place and draft.place is None:
            draft.place, draft.place_span = place, span
        receiver = _receiving_side(doc, draft, index) or _called_on_side(doc, draft, index)
        third_country = next((m.value.code for m in mentions if is_event_venue(doc, m)), None)
        if visited:
            host, decided = visited[0], True
        elif venue_codes and venue_codes[0] in sides:
            host, decided = venue_codes[0], True
        elif receiver in sides:
            host, decided = receiver, True
        elif (venue_codes and venue_codes[0] not in sides) or third_country:
            host, decided = None, True
        if decided:
            break
    if not decided and draft.parent is not None:
        host, decided = draft.parent.host, True  # same trip, same host unless its sentence says otherwise
    if not decided:
        dateline = _dateline_country(doc, countries, places)
        if dateline and dateline not in sides:
            host = None  # filed from a third country ("Vientiane - Di sela-sela ADMM-Plus ...")
        elif dateline:
            host = dateline
        else:
            host = home if home in sides else None
    draft.host = host
    draft.partners = [c for c in draft.sides if c != host]


DATELINE_RE = re.compile(r"^\s*([A-Z][A-Za-z .]{1,30}?)\s*(?:,[^-–—\n]{0,30})?(?:\([A-Za-z .]+\))?\s*[-–—:]\s")


def _dateline_country(doc: Document, countries: list[Match], places: list[Match]) -> str | None:
    """The country of the city a story is filed from ("Seoul (ANTARA) -")."""
    match = DATELINE_RE.match(doc.text)
    if not match and (headline := re.match(r"\s*[^\n]{1,200}\n\s*\n", doc.text)):
        match = DATELINE_RE.match(doc.text, headline.end())  # the dateline opens the body, after a headline
    if not match:
        return None
    start, end = match.start(1), match.end(1)
    found = [p.value for p in places if start <= p.start < end] + [
        c.value.code for c in countries if start <= c.start < end
    ]
    return found[0] if found else None


def _venue(doc: Document, sentence: Sentence, countries: list[Match], places: list[Match]):
    """The place after "di"/"in"/"at" in the sentence and the countries it is in."""
    for match in VENUE_RE.finditer(sentence.text):
        start, end = sentence.start + match.start(1), sentence.start + match.end(1)
        following = re.match(r"\s*([a-z]+)", doc.text[end : end + 20])
        if following and following.group(1) not in PLACE_FOLLOWERS:
            # "di Vientiane, Laos, Presiden X bertemu ...": the place ends at a comma before the subject.
            comma = _place_before_subject(doc, start, end, places, countries)
            if comma is None:
                continue  # "in Japan-Philippine defense cooperation": an adjective, not a venue
            end = comma
        end = _cut_at_date(doc, start, end)
        codes = [p.value for p in places if start <= p.start < end]
        codes += [c.value.code for c in countries if start <= c.start < end]
        if codes:
            return codes, doc.text[start:end].rstrip(" ,."), [start, end]
    return [], None, None


def _place_before_subject(doc: Document, start: int, end: int, places, countries) -> int | None:
    """The end of the longest run of places and countries, up to a comma, that the venue match starts with."""
    last = None
    for comma in (i for i in range(start, end) if doc.text[i] == ","):
        covered = [m for m in (*places, *countries) if start <= m.start < comma]
        if not covered or any(m.end > comma for m in covered):
            break
        # Every word up to the comma belongs to a place or country name.
        spans = sorted((m.start, m.end) for m in covered)
        position, ok = start, True
        for a, b in spans:
            if doc.text[position:a].strip(" ,"):
                ok = False
                break
            position = b
        if not ok or doc.text[position:comma].strip(" ,"):
            break
        last = comma
    return last


PLACE_FOLLOWERS = word_set(
    """
    on pada to for and with dengan untuk yang ketika saat dalam this last next lalu ini kemarin where di in at
    sebagai as after usai setelah before sebelum pagi siang sore malam waktu today yesterday hari besok tomorrow
    during selama earlier later
    """
)


def _cut_at_date(doc: Document, start: int, end: int) -> int:
    """ "Kuala Lumpur Malaysia, Senin": the place ends where the date starts."""
    found = DATE_WORD_RE.search(doc.text, start, end)
    return len(doc.text[: found.start()].rstrip(" ,")) if found else end


def _called_on_side(doc: Document, draft: MeetingDraft, index: int) -> str | None:
    """ "paid a courtesy call on the Ethiopian Minister", "berkunjung ke kantor Menhan Malaysia": the visitor goes to
    the one called on, whose side receives."""
    sentence = doc.sentences[index]
    verb = CALLED_ON_RE.search(sentence.text)
    if not verb:
        return None
    after = [
        p for p in draft.people if p.sentence == index and p.start >= sentence.start + verb.end() and p.country_explicit
    ]
    return after[0].country if after else None


def _receiving_side(doc: Document, draft: MeetingDraft, index: int) -> str | None:
    """The country of the official named before "menerima"/"received" in the sentence."""
    sentence = doc.sentences[index]
    passive = PASSIVE_RECEIVING_RE.search(sentence.text)
    if passive:
        after = [p for p in draft.people if p.sentence == index and p.start > sentence.start + passive.start()]
        return after[0].country if after else None
    verb = RECEIVING_RE.search(sentence.text)
    if not verb:
        return None
    subject = [p for p in draft.people if p.sentence == index and p.start < sentence.start + verb.start()]
    return subject[-1].country if subject else None


def place_people(doc: Document, draft: MeetingDraft, people: list[Person], cued: set[int]) -> None:
    """The officials named in the meeting's sentences, each given a side when the title did not say."""
    segment = set(draft.segment)
    chosen = []

    def foreign_side(person: Person) -> bool:
        return person.country_explicit and person.country in draft.sides and person.country != draft.home

    # "Sidang dipimpin bersama oleh Menlu RI X dan Menlu Vietnam Y": a home official named beside a foreign one
    # of the meeting took part too.
    with_foreigner = {p.sentence for p in people if p.kind == "title" and p.name and foreign_side(p)}
    main = doc.sentence_at(draft.date.start).index if draft.date is not None else draft.anchors[0]
    if draft.date is not None:
        # "Prime Minister X and President Y held the Leaders' Retreat ... today": who did what on the day.
        with_foreigner.add(doc.sentence_at(draft.date.start).index)
    for person in people:
        if person.kind != "title" or person.name is None:
            continue
        # A foreign official named anywhere in the meeting's part of the text took part in it; a home official
        # only where the text reports the meeting (others are spokespeople, or ministers quoted on other matters).
        in_meeting = person.sentence in draft.anchors or (
            person.sentence in segment
            and (
                person.sentence in cued
                or person.role == "accompanying"
                or foreign_side(person)
                or person.sentence in with_foreigner
            )
        )
        if not in_meeting:
            continue
        if person.country_explicit and person.country not in draft.sides:
            continue
        if (
            draft.status == "held"
            and person.role == "principal"
            and person.sentence not in draft.anchors
            and person.sentence != main
            and not foreign_side(person)
            and FUTURE_EVENT_RE.search(doc.sentences[person.sentence].text)
        ):
            person.role = "mentioned"  # "membahas persiapan kunjungan Presiden X ke Wellington": a later trip's
        chosen.append(person)
    draft.people = chosen


def settle_sides_of_people(doc: Document, draft: MeetingDraft, home: str) -> None:
    """Officials whose title names no country: who receives is the host's, who met whom is on the other side."""
    explicit_sides = {p.country for p in draft.people if p.country_explicit}
    for person in draft.people:
        if person.country_explicit:
            continue
        sentence = doc.sentences[person.sentence]
        offset = person.start - sentence.start
        guess = None
        receiving = RECEIVING_RE.search(sentence.text)
        passive = PASSIVE_RECEIVING_RE.search(sentence.text)
        met = OBJECT_RE.search(sentence.text)
        if draft.host and passive:
            # "He was received by the Commander ...", "diterima oleh Menhan": who comes after receives.
            guess = draft.host if offset > passive.start() else _other(draft)
        elif draft.host and receiving:
            guess = draft.host if offset < receiving.start() else _other(draft)
        elif met:
            visited = VISITED_RE.search(sentence.text, 0, met.start())
            across = [
                p.country
                for p in draft.people
                if p.sentence == person.sentence
                and p.country_explicit
                and (p.start - sentence.start < met.start()) != (offset < met.start())
            ]
            if visited and draft.host:
                guess = draft.host if offset > met.start() else _other(draft)
            elif across and len(draft.sides) == 2:
                guess = next(c for c in draft.sides if c != across[0])
            elif (
                len(draft.sides) == 2
                and home in draft.sides
                and any(
                    p.sentence == person.sentence
                    and p is not person
                    and not p.country_explicit
                    and (p.start - sentence.start < met.start()) != (offset < met.start())
                    for p in draft.people
                )
            ):
                # "Foreign Minister X met his counterpart Y in Tokyo": neither says a country; the one who met is
                # the home side, the one met the other.
                guess = home if offset < met.start() else next(c for c in draft.sides if c != home)
        if guess is None:
            without = [c for c in draft.sides if c not in explicit_sides]
            if len(without) == 1:
                guess = without[0]
            elif home in draft.sides:
                guess = home
        person.country = guess


def _other(draft: MeetingDraft) -> str | None:
    others = [c for c in draft.sides if c != draft.host]
    return others[0] if len(others) == 1 else None
