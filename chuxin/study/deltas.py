"""Adding differences to the per-unit study counters, for one unit or thousands at once: each
unit's own values and the subtree totals of every unit above it, by materialized path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from chuxin.organization.models import Unit

from .models import UnitItemProgress, UnitStudyRollup

STUDY_METRICS = ("members", "required", "covered", "never_recorded", "makeup_owing", "sessions")


def _add(target: dict[Any, list[int]], key: Any, values: Sequence[int], sign: int) -> None:
    row = target.setdefault(key, [0] * len(values))
    for index, value in enumerate(values):
        row[index] += sign * value


def _unit_paths(unit_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(unit_ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        out.update(Unit.objects.filter(pk__in=ids[start : start + 900]).values_list("pk", "path"))
    return out


def _path_pks(paths: Iterable[str]) -> dict[str, int]:
    wanted = list(set(paths))
    out: dict[str, int] = {}
    for start in range(0, len(wanted), 900):
        out.update(
            (path, pk)
            for pk, path in Unit.objects.filter(path__in=wanted[start : start + 900]).values_list(
                "pk", "path"
            )
        )
    return out


def _spread(own: dict[tuple[int, ...], list[int]]) -> dict[tuple[int, ...], list[int]]:
    """Own deltas keyed by ``(unit, *rest)`` -> ``own + subtree`` deltas for the unit and
    every unit above it, keyed ``(ancestor, *rest)``."""
    paths = _unit_paths(key[0] for key in own)
    chains = {
        uid: [path[:i] for i in range(Unit.steplen, len(path) + 1, Unit.steplen)]
        for uid, path in paths.items()
    }
    pks = _path_pks(p for chain in chains.values() for p in chain)
    out: dict[tuple[int, ...], list[int]] = {}
    for key, values in own.items():
        unit_id, rest = key[0], key[1:]
        if unit_id not in chains:
            continue
        zeros = [0] * len(values)
        _add(out, key, values + zeros, 1)
        for path in chains[unit_id]:
            ancestor = pks.get(path)
            if ancestor is not None:
                _add(out, (ancestor, *rest), zeros + values, 1)
    return {k: v for k, v in out.items() if any(v)}


def apply_unit_deltas(own: dict[int, dict[str, int]]) -> None:
    """Add per-unit own deltas of :class:`UnitStudyRollup` metrics, and to every subtree total
    above; one statement for all the rows (works for one member or for an import)."""
    vectors = {
        uid: [d.get(m, 0) for m in STUDY_METRICS] for uid, d in own.items() if any(d.values())
    }
    if not vectors:
        return
    spread = _spread({(uid,): v for uid, v in vectors.items()})
    UnitStudyRollup.objects.bulk_create(
        [UnitStudyRollup(unit_id=key[0]) for key in spread], ignore_conflicts=True
    )
    fields = [*STUDY_METRICS, *(f"subtree_{m}" for m in STUDY_METRICS)]
    table = UnitStudyRollup._meta.db_table
    rows = [[*values, key[0]] for key, values in spread.items()]
    if _many(rows):
        _update_from_arrays(table, fields, ["unit_id"], rows)
        return
    sets = ", ".join(f"{f} = {f} + %s" for f in fields)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE unit_id = %s", rows)


def apply_item_deltas(own: dict[tuple[int, int], tuple[int, int]]) -> None:
    """Add (required, done) deltas per (unit, item), with subtree totals up to the root."""
    vectors: dict[tuple[int, ...], list[int]] = {k: list(v) for k, v in own.items() if any(v)}
    if not vectors:
        return
    spread = _spread(vectors)
    table = UnitItemProgress._meta.db_table
    rows = [[*values, unit, item] for (unit, item), values in spread.items()]
    if _many(rows):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (unit_id, item_id, required, done, subtree_required, "
                "subtree_done) SELECT u, i, 0, 0, 0, 0 FROM unnest(%s::bigint[], %s::bigint[]) "
                "AS k(u, i) ON CONFLICT (unit_id, item_id) DO NOTHING",
                [[r[4] for r in rows], [r[5] for r in rows]],
            )
        fields = ["required", "done", "subtree_required", "subtree_done"]
        _update_from_arrays(table, fields, ["unit_id", "item_id"], rows)
        return
    UnitItemProgress.objects.bulk_create(
        [UnitItemProgress(unit_id=u, item_id=i) for u, i in spread], ignore_conflicts=True
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET required = required + %s, done = done + %s, "
            "subtree_required = subtree_required + %s, subtree_done = subtree_done + %s "
            "WHERE unit_id = %s AND item_id = %s",
            rows,
        )


ARRAY_FROM = 200  # rows: from this many on, PostgreSQL adds deltas in one UPDATE


def _many(rows: Sequence[Any]) -> bool:
    return connection.vendor == "postgresql" and len(rows) >= ARRAY_FROM


def _update_from_arrays(
    table: str, fields: Sequence[str], keys: Sequence[str], rows: Sequence[Sequence[int]]
) -> None:
    """Add many rows' deltas in one statement (PostgreSQL): ``UPDATE ... FROM unnest(...)``."""
    names = [*fields, *keys]
    columns = [[row[i] for row in rows] for i in range(len(names))]
    arrays = ", ".join("%s::bigint[]" for _ in names)
    sets = ", ".join(f"{f} = t.{f} + d.{f}" for f in fields)
    match = " AND ".join(f"t.{k} = d.{k}" for k in keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {sets} FROM unnest({arrays}) "
            f"AS d({', '.join(names)}) WHERE {match}",
            columns,
        )
