"""The arithmetic of an evaluation, apart from the database: weighted totals, grade bands and
ranking among peers.

The rule for a unit where an indicator has no value (nothing to measure: no tasks, no
ratings, no manual score): that indicator is left out and the weights of the indicators that
have values are re-normalised so they add up to the whole; the scorecard says so. A unit with
no value at all has no total, no grade and no rank."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .models import Grade

TWO = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Combined:
    total: Decimal | None
    renormalised: bool
    # per indicator (same order): effective weight share (0-1) and weighted points
    shares: list[Decimal | None]
    points: list[Decimal | None]


def combine(values: Sequence[Decimal | None], weights: Sequence[Decimal]) -> Combined:
    """The weighted total on 0-100 of the values that exist, weights re-normalised over them."""
    present = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None]
    weight_sum = sum((w for _v, w in present), Decimal(0))
    if not present or weight_sum <= 0:
        return Combined(None, bool(values), [None] * len(values), [None] * len(values))
    shares: list[Decimal | None] = []
    points: list[Decimal | None] = []
    for v, w in zip(values, weights, strict=True):
        if v is None:
            shares.append(None)
            points.append(None)
        else:
            share = w / weight_sum
            shares.append(share)
            points.append(v * share)
    total = q2(sum((p for p in points if p is not None), Decimal(0)))
    return Combined(total, len(present) < len(values), shares, points)


def grade_for(total: Decimal | None, *, excellent: Decimal, good: Decimal, fair: Decimal) -> str:
    """The band a total falls in; a total exactly at a threshold is in the higher band."""
    if total is None:
        return ""
    if total >= excellent:
        return Grade.EXCELLENT
    if total >= good:
        return Grade.GOOD
    if total >= fair:
        return Grade.FAIR
    return Grade.POOR


def validate_bands(excellent: Any, good: Any, fair: Any) -> dict[str, str]:
    """Field errors of grade thresholds (empty when they are ordered and within 0-100)."""
    from django.utils.translation import gettext as _

    errors: dict[str, str] = {}
    values: dict[str, Decimal] = {}
    for name, raw in (("excellent_min", excellent), ("good_min", good), ("fair_min", fair)):
        try:
            value = Decimal(str(raw))
        except Exception:
            errors[name] = _("Enter a number.")
            continue
        if not value.is_finite() or value < 0 or value > 100:
            errors[name] = _("Enter a number from 0 to 100.")
        else:
            values[name] = value
    if not errors:
        if not values["good_min"] < values["excellent_min"]:
            errors["excellent_min"] = _("The excellent band must start above the good band.")
        if not values["fair_min"] < values["good_min"]:
            errors["good_min"] = _("The good band must start above the fair band.")
    return errors


@dataclass
class Ranked:
    key: Any
    peer_group: tuple[str, int]
    total: Decimal | None
    rank: int | None = None
    peers: int = 0


def rank_among_peers(items: list[Ranked]) -> None:
    """Rank within each peer group (same kind and level) by total, highest first; equal totals
    share a rank and the next rank skips (1, 2, 2, 4). Items without a total get no rank;
    ``peers`` is the number of ranked items in the group."""
    groups: dict[tuple[str, int], list[Ranked]] = defaultdict(list)
    for item in items:
        if item.total is not None:
            groups[item.peer_group].append(item)
    for group in groups.values():
        group.sort(key=lambda i: i.total, reverse=True)  # type: ignore[arg-type, return-value]
        previous: Decimal | None = None
        rank = 0
        for position, item in enumerate(group, start=1):
            if item.total != previous:
                rank = position
                previous = item.total
            item.rank = rank
            item.peers = len(group)
