"""The relations data version: a counter in the cache that every write bumps, and a cache keyed by it.

The overview and partner pages cache their aggregates under the current version, so a write makes every cached
aggregate unreachable at once (no key-by-key invalidation) and the old entries simply expire.

Writes bump the version when their transaction commits, never before: a reader between the write and the commit
still sees the old rows, and if the version were already bumped it would store those old figures under the new
version, where they would stay. A rolled-back write bumps nothing.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "relations:data-version"
# A write makes entries unreachable and expiry frees their space. The pages put the day in their keys (the figures
# count "to date"), so no entry is read after a day: keeping them longer only filled the cache, a page body per
# page, language and version.
TIMEOUT = 24 * 3600
# How long a request waits for another one computing the same entry, and how often it looks (seconds).
WAIT = 30
POLL = 0.05


def _fresh_start() -> int:
    # If the counter is lost (eviction, a flushed Redis) while older entries survive, a restart from 1 could meet
    # them again; starting from the clock cannot.
    return time.time_ns() // 1000


# The cache is an accelerator, never a dependency: with Redis out of reach pages are computed from the database, and
# writes go through. A write made then could not bump the version, so this process bumps it as soon as the cache
# answers again; otherwise entries cached before the outage would come back with the figures of before the write.
_bump_owed = False


class CacheUnavailable(Exception):
    pass


def _version() -> int:
    global _bump_owed
    if _bump_owed:
        _bump()
        _bump_owed = False
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_start(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def data_version() -> int:
    """The current version; raises CacheUnavailable when the cache cannot be reached."""
    try:
        return _version()
    except Exception as exc:
        raise CacheUnavailable(str(exc)) from exc


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no counter yet
        cache.set(VERSION_KEY, _fresh_start(), timeout=None)


def bump_data_version() -> None:
    global _bump_owed
    try:
        _bump()
    except Exception:
        _bump_owed = True
        logger.warning("The cache cannot be reached: the data version will be bumped once it can.", exc_info=True)
        return
    if settings.DASHBOARD_WARMING:
        from relations.warming import schedule_warming

        schedule_warming()


def bump_on_commit(using: str | None = None) -> None:
    """Bump once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(bump_data_version, using=using)


def entry_key(key_parts: Iterable[Any]) -> str:
    """The cache key of an entry: the data version, the active language (labels differ) and `key_parts`."""
    return ":".join(["relations:data", str(data_version()), get_language() or "", *map(str, key_parts)])


def cached(key_parts: Iterable[Any], compute: Callable[[], Any]) -> Any:
    """`compute()`, cached under `entry_key(key_parts)`.

    After a write, the first request computes and the others asking for the same entry meanwhile wait for it (until
    it fails or WAIT seconds pass, then they compute themselves) rather than all running the same seconds of SQL at
    once. What they get is computed under the new version, so an edit still shows at once.
    """
    try:
        key = entry_key(key_parts)
        value = cache.get(key)
    except Exception:
        logger.warning("The cache cannot be reached: computing the page without it.", exc_info=True)
        return compute()
    if value is not None:
        return value
    return _compute_once(key, compute)


def _compute_once(key: str, compute: Callable[[], Any]) -> Any:
    lock = key + ":computing"
    token = uuid.uuid4().hex
    try:
        owner = cache.add(lock, token, timeout=WAIT)
    except Exception:
        return compute()
    if not owner:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            time.sleep(POLL)
            try:
                found = cache.get_many([key, lock])
            except Exception:
                break
            if key in found:
                return found[key]
            if lock not in found:  # it failed (an unknown country's 404, an error): compute here
                break
    try:
        value = compute()
        _quietly(cache.set, key, value, timeout=TIMEOUT)
    finally:
        # Only our own claim: past WAIT it may have expired and been taken by another request.
        if owner and _quietly(cache.get, lock) == token:
            _quietly(cache.delete, lock)
    return value


def _quietly(operation: Callable[..., Any], *args, **kwargs) -> Any:
    try:
        return operation(*args, **kwargs)
    except Exception:
        logger.warning("The cache cannot be reached (%s).", operation.__name__, exc_info=True)
        return None


class BumpsDataVersion:
    """Model mixin: saving or deleting a row bumps the data version when the transaction commits.

    Bulk writes (QuerySet.update, bulk_create, raw SQL) call bump_on_commit themselves.
    """

    def changes_cached_pages(self) -> bool:
        """Whether saving this row now can change what a cached page shows (asked before the save)."""
        return True

    def save(self, *args, **kwargs) -> None:
        bump = self.changes_cached_pages()
        super().save(*args, **kwargs)
        if bump:
            bump_on_commit(kwargs.get("using") or self._state.db)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        bump_on_commit(kwargs.get("using") or self._state.db)
        return result
