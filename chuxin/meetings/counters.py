"""The life meetings' rollup: meetings by status (and reported late), per unit and subtree."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q

from chuxin.core import rollups
from chuxin.core.rollups import OwnValues, Rollup

from .models import COUNTED_STATUSES, LifeMeeting, MeetingStatus, UnitMeetingRollup

ROLLUP_NAME = "meetings"
METRICS = ("planned", "preparing", "ready", "held", "reported", "reported_late")


def own_values() -> OwnValues:
    own: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        LifeMeeting.objects.exclude(status=MeetingStatus.ARCHIVED)
        .order_by()
        .values("unit_id", "status")
        .annotate(
            n=Count("pk"),
            late=Count("pk", filter=Q(report_submitted_on__gt=F("report_due_on"))),
        )
    )
    for row in rows:
        own[row["unit_id"]][row["status"]] = row["n"]
        if row["status"] == MeetingStatus.REPORTED and row["late"]:
            own[row["unit_id"]]["reported_late"] = row["late"]
    return own


ROLLUP = Rollup(name=ROLLUP_NAME, model=UnitMeetingRollup, metrics=METRICS, own_values=own_values)


def values_of(meeting: LifeMeeting) -> dict[str, int]:
    """What one meeting adds to its unit's row."""
    if meeting.status not in COUNTED_STATUSES:
        return {}
    values = {str(meeting.status): 1}
    if meeting.status == MeetingStatus.REPORTED and meeting.late_on(None):
        values["reported_late"] = 1
    return values


def apply_change(unit: object, before: dict[str, int], after: dict[str, int]) -> None:
    """Move a meeting's contribution from ``before`` to ``after`` (same unit)."""
    deltas = {m: after.get(m, 0) - before.get(m, 0) for m in METRICS}
    rollups.apply(ROLLUP, unit, deltas)  # type: ignore[arg-type]
