"""Reminders of life-meeting reports: some days before the due date, on it, and the day after,
each once, to the administrators nearest the meeting's unit. ``today=`` stands in for the
clock (no freezegun)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from chuxin.core.models import Notification
from chuxin.meetings import services
from chuxin.meetings.models import LifeMeeting, MeetingSettings
from chuxin.meetings.reminders import OVERDUE_NOTICE_DAYS, meeting_report_reminders_send
from chuxin.meetings.tasks import send_meeting_reminders
from chuxin.organization import services as org_services
from chuxin.organization.models import Role
from conftest import make_user

from .conftest import MeetingWorld, to_held


def _due(meeting: LifeMeeting) -> dt.date:
    assert meeting.report_due_on is not None
    return meeting.report_due_on


def _sent() -> list[tuple[str, str, str]]:
    """(username, kind, dedupe key) of every notification of a meeting report, in order."""
    return list(
        Notification.objects.filter(kind__startswith="meeting_report_")
        .order_by("id")
        .values_list("user__username", "kind", "dedupe_key")
    )


@pytest.fixture
def held(mw: MeetingWorld) -> LifeMeeting:
    """The county's democratic life meeting, held yesterday: its report is due in 15 days."""
    return to_held(mw, mw.county_meeting)


def test_report_due_in_three_days_reminds_once(mw: MeetingWorld, held: LifeMeeting) -> None:
    due = _due(held)
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=4)) == 0
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=3)) == 1
    note = Notification.objects.get()
    # Nobody administers 和平区 itself: the city administrator above writes its report.
    assert note.user == mw.city_admin
    assert note.kind == "meeting_report_soon"
    assert note.url == reverse("meetings:report", args=[held.pk])
    assert held.theme in note.title and "3" in note.title
    assert due.isoformat() in note.body
    # Running again, the same day or on the following days before the due date: nothing new.
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=3)) == 0
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=2)) == 0
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=1)) == 0
    assert Notification.objects.count() == 1


def test_due_day_reminds_again_and_only_once(mw: MeetingWorld, held: LifeMeeting) -> None:
    due = _due(held)
    meeting_report_reminders_send(today=due - dt.timedelta(days=3))
    assert meeting_report_reminders_send(today=due) == 1
    assert meeting_report_reminders_send(today=due) == 0
    assert [kind for _u, kind, _k in _sent()] == ["meeting_report_soon", "meeting_report_due"]
    assert due.isoformat() in Notification.objects.get(kind="meeting_report_due").body


def test_overdue_report_is_notified_once_the_day_after(mw: MeetingWorld, held: LifeMeeting) -> None:
    due = _due(held)
    for day in range(-3, 1):
        meeting_report_reminders_send(today=due + dt.timedelta(days=day))
    assert meeting_report_reminders_send(today=due + dt.timedelta(days=1)) == 1
    for day in range(1, 10):
        assert meeting_report_reminders_send(today=due + dt.timedelta(days=day)) == 0
    assert [(u, kind) for u, kind, _k in _sent()] == [
        ("city_admin", "meeting_report_soon"),
        ("city_admin", "meeting_report_due"),
        ("city_admin", "meeting_report_overdue"),
    ]


def test_a_missed_day_is_caught_up(mw: MeetingWorld, held: LifeMeeting) -> None:
    """Cron did not run on the third or the last day before: the reminder comes the next run,
    once; and an overdue report is told once even when the day after was missed too."""
    due = _due(held)
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=2)) == 1
    assert "2" in Notification.objects.get().title
    assert meeting_report_reminders_send(today=due + dt.timedelta(days=5)) == 1
    assert [kind for _u, kind, _k in _sent()] == ["meeting_report_soon", "meeting_report_overdue"]


@pytest.mark.parametrize(("days_late", "told"), [(OVERDUE_NOTICE_DAYS, 1), (8, 0), (60, 0)])
def test_an_overdue_notice_is_caught_up_for_a_week_only(
    mw: MeetingWorld, held: LifeMeeting, days_late: int, told: int
) -> None:
    """The first run after the report fell due, up to a week late, still tells it once; later
    than that the first run tells nothing (the report stays late on its pages)."""
    day = _due(held) + dt.timedelta(days=days_late)
    assert meeting_report_reminders_send(today=day) == told
    assert meeting_report_reminders_send(today=day) == 0
    assert [kind for _u, kind, _k in _sent()] == ["meeting_report_overdue"] * told
    held.refresh_from_db()
    assert held.late_on(day)


def test_a_first_run_does_not_tell_of_reports_due_long_before(
    mw: MeetingWorld, held: LifeMeeting
) -> None:
    """The job's first run, the day after the county's report fell due: a branch meeting in the
    other city whose report was due a month before gets no overdue notice, the county's gets
    one; nothing more on the same day or the following ones."""
    old = _held_in_other_city(mw)
    due = _due(held)
    LifeMeeting.objects.filter(pk=old.pk).update(report_due_on=due - dt.timedelta(days=30))
    assert meeting_report_reminders_send(today=due + dt.timedelta(days=1)) == 1
    assert [(u, kind) for u, kind, _k in _sent()] == [("city_admin", "meeting_report_overdue")]
    for day in range(1, 10):
        assert meeting_report_reminders_send(today=due + dt.timedelta(days=day)) == 0
    assert not Notification.objects.filter(user=mw.other_county_admin).exists()


def test_reported_meeting_gets_no_reminder(mw: MeetingWorld, held: LifeMeeting) -> None:
    due = _due(held)
    services.report_submit(actor=mw.city_admin, meeting=held, text="报告")
    for day in (-3, 0, 1, 7):
        assert meeting_report_reminders_send(today=due + dt.timedelta(days=day)) == 0
    assert not Notification.objects.exists()


def test_report_submitted_after_the_reminder_stops_the_rest(
    mw: MeetingWorld, held: LifeMeeting
) -> None:
    due = _due(held)
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=3)) == 1
    services.report_submit(actor=mw.city_admin, meeting=held, text="报告")
    assert meeting_report_reminders_send(today=due) == 0
    assert meeting_report_reminders_send(today=due + dt.timedelta(days=1)) == 0


def test_meetings_not_held_get_no_reminder(mw: MeetingWorld) -> None:
    """Planned meetings have no due date; an archived held meeting is reminded no more."""
    today = mw.county_meeting.planned_on
    assert meeting_report_reminders_send(today=today) == 0
    held = to_held(mw, mw.county_meeting)
    services.meeting_transition(
        actor=mw.city_admin, meeting=held, action="archive", reason="合并召开"
    )
    assert meeting_report_reminders_send(today=_due(held)) == 0
    assert not Notification.objects.exists()


def _held_in_other_city(mw: MeetingWorld) -> LifeMeeting:
    """An organizational life meeting of the branch in 大连市 (administered by the county
    administrator of another city), held yesterday, readied by a reviewer's override."""
    admin = mw.other_county_admin
    meeting = services.meeting_create(
        actor=admin,
        campaign=mw.campaign,
        unit=mw.branch_b,
        kind="organizational",
        theme="海军广场社区党支部专题组织生活会",
        planned_on=mw.county_meeting.planned_on,
        members=[mw.member_b],
    )
    services.meeting_transition(actor=admin, meeting=meeting, action="prepare")
    services.gate_override(actor=mw.root, meeting=meeting, reason="时间紧")
    services.meeting_transition(actor=admin, meeting=meeting, action="ready")
    return services.meeting_hold(
        actor=admin,
        meeting=meeting,
        held_on=timezone.localdate() - dt.timedelta(days=1),
        place="社区活动室",
    )


def test_each_meeting_reminds_its_own_units_administrators(
    mw: MeetingWorld, held: LifeMeeting
) -> None:
    other = _held_in_other_city(mw)
    assert _due(other) == _due(held)
    assert meeting_report_reminders_send(today=_due(held) - dt.timedelta(days=3)) == 2
    told = {
        (n.user.username, n.url)
        for n in Notification.objects.select_related("user").filter(kind="meeting_report_soon")
    }
    assert told == {
        ("city_admin", reverse("meetings:report", args=[held.pk])),
        ("other_county_admin", reverse("meetings:report", args=[other.pk])),
    }
    # Nobody else: not the office above both, the guidance team, participants or members.
    for user in (mw.office, mw.guidance, mw.member_user, mw.zhang_user, mw.plain, mw.root):
        assert not Notification.objects.filter(user=user).exists()


def test_the_units_own_administrator_is_reminded_instead_of_those_above(
    mw: MeetingWorld, held: LifeMeeting
) -> None:
    county_admin = make_user("county_a_admin")
    org_services.role_assign(
        actor=mw.root, user=county_admin, role=Role.UNIT_ADMIN, unit=mw.county_a
    )
    inactive = make_user("county_a_former_admin", is_active=False)
    org_services.role_assign(actor=mw.root, user=inactive, role=Role.UNIT_ADMIN, unit=mw.county_a)
    assert meeting_report_reminders_send(today=_due(held) - dt.timedelta(days=3)) == 1
    assert Notification.objects.get().user == county_admin


def test_the_campaign_sets_how_many_days_before(mw: MeetingWorld, held: LifeMeeting) -> None:
    due = _due(held)
    MeetingSettings.objects.create(campaign=mw.campaign, remind_days_before=5)
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=6)) == 0
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=5)) == 1
    assert "5" in Notification.objects.get().title


def test_no_early_reminder_when_the_campaign_turns_it_off(
    mw: MeetingWorld, held: LifeMeeting
) -> None:
    due = _due(held)
    MeetingSettings.objects.create(campaign=mw.campaign, remind_days_before=0)
    assert meeting_report_reminders_send(today=due - dt.timedelta(days=1)) == 0
    assert meeting_report_reminders_send(today=due) == 1


def test_reminder_in_the_users_language(mw: MeetingWorld, held: LifeMeeting) -> None:
    mw.city_admin.preferred_language = "en"
    mw.city_admin.save(update_fields=["preferred_language"])
    meeting_report_reminders_send(today=_due(held) + dt.timedelta(days=1))
    assert Notification.objects.get().title.startswith("Life meeting report overdue")


@override_settings(NOTIFICATION_EMAIL=True)
def test_reminder_is_emailed_once_where_configured(
    mw: MeetingWorld, held: LifeMeeting, django_capture_on_commit_callbacks: Any
) -> None:
    mw.city_admin.email = "city@example.org"
    mw.city_admin.save(update_fields=["email"])
    due = _due(held)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_report_reminders_send(today=due)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["city@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting_report_reminders_send(today=due)
    assert len(mail.outbox) == 1


def test_command_sends_the_days_reminders(mw: MeetingWorld, held: LifeMeeting) -> None:
    day = (_due(held) - dt.timedelta(days=3)).isoformat()
    out = StringIO()
    call_command("send_meeting_reminders", day=day, stdout=out)
    assert out.getvalue().startswith("1 ")
    out = StringIO()
    call_command("send_meeting_reminders", day=day, stdout=out)
    assert out.getvalue().startswith("0 ")
    with pytest.raises(CommandError, match="--day"):
        call_command("send_meeting_reminders", day="tomorrow")


def test_the_task_sends_the_days_reminders(mw: MeetingWorld, held: LifeMeeting) -> None:
    # The immediate backend in tests runs the task at once; without a day it reads the clock.
    LifeMeeting.objects.filter(pk=held.pk).update(report_due_on=timezone.localdate())
    result = send_meeting_reminders.enqueue()
    assert result.return_value == 1
    assert [(u, kind) for u, kind, _k in _sent()] == [("city_admin", "meeting_report_due")]
    assert send_meeting_reminders.enqueue().return_value == 0


def test_command_enqueues_the_task(mw: MeetingWorld, held: LifeMeeting) -> None:
    day = _due(held) - dt.timedelta(days=3)
    out = StringIO()
    call_command("send_meeting_reminders", day=day.isoformat(), enqueue=True, stdout=out)
    assert out.getvalue().startswith("enqueued ")
    assert out.getvalue().split()[1]  # the result id, to look the run up by
    # Handed to the immediate backend with the day: the day's reminder went out.
    assert [(u, kind) for u, kind, _k in _sent()] == [("city_admin", "meeting_report_soon")]
    out = StringIO()
    call_command("send_meeting_reminders", day=day.isoformat(), stdout=out)
    assert out.getvalue().startswith("0 ")
    with pytest.raises(CommandError, match="--day"):
        call_command("send_meeting_reminders", day="tomorrow", enqueue=True)
    assert Notification.objects.count() == 1
