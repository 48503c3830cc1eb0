"""Paginators for lists of tables too large to count on every page view (admin changelists, the meetings list)."""

from __future__ import annotations

import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts at most `cap` rows, in one query, so that a page view never scans the whole table.

    Up to `cap` rows the count is exact. Past it, an unfiltered list on PostgreSQL reports the planner's row
    estimate (`pg_class.reltuples`, kept fresh by autovacuum) and any other list reports `cap`; either way
    `count_is_exact` is False, pages are cut by `per_page` alone and a page past the end is empty, not an error.
    """

    cap = 1000
    # Count the first `cap + 1` rows in the list's own order rather than in any order (see CappedListPaginator).
    count_in_list_order = False

    @cached_property
    def _measured(self) -> tuple[int, bool, bool]:
        """(count, count_is_exact, count_is_estimate)"""
        queryset = self.object_list
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            # The capped count and the estimate side by side: one query whatever the size of the table.
            quoted = connection.ops.quote_name(queryset.model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM {quoted} LIMIT %s) AS capped), "
                    "(SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s))",
                    [self.cap + 1, quoted],
                )
                capped, estimate = cursor.fetchone()
        else:
            counted = queryset if self.count_in_list_order else queryset.order_by()
            capped, estimate = counted[: self.cap + 1].count(), None
        if capped <= self.cap:
            return capped, True, False
        if estimate is not None and estimate > self.cap:
            return estimate, False, True
        return self.cap, False, False

    @property
    def count(self) -> int:
        return self._measured[0]

    @property
    def count_is_exact(self) -> bool:
        return self._measured[1]

    @property
    def count_is_estimate(self) -> bool:
        return self._measured[2]

    def validate_number(self, number) -> int:
        if self.count_is_exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        if self.count_is_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


class LookAheadPage(Page):
    """A page of a list whose total is not known exactly: one row more than shown was fetched to know if it goes on."""

    def __init__(self, object_list, number: int, paginator: Paginator) -> None:
        rows = list(object_list)
        self._more = len(rows) > paginator.per_page
        super().__init__(rows[: paginator.per_page], number, paginator)

    def has_next(self) -> bool:
        return self._more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class CappedListPaginator(CappedCountPaginator):
    """`CappedCountPaginator` for the site's own lists: past the cap, "next" is known by fetching one row more.

    The capped count keeps the list's order: the database then walks the index that sorts the list and stops at
    `cap + 1` matches, as the page itself does. Unordered, PostgreSQL may pick a join whose order has nothing to do
    with the filter (a merge join along the primary key that read 75,000 meetings before the first in a date range).
    """

    count_in_list_order = True

    def page(self, number):
        if self.count_is_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return LookAheadPage(self.object_list[bottom : bottom + self.per_page + 1], number, self)


class CappedUnionPaginator(CappedListPaginator):
    """A capped list whose rows are the union of `parts`: querysets of the same model, each a subset of the list.

    The rows of a page are among the first `page end + 1` rows of some part (in the list's order), and a part with
    more than `cap` rows makes the list longer than `cap`; so the count and each page read at most that many ids
    from each part, never the whole union. `decorate` adds to the page's queryset what its rows show (prefetches).
    """

    # Lower than a plain list's cap: counting reads up to `cap + 1` ids from every part, and a common word's article
    # part is the slow one (at 1,000,000 meetings, 1,001 ids cost ~180 ms of SQL, 301 ids ~80 ms). Past ten pages
    # of matches an analyst narrows the search rather than pages on, and "more than 300" says so.
    cap = 300

    def __init__(self, object_list, per_page, *, parts: list[QuerySet], decorate=None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.parts = parts
        self.decorate = decorate or (lambda queryset: queryset)
        self.ordering = list(object_list.query.order_by or object_list.model._meta.ordering)

    def first_ids(self, limit: int) -> QuerySet:
        """Ids of the first `limit` rows of each part, as one union (each part sliced in its own subquery)."""
        manager = self.object_list.model._default_manager
        heads = [
            manager.filter(pk__in=part.order_by(*self.ordering).values("pk")[:limit]).values("pk").order_by()
            for part in self.parts
        ]
        first, *others = heads
        return first.union(*others)

    @cached_property
    def _measured(self) -> tuple[int, bool, bool]:
        capped = self.first_ids(self.cap + 1).count()
        return (capped, True, False) if capped <= self.cap else (self.cap, False, False)

    @property
    def last_page_shown(self) -> int:
        return max(1, math.ceil(self.cap / self.per_page))

    def validate_number(self, number) -> int:
        # Page n reads n pages of ids from every part: past the capped count a search is narrowed, not paged.
        number = super().validate_number(number)
        if not self.count_is_exact and number > self.last_page_shown:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.count_is_exact:
            top = min(top, self.count)
        rows = self.decorate(
            self.object_list.model._default_manager.filter(pk__in=self.first_ids(top + 1)).order_by(*self.ordering)
        )
        if self.count_is_exact:
            return self._get_page(rows[bottom:top], number, self)
        page = LookAheadPage(rows[bottom : top + 1], number, self)
        page._more = page._more and number < self.last_page_shown
        return page
