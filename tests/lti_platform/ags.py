"""Assignment and Grade Services 2.0: line items, scores and results per course.

Differences kept from the real products: Moodle's URLs carry ``?type_id=`` and end in
``/lineitem``; Moodle refuses a score not newer than the last one (409, whole
seconds), Canvas one older than it (400); Moodle answers an unknown media type with
400 "No handler found", Canvas with 415.
"""

from __future__ import annotations

import time
from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, abort, make_response, request

from tests.lti_platform import constants as c
from tests.lti_platform.app import json_error, media_json, platform, require_bearer

bp = Blueprint("ags", __name__, url_prefix="/ags/<context_id>/lineitems")
READ = (c.SCOPE_LINEITEM, c.SCOPE_LINEITEM_READONLY)


def _fail(status: int, message: str):
    abort(json_error(status, "invalid_request", message))


def _guard(context_id: str, *scopes: str) -> tuple:
    """(controller, course, deployment id for URLs) after the token and Moodle's type_id."""
    controller = platform()
    token = require_bearer(*scopes)
    course = controller.courses.get(context_id)
    if course is None:
        abort(json_error(404, "not_found", "no such context"))
    deployment = None
    if controller.product_family == "moodle":
        deployment = request.args.get("type_id")
        if not deployment or deployment not in controller.clients[token["client_id"]].deployment_ids:
            _fail(400, "type_id is missing or is not this tool's")
    return controller, course, deployment


def _require_media(controller, media: str) -> dict:
    mimetype = request.mimetype
    if mimetype != media and not (controller.product_family == "canvas" and mimetype == "application/json"):
        if controller.product_family == "moodle":
            abort(make_response(f"No handler found for {request.path} {mimetype}", 400))
        abort(json_error(415, "unsupported_media_type", f"Content-Type must be {media}"))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        _fail(400, "the body is not a JSON object")
    return body


def _page(controller, rows: list) -> tuple[list, dict]:
    """Rows of this page and a ``Link: rel="next"`` header (Moodle pages by ``from``, Canvas by ``page``)."""
    try:
        limit = int(request.args.get("limit", 0))
        start = int(request.args.get("from", 0)) if controller.product_family == "moodle" else (int(request.args.get("page", 1)) - 1) * limit
    except ValueError:
        _fail(400, "limit, from and page must be integers")
    if limit <= 0:
        return rows, {}
    chunk = rows[start:start + limit]
    if start + limit >= len(rows):
        return chunk, {}
    args = request.args.to_dict()
    if controller.product_family == "moodle":
        args["from"] = str(start + limit)
    else:
        args["page"] = str(start // limit + 2)
    return chunk, {"Link": f'<{controller.base_url}{request.path}?{urlencode(args)}>; rel="next"'}


def _item(controller, course, item_id: int):
    item = controller.lineitems.get(item_id)
    if item is None or item.context_id != course.id:
        abort(json_error(404, "not_found", "no such line item"))
    return item


def _apply_lineitem(controller, course, body: dict, item=None) -> dict:
    label, maximum = body.get("label"), body.get("scoreMaximum")
    if not isinstance(label, str) or not label.strip():
        _fail(400, "label is required")
    if isinstance(maximum, bool) or not isinstance(maximum, (int, float)) or maximum <= 0:
        _fail(400, "scoreMaximum must be a number greater than 0")
    link_id = body.get("resourceLinkId")
    if link_id is not None and link_id not in course.links:
        _fail(400, "resourceLinkId is not a resource link of this context")
    fields = {"label": label, "score_maximum": float(maximum), "resource_id": str(body.get("resourceId") or ""),
              "tag": str(body.get("tag") or ""), "resource_link_id": link_id,
              "start_date_time": body.get("startDateTime"), "end_date_time": body.get("endDateTime")}
    return fields


@bp.route("", methods=["GET", "POST"])
def lineitems(context_id: str):
    if request.method == "POST":
        controller, course, deployment = _guard(context_id, c.SCOPE_LINEITEM)
        fields = _apply_lineitem(controller, course, _require_media(controller, c.MEDIA_LINEITEM))
        item = controller.add_line_item(course.id, label=fields.pop("label"), score_maximum=fields.pop("score_maximum"),
                                        resource_id=fields.pop("resource_id"), tag=fields.pop("tag"),
                                        resource_link_id=fields.pop("resource_link_id"))
        item.start_date_time, item.end_date_time = fields["start_date_time"], fields["end_date_time"]
        body = item.to_json(controller.lineitem_url(course.id, item.id, deployment))
        return media_json(body, c.MEDIA_LINEITEM, 201)
    controller, course, deployment = _guard(context_id, *READ)
    filters = {"resource_link_id": "resource_link_id", "resource_id": "resource_id", "tag": "tag"}
    rows = [i for i in controller.lineitems.values() if i.context_id == course.id]
    for param, attribute in filters.items():
        if param in request.args:
            rows = [i for i in rows if getattr(i, attribute) == request.args[param]]
    rows, headers = _page(controller, rows)
    body = [i.to_json(controller.lineitem_url(course.id, i.id, deployment)) for i in rows]
    return media_json(body, c.MEDIA_LINEITEMS, headers=headers)


@bp.route("/<int:item_id>", methods=["GET", "PUT", "DELETE"])
@bp.route("/<int:item_id>/lineitem", methods=["GET", "PUT", "DELETE"])
def lineitem(context_id: str, item_id: int):
    scopes = READ if request.method == "GET" else (c.SCOPE_LINEITEM,)
    controller, course, deployment = _guard(context_id, *scopes)
    item = _item(controller, course, item_id)
    if request.method == "DELETE":
        with controller.lock:
            controller.lineitems.pop(item.id, None)
        return make_response("", 204)
    if request.method == "PUT":
        fields = _apply_lineitem(controller, course, _require_media(controller, c.MEDIA_LINEITEM), item)
        fields["resource_link_id"] = fields["resource_link_id"] or item.resource_link_id
        with controller.lock:
            for name, value in fields.items():
                setattr(item, name, value)
    return media_json(item.to_json(controller.lineitem_url(course.id, item.id, deployment)), c.MEDIA_LINEITEM)


def _timestamp(value) -> datetime:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        _fail(400, f"timestamp {value!r} is not an ISO 8601 date-time with a time zone")
    return parsed


def _number(body: dict, name: str, minimum: float, strict: bool) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum or (strict and value == minimum):
        _fail(400, f"{name} must be a number {'>' if strict else '>='} {minimum}")
    return float(value)


def _check_score(controller, course, item, body: dict) -> tuple[float | None, float | None, datetime]:
    canvas = controller.product_family == "canvas"
    user_id = body.get("userId")
    member = next((m for m in course.members.values()
                   if controller.users[m.user_key].sub == user_id and m.status == "Active"), None)
    if not isinstance(user_id, str) or member is None:
        _fail(422 if canvas else 400, "User not found in course or is not a student" if canvas else "Incorrect score received")
    for name, allowed in (("activityProgress", c.ACTIVITY_PROGRESS), ("gradingProgress", c.GRADING_PROGRESS)):
        if body.get(name) not in allowed:
            _fail(400, f"{name} must be one of {sorted(allowed)}")
    stamp = _timestamp(body.get("timestamp"))
    given = _number(body, "scoreGiven", 0, strict=False)
    maximum = _number(body, "scoreMaximum", 0, strict=True)
    if given is not None and maximum is None:
        if canvas:
            _fail(422, "ScoreMaximum not supplied when ScoreGiven present.")
        maximum = 1.0  # Moodle's default
    previous = controller.latest_scores.get((item.id, user_id))
    if previous is not None:
        before = previous["parsed_timestamp"]
        if canvas and before > stamp:
            _fail(400, f"Provided timestamp of {body['timestamp']} before last updated timestamp of {before.isoformat()}")
        if not canvas and int(before.timestamp()) >= int(stamp.timestamp()):
            abort(make_response(f"Refusing score with an earlier timestamp for item {item.id} and user {user_id}", 409))
    return given, maximum, stamp


@bp.post("/<int:item_id>/scores")
@bp.post("/<int:item_id>/lineitem/scores")
def scores(context_id: str, item_id: int):
    controller, course, deployment = _guard(context_id, c.SCOPE_SCORE)
    item = _item(controller, course, item_id)
    body = _require_media(controller, c.MEDIA_SCORE)
    try:
        given, maximum, stamp = _check_score(controller, course, item, body)
    except Exception as exc:
        response = getattr(exc, "response", None)
        controller.rejected_scores.append({"status": getattr(response, "status_code", None), "score": body})
        raise
    kept = ("FullyGraded", "PendingManual") if controller.product_family == "canvas" else ("FullyGraded",)
    grade = None
    if given is not None and body["gradingProgress"] in kept:
        grade = given * item.score_maximum / maximum  # scaled to the column's maximum, as both products do
    entry = {
        **{k: body.get(k) for k in ("userId", "scoreGiven", "scoreMaximum", "comment", "activityProgress",
                                   "gradingProgress", "timestamp")},
        "context_id": course.id, "lineitem_id": item.id, "label": item.label, "resourceId": item.resource_id,
        "tag": item.tag, "gradebook_score": grade, "received_at": time.time(), "parsed_timestamp": stamp,
    }
    with controller.lock:
        controller.score_log.append(entry)
        controller.latest_scores[(item.id, body["userId"])] = entry
    if controller.product_family == "canvas":
        result_url = f"{controller.lineitem_url(course.id, item.id).split('?')[0]}/results/{body['userId']}"
        return media_json({"resultUrl": result_url}, c.MEDIA_SCORE)
    return make_response("", 200)


@bp.get("/<int:item_id>/results")
@bp.get("/<int:item_id>/lineitem/results")
def results(context_id: str, item_id: int):
    controller, course, deployment = _guard(context_id, c.SCOPE_RESULT_READONLY)
    item = _item(controller, course, item_id)
    item_url = controller.lineitem_url(course.id, item.id, deployment)
    rows = [s for (lid, _), s in list(controller.latest_scores.items()) if lid == item.id]
    if "user_id" in request.args:
        rows = [s for s in rows if s["userId"] == request.args["user_id"]]
    rows, headers = _page(controller, rows)
    body = []
    for s in rows:
        result = {"id": f"{item_url.split('?')[0]}/results/{s['userId']}", "scoreOf": item_url, "userId": s["userId"],
                  "resultMaximum": item.score_maximum}
        if s["gradebook_score"] is not None:
            result["resultScore"] = s["gradebook_score"]
        if s.get("comment"):
            result["comment"] = s["comment"]
        body.append(result)
    return media_json(body, c.MEDIA_RESULTS, headers=headers)
