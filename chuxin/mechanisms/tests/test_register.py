"""The mechanism register through its pages and API: the scope matrix, bad input changes
nothing, the document is checked like rectification evidence, archive and restore, the
rollup by kind against hand-computed figures, export, and bounded queries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from chuxin.core import rollups
from chuxin.core.exports import read_back_xlsx
from chuxin.core.services import api_token_issue
from chuxin.mechanisms import counters, services
from chuxin.mechanisms.models import Mechanism, UnitMechanismRollup

from .conftest import MechWorld

pytestmark = pytest.mark.django_db

USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", "anonymous"]
EVERYONE = dict.fromkeys(USERS[:-1], 200)
SEE = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 200,
    "member_user": 404,
}
CHANGE = SEE | {"guidance": 403}


def _api(user: Any) -> Client:
    _token, raw = api_token_issue(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[MechWorld], str]
    expect: dict[str, int]
    method: str = "get"
    body: Callable[[MechWorld], dict[str, object]] | None = None
    api: bool = False


ROUTES = [
    Route("register", lambda w: "/mechanisms/", EVERYONE),
    Route("register of county A", lambda w: f"/mechanisms/?unit={w.county_a.pk}", SEE),
    Route("export", lambda w: f"/mechanisms/?unit={w.county_a.pk}&format=xlsx", SEE),
    Route("detail", lambda w: f"/mechanisms/{w.mechanism.pk}/", SEE),
    Route("edit", lambda w: f"/mechanisms/{w.mechanism.pk}/edit/", CHANGE),
    Route("create", lambda w: f"/mechanisms/units/{w.county_a.pk}/new/", CHANGE),
    Route(
        "archive",
        lambda w: f"/mechanisms/{w.mechanism.pk}/archive/",
        {k: (302 if v == 200 else v) for k, v in CHANGE.items()},
        method="post",
    ),
    Route("api list", lambda w: "/api/v1/mechanisms/", EVERYONE, api=True),
    Route("api one", lambda w: f"/api/v1/mechanisms/{w.mechanism.pk}", SEE, api=True),
    Route(
        "api patch",
        lambda w: f"/api/v1/mechanisms/{w.mechanism.pk}",
        CHANGE,
        method="patch",
        body=lambda w: {"summary": "摘要"},
        api=True,
    ),
    Route(
        "api archive",
        lambda w: f"/api/v1/mechanisms/{w.mechanism.pk}/archive",
        CHANGE,
        method="post",
        body=lambda w: {"archived": True},
        api=True,
    ),
    Route(
        "api create",
        lambda w: "/api/v1/mechanisms/",
        {k: (201 if v == 200 else v) for k, v in CHANGE.items()},
        method="post",
        body=lambda w: {
            "campaign_id": w.campaign.pk,
            "unit_id": w.county_a.pk,
            "title": "制度",
            "kind": "plan",
            "issued_on": "2019-10-01",
        },
        api=True,
    ),
    Route(
        "api rollup", lambda w: f"/api/v1/mechanisms/units/{w.county_a.pk}/rollup", SEE, api=True
    ),
]


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_scope_matrix(mw: MechWorld, route: Route) -> None:
    got: dict[str, int] = {}
    for username in USERS:
        user = None if username == "anonymous" else getattr(mw, username)
        try:
            with transaction.atomic():
                if route.api:
                    client = _api(user) if user is not None else Client()
                else:
                    client = mw.client_for(user)
                body = route.body(mw) if route.body else None
                if route.api:
                    kwargs = (
                        {"data": json.dumps(body), "content_type": "application/json"}
                        if body
                        else {}
                    )
                    response = getattr(client, route.method)(route.url(mw), **kwargs)
                else:
                    response = getattr(client, route.method)(route.url(mw), body or {})
                got[username] = response.status_code
                raise _Rollback
        except _Rollback:
            pass
    assert got.pop("anonymous") == (401 if route.api else 302)
    assert got == route.expect, route.name


def _form(mw: MechWorld, **extra: Any) -> dict[str, Any]:
    return {
        "campaign": str(mw.campaign.pk),
        "title": "供暖投诉快速响应制度",
        "kind": "system",
        "issued_on": "2019-10-01",
        "problem_codes": mw.problem.code,
        "task_codes": mw.long_task.code,
    } | extra


def test_record_a_mechanism_with_its_origins_and_document(mw: MechWorld) -> None:
    client = mw.client_for(mw.city_admin)
    document = SimpleUploadedFile("制度.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    response = client.post(f"/mechanisms/units/{mw.county_a.pk}/new/", _form(mw, document=document))
    assert response.status_code == 302
    mechanism = Mechanism.objects.get(title="供暖投诉快速响应制度")
    assert list(mechanism.problems.all()) == [mw.problem]
    assert list(mechanism.tasks.all()) == [mw.long_task]
    page = client.get(f"/mechanisms/{mechanism.pk}/").content.decode()
    assert mw.problem.code in page and mw.long_task.code in page
    download = client.get(f"/mechanisms/{mechanism.pk}/document/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "wish"}, "kind"),
        ({"issued_on": "yesterday"}, "issued_on"),
        ({"problem_codes": "WT-NOPE"}, "problem_codes"),
        ({"task_codes": "ZG-NOPE"}, "task_codes"),
        (
            {"document": SimpleUploadedFile("a.docx", b"not a zip", content_type="text/plain")},
            "document",
        ),
        (
            {"document": SimpleUploadedFile("a.html", b"<script>", content_type="text/html")},
            "document",
        ),
    ],
)
def test_bad_input_changes_nothing(mw: MechWorld, extra: dict[str, Any], field: str) -> None:
    before = Mechanism.objects.count()
    response = mw.client_for(mw.city_admin).post(
        f"/mechanisms/units/{mw.county_a.pk}/new/", _form(mw, **extra)
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Mechanism.objects.count() == before


def test_origins_out_of_sight_are_refused(mw: MechWorld) -> None:
    """The county B administrator cannot cite county A's problem, even knowing its number."""
    client = mw.client_for(mw.other_county_admin)
    response = client.post(f"/mechanisms/units/{mw.county_b.pk}/new/", _form(mw, task_codes=""))
    assert response.context["form"].errors.get("problem_codes")
    api = _api(mw.other_county_admin).post(
        "/api/v1/mechanisms/",
        data=json.dumps(
            {
                "campaign_id": mw.campaign.pk,
                "unit_id": mw.county_b.pk,
                "title": "制度",
                "kind": "plan",
                "issued_on": "2019-10-01",
                "problem_ids": [mw.problem.pk],
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 422
    assert Mechanism.objects.count() == 1


def test_rollup_by_kind_against_hand_computed_figures(mw: MechWorld) -> None:
    """County A: a system (the world's). Add a plan at the township, a regulation at city B,
    a standard at the province, then archive the township's plan and change the county's
    system into a regulation."""
    today = timezone.localdate()

    def make(unit: Any, kind: str) -> Mechanism:
        return services.mechanism_create(
            actor=mw.office,
            campaign=mw.campaign,
            unit=unit,
            title=f"{kind}",
            kind=kind,
            issued_on=today,
        )

    plan = make(mw.township_a, "plan")
    make(mw.city_b, "regulation")
    make(mw.province, "standard")

    def row(unit: Any) -> tuple[int, int, int, int, int, int]:
        r = UnitMechanismRollup.objects.get(pk=unit.pk)
        return (
            r.subtree_mechanisms,
            r.subtree_k_regulation,
            r.subtree_k_system,
            r.subtree_k_plan,
            r.subtree_k_standard,
            r.subtree_k_next_year,
        )

    assert row(mw.province) == (4, 1, 1, 1, 1, 0)
    assert row(mw.city_a) == (2, 0, 1, 1, 0, 0)
    assert row(mw.county_a) == (2, 0, 1, 1, 0, 0)
    assert row(mw.township_a) == (1, 0, 0, 1, 0, 0)
    assert row(mw.city_b) == (1, 1, 0, 0, 0, 0)
    services.mechanism_archive(actor=mw.office, mechanism=plan)
    services.mechanism_update(actor=mw.office, mechanism=mw.mechanism, kind="regulation")
    assert row(mw.province) == (3, 2, 0, 0, 1, 0)
    assert row(mw.county_a) == (1, 1, 0, 0, 0, 0)
    assert rollups.check(counters.rollup()) == []
    services.mechanism_archive(actor=mw.office, mechanism=plan, archived=False)
    assert row(mw.township_a) == (1, 0, 0, 1, 0, 0)
    assert rollups.check(counters.rollup()) == []
    page = mw.client_for(mw.office).get(f"/mechanisms/?unit={mw.province.pk}")
    assert page.context["figures"].mechanisms == 4
    api = _api(mw.office).get(f"/api/v1/mechanisms/units/{mw.province.pk}/rollup").json()
    assert {c["unit_name"]: c["mechanisms"] for c in api["children"]} == {"沈阳市": 2, "大连市": 1}


def test_archived_mechanisms_leave_the_register_but_stay_on_record(mw: MechWorld) -> None:
    client = mw.client_for(mw.city_admin)
    client.post(f"/mechanisms/{mw.mechanism.pk}/archive/")
    listed = client.get(f"/mechanisms/?unit={mw.county_a.pk}")
    assert mw.mechanism not in list(listed.context["page"])
    archived = client.get(f"/mechanisms/?unit={mw.county_a.pk}&archived=on")
    assert mw.mechanism in list(archived.context["page"])
    assert mw.mechanism.history.count() >= 2


def test_export(mw: MechWorld) -> None:
    response = mw.client_for(mw.office).get(f"/mechanisms/?unit={mw.province.pk}&format=xlsx")
    rows = read_back_xlsx(b"".join(response.streaming_content))
    assert rows[1][0] == mw.mechanism.code and rows[1][5] == mw.problem.code


def test_bounded_queries(mw: MechWorld, django_assert_max_num_queries: Any) -> None:
    for i in range(15):
        m = services.mechanism_create(
            actor=mw.office,
            campaign=mw.campaign,
            unit=mw.county_a,
            title=f"制度{i}",
            kind="system",
            issued_on=timezone.localdate() - dt.timedelta(days=i),
            problems=[mw.problem],
            tasks=[mw.task],
        )
        assert m.pk
    client, api = mw.client_for(mw.office), _api(mw.office)
    for url in (f"/mechanisms/?unit={mw.province.pk}", f"/mechanisms/{mw.mechanism.pk}/"):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
    for url in (
        "/api/v1/mechanisms/?limit=100",
        f"/api/v1/mechanisms/units/{mw.province.pk}/rollup",
    ):
        with django_assert_max_num_queries(12):
            assert api.get(url).status_code == 200
