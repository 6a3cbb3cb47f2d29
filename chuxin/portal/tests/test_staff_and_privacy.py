"""Staff pages: the scope matrix, triage (into a problem with the duplicate suggestion, merge,
answer, close), entering opinions from other channels, exports, query bounds; and privacy:
contact data encrypted in its column, shown only to the unit's managers, never on public
pages, nor internal records (people's names, notes, descriptions, non-public problems)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from chuxin.core.exports import read_back_xlsx
from chuxin.portal import protect, services
from chuxin.portal.models import Opinion, OpinionChannel, OpinionStatus
from chuxin.problems import services as problem_services
from chuxin.problems.models import Problem, ProblemSource
from chuxin.rectification.tests.conftest import RectWorld

from .conftest import opinion_for, verified_task_for

pytestmark = pytest.mark.django_db

USERS = ["office", "city_admin", "other_county_admin", "guidance", "member_user", "anonymous"]
CONTACT = {"name": "张三", "phone": "13800000000", "email": "zs@example.org"}


def client_for(rw: RectWorld, who: str) -> Client:
    return rw.client_for(None if who == "anonymous" else getattr(rw, who))


@pytest.fixture
def opinion(pw: RectWorld) -> Opinion:
    return opinion_for(pw.county_a, text="小区供暖不达标 室温太低", contact=CONTACT)


@pytest.mark.parametrize(
    ("who", "listed", "detail", "contact", "close"),
    [
        ("office", 200, 200, True, 302),
        ("city_admin", 200, 200, True, 302),
        ("other_county_admin", 200, 404, False, 404),
        ("guidance", 200, 200, False, 403),
        ("member_user", 403, 404, False, 404),
        ("anonymous", 302, 302, False, 302),
    ],
)
def test_scope_matrix_of_the_staff_pages(
    pw: RectWorld, opinion: Opinion, who: str, listed: int, detail: int, contact: bool, close: int
) -> None:
    client = client_for(pw, who)
    response = client.get("/portal/staff/")
    assert response.status_code == listed
    if listed == 200:
        sees = f"/portal/staff/opinions/{opinion.pk}/" in response.content.decode()
        assert sees == (who != "other_county_admin")
    page = client.get(f"/portal/staff/opinions/{opinion.pk}/")
    assert page.status_code == detail
    assert ("13800000000" in page.content.decode()) == contact
    closed = client.post(f"/portal/staff/opinions/{opinion.pk}/close/", {"reason": "已解决"})
    assert closed.status_code == close
    opinion.refresh_from_db()
    assert (opinion.status == OpinionStatus.CLOSED) == (who in ("office", "city_admin"))


@pytest.mark.parametrize(
    ("who", "enter", "ratings"),
    [
        ("office", 200, 200),
        ("city_admin", 200, 200),
        ("other_county_admin", 200, 200),
        ("guidance", 403, 200),
        ("member_user", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_scope_matrix_of_entry_and_ratings(
    pw: RectWorld, who: str, enter: int, ratings: int
) -> None:
    client = client_for(pw, who)
    assert client.get("/portal/staff/new/").status_code == enter
    assert client.get("/portal/staff/ratings/").status_code == ratings


def test_contact_is_encrypted_in_its_column_and_not_in_the_history(opinion: Opinion) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM portal_opinion WHERE id = %s", [opinion.pk])
        stored = cursor.fetchone()[0]
    assert stored.split(":")[0] == "f1"
    for clear in CONTACT.values():
        assert clear not in stored
    assert protect.open_contact(stored) == CONTACT
    history = opinion.history.first()
    assert history is not None and not hasattr(history, "contact")


def test_staff_enter_an_opinion_from_the_hotline(pw: RectWorld) -> None:
    client = pw.client_for(pw.city_admin)
    bad = client.post(
        "/portal/staff/new/",
        {"channel": "hotline", "unit_code": "P-B-1", "text": "电话反映", "contact_phone": "x"},
    )
    assert (
        bad.status_code == 200 and "No unit with this code that you manage." in bad.content.decode()
    )
    web = client.post("/portal/staff/new/", {"channel": "web", "unit_code": "P-A-1", "text": "x"})
    assert "Select a valid choice" in web.content.decode()
    response = client.post(
        "/portal/staff/new/",
        {
            "channel": "hotline",
            "unit_code": "P-A-1",
            "text": "电话反映路灯不亮",
            "contact_phone": "024-1234567",
        },
    )
    opinion = Opinion.objects.get()
    assert response.status_code == 302
    assert opinion.channel == OpinionChannel.HOTLINE and opinion.entered_by == pw.city_admin
    assert services.is_code_shaped(opinion.code)
    # only managers may enter other channels, even through the service
    with pytest.raises(Exception, match="may not handle"):
        services.opinion_submit(actor=pw.guidance, unit=pw.county_a, text="x", channel="letter")


def test_turn_into_a_problem(pw: RectWorld, opinion: Opinion) -> None:
    client = pw.client_for(pw.city_admin)
    page = client.get(f"/portal/staff/opinions/{opinion.pk}/").content.decode()
    assert 'id="to-problem-form"' in page
    bad = client.post(
        f"/portal/staff/opinions/{opinion.pk}/problem/", {"title": "", "category": "x"}
    )
    assert bad.status_code == 400 and Problem.objects.count() == 1
    other_unit = client.post(
        f"/portal/staff/opinions/{opinion.pk}/problem/",
        {"title": "供暖", "category": "needs", "severity": "medium", "unit_code": "P-B-1"},
    )
    assert "No unit with this code that you manage." in other_unit.content.decode()
    response = client.post(
        f"/portal/staff/opinions/{opinion.pk}/problem/",
        {
            "title": "小区供暖不达标",
            "category": "needs",
            "severity": "high",
            "public_point": "pain",
            "unit_code": "P-A-1-1",
            "is_public": "on",
            "answer": "已立项整改",
        },
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    problem = opinion.problem
    assert problem is not None and opinion.status == OpinionStatus.PROBLEM
    assert problem.source == ProblemSource.PUBLIC_OPINION and problem.is_public
    assert problem.unit == pw.township_a and problem.description == opinion.text
    assert opinion.public_answer == "已立项整改" and opinion.triaged_by == pw.city_admin
    again = client.post(f"/portal/staff/opinions/{opinion.pk}/close/", {"reason": "重复"})
    assert again.status_code == 400 and "cannot be handled that way" in again.content.decode()


def test_merge_with_the_duplicate_suggestion(pw: RectWorld) -> None:
    opinion = opinion_for(pw.county_a, text="老旧小区供暖不达标 冬天家里太冷了")
    unrelated = problem_services.problem_create(
        actor=pw.city_admin, campaign=pw.campaign, unit=pw.county_a, title="道路坑洼积水",
        source="self", category="needs",
    )  # fmt: skip
    client = pw.client_for(pw.city_admin)
    page = client.get(f"/portal/staff/opinions/{opinion.pk}/").content.decode()
    suggestions = page[page.index('id="suggestions"') :]
    assert pw.problem.code in suggestions and unrelated.code not in suggestions
    refused = client.post(f"/portal/staff/opinions/{opinion.pk}/merge/", {"problem": "abc"})
    assert refused.status_code == 400
    hidden = problem_services.problem_create(
        actor=pw.root, campaign=pw.campaign, unit=pw.county_b, title="别处的问题",
        source="self", category="needs",
    )  # fmt: skip
    assert (
        client.post(
            f"/portal/staff/opinions/{opinion.pk}/merge/", {"problem": hidden.pk}
        ).status_code
        == 404
    )
    response = client.post(
        f"/portal/staff/opinions/{opinion.pk}/merge/", {"problem": pw.problem.pk}
    )
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.problem == pw.problem and opinion.status == OpinionStatus.MERGED


def test_answer_and_close(pw: RectWorld, opinion: Opinion) -> None:
    client = pw.client_for(pw.office)
    empty = client.post(f"/portal/staff/opinions/{opinion.pk}/answer/", {"answer": ""})
    assert empty.status_code == 400
    too_long = client.post(f"/portal/staff/opinions/{opinion.pk}/answer/", {"answer": "长" * 2001})
    assert too_long.status_code == 400
    assert (
        client.post(
            f"/portal/staff/opinions/{opinion.pk}/answer/", {"answer": "<b>正在核实</b>"}
        ).status_code
        == 302
    )
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ANSWERED
    public = (
        Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/portal/track/{opinion.code}/").content.decode()
    )
    assert "&lt;b&gt;正在核实&lt;/b&gt;" in public
    assert (
        client.post(f"/portal/staff/opinions/{opinion.pk}/close/", {"reason": ""}).status_code
        == 400
    )
    assert (
        client.post(
            f"/portal/staff/opinions/{opinion.pk}/close/", {"reason": "已转交有关部门"}
        ).status_code
        == 302
    )
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.CLOSED and opinion.public_answer == "已转交有关部门"


def test_the_list_filters_exports_without_contact_and_is_query_bounded(
    pw: RectWorld, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        opinion_for(pw.county_a if n % 2 else pw.branch_a, text=f"意见{n}", contact=CONTACT)
    client = pw.client_for(pw.city_admin)
    with django_assert_max_num_queries(12):
        page = client.get("/portal/staff/", {"unit": pw.township_a.pk})
    assert page.content.decode().count("/portal/staff/opinions/") == 15
    with django_assert_max_num_queries(12):
        client.get("/portal/staff/", {"status": "new", "channel": "web", "q": "意见1"})
    xlsx = client.get("/portal/staff/", {"export": "xlsx"})
    rows = read_back_xlsx(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)
    assert len(rows) == 31
    text = repr(rows)
    assert "13800000000" not in text and "张三" not in text
    csv = b"".join(client.get("/portal/staff/", {"export": "csv"}).streaming_content).decode()
    assert csv.count("\n") == 31 and "13800000000" not in csv
    assert client.get("/portal/staff/", {"unit": "nonsense"}).status_code == 404
    assert client.get("/portal/staff/", {"unit": pw.county_b.pk}).status_code == 404


def test_ratings_list_is_scoped_and_bounded(
    pw: RectWorld, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        opinion = opinion_for(pw.county_a, text=f"意见{n}")
        problem = services.opinion_to_problem(
            actor=pw.city_admin, opinion=opinion, title=f"问题{n}", category="needs"
        )
        verified_task_for(pw, problem)
        services.rating_by_code(opinion=opinion, level="satisfied", comment=f"评价{n}")
    client = pw.client_for(pw.city_admin)
    with django_assert_max_num_queries(10):
        page = client.get("/portal/staff/ratings/").content.decode()
    assert page.count("评价") == 5
    other = pw.client_for(pw.other_county_admin).get("/portal/staff/ratings/").content.decode()
    assert "评价" not in other
    xlsx = pw.client_for(pw.office).get("/portal/staff/ratings/", {"export": "xlsx"})
    assert (
        len(
            read_back_xlsx(
                xlsx.getvalue() if hasattr(xlsx, "getvalue") else b"".join(xlsx.streaming_content)
            )
        )
        == 6
    )


def test_public_pages_show_no_internal_records(
    pw: RectWorld, django_assert_max_num_queries: Any
) -> None:
    opinion = opinion_for(pw.county_a, text="供暖问题 我是张三 电话13800000000", contact=CONTACT)
    problem = services.opinion_to_problem(
        actor=pw.city_admin, opinion=opinion, title="老旧小区供暖整改", category="needs"
    )
    task = verified_task_for(pw, problem)
    task.note = "内部备注 书记批示"
    task.save()
    secret = problem_services.problem_create(
        actor=pw.city_admin, campaign=pw.campaign, unit=pw.county_a, title="内部问题不公开",
        source="self", category="style",
    )  # fmt: skip
    for n in range(8):
        extra = problem_services.problem_create(
            actor=pw.city_admin, campaign=pw.campaign, unit=pw.branch_a, title=f"公开问题{n}",
            source="public", category="needs", is_public=True,
        )  # fmt: skip
        verified_task_for(pw, extra)
    anon = Client(HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_max_num_queries(10):
        unit_page = anon.get(f"/portal/units/{pw.province.pk}/").content.decode()
    pages = [
        unit_page,
        anon.get(f"/portal/units/{pw.county_a.pk}/", {"page": 2}).content.decode(),
        anon.get(f"/portal/problems/{problem.pk}/").content.decode(),
        anon.get(f"/portal/track/{opinion.code}/").content.decode(),
    ]
    assert "老旧小区供暖整改" in pages[0] and "公开问题7" in pages[0]
    assert anon.get(f"/portal/problems/{secret.pk}/").status_code == 404
    for html in pages:
        for internal in (
            "李明",
            "王芳",
            "city_admin",
            "office",
            "内部备注",
            "内部问题不公开",
            "zs@example.org",
            problem.code,
            task.code,
        ):
            assert internal not in html, internal
    for html in pages[:3]:  # the opinion's own words (with their contact) only behind its code
        assert "13800000000" not in html and "张三" not in html
