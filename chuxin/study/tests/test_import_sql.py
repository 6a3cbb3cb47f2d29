"""On PostgreSQL the study records import runs set-based (``study.import_sql``): on the same
good and bad files it gives exactly what the row-by-row path gives (status, every error with
its row, column, value and message, counts, notes), the same records and the same counters;
re-importing adds nothing."""

from __future__ import annotations

import codecs
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from chuxin.core import imports
from chuxin.core.models import ImportJob
from chuxin.organization import services as org
from chuxin.study import import_sql, services
from chuxin.study.importers import StudyRecordImporter
from chuxin.study.models import (
    MemberStudyProgress,
    StudyRecord,
    UnitItemProgress,
    UnitStudyRollup,
)

from .conftest import StudyWorld

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's"),
]


def day(offset: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=offset)).isoformat()


def _run(actor: Any, data: bytes, name: str = "records.csv") -> ImportJob:
    job = imports.import_job_create(
        actor=actor, kind="study_records", file=ContentFile(data), original_name=name
    )
    return imports.import_run(actor=actor, job=job)


def _outcome(job: ImportJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "errors": [
            (e["row"], e["column"], e["header"], e["value"], e["msgid"], e["params"])
            for e in job.errors
        ],
        "messages": [e["message"] for e in job.errors],
        "counts": (job.created_count, job.updated_count, job.unchanged_count),
        "rows": (job.total_rows, job.processed_rows),
        "notes": job.notes,
    }


def _state() -> dict[str, Any]:
    progress_fields = ("member_id", "unit_id", "active", "required_items", "done_items",
                       "covered", "makeup_owed", "recorded", "required_list", "owed_list",
                       "makeup_list")  # fmt: skip
    item_fields = ("unit_id", "item_id", "required", "done", "subtree_required",
                   "subtree_done")  # fmt: skip
    records = StudyRecord.objects.values_list(
        "member_id", "item_id", "date", "hours", "source", "created_by_id"
    )
    items = UnitItemProgress.objects.exclude(
        required=0, done=0, subtree_required=0, subtree_done=0
    ).values_list(*item_fields)
    return {
        "records": sorted(records),
        "progress": sorted(MemberStudyProgress.objects.values_list(*progress_fields)),
        "rollups": sorted(UnitStudyRollup.objects.values_list()),
        "items": sorted(items),
    }


@pytest.fixture
def path(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bool]]:
    """Which path the importer takes: ``path["whole"] = False`` forces the row-by-row one."""
    chosen = {"whole": True}
    original = StudyRecordImporter.takes_whole_file

    def takes(self: StudyRecordImporter, data: bytes) -> bool:
        return chosen["whole"] and original(self, data)

    monkeypatch.setattr(StudyRecordImporter, "takes_whole_file", takes)
    yield chosen


def both(path: dict[str, bool], actor: Any, data: bytes, *, keep: bool = False) -> dict[str, Any]:
    """Import ``data`` by each path from the same state; assert they agree and that the
    counters are right after the set-based one. Returns the outcome (kept when ``keep``)."""
    results = []
    for whole in (True, False):
        path["whole"] = whole
        point = transaction.savepoint()
        job = _run(actor, data)
        if whole:
            call_command("check_counters", stdout=io.StringIO())  # raises on any drift
        results.append((_outcome(job), _state()))
        if keep and not whole:
            transaction.savepoint_commit(point)
        else:
            transaction.savepoint_rollback(point)
    (fast, fast_state), (slow, slow_state) = results
    assert fast == slow
    assert fast_state == slow_state
    if keep:
        path["whole"] = True
    return fast


def test_a_good_file_gives_the_same_records_and_counters(
    study_world: StudyWorld, path: dict[str, bool]
) -> None:
    sw = study_world
    text = (
        "\ufeff党员编号,学习项目,日期,学时,备注\r\n"
        f"A0001,学习党章,{day(1)},2,x\r\n"
        "\r\n"
        f"  A0002 ,\u3000学习党章, {day(2)}\t,1.25,\r\n"
        f"A0002,专题党课,{day(3).replace('-', '/')},,\r\n"
        f"A0002,{sw.lecture.pk},{day(4)[:4]}年{int(day(4)[5:7])}月{int(day(4)[8:])}日,\r\n"
        " , ,\r\n"
        f"B0001,学习党章,{day(1)} 10:00,0.5,\r\n"
        f"A0001,学习党章,{day(2)}\r\n"
    )
    data = text.encode("utf-8")
    assert data.startswith(codecs.BOM_UTF8) and import_sql.plain_csv(data) is not None
    outcome = both(path, sw.office, data, keep=True)
    assert outcome["status"] == "done", outcome["errors"]
    assert outcome["counts"] == (6, 0, 0)
    assert outcome["rows"] == (6, 6)
    assert outcome["notes"]  # the unused column is named
    assert MemberStudyProgress.objects.get(member=sw.cadre).covered
    # Again: nothing new, nothing changes, by either path.
    before = _state()
    again = both(path, sw.office, data)
    assert again["status"] == "done"
    assert again["counts"] == (0, 0, 6)
    assert _state() == before
    # The set-based path alone, twice more: still nothing added.
    path["whole"] = True
    job = _run(sw.office, data)
    assert (job.status, job.created_count, job.unchanged_count) == ("done", 0, 6)
    assert _state() == before
    call_command("check_counters", stdout=io.StringIO())


def test_every_bad_row_is_listed_alike(study_world: StudyWorld, path: dict[str, bool]) -> None:
    sw = study_world
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    gone = org.member_create(
        actor=sw.root, unit=sw.branch_a, member_number="Z9", name="调出", gender="male"
    )
    org.member_update(actor=sw.root, member=gone, status="transferred")
    early = (sw.campaign.start_date - dt.timedelta(days=1)).isoformat()
    text = (
        "member_number,item,date,hours\n"
        f"NOPE,学习党章,{day(1)},1\n"  # 2: unknown member
        f"A0001,不存在的项目,{day(1)},1\n"  # 3: unknown item
        f"A0001,专题党课,{day(1)},1\n"  # 4: not required of an ordinary member
        f"A0001,学习党章,{future},1\n"  # 5: future
        "A0001,学习党章,20191120x,1\n"  # 6: not a date
        f"A0001,学习党章,{day(1)},abc\n"  # 7: bad hours
        f"B0001,学习党章,{day(1)},1\n"  # 8: outside the city admin's scope
        f"A0001,学习党章,{day(1)},1\n"  # 9: fine
        f"A0001,学习党章,{day(1)},2\n"  # 10: same member, item, day as row 9
        f",学习党章,{day(1)},1\n"  # 11: empty member number
        f"Z9,学习党章,{day(1)},1\n"  # 12: not active
        f"{'X' * 41},学习党章,{day(1)},1\n"  # 13: too long
        f"A0001,,{day(1)},1\n"  # 14: empty item
        "A0001,学习党章,,1\n"  # 15: empty date
        f"A0001,学习党章,{early},1\n"  # 16: before the campaign
        f"A0001,学习党章,{day(2)},0\n"  # 17: hours out of range
        f"A0001,学习党章,{day(2)},1000\n"  # 18: hours out of range
        "A0001,学习党章,2019-02-30,1\n"  # 19: no such day
        f"NOPE,不存在的项目,{future},-1\n"  # 20: four errors
        f"A0001,学习党章,{day(1)},x\n"  # 21: bad hours, not a duplicate of row 9
        f"A0001,学习党章,{day(1)},3\n"  # 22: duplicate of row 9 again
        f"A0001,{'项' * 201},{day(1)},1\n"  # 23: item too long
        f"A0002,专题党课,{early}\n"  # 24: before the campaign, short row
    )
    for actor in (sw.city_admin, sw.office):
        outcome = both(path, actor, text.encode())
        assert outcome["status"] == "refused"
        assert all(outcome["messages"])
    outcome = both(path, sw.city_admin, text.encode())
    assert [(e[0], e[1]) for e in outcome["errors"]] == [
        (2, "member_number"), (3, "item"), (4, "item"), (5, "date"), (6, "date"),
        (7, "hours"), (8, "member_number"), (10, "date"), (11, "member_number"),
        (12, "member_number"), (13, "member_number"), (14, "item"), (15, "date"),
        (16, "date"), (17, "hours"), (18, "hours"), (19, "date"),
        (20, "member_number"), (20, "item"), (20, "date"), (20, "hours"), (21, "hours"),
        (22, "date"),
        (23, "item"), (24, "date"),
    ]  # fmt: skip
    assert StudyRecord.objects.count() == 0


def test_an_ambiguous_title(study_world: StudyWorld, path: dict[str, bool]) -> None:
    sw = study_world
    services.study_item_create(
        actor=sw.office, campaign=sw.campaign, title="学习党章", kind="online",
        required_levels=["ordinary"], applies_from=timezone.localdate() - dt.timedelta(days=9),
    )  # fmt: skip
    text = f"党员编号,学习项目,日期\nA0001,学习党章,{day(1)}\nA0001,{sw.reading.pk},{day(1)}\n"
    outcome = both(path, sw.office, text.encode())
    assert [(e[0], e[1]) for e in outcome["errors"]] == [(2, "item")]


@pytest.mark.parametrize(
    "kind",
    ["quoted", "gb18030", "tabs", "semicolons", "lone-cr", "xlsx", "no-hours", "spaces"],
)
def test_other_files_alike(study_world: StudyWorld, path: dict[str, bool], kind: str) -> None:
    sw = study_world
    rows = [
        ["党员编号", "学习项目", "日期", "学时"],
        ["A0001", "学习党章", day(1), "1"],
        ["A0002", "专题党课", day(2), ""],
        ["A0002", "专题党课", day(2), "2"],  # a duplicate: refused
        ["NOPE", "学习党章", day(1), "1"],
    ]
    if kind == "no-hours":
        rows = [r[:3] for r in rows]
    if kind == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        for r in rows:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
    else:
        sep = {"tabs": "\t", "semicolons": ";", "spaces": " , "}.get(kind, ",")
        end = "\r" if kind == "lone-cr" else "\n"
        lines = [sep.join(f'"{c}"' if kind == "quoted" else c for c in r) for r in rows]
        text = end.join(lines) + end
        data = text.encode("gb18030" if kind == "gb18030" else "utf-8")
    plain = import_sql.plain_csv(data)
    assert (plain is not None) == (kind in ("tabs", "semicolons", "no-hours", "spaces"))
    outcome = both(path, sw.office, data)
    assert outcome["status"] == "refused"
    assert [(e[0], e[1]) for e in outcome["errors"]] == [(4, "date"), (5, "member_number")]
    good = [r for i, r in enumerate(rows) if i not in (3, 4)]
    if kind != "xlsx":
        sep = {"tabs": "\t", "semicolons": ";"}.get(kind, ",")
        text = "\n".join(sep.join(r) for r in good) + "\n"
        outcome = both(path, sw.office, text.encode("gb18030" if kind == "gb18030" else "utf-8"))
        assert outcome["status"] == "done"
        assert outcome["counts"] == (2, 0, 0)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\n , \n",
        "党员编号,学习项目,日期\n\n , ,\n".encode(),
        "党员编号,日期\nA0001,2019-11-20\n".encode(),
        "党员编号,学习项目,项目,日期\nA0001,学习党章,学习党章,2019-11-20\n".encode(),
        "党员编号,日期\n".encode(),
        b"%PDF-1.4 nonsense",
        b"PK\x03\x04 not a workbook",
    ],
)
def test_refused_files_alike(study_world: StudyWorld, path: dict[str, bool], data: bytes) -> None:
    outcome = both(path, study_world.office, data)
    assert outcome["status"] == "refused"
    assert outcome["errors"]


def test_more_records_for_covered_and_owing_members_alike(
    study_world: StudyWorld, path: dict[str, bool]
) -> None:
    sw = study_world
    first = (
        "党员编号,学习项目,日期,学时\n"
        f"A0001,学习党章,{day(1)},1\n"
        f"A0002,学习党章,{day(1)},1\n"
        f"A0002,专题党课,{day(2)},1\n"
    )
    assert both(path, sw.office, first.encode(), keep=True)["counts"] == (3, 0, 0)
    assert not MemberStudyProgress.objects.get(member=sw.cadre).covered  # owes a lecture
    more = (
        "党员编号,学习项目,日期,学时\n"
        f"A0001,学习党章,{day(5)},1\n"  # covered: one more record
        f"A0002,学习党章,{day(6)},1\n"  # owes the lecture, not the reading
        f"B0001,学习党章,{day(1)},1\n"  # owes the reading: covered now
        f"A0002,专题党课,{day(1)},2\n"  # is the lecture's second time: covered now
    )
    outcome = both(path, sw.office, more.encode(), keep=True)
    assert outcome["counts"] == (4, 0, 0)
    assert MemberStudyProgress.objects.get(member=sw.cadre).covered
    assert MemberStudyProgress.objects.get(member=sw.member).recorded
    assert both(path, sw.office, f"党员编号,学习项目,日期\nA0001,学习党章,{day(9)}\n".encode())


_HEAD = "党员编号,学习项目,日期,学时"


@pytest.mark.parametrize(
    ("name", "lines", "copied"),
    [
        # Every line a row of the header's cells: copied cell by cell.
        ("regular", [_HEAD, "A0001,学习党章,{d1},1", "B0001,学习党章,{d2},"], True),
        ("crlf", [_HEAD, "A0001,学习党章,{d1},1", "B0001,学习党章,{d2},2"], True),
        ("unmapped column", ["备注," + _HEAD, "x,A0001,学习党章,{d1},1"], True),
        ("no hours column", ["党员编号,学习项目,日期", "A0001,学习党章,{d1}"], True),
        ("bad rows", [_HEAD, "A0001,学习党章,{d1},abc", "NOPE,学习党章,,1"], True),
        # Anything else is read line by line, with the same outcome.
        ("short line", [_HEAD, "A0001,学习党章,{d1}", "B0001,学习党章,{d2},1"], False),
        ("long line", [_HEAD, "A0001,学习党章,{d1},1,extra", "B0001,学习党章,{d2},1"], False),
        ("blank line", [_HEAD, "A0001,学习党章,{d1},1", "", "B0001,学习党章,{d2},1"], False),
        (
            "delimiters only",
            [_HEAD, "A0001,学习党章,{d1},1", ",,,", "B0001,学习党章,{d2},1"],
            False,
        ),
        ("header later", ["", _HEAD, "A0001,学习党章,{d1},1"], False),
    ],
)
def test_plain_files_copied_cell_by_cell_or_line_by_line_alike(
    study_world: StudyWorld,
    path: dict[str, bool],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    lines: list[str],
    copied: bool,
) -> None:
    """The common plain CSV goes straight into the rows table; a file with a short, long,
    blank or delimiters-only line, or the header further down, takes the line-by-line load.
    Both give what the row-by-row path gives."""
    seen: list[int | None] = []
    original = import_sql._copy_cells

    def spy(*args: Any) -> int | None:
        seen.append(original(*args))
        return seen[-1]

    monkeypatch.setattr(import_sql, "_copy_cells", spy)
    end = "\r\n" if name == "crlf" else "\n"
    text = end.join(lines).format(d1=day(1), d2=day(2)) + end
    outcome = both(path, study_world.office, text.encode())
    assert outcome["status"] in ("done", "refused")
    if name == "bad rows":
        assert [(e[0], e[1]) for e in outcome["errors"]] == [(2, "hours"), (3, "member_number"),
                                                            (3, "date")]  # fmt: skip
    elif name not in ("only commas", "blank line"):
        assert outcome["status"] == "done", outcome["errors"]
    assert bool(seen and seen[0] is not None) == copied


def test_a_repeated_row_alone_refuses_the_file_after_the_insert(
    study_world: StudyWorld, path: dict[str, bool]
) -> None:
    """Every row good but one repeating another: the repeat is found once the insert has
    skipped it, the file is refused, and nothing written is kept."""
    sw = study_world
    text = (
        "党员编号,学习项目,日期,学时\n"
        f"A0001,学习党章,{day(1)},1\n"
        f"B0001,学习党章,{day(2)},1\n"
        f"A0001,学习党章,{day(1)},2\n"
    )
    before = _state()
    outcome = both(path, sw.office, text.encode())
    assert outcome["status"] == "refused"
    assert [(e[0], e[1], e[5]) for e in outcome["errors"]] == [(4, "date", {"other": 2})]
    assert _state() == before


def test_a_plain_insert_first_then_without_what_is_there_then_the_careful_one(
    study_world: StudyWorld, path: dict[str, bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """New records are written by a plain insert, on days imported before too. When it meets
    a record (a re-import, an overlapping export), the records there are left out and the
    rest written plainly; a file repeating a row makes that fail too and takes the insert
    that skips what is there. Every way has the row-by-row path's outcome."""
    sw = study_world
    writes: list[tuple[str, bool]] = []
    original = import_sql._write

    def spy(cursor: Any, actor: Any, *, on_conflict: str, skip_existing: bool = False) -> int:
        writes.append((on_conflict, skip_existing))
        return original(cursor, actor, on_conflict=on_conflict, skip_existing=skip_existing)

    monkeypatch.setattr(import_sql, "_write", spy)
    plain, without, careful = ("", False), ("", True), ("ON CONFLICT DO NOTHING", False)
    head = "党员编号,学习项目,日期,学时\n"
    text = f"{head}A0001,学习党章,{day(1)},1\nB0001,学习党章,{day(2)},1\n"
    assert both(path, sw.office, text.encode(), keep=True)["counts"] == (2, 0, 0)
    assert writes == [plain]
    writes.clear()
    same_days = f"{head}A0002,学习党章,{day(1)},1\n"
    assert both(path, sw.office, same_days.encode())["counts"] == (1, 0, 0)
    assert writes == [plain]
    writes.clear()
    assert both(path, sw.office, text.encode())["counts"] == (0, 0, 2)
    assert writes == [plain, without]
    writes.clear()
    again = text + f"A0002,学习党章,{day(2)},1\n"
    assert both(path, sw.office, again.encode())["counts"] == (1, 0, 2)
    assert writes == [plain, without]
    writes.clear()
    repeat = f"{head}A0002,学习党章,{day(3)},1\nA0002,学习党章,{day(3)},2\n"
    assert both(path, sw.office, repeat.encode())["status"] == "refused"
    assert writes == [plain, without, careful]
    writes.clear()
    # A row repeating another, both of a record there already: left out together, and found.
    repeat_there = f"{head}A0002,学习党章,{day(4)},1\nA0001,学习党章,{day(1)},1\n"
    repeat_there += f"A0001,学习党章,{day(1)},2\n"
    outcome = both(path, sw.office, repeat_there.encode())
    assert outcome["status"] == "refused"
    assert [(e[0], e[1], e[5]) for e in outcome["errors"]] == [(4, "date", {"other": 3})]
    assert writes == [plain, without]
