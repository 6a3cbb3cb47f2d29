"""``core.bulk``: rows streamed into a table, and a bulk load with its indexes and foreign keys
built once afterwards (PostgreSQL) that leaves the table exactly as it was defined."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from chuxin.core.bulk import indexes_deferred, insert_rows
from chuxin.organization.models import Campaign, Member
from chuxin.study.models import SessionAttendance, StudyItem, StudyRecord, StudySession

pytestmark = pytest.mark.django_db(transaction=True)

# Attendance has foreign keys, a unique rule and secondary indexes: the load's worst case.
TABLE = SessionAttendance._meta.db_table
COLUMNS = ["session_id", "member_id", "present", "absence_reason"]


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


@pytest.fixture
def item(world: Any) -> StudyItem:
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


@pytest.fixture
def session(world: Any, item: StudyItem) -> StudySession:
    return StudySession.objects.create(
        unit=world.branch_a, item=item, date=dt.date(2019, 9, 1), host="书记"
    )


def _attendance(session: StudySession) -> list[tuple[Any, ...]]:
    return [(session.pk, pk, True, "") for pk in Member.objects.values_list("pk", flat=True)]


def test_insert_rows_streams_dates_and_decimals(world: Any, item: StudyItem) -> None:
    stamp = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    rows = [
        (world.member.pk, item.pk, dt.date(2019, 9, n), Decimal("1.5"), "import", False, "", stamp)
        for n in (1, 2, 3)
    ]
    columns = ["member_id", "item_id", "date", "hours", "source", "is_makeup", "note",
               "created_at"]  # fmt: skip
    assert insert_rows(StudyRecord._meta.db_table, columns, iter(rows)) == 3
    stored = StudyRecord.objects.order_by("date")
    assert [r.date for r in stored] == [dt.date(2019, 9, n) for n in (1, 2, 3)]
    assert {r.hours for r in stored} == {Decimal("1.5")}


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="indexes are deferred on PostgreSQL only"
)


@pytest.mark.postgres
@postgres_only
def test_deferred_load_leaves_the_table_as_defined(session: StudySession) -> None:
    before = _definitions()
    assert len(before[0]) > 2 and [c for c in before[1] if "FOREIGN KEY" in c]
    rows = _attendance(session)
    with transaction.atomic(), indexes_deferred(TABLE):
        inside = _definitions()
        insert_rows(TABLE, COLUMNS, iter(rows))
    # Inside the block only the constraints' own indexes were left, and no foreign key;
    # afterwards all is back as it was defined.
    assert len(inside[0]) == 2 and not [c for c in inside[1] if "FOREIGN KEY" in c]
    assert _definitions() == before
    assert SessionAttendance.objects.count() == len(rows)


@pytest.mark.postgres
@postgres_only
def test_deferred_load_with_a_broken_key_fails_and_keeps_the_table(
    session: StudySession,
) -> None:
    before = _definitions()
    missing = max(Member.objects.values_list("pk", flat=True)) + 1000
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_deferred(TABLE):
        insert_rows(TABLE, COLUMNS, iter([(session.pk, missing, True, "")]))
    assert _definitions() == before
    assert not SessionAttendance.objects.exists()


@pytest.mark.postgres
@postgres_only
def test_deferred_load_with_a_duplicate_fails_on_the_unique_rule(session: StudySession) -> None:
    rows = _attendance(session)[:1]
    with pytest.raises(IntegrityError), transaction.atomic(), indexes_deferred(TABLE):
        insert_rows(TABLE, COLUMNS, iter(rows + rows))
    assert not SessionAttendance.objects.exists()


@postgres_only
def test_deferred_load_needs_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="transaction"), indexes_deferred(TABLE):
        pass
