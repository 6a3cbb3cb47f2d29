"""Load a demo scale into an empty database, fast: rows in batches, never node by node.

Units go in with their treebeard paths computed by the plan (ids assigned here, the sequence
reset afterwards); members are drawn unit by unit and streamed, so memory stays flat at any
scale. PostgreSQL gets ``COPY`` (psycopg 3), SQLite ``executemany``. Generated rows bypass
model signals, so they leave no audit-history rows; the rollups are then rebuilt set-based
and, on PostgreSQL, the tables analysed. Everything but the ``ANALYZE`` is one transaction:
a failed load leaves the database as it was.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from chuxin.core import rollups
from chuxin.core.bulk import insert_rows

from ..models import Campaign, Member, Unit, UnitKind
from ..signals import demo_campaign_loaded
from .accounts import create_demo_logins
from .campaign import create_campaign
from .people import MEMBER_COLUMNS, member_rows
from .plan import PlannedUnit, plan
from .scales import Scale
from .selection import parse_only, send_selected

UNIT_COLUMNS = (
    "id",
    "path",
    "depth",
    "numchild",
    "code",
    "name",
    "kind",
    "parent_id",
    "order",
    "created_at",
    "updated_at",
)


class NotEmpty(Exception):
    """The database already holds an organization; the demo loads only into an empty one."""

    def __init__(self, units: int, members: int) -> None:
        super().__init__(f"{units} unit(s), {members} member(s)")
        self.units = units
        self.members = members


@dataclass
class LoadReport:
    """What a load wrote and how long each phase took (seconds)."""

    scale: str
    units: int = 0
    members: int = 0
    users_created: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # The apps whose demo data was loaded (None: every app's).
    only: frozenset[str] | None = None

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


def existing_organization() -> tuple[int, int]:
    """How many units and members the database holds already."""
    return Unit.objects.count(), Member.objects.count()


def _progress(show: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not show,
    )


def load(
    scale: Scale, *, progress: bool = True, only: Collection[str] | str | None = None
) -> LoadReport:
    """Generate ``scale`` into the (empty) database. Raises :class:`NotEmpty` otherwise.

    ``only`` names the capabilities (app labels) whose demo data to write besides the
    organization's (None: all of them); see :mod:`.selection`.
    """
    selection = parse_only(only)
    units_before, members_before = existing_organization()
    if units_before or members_before:
        raise NotEmpty(units_before, members_before)
    report = LoadReport(scale=scale.name, only=selection)
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.timings[phase] = report.timings.get(phase, 0.0) + now - clock
        clock = now

    units = plan(scale)
    report.units = len(units)
    report.members = sum(unit.member_count for unit in units)
    lap("plan")
    now = timezone.now()
    # SQLite stores datetimes as text in UTC; PostgreSQL takes the aware datetime as it is.
    stamp = connection.ops.adapt_datetimefield_value(now)
    with _progress(progress) as bar, transaction.atomic():
        unit_task = bar.add_task("units", total=len(units))
        insert_rows(
            Unit._meta.db_table,
            UNIT_COLUMNS,
            (
                (u.id, u.path, u.depth, u.numchild, u.code, u.name, u.kind, u.parent_id,
                 u.order, stamp, stamp)
                for u in _ticking(units, bar, unit_task)
            ),
        )  # fmt: skip
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Unit]):
                cursor.execute(sql)
        lap("units")

        member_task = bar.add_task("members", total=report.members)
        insert_rows(
            Member._meta.db_table,
            MEMBER_COLUMNS,
            _member_stream(units, scale.seed, stamp, bar, member_task),
        )
        lap("members")

        setup_task = bar.add_task("campaign and demo users", total=2)
        campaign = create_campaign(units)
        bar.advance(setup_task)
        report.users_created = create_demo_logins()
        bar.advance(setup_task)
        lap("campaign and users")
        # Other capabilities add their demo data for the campaign (study records, ...).
        send_selected(
            demo_campaign_loaded,
            Campaign,
            only=selection,
            campaign=campaign,
            seed=scale.seed,
            progress=bar,
        )
        lap("capabilities' data")

        # Per-member counters first (rollups may be computed from them), then every rollup.
        checks, registered = rollups.registered_checks(), rollups.registered()
        counter_task = bar.add_task("counters and rollups", total=len(checks) + len(registered))
        for counter_check in checks:
            if counter_check.fix is not None:
                counter_check.fix()
                lap(f"counters: {counter_check.name}")
            bar.advance(counter_task)
        for rollup in registered:
            rollups.refresh(rollup)
            bar.advance(counter_task)
            lap(f"rollup: {rollup.name}")
    lap("commit")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        lap("analyze")
    return report


def _ticking(units: list[PlannedUnit], bar: Progress, task: Any) -> Iterator[PlannedUnit]:
    for start in range(0, len(units), 5000):
        chunk = units[start : start + 5000]
        yield from chunk
        bar.advance(task, len(chunk))


def _member_stream(
    units: list[PlannedUnit], seed: int, stamp: Any, bar: Progress, task: Any
) -> Iterator[tuple[Any, ...]]:
    """Every unit's members in turn, city by city, ticking the progress bar as it goes."""
    pending = 0
    for unit in units:
        if unit.kind == UnitKind.CITY:
            bar.update(task, description=f"members: {unit.name}")
        if not unit.member_count:
            continue
        rows = member_rows(unit, seed=seed, now=stamp)
        yield from rows
        pending += len(rows)
        if pending >= 20_000:
            bar.advance(task, pending)
            pending = 0
    bar.update(task, description="members")
    bar.advance(task, pending)
