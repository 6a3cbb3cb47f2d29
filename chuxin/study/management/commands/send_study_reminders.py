"""Daily: put in force the study items whose day has come and send study reminders."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chuxin.study import reminders, services


class Command(BaseCommand):
    help = (
        "Put in force study items whose first day has come, then notify members with items due "
        "within 7 days or make-up study owed (once each). Run daily from cron or a timer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="hand it to the task worker")

    def handle(self, *args: Any, enqueue: bool, **options: Any) -> None:
        if enqueue:
            from chuxin.study.tasks import send_study_reminders

            result = send_study_reminders.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        activated = services.study_items_activate_due()
        sent = reminders.study_reminders_send()
        self.stdout.write(f"{len(activated)} item(s) put in force, {sent} reminder(s) sent")
