"""Request-wide protections: proxy headers, CSRF, and response headers.

The LTI launch and OIDC login POSTs come from the platform and carry their own
checks (signed id_token, state, nonce); they are the only form endpoints exempt
from CSRF.
"""

from __future__ import annotations

import secrets

from flask import Flask, g
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_app(app: Flask) -> None:
    # One reverse proxy in front (nginx, a load balancer): trust its X-Forwarded-*.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
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
