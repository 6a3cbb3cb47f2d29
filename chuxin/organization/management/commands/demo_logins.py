"""Print the demo users and their passwords: ``chuxin demo_logins``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chuxin.organization.demo import demo_login_lines


class Command(BaseCommand):
    help = (
        "Print the demo users, their roles and passwords (derived from SECRET_KEY, so they "
        "can be printed again at any time)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-verify",
            action="store_true",
            help="do not check that each user still has the demo password (faster)",
        )

    def handle(self, *args: Any, no_verify: bool, **options: Any) -> None:
        lines = demo_login_lines(verify=not no_verify)
        width = max(len(line.login.username) for line in lines)
        self.stdout.write("Demo logins (username  password  role):")
        for line in lines:
            if not line.exists:
                note = "  (not created: load the demo first)"
            elif not line.password_works:
                note = "  (password changed since, or user inactive)"
            else:
                note = ""
            self.stdout.write(
                f"  {line.login.username:<{width}}  {line.password}  {line.login.description}{note}"
            )
