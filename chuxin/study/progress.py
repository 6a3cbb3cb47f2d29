"""The study counters: each member's progress, and per-unit totals, kept right on every write.

A member's progress is recomputed from the raw rows (their records, their absences, the items
in force) by :func:`recompute_members`, which also applies the difference to the per-unit
counters (:class:`UnitStudyRollup` through ``chuxin.core.rollups`` and :class:`UnitItemProgress`)
for the member's unit and every unit above it, set-based however many members changed.

The arithmetic, in one place:

- an item is *required* of a member when it is in force and not archived, the member is active,
  their cadre level is one of the item's levels and their unit is in the item's reach (the
  campaign's root subtree, or the subtrees of the item's batch's units);
- a member *owes make-up* for a required item as many times as they were absent from a live
  session for it, less the make-up records they have for it (an absence from a session for an
  item not required of them owes nothing);
- a required item is *done* when the member has at least ``required_times`` live records of it
  (make-up included), their hours reach ``required_hours`` (when set), and no make-up is owed;
- a member is *covered* when at least one item is required of them and every one is done;
- coverage of a unit = covered members / members with study required, over its subtree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Q, Sum, Value
from django.db.models.functions import Concat

from chuxin.core import rollups
from chuxin.organization.models import BatchParticipation, Member, MemberStatus, Unit

from .deltas import STUDY_METRICS, _add, apply_item_deltas, apply_unit_deltas
from .models import (
    MemberStudyProgress,
    SessionAttendance,
    StudyItem,
    StudyRecord,
    StudySession,
    UnitItemProgress,
    UnitLastSession,
)

CHUNK = 5000


# --- Lists of item ids as text ---------------------------------------------------------------


def ids_text(ids: Iterable[int]) -> str:
    """``,3,5,`` for [3, 5]; ``,`` for none."""
    return "," + "".join(f"{i}," for i in sorted(ids))


def text_ids(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def contains_item(field: str, item_id: int) -> Q:
    return Q(**{f"{field}__contains": f",{item_id},"})


# --- Items and their reach -------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRule:
    """What makes an item required of a member, and what makes it done."""

    id: int
    levels: frozenset[str]
    prefixes: tuple[str, ...]
    times: int
    hours: Decimal | None

    def required_of(self, level: str, path: str) -> bool:
        return level in self.levels and path.startswith(self.prefixes)

    def members_q(self, prefix: str = "") -> Q:
        """A filter on members (or, with ``prefix="member__"``, on their rows) it applies to."""
        reach = Q()
        for path in self.prefixes:
            reach |= Q(**{f"{prefix}unit__path__startswith": path})
        return (
            Q(**{f"{prefix}status": MemberStatus.ACTIVE, f"{prefix}cadre_level__in": self.levels})
            & reach
        )


def _prefixes(items: Sequence[StudyItem]) -> dict[int, tuple[str, ...]]:
    batch_ids = {i.batch_id for i in items if i.batch_id}
    by_batch: dict[int, list[str]] = defaultdict(list)
    if batch_ids:
        for batch_id, path in BatchParticipation.objects.filter(batch_id__in=batch_ids).values_list(
            "batch_id", "unit__path"
        ):
            by_batch[batch_id].append(path)
    return {
        i.pk: tuple(by_batch[i.batch_id]) if i.batch_id else (i.campaign.root_unit.path,)
        for i in items
    }


def rule_for(item: StudyItem) -> ItemRule:
    return _rules([item])[item.pk]


def _rules(items: Sequence[StudyItem]) -> dict[int, ItemRule]:
    prefixes = _prefixes(items)
    return {
        i.pk: ItemRule(
            id=i.pk,
            levels=frozenset(i.required_levels),
            prefixes=prefixes[i.pk],
            times=i.required_times,
            hours=i.required_hours,
        )
        for i in items
    }


def rules_in_force() -> list[ItemRule]:
    items = list(
        StudyItem.objects.filter(in_force=True, archived_at__isnull=True).select_related(
            "campaign__root_unit"
        )
    )
    return list(_rules(items).values())


# --- A member's state ------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """A member's progress as values: what is stored in their :class:`MemberStudyProgress`."""

    member_id: int
    unit_id: int
    active: bool
    required: tuple[int, ...]
    owed: tuple[int, ...]
    makeup: tuple[int, ...]
    makeup_owed: int
    recorded: bool

    @property
    def done_items(self) -> int:
        return len(self.required) - len(self.owed)

    @property
    def covered(self) -> bool:
        return self.active and bool(self.required) and not self.owed

    def unit_metrics(self) -> dict[str, int]:
        """What this member adds to their unit's :class:`UnitStudyRollup`."""
        if not self.active:
            return {}
        required = bool(self.required)
        return {
            "members": 1,
            "required": int(required),
            "covered": int(self.covered),
            "never_recorded": int(required and not self.recorded),
            "makeup_owing": int(self.makeup_owed > 0),
        }

    def item_metrics(self) -> dict[int, tuple[int, int]]:
        """What this member adds to (required, done) of each item at their unit."""
        if not self.active:
            return {}
        owed = set(self.owed)
        return {i: (1, 0 if i in owed else 1) for i in self.required}

    @staticmethod
    def field_names() -> tuple[str, ...]:
        return (
            "unit_id",
            "active",
            "required_items",
            "done_items",
            "covered",
            "makeup_owed",
            "recorded",
            "required_list",
            "owed_list",
            "makeup_list",
        )

    def fields(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "active": self.active,
            "required_items": len(self.required),
            "done_items": self.done_items,
            "covered": self.covered,
            "makeup_owed": self.makeup_owed,
            "recorded": self.recorded,
            "required_list": ids_text(self.required),
            "owed_list": ids_text(self.owed),
            "makeup_list": ids_text(self.makeup),
        }


def state_of_row(row: MemberStudyProgress) -> State:
    return State(
        member_id=row.member_id,
        unit_id=row.unit_id,
        active=row.active,
        required=text_ids(row.required_list),
        owed=text_ids(row.owed_list),
        makeup=text_ids(row.makeup_list),
        makeup_owed=row.makeup_owed,
        recorded=row.recorded,
    )


def in_size() -> int:
    """How many ids one ``IN (...)`` may carry on this database."""
    limit = connection.features.max_query_params or 5000
    return max(100, min(5000, limit - 50))


def compute_states(
    rules: Sequence[ItemRule],
    *,
    ids: Sequence[int] | None = None,
    pk_range: tuple[int, int] | None = None,
) -> dict[int, State]:
    """The state of the members with these ids (at most :func:`in_size`) or in this primary
    key range ``(lo, hi]``, from the raw rows: three grouped queries."""
    if ids is not None:
        by_member: dict[str, Any] = {"member_id__in": list(ids)}
        member_q = Q(pk__in=list(ids))
    elif pk_range is not None:
        by_member = {"member_id__gt": pk_range[0], "member_id__lte": pk_range[1]}
        member_q = Q(pk__gt=pk_range[0], pk__lte=pk_range[1])
    else:
        raise ValueError("ids or pk_range")
    members = list(
        Member.objects.filter(member_q)
        .order_by()
        .values_list("pk", "unit_id", "unit__path", "cadre_level", "status")
    )
    if not members:
        return {}
    times: dict[tuple[int, int], tuple[int, Decimal, int]] = {}
    recorded: set[int] = set()
    records = (
        StudyRecord.objects.filter(
            archived_at__isnull=True, item__archived_at__isnull=True, **by_member
        )
        .order_by()
        .values_list("member_id", "item_id")
        .annotate(n=Count("pk"), h=Sum("hours"), mk=Count("pk", filter=Q(is_makeup=True)))
    )
    for member_id, item_id, n, h, mk in records:
        times[(member_id, item_id)] = (n, h or Decimal(0), mk)
        recorded.add(member_id)
    absent = (
        SessionAttendance.objects.filter(
            present=False,
            session__archived_at__isnull=True,
            session__item__archived_at__isnull=True,
            **by_member,
        )
        .order_by()
        .values_list("member_id", "session__item_id")
        .annotate(n=Count("pk"))
    )
    absences: dict[tuple[int, int], int] = {}
    for member_id, item_id, n in absent:
        absences[(member_id, item_id)] = n
    by_level: dict[str, list[ItemRule]] = defaultdict(list)
    for rule in rules:
        for lv in rule.levels:
            by_level[lv].append(rule)
    states: dict[int, State] = {}
    for member_id, unit_id, path, level, status in members:
        active = status == MemberStatus.ACTIVE
        required: list[int] = []
        owed: list[int] = []
        makeup: dict[int, int] = {}
        if active:
            for rule in by_level.get(level, ()):
                if not path.startswith(rule.prefixes):
                    continue
                required.append(rule.id)
                n, h, made_up = times.get((member_id, rule.id), (0, Decimal(0), 0))
                missed = absences.get((member_id, rule.id), 0)
                if missed > made_up:
                    makeup[rule.id] = missed - made_up
                done = (
                    n >= rule.times
                    and (rule.hours is None or h >= rule.hours)
                    and rule.id not in makeup
                )
                if not done:
                    owed.append(rule.id)
        states[member_id] = State(
            member_id=member_id,
            unit_id=unit_id,
            active=active,
            required=tuple(sorted(required)),
            owed=tuple(sorted(owed)),
            makeup=tuple(sorted(makeup)),
            makeup_owed=sum(makeup.values()),
            recorded=member_id in recorded,
        )
    return states


def stored_states(member_ids: Iterable[int]) -> dict[int, State]:
    out: dict[int, State] = {}
    ids = list(member_ids)
    size = in_size()
    for start in range(0, len(ids), size):
        for member_id, unit_id, active, req, owed, makeup, makeup_owed, recorded in (
            MemberStudyProgress.objects.filter(member_id__in=ids[start : start + size])
            .order_by()
            .values_list(
                "member_id",
                "unit_id",
                "active",
                "required_list",
                "owed_list",
                "makeup_list",
                "makeup_owed",
                "recorded",
            )
        ):
            out[member_id] = State(
                member_id=member_id,
                unit_id=unit_id,
                active=active,
                required=text_ids(req),
                owed=text_ids(owed),
                makeup=text_ids(makeup),
                makeup_owed=makeup_owed,
                recorded=recorded,
            )
    return out


# --- Applying differences to the per-unit counters -------------------------------------------


class Deltas:
    """Differences of unit and item counters, gathered over many members, applied once."""

    def __init__(self) -> None:
        self.units: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.items: dict[tuple[int, ...], list[int]] = {}

    def add(self, old: State | None, new: State | None) -> None:
        if old == new:
            return
        for state, sign in ((old, -1), (new, 1)):
            if state is None:
                continue
            for metric, value in state.unit_metrics().items():
                self.units[state.unit_id][metric] += sign * value
            for item_id, values in state.item_metrics().items():
                _add(self.items, (state.unit_id, item_id), values, sign)

    def apply(self) -> None:
        apply_unit_deltas(self.units)
        apply_item_deltas({(k[0], k[1]): (v[0], v[1]) for k, v in self.items.items()})


def apply_changes(pairs: Iterable[tuple[State | None, State]]) -> None:
    """Apply the difference between old and new states to the unit and item counters."""
    deltas = Deltas()
    for old, new in pairs:
        deltas.add(old, new)
    deltas.apply()


def _save_states(states: Sequence[State]) -> None:
    if not states:
        return
    if connection.vendor == "postgresql" and len(states) >= SQL_FROM:
        from .progress_sql import save_states_sql

        save_states_sql(states)
        return
    fields = [
        "unit",
        "active",
        "required_items",
        "done_items",
        "covered",
        "makeup_owed",
        "recorded",
        "required_list",
        "owed_list",
        "makeup_list",
    ]
    MemberStudyProgress.objects.bulk_create(
        [MemberStudyProgress(member_id=s.member_id, **s.fields()) for s in states],
        update_conflicts=True,
        unique_fields=["member"],
        update_fields=fields,
        batch_size=2000,
    )


SQL_FROM = 1000  # members: from this many on, PostgreSQL computes progress in one statement
SQL_CHUNK = 50_000


def _chunks(ids: Iterable[int], size: int | None = None) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    size = size or in_size()
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


@transaction.atomic
def recompute_members(member_ids: Iterable[int], rules: Sequence[ItemRule] | None = None) -> int:
    """Recompute these members' progress from the raw rows and apply what changed to the
    counters of their units (old and new) and every unit above. Returns how many changed."""
    rules = rules_in_force() if rules is None else rules
    changed = 0
    deltas = Deltas()
    ids = sorted(set(member_ids))
    in_sql = connection.vendor == "postgresql" and len(ids) >= SQL_FROM
    for chunk in _chunks(ids, SQL_CHUNK if in_sql else None):
        if in_sql:
            from .progress_sql import compute_states_sql, stored_states_sql

            new = compute_states_sql(rules, chunk)
            old = stored_states_sql(chunk)
        else:
            new = compute_states(rules, ids=chunk)
            old = stored_states(chunk)
        pairs = [(old.get(mid), state) for mid, state in new.items() if old.get(mid) != state]
        _save_states([state for _old, state in pairs])
        for old_state, new_state in pairs:
            deltas.add(old_state, new_state)
        changed += len(pairs)
    deltas.apply()
    return changed


def members_of_item(item_id: int) -> list[int]:
    """Members whose progress may depend on this item (records, absences or lists)."""
    ids = set(
        StudyRecord.objects.filter(item_id=item_id).values_list("member_id", flat=True).distinct()
    )
    ids |= set(
        SessionAttendance.objects.filter(session__item_id=item_id)
        .values_list("member_id", flat=True)
        .distinct()
    )
    ids |= set(
        MemberStudyProgress.objects.filter(
            contains_item("required_list", item_id) | contains_item("makeup_list", item_id)
        ).values_list("member_id", flat=True)
    )
    return sorted(ids)


# --- Adding an item mid-campaign: set-based -------------------------------------------------


@transaction.atomic
def put_item_in_force(item: StudyItem) -> int:
    """Count a new item: every member it is required of owes it now (one UPDATE), then the
    unit counters are refreshed from the progress rows. Returns the members it reached."""
    if item.in_force or item.archived_at is not None:
        return 0
    item.in_force = True
    item.save(update_fields=["in_force", "updated_at"])
    rule = rule_for(item)
    suffix = Value(f"{item.pk},")
    reached = (
        MemberStudyProgress.objects.filter(rule.members_q("member__"), active=True)
        .exclude(contains_item("required_list", item.pk))
        .update(
            required_items=F("required_items") + 1,
            required_list=Concat(F("required_list"), suffix),
            owed_list=Concat(F("owed_list"), suffix),
            covered=False,
        )
    )
    # Records or absences of the item made before it was in force (rare): recompute those.
    early = set(
        StudyRecord.objects.filter(item=item).values_list("member_id", flat=True).distinct()
    ) | set(
        SessionAttendance.objects.filter(session__item=item)
        .values_list("member_id", flat=True)
        .distinct()
    )
    if early:
        _rewrite_progress(early)
    rollups.refresh(rollups.get(ROLLUP_NAME))
    refresh_item_units([item.pk])
    return reached


def _rewrite_progress(member_ids: Iterable[int]) -> None:
    """Recompute progress rows without applying deltas (a full refresh follows)."""
    rules = rules_in_force()
    for chunk in _chunks(member_ids):
        _save_states(list(compute_states(rules, ids=chunk).values()))


@transaction.atomic
def item_changed(item_id: int) -> int:
    """An item's levels, times, hours or reach changed, or it was archived: recompute every
    member it touched or now touches."""
    item = StudyItem.objects.select_related("campaign__root_unit").get(pk=item_id)
    ids = set(members_of_item(item_id))
    if item.is_counted:
        ids |= set(Member.objects.filter(rule_for(item).members_q()).values_list("pk", flat=True))
    changed = recompute_members(ids)
    UnitItemProgress.objects.filter(item_id=item_id, required=0, subtree_required=0).delete()
    return changed


# --- Sessions held ---------------------------------------------------------------------------


def session_counted(unit: Unit, session_date: Any, sign: int) -> None:
    """A live session was added (+1) or archived (-1): the sessions metric and last date."""
    apply_unit_deltas({unit.pk: {"sessions": sign}})
    last = StudySession.objects.filter(unit=unit, archived_at__isnull=True).aggregate(
        last=Max("date")
    )["last"]
    if last is None:
        UnitLastSession.objects.filter(unit=unit).delete()
    else:
        UnitLastSession.objects.update_or_create(unit=unit, defaults={"last_session_on": last})


# --- Refresh and check -----------------------------------------------------------------------

ROLLUP_NAME = "study"


def study_own_values() -> rollups.OwnValues:
    """Each unit's own metrics, from the progress rows and the live sessions."""
    own: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        MemberStudyProgress.objects.filter(active=True)
        .order_by()
        .values("unit_id")
        .annotate(
            members=Count("pk"),
            required=Count("pk", filter=Q(required_items__gt=0)),
            covered=Count("pk", filter=Q(covered=True)),
            never_recorded=Count("pk", filter=Q(required_items__gt=0, recorded=False)),
            makeup_owing=Count("pk", filter=Q(makeup_owed__gt=0)),
        )
    )
    for row in rows:
        own[row["unit_id"]].update(
            {m: int(row[m]) for m in STUDY_METRICS if m != "sessions"}  # type: ignore[literal-required]
        )
    for unit_id, n in (
        StudySession.objects.filter(archived_at__isnull=True)
        .order_by()
        .values_list("unit_id")
        .annotate(n=Count("pk"))
    ):
        own[unit_id]["sessions"] = n
    return own


def _all_unit_paths() -> list[tuple[int, str]]:
    return list(Unit.objects.order_by().values_list("pk", "path"))


def expected_item_rows(item_ids: Sequence[int]) -> dict[tuple[int, int], list[int]]:
    """(unit, item) -> [required, done, subtree_required, subtree_done], from progress rows."""
    units = _all_unit_paths()
    by_path = {path: pk for pk, path in units}
    path_of = dict(units)
    out: dict[tuple[int, int], list[int]] = {}
    for item_id in item_ids:
        own: dict[int, list[int]] = {}
        base = MemberStudyProgress.objects.filter(
            contains_item("required_list", item_id), active=True
        ).order_by()
        for unit_id, n, owed in base.values_list("unit_id").annotate(
            n=Count("pk"), owed=Count("pk", filter=contains_item("owed_list", item_id))
        ):
            own[unit_id] = [n, n - owed]
        for unit_id, (req, done) in own.items():
            _add(out, (unit_id, item_id), [req, done, 0, 0], 1)
            path = path_of[unit_id]
            for end in range(Unit.steplen, len(path) + 1, Unit.steplen):
                ancestor = by_path.get(path[:end])
                if ancestor is not None:
                    _add(out, (ancestor, item_id), [0, 0, req, done], 1)
    return out


def refresh_item_units(item_ids: Sequence[int] | None = None) -> None:
    """Rewrite the per-(unit, item) counters of these items (all, by default) set-based."""
    if item_ids is None:
        item_ids = list(StudyItem.objects.values_list("pk", flat=True))
        UnitItemProgress.objects.exclude(item_id__in=item_ids).delete()
    for item_id in item_ids:
        rows = expected_item_rows([item_id])
        UnitItemProgress.objects.filter(item_id=item_id).delete()
        UnitItemProgress.objects.bulk_create(
            [
                UnitItemProgress(
                    unit_id=u,
                    item_id=i,
                    required=v[0],
                    done=v[1],
                    subtree_required=v[2],
                    subtree_done=v[3],
                )
                for (u, i), v in rows.items()
            ],
            batch_size=5000,
        )


def expected_last_sessions() -> dict[int, Any]:
    return dict(
        StudySession.objects.filter(archived_at__isnull=True)
        .order_by()
        .values_list("unit_id")
        .annotate(last=Max("date"))
    )


def refresh_last_sessions() -> None:
    expected = expected_last_sessions()
    UnitLastSession.objects.all().delete()
    UnitLastSession.objects.bulk_create(
        [UnitLastSession(unit_id=u, last_session_on=d) for u, d in expected.items()],
        batch_size=5000,
    )


def all_member_ranges(size: int | None = None) -> Iterator[tuple[int, int]]:
    """Primary-key ranges ``(lo, hi]`` that walk every member."""
    size = size or (SQL_CHUNK if connection.vendor == "postgresql" else CHUNK)
    hi = Member.objects.aggregate(hi=Max("pk"))["hi"] or 0
    for start in range(0, hi, size):
        yield (start, start + size)


def states_in_range(rules: Sequence[ItemRule], pk_range: tuple[int, int]) -> dict[int, State]:
    """Every member's state in a primary-key range (one statement on PostgreSQL)."""
    if connection.vendor == "postgresql":
        from .progress_sql import compute_states_sql

        return compute_states_sql(rules, range(pk_range[0] + 1, pk_range[1] + 1))
    return compute_states(rules, pk_range=pk_range)


def _copy_states(rules: Sequence[ItemRule]) -> None:
    from chuxin.core.bulk import insert_rows

    if connection.vendor == "postgresql":
        from .progress_sql import insert_states_sql

        for pk_range in all_member_ranges():
            insert_states_sql(rules, range(pk_range[0] + 1, pk_range[1] + 1))
        return

    names = ["member_id", *("unit_id" if n == "unit_id" else n for n in State.field_names())]

    def rows(states: dict[int, State]) -> Iterator[tuple[Any, ...]]:
        for state in states.values():
            fields = state.fields()
            yield (state.member_id, *(fields[n] for n in State.field_names()))

    # One COPY per chunk, its states computed before it starts: while a COPY runs it holds
    # the connection, so a query made from inside the row stream would wait for ever.
    for pk_range in all_member_ranges():
        states = states_in_range(rules, pk_range)
        insert_rows(MemberStudyProgress._meta.db_table, names, rows(states))


def refresh_all() -> None:
    """Rewrite every study counter from the raw rows (after a bulk load, or to repair)."""
    rules = rules_in_force()
    with transaction.atomic():
        if not MemberStudyProgress.objects.exists():
            _copy_states(rules)  # a fresh load: stream every row in
        else:
            for pk_range in all_member_ranges():
                _save_states(list(states_in_range(rules, pk_range).values()))
        rollups.refresh(rollups.get(ROLLUP_NAME))
        refresh_item_units()
        refresh_last_sessions()
