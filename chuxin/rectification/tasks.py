"""Background work of rectification.

``rectification_daily`` runs once a day, shortly after midnight in Asia/Shanghai (schedule
``5 0 * * * chuxin rectification_daily``, or enqueue the task for the worker): it refreshes
"overdue" and sends the reminders and escalations. Running it twice in a day sends nothing
new. (Lists and counts do not wait for it: they bring "overdue" up to the date themselves,
``counters.overdue_current``.)

``webhook_deliver`` tries one webhook delivery (enqueued after commit, and again with a delay
after a failure when the backend can defer); ``webhook_retry_due`` tries every delivery that
is due (schedule it every few minutes: ``*/5 * * * * chuxin rectification_webhooks``).
"""

from __future__ import annotations

from django_tasks import task

from .reminders import rectification_sweep


@task()
def rectification_daily() -> int:
    """The daily sweep; returns how many notifications were created."""
    return rectification_sweep().notifications


@task()
def webhook_deliver(delivery_id: int) -> str:
    """One try of one webhook delivery; returns its status afterwards."""
    from .webhooks import attempt

    delivery = attempt(delivery_id)
    return delivery.status if delivery else "skipped"


@task()
def webhook_retry_due() -> int:
    """Every webhook delivery whose retry is due; returns how many were tried."""
    from .webhooks import deliver_due

    return deliver_due()
