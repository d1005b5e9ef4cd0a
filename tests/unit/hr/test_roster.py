"""The roster import: a dry run says what would change, a bad file changes nothing and
lists every error by row, LMS users join their employee by employee number."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select

from lti_tool.hr import roster
from lti_tool.records.employees import employee_of, link_user
from lti_tool.records.models import Employee

CSV = ("工号,姓名,部门,岗位,入职日期\n"
       "E1001,张伟,售后一部,维修工程师,2020-03-01\n"
       "E1002,李娜,售后二部,客服专员,2021/07/15\n").encode()


def employees(session):
    return {e.employee_number: e for e in session.scalars(select(Employee))}


def test_dry_run_then_apply_links_users_by_employee_number(world, db_session):
    early = world.user("u1", "张伟（LMS）", "E1001")
    link_user(db_session, early)  # launched before the import
    plan = roster.plan(db_session, world.platform.organisation_id, "staff.csv", CSV)
    assert plan.ok and [r["employee_number"] for r in plan.new] == ["E1002"]
    assert [r["employee_number"] for r, _diff in plan.changed] == ["E1001"]
    assert employees(db_session)["E1001"].department == ""  # a dry run changes nothing
    assert roster.apply(db_session, world.platform.organisation_id, plan) == 2
    found = employees(db_session)
    assert (found["E1001"].name, found["E1001"].department, found["E1001"].source) == ("张伟", "售后一部", "roster")
    assert found["E1002"].hire_date.isoformat() == "2021-07-15"
    late = world.user("u2", "李娜", "E1002")
    assert link_user(db_session, late).id == found["E1002"].id  # launched after the import
    assert employee_of(db_session, early.id).id == found["E1001"].id
    again = roster.plan(db_session, world.platform.organisation_id, "staff.csv", CSV)
    assert again.ok and (again.new, again.changed, again.unchanged) == ([], [], 2)


def test_a_malformed_file_changes_nothing_and_reports_each_row(world, db_session):
    bad = ("employee number,name,department,hire date\n"
           "E1,张伟,A,2020-01-01\n"
           ",无工号,A,\n"
           "E1,重复,A,\n"
           "E3,,A,2020-13-45\n").encode()
    plan = roster.plan(db_session, world.platform.organisation_id, "bad.csv", bad)
    assert not plan.ok
    assert [(e.row, e.message) for e in plan.errors] == [
        (3, "The employee number is missing."), (4, "This employee number is also on another row."),
        (5, "The name is missing."), (5, "The hire date is not a date (YYYY-MM-DD).")]
    try:
        roster.apply(db_session, world.platform.organisation_id, plan)
    except ValueError:
        pass
    else:
        raise AssertionError("a plan with errors must not apply")
    assert employees(db_session) == {}
    missing_column = roster.plan(db_session, world.platform.organisation_id, "x.csv", b"name,department\nA,B\n")
    assert [(e.row, e.value) for e in missing_column.errors] == [(1, "employee_number")]
    assert roster.plan(db_session, world.platform.organisation_id, "x.pdf", b"%PDF").errors[0].message == "Upload a .csv or .xlsx file."
    assert roster.plan(db_session, world.platform.organisation_id, "x.xlsx", b"not a zip").errors[0].message == "The file cannot be read."


def test_xlsx_rosters_with_real_dates(world, db_session):
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(["Employee number", "Name", "Department", "Position", "Hire date"])
    sheet.append(["E2001", "王芳", "培训部", "讲师", datetime(2019, 5, 6)])
    out = io.BytesIO()
    book.save(out)
    plan = roster.plan(db_session, world.platform.organisation_id, "staff.xlsx", out.getvalue())
    assert plan.ok
    roster.apply(db_session, world.platform.organisation_id, plan)
    assert employees(db_session)["E2001"].hire_date.isoformat() == "2019-05-06"
