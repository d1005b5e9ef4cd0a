"""The LMS pages a person clicks: the course list, a course page showing the tool in
an iframe (with LTI Platform Storage for frames that cannot keep cookies), and the
gradebook of what the tool sent back."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, abort, redirect, render_template, request

from tests.lti_platform.app import platform

bp = Blueprint("home", __name__)

LAUNCH_AS = [("learner", "Launch as learner"), ("instructor", "Launch as instructor"), ("hr", "Launch as HR")]


@bp.get("/")
def index():
    controller = platform()
    client = controller.clients[controller.client_id]
    tool_register = controller.tool_register_url or (
        f"{controller.tool_base_url}/lti/register" if controller.tool_base_url else "")
    gradebook = sorted(controller.gradebook().items())
    return render_template(
        "home.html", platform=controller, client=client, courses=list(controller.courses.values()),
        launch_as=LAUNCH_AS, tool_register=tool_register, gradebook=gradebook,
    )


@bp.get("/course/<context_id>")
def course(context_id: str):
    return redirect(f"/#course-{context_id}", 302)


def _frame(title: str, launch_url: str, window_url: str):
    controller = platform()
    tool = controller.tool_base_url or ""
    tool_origin = f"{urlparse(tool).scheme}://{urlparse(tool).netloc}" if tool else "*"
    return render_template("frame.html", platform=controller, title=title, launch_url=launch_url,
                           window_url=window_url, tool_origin=tool_origin)


@bp.get("/course/<context_id>/view/<link_id>")
def view(context_id: str, link_id: str):
    controller = platform()
    user = request.args.get("user", "learner")
    course = controller.courses.get(context_id)
    if course is None or link_id not in course.links or user not in controller.users:
        abort(404)
    return _frame(
        f"{course.links[link_id].title} — {controller.user(user).name}",
        controller.launch_url(user, context_id, link_id).replace(controller.base_url, ""),
        controller.launch_url(user, context_id, link_id, target="window").replace(controller.base_url, ""),
    )


@bp.get("/course/<context_id>/view-deeplink")
def view_deeplink(context_id: str):
    controller = platform()
    user = request.args.get("user", "instructor")
    if context_id not in controller.courses or user not in controller.users:
        abort(404)
    url = controller.deep_link_url(user, context_id).replace(controller.base_url, "")
    return _frame(f"Add content from the tool — {controller.user(user).name}", url, url)
