"""A compact signature of an article's wording, to tell near-duplicates from different articles without their texts.

The signature is a one-permutation MinHash (Li, Owen & Zhang 2012) of the text's word pairs: every pair of
consecutive words (case, accents and punctuation ignored) is hashed once, the hash picks one of `BINS` bins, and each
bin keeps the lowest byte of the smallest hash that fell in it (0 when none did). The share of bins two signatures
agree on, among those not empty in both, estimates the Jaccard similarity of the two texts' sets of word pairs.

It only narrows the search: intake still decides on the ratio of the texts (rapidfuzz), and a copy whose ratio
reaches 90 shares most of its word pairs (headers, datelines, a dropped paragraph or a truncated end leave the rest
intact), so a generous bound on the estimate lets every such copy through and almost no different article. Pairs
rather than longer runs of words keep a copy found when its changes are scattered (a word in ten replaced), at the
cost of more different articles let through, which the ratio then turns down.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

BINS = 128
WORDS = 2
EMPTY = 0
_WORD = re.compile(r"[^\W_]+")
_ACCENTS = re.compile(r"[\u0300-\u036f]+")  # once decomposed: "é" is "e" and this, which would split the word
_UNSEEN = 1 << 64
_LOW = int.from_bytes(b"\x7f" * BINS, "big")
_HIGH = int.from_bytes(b"\x80" * BINS, "big")


def text_signature(text: str) -> bytes:
    """`BINS` bytes; texts of fewer than `WORDS` words are one feature, all their words."""
    words = _WORD.findall(_ACCENTS.sub("", unicodedata.normalize("NFKD", text.casefold())))
    smallest = [_UNSEEN] * BINS
    for start in range(max(1, len(words) - WORDS + 1)):
        feature = " ".join(words[start : start + WORDS]).encode("utf-8")
        value = int.from_bytes(hashlib.blake2b(feature, digest_size=8).digest(), "little")
        rank, slot = divmod(value, BINS)
        if rank < smallest[slot]:
            smallest[slot] = rank
    # 1 to 255 for a bin that saw a word pair, so that 0 always means an empty bin.
    return bytes(EMPTY if rank == _UNSEEN else 1 + rank % 255 for rank in smallest)


def _nonzero_bytes(value: int) -> int:
    """How many bytes of a signature-sized `value` are not zero, without a loop: the low seven bits of a byte plus
    0x7f carry into its high bit unless they are all zero."""
    return ((((value & _LOW) + _LOW) | value) & _HIGH).bit_count()


class Signature:
    """One text's signature, compared with many others: a few integer operations each, no loop over the bins."""

    def __init__(self, signature: bytes) -> None:
        self.value = int.from_bytes(signature, "big")

    def similarity(self, other: bytes) -> float:
        """Estimated Jaccard similarity of the two texts' word pairs, 0 to 1."""
        value = int.from_bytes(other, "big")
        in_use = _nonzero_bytes(self.value | value)  # bins not empty in both
        return (in_use - _nonzero_bytes(self.value ^ value)) / in_use if in_use else 1.0
