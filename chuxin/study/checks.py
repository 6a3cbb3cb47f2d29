"""``chuxin check_counters`` for study: every member's progress, every per-item counter and
every last-session date recomputed from the raw rows and compared with what is stored; and
every study record's member, item, session and author still there (the database does not
check those references itself: see :class:`.models.StudyRecord`)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from chuxin.core.models import User
from chuxin.organization.models import Member

from .models import (
    MemberStudyProgress,
    StudyItem,
    StudyRecord,
    StudySession,
    UnitItemProgress,
    UnitLastSession,
)
from .progress import (
    State,
    all_member_ranges,
    expected_item_rows,
    expected_last_sessions,
    rules_in_force,
    states_in_range,
)


def progress_drifts(limit: int = 50) -> list[str]:
    """Every member whose stored progress differs from a recomputation, and any per-item or
    last-session counter that differs from what the progress rows and sessions say."""
    rules = rules_in_force()
    lines: list[str] = []
    count = 0
    for lo, hi in all_member_ranges():
        states = states_in_range(rules, (lo, hi))
        names = list(State.field_names())
        stored = {
            row[0]: dict(zip(names, row[1:], strict=True))
            for row in MemberStudyProgress.objects.filter(
                member_id__gt=lo, member_id__lte=hi
            ).values_list("member_id", *names)
        }
        for member_id, state in states.items():
            want = state.fields()
            have = stored.get(member_id)
            if have != want:
                count += 1
                if len(lines) < limit:
                    lines.append(f"member {member_id}: stored {have}, expected {want}")
    item_ids = list(StudyItem.objects.values_list("pk", flat=True))
    expected = expected_item_rows(item_ids)
    stored_items = {
        (row[0], row[1]): list(row[2:])
        for row in UnitItemProgress.objects.values_list(
            "unit_id", "item_id", "required", "done", "subtree_required", "subtree_done"
        ).iterator(chunk_size=10000)
    }
    for key in set(expected) | set(stored_items):
        want_row = expected.get(key, [0, 0, 0, 0])
        have_row = stored_items.get(key, [0, 0, 0, 0])
        if want_row != have_row:
            count += 1
            if len(lines) < limit:
                lines.append(f"unit {key[0]} item {key[1]}: stored {have_row}, expected {want_row}")
    want_last = expected_last_sessions()
    have_last = dict(UnitLastSession.objects.values_list("unit_id", "last_session_on"))
    if want_last != have_last:
        count += 1
        lines.append("last session dates differ from the sessions")
    if count > len(lines):
        lines.append(f"... {count} drifted value(s) in all")
    return lines


def missing_references(limit: int = 50) -> list[str]:
    """Study records whose member, item, session or author no longer exists (only raw SQL
    that bypasses the application can make one)."""
    lines: list[str] = []
    for field, model in (("member", Member), ("item", StudyItem), ("session", StudySession),
                         ("created_by", User)):  # fmt: skip
        column = f"{field}_id"
        missing = StudyRecord.objects.filter(
            ~Q(**{f"{column}__isnull": True}),
            ~Exists(model._default_manager.filter(pk=OuterRef(column))),
        )
        count = missing.count()
        if count:
            sample = list(missing.order_by("pk").values_list("pk", flat=True)[:limit])
            lines.append(
                f"{count} record(s) point to a missing {field} "
                f"(records {', '.join(map(str, sample))})"
            )
    return lines
