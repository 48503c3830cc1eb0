"""Officials named in the text with their titles: "TITLE [of COUNTRY], NAME", "TITLE NAME", "DEMONYM TITLE NAME".

A title starts at a known title ("Wamenhan", "Duta Besar", "Minister") and runs on over title words, countries,
acronyms and parenthesised abbreviations; after it, ranks and honorifics are skipped and the capitalised words that
follow are the name. Which country an official serves is the title's country when the text says it ("Dubes Peru",
"Australian Foreign Minister", "Menhan RI"); the others are settled by meetings.py from the sides of the meeting.
(Matching names to known officials in the database is relations/ingest/officials.py.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from relations.ingest import gazetteer
from relations.ingest.dates import MONTHS, WEEKDAYS
from relations.ingest.language import STOPWORDS
from relations.ingest.text import Document, Match, fold, word_set

CONNECTIVES = frozenset(
    {"of", "for", "the", "and", "dan", "untuk", "to", "bidang", "urusan", "on", "at", "in", "di", "from", "dari"}
)
POSTED_TO = frozenset({"untuk", "to", "in", "di", "at"})
NAME_PARTICLES = frozenset({"bin", "binti", "van", "von", "de", "del", "da", "der", "al", "el", "la", "dos"})
NOT_NAMES = (
    frozenset(WEEKDAYS)
    | frozenset(MONTHS)
    | STOPWORDS["id"]
    | STOPWORDS["en"]
    | word_set(
        """
        pada dalam usai sementara selain namun menurut sedangkan kemudian turut hadir pak bu kata
        ujar during after when while according said who which where jakarta pukul wib
        sebelumnya selanjutnya sesudahnya setelahnya sementara itu adapun bahkan meski meskipun walaupun
        sejak kini saat ketika previously earlier later meanwhile however also since now then
        """
    )
)
ACCOMPANYING_RE = re.compile(
    r"\b(didampingi|ditemani|mendampingi|dampingi|turut hadir|hadir pula|turut dihadiri|dihadiri (?:pula|juga)|"
    r"accompanied by|joined by|also attended by)\b",
    re.IGNORECASE,
)
MAIN_VERB_RE = re.compile(
    r"\b(menerima|bertemu|menyambut|melakukan|received|met|welcomed|hosted|held|called on)\b", re.IGNORECASE
)
# Words of titles ("Putra Mahkota", "Raja") that are also common in people's names ("Agung Setia Putra").
NAME_AND_TITLE_WORDS = word_set("putra putri raja ratu")
INITIAL_RE = re.compile(r"[A-Z]\.?")


@dataclass
class Person:
    name: str | None
    title: str
    title_en: str
    rank: int
    country: str | None
    country_explicit: bool
    kind: str  # title | spokesperson
    start: int
    end: int
    first_token: int
    sentence: int
    role: str = "principal"
    spans: list[list[int]] = field(default_factory=list)
    posted_to: str | None = None
    companion: Person | None = None  # whom an accompanying official accompanies

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "title_en": self.title_en,
            "country": self.country,
            "role": self.role,
            "spans": self.spans,
        }


def find_people(doc: Document, countries: list[Match]) -> list[Person]:
    """Titled officials in reading order, one entry per mention (merge_people joins repeated mentions)."""
    country_at = {m.first: m for m in countries}
    country_ending_at = {m.last: m for m in countries}
    honorifics = gazetteer.honorific_matcher()
    words = gazetteer.title_words()
    tokens = doc.tokens
    people: list[Person] = []
    claimed_until = -1
    for title in gazetteer.title_matcher().find_all(doc):
        if title.first < claimed_until:
            continue
        sentence = doc.sentences[doc.sentence_of_token[title.first]]
        if _is_headline(sentence.text):
            continue  # Title Case runs every word into a "name"; the body names the same people properly
        limit = sentence.last_token
        country, explicit, posted_to = None, False, None
        possessive = title.first - 1 if title.first and tokens[title.first - 1].key == "s" else title.first
        before = country_ending_at.get(title.first) or country_ending_at.get(possessive)
        if before is None:
            # "Indonesian Navy Chief of Staff", "New Zealand's Deputy Defence Minister": a country word before the
            # service or the modifier the title belongs to.
            k = title.first
            while (
                k > sentence.first_token
                and title.first - k < 3
                and tokens[k - 1].key in words
                and tokens[k - 1].key not in CONNECTIVES
            ):
                k -= 1
                before = country_ending_at.get(k)
                if before is None and k > sentence.first_token and tokens[k - 1].key == "s":
                    before = country_ending_at.get(k - 1)
                    possessive = k - 1 if before else possessive
                if before:
                    break
        if (
            before
            and before.first >= sentence.first_token
            and (GAP_OK(doc, before.last - 1, before.last) or before.last == possessive < title.first)
        ):
            country, explicit = before.value.code, True
        i = title.last
        after_parenthesis = False
        text_end = 0
        while i < limit:
            gap = doc.text[tokens[i - 1].end : tokens[i].start].replace(")", "", 1 if after_parenthesis else 0)
            if gap.startswith(".") and len(tokens[i - 1].text) == 1:
                gap = gap[1:]  # "Chargé d'Affaires a.i. of Japan": the full stop of an abbreviation
            after_parenthesis = False
            if gap.strip() == "(":
                close = doc.text.find(")", tokens[i].start)
                inner = doc.text[tokens[i].start : close] if close > 0 else ""
                if close < 0 or len(inner) > 40:
                    break
                if i in country_at and country is None:
                    country, explicit = country_at[i].value.code, True
                while i < limit and tokens[i].start < close:
                    i += 1
                after_parenthesis = True
                text_end = close + 1
                continue
            listed = gap.strip() == "," and (
                (tokens[i].key in words and tokens[i].is_capitalized)
                or (
                    tokens[i].key in ("dan", "and", "serta")
                    and i + 1 < limit
                    and tokens[i + 1].key in words
                    and tokens[i + 1].is_capitalized
                )
            )
            if listed and not gazetteer.title_matcher().match_at(doc, i, limit):
                pass  # "Menko Bidang Politik, Hukum, dan Keamanan": the fields of one office
            elif gap.strip() not in ("", "-", "'", "’"):
                break
            if honorific_at(doc, i, limit, honorifics):
                break
            if i in country_at:
                match = country_at[i]
                previous = tokens[i - 1].key
                if previous in POSTED_TO and country is not None:
                    posted_to = match.value.code
                elif country is None:
                    country, explicit = match.value.code, True
                i = match.last
                continue
            key = tokens[i].key
            if key in CONNECTIVES:
                j = i + 1
                while j < limit and tokens[j].key in CONNECTIVES:
                    j += 1
                continues = j < limit and (tokens[j].key in words or j in country_at or _is_acronym(tokens[j].text))
                if key in ("dan", "and", "serta") and gazetteer.title_matcher().match_at(doc, j, limit):
                    break  # "Menhan RI dan Menhan Australia": a second official, not a longer title
                if continues and not honorific_at(doc, j, limit, honorifics):
                    i = j
                    continue
                break
            if key in words or _is_acronym(tokens[i].text):
                i += 1
                continue
            break
        title_end = i
        name_first, name_last = _name_after(doc, i, limit, honorifics)
        if (
            name_first is not None
            and name_last - name_first == 1
            and (tail := _name_after_office(doc, i, limit, honorifics))
        ):
            title_end, name_first, name_last = tail  # "for Trade and Fisheries Reform, X": one word ends the office
        if name_first is not None and (ranked := _rank_and_name_after(doc, name_last, limit, honorifics)):
            # "Director General of Defence Hydrography, Rear Admiral X": the capitalised words were the rest of
            # the office, and the person is the one the rank introduces.
            stated = next((country_at[k] for k in range(name_last, ranked[0]) if k in country_at), None)
            if stated and country is None:
                country, explicit = stated.value.code, True  # "Komandan Korps Marinir AS Jenderal ..."
            title_end = ranked[0]
            name_first, name_last = ranked[1], ranked[2]
        if name_first is not None and name_last in country_at and GAP_OK(doc, name_last - 1, name_last):
            # "Komandan Penjaga Pantai Filipina Laksamana ...": the "name" was an organisation of that country.
            match = country_at[name_last]
            if country is None:
                country, explicit = match.value.code, True
            title_end = match.last
            name_first, name_last = _name_after(doc, match.last, limit, honorifics)
        if name_first is None:
            # A long title may end in an unknown organisation name; the person then follows an honorific.
            name_first, name_last = _name_after_honorific(doc, i, min(limit, i + 14), honorifics)
            if name_first is None and (company := _name_after_company(doc, i, limit)):
                title_end, name_first, name_last = company  # "Direktur Yugoimport-SDPR Milan X"
            if name_first is None and (tail := _name_after_office(doc, i, limit, honorifics)):
                # "Duta Besar Estonia untuk Urusan Siber, X", "Cabinet Secretary for Foreign and Diaspora Affairs,
                # X": the office goes on in words no list holds, and the name follows its closing comma.
                title_end, name_first, name_last = tail
            stated = next((country_at[k] for k in range(i, name_first or i) if k in country_at), None)
            if stated and country is None:
                # "Kepala Pasukan Pertahanan Australia Admiral X": the organisation's country is the official's.
                country, explicit = stated.value.code, True
                title_end = stated.last
        value = title.value
        title_stop = max(tokens[title_end - 1].end, text_end)
        title_start = before.start if before and explicit and country == before.value.code else title.start
        title_text = doc.text[title_start:title_stop]
        name, start = None, (before.start if before and explicit else title.start)
        if name_first is not None:
            name = _clean_name(doc.text[tokens[name_first].start : tokens[name_last - 1].end])
            origin = country_at.get(name_last + 1)
            if (
                country is None
                and origin
                and tokens[name_last].key in ("dari", "from")
                and origin.first == name_last + 1
            ):
                country, explicit = origin.value.code, True  # "Army Chief ... Simon Stuart dari Australia"
        elif (found := _name_before(doc, title.first if not (before and explicit) else before.first, sentence)) and (
            not people or people[-1].end <= tokens[found[0]].start
        ):
            # "Retno Marsudi, Indonesia's foreign minister, said": the name comes first.
            name = _clean_name(doc.text[tokens[found[0]].start : tokens[found[1] - 1].end])
            start = tokens[found[0]].start
        person = Person(
            name=name,
            title=title_text,
            title_en=value.title_en,
            rank=value.rank,
            country=country,
            country_explicit=explicit,
            kind=value.kind,
            start=start,
            end=tokens[(name_last or title_end) - 1].end,
            first_token=title.first,
            sentence=sentence.index,
            posted_to=posted_to,
        )
        person.spans = [[person.start, person.end]]
        people.append(person)
        claimed_until = name_last or title_end
    people.extend(_ranked_without_title(doc, people))
    people.extend(_delegation_members(doc, people, countries))
    _country_from_institution(doc, people)
    people.sort(key=lambda p: p.start)
    _mark_accompanying(doc, people)
    _resolve_counterparts(people)
    return people


RANKS_AS_TITLE = re.compile(
    r"^(laksamana|marsekal|jenderal|letjen|mayjen|brigjen|laksdya|laksda|laksma|marsdya|marsda|marsma|kolonel|"
    r"general|admiral|air chief marshal|air marshal|lieutenant general|major general|brigadier general|"
    r"vice admiral|rear admiral|colonel|gen\.|adm\.|h\.e\.|his excellency|her excellency|yang mulia|"
    r"lt\.? ?gen|maj\.? ?gen|brig\.? ?gen|brigadier|brig\b|commodore|air commodore|group captain|amiral|"
    r"vice-amiral|contre-amiral|général|letnan kolonel|kapten|"
    # Full Indonesian and Malay forms and the lower field ranks of a delegation's members.
    r"brigadir jenderal|mayor jenderal|letnan jenderal|laksamana (?:madya|muda|pertama)|"
    r"marsekal (?:madya|muda|pertama)|mayor jeneral|mejar jeneral|leftenan jeneral|brigedier jeneral|"
    r"first admiral|lieutenant colonel|lt\.? ?col|lieutenant commander|wing commander|captain|capt\.|"
    r"letkol|mayor|major|senior (?:lieutenant general|general|colonel)|letnan jenderal senior|jenderal senior)",
    re.IGNORECASE,
)


def _ranked_without_title(doc: Document, people: list[Person]) -> list[Person]:
    """ "dipimpin oleh Laksamana Nicolas Vaujour": a rank or "H.E." before a name marks an official with no title."""
    covered = [(p.start, p.end) for p in people]
    found = []
    honorifics = gazetteer.honorific_matcher()
    for match in honorifics.find_all(doc):
        if match.value.endswith(".") and doc.text[match.end : match.end + 1] != ".":
            continue
        if not RANKS_AS_TITLE.match(match.surface) or any(a <= match.start < b for a, b in covered):
            continue
        sentence = doc.sentences[doc.sentence_of_token[match.first]]
        first = _skip_honorifics(doc, match.first, sentence.last_token, honorifics)
        name_first, name_last = _name_run(doc, first, sentence.last_token)
        if name_first is None or name_last - name_first < 2:
            continue  # one capitalised word after "General" is too weak a sign of a person
        end = doc.tokens[name_last - 1].end
        person = Person(
            name=_clean_name(doc.text[doc.tokens[name_first].start : end]),
            title=match.surface,
            title_en=match.surface,
            rank=6,
            country=None,
            country_explicit=False,
            kind="title",
            start=match.start,
            end=end,
            first_token=match.first,
            sentence=sentence.index,
        )
        person.spans = [[person.start, person.end]]
        covered.append((person.start, person.end))
        found.append(person)
    return found


def _country_from_institution(doc: Document, people: list[Person]) -> None:
    """ "the Vice Chairman of the Joint Chiefs of Staff", "Director of the Kremlin's ...": an institution or city inside
    the title, not after "in"/"di" (where an envoy is posted), gives the country the title left unsaid."""
    places = gazetteer.place_matcher()
    for person in people:
        if person.country is not None or not person.title:
            continue
        first = doc.token_index_at(person.start)
        last = doc.token_index_at(person.start + len(person.title)) if person.name else doc.token_index_at(person.end)
        for match in places.find_all(doc, first, min(last + 1, len(doc.tokens))):
            previous = doc.tokens[match.first - 1].key if match.first else ""
            if match.first > first and previous not in POSTED_TO and previous not in ("ke", "from", "dari"):
                person.country, person.country_explicit = match.value, True
                break


MEMBERS_RE = re.compile(
    r"\b(?:beranggotakan|terdiri (?:atas|dari)|antara lain|included|including|comprised|comprising|consisted of|"
    r"members? (?:were|was|are|is)|anggotanya)\s+",
    re.IGNORECASE,
)
DELEGATION_WORD_RE = re.compile(r"\b(delegasi|rombongan|delegation|team|tim)\b", re.IGNORECASE)
LIST_GAP_RE = re.compile(r"\s*(?:,\s*(?:dan\s+|and\s+|serta\s+)?|\s+(?:dan|and|serta)\s+)")


def _delegation_members(doc: Document, people: list[Person], countries: list[Match]) -> list[Person]:
    """ "Delegasi Estonia juga beranggotakan X dari Kementerian Luar Negeri Estonia", "the delegation included X and
    Y": people named without a title as members of a delegation accompany it."""
    covered = [(p.start, p.end) for p in people]
    found = []
    for cue in MEMBERS_RE.finditer(doc.text):
        sentence = doc.sentence_at(cue.start())
        delegation = DELEGATION_WORD_RE.search(doc.text, sentence.start, cue.start())
        if not delegation:
            continue
        # "Delegasi UEA", "the Ghanaian delegation": the country named beside the delegation word sends it.
        beside = [m for m in countries if abs(m.start - delegation.end()) < 25 or abs(delegation.start() - m.end) < 25]
        sender = beside[0].value.code if beside else None
        if sender:
            for person in people:
                if person.sentence == sentence.index and person.start >= cue.end() and person.country is None:
                    person.country, person.country_explicit = sender, True
        i = doc.token_index_at(cue.end())
        while i < sentence.last_token:
            first, last = _name_run(doc, i, sentence.last_token)
            if first is None or last - first < 2 or any(a <= doc.tokens[first].start < b for a, b in covered):
                break
            start, end = doc.tokens[first].start, doc.tokens[last - 1].end
            country = sender
            origin = re.match(r"\s+(?:dari|from|of)\s+", doc.text[end : end + 8])
            if origin:
                # "X dari Kementerian Luar Negeri Estonia": the country that closes the organisation's name.
                stop = doc.text.find(",", end, sentence.end)
                stop = sentence.end if stop < 0 else stop
                stated = [m for m in countries if end < m.start < stop and m.start - end < 80]
                country = stated[0].value.code if stated else country
            person = Person(
                name=_clean_name(doc.text[start:end]),
                title="",
                title_en="",
                rank=8,
                country=country,
                country_explicit=country is not None,
                kind="title",
                start=start,
                end=end,
                first_token=first,
                sentence=sentence.index,
                role="accompanying",
            )
            person.spans = [[start, end]]
            found.append(person)
            gap = LIST_GAP_RE.match(doc.text, end)
            if not gap or gap.end() >= sentence.end:
                break
            i = doc.token_index_at(gap.end())
    return found


def _is_headline(text: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 3]
    if len(words) < 4 or len(text) > 160 or "\n" in text.strip() or text.rstrip()[-1:] in '.!?"”)':
        return False
    return sum(w[0].isupper() for w in words) / len(words) > 0.7


def link_unnamed(people: list[Person], home: str) -> None:
    """The title alone ("Menhan RI") after the title with a name ("Menhan Prabowo Subianto") is that person: the
    same title and country, or the home country's title for someone whose country the text left unsaid."""
    named = [p for p in people if p.name]
    for person in people:
        if person.name:
            continue
        same = [p for p in named if p.title_en == person.title_en and p.country == person.country]
        if not same and person.country == home:
            same = [p for p in named if p.title_en == person.title_en and p.country is None]
        if person.country is None:
            # "Wamenhan" alone is the Deputy Minister named in full elsewhere, whatever country that title said;
            # "dua duta besar" with two ambassadors named is none of them.
            same = [p for p in named if p.title_en == person.title_en]
            if any(not same_person(same[0].name, p.name) for p in same):
                continue
        if len({p.name for p in same}) == 1 or (same and all(same_person(same[0].name, p.name) for p in same)):
            person.name = same[0].name
            if person.country and not same[0].country:
                for p in same:
                    p.country, p.country_explicit = person.country, person.country_explicit


def inherit_title_country(people: list[Person], home: str) -> None:
    """ "Duta Besar Cile untuk Indonesia" with no name, then "Dubes Ana Rojas": a named official whose title says no
    country takes the country of the unnamed mentions of that title, when they all name one foreign country."""
    for person in people:
        if not person.name or person.country is not None or person.kind != "title":
            continue
        stated = {
            p.country
            for p in people
            if not p.name and p.country_explicit and p.title_en == person.title_en and p.start < person.start
        }
        if len(stated) == 1 and (country := next(iter(stated))) != home:
            person.country, person.country_explicit = country, True


def settle_companions(people: list[Person]) -> None:
    """An accompanying official of no stated country is on the side of the one accompanied ("Menhan Lecornu
    didampingi Atase Pertahanan Kolonel ..." makes the attaché French when Lecornu's title said so elsewhere)."""
    explicit = [p for p in people if p.country_explicit and p.name]
    for person in people:
        leader = person.companion
        if person.country is not None or leader is None:
            continue
        if leader.country_explicit:
            person.country = leader.country
        elif leader.name:
            same = next((p for p in explicit if same_person(p.name, leader.name)), None)
            person.country = same.country if same else None
        if person.country:
            person.country_explicit = True


def GAP_OK(doc: Document, left: int, right: int) -> bool:  # noqa: N802 - reads as a predicate on the gap
    return doc.text[doc.tokens[left].end : doc.tokens[right].start] in (" ", "", ". ")  # ". ": "U.S. Secretary"


def _name_before(doc: Document, first: int, sentence) -> tuple[int, int] | None:
    """The name written just before ", [the|his|her] TITLE" ("Prabowo Subianto, Menteri Pertahanan RI, ...")."""
    tokens, k = doc.tokens, first
    if k and tokens[k - 1].key in ("the", "his", "her", "its"):
        k -= 1
    if k - 1 > sentence.first_token and tokens[k - 1].key in ("selaku", "sebagai") and tokens[k - 2].is_capitalized:
        k -= 1  # "Budi Santoso selaku Menteri Pertahanan": the name, "as", the title
        if doc.text[tokens[k - 1].end : tokens[k].start] not in (" ", ", "):
            return None
    elif k - 1 < sentence.first_token or doc.text[tokens[k - 1].end : tokens[k].start] != ", ":
        return None
    end, start = k, k
    while start > sentence.first_token and end - start < 5:
        gap = doc.text[tokens[start - 1].end : tokens[start].start] if start < end else ""
        if start < end and gap not in (" ", "-", ". ", "."):
            break
        start -= 1
    honorifics = gazetteer.honorific_matcher()
    begin = start
    while begin < end:
        if honorific := honorific_at(doc, begin, end, honorifics):
            begin = honorific.last  # "Air Marshal X, Secretary General", "H.E. X, Ambassador": not the name
            continue
        if _name_run(doc, begin, end) == (begin, end):
            return begin, end
        begin += 1
    return None


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 7 and word.isupper() and word.isalpha()


def honorific_at(doc: Document, i: int, limit: int, honorifics) -> Match | None:
    match = honorifics.match_at(doc, i, limit)
    if match and match.value.endswith(".") and doc.text[match.end : match.end + 1] != ".":
        return None
    return match


def _skip_honorifics(doc: Document, i: int, limit: int, honorifics) -> int:
    while i < limit:
        match = honorific_at(doc, i, limit, honorifics)
        if not match:
            break
        i = _skip_rank_bracket(doc, match.last, limit)
    return i


def _skip_rank_bracket(doc: Document, i: int, limit: int) -> int:
    """A short bracket after a rank qualifies it, not the name: "(Ret.)", "(Purn)", "(Air)", "Kolonel Laut (P)"."""
    if i >= limit or not doc.text[doc.tokens[i - 1].end : doc.tokens[i].start].strip().endswith("("):
        return i
    close = doc.text.find(")", doc.tokens[i].start, doc.tokens[i].start + 8)
    if close < 0:
        return i
    while i < limit and doc.tokens[i].start < close:
        i += 1
    return i


def _name_after(doc: Document, i: int, limit: int, honorifics) -> tuple[int | None, int | None]:
    tokens = doc.tokens
    if i >= limit:
        return None, None
    gap = doc.text[tokens[i - 1].end : tokens[i].start]
    if gap.strip() == "(" and _is_acronym(tokens[i].text) and i + 1 < limit:
        # "Direktur Jenderal Persenjataan Prancis (DGA) Emmanuel X": the office's acronym, then the name.
        close = doc.text[tokens[i].end : tokens[i + 1].start]
        if close.strip() not in (")", "),"):
            return None, None
        i += 1
        gap = ""
    if gap.replace(")", "").strip() not in ("", ",", ".", "'", "’", "',", "’,", ".,"):
        return None, None
    i = _skip_honorifics(doc, i, limit, honorifics)
    return _name_run(doc, i, limit)


def _rank_and_name_after(doc: Document, i: int, limit: int, honorifics) -> tuple[int, int, int] | None:
    """(end of the office, name first, name last) when ", RANK NAME" or " ACRONYM RANK NAME" follows token i."""
    tokens = doc.tokens
    office_end = i
    while i < limit and _is_acronym(tokens[i].text) and doc.text[tokens[i - 1].end : tokens[i].start] == " ":
        i += 1
        office_end = i
    if i >= limit or doc.text[tokens[i - 1].end : tokens[i].start] not in (" ", ", "):
        return None
    match = honorific_at(doc, i, limit, honorifics)
    if not match or not RANKS_AS_TITLE.match(match.surface):
        return None
    first, last = _name_run(doc, _skip_honorifics(doc, i, limit, honorifics), limit)
    return (office_end, first, last) if first is not None else None


def _name_after_company(doc: Document, i: int, limit: int) -> tuple[int, int, int] | None:
    """(end of the office, name first, name last) after a hyphenated company name ending in an acronym."""
    tokens = doc.tokens
    if i >= limit or not tokens[i].is_capitalized or doc.text[tokens[i - 1].end : tokens[i].start] != " ":
        return None
    j = next(
        (
            k
            for k in range(i + 1, min(limit, i + 5))
            if doc.text[tokens[k - 1].end : tokens[k].start] == "-" and _is_acronym(tokens[k].text)
        ),
        None,
    )
    if j is None or j + 1 >= limit or not all(t.is_capitalized for t in tokens[i:j]):
        return None
    first, last = _name_run(doc, j + 1, limit)
    if first is None or last - first < 2 or doc.text[tokens[j].end : tokens[j + 1].start] != " ":
        return None
    return j + 1, first, last


def _name_after_office(doc: Document, i: int, limit: int, honorifics) -> tuple[int, int, int] | None:
    """(end of the office, name first, name last) when the title runs on over at most eight capitalised words and
    connectives to a comma and a name of two words or more follows it; None otherwise."""
    tokens = doc.tokens
    if i >= limit or doc.text[tokens[i - 1].end : tokens[i].start] != " ":
        return None
    for j in range(i, min(limit, i + 8)):
        token = tokens[j]
        if not (token.is_capitalized or token.key in CONNECTIVES):
            return None
        if j > i and doc.text[tokens[j - 1].end : token.start] not in (" ", "-"):
            return None
        if gazetteer.title_matcher().match_at(doc, j, limit) and j > i:
            return None  # "... dan Menteri X": the next official
        if j + 1 < limit and doc.text[token.end : tokens[j + 1].start] == ", " and token.key not in CONNECTIVES:
            first, last = _name_run(doc, _skip_honorifics(doc, j + 1, limit, honorifics), limit)
            if first is not None and last - first >= 2:
                return j + 1, first, last
            return None
    return None


def _name_after_honorific(doc: Document, i: int, limit: int, honorifics) -> tuple[int | None, int | None]:
    titles = gazetteer.title_matcher()
    for j in range(i, limit):
        token = doc.tokens[j]
        if token.key == "s" and j and doc.text[doc.tokens[j - 1].end : token.start] in ("'", "’"):
            continue  # "Commandant of Ghana's Peacekeeping Centre, Brigadier X"
        if not (token.is_capitalized or token.key in CONNECTIVES):
            return None, None  # prose, not the rest of an organisation's name
        if titles.match_at(doc, j, limit):
            return None, None  # "mendampingi Wamenhan, Dirjen Strahan Mayjen X": X is the next title's
        if honorific_at(doc, j, limit, honorifics):
            start = _skip_honorifics(doc, j, limit, honorifics)
            first, last = _name_run(doc, start, limit)
            if first is not None:
                return first, last
    return None, None


def _name_run(doc: Document, i: int, limit: int) -> tuple[int | None, int | None]:
    """The capitalised words from token i that form a person's name, if they do."""
    tokens, words = doc.tokens, gazetteer.title_words()
    first, j, particles = i, i, 0
    while j < limit and j - first - particles < 6:
        token = tokens[j]
        if j > first:
            gap = doc.text[tokens[j - 1].end : token.start]
            initial_before = bool(INITIAL_RE.fullmatch(tokens[j - 1].text))
            if not (gap in (" ", "-") or (initial_before and gap in (". ", "."))):
                break
        if token.key in NAME_PARTICLES and j > first and j + 1 < limit and tokens[j + 1].is_capitalized:
            j += 1
            particles += 1  # "Awang Haji Azmi bin Haji Ismail": particles do not make a name too long
            continue
        if j > first and doc.text[tokens[j - 1].end : token.start] == "-" and token.text.islower():
            j += 1  # "Shin Won-sik"
            continue
        if not token.is_capitalized or (token.key in NOT_NAMES and not _month_word_in_name(doc, first, j, limit)):
            break
        if token.text.isupper() and len(token.text) > 1 and not _is_initials(doc, j):
            break  # an acronym (TNI, RI) is not part of a name
        if j > first and _country_starts(doc, j, limit):
            break  # "Staf Gabungan Jepang": a country ends an organisation's name, it is not a surname
        j += 1
    if j == first:
        return None, None
    if j < limit and doc.text[tokens[j - 1].end : tokens[j].start] == "-" and tokens[j].text.isupper():
        return None, None  # "Yugoimport-SDPR", "Airbus-EADS": a company's name, not a person's
    name_tokens = tokens[first:j]
    if any(
        t.key in words for t in name_tokens if len(t.text) > 1 and t.key not in NAME_PARTICLES | NAME_AND_TITLE_WORDS
    ):
        return None, None  # an office or organisation ("Kabaranahan Kemhan"), not a person
    if gazetteer.place_matcher().match_at(doc, first, j) or _is_country(doc, first, j) or _inside_place(doc, first):
        return None, None
    return first, j


def _inside_place(doc: Document, i: int) -> bool:
    """ "di Bandar Seri Begawan": the word is the end of a place's name that starts before it."""
    places = gazetteer.place_matcher()
    return any((m := places.match_at(doc, k)) and m.last > i for k in range(max(0, i - 3), i))


def _month_word_in_name(doc: Document, first: int, j: int, limit: int) -> bool:
    """ "Dong Jun", "Kim Jun-ho": a short month name inside a name, with no day number beside it."""
    tokens = doc.tokens
    if j == first or tokens[j].key not in MONTHS or tokens[j].key in WEEKDAYS:
        return False
    return not (j + 1 < limit and tokens[j + 1].text.isdigit()) and not tokens[j - 1].text.isdigit()


def _country_starts(doc: Document, j: int, limit: int) -> bool:
    return bool(
        gazetteer.country_matcher("id").match_at(doc, j, limit)
        or gazetteer.country_matcher("en").match_at(doc, j, limit)
    )


def _is_initials(doc: Document, j: int) -> bool:
    token = doc.tokens[j]
    return len(token.text) <= 2 and doc.text[token.end : token.end + 1] == "."


def _is_country(doc: Document, first: int, last: int) -> bool:
    match = gazetteer.country_matcher("en").match_at(doc, first, last) or gazetteer.country_matcher("id").match_at(
        doc, first, last
    )
    return bool(match and match.last == last)


def _clean_name(name: str) -> str:
    name = re.sub(r"['’]s$", "", name.strip())
    return name.strip(" ,.'’")


def _mark_accompanying(doc: Document, people: list[Person]) -> None:
    """People named after "didampingi"/"accompanied by" up to the next main verb accompany the one named before;
    a second cue in the sentence ("..., sedangkan Menhan X didampingi ...") starts a new group at its subject."""
    cues = list(ACCOMPANYING_RE.finditer(doc.text))
    for index, cue in enumerate(cues):
        sentence = doc.sentence_at(cue.start())
        verb = MAIN_VERB_RE.search(doc.text, cue.end())
        stop = min(verb.start() if verb else len(doc.text), sentence.end)
        if index + 1 < len(cues) and cues[index + 1].start() < stop:
            subjects = [p for p in people if cue.end() <= p.start < cues[index + 1].start()]
            stop = subjects[-1].start if subjects else cues[index + 1].start()
        before = [p for p in people if sentence.start <= p.start < cue.start()]
        if not before:
            # "Soto was accompanied by ...": a surname alone before the cue names an official met earlier.
            words = set(re.findall(r"[^\W\d_]+", doc.text[sentence.start : cue.start()]))
            before = [p for p in people if p.name and p.start < sentence.start and p.name.split()[-1] in words][-1:]
        for person in people:
            if cue.end() <= person.start < stop:
                person.role = "accompanying"
                if before:
                    person.companion = before[-1]


def _resolve_counterparts(people: list[Person]) -> None:
    """ "her Australian counterpart Marise Payne" has the title of the person named before in the sentence."""
    for index, person in enumerate(people):
        if person.title_en == "counterpart":
            earlier = [p for p in people[:index] if p.sentence == person.sentence and p.title_en != "counterpart"]
            if earlier:
                person.title_en, person.rank = earlier[-1].title_en, earlier[-1].rank


# --- Joining mentions of the same person -----------------------------------------------------------------------------


def name_key_tokens(name: str) -> list[str]:
    return [fold(t) for t in re.findall(r"[^\W\d_]+", name) if len(t) > 1]


def same_person(a: str, b: str) -> bool:
    """ "Prabowo" and "Prabowo Subianto" are one person; so are "Muhammad Herindra" and "M. Herindra"."""
    ta, tb = name_key_tokens(a), name_key_tokens(b)
    if not ta or not tb:
        return False
    small, big = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return all(t in big for t in small) or (max(small, key=len) in big and len(max(small, key=len)) >= 4)


def merge_people(people: list[Person]) -> list[Person]:
    """One entry per person: the fullest name, the first explicit country, the highest role, every span."""
    merged: list[Person] = []
    for person in people:
        if person.name is None:
            merged.append(person)
            continue
        same = next((m for m in merged if m.name and same_person(m.name, person.name)), None)
        if same is None:
            merged.append(person)
            continue
        if len(person.name) > len(same.name):
            same.name = person.name
        if not same.country_explicit and person.country_explicit:
            same.country, same.country_explicit = person.country, True
        # Keep the fullest form of the title: "Wakil Menteri Pertahanan (Wamenhan) RI" over a later "Wamenhan".
        better = (person.rank, -len(person.title)) < (same.rank, -len(same.title))
        if same.title_en == "counterpart" or (better and person.kind == same.kind and person.title_en != "counterpart"):
            same.title, same.title_en, same.rank = person.title, person.title_en, person.rank
        if person.role == "principal":
            same.role = "principal"
        same.spans.extend(person.spans)
    named = [(p.title_en, p.country) for p in merged if p.name]
    return [p for p in merged if p.name or (p.country_explicit and (p.title_en, p.country) not in named)]
