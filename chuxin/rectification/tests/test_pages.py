"""Problem and rectification pages, walked as people use them: record a problem, give it a
task, add stage objectives and progress inline (htmx), submit, return, verify; evidence files
checked and served only in scope; the unit tab; query-count bounds on the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chuxin.core import rollups
from chuxin.problems.models import Problem
from chuxin.rectification import counters, services
from chuxin.rectification.attachments import check_file, clean_name
from chuxin.rectification.models import Evidence, RectificationTask, StageObjective, TaskStatus

from .conftest import RectWorld

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_record_a_problem_and_give_it_a_task(rw: RectWorld) -> None:
    client = rw.client_for(rw.city_admin)
    response = client.post(
        reverse("problems:create", args=[rw.county_a.pk]),
        {
            "campaign": rw.campaign.pk,
            "title": "办事窗口排长队",
            "description": "群众反映办证要跑多次",
            "source": "public",
            "category": "style",
            "public_point": "blockage",
            "severity": "medium",
            "reported_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get(title="办事窗口排长队")
    assert problem.recorded_by == rw.city_admin and problem.code.startswith("WT-")
    limit = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(
        reverse("rectification:task_create", args=[rw.county_a.pk]) + f"?problem={problem.pk}",
        {
            "title": "压缩办事时限",
            "direction": "一次办好",
            "measures": "梳理事项\n\n开通网办",
            "task_type": "limited",
            "time_limit": limit.isoformat(),
            "leader_number": "A0002",
            "person_number": "A0001",
            "co_unit_codes": "P-A-1-1",
            "problem": problem.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task = RectificationTask.objects.get(title="压缩办事时限")
    assert task.measures == ["梳理事项", "开通网办"]
    assert list(task.problems.all()) == [problem]
    assert [u.code for u in task.co_units.all()] == ["P-A-1-1"]
    page = client.get(reverse("rectification:task_detail", args=[task.pk]))
    assert "压缩办事时限" in page.content.decode()
    assert not rollups.check(counters.rollup())


def test_task_form_names_the_bad_field(rw: RectWorld) -> None:
    client = rw.client_for(rw.city_admin)
    response = client.post(
        reverse("rectification:task_create", args=[rw.county_a.pk]),
        {
            "title": "x",
            "task_type": "limited",
            "leader_number": "A0001",  # not a leading cadre
            "person_number": "NOPE",
            "co_unit_codes": "P-B-1",  # not in the city admin's scope
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"person_number", "co_unit_codes"}
    response = client.post(
        reverse("rectification:task_create", args=[rw.county_a.pk]),
        {"title": "x", "task_type": "limited", "leader_number": "A0001"},
    )
    assert set(response.context["form"].errors) == {"time_limit", "leader_number"}
    assert RectificationTask.objects.count() == 1


def test_inline_work_submit_return_verify(rw: RectWorld) -> None:
    client = rw.client_for(rw.city_admin)
    task = rw.task
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    for title in ("排查管网", "完成改造"):
        response = client.post(
            reverse("rectification:objective_add", args=[task.pk]),
            {"title": title, "due_on": due},
            **HTMX,
        )
        assert response.status_code == 200
        assert "<html" not in response.content.decode()
    first = StageObjective.objects.get(task=task, title="排查管网")
    response = client.post(
        reverse("rectification:objective_tick", args=[first.pk]),
        {"done": "1", "evidence": "排查报告"},
        **HTMX,
    )
    task.refresh_from_db()
    assert task.progress == 50 and task.status == TaskStatus.IN_PROGRESS
    response = client.post(
        reverse("rectification:update_add", args=[task.pk]),
        {"text": "已更换管线2公里", "evidence": [SimpleUploadedFile("现场.png", PNG)]},
        **HTMX,
    )
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert evidence.original_name == "现场.png" and evidence.content_type == "image/png"
    assert "现场.png" not in str(evidence.file.name)
    client.post(reverse("rectification:transition", args=[task.pk]), {"action": "submit"}, **HTMX)
    verifier = rw.client_for(rw.office)
    response = verifier.post(
        reverse("rectification:transition", args=[task.pk]), {"action": "return"}, **HTMX
    )
    assert "Give the reason" in response.content.decode()
    verifier.post(
        reverse("rectification:transition", args=[task.pk]),
        {"action": "return", "reason": "缺少回访记录"},
        **HTMX,
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.RETURNED
    # The responsible person works on the task but cannot verify it.
    response = rw.client_for(rw.member_user).post(
        reverse("rectification:transition", args=[task.pk]), {"action": "accept"}, **HTMX
    )
    assert response.status_code == 403
    client.post(reverse("rectification:transition", args=[task.pk]), {"action": "submit"}, **HTMX)
    verifier.post(reverse("rectification:transition", args=[task.pk]), {"action": "accept"}, **HTMX)
    task.refresh_from_db()
    assert task.status == TaskStatus.VERIFIED and task.progress == 100
    assert not rollups.check(counters.rollup())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ\x90\x00", "only images, PDF and office files"),
        ("fake.pdf", b"<html>not a pdf</html>", "not the kind of file"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_saved(
    rw: RectWorld, name: str, content: bytes, message: str
) -> None:
    client = rw.client_for(rw.city_admin)
    response = client.post(
        reverse("rectification:update_add", args=[rw.task.pk]),
        {"text": "进展", "evidence": [SimpleUploadedFile(name, content)]},
        **HTMX,
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not rw.task.updates.exists() and not Evidence.objects.exists()


def test_too_large_evidence_is_refused(rw: RectWorld, settings: object) -> None:
    settings.RECTIFICATION_EVIDENCE_MAX_BYTES = 1024 * 1024
    client = rw.client_for(rw.city_admin)
    big = PDF + b"0" * (1024 * 1024 + 1)
    response = client.post(
        reverse("rectification:update_add", args=[rw.task.pk]),
        {"text": "进展", "evidence": [SimpleUploadedFile("big.pdf", big)]},
        **HTMX,
    )
    assert "larger than 1 MB" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\报告.docx", "报告.docx"),
        ("/abs/path/.hidden.png", "hidden.png"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("", "file"),
    ],
)
def test_path_tricks_in_file_names_are_cleaned(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_evidence_is_served_only_in_scope(rw: RectWorld) -> None:
    services.progress_update_add(
        actor=rw.city_admin,
        task=rw.task,
        text="报告",
        files=[check_file(SimpleUploadedFile("../报告.pdf", PDF))],
    )
    evidence = Evidence.objects.get()
    url = reverse("rectification:evidence", args=[evidence.pk])
    response = rw.client_for(rw.city_admin).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert rw.client_for(rw.other_county_admin).get(url).status_code == 404
    assert rw.client_for(None).get(url).status_code == 302
    # The member is the task's responsible person: they see it.
    assert rw.client_for(rw.member_user).get(url).status_code == 200


def test_unit_tab_shows_the_subtree_figures(rw: RectWorld) -> None:
    response = rw.client_for(rw.office).get(reverse("rectification:unit", args=[rw.province.pk]))
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.problems == 1 and figures.tasks == 1 and figures.overdue == 0
    assert dict((k, n) for k, _label, n in figures.by_source)["public"] == 1


def test_task_list_lights_and_overdue_filter(rw: RectWorld) -> None:
    today = timezone.localdate()
    late = services.task_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        responsible_unit=rw.township_a,
        title="逾期任务",
        time_limit=today - dt.timedelta(days=1),
    )
    soon = services.task_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        responsible_unit=rw.township_a,
        title="临期任务",
        time_limit=today + dt.timedelta(days=3),
    )
    client = rw.client_for(rw.city_admin)
    response = client.get(reverse("rectification:task_list"))
    lights = {t.pk: light for t, light in response.context["rows"]}
    assert lights == {late.pk: "red", soon.pk: "yellow", rw.task.pk: "green"}
    response = client.get(reverse("rectification:task_list"), {"due": "overdue"})
    assert [t.pk for t, _ in response.context["rows"]] == [late.pk]
    response = client.get(reverse("rectification:task_list"), {"due": "soon"})
    assert [t.pk for t, _ in response.context["rows"]] == [soon.pk]


def test_list_pages_have_bounded_queries(rw: RectWorld) -> None:
    for i in range(15):
        services.task_create(
            actor=rw.city_admin,
            campaign=rw.campaign,
            responsible_unit=rw.township_a,
            title=f"任务{i}",
            time_limit=timezone.localdate() + dt.timedelta(days=i),
            responsible_person=rw.member,
        )
    client = rw.client_for(rw.city_admin)
    for name in ("rectification:task_list", "problems:list"):
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        assert len(ctx.captured_queries) <= 12, name
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("rectification:task_detail", args=[rw.task.pk]))
    assert len(ctx.captured_queries) <= 25


def test_counted_total_agrees_with_the_rows(rw: RectWorld) -> None:
    from chuxin.rectification import selectors

    today = timezone.localdate()
    for days in (-3, -1, 4):
        services.task_create(
            actor=rw.city_admin,
            campaign=rw.campaign,
            responsible_unit=rw.township_a,
            title=f"任务{days}",
            time_limit=today + dt.timedelta(days=days),
        )
    for user in (rw.office, rw.city_admin):
        for f in (
            selectors.TaskFilters(unit=rw.city_a, overdue=True),
            selectors.TaskFilters(unit=rw.county_a, status="not_started"),
            selectors.TaskFilters(unit=rw.province),
        ):
            total = selectors.counted_total(user, f)
            if user == rw.city_admin and f.unit == rw.province:
                assert total is None  # not the whole subtree in sight
                continue
            assert total == selectors.tasks_filtered(user, f).count()
    assert selectors.counted_total(rw.guidance, selectors.TaskFilters(unit=rw.county_a)) is None
    response = rw.client_for(rw.city_admin).get(
        reverse("rectification:task_list"), {"unit": rw.city_a.pk, "due": "overdue"}
    )
    assert response.context["page"].paginator.count == 2
