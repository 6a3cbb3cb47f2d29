"""Recompute every maintained counter from the raw rows and report any drift."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chuxin.core import rollups


class Command(BaseCommand):
    help = "Recompute every rollup from the raw rows and report each value that drifted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="rewrite drifted rollups")
        parser.add_argument("--show", type=int, default=20, help="how many drifts to list")

    def handle(self, *args: Any, fix: bool, show: int, **options: Any) -> None:
        total = 0
        for counter_check in rollups.registered_checks():
            lines = counter_check.drifts()
            total += len(lines)
            self.stdout.write(f"{counter_check.name}: {'ok' if not lines else 'drifted'}")
            for line in lines[:show]:
                self.stdout.write(f"  {line}")
            if lines and fix and counter_check.fix is None:
                self.stdout.write(f"  {counter_check.name}: not rewritten: look at these rows")
            elif lines and fix and counter_check.fix is not None:
                counter_check.fix()
                self.stdout.write(f"  {counter_check.name}: rewritten from the raw rows")
        for rollup in rollups.registered():
            drifts = rollups.check(rollup)
            total += len(drifts)
            status = "ok" if not drifts else f"{len(drifts)} drifted value(s)"
            self.stdout.write(f"{rollup.name}: {status}")
            for drift in drifts[:show]:
                self.stdout.write(
                    f"  unit {drift.unit_id} {drift.field}: stored {drift.stored}, "
                    f"expected {drift.expected}"
                )
            if drifts and fix:
                rollups.refresh(rollup)
                self.stdout.write(f"  {rollup.name}: rewritten from the raw rows")
        if total and not fix:
            raise CommandError(f"{total} counter value(s) drifted; run with --fix to rewrite.")
