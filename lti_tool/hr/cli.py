"""``aftersales-training certs``: export certificates (the same job as the HR console,
run here with a progress bar; resumable with --resume) and render pending PDFs."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from lti_tool.db import get_db


@click.group(help="Certificates.")
def certs() -> None:
    pass


@certs.command("export", help="Export certificates as a ZIP of PDFs plus a manifest (CSV and XLSX).")
@click.option("--organisation", "organisation_slug", default=None,
              help="The organisation (tenant) slug: see `organisation list`")
@click.option("--platform", "platform_id", type=int, default=None, help="Or: the organisation of this platform id")
@click.option("--department", default="", help="Only this department")
@click.option("--course", default="", help="Only this course id")
@click.option("--status", default="", type=click.Choice(["", "valid", "expired", "revoked", "due"]))
@click.option("--from", "date_from", default="", help="Issued on or after (YYYY-MM-DD)")
@click.option("--to", "date_to", default="", help="Issued on or before (YYYY-MM-DD)")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The ZIP to write")
@click.option("--resume", "resume", type=int, default=None, help="Continue the export job with this id")
@click.pass_obj
def export(ctx, organisation_slug, platform_id, department, course, status, date_from, date_to, out, resume) -> None:
    from lti_tool.audit import log as audit
    from lti_tool.hr import exports
    from lti_tool.hr.models import DONE, ExportJob
    from lti_tool.hr.queries import Filters

    app = ctx.app
    maker = get_db(app).sessionmaker
    root = Path(app.instance_path)
    with app.app_context():
        with maker.begin() as session:
            organisation_id = _organisation_id(session, organisation_slug, platform_id)
            if resume is not None:
                job = session.get(ExportJob, resume)
                if job is None or job.organisation_id != organisation_id:
                    raise click.ClickException(f"no export job {resume} for this organisation")
            else:
                try:
                    filters = Filters.parse({"department": department, "course": course, "status": status,
                                             "from": date_from, "to": date_to})
                except ValueError:
                    raise click.ClickException("dates are YYYY-MM-DD") from None
                job = exports.create(session, organisation_id=organisation_id, filters=filters, user_id=None)
                audit.record(session, organisation_id=organisation_id, action="export.started",
                             subject=f"export job {job.id} ({job.total} certificates)", actor_label=audit.CLI,
                             details={"export_job_id": job.id, "filters": job.filters})
            job.lease_until = None
            job_id, total, done = job.id, job.total, job.done
        click.echo(f"export job {job_id}: {total} certificates")
        finished = False
        with click.progressbar(length=max(total, 1), label="certificates", file=sys.stderr) as bar:
            bar.update(done)
            while not finished:
                with maker.begin() as session:
                    job = session.get(ExportJob, job_id)
                    before = job.done
                    finished = exports.step(session, job, root=root, base_url=app.config["SETTINGS"].public_base_url)
                    bar.update(max(0, job.done - before))
        with maker.begin() as session:
            job = session.get(ExportJob, job_id)
            if job.status != DONE:
                raise click.ClickException(f"export job {job_id} failed: {job.error}")
            failures = list(job.failures)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(exports.zip_path(root, job), out)
    click.echo(f"wrote {out} ({total} certificates, {len(failures)} not rendered)")
    for failure in failures:
        click.echo(f"  not rendered: {failure['number']}: {failure['error']}", err=True)
    if failures:
        sys.exit(2)


def _organisation_id(session, slug: str | None, platform_id: int | None) -> int:
    from lti_tool.lti import organisations
    from lti_tool.lti.models import Platform

    if (slug is None) == (platform_id is None):
        raise click.UsageError("give --organisation SLUG or --platform ID")
    if platform_id is not None:
        platform = session.get(Platform, platform_id)
        if platform is None:
            raise click.ClickException(f"no platform {platform_id}")
        return platform.organisation_id
    organisation = organisations.find(session, slug)
    if organisation is None:
        raise click.ClickException(f"no organisation {slug!r}")
    return organisation.id


@certs.command("render", help="Render the PDFs of certificates issued but not rendered yet.")
@click.pass_obj
def render(ctx) -> None:
    from lti_tool.certificates import store

    app = ctx.app
    total = 0
    while True:
        handled = store.drain(app)
        total += handled
        if not handled:
            break
    click.echo(f"rendered {total} certificates")


@certs.command("check", help="Check every learner's results against the completion rules again and issue "
                             "the certificates that are due (safe to run again).")
@click.pass_obj
def check(ctx) -> None:
    from sqlalchemy import select

    from lti_tool.certificates.services import check_course
    from lti_tool.records.models import TrainingRecord

    app = ctx.app
    issued = 0
    with app.app_context():
        with get_db(app).sessionmaker() as session:
            pairs = session.execute(select(TrainingRecord.user_id, TrainingRecord.course_id).distinct()).all()
        for user_id, course_id in pairs:
            with get_db(app).sessionmaker.begin() as session:
                issued += check_course(session, user_id, course_id) is not None
    click.echo(f"checked {len(pairs)} learner-course pairs, issued {issued} certificates")
