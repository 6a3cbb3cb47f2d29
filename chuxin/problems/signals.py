"""Signals the rectification counters listen to (sent inside the writing transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class ProblemState:
    """What the counters depend on, before or after a change of a problem."""

    unit_id: int
    source: str
    category: str
    counted: bool


# Sent with problem=<Problem>, before=<ProblemState | None>, after=<ProblemState | None>.
problem_changed = Signal()
