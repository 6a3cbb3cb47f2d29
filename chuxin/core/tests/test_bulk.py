"""``core.bulk``: rows streamed into a table, and a bulk load with its indexes and foreign keys
built once afterwards (PostgreSQL) that leaves the table exactly as it was defined."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from chuxin.core.bulk import indexes_deferred, insert_rows
from chuxin.organization.models import Member
from chuxin.study.models import StudyItem, StudyRecord

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = StudyRecord._meta.db_table
COLUMNS = ["member_id", "item_id", "date", "hours", "source", "is_makeup", "note", "created_at"]


def _definitions() -> tuple[list[str], list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass "
            "ORDER BY 1",
            [TABLE],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass ORDER BY 1",
            [TABLE],
        )
        return indexes, [row[0] for row in cursor.fetchall()]


def _rows(world: Any, item: StudyItem, days: int) -> list[tuple[Any, ...]]:
    stamp = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    return [
        (world.member.pk, item.pk, dt.date(2019, 9, 1) + dt.timedelta(days=n), Decimal("1.5"),
         "import", False, "", stamp)
        for n in range(days)
    ]  # fmt: skip


@pytest.fixture
def item(world: Any) -> StudyItem:
    from chuxin.organization.models import Campaign

    campaign = Campaign.objects.create(
        title="c",
        theme="t",
        root_unit=world.province,
        start_date=dt.date(2019, 6, 1),
        end_date=dt.date(2019, 12, 31),
    )
    return StudyItem.objects.create(
        campaign=campaign, title="t", kind="reading", applies_from=dt.date(2019, 6, 1)
    )


def test_insert_rows_streams_dates_and_decimals(world: Any, item: StudyItem) -> None:
    assert insert_rows(TABLE, COLUMNS, iter(_rows(world, item, 3))) == 3
    stored = StudyRecord.objects.order_by("date")
    assert [r.date for r in stored] == [dt.date(2019, 9, n) for n in (1, 2, 3)]
    assert {r.hours for r in stored} == {Decimal("1.5")}


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="indexes are deferred on PostgreSQL only"
)


@pytest.mark.postgres
@postgres_only
def test_deferred_load_leaves_the_table_as_defined(world: Any, item: StudyItem) -> None:
    before = _definitions()
    assert before[0] and before[1]
    with transaction.atomic(), indexes_deferred(TABLE):
        inside = _definitions()
        insert_rows(TABLE, COLUMNS, iter(_rows(world, item, 5)))
    # Inside the block only the primary key was left; afterwards all is back, row for row.
    assert len(inside[0]) == 1 and not [c for c in inside[1] if "FOREIGN KEY" in c]
    assert _definitions() == before
    assert StudyRecord.objects.count() == 5


@pytest.mark.postgres
@postgres_only
def test_deferred_load_with_a_broken_key_fails_and_keeps_the_table(
    world: Any, item: StudyItem
) -> None:
    before = _definitions()
    missing = max(Member.objects.values_list("pk", flat=True)) + 1000
    bad = [(missing, *row[1:]) for row in _rows(world, item, 1)]
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_deferred(TABLE):
        insert_rows(TABLE, COLUMNS, iter(bad))
    assert _definitions() == before
    assert not StudyRecord.objects.exists()


@pytest.mark.postgres
@postgres_only
def test_deferred_load_with_a_duplicate_fails_on_the_unique_index(
    world: Any, item: StudyItem
) -> None:
    rows = _rows(world, item, 1)
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_deferred(TABLE):
        insert_rows(TABLE, COLUMNS, iter(rows + rows))
    assert not StudyRecord.objects.exists()


@postgres_only
def test_deferred_load_needs_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="transaction"), indexes_deferred(TABLE):
        pass
