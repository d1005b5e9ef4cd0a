"""Several workers render new certificates at the same moment: each PDF is made once
and nothing fails. PostgreSQL only: the claim is a row lock with SKIP LOCKED, and a
SQLite deployment runs one embedded worker."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text

from lti_tool.certificates import store
from lti_tool.certificates.models import Certificate, CertificateEvent, CertificatePdf
from lti_tool.db import get_db
from tests.support.waiting import wait_for
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


def test_a_download_while_a_worker_renders_waits_and_serves_the_workers_pdf(world, db_session):
    world.complete(world.user("u", "学员"))
    db_session.commit()
    sessions = get_db(world.app).sessionmaker
    base_url = world.app.config["SETTINGS"].public_base_url
    got, errors = [], []

    def download(certificate_id: int) -> None:
        try:
            with world.app.app_context(), sessions.begin() as session:
                got.append(store.pdf_bytes(session, session.get(Certificate, certificate_id), base_url))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with world.app.app_context(), sessions.begin() as rendering:  # the worker's pass, not committed yet
        (certificate,) = store.unrendered(rendering, store.BATCH)
        made = store.render_batch(rendering, [certificate], base_url)[certificate.id]
        thread = threading.Thread(target=download, args=(certificate.id,))
        thread.start()
        wait_for(lambda: _waiting_on_a_lock(world.app) or not thread.is_alive(), 30, "the download to wait")
        assert thread.is_alive(), f"the download did not wait for the worker: {errors or got}"
    thread.join(timeout=60)
    assert not errors and got == [made]
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(CertificatePdf)) == 1


def _waiting_on_a_lock(app) -> int:
    # A transaction of its own each time: PostgreSQL shows pg_stat_activity as it was
    # at a transaction's first look.
    with get_db(app).sessionmaker() as watch:
        return watch.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                 "AND datname = current_database()"))
