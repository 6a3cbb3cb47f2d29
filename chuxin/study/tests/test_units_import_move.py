"""A units import that moves branches into or out of a batch's subtree: the moved members owe
the batch's items from then on (or no longer), and every study counter follows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from chuxin.core import imports
from chuxin.core.models import ImportJob
from chuxin.organization.models import Unit
from chuxin.study import progress, services
from chuxin.study.models import MemberStudyProgress, StudyItem, UnitItemProgress, UnitStudyRollup

from .conftest import StudyWorld

pytestmark = pytest.mark.django_db

UNIT_HEADER = ["code", "name", "parent_code", "kind", "order"]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def import_units(sw: StudyWorld, rows: list[list[str]]) -> ImportJob:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([UNIT_HEADER, *rows])
    job = imports.import_job_create(
        actor=sw.office,
        kind="units",
        file=ContentFile(buffer.getvalue().encode()),
        original_name="units.csv",
    )
    job = imports.import_run(actor=sw.office, job=job)
    assert job.status == ImportJob.Status.DONE, job.errors
    return job


def city_a_seminar(sw: StudyWorld) -> StudyItem:
    """An item of a batch in which only city A takes part: required of its ordinary members."""
    batch = sw.campaign.batches.create(
        number=1, name="第一批", start_date=sw.campaign.start_date, end_date=sw.campaign.end_date
    )
    batch.participations.create(unit=sw.city_a)
    return services.study_item_create(
        actor=sw.office,
        campaign=sw.campaign,
        batch=batch,
        title="读书班",
        kind="seminar",
        required_levels=["ordinary"],
        required_times=1,
        applies_from=timezone.localdate() - dt.timedelta(days=1),
        due_date=timezone.localdate() + dt.timedelta(days=10),
    )


def owes(member: Any) -> tuple[int, ...]:
    return progress.text_ids(MemberStudyProgress.objects.get(member=member).required_list)


def subtree(unit: Unit, item: StudyItem | None = None) -> tuple[int, int]:
    """(members with study required, of them covered) in the unit's subtree; of one item's
    members owing it when ``item`` is given."""
    if item is None:
        row = UnitStudyRollup.objects.get(pk=unit.pk)
        return row.subtree_required, row.subtree_covered
    found = UnitItemProgress.objects.filter(unit=unit, item=item).first()
    return (found.subtree_required, found.subtree_done) if found else (0, 0)


def counters_true() -> None:
    call_command("check_counters", stdout=io.StringIO())


def test_branches_moved_by_an_import_owe_the_batch_items_of_their_new_place(
    study_world: StudyWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    sw = study_world
    seminar = city_a_seminar(sw)
    # 赵强 (branch B, city B) owes only the reading; 李明 (branch A, city A) the seminar too.
    services.study_checkin(
        actor=sw.root, member=sw.member_b, item=sw.reading, date=timezone.localdate()
    )
    assert owes(sw.member_b) == (sw.reading.pk,)
    assert owes(sw.member) == tuple(sorted((sw.reading.pk, seminar.pk)))
    assert subtree(sw.city_b) == (1, 1)  # 赵强 has done all he owes
    counters_true()

    recomputed: list[set[int]] = []
    recompute = progress.recompute_members

    def spy(member_ids: Iterable[int], *args: Any, **kwargs: Any) -> int:
        ids = set(member_ids)
        recomputed.append(ids)
        return recompute(ids, *args, **kwargs)

    monkeypatch.setattr(progress, "recompute_members", spy)
    # Branch B into county A (into the batch's subtree), township A into county B (out of it).
    import_units(
        sw,
        [
            ["P-B-1-1", "海军广场社区党支部", "P-A-1", "branch", ""],
            ["P-A-1-1", "南市场街道", "P-B-1", "township", ""],
        ],
    )
    assert Unit.objects.get(code="P-B-1-1").path.startswith(sw.city_a.path)
    assert Unit.objects.get(code="P-A-1-1-1").path.startswith(sw.city_b.path)

    counters_true()
    # Only the members under the moved units are recomputed, not everyone.
    assert recomputed and set().union(*recomputed) == {sw.member.pk, sw.member_b.pk}
    assert owes(sw.member_b) == tuple(sorted((sw.reading.pk, seminar.pk)))
    assert owes(sw.member) == (sw.reading.pk,)
    progress_b = MemberStudyProgress.objects.get(member=sw.member_b)
    assert (progress_b.required_items, progress_b.done_items, progress_b.covered) == (2, 1, False)
    # City A: 王芳 and 赵强 now, neither covered; city B: 李明, who has recorded nothing.
    assert subtree(sw.city_a) == (2, 0)
    assert subtree(sw.city_b) == (1, 0)
    assert subtree(sw.city_a, seminar) == (1, 0)  # 赵强 owes the seminar
    assert subtree(sw.city_b, seminar) == (0, 0)  # 李明 no longer does
    assert subtree(sw.province, seminar) == (1, 0)


def test_a_units_import_that_moves_nothing_recomputes_no_member(
    study_world: StudyWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    sw = study_world
    city_a_seminar(sw)
    calls: list[list[int]] = []
    monkeypatch.setattr(progress, "recompute_members", lambda ids, *a, **k: calls.append(ids))
    import_units(
        sw,
        [
            ["P-A-1", "和平区新区", "P-A", "county", ""],
            ["P-B-2", "西岗区", "P-B", "county", ""],
        ],
    )
    assert calls == []
    counters_true()
