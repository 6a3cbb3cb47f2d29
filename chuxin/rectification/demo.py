"""Demo problems, rectification tasks, stage objectives and special rectifications for the demo
campaign, at any scale (province: about 500,000 problems and 450,000 tasks, about 1,000,000
in all, plus two stage objectives per task).

Deterministic (seeded by unit) with a realistic mix: most tasks verified and closed, some in
progress, some awaiting verification, a few returned, long-term ones, and some past their
time limit. Time limits are spread around today, so "overdue" and "due within 7 days" mean
something on the demo pages. Rows are streamed straight into the tables (``COPY`` on
PostgreSQL) a chunk of units at a time, so memory stays flat; the loader rebuilds the
counters afterwards (every registered rollup), so they are exact.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from chuxin.core.bulk import insert_rows
from chuxin.organization.models import Campaign, Member, Unit, UnitKind
from chuxin.problems.models import Problem

from .models import OPEN_STATUSES, RectificationTask, SpecialRectification, StageObjective

CHUNK_UNITS = 5000
SOURCES = ["public", "research", "self", "meeting", "supervision", "higher", "conference"]
SOURCE_WEIGHTS = [30, 20, 18, 12, 10, 6, 4]
CATEGORIES = ["reform", "needs", "risks", "style", "other"]
CATEGORY_WEIGHTS = [15, 40, 10, 25, 10]
POINTS = ["difficulty", "pain", "blockage", ""]
# status, weight
STATUSES = [
    ("verified", 55),
    ("in_progress", 20),
    ("submitted", 8),
    ("not_started", 5),
    ("returned", 3),
    ("long_term", 9),
]
TOPICS = {
    "needs": ["老旧小区供暖不达标", "农村饮水不安全", "看病难看病贵", "入学难", "办证跑多次"],
    "style": ["文山会海", "督查检查考核过多", "材料报表重复报送", "调研走过场", "留痕过度"],
    "reform": ["营商环境不优", "国企改革进展慢", "审批环节多", "要素保障不足"],
    "risks": ["地方债务风险", "安全生产隐患", "河道堤防隐患", "非法集资风险"],
    "other": ["基层党组织软弱涣散", "党员教育管理不到位", "阵地建设滞后"],
}
MEASURES = ["全面排查摸底", "制定整改方案", "落实责任分工", "建立长效机制", "开展回访评估"]
SPECIALS = [
    "整治形式主义为基层减负",
    "整治群众身边腐败和作风问题",
    "整治侵害群众利益问题",
    "整治软弱涣散基层党组织",
    "整治违规吃喝问题",
]


INDEX_PROBLEMS_UP_TO = 5000


@dataclass
class Counts:
    problems: int = 0
    tasks: int = 0
    objectives: int = 0
    specials: int = 0


def expected_rows(units: int) -> int:
    """About how many problem and task rows a tree of ``units`` units gets (for progress)."""
    return int(units * 3.3 * 1.9)


def _next_id(model: Any) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def generate(
    campaign: Campaign, *, seed: int = 2019, tick: Callable[[int], None] | None = None
) -> Counts:
    """Write the demo rows for ``campaign``; the counters are rebuilt by the caller."""
    counts = Counts()
    today = timezone.localdate()
    now = connection.ops.adapt_datetimefield_value(timezone.now())

    def day(d: dt.date) -> Any:
        return connection.ops.adapt_datefield_value(d)

    root = campaign.root_unit
    units = list(
        Unit.objects.filter(path__startswith=root.path, archived_at__isnull=True)
        .order_by("path")
        .values_list("pk", "path", "kind")
    )
    person = dict(
        Member.objects.filter(unit__path__startswith=root.path)
        .values("unit_id")
        .annotate(m=Min("id"))
        .values_list("unit_id", "m")
    )
    leader = dict(
        Member.objects.filter(unit__path__startswith=root.path, is_leading_cadre=True)
        .values("unit_id")
        .annotate(m=Min("id"))
        .values_list("unit_id", "m")
    )
    specials = _specials(campaign, units)
    counts.specials = len(specials)
    counties = {pk for pk, _path, kind in units if kind == UnitKind.COUNTY}
    problem_id = _next_id(Problem)
    task_id = _next_id(RectificationTask)
    objective_id = _next_id(StageObjective)
    link_id = (
        RectificationTask.problems.through.objects.order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    ) + 1
    status_names = [s for s, _w in STATUSES]
    status_weights = [w for _s, w in STATUSES]
    problem_cols = [
        "id",
        "campaign_id",
        "unit_id",
        "code",
        "title",
        "description",
        "source",
        "category",
        "public_point",
        "severity",
        "reported_on",
        "is_public",
        "status",
        "created_at",
        "updated_at",
    ]
    task_cols = [
        "id",
        "campaign_id",
        "code",
        "title",
        "responsible_unit_id",
        "responsible_leader_id",
        "responsible_person_id",
        "direction",
        "measures",
        "task_type",
        "time_limit",
        "status",
        "progress",
        "is_overdue",
        "returned_count",
        "submitted_on",
        "closed_on",
        "special_id",
        "note",
        "created_at",
        "updated_at",
    ]
    objective_cols = ["id", "task_id", "order", "title", "due_on", "done_on", "evidence"]
    for start in range(0, len(units), CHUNK_UNITS):
        problems: list[tuple[Any, ...]] = []
        tasks: list[tuple[Any, ...]] = []
        links: list[tuple[Any, ...]] = []
        objectives: list[tuple[Any, ...]] = []
        for unit_id, _path, _kind in units[start : start + CHUNK_UNITS]:
            rng = random.Random((seed << 32) ^ (unit_id * 2654435761))
            for _n in range(rng.choice((1, 2, 3, 3, 4, 4, 5, 6))):
                category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
                topic = rng.choice(TOPICS[category])
                reported = today - dt.timedelta(days=rng.randint(20, 120))
                has_task = rng.random() < 0.9
                status = rng.choices(status_names, status_weights)[0] if has_task else ""
                problem_status = (
                    "open"
                    if not has_task
                    else "rectified"
                    if status == "verified"
                    else "rectifying"
                )
                problems.append(
                    (
                        problem_id,
                        campaign.pk,
                        unit_id,
                        f"WT-{campaign.pk}-D{problem_id:07d}",
                        topic,
                        f"群众反映{topic}问题\uff0c需要整改",
                        rng.choices(SOURCES, SOURCE_WEIGHTS)[0],
                        category,
                        rng.choice(POINTS),
                        rng.choice(("low", "medium", "medium", "high")),
                        day(reported),
                        rng.random() < 0.3,
                        problem_status,
                        now,
                        now,
                    )
                )
                if has_task:
                    task_type = (
                        "long_term"
                        if status == "long_term"
                        else "immediate"
                        if rng.random() < 0.2
                        else "limited"
                    )
                    limit: dt.date | None = today + dt.timedelta(days=rng.randint(-40, 80))
                    if status == "long_term" and rng.random() < 0.5:
                        limit = None
                    if status in ("verified", "submitted") and limit is not None and limit > today:
                        limit = today - dt.timedelta(days=rng.randint(0, 30))
                    returned = 1 if status == "returned" or rng.random() < 0.05 else 0
                    submitted = closed = None
                    if status in ("verified", "submitted") and limit is not None:
                        late = rng.random() < 0.15
                        submitted = limit + dt.timedelta(
                            days=rng.randint(1, 10) if late else -rng.randint(0, 10)
                        )
                        submitted = min(submitted, today)
                        if status == "verified":
                            closed = min(today, submitted + dt.timedelta(days=rng.randint(0, 7)))
                    if status in ("verified", "submitted"):
                        done_objectives = 2
                    elif status in ("in_progress", "returned", "long_term"):
                        done_objectives = rng.choice((0, 1, 1))
                    else:
                        done_objectives = 0
                    progress = 100 if status == "verified" else done_objectives * 50
                    overdue = status in OPEN_STATUSES and limit is not None and limit < today
                    special = (
                        specials[task_id % len(specials)]
                        if unit_id in counties and specials and task_id % 3 == 0
                        else None
                    )
                    tasks.append(
                        (
                            task_id,
                            campaign.pk,
                            f"ZG-{campaign.pk}-D{task_id:07d}",
                            f"整改{topic}",
                            unit_id,
                            leader.get(unit_id),
                            person.get(unit_id),
                            f"{topic}问题得到根本解决",
                            json.dumps(rng.sample(MEASURES, 3), ensure_ascii=False),
                            task_type,
                            day(limit) if limit else None,
                            status,
                            progress,
                            overdue,
                            returned,
                            day(submitted) if submitted else None,
                            day(closed) if closed else None,
                            special,
                            "",
                            now,
                            now,
                        )
                    )
                    links.append((link_id, task_id, problem_id))
                    link_id += 1
                    first_due = (limit or today + dt.timedelta(days=60)) - dt.timedelta(days=20)
                    last_due = limit or first_due + dt.timedelta(days=20)
                    stages = (("排查摸底", first_due), ("整改落实", last_due))
                    for order, (title, due) in enumerate(stages, start=1):
                        done = (
                            day(min(today, due - dt.timedelta(days=rng.randint(0, 5))))
                            if order <= done_objectives
                            else None
                        )
                        objectives.append((objective_id, task_id, order, title, day(due), done, ""))
                        objective_id += 1
                    task_id += 1
                problem_id += 1
        counts.problems += insert_rows(Problem._meta.db_table, problem_cols, problems)
        counts.tasks += insert_rows(RectificationTask._meta.db_table, task_cols, tasks)
        insert_rows(
            RectificationTask.problems.through._meta.db_table,
            ["id", "rectificationtask_id", "problem_id"],
            links,
        )
        counts.objectives += insert_rows(StageObjective._meta.db_table, objective_cols, objectives)
        if tick is not None:
            tick(len(problems) + len(tasks))
    models: list[Any] = [
        Problem,
        RectificationTask,
        StageObjective,
        RectificationTask.problems.through,
    ]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    if counts.problems <= INDEX_PROBLEMS_UP_TO:
        # Small demos get their duplicate index now (about a second per thousand problems);
        # larger ones index a unit the first time its duplicates are asked for, or all at
        # once with ``chuxin problem_signatures``.
        from chuxin.problems.duplicates import index_all

        index_all()
    return counts


def _specials(campaign: Campaign, units: list[tuple[int, str, str]]) -> list[int]:
    """Five special rectifications, each led by a unit below the root, with the counties as
    participating units; returns their ids."""
    root_path = campaign.root_unit.path
    depth2 = [pk for pk, path, _k in units if len(path) == len(root_path) + Unit.steplen]
    counties = [pk for pk, _p, kind in units if kind == UnitKind.COUNTY]
    if not depth2 or not counties:
        return []
    ids = []
    for i, name in enumerate(SPECIALS):
        special = SpecialRectification.objects.create(
            campaign=campaign,
            name=name,
            leading_unit_id=depth2[i % len(depth2)],
            goals=f"{name}取得明显成效\uff0c让群众感受到新气象",
        )
        special.participating_units.set(counties)
        ids.append(special.pk)
    return ids
