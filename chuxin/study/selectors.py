"""Reads of study & education, always through the user's scope, always from the maintained
counters (no page adds up study records on request)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone

from chuxin.core.scoping import Action, require, scope_for, scoped
from chuxin.organization.models import Member, Role, RoleAssignment, Unit
from chuxin.organization.selectors import campaigns_visible

from .models import (
    MemberStudyProgress,
    StudyItem,
    StudyRecord,
    StudySession,
    UnitItemProgress,
    UnitStudyRollup,
)
from .progress import text_ids


def percent(part: int, whole: int) -> int | None:
    """Whole-number percentage, rounded down (so 99.6 % never shows as "100 %")."""
    if not whole:
        return None
    return part * 100 // whole


# --- Items -----------------------------------------------------------------------------------


def items_visible(user: Any, *, archived: bool = False) -> QuerySet[StudyItem]:
    qs = StudyItem.objects.filter(campaign__in=campaigns_visible(user)).select_related(
        "campaign", "batch"
    )
    return qs if archived else qs.filter(archived_at__isnull=True)


def item_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> StudyItem:
    item = get_object_or_404(
        items_visible(user, archived=True).select_related("campaign__root_unit"), pk=pk
    )
    if action == Action.MANAGE and not scope_for(user).allows(
        item.campaign.root_unit, Action.MANAGE
    ):
        raise PermissionDenied  # the item is visible; only the office changes it
    return item


def item_titles(ids: set[int]) -> dict[int, StudyItem]:
    return {i.pk: i for i in StudyItem.objects.filter(pk__in=ids)} if ids else {}


def may_define_items(user: Any) -> bool:
    """The leading group office (anyone who manages a campaign's root unit) defines items."""
    scope = scope_for(user)
    if scope.everything:
        return True
    roots = campaigns_visible(user).values_list("root_unit__path", flat=True)
    return any(
        g.manage and g.subtree and any(root.startswith(g.path) for root in roots)
        for g in scope.grants
    )


def items_for_unit(unit: Unit) -> QuerySet[StudyItem]:
    """Items in force whose reach includes the unit (for the session form)."""
    from .progress import rules_in_force

    ids = [r.id for r in rules_in_force() if any(unit.path.startswith(p) for p in r.prefixes)]
    return StudyItem.objects.filter(pk__in=ids).order_by("applies_from", "pk")


# --- Coverage --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemCompletion:
    item: StudyItem
    required: int
    done: int

    @property
    def percent(self) -> int | None:
        return percent(self.done, self.required)


@dataclass(frozen=True)
class Coverage:
    """The study figures of one unit's subtree, from one maintained row."""

    unit: Unit
    members: int
    required: int
    covered: int
    never_recorded: int
    makeup_owing: int
    sessions: int
    items: list[ItemCompletion] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return percent(self.covered, self.required)

    @property
    def uncovered(self) -> int:
        return self.required - self.covered


def _coverage_of(unit: Unit, row: UnitStudyRollup | None) -> Coverage:
    if row is None:
        return Coverage(unit, 0, 0, 0, 0, 0, 0)
    return Coverage(
        unit=unit,
        members=row.subtree_members,
        required=row.subtree_required,
        covered=row.subtree_covered,
        never_recorded=row.subtree_never_recorded,
        makeup_owing=row.subtree_makeup_owing,
        sessions=row.subtree_sessions,
    )


def coverage_for_unit(user: Any, unit: Unit, *, with_items: bool = True) -> Coverage:
    """Coverage of a unit in scope: one row by key, plus one row per item."""
    require(user, unit)
    row = UnitStudyRollup.objects.filter(pk=unit.pk).first()
    coverage = _coverage_of(unit, row)
    if with_items:
        rows = (
            UnitItemProgress.objects.filter(
                unit=unit, item__archived_at__isnull=True, item__in_force=True
            )
            .select_related("item")
            .order_by("item__applies_from", "item_id")
        )
        coverage.items.extend(
            ItemCompletion(r.item, r.subtree_required, r.subtree_done) for r in rows
        )
    return coverage


def _ratio() -> Any:
    return Case(
        When(study_rollup__subtree_required=0, then=Value(2.0)),
        default=ExpressionWrapper(
            F("study_rollup__subtree_covered") * 1.0 / F("study_rollup__subtree_required"),
            output_field=FloatField(),
        ),
        output_field=FloatField(),
    )


def sub_units_worst_first(user: Any, unit: Unit) -> QuerySet[Unit]:
    """The unit's sub-units in scope with their study rows, lowest coverage first."""
    return (
        scoped(Unit.objects.filter(parent=unit, archived_at__isnull=True), user, unit_field="")
        .select_related("study_rollup")
        .annotate(ratio=_ratio())
        .order_by("ratio", "path")
    )


def coverage_of_units(units: Any) -> list[Coverage]:
    return [_coverage_of(u, getattr(u, "study_rollup", None)) for u in units]


@dataclass(frozen=True)
class Owing:
    """A member not covered, and what they still owe."""

    progress: MemberStudyProgress
    owed: list[StudyItem]
    makeup: list[StudyItem]

    @property
    def member(self) -> Member:
        return self.progress.member


def uncovered_members(user: Any, unit: Unit, *, item: int | None = None) -> QuerySet[Any]:
    """Members of the subtree with study required who are not covered (optionally: who still
    owe one item), by unit then name."""
    require(user, unit)
    qs = MemberStudyProgress.objects.filter(
        unit__path__startswith=unit.path, active=True, required_items__gt=0, covered=False
    )
    if item is not None:
        qs = qs.filter(owed_list__contains=f",{item},")
    return qs.select_related("member", "unit").order_by("unit__path", "member__name", "pk")


def owing(rows: Any) -> list[Owing]:
    """What each of these progress rows still owes, by item (one query for the titles)."""
    rows = list(rows)
    ids: set[int] = set()
    for row in rows:
        ids.update(text_ids(row.owed_list))
        ids.update(text_ids(row.makeup_list))
    titles = item_titles(ids)
    return [
        Owing(
            progress=row,
            owed=[titles[i] for i in text_ids(row.owed_list) if i in titles],
            makeup=[titles[i] for i in text_ids(row.makeup_list) if i in titles],
        )
        for row in rows
    ]


# --- Sessions, records, the member's own page ------------------------------------------------


def sessions_of_unit(user: Any, unit: Unit) -> QuerySet[StudySession]:
    require(user, unit)
    return (
        StudySession.objects.filter(unit=unit, archived_at__isnull=True)
        .select_related("item", "unit")
        .order_by("-date", "-pk")
    )


def session_get(user: Any, pk: int, *, action: Action = Action.VIEW) -> StudySession:
    session = get_object_or_404(
        scoped(StudySession.objects.select_related("unit", "item", "recorded_by"), user), pk=pk
    )
    if action == Action.MANAGE:
        require(user, session.unit, Action.MANAGE)
    return session


def member_for_user(user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.select_related("unit").filter(user=user).first()


@dataclass(frozen=True)
class MyItem:
    item: StudyItem
    records: int
    done: bool
    makeup: bool
    due_soon: bool
    overdue: bool


def member_study(member: Member) -> dict[str, Any]:
    """What is required of a member, what is done, what is due, what they owe as make-up."""
    row = MemberStudyProgress.objects.filter(member=member).first()
    required = set(text_ids(row.required_list)) if row else set()
    owed = set(text_ids(row.owed_list)) if row else set()
    makeup = set(text_ids(row.makeup_list)) if row else set()
    items = item_titles(required | makeup)
    counts: dict[int, int] = {}
    for item_id in StudyRecord.objects.filter(
        member=member, archived_at__isnull=True, item_id__in=list(items)
    ).values_list("item_id", flat=True):
        counts[item_id] = counts.get(item_id, 0) + 1
    today = timezone.localdate()
    soon = today + dt.timedelta(days=7)
    mine = []
    for i in sorted(required | makeup, key=lambda i: (items[i].due_date or dt.date.max, i)):
        due = items[i].due_date
        due_soon = overdue = False
        if due is not None and i in owed:
            due_soon, overdue = today <= due <= soon, due < today
        mine.append(
            MyItem(
                item=items[i],
                records=counts.get(i, 0),
                done=i not in owed,
                makeup=i in makeup,
                due_soon=due_soon,
                overdue=overdue,
            )
        )
    recent = (
        StudyRecord.objects.filter(member=member, archived_at__isnull=True)
        .select_related("item")
        .order_by("-date", "-pk")[:20]
    )
    return {"progress": row, "items": mine, "recent": recent}


def member_get(user: Any, pk: int) -> Member:
    """A member whose study the user may see (their own, or in scope)."""
    own = member_for_user(user)
    if own is not None and own.pk == pk:
        return own
    return get_object_or_404(scoped(Member.objects.select_related("unit"), user), pk=pk)


# --- No dead ends ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadEndRules:
    threshold: int = 80  # coverage below this percentage falls short
    days: int = 30  # no collective session in this many days falls short


@dataclass
class DeadEnd:
    unit: Unit
    members: int
    required: int
    covered: int
    never_recorded: int
    last_session_on: dt.date | None
    reasons: list[str]
    administrators: list[str]

    @property
    def percent(self) -> int | None:
        return percent(self.covered, self.required)


def as_of(unit: Unit) -> dt.date:
    """The day the "last N days" count back from: today, or the end of the campaigns reaching
    the unit once they are all over (a finished campaign's report stays meaningful)."""
    from chuxin.organization.models import Campaign

    today = timezone.localdate()
    ends = Campaign.objects.filter(root_unit__path__in=unit.ancestor_paths(include_self=True))
    last = max(ends.values_list("end_date", flat=True), default=None)
    return min(today, last) if last else today


def dead_ends(user: Any, unit: Unit, rules: DeadEndRules) -> QuerySet[UnitStudyRollup]:
    """Units of the subtree that hold members and fall short: coverage below the threshold,
    no live session in the last N days, or members never recorded. Worst coverage first."""
    require(user, unit)
    cutoff = as_of(unit) - dt.timedelta(days=rules.days)
    short = (
        Q(required__gt=0, covered__lt=F("required") * rules.threshold / 100.0)
        | Q(unit__study_last_session__isnull=True)
        | Q(unit__study_last_session__last_session_on__lt=cutoff)
        | Q(never_recorded__gt=0)
    )
    return (
        UnitStudyRollup.objects.filter(
            unit__path__startswith=unit.path, unit__archived_at__isnull=True, members__gt=0
        )
        .filter(short)
        .select_related("unit", "unit__study_last_session")
        .annotate(
            ratio=Case(
                When(required=0, then=Value(2.0)),
                default=ExpressionWrapper(
                    F("covered") * 1.0 / F("required"), output_field=FloatField()
                ),
                output_field=FloatField(),
            )
        )
        .order_by("ratio", "-never_recorded", "unit__path")
    )


def dead_end_rows(rows: Any, rules: DeadEndRules) -> list[DeadEnd]:
    """Each short unit with why it falls short and who answers for it (the administrators of
    the unit, or of the nearest unit above that has any)."""
    from django.utils.translation import gettext as _

    rows = list(rows)
    if not rows:
        return []
    cutoff = as_of(rows[0].unit) - dt.timedelta(days=rules.days)
    paths: set[str] = set()
    for row in rows:
        paths.update(row.unit.ancestor_paths(include_self=True))
    admins: dict[str, list[str]] = {}
    for path, username, first, last in (
        RoleAssignment.objects.filter(unit__path__in=paths, role__in=[Role.UNIT_ADMIN, Role.OFFICE])
        .order_by("unit__path", "user__username")
        .values_list("unit__path", "user__username", "user__first_name", "user__last_name")
    ):
        name = f"{last}{first}".strip() or username
        admins.setdefault(path, []).append(name)
    out: list[DeadEnd] = []
    for row in rows:
        last_session = getattr(
            getattr(row.unit, "study_last_session", None), "last_session_on", None
        )
        reasons = []
        if row.required and row.covered * 100 < row.required * rules.threshold:
            reasons.append(_("coverage below %(n)d%%") % {"n": rules.threshold})
        if last_session is None:
            reasons.append(_("no collective session yet"))
        elif last_session < cutoff:
            reasons.append(_("no collective session in %(n)d days") % {"n": rules.days})
        if row.never_recorded:
            reasons.append(_("%(n)d member(s) never recorded") % {"n": row.never_recorded})
        responsible: list[str] = []
        for path in reversed(row.unit.ancestor_paths(include_self=True)):
            if path in admins:
                responsible = admins[path]
                break
        out.append(
            DeadEnd(
                unit=row.unit,
                members=row.members,
                required=row.required,
                covered=row.covered,
                never_recorded=row.never_recorded,
                last_session_on=last_session,
                reasons=reasons,
                administrators=responsible,
            )
        )
    return out
