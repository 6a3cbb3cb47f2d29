"""`chuxin demo` loads a realistic, deterministic organization whose counters and tree are right."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.test import Client

from chuxin.core.models import User
from chuxin.core.scoping import scope_for
from chuxin.organization import selectors
from chuxin.organization.demo import demo_password
from chuxin.organization.demo.people import member_rows
from chuxin.organization.demo.plan import path_step, plan
from chuxin.organization.demo.scales import SCALES
from chuxin.organization.models import (
    Batch,
    BatchLink,
    BatchParticipation,
    CadreLevel,
    Campaign,
    LeadingGroupMembership,
    Member,
    Unit,
    UnitKind,
)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


Snapshot = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]


def snapshot() -> Snapshot:
    units = list(Unit.objects.order_by("path").values_list("code", "name", "kind", "path"))
    members = list(
        Member.objects.order_by("member_number").values_list(
            "member_number", "name", "gender", "cadre_level", "position", "unit__code"
        )[:500]
    )
    return units, members, Member.objects.count()


@pytest.fixture(scope="class")
def county_demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The county demo, loaded once for a class of tests and rolled back after them.

    Each test runs in its own savepoint inside this transaction, as in Django's TestCase.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        run("demo", "--scale", "county", "--no-progress")
        yield
        transaction.set_rollback(True)


def test_path_steps_are_treebeards() -> None:
    assert path_step(1) == "0001"
    assert path_step(36) == "0010"
    assert path_step(36**2 + 35) == "010Z"


def test_the_plan_is_deterministic_and_codes_are_unique() -> None:
    first, second = plan(SCALES["city"]), plan(SCALES["city"])
    assert [(u.code, u.name, u.path) for u in first] == [(u.code, u.name, u.path) for u in second]
    assert len({u.code for u in first}) == len(first)


@pytest.mark.django_db
def test_two_loads_into_fresh_databases_are_the_same() -> None:
    with transaction.atomic():
        run("demo", "--scale", "tiny", "--no-progress")
        first = snapshot()
        transaction.set_rollback(True)  # back to an empty database
    assert not Unit.objects.exists()
    run("demo", "--scale", "tiny", "--no-progress")
    assert snapshot() == first


@pytest.mark.django_db
@pytest.mark.usefixtures("county_demo")
class TestCountyDemo:
    """The county demo, loaded once for these tests."""

    def test_the_load_is_exactly_the_deterministic_plan(self) -> None:
        scale = SCALES["county"]
        units = plan(scale)
        stored = sorted(Unit.objects.values_list("path", "code", "name", "kind"))
        assert stored == sorted((u.path, u.code, u.name, u.kind) for u in units)
        generated = sorted(
            (row[3], row[2], row[4], row[5], row[6])
            for unit in units
            for row in member_rows(unit, seed=scale.seed, now=None)
        )
        stored_members = Member.objects.values_list(
            "member_number", "name", "gender", "cadre_level", "position"
        )
        assert sorted(stored_members) == generated

    def test_it_is_a_whole_campaign_in_liaoning(self) -> None:
        units, members = Unit.objects.count(), Member.objects.count()
        assert 200 <= units <= 400 and 15_000 <= members <= 25_000
        province = Unit.objects.get(code="LN")
        assert province.name == "辽宁省" and province.depth == 1
        assert Unit.objects.get(code="LN01").name == "沈阳市"
        assert Unit.objects.get(code="LN0101").name == "和平区"
        assert Unit.objects.get(code="LN0201").name == "中山区"
        kinds = set(Unit.objects.values_list("kind", flat=True))
        assert {UnitKind.DEPARTMENT, UnitKind.SCHOOL, UnitKind.HOSPITAL, UnitKind.ENTERPRISE,
                UnitKind.TOWNSHIP, UnitKind.VILLAGE, UnitKind.BRANCH} <= kinds  # fmt: skip
        # Cadre levels: very few at the top, most members ordinary.
        levels = dict(Member.objects.order_by().values_list("cadre_level").annotate(n=Count("pk")))
        assert levels[CadreLevel.ORDINARY] > 0.85 * members
        assert 0 < levels[CadreLevel.PROVINCIAL] < 20

        campaign = Campaign.objects.get()
        assert campaign.theme == "不忘初心、牢记使命" and campaign.root_unit == province
        first, second = Batch.objects.order_by("number")
        assert first.end_date < second.start_date
        assert BatchParticipation.objects.filter(batch=first, unit__name="省委组织部").exists()
        assert BatchParticipation.objects.filter(batch=second, unit__code="LN01").exists()
        group = list(LeadingGroupMembership.objects.order_by("order").select_related("member"))
        names = [m.member.name for m in group[:5]]
        assert names == ["陈求发", "唐一军", "夏德仁", "周波", "陆治原"]
        assert group[0].position == "head" and "组长" in group[0].title
        assert all(m.member.unit.code == "LN00" for m in group)
        link = BatchLink.objects.select_related("lower_unit").get(upper_unit__name="省教育厅")
        assert link.lower_unit.name == "沈阳市教育局"

    def test_counters_and_tree_are_right(self) -> None:
        call_command("check_counters", stdout=StringIO())  # raises CommandError on drift
        assert Unit.objects.find_problems() == ([], [], [], [], [])
        root = Unit.objects.get(code="LN")
        figures = selectors.unit_figures(User.objects.get(username="admin"), root.pk)
        assert figures.subtree_members == Member.objects.count()
        assert figures.subtree_units == Unit.objects.count() - 1

    def test_if_empty_is_a_no_op_and_a_plain_second_load_is_refused(self) -> None:
        before = (Unit.objects.count(), Member.objects.count(), User.objects.count())
        assert "not loaded" in run("demo", "--scale", "county", "--if-empty")
        with pytest.raises(CommandError, match="already holds"):
            run("demo", "--scale", "county")
        assert (Unit.objects.count(), Member.objects.count(), User.objects.count()) == before

    @pytest.mark.parametrize(
        ("username", "sees", "hidden"),
        [
            ("office", ["LN", "LN01", "LN0201"], []),
            ("shenyang_admin", ["LN01", "LN0101", "LN0101001"], ["LN", "LN02", "LND01"]),
            ("dalian_county_admin", ["LN0201", "LN0201001"], ["LN02", "LN01", "LN0101"]),
            ("guidance", ["LN0101"], ["LN0101001", "LN01"]),
            ("member", ["LN0101001B01"], ["LN0101001", "LN0101"]),
        ],
    )
    def test_demo_users_log_in_and_see_their_scope(
        self, username: str, sees: list[str], hidden: list[str]
    ) -> None:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        response = client.post(
            "/accounts/login/", {"username": username, "password": demo_password(username)}
        )
        assert response.status_code == 302 and "/accounts/login/" not in response["Location"]
        user = User.objects.get(username=username)
        visible = set(selectors.units_visible(user).values_list("code", flat=True))
        assert set(sees) <= visible
        assert not set(hidden) & visible
        assert not scope_for(user).everything

    def test_the_member_login_is_a_member_and_passwords_are_not_trivial(self) -> None:
        member = Member.objects.get(user__username="member")
        assert member.unit.code == "LN0101001B01"
        passwords = {demo_password(u) for u in ("admin", "office", "member")}
        assert len(passwords) == 3 and all(len(p) == 12 and p != "admin" for p in passwords)
        out = run("demo_logins")
        assert demo_password("office") in out and "changed" not in out
