"""Bounded in-process memos for markup and classes that depend only on what their key holds.

Shared by the threads of a process: an entry is built, stored and returned from a local name, so that a clear by
another thread between the store and the return cannot lose it; two threads may build the same entry once each.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

# Entries per memo: keys differ by permissions, language and the like, of which a site has few combinations.
LIMIT = 256


def remember(store: dict, key: Hashable, build: Callable[[], T], limit: int = LIMIT) -> T:
    try:
        return store[key]
    except KeyError:
        pass
    value = build()
    if len(store) >= limit:
        store.clear()
    store[key] = value
    return value
