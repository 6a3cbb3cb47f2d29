"""The demo campaign's assessment scheme: every registered computed indicator (weights from a
fixed table, 10 for any other) plus one scored by hand by the guidance teams, who have scored
some of their units. Evaluations are left to be run on the page (the counters they read are
rebuilt after the demo's data is written)."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chuxin.organization.models import Campaign

from . import indicators as registry
from .models import ManualScore, Scheme, SchemeIndicator, ScoringMethod

WEIGHTS = {
    "study.coverage": 25,
    "rectification.on_time": 25,
    "rectification.verified": 15,
    "meetings.held_reported_on_time": 10,
    "portal.satisfaction": 10,
    "portal.public_solved": 5,
}


def generate(campaign: Campaign, *, seed: int) -> dict[str, int]:
    from django.contrib.auth import get_user_model

    from chuxin.guidance.models import TeamAssignment

    rng = random.Random(f"assessment-{seed}")
    office: Any = get_user_model().objects.filter(username="office").first()
    scheme = Scheme.objects.create(
        campaign=campaign,
        name="主题教育成效考核评估方案",
        description="按计算指标和督导组评分加权。优秀≥90、良好≥80、一般≥60。",
        created_by=office,
    )
    rows = [
        SchemeIndicator(
            scheme=scheme,
            order=n,
            label=str(indicator.label),
            method=ScoringMethod.COMPUTED,
            key=indicator.key,
            weight=Decimal(WEIGHTS.get(indicator.key, 10)),
        )
        for n, indicator in enumerate(registry.all_indicators(), start=1)
    ]
    manual = SchemeIndicator(
        scheme=scheme,
        order=len(rows) + 1,
        label="督导组综合评价",
        method=ScoringMethod.MANUAL,
        weight=Decimal(10),
    )
    SchemeIndicator.objects.bulk_create([*rows, manual])
    now = timezone.now()
    scores = []
    for a in TeamAssignment.objects.filter(team__campaign=campaign).select_related("team"):
        if rng.random() < 0.7:
            scores.append(
                ManualScore(
                    indicator=manual,
                    unit_id=a.unit_id,
                    score=Decimal(rng.randint(62, 98)),
                    comment=rng.choice(["工作扎实、推进有力", "整改进度需加快", "学习覆盖面广"]),
                    team=a.team,
                    scored_by=a.team.leader,
                    created_at=now,
                )
            )
    ManualScore.objects.bulk_create(scores, ignore_conflicts=True)
    return {"indicators": len(rows) + 1, "scores": len(scores)}
