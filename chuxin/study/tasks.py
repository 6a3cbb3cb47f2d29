"""Background work of study & education.

``send_study_reminders`` runs once a day. Schedule it with cron or a systemd timer calling the
management command (which runs it in-process), e.g. ``15 7 * * * chuxin send_study_reminders``;
or enqueue the task (``send_study_reminders.enqueue()``) for the task worker (``chuxin
db_worker``). Running it twice in a day sends nothing new.
"""

from __future__ import annotations

from django_tasks import task

from . import reminders, services


@task()
def send_study_reminders() -> int:
    """Put in force the items whose first day has come, then send the day's reminders."""
    services.study_items_activate_due()
    return reminders.study_reminders_send()
