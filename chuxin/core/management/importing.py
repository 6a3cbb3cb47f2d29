"""The shared body of the ``import_<kind>`` commands: run a file as an import job, right here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from chuxin.core.imports import error_text, import_job_create, import_run
from chuxin.core.models import ImportJob, User

# Files this long get a progress bar on stderr.
PROGRESS_FROM_ROWS = 2000


class ImportCommand(BaseCommand):
    """Import a CSV or .xlsx file; exit non-zero, listing every error, if it is refused."""

    kind: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .xlsx workbook or a CSV file (UTF-8 or GB18030)")
        parser.add_argument(
            "--user",
            help="import as this user, within the units they manage (default: the first superuser)",
        )

    def handle(self, *args: Any, file: str, user: str | None, **options: Any) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        actor = self._actor(user)
        with path.open("rb") as handle:
            job = import_job_create(
                actor=actor, kind=self.kind, file=File(handle), original_name=path.name
            )
        job = self._run(actor, job)
        for note in job.notes:
            self.stderr.write(f"note: {note}")
        if job.status != ImportJob.Status.DONE:
            for error in job.errors:
                where = f"row {error['row']}" if error.get("row") else "file"
                column = error.get("header") or error.get("column")
                if column:
                    where += f", column {column}"
                value = f" [{error['value']}]" if error.get("value") else ""
                self.stderr.write(f"{path.name}: {where}{value}: {error_text(error)}")
            raise CommandError(
                f"{path.name}: {job.get_status_display()}, {len(job.errors)} error(s); "
                "nothing was imported."
            )
        self.stdout.write(
            f"{path.name}: {job.total_rows} rows — created {job.created_count}, "
            f"updated {job.updated_count}, unchanged {job.unchanged_count} (import #{job.pk})."
        )

    def _actor(self, username: str | None) -> User:
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist as exc:
                raise CommandError(f"no active user {username!r}") from exc
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("no superuser exists: create one, or pass --user USERNAME")
        return actor

    def _run(self, actor: User, job: ImportJob) -> ImportJob:
        console = Console(stderr=True)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as bar:
            task_id = None

            def progress(done: int, total: int) -> None:
                nonlocal task_id
                if total < PROGRESS_FROM_ROWS:
                    return
                if task_id is None:
                    task_id = bar.add_task("checking rows", total=total)
                bar.update(task_id, completed=done)

            return import_run(actor=actor, job=job, progress=progress)
