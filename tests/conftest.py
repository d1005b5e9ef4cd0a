"""Fixtures: a real database per test (SQLite and PostgreSQL), the app, a live server.

Every test that takes ``app`` runs twice: on SQLite and on the PostgreSQL server the
test run starts. Each test gets a fresh database cloned from one migrated by Alembic.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from lti_tool import create_app, migrate
from lti_tool.db import get_db
from lti_tool.lti.models import Context, Enrolment, LaunchState, ResourceLink, UsedNonce, User, WebSession
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser
from tests.support.live import LiveServer
from tests.support.postgres import PostgresServer, free_port

_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    server = PostgresServer().start()
    template = "aftersales_template"
    server.execute(f"CREATE DATABASE {template}")
    engine = create_engine(server.url(template))
    migrate.upgrade(engine)
    engine.dispose()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres")
    name = f"t{next(_counter)}_{abs(hash(request.node.nodeid)) % 10**8}"
    server.execute(f"CREATE DATABASE {name} TEMPLATE aftersales_template")
    yield server.url(name)
    server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgres_database_url(postgres, request) -> str:
    """A fresh PostgreSQL database, for tests about row locks between processes
    (a module takes it with ``def database_url(postgres_database_url)``)."""
    name = f"p{next(_counter)}_{abs(hash(request.node.nodeid)) % 10**8}"
    postgres.execute(f"CREATE DATABASE {name} TEMPLATE aftersales_template")
    yield postgres.url(name)
    postgres.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def tool_port() -> int:
    return free_port()


@pytest.fixture
def settings_overrides(database_url, tmp_path, tool_port) -> dict:
    """Settings for the app under test; a test may extend this dict before ``app``."""
    return {
        "database_url": database_url,
        "instance_path": tmp_path / "instance",
        "public_base_url": f"http://127.0.0.1:{tool_port}",
        "secret_key": "test-secret-key-not-for-production",
        "embedded_worker": False,
        "allow_private_outbound": True,  # every platform of the tests is on 127.0.0.1
    }


@pytest.fixture
def app(settings_overrides):
    app = create_app(settings_overrides)
    app.config["TESTING"] = True
    yield app
    get_db(app).engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    """A session for arranging and asserting outside requests (commits explicitly)."""
    with get_db(app).sessionmaker() as session:
        yield session


@pytest.fixture
def live_tool(app, tool_port):
    server = LiveServer(app, tool_port).start()
    yield server
    server.stop()


@pytest.fixture
def platform(live_tool, app):
    """A Moodle-like test platform, registered in the tool under test: the company's
    own LMS, trusted for identity (its employee numbers link accounts to employees)."""
    platform = TestPlatform(tool_base_url=live_tool.url).start()
    platform.register_in_tool(app, identity_trusted=True)
    yield platform
    platform.stop()


@pytest.fixture
def browser():
    with Browser() as browser:
        yield browser


def written(session) -> dict:
    """What a launch writes, counted: a refused launch must leave these unchanged."""
    session.expire_all()
    counts = {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (User, Context, Enrolment, ResourceLink, UsedNonce, WebSession)
    }
    counts["used_states"] = session.scalar(select(func.count()).where(LaunchState.used_at.is_not(None)))
    return counts


# -- a real browser: Debian's chromium driven by Playwright (no browser download) -----------

CHROMIUM = os.environ.get("AFTERSALES_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # the tests run as root on CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """One Playwright and one chromium for the whole run (Playwright's sync API allows one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, tmp_path):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    if os.environ.get("AFTERSALES_TEST_SCREENSHOTS"):
        page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
    context.close()
