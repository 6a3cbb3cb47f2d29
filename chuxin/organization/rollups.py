"""The organization's rollup: members, leading cadres and units, per unit and per subtree."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from chuxin.core.rollups import OwnValues, Rollup

from .models import Member, MemberStatus, Unit, UnitRollup


def _own_values() -> OwnValues:
    own: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id in Unit.objects.filter(archived_at__isnull=True).values_list("pk", flat=True):
        own[unit_id]["units"] = 1
    rows = (
        Member.objects.filter(status=MemberStatus.ACTIVE)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"), leading=Count("pk", filter=Q(is_leading_cadre=True)))
    )
    for row in rows:
        own[row["unit_id"]]["members"] = row["n"]
        own[row["unit_id"]]["leading_cadres"] = row["leading"]
    return own


MEMBERSHIP = Rollup(
    name="membership",
    model=UnitRollup,
    metrics=("members", "leading_cadres", "units"),
    own_values=_own_values,
)


def member_deltas(*, active: bool, leading: bool, sign: int = 1) -> dict[str, int]:
    """What one member adds to their unit's rollup (nothing unless active)."""
    if not active:
        return {}
    return {"members": sign, "leading_cadres": sign if leading else 0}
