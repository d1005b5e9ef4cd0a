"""Bulk export: a ZIP of PDFs plus manifest.csv and manifest.xlsx, made in steps that
survive a restart; a certificate that cannot be rendered is listed, never left out."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from lti_tool.certificates.models import Certificate
from lti_tool.db import get_db
from lti_tool.hr import exports
from lti_tool.hr.models import ExportJob
from lti_tool.hr.queries import Filters
from lti_tool.records.employees import link_user


def issue_three(world, db_session):
    people = []
    for i, (name, department) in enumerate((("张伟", "售后一部"), ("李娜", "售后二部"), ("王芳", "售后一部"))):
        user = world.user(f"u{i}", name, f"E{i}")
        link_user(db_session, user).department = department
        world.complete(user)
        people.append(user)
    db_session.commit()
    return people


def run_to_end(app, job_id, batch):
    """Each step in its own transaction, as after a restart: nothing kept in memory."""
    steps = 0
    while True:
        with app.app_context(), get_db(app).sessionmaker.begin() as session:
            job = session.get(ExportJob, job_id)
            finished = exports.step(session, job, root=Path(app.instance_path), base_url="https://tool.example",
                                    batch=batch)
        steps += 1
        if finished:
            return steps



def manifest_rows(archive) -> list[dict]:
    """manifest.csv by column key; its header row is bilingual (中文 / English)."""
    keys = {header: key for key, header in exports.MANIFEST_HEADERS.items()}
    rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert [keys[h] for h in rows[0]] == list(exports.MANIFEST_COLUMNS)
    return [dict(zip(exports.MANIFEST_COLUMNS, row)) for row in rows[1:]]


def test_the_export_zip_holds_each_pdf_and_both_manifests(world, db_session, app):
    issue_three(world, db_session)
    with app.app_context():
        job = exports.create(db_session, organisation_id=world.platform.organisation_id, filters=Filters(department="售后一部"),
                             user_id=None)
        db_session.commit()
    assert job.total == 2
    assert run_to_end(app, job.id, batch=1) == 3  # two batches of one, then the finish
    db_session.expire_all()
    job = db_session.get(ExportJob, job.id)
    assert (job.status, job.done, job.percent, job.failures) == ("done", 2, 100, [])
    with zipfile.ZipFile(exports.zip_path(Path(app.instance_path), job)) as archive:
        names = sorted(archive.namelist())
        certs = {c.number: c for c in db_session.scalars(select(Certificate))}
        rows = manifest_rows(archive)
        assert [r["holder_name"] for r in rows] == ["张伟", "王芳"]
        assert names == sorted(["manifest.csv", "manifest.xlsx"] + [f"pdf/{r['number']}.pdf" for r in rows])
        for row in rows:
            data = archive.read(row["file"])
            assert hashlib.sha256(data).hexdigest() == row["sha256"]
            text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True).stdout.decode()
            assert row["holder_name"] in text and row["number"] in text
            assert certs[row["number"]].holder_name == row["holder_name"] and row["department"] == "售后一部"
            assert row["status"] == "valid" and row["error"] == ""
        sheet = load_workbook(io.BytesIO(archive.read("manifest.xlsx"))).active
        values = list(sheet.iter_rows(values_only=True))
        assert list(values[0]) == [exports.MANIFEST_HEADERS[c] for c in exports.MANIFEST_COLUMNS]
        assert [v[0] for v in values[1:]] == [r["number"] for r in rows]


def test_a_job_resumes_from_its_cursor_after_a_restart(world, db_session, app, monkeypatch):
    issue_three(world, db_session)
    with app.app_context():
        job = exports.create(db_session, organisation_id=world.platform.organisation_id, filters=Filters(), user_id=None)
        db_session.commit()
        with get_db(app).sessionmaker.begin() as session:  # one step, then the worker "dies"
            exports.step(session, session.get(ExportJob, job.id), root=Path(app.instance_path),
                         base_url="https://tool.example", batch=2)
        with get_db(app).sessionmaker() as session:  # a step whose transaction never commits
            exports.step(session, session.get(ExportJob, job.id), root=Path(app.instance_path),
                         base_url="https://tool.example", batch=2)
            session.rollback()
    db_session.expire_all()
    assert db_session.get(ExportJob, job.id).done == 2
    monkeypatch.setattr(exports, "PASS_SECONDS", 60.0)  # one pass, however slow the machine
    with app.app_context():
        assert exports.drain(app) == 2  # the rest, then the finish
    db_session.expire_all()
    job = db_session.get(ExportJob, job.id)
    with zipfile.ZipFile(exports.zip_path(Path(app.instance_path), job)) as archive:
        rows = manifest_rows(archive)
        assert len(rows) == 3 == len({r["number"] for r in rows})  # the re-written batch counted once
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 3


def test_a_certificate_that_cannot_be_rendered_is_listed_with_its_error(world, db_session, app):
    issue_three(world, db_session)
    broken = db_session.scalars(select(Certificate).order_by(Certificate.id)).first()
    broken.course_title = {"zh-CN": "长" * 1500, "en": "long"}
    db_session.commit()
    with app.app_context():
        job = exports.create(db_session, organisation_id=world.platform.organisation_id, filters=Filters(), user_id=None)
        db_session.commit()
    run_to_end(app, job.id, batch=10)
    db_session.expire_all()
    job = db_session.get(ExportJob, job.id)
    assert job.status == "done" and [f["number"] for f in job.failures] == [broken.number]
    with zipfile.ZipFile(exports.zip_path(Path(app.instance_path), job)) as archive:
        rows = {r["number"]: r for r in manifest_rows(archive)}
        assert len(rows) == 3 and rows[broken.number]["file"] == "" and "pages" in rows[broken.number]["error"]
        assert f"pdf/{broken.number}.pdf" not in archive.namelist()


def test_the_command_line_export_shows_progress_and_writes_the_zip(world, db_session, app, tmp_path):
    from lti_tool.cli import AppContext, main

    issue_three(world, db_session)
    context = AppContext()
    context._app = app
    out = tmp_path / "certs.zip"
    result = app.test_cli_runner().invoke(main, ["certs", "export", "--organisation", "default",
                                                 "--course", "basics", "--out", str(out)], obj=context)
    assert result.exit_code == 0, result.output
    assert "3 certificates" in result.output
    with zipfile.ZipFile(out) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 3
    bad = app.test_cli_runner().invoke(main, ["certs", "export", "--platform", "999", "--out", str(out)], obj=context)
    assert bad.exit_code != 0 and "no platform 999" in bad.output
    unknown = app.test_cli_runner().invoke(main, ["certs", "export", "--organisation", "nope", "--out", str(out)],
                                           obj=context)
    assert unknown.exit_code != 0 and "no organisation 'nope'" in unknown.output
    by_platform = app.test_cli_runner().invoke(main, ["certs", "export", "--platform", str(world.platform.id),
                                                      "--status", "revoked", "--out", str(out)], obj=context)
    assert by_platform.exit_code == 0 and "0 certificates" in by_platform.output


def test_certs_check_issues_what_is_due_and_is_safe_to_run_again(world, db_session, app):
    from lti_tool.cli import AppContext, main
    from lti_tool.records.services import _LISTENERS

    learner = world.user("u1", "张伟")
    saved = list(_LISTENERS)
    _LISTENERS.clear()  # results written while the check did not run (e.g. it failed)
    try:
        world.complete(learner)
    finally:
        _LISTENERS.extend(saved)
    db_session.commit()
    assert db_session.scalars(select(Certificate)).all() == []
    context = AppContext()
    context._app = app
    first = app.test_cli_runner().invoke(main, ["certs", "check"], obj=context)
    assert first.exit_code == 0 and "issued 1 certificates" in first.output
    again = app.test_cli_runner().invoke(main, ["certs", "check"], obj=context)
    assert "issued 0 certificates" in again.output
    db_session.expire_all()
    assert len(db_session.scalars(select(Certificate)).all()) == 1


def test_a_worker_pass_that_runs_out_of_time_lets_the_next_pass_carry_on(world, db_session, app, monkeypatch):
    issue_three(world, db_session)
    with app.app_context():
        job = exports.create(db_session, organisation_id=world.platform.organisation_id, filters=Filters(), user_id=None)
        db_session.commit()
    monkeypatch.setattr(exports, "PASS_SECONDS", 0.0)  # a pass with no time left after its claim
    assert exports.drain(app) == 0
    db_session.expire_all()
    assert db_session.get(ExportJob, job.id).lease_until is None  # released, not held for minutes
    monkeypatch.setattr(exports, "PASS_SECONDS", 60.0)
    assert exports.drain(app) >= 1
    db_session.expire_all()
    assert db_session.get(ExportJob, job.id).status == "done"
