"""The demo register of long-term mechanisms: every verified long-term task of the demo
campaign, and about two in five of those still being kept up, produced a mechanism of its
responsible unit (a regulation, system, plan, standard or next year's plan item), linked to
the task and its problems. So the demo satisfies the close rule of long-term tasks.

Deterministic (seeded by task), streamed straight into the tables; the loader rebuilds the
counters afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from chuxin.core.bulk import insert_rows
from chuxin.organization.models import Campaign
from chuxin.rectification.models import RectificationTask, TaskStatus, TaskType

from .models import Mechanism

KINDS = ["regulation", "system", "plan", "standard", "next_year"]
KIND_WEIGHTS = [15, 40, 20, 10, 15]
NAMES = {
    "regulation": "关于{t}的若干规定",
    "system": "{t}长效工作制度",
    "plan": "{t}三年行动方案",
    "standard": "{t}工作标准",
    "next_year": "明年工作计划之{t}",
}


def generate(campaign: Campaign, *, seed: int = 2019) -> int:
    """Write the demo mechanisms of ``campaign``; returns how many."""
    today = timezone.localdate()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    tasks = list(
        RectificationTask.objects.filter(
            campaign=campaign,
            task_type=TaskType.LONG_TERM,
            status__in=(TaskStatus.VERIFIED, TaskStatus.LONG_TERM),
        )
        .order_by("pk")
        .values_list("pk", "responsible_unit_id", "title", "status", "closed_on")
    )
    next_id = (Mechanism.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    through_tasks = Mechanism.tasks.through
    through_problems = Mechanism.problems.through
    rows: list[tuple[Any, ...]] = []
    task_links: list[tuple[int, int]] = []
    chosen: dict[int, int] = {}
    for task_id, unit_id, title, status, closed_on in tasks:
        rng = random.Random(seed * 7_000_003 + task_id)
        if status == TaskStatus.LONG_TERM and rng.random() >= 0.4:
            continue
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        issued = closed_on or today - dt.timedelta(days=rng.randrange(1, 90))
        name = NAMES[kind].format(t=title.removeprefix("整改").removeprefix("整治"))[:200]
        rows.append(
            (next_id, now, now, campaign.pk, unit_id, f"JZ-{campaign.pk}-D{next_id:07d}", name,
             kind, connection.ops.adapt_datefield_value(issued), "", "", "", "", None, None, None)
        )  # fmt: skip
        task_links.append((next_id, task_id))
        chosen[task_id] = next_id
        next_id += 1
    columns = [str(f.column) for f in Mechanism._meta.concrete_fields]
    count = insert_rows(Mechanism._meta.db_table, columns, rows)
    insert_rows(through_tasks._meta.db_table, ["mechanism_id", "rectificationtask_id"], task_links)
    problem_links = _problem_links_chunked(chosen)
    insert_rows(through_problems._meta.db_table, ["mechanism_id", "problem_id"], problem_links)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Mechanism, through_tasks, through_problems]
        ):
            cursor.execute(sql)
    return count


def _problem_links_chunked(chosen: dict[int, int]) -> list[tuple[int, int]]:
    ids = sorted(chosen)
    out: list[tuple[int, int]] = []
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        out.extend(
            (chosen[t], p)
            for t, p in RectificationTask.problems.through.objects.filter(
                rectificationtask_id__in=chunk
            ).values_list("rectificationtask_id", "problem_id")
        )
    return out
