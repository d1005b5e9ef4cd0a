"""Course runs for trainers (their LMS course) and HR (every LMS course of every
platform of the organisation; a run itself is one LMS course of one platform):
the summary report as PDF and the archive as ZIP."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import gettext as _
from sqlalchemy import func, select

from lti_tool import auth, db
from lti_tool.hr.charts import bar_chart
from lti_tool.lti import roles
from lti_tool.lti.models import Context, Deployment
from lti_tool.lti.organisations import organisation_id_of, platform_ids
from lti_tool.practical.helpers import tr
from lti_tool.questionnaires.models import MIN_RESPONSES
from lti_tool.questionnaires.views import LABELS
from lti_tool.records import bp, runs
from lti_tool.records.file import course_title
from lti_tool.records.models import TrainingRecord


def context_or_404(context_id: int) -> Context:
    actor = auth.current_actor()
    context = db.session().get(Context, context_id)
    if context is None:
        abort(404)
    if actor.has(roles.HR) and organisation_id_of(db.session(), context.deployment.platform_id) == actor.organisation_id:
        return context
    if actor.has(roles.INSTRUCTOR) and actor.context_id == context.id:
        return context
    abort(404)


@bp.route("/runs/")
@auth.require_role(roles.INSTRUCTOR, roles.HR)
def run_list():
    actor = auth.current_actor()
    query = (select(TrainingRecord.context_id, TrainingRecord.course_id, func.count(func.distinct(TrainingRecord.user_id)))
             .join(Context, Context.id == TrainingRecord.context_id)
             .group_by(TrainingRecord.context_id, TrainingRecord.course_id)
             .order_by(TrainingRecord.context_id, TrainingRecord.course_id))
    if actor.has(roles.HR):
        query = query.join(Deployment, Deployment.id == Context.deployment_pk).where(
            Deployment.platform_id.in_(platform_ids(actor.organisation_id)))
    else:
        query = query.where(TrainingRecord.context_id == actor.context_id)
    session = db.session()
    rows = [(session.get(Context, c), course, n) for c, course, n in session.execute(query)]
    titles = {course: tr(course_title(session, course)) for course in {course for _c, course, _n in rows}}
    return render_template("records/runs.html", rows=rows, titles=titles)


def _summary_pdf(run: runs.Run) -> bytes:
    from lti_tool.downloads import pdf_of

    items = run.items()
    charts = [
        bar_chart(_("Attendance per session"), [
            (s.title, round(100.0 * (c["present"] + c["late"] + c["left-early"]) / max(1, sum(c.values())), 1))
            for s, c in run.attendance_counts()]),
        bar_chart(_("Pass rate"), [(tr(i.title) or i.item_id, i.pass_rate) for i in items]),
        bar_chart(_("Average score"), [(tr(i.title) or i.item_id, i.average) for i in items], unit=""),
    ]
    if run.questionnaire.shown:
        charts.append(bar_chart(_("Questionnaire (average of 1–5)"), [
            (str(LABELS[k]), v) for k, v in run.questionnaire.averages.items()], maximum=5.0, unit=""))
    html = render_template("records/summary_pdf.html", run=run, items=items, charts=charts, labels=LABELS,
                           minimum=MIN_RESPONSES)
    return pdf_of(html)


@bp.route("/runs/<int:context_id>/<path:course_id>/summary.pdf")
@auth.require_role(roles.INSTRUCTOR, roles.HR)
def run_summary(context_id: int, course_id: str):
    run = runs.load(db.session(), context_or_404(context_id), course_id)
    if not run.records and not run.sessions:
        abort(404)
    return Response(_summary_pdf(run), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="summary-{course_id}-{context_id}.pdf"'})


@bp.route("/runs/<int:context_id>/<path:course_id>/archive.zip")
@auth.require_role(roles.INSTRUCTOR, roles.HR)
def run_archive(context_id: int, course_id: str):
    session = db.session()
    run = runs.load(session, context_or_404(context_id), course_id)
    if not run.records and not run.sessions:
        abort(404)
    return Response(runs.archive(session, run, _summary_pdf(run)), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="archive-{course_id}-{context_id}.zip"'})
