"""Bounded in-process memos for markup and classes that depend only on what their key holds.

Shared by the threads of a process: an entry is built, stored and returned from a local name, so that a clear by
another thread between the store and the return cannot lose it; two threads may build the same entry once each.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf

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


def url_key() -> tuple[str, str]:
    """What a URL reversed now depends on, for keys of memos that hold URLs: the script prefix and the URLconf in
    use, the request's own or the setting's (which tests and the like may change: Django then clears its caches,
    not these memos)."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
