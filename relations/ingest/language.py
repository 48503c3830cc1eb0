"""Which language an article is in: Indonesian or English, anything else is refused.

Function words decide most texts at once; langdetect settles the rest (seeded, so the answer never changes).
"""

from __future__ import annotations

import re

from relations.ingest.errors import UnsupportedLanguageError
from relations.ingest.text import word_set

SUPPORTED = ("id", "en")
STOPWORDS = {
    "id": word_set(
        """
        yang dan di ke dari dengan untuk pada dalam ini itu tersebut adalah akan juga tidak atau
        oleh karena sebagai bahwa kedua para serta telah sudah menjadi antara kami kita mereka saat
        bagi hal dapat lebih
        """
    ),
    "en": word_set(
        """
        the and of to in with for on at by from is are was were be been this that which will would
        has have had it its as an their they he she his her also both who after between
        """
    ),
}
DOMAIN_WORDS = {
    "id": word_set(
        """
        menerima kunjungan pertemuan bertemu kerja sama pertahanan kementerian menteri wakil kepala staf
        angkatan darat laut udara duta besar senin selasa rabu kamis jumat sabtu minggu januari februari maret
        mei juni juli agustus oktober desember membahas menyambut delegasi kedutaan
        """
    ),
    "en": word_set(
        """
        received visit visited meeting met talks defence defense ministry minister deputy chief staff army navy
        air force ambassador monday tuesday wednesday thursday friday saturday sunday january february march
        may june july august october december discussed welcomed delegation embassy
        """
    ),
}
WORD_RE = re.compile(r"[a-z]+")
LANGUAGE_NAMES = {"fr": "French", "de": "German", "es": "Spanish", "nl": "Dutch", "pt": "Portuguese", "it": "Italian"}


def _function_words(text: str) -> tuple[list[str], dict[str, int]]:
    words = WORD_RE.findall(text.lower())
    return words, {lang: sum(w in stop for w in words) for lang, stop in STOPWORDS.items()}


def _clear_majority(words: list[str], counts: dict[str, int]) -> str | None:
    # A clear majority of one language's function words, and enough of them to be prose in it.
    best = max(counts, key=counts.get)
    other = min(counts, key=counts.get)
    total = max(len(words), 1)
    if counts[best] >= 3 and counts[best] >= 2 * counts[other] and counts[best] / total >= 0.08:
        return best
    return None


def clearly_supported(text: str) -> str | None:
    """ "id" or "en" when the function words leave no doubt, else None (then ask `detect_language`)."""
    return _clear_majority(*_function_words(text))


def detect_language(text: str) -> str:
    """ "id" or "en"; raises UnsupportedLanguageError for any other language."""
    words, counts = _function_words(text)
    best = max(counts, key=counts.get)
    other = min(counts, key=counts.get)
    clear = _clear_majority(words, counts)
    if clear:
        return clear
    guess = _langdetect(text)
    if guess == "ms" and counts["id"] >= counts["en"]:
        return "id"  # langdetect often calls short Indonesian texts Malay
    if guess in SUPPORTED and counts[guess] >= 1:
        return guess
    if counts[best] >= 2 and counts[best] >= 3 * counts[other] and guess is None:
        return best  # too little text for langdetect, but only one language's function words
    # A one-sentence report written in titles and names has few function words: the words of the domain decide
    # ("menerima kunjungan", "Senin", "received", "Monday"), when langdetect does not say otherwise.
    domain = {lang: sum(w in words_ for w in words) for lang, words_ in DOMAIN_WORDS.items()}
    lead = max(domain, key=domain.get)
    if domain[lead] >= 2 and domain[lead] >= 2 * min(domain.values()) and guess in (lead, "ms", "tl", None):
        return lead
    other_lang = "id" if lead == "en" else "en"
    if domain[lead] >= 2 and domain[other_lang] == 0 and counts[lead] >= 1 and counts[other_lang] == 0:
        return lead  # langdetect misreads a short line of names ("... Antonio Guterres di New York, Senin (10/3)")
    if guess in SUPPORTED and counts[guess] >= counts["id" if guess == "en" else "en"] and domain[guess] >= 1:
        return guess
    name = LANGUAGE_NAMES.get(guess or "", guess or "unknown")
    raise UnsupportedLanguageError(
        f"The article's language ({name}) is not supported: only Indonesian and English are."
    )


def _langdetect(text: str) -> str | None:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return detect(text[:5000])
    except LangDetectException:
        return None


def check_language(language: str) -> str:
    code = (language or "").strip().lower()[:2]
    if code not in SUPPORTED:
        raise UnsupportedLanguageError(
            f"The language {language!r} is not supported: only Indonesian (id) and English (en) are."
        )
    return code
