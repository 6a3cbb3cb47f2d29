"""The webhook may call only public hosts: addresses are checked when saved (the unit's page,
the service, the admin) and again at each delivery, where the host is resolved, refused if
any address it resolves to is not public, and connected to at the address checked (with the
name in the Host header and TLS SNI); redirects are not followed; a refused delivery fails at
once with the reason in the log."""

from __future__ import annotations

import io
import socket
import ssl
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from chuxin.rectification import webhook_guard, webhooks
from chuxin.rectification.admin import UnitWebhookAdminForm
from chuxin.rectification.models import DeliveryStatus, UnitWebhook, WebhookDelivery

from .conftest import RectWorld

pytestmark = pytest.mark.django_db

HOST = "relay.example.org"
URL = f"https://{HOST}/hook?room=7"
PUBLIC = "93.184.215.14"


@pytest.fixture(autouse=True)
def _guarded(settings: Any) -> None:
    """The production policy, whatever the environment running the tests says."""
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_PRIVATE = False
    settings.WEBHOOK_ALLOWED_HOSTS = []


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


class FakeDNS:
    """Answers for the names given (in turn, one list per lookup; the last one repeats);
    any other name goes to the real resolver."""

    def __init__(self, monkeypatch: Any) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.asked: list[str] = []
        real = socket.getaddrinfo

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if host not in self.answers:
                return real(host, port, *args, **kwargs)
            self.asked.append(host)
            queue = self.answers[host]
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
                if ":" in a
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses
            ]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def answer(self, host: str, *lookups: list[str]) -> None:
        self.answers[host] = list(lookups)


@pytest.fixture
def dns(monkeypatch: Any) -> FakeDNS:
    return FakeDNS(monkeypatch)


NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"


class FakeNetwork:
    """Stands in for ``socket.create_connection``: records where it was asked to connect,
    answers with a canned HTTP response and keeps the request."""

    def __init__(self, monkeypatch: Any) -> None:
        self.response = NO_CONTENT
        self.connected: list[tuple[str, int]] = []
        self._servers: list[socket.socket] = []

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
            self.connected.append((address[0], address[1]))
            client, server = socket.socketpair()
            server.sendall(self.response)  # read by the client once it has sent the request
            self._servers.append(server)
            return client

        monkeypatch.setattr(socket, "create_connection", create_connection)

    def requests(self) -> list[bytes]:
        out = []
        for server in self._servers:
            server.settimeout(2)
            data = b""
            while chunk := server.recv(65536):
                data += chunk
            server.close()
            out.append(data)
        self._servers = []
        return out


@pytest.fixture
def network(monkeypatch: Any) -> FakeNetwork:
    return FakeNetwork(monkeypatch)


class RecordingTLS(ssl.SSLContext):
    """A TLS context that records the SNI name asked for and leaves the socket as it is."""

    server_names: list[str | None] = []

    def wrap_socket(self, sock: Any, *args: Any, server_hostname: Any = None, **kw: Any) -> Any:
        RecordingTLS.server_names.append(server_hostname)
        return sock


@pytest.fixture
def tls(monkeypatch: Any) -> type[RecordingTLS]:
    RecordingTLS.server_names = []
    monkeypatch.setattr(webhook_guard, "tls_context", lambda: RecordingTLS(ssl.PROTOCOL_TLS_CLIENT))
    return RecordingTLS


def _page(rw: RectWorld) -> str:
    return reverse("rectification:webhook", args=[rw.county_a.pk])


def _save(rw: RectWorld, url: str) -> Any:
    return rw.client_for(rw.city_admin).post(
        _page(rw), {"action": "save", "url": url, "active": "on"}
    )


# --- When the address is saved ---------------------------------------------------------------

REFUSED = {
    "http://relay.example.org/hook": "https://",
    "https://user:pw@relay.example.org/hook": "user name or password",
    "https://token@relay.example.org/hook": "user name or password",
    "https://127.0.0.1/hook": "not a public address",
    "https://127.0.0.1:6379/": "not a public address",
    "https://10.0.0.1/hook": "not a public address",
    "https://192.168.1.10:5432/": "not a public address",
    "https://169.254.169.254/latest/meta-data/": "not a public address",
    "https://[::1]/hook": "not a public address",
    "https://[fe80::1]/hook": "not a public address",
    "https://0.0.0.0/hook": "not a public address",
    "https://localhost:5432/": "not a public address",
    "ftp://relay.example.org/hook": "http:// or https://",
    "gopher://relay.example.org:6379/_INFO": "http:// or https://",
}


@pytest.mark.parametrize(("url", "reason"), REFUSED.items())
def test_the_page_refuses_addresses_the_server_may_not_call(
    rw: RectWorld, url: str, reason: str
) -> None:
    response = _save(rw, url)
    assert response.status_code == 200
    errors = response.context["form"].errors["url"]
    assert any(reason in e for e in errors), errors
    assert reason.encode() in response.content
    assert not UnitWebhook.objects.exists()


@pytest.mark.parametrize("url", REFUSED)
def test_the_service_refuses_them_too(rw: RectWorld, url: str) -> None:
    """The service is what every caller (page, admin, a future API) goes through."""
    with pytest.raises(ValidationError) as caught:
        webhooks.webhook_save(actor=rw.city_admin, unit=rw.county_a, url=url)
    assert caught.value.message_dict["url"]
    assert not UnitWebhook.objects.exists()


def test_the_admin_refuses_them_too(rw: RectWorld) -> None:
    data = {"unit": rw.county_a.pk, "secret": "k", "active": "on"}
    form = UnitWebhookAdminForm(data={**data, "url": "https://169.254.169.254/latest/"})
    assert not form.is_valid() and "not a public address" in form.errors["url"][0]
    form = UnitWebhookAdminForm(data={**data, "url": URL})
    assert form.is_valid(), form.errors


def test_a_public_https_address_is_saved(rw: RectWorld) -> None:
    response = _save(rw, URL)
    assert response.status_code == 200 and not response.context["form"].errors
    assert UnitWebhook.objects.get().url == URL


def test_plain_http_only_in_debug_and_still_no_private_host(rw: RectWorld, settings: Any) -> None:
    settings.DEBUG = True
    errors = _save(rw, "http://10.1.2.3/hook").context["form"].errors["url"]
    assert "not a public address" in errors[0]
    assert not UnitWebhook.objects.exists()
    _save(rw, "http://relay.example.org/hook")
    assert UnitWebhook.objects.get().url == "http://relay.example.org/hook"


def test_private_hosts_may_be_allowed_for_development(rw: RectWorld, settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True
    _save(rw, "http://127.0.0.1:9/relay")
    assert UnitWebhook.objects.get().url == "http://127.0.0.1:9/relay"


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("chat.hunan.gov.cn", True),
        ("gov.cn", True),
        ("a.b.gov.cn", True),
        ("GOV.CN", True),
        ("relay.party.example", True),
        ("evilgov.cn", False),
        ("gov.cn.evil.org", False),
        ("party.example", False),
        ("x.relay.party.example", False),
        ("relay.example.org", False),
    ],
)
def test_allow_list_matches_names_and_suffixes(host: str, allowed: bool) -> None:
    patterns = [".gov.cn", "relay.party.example"]
    assert webhook_guard.host_allowed(host, patterns) is allowed


def test_the_allow_list_is_applied_when_saving(rw: RectWorld, settings: Any) -> None:
    settings.WEBHOOK_ALLOWED_HOSTS = [".gov.cn", " Relay.Party.Example "]
    response = _save(rw, URL)
    assert "relay.example.org is not among the hosts" in response.context["form"].errors["url"][0]
    assert ".gov.cn, relay.party.example" in response.context["form"].errors["url"][0]
    assert not UnitWebhook.objects.exists()
    _save(rw, "https://im.hunan.gov.cn/hook")
    assert UnitWebhook.objects.get().url == "https://im.hunan.gov.cn/hook"


def test_an_empty_allow_list_allows_any_public_host() -> None:
    assert webhook_guard.host_allowed("anything.example", [])


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),  # multicast, "global" to ipaddress
        ("239.255.255.250", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:8.8.8.8", True),
        ("2002:7f00:1::", False),  # 6to4 around 127.0.0.1
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    import ipaddress

    assert webhook_guard.is_public(ipaddress.ip_address(address)) is public


# --- At delivery -----------------------------------------------------------------------------


def _queued(rw: RectWorld, url: str = URL) -> WebhookDelivery:
    # Saved straight to the table, as an old row or the DNS changing after the save would be.
    hook = UnitWebhook.objects.create(unit=rw.county_a, url=url, secret="s3cret")
    return webhooks.queue_delivery(hook, {"kind": "rectification.overdue"})


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["10.0.0.1"], ["169.254.169.254"], ["::1"], [PUBLIC, "10.0.0.1"]],
)
def test_a_host_resolving_to_a_private_address_is_refused_and_not_retried(
    rw: RectWorld, dns: FakeDNS, network: FakeNetwork, addresses: list[str]
) -> None:
    dns.answer(HOST, addresses)
    delivery = _queued(rw)
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert network.connected == []  # never connected
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert delivery.next_attempt_at is None and delivery.response_code is None
    private = next(a for a in addresses if a != PUBLIC)
    assert delivery.last_error == (
        f"Refused: {HOST} resolves to {private}, which is not a public address."
    )
    assert webhooks.deliver_due() == 0  # nothing left to retry
    log = rw.client_for(rw.city_admin).get(
        reverse("rectification:webhook_deliveries", args=[rw.county_a.pk])
    )
    assert f"resolves to {private}".encode() in log.content


def test_the_test_button_reports_a_refusal_without_promising_a_retry(
    rw: RectWorld, dns: FakeDNS, network: FakeNetwork
) -> None:
    UnitWebhook.objects.create(unit=rw.county_a, url=URL, secret="k")
    dns.answer(HOST, ["169.254.169.254"])
    response = rw.client_for(rw.city_admin).post(_page(rw), {"action": "test"})
    assert response.context["test"].status == DeliveryStatus.FAILED
    content = response.content.decode()
    assert "resolves to 169.254.169.254" in content and "will be retried" not in content


def test_a_public_host_is_delivered_at_the_address_checked(
    rw: RectWorld, dns: FakeDNS, network: FakeNetwork, tls: type[RecordingTLS]
) -> None:
    # The second lookup would answer the loopback (DNS rebinding): it must never be made.
    dns.answer(HOST, [PUBLIC], ["127.0.0.1"])
    delivery = _queued(rw)
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.response_code == 204
    assert dns.asked == [HOST]
    assert network.connected == [(PUBLIC, 443)]
    assert tls.server_names == [HOST]  # SNI and the certificate check use the name
    [request] = network.requests()
    head, _sep, body = request.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /hook?room=7 HTTP/1.1"
    assert f"Host: {HOST}" in lines
    signature = next(
        v for k, _s, v in (x.partition(": ") for x in lines) if k == "X-Chuxin-Signature"
    )
    assert webhooks.verify("s3cret", body, signature)


def test_the_port_and_plain_http_in_debug(
    rw: RectWorld, dns: FakeDNS, network: FakeNetwork, settings: Any
) -> None:
    settings.DEBUG = True
    dns.answer(HOST, ["2606:4700::1111"])
    delivery = _queued(rw, f"http://{HOST}:8080/钩子?q=a b")
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert network.connected == [("2606:4700::1111", 8080)]
    [request] = network.requests()
    assert request.startswith(b"POST /%E9%92%A9%E5%AD%90?q=a%20b HTTP/1.1\r\n")
    assert f"Host: {HOST}:8080\r\n".encode() in request


def test_redirects_are_not_followed(
    rw: RectWorld, dns: FakeDNS, network: FakeNetwork, tls: type[RecordingTLS]
) -> None:
    dns.answer(HOST, [PUBLIC])
    network.response = (
        b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/meta-data/\r\n"
        b"Content-Length: 0\r\n\r\n"
    )
    delivery = _queued(rw)
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert network.connected == [(PUBLIC, 443)]  # one connection: the redirect was not followed
    assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
    assert "redirects are not followed" in delivery.last_error
    assert "169.254.169.254" in delivery.last_error


def test_the_policy_is_checked_again_at_delivery(
    rw: RectWorld, dns: FakeDNS, network: FakeNetwork, settings: Any
) -> None:
    """An address saved before the allow-list (or by an older version) is refused when sent."""
    delivery = _queued(rw)
    settings.WEBHOOK_ALLOWED_HOSTS = [".gov.cn"]
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "not among the hosts" in delivery.last_error
    assert dns.asked == [] and network.connected == []
    settings.WEBHOOK_ALLOWED_HOSTS = []
    literal = _queued_again(rw, "https://10.0.0.1/hook")
    webhooks.attempt(literal.pk)
    literal.refresh_from_db()
    assert literal.status == DeliveryStatus.FAILED and "not a public address" in literal.last_error


def _queued_again(rw: RectWorld, url: str) -> WebhookDelivery:
    hook = UnitWebhook.objects.get(unit=rw.county_a)
    hook.url = url
    hook.save()
    return webhooks.queue_delivery(hook, {"kind": "x"})


def test_a_failed_lookup_is_a_network_failure_and_is_retried(
    rw: RectWorld, monkeypatch: Any
) -> None:
    def getaddrinfo(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    delivery = _queued(rw)
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None
    assert f"{HOST} could not be resolved" in delivery.last_error


def test_the_retry_command_refuses_too(rw: RectWorld, dns: FakeDNS, network: FakeNetwork) -> None:
    dns.answer(HOST, ["10.0.0.1"])
    delivery = _queued(rw)
    out = io.StringIO()
    call_command("rectification_webhooks", stdout=out)
    assert "1 delivery(ies) tried" in out.getvalue()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "10.0.0.1" in delivery.last_error
    assert network.connected == []


def test_the_unrecorded_post_is_guarded_too(
    rw: RectWorld, dns: FakeDNS, network: FakeNetwork
) -> None:
    dns.answer(HOST, ["127.0.0.1"])
    hook = UnitWebhook.objects.create(unit=rw.county_a, url=URL, secret="k")
    assert webhooks.deliver(hook.pk, {"kind": "test"}) is None
    assert network.connected == []


def test_private_addresses_are_delivered_when_allowed(
    rw: RectWorld, dns: FakeDNS, network: FakeNetwork, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE = True
    dns.answer(HOST, ["10.0.0.1"])
    delivery = _queued(rw, f"http://{HOST}/hook")
    webhooks.attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert network.connected == [("10.0.0.1", 80)]
    network.requests()
