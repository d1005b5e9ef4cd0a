"""Which addresses the tool may connect to for a platform, and connections that keep to them.

Every URL the tool fetches for a platform comes from outside: the ``openid_configuration``
of a registration request, the endpoints that configuration names, the AGS and NRPS URLs
of launch claims. Unchecked, a stranger points them at the company network (the database,
an admin console, the cloud metadata service at 169.254.169.254). So a connection is made
only when every address the host resolves to is public, and it is made to the address that
was checked: resolving again at connect time would let a DNS answer that changes between
the check and the connection (DNS rebinding) slip a private address through. The URL's
host name stays the ``Host`` header, the TLS server name and the name the certificate is
checked against, since only the socket's address is chosen here.

No maintained library fits: ``advocate`` (last release 2020) predates urllib3 2;
``requests-hardened`` checks only the first address a name resolves to and offers no
resolver to test with. This is urllib3's own connection with the resolution step replaced.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Callable
from functools import partial
from socket import timeout as SocketTimeout

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598, carrier-grade NAT: internal in practice
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are the IPv4 address reached
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d, still the IPv4 address to some stacks


class Refused(Exception):
    """A connection the guard will not make. Not an ``OSError`` on purpose: urllib3 retries
    those, and a refused address stays refused (``lti_tool.lti.http`` turns it into
    ``OutboundRefused`` for callers)."""


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form stands for (mapped, compatible, NAT64, 6to4), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in IPV4_COMPATIBLE and int(ip) > 1:  # :: and ::1 are IPv6's own
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def refusal(address: str | Address) -> str | None:
    """What kind of internal address ``address`` is ("loopback", ...), or None when it is public."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            kind = refusal(embedded)
            return f"{kind} (IPv4 {embedded})" if kind else None
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared address space", ip.version == 4 and ip in SHARED_ADDRESS_SPACE),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("not globally routable", not ip.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``, in its order of preference."""
    infos = socket.getaddrinfo(host, port, connection.allowed_gai_family(), socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def is_public(ip: Address) -> bool:
    return refusal(ip) is None


class OutboundGuard:
    """Resolves a host and admits it only if every address is allowed.

    ``resolve`` and ``permitted`` are seams for tests (a name that resolves to loopback,
    a loopback server that plays the public internet); production uses the defaults."""

    def __init__(self, resolve: Callable[[str, int], list[str]] = system_resolve,
                 permitted: Callable[[Address], bool] = is_public) -> None:
        self.resolve, self.permitted = resolve, permitted

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to, or ``Refused`` saying which one is not allowed."""
        found = self.resolve(host, port)
        if not found:
            raise Refused(f"{host} resolves to no address")
        for address in found:
            ip = ipaddress.ip_address(address)
            if not self.permitted(ip):
                raise Refused(f"{host} resolves to {ip}, a {refusal(ip) or 'not allowed'} address")
        return found


class _Guarded:
    """urllib3's connection, connecting only to addresses the guard admitted."""

    def __init__(self, *args, guard: OutboundGuard, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.guard = guard

    def _new_conn(self) -> socket.socket:
        try:
            addresses = self.guard.addresses(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        error: OSError | None = None
        for address in addresses:
            try:
                sock = connection.create_connection(
                    (address, self.port), self.timeout,
                    source_address=self.source_address, socket_options=self.socket_options,
                )
            except SocketTimeout as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out. "
                                                f"(connect timeout={self.timeout})") from exc
            except OSError as exc:
                error = exc
                continue
            sys.audit("http.client.connect", self, self.host, self.port)
            return sock
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}") from error


class GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _GuardedPool:
    def __init__(self, *args, guard: OutboundGuard, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.conn_kw = {**self.conn_kw, "guard": guard}


class GuardedHTTPPool(_GuardedPool, HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSPool(_GuardedPool, HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every connection (each redirect hop, each retry) is guarded.

    It ignores proxies from the environment: a proxy resolves the name itself, past the
    check. An operator whose platform calls must go through a proxy lets the proxy filter
    and sets ``allow_private_outbound``."""

    def __init__(self, guard: OutboundGuard, **kwargs) -> None:
        self.guard = guard  # before super().__init__, which builds the pool manager
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": partial(GuardedHTTPPool, guard=self.guard),
            "https": partial(GuardedHTTPSPool, guard=self.guard),
        }

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # noqa: D102
        return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=None)
