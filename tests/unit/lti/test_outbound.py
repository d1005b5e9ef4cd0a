"""The address check of outbound fetches, and the client that keeps to it (issue 14, finding
4: server-side request forgery). Servers here are real, on loopback addresses; 127.0.0.2
plays "the public internet" where a test says so through the guard's ``permitted`` seam."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lti_tool.lti.http import DOCUMENT_LIMIT, MAX_REDIRECTS, PAGE_LIMIT, OutboundRefused, TimeoutSession, session_from_settings
from lti_tool.lti.outbound import OutboundGuard, Refused, is_public, refusal, system_resolve
from lti_tool.settings import load_settings
from tests.support.counting import CountingServer, response

NRPS = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("127.1.2.3", "loopback"), ("::1", "loopback"),
    ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("172.31.255.255", "private"), ("192.168.1.1", "private"),
    ("fd12:3456::1", "private"), ("fc00::1", "private"),
    ("169.254.169.254", "link-local"), ("169.254.0.1", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "private"),  # 240/4, reserved for future use: Python counts it among the private ones
    ("255.255.255.255", "private"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("0.1.2.3", "private"),
    ("100.64.0.1", "shared address space"), ("100.127.255.254", "shared address space"),
    ("192.0.2.10", "private"), ("198.18.0.1", "private"),  # documentation, benchmarking
    ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.1.2.3", "private"), ("::ffff:169.254.169.254", "link-local"),
    ("::ffff:100.64.1.1", "shared address space"),
    ("::127.0.0.1", "loopback"), ("::10.0.0.1", "private"),  # IPv4-compatible
    ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ("2001:db8::1", "private"),
])
def test_internal_addresses_are_refused_with_their_kind(address, kind):
    reason = refusal(address)
    assert reason is not None and kind in reason
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1",
                                     "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])
def test_public_addresses_pass(address):
    assert refusal(address) is None


def _resolver(table: dict[str, list[str]]):
    """Names of the table resolve as it says; any other (an address) as the system does."""
    return lambda host, port: table[host] if host in table else system_resolve(host, port)


def test_a_name_is_refused_when_any_of_its_addresses_is_internal():
    guard = OutboundGuard(_resolver({"lms.example.com": ["93.184.216.34", "10.0.0.5"],
                                     "good.example.com": ["93.184.216.34", "2606:4700:4700::1111"],
                                     "none.example.com": []}))
    with pytest.raises(Refused, match="10.0.0.5, a private address"):
        guard.addresses("lms.example.com", 443)
    with pytest.raises(Refused, match="no address"):
        guard.addresses("none.example.com", 443)
    assert guard.addresses("good.example.com", 443) == ["93.184.216.34", "2606:4700:4700::1111"]


def _guarded(resolve=None, permitted=None, retries=0) -> TimeoutSession:
    kwargs = {"resolve": resolve} if resolve else {}
    if permitted:
        kwargs["permitted"] = permitted
    return TimeoutSession(5.0, retries, OutboundGuard(**kwargs))


def _only(*hosts: str):
    allowed = {ipaddress.ip_address(h) for h in hosts}
    return lambda ip: ip in allowed


def test_a_public_looking_name_that_resolves_to_loopback_is_never_connected_to():
    with CountingServer("127.0.0.1") as internal, _guarded(_resolver({"lms.example.com": ["127.0.0.1"]}), retries=2) as http:
        with pytest.raises(OutboundRefused, match="loopback"):
            http.get(internal.url("/jwks", host="lms.example.com"))
        with pytest.raises(OutboundRefused, match="loopback"):
            http.get(internal.url("/jwks"))  # the address itself
        assert internal.connections == 0


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host():
    """The name is unknown to the system resolver: a second resolution at connect time
    (what DNS rebinding exploits) could not connect at all."""
    calls = []

    def resolve(host, port):
        calls.append(host)
        return ["127.0.0.2"]

    with CountingServer("127.0.0.2") as lms, _guarded(resolve, _only("127.0.0.2")) as http:
        assert http.get(lms.url("/jwks", host="lms.invalid")).json() == {"keys": []}
        assert lms.connections == 1 and calls == ["lms.invalid"]
        assert f"Host: lms.invalid:{lms.port}".encode() in lms.requests[0]


def test_a_redirect_to_an_internal_address_is_refused_before_connecting():
    with CountingServer("127.0.0.1") as internal, \
            CountingServer("127.0.0.2", response("302 Found", b"", {"Location": internal.url("/admin")})) as lms, \
            _guarded(permitted=_only("127.0.0.2")) as http:
        with pytest.raises(OutboundRefused, match="127.0.0.1, a loopback address"):
            http.get(lms.url("/.well-known/openid-configuration"))
        assert lms.connections == 1 and internal.connections == 0


def test_a_post_follows_no_redirect_and_a_get_only_a_few():
    with CountingServer("127.0.0.2", response("307 Temporary Redirect", b"", {"Location": "/again"})) as lms, \
            _guarded(permitted=_only("127.0.0.2")) as http:
        answer = http.post(lms.url("/token"), data={"grant_type": "client_credentials"})
        assert answer.status_code == 307 and lms.connections == 1
        with pytest.raises(requests.TooManyRedirects):
            http.get(lms.url("/loop"))
        assert lms.connections == 1 + 1 + MAX_REDIRECTS


@pytest.mark.parametrize("declared", [True, False])
def test_an_answer_over_the_size_limit_is_refused(declared):
    body = b"[" + b"0," * (DOCUMENT_LIMIT // 2) + b"0]"
    with CountingServer("127.0.0.2", response(body=body, content_length=declared)) as lms, \
            _guarded(permitted=_only("127.0.0.2")) as http:
        with pytest.raises(OutboundRefused, match="bytes"):
            http.get(lms.url("/jwks"), headers={"Accept": "application/json"})
        # A roster page may be larger: it grows with the course.
        assert len(http.get(lms.url("/nrps"), headers={"Accept": NRPS}).content) == len(body) < PAGE_LIMIT


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.2/x", "gopher://127.0.0.2:70/_x"])
def test_only_http_and_https_are_fetched(url):
    with _guarded(permitted=lambda ip: True) as http, pytest.raises(OutboundRefused, match="only http"):
        http.get(url)


def test_the_setting_decides_whether_private_targets_are_reached(monkeypatch):
    assert load_settings().allow_private_outbound is False
    monkeypatch.setenv("AFTERSALES_ALLOW_PRIVATE_OUTBOUND", "true")
    allowed = load_settings()
    assert allowed.allow_private_outbound is True
    with CountingServer("127.0.0.1") as lms:
        with session_from_settings(allowed) as http:
            assert http.get(lms.url("/jwks")).json() == {"keys": []}
        with session_from_settings(load_settings({"allow_private_outbound": False})) as http:
            with pytest.raises(OutboundRefused):
                http.get(lms.url("/jwks"))
        assert lms.connections == 1


# -- TLS: the name, not the pinned address, is what the certificate is checked against --

def _certificate(tmp_path, name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class TlsServer:
    """One HTTPS answer per connection on 127.0.0.2; records the server name each client sent."""

    def __init__(self, cert_path, key_path) -> None:
        self.names: list[str | None] = []
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_path, key_path)
        self.context.sni_callback = lambda sock, name, ctx: self.names.append(name)
        self.listener = socket.create_server(("127.0.0.2", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                raw, _ = self.listener.accept()
            except OSError:
                return
            try:
                with self.context.wrap_socket(raw, server_side=True) as conn:
                    conn.settimeout(5)
                    conn.recv(65536)
                    conn.sendall(response())
            except (OSError, ssl.SSLError):
                pass

    def close(self) -> None:
        self.listener.close()


def test_tls_checks_the_certificate_against_the_name_and_sends_it_as_sni(tmp_path):
    cert, key = _certificate(tmp_path, "lms.invalid")
    server = TlsServer(cert, key)
    try:
        resolve = _resolver({"lms.invalid": ["127.0.0.2"], "other.invalid": ["127.0.0.2"]})
        with _guarded(resolve, _only("127.0.0.2")) as http:
            assert http.get(f"https://lms.invalid:{server.port}/jwks", verify=str(cert)).json() == {"keys": []}
            assert server.names == ["lms.invalid"]
            with pytest.raises(requests.exceptions.SSLError):  # the certificate is not other.invalid's
                http.get(f"https://other.invalid:{server.port}/jwks", verify=str(cert))
    finally:
        server.close()
