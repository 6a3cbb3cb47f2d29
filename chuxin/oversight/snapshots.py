"""The daily snapshot of every unit's headline metrics, copied from the maintained counters.

One streaming read per provider over its rollup table (no raw rows), merged per unit, encoded
as unsigned varints and written with ``COPY`` (``core.bulk.insert_rows``): at province scale a
day is one pass over ~150,000 rollup rows per capability. A second run the same day replaces
that day. Daily rows older than ``KEEP_DAILY_DAYS`` are thinned to one a week (the trend lines
and "since last week" read weekly points only).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, transaction
from django.db.models import Count, Q
from django.utils import timezone

from chuxin.core.bulk import insert_rows

from . import figures
from .models import SnapshotDay, UnitSnapshot

KEEP_DAILY_DAYS = 56
WEEKS_OF_HISTORY = 12


def encode(values: Iterable[int]) -> bytes:
    """Unsigned LEB128 varints (negative values, which counters never hold, count as 0)."""
    out = bytearray()
    for value in values:
        v = value if value > 0 else 0
        while v >= 0x80:
            out.append((v & 0x7F) | 0x80)
            v >>= 7
        out.append(v)
    return bytes(out)


def decode(data: bytes | memoryview) -> list[int]:
    values: list[int] = []
    shift = result = 0
    for byte in bytes(data):
        result |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            values.append(result)
            shift = result = 0
    return values


def _specials_progress() -> dict[str, list[int]]:
    """Per special rectification: [tasks, verified, overdue] (one grouped query)."""
    from chuxin.rectification.models import RectificationTask, TaskStatus

    rows = (
        RectificationTask.objects.filter(special__isnull=False)
        .order_by()
        .values_list("special_id")
        .annotate(
            n=Count("id"),
            closed=Count("id", filter=Q(status=TaskStatus.VERIFIED)),
            overdue=Count("id", filter=Q(is_overdue=True)),
        )
    )
    return {str(pk): [n, closed, overdue] for pk, n, closed, overdue in rows}


def take_snapshot(day: dt.date | None = None) -> SnapshotDay:
    """Copy every unit's metrics of every provider into ``day``'s snapshot (replacing it)."""
    day = day or timezone.localdate()
    started = time.monotonic()
    providers = figures.providers()
    keys = figures.metric_keys()
    width = len(keys)
    merged: dict[int, list[int]] = {}
    offset = 0
    for provider in providers:
        n = len(provider.metrics)
        for unit_id, values in provider.all_values():
            row = merged.get(unit_id)
            if row is None:
                row = merged[unit_id] = [0] * width
            row[offset : offset + n] = [int(v or 0) for v in values]
        offset += n
    encoded = [(unit_id, encode(row)) for unit_id, row in merged.items() if any(row)]
    size = sum(len(data) for _u, data in encoded)
    extras: dict[str, Any] = {"specials": _specials_progress()}
    using = UnitSnapshot.objects.db
    with transaction.atomic(using=using):
        UnitSnapshot.objects.filter(day=day).delete()
        insert_rows(
            UnitSnapshot._meta.db_table,
            ["day", "unit_id", "data"],
            ((day, unit_id, data) for unit_id, data in encoded),
            using=using,
        )
        snapshot, _created = SnapshotDay.objects.update_or_create(
            day=day,
            defaults={
                "keys": keys,
                "extras": extras,
                "units": len(encoded),
                "size_bytes": size,
                "seconds": round(time.monotonic() - started, 3),
                "created_at": timezone.now(),
            },
        )
    return snapshot


def prune(today: dt.date | None = None) -> int:
    """Thin daily rows older than ``KEEP_DAILY_DAYS`` to the days a week apart from today."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=KEEP_DAILY_DAYS)
    old = [d for d in SnapshotDay.objects.filter(day__lt=cutoff).values_list("day", flat=True)]
    drop = [d for d in old if (today - d).days % 7]
    if not drop:
        return 0
    with transaction.atomic():
        deleted, _ = UnitSnapshot.objects.filter(day__in=drop).delete()
        SnapshotDay.objects.filter(day__in=drop).delete()
    return deleted


def table_size(using: str = "default") -> int | None:
    """The snapshot table's size on disk with its index (PostgreSQL only), in bytes."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [UnitSnapshot._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row else None


# --- Reading ---------------------------------------------------------------------------------


def weekly_days(today: dt.date | None = None, weeks: int = WEEKS_OF_HISTORY) -> list[SnapshotDay]:
    """The latest snapshot and, for each earlier week, the latest one at least 7·k days older;
    oldest first. One query."""
    days = list(SnapshotDay.objects.order_by("-day").defer("extras")[: KEEP_DAILY_DAYS + weeks * 7])
    if today is not None:
        days = [d for d in days if d.day <= today]
    if not days:
        return []
    picked = [days[0]]
    for snap in days[1:]:
        if (picked[-1].day - snap.day).days >= 7:
            picked.append(snap)
            if len(picked) > weeks:
                break
    return list(reversed(picked))


def unit_metrics(
    days: Sequence[SnapshotDay], unit_ids: Sequence[int]
) -> dict[tuple[dt.date, int], dict[str, dict[str, int]]]:
    """{(day, unit): {provider: {metric: value}}} for these days and units, in one query."""
    if not days or not unit_ids:
        return {}
    by_day = {d.day: d for d in days}
    rows = UnitSnapshot.objects.filter(day__in=list(by_day), unit_id__in=list(unit_ids))
    result: dict[tuple[dt.date, int], dict[str, dict[str, int]]] = {}
    for day, unit_id, data in rows.values_list("day", "unit_id", "data"):
        result[(day, unit_id)] = split(by_day[day].keys, decode(data))
    return result


def split(keys: Sequence[str], values: Sequence[int]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for key, value in zip(keys, values, strict=False):
        provider, _dot, name = key.partition(".")
        out.setdefault(provider, {})[name] = value
    return out
