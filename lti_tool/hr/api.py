"""The REST API for HR systems (read only): employees, their training records and
certificates, with paging and filters. Bearer-token auth (tokens made by HR); every
answer is scoped to the token's organisation (every platform of it). The OpenAPI description is at
``/api/hr/v1/openapi.json``."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from sqlalchemy import select

from lti_tool import db, throttle
from lti_tool.hr import openapi, queries, tokens
from lti_tool.lti.organisations import platform_ids
from lti_tool.records.models import Employee, EmployeeUser, TrainingRecord

bp = Blueprint("hr_api", __name__, url_prefix="/api/hr/v1")
SCOPE = "hr-api"  # failed token checks are counted under this
MAX_PER_PAGE = 200


class ApiError(Exception):
    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    response = jsonify({"error": error.message})
    response.status_code = error.status
    if error.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="aftersales-training"'
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _organisation_id() -> int:
    wait = throttle.retry_after(SCOPE)
    if wait is not None:
        raise ApiError(429, f"too many failed authentications from this address: try again in {wait} s", wait)
    header = request.headers.get("Authorization", "")
    plain = header[7:].strip() if header.lower().startswith("bearer ") else ""
    token = tokens.authenticate(db.session(), plain)
    if token is None:
        throttle.failed(SCOPE)
        raise ApiError(401, "a valid bearer token is required")
    return token.organisation_id


def _paging() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        raise ApiError(400, "page and per_page are whole numbers") from None
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ApiError(400, f"page >= 1 and 1 <= per_page <= {MAX_PER_PAGE}")
    return page, per_page


def _filters() -> queries.Filters:
    try:
        return queries.Filters.parse(request.args)
    except ValueError:
        raise ApiError(400, "dates are YYYY-MM-DD; status is one of " + ", ".join(queries.STATUSES)) from None


def _page(items: list, total: int, page: int, per_page: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total,
            "pages": max(1, -(-total // per_page))}


def employee_json(e: Employee) -> dict:
    return {"employee_number": e.employee_number, "name": e.name, "department": e.department,
            "position": e.position, "hire_date": e.hire_date.isoformat() if e.hire_date else None,
            "manager_number": e.manager_number or None,
            "source": e.source}


def record_json(r: TrainingRecord, employee_number: str | None) -> dict:
    return {"employee_number": employee_number, "course_id": r.course_id, "kind": r.kind, "item_id": r.item_id,
            "title": r.title, "status": r.status, "score": r.score, "score_max": r.score_max, "passed": r.passed,
            "hours": r.hours, "started_at": r.started_at.isoformat() if r.started_at else None,
            "completed_at": r.completed_at.isoformat() if r.completed_at else None,
            "course_version_id": r.course_version_id}


def certificate_json(c, employee) -> dict:
    from lti_tool.certificates.services import verify_url

    return {"number": c.number, "holder_name": c.holder_name, "employee_number": c.employee_number or None,
            "department": employee.department if employee else None, "course_id": c.course_id,
            "course_title": c.course_title, "issued_at": c.issued_at.isoformat(),
            "valid_until": c.valid_until.isoformat() if c.valid_until else None, "status": c.status(),
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None, "verify_url": verify_url(c.code)}


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi.document(request.url_root.rstrip("/") + bp.url_prefix))


@bp.get("/employees")
def employees():
    organisation_id, (page, per_page), f = _organisation_id(), _paging(), _filters()
    found, total = queries.page_of(db.session(), queries.employees_query(organisation_id, f), page, per_page)
    return jsonify(_page([employee_json(e) for e in found], total, page, per_page))


@bp.get("/records")
def records():
    organisation_id, (page, per_page), f = _organisation_id(), _paging(), _filters()
    query = (select(TrainingRecord, Employee.employee_number)
             .outerjoin(EmployeeUser, EmployeeUser.user_id == TrainingRecord.user_id)
             .outerjoin(Employee, Employee.id == EmployeeUser.employee_id)
             .where(TrainingRecord.platform_id.in_(platform_ids(organisation_id))))
    if request.args.get("employee_number"):
        query = query.where(Employee.employee_number == request.args["employee_number"])
    if f.department:
        query = query.where(Employee.department == f.department)
    if f.course_id:
        query = query.where(TrainingRecord.course_id == f.course_id)
    if request.args.get("kind"):
        query = query.where(TrainingRecord.kind == request.args["kind"])
    if f.date_from:
        query = query.where(TrainingRecord.updated_at >= queries._start(f.date_from))
    if f.date_to:
        from datetime import timedelta

        query = query.where(TrainingRecord.updated_at < queries._start(f.date_to + timedelta(days=1)))
    session = db.session()
    from sqlalchemy import func

    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(TrainingRecord.id).limit(per_page).offset((page - 1) * per_page)).all()
    return jsonify(_page([record_json(r, number) for r, number in rows], total, page, per_page))


@bp.get("/certificates")
def certificates():
    organisation_id, (page, per_page), f = _organisation_id(), _paging(), _filters()
    rows, total = queries.certificate_page(db.session(), organisation_id, f, page, per_page)
    return jsonify(_page([certificate_json(c, e) for c, e in rows], total, page, per_page))
