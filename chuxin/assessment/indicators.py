"""The registry of computed assessment indicators. Each capability that has something to be
measured by provides it in a module ``indicators.py`` of its own app, calling ``register``
at import time; the modules are found by ``autodiscover_modules`` on first use.

An indicator computes, for each unit asked about, a measure over that unit's whole subtree
as of a cut-off date: a value on a 0-100 scale (a percentage, or a mean rating mapped onto
0-100), the numerator and denominator it came from where there are any, and a short note in
words of how it was computed (shown on the scorecard). ``value`` is None where there is
nothing to measure (no tasks, no ratings); the scheme decides how such a unit is scored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Measure:
    value: Decimal | None  # 0-100, or None where there is nothing to measure
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    note: str = ""  # how it was computed, in words (translated when computed)


# compute(campaign, units, cutoff) -> {unit.pk: Measure} for every unit asked about
ComputeFn = Callable[[Any, Sequence[Any], dt.date], dict[int, Measure]]


@dataclass(frozen=True)
class Indicator:
    key: str  # stable, e.g. "study.coverage"; stored on schemes and evaluations
    label: str | Promise
    compute: ComputeFn
    description: str | Promise = ""


_REGISTRY: dict[str, Indicator] = {}
_discovered = False


def register(indicator: Indicator) -> Indicator:
    existing = _REGISTRY.get(indicator.key)
    if existing is not None and existing.compute is not indicator.compute:
        raise ValueError(f"indicator {indicator.key!r} is registered twice")
    _REGISTRY[indicator.key] = indicator
    return indicator


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("indicators")


def all_indicators() -> list[Indicator]:
    _discover()
    return sorted(_REGISTRY.values(), key=lambda indicator: indicator.key)


def get(key: str) -> Indicator:
    _discover()
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"no computed indicator {key!r}") from None
