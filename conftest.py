"""Shared fixtures: a small organization and the named users whose permissions tests read as
sentences (an office user of the province, a city administrator, a county administrator of
another city, a guidance team member, a member, an anonymous visitor)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from chuxin.core.models import User
from chuxin.organization import services
from chuxin.organization.models import Member, Role, Unit


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    """Messages made outside a request (services, commands) are in English in every test,
    whatever language an earlier test's request left active in this process: without this a
    test read English or Chinese by the order tests ran in. A test of another language says
    so (``translation.override``); a request still speaks the client's language."""
    with translation.override("en"):
        yield


def pytest_report_header(config: Any) -> list[str]:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return [f"chuxin: database {engine}"]


@dataclass
class World:
    root: User
    province: Unit
    city_a: Unit
    county_a: Unit
    township_a: Unit
    branch_a: Unit
    city_b: Unit
    county_b: Unit
    branch_b: Unit
    office: User
    city_admin: User
    other_county_admin: User
    guidance: User
    member_user: User
    member: Member
    member_b: Member

    def client_for(self, user: User | None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_login(user)
        return client


def make_user(username: str, **extra: Any) -> User:
    return User.objects.create_user(username=username, password="pw-" + username, **extra)


def build_world() -> World:
    root = User.objects.create_superuser("root", "root@example.org", "pw-root")

    def unit(parent: Unit | None, code: str, name: str, kind: str) -> Unit:
        return services.unit_create(actor=root, parent=parent, code=code, name=name, kind=kind)

    province = unit(None, "P", "辽宁省", "province")
    city_a = unit(province, "P-A", "沈阳市", "city")
    county_a = unit(city_a, "P-A-1", "和平区", "county")
    township_a = unit(county_a, "P-A-1-1", "南市场街道", "township")
    branch_a = unit(township_a, "P-A-1-1-1", "南市场社区党支部", "branch")
    city_b = unit(province, "P-B", "大连市", "city")
    county_b = unit(city_b, "P-B-1", "中山区", "county")
    branch_b = unit(county_b, "P-B-1-1", "海军广场社区党支部", "branch")

    office = make_user("office")
    city_admin = make_user("city_admin")
    other_county_admin = make_user("other_county_admin")
    guidance = make_user("guidance")
    member_user = make_user("member_user")
    services.role_assign(actor=root, user=office, role=Role.OFFICE, unit=province)
    services.role_assign(actor=root, user=city_admin, role=Role.UNIT_ADMIN, unit=city_a)
    services.role_assign(actor=root, user=other_county_admin, role=Role.UNIT_ADMIN, unit=county_b)
    services.role_assign(actor=root, user=guidance, role=Role.GUIDANCE, unit=county_a)
    services.role_assign(actor=root, user=member_user, role=Role.MEMBER, unit=branch_a)

    member = services.member_create(
        actor=root, unit=branch_a, member_number="A0001", name="李明", gender="male"
    )
    member.user = member_user
    member.save(update_fields=["user"])
    services.member_create(
        actor=root,
        unit=county_a,
        member_number="A0002",
        name="王芳",
        gender="female",
        cadre_level="county",
        is_leading_cadre=True,
        position="区委书记",
    )
    member_b = services.member_create(
        actor=root, unit=branch_b, member_number="B0001", name="赵强", gender="male"
    )
    return World(
        root=root,
        province=province,
        city_a=city_a,
        county_a=county_a,
        township_a=township_a,
        branch_a=branch_a,
        city_b=city_b,
        county_b=county_b,
        branch_b=branch_b,
        office=office,
        city_admin=city_admin,
        other_county_admin=other_county_admin,
        guidance=guidance,
        member_user=member_user,
        member=member,
        member_b=member_b,
    )


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}
