"""A time limit on the statements of one block, so that a request the database cannot answer quickly fails with a
message instead of holding a worker and a connection for many seconds.

PostgreSQL only (`SET LOCAL statement_timeout`, undone when the block ends); elsewhere the block runs unlimited.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction


class StatementTimeout(Exception):
    """A statement of the block ran longer than its limit and was cancelled."""


@contextmanager
def statement_time_limit(milliseconds: int) -> Iterator[None]:
    if connection.vendor != "postgresql" or milliseconds <= 0:
        yield
        return
    from psycopg.errors import QueryCanceled

    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # SET LOCAL lasts to the end of the transaction: set it back at the block's end, as the block may
                # be a savepoint inside a longer transaction.
                cursor.execute(f"SET LOCAL statement_timeout = {int(milliseconds)}")
            yield
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = DEFAULT")
    except OperationalError as exc:
        if isinstance(exc.__cause__, QueryCanceled):
            raise StatementTimeout(str(exc)) from exc
        raise
