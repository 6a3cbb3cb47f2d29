"""Print a new personal API token for a user: ``chuxin issue_token USERNAME``."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chuxin.core.services import api_token_issue


class Command(BaseCommand):
    help = "Issue a personal API token (sent as 'Authorization: Bearer <token>') and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="a label to tell tokens apart")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        _token, raw = api_token_issue(actor=None, user=user, name=name or "command line")
        self.stdout.write(raw)
