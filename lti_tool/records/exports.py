"""A training file as XLSX (openpyxl, every cell through ``lti_tool.spreadsheet``) and PDF
(WeasyPrint, no URL fetched), in the page's language. Rendered from plain values."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lti_tool import spreadsheet
from lti_tool.numbers import shown
from lti_tool.practical.helpers import organisation_zone, tr
from lti_tool.records.file import TrainingFile


def kind_labels() -> dict:
    return {"course": _("Course"), "lesson": _("Lesson"), "quiz": _("Quiz"), "practical": _("Practical assessment"),
            "session": _("Classroom session"), "questionnaire": _("Questionnaire"), "certificate": _("Certificate")}


def status_labels() -> dict:
    return {"in_progress": _("In progress"), "completed": _("Completed"), "passed": _("Passed"),
            "failed": _("Not passed"), "pending_grading": _("Awaiting grading"), "attended": _("Attended"),
            "absent": _("Absent"), "excused": _("Excused"), "valid": _("Valid"), "expired": _("Expired"),
            "revoked": _("Revoked")}


def score_text(score, score_max) -> str:
    if score is None:
        return ""
    return f"{shown(score)}/{shown(score_max)}" if score_max else shown(score)


def xlsx(tf: TrainingFile) -> bytes:
    kinds, statuses = kind_labels(), status_labels()
    book = Workbook()
    ws = book.active
    ws.title = "Training file"
    e = tf.employee
    zone = organisation_zone()  # of the HR user or the learner downloading it: the employee's
    spreadsheet.append(ws, [_("Training file")])
    ws["A1"].font = Font(bold=True, size=14)
    for label, value in ((_("Name"), e.name), (_("Employee number"), e.employee_number or ""),
                         (_("Department"), e.department), (_("Position"), e.position),
                         (_("Hire date"), e.hire_date or ""), (_("Total hours"), tf.total_hours)):
        spreadsheet.append(ws, [label, value])
    ws.append([])
    spreadsheet.append(ws, [_("Course"), _("Kind"), _("Item"), _("Status"), _("Score"), _("Hours"),
                            _("Started (%(zone)s)", zone=zone), _("Completed (%(zone)s)", zone=zone)])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for section in tf.courses:
        for entry in section.entries:
            spreadsheet.append(ws, [
                tr(section.title), kinds.get(entry.kind, entry.kind), tr(entry.title) or entry.item_id,
                statuses.get(entry.status, entry.status), score_text(entry.score, entry.score_max), entry.hours,
                spreadsheet.local(entry.started_at, zone), spreadsheet.local(entry.completed_at, zone)])
    ws.append([])
    spreadsheet.append(ws, [_("Certificate number"), _("Course"), _("Issued"), _("Valid until"), _("Status")])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for c in tf.certificates:
        spreadsheet.append(ws, [c.number, tr(c.course_title), spreadsheet.local(c.issued_at, zone, day=True),
                                spreadsheet.local(c.valid_until, zone, day=True), statuses[c.status]])
    for column, width in zip("ABCDEFGH", (28, 14, 36, 12, 10, 8, 18, 18), strict=True):
        ws.column_dimensions[column].width = width
    return spreadsheet.xlsx_bytes(book)


def pdf(tf: TrainingFile) -> bytes:
    from lti_tool.downloads import pdf_of

    html = render_template("records/file_pdf.html", tf=tf, kinds=kind_labels(), statuses=status_labels(),
                           score_text=score_text)
    return pdf_of(html)
