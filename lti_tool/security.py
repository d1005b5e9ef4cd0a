"""Request-wide protections: proxy headers (from trusted proxies only), CSRF, and response headers.

The LTI launch and OIDC login POSTs come from the platform and carry their own
checks (signed id_token, state, nonce); they are the only form endpoints exempt
from CSRF.
"""

from __future__ import annotations

import ipaddress
import secrets

from flask import Flask, g
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


class TrustedProxyFix:
    """werkzeug's ``ProxyFix`` for the requests a trusted reverse proxy passes on (one
    proxy in front: its X-Forwarded-* say the client's address, scheme, host and
    port); any other request's X-Forwarded-* headers are ignored, since anyone can send
    them."""

    def __init__(self, wsgi_app, proxies: list[str]) -> None:
        self.direct = wsgi_app
        self.proxied = ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
        self.networks = [ipaddress.ip_network(entry, strict=False) for entry in proxies]

    def trusted(self, remote_addr: str | None) -> bool:
        try:
            address = ipaddress.ip_address(remote_addr or "")
        except ValueError:
            return False
        address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:10.0.0.5
        return any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.trusted(environ.get("REMOTE_ADDR")):
            return self.proxied(environ, start_response)
        return self.direct(environ, start_response)


def init_app(app: Flask) -> None:
    proxies = app.config["SETTINGS"].trusted_proxies
    if proxies:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, proxies)
    csrf.init_app(app)

    @app.context_processor
    def _nonce():
        return {"csp_nonce": csp_nonce}

    @app.after_request
    def _headers(response):
        # Framed by the LMS: frame-ancestors stays open; everything else is ours only.
        nonce = g.get("csp_nonce")
        script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            f"script-src {script_src}; object-src 'none'; base-uri 'self'; "
            "form-action 'self' https: http:; frame-ancestors *",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response
