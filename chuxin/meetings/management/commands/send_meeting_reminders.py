"""``chuxin send_meeting_reminders``: remind units of life-meeting reports coming due, due
today or overdue (once each; run it daily from cron)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chuxin.meetings.reminders import meeting_report_reminders_send


class Command(BaseCommand):
    help = (
        "Remind the administrators who write held life meetings' reports some days before the "
        "report is due (the campaign's setting, default 3), on the due day and the day after "
        "it (once each). Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="act as if today were YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, day: str | None, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(day) if day else None
        except ValueError as exc:
            raise CommandError(f"--day: not a date (YYYY-MM-DD): {day}") from exc
        sent = meeting_report_reminders_send(today=today)
        self.stdout.write(f"{sent} meeting report reminder(s) sent")
