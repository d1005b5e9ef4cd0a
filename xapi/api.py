"""``GET /xapi/statements``: the local store through a subset of the xAPI Statements API.

Supported (xAPI 1.0.3 Communication §2.1.3): ``statementId``, ``voidedStatementId``,
``agent``, ``verb``, ``activity``, ``registration``, ``since``, ``until``, ``limit``,
``ascending``, ``format`` (``exact`` or ``ids``), and ``more`` links for the next
page. Not supported, answered 400 with the reason: ``related_agents=true``,
``related_activities=true``, ``attachments=true``, ``format=canonical``. Writes are
not accepted here: statements come from the tool's own events.

HTTP Basic auth with a credential of one organisation (the application checks it): a
credential reads only its organisation's statements, a statement of another one is not
found. A client that fails too often is told to wait (429 with ``Retry-After``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from flask import Blueprint, Response, request
from sqlalchemy.orm import Session

from xapi import store
from xapi.validation import is_iri, is_uuid, parse_timestamp

VERSION = "1.0.3"
# A request's transaction commits within this time of a statement's "stored" value.
CONSISTENCY_MARGIN = timedelta(seconds=10)
SINGLE_PARAMS = {"statementId", "voidedStatementId"}
QUERY_PARAMS = {"agent", "verb", "activity", "registration", "related_activities", "related_agents", "since",
                "until", "limit", "ascending", "cursor"}
ANY_PARAMS = {"format", "attachments"}


@dataclass(frozen=True)
class ApiConfig:
    # (key, secret) -> the organisation id they open, or None
    authenticate: Callable[[str | None, str | None], int | None]
    tool_url: str  # the tool's public base URL: the authority of every stored statement
    # seconds a client must wait after too many failures (None: it may try), and the
    # record of one failure
    retry_after: Callable[[], int | None] = lambda: None
    failed: Callable[[], None] = lambda: None

    @property
    def authority(self) -> dict:
        return {"objectType": "Agent", "name": "aftersales-training",
                "account": {"homePage": self.tool_url, "name": "aftersales-training"}}


class BadRequest(Exception):
    pass


def _json(payload, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")
    response.headers["X-Experience-API-Version"] = VERSION
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _error(status: int, message: str, headers: dict | None = None) -> Response:
    return _json({"error": {400: "bad request", 401: "unauthorized", 404: "not found",
                            405: "method not allowed", 429: "too many requests",
                            503: "unavailable"}.get(status, "error"),
                  "message": message}, status, headers)


def _authorized(config: ApiConfig) -> int | Response:
    """The organisation of the request's credential, or the answer refusing it."""
    wait = config.retry_after()
    if wait is not None:
        return _error(429, f"Too many failed authentications from this address: try again in {wait} s.",
                      {"Retry-After": str(wait)})
    auth = request.authorization
    organisation_id = None
    if auth is not None and auth.type == "basic":
        organisation_id = config.authenticate(auth.username, auth.password)
    if organisation_id is None:
        config.failed()
        return _error(401, "Valid HTTP Basic credentials for the xAPI Statements API are required: a key and "
                           "secret of your organisation (HR console, or `aftersales-training xapi credentials add`).",
                      {"WWW-Authenticate": 'Basic realm="xAPI", charset="UTF-8"'})
    return organisation_id


def _bool(name: str, allowed_true: bool = True) -> bool:
    value = request.args.get(name, "false")
    if value not in ("true", "false"):
        raise BadRequest(f"{name} must be true or false, not {value!r}")
    if value == "true" and not allowed_true:
        raise BadRequest(f"{name}=true is not supported by this statement store")
    return value == "true"


def _timestamp(name: str) -> datetime | None:
    value = request.args.get(name)
    if value is None:
        return None
    parsed = parse_timestamp(value)
    if parsed is None:
        raise BadRequest(f"{name} must be an ISO 8601 timestamp with a time zone, e.g. 2026-01-31T08:00:00Z")
    return parsed


def _agent_key(value: str) -> str:
    try:
        agent = json.loads(value)
    except ValueError:
        raise BadRequest("agent must be a JSON Agent object, e.g. "
                         '{"account": {"homePage": "https://lms.example.com", "name": "42"}}') from None
    if not isinstance(agent, dict):
        raise BadRequest("agent must be a JSON object")
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in agent]
    if len(ifis) != 1 and agent.get("objectType") != "Group":
        raise BadRequest("agent must have exactly one of mbox, mbox_sha1sum, openid or account")
    account = agent.get("account")
    if account is not None and not (isinstance(account, dict) and account.get("homePage") and account.get("name")):
        raise BadRequest("an agent account needs homePage and name")
    return store.actor_key(agent)


def _parse_query() -> store.Query:
    q = store.Query()
    if "agent" in request.args:
        q.agent_key = _agent_key(request.args["agent"])
    for name in ("verb", "activity"):
        if name in request.args:
            if not is_iri(request.args[name]):
                raise BadRequest(f"{name} must be an IRI")
            setattr(q, name, request.args[name])
    if "registration" in request.args:
        if not is_uuid(request.args["registration"].lower()):
            raise BadRequest("registration must be a UUID")
        q.registration = request.args["registration"].lower()
    _bool("related_agents", allowed_true=False)
    _bool("related_activities", allowed_true=False)
    q.since, q.until = _timestamp("since"), _timestamp("until")
    limit = request.args.get("limit", "0")
    if not limit.isdigit():
        raise BadRequest("limit must be a non-negative integer")
    q.limit = int(limit)
    q.ascending = _bool("ascending")
    cursor = request.args.get("cursor")
    if cursor is not None:
        if not cursor.isdigit():
            raise BadRequest("cursor is not one this store gave out")
        q.after_seq = int(cursor)
    return q


def _ids_only(data: dict) -> dict:
    """format=ids: agents, activities and verbs reduced to what identifies them."""

    def agent(a: dict) -> dict:
        out = {k: a[k] for k in ("objectType", "mbox", "mbox_sha1sum", "openid", "account") if k in a}
        if "member" in a and not any(k in a for k in ("mbox", "mbox_sha1sum", "openid", "account")):
            out["member"] = [agent(m) for m in a["member"]]
        return out

    def obj(o: dict) -> dict:
        kind = o.get("objectType", "Activity")
        if kind == "Activity":
            return {"objectType": "Activity", "id": o["id"]}
        return agent(o) if kind in ("Agent", "Group") else o

    data = dict(data, actor=agent(data["actor"]), verb={"id": data["verb"]["id"]}, object=obj(data["object"]))
    if "authority" in data:
        data["authority"] = agent(data["authority"])
    context = data.get("context")
    if context:
        context = dict(context)
        for key in ("instructor", "team"):
            if key in context:
                context[key] = agent(context[key])
        if "contextActivities" in context:
            context["contextActivities"] = {k: [obj(a) for a in v] for k, v in context["contextActivities"].items()}
        data["context"] = context
    return data


def create_blueprint(get_session: Callable[[], Session], get_config: Callable[[], ApiConfig]) -> Blueprint:
    bp = Blueprint("xapi", __name__, url_prefix="/xapi")

    @bp.route("/statements", methods=["GET", "HEAD", "POST", "PUT"])
    def statements():
        config = get_config()
        organisation_id = _authorized(config)
        if isinstance(organisation_id, Response):
            return organisation_id
        if request.method in ("POST", "PUT"):
            return _error(405, "This statement store is read-only: statements come from the tool's own events.",
                          {"Allow": "GET, HEAD"})
        consistent = (datetime.now(timezone.utc) - CONSISTENCY_MARGIN).isoformat(timespec="milliseconds")
        headers = {"X-Experience-API-Consistent-Through": consistent.replace("+00:00", "Z")}
        try:
            version = request.headers.get("X-Experience-API-Version", "")
            if not version.startswith("1.0"):
                raise BadRequest("the X-Experience-API-Version header is required (1.0.x)")
            unknown = set(request.args) - SINGLE_PARAMS - QUERY_PARAMS - ANY_PARAMS
            if unknown:
                raise BadRequest(f"unknown parameter(s): {', '.join(sorted(unknown))}")
            fmt = request.args.get("format", "exact")
            if fmt not in ("exact", "ids"):
                raise BadRequest("format must be exact or ids (canonical is not supported by this store)")
            _bool("attachments", allowed_true=False)
            single = SINGLE_PARAMS & set(request.args)
            if single:
                if len(single) == 2:
                    raise BadRequest("give statementId or voidedStatementId, not both")
                if set(request.args) - single - ANY_PARAMS:
                    raise BadRequest("statementId and voidedStatementId combine only with format and attachments")
                name = single.pop()
                if not is_uuid(request.args[name].lower()):
                    raise BadRequest(f"{name} must be a UUID")
                query = None
            else:
                query = _parse_query()
        except BadRequest as exc:
            return _error(400, str(exc), headers)
        shape = _ids_only if fmt == "ids" else (lambda x: x)
        session = get_session()
        if query is None:
            row = store.get(session, request.args[name], voided=name == "voidedStatementId",
                            organisation_id=organisation_id)
            if row is None:
                return _error(404, "no such statement", headers)
            headers["Last-Modified"] = row.stored.strftime("%a, %d %b %Y %H:%M:%S GMT")
            return _json(shape(store.for_output(row, config.authority)), 200, headers)
        query.organisation_id = organisation_id
        rows, more = store.find(session, query)
        more_url = ""
        if more is not None:
            args = {k: v for k, v in request.args.items() if k != "cursor"}
            more_url = f"{request.path}?{urlencode({**args, 'cursor': more})}"
        payload = {"statements": [shape(store.for_output(r, config.authority)) for r in rows], "more": more_url}
        return _json(payload, 200, headers)

    return bp
