"""On PostgreSQL, bulk recomputes run as one SQL statement: it gives the same states as the
Python arithmetic, on every kind of case the study world has."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from chuxin.organization import services as org
from chuxin.organization.models import Member
from chuxin.study import deltas, progress, services
from chuxin.study.models import StudyItem

from .conftest import StudyWorld

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's"
)


def test_sql_states_equal_python_states(study_world: StudyWorld) -> None:
    from chuxin.study.progress_sql import compute_states_sql, stored_states_sql

    sw = study_world
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.study_item_update(actor=sw.office, item=sw.reading, required_hours="2")
    services.study_checkin(actor=sw.root, member=sw.member, item=sw.reading, date=yesterday,
                           hours=1)  # fmt: skip
    services.study_checkin(actor=sw.root, member=sw.cadre, item=sw.lecture, date=yesterday)
    services.study_session_record(
        actor=sw.root, unit=sw.branch_b, item=sw.reading, date=yesterday, host="书记",
        absent={sw.member_b.pk: "病假"},
    )  # fmt: skip
    batch = sw.campaign.batches.create(
        number=1, name="第一批", start_date=sw.campaign.start_date, end_date=sw.campaign.end_date
    )
    batch.participations.create(unit=sw.city_a)
    services.study_item_create(
        actor=sw.office, campaign=sw.campaign, batch=batch, title="读书班", kind="seminar",
        required_levels=["ordinary", "county"],
    )  # fmt: skip
    gone = org.member_create(
        actor=sw.root, unit=sw.branch_a, member_number="Z1", name="调出", gender="male"
    )
    org.member_update(actor=sw.root, member=gone, status="transferred")
    ids = list(Member.objects.values_list("pk", flat=True))
    rules = progress.rules_in_force()
    assert len(rules) == StudyItem.objects.count()
    assert compute_states_sql(rules, ids) == progress.compute_states(rules, ids=ids)
    assert stored_states_sql(ids) == progress.stored_states(ids)


def test_bulk_recompute_in_sql_keeps_counters_true(
    study_world: StudyWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from django.core.management import call_command

    from chuxin.study.bulk import NewRecord, study_records_bulk_create
    from chuxin.study.models import MemberStudyProgress

    sw = study_world
    units = [sw.branch_a, sw.branch_b, sw.county_a]
    members = [
        org.member_create(
            actor=sw.root, unit=units[i % 3], member_number=f"S{i:04}", name=f"党员{i}",
            gender="male", cadre_level="county" if i % 5 == 0 else "ordinary",
        )
        for i in range(60)
    ]  # fmt: skip
    monkeypatch.setattr(progress, "SQL_FROM", 5)  # the SQL path from 5 members on
    monkeypatch.setattr(deltas, "ARRAY_FROM", 1)  # deltas by UPDATE ... FROM unnest
    day = timezone.localdate() - dt.timedelta(days=1)
    rows = [NewRecord(m.pk, sw.reading.pk, day, None) for m in members[::2]]
    rows += [NewRecord(m.pk, sw.lecture.pk, day, None) for m in members[::5]]
    study_records_bulk_create(rows=rows, source="import")
    call_command("check_counters", stdout=io.StringIO())
    assert MemberStudyProgress.objects.filter(covered=True).count() == 24  # 30 - 6 cadres


def test_first_refresh_writes_rows_in_sql(study_world: StudyWorld) -> None:
    import io

    from django.core.management import call_command

    from chuxin.study.models import MemberStudyProgress

    sw = study_world
    services.study_checkin(
        actor=sw.root, member=sw.member, item=sw.reading,
        date=timezone.localdate() - dt.timedelta(days=1),
    )  # fmt: skip
    MemberStudyProgress.objects.all().delete()
    progress.refresh_all()  # an empty table: rows go in by INSERT ... SELECT
    call_command("check_counters", stdout=io.StringIO())
    assert MemberStudyProgress.objects.get(member=sw.member).covered
