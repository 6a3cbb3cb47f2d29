"""Demo opinions of the public and satisfaction ratings for the demo campaign, at any scale.

Written after the rectification demo (its receiver runs first): about half of the campaign's
problems from the public get the opinion they came from (by web, hotline, letter or forum,
some with encrypted contact details); a third as many again are opinions still awaiting
triage, answered, or closed with a public reason. The rectified public problems get ratings:
most of their raisers rate with their tracking code, and some visitors of the public page.
Deterministic from the seed (one random stream per problem), written as raw rows a chunk at a
time, so a province (about 150,000 problems from the public) adds well under a minute.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from chuxin.core.bulk import insert_rows
from chuxin.organization.models import Campaign
from chuxin.problems.models import Problem, ProblemSource

from . import protect
from .models import SCORES, Opinion, Satisfaction, SatisfactionRating
from .services import CODE_ALPHABET, CODE_LENGTH

CHUNK = 20_000
CHANNELS = ["web", "hotline", "letter", "forum"]
CHANNEL_WEIGHTS = [60, 20, 10, 10]
LEVELS = [
    Satisfaction.VERY_SATISFIED,
    Satisfaction.SATISFIED,
    Satisfaction.BASICALLY_SATISFIED,
    Satisfaction.DISSATISFIED,
]
LEVEL_WEIGHTS = [45, 33, 14, 8]
OPEN_TOPICS = [
    ("needs", "小区门口道路坑洼\uff0c雨天积水严重\uff0c老人孩子出行不便"),
    ("needs", "村里自来水经常停水\uff0c希望尽快解决供水问题"),
    ("style", "办理一个证明要跑好几个部门\uff0c材料重复提交"),
    ("style", "社区通知要求重复填报各类表格"),
    ("reform", "个体工商户办照审批时间太长"),
    ("risks", "河边护栏损坏\uff0c存在安全隐患"),
    ("other", "希望社区多组织一些面向老年人的活动"),
]
CLOSE_REASONS = [
    "经核实\uff0c该事项已由属地街道于本月解决。",
    "该事项不属于本单位职责范围\uff0c已转交相关部门办理。",
]
ANSWERS = [
    "已收到您的意见\uff0c正在组织核实\uff0c将尽快答复。",
    "感谢您的意见\uff0c相关部门已着手研究解决方案。",
]
COMMENTS = ["整改很及时\uff0c满意", "问题基本解决了", "希望继续保持", "还有改进空间", ""]
PLEAS = ("希望尽快解决", "群众意见很大", "请有关部门重视")
SURNAMES = "王李张刘陈杨赵黄周吴"


@dataclass
class Counts:
    opinions: int = 0
    ratings: int = 0


def _next_id(model: Any) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _contact(rng: random.Random) -> str:
    if rng.random() >= 0.4:
        return ""
    name = rng.choice(SURNAMES) + rng.choice(("先生", "女士"))
    phone = f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
    return protect.seal_contact({"name": name, "phone": phone, "email": ""})


def expected_rows(public_problems: int) -> int:
    return int(public_problems * 0.9)


def generate(
    campaign: Campaign, *, seed: int = 2019, tick: Callable[[int], None] | None = None
) -> Counts:
    counts = Counts()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()

    def stamp(day: dt.date, hour: int) -> Any:
        return connection.ops.adapt_datetimefield_value(
            dt.datetime.combine(day, dt.time(hour, 0), tzinfo=tz)
        )

    problems = list(
        Problem.objects.filter(campaign=campaign, source=ProblemSource.PUBLIC_OPINION)
        .annotate(closed=Max("tasks__closed_on"))
        .order_by("pk")
        .values_list("pk", "unit_id", "category", "status", "is_public", "reported_on", "title",
                     "closed")
    )  # fmt: skip
    opinion_id = _next_id(Opinion)
    rating_id = _next_id(SatisfactionRating)
    taken: set[str] = set(Opinion.objects.values_list("code", flat=True))
    opinion_cols = [
        "id", "campaign_id", "unit_id", "code", "text", "category", "channel", "contact",
        "has_contact", "status", "problem_id", "public_answer", "answered_at", "triaged_at",
        "created_at", "updated_at",
    ]  # fmt: skip
    rating_cols = [
        "id", "problem_id", "opinion_id", "source", "level", "score", "comment",
        "client_digest", "created_at",
    ]  # fmt: skip
    units = sorted({row[1] for row in problems})
    for start in range(0, len(problems), CHUNK):
        opinions: list[tuple[Any, ...]] = []
        ratings: list[tuple[Any, ...]] = []
        for pk, unit_id, category, status, is_public, reported, title, closed in problems[
            start : start + CHUNK
        ]:
            rng = random.Random((seed << 32) ^ (pk * 0x9E3779B1))
            linked_opinion = None
            if rng.random() < 0.5:
                received = reported - dt.timedelta(days=rng.randint(0, 3))
                contact = _contact(rng)
                linked_opinion = opinion_id
                opinions.append(
                    (
                        opinion_id, campaign.pk, unit_id, _code(rng, taken),
                        title + "\uff0c" + rng.choice(PLEAS),
                        category, rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0], contact,
                        bool(contact), "problem", pk, "", None, stamp(reported, 16),
                        stamp(received, 10), stamp(reported, 16),
                    )
                )  # fmt: skip
                opinion_id += 1
            if status != "rectified" or not is_public:
                continue
            rated_on = min(today, (closed or reported) + dt.timedelta(days=rng.randint(1, 12)))
            raters: list[int | None] = []
            if linked_opinion is not None and rng.random() < 0.7:
                raters.append(linked_opinion)
            raters += [None] * rng.choice((0, 0, 1, 2))
            for n, opinion in enumerate(raters):
                level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
                ratings.append(
                    (
                        rating_id, pk, opinion, "code" if opinion else "page", level.value,
                        SCORES[level], rng.choice(COMMENTS),
                        "" if opinion else f"demo-{pk}-{n}", stamp(rated_on, 9 + n),
                    )
                )  # fmt: skip
                rating_id += 1
        # Opinions not (yet) problems: awaiting triage, answered, closed with a reason.
        for k in range(len(opinions) // 3 + (1 if start == 0 else 0)):
            rng = random.Random((seed << 40) ^ (opinion_id * 0x85EBCA6B))
            if not units:
                break
            category, text = rng.choice(OPEN_TOPICS)
            received = today - dt.timedelta(days=rng.randint(0, 40))
            status = rng.choices(("new", "answered", "closed"), (50, 30, 20))[0]
            answer = (
                rng.choice(ANSWERS)
                if status == "answered"
                else rng.choice(CLOSE_REASONS)
                if status == "closed"
                else ""
            )
            handled = stamp(min(today, received + dt.timedelta(days=2)), 15) if answer else None
            contact = _contact(rng)
            opinions.append(
                (
                    opinion_id, campaign.pk, units[(k * 7919 + start) % len(units)],
                    _code(rng, taken), text, category if rng.random() < 0.7 else "",
                    rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0], contact, bool(contact), status,
                    None, answer, handled, handled, stamp(received, 11), stamp(received, 11),
                )
            )  # fmt: skip
            opinion_id += 1
        counts.opinions += insert_rows(Opinion._meta.db_table, opinion_cols, opinions)
        counts.ratings += insert_rows(SatisfactionRating._meta.db_table, rating_cols, ratings)
        if tick is not None:
            tick(len(opinions) + len(ratings))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Opinion, SatisfactionRating]):
            cursor.execute(sql)
    return counts
