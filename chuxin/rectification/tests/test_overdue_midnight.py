"""Overdue is right from midnight in Asia/Shanghai, without waiting for the daily sweep: the
list's overdue filter, the unit's counts and the counters agree at 00:01; the sweep that
follows changes nothing more (and still reminds)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from chuxin.core import rollups
from chuxin.rectification import counters, selectors
from chuxin.rectification.reminders import rectification_sweep

from .conftest import RectWorld

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch: Any) -> Any:
    """Set the wall clock: ``clock(datetime)``."""

    def set_to(when: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: when.astimezone(dt.UTC))

    return set_to


def _overdue_ids(rw: RectWorld) -> list[int]:
    response = rw.client_for(rw.city_admin).get(
        reverse("rectification:task_list"), {"unit": rw.city_a.pk, "due": "overdue"}
    )
    assert response.status_code == 200
    return [t.pk for t, _light in response.context["rows"]]


def test_overdue_from_midnight_without_the_sweep(rw: RectWorld, clock: Any) -> None:
    limit = rw.task.time_limit
    assert limit is not None
    clock(_at(limit, 23, 59))
    assert _overdue_ids(rw) == []
    assert selectors.unit_figures(rw.city_a).overdue == 0
    clock(_at(limit + dt.timedelta(days=1), 0, 1))
    assert _overdue_ids(rw) == [rw.task.pk]
    assert selectors.unit_figures(rw.city_a).overdue == 1
    assert selectors.unit_figures(rw.province).overdue == 1
    rw.task.refresh_from_db()
    assert rw.task.is_overdue
    assert not rollups.check(counters.rollup())
    # The sweep at 00:05 finds nothing left to flip, and still reminds and escalates.
    clock(_at(limit + dt.timedelta(days=1), 0, 5))
    result = rectification_sweep()
    assert result.overdue_changed == 0 and result.notifications >= 1


def test_counts_from_the_counters_agree_with_the_rows_after_midnight(
    rw: RectWorld, clock: Any
) -> None:
    limit = rw.task.time_limit
    assert limit is not None
    clock(_at(limit + dt.timedelta(days=1), 0, 0))
    f = selectors.TaskFilters(unit=rw.city_a, overdue=True)
    rows = selectors.tasks_filtered(rw.city_admin, f).count()
    assert selectors.counted_total(rw.city_admin, f) == rows == 1


def test_the_ledger_overdue_export_is_right_after_midnight(rw: RectWorld, clock: Any) -> None:
    from chuxin.rectification import ledger

    limit = rw.task.time_limit
    assert limit is not None
    clock(_at(limit + dt.timedelta(days=1), 0, 2))
    f = ledger.LedgerFilters(unit=rw.city_a, overdue=True)
    assert list(ledger.ledger_problems(rw.city_admin, f)) == [rw.problem]


def test_the_freshness_check_is_one_cheap_query(
    rw: RectWorld, django_assert_num_queries: Any
) -> None:
    counters.overdue_current()  # the first read of the day refreshes
    counters.forget_current()  # as another process would: it reads the mark
    with django_assert_num_queries(1):
        assert counters.overdue_current() == 0
    assert not counters.overdue_stale()
    assert counters.overdue_stale(timezone.localdate() + dt.timedelta(days=1))


def test_refresh_twice_counts_once(rw: RectWorld) -> None:
    limit = rw.task.time_limit
    assert limit is not None
    day = limit + dt.timedelta(days=1)
    assert counters.overdue_refresh(day) == 1
    assert counters.overdue_refresh(day) == 0
    row = rw.province.rectification_rollup
    row.refresh_from_db()
    assert row.subtree_overdue == 1
