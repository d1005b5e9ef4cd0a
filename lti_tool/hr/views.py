"""The HR console: rates with charts, employees and their training files, certificates
with filters and the bulk export. HR only; everything scoped to the HR user's
organisation (every platform of it)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.errors import UserError
from lti_tool.hr import bp, charts, queries
from lti_tool.lti import roles
from lti_tool.practical.helpers import PER_PAGE, page_number, pages, tr
from lti_tool.records.file import course_title, training_file
from lti_tool.records.models import Employee
from lti_tool.records.views import file_response

hr_only = auth.require_role(roles.HR)


def filters() -> queries.Filters:
    try:
        return queries.Filters.parse(request.args)
    except ValueError:
        raise UserError(_("Dates are written YYYY-MM-DD, and the status must be one of the listed ones."), 400) from None


def choices() -> dict:
    session, organisation_id = db.session(), auth.current_actor().organisation_id
    course_ids = queries.courses(session, organisation_id)
    return {"departments": queries.departments(session, organisation_id),
            "courses": [(c, tr(course_title(session, c))) for c in course_ids]}


@bp.route("/")
@hr_only
def console():
    f = filters()
    by_course, by_department = queries.rates(db.session(), auth.current_actor().organisation_id, f)
    names = dict(choices()["courses"])
    chart_rows = {
        "completion_course": [(names.get(r.key, r.key), r.completion_rate) for r in by_course],
        "pass_course": [(names.get(r.key, r.key), r.pass_rate) for r in by_course],
        "completion_department": [(r.key, r.completion_rate) for r in by_department],
        "score_department": [(r.key, r.average_score) for r in by_department],
    }
    figures = [
        charts.bar_chart(_("Completion rate per course"), chart_rows["completion_course"]),
        charts.bar_chart(_("Pass rate per course"), chart_rows["pass_course"]),
        charts.bar_chart(_("Completion rate per department"), chart_rows["completion_department"]),
        charts.bar_chart(_("Average score per department"), chart_rows["score_department"], unit=""),
    ]
    counts = queries.certificate_counts(db.session(), auth.current_actor().organisation_id, f)
    return render_template("hr/console.html", f=f, by_course=by_course, by_department=by_department,
                           figures=figures, names=names, counts=counts, **choices())


@bp.route("/employees")
@hr_only
def employees():
    f, page = filters(), page_number()
    found, total = queries.page_of(db.session(), queries.employees_query(auth.current_actor().organisation_id, f),
                                   page, PER_PAGE)
    return render_template("hr/employees.html", f=f, employees=found, total=total, page=page,
                           pages=pages(total), **choices())


def employee_or_404(employee_id: int) -> Employee:
    found = db.session().get(Employee, employee_id)
    if found is None or found.organisation_id != auth.current_actor().organisation_id:
        abort(404)
    return found


@bp.route("/employees/<int:employee_id>")
@hr_only
def employee(employee_id: int):
    from lti_tool.hr.account_views import accounts_context

    found = employee_or_404(employee_id)
    return render_template("hr/employee.html", tf=training_file(db.session(), found), **accounts_context(found))


@bp.route("/employees/<int:employee_id>.<fmt>")
@hr_only
def employee_export(employee_id: int, fmt: str):
    from lti_tool.audit.actor import audited

    found = employee_or_404(employee_id)
    response = file_response(training_file(db.session(), found), fmt)
    audited("training_file.exported", f"employee {found.employee_number or found.id} ({found.name})",
            employee_id=found.id, format=fmt)
    return response


@bp.route("/certificates")
@hr_only
def certificates():
    f, page = filters(), page_number()
    rows, total = queries.certificate_page(db.session(), auth.current_actor().organisation_id, f, page, PER_PAGE)
    return render_template("hr/certificates.html", f=f, rows=rows, total=total, page=page, pages=pages(total),
                           statuses_allowed=queries.STATUSES, **choices())
