"""Names and Role Provisioning Services 2.0: the course's members, paged.

Moodle lists context roles by their short names (``Learner``); Canvas by full URIs.
Canvas pages by ``page`` with 10 members by default; Moodle by ``from`` when the tool
asks for a ``limit``."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, request

from tests.lti_platform import constants as c
from tests.lti_platform.app import json_error, media_json, platform, require_bearer

bp = Blueprint("nrps", __name__)
CANVAS_DEFAULT_LIMIT = 10


def _full(role: str) -> str:
    short_to_full = {short: full for full, short in c.SHORT_ROLES.items()}
    return short_to_full.get(role, role)


def member_json(controller, member) -> dict:
    user = controller.users[member.user_key]
    roles = member.roles
    if controller.product_family == "moodle":
        roles = [c.SHORT_ROLES.get(r, r) for r in roles]
    data = {
        "status": member.status, "user_id": user.sub, "roles": roles, "name": user.name,
        "given_name": user.given_name, "family_name": user.family_name, "email": user.email,
    }
    if user.person_sourcedid:
        data["lis_person_sourcedid"] = user.person_sourcedid
    return data


@bp.get("/nrps/<context_id>/memberships")
def memberships(context_id: str):
    controller = platform()
    token = require_bearer(c.SCOPE_NRPS)
    course = controller.courses.get(context_id)
    if course is None:
        abort(json_error(404, "not_found", "no such context"))
    if controller.product_family == "moodle":
        type_id = request.args.get("type_id")
        if not type_id or type_id not in controller.clients[token["client_id"]].deployment_ids:
            abort(json_error(400, "invalid_request", "type_id is missing or is not this tool's"))
    members = list(course.members.values())
    if "role" in request.args:
        wanted = _full(request.args["role"])
        members = [m for m in members if wanted in m.roles]
    canvas = controller.product_family == "canvas"
    try:
        limit = int(request.args.get("limit", CANVAS_DEFAULT_LIMIT if canvas else 0))
        start = (int(request.args.get("page", 1)) - 1) * limit if canvas else int(request.args.get("from", 0))
    except ValueError:
        abort(json_error(400, "invalid_request", "limit, page and from must be integers"))
    headers = {}
    if limit > 0:
        page, more = members[start:start + limit], start + limit < len(members)
        if more:
            args = request.args.to_dict()
            args.update({"limit": str(limit)})
            args.update({"page": str(start // limit + 2)} if canvas else {"from": str(start + limit)})
            headers["Link"] = f'<{controller.base_url}{request.path}?{urlencode(args)}>; rel="next"'
    else:
        page = members
    body = {
        "id": f"{controller.base_url}{request.full_path.rstrip('?')}",
        "context": {"id": course.id, "label": course.label, "title": course.title},
        "members": [member_json(controller, m) for m in page],
    }
    return media_json(body, c.MEDIA_MEMBERSHIPS, headers=headers)
