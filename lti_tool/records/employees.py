"""Employees: LMS users linked by employee number (the LIS person sourcedid) or by the
HR roster, within one tenant (platform)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.lti.models import User
from lti_tool.records.models import Employee, EmployeeUser


def link_user(session: Session, user: User) -> Employee:
    """The user's employee, created or linked on the way (flush only).

    A user with an employee number joins the employee of that number (the roster's, or
    one made now); a user without one gets an employee of their own."""
    link = session.get(EmployeeUser, user.id)
    number = (user.person_sourcedid or "").strip() or None
    if link is not None:
        employee = session.get(Employee, link.employee_id)
        if number is None or employee.employee_number == number:
            if employee.source == "lms" and user.name and employee.name != user.name:
                employee.name = user.name
            return employee
    employee = None
    if number is not None:
        employee = session.scalar(select(Employee).where(Employee.platform_id == user.platform_id,
                                                         Employee.employee_number == number))
    if employee is None:
        employee = Employee(platform_id=user.platform_id, employee_number=number, name=user.name or user.sub,
                            source="lms")
        session.add(employee)
        session.flush()
    if link is None:
        session.add(EmployeeUser(user_id=user.id, employee_id=employee.id))
    else:
        link.employee_id = employee.id
    session.flush()
    return employee


def employee_of(session: Session, user_id: int) -> Employee | None:
    link = session.get(EmployeeUser, user_id)
    return session.get(Employee, link.employee_id) if link else None


def user_ids_of(session: Session, employee_id: int) -> list[int]:
    return list(session.scalars(select(EmployeeUser.user_id).where(EmployeeUser.employee_id == employee_id)))


def after_launch(valid, identity) -> None:
    """Launch hook: keep the launching user linked to their employee."""
    from lti_tool import db

    user = getattr(identity, "user", None)
    if user is not None:
        link_user(db.session(), user)
