"""The OpenAPI 3.1 description of the HR REST API, served by the tool."""

from __future__ import annotations


def _param(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


PAGING = [_param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
          _param("per_page", "Items per page.", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50})]
FILTERS = [_param("department", "Only this department (exact)."), _param("course", "Only this course id."),
           _param("from", "From this day on (YYYY-MM-DD).", {"type": "string", "format": "date"}),
           _param("to", "Up to and including this day (YYYY-MM-DD).", {"type": "string", "format": "date"})]


def _page_of(ref: str) -> dict:
    return {"type": "object", "required": ["items", "page", "per_page", "total", "pages"], "properties": {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
        "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"},
        "pages": {"type": "integer"}}}


def _error(description: str, **extra) -> dict:
    return {"description": description, **extra,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _get(summary: str, params: list, ref: str) -> dict:
    return {"get": {"summary": summary, "parameters": params, "security": [{"bearer": []}], "responses": {
        "200": {"description": "One page", "content": {"application/json": {"schema": _page_of(ref)}}},
        "400": _error("A bad parameter"),
        "401": _error("No valid token"),
        "429": _error("Too many failed authentications from this address: wait Retry-After seconds",
                      headers={"Retry-After": {"schema": {"type": "integer"}}})}}}


STRING_OR_NULL = {"type": ["string", "null"]}
NUMBER_OR_NULL = {"type": ["number", "null"]}
LANG_MAP = {"type": "object", "properties": {"zh-CN": {"type": "string"}, "en": {"type": "string"}}}


def document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "aftersales-training HR API", "version": "1.0.0",
                 "description": "Employees' training records and certificates for HR systems. Create a token in "
                                "the HR console (API tokens) and send it as `Authorization: Bearer <token>`."},
        "servers": [{"url": server_url}],
        "paths": {
            "/employees": _get("Employees", PAGING + [_param("department", "Only this department (exact)."),
                                                      _param("course", "Only employees with records in this course."),
                                                      _param("q", "Name or employee number contains.")], "Employee"),
            "/records": _get("Training records", PAGING + FILTERS + [
                _param("employee_number", "Only this employee."),
                _param("kind", "course, lesson, quiz, practical, session, questionnaire or certificate.")],
                "Record"),
            "/certificates": _get("Certificates", PAGING + FILTERS + [
                _param("status", "valid, expired, revoked, or due (valid, expiring within 90 days).",
                       {"type": "string", "enum": ["valid", "expired", "revoked", "due"]}),
                _param("q", "Holder, employee number or certificate number contains.")], "Certificate"),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
                "Employee": {"type": "object", "properties": {
                    "employee_number": STRING_OR_NULL, "name": {"type": "string"}, "department": {"type": "string"},
                    "position": {"type": "string"}, "hire_date": {"type": ["string", "null"], "format": "date"},
                    "manager_number": {"type": ["string", "null"], "description": "the manager's employee number"},
                    "source": {"type": "string", "enum": ["lms", "roster"]}}},
                "Record": {"type": "object", "properties": {
                    "employee_number": STRING_OR_NULL, "course_id": {"type": "string"}, "kind": {"type": "string"},
                    "item_id": {"type": "string"}, "title": LANG_MAP, "status": {"type": "string"},
                    "score": NUMBER_OR_NULL, "score_max": NUMBER_OR_NULL, "passed": {"type": ["boolean", "null"]},
                    "hours": {"type": "number"}, "started_at": STRING_OR_NULL, "completed_at": STRING_OR_NULL,
                    "course_version_id": {"type": ["integer", "null"]}}},
                "Certificate": {"type": "object", "properties": {
                    "number": {"type": "string"}, "holder_name": {"type": "string"},
                    "employee_number": STRING_OR_NULL, "department": STRING_OR_NULL, "course_id": {"type": "string"},
                    "course_title": LANG_MAP, "issued_at": {"type": "string", "format": "date-time"},
                    "valid_until": STRING_OR_NULL, "status": {"type": "string",
                                                              "enum": ["valid", "expired", "revoked"]},
                    "revoked_at": STRING_OR_NULL, "verify_url": {"type": "string", "format": "uri"}}},
            },
        },
    }
