"""Writing many study records at once (imports, the API's bulk create, the demo).

On PostgreSQL the rows go through ``COPY`` into a temporary table and one
``INSERT ... ON CONFLICT DO NOTHING``; elsewhere through ``INSERT OR IGNORE`` in large
batches. Either way a record already there (same member, item, day, source) is skipped, so a
re-import adds nothing twice; afterwards the touched members' progress is recomputed set-based.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from . import progress
from .models import StudyRecord


@contextmanager
def no_gc() -> Iterator[None]:
    """No cyclic garbage collection while a million rows are built: they hold no cycles, and
    each collection would walk all of them again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class NewRecord(NamedTuple):
    """A record to write: who, which item, which day, how many hours."""

    member_id: int
    item_id: int
    date: dt.date
    hours: Decimal | None


_COLUMNS = (
    "member_id",
    "item_id",
    "date",
    "hours",
    "source",
    "session_id",
    "is_makeup",
    "note",
    "created_by_id",
    "created_at",
)


def _insert_postgresql(rows: Sequence[NewRecord], source: str, actor_id: int | None) -> int:
    table = StudyRecord._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS study_record_load "
            "(member_id bigint, item_id bigint, date date, hours numeric(5,1)) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE study_record_load")
        with cursor.cursor.copy(
            "COPY study_record_load (member_id, item_id, date, hours) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row((row.member_id, row.item_id, row.date, row.hours))
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(_COLUMNS)}) "
            "SELECT member_id, item_id, date, hours, %s, NULL, false, '', %s, %s "
            "FROM study_record_load ON CONFLICT DO NOTHING",
            [source, actor_id, now],
        )
        return cursor.rowcount


def _insert_other(rows: Sequence[NewRecord], source: str, actor_id: int | None) -> int:
    table = StudyRecord._meta.db_table
    now = timezone.now()
    before = StudyRecord.objects.count()
    sql = (
        f"INSERT OR IGNORE INTO {table} ({', '.join(_COLUMNS)}) "
        "VALUES (%s, %s, %s, %s, %s, NULL, 0, '', %s, %s)"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 20000):
            cursor.executemany(
                sql,
                [
                    (
                        r.member_id,
                        r.item_id,
                        r.date.isoformat(),
                        None if r.hours is None else str(r.hours),
                        source,
                        actor_id,
                        now.isoformat(),
                    )
                    for r in rows[start : start + 20000]
                ],
            )
    return StudyRecord.objects.count() - before


def insert_records(rows: Sequence[NewRecord], *, source: str, actor: Any = None) -> int:
    """Insert the rows that are not there yet; returns how many were new. No counters."""
    if not rows:
        return 0
    actor_id = getattr(actor, "pk", None)
    if connection.vendor == "postgresql":
        return _insert_postgresql(rows, source, actor_id)
    return _insert_other(rows, source, actor_id)


@transaction.atomic
def study_records_bulk_create(
    *, rows: Sequence[NewRecord], source: str, actor: Any = None
) -> tuple[int, int]:
    """Write validated records and bring the counters up to date for the members they touch.

    The caller has checked scope and every row. Returns (records created, records skipped
    because they were there already).
    """
    with no_gc():
        created = insert_records(rows, source=source, actor=actor)
        if created:
            progress.recompute_members(_member_ids(rows))
    return created, len(rows) - created


def _member_ids(rows: Iterable[NewRecord]) -> set[int]:
    return {r.member_id for r in rows}
