"""The daily sweep: overdue and reminder timing around midnight in Asia/Shanghai, reminders
7/3/1 days before, escalation up two levels, idempotence, and the signed webhook (received by
a real HTTP server on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from chuxin.core import rollups
from chuxin.core.models import Notification
from chuxin.rectification import counters, webhooks
from chuxin.rectification.models import RectificationTask, UnitWebhook
from chuxin.rectification.reminders import rectification_sweep, today_in_zone

from .conftest import RectWorld

pytestmark = pytest.mark.django_db
UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _set_limit(rw: RectWorld, limit: dt.date) -> None:
    RectificationTask.objects.filter(pk=rw.task.pk).update(time_limit=limit)
    rw.task.refresh_from_db()


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """That wall-clock time in Shanghai, as an aware datetime."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _notes(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_today_is_shanghai_today() -> None:
    # 16:30 UTC is already half past midnight of the next day in Shanghai.
    assert today_in_zone(dt.datetime(2026, 3, 10, 16, 30, tzinfo=UTC)) == dt.date(2026, 3, 11)
    assert today_in_zone(dt.datetime(2026, 3, 10, 15, 59, tzinfo=UTC)) == dt.date(2026, 3, 10)


def test_overdue_starts_at_midnight_in_shanghai(rw: RectWorld) -> None:
    limit = dt.date(2026, 3, 10)
    _set_limit(rw, limit)
    rollups.refresh(counters.rollup())
    rectification_sweep(now=_at(limit, 23, 59))
    rw.task.refresh_from_db()
    assert not rw.task.is_overdue
    result = rectification_sweep(now=_at(limit + dt.timedelta(days=1), 0, 0))
    rw.task.refresh_from_db()
    assert rw.task.is_overdue and result.overdue_changed == 1
    row = rw.province.rectification_rollup
    row.refresh_from_db()
    assert row.subtree_overdue == 1
    assert not rollups.check(counters.rollup())
    # Idempotent: the same day again changes nothing and sends nothing.
    again = rectification_sweep(now=_at(limit + dt.timedelta(days=1), 9, 0))
    assert again.overdue_changed == 0 and again.notifications == 0


@pytest.mark.parametrize(
    ("days_before", "reminded"), [(8, False), (7, True), (5, False), (3, True), (1, True)]
)
def test_reminders_7_3_1_days_before(rw: RectWorld, days_before: int, reminded: bool) -> None:
    limit = dt.date(2026, 3, 20)
    _set_limit(rw, limit)
    # Just after midnight in Shanghai (the evening before in UTC).
    rectification_sweep(now=_at(limit - dt.timedelta(days=days_before), 0, 5))
    notes = _notes(rw.member_user)
    assert bool(notes) == reminded
    if reminded:
        assert notes[0].kind == "rect_due" and rw.task.title in notes[0].title
        assert notes[0].url == f"/rectification/tasks/{rw.task.pk}/"


def test_reminders_are_sent_once(rw: RectWorld) -> None:
    limit = dt.date(2026, 3, 20)
    _set_limit(rw, limit)
    now = _at(limit - dt.timedelta(days=3), 8)
    assert rectification_sweep(now=now).notifications == 1
    assert rectification_sweep(now=now).notifications == 0
    assert len(_notes(rw.member_user)) == 1


def test_escalation_chain(rw: RectWorld) -> None:
    limit = dt.date(2026, 3, 10)
    _set_limit(rw, limit)
    # The day after: the responsible person and the city (above county A) are told.
    rectification_sweep(now=_at(limit + dt.timedelta(days=1), 7))
    assert [n.kind for n in _notes(rw.member_user)] == ["rect_overdue"]
    assert [n.kind for n in _notes(rw.city_admin)] == ["rect_overdue"]
    assert _notes(rw.office) == []
    # Seven more days: the province (above the city) as well; nobody is told twice.
    rectification_sweep(now=_at(limit + dt.timedelta(days=7), 7))
    assert _notes(rw.office) == []
    rectification_sweep(now=_at(limit + dt.timedelta(days=8), 7))
    assert [n.kind for n in _notes(rw.office)] == ["rect_overdue"]
    assert len(_notes(rw.member_user)) == 1 and len(_notes(rw.city_admin)) == 1
    # A completed task is no longer chased.
    RectificationTask.objects.filter(pk=rw.task.pk).update(status="submitted")
    assert rectification_sweep(now=_at(limit + dt.timedelta(days=20), 7)).notifications == 0


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver.received
    server.shutdown()
    server.server_close()


def test_webhook_signed_and_sent_once_after_commit(
    rw: RectWorld, receiver: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on 127.0.0.1
    url, received = receiver
    UnitWebhook.objects.create(unit=rw.city_a, url=url, secret="s3cret")
    limit = dt.date(2026, 3, 10)
    _set_limit(rw, limit)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = rectification_sweep(now=_at(limit + dt.timedelta(days=1), 7))
    assert result.webhooks == 1 and received == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(received) == 1
    headers, body = received[0]
    assert webhooks.verify("s3cret", body, headers[webhooks.SIGNATURE_HEADER])
    assert not webhooks.verify("other", body, headers[webhooks.SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["kind"] == "rectification.overdue"
    assert payload["task"]["code"] == rw.task.code and payload["unit"] == rw.city_a.code
    with django_capture_on_commit_callbacks(execute=True):
        assert rectification_sweep(now=_at(limit + dt.timedelta(days=1), 9)).webhooks == 0
    assert len(received) == 1


def test_signature_is_hmac_sha256_of_the_body() -> None:
    import hashlib
    import hmac

    body = b'{"a": 1}'
    expected = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert webhooks.sign("k", body) == f"sha256={expected}"


def test_a_dead_relay_does_not_stop_the_sweep(rw: RectWorld, monkeypatch: Any) -> None:
    hook = UnitWebhook.objects.create(unit=rw.county_a, url="http://127.0.0.1:9/x", secret="k")

    def refuse(url: str, body: bytes, headers: dict[str, str]) -> int:
        raise OSError("connection refused")

    monkeypatch.setattr(webhooks, "transport", refuse)
    assert webhooks.deliver(hook.pk, {"kind": "test"}) is None


def test_command(rw: RectWorld) -> None:
    out = io.StringIO()
    call_command("rectification_daily", stdout=out)
    assert "notification(s)" in out.getvalue()
