"""A download and a worker render the same new certificate at once: both answer with
the one PDF that was kept, and neither fails on the unique row of its PDF. On
PostgreSQL the download waits for the worker's lock on the certificate and renders
nothing; on SQLite it renders its own, and the kept one wins."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from lti_tool.certificates import pdf, store
from lti_tool.certificates.models import Certificate, CertificateEvent, CertificatePdf
from lti_tool.db import get_db


def test_a_download_racing_the_worker_gets_the_kept_pdf(world, db_session, monkeypatch):
    world.complete(world.user("u1", "张伟"))
    db_session.commit()
    [cert_id] = db_session.scalars(select(Certificate.id))
    base_url, maker = "http://x", get_db(world.app).sessionmaker
    worker = maker()
    claimed = store.unrendered(worker, store.BATCH)  # the worker's claim (a row lock on PostgreSQL)
    kept_by_worker = store.render_batch(worker, claimed, base_url)[cert_id]  # not committed yet

    rendered, answers, errors = threading.Event(), [], []
    real_render = pdf.render_many

    def render_then_say(faces):
        data = real_render(faces)
        rendered.set()
        return data

    monkeypatch.setattr(pdf, "render_many", render_then_say)

    def download():
        try:
            with world.app.app_context(), maker() as session:
                # it looks before the worker committed: no PDF yet
                answers.append(store.pdf_bytes(session, session.get(Certificate, cert_id), base_url))
                session.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=download)
    thread.start()
    if maker.kw["bind"].dialect.name == "postgresql":
        assert not rendered.wait(2), "the download rendered beside the worker instead of waiting for it"
    else:
        assert rendered.wait(60), "the download did not render"
    worker.commit()
    worker.close()
    thread.join(timeout=60)
    assert not errors and answers == [kept_by_worker]
    with maker() as session:
        assert session.scalar(select(CertificatePdf.data)) == kept_by_worker
        assert session.scalar(select(func.count()).select_from(CertificateEvent)
                              .where(CertificateEvent.action == "rendered")) == 1


def test_the_worker_finding_the_pdf_kept_meanwhile_keeps_that_one(world, db_session):
    world.complete(world.user("u1", "张伟"))
    db_session.commit()
    [cert] = db_session.scalars(select(Certificate))
    with get_db(world.app).sessionmaker() as download:
        first = store.pdf_bytes(download, download.get(Certificate, cert.id), "http://x")
        download.commit()
    # a pass that chose this certificate before the download kept its PDF
    again = store.render_batch(db_session, [cert], "http://x")
    db_session.commit()
    assert again == {cert.id: first}
    assert db_session.scalar(select(func.count()).select_from(CertificatePdf)) == 1
