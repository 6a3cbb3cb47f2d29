"""Demo life meetings for the demo campaign, at any scale: a democratic life meeting for every
leading body (province, cities, counties, departments) and an organizational life meeting for a
proportionate sample of branches (all of them up to about 1,500, a share beyond), with their
participants, opinions, talks, checking materials with versions and reviews, the record and
the report.

Deterministic (seeded by unit), with a realistic spread: most held and reported (some late),
some held and waiting for the report (some already late), some still preparing or planned.
Rows go straight into the tables (``COPY`` on PostgreSQL); the loader rebuilds the counters.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from chuxin.core.bulk import insert_rows
from chuxin.organization.models import Campaign, Member, Unit, UnitKind
from chuxin.problems.models import Problem

from .models import (
    CheckingMaterial,
    Criticism,
    HeartTalk,
    LifeMeeting,
    MaterialReview,
    MaterialVersion,
    MeetingProblem,
    Opinion,
    Participant,
    Solicitation,
)

LEADING_BODIES = (UnitKind.PROVINCE, UnitKind.CITY, UnitKind.COUNTY, UnitKind.DEPARTMENT)
BRANCHES = (UnitKind.BRANCH, UnitKind.GENERAL_BRANCH)
BRANCH_SAMPLE = 1500
MAX_PARTICIPANTS = 7
STATUSES = [
    ("reported", 62),
    ("held", 12),
    ("ready", 5),
    ("preparing", 13),
    ("planned", 8),
]
OPINIONS = [
    "深入基层调研不够\uff0c对群众急难愁盼问题掌握不全",
    "文山会海问题仍然存在\uff0c基层负担较重",
    "学习教育形式较为单一\uff0c效果有待提高",
    "联系服务群众不够紧密\uff0c解决实际问题不够及时",
    "担当作为不够\uff0c遇到矛盾绕着走",
]
SELF_CRITICISMS = [
    "理论学习不够系统深入\uff0c学用结合不够紧密",
    "深入基层调查研究不够\uff0c掌握一线情况不全面",
    "担当精神不足\uff0c攻坚克难的劲头不够",
    "落实中央八项规定精神还有差距",
]
CRITICISMS = [
    "建议进一步加强理论学习\uff0c把学习成果转化为工作实效",
    "深入基层调研次数偏少\uff0c建议多到困难地方去",
    "工作作风还不够扎实\uff0c有时满足于一般化要求",
    "抓落实的韧劲不够\uff0c有的工作部署多、督促少",
]


def _next_id(model: type[Model]) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> int:
    """Insert rows given by attribute name; fields left out get their default."""
    if not rows:
        return 0
    fields = list(model._meta.concrete_fields)
    defaults: dict[str, Any] = {}
    for f in fields:
        if f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""

    def values() -> Iterable[tuple[Any, ...]]:
        for row in rows:
            yield tuple(
                f.get_db_prep_save(row.get(f.attname, defaults[f.attname]), connection)
                for f in fields
            )

    return insert_rows(model._meta.db_table, [str(f.column) for f in fields], values())


def _chosen_units(campaign: Campaign, seed: int) -> list[tuple[int, str, str]]:
    root = campaign.root_unit
    units = list(
        Unit.objects.filter(path__startswith=root.path, archived_at__isnull=True)
        .filter(kind__in=[*LEADING_BODIES, *BRANCHES])
        .order_by("path")
        .values_list("pk", "name", "kind")
    )
    branches = [u for u in units if u[2] in BRANCHES]
    share = min(1.0, BRANCH_SAMPLE / len(branches)) if branches else 1.0
    rng = random.Random(seed)
    return [u for u in units if u[2] not in BRANCHES or rng.random() < share]


def generate(campaign: Campaign, *, seed: int = 2019) -> dict[str, int]:
    """Write the demo meetings of ``campaign``; returns how many rows of each kind."""
    today = timezone.localdate()
    now = timezone.now()
    units = _chosen_units(campaign, seed)
    members: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for unit_id, pk, leading in (
        Member.objects.filter(unit_id__in=[u[0] for u in units], status="active")
        .order_by("unit_id", "-is_leading_cadre", "pk")
        .values_list("unit_id", "pk", "is_leading_cadre")
        .iterator(chunk_size=20000)
    ):
        if len(members[unit_id]) < MAX_PARTICIPANTS:
            members[unit_id].append((pk, leading))
    meeting_problems: dict[int, int] = dict(
        Problem.objects.filter(
            campaign=campaign, source="meeting", unit_id__in=[u[0] for u in units]
        )
        .order_by("unit_id", "pk")
        .values_list("unit_id", "pk")
    )
    models: list[type[Model]] = [
        LifeMeeting,
        Participant,
        Solicitation,
        Opinion,
        HeartTalk,
        CheckingMaterial,
        MaterialVersion,
        MaterialReview,
        Criticism,
        MeetingProblem,
    ]
    ids: dict[type[Model], int] = {m: _next_id(m) for m in models}
    rows: dict[type[Model], list[dict[str, Any]]] = defaultdict(list)

    def add(model: type[Model], **values: Any) -> int:
        pk = ids[model]
        ids[model] += 1
        rows[model].append({"id": pk, **values})
        return pk

    names = [s for s, _w in STATUSES]
    weights = [w for _s, w in STATUSES]
    for unit_id, unit_name, kind in units:
        people = members.get(unit_id, [])
        if len(people) < 2:
            continue
        rng = random.Random((seed << 32) ^ (unit_id * 2654435761))
        democratic = kind not in BRANCHES
        if democratic:
            leaders = [p for p in people if p[1]]
            people = leaders if len(leaders) >= 2 else people
        status = rng.choices(names, weights)[0]
        if status in ("reported", "held"):
            held_on: dt.date | None = today - dt.timedelta(days=rng.randint(3, 50))
        else:
            held_on = None
        planned_on = held_on or today + dt.timedelta(days=rng.randint(-3, 30))
        due_on = submitted_on = None
        if held_on is not None:
            due_on = held_on + dt.timedelta(days=15)
            if status == "reported":
                late = rng.random() < 0.15
                submitted_on = min(
                    today,
                    due_on + dt.timedelta(days=rng.randint(1, 8))
                    if late
                    else held_on + dt.timedelta(days=rng.randint(2, 14)),
                )
                if not late and submitted_on > due_on:
                    submitted_on = due_on
        kind_name = "专题民主生活会" if democratic else "专题组织生活会"
        theme = f"{unit_name}{'领导班子' if democratic else ''}{kind_name}"
        report = (
            f"{unit_name}于{held_on:%Y年%m月%d日}召开{kind_name}\uff0c应到{len(people)}人。"
            if held_on is not None and status == "reported"
            else ""
        )
        meeting_id = add(
            LifeMeeting,
            created_at=now,
            updated_at=now,
            campaign_id=campaign.pk,
            unit_id=unit_id,
            kind="democratic" if democratic else "organizational",
            theme=theme,
            planned_on=planned_on,
            status=status,
            held_on=held_on,
            place="会议室" if held_on else "",
            report_due_on=due_on,
            report_text=report,
            report_submitted_on=submitted_on,
            ready_at=now if status in ("ready", "held", "reported") else None,
        )
        participant_ids = []
        for order, (member_id, _leading) in enumerate(people):
            absent = held_on is not None and rng.random() < 0.05
            participant_ids.append(
                add(
                    Participant,
                    meeting_id=meeting_id,
                    member_id=member_id,
                    order=order,
                    present=None if held_on is None else not absent,
                    absence_reason="因公出差" if absent else "",
                    self_criticism=rng.choice(SELF_CRITICISMS) if held_on else "",
                    response="诚恳接受\uff0c认真整改" if held_on else "",
                )
            )
        if status == "planned":
            continue
        solicitation = add(
            Solicitation,
            meeting_id=meeting_id,
            method=rng.choice(("forum", "questionnaire", "talks", "box", "online")),
            held_on=planned_on - dt.timedelta(days=20),
            respondents=rng.randint(10, 80),
        )
        for text in rng.sample(OPINIONS, 3):
            add(Opinion, solicitation_id=solicitation, text=text)
        talked = planned_on - dt.timedelta(days=10)
        complete = status != "preparing" or rng.random() < 0.4
        for i, a in enumerate(participant_ids):
            for b in participant_ids[i + 1 :]:
                if complete or rng.random() < 0.6:
                    add(HeartTalk, meeting_id=meeting_id, first_id=a, second_id=b, talked_on=talked)
        for pid in participant_ids:
            if status == "preparing":
                material_status = rng.choice(("draft", "submitted", "approved", "returned"))
            else:
                material_status = "approved"
            material = add(
                CheckingMaterial,
                created_at=now,
                updated_at=now,
                participant_id=pid,
                status=material_status,
            )
            versions = (
                2 if material_status in ("approved", "returned") and rng.random() < 0.3 else 1
            )
            last = 0
            for number in range(1, versions + 1):
                last = add(
                    MaterialVersion,
                    material_id=material,
                    number=number,
                    text=f"对照检查材料\uff08第{number}稿\uff09\uff1a{rng.choice(SELF_CRITICISMS)}",
                    created_at=now,
                )
            if material_status in ("approved", "returned"):
                add(
                    MaterialReview,
                    material_id=material,
                    version_id=last,
                    decision="approve" if material_status == "approved" else "return",
                    comments=""
                    if material_status == "approved"
                    else "查摆问题不够具体\uff0c请修改",
                    reviewed_at=now,
                )
        if held_on is not None:
            for i, pid in enumerate(participant_ids):
                critic = participant_ids[(i + 1) % len(participant_ids)]
                add(Criticism, target_id=pid, critic_id=critic, text=rng.choice(CRITICISMS))
            problem = meeting_problems.get(unit_id)
            if problem is not None:
                add(MeetingProblem, meeting_id=meeting_id, problem_id=problem)
    counts = {}
    for model in models:
        counts[model._meta.model_name or ""] = _insert(model, rows[model])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(ids)):
            cursor.execute(sql)
    return counts
