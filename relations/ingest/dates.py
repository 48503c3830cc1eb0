"""Dates as Indonesian and English news write them, resolved to calendar days.

News style leaves the year out ("Jumat (4/10)", "on Tuesday"): the year comes from the text where it says so, else
from the publication date, and the weekday decides between neighbouring years (an early-January article about
late December). A bare weekday is the last such day up to publication, or the next one for a planned meeting.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "jum’at": 4, "sabtu": 5,
    "minggu": 6, "ahad": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
MONTHS = {
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10,
    "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "ags": 8, "agust": 8,
    "aug": 8, "sep": 9, "sept": 9, "okt": 10, "oct": 10, "nov": 11, "nop": 11, "des": 12, "dec": 12,
}  # fmt: skip
RELATIVE = {"kemarin": -1, "kemarin lusa": -2, "hari ini": 0, "besok": 1, "esok": 1, "lusa": 2,
            "yesterday": -1, "today": 0, "tomorrow": 1}  # fmt: skip

_WD = "|".join(sorted((re.escape(w) for w in WEEKDAYS), key=len, reverse=True))
_MO = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_REL = "|".join(sorted((re.escape(r) for r in RELATIVE), key=len, reverse=True))
# "3-4 Februari", "11 hingga 13 Maret": a meeting over several days is dated by its first.
_UNTIL = r"(?:\s*[-–—]\s*\d{1,2}|\s+(?:hingga|sampai|s\.d\.?|to|and|dan)\s+\d{1,2})?(?:st|nd|rd|th)?"
DATE_RE = re.compile(
    rf"""
    (?P<wd1>{_WD})\s*(?:(?:pagi|siang|sore|malam|petang|dini\s+hari)\s*)?,?\s*(?P<open>\()?\s*
        (?P<d1>\d{{1,2}})\s*/\s*(?P<m1>\d{{1,2}})(?:\s*/\s*(?P<y1>\d{{2,4}}))?\b(?(open)\s*\))
  | (?P<wd7>{_WD})\s*\(\s*(?:(?P<d7>\d{{1,2}})\s+(?P<m7>{_MO})|(?P<m8>{_MO})\.?\s+(?P<d8>\d{{1,2}}))\.?\s*\)
  | (?:(?P<wd2>{_WD})\s*,?\s*)?(?:(?:tanggal|tgl\.?)\s*)?
        \b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?{_UNTIL}\s+(?:of\s+)?(?P<m2>{_MO})\b\.?
        (?:,?\s*(?P<y2>\d{{4}})\b)?
  | (?:(?P<wd3>{_WD})\s*,?\s*)?\b(?P<m3>{_MO})\b\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*/)
        (?:,?\s*(?P<y3>\d{{4}})\b)?
  | \b(?P<m4>{_MO})\b\.?\s+(?P<y4>\d{{4}})\b
  | \b(?P<d5>\d{{1,2}})(?P<sep>[/.-])(?P<m5>\d{{1,2}})(?P=sep)(?P<y5>\d{{4}})\b
  | \b(?P<y10>20\d\d)-(?P<m10>[01]\d)-(?P<d10>[0-3]\d)\b
  | (?<=\()\s*(?P<d9>\d{{1,2}})\s*/\s*(?P<m9>\d{{1,2}})\s*(?=\)\s*(?:\([A-Za-z .]+\)\s*)?[-–—:])
  | \b(?P<wd6>{_WD})\b(?:\s+(?P<week>(?:pekan|minggu)\s+(?:lalu|depan|ini)|(?:of\s+)?(?:last|next|this)\s+week)\b)?
  | \b(?P<rel>{_REL})\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# The city of a dateline: up to three capitalised words ("Bandar Seri Begawan (5/3) -").
DATELINE_PLACE_RE = re.compile(r"\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}\s*(?:\([A-Za-z .]+\)\s*)?\(\s*")
DATELINE_END_RE = re.compile(r"\s*(?:\([A-Za-z .]+\)\s*)?[-–—:|]")
YEAR_RE = re.compile(r"(?<![\d/.,])(?:19[5-9]\d|20[0-4]\d)(?![\d/])")


@dataclass
class DateMention:
    start: int
    end: int
    text: str
    day: int | None = None
    month: int | None = None
    year: int | None = None
    weekday: int | None = None
    relative: int | None = None
    week: int = 0  # "Kamis pekan lalu": -1, "Monday next week": 1, "this week": 0
    resolved: dt.date | None = None
    precision: str | None = None  # day | month
    dateline: bool = False  # "Jakarta, Jan 3 -": when the story was filed, not when the meeting was
    week_stated: bool = False

    @property
    def is_bare_weekday(self) -> bool:
        return self.weekday is not None and self.day is None

    @property
    def iso(self) -> str | None:
        if self.resolved is None:
            return None
        return self.resolved.isoformat() if self.precision == "day" else self.resolved.strftime("%Y-%m")


def _capitalized(word: str | None) -> bool:
    return word is None or word[:1].isupper()


ANCHOR_WORDS = frozenset(WEEKDAYS) | frozenset(MONTHS) | {r.split()[0] for r in RELATIVE} | {"tanggal", "tgl", "jum"}
ANCHOR_RE = re.compile(r"[^\W_]+")


def _candidates(text: str):
    """Matches of DATE_RE, tried only where a word can start a date: scanning words is far cheaper than letting
    the big pattern try every character."""
    end = 0
    for word in ANCHOR_RE.finditer(text):
        if word.start() < end:
            continue
        token = word.group()
        if not (token[0].isdigit() or token.lower() in ANCHOR_WORDS):
            continue
        match = DATE_RE.match(text, word.start())
        if match:
            end = match.end()
            yield match


def find_dates(text: str) -> list[DateMention]:
    """Every date expression in the text, unresolved."""
    found = []
    for m in _candidates(text):
        g = m.groupdict()
        weekday_word = g["wd1"] or g["wd2"] or g["wd3"] or g["wd6"] or g["wd7"]
        month_word = g["m2"] or g["m3"] or g["m4"] or g["m7"] or g["m8"]
        # Weekday and month names are capitalised in both languages; lower case is "minggu" (week), "may" (verb).
        if not (_capitalized(weekday_word) and _capitalized(month_word)):
            if g["wd6"] or g["m4"] or (month_word and not _capitalized(month_word)):
                continue
            weekday_word = None
        mention = DateMention(m.start(), m.end(), m.group())
        if weekday_word:
            mention.weekday = WEEKDAYS[weekday_word.lower()]
        if g["week"]:
            week = g["week"].lower()
            mention.week = -1 if ("lalu" in week or "last" in week) else 1 if ("depan" in week or "next" in week) else 0
            mention.week_stated = True
        if g["rel"]:
            mention.relative = RELATIVE[g["rel"].lower()]
        if g["d1"]:
            mention.day, mention.month, mention.year = int(g["d1"]), int(g["m1"]), _year(g["y1"])
        elif g["d2"]:
            mention.day, mention.month, mention.year = int(g["d2"]), MONTHS[g["m2"].lower()], _year(g["y2"])
        elif g["d3"]:
            mention.day, mention.month, mention.year = int(g["d3"]), MONTHS[g["m3"].lower()], _year(g["y3"])
        elif g["m4"]:
            mention.month, mention.year, mention.precision = MONTHS[g["m4"].lower()], int(g["y4"]), "month"
        elif g["wd7"]:
            mention.day, mention.month = int(g["d7"] or g["d8"]), MONTHS[(g["m7"] or g["m8"]).lower()]
        elif g["d5"]:
            mention.day, mention.month, mention.year = int(g["d5"]), int(g["m5"]), int(g["y5"])
        elif g["d10"]:
            mention.day, mention.month, mention.year = int(g["d10"]), int(g["m10"]), int(g["y10"])
        elif g["d9"]:
            mention.day, mention.month = int(g["d9"]), int(g["m9"])
        if mention.month is not None and not 1 <= mention.month <= 12:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        after = text.index(")", m.end()) + 1 if g["d9"] else m.end()
        mention.dateline = m.start() - line_start < 40 and bool(DATELINE_END_RE.match(text, after))
        if g["d9"] and not (mention.dateline and DATELINE_PLACE_RE.fullmatch(text, line_start, m.start())):
            continue  # a bare "(13/2)" is a date only in a dateline: "Jakarta (13/2) - ..."
        found.append(mention)
    return found


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _valid(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def years_in(text: str) -> list[int]:
    """Four-digit years written in the text, most frequent first."""
    counts: dict[int, int] = {}
    for m in YEAR_RE.finditer(text):
        counts[int(m.group())] = counts.get(int(m.group()), 0) + 1
    return sorted(counts, key=lambda y: -counts[y])


def candidate_years(published: dt.date | None, nearby_years: list[int], text_years: list[int]) -> list[int]:
    base = [published.year] if published else list(dict.fromkeys(nearby_years + text_years))
    out = []
    for year in base:
        for candidate in (year, year - 1, year + 1):
            if candidate not in out:
                out.append(candidate)
    return out


def resolve_day_month(mention: DateMention, years: list[int], published: dt.date | None) -> None:
    """Fill `resolved` for a day/month mention: the written year, else the first candidate year the weekday fits."""
    if mention.year:
        day = _valid(mention.year, mention.month, mention.day)
        if day and published and mention.weekday is not None and day.weekday() != mention.weekday:
            # A written year that disagrees with both the weekday and the publication date is likelier a typo of one
            # year (a January article still writing last year); without that second witness the written year stands.
            fits = [d for y in (mention.year - 1, mention.year + 1) if (d := _valid(y, mention.month, mention.day))]
            fit = next((d for d in fits if d.weekday() == mention.weekday), None)
            if fit and abs((fit - published).days) < abs((day - published).days):
                day = fit
        mention.resolved, mention.precision = day, "day" if day else None
        return
    if mention.weekday is not None:
        for year in years:
            day = _valid(year, mention.month, mention.day)
            if day and day.weekday() == mention.weekday:
                mention.resolved, mention.precision = day, "day"
                return
    if years:
        day = _valid(years[0], mention.month, mention.day)
        if day and published and (day - published).days > 200:
            day = _valid(years[0] - 1, mention.month, mention.day)  # a January article about December
        mention.resolved, mention.precision = day, "day" if day else None


def resolve_all(text: str, mentions: list[DateMention], published: dt.date | None) -> dt.date | None:
    """Resolve what can be resolved alone; returns the reference date (publication, else the first full date)."""
    text_years = years_in(text)
    for mention in mentions:
        if mention.precision == "month":
            mention.resolved = dt.date(mention.year, mention.month, 1)
        elif mention.day is not None:
            sentence_start = max(text.rfind("\n", 0, mention.start), text.rfind(". ", 0, mention.start))
            sentence_end = min(
                i for i in (text.find("\n", mention.end), text.find(". ", mention.end), len(text)) if i >= 0
            )
            nearby = years_in(text[sentence_start + 1 : sentence_end])
            resolve_day_month(mention, candidate_years(published, nearby, text_years), published)
    reference = published or next((m.resolved for m in mentions if m.precision == "day" and m.resolved), None)
    for mention in mentions:
        if mention.relative is not None and reference:
            mention.resolved, mention.precision = reference + dt.timedelta(days=mention.relative), "day"
    return reference


def resolve_weekday(
    mention: DateMention,
    mentions: list[DateMention],
    published: dt.date | None,
    reference: dt.date | None,
    future: bool,
) -> dt.date | None:
    """A bare weekday: counted from publication; without one, the full date in the text on that weekday."""
    if published and mention.week_stated:
        # "Kamis pekan lalu", "Monday next week": that weekday in the calendar week before, of or after publication.
        monday = published - dt.timedelta(days=published.weekday())
        return monday + dt.timedelta(days=7 * mention.week + mention.weekday)
    if published:
        delta = (published.weekday() - mention.weekday) % 7
        if future:
            return published + dt.timedelta(days=(mention.weekday - published.weekday()) % 7 or 7)
        return published - dt.timedelta(days=delta)
    same_weekday = [m.resolved for m in mentions if m.precision == "day" and m.resolved and m.day is not None]
    match = next((d for d in same_weekday if d.weekday() == mention.weekday), None)
    if match:
        return match
    if reference:
        delta = (mention.weekday - reference.weekday()) % 7
        return reference + dt.timedelta(days=delta if future else delta - 7 if delta else 0)
    return None
