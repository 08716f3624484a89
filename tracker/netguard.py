"""Outgoing HTTP that cannot reach inside: a host is resolved once, checked, and connected to.

A regency admin types the webhook address; the server then POSTs signed notices there. Without
a check, that address could be the server itself (``127.0.0.1``, ``[::1]``, ``0x7f000001``,
``localhost:22``), the private network behind it (10/8, 192.168/16, fc00::/7) or a cloud's
metadata service (169.254.169.254), and the outbox would tell the connection errors: a port
scanner run by anyone with a regency's admin account.

So a destination is resolved (``getaddrinfo``, which also reads every odd spelling of a number:
hexadecimal, octal, ``127.1``) and refused when any address it gives is not a public unicast
address: loopback, private, link-local, shared (100.64/10), unspecified, multicast, reserved,
documentation, and IPv6 forms that carry an IPv4 address (mapped ``::ffff:a.b.c.d``, compatible
``::a.b.c.d``, 6to4, NAT64, Teredo) are judged by that address. Names that only ever mean a
local machine (``localhost``, ``*.local``, a name without a dot) are refused without asking DNS.

The operator, never a regency admin, may allow networks (``WEBHOOK_ALLOWED_NETWORKS``): a relay
inside the government LAN, the tests' relay on 127.0.0.1.

``post_json`` connects to the very address it checked (the TLS certificate is still checked
against the host name), so a DNS answer that changes between the check and the connection
(DNS rebinding) changes nothing.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Names that mean this machine or its local network whatever DNS says (RFC 6761, 6762, 8375).
_LOCAL_SUFFIXES = (
    ".localhost",
    ".local",
    ".localdomain",
    ".internal",
    ".home.arpa",
    ".intranet",
    ".lan",
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

# The resolver: the world's edge, which tests replace.
Resolver = Callable[..., list[tuple[Any, ...]]]


class UnsafeDestination(Exception):
    """A destination that leads inside (or nowhere usable); ``str()`` says why, in English."""


class Unresolvable(UnsafeDestination):
    """A host name DNS gives no address for (now)."""


def parse_networks(value: str | Iterable[str] | None) -> tuple[Network, ...]:
    """Read the operator's allowed networks: CIDR blocks separated by commas or spaces."""
    if not value:
        return ()
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: IPAddress) -> bool:
    """Whether ``address`` is a public unicast address (and so is what it carries)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL or address in _IPV4_COMPATIBLE or address.is_site_local:
            return False
        carried = embedded_ipv4(address)
        if carried is not None and not is_public(carried):
            return False
        if address.ipv4_mapped is not None or address in _NAT64:
            return True  # a public IPv4 address, written in IPv6
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
    )


def _allowed(address: IPAddress, allowed: tuple[Network, ...]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return is_public(address) or any(
        address.version == net.version and address in net for net in allowed
    )


def _check_name(host: str) -> None:
    name = host.rstrip(".").lower()
    try:
        ipaddress.ip_address(name)
        return
    except ValueError:
        pass
    if name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
        raise UnsafeDestination(f"{host!r} names a local machine")
    # 0x7f000001 or 2130706433 are addresses to getaddrinfo, checked once resolved.
    numeric = name.isdigit() or (name.startswith("0x") and name[2:].isalnum())
    if "." not in name and not numeric:
        raise UnsafeDestination(f"{host!r} is a local name (no domain)")


@dataclass(frozen=True)
class Destination:
    """A URL taken apart, with the addresses its host resolved to, all of them checked."""

    scheme: str
    host: str
    port: int
    target: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeDestination("not a URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeDestination("not an http or https URL")
    default = 443 if parts.scheme == "https" else 80
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or default, target


def _resolve(host: str, port: int, resolver: Resolver, timeout: float) -> list[str]:
    """Return the addresses of ``host``; raise socket.gaierror or TimeoutError."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(resolver, host, port, 0, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        try:
            infos = future.result(timeout=timeout)
        except FutureTimeout as exc:
            raise TimeoutError(f"resolving {host!r} took longer than {timeout} s") from exc
    finally:
        pool.shutdown(wait=False)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%")[0]  # an IPv6 zone index names no other host
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_url(
    url: str,
    *,
    allowed: tuple[Network, ...] = (),
    resolver: Resolver | None = None,
    timeout: float = 3.0,
    must_resolve: bool = True,
) -> Destination:
    """Resolve ``url``'s host and return it checked; raise UnsafeDestination.

    With ``must_resolve`` false (saving an address whose DNS name is not published yet), a
    name that does not resolve passes with no addresses: it is checked again when used.
    """
    scheme, host, port, target = _split(url)
    _check_name(host)
    try:
        addresses = _resolve(host, port, resolver or socket.getaddrinfo, timeout)
    except (OSError, UnicodeError, TimeoutError) as exc:
        if must_resolve:
            raise Unresolvable(f"{host!r} could not be resolved") from exc
        return Destination(scheme, host, port, target, ())
    if not addresses:
        raise Unresolvable(f"{host!r} has no address")
    for address in addresses:
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError as exc:
            raise UnsafeDestination(f"{host!r} resolved to {address!r}") from exc
        if not _allowed(parsed, allowed):
            raise UnsafeDestination(f"{host!r} leads to {parsed}, which is not a public address")
    return Destination(scheme, host, port, target, tuple(addresses))


def _connect(address: str, port: int, timeout: float | None) -> socket.socket:
    """Open a TCP connection to a numeric address (no name lookup of any kind)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect((address, port))
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked address, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = _connect(self._address, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; the certificate must name the host."""

    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._context = context

    def connect(self) -> None:
        raw = _connect(self._address, self.port, self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def post(
    destination: Destination,
    *,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
    context: ssl.SSLContext | None = None,
) -> int:
    """POST ``body`` to a checked destination (its first reachable address); return the status.

    Redirects are answers, not new destinations. Raise OSError (any kind of connection
    failure, a timeout, a TLS error) or http.client.HTTPException.
    """
    last: BaseException | None = None
    for address in destination.addresses:
        connection: http.client.HTTPConnection
        if destination.scheme == "https":
            connection = _PinnedHTTPSConnection(
                destination.host,
                destination.port,
                address=address,
                timeout=timeout,
                context=context or ssl.create_default_context(),
            )
        else:
            connection = _PinnedHTTPConnection(
                destination.host, destination.port, address=address, timeout=timeout
            )
        try:
            try:
                connection.connect()
            except OSError as exc:
                last = exc
                continue  # the next address of the same, checked, host
            connection.request("POST", destination.target, body=body, headers=dict(headers))
            response = connection.getresponse()
            response.read(65536)
            return int(response.status)
        finally:
            connection.close()
    raise OSError("no address of the destination could be reached") from last
