"""The ledger: three lists with filters, the .xlsx export in the office format (frozen header,
dropdowns, one sheet per list), the import from it (bad input refused whole, with a report
naming row and column), and the export → import round trip that updates by 问题编号."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from chuxin.core import rollups
from chuxin.core.imports import import_job_create, import_run, job_error_rows
from chuxin.core.models import ImportJob
from chuxin.problems.models import Problem
from chuxin.rectification import counters, ledger, services
from chuxin.rectification.models import RectificationTask, StageObjective

from .conftest import RectWorld

pytestmark = pytest.mark.django_db

ZH_HEADERS = [c.zh for c in ledger.PROBLEM_COLUMNS]


def _export(rw: RectWorld, user: Any, lang: str = "zh-hans", **params: Any) -> Any:
    client = rw.client_for(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = lang
    response = client.get(reverse("rectification:ledger"), {"format": "xlsx", **params})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _import(rw: RectWorld, user: Any, data: bytes, name: str = "台账.xlsx") -> ImportJob:
    job = import_job_create(
        actor=user, kind="rectification_ledger", file=ContentFile(data), original_name=name
    )
    with translation.override("en"):
        return import_run(actor=user, job=job)


def _xlsx(rows: list[list[Any]], headers: list[str] = ZH_HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _row(**cells: Any) -> list[Any]:
    keys = [c.key for c in ledger.PROBLEM_COLUMNS]
    return [cells.get(k, "") for k in keys]


def test_export_has_the_office_format(rw: RectWorld) -> None:
    today = timezone.localdate()
    services.stage_objective_add(
        actor=rw.city_admin, task=rw.task, title="排查管网", due_on=today + dt.timedelta(days=3)
    )
    workbook = _export(rw, rw.city_admin)
    assert workbook.sheetnames[:3] == ["问题清单", "任务清单", "责任清单"]
    sheet = workbook["问题清单"]
    assert [c.value for c in sheet[1]] == ZH_HEADERS
    assert sheet.freeze_panes == "A2"
    row = {h: c.value for h, c in zip(ZH_HEADERS, sheet[2], strict=True)}
    assert row["问题编号"] == rw.problem.code and row["责任单位"] == "和平区"
    assert row["整改措施"] == "1. 排查管网\n2. 更换老化管线\n3. 回访群众"
    assert row["阶段目标"].endswith("排查管网")
    validated = {str(v.sqref).split(":")[0][:1] for v in sheet.data_validations.dataValidation}
    assert validated == {"C", "D", "M", "P"}  # source, category, type, completion
    assert workbook["任务清单"].max_row == 2 and workbook["责任清单"].max_row == 2
    english = _export(rw, rw.city_admin, lang="en")
    assert english.sheetnames[:3] == ["Problem list", "Task list", "Responsibility list"]
    assert english["Problem list"]["B1"].value == "Problem number"


def test_export_respects_scope_and_filters(rw: RectWorld) -> None:
    assert _export(rw, rw.other_county_admin)["问题清单"].max_row == 1
    assert _export(rw, rw.city_admin, overdue="on")["问题清单"].max_row == 1
    assert _export(rw, rw.city_admin, source="public")["问题清单"].max_row == 2
    assert _export(rw, rw.city_admin, source="research")["问题清单"].max_row == 1


@pytest.mark.parametrize("which", ["problems", "tasks", "responsibility"])
def test_ledger_pages(rw: RectWorld, which: str) -> None:
    response = rw.client_for(rw.city_admin).get(
        reverse("rectification:ledger"), {"list": which, "unit": rw.city_a.pk}
    )
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1
    response = rw.client_for(rw.other_county_admin).get(
        reverse("rectification:ledger"), {"list": which}
    )
    assert len(response.context["rows"]) == 0


def test_round_trip_updates_by_problem_number(rw: RectWorld) -> None:
    today = timezone.localdate()
    services.stage_objective_add(
        actor=rw.city_admin, task=rw.task, title="排查管网", due_on=today + dt.timedelta(days=3)
    )
    out = io.BytesIO()
    _export(rw, rw.city_admin).save(out)
    job = _import(rw, rw.city_admin, out.getvalue())
    assert job.status == ImportJob.Status.DONE, job_error_rows(job)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 1)
    assert Problem.objects.count() == 1 and RectificationTask.objects.count() == 1

    # The office edits its sheet: a new time limit, a stage objective done, a new problem.
    workbook = _export(rw, rw.city_admin)
    sheet = workbook["问题清单"]
    limit = (today + dt.timedelta(days=40)).isoformat()
    sheet["L2"] = limit
    sheet["N2"] = f"{(today + dt.timedelta(days=3)).isoformat()} 排查管网 ✓{today.isoformat()}"
    sheet.append(
        _row(
            source="调查研究",
            category="重大风险挑战",
            description="河道堤防隐患\n汛期存在溃堤风险",
            unit="P-A-1-1",
            measures="1. 加固堤防\n2. 建立巡查制度",
            person="李明 (A0001)",
            time_limit=limit,
            task_type="立行立改",
        )
    )
    out = io.BytesIO()
    workbook.save(out)
    job = _import(rw, rw.city_admin, out.getvalue())
    assert job.status == ImportJob.Status.DONE, job_error_rows(job)
    assert (job.created_count, job.updated_count) == (1, 1)
    rw.task.refresh_from_db()
    assert rw.task.time_limit.isoformat() == limit and rw.task.progress == 100
    assert StageObjective.objects.get(task=rw.task).done_on == today
    new = Problem.objects.get(title="河道堤防隐患")
    assert new.description == "汛期存在溃堤风险" and new.source == "research"
    task = new.tasks.get()
    assert task.measures == ["加固堤防", "建立巡查制度"] and task.task_type == "immediate"
    assert task.responsible_person == rw.member
    assert not rollups.check(counters.rollup())
    # And once more: nothing changes, nothing doubles.
    out = io.BytesIO()
    _export(rw, rw.city_admin).save(out)
    job = _import(rw, rw.city_admin, out.getvalue())
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    assert Problem.objects.count() == 2


def test_bad_rows_import_nothing_and_are_named(rw: RectWorld) -> None:
    limit = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    good = _row(source="群众意见", category="其他", description="好的一行", unit="P-A-1")
    rows = [
        good,
        _row(source="天上掉的", category="其他", description="来源不对", unit="P-A-1"),
        _row(source="群众意见", category="其他", description="", unit="P-A-1"),
        _row(source="群众意见", category="其他", description="单位不对", unit="P-B-1"),
        _row(
            source="群众意见",
            category="其他",
            description="日期不对",
            unit="P-A-1",
            time_limit="明年",
        ),
        _row(
            source="群众意见",
            category="其他",
            description="没有时限",
            unit="P-A-1",
            measures="做点什么",
        ),
        _row(
            source="群众意见",
            category="其他",
            description="领导不是领导干部",
            unit="P-A-1",
            leader="A0001",
            time_limit=limit,
        ),
        _row(
            source="群众意见",
            category="其他",
            description="阶段目标格式不对",
            unit="P-A-1",
            time_limit=limit,
            objectives="下周 排查",
        ),
        _row(
            code=rw.problem.code,
            source="群众意见",
            category="其他",
            description="重复1",
            unit="P-A-1",
        ),
        _row(
            code=rw.problem.code,
            source="群众意见",
            category="其他",
            description="重复2",
            unit="P-A-1",
        ),
    ]
    job = _import(rw, rw.city_admin, _xlsx(rows))
    assert job.status == ImportJob.Status.REFUSED
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {
        (3, "source"),
        (4, "description"),
        (5, "unit"),
        (6, "time_limit"),
        (7, "time_limit"),
        (8, "leader"),
        (9, "objectives"),
        (11, "code"),
    }
    assert Problem.objects.count() == 1 and RectificationTask.objects.count() == 1
    report = job_error_rows(job)
    assert any(r["column"] == "问题来源" and "天上掉的" in r["message"] for r in report)


def test_a_missing_required_column_refuses_the_file(rw: RectWorld) -> None:
    job = _import(rw, rw.city_admin, _xlsx([["x"]], headers=["问题描述"]))
    assert job.status == ImportJob.Status.REFUSED
    assert {e["column"] for e in job.errors} >= {"source", "category", "unit"}


def test_someone_elses_problem_number_is_refused(rw: RectWorld) -> None:
    row = _row(
        code=rw.problem.code,
        source="群众意见",
        category="其他",
        description="改别人的",
        unit="P-B-1",
    )
    job = _import(rw, rw.other_county_admin, _xlsx([row]))
    assert job.status == ImportJob.Status.REFUSED
    assert {e["column"] for e in job.errors} == {"code"}
    rw.problem.refresh_from_db()
    assert rw.problem.title == "老旧小区供暖不达标"
