"""Retry the webhook deliveries that are due (every few minutes from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from chuxin.rectification.webhooks import deliver_due


class Command(BaseCommand):
    help = "Try every rectification webhook delivery whose next attempt is due."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{deliver_due()} delivery(ies) tried")
