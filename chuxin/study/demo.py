"""Demo study data for the demo campaign: items by cadre level (with the special topic on the
Fourth Plenary Session's spirit added mid-campaign), collective sessions with attendance, and
individual records, at any scale (province: about 30 million records).

The spread is realistic and deterministic (seeded by unit): most members covered; about one
county in eight lagging (half its units behind, a few dead ends); elsewhere about one unit in
twelve lagging and one in a hundred a dead end (no sessions, most members never recorded).
Rows are streamed straight into the tables (``COPY`` on PostgreSQL) in three passes that
regenerate the same decisions, so memory stays flat; the counters are then rebuilt
set-based by the caller (``progress.refresh_all``).
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from chuxin.core.bulk import indexes_deferred, insert_rows
from chuxin.organization.models import BatchParticipation, Campaign, Member, MemberStatus, Unit

from .models import (
    RecordSource,
    SessionAttendance,
    StudyItem,
    StudyKind,
    StudyRecord,
    StudySession,
)

ALL = ["provincial", "bureau", "county", "section", "ordinary"]
CADRES = ["provincial", "bureau", "county", "section"]
LEVEL_CODES = {level: index for index, level in enumerate(ALL)}
FOURTH_PLENUM = dt.date(2019, 11, 4)
REASONS = ["出差", "病假", "事假", "值班", "外出培训", "公务外出"]
HOSTS = ["支部书记", "党委书记", "组织委员", "宣传委员"]
PLACES = ["党员活动室", "会议室", "党群服务中心", "新时代文明实践站"]


@dataclass(frozen=True)
class ItemSpec:
    key: str
    title: str
    kind: str
    levels: list[str]
    times: int = 1
    hours: Decimal | None = None
    due: dt.date | None = None
    applies_from: dt.date | None = None
    batch: int | None = None  # only the units of this batch
    by_session: bool = False


ITEMS = [
    ItemSpec(
        "readings",
        "学习《习近平关于“不忘初心、牢记使命”重要论述选编》",
        StudyKind.REQUIRED_READING,
        ALL,
        due=dt.date(2019, 11, 15),
    ),
    ItemSpec(
        "outline",
        "学习《习近平新时代中国特色社会主义思想学习纲要》",
        StudyKind.REQUIRED_READING,
        ALL,
        due=dt.date(2019, 11, 20),
    ),
    ItemSpec("collective", "党支部集中学习", StudyKind.COLLECTIVE_STUDY, ALL, 2, by_session=True),
    ItemSpec("lecture", "讲专题党课", StudyKind.SPECIAL_LECTURE, ALL, by_session=True),
    ItemSpec("seminar", "领导干部专题学习研讨", StudyKind.SEMINAR, CADRES, 2),
    ItemSpec("visit", "革命传统教育现场参观", StudyKind.SITE_VISIT, ALL),
    ItemSpec("online", "网上专题学习", StudyKind.ONLINE_COURSE, ALL, hours=Decimal(4)),
    ItemSpec(
        "reading_class", "省直机关专题读书班", StudyKind.SEMINAR, ["bureau", "county"], batch=1
    ),
    ItemSpec(
        "plenum",
        "学习贯彻党的十九届四中全会精神",
        StudyKind.SPECIAL_LECTURE,
        ALL,
        due=dt.date(2019, 11, 30),
        applies_from=FOURTH_PLENUM,
        by_session=True,
    ),
]


@dataclass
class Counts:
    items: int = 0
    sessions: int = 0
    attendance: int = 0
    records: int = 0


def create_items(campaign: Campaign) -> dict[str, StudyItem]:
    """The demo's study items (put in force: their days are past)."""
    batches = {b.number: b for b in campaign.batches.all()}
    today = timezone.localdate()
    out: dict[str, StudyItem] = {}
    for spec in ITEMS:
        applies = spec.applies_from or campaign.start_date
        out[spec.key] = StudyItem.objects.create(
            campaign=campaign,
            batch=batches.get(spec.batch) if spec.batch else None,
            title=spec.title,
            kind=spec.kind,
            required_levels=spec.levels,
            required_times=spec.times,
            required_hours=spec.hours,
            due_date=spec.due,
            applies_from=applies,
            in_force=applies <= today,
            material_url="http://www.12371.cn/" if spec.kind == StudyKind.ONLINE_COURSE else "",
        )
    return out


@dataclass(frozen=True)
class UnitPlan:
    """The decisions for one unit (regenerated identically in every pass)."""

    unit_id: int
    batch: int
    kind: str  # "normal", "lagging" or "dead"
    members: list[tuple[int, int]]  # (member id, level code)


def _unit_kind(rng: random.Random, lagging_county: bool = False) -> str:
    """One draw: most units normal; a lagging county has many lagging units and dead ends."""
    r = rng.random()
    dead, lagging = (0.04, 0.5) if lagging_county else (0.01, 0.08)
    return "dead" if r < dead else "lagging" if r < dead + lagging else "normal"


def _lagging_county(seed: int, code: str) -> bool:
    """About one county (or organ at that depth) in eight lags behind, by its code, so the
    same ones lag at every scale (和平区, the county demo's county, does not)."""
    return zlib.crc32(f"{seed}:{code}".encode()) % 8 == 0


def _period(batch: int) -> tuple[dt.date, dt.date]:
    return (
        (dt.date(2019, 6, 10), dt.date(2019, 8, 31))
        if batch == 1
        else (
            dt.date(2019, 9, 5),
            dt.date(2019, 11, 28),
        )
    )


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _members_by_unit(campaign: Campaign) -> tuple[array[int], array[int], bytes]:
    """Every active member of the campaign's subtree, by unit (compact arrays)."""
    pks, units, levels = array("q"), array("q"), bytearray()
    qs = (
        Member.objects.filter(
            status=MemberStatus.ACTIVE, unit__path__startswith=campaign.root_unit.path
        )
        .order_by("unit_id", "pk")
        .values_list("pk", "unit_id", "cadre_level")
    )
    for pk, unit_id, level in qs.iterator(chunk_size=20000):
        pks.append(pk)
        units.append(unit_id)
        levels.append(LEVEL_CODES.get(level, 4))
    return pks, units, bytes(levels)


def _plans(campaign: Campaign, seed: int) -> Callable[[], Iterator[UnitPlan]]:
    first = [
        p
        for p in BatchParticipation.objects.filter(
            batch__campaign=campaign, batch__number=1
        ).values_list("unit__path", flat=True)
    ]
    paths = dict(Unit.objects.values_list("pk", "path"))
    codes = {path: code for path, code in Unit.objects.values_list("path", "code")}
    pks, units, levels = _members_by_unit(campaign)

    def plans() -> Iterator[UnitPlan]:
        start = 0
        n = len(pks)
        while start < n:
            unit_id = units[start]
            end = start
            while end < n and units[end] == unit_id:
                end += 1
            path = paths[unit_id]
            rng = random.Random((seed << 32) ^ unit_id)
            county = path[: 3 * Unit.steplen]
            yield UnitPlan(
                unit_id=unit_id,
                batch=1 if any(path.startswith(p) for p in first) else 2,
                kind=_unit_kind(rng, _lagging_county(seed, codes.get(county, ""))),
                members=[(pks[i], levels[i]) for i in range(start, end)],
            )
            start = end

    return plans


def _sessions_of(plan: UnitPlan, rng: random.Random) -> list[tuple[str, dt.date, int, int]]:
    """(item key, date, host, place) of the unit's sessions."""
    if plan.kind == "dead":
        return []
    start, end = _period(plan.batch)
    middle = start + (end - start) / 2
    out = [
        ("collective", _day(rng, start, middle), rng.randrange(4), rng.randrange(4)),
        ("collective", _day(rng, middle + dt.timedelta(days=1), end), rng.randrange(4), 0),
        ("lecture", _day(rng, start, end), rng.randrange(4), rng.randrange(4)),
    ]
    # Every unit studies the Fourth Plenary Session's spirit together in November.
    out.append(("plenum", _day(rng, FOURTH_PLENUM + dt.timedelta(days=1), dt.date(2019, 11, 28)),
                rng.randrange(4), rng.randrange(4)))  # fmt: skip
    if plan.kind == "lagging" and rng.random() < 0.4:
        out = out[:1]  # a lagging unit that held only one session
    return out


def _unit_rows(
    plan: UnitPlan,
    items: dict[str, StudyItem],
    seed: int,
    first_session_id: int,
    want: str = "records",
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Sessions, attendance and records of one unit (deterministic). ``want`` says how far to
    go: "sessions" skips the members, "attendance" skips their individual records."""
    rng = random.Random((seed << 32) ^ plan.unit_id)
    _unit_kind(rng)  # the same draw as in the plan
    sessions = _sessions_of(plan, rng)
    session_rows: list[tuple[Any, ...]] = []
    attendance: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    present_p = {"normal": 0.93, "lagging": 0.8, "dead": 0.0}[plan.kind]
    diligent_p = {"normal": 0.985, "lagging": 0.6, "dead": 0.1}[plan.kind]
    start, end = _period(plan.batch)
    session_ids = []
    for offset, (key, date, host, place) in enumerate(sessions):
        sid = first_session_id + offset
        session_ids.append((sid, key, date))
        session_rows.append((sid, plan.unit_id, items[key].pk, date, HOSTS[host], PLACES[place]))
    if want == "sessions":
        return session_rows, attendance, records
    for member_id, level_code in plan.members:
        level = ALL[level_code]
        mrng = random.Random((seed << 40) ^ member_id)
        never = plan.kind == "dead" and mrng.random() < 0.8
        diligent = mrng.random() < diligent_p
        used: set[tuple[int, dt.date, str]] = set()

        def record(
            item: StudyItem,
            date: dt.date,
            source: str,
            hours: Any = None,
            session: int | None = None,
            makeup: bool = False,
            *,
            used: set[tuple[int, dt.date, str]] = used,
            member_id: int = member_id,
        ) -> None:
            key = (item.pk, date, source)
            if key not in used:
                used.add(key)
                records.append((member_id, item.pk, date, hours, source, session, makeup))

        for sid, key, date in session_ids:
            present = mrng.random() < present_p
            attendance.append((sid, member_id, present, "" if present else mrng.choice(REASONS)))
            if present:
                record(items[key], date, RecordSource.SESSION, None, sid)
            elif diligent or mrng.random() < 0.3:
                late = min(date + dt.timedelta(days=mrng.randrange(1, 12)), dt.date(2019, 11, 29))
                record(items[key], late, RecordSource.MAKEUP, None, None, True)
        if never or want != "records":
            continue
        for spec in ITEMS:
            if spec.by_session or level not in spec.levels:
                continue
            if spec.batch and spec.batch != plan.batch:
                continue
            if not diligent and mrng.random() < 0.5:
                continue
            item = items[spec.key]
            lo = max(start, item.applies_from)
            hi = max(lo, end)
            source = RecordSource.IMPORT if mrng.random() < 0.4 else RecordSource.CHECKIN
            if spec.hours:
                record(item, _day(mrng, lo, hi), source, Decimal(2))
                record(item, _day(mrng, lo, hi) + dt.timedelta(days=1), source, Decimal(2))
                continue
            for n in range(spec.times + (1 if mrng.random() < 0.3 else 0)):
                record(item, _day(mrng, lo, hi) + dt.timedelta(days=n), source)
    return session_rows, attendance, records


def generate(
    campaign: Campaign, *, seed: int = 2019, tick: Callable[[int], None] | None = None
) -> Counts:
    """Write the demo's study items, sessions, attendance and records for ``campaign``.

    The counters are not touched: call ``progress.refresh_all()`` afterwards (the demo loader
    does, through the registered counter checks)."""
    counts = Counts()
    items = create_items(campaign)
    counts.items = len(items)
    plans = _plans(campaign, seed)
    first_id = (StudySession.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)

    def walk() -> Iterator[tuple[UnitPlan, int]]:
        next_id = first_id
        for plan in plans():
            yield plan, next_id
            rng = random.Random((seed << 32) ^ plan.unit_id)
            _unit_kind(rng)
            next_id += len(_sessions_of(plan, rng))

    def session_stream() -> Iterator[tuple[Any, ...]]:
        for plan, sid in walk():
            for row in _unit_rows(plan, items, seed, sid, "sessions")[0]:
                counts.sessions += 1
                yield (*row, "", None, stamp, stamp)

    insert_rows(
        StudySession._meta.db_table,
        ["id", "unit_id", "item_id", "date", "host", "place", "topic", "hours",
         "created_at", "updated_at"],
        session_stream(),
    )  # fmt: skip
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [StudySession]):
            cursor.execute(sql)

    def attendance_stream() -> Iterator[tuple[Any, ...]]:
        for plan, sid in walk():
            rows = _unit_rows(plan, items, seed, sid, "attendance")[1]
            counts.attendance += len(rows)
            yield from rows

    def record_stream() -> Iterator[tuple[Any, ...]]:
        pending = 0
        for plan, sid in walk():
            rows = _unit_rows(plan, items, seed, sid)[2]
            counts.records += len(rows)
            pending += len(rows)
            for member_id, item_id, date, hours, source, session, makeup in rows:
                yield (member_id, item_id, date, hours, source, session, makeup, "", stamp)
            if tick is not None and pending >= 100_000:
                tick(pending)
                pending = 0
        if tick is not None:
            tick(pending)

    # Tens of millions of rows: their indexes and foreign keys are built once, after the load.
    with indexes_deferred(SessionAttendance._meta.db_table, StudyRecord._meta.db_table):
        insert_rows(
            SessionAttendance._meta.db_table,
            ["session_id", "member_id", "present", "absence_reason"],
            attendance_stream(),
        )
        insert_rows(
            StudyRecord._meta.db_table,
            ["member_id", "item_id", "date", "hours", "source", "session_id", "is_makeup",
             "note", "created_at"],
            record_stream(),
        )  # fmt: skip
    return counts


def expected_records(members: int) -> int:
    """About how many records the demo writes for this many members (for progress bars)."""
    return members * 10
