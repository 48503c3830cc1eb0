"""The article as the extractors see it: tokens and sentences with character offsets into the original text.

Offsets always refer to the text as given, so a review screen can highlight evidence; lines that are not the
article ("Baca juga: ..." links to other stories) are blanked with spaces rather than cut, for the same reason.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

# Apostrophes inside words stay ("Jum'at", "Dato'"), a possessive "'s" does not ("Indonesia's" is Indonesia).
TOKEN_RE = re.compile(r"[^\W_]+(?:['’](?!s\b)[^\W_]+)*|\+")
# Links to other stories that news sites put inside the body; with nothing after the colon the link is the next line.
RELATED_LINK_RE = re.compile(
    r"^[ \t]*(?:baca juga|baca pula|lihat juga|simak juga|read also|read more|also read|see also)\b[ \t]*:?(.*)$",
    re.IGNORECASE | re.MULTILINE,
)
SENTENCE_END_RE = re.compile(r"[.!?]+[\"”’']?(?=\s+[\"“‘']?[^\W\d_])|\n+")
# Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "drs",
        "ir",
        "prof",
        "st",
        "jr",
        "sr",
        "sept",
        "sep",
        "oct",
        "nov",
        "dec",
        "jan",
        "feb",
        "mar",
        "apr",
        "aug",
        "gen",
        "lt",
        "col",
        "adm",
        "brig",
        "maj",
        "capt",
        "hon",
        "no",
        "vol",
        "h",
        "hj",
        "he",
        "y",
        "m",
        "u",
        "s",
        "e",
        "k",
        "a",
        "b",
        "c",
        "d",
        "f",
        "g",
        "i",
        "j",
        "l",
        "n",
        "o",
        "p",
        "q",
        "r",
        "t",
        "v",
        "w",
        "x",
        "z",
        "yth",
        "purn",
        "jend",
        "bpk",
        "pol",
        "inf",
        "purn",
        "ret",
        "retd",
    ]
)


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a literal block, for readable word lists."""
    return frozenset(text.split())


def fold(word: str) -> str:
    """A token's comparison key: lower case, accents dropped, typographic apostrophes unified."""
    word = word.replace("’", "'").lower()
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(fold(m.group()) for m in TOKEN_RE.finditer(phrase))


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    key: str

    @property
    def is_capitalized(self) -> bool:
        return self.text[:1].isupper()


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    first_token: int
    last_token: int  # exclusive


@dataclass
class Document:
    """Original text, the same text with non-article lines blanked, its tokens and its sentences."""

    original: str
    text: str = ""
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = mask_related_links(self.original)
        self.tokens = [Token(m.start(), m.end(), m.group(), fold(m.group())) for m in TOKEN_RE.finditer(self.text)]
        self.sentences = split_sentences(self.text, self.tokens)

    @cached_property
    def sentence_of_token(self) -> list[int]:
        owner = [0] * len(self.tokens)
        for sentence in self.sentences:
            for i in range(sentence.first_token, sentence.last_token):
                owner[i] = sentence.index
        return owner

    @cached_property
    def _sentence_ends(self) -> list[int]:
        return [sentence.end for sentence in self.sentences]

    def sentence_at(self, offset: int) -> Sentence:
        index = bisect.bisect_right(self._sentence_ends, offset)
        return self.sentences[min(index, len(self.sentences) - 1)]

    def token_index_at(self, offset: int) -> int:
        """Index of the first token starting at or after `offset`."""
        lo, hi = 0, len(self.tokens)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.tokens[mid].start < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo


def mask_related_links(text: str) -> str:
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "

    for match in RELATED_LINK_RE.finditer(text):
        blank(match.start(), match.end())
        if not match.group(1).strip():
            # The linked headline is the next non-empty line.
            rest = text[match.end() :]
            next_line = re.match(r"\s*\n([^\n]*)", rest)
            if next_line:
                blank(match.end() + next_line.start(1), match.end() + next_line.end(1))
    return "".join(chars)


def split_sentences(text: str, tokens: list[Token]) -> list[Sentence]:
    bounds, start = [], 0
    for match in SENTENCE_END_RE.finditer(text):
        if match.group().startswith("."):
            word = re.search(r"([^\W\d_]+)$", text[max(0, match.start() - 12) : match.start()])
            if word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        end = match.end()
        if text[start:end].strip():
            bounds.append((start, end))
        start = end
    if text[start:].strip():
        bounds.append((start, len(text)))
    sentences, t = [], 0
    for index, (begin, end) in enumerate(bounds):
        while begin < len(text) and text[begin].isspace():
            begin += 1
        first = t
        while t < len(tokens) and tokens[t].start < end:
            t += 1
        sentences.append(Sentence(index, begin, end, text[begin:end].rstrip(), first, t))
    return sentences


# --- Phrase lookup over tokens --------------------------------------------------------------------------------------

EXACT, CAPITALIZED, ANY_CASE = "exact", "capitalized", "any"
GAP_RE = re.compile(r"[ \t\-.'’&/]*")


@dataclass(frozen=True, slots=True)
class Match:
    first: int  # token index
    last: int  # exclusive
    start: int  # character offsets
    end: int
    value: object
    surface: str


class PhraseMatcher:
    """Longest-first lookup of many phrases over a token list, faster than one big regex alternation.

    Each phrase has a case policy: EXACT for abbreviations ("AS" is a country, "as" is not), CAPITALIZED for names,
    ANY_CASE for titles and cue words.
    """

    def __init__(self, entries: Iterable[tuple[str, object, str]]):
        self.table: dict[tuple[str, ...], list[tuple[str, object, str]]] = {}
        for phrase, value, policy in entries:
            key = phrase_key(phrase)
            if key:
                self.table.setdefault(key, []).append((phrase, value, policy))
        self.longest = max((len(k) for k in self.table), default=0)
        self.first_keys = {k[0] for k in self.table}

    def _accepts(self, doc: Document, first: int, last: int, phrase: str, policy: str) -> bool:
        tokens = doc.tokens
        if policy == ANY_CASE:
            return True
        if policy == CAPITALIZED:
            return tokens[first].is_capitalized
        written = [t.text for t in tokens[first:last]]
        return written == [m.group() for m in TOKEN_RE.finditer(phrase)]

    def _contiguous(self, doc: Document, first: int, last: int) -> bool:
        tokens, text = doc.tokens, doc.text
        return all(GAP_RE.fullmatch(text[tokens[i - 1].end : tokens[i].start]) for i in range(first + 1, last))

    def match_at(self, doc: Document, i: int, limit: int | None = None) -> Match | None:
        tokens = doc.tokens
        n = len(tokens) if limit is None else limit
        if i >= n or tokens[i].key not in self.first_keys:
            return None
        for size in range(min(self.longest, n - i), 0, -1):
            candidates = self.table.get(tuple(t.key for t in tokens[i : i + size]))
            if not candidates or not self._contiguous(doc, i, i + size):
                continue
            for phrase, value, policy in candidates:
                if self._accepts(doc, i, i + size, phrase, policy):
                    last = i + size
                    return Match(
                        i,
                        last,
                        tokens[i].start,
                        tokens[last - 1].end,
                        value,
                        doc.text[tokens[i].start : tokens[last - 1].end],
                    )
        return None

    def find_all(self, doc: Document, first: int = 0, last: int | None = None) -> list[Match]:
        last = len(doc.tokens) if last is None else last
        found, i = [], first
        while i < last:
            match = self.match_at(doc, i, last)
            if match:
                found.append(match)
                i = match.last
            else:
                i += 1
        return found
