"""Daily: refresh overdue tasks, remind before time limits, escalate after them."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chuxin.rectification.reminders import rectification_sweep


class Command(BaseCommand):
    help = (
        "Refresh which rectification tasks are overdue, remind responsible persons 7, 3 and 1 "
        "days before a time limit, and escalate overdue tasks upward (once each). Run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="hand it to the task worker")

    def handle(self, *args: Any, enqueue: bool, **options: Any) -> None:
        if enqueue:
            from chuxin.rectification.tasks import rectification_daily

            queued = rectification_daily.enqueue()
            self.stdout.write(f"enqueued {queued.id}")
            return
        done = rectification_sweep()
        self.stdout.write(
            f"{done.overdue_changed} task(s) changed overdue, {done.notifications} "
            f"notification(s), {done.webhooks} webhook(s)"
        )
