"""``chuxin send_meeting_reminders``: remind units of life-meeting reports coming due, due
today or overdue (once each; run it daily from cron, in-process or ``--enqueue``d for the task
worker)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chuxin.meetings.reminders import meeting_report_reminders_send


class Command(BaseCommand):
    help = (
        "Remind the administrators who write held life meetings' reports some days before the "
        "report is due (the campaign's setting, default 3), on the due day and the day after "
        "it, once each; a missed run is caught up by the next, the overdue notice only while "
        "the report is at most 7 days late. Run daily from cron or a timer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="act as if today were YYYY-MM-DD (default: today)")
        parser.add_argument("--enqueue", action="store_true", help="hand it to the task worker")

    def handle(self, *args: Any, day: str | None, enqueue: bool, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(day) if day else None
        except ValueError as exc:
            raise CommandError(f"--day: not a date (YYYY-MM-DD): {day}") from exc
        if enqueue:
            from chuxin.meetings.tasks import send_meeting_reminders

            result = send_meeting_reminders.enqueue(day=today.isoformat() if today else None)
            self.stdout.write(f"enqueued {result.id}")
            return
        sent = meeting_report_reminders_send(today=today)
        self.stdout.write(f"{sent} meeting report reminder(s) sent")
