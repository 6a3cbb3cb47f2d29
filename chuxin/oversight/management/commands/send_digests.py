"""``chuxin send_digests``: email each user who chose the daily digest their unread
notifications in one message (at most once a day; run it daily from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chuxin.core.notifications import send_daily_digests


class Command(BaseCommand):
    help = "Send the daily notification digests (once a day per user)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"digests sent: {send_daily_digests()}")
