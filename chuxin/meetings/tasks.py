"""Background work of life meetings.

``send_meeting_reminders`` runs once a day. Schedule it with cron or a systemd timer calling the
management command (which runs it in-process), e.g. ``20 7 * * * chuxin send_meeting_reminders``;
or enqueue the task (``send_meeting_reminders.enqueue()``, or ``chuxin send_meeting_reminders
--enqueue`` from cron) for the task worker (``chuxin db_worker``). Running it twice in a day
sends nothing new.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from .reminders import meeting_report_reminders_send


@task()
def send_meeting_reminders(day: str | None = None) -> int:
    """Send the day's life-meeting report reminders; ``day`` (YYYY-MM-DD, default today) stands
    in for the clock. Returns how many notifications were created."""
    return meeting_report_reminders_send(today=dt.date.fromisoformat(day) if day else None)
