# ruff: noqa: RUF001 - Chinese text uses full-width punctuation
"""The demo campaign: the thematic education of 2019, its two batches, leading group and links.

Written with ``bulk_create`` so that generated data leaves no audit-history rows.
"""

from __future__ import annotations

from datetime import date

from ..models import (
    Batch,
    BatchLink,
    BatchParticipation,
    Campaign,
    LeadingGroupMembership,
    Member,
    UnitKind,
)
from . import geography as geo
from .geography import LEADING_GROUP
from .people import member_number
from .plan import PlannedUnit

CAMPAIGN_TITLE = "“不忘初心、牢记使命”主题教育"
CAMPAIGN_THEME = "不忘初心、牢记使命"
CAMPAIGN_DESCRIPTION = (
    "总要求：守初心、担使命，找差距、抓落实。"
    "目标：理论学习有收获、思想政治受洗礼、干事创业敢担当、为民服务解难题、清正廉洁作表率。"
    "四项重点措施：学习教育、调查研究、检视问题、整改落实。"
    "第一批为省直机关及其直属单位，第二批为各市、县（市、区）及基层，上下联动、两批衔接。"
)


def create_campaign(units: list[PlannedUnit]) -> Campaign:
    """The campaign rooted at the province, its batches, leading group and batch links."""
    by_code = {unit.code: unit for unit in units}
    province = by_code[geo.PROVINCE_CODE]
    committee = by_code[geo.PROVINCE_CODE + "00"]
    campaign = Campaign.objects.bulk_create(
        [
            Campaign(
                title=CAMPAIGN_TITLE,
                theme=CAMPAIGN_THEME,
                start_date=date(2019, 6, 1),
                end_date=date(2019, 11, 30),
                root_unit_id=province.id,
                description=CAMPAIGN_DESCRIPTION,
            )
        ]
    )[0]
    first, second = Batch.objects.bulk_create(
        [
            Batch(
                campaign=campaign,
                number=1,
                name="第一批：省直机关及直属单位",
                start_date=date(2019, 6, 1),
                end_date=date(2019, 8, 31),
            ),
            Batch(
                campaign=campaign,
                number=2,
                name="第二批：市县机关及基层",
                start_date=date(2019, 9, 1),
                end_date=date(2019, 11, 30),
            ),
        ]
    )
    departments = [u for u in units if u.parent_id == province.id and u.kind == UnitKind.DEPARTMENT]
    cities = [u for u in units if u.kind == UnitKind.CITY]
    BatchParticipation.objects.bulk_create(
        [BatchParticipation(batch=first, unit_id=committee.id)]
        + [BatchParticipation(batch=first, unit_id=d.id) for d in departments]
        + [BatchParticipation(batch=second, unit_id=c.id) for c in cities]
    )

    member_ids = dict(
        Member.objects.filter(unit_id=committee.id).values_list("member_number", "pk")
    )
    LeadingGroupMembership.objects.bulk_create(
        [
            LeadingGroupMembership(
                campaign=campaign,
                member_id=member_ids[member_number(committee.code, seq)],
                position=role,
                title=title,
                order=seq,
            )
            for seq, (_name, role, _position, title) in enumerate(LEADING_GROUP, start=1)
        ]
    )

    # 上下联动: each linked provincial department with its counterpart in every city.
    city_ids = {c.id for c in cities}
    lower = [u for u in units if u.key and u.parent_id in city_ids]
    links = []
    for upper in departments:
        if upper.key not in geo.LINKED_DEPARTMENTS:
            continue
        for unit in lower:
            if unit.key == upper.key:
                links.append(
                    BatchLink(
                        campaign=campaign,
                        upper_unit_id=upper.id,
                        lower_unit_id=unit.id,
                        note=f"{upper.name}与{unit.name}上下联动、同题共答",
                    )
                )
    BatchLink.objects.bulk_create(links)
    return campaign
