"""Evidence through the API: multipart upload to a progress update or a stage objective with
the page's checks (type by name and content, size, count, path tricks), the download served
only in scope; and the ledger's .xlsx through the API with the page's filters and columns."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from chuxin.core.services import api_token_issue
from chuxin.rectification import ledger, services
from chuxin.rectification.models import Evidence, ProgressUpdate

from .conftest import RectWorld

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def _api(user: Any) -> Client:
    if user is None:
        return Client(HTTP_ACCEPT_LANGUAGE="en")
    _token, raw = api_token_issue(actor=user, user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def _upload(rw: RectWorld, user: Any, files: list[Any], **data: Any) -> Any:
    return _api(user).post(
        f"/api/v1/rectification/tasks/{rw.task.pk}/updates/upload",
        {"text": "已更换管线2公里", **data, "evidence": files},
    )


def test_progress_update_with_files_through_the_api(rw: RectWorld) -> None:
    response = _upload(
        rw,
        rw.member_user,
        [SimpleUploadedFile("现场.png", PNG), SimpleUploadedFile("../../报告.pdf", PDF)],
        percent="40",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    names = sorted(f["original_name"] for f in body["files"])
    assert names == ["报告.pdf", "现场.png"] and body["percent"] == 40
    stored = Evidence.objects.get(original_name="报告.pdf")
    stored_name = str(stored.file.name)
    assert stored.task_id == rw.task.pk and ".." not in stored_name
    assert "报告" not in stored_name  # a generated name on disk
    rw.task.refresh_from_db()
    assert rw.task.progress == 40 and rw.task.status == "in_progress"
    # Listed with the task's evidence, with where to download it.
    listed = _api(rw.city_admin).get(f"/api/v1/rectification/tasks/{rw.task.pk}/evidence")
    assert listed.json()["count"] == 2
    assert all(
        i["url"].startswith("/api/v1/rectification/evidence/") for i in listed.json()["items"]
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("run.exe", b"MZ" + b"\x00" * 40, "only images"),
        ("fake.pdf", b"<html>not a pdf</html>", "not the kind of file"),
        ("empty.png", b"", "empty"),
        ("page.html", b"<html></html>", "only images"),
    ],
)
def test_bad_files_are_refused_and_nothing_saved(
    rw: RectWorld, name: str, content: bytes, message: str
) -> None:
    response = _upload(rw, rw.city_admin, [SimpleUploadedFile(name, content)])
    assert response.status_code == 422
    assert message in str(response.json()["detail"]["evidence"])
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()


def test_too_large_and_too_many_files_are_refused(rw: RectWorld, settings: Any) -> None:
    settings.RECTIFICATION_EVIDENCE_MAX_BYTES = 1024
    big = PDF + b"0" * 2048
    response = _upload(rw, rw.city_admin, [SimpleUploadedFile("big.pdf", big)])
    assert response.status_code == 422 and "larger than" in str(response.json()["detail"])
    many = [SimpleUploadedFile(f"{i}.png", PNG) for i in range(11)]
    response = _upload(rw, rw.city_admin, many)
    assert response.status_code == 422 and "At most 10" in str(response.json()["detail"])
    assert not Evidence.objects.exists()


def test_bad_form_values_are_named(rw: RectWorld) -> None:
    response = _upload(rw, rw.city_admin, [], percent="140")
    assert response.status_code == 422 and "percent" in str(response.json()["detail"])
    response = _upload(rw, rw.city_admin, [], text="")
    assert response.status_code == 422
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = _upload(rw, rw.city_admin, [], date=future)
    assert response.status_code == 422 and "date" in response.json()["detail"]
    assert not ProgressUpdate.objects.exists()


UPLOAD = {
    "office": 201,
    "city_admin": 201,
    "other_county_admin": 404,
    "guidance": 403,
    "member_user": 201,  # the task's responsible person
    "anonymous": 401,
}
DOWNLOAD = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 200,
    "member_user": 200,
    "anonymous": 401,
}


@pytest.mark.parametrize("who", list(UPLOAD))
def test_upload_scope(rw: RectWorld, who: str) -> None:
    user = None if who == "anonymous" else getattr(rw, who)
    response = _upload(rw, user, [SimpleUploadedFile("a.png", PNG)])
    assert response.status_code == UPLOAD[who]


@pytest.mark.parametrize("who", list(DOWNLOAD))
def test_download_is_served_only_in_scope(rw: RectWorld, who: str) -> None:
    assert _upload(rw, rw.city_admin, [SimpleUploadedFile("证明.pdf", PDF)]).status_code == 201
    evidence = Evidence.objects.get()
    user = None if who == "anonymous" else getattr(rw, who)
    response = _api(user).get(f"/api/v1/rectification/evidence/{evidence.pk}")
    assert response.status_code == DOWNLOAD[who]
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_note_has_nothing_to_download(rw: RectWorld) -> None:
    from chuxin.rectification.evidence import evidence_note_add

    note = evidence_note_add(actor=rw.city_admin, task=rw.task, note="会议纪要存档于办公室")
    response = _api(rw.office).get(f"/api/v1/rectification/evidence/{note.pk}")
    assert response.status_code == 404


def test_stage_objective_evidence(rw: RectWorld) -> None:
    objective = services.stage_objective_add(
        actor=rw.city_admin,
        task=rw.task,
        title="排查管网",
        due_on=timezone.localdate() + dt.timedelta(days=5),
    )
    url = f"/api/v1/rectification/objectives/{objective.pk}/evidence"
    response = _api(rw.member_user).post(url, {"evidence": [SimpleUploadedFile("图.png", PNG)]})
    assert response.status_code == 201, response.content
    assert [f["original_name"] for f in response.json()] == ["图.png"]
    assert (
        _api(rw.guidance).post(url, {"evidence": [SimpleUploadedFile("x.png", PNG)]}).status_code
        == 403
    )
    assert (
        _api(rw.other_county_admin)
        .post(url, {"evidence": [SimpleUploadedFile("x.png", PNG)]})
        .status_code
        == 404
    )
    response = _api(rw.city_admin).post(url, {"evidence": [SimpleUploadedFile("x.txt", b"hi")]})
    assert response.status_code == 422
    response = _api(rw.city_admin).post(url, {})
    assert response.status_code == 422
    detail = _api(rw.city_admin).get(f"/api/v1/rectification/tasks/{rw.task.pk}").json()
    assert [f["original_name"] for f in detail["stage_objectives"][0]["files"]] == ["图.png"]
    page = rw.client_for(rw.city_admin).get(f"/rectification/tasks/{rw.task.pk}/")
    assert "图.png" in page.content.decode()


def test_evidence_list_has_bounded_queries(
    rw: RectWorld, django_assert_max_num_queries: Any
) -> None:
    for i in range(8):
        _upload(rw, rw.city_admin, [SimpleUploadedFile(f"{i}.png", PNG)])
    client = _api(rw.city_admin)
    with django_assert_max_num_queries(10):
        response = client.get(f"/api/v1/rectification/tasks/{rw.task.pk}/evidence")
    assert response.json()["count"] == 8
    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/rectification/tasks/{rw.task.pk}/updates")
    assert response.json()["count"] == 8


# --- The ledger through the API ---------------------------------------------------------------


def _ledger(user: Any, lang: str = "zh-hans", **params: Any) -> Any:
    client = _api(user)
    return client.get("/api/v1/rectification/ledger.xlsx", params, HTTP_ACCEPT_LANGUAGE=lang)


def _workbook(response: Any) -> Any:
    assert response.status_code == 200, response.content
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_ledger_xlsx_through_the_api_is_the_pages(rw: RectWorld) -> None:
    api = _workbook(_ledger(rw.city_admin, unit=rw.county_a.pk))
    page_client = rw.client_for(rw.city_admin)
    page_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    page = _workbook(
        page_client.get("/rectification/ledger/", {"format": "xlsx", "unit": rw.county_a.pk})
    )
    assert api.sheetnames == page.sheetnames
    for name in api.sheetnames[:3]:
        assert [[c.value for c in r] for r in api[name].iter_rows()] == [
            [c.value for c in r] for r in page[name].iter_rows()
        ]
    assert [c.value for c in api["问题清单"][1]] == [c.zh for c in ledger.PROBLEM_COLUMNS]
    english = _workbook(_ledger(rw.city_admin, lang="en"))
    assert english.sheetnames[0] == "Problem list"
    response = _ledger(rw.city_admin, unit=rw.county_a.pk)
    assert "ledger-P-A-1" in response["Content-Disposition"]


def test_ledger_api_filters_and_scope(rw: RectWorld) -> None:
    assert _workbook(_ledger(rw.city_admin, source="public"))["问题清单"].max_row == 2
    assert _workbook(_ledger(rw.city_admin, source="research"))["问题清单"].max_row == 1
    assert _workbook(_ledger(rw.city_admin, overdue="true"))["问题清单"].max_row == 1
    assert _workbook(_ledger(rw.other_county_admin))["问题清单"].max_row == 1
    assert _ledger(rw.other_county_admin, unit=rw.county_a.pk).status_code == 404
    assert _ledger(None).status_code == 401


def test_ledger_api_bad_filters_are_named(rw: RectWorld) -> None:
    response = _ledger(rw.city_admin, status="finished")
    assert response.status_code == 422
    response = _ledger(rw.city_admin, batch=999999)
    assert response.status_code == 422 and "batch" in response.json()["detail"]
    response = _ledger(rw.city_admin, unit="abc")
    assert response.status_code == 422
