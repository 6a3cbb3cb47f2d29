"""The generic import framework: reading files, columns, errors, and running a job."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from openpyxl import Workbook

from chuxin.core import imports
from chuxin.core.imports import (
    CellError,
    ChoiceParser,
    Column,
    Counts,
    FileRefused,
    Importer,
    ImportRefused,
    Row,
    RowError,
    boolean_value,
    integer_value,
    read_table,
)
from chuxin.core.models import ImportJob, User
from chuxin.core.tasks import run_import


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading files --------------------------------------------------------------------------


def file_error(data: bytes) -> str:
    with pytest.raises(FileRefused) as info:
        read_table(data)
    [error] = info.value.errors
    assert error.row == 0
    return error.text()


def test_utf8_csv_with_bom_is_read_with_sheet_row_numbers() -> None:
    data = "\ufeffcode,name\nA,甲\n\n  B , 乙 \n".encode()
    table = read_table(data)
    assert table.headers == ["code", "name"]
    assert table.header_row == 1
    # The blank line is skipped but still counts: B is on row 4 of the sheet.
    assert table.rows == [(2, ["A", "甲"]), (4, ["B", "乙"])]
    assert table.notes == []


def test_gbk_csv_from_excel_is_detected_and_read() -> None:
    data = "单位代码,单位名称\nA,和平区党委\n".encode("gbk")
    table = read_table(data)
    assert table.headers == ["单位代码", "单位名称"]
    assert table.rows == [(2, ["A", "和平区党委"])]
    assert any("GB18030" in note for note in table.notes)


def test_semicolon_and_tab_separated_files_are_read() -> None:
    assert read_table(b"code;name\nA;x\n").rows == [(2, ["A", "x"])]
    assert read_table(b"code\tname\nA\tx\n").rows == [(2, ["A", "x"])]


def test_undecodable_bytes_are_a_clear_error() -> None:
    assert "GB18030" in file_error(b"code,name\n\xff\xff,x\n")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image"),
        (b"code,name\x00\x00\x01", "binary"),
        (b"code,name\n", "no data rows"),
    ],
)
def test_wrong_or_empty_files_are_refused_with_a_message(data: bytes, words: str) -> None:
    assert words in file_error(data)


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "not an Excel workbook" in file_error(buffer.getvalue())


def test_a_damaged_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not a workbook")
    assert ".xlsx" in file_error(buffer.getvalue())


def test_a_file_over_the_size_limit_is_refused(settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 20
    assert "larger than" in file_error(b"code,name\n" + b"A,x\n" * 10)


def test_xlsx_cells_become_text() -> None:
    data = xlsx_bytes(
        [["code", "order", "flag"], [1001, 2.0, True], [None, None, None], ["x", 1.5, None]]
    )
    table = read_table(data)
    assert table.format == "xlsx"
    assert table.rows == [(2, ["1001", "2", "true"]), (4, ["x", "1.5", ""])]


# --- Values and columns ---------------------------------------------------------------------


def test_choice_parser_accepts_values_labels_and_aliases() -> None:
    parser = ChoiceParser([("county", "county / district")], {"county": ["县(市、区)", "县区"]})
    for raw in [
        "county",
        "COUNTY",
        "County / District",
        "县区",
        "县\uff08市、区\uff09",
        "县(市、区)",
    ]:
        assert parser(raw) == "county"
    with pytest.raises(CellError) as info:
        parser("town")
    assert "county" in str(info.value.params["accepted"])


def test_boolean_and_integer_values() -> None:
    assert [boolean_value(v) for v in ["是", "否", "YES", "no", "true", "False", "1", "0"]] == [
        True,
        False,
        True,
        False,
        True,
        False,
        True,
        False,
    ]
    with pytest.raises(CellError):
        boolean_value("maybe")
    assert integer_value("3") == 3
    assert integer_value("3.0") == 3
    for bad in ["3.5", "three", str(2**40)]:
        with pytest.raises(CellError):
            integer_value(bad)


def test_column_clean_checks_blank_and_length() -> None:
    column = Column("code", "Code", blank=False, max_length=3)
    assert column.clean("abc") == "abc"
    with pytest.raises(CellError) as info:
        column.clean("")
    assert "empty" in RowError(2, "code", info.value.message, params=info.value.params).text()
    with pytest.raises(CellError) as info:
        column.clean("abcd")
    assert info.value.params == {"max": 3, "length": 4}
    assert Column("order", "Order", default=0).clean("") == 0


# --- A small importer to run jobs with ------------------------------------------------------


class Fruit(Importer):
    """Counts rows; refuses a row whose colour is "bad"; fails on a colour "crash"."""

    kind = "test-fruit"
    label = "Fruit"
    columns = (
        Column("code", "Code", aliases=("代码",), required=True, blank=False, max_length=5),
        Column("colour", "Colour", aliases=("颜色",), required=True),
        Column("weight", "Weight", aliases=("重量",), parser=integer_value),
    )
    applied: list[list[Row]] = []
    kind_in_progress: str | None = None

    def validate(self, rows: list[Row], actor: Any) -> list[RowError]:
        return [
            RowError(r.number, "colour", "Bad colour %(c)s.", r.raw["colour"], {"c": "bad"})
            for r in rows
            if r.values.get("colour") == "bad"
        ]

    def apply(self, clean_rows: list[Row], actor: Any) -> Counts:
        ImportJob.objects.create(kind="written-inside", original_name="x")
        if any(r.values.get("colour") == "crash" for r in clean_rows):
            raise RuntimeError("boom")
        if any(r.values.get("colour") == "late" for r in clean_rows):
            raise ImportRefused([RowError(2, "colour", "Too late.")])
        self.applied.append(clean_rows)
        type(self).kind_in_progress = imports.import_in_progress()
        return Counts(created=len(clean_rows))


@pytest.fixture
def fruit(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[Fruit]]:
    imports.registered()  # discover the real ones first
    monkeypatch.setitem(imports._registry, Fruit.kind, Fruit)
    Fruit.applied = []
    yield Fruit


def run(data: bytes, actor: Any = None, name: str = "fruit.csv", **kwargs: Any) -> ImportJob:
    job = imports.import_job_create(
        actor=actor, kind=Fruit.kind, file=ContentFile(data), original_name=name
    )
    return imports.import_run(actor=actor, job=job, **kwargs)


@pytest.mark.django_db
def test_a_good_file_runs_to_done_with_counts_and_progress(fruit: type[Fruit]) -> None:
    seen: list[tuple[int, int]] = []
    job = run(
        "代码,颜色,重量,extra\nA,red,3,x\nB,green,,y\n".encode(),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.processed_rows, job.created_count) == (2, 2, 2)
    assert job.percent == 100
    assert seen[-1] == (2, 2)
    assert any("extra" in note for note in job.notes)
    [rows] = fruit.applied
    assert rows[1].values == {"code": "B", "colour": "green", "weight": None}


@pytest.mark.django_db
def test_every_bad_cell_and_row_is_reported_and_nothing_applied(fruit: type[Fruit]) -> None:
    job = run(b"code,colour,weight\nTOOLONG,red,1\nB,bad,x\n,red,2\nD,green,4\n")
    assert job.status == ImportJob.Status.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (2, "code"),
        (3, "colour"),
        (3, "weight"),
        (4, "code"),
    ]
    assert job.errors[1]["message"] == "Bad colour bad."
    assert job.errors[2]["value"] == "x"
    assert fruit.applied == []
    assert not ImportJob.objects.filter(kind="written-inside").exists()


@pytest.mark.django_db
def test_a_missing_required_column_is_named(fruit: type[Fruit]) -> None:
    job = run(b"code,weight\nA,1\n")
    assert job.status == ImportJob.Status.REFUSED
    [error] = job.errors
    assert (error["row"], error["column"]) == (1, "colour")
    assert "colour" in error["message"] and "颜色" in error["message"]


@pytest.mark.django_db
def test_a_column_given_twice_is_refused(fruit: type[Fruit]) -> None:
    job = run("code,colour,颜色\nA,red,red\n".encode())
    assert job.status == ImportJob.Status.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [(1, "colour")]


@pytest.mark.django_db
def test_a_wrong_file_type_refuses_the_job(fruit: type[Fruit]) -> None:
    job = run(b"%PDF-1.7 ...", name="fruit.csv")
    assert job.status == ImportJob.Status.REFUSED
    assert "PDF" in job.errors[0]["message"]


@pytest.mark.django_db
def test_a_crash_inside_apply_rolls_back_and_fails_the_job(fruit: type[Fruit]) -> None:
    job = run(b"code,colour\nA,crash\n")
    assert job.status == ImportJob.Status.FAILED
    assert "boom" in job.errors[0]["message"]
    assert not ImportJob.objects.filter(kind="written-inside").exists()


@pytest.mark.django_db
def test_a_refusal_inside_apply_rolls_back(fruit: type[Fruit]) -> None:
    job = run(b"code,colour\nA,late\n")
    assert job.status == ImportJob.Status.REFUSED
    assert job.errors[0]["message"] == "Too late."
    assert not ImportJob.objects.filter(kind="written-inside").exists()


@pytest.mark.django_db
def test_a_finished_job_is_not_run_again(fruit: type[Fruit]) -> None:
    job = run(b"code,colour\nA,red\n")
    assert imports.import_run(actor=None, job=job).status == ImportJob.Status.DONE
    assert len(fruit.applied) == 1


@pytest.mark.django_db
def test_the_task_runs_a_job_by_id(fruit: type[Fruit]) -> None:
    user = User.objects.create_user("uploader")
    job = imports.import_job_create(
        actor=user, kind=Fruit.kind, file=ContentFile(b"code,colour\nA,red\n"), original_name="f"
    )
    result = run_import.enqueue(job.pk)
    assert result.return_value == ImportJob.Status.DONE
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 1


@pytest.mark.django_db
def test_stored_errors_show_in_the_readers_language(fruit: type[Fruit]) -> None:
    job = run(b"code,weight\nA,1\n")
    error = job.errors[0]
    assert error["msgid"].startswith("Required column")
    with translation.override("en"):
        assert imports.error_text(error).startswith("Required column colour is missing")
    # A message without its msgid (an older record) still shows as stored.
    assert imports.error_text({"message": "as stored"}) == "as stored"


def test_both_organization_importers_are_registered() -> None:
    kinds = [importer.kind for importer in imports.registered()]
    assert kinds[:2] == ["units", "members"]
    with pytest.raises(KeyError):
        imports.importer_for("nothing")


@pytest.mark.django_db
def test_receivers_can_tell_an_import_is_writing_and_hear_when_it_wrote(
    fruit: type[Fruit],
) -> None:
    heard: list[tuple[Any, int]] = []

    def listener(sender: Any, job: ImportJob, counts: Counts, **kwargs: Any) -> None:
        heard.append((sender, counts.created))

    imports.import_applied.connect(listener)
    try:
        job = run(b"code,colour\nA,red\nB,red\n")
        run(b"code,colour\nA,bad\n")
    finally:
        imports.import_applied.disconnect(listener)
    assert job.status == ImportJob.Status.DONE
    assert heard == [(Fruit, 2)]  # not for the refused file
    assert imports.import_in_progress() is None
    assert Fruit.kind_in_progress == Fruit.kind


def test_importers_are_listed_in_the_order_of_their_apps(fruit: type[Fruit]) -> None:
    kinds = [importer.kind for importer in imports.registered()]
    # Registered last, but its module belongs to core, which comes before the organization.
    assert kinds[:3] == [Fruit.kind, "units", "members"]
