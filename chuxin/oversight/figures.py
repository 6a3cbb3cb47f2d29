"""The registry of the dashboard's headline figures.

Each capability that has something to show on the leading group's dashboard provides it in a
module ``dashboard.py`` of its own app, calling :func:`register` at import time; the modules
are found by ``autodiscover_modules`` on first use (as ``assessment.indicators`` does).

A :class:`Provider` reads integer *metrics* for many units at once from the capability's
maintained counters (one query for a unit and all its children; one streaming query over all
units for the daily snapshot) and derives named :class:`FigureSpec` values from them. Only the
metrics are stored in snapshots; every figure (a count, a percentage, a mean rating) is derived
from metrics alike for today and for any past day, so "since last week" and the trend lines
need no recomputation over raw rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

Metrics = Mapping[str, int]
Number = int | float
Worse = Literal["higher", "lower"]
Fmt = Literal["count", "percent", "rating"]


@dataclass(frozen=True)
class FigureSpec:
    """One named figure: how it is derived from the provider's metrics and how to read it.

    ``worse`` says which way is bad ("higher": overdue tasks; "lower": coverage). ``heat``
    figures are rates comparable between units of different size: they get a column in the
    heat table, a bar chart by sub-unit and red flags. ``group`` puts figures into one chart
    (e.g. problems by source). ``url`` gives the list behind the figure for a unit, filtered.
    """

    key: str
    label: str | Promise
    compute: Callable[[Metrics], Number | None]
    url: Callable[[int], str]
    worse: Worse = "higher"
    fmt: Fmt = "count"
    heat: bool = False
    headline: bool = True
    group: str = ""
    trend: bool = False  # drawn in the progress-over-time lines
    show: Callable[[Number | None], str] | None = None  # words instead of the number


@dataclass(frozen=True)
class Provider:
    """What one capability contributes to the dashboard (see the module docstring).

    By default the metrics are the ``subtree_<metric>`` columns of ``model``, a rollup with
    one row per unit whose primary key is the unit; ``read``/``read_all`` may be given instead.
    A capability without maintained counters whose rows are many sets ``from_snapshot``: its
    figures are read from the latest daily snapshot (``read_all`` runs once a day), never
    counted on request.
    """

    key: str
    label: str | Promise
    order: int
    metrics: tuple[str, ...]
    figures: tuple[FigureSpec, ...]
    model: type[models.Model] | None = None
    columns: Mapping[str, str] = field(default_factory=dict)  # metric -> column, if not subtree_
    read: Callable[[Sequence[int]], dict[int, dict[str, int]]] | None = None
    read_all: Callable[[], Iterable[tuple[int, Sequence[int]]]] | None = None
    from_snapshot: bool = False

    def _columns(self) -> list[str]:
        return [self.columns.get(m, f"subtree_{m}") for m in self.metrics]

    def values_for(self, unit_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """Each unit's metrics (over its whole subtree), in one query."""
        if self.read is not None:
            return self.read(unit_ids)
        assert self.model is not None
        rows = self.model._default_manager.filter(pk__in=list(unit_ids)).values_list(
            "pk", *self._columns()
        )
        return {row[0]: dict(zip(self.metrics, row[1:], strict=True)) for row in rows}

    def all_values(self) -> Iterator[tuple[int, Sequence[int]]]:
        """Every unit's metrics in ``metrics`` order, streamed (for the daily snapshot)."""
        if self.read_all is not None:
            yield from self.read_all()
            return
        assert self.model is not None
        rows = (
            self.model._default_manager.order_by()
            .values_list("pk", *self._columns())
            .iterator(chunk_size=20000)
        )
        for row in rows:
            yield row[0], row[1:]


_REGISTRY: dict[str, Provider] = {}
_discovered = False


def register(provider: Provider) -> Provider:
    existing = _REGISTRY.get(provider.key)
    if existing is not None and existing is not provider and existing.metrics != provider.metrics:
        raise ValueError(f"dashboard provider {provider.key!r} is registered twice")
    _REGISTRY[provider.key] = provider
    return provider


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("dashboard")


def providers() -> list[Provider]:
    _discover()
    return sorted(_REGISTRY.values(), key=lambda p: (p.order, p.key))


def metric_keys() -> list[str]:
    """Every metric of every provider as ``provider.metric``, in a stable order."""
    return [f"{p.key}.{m}" for p in providers() for m in p.metrics]


def all_specs() -> list[tuple[Provider, FigureSpec]]:
    return [(p, spec) for p in providers() for spec in p.figures]


# --- Small helpers for providers --------------------------------------------------------------


def pct(numerator: int | None, denominator: int | None) -> float | None:
    """A percentage with one decimal, None where there is nothing to measure."""
    if not denominator:
        return None
    return round(100.0 * (numerator or 0) / denominator, 1)


def metric(name: str) -> Callable[[Metrics], Number | None]:
    def compute(m: Metrics) -> Number | None:
        return int(m.get(name, 0))

    return compute


def ratio(numerator: str, denominator: str | tuple[str, ...]) -> Callable[[Metrics], float | None]:
    names = (denominator,) if isinstance(denominator, str) else denominator

    def compute(m: Metrics) -> float | None:
        return pct(int(m.get(numerator, 0)), sum(int(m.get(n, 0)) for n in names))

    return compute


def figure_values(provider: Provider, metrics: Metrics | None) -> dict[str, Number | None]:
    """Every figure of ``provider`` computed from one unit's metrics (zeros if none)."""
    m: Metrics = metrics or {}
    return {spec.key: spec.compute(m) for spec in provider.figures}
