"""Load the demo organization: ``chuxin demo --scale {county,city,province} [--if-empty]
[--only study,rectification]``.

The demo loads only into an empty organization. On a database that already holds units it
refuses (or, with ``--if-empty``, does nothing and exits 0); to load it again, start from a
fresh database or empty this one with ``chuxin flush --noinput``.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chuxin.organization.demo import SCALES, NotEmpty, existing_organization, load
from chuxin.organization.demo.selection import demo_apps, parse_only

PUBLIC_SCALES = ("county", "city", "province")


def _scale(value: str) -> str:
    if value not in SCALES:  # "tiny" is accepted but not advertised: the tests use it
        raise argparse.ArgumentTypeError(
            f"choose one of {', '.join(PUBLIC_SCALES)} (got {value!r})"
        )
    return value


class Command(BaseCommand):
    help = (
        "Load a deterministic demo organization (Liaoning, the 2019 thematic education) into "
        "an empty database. Scales: "
        + "; ".join(f"{name}: {SCALES[name].description}" for name in PUBLIC_SCALES)
        + ". Refuses when units exist (use a fresh database or `chuxin flush --noinput`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=_scale, default="county", metavar="{county,city,province}"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and exit 0) when the database already holds units",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--only",
            default=None,
            metavar="APP[,APP...]",
            help="load only these capabilities' demo data (app labels, comma-separated, e.g. "
            "study,rectification); the organization always loads. Default: every capability",
        )

    def handle(
        self,
        *args: Any,
        scale: str,
        if_empty: bool,
        no_progress: bool,
        only: str | None = None,
        **options: Any,
    ) -> None:
        try:
            selection = parse_only(only)
        except ValueError as exc:
            raise CommandError(f"--only: {exc}") from exc
        units, members = existing_organization()
        if units or members:
            message = f"The database already holds {units} unit(s) and {members} member(s)."
            if if_empty:
                self.stdout.write(f"{message} The demo is not loaded (--if-empty).")
                return
            raise CommandError(
                f"{message} The demo loads only into an empty organization: use a fresh "
                "database, or empty this one with `chuxin flush --noinput` and run it again."
            )
        show = not no_progress and options["verbosity"] > 0
        try:
            report = load(SCALES[scale], progress=show, only=selection)
        except NotEmpty as exc:  # someone loaded in the meantime
            raise CommandError(f"The database already holds {exc}.") from exc
        if options["verbosity"] == 0:
            return
        phases = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.timings.items())
        self.stdout.write(
            f"Loaded the {report.scale} demo: {report.units} units, {report.members} members "
            f"in {report.seconds:.1f}s ({phases})."
        )
        if selection is not None:
            skipped = sorted(set(demo_apps()) - selection)
            self.stdout.write(
                f"Demo data of: {', '.join(sorted(selection))} only"
                + (f" (not loaded: {', '.join(skipped)})." if skipped else ".")
            )
        self.stdout.write("Run `chuxin demo_logins` for the demo users and their passwords.")
