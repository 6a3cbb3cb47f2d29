"""Bulk imports of units and members: by command, by the upload page, and every bad input."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from chuxin.core import imports
from chuxin.core.models import ImportJob, User
from chuxin.organization.models import Member, Unit, UnitRollup
from chuxin.organization.signals import members_bulk_changed
from conftest import World

pytestmark = pytest.mark.django_db

UNIT_HEADER = ["code", "name", "parent_code", "kind", "order"]
MEMBER_HEADER = [
    "member_number",
    "name",
    "unit_code",
    "gender",
    "cadre_level",
    "position",
    "is_leading_cadre",
]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(kind: str, data: bytes, actor: User, name: str = "import.csv") -> ImportJob:
    job = imports.import_job_create(
        actor=actor, kind=kind, file=ContentFile(data), original_name=name
    )
    return imports.import_run(actor=actor, job=job)


def snapshot() -> tuple[list[Any], ...]:
    """Everything an import could change, to compare before and after a refused one."""
    return (
        list(
            Unit.objects.order_by("pk").values_list(
                "pk", "code", "name", "kind", "order", "path", "depth", "numchild", "parent_id"
            )
        ),
        list(
            Member.objects.order_by("pk").values_list(
                "pk",
                "member_number",
                "name",
                "unit_id",
                "gender",
                "cadre_level",
                "position",
                "is_leading_cadre",
            )
        ),
        list(UnitRollup.objects.order_by("pk").values_list()),
        [Unit.history.count(), Member.history.count()],
    )


def assert_consistent() -> None:
    """The counters match the raw rows and the materialized path is sound."""
    call_command("check_counters", stdout=io.StringIO())
    assert all(problems == [] for problems in Unit.objects.find_problems())


def where(job: ImportJob) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in job.errors]


def refused(kind: str, rows: list[list[str]], actor: User) -> ImportJob:
    before = snapshot()
    job = run(kind, csv_bytes(rows), actor)
    assert job.status == ImportJob.Status.REFUSED, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 0)
    assert snapshot() == before
    assert_consistent()
    return job


def unit(code: str) -> Unit:
    return Unit.objects.select_related("rollup").get(code=code)


# --- Units: good files ----------------------------------------------------------------------

NEW_UNITS = [
    UNIT_HEADER,
    # A child before its parent: the file's order does not matter.
    ["P-A-2-1", "浑南街道", "P-A-2", "township", ""],
    ["P-A-2", "浑南区", "P-A", "county", "5"],
    ["P-A-1-2", "北市场街道", "P-A-1", "township", ""],
]


def test_a_city_admin_adds_units_with_computed_paths(world: World) -> None:
    job = run("units", csv_bytes(NEW_UNITS), world.city_admin)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    county, township, street = unit("P-A-2"), unit("P-A-2-1"), unit("P-A-1-2")
    city_a, county_a = unit("P-A"), unit("P-A-1")
    # After the highest existing child (P-A-1), steps of 4 base-36 characters.
    assert county.path == city_a.path + "0002" and county.depth == 3
    assert township.path == county.path + "0001" and township.parent == county
    assert street.path == county_a.path + "0002" and street.parent == county_a
    assert (county.order, township.order) == (5, 0)
    assert (city_a.numchild, county.numchild, county_a.numchild) == (2, 1, 2)
    assert city_a.rollup.subtree_units == 4 + 3
    assert_consistent()
    # The audit trail records who imported them.
    record = county.history.get()
    assert record.history_user == world.city_admin
    assert record.history_change_reason.startswith(f"import #{job.pk}")


def test_importing_the_same_file_twice_changes_nothing(world: World) -> None:
    run("units", csv_bytes(NEW_UNITS), world.city_admin)
    before = snapshot()
    job = run("units", csv_bytes(NEW_UNITS), world.city_admin)
    assert (job.status, job.created_count, job.updated_count, job.unchanged_count) == (
        ImportJob.Status.DONE,
        0,
        0,
        3,
    )
    assert snapshot() == before
    assert Unit.objects.filter(code="P-A-2").count() == 1


def test_new_top_level_units_follow_the_last_root(world: World) -> None:
    rows = [UNIT_HEADER, ["Q", "吉林省", "", "province", ""], ["Q-1", "长春市", "Q", "city", ""]]
    job = run("units", csv_bytes(rows), world.root)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert unit("Q").path == "0002" and unit("Q").depth == 1
    assert unit("Q-1").path == "00020001"
    assert_consistent()


def test_an_import_updates_names_kinds_and_order(world: World) -> None:
    rows = [
        UNIT_HEADER,
        ["P-A-1", "和平区委", "P-A", "party_committee", "3"],
        ["P-A-1-1", "南市场街道", "P-A-1", "township", ""],
    ]
    job = run("units", csv_bytes(rows), world.city_admin)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    county_a = unit("P-A-1")
    assert (county_a.name, county_a.kind, county_a.order) == ("和平区委", "party_committee", 3)
    assert county_a.history.first().history_user == world.city_admin
    assert_consistent()


def test_an_import_moves_a_unit_with_its_subtree_and_members(world: World) -> None:
    rows = [
        UNIT_HEADER,
        ["P-A-2", "浑南区", "P-A", "county", ""],
        ["P-A-1-1", "南市场街道", "P-A-2", "township", ""],
    ]
    job = run("units", csv_bytes(rows), world.city_admin)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created_count, job.updated_count) == (1, 1)
    township, new_county = unit("P-A-1-1"), unit("P-A-2")
    assert township.parent == new_county and township.path.startswith(new_county.path)
    assert unit("P-A-1-1-1").path.startswith(township.path)
    assert new_county.rollup.subtree_members == 1  # 李明 moved along with the branch
    assert unit("P-A-1").rollup.subtree_members == 1  # 王芳 stays in the county
    assert_consistent()
    # Then a roster transfers 王芳 into the moved township.
    rows = [MEMBER_HEADER, ["A0002", "王芳", "P-A-1-1", "female", "county", "区委书记", "yes"]]
    job = run("members", csv_bytes(rows), world.city_admin)
    assert (job.status, job.updated_count) == (ImportJob.Status.DONE, 1)
    assert unit("P-A-2").rollup.subtree_members == 2
    assert unit("P-A-2").rollup.subtree_leading_cadres == 1
    assert unit("P-A-1").rollup.subtree_members == 0
    assert unit("P-A").rollup.subtree_members == 2
    assert_consistent()


def test_an_import_can_swap_a_parent_and_its_child(world: World) -> None:
    rows = [
        UNIT_HEADER,
        ["P-A-1", "和平区", "P-A-1-1", "county", ""],
        ["P-A-1-1", "南市场街道", "P-A", "township", ""],
    ]
    job = run("units", csv_bytes(rows), world.city_admin)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert unit("P-A-1").parent == unit("P-A-1-1")
    assert unit("P-A-1-1").parent == unit("P-A")
    assert_consistent()


def test_a_gbk_csv_with_chinese_headers_and_labels_is_read(world: World) -> None:
    rows = [
        ["单位代码", "单位名称", "上级单位代码", "类型", "排序"],
        ["P-A-2", "浑南区", "P-A", "县(市、区)", "1"],
        ["P-A-2-1", "浑南区某社区党支部", "P-A-2", "党支部", ""],
        ["P-A-2-2", "浑南区某支部", "P-A-2", "支部", ""],
        ["P-A-3", "沈北新区", "P-A", "县区", ""],
    ]
    job = run("units", csv_bytes(rows, "gbk"), world.city_admin)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert any("GB18030" in note for note in job.notes)
    assert unit("P-A-2").name == "浑南区"
    assert [unit(c).kind for c in ["P-A-2", "P-A-2-1", "P-A-2-2", "P-A-3"]] == [
        "county",
        "branch",
        "branch",
        "county",
    ]
    assert_consistent()


def test_an_xlsx_workbook_is_imported(world: World) -> None:
    rows: list[list[Any]] = [
        ["单位代码", "单位名称", "上级单位代码", "类型", "排序"],
        ["P-A-2", "浑南区", "P-A", "county / district", 2],
        [1001, "数字代码支部", "P-A-2", "branch", None],
    ]
    job = run("units", xlsx_bytes(rows), world.city_admin, name="units.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert unit("1001").parent == unit("P-A-2")
    assert unit("P-A-2").order == 2
    assert_consistent()


# --- Units: bad files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["X1", "甲", "NOPE", "branch", ""]], [(2, "parent_code")]),
        ([["X1", "甲", "P-A", "branch", ""], ["X1", "乙", "P-A", "branch", ""]], [(3, "code")]),
        (
            [["X1", "甲", "X2", "branch", ""], ["X2", "乙", "X1", "branch", ""]],
            [
                (2, "parent_code"),
                (3, "parent_code"),
            ],
        ),
        ([["X1", "甲", "X1", "branch", ""]], [(2, "parent_code")]),
        ([["X1", "甲", "P-A", "castle", ""]], [(2, "kind")]),
        ([["X1", "", "P-A", "branch", ""]], [(2, "name")]),
        ([["", "甲", "P-A", "branch", ""]], [(2, "code")]),
        ([["X1", "甲", "P-A", "branch", "first"]], [(2, "order")]),
        ([["X" * 65, "甲", "P-A", "branch", ""]], [(2, "code")]),
        ([["X1", "甲" * 201, "P-A", "branch", ""]], [(2, "name")]),
        # A unit moved under its own descendant (the cycle runs through the database).
        ([["P-A-1", "和平区", "P-A-1-1-1", "county", ""]], [(2, "parent_code")]),
        # Outside the city administrator's scope: a parent, an existing unit, a new root.
        ([["X1", "甲", "P-B", "branch", ""]], [(2, "parent_code")]),
        ([["P-B-1", "中山区", "P-B", "county", ""]], [(2, "code")]),
        ([["X1", "甲", "", "province", ""]], [(2, "parent_code")]),
        # Moving a unit of the city out of it.
        ([["P-A-1", "和平区", "P-B", "county", ""]], [(2, "parent_code")]),
        # An existing unit cannot become top-level.
        ([["P-A-1", "和平区", "", "county", ""]], [(2, "parent_code")]),
    ],
)
def test_a_bad_unit_row_imports_nothing(
    world: World, rows: list[list[str]], expected: list[tuple[int, str]]
) -> None:
    good = [["OK-1", "好的单位", "P-A", "branch", ""]]
    job = refused("units", [UNIT_HEADER, *rows, *good], world.city_admin)
    assert where(job) == expected


def test_every_bad_unit_row_and_column_is_listed(world: World) -> None:
    rows = [
        UNIT_HEADER,
        ["X1", "甲", "P-A", "branch", ""],
        ["X2", "", "NOPE", "castle", "x"],
        ["X1", "丙", "P-A", "branch", ""],
        ["X4", "丁", "X5", "branch", ""],
        ["X5", "戊", "X4", "branch", ""],
    ]
    job = refused("units", rows, world.city_admin)
    assert where(job) == [
        (3, "name"),
        (3, "parent_code"),
        (3, "kind"),
        (3, "order"),
        (4, "code"),
        (5, "parent_code"),
        (6, "parent_code"),
    ]
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "NOPE" in messages[(3, "parent_code")]
    assert "row 2" in messages[(4, "code")]
    assert "X4 → X5 → X4" in messages[(5, "parent_code")]
    assert "castle" in messages[(3, "kind")]


def test_a_missing_required_column_is_named(world: World) -> None:
    job = refused("units", [["code", "name", "parent_code"], ["X1", "甲", "P-A"]], world.city_admin)
    assert where(job) == [(1, "kind")]
    assert "kind" in job.errors[0]["message"] and "类型" in job.errors[0]["message"]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".xls"),
        (b"", "empty"),
        (b"code,name,parent_code,kind\n\xff\xfe\xff,x,P-A,branch\n", "GB18030"),
    ],
)
def test_a_wrong_file_imports_nothing(world: World, data: bytes, words: str) -> None:
    before = snapshot()
    job = run("units", data, world.city_admin, name="units.xls")
    assert job.status == ImportJob.Status.REFUSED
    assert words in job.errors[0]["message"]
    assert snapshot() == before


def test_a_county_admin_of_another_city_cannot_import_under_city_a(world: World) -> None:
    rows = [
        UNIT_HEADER,
        ["P-A-1-9", "甲", "P-A-1", "branch", ""],
        ["P-B-1-9", "乙", "P-B-1", "branch", ""],
    ]
    job = refused("units", rows, world.other_county_admin)
    assert where(job) == [(2, "parent_code")]
    assert "outside the units you manage" in job.errors[0]["message"]


# --- Members --------------------------------------------------------------------------------


def test_members_are_added_with_chinese_headers_and_values(world: World) -> None:
    rows = [
        ["党员编号", "姓名", "所在单位代码", "性别", "干部层级", "职务", "是否领导干部"],
        ["A1001", "张伟", "P-A-1-1-1", "男", "普通党员", "", "否"],
        ["A1002", "刘洋", "P-A-1", "女", "县处级", "副区长", "是"],
        ["A1003", "陈静", "P-A-1-1", "F", "section", "", ""],
    ]
    seen: list[list[int]] = []

    def listener(sender: Any, member_ids: list[int], **kwargs: Any) -> None:
        seen.append(member_ids)

    members_bulk_changed.connect(listener)
    try:
        job = run("members", csv_bytes(rows, "gb18030"), world.city_admin)
    finally:
        members_bulk_changed.disconnect(listener)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    liu = Member.objects.get(member_number="A1002")
    assert (liu.gender, liu.cadre_level, liu.is_leading_cadre, liu.position) == (
        "female",
        "county",
        True,
        "副区长",
    )
    assert Member.objects.get(member_number="A1003").cadre_level == "section"
    assert unit("P-A").rollup.subtree_members == 2 + 3
    assert unit("P-A").rollup.subtree_leading_cadres == 1 + 1
    assert liu.history.get().history_user == world.city_admin
    assert sorted(seen[0]) == sorted(
        Member.objects.filter(member_number__startswith="A100").values_list("pk", flat=True)
    )
    assert_consistent()


def test_reimporting_a_roster_is_idempotent_and_moves_transfer(world: World) -> None:
    rows = [
        MEMBER_HEADER,
        ["A0001", "李明", "P-A-1-1-1", "male", "ordinary", "", "no"],
        ["A0002", "王芳", "P-A-1", "female", "county", "区委书记", "yes"],
    ]
    job = run("members", csv_bytes(rows), world.city_admin)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    # Now 李明 moves to the township and becomes a section-level cadre.
    rows[1] = ["A0001", "李明", "P-A-1-1", "male", "section", "主任", "yes"]
    job = run("members", csv_bytes(rows), world.city_admin)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    li = Member.objects.get(member_number="A0001")
    assert (li.unit.code, li.cadre_level, li.is_leading_cadre) == ("P-A-1-1", "section", True)
    assert unit("P-A-1-1-1").rollup.members == 0
    assert unit("P-A-1-1").rollup.members == 1
    assert unit("P-A").rollup.subtree_leading_cadres == 2
    assert_consistent()
    before = snapshot()
    job = run("members", csv_bytes(rows), world.city_admin)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    assert snapshot() == before


def test_a_member_file_without_optional_columns_keeps_their_values(world: World) -> None:
    rows = [["member_number", "name", "unit_code", "gender"], ["A0002", "王芳", "P-A-1", "女"]]
    job = run("members", csv_bytes(rows), world.city_admin)
    assert (job.updated_count, job.unchanged_count) == (0, 1)
    assert Member.objects.get(member_number="A0002").cadre_level == "county"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["M1", "甲", "NOPE", "male", "", "", ""], [(2, "unit_code")]),
        (["M1", "甲", "P-A-1", "robot", "", "", ""], [(2, "gender")]),
        (["M1", "甲", "P-A-1", "male", "emperor", "", ""], [(2, "cadre_level")]),
        (["M1", "甲", "P-A-1", "male", "", "", "perhaps"], [(2, "is_leading_cadre")]),
        (["M1", "", "P-A-1", "male", "", "", ""], [(2, "name")]),
        (["", "甲", "P-A-1", "male", "", "", ""], [(2, "member_number")]),
        (["M1", "甲", "P-A-1", "male", "", "职" * 201, ""], [(2, "position")]),
        (["M" * 41, "甲", "P-A-1", "male", "", "", ""], [(2, "member_number")]),
        (["OK1", "乙", "P-A-1", "male", "", "", ""], [(3, "member_number")]),
        # Outside the city administrator's scope: the unit, or the member's current unit.
        (["M1", "甲", "P-B-1-1", "male", "", "", ""], [(2, "unit_code")]),
        (["B0001", "赵强", "P-A-1", "male", "", "", ""], [(2, "member_number")]),
    ],
)
def test_a_bad_member_row_imports_nothing(
    world: World, row: list[str], expected: list[tuple[int, str]]
) -> None:
    good = ["OK1", "好", "P-A-1", "male", "", "", ""]
    job = refused("members", [MEMBER_HEADER, row, good], world.city_admin)
    assert where(job) == expected


def test_a_county_admin_of_another_city_cannot_add_members_in_city_a(world: World) -> None:
    rows = [MEMBER_HEADER, ["M1", "甲", "P-A-1-1-1", "male", "", "", ""]]
    job = refused("members", rows, world.other_county_admin)
    assert where(job) == [(2, "unit_code")]


def test_a_member_file_missing_a_column_says_which(world: World) -> None:
    job = refused(
        "members", [["member_number", "name", "gender"], ["M1", "甲", "男"]], world.city_admin
    )
    assert where(job) == [(1, "unit_code")]


# --- Commands -------------------------------------------------------------------------------


def test_the_commands_import_and_report(world: World, tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_bytes(csv_bytes(NEW_UNITS))
    out = io.StringIO()
    call_command("import_units", str(units), "--user", "city_admin", stdout=out)
    assert "created 3" in out.getvalue()
    members = tmp_path / "members.xlsx"
    members.write_bytes(
        xlsx_bytes([MEMBER_HEADER, ["M1", "甲", "P-A-2-1", "男", "乡科级", "书记", "是"]])
    )
    out = io.StringIO()
    call_command("import_members", str(members), stdout=out)  # as the superuser
    assert "created 1" in out.getvalue()
    assert Member.objects.get(member_number="M1").unit.code == "P-A-2-1"
    assert_consistent()


def test_a_refused_file_makes_the_command_fail_listing_every_error(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "units.csv"
    path.write_bytes(
        csv_bytes(
            [UNIT_HEADER, ["X1", "甲", "NOPE", "branch", ""], ["X2", "乙", "P-A", "castle", ""]]
        )
    )
    err = io.StringIO()
    before = snapshot()
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_units", str(path), "--user", "city_admin", stderr=err)
    assert "row 2, column parent_code" in err.getvalue()
    assert "row 3, column kind" in err.getvalue()
    assert snapshot() == before


def test_the_command_refuses_a_missing_file_and_unknown_user(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_units", str(tmp_path / "nope.csv"))
    path = tmp_path / "u.csv"
    path.write_bytes(csv_bytes(NEW_UNITS))
    with pytest.raises(CommandError, match="no active user"):
        call_command("import_units", str(path), "--user", "nobody")


# --- Pages ----------------------------------------------------------------------------------


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def csv_text(response: Any) -> str:
    return body(response).decode("utf-8-sig")


def upload(client: Any, kind: str, data: bytes, name: str, capture: Any) -> Any:
    with capture(execute=True):
        response = client.post(
            reverse("organization:import_start"),
            {"kind": kind, "file": SimpleUploadedFile(name, data)},
        )
    assert response.status_code == 302
    return client.get(response["Location"])


def test_the_upload_page_imports_a_good_file(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for(world.city_admin)
    page = client.get(reverse("organization:import_start"))
    assert page.status_code == 200
    assert "上级单位代码" in page.content.decode()
    response = upload(
        client, "units", csv_bytes(NEW_UNITS), "units.csv", django_capture_on_commit_callbacks
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="count-created">3<' in html
    assert "w-pct-100" in html and "hx-trigger" not in html
    assert Unit.objects.filter(code__in=["P-A-2", "P-A-2-1", "P-A-1-2"]).count() == 3
    job = ImportJob.objects.get()
    assert (job.created_by, job.original_name, job.status) == (
        world.city_admin,
        "units.csv",
        "done",
    )
    assert_consistent()


def test_the_upload_page_lists_every_error_of_a_bad_file(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for(world.city_admin)
    data = csv_bytes(
        [
            ["单位代码", "单位名称", "上级单位代码", "类型"],
            ["X1", "甲", "NOPE", "branch"],
            ["X2", "乙", "P-A", "castle"],
        ]
    )
    before = snapshot()
    response = upload(client, "units", data, "bad.csv", django_capture_on_commit_callbacks)
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "上级单位代码" in html and "类型" in html and "castle" in html
    assert "Unknown parent code NOPE" in html
    assert snapshot() == before
    job = ImportJob.objects.get()
    report = client.get(reverse("organization:import_errors", args=[job.pk, "xlsx"]))
    rows = sheet_rows(report)
    assert rows[0] == ("Row", "Column", "Value", "Problem")
    assert [r[:3] for r in rows[1:]] == [(2, "上级单位代码", "NOPE"), (3, "类型", "castle")]
    report = client.get(reverse("organization:import_errors", args=[job.pk, "csv"]))
    assert "castle" in csv_text(report)


def test_a_running_job_polls_and_a_finished_one_stops(world: World) -> None:
    job = imports.import_job_create(
        actor=world.city_admin,
        kind="units",
        file=ContentFile(csv_bytes(NEW_UNITS)),
        original_name="u.csv",
    )
    ImportJob.objects.filter(pk=job.pk).update(status="running", total_rows=4, processed_rows=1)
    client = world.client_for(world.city_admin)
    url = reverse("organization:import_job", args=[job.pk])
    page = client.get(url)
    assert 'hx-trigger="every 1s"' in page.content.decode()
    assert "w-pct-25" in page.content.decode()
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<section id="import-status"')
    ImportJob.objects.filter(pk=job.pk).update(status="done", processed_rows=4)
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in partial.content.decode()
    assert "w-pct-100" in partial.content.decode()


def test_a_job_is_visible_only_to_its_creator_and_superusers(world: World) -> None:
    job = run("units", csv_bytes(NEW_UNITS), world.city_admin)
    url = reverse("organization:import_job", args=[job.pk])
    errors_url = reverse("organization:import_errors", args=[job.pk, "csv"])
    assert world.client_for(world.city_admin).get(url).status_code == 200
    assert world.client_for(world.root).get(url).status_code == 200
    for user in [world.office, world.other_county_admin, world.member_user]:
        assert world.client_for(user).get(url).status_code == 404
        assert world.client_for(user).get(errors_url).status_code == 404
    assert world.client_for(None).get(url).status_code == 302


def test_only_unit_managers_see_the_upload_page_and_templates(world: World) -> None:
    start = reverse("organization:import_start")
    template = reverse("organization:import_template", args=["units", "csv"])
    for user in [world.guidance, world.member_user]:
        client = world.client_for(user)
        assert client.get(start).status_code == 404
        assert client.get(template).status_code == 404
        assert client.post(start, {"kind": "units"}).status_code == 404
    for user in [world.office, world.city_admin, world.other_county_admin, world.root]:
        assert world.client_for(user).get(start).status_code == 200


def test_the_templates_have_the_header_and_an_example_row(world: World) -> None:
    client = world.client_for(world.city_admin)
    response = client.get(reverse("organization:import_template", args=["members", "csv"]))
    lines = csv_text(response).splitlines()
    assert lines[0] == ",".join(MEMBER_HEADER)
    assert len(lines) == 2
    response = client.get(reverse("organization:import_template", args=["units", "xlsx"]))
    rows = sheet_rows(response)
    assert list(rows[0]) == UNIT_HEADER and len(rows) == 2
    # In Chinese, the header row is in Chinese; both are accepted by the importer.
    client = world.client_for(world.city_admin)
    response = client.get(
        reverse("organization:import_template", args=["units", "csv"]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    header = csv_text(response).splitlines()[0]
    assert header == "单位代码,单位名称,上级单位代码,类型,排序"
    assert (
        client.get(reverse("organization:import_template", args=["units", "pdf"])).status_code
        == 404
    )
    assert (
        client.get(reverse("organization:import_template", args=["other", "csv"])).status_code
        == 404
    )


def test_an_upload_over_the_size_limit_is_refused_by_the_form(world: World, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 10
    client = world.client_for(world.city_admin)
    response = client.post(
        reverse("organization:import_start"),
        {"kind": "units", "file": SimpleUploadedFile("u.csv", csv_bytes(NEW_UNITS))},
    )
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_job_page_makes_a_bounded_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    rows = [UNIT_HEADER] + [[f"X{i}", "甲", "NOPE", "castle", ""] for i in range(200)]
    job = run("units", csv_bytes(rows), world.city_admin)
    assert len(job.errors) == 400
    client = world.client_for(world.city_admin)
    url = reverse("organization:import_job", args=[job.pk])
    with django_assert_max_num_queries(4):  # session, user, job (+1 to spare)
        response = client.get(url)
    assert response.content.decode().count("<tr>") == 401
    for _ in range(12):
        run("units", csv_bytes(NEW_UNITS), world.city_admin)
    with django_assert_max_num_queries(5):  # session, user, roles, recent jobs (+1)
        response = client.get(reverse("organization:import_start"))
    assert response.content.decode().count('href="/org/imports/') >= 10


def test_the_pages_speak_chinese_and_errors_follow_the_readers_language(world: World) -> None:
    job = run(
        "units", csv_bytes([UNIT_HEADER, ["X1", "甲", "NOPE", "branch", ""]]), world.city_admin
    )
    client = world.client_for(world.city_admin)
    page = client.get(reverse("organization:import_start"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "导入单位或党员" in page.content.decode()
    url = reverse("organization:import_job", args=[job.pk])
    assert "Unknown parent code NOPE" in client.get(url).content.decode()
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未知的上级单位代码 NOPE" in html
