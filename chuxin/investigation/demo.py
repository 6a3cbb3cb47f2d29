"""Demo research for the demo campaign, at any scale: about four in five leading cadres lead a
topic of their unit (the rest show up in "cadres without a topic"), each topic with one to
three activities (field visits, forums, questionnaires, interviews) and their findings; most
topics have their report in. Where the rectification demo put a problem from research on the
unit, one finding of the unit's first topic points to it.

Deterministic (seeded by member), streamed straight into the tables (``COPY`` on PostgreSQL);
the loader rebuilds the counters afterwards.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from chuxin.core.bulk import insert_rows
from chuxin.organization.models import Campaign, Member, MemberStatus
from chuxin.problems.models import Problem

from .models import ResearchActivity, ResearchFinding, ResearchTopic

SUBJECTS = [
    "老旧小区改造与物业管理",
    "农村人居环境整治",
    "优化营商环境、为企业纾困",
    "基层减负与形式主义整治",
    "群众看病就医难题",
    "义务教育学位供给",
    "养老服务体系建设",
    "社区党建引领基层治理",
    "乡村振兴与集体经济发展",
    "安全生产风险排查",
]
PLACES = ["社区服务中心", "村委会", "企业车间", "学校", "医院", "政务服务大厅", "农贸市场"]
METHODS = ["visit", "forum", "questionnaire", "interview"]
FINDINGS = [
    "群众反映办事环节多、跑腿多",
    "部分小区供暖管网老化",
    "村内道路硬化不到位",
    "企业反映审批时限长",
    "基层报表多、检查多",
    "养老服务设施不足",
    "学校周边交通拥堵",
    "政策宣传不到位、群众知晓率低",
]


@dataclass
class Counts:
    topics: int = 0
    activities: int = 0
    findings: int = 0


def expected_rows(cadres: int) -> int:
    return int(cadres * 0.8 * 7)


def _next_id(model: Any) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def generate(
    campaign: Campaign, *, seed: int = 2019, tick: Callable[[int], None] | None = None
) -> Counts:
    """Write the demo research of ``campaign``; the counters are rebuilt by the caller."""
    counts = Counts()
    root = campaign.root_unit
    today = timezone.localdate()
    now = connection.ops.adapt_datetimefield_value(timezone.now())

    def day(d: dt.date) -> Any:
        return connection.ops.adapt_datefield_value(d)

    cadres = list(
        Member.objects.filter(
            unit__path__startswith=root.path, is_leading_cadre=True, status=MemberStatus.ACTIVE
        )
        .order_by("pk")
        .values_list("pk", "unit_id")
    )
    research_problem = dict(
        Problem.objects.filter(
            campaign=campaign, source="research", unit__path__startswith=root.path
        )
        .values("unit_id")
        .annotate(m=Min("id"))
        .values_list("unit_id", "m")
    )
    start = max(campaign.start_date, today - dt.timedelta(days=150))
    topic_id, activity_id, finding_id = (
        _next_id(ResearchTopic),
        _next_id(ResearchActivity),
        _next_id(ResearchFinding),
    )
    topics: list[tuple[Any, ...]] = []
    activities: list[tuple[Any, ...]] = []
    findings: list[tuple[Any, ...]] = []
    linked: set[int] = set()
    for member_id, unit_id in cadres:
        rng = random.Random(seed * 1_000_003 + member_id)
        if rng.random() >= 0.8:
            continue
        subject = rng.choice(SUBJECTS)
        begin = start + dt.timedelta(days=rng.randrange(0, 60))
        end = begin + dt.timedelta(days=rng.randrange(30, 90))
        n_activities = rng.choice((0, 1, 2, 2, 3)) if begin <= today else 0
        roll = rng.random()
        if n_activities == 0:
            status = "planned"
        elif roll < 0.55:
            status = "reported"
        elif roll < 0.65:
            status = "archived"
        else:
            status = "in_progress"
        reported = status in ("reported", "archived")
        report = f"关于{subject}的调研报告。调研发现的主要问题已列入问题清单、提出了整改建议。"
        topics.append(
            (topic_id, now, now, campaign.pk, unit_id, f"{subject}调研", "", member_id,
             day(begin), day(end), status, report if reported else "", "", "", "", None,
             day(min(end, today)) if reported else None, None)
        )  # fmt: skip
        for _a in range(n_activities):
            when = min(today, begin + dt.timedelta(days=rng.randrange(0, 40)))
            activities.append(
                (activity_id, topic_id, day(when), rng.choice(PLACES), rng.choice(METHODS),
                 rng.randrange(5, 120), "", None, now)
            )  # fmt: skip
            for _f in range(rng.randrange(1, 4)):
                problem = research_problem.get(unit_id)
                link = problem if problem is not None and unit_id not in linked else None
                if link is not None:
                    linked.add(unit_id)
                findings.append((finding_id, activity_id, rng.choice(FINDINGS), link, now))
                finding_id += 1
            activity_id += 1
        topic_id += 1
    counts.topics = insert_rows(ResearchTopic._meta.db_table, TOPIC_COLUMNS, topics)
    counts.activities = insert_rows(ResearchActivity._meta.db_table, ACTIVITY_COLUMNS, activities)
    counts.findings = insert_rows(ResearchFinding._meta.db_table, FINDING_COLUMNS, findings)
    if tick is not None:
        tick(counts.topics + counts.activities + counts.findings)
    with connection.cursor() as cursor:
        models = [ResearchTopic, ResearchActivity, ResearchFinding]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return counts


def _columns(model: Any) -> list[str]:
    return [str(f.column) for f in model._meta.concrete_fields]


TOPIC_COLUMNS = _columns(ResearchTopic)
ACTIVITY_COLUMNS = _columns(ResearchActivity)
FINDING_COLUMNS = _columns(ResearchFinding)
