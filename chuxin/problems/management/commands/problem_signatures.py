"""Index the text of every problem not yet indexed for duplicate suggestions (after a bulk
load; otherwise a unit is indexed the first time its duplicates are asked for)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from chuxin.problems.duplicates import index_all


class Command(BaseCommand):
    help = "Index problems' texts for duplicate suggestions (those not indexed yet)."

    def handle(self, *args: Any, **options: Any) -> None:
        done = index_all()
        self.stdout.write(f"{done} problem(s) indexed")
