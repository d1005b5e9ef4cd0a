"""Several workers render new certificates at the same moment: each PDF is made once
and nothing fails. PostgreSQL only: the claim is a row lock with SKIP LOCKED, and a
SQLite deployment runs one embedded worker."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from lti_tool.certificates import store
from lti_tool.certificates.models import Certificate, CertificateEvent, CertificatePdf
from lti_tool.db import get_db
from tests.unit.certificates.conftest import settings_overrides, world  # noqa: F401  (fixtures)


@pytest.fixture
def database_url(postgres_database_url):
    return postgres_database_url


def test_three_workers_render_each_certificate_once(world, db_session):
    for i in range(6):
        world.complete(world.user(f"u{i}", f"学员{i}"))
    db_session.commit()
    issued = db_session.scalar(select(func.count()).select_from(Certificate))
    assert issued == 6
    start, done, errors = threading.Barrier(3), [], []

    def worker():
        start.wait()
        try:
            with world.app.app_context():
                while handled := store.drain(world.app):
                    done.append(handled)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert sum(done) == issued  # each certificate handled by exactly one pass
    with get_db(world.app).sessionmaker() as s:
        assert s.scalar(select(func.count()).select_from(CertificatePdf)) == issued
        assert s.scalar(select(func.count()).select_from(CertificateEvent)
                        .where(CertificateEvent.action == "render_failed")) == 0
