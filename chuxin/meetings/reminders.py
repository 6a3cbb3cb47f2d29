"""Daily reminders of life-meeting reports (``chuxin send_meeting_reminders``).

A held meeting's report is due upward on ``report_due_on``. Whoever writes it is reminded:

- ``soon``: once, when the due date is at most the campaign's ``remind_days_before`` days away
  (``MeetingSettings``, default 3; 0 turns it off);
- ``due``: once, on the due day, if still not reported;
- ``overdue``: once, the first day after it (the report is late from then on, as
  ``LifeMeeting.late_on`` says).

Each is a notification with a dedupe key per meeting, due date and step (``notify_many`` keeps
the same key from reaching a user twice), so a second run the same day sends nothing, and a run
missed by cron is caught up the next day. A reported or archived meeting is no longer ``held``
and gets nothing.

The overdue notice is news that a report has just become late, so it is caught up only while
the report is at most ``OVERDUE_NOTICE_DAYS`` (7) days late: a week of missed runs still tells
it, but the first run after the job is installed (or after meetings held long ago are
recorded) does not send one notice for every report that fell due months before; those stay
late on the meeting pages and in the counts. It also keeps the daily query to the recent
meetings instead of every unreported one ever held.

Who writes the report: the services let whoever manages the meeting's unit record and report it
(``selectors.may_manage``: the office and unit administrators of the unit or of a unit above).
Reminding every one of them would tell the province office about every branch; so the
reminder goes to the administrators nearest the meeting: those holding the office or
administrator role on the meeting's own unit, else on the closest unit above that has any.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chuxin.core.models import User
from chuxin.core.notifications import Message, notify_many
from chuxin.organization.models import Role, RoleAssignment

from .models import DEFAULT_REMIND_DAYS_BEFORE, LifeMeeting, MeetingSettings, MeetingStatus

SOON, DUE, OVERDUE = "soon", "due", "overdue"
# How many days late a report may be and still get its (one) overdue notice: enough to catch
# up a week of missed runs, not so many that a first run tells of reports due long before.
OVERDUE_NOTICE_DAYS = 7
CHUNK = 2000


@dataclass(frozen=True)
class Reminder:
    """One reminder step of one meeting's report."""

    meeting: LifeMeeting
    step: str

    @property
    def key(self) -> str:
        # The due date is in the key: a reminder is about that date, not the meeting forever.
        return f"meetings:report:{self.step}:{self.meeting.pk}:{self.meeting.report_due_on}"


def remind_days_before(campaign_ids: set[int]) -> dict[int, int]:
    """Each campaign's number of days before the due date (the default where none is set)."""
    days = dict(
        MeetingSettings.objects.filter(campaign_id__in=campaign_ids).values_list(
            "campaign_id", "remind_days_before"
        )
    )
    return {c: int(days.get(c, DEFAULT_REMIND_DAYS_BEFORE)) for c in campaign_ids}


def step_on(meeting: LifeMeeting, today: dt.date, days_before: int) -> str | None:
    """Which reminder a held meeting is owed ``today`` (None when none is)."""
    if meeting.status != MeetingStatus.HELD or meeting.report_due_on is None:
        return None
    days_left = (meeting.report_due_on - today).days
    if days_left < 0:
        return OVERDUE if -days_left <= OVERDUE_NOTICE_DAYS else None
    if days_left == 0:
        return DUE
    if days_left <= days_before:
        return SOON
    return None


def report_writers(meetings: list[LifeMeeting]) -> dict[int, set[int]]:
    """Meeting id → the users reminded to write its report: the active office and unit
    administrators of the meeting's unit, else of the nearest unit above that has any (a role
    held above counts only when it holds for the subtree)."""
    paths = {p for m in meetings for p in m.unit.ancestor_paths(include_self=True)}
    holders: dict[str, list[tuple[bool, int]]] = {}
    rows = RoleAssignment.objects.filter(
        unit__path__in=paths,
        unit__archived_at__isnull=True,
        role__in=(Role.OFFICE, Role.UNIT_ADMIN),
        user__is_active=True,
    ).values_list("unit__path", "include_subtree", "user_id")
    for path, subtree, user_id in rows:
        holders.setdefault(path, []).append((subtree, user_id))
    writers: dict[int, set[int]] = {}
    for m in meetings:
        for path in reversed(m.unit.ancestor_paths(include_self=True)):
            users = {u for subtree, u in holders.get(path, []) if subtree or path == m.unit.path}
            if users:
                writers[m.pk] = users
                break
    return writers


def _message(reminder: Reminder, user_id: int, today: dt.date) -> Message:
    m = reminder.meeting
    assert m.report_due_on is not None
    values = {
        "t": m.theme,
        "u": m.unit.name,
        "h": m.held_on.isoformat() if m.held_on else "",
        "d": m.report_due_on.isoformat(),
    }
    if reminder.step == SOON:
        n = (m.report_due_on - today).days
        title = ngettext(
            "Life meeting report due in %(n)d day: %(t)s",
            "Life meeting report due in %(n)d days: %(t)s",
            n,
        ) % {"n": n, "t": m.theme}
        body = _("The report of the life meeting “%(t)s” of %(u)s, held on %(h)s, is due by %(d)s.")
    elif reminder.step == DUE:
        title = _("Life meeting report due today: %(t)s") % {"t": m.theme}
        body = _(
            "The report of the life meeting “%(t)s” of %(u)s, held on %(h)s, is due today "
            "(%(d)s) and has not been submitted."
        )
    else:
        title = _("Life meeting report overdue: %(t)s") % {"t": m.theme}
        body = _(
            "The report of the life meeting “%(t)s” of %(u)s, held on %(h)s, was due by %(d)s "
            "and has not been submitted."
        )
    return Message(
        user_id=user_id,
        kind=f"meeting_report_{reminder.step}",
        title=title,
        body=body % values,
        url=reverse("meetings:report", args=[m.pk]),
        dedupe_key=reminder.key,
    )


def meeting_report_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the administrators who write held meetings' reports: some days before the due
    date, on it, and once after it, while it is at most ``OVERDUE_NOTICE_DAYS`` late (each
    once). Returns how many notifications were created
    (0 when run again the same day); they are emailed after the commit where configured."""
    today = today or timezone.localdate()
    # The widest window of any campaign bounds the query; each meeting's own is applied below.
    largest = MeetingSettings.objects.aggregate(n=Max("remind_days_before"))["n"] or 0
    widest = max(DEFAULT_REMIND_DAYS_BEFORE, int(largest))
    ids = list(
        LifeMeeting.objects.filter(
            status=MeetingStatus.HELD,
            report_due_on__isnull=False,
            report_due_on__gte=today - dt.timedelta(days=OVERDUE_NOTICE_DAYS),
            report_due_on__lte=today + dt.timedelta(days=widest),
            unit__archived_at__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    languages: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            LifeMeeting.objects.filter(pk__in=ids[start : start + CHUNK]).select_related("unit")
        )
        before = remind_days_before({m.campaign_id for m in chunk})
        reminders = [
            Reminder(m, step)
            for m in chunk
            if (step := step_on(m, today, before[m.campaign_id])) is not None
        ]
        writers = report_writers([r.meeting for r in reminders])
        user_ids = {u for users in writers.values() for u in users} - set(languages)
        if user_ids:
            languages |= dict(
                User.objects.filter(pk__in=user_ids).values_list("pk", "preferred_language")
            )
        messages = []
        for reminder in reminders:
            for user_id in sorted(writers.get(reminder.meeting.pk, ())):
                with translation.override(languages.get(user_id) or "zh-hans"):
                    messages.append(_message(reminder, user_id, today))
        with transaction.atomic():
            sent += len(notify_many(messages))
    return sent
