"""Paginators for lists of tables too large to count on every page view (admin changelists, the meetings list)."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
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
