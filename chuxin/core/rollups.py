"""Maintained per-unit counters and their subtree totals.

No page adds up raw rows on request. Each capability declares a :class:`Rollup`: a model with
one row per unit (primary key ``unit``) holding, for every metric ``m``, the unit's own value
``m`` and its whole subtree's total ``subtree_m``. Services that change raw rows call
:func:`apply` with the change; bulk imports call :func:`refresh`, which recomputes every row
set-based; ``chuxin check_counters`` calls :func:`check`, which recomputes from the raw rows
and reports every row that drifted.

Units themselves are handled once for every registered rollup (``chuxin.core.receivers``): a new
unit gets its zero row, and a moved unit's subtree totals leave its old ancestors and join its
new ones (:func:`move_subtree`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connections, models, transaction
from django.db.models import F

from .bulk import insert_rows

if TYPE_CHECKING:
    from chuxin.organization.models import Unit

OwnValues = Mapping[int, Mapping[str, int]]


@dataclass(frozen=True)
class Rollup:
    """A set of per-unit metrics, kept for each unit and for its subtree.

    ``own_values`` computes, from the raw rows, each unit's own value of each metric; units
    it leaves out have zero. It is used only by :func:`refresh` and :func:`check`.

    ``on_move``, if given, is called with the moved unit (its new path) once this rollup's
    subtree totals followed it: for what else of the capability depends on where a unit is
    (e.g. study: which items its members owe, and the per-item subtree totals).
    """

    name: str
    model: type[models.Model]
    metrics: tuple[str, ...]
    own_values: Callable[[], OwnValues]
    # Fields of the row beyond the metrics, with the value a new row gets.
    extra_defaults: dict[str, Any] = field(default_factory=dict)
    on_move: Callable[[Unit], None] | None = None

    @property
    def fields(self) -> list[str]:
        return [*self.metrics, *(f"subtree_{m}" for m in self.metrics)]


_registry: dict[str, Rollup] = {}


@dataclass(frozen=True)
class CounterCheck:
    """Maintained counters that are not per-unit rollups (e.g. one row per member).

    ``drifts`` recomputes from the raw rows and returns one line per drifted value (empty when
    all is right); ``fix`` rewrites them. ``chuxin check_counters`` runs these before the
    rollups, since rollups may be computed from them.
    """

    name: str
    drifts: Callable[[], list[str]]
    # None: what it finds is not a counter to rewrite but rows a person must look at.
    fix: Callable[[], None] | None


_checks: dict[str, CounterCheck] = {}


def register_check(check: CounterCheck) -> None:
    _checks[check.name] = check


def registered_checks() -> list[CounterCheck]:
    return list(_checks.values())


def _manager(rollup: Rollup) -> models.Manager[Any]:
    return rollup.model._default_manager


def register(rollup: Rollup) -> None:
    _registry[rollup.name] = rollup


def registered() -> list[Rollup]:
    return list(_registry.values())


def get(name: str) -> Rollup:
    return _registry[name]


def ensure_row(rollup: Rollup, unit: Unit) -> None:
    """Give a new unit its (all zero) row; call :func:`apply` afterwards for what it holds."""
    _manager(rollup).get_or_create(
        pk=unit.pk, defaults={f: 0 for f in rollup.fields} | rollup.extra_defaults
    )


def apply(rollup: Rollup, unit: Unit, deltas: Mapping[str, int]) -> None:
    """Add ``deltas`` to the unit's own metrics and to the subtree totals up to the root."""
    deltas = {m: d for m, d in deltas.items() if d}
    if not deltas:
        return
    unknown = set(deltas) - set(rollup.metrics)
    if unknown:
        raise ValueError(f"{rollup.name} has no metric {sorted(unknown)}")
    manager = _manager(rollup)
    manager.filter(pk=unit.pk).update(**{m: F(m) + d for m, d in deltas.items()})
    apply_to_subtree_totals(rollup, unit.ancestor_paths(include_self=True), deltas)


def apply_to_subtree_totals(rollup: Rollup, paths: list[str], deltas: Mapping[str, int]) -> None:
    """Add ``deltas`` to the subtree totals of the units with these paths."""
    if not paths or not any(deltas.values()):
        return
    _manager(rollup).filter(unit__path__in=paths).update(
        **{f"subtree_{m}": F(f"subtree_{m}") + d for m, d in deltas.items() if d}
    )


def path_and_ancestors(path: str) -> list[str]:
    """The path itself and the paths of its ancestors, root first (no query)."""
    from chuxin.organization.models import Unit

    return [path[:end] for end in range(Unit.steplen, len(path) + 1, Unit.steplen)]


def move_subtree(rollup: Rollup, unit_id: int, *, left: list[str], joined: list[str]) -> None:
    """A unit moved with its subtree from below the units with paths ``left`` to below those
    with paths ``joined``: its subtree totals leave the former and join the latter.

    The rows of the moved subtree do not change (their subtrees are the same units); units in
    both lists (the common ancestors) keep what they had. Two ``UPDATE``s, not a refresh.
    """
    stay = set(left) & set(joined)
    left = [p for p in left if p not in stay]
    joined = [p for p in joined if p not in stay]
    if not left and not joined:
        return
    totals = (
        _manager(rollup)
        .filter(pk=unit_id)
        .values(*(f"subtree_{m}" for m in rollup.metrics))
        .first()
    )
    if not totals:
        refresh(rollup)  # the row is missing, so the totals are unknown: rewrite them all
        return
    deltas = {m: int(totals[f"subtree_{m}"]) for m in rollup.metrics}
    apply_to_subtree_totals(rollup, left, {m: -d for m, d in deltas.items()})
    apply_to_subtree_totals(rollup, joined, deltas)


def expected_rows(rollup: Rollup) -> dict[int, dict[str, int]]:
    """Recompute every unit's row from the raw rows (own values, then path-prefix sums)."""
    from chuxin.organization.models import Unit

    own = rollup.own_values()
    zero = dict.fromkeys(rollup.metrics, 0)
    units = list(Unit.objects.order_by().values_list("pk", "path"))
    by_path = {path: pk for pk, path in units}
    rows: dict[int, dict[str, int]] = {}
    for pk, _path in units:
        own_row = own.get(pk, zero)
        rows[pk] = {m: int(own_row.get(m, 0)) for m in rollup.metrics} | {
            f"subtree_{m}": 0 for m in rollup.metrics
        }
    steplen = Unit.steplen
    for pk, path in units:
        values = own.get(pk)
        if not values:
            continue
        for end in range(steplen, len(path) + 1, steplen):
            ancestor = by_path.get(path[:end])
            if ancestor is None:
                continue
            row = rows[ancestor]
            for m in rollup.metrics:
                row[f"subtree_{m}"] += int(values.get(m, 0))
    return rows


def refresh(rollup: Rollup, *, batch_size: int = 5000) -> int:
    """Rewrite every row of the rollup from the raw rows, set-based. Returns the row count.

    The rows go in with :func:`chuxin.core.bulk.insert_rows` (``COPY`` on PostgreSQL), not
    through model instances: at 150,000 units that is the difference between one second and
    several. Fields beyond the metrics get ``extra_defaults`` or the field's own default.
    """
    rows = expected_rows(rollup)
    manager = _manager(rollup)
    connection = connections[manager.db]
    meta = rollup.model._meta
    template = rollup.model(**rollup.extra_defaults)
    metric_fields = set(rollup.fields)
    columns: list[str] = []
    # Per column: the metric to take from the row, or a constant (already prepared).
    sources: list[tuple[str | None, Any]] = []
    for model_field in meta.concrete_fields:
        columns.append(str(model_field.column))
        if model_field.primary_key:
            sources.append(("pk", None))
        elif model_field.name in metric_fields:
            sources.append((model_field.name, None))
        else:
            value = model_field.pre_save(template, add=True)
            sources.append((None, model_field.get_db_prep_save(value, connection)))

    def values() -> Iterator[tuple[Any, ...]]:
        for pk, row in rows.items():
            yield tuple(
                pk if name == "pk" else row[name] if name else constant
                for name, constant in sources
            )

    with transaction.atomic(using=manager.db):
        manager.all().delete()
        insert_rows(meta.db_table, columns, values(), using=manager.db, batch_size=batch_size)
    return len(rows)


@dataclass(frozen=True)
class Drift:
    rollup: str
    unit_id: int
    field: str
    stored: int | None
    expected: int


def check(rollup: Rollup) -> list[Drift]:
    """Every stored value that differs from a recomputation from the raw rows."""
    expected = expected_rows(rollup)
    drifts: list[Drift] = []
    seen: set[int] = set()
    stored: Iterable[dict[str, Any]] = (
        _manager(rollup).order_by().values("pk", *rollup.fields).iterator(chunk_size=10000)
    )
    for row in stored:
        pk = row["pk"]
        seen.add(pk)
        want = expected.get(pk)
        if want is None:
            drifts.extend(Drift(rollup.name, pk, f, row[f], 0) for f in rollup.fields if row[f])
            continue
        drifts.extend(
            Drift(rollup.name, pk, f, row[f], want[f]) for f in rollup.fields if row[f] != want[f]
        )
    for pk, want in expected.items():
        if pk not in seen:
            drifts.extend(Drift(rollup.name, pk, f, None, v) for f, v in want.items())
    return drifts
