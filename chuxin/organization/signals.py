"""Signals other capabilities listen to, to keep their own counters right.

They are sent inside the writing transaction (counters must change with the rows), never for
notifications: those go through ``transaction.on_commit``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class MemberState:
    """What other capabilities' counters depend on, before or after a change of a member."""

    unit_id: int
    active: bool
    cadre_level: str
    is_leading_cadre: bool


# Sent with member=<Member>, before=<MemberState | None> (None when created),
# after=<MemberState> when one member is created or changed through the services.
member_changed = Signal()

# Sent with member_ids=<list[int]> after a bulk write of members (an import): receivers
# recompute what they keep for those members set-based.
members_bulk_changed = Signal()

# Sent by `chuxin demo` once the demo campaign exists (inside the load's transaction, before the
# counters are rebuilt) with campaign=<Campaign>, seed=<int>, progress=<rich Progress>: other
# capabilities write their own demo data for it, as raw rows; the loader then refreshes every
# registered counter check and rollup. `chuxin demo --only APP,...` calls only the receivers
# defined in the selected apps and passes only=<frozenset of app labels | None> (None: all);
# see chuxin.organization.demo.selection (and its wants(app_label, **kwargs)).
demo_campaign_loaded = Signal()
