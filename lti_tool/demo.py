"""``aftersales-training demo``: the tool next to a test LMS platform, on 127.0.0.1.

The platform is the Moodle-like test platform the test suite uses
(``tests/lti_platform``), so the demo needs a source checkout. It is registered in
the tool under a fixed client id and deployment id, so running the demo again
changes nothing; its signing key is new on every start, which the tool handles as
a key rotation (it fetches the platform's JWKS again for the unknown kid). Each start
also makes a one-day registration invitation, which the platform's "Add LTI
Advantage" form offers, so Dynamic Registration can be tried as an operator hands it out.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import click

import lti_tool

DEMO_CLIENT_ID = "aftersales-demo"
DEMO_DEPLOYMENT_ID = "1"
DEMO_XAPI_CREDENTIAL = "demo"  # the xAPI store credential the demo makes at each start


def repo_root() -> Path:
    return Path(lti_tool.__file__).resolve().parents[1]


def load_test_platform():
    """``tests.lti_platform.TestPlatform`` from the source checkout, or a clear error."""
    root = repo_root()
    if not (root / "tests" / "lti_platform" / "__init__.py").is_file():
        raise click.ClickException(
            f"the demo needs the test LMS platform in tests/lti_platform/, which is not next to {root / 'lti_tool'}. "
            "Run the demo from a clone of the repository installed with `.ci/install` (pip install -e .)."
        )
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    loaded = sys.modules.get("tests")
    if loaded is not None and not str(getattr(loaded, "__file__", "") or "").startswith(str(root)):
        raise click.ClickException(f"another package named 'tests' is already imported ({loaded.__file__}); "
                                   "run the demo with the project's own virtualenv")
    from tests.lti_platform import TestPlatform

    return TestPlatform


def _serve_tool_in_thread(app, host: str, port: int):
    from werkzeug.serving import make_server

    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    return server, thread


def _worker_loop(app, stop: threading.Event) -> None:
    """The embedded worker: drain every outbox (grades to the platform, xAPI) once a second."""
    from lti_tool.jobs import run_once

    while not stop.is_set():
        try:
            handled = run_once(app)
        except Exception:  # noqa: BLE001 - the demo keeps running; the error is logged
            logging.getLogger(__name__).exception("worker pass failed")
            handled = {}
        if not any(handled.values()):
            stop.wait(1.0)


def run_demo(host: str, port: int, platform_port: int, use_gunicorn: bool, workers: int) -> None:
    from sqlalchemy.engine import make_url

    from lti_tool import create_app, migrate
    from lti_tool.db import get_db

    TestPlatform = load_test_platform()
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    tool_url = os.environ.get("AFTERSALES_PUBLIC_BASE_URL") or f"http://{shown_host}:{port}"
    os.environ["AFTERSALES_PUBLIC_BASE_URL"] = tool_url  # also for gunicorn's workers and the worker process
    os.environ["AFTERSALES_ALLOW_PRIVATE_OUTBOUND"] = "true"  # the demo's LMS is on this machine
    app = create_app()
    migrate.upgrade(get_db(app).engine)
    platform = TestPlatform(
        "Moodle-like demo LMS", "moodle", tool_base_url=tool_url, port=platform_port,
        client_id=DEMO_CLIENT_ID, deployment_id=DEMO_DEPLOYMENT_ID,
    )
    platform.register_in_tool(app)
    _place_activities(app, platform, tool_url)
    platform.tool_register_url = _demo_invitation(app, tool_url)
    xapi_key, xapi_secret = _demo_xapi_credential(app)
    try:
        platform.start()
    except OSError as exc:
        raise click.ClickException(f"port {platform_port} is busy ({exc}); choose another with --platform-port") from exc

    settings = app.config["SETTINGS"]
    click.echo("")
    click.echo(f"  Test LMS platform : {platform.home_url}   <- open this")
    click.echo(f"  Tool              : {tool_url}/")
    database = make_url(settings.resolved_database_url).render_as_string(hide_password=True)
    click.echo(f"  Database          : {database}")
    click.echo(f"  xAPI statements   : {tool_url}/xapi/statements   (HTTP Basic auth, X-Experience-API-Version)")
    click.echo(f"    key             : {xapi_key}")
    click.echo(f"    secret          : {xapi_secret}")
    click.echo("")
    click.echo("  On the platform's page, launch an activity as the seeded learner (张伟), the")
    click.echo("  instructor or HR, or use Deep Linking as the instructor to add content, all")
    click.echo("  through the real LTI 1.3 flow. Ctrl+C stops both.")
    click.echo("")
    try:
        if use_gunicorn:
            _run_gunicorn(host, port, workers)
        else:
            _run_threaded(app, host, port, settings.embedded_worker)
    finally:
        platform.stop()
        click.echo("demo stopped")


def _place_activities(app, platform, tool_url: str) -> None:
    """The demo course holds one activity of each kind of placement (a course, a quiz, a
    practical task, a classroom session, the training files / HR console, the
    certificates, the course runs), each made as an instructor's Deep Linking choice of
    it makes it, so that every role reaches the product in one click."""
    from lti_tool.catalog.library import load_library
    from lti_tool.lti.deeplink import GRADED_KINDS, TOOL_ITEMS

    items = load_library(app.config["SETTINGS"].resolved_content_path, strict=False).items()
    chosen = [found for kind in ("course", "quiz", "practical", "session")
              if (found := next((i for i in items if i.kind == kind), None)) is not None] + TOOL_ITEMS
    for link in platform.resource_links():  # the platform's own seed names nothing of ours
        platform.remove_resource_link(link.id)
    for item in chosen:
        graded = item.kind in GRADED_KINDS
        platform.add_resource_link(
            f"{item.title('zh-CN')} · {item.title('en')}", text=item.description("zh-CN"),
            custom={"item_kind": item.kind, "item_id": item.id}, url=f"{tool_url}/lti/launch",
            line_item={"scoreMaximum": item.score_maximum, "resourceId": item.id, "tag": item.kind} if graded else None,
        )


def _demo_invitation(app, tool_url: str) -> str:
    """A one-use registration URL into the default organisation, as ``platform invite`` makes."""
    from datetime import timedelta

    from lti_tool.audit import log as audit
    from lti_tool.db import get_db
    from lti_tool.lti import invites

    with get_db(app).sessionmaker.begin() as session:
        made, token = invites.create(session, organisation="default", lifetime=timedelta(days=1), created_by="demo",
                                     note="the demo LMS page's Add LTI Advantage")
        audit.record(session, organisation_id=made.organisation_id, action="registration_invite.created",
                     subject=f"invitation {made.id}", actor_label="demo")
    return invites.registration_url(tool_url, token)


def _demo_xapi_credential(app) -> tuple[str, str]:
    """A credential of the default organisation's statements, made anew at each start (the
    secret is kept only hashed); the one of the previous start is revoked."""
    from sqlalchemy import select

    from lti_tool import xapi_credentials
    from lti_tool.db import get_db
    from lti_tool.lti import organisations
    from lti_tool.xapi_credentials import XapiCredential

    with get_db(app).sessionmaker.begin() as session:
        organisation = organisations.get_or_create(session, "default")
        for old in session.scalars(select(XapiCredential).where(
                XapiCredential.organisation_id == organisation.id, XapiCredential.name == DEMO_XAPI_CREDENTIAL,
                XapiCredential.revoked_at.is_(None))):
            xapi_credentials.revoke(session, old, actor_label="demo")
        made, secret = xapi_credentials.create(session, organisation_id=organisation.id, name=DEMO_XAPI_CREDENTIAL,
                                               actor_label="demo")
        return made.key, secret


def _stop_on_signals() -> threading.Event:
    """Ctrl+C and SIGTERM set the event (also when SIGINT was ignored, as for a background job)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _run_gunicorn(host: str, port: int, workers: int) -> None:
    """``serve`` (gunicorn and its worker) in a child process: forking gunicorn workers
    from this process, which runs the platform's threads, is not safe."""
    command = [sys.executable, "-m", "lti_tool.cli", "serve", "--host", host, "--port", str(port), "--workers", str(workers)]
    stop = _stop_on_signals()
    server = subprocess.Popen(command)
    try:
        while server.poll() is None and not stop.is_set():
            stop.wait(0.5)
    finally:
        if server.poll() is None:
            server.terminate()  # gunicorn's graceful shutdown
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _run_threaded(app, host: str, port: int, with_worker: bool) -> None:
    try:
        server, thread = _serve_tool_in_thread(app, host, port)
    except OSError as exc:
        raise click.ClickException(f"port {port} is busy ({exc}); choose another with --port") from exc
    stop = _stop_on_signals()
    worker = threading.Thread(target=_worker_loop, args=(app, stop), daemon=True) if with_worker else None
    if worker:
        worker.start()
    try:
        while thread.is_alive() and not stop.is_set():
            stop.wait(0.5)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        if worker:
            worker.join(timeout=10)


@click.command("demo", help="Run the tool next to a test LMS platform (no LMS needed) and print where to start.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int, help="The tool's port")
@click.option("--platform-port", default=5001, show_default=True, type=int, help="The test platform's port")
@click.option("--gunicorn", "use_gunicorn", is_flag=True, help="Serve the tool with gunicorn instead of one threaded process")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn web processes (with --gunicorn)")
def demo(host: str, port: int, platform_port: int, use_gunicorn: bool, workers: int) -> None:
    run_demo(host, port, platform_port, use_gunicorn, workers)
