"""The audit log for HR: every HR action is recorded (``audit.actor.audited``) in the
same transaction as the action itself, and read at ``/hr/audit`` (newest first, filtered, times in the
organisation's time zone) or downloaded as CSV or XLSX. Only the HR user's
organisation's events."""

from __future__ import annotations

import json

from flask import Response, render_template, request
from flask_babel import gettext as _
from openpyxl import Workbook

from lti_tool import auth, db, spreadsheet
from lti_tool.audit import log as audit
from lti_tool.audit.actor import audited
from lti_tool.audit.queries import AuditFilters, events_query
from lti_tool.errors import UserError
from lti_tool.hr import bp
from lti_tool.hr.queries import page_of
from lti_tool.hr.views import hr_only
from lti_tool.lti.models import Organisation
from lti_tool.practical.helpers import PER_PAGE, local_time, page_number, pages

MAX_EXPORT = 100_000  # rows in one download; past it HR narrows the dates


def _filters() -> AuditFilters:
    try:
        return AuditFilters.parse(request.args)
    except ValueError:
        raise UserError(_("Dates are written YYYY-MM-DD (the first one not after the second), and the action "
                          "must be one of the listed ones."), 400) from None


def _organisation() -> Organisation:
    return db.session().get(Organisation, auth.current_actor().organisation_id)


def action_labels() -> dict:
    return {code: _(label) for code, label in audit.ACTIONS.items()}


def _details(event) -> str:
    return json.dumps(event.details, ensure_ascii=False, sort_keys=True) if event.details else ""


@bp.route("/audit")
@hr_only
def audit_log():
    f, page, organisation = _filters(), page_number(), _organisation()
    events, total = page_of(db.session(), events_query(organisation.id, f, organisation.timezone), page, PER_PAGE)
    return render_template("hr/audit.html", f=f, events=events, total=total, page=page, pages=pages(total),
                           zone=organisation.timezone, labels=action_labels(), details=_details)


@bp.route("/audit.<fmt>")
@hr_only
def audit_export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise UserError(_("The audit log downloads as CSV or XLSX."), 404)
    f, organisation = _filters(), _organisation()
    session = db.session()
    events = list(session.scalars(events_query(organisation.id, f, organisation.timezone).limit(MAX_EXPORT + 1)))
    if len(events) > MAX_EXPORT:
        raise UserError(_("More than %(n)d events match: choose a shorter date range.", n=MAX_EXPORT), 422)
    labels, zone = action_labels(), organisation.timezone
    header = [_("Time (%(zone)s)", zone=zone), _("Action"), _("Action code"), _("Subject"), _("Who"), _("Details")]
    audited("audit.exported", f"audit log ({len(events)} events)", format=fmt, filters=f.as_dict())
    name = f"audit-log-{organisation.slug}.{fmt}"
    if fmt == "csv":
        rows = ([local_time(e.at, zone, "%Y-%m-%d %H:%M:%S"), labels.get(e.action, e.action), e.action, e.subject,
                 e.actor_label, _details(e)] for e in events)
        data, mime = spreadsheet.csv_bytes(header, rows), spreadsheet.MIME_CSV
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = "Audit log"
        spreadsheet.append(sheet, header)
        for e in events:
            spreadsheet.append(sheet, [spreadsheet.local(e.at, zone), labels.get(e.action, e.action), e.action,
                                       e.subject, e.actor_label, _details(e)])
        for column, width in zip("ABCDEF", (20, 28, 26, 36, 20, 60), strict=True):
            sheet.column_dimensions[column].width = width
        data, mime = spreadsheet.xlsx_bytes(book), spreadsheet.MIME_XLSX
    return Response(data, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})
