"""Bulk export of certificates: a ZIP of PDFs plus a manifest (CSV and XLSX), made in
steps by a job with progress and a resumable cursor.

Each ``step`` writes the next batch of PDFs (kept ones as they are; missing ones
rendered now, laid out together) into the job's folder and moves the cursor; after a
restart the next step continues from the cursor. The runner (the worker's drainer, or
the CLI) only calls ``step`` until the job is done. A certificate that cannot be
rendered is retried, then listed in the manifest and the job's failures: never left
out silently.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lti_tool import spreadsheet
from lti_tool.certificates import store
from lti_tool.certificates.models import Certificate, CertificatePdf
from lti_tool.db import utcnow
from lti_tool.hr.models import DONE, FAILED, QUEUED, RUNNING, ExportJob
from lti_tool.hr.queries import Filters, certificates_query
from lti_tool.practical.helpers import local_time, zone_of_organisation

BATCH = 50
LEASE = timedelta(minutes=5)
PASS_SECONDS = 5.0  # one worker pass works on a job this long at most
MANIFEST_COLUMNS = ("number", "holder_name", "employee_number", "department", "course_id", "course_title_zh",
                    "course_title_en", "issued", "valid_until", "status", "file", "sha256", "error")
#: The manifest's header row, in both languages (a worker writes it, for any reader):
#: "中文 / English".
MANIFEST_HEADERS = {
    "number": "证书编号 / Certificate number", "holder_name": "姓名 / Name", "employee_number": "工号 / Employee number",
    "department": "部门 / Department", "course_id": "课程编号 / Course id", "course_title_zh": "课程名称（中文） / Course title (zh)",
    "course_title_en": "课程名称（英文） / Course title (en)", "issued": "发证日期 / Issued", "valid_until": "有效期至 / Valid until",
    "status": "状态 / Status", "file": "文件 / File", "sha256": "SHA-256", "error": "错误 / Error",
}


def filters_of(job: ExportJob) -> Filters:
    return Filters.parse(job.filters or {})


def create(session: Session, *, organisation_id: int, filters: Filters, user_id: int | None) -> ExportJob:
    total = session.scalar(select(func.count()).select_from(
        certificates_query(organisation_id, filters).order_by(None).subquery())) or 0
    job = ExportJob(organisation_id=organisation_id, kind="certificates", filters=filters.as_dict(), status=QUEUED,
                    total=total, done=0, cursor=0, failures=[], file_name="", error="", created_by=user_id)
    session.add(job)
    session.flush()
    return job


def folder(root: Path, job: ExportJob) -> Path:
    return Path(root) / "exports" / f"job-{job.id}"


def zip_path(root: Path, job: ExportJob) -> Path:
    return Path(root) / "exports" / f"certificates-{job.id}.zip"


def _manifest_line(path: Path, row: dict) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def step(session: Session, job: ExportJob, *, root: Path, base_url: str, batch: int = BATCH) -> bool:
    """Write the next batch; returns True when the job is finished (flush only: the
    caller commits after each step, which is what makes the job resumable)."""
    if job.status in (DONE, FAILED):
        return True
    job.status = RUNNING
    work = folder(root, job)
    (work / "pdf").mkdir(parents=True, exist_ok=True)
    rows = session.execute(certificates_query(job.organisation_id, filters_of(job))
                           .where(Certificate.id > job.cursor).limit(batch)).all()
    if not rows:
        _finish(job, work, zip_path(root, job))
        return True
    certificates = [c for c, _e in rows]
    kept = {p.certificate_id: p.data for p in session.scalars(select(CertificatePdf).where(
        CertificatePdf.certificate_id.in_([c.id for c in certificates])))}
    missing = [c for c in certificates if c.id not in kept]
    for _attempt in range(store.MAX_ATTEMPTS):
        if not missing:
            break
        kept.update(store.render_batch(session, missing, base_url))
        missing = [c for c in missing if c.id not in kept]
    lines = work / "manifest.jsonl"
    zone = zone_of_organisation(session, job.organisation_id)  # the days as the organisation reads them
    for certificate, employee in rows:
        data = kept.get(certificate.id)
        name = f"pdf/{certificate.number}.pdf"
        if data is not None:
            (work / name).write_bytes(data)
        else:
            job.failures = [*job.failures, {"number": certificate.number, "error": certificate.render_error[:300]}]
        title = certificate.course_title or {}
        _manifest_line(lines, {
            "id": certificate.id, "number": certificate.number, "holder_name": certificate.holder_name,
            "employee_number": certificate.employee_number, "department": employee.department if employee else "",
            "course_id": certificate.course_id, "course_title_zh": title.get("zh-CN", ""),
            "course_title_en": title.get("en", ""), "issued": local_time(certificate.issued_at, zone, "%Y-%m-%d"),
            "valid_until": local_time(certificate.valid_until, zone, "%Y-%m-%d"),
            "status": certificate.status(), "file": name if data is not None else "",
            "sha256": hashlib.sha256(data).hexdigest() if data is not None else "",
            "error": "" if data is not None else (certificate.render_error or "render failed")[:300],
        })
        job.cursor = certificate.id
    job.done = min(job.total, job.done + len(rows)) if job.total else job.done + len(rows)
    job.updated_at = utcnow()
    session.flush()
    return False


def _read_manifest(work: Path) -> list[dict]:
    lines = work / "manifest.jsonl"
    if not lines.exists():
        return []
    rows = {}
    for line in lines.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[row["id"]] = row  # a batch written twice (a crash before commit) counts once
    return [rows[key] for key in sorted(rows)]


def manifest_csv(rows: list[dict]) -> bytes:
    return spreadsheet.csv_bytes([MANIFEST_HEADERS[c] for c in MANIFEST_COLUMNS],
                                 ([row[c] for c in MANIFEST_COLUMNS] for row in rows))


DATE_COLUMNS = ("issued", "valid_until")


def manifest_xlsx(rows: list[dict]) -> bytes:
    """The manifest as a sheet: its dates as real dates, every text a string cell."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "certificates"
    spreadsheet.append(sheet, [MANIFEST_HEADERS[c] for c in MANIFEST_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        spreadsheet.append(sheet, [date.fromisoformat(row[c]) if c in DATE_COLUMNS and row[c] else row[c]
                                   for c in MANIFEST_COLUMNS])
    return spreadsheet.xlsx_bytes(book)


def _finish(job: ExportJob, work: Path, target: Path) -> None:
    rows = _read_manifest(work)
    partial = target.with_suffix(".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for row in rows:
            if row["file"]:
                archive.write(work / row["file"], row["file"])
        archive.writestr("manifest.csv", manifest_csv(rows))
        archive.writestr("manifest.xlsx", manifest_xlsx(rows))
    partial.replace(target)
    shutil.rmtree(work, ignore_errors=True)
    job.status, job.done, job.total = DONE, len(rows), len(rows)
    job.file_name = target.name
    job.finished_at = job.updated_at = utcnow()


def claim(session: Session, now=None) -> ExportJob | None:
    """The next job to work on: queued, or running with its lease run out (a worker
    that stopped). Taking the lease is one conditional UPDATE, so two workers never
    work the same job at once."""
    now = now or utcnow()
    candidates = session.scalars(select(ExportJob.id).where(
        ExportJob.status.in_((QUEUED, RUNNING)),
        (ExportJob.lease_until.is_(None)) | (ExportJob.lease_until < now)).order_by(ExportJob.id).limit(5)).all()
    for job_id in candidates:
        taken = session.execute(update(ExportJob).where(
            ExportJob.id == job_id, (ExportJob.lease_until.is_(None)) | (ExportJob.lease_until < now))
            .values(lease_until=now + LEASE)).rowcount
        if taken:
            return session.get(ExportJob, job_id)
    return None


def drain(app) -> int:
    """Worker pass: steps of one export job for up to ``PASS_SECONDS``, each committed."""
    from lti_tool.db import get_db

    settings = app.config["SETTINGS"]
    root = Path(app.instance_path)
    handled = 0
    with app.app_context():
        maker = get_db(app).sessionmaker
        with maker.begin() as session:
            job = claim(session)
            job_id = job.id if job else None
        if job_id is None:
            return 0
        started = time.monotonic()
        while time.monotonic() - started < PASS_SECONDS:  # other drainers share the worker
            try:
                with maker.begin() as session:
                    job = session.get(ExportJob, job_id)
                    finished = step(session, job, root=root, base_url=settings.public_base_url)
                    job.lease_until = None if finished else utcnow() + LEASE
                    handled += 1
            except Exception as exc:  # noqa: BLE001 - the job says it failed; the log has the trace
                logging.getLogger(__name__).exception("export job %s failed", job_id)
                with maker.begin() as session:
                    job = session.get(ExportJob, job_id)
                    job.status, job.error, job.lease_until = FAILED, str(exc)[:2000], None
                return handled + 1
            if finished:
                break
        else:
            with maker.begin() as session:  # the pass is over: the next one (any worker) carries on
                session.get(ExportJob, job_id).lease_until = None
    return handled
