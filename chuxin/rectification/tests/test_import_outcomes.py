"""The ledger import applies what happened: 整改进展 as a progress update, 完成情况 through
the status machine (verifier rules kept), 销号日期 as verified and closed on that date (only by
a verifier), 佐证材料 as an evidence note. Bad values are row errors; nothing is imported if
any row is bad; a re-import changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from chuxin.core import rollups
from chuxin.core.imports import import_job_create, import_run, job_error_rows
from chuxin.core.models import ImportJob
from chuxin.rectification import counters, ledger, services
from chuxin.rectification.importers import status_path
from chuxin.rectification.models import Evidence, ProgressUpdate, RectificationTask, TaskEvent

from .conftest import RectWorld

pytestmark = pytest.mark.django_db

KEYS = [c.key for c in ledger.PROBLEM_COLUMNS]


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([c.zh for c in ledger.PROBLEM_COLUMNS])
    for row in rows:
        sheet.append([row.get(k, "") for k in KEYS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _import(user: Any, data: bytes) -> ImportJob:
    job = import_job_create(
        actor=user, kind="rectification_ledger", file=ContentFile(data), original_name="台账.xlsx"
    )
    with translation.override("en"):
        return import_run(actor=user, job=job)


def _export(rw: RectWorld, user: Any) -> bytes:
    client = rw.client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = client.get("/rectification/ledger/", {"format": "xlsx"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    for name in workbook.sheetnames[1:]:
        del workbook[name]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _task_row(rw: RectWorld, **cells: Any) -> dict[str, Any]:
    """The row of the world's problem and task as the office keeps it."""
    return {
        "code": rw.problem.code,
        "source": "群众意见",
        "category": "群众急难愁盼问题",
        "description": "老旧小区供暖不达标\n群众反映冬季室温长期低于18度",
        "direction": rw.task.direction,
        "measures": "1. 排查管网\n2. 更换老化管线\n3. 回访群众",
        "leader": "王芳 (A0002)",
        "unit": "P-A-1",
        "person": "李明 (A0001)",
        "time_limit": rw.task.time_limit.isoformat(),
        "task_type": "限期整改",
        **cells,
    }


def _ok(job: ImportJob) -> None:
    assert job.status == ImportJob.Status.DONE, job_error_rows(job)


def test_progress_and_completed_submit_the_task(rw: RectWorld) -> None:
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    row = _task_row(rw, progress=f"{yesterday} 已更换管线3公里", status="已完成")
    job = _import(rw.city_admin, _xlsx([row]))
    _ok(job)
    assert job.updated_count == 1
    rw.task.refresh_from_db()
    assert rw.task.status == "submitted" and rw.task.submitted_on == timezone.localdate()
    update = ProgressUpdate.objects.get(task=rw.task)
    assert update.text == "已更换管线3公里" and update.date.isoformat() == yesterday
    assert [e.action for e in TaskEvent.objects.filter(task=rw.task)] == ["start", "submit"]
    assert not rollups.check(counters.rollup())
    # The same file again: nothing new.
    job = _import(rw.city_admin, _xlsx([row]))
    _ok(job)
    assert (job.updated_count, job.unchanged_count) == (0, 1)
    assert ProgressUpdate.objects.count() == 1


def test_closing_date_needs_a_verifier(rw: RectWorld) -> None:
    from chuxin.problems import services as problem_services

    # A task of the city itself: its administrator works on it but is not above it.
    problem = problem_services.problem_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        unit=rw.city_a,
        title="市级问题",
        source="self",
        category="other",
    )
    city_task = services.task_create(
        actor=rw.city_admin,
        campaign=rw.campaign,
        responsible_unit=rw.city_a,
        title="市级问题",
        problems=[problem],
        time_limit=timezone.localdate() + dt.timedelta(days=10),
    )
    closed = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    row = {
        "code": problem.code,
        "source": "自我检视",
        "category": "其他",
        "description": "市级问题",
        "unit": "P-A",
        "time_limit": city_task.time_limit.isoformat(),
        "task_type": "限期整改",
        "closed_on": closed,
    }
    job = _import(rw.city_admin, _xlsx([row]))
    assert job.status == ImportJob.Status.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "closed_on")]
    assert "verifier" in job.errors[0]["message"]
    city_task.refresh_from_db()
    assert city_task.status == "not_started"
    # The office is above the city: it may.
    job = _import(rw.office, _xlsx([row]))
    _ok(job)
    city_task.refresh_from_db()
    assert city_task.status == "verified" and city_task.closed_on.isoformat() == closed
    assert city_task.submitted_on is not None and city_task.closed_on is not None
    assert city_task.submitted_on <= city_task.closed_on
    assert city_task.verified_by == rw.office and city_task.closed_on_time
    assert not rollups.check(counters.rollup())


def test_verified_status_by_a_verifier_closes_in_two_steps(rw: RectWorld) -> None:
    job = _import(rw.city_admin, _xlsx([_task_row(rw, status="已销号")]))
    _ok(job)
    rw.task.refresh_from_db()
    assert rw.task.status == "verified" and rw.task.verified_by == rw.city_admin
    assert [e.action for e in TaskEvent.objects.filter(task=rw.task)] == ["submit", "accept"]
    rw.problem.refresh_from_db()
    assert rw.problem.status == "rectified"
    # Round trip of the closed task's export: unchanged.
    job = _import(rw.city_admin, _export(rw, rw.city_admin))
    _ok(job)
    assert job.unchanged_count == 1


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        ({"status": "做完了吧"}, "status", "Unknown value"),
        ({"closed_on": "2999-01-01"}, "closed_on", "future"),
        ({"closed_on": "昨天"}, "closed_on", "not a date"),
        ({"progress": "2999-01-01 提前写的"}, "progress", "future"),
        ({"status": "正在推进", "closed_on": "2020-01-01"}, "closed_on", "verified and closed"),
    ],
)
def test_bad_values_are_row_errors(
    rw: RectWorld, cells: dict[str, str], column: str, words: str
) -> None:
    job = _import(rw.city_admin, _xlsx([_task_row(rw, **cells)]))
    assert job.status == ImportJob.Status.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, column)]
    assert words in job.errors[0]["message"]


def test_refused_transitions_are_row_errors(rw: RectWorld) -> None:
    services.task_transition(actor=rw.city_admin, task=rw.task, action="submit")
    job = _import(rw.city_admin, _xlsx([_task_row(rw, status="正在推进")]))
    assert job.status == ImportJob.Status.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "status")]
    assert "cannot become" in job.errors[0]["message"]
    services.task_transition(actor=rw.city_admin, task=rw.task, action="accept")
    job = _import(rw.city_admin, _xlsx([_task_row(rw, progress="又补了一段")]))
    assert job.status == ImportJob.Status.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "progress")]


def test_one_bad_row_imports_nothing(rw: RectWorld) -> None:
    rows = [
        _task_row(rw, progress="完成一半", status="已完成", evidence="现场照片"),
        {
            "source": "群众意见",
            "category": "其他",
            "description": "新问题",
            "unit": "P-A-1",
            "time_limit": "2030-01-01",
            "status": "已销号",
            "closed_on": "2999-12-31",
        },
    ]
    job = _import(rw.city_admin, _xlsx(rows))
    assert job.status == ImportJob.Status.REFUSED
    assert {(e["row"], e["column"]) for e in job.errors} == {(3, "closed_on")}
    rw.task.refresh_from_db()
    assert rw.task.status == "not_started"
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    assert RectificationTask.objects.count() == 1


def test_evidence_becomes_a_note_once(rw: RectWorld) -> None:
    job = _import(rw.city_admin, _xlsx([_task_row(rw, evidence="会议纪要、现场照片")]))
    _ok(job)
    note = Evidence.objects.get(task=rw.task)
    assert note.note == "会议纪要、现场照片" and not note.file
    page = rw.client_for(rw.city_admin).get(f"/rectification/tasks/{rw.task.pk}/")
    assert "会议纪要、现场照片" in page.content.decode()
    # The export says the same, and imports back unchanged.
    job = _import(rw.city_admin, _export(rw, rw.city_admin))
    _ok(job)
    assert job.unchanged_count == 1 and Evidence.objects.count() == 1
    # A new item is added alone.
    job = _import(rw.city_admin, _xlsx([_task_row(rw, evidence="会议纪要、现场照片、整改报告")]))
    _ok(job)
    assert sorted(Evidence.objects.values_list("note", flat=True)) == [
        "会议纪要、现场照片",
        "整改报告",
    ]


def test_a_new_problem_row_with_its_outcome(rw: RectWorld) -> None:
    row = {
        "source": "调查研究",
        "category": "重大风险挑战",
        "description": "河道堤防隐患",
        "unit": "P-A-1-1",
        "time_limit": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "progress": "已完成加固方案",
        "status": "长期坚持",
    }
    job = _import(rw.city_admin, _xlsx([row]))
    _ok(job)
    task = RectificationTask.objects.get(title="河道堤防隐患")
    assert task.status == "long_term" and task.updates.get().text == "已完成加固方案"
    assert not rollups.check(counters.rollup())


def test_status_paths() -> None:
    assert status_path("in_progress", "verified") == ["submit", "accept"]
    assert status_path("not_started", "in_progress") == ["start"]
    assert status_path("verified", "in_progress") == ["reopen"]
    assert status_path("verified", "submitted") == ["reopen", "submit"]
    assert status_path("submitted", "in_progress") is None
    assert status_path("submitted", "long_term") is None
