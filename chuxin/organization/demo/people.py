"""The members of one planned unit: its seats (head, deputies ...) and its rank and file.

Each unit draws from its own random source (the scale's seed and the unit's code), so its
members are the same whatever else is generated and they can be written city by city without
holding millions of objects. Cadre levels follow realistic proportions: very few provincial
or bureau cadres (the heads of the province, cities, departments and large institutions),
more at county and section level in the organs, and ordinary members everywhere else.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from typing import Any

from .names import person_name
from .plan import COUNTY, ORDINARY, SECTION, PlannedUnit

# Timestamps are what the database adapter takes: an aware datetime, or text on SQLite.
MemberRow = tuple[Any, Any, str, str, str, str, str, bool, str, int]
MEMBER_COLUMNS = (
    "created_at",
    "updated_at",
    "name",
    "member_number",
    "gender",
    "cadre_level",
    "position",
    "is_leading_cadre",
    "status",
    "unit_id",
)


@dataclass(frozen=True)
class Profile:
    """Who the rank and file of a kind of unit are: women's share, cadre levels, positions."""

    female: float
    # (level, cumulative share), checked in order; the rest are ordinary members.
    levels: tuple[tuple[str, float], ...]
    positions: dict[str, tuple[str, ...]]


_ORGAN_ORDINARY = ("一级科员", "二级科员", "科员", "办事员")

PROFILES: dict[str, Profile] = {
    "province_organ": Profile(
        0.4,
        ((COUNTY, 0.12), (SECTION, 0.62)),
        {
            COUNTY: ("一级调研员", "二级调研员", "处长", "副处长"),
            SECTION: ("一级主任科员", "二级主任科员", "三级主任科员", "四级主任科员"),
            ORDINARY: _ORGAN_ORDINARY,
        },
    ),
    "city_organ": Profile(
        0.4,
        ((COUNTY, 0.03), (SECTION, 0.38)),
        {
            COUNTY: ("调研员", "处长", "副处长"),
            SECTION: ("科长", "副科长", "主任科员", "副主任科员"),
            ORDINARY: _ORGAN_ORDINARY,
        },
    ),
    "county_organ": Profile(
        0.38,
        ((SECTION, 0.2),),
        {SECTION: ("股长", "主任科员", "副主任科员"), ORDINARY: _ORGAN_ORDINARY},
    ),
    "township_organ": Profile(
        0.35,
        ((SECTION, 0.12),),
        {
            SECTION: ("党委委员", "人大主席", "武装部长", "副主任科员"),
            ORDINARY: ("科员", "工作人员", "包村干部", "选调生"),
        },
    ),
    "village": Profile(
        0.2,
        (),
        {
            ORDINARY: (
                "村民",
                "村民",
                "农民",
                "农民",
                "村民小组长",
                "个体工商户",
                "退休人员",
                "外出务工人员",
                "村委会委员",
                "",
            )
        },
    ),
    "community": Profile(
        0.45,
        (),
        {
            ORDINARY: (
                "退休职工",
                "退休职工",
                "退休职工",
                "社区工作者",
                "居民",
                "个体经营者",
                "志愿者",
                "退役军人",
                "网格员",
                "",
            )
        },
    ),
    "school": Profile(
        0.62,
        (),
        {ORDINARY: ("教师", "教师", "教师", "班主任", "教研组长", "后勤人员", "退休教师")},
    ),
    "university": Profile(
        0.45,
        ((COUNTY, 0.02), (SECTION, 0.12)),
        {
            COUNTY: ("教授", "处长"),
            SECTION: ("副教授", "系主任", "科长"),
            ORDINARY: ("讲师", "教师", "辅导员", "研究生", "本科生", "本科生", "行政人员"),
        },
    ),
    "hospital": Profile(
        0.6,
        ((SECTION, 0.05),),
        {
            SECTION: ("科主任", "护士长"),
            ORDINARY: (
                "医师",
                "主治医师",
                "副主任医师",
                "主任医师",
                "护士",
                "护士",
                "护师",
                "主管护师",
                "药师",
                "行政人员",
            ),
        },
    ),
    "enterprise": Profile(
        0.28,
        (),
        {
            ORDINARY: (
                "职工",
                "职工",
                "技术员",
                "工程师",
                "高级工程师",
                "车间主任",
                "班组长",
                "销售经理",
                "会计",
                "退休职工",
            )
        },
    ),
}
_DEFAULT = PROFILES["community"]


def member_number(unit_code: str, seq: int) -> str:
    """A member's stable number: the unit's code and a sequence (``LN0101001001-0007``)."""
    return f"{unit_code}-{seq:04d}"


def member_rows(unit: PlannedUnit, *, seed: int, now: Any) -> list[MemberRow]:
    """The unit's members as rows in :data:`MEMBER_COLUMNS` order, seats first."""
    rng = random.Random((seed << 32) | zlib.crc32(unit.code.encode()))
    r = rng.random
    code, unit_id = unit.code, unit.id
    rows: list[MemberRow] = []
    seq = 0
    for seat in unit.seats:
        seq += 1
        female = seat.female
        name = seat.name or person_name(rng, female=female)
        rows.append((
            now, now, name, member_number(code, seq), "female" if female else "male",
            seat.cadre_level, seat.position, seat.leading, "active", unit_id,
        ))  # fmt: skip
    profile = PROFILES.get(unit.profile, _DEFAULT)
    share, levels, positions = profile.female, profile.levels, profile.positions
    for _ in range(unit.rank_and_file):
        seq += 1
        female = r() < share
        x = r()
        level = ORDINARY
        for candidate, threshold in levels:
            if x < threshold:
                level = candidate
                break
        pool = positions[level]
        rows.append((
            now, now, person_name(rng, female=female), f"{code}-{seq:04d}",
            "female" if female else "male", level, pool[int(r() * len(pool))], False,
            "active", unit_id,
        ))  # fmt: skip
    return rows
