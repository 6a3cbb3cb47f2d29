"""Insert many rows into one table fast, the right way for the database in use.

PostgreSQL gets ``COPY … FROM STDIN`` through psycopg 3 (rows streamed, never held);
other databases get ``executemany`` in large batches. Rows bypass models and their signals:
callers give values the database adapter takes (see ``Field.get_db_prep_save``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections

BATCH_SIZE = 10_000


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
            with raw.copy(f"COPY {qn(table)} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {qn(table)} ({column_list}) VALUES ({placeholders})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
