"""Snapshots: compact encoding, one row per unit per day (none for all-zero units), weekly
points for the trend lines, old days thinned to one a week, the command's bad input."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from chuxin.oversight import figures, snapshots
from chuxin.oversight.models import SnapshotDay, UnitSnapshot


def test_varints_round_trip() -> None:
    values = [0, 1, 127, 128, 300, 16383, 16384, 3_200_000, 2**31 - 1]
    data = snapshots.encode(values)
    assert snapshots.decode(data) == values
    assert len(snapshots.encode([0] * 40)) == 40  # a zero costs one byte
    assert snapshots.decode(snapshots.encode([-5])) == [0]


def test_one_row_per_unit_with_anything_and_the_keys_of_the_day(ow: Any) -> None:
    snap = snapshots.take_snapshot()
    assert snap.keys == figures.metric_keys()
    rows = dict(UnitSnapshot.objects.values_list("unit_id", "data"))
    assert ow.province.pk in rows and ow.branch_b.pk in rows  # branch B has a member
    values = snapshots.split(snap.keys, snapshots.decode(rows[ow.county_a.pk]))
    assert values["rect"]["problems"] == 1 and values["rect"]["tasks"] == 1
    assert values["org"]["members"] == 2
    assert snap.size_bytes == sum(len(bytes(d)) for d in rows.values())


def test_weekly_points_and_thinning(ow: Any) -> None:
    today = timezone.localdate()
    for back in range(0, 100):
        SnapshotDay.objects.create(day=today - dt.timedelta(days=back), keys=[])
    days = [d.day for d in snapshots.weekly_days(today)]
    assert days[-1] == today and len(days) == snapshots.WEEKS_OF_HISTORY + 1
    assert all((b - a).days == 7 for a, b in itertools.pairwise(days))
    snapshots.prune(today)
    kept = set(SnapshotDay.objects.values_list("day", flat=True))
    old = {d for d in kept if (today - d).days > snapshots.KEEP_DAILY_DAYS}
    assert old and all((today - d).days % 7 == 0 for d in old)
    assert today - dt.timedelta(days=snapshots.KEEP_DAILY_DAYS) in kept


def test_command_bad_day(ow: Any) -> None:
    with pytest.raises(CommandError, match="--day"):
        call_command("oversight_snapshot", day="yesterday", stdout=io.StringIO())
    out = io.StringIO()
    call_command("oversight_snapshot", stdout=out)
    assert "units" in out.getvalue() and SnapshotDay.objects.count() == 1


def test_tasks_run(ow: Any) -> None:
    from chuxin.oversight import tasks

    assert tasks.take_daily_snapshot.call() > 0
    assert tasks.generate_scheduled_briefings.call() == 0
    assert tasks.send_daily_digests.call() == 0
