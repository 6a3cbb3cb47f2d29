"""Where a webhook may be sent: the guard against server-side request forgery.

A unit administrator types the webhook's address, and the server POSTs to it; without a
guard that would let anyone who manages a unit make the server call its own network (the
loopback, 10.x, the cloud metadata service at 169.254.169.254, the database's port). Two
checks, one policy:

* when the address is saved (:func:`check_url`, through the service ``webhook_save`` and the
  admin): http or https only, https unless ``DEBUG`` or ``WEBHOOK_ALLOW_PRIVATE``; no user name
  or password; the host in ``WEBHOOK_ALLOWED_HOSTS`` when that is set; no private address
  written as a number;
* at every delivery (:func:`post`), because what a name resolves to can change after it was
  saved: the same URL checks, then the name is resolved and the POST is refused when *any*
  address it resolves to is not public (private, loopback, link-local, multicast, reserved,
  unspecified), and the connection goes to one of the addresses just checked, never through
  a second lookup, so a DNS answer that changes between the check and the connection (DNS
  rebinding) cannot slip through. The request still carries the name (``Host`` header, TLS
  SNI and certificate check). Redirects are not followed.

``WEBHOOK_ALLOW_PRIVATE`` (off by default) lifts the address checks for development and tests
that deliver to a server on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Names that always mean this machine, whatever a resolver says.
LOCAL_NAMES = [".localhost"]
RESPONSE_READ_LIMIT = 64 * 1024


class WebhookRefused(Exception):
    """The delivery is refused by policy (not a network failure): retrying cannot help."""


@dataclass(frozen=True)
class Target:
    """A checked address: scheme, the host name in ASCII (IDNA), port and request path."""

    scheme: str
    host: str
    port: int
    path: str


def allow_private() -> bool:
    return bool(settings.WEBHOOK_ALLOW_PRIVATE)


def allowed_hosts() -> list[str]:
    return [h.strip().lower().rstrip(".") for h in settings.WEBHOOK_ALLOWED_HOSTS if h.strip()]


def host_allowed(host: str, patterns: list[str]) -> bool:
    """Whether the host matches the allow-list, as Django's ``ALLOWED_HOSTS`` does: an entry
    ``relay.example.org`` matches that name only; ``.gov.cn`` matches ``gov.cn`` and every name
    under it. An empty list allows any host."""
    if not patterns:
        return True
    host = host.lower().rstrip(".")
    for pattern in patterns:
        if pattern.startswith("."):
            if host == pattern[1:] or host.endswith(pattern):
                return True
        elif host == pattern:
            return True
    return False


def is_public(address: IPAddress) -> bool:
    """A globally routable unicast address. ``is_global`` alone is not enough: multicast is
    "global" to :mod:`ipaddress`, and an IPv6 address can carry an IPv4 one inside."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address.sixtofour is not None and not is_public(address.sixtofour):
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValueError(host) from exc


def parse(url: str) -> Target:
    """Check the address against the policy (nothing is resolved here); a ValueError says
    why it is refused, in words for the person who typed it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(_("Enter an http:// or https:// address.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(_("Enter an http:// or https:// address."))
    if scheme != "https" and not (settings.DEBUG or allow_private()):
        raise ValueError(_("Use an https:// address: webhooks are not sent over plain http."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValueError(
            _(
                "The address may not contain a user name or password "
                "(the receiver checks the signature instead)."
            )
        )
    try:
        host = _ascii_host(parts.hostname)
    except ValueError as exc:
        raise ValueError(_("Enter an http:// or https:// address.")) from exc
    patterns = allowed_hosts()
    if not host_allowed(host, patterns):
        raise ValueError(
            _("%(host)s is not among the hosts webhooks may be sent to (%(allowed)s).")
            % {"host": host, "allowed": ", ".join(patterns)}
        )
    if not allow_private():
        literal = _literal_address(host)
        if (literal is not None and not is_public(literal)) or host_allowed(host, LOCAL_NAMES):
            raise ValueError(
                _("%(host)s is not a public address; webhooks are sent only to public hosts.")
                % {"host": host}
            )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    path = quote(path, safe="/?#[]@!$&'()*+,;=:%-._~")  # non-ASCII as UTF-8 escapes
    return Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def check_url(url: str) -> str:
    """The address as saved, or a ValidationError on the ``url`` field saying why not."""
    try:
        parse(url)
    except ValueError as exc:
        raise ValidationError({"url": str(exc)}) from exc
    return url


def resolve(target: Target) -> list[str]:
    """Every address the host resolves to, in the resolver's order; refused when any of them
    is not public (unless private addresses are allowed). A lookup that fails is an OSError
    (a network failure, retried)."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(
            _("%(host)s could not be resolved: %(error)s") % {"host": target.host, "error": exc}
        ) from exc
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0])
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise OSError(_("%(host)s could not be resolved.") % {"host": target.host})
    if not allow_private():
        for text in addresses:
            address = _literal_address(text)
            if address is None or not is_public(address):
                raise WebhookRefused(
                    _("Refused: %(host)s resolves to %(address)s, which is not a public address.")
                    % {"host": target.host, "address": text}
                )
    return addresses


def _open(addresses: list[str], port: int, timeout: float | None) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers."""
    error: OSError | None = None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as exc:
            error = exc
    assert error is not None
    raise error


class PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a host name, over a connection to addresses already checked."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _open(self.addresses, self.port, self.timeout)


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()  # verifies the certificate against the host name
    context.set_alpn_protocols(["http/1.1"])
    return context


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a host name (SNI and the certificate check use the name) over a connection to
    addresses already checked."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        addresses: list[str],
        timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.addresses = addresses
        self.tls = context

    def connect(self) -> None:
        sock = _open(self.addresses, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST the body to the checked address; the HTTP status. Raises :class:`WebhookRefused`
    when the policy refuses it (a redirect included: redirects are not followed) and
    OSError/HTTPException when the network fails."""
    try:
        target = parse(url)
    except ValueError as exc:
        raise WebhookRefused(str(exc)) from exc
    addresses = resolve(target)
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = PinnedHTTPSConnection(
            target.host, target.port, addresses=addresses, timeout=timeout, context=tls_context()
        )
    else:
        connection = PinnedHTTPConnection(
            target.host, target.port, addresses=addresses, timeout=timeout
        )
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_READ_LIMIT)
        status = int(response.status)
        location = response.getheader("Location") or ""
    finally:
        connection.close()
    if 300 <= status < 400:
        raise WebhookRefused(
            _(
                "HTTP %(status)d: redirects are not followed (to %(location)s); "
                "save the final address."
            )
            % {"status": status, "location": location[:200] or "?"}
        )
    return status
