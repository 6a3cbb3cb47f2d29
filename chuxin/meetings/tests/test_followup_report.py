"""The talk-pair matrix, follow-up into the ledger, the generated report in both languages,
on-time and late reports with the maintained counters, the calendar and the indicator."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from chuxin.assessment.indicators import get as get_indicator
from chuxin.core import calendar, rollups
from chuxin.meetings import counters, selectors, services
from chuxin.meetings.models import LifeMeeting, MeetingSettings, MeetingStatus, UnitMeetingRollup
from chuxin.problems.models import Problem
from chuxin.rectification.models import RectificationTask

from .conftest import MeetingWorld, to_held


def test_talk_matrix_shows_the_missing_pairs(
    mw: MeetingWorld, django_assert_max_num_queries: Any
) -> None:
    m = mw.county_meeting
    services.meeting_transition(actor=mw.city_admin, meeting=m, action="prepare")
    wang, zhang, liu = (mw.participant(m, x) for x in (mw.wang, mw.zhang, mw.liu))
    day = timezone.localdate()
    matrix = selectors.talk_matrix(m)
    assert matrix.pairs == 3 and len(matrix.missing) == 3
    services.talk_add(actor=mw.city_admin, meeting=m, first=liu, second=wang, talked_on=day)
    services.talk_add(actor=mw.city_admin, meeting=m, first=wang, second=liu, talked_on=day)
    matrix = selectors.talk_matrix(m)
    missing = {frozenset((a.member.name, b.member.name)) for a, b in matrix.missing}
    assert missing == {frozenset(("王芳", "张伟")), frozenset(("张伟", "刘洋"))}
    assert matrix.count(wang, liu) == 2 and matrix.count(liu, wang) == 2
    client = mw.client_for(mw.city_admin)
    with django_assert_max_num_queries(15):
        page = client.get(f"/meetings/{m.pk}/talks/")
    body = page.content.decode()
    assert body.count('data-missing="1"') == 4  # two pairs, both cells
    assert "2 of 3 pairs still missing" in body
    # The API says the same.
    from .test_confidentiality import api

    data = api(mw, "city_admin").get(f"/api/v1/meetings/meetings/{m.pk}/talks").json()
    assert len(data["missing"]) == 2 and len(data["talks"]) == 2
    pair = {data["missing"][0]["first_id"], data["missing"][0]["second_id"]}
    assert zhang.pk in pair
    services.talk_add(actor=mw.city_admin, meeting=m, first=zhang, second=wang, talked_on=day)
    services.talk_add(actor=mw.city_admin, meeting=m, first=zhang, second=liu, talked_on=day)
    assert selectors.talk_matrix(m).missing == []
    assert selectors.checklist(selectors.meeting_detail(mw.city_admin, m.pk)).talks_done


def test_talk_with_someone_of_another_meeting_is_refused(mw: MeetingWorld) -> None:
    m = mw.county_meeting
    other = mw.participant(mw.branch_meeting, mw.member)
    with pytest.raises(ValidationError) as exc:
        services.talk_add(
            actor=mw.city_admin,
            meeting=m,
            first=mw.participant(m, mw.wang),
            second=other,
            talked_on=timezone.localdate(),
        )
    assert "second" in exc.value.message_dict


def test_follow_up_goes_into_the_ledger(mw: MeetingWorld) -> None:
    m = to_held(mw, mw.county_meeting)
    problem, task = services.followup_add(
        actor=mw.city_admin,
        meeting=m,
        title="联系服务群众不够紧密",
        category="style",
        task_title="完善领导干部联系群众制度",
        time_limit=timezone.localdate() + dt.timedelta(days=30),
    )
    assert problem.source == "meeting" and problem.unit == mw.county_a
    assert problem.reported_on == m.held_on
    assert task is not None and list(task.problems.all()) == [problem]
    # The ledger shows them: problem list and task list of the unit.
    c = mw.client_for(mw.city_admin)
    problems = c.get(f"/api/v1/problems?unit={mw.county_a.pk}&source=meeting").json()
    assert [p["id"] for p in problems["items"]] == [problem.pk]
    tasks = c.get(f"/api/v1/rectification/tasks?unit={mw.county_a.pk}&source=meeting").json()
    assert [t["id"] for t in tasks["items"]] == [task.pk]
    page = c.get(f"/rectification/tasks/{task.pk}/")
    assert page.status_code == 200 and "完善领导干部联系群众制度" in page.content.decode()
    # A meeting's problem without a task is still on the list.
    p2, t2 = services.followup_add(
        actor=mw.city_admin, meeting=m, title="学习不深", category="other"
    )
    assert t2 is None and Problem.objects.filter(pk=p2.pk, source="meeting").exists()
    assert set(m.problems.values_list("pk", flat=True)) == {problem.pk, p2.pk}
    assert RectificationTask.objects.filter(problems=p2).count() == 0


def test_follow_up_bad_task_changes_nothing(mw: MeetingWorld) -> None:
    m = to_held(mw, mw.county_meeting)
    before = Problem.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.followup_add(
            actor=mw.city_admin, meeting=m, title="x", category="style", task_title="整改"
        )  # a time-limited task needs a time limit
    assert "time_limit" in exc.value.message_dict
    assert Problem.objects.count() == before  # the problem rolled back with the task


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_report_generated_from_the_record(mw: MeetingWorld, language: str) -> None:
    m = to_held(mw, mw.county_meeting)
    services.followup_add(actor=mw.city_admin, meeting=m, title="担当作为不够", category="style")
    services.guide_add(actor=mw.city_admin, meeting=m, user=mw.guidance, title="督导组组长")
    services.participant_record(
        actor=mw.city_admin,
        participant=mw.participant(m, mw.liu),
        present=False,
        absence_reason="因病请假",
    )
    text = services.report_generate(m, language)
    for fact in ("和平区", m.theme, "区委常委会议室", "担当作为不够", "督导组组长", "因病请假"):
        assert fact in text, fact
    assert "南市场" not in text  # nothing of another meeting
    if language == "en":
        assert "special democratic life meeting" in text and "Of 3 participants, 2 attended" in text
    else:
        assert "专题民主生活会" in text and "应到3人\uff0c实到2人" in text


def test_report_on_time_and_late_with_counters(mw: MeetingWorld) -> None:
    MeetingSettings.objects.create(campaign=mw.campaign, report_due_days=10)
    on_time = to_held(mw, mw.county_meeting, days_ago=3)
    assert on_time.report_due_on == on_time.held_on + dt.timedelta(days=10)  # type: ignore[operator]
    services.report_submit(actor=mw.city_admin, meeting=on_time, text="报告")
    late = mw.branch_meeting
    late.report_due_days = 5  # the meeting's own setting wins over the campaign's
    late.save()
    late = to_held(mw, late, days_ago=8)
    assert late.late_on(timezone.localdate())
    lates = selectors.late_meetings(mw.office, mw.province)
    assert list(lates) == [late]
    services.report_submit(actor=mw.city_admin, meeting=late, text="报告")
    late.refresh_from_db()
    assert late.status == MeetingStatus.REPORTED and late.late_on(timezone.localdate())
    row = UnitMeetingRollup.objects.get(unit=mw.province)
    assert (row.subtree_reported, row.subtree_reported_late, row.subtree_held) == (2, 1, 0)
    assert rollups.check(counters.ROLLUP) == []
    out = io.StringIO()
    call_command("check_counters", stdout=out)
    assert "meetings" not in out.getvalue() or "drift" not in out.getvalue().lower()


def test_counters_follow_every_transition(mw: MeetingWorld) -> None:
    m = mw.county_meeting
    row = lambda: UnitMeetingRollup.objects.get(unit=mw.city_a)  # noqa: E731
    assert row().subtree_planned == 2
    services.meeting_transition(actor=mw.city_admin, meeting=m, action="prepare")
    assert (row().subtree_planned, row().subtree_preparing) == (1, 1)
    services.meeting_transition(
        actor=mw.city_admin, meeting=mw.branch_meeting, action="archive", reason="重复"
    )
    assert row().subtree_planned == 0
    assert rollups.check(counters.ROLLUP) == []
    # The rows rebuilt from scratch agree.
    rollups.refresh(counters.ROLLUP)
    assert row().subtree_preparing == 1


def test_calendar_events_for_participants_guides_and_admins(mw: MeetingWorld) -> None:
    start = timezone.now() - dt.timedelta(days=1)
    end = start + dt.timedelta(days=60)
    uid = f"life-meeting-{mw.county_meeting.pk}@chuxin"
    buid = f"life-meeting-{mw.branch_meeting.pk}@chuxin"

    def uids(user: object) -> set[str]:
        return {
            e.uid for e in calendar.events_for_user(user, start, end) if e.kind == "life_meeting"
        }

    assert uids(mw.zhang_user) == {uid}  # participant through Member.user
    assert uids(mw.member_user) == {buid}
    assert uids(mw.guidance) == {uid}  # guidance role on county A
    assert uids(mw.other_county_admin) == set()
    assert uids(mw.plain) == set()
    services.guide_add(actor=mw.office, meeting=mw.branch_meeting, user=mw.city_admin)
    assert buid in uids(mw.city_admin)
    # Outside the window: nothing.
    later = timezone.now() + dt.timedelta(days=100)
    assert calendar.events_for_user(
        mw.zhang_user, later, later + dt.timedelta(days=5)
    ) == [] or all(
        e.kind != "life_meeting"
        for e in calendar.events_for_user(mw.zhang_user, later, later + dt.timedelta(days=5))
    )
    from icalendar import Calendar

    ics = calendar.to_ics(calendar.events_for_user(mw.zhang_user, start, end))
    parsed = Calendar.from_ical(ics)
    assert [str(e["uid"]) for e in parsed.walk("VEVENT") if "life-meeting" in str(e["uid"])] == [
        uid
    ]


def _meeting(mw: MeetingWorld, unit: Any, planned: dt.date) -> LifeMeeting:
    kind = "organizational" if getattr(unit, "kind", "") == "branch" else "democratic"
    return services.meeting_create(
        actor=mw.office,
        campaign=mw.campaign,
        unit=unit,
        kind=kind,
        theme="x",
        planned_on=planned,
    )


def _set(m: LifeMeeting, held: dt.date | None, due: dt.date | None, sub: dt.date | None) -> None:
    status = "reported" if sub else "held" if held else "planned"
    LifeMeeting.objects.filter(pk=m.pk).update(
        status=status, held_on=held, report_due_on=due, report_submitted_on=sub
    )


def test_indicator_against_hand_computed_data(mw: MeetingWorld) -> None:
    LifeMeeting.objects.all().delete()  # start from nothing (test data only)
    d = dt.date(2026, 6, 30)  # the cut-off
    day = dt.timedelta(days=1)
    # Branch A: on time (met), late (counted), never held (counted), planned after the cut-off
    # (not counted), archived (not counted).
    a1 = _meeting(mw, mw.branch_a, d - 40 * day)
    _set(a1, d - 30 * day, d - 15 * day, d - 20 * day)
    a2 = _meeting(mw, mw.branch_a, d - 40 * day)
    _set(a2, d - 30 * day, d - 15 * day, d - 10 * day)
    _meeting(mw, mw.branch_a, d - 5 * day)
    _meeting(mw, mw.branch_a, d + 5 * day)
    a5 = _meeting(mw, mw.branch_a, d - 40 * day)
    LifeMeeting.objects.filter(pk=a5.pk).update(status="archived")
    # County A: held, report not yet due at the cut-off and not submitted (not counted);
    # held, due before the cut-off, submitted after it (counted, not met); submitted on the
    # due date (met).
    c1 = _meeting(mw, mw.county_a, d - 10 * day)
    _set(c1, d - 5 * day, d + 10 * day, None)
    c2 = _meeting(mw, mw.county_a, d - 40 * day)
    _set(c2, d - 30 * day, d - 15 * day, d + 2 * day)
    c3 = _meeting(mw, mw.county_a, d - 40 * day)
    _set(c3, d - 30 * day, d - 15 * day, d - 15 * day)
    # City B: nothing planned by the cut-off.
    _meeting(mw, mw.branch_b, d + 1 * day)
    indicator = get_indicator("meetings.held_reported_on_time")
    units = [mw.branch_a, mw.county_a, mw.city_a, mw.city_b, mw.province]
    result = indicator.compute(mw.campaign, units, d)
    # branch A: 1 met of 3 counted; county A subtree: branch's 3 + own 2 counted, 2 met.
    assert (result[mw.branch_a.pk].numerator, result[mw.branch_a.pk].denominator) == (1, 3)
    assert result[mw.branch_a.pk].value == Decimal("33.3")
    assert (result[mw.county_a.pk].numerator, result[mw.county_a.pk].denominator) == (2, 5)
    assert result[mw.county_a.pk].value == Decimal("40.0")
    assert result[mw.city_a.pk].value == Decimal("40.0")
    assert result[mw.city_b.pk].value is None
    assert result[mw.province.pk].denominator == 5
    # Another campaign's meetings do not count.
    from chuxin.organization.models import Campaign

    other = Campaign.objects.create(
        title="另一次", theme="t", start_date=d - 100 * day, end_date=d, root_unit=mw.province
    )
    assert indicator.compute(other, units, d)[mw.province.pk].value is None
