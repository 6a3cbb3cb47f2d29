"""Background work of assessment: computing a large evaluation (enqueued by
``services.evaluation_start`` after commit; run by ``chuxin db_worker``)."""

from __future__ import annotations

from django_tasks import task

from . import services
from .models import Evaluation


@task()
def compute_evaluation(evaluation_id: int) -> int:
    """Compute a running evaluation; returns the number of units evaluated."""
    evaluation = Evaluation.objects.select_related("scheme__campaign", "batch").get(
        pk=evaluation_id
    )
    services.evaluation_compute(evaluation=evaluation)
    evaluation.refresh_from_db()
    return evaluation.units_done
