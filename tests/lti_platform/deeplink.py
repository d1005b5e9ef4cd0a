"""Deep Linking 2.0 return: the tool's signed LtiDeepLinkingResponse becomes resource
links in the course, each with its custom parameters and, if the item asks for one,
a gradebook column (line item) bound to it, as Moodle and Canvas create them."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request

from tests.lti_platform import constants as c
from tests.lti_platform.app import error_page, platform
from tests.lti_platform.tokens import ToolJwtError, verify_tool_jwt

bp = Blueprint("deeplink", __name__)


class Refused(Exception):
    pass


def _check(controller, pending, claims: dict, client) -> list[dict]:
    if pending.used:
        raise Refused("this Deep Linking request was already answered")
    if client.client_id != pending.client_id:
        raise Refused("the response comes from another client than the request went to")
    if not claims.get("nonce"):
        raise Refused("the response has no nonce")
    if claims.get(c.CLAIM + "message_type") != c.DEEP_LINKING_RESPONSE:
        raise Refused("message_type must be LtiDeepLinkingResponse")
    if claims.get(c.CLAIM + "version") != "1.3.0":
        raise Refused("version must be 1.3.0")
    if claims.get(c.CLAIM + "deployment_id") != pending.deployment_id:
        raise Refused("deployment_id is not the request's")
    if pending.data and claims.get(c.DL_CLAIM + "data") != pending.data:
        raise Refused("data was not echoed unchanged")
    items = claims.get(c.DL_CLAIM + "content_items", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise Refused("content_items must be a list of objects")
    if len(items) > 1 and not pending.accept_multiple:
        raise Refused("several items returned where one was accepted")
    for item in items:
        if item.get("type") != "ltiResourceLink":
            raise Refused(f"content item type {item.get('type')!r} was not accepted")
        line_item = item.get("lineItem")
        if line_item is not None:
            maximum = line_item.get("scoreMaximum") if isinstance(line_item, dict) else None
            if isinstance(maximum, bool) or not isinstance(maximum, (int, float)) or maximum <= 0:
                raise Refused("lineItem.scoreMaximum must be a number greater than 0")
        if item.get("custom") is not None and not isinstance(item["custom"], dict):
            raise Refused("custom must be an object")
    return items


@bp.post("/deeplink/return")
def deep_link_return():
    controller = platform()
    pending = controller.pending_deep_links.get(request.args.get("dl", ""))
    if pending is None:
        controller.deep_link_errors.append("unknown Deep Linking request")
        return error_page(400, "invalid_request", "This Deep Linking request is unknown.")
    token = request.form.get("JWT", "")
    try:
        if not token:
            raise Refused("no JWT in the form")
        claims, client = verify_tool_jwt(controller, token, audience=controller.issuer)
        with controller.lock:
            items = _check(controller, pending, claims, client)
            pending.used = True
    except (ToolJwtError, Refused) as exc:
        controller.deep_link_errors.append(str(exc))
        return error_page(400, "invalid_deep_linking_response", str(exc))
    links = []
    for item in items:
        line_item = item.get("lineItem")
        links.append(controller.add_resource_link(
            str(item.get("title") or "Untitled"), context=pending.context_id, text=str(item.get("text") or ""),
            custom={str(k): str(v) for k, v in (item.get("custom") or {}).items()}, url=item.get("url"),
            line_item=None if line_item is None else {
                "scoreMaximum": line_item["scoreMaximum"], "label": line_item.get("label") or item.get("title"),
                "resourceId": line_item.get("resourceId", ""), "tag": line_item.get("tag", ""),
            },
        ))
    with controller.lock:
        controller.deep_link_responses.append({
            "context_id": pending.context_id, "items": items, "claims": claims,
            "links": [link.id for link in links],
        })
    body = render_template("deeplink_done.html", links=links, course=controller.courses[pending.context_id],
                           message=claims.get(c.DL_CLAIM + "msg"), error=claims.get(c.DL_CLAIM + "errormsg"))
    return make_response(body, 200)
