"""Migration 0090 over a populated database (SQLite and PostgreSQL): every platform goes
into the organisation ``default``; employees, HR API tokens and export jobs move to it;
the same employee number on two platforms becomes one employee with both accounts."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lti_tool import migrate
from lti_tool.hr.models import ApiToken, ExportJob
from lti_tool.lti.models import Organisation, Platform
from lti_tool.records.models import Employee, EmployeeUser
from tests.unit.test_migrations_forward import empty_engine  # noqa: F401  (fixture)

BEFORE = "20261123_0080"
AT = "2026-03-02 09:00:00"
ROWS = [
    """INSERT INTO lti_platform (id, issuer, client_id, name, auth_login_url, auth_token_url, key_set_url,
       product_family, active, created_at) VALUES
       (1, 'https://moodle.example', 'c1', 'Moodle', 'https://moodle.example/a', 'https://moodle.example/t',
        'https://moodle.example/k', 'moodle', TRUE, :at),
       (2, 'https://canvas.example', 'c2', 'Canvas', 'https://canvas.example/a', 'https://canvas.example/t',
        'https://canvas.example/k', 'canvas', TRUE, :at)""",
    """INSERT INTO lti_user (id, platform_id, sub, name, given_name, family_name, email, locale, person_sourcedid,
       created_at) VALUES (1, 1, '4', '张伟', '', '', '', 'zh-CN', 'E1001', :at),
       (2, 2, 'a1', 'Zhang Wei', '', '', '', 'en', 'E1001', :at),
       (3, 2, 'a2', '李娜', '', '', '', 'zh-CN', NULL, :at)""",
    """INSERT INTO employee (id, platform_id, employee_number, name, department, position, hire_date, source,
       updated_at) VALUES (1, 1, 'E1001', '张伟', '', '', NULL, 'lms', :at),
       (2, 2, 'E1001', '张伟', '售后一部', '维修工程师', '2020-03-01', 'roster', :at),
       (3, 2, NULL, '李娜', '', '', NULL, 'lms', :at)""",
    "INSERT INTO employee_user (user_id, employee_id) VALUES (1, 1), (2, 2), (3, 3)",
    """INSERT INTO hr_api_token (id, platform_id, name, token_hash, prefix, created_at)
       VALUES (1, 2, 'HRIS', 'aa', 'ast_x', :at)""",
    """INSERT INTO hr_export_job (id, platform_id, kind, filters, status, total, done, cursor, failures, file_name,
       error, created_at, updated_at) VALUES (1, 1, 'certificates', '{}', 'done', 0, 0, 0, '[]', '', '', :at, :at)""",
]


def test_existing_platforms_and_people_move_into_the_default_organisation(empty_engine):
    migrate.upgrade(empty_engine, BEFORE)
    with empty_engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement), {"at": AT})
        if conn.dialect.name == "postgresql":
            for table in ("lti_platform", "lti_user", "employee", "hr_api_token", "hr_export_job"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)"))

    migrate.upgrade(empty_engine)
    migrate.check(empty_engine)

    with Session(empty_engine) as session:
        default = session.scalars(select(Organisation)).one()
        assert (default.slug, default.name) == ("default", "Default")
        assert {p.organisation_id for p in session.scalars(select(Platform))} == {default.id}
        employees = session.scalars(select(Employee).order_by(Employee.id)).all()
        # the roster's E1001 is kept, with both LMS accounts; the LMS-only duplicate is gone
        assert [(e.id, e.employee_number, e.source, e.department) for e in employees] == [
            (2, "E1001", "roster", "售后一部"), (3, None, "lms", "")]
        assert {e.organisation_id for e in employees} == {default.id}
        links = dict(session.execute(select(EmployeeUser.user_id, EmployeeUser.employee_id)).all())
        assert links == {1: 2, 2: 2, 3: 3}
        assert session.scalars(select(ApiToken)).one().organisation_id == default.id
        assert session.scalars(select(ExportJob)).one().organisation_id == default.id
        # a new platform joins the default organisation, a second E1001 there is refused
        added = Platform(issuer="https://third.example", client_id="c3", auth_login_url="https://third.example/a",
                         auth_token_url="https://third.example/t", key_set_url="https://third.example/k")
        session.add(added)
        session.flush()
        assert added.organisation_id == default.id
        session.rollback()

    with empty_engine.begin() as conn:  # and back: each employee on one platform again
        command.downgrade(migrate.alembic_config(conn), BEFORE)
    with empty_engine.connect() as conn:
        rows = conn.execute(text("SELECT id, platform_id, employee_number FROM employee ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(2, 1, "E1001"), (3, 2, None)]
        assert conn.execute(text("SELECT platform_id FROM hr_api_token")).scalar() == 1
