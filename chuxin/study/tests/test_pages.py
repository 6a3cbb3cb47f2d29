"""The study pages as people use them: forms with bad input, the session form's quick entry,
both languages, and query-count bounds on the list pages."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from chuxin.core.exports import read_back_xlsx
from chuxin.organization import services as org
from chuxin.study import services
from chuxin.study.models import StudyItem, StudyRecord, StudySession, UnitStudyRollup

from .conftest import StudyWorld


def day(offset: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=offset)).isoformat()


def test_item_form_bad_input_names_the_field(study_world: StudyWorld) -> None:
    sw = study_world
    client = sw.client_for(sw.office)
    base: dict[str, object] = {
        "campaign": sw.campaign.pk,
        "title": "学习新思想",
        "kind": "online",
        "required_levels": ["ordinary"],
        "required_times": 1,
        "applies_from": day(0),
    }
    cases: list[tuple[dict[str, object], str]] = [
        ({"title": ""}, "title"),
        ({"required_levels": []}, "required_levels"),
        ({"required_times": 0}, "required_times"),
        ({"required_hours": "-1"}, "required_hours"),
        ({"due_date": day(-5)}, "due_date"),
        ({"applies_from": day(400)}, "applies_from"),
        ({"material_url": "javascript:alert(1)"}, "material_url"),
        ({"kind": "nap"}, "kind"),
    ]
    for change, field in cases:
        response = client.post("/study/items/new/", base | change)
        assert response.status_code == 200, change
        assert field in response.context["form"].errors, (change, response.context["form"].errors)
    assert StudyItem.objects.count() == 2
    response = client.post("/study/items/new/", base | {"material_url": "https://example.org/a"})
    assert response.status_code == 302
    assert StudyItem.objects.get(title="学习新思想").in_force


def test_session_form_quick_entry_and_bad_input(study_world: StudyWorld) -> None:
    sw = study_world
    for i in range(3):
        org.member_create(
            actor=sw.root, unit=sw.branch_a, member_number=f"A10{i}", name=f"党员{i}", gender="male"
        )
    client = sw.client_for(sw.city_admin)
    form = client.get(f"/study/units/{sw.branch_a.pk}/sessions/new/").content.decode()
    assert form.count('name="present"') == 4 and form.count("checked") >= 4
    rows = client.get(
        f"/study/units/{sw.branch_a.pk}/sessions/roster/",
        {"except": "李明、A101"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<html" not in rows and rows.count("checked") == 2
    url = f"/study/units/{sw.branch_a.pk}/sessions/new/"
    base = {"item": sw.reading.pk, "date": day(-1), "host": "书记"}
    assert "date" in client.post(url, base | {"date": day(2)}).context["form"].errors
    assert "host" in client.post(url, base | {"host": ""}).context["form"].errors
    # Nobody ticked is "all absent"; absent from an item not required of them, they owe nothing.
    assert client.post(url, base | {"item": sw.lecture.pk}).status_code == 302
    assert UnitStudyRollup.objects.get(pk=sw.branch_a.pk).makeup_owing == 0
    present = [m for m in sw.branch_a.members.values_list("pk", flat=True) if m != sw.member.pk]
    response = client.post(url, base | {"present": present, f"reason_{sw.member.pk}": "出差"})
    assert response.status_code == 302
    session = StudySession.objects.filter(item=sw.reading).get()
    absent = session.attendance.get(present=False)
    assert (absent.member_id, absent.absence_reason) == (sw.member.pk, "出差")
    assert StudyRecord.objects.filter(session=session).count() == 3
    row = UnitStudyRollup.objects.get(pk=sw.branch_a.pk)
    assert (row.required, row.covered, row.makeup_owing) == (4, 3, 1)


def test_member_checks_in_on_the_phone_page(study_world: StudyWorld) -> None:
    sw = study_world
    client = sw.client_for(sw.member_user)
    page = client.get("/study/me/").content.decode()
    assert "学习党章" in page and "专题党课" not in page
    bad = client.post(
        "/study/me/", {"kind": "checkin", "checkin-item": sw.reading.pk, "checkin-date": day(3)}
    )
    assert bad.status_code == 200 and "checkin-date" in bad.content.decode()
    assert "date" in bad.context["checkin_form"].errors
    ok = client.post(
        "/study/me/",
        {
            "kind": "checkin",
            "checkin-item": sw.reading.pk,
            "checkin-date": day(0),
            "checkin-hours": "1.5",
        },
    )
    assert ok.status_code == 302
    page = client.get("/study/me/").content.decode()
    assert "Every item required of you is done." in page
    again = client.post(
        "/study/me/", {"kind": "checkin", "checkin-item": sw.reading.pk, "checkin-date": day(0)}
    )
    assert "date" in again.context["checkin_form"].errors  # already recorded that day
    # Someone else's page: seen by the administrator, not writable by the guidance member.
    assert (
        sw.client_for(sw.guidance)
        .post(f"/study/members/{sw.member.pk}/", {"kind": "checkin"})
        .status_code
        == 404
    )


def test_dead_ends_form_and_export(study_world: StudyWorld) -> None:
    sw = study_world
    client = sw.client_for(sw.office)
    bad = client.get(f"/study/units/{sw.province.pk}/dead-ends/", {"threshold": "0"})
    assert bad.status_code == 200 and "threshold" in bad.context["form"].errors
    page = client.get(f"/study/units/{sw.province.pk}/dead-ends/").content.decode()
    assert "3 units fall short" in page and "city_admin" in page
    export = client.get(f"/study/units/{sw.province.pk}/dead-ends/", {"format": "xlsx"})
    rows = read_back_xlsx(export.getvalue())
    assert rows[0][0] == "Unit code" and len(rows) == 4
    assert {r[0] for r in rows[1:]} == {"P-A-1-1-1", "P-A-1", "P-B-1-1"}


def test_pages_in_both_languages(study_world: StudyWorld) -> None:
    sw = study_world
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    zh.force_login(sw.office)
    en = sw.client_for(sw.office)
    for url in (f"/study/units/{sw.province.pk}/", "/study/items/", "/study/me/"):
        assert 'lang="zh-hans"' in zh.get(url).content.decode()
        assert 'lang="en"' in en.get(url).content.decode()


def test_coverage_page_query_bound(study_world: StudyWorld, django_assert_max_num_queries) -> None:
    sw = study_world
    for i in range(30):
        unit = org.unit_create(
            actor=sw.root, parent=sw.county_a, code=f"X{i}", name=f"支部{i}", kind="branch"
        )
        member = org.member_create(
            actor=sw.root, unit=unit, member_number=f"X{i}", name=f"员{i}", gender="male"
        )
        if i % 2:
            services.study_checkin(
                actor=sw.root, member=member, item=sw.reading, date=timezone.localdate()
            )
    client = sw.client_for(sw.city_admin)
    with django_assert_max_num_queries(20):
        page = client.get(f"/study/units/{sw.county_a.pk}/").content.decode()
    assert "支部0" in page
    # Worst first: an uncovered branch comes before a covered one.
    assert page.index("支部0") < page.index("支部1<")
    with django_assert_max_num_queries(20):
        client.get(f"/study/units/{sw.county_a.pk}/dead-ends/")
    with django_assert_max_num_queries(20):
        client.get("/study/items/")
    with django_assert_max_num_queries(20):
        client.get(f"/api/v1/study/units/{sw.county_a.pk}/uncovered")
    with django_assert_max_num_queries(20):
        client.get(f"/api/v1/study/units/{sw.county_a.pk}/dead-ends")
    with django_assert_max_num_queries(20):
        client.get(f"/api/v1/study/records?unit={sw.county_a.pk}")
    with django_assert_max_num_queries(20):
        client.get(f"/study/units/{sw.county_a.pk}/sessions/")
    with django_assert_max_num_queries(25):
        client.get(f"/study/members/{sw.member.pk}/")


def test_material_file_is_served_to_those_who_see_the_item(study_world: StudyWorld) -> None:
    from django.core.files.base import ContentFile

    sw = study_world
    sw.reading.material.save("zhangcheng.pdf", ContentFile(b"%PDF-1.4 party constitution"))
    url = f"/study/items/{sw.reading.pk}/material/"
    response = sw.client_for(sw.member_user).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert sw.client_for(None).get(url).status_code == 302
    assert (
        sw.client_for(sw.member_user).get(f"/study/items/{sw.lecture.pk}/material/").status_code
        == 404
    )
