"""Background work of rectification.

``rectification_daily`` runs once a day (after midnight in Asia/Shanghai): it refreshes
"overdue" and sends the reminders and escalations. Schedule the management command
(``5 0 * * * chuxin rectification_daily``) or enqueue the task for the worker. Running it
twice in a day sends nothing new.
"""

from __future__ import annotations

from django_tasks import task

from .reminders import rectification_sweep


@task()
def rectification_daily() -> int:
    """The daily sweep; returns how many notifications were created."""
    return rectification_sweep().notifications
