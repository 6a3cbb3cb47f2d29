"""Background work of the core: running import jobs."""

from __future__ import annotations

from django_tasks import task

from .imports import import_run
from .models import ImportJob


@task()
def run_import(job_id: int) -> str:
    """Run one waiting import job (as the user who uploaded it); returns its final status."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    return import_run(actor=job.created_by, job=job).status
