"""Background work of oversight: the daily snapshot and the scheduled weekly briefings."""

from __future__ import annotations

from django_tasks import task

from . import services, snapshots


@task()
def take_daily_snapshot() -> int:
    """Copy today's counters into the snapshot, thin old days; returns the units written."""
    day = snapshots.take_snapshot()
    snapshots.prune()
    return day.units


@task()
def generate_scheduled_briefings() -> int:
    """Generate today's weekly draft briefings; returns how many."""
    return len(services.scheduled_briefings_run())


@task()
def send_daily_digests() -> int:
    """Email today's digests (once a day per user); returns how many were sent."""
    from chuxin.core.notifications import send_daily_digests as send

    return send()
