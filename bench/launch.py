"""Full LTI launches per second (OIDC login, its cookie check, launch, first page)
against plain Flask endpoints doing the same four HTTP exchanges with no logic,
in one run on this machine.

Both run under gunicorn with the same workers; the same client threads drive both.
The tool runs on a real PostgreSQL (``--db postgres``, default) or SQLite. The
platform side is played by this script: it serves its JWKS over HTTP and signs
each id_token with the nonce the tool sent, as a platform's auth endpoint would.

    .venv/bin/python bench/launch.py [--concurrency 50] [--seconds 20] [--workers 4]
"""

from __future__ import annotations

import argparse
import json
import secrets
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from _common import PLAIN_APP, ROOT, gunicorn, run_load, stop, wait_http  # noqa: E402

ISSUER = "https://lms.bench.example"
CLIENT_ID = "bench-client"
DEPLOYMENT = "bench-deployment"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"


class BenchPlatform:
    def __init__(self, port: int) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key = key  # a key object: PyJWT would parse a PEM on every signature
        self.pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        self.kid = "bench-key"
        public = json.loads(JWK.from_pem(self.pem).export_public())
        public.update(kid=self.kid, alg="RS256", use="sig")
        self.jwks = json.dumps({"keys": [public]})
        self.url = f"http://127.0.0.1:{port}"
        self.server = make_server("127.0.0.1", port, self._app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _app(self, environ, start_response):
        return Response(self.jwks, mimetype="application/json")(environ, start_response)

    def id_token(self, nonce: str, n: int, target: str) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": f"learner-{n % 500}",
            "iat": now, "exp": now + 300, "nonce": nonce, "name": "张伟", "locale": "zh-CN",
            CLAIM + "message_type": "LtiResourceLinkRequest", CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT, CLAIM + "target_link_uri": target,
            CLAIM + "resource_link": {"id": "rl-1", "title": "故障诊断与维修"},
            CLAIM + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            CLAIM + "context": {"id": "course-1", "label": "AS101", "title": "售后培训"},
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


def prepare_database(kind: str, tmp: Path):
    from sqlalchemy import create_engine

    from lti_tool import migrate

    pg = None
    if kind == "postgres":
        from tests.support.postgres import PostgresServer

        pg = PostgresServer().start()
        pg.execute("CREATE DATABASE bench")
        url = pg.url("bench")
    else:
        url = f"sqlite:///{tmp / 'bench.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url, pg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--max-iterations", type=int, default=20000)
    args = parser.parse_args()

    from tests.support.postgres import free_port

    tmp = Path(tempfile.mkdtemp(prefix="bench-launch-"))
    db_url, pg = prepare_database(args.db, tmp)
    platform = BenchPlatform(free_port())
    tool_port, plain_port = free_port(), free_port()
    tool_url = f"http://127.0.0.1:{tool_port}"
    env = {
        "AFTERSALES_DATABASE_URL": db_url,
        "AFTERSALES_PUBLIC_BASE_URL": tool_url,
        "AFTERSALES_SECRET_KEY": secrets.token_urlsafe(32),
        "AFTERSALES_INSTANCE_PATH": str(tmp / "instance"),
        "AFTERSALES_EMBEDDED_WORKER": "false",
        "AFTERSALES_ALLOW_PRIVATE_OUTBOUND": "true",  # the LMS on 127.0.0.1
    }
    from lti_tool import create_app
    from lti_tool.db import get_db
    from lti_tool.lti import platforms

    app = create_app({"database_url": db_url, "instance_path": tmp / "instance", "secret_key": "x"})
    with get_db(app).sessionmaker.begin() as s:
        platforms.add(s, issuer=ISSUER, client_id=CLIENT_ID, auth_login_url=f"{platform.url}/auth",
                      auth_token_url=f"{platform.url}/token", key_set_url=f"{platform.url}/jwks",
                      deployment_ids=[DEPLOYMENT])
    get_db(app).engine.dispose()

    (tmp / "plain_app.py").write_text(PLAIN_APP)
    procs = [
        gunicorn("lti_tool:create_app()", tool_port, args.workers, env),
        gunicorn("plain_app:app", plain_port, args.workers, {}, cwd=tmp),
    ]
    counter = iter(range(10**9))
    target = f"{tool_url}/lti/launch"

    def launch(session) -> None:
        n = next(counter)
        login = session.get(f"{tool_url}/lti/login", allow_redirects=False, params={
            "iss": ISSUER, "login_hint": f"learner-{n}", "target_link_uri": target,
            "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT})
        if login.status_code != 302:
            raise RuntimeError(f"login {login.status_code}")
        checked = session.get(tool_url + login.headers["Location"], allow_redirects=False)
        if checked.status_code != 302:
            raise RuntimeError(f"login check {checked.status_code}")
        query = parse_qs(urlparse(checked.headers["Location"]).query)
        token = platform.id_token(query["nonce"][0], n, target)
        done = session.post(target, data={"id_token": token, "state": query["state"][0]}, allow_redirects=False)
        if done.status_code != 303:
            raise RuntimeError(f"launch {done.status_code}: {done.text[:200]}")
        page = session.get(tool_url + done.headers["Location"])
        if page.status_code != 200:
            raise RuntimeError(f"first page {page.status_code}")

    def plain(session) -> None:
        """The same four HTTP exchanges as a launch (302, 302, form POST 303, page), no logic."""
        base = f"http://127.0.0.1:{plain_port}"
        first = session.get(f"{base}/plain/start", allow_redirects=False)
        second = session.get(base + first.headers["Location"], allow_redirects=False)
        third = session.post(f"{base}/plain/next", data={"id_token": "x" * 900, "state": "s" * 43}, allow_redirects=False)
        fourth = session.get(base + third.headers["Location"])
        if (first.status_code, second.status_code, third.status_code, fourth.status_code) != (302, 302, 303, 200):
            raise RuntimeError("plain endpoint failed")

    try:
        wait_http(f"{tool_url}/lti/jwks")
        wait_http(f"http://127.0.0.1:{plain_port}/plain/page")
        run_load(launch, 4, 3, 200)  # warm up: keys, JWKS cache, connection pools
        run_load(plain, 4, 2, 200)
        tool = run_load(launch, args.concurrency, args.seconds, args.max_iterations)
        base = run_load(plain, args.concurrency, args.seconds, args.max_iterations)
    finally:
        for p in procs:
            stop(p, quick=True)
        if pg:
            pg.stop()

    print(f"database: {args.db}; gunicorn workers: {args.workers} x 4 threads; concurrency: {args.concurrency}; {args.seconds:.0f} s each")
    print(f"{'':28}{'per second':>12}{'p50 ms':>10}{'p95 ms':>10}{'done':>8}{'errors':>8}")
    for name, r in (("full LTI launch (4 req)", tool), ("plain Flask (4 req)", base)):
        print(f"{name:28}{r['per_second']:>12.1f}{r['p50_ms']:>10.1f}{r['p95_ms']:>10.1f}{r['done']:>8}{r['errors']:>8}")
    if tool["error_samples"]:
        print("errors:", tool["error_samples"])
    ratio = tool["per_second"] / base["per_second"] if base["per_second"] else float("nan")
    print(f"ratio launches/s : plain sequences/s = {ratio:.3f} (goal >= 0.25)")


if __name__ == "__main__":
    main()
