"""Insert many rows into one table fast, the right way for the database in use.

PostgreSQL gets ``COPY … FROM STDIN`` through psycopg 3 (rows streamed, never held);
other databases get ``executemany`` in large batches. Rows bypass models and their signals:
callers give values the database adapter takes (see ``Field.get_db_prep_save``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.db import connections

BATCH_SIZE = 10_000


def _plain(value: Any) -> Any:
    """A value as ``executemany`` takes it everywhere (dates as ISO text, decimals as text;
    datetimes the caller adapts with ``connection.ops.adapt_datetimefield_value``)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def insert_rows(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
    batch_size: int = BATCH_SIZE,
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table``; returns how many.

    ``rows`` may be a generator, but it must not query the database while it is consumed:
    on PostgreSQL the ``COPY`` holds the connection and such a query waits for ever. Compute
    first, then stream (one call per chunk if need be).
    """
    connection = connections[using]
    qn = connection.ops.quote_name
    column_list = ", ".join(qn(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            # Django's exceptions (IntegrityError, ...) as from any other query.
            with (
                connection.wrap_database_errors,
                raw.copy(f"COPY {qn(table)} ({column_list}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {qn(table)} ({column_list}) VALUES ({placeholders})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append([_plain(value) for value in row])
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


@contextmanager
def indexes_deferred(*tables: str, using: str = "default") -> Iterator[None]:
    """Load tens of millions of rows into ``tables`` without maintaining their indexes and
    checking their foreign keys row by row: on PostgreSQL, their secondary indexes and foreign
    keys are dropped for the block and built again after it (one sort per index, one join per
    key: several times faster than keeping them up to date). Elsewhere it does nothing.

    For a bulk load in a transaction of its own (the demo): the tables are locked exclusively
    until it commits, and a key a loaded row breaks fails the block as it would have failed the
    row. Unique indexes are checked when they are built again, so a duplicate fails it too.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError(
            "indexes_deferred() needs a transaction: a failed load must not "
            "leave its tables without their indexes and keys"
        )
    qn = connection.ops.quote_name
    indexes: list[tuple[str, str]] = []
    keys: list[tuple[str, str, str]] = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.conrelid = %s::regclass AND c.contype = 'f' ORDER BY c.conname",
                [qn(table)],
            )
            keys += [(table, name, definition) for name, definition in cursor.fetchall()]
            # Secondary indexes that no constraint owns (a primary key or unique constraint
            # stays: dropping it would mean dropping the keys that lean on it).
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
                "ORDER BY i.relname",
                [qn(table)],
            )
            indexes += cursor.fetchall()
        # Rows written earlier in the transaction have key checks queued; they run now (a
        # table with queued checks cannot be altered), and later rows' are checked as before.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
        for table in tables:
            cursor.execute(f"ANALYZE {qn(table)}")
