"""A certificate's days are the holder's organisation's: issued at 23:30 UTC is the next
day in Shanghai, the same day in New York, on the PDF's face and in the HR export's
manifest alike."""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from lti_tool.certificates import store
from lti_tool.certificates.models import Certificate
from lti_tool.hr import exports
from lti_tool.hr.queries import Filters
from lti_tool.lti import organisations
from tests.unit.hr.test_exports import manifest_rows, run_to_end

LATE = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)  # 07:30 on 2 March in Shanghai, 18:30 on 1 March in New York


def _issued_late(world, db_session) -> Certificate:
    world.complete(world.user("u1", "张伟"), at=LATE)
    db_session.commit()
    certificate = db_session.scalars(select(Certificate)).one()
    certificate.issued_at = LATE
    db_session.commit()
    return certificate


def test_the_pdf_face_shows_the_day_of_the_holders_organisation(world, db_session):
    certificate = _issued_late(world, db_session)
    [face] = store._faces(db_session, [certificate], "http://x")
    assert face.issued == "2026-03-02"  # the default organisation reads Asia/Shanghai
    organisations.set_timezone(db_session, "default", "America/New_York")
    db_session.commit()
    [face] = store._faces(db_session, [certificate], "http://x")
    assert face.issued == "2026-03-01"


def test_the_export_manifest_shows_the_day_of_the_organisation(world, db_session, app):
    _issued_late(world, db_session)
    organisations.set_timezone(db_session, "default", "America/New_York")
    with app.app_context():
        job = exports.create(db_session, organisation_id=world.platform.organisation_id, filters=Filters(),
                             user_id=None)
        db_session.commit()
    run_to_end(app, job.id, batch=10)
    with zipfile.ZipFile(exports.zip_path(Path(app.instance_path), job)) as archive:
        [row] = manifest_rows(archive)
    assert row["issued"] == "2026-03-01"
