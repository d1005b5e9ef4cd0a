"""From plan to delivery (``/manage/plans/<id>/…``, HR): schedule an approved plan
item's sessions in an LMS course where its course is placed, and the plan's execution
report (planned against delivered) as a page with charts, a PDF and a spreadsheet."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.hr.charts import bar_chart
from lti_tool.plans import bp, delivery, execution, services
from lti_tool.plans.assignment_views import today
from lti_tool.downloads import pdf_download, xlsx_download
from lti_tool.plans.views import catalogue, hr_only
from lti_tool.practical.helpers import organisation_zone


def _schedule_page(plan, item, values: dict, errors: dict | None = None, status: int = 200):
    from lti_tool.trainers.services import approved_for

    session = db.session()
    courses = catalogue()
    return render_template(
        "plans/schedule.html", plan=plan, item=item, values=values, errors=errors or {}, courses=courses,
        trainers=approved_for(session, plan.organisation_id, [item.course_id])[item.course_id],
        contexts=delivery.contexts_for(session, plan.organisation_id, item.course_id),
        approved=delivery.approved(session, plan), scheduled=delivery.sessions_of(session, [item.id])[item.id],
        max_days=delivery.MAX_DAYS), status


def _plan_and_item(document_id: int, item_id: int):
    session = db.session()
    plan = services.plan_of(session, auth.current_actor().organisation_id, document_id)
    return plan, delivery.item_of(session, plan, item_id)


@bp.get("/<int:document_id>/items/<int:item_id>/sessions")
@hr_only
def schedule_form(document_id: int, item_id: int):
    plan, item = _plan_and_item(document_id, item_id)
    title = catalogue().get(item.course_id, item.course_id) if item.course_id else item.topic
    return _schedule_page(plan, item, delivery.defaults(item, title or plan.title))


@bp.post("/<int:document_id>/items/<int:item_id>/sessions")
@hr_only
def schedule(document_id: int, item_id: int):
    plan, item = _plan_and_item(document_id, item_id)
    actor = auth.current_actor()
    try:
        values = delivery.parse(request.form)
        rows = delivery.schedule(db.session(), plan, item, values, actor.user, organisation_zone())
    except services.Invalid as exc:
        return _schedule_page(plan, item, request.form, exc.errors, 422)
    flash(_("%(n)d sessions scheduled; learners of the LMS course see their notices.", n=len(rows)), "success")
    return redirect(url_for("plans.show", document_id=plan.id, _anchor="items"), 303)


def _charts(found: execution.Report) -> list:
    rows = [r for r in found.rows if r.item.course_id or r.item.topic]
    courses = catalogue()
    label = lambda r: courses.get(r.item.course_id, r.item.course_id) or r.item.topic  # noqa: E731
    quarters = found.by_quarter()
    name = lambda q: _("Q%(q)d", q=q) if q else _("No quarter")  # noqa: E731
    most = max([f.planned for _q, f in quarters] + [1])
    return [
        bar_chart(_("Sessions held of those planned, per quarter"),
                  [(f"{name(q)} ({f.held}/{f.planned})", f.held) for q, f in quarters], maximum=most, unit=""),
        bar_chart(_("Completion rate of the assigned group"), [(label(r), r.figures.completion_rate) for r in rows]),
        bar_chart(_("Pass rate of the assigned group"), [(label(r), r.figures.pass_rate) for r in rows]),
    ]


def _report(document_id: int) -> execution.Report:
    session = db.session()
    plan = services.plan_of(session, auth.current_actor().organisation_id, document_id)
    return execution.report(session, plan, today())


@bp.get("/<int:document_id>/execution")
@hr_only
def execution_page(document_id: int):
    found = _report(document_id)
    return render_template("plans/execution.html", report=found, plan=found.plan, charts=_charts(found),
                           courses=catalogue())


@bp.get("/<int:document_id>/execution.pdf")
@hr_only
def execution_pdf(document_id: int):
    found = _report(document_id)
    html = render_template("plans/execution_pdf.html", report=found, plan=found.plan, charts=_charts(found),
                           courses=catalogue())
    return pdf_download(html, f"plan-{found.plan.year}-{found.plan.kind}-{found.plan.id}-execution.pdf")


@bp.get("/<int:document_id>/execution.xlsx")
@hr_only
def execution_xlsx(document_id: int):
    from lti_tool.plans.exports import execution_xlsx as to_xlsx
    from lti_tool.plans.views import labels

    found = _report(document_id)
    return xlsx_download(to_xlsx(found, catalogue(), labels()),
                         f"plan-{found.plan.year}-{found.plan.kind}-{found.plan.id}-execution.xlsx")
