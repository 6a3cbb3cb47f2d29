"""The arithmetic: weighted totals with re-normalised weights, grade bands at their edges,
ranking among peers with ties."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from chuxin.assessment.scoring import Ranked, combine, grade_for, rank_among_peers, validate_bands

BANDS = {"excellent": D(90), "good": D(80), "fair": D(60)}


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (D("100"), "excellent"),
        (D("90.00"), "excellent"),
        (D("89.99"), "good"),
        (D("80"), "good"),
        (D("79.99"), "fair"),
        (D("60"), "fair"),
        (D("59.99"), "poor"),
        (D("0"), "poor"),
        (None, ""),
    ],
)
def test_grade_bands_at_their_edges(total: D | None, grade: str) -> None:
    assert grade_for(total, **BANDS) == grade


def test_combine_weights_and_renormalises() -> None:
    full = combine([D(80), D(50)], [D(60), D(40)])
    assert full.total == D("68.00") and not full.renormalised
    assert full.points == [D(48), D(20)]
    partial = combine([D(80), None], [D(60), D(40)])
    assert partial.total == D("80.00") and partial.renormalised
    assert partial.shares == [D(1), None]
    nothing = combine([None, None], [D(60), D(40)])
    assert nothing.total is None and nothing.renormalised


def test_rank_among_peers_with_ties() -> None:
    items = [
        Ranked("a", ("county", 3), D(70)),
        Ranked("b", ("county", 3), D(90)),
        Ranked("c", ("county", 3), D(70)),
        Ranked("d", ("county", 3), D(50)),
        Ranked("e", ("city", 2), D(10)),
        Ranked("f", ("county", 3), None),
    ]
    rank_among_peers(items)
    ranks = {i.key: (i.rank, i.peers) for i in items}
    assert ranks == {
        "a": (2, 4),
        "b": (1, 4),
        "c": (2, 4),
        "d": (4, 4),
        "e": (1, 1),
        "f": (None, 0),
    }


def test_bands_must_be_ordered_and_within_range() -> None:
    assert validate_bands(90, 80, 60) == {}
    assert set(validate_bands(80, 80, 60)) == {"excellent_min"}
    assert set(validate_bands(90, 50, 60)) == {"good_min"}
    assert set(validate_bands(101, 80, -1)) == {"excellent_min", "fair_min"}
    assert set(validate_bands("x", 80, 60)) == {"excellent_min"}
    assert set(validate_bands("NaN", 80, 60)) == {"excellent_min"}
