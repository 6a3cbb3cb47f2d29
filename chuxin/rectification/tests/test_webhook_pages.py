"""A unit administrator sets the unit's webhook (secret shown once, regenerated, test sent),
deliveries are recorded, retried with backoff up to the limit, and listed in the log."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from chuxin.rectification import webhooks
from chuxin.rectification.models import DeliveryStatus, UnitWebhook, WebhookDelivery

from .conftest import RectWorld

pytestmark = pytest.mark.django_db

URL = "https://relay.example.org/hook"


class Relay:
    """A fake transport: answers with the codes queued (or raises an OSError for None)."""

    def __init__(self, *answers: int | None) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.calls.append((url, body, headers))
        answer = self.answers.pop(0) if self.answers else 200
        if answer is None:
            raise OSError("connection refused")
        return answer


@pytest.fixture
def relay(monkeypatch: Any) -> Relay:
    fake = Relay()
    monkeypatch.setattr(webhooks, "transport", fake)
    return fake


def _page(rw: RectWorld, user: Any, unit: Any = None) -> str:
    return reverse("rectification:webhook", args=[(unit or rw.county_a).pk])


def test_set_up_shows_the_secret_once(rw: RectWorld, relay: Relay) -> None:
    client = rw.client_for(rw.city_admin)
    response = client.post(_page(rw, rw.city_admin), {"action": "save", "url": URL, "active": "on"})
    assert response.status_code == 200
    hook = UnitWebhook.objects.get(unit=rw.county_a)
    assert response.context["secret"] == hook.secret and hook.secret.encode() in response.content
    again = client.get(_page(rw, rw.city_admin))
    assert hook.secret.encode() not in again.content and again.context["secret"] is None
    # Changing the address keeps the secret (and does not show it).
    response = client.post(_page(rw, rw.city_admin), {"action": "save", "url": URL + "2"})
    hook.refresh_from_db()
    assert hook.url == URL + "2" and not hook.active and response.context["secret"] is None
    old = hook.secret
    response = client.post(_page(rw, rw.city_admin), {"action": "regenerate"})
    hook.refresh_from_db()
    assert hook.secret != old and response.context["secret"] == hook.secret


@pytest.mark.parametrize("url", ["", "ftp://relay/x", "not a url", "javascript:alert(1)"])
def test_bad_addresses_are_refused(rw: RectWorld, url: str) -> None:
    response = rw.client_for(rw.city_admin).post(
        _page(rw, rw.city_admin), {"action": "save", "url": url}
    )
    assert response.status_code == 200 and response.context["form"].errors["url"]
    assert not UnitWebhook.objects.exists()


def test_send_test_is_signed_and_logged(rw: RectWorld, relay: Relay) -> None:
    client = rw.client_for(rw.city_admin)
    client.post(_page(rw, rw.city_admin), {"action": "save", "url": URL, "active": "on"})
    hook = UnitWebhook.objects.get()
    response = client.post(_page(rw, rw.city_admin), {"action": "test"})
    assert response.context["test"].status == DeliveryStatus.DELIVERED
    url, body, headers = relay.calls[0]
    assert url == URL and json.loads(body)["kind"] == "test"
    assert webhooks.verify(hook.secret, body, headers[webhooks.SIGNATURE_HEADER])
    relay.answers = [503]
    response = client.post(_page(rw, rw.city_admin), {"action": "test"})
    failed = response.context["test"]
    assert failed.status == DeliveryStatus.PENDING and failed.last_error == "HTTP 503"
    log = client.get(reverse("rectification:webhook_deliveries", args=[rw.county_a.pk]))
    assert [d.status for d in log.context["page"].object_list] == ["pending", "delivered"]
    export = client.get(
        reverse("rectification:webhook_deliveries", args=[rw.county_a.pk]), {"format": "csv"}
    )
    assert "HTTP 503" in b"".join(export.streaming_content).decode()


def test_failed_deliveries_are_retried_with_backoff_up_to_the_limit(
    rw: RectWorld, relay: Relay, django_capture_on_commit_callbacks: Any
) -> None:
    hook = UnitWebhook.objects.create(unit=rw.city_a, url=URL, secret="s3cret")
    relay.answers = [None] * webhooks.MAX_ATTEMPTS
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks.send_after_commit(rw.county_a, {"kind": "rectification.overdue"})
    delivery = WebhookDelivery.objects.get()
    assert delivery.hook == hook and delivery.attempts == 1
    assert delivery.status == DeliveryStatus.PENDING and "connection refused" in delivery.last_error
    now = timezone.now()
    waits = []
    for attempt in range(2, webhooks.MAX_ATTEMPTS + 1):
        delivery.refresh_from_db()
        assert delivery.next_attempt_at is not None
        waits.append(delivery.next_attempt_at)
        # Not due yet: nothing is tried.
        assert webhooks.deliver_due(now=delivery.next_attempt_at - dt.timedelta(seconds=1)) == 0
        now = delivery.next_attempt_at
        assert webhooks.deliver_due(now=now) == 1
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    gaps = [b - a for a, b in itertools.pairwise(waits)]
    assert all(later > earlier for earlier, later in itertools.pairwise(gaps))
    assert len(relay.calls) == webhooks.MAX_ATTEMPTS
    # Every try signed the same body.
    assert len({body for _url, body, _headers in relay.calls}) == 1
    assert webhooks.deliver_due(now=now + dt.timedelta(days=1)) == 0


def test_a_retry_that_succeeds_is_delivered(rw: RectWorld, relay: Relay) -> None:
    UnitWebhook.objects.create(unit=rw.county_a, url=URL, secret="k")
    relay.answers = [500, 200]
    hook = UnitWebhook.objects.get()
    delivery = webhooks.queue_delivery(hook, {"kind": "x"})
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.response_code == 500
    assert delivery.next_attempt_at is not None
    webhooks.deliver_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2 and not delivery.last_error


def test_the_retry_task_runs_through_django_tasks(rw: RectWorld, relay: Relay) -> None:
    from chuxin.rectification.tasks import webhook_retry_due

    hook = UnitWebhook.objects.create(unit=rw.county_a, url=URL, secret="k")
    due = timezone.now() - dt.timedelta(minutes=1)
    WebhookDelivery.objects.create(hook=hook, kind="x", payload={"kind": "x"}, next_attempt_at=due)
    result = webhook_retry_due.enqueue()
    assert result.return_value == 1
    assert WebhookDelivery.objects.get().status == "delivered"


PAGE = {
    "office": 200,
    "city_admin": 200,
    "other_county_admin": 404,
    "guidance": 403,
    "member_user": 404,
}


@pytest.mark.parametrize("who", [*PAGE, "anonymous"])
@pytest.mark.parametrize("name", ["rectification:webhook", "rectification:webhook_deliveries"])
def test_scope(rw: RectWorld, who: str, name: str) -> None:
    user = None if who == "anonymous" else getattr(rw, who)
    response = rw.client_for(user).get(reverse(name, args=[rw.county_a.pk]))
    if who == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == PAGE[who]
    post = rw.client_for(user).post(
        reverse("rectification:webhook", args=[rw.county_a.pk]), {"action": "save", "url": URL}
    )
    assert post.status_code == PAGE[who]
    assert UnitWebhook.objects.exists() == (PAGE[who] == 200)


def test_delivery_log_has_bounded_queries(
    rw: RectWorld, django_assert_max_num_queries: Any
) -> None:
    hook = UnitWebhook.objects.create(unit=rw.county_a, url=URL, secret="k")
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(hook=hook, kind=f"k{i}", payload={}) for i in range(30)]
    )
    client = rw.client_for(rw.city_admin)
    url = reverse("rectification:webhook_deliveries", args=[rw.county_a.pk])
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url, {"status": "pending"})
    assert len(response.context["page"].object_list) == 30
