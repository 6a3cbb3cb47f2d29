"""The study records import: all or nothing, every bad row named, re-import adds nothing."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from chuxin.core import imports
from chuxin.core.models import ImportJob
from chuxin.study.models import MemberStudyProgress, StudyRecord, UnitStudyRollup

from .conftest import StudyWorld


def run(sw: StudyWorld, actor: object, text: str, name: str = "records.csv") -> ImportJob:
    job = imports.import_job_create(
        actor=actor, kind="study_records", file=ContentFile(text.encode()), original_name=name
    )
    return imports.import_run(actor=actor, job=job)


def yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def test_import_counts_and_reimport_adds_nothing(study_world: StudyWorld) -> None:
    sw = study_world
    text = (
        "党员编号,学习项目,日期,学时\n"
        f"A0001,学习党章,{yesterday()},2\n"
        f"A0002,学习党章,{yesterday()},1.5\n"
        f"A0002,专题党课,{yesterday()},\n"
        f"A0002,{sw.lecture.pk},2019年11月20日,\n"
    )
    # The last row is before the campaign started: refused, nothing imported.
    job = run(sw, sw.office, text)
    assert job.status == "refused"
    assert [(e["row"], e["column"]) for e in job.errors] == [(5, "date")]
    assert StudyRecord.objects.count() == 0
    good = text.rsplit("\n", 2)[0] + "\n"
    good += f"A0002,{sw.lecture.pk},{(timezone.localdate() - dt.timedelta(days=2)).isoformat()},\n"
    job = run(sw, sw.office, good)
    assert job.status == "done", job.errors
    assert (job.created_count, job.unchanged_count) == (4, 0)
    row = UnitStudyRollup.objects.get(pk=sw.province.pk)
    assert (row.subtree_required, row.subtree_covered) == (3, 2)
    assert MemberStudyProgress.objects.get(member=sw.cadre).covered
    call_command("check_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115
    again = run(sw, sw.office, good)
    assert again.status == "done"
    assert (again.created_count, again.unchanged_count) == (0, 4)
    assert StudyRecord.objects.count() == 4
    call_command("check_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_every_bad_row_is_listed(study_world: StudyWorld) -> None:
    sw = study_world
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    text = (
        "member_number,item,date,hours\n"
        f"NOPE,学习党章,{yesterday()},1\n"  # 2: unknown member
        f"A0001,不存在的项目,{yesterday()},1\n"  # 3: unknown item
        f"A0001,专题党课,{yesterday()},1\n"  # 4: not required of an ordinary member
        f"A0001,学习党章,{future},1\n"  # 5: future
        f"A0001,学习党章,20191120x,1\n"  # 6: not a date
        f"A0001,学习党章,{yesterday()},abc\n"  # 7: bad hours
        f"B0001,学习党章,{yesterday()},1\n"  # 8: outside the city admin's scope
        f"A0001,学习党章,{yesterday()},1\n"  # 9: fine
        f"A0001,学习党章,{yesterday()},2\n"  # 10: same member, item, day as row 9
        f",学习党章,{yesterday()},1\n"  # 11: empty member number
    )
    job = run(sw, sw.city_admin, text)
    assert job.status == "refused"
    found = [(e["row"], e["column"]) for e in job.errors]
    assert found == [
        (2, "member_number"),
        (3, "item"),
        (4, "item"),
        (5, "date"),
        (6, "date"),
        (7, "hours"),
        (8, "member_number"),
        (10, "date"),
        (11, "member_number"),
    ]
    assert all(e["message"] for e in job.errors)
    assert StudyRecord.objects.count() == 0


def test_missing_column_and_wrong_file(study_world: StudyWorld) -> None:
    sw = study_world
    job = run(sw, sw.office, "党员编号,日期\nA0001,2019-11-20\n")
    assert job.status == "refused" and job.errors[0]["column"] == "item"
    job = run(sw, sw.office, "%PDF-1.4 nonsense", name="x.pdf")
    assert job.status == "refused"


def test_xlsx_import(study_world: StudyWorld) -> None:
    import io

    from openpyxl import Workbook

    sw = study_world
    wb = Workbook()
    ws = wb.active
    ws.append(["党员编号", "学习项目", "日期", "学时"])
    ws.append(["A0001", "学习党章", timezone.localdate() - dt.timedelta(days=1), 2])
    buf = io.BytesIO()
    wb.save(buf)
    job = imports.import_job_create(
        actor=sw.office,
        kind="study_records",
        file=ContentFile(buf.getvalue()),
        original_name="r.xlsx",
    )
    job = imports.import_run(actor=sw.office, job=job)
    assert job.status == "done", job.errors
    assert MemberStudyProgress.objects.get(member=sw.member).covered


def test_members_import_keeps_study_counters(study_world: StudyWorld) -> None:
    sw = study_world
    text = (
        "member_number,name,unit_code,gender,cadre_level\n"
        "A0001,李明,P-B-1-1,male,ordinary\n"  # moved to branch B
        "N0001,新党员,P-A-1-1-1,female,county\n"  # new county-level member
    )
    job = imports.import_job_create(
        actor=sw.office, kind="members", file=ContentFile(text.encode()), original_name="m.csv"
    )
    job = imports.import_run(actor=sw.office, job=job)
    assert job.status == "done", job.errors
    call_command("check_counters", stdout=open("/dev/null", "w"))  # noqa: SIM115
    row = UnitStudyRollup.objects.get(pk=sw.city_b.pk)
    assert row.subtree_required == 2
    row = UnitStudyRollup.objects.get(pk=sw.branch_a.pk)
    assert row.subtree_required == 1  # the new member, owing both items


def test_import_command(study_world: StudyWorld, tmp_path: object) -> None:
    import io
    from pathlib import Path

    sw = study_world
    path = Path(str(tmp_path)) / "records.csv"
    path.write_text(f"党员编号,学习项目,日期\nA0001,学习党章,{yesterday()}\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_study_records", str(path), user="office", stdout=out, stderr=io.StringIO())
    assert StudyRecord.objects.filter(member=sw.member).count() == 1
