"""Demo guidance teams for the demo campaign, at any scale: up to a dozen teams (about one per
city, or a handful at county scale), each assigned a handful of counties (exactly those
units), with a leader and two members (new users without a usable password, plus the demo
login ``guidance`` on the first team, which is assigned 沈阳市和平区 like that login's role),
visits with methods, findings (some already problems of the unit, source: supervision) and
ratings. Deterministic from the seed; a few hundred rows whatever the scale."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from chuxin.organization.models import Campaign, Role, RoleAssignment, Unit, UnitKind
from chuxin.problems.models import Problem

from .models import Finding, GuidanceTeam, TeamAssignment, TeamMembership, Visit, VisitMethod

MAX_TEAMS = 12
UNITS_PER_TEAM = 4
DEMO_GUIDANCE_UNIT = "LN0101"
FINDINGS = [
    ("学习台账记录不完整、个人自学笔记流于形式", "style"),
    ("检视问题不够深入、查摆问题避重就轻", "style"),
    ("整改措施针对性不强、时限要求不明确", "style"),
    ("群众反映的供暖问题整改进度滞后", "needs"),
    ("部分支部专题组织生活会准备不充分", "other"),
    ("基层减负措施落实不到位、报表仍然偏多", "style"),
    ("征求意见范围偏窄、未覆盖服务对象", "needs"),
]
SUMMARIES = [
    "列席专题学习会、随机访谈党员群众、查阅学习和整改台账。",
    "发放调查问卷、抽查整改事项落实情况。",
    "查阅会议记录和检视问题清单、个别谈话了解情况。",
]


def _candidates(campaign: Campaign) -> list[Unit]:
    root = campaign.root_unit
    counties = list(
        Unit.objects.filter(
            path__startswith=root.path, kind=UnitKind.COUNTY, archived_at__isnull=True
        ).order_by("path")[: MAX_TEAMS * UNITS_PER_TEAM]
    )
    if len(counties) < UNITS_PER_TEAM * 2:
        counties += list(
            Unit.objects.filter(
                path__startswith=root.path, kind=UnitKind.TOWNSHIP, archived_at__isnull=True
            ).order_by("path")[: UNITS_PER_TEAM * 2]
        )
    # The demo login `guidance` holds exactly 和平区: nothing below it goes to its team.
    first = [u for u in counties if u.code == DEMO_GUIDANCE_UNIT]
    below = first[0].path if first else None
    return first + [u for u in counties if not (below and u.path.startswith(below))]


def generate(campaign: Campaign, *, seed: int) -> dict[str, int]:
    rng = random.Random(f"guidance-{seed}")
    units = _candidates(campaign)
    if not units:
        return {"teams": 0}
    user_model: Any = get_user_model()
    n_teams = max(1, min(MAX_TEAMS, len(units) // UNITS_PER_TEAM))
    now = timezone.now()
    today = timezone.localdate()
    names = [f"dudao{t + 1:02d}_{i}" for t in range(n_teams) for i in range(3)]
    existing = set(user_model.objects.filter(username__in=names).values_list("username", flat=True))
    user_model.objects.bulk_create(
        [user_model(username=n, password="!", is_active=True) for n in names if n not in existing]
    )
    users = user_model.objects.in_bulk(names, field_name="username")
    demo_guidance = user_model.objects.filter(username="guidance").first()
    office = user_model.objects.filter(username="office").first()
    teams = GuidanceTeam.objects.bulk_create(
        [
            GuidanceTeam(
                campaign=campaign,
                name=f"主题教育第{t + 1}巡回督导组",
                leader=users[f"dudao{t + 1:02d}_0"],
                created_by=office,
                created_at=now,
            )
            for t in range(n_teams)
        ]
    )
    memberships: list[TeamMembership] = []
    assignments: list[TeamAssignment] = []
    roles: list[RoleAssignment] = []
    visits: list[Visit] = []
    team_units: dict[int, list[Unit]] = {}
    for t, team in enumerate(teams):
        members = [users[f"dudao{t + 1:02d}_{i}"] for i in range(3)]
        if t == 0 and demo_guidance is not None:
            members.append(demo_guidance)
        mine = units[t * UNITS_PER_TEAM : (t + 1) * UNITS_PER_TEAM]
        team_units[team.pk] = mine
        memberships += [TeamMembership(team=team, user=m, created_at=now) for m in members]
        assignments += [TeamAssignment(team=team, unit=u, created_at=now) for u in mine]
        roles += [
            RoleAssignment(
                user=m, role=Role.GUIDANCE, unit=u, include_subtree=False, granted_by=office
            )
            for m in members
            for u in mine
        ]
        for unit in mine:
            for _ in range(rng.randint(0, 3)):
                visits.append(
                    Visit(
                        team=team,
                        unit=unit,
                        date=today - dt.timedelta(days=rng.randint(1, 75)),
                        methods=rng.sample(VisitMethod.values, rng.randint(1, 3)),
                        summary=rng.choice(SUMMARIES),
                        rating=rng.choice(["good", "good", "fair", "poor"]),
                        rating_comment=rng.choice(["", "整体推进有力", "需加快整改进度"]),
                        recorded_by=members[0],
                        created_at=now,
                    )
                )
    TeamMembership.objects.bulk_create(memberships)
    TeamAssignment.objects.bulk_create(assignments)
    RoleAssignment.objects.bulk_create(roles, ignore_conflicts=True)
    visits = Visit.objects.bulk_create(visits)
    findings: list[Finding] = []
    problems: list[Problem] = []
    for n, visit in enumerate(visits):
        for text, category in rng.sample(FINDINGS, rng.randint(0, 2)):
            finding = Finding(visit=visit, text=text, recorded_by=visit.recorded_by, created_at=now)
            if rng.random() < 0.5:
                problem = Problem(
                    campaign=campaign,
                    unit_id=visit.unit_id,
                    code=f"DD-{campaign.pk}-{n:05d}-{len(problems):05d}",
                    title=text,
                    description=text,
                    source="supervision",
                    category=category,
                    severity="medium",
                    reported_on=visit.date,
                    recorded_by=visit.recorded_by,
                )
                problems.append(problem)
                finding.problem = problem
            findings.append(finding)
    Problem.objects.bulk_create(problems)
    for f in findings:
        if f.problem is not None:
            f.problem_id = f.problem.pk
    Finding.objects.bulk_create(findings)
    return {"teams": len(teams), "visits": len(visits), "problems": len(problems)}
