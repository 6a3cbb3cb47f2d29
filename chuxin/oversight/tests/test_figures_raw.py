"""Every figure on the dashboard against an independent recomputation from the raw rows, on
the generated (tiny) demo: a counter that drifted from its rows fails here."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from chuxin.core.models import User
from chuxin.organization.models import Member, MemberStatus, Unit
from chuxin.oversight import figures, selectors, snapshots
from chuxin.problems.models import Problem, ProblemStatus
from chuxin.rectification.models import (
    OPEN_STATUSES,
    RectificationTask,
    TaskStatus,
    UnitRectificationRollup,
)
from chuxin.study.models import StudySession
from chuxin.study.progress import all_member_ranges, rules_in_force, states_in_range


def raw_metrics(unit: Unit) -> dict[str, dict[str, int]]:
    """The providers' metrics of the unit's subtree, counted from the raw rows."""
    path = unit.path
    today = timezone.localdate()
    members = Member.objects.filter(status=MemberStatus.ACTIVE, unit__path__startswith=path)
    org = {
        "members": members.count(),
        "leading_cadres": members.filter(is_leading_cadre=True).count(),
        "units": Unit.objects.filter(path__startswith=path, archived_at__isnull=True).count(),
    }
    in_subtree = set(Unit.objects.filter(path__startswith=path).values_list("pk", flat=True))
    study: Counter[str] = Counter()
    rules = rules_in_force()
    for lo, hi in all_member_ranges():
        for state in states_in_range(rules, (lo, hi)).values():
            if state.unit_id in in_subtree:
                study.update(state.unit_metrics())
    study["sessions"] = StudySession.objects.filter(
        archived_at__isnull=True, unit__path__startswith=path
    ).count()
    problems = Problem.objects.filter(unit__path__startswith=path).exclude(
        status=ProblemStatus.MERGED
    )
    rect: Counter[str] = Counter(problems=problems.count())
    for source, category in problems.values_list("source", "category"):
        rect[f"p_{source}"] += 1
        rect[f"c_{category}"] += 1
    tasks = RectificationTask.objects.filter(responsible_unit__path__startswith=path)
    rect["tasks"] = tasks.count()
    for status in tasks.values_list("status", flat=True):
        rect[f"t_{status}"] += 1
    # Overdue by its definition (open and past the time limit), not by the stored flag.
    rect["overdue"] = tasks.filter(status__in=OPEN_STATUSES, time_limit__lt=today).count()
    rect["on_time"] = tasks.filter(
        Q(status=TaskStatus.VERIFIED, returned_count=0)
        & (
            Q(time_limit__isnull=True)
            | Q(submitted_on__isnull=True)
            | Q(submitted_on__lte=F("time_limit"))
        )
    ).count()
    raw = {"org": org, "study": dict(study), "rect": dict(rect)}
    providers = {p.key for p in figures.providers()}
    if "meetings" in providers:
        from chuxin.meetings.models import LifeMeeting, MeetingStatus

        meetings = LifeMeeting.objects.filter(unit__path__startswith=path).exclude(
            status=MeetingStatus.ARCHIVED
        )
        counted: Counter[str] = Counter(meetings.values_list("status", flat=True))
        counted["reported_late"] = meetings.filter(
            status=MeetingStatus.REPORTED, report_submitted_on__gt=F("report_due_on")
        ).count()
        raw["meetings"] = dict(counted)
    if "guidance" in providers:
        from chuxin.guidance.models import Finding, Visit

        raw["guidance"] = {
            "visits": Visit.objects.filter(
                archived_at__isnull=True, unit__path__startswith=path
            ).count(),
            "findings": Finding.objects.filter(
                visit__archived_at__isnull=True, visit__unit__path__startswith=path
            ).count(),
        }
    if "research" in providers:
        from chuxin.investigation.counters import REPORTED
        from chuxin.investigation.models import ResearchActivity, ResearchFinding, ResearchTopic

        topics = ResearchTopic.objects.filter(unit__path__startswith=path)
        activities = ResearchActivity.objects.filter(topic__unit__path__startswith=path)
        raw["research"] = {
            "topics": topics.count(),
            "reported": topics.filter(status__in=REPORTED).count(),
            "activities": activities.count(),
            "people": sum(activities.values_list("people_reached", flat=True)),
            "findings": ResearchFinding.objects.filter(
                activity__topic__unit__path__startswith=path
            ).count(),
        }
    if "mechanisms" in providers:
        from chuxin.mechanisms.models import Mechanism

        raw["mechanisms"] = {
            "mechanisms": Mechanism.objects.filter(
                archived_at__isnull=True, unit__path__startswith=path
            ).count()
        }
    if "portal" in providers:
        from chuxin.portal.models import Opinion, SatisfactionRating

        opinions = Opinion.objects.filter(unit__path__startswith=path)
        scores = list(
            SatisfactionRating.objects.filter(problem__unit__path__startswith=path).values_list(
                "score", flat=True
            )
        )
        raw["portal"] = {
            "opinions": opinions.count(),
            "answered": opinions.filter(answered_at__isnull=False).count(),
            "ratings": len(scores),
            "score_sum": sum(scores),
        }
    if "conferences" in providers:
        from chuxin.conferences.models import Conference, DeployedAssignment, SubVenue

        now = timezone.now()
        held = Conference.objects.filter(
            archived_at__isnull=True, starts_at__lte=now, organizer__path__startswith=path
        )
        venues = SubVenue.objects.filter(
            conference__archived_at__isnull=True,
            conference__starts_at__lte=now,
            unit__path__startswith=path,
        )
        deployed = DeployedAssignment.objects.filter(
            item__conference__archived_at__isnull=True, unit__path__startswith=path
        ).select_related("task")
        raw["conferences"] = {
            "held": held.count(),
            "recent": held.filter(starts_at__gt=now - dt.timedelta(days=30)).count(),
            "venues": venues.count(),
            "attendance": sum(venues.values_list("attendance", flat=True)),
            "deployed": deployed.count(),
            "closed": sum(1 for a in deployed if a.task.status == TaskStatus.VERIFIED),
            # Overdue by its definition, not by the stored flag.
            "overdue": sum(
                1
                for a in deployed
                if a.task.status in OPEN_STATUSES
                and a.task.time_limit is not None
                and a.task.time_limit < today
            ),
        }
    if "assessment" in providers:
        from chuxin.assessment.models import EvaluationRow, EvaluationStatus

        row = (
            EvaluationRow.objects.filter(unit=unit, evaluation__status=EvaluationStatus.PUBLISHED)
            .order_by("-evaluation__published_at", "-evaluation_id")
            .first()
        )
        grades = ["poor", "fair", "good", "excellent"]
        raw["assessment"] = (
            {
                "rated": 1,
                "score_x100": int((row.total * 100).to_integral_value()) if row.total else 0,
                "grade": grades.index(row.grade) + 1 if row.grade in grades else 0,
            }
            if row
            else {}
        )
    return raw


def expected_figures(unit: Unit) -> dict[str, Any]:
    raw = raw_metrics(unit)
    return {
        spec.key: spec.compute(raw.get(provider.key, {})) for provider, spec in figures.all_specs()
    }


def board_figures(client: Any, unit: Unit) -> dict[str, Any]:
    board = client.get(f"/api/v1/oversight/units/{unit.pk}/dashboard").json()
    values = {f["key"]: f["value"] for s in board["sections"] for f in s["figures"]}
    values |= {i["key"]: i["value"] for g in board["groups"] for i in g["items"]}
    return values


@pytest.fixture
def demo(transactional_db: Any) -> Any:
    call_command("demo", scale="tiny", no_progress=True, stdout=io.StringIO())
    # Figures without counters (the public's opinions) are read from the day's snapshot.
    snapshots.take_snapshot()
    root = User.objects.create_superuser("boss", "boss@example.org", "pw")
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(root)
    return client


def test_every_figure_agrees_with_the_raw_rows(demo: Any) -> None:
    client = demo
    root = Unit.objects.get(depth=1)
    assert RectificationTask.objects.exists() and Problem.objects.exists()
    units = [root, *Unit.objects.filter(depth=2).order_by("path")[:2]]
    units += list(Unit.objects.filter(depth=3).order_by("path")[:2])
    shown_keys = set()
    for unit in units:
        shown = board_figures(client, unit)
        want = expected_figures(unit)
        shown_keys |= set(shown)
        for key, value in shown.items():
            assert value == want[key], f"{unit.name}: {key} shows {value}, rows say {want[key]}"
    assert {"org.members", "study.coverage", "rect.problems", "rect.overdue"} <= shown_keys
    assert {f"{p.key}." for p in figures.providers()} <= {k.split(".")[0] + "." for k in shown_keys}


def test_children_in_the_heat_table_agree_with_the_raw_rows(demo: Any) -> None:
    root = Unit.objects.get(depth=1)
    board = demo.get(f"/api/v1/oversight/units/{root.pk}/dashboard").json()
    assert board["children"]
    for row in board["children"]:
        want = expected_figures(Unit.objects.get(pk=row["id"]))
        for cell in row["cells"]:
            assert cell["value"] == want[cell["key"]]


def test_a_drifted_counter_is_caught(demo: Any) -> None:
    root = Unit.objects.get(depth=1)
    UnitRectificationRollup.objects.filter(unit=root).update(
        subtree_overdue=F("subtree_overdue") + 1
    )
    shown = board_figures(demo, root)
    assert shown["rect.overdue"] != expected_figures(root)["rect.overdue"]


def test_snapshot_holds_the_counters_of_every_unit(demo: Any) -> None:
    day = timezone.localdate() - dt.timedelta(days=1)
    snap = snapshots.take_snapshot(day)
    units = list(Unit.objects.values_list("pk", flat=True))
    assert 0 < snap.units <= len(units) and snap.size_bytes > 0
    stored = selectors.snapshot_values([snap], units)
    live = selectors.live_values(units)
    for pk in units:
        assert stored[(day, pk)] == live[pk]
    # Taking it again replaces the day (no duplicates), and the command says what it did.
    out = io.StringIO()
    call_command("oversight_snapshot", day=day.isoformat(), stdout=out)
    assert f"snapshot {day}" in out.getvalue()
    assert snapshots.SnapshotDay.objects.filter(day=day).count() == 1
