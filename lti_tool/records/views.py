"""The employee's own training file, on screen and as PDF / XLSX."""

from __future__ import annotations

from flask import Response, abort, render_template

from lti_tool import auth, db
from lti_tool.questionnaires.services import open_questionnaires
from lti_tool.records import bp, exports
from lti_tool.records.employees import link_user
from lti_tool.records.file import training_file

MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def file_response(tf, fmt: str) -> Response:
    if fmt not in MIME:
        abort(404)
    data = exports.pdf(tf) if fmt == "pdf" else exports.xlsx(tf)
    name = f"training-file-{tf.employee.employee_number or tf.employee.id}.{fmt}"
    return Response(data, mimetype=MIME[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _own_file():
    actor = auth.current_actor()
    session = db.session()
    return training_file(session, link_user(session, actor.user))


@bp.route("/me")
@auth.require_role()
def mine():
    actor = auth.current_actor()
    return render_template("records/mine.html", tf=_own_file(),
                           questionnaires=open_questionnaires(db.session(), actor) if actor.context_id else [])


@bp.route("/me.<fmt>")
@auth.require_role()
def mine_export(fmt: str):
    return file_response(_own_file(), fmt)


@bp.route("/open/<path:item_id>")
@auth.require_role()
def open_item(item_id: str):
    """A link placed with custom ``item_kind=records`` opens the training pages:
    ``item_id`` "hr" → the HR console (HR) or the own file; "file" → the own file;
    "certificates" → the own certificates; "runs" → the course runs (trainers, HR);
    "approvals" → the approver's inbox; "needs" → the needs surveys that ask them."""
    from flask import redirect, url_for

    from lti_tool.lti import roles

    actor = auth.current_actor()
    if item_id == "hr" and actor.has(roles.HR):
        return redirect(url_for("hr.console"))
    if item_id == "runs" and actor.has(roles.INSTRUCTOR, roles.HR):
        return redirect(url_for("records.run_list"))
    if item_id == "needs":
        return redirect(url_for("needs_answer.mine"))
    if item_id == "approvals":
        return redirect(url_for("approvals.inbox"))
    if item_id == "certificates":
        return redirect(url_for("certificates.mine"))
    return redirect(url_for("records.mine"))
