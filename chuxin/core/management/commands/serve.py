"""Serve Chuxin with granian (WSGI, one worker per core), optionally with a task worker."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the app with granian (not Django's runserver); --with-worker also runs tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="also run the background task worker (chuxin db_worker) beside the server",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int | None,
        with_worker: bool,
        **options: Any,
    ) -> None:
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        workers = workers or os.cpu_count() or 1
        granian = shutil.which("granian", path=os.path.dirname(sys.executable)) or "granian"
        server_cmd = [
            granian,
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            "1",
            "--no-ws",
            "config.wsgi:application",
        ]
        children: list[subprocess.Popen[bytes]] = []
        if with_worker and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            worker_cmd = [sys.executable, "-m", "chuxin.manage", "db_worker", "--queue-name", "*"]
            children.append(subprocess.Popen(worker_cmd))
        self.stdout.write(f"Serving on http://{host}:{port} with {workers} worker(s)")
        server = subprocess.Popen(server_cmd)
        children.append(server)

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = server.wait()
        stop(signal.SIGTERM, None)
        for child in children:
            child.wait()
        if code:
            sys.exit(code)
