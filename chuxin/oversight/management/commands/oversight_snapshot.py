"""``chuxin oversight_snapshot [--day YYYY-MM-DD]``: copy every unit's headline metrics from
the maintained counters into the day's snapshot (daily, from cron or the task queue), thin old
days to weekly, and run the day's scheduled briefings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chuxin.oversight import services, snapshots


class Command(BaseCommand):
    help = "Take the daily snapshot of every unit's headline figures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", help="the day to record (default: today)")
        parser.add_argument(
            "--no-briefings", action="store_true", help="do not generate scheduled briefings"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["day"]:
            try:
                day = dt.date.fromisoformat(options["day"])
            except ValueError as exc:
                raise CommandError(f"--day: not a date (YYYY-MM-DD): {options['day']}") from exc
        snap = snapshots.take_snapshot(day)
        pruned = snapshots.prune(day)
        self.stdout.write(
            f"snapshot {snap.day}: {snap.units} units, {len(snap.keys)} metrics, "
            f"{snap.size_bytes} bytes of data in {snap.seconds:.2f} s"
            + (f"; thinned {pruned} old rows" if pruned else "")
        )
        if not options["no_briefings"]:
            made = services.scheduled_briefings_run(day)
            if made:
                self.stdout.write(f"scheduled briefings generated: {len(made)}")
