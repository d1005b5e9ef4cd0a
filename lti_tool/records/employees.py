"""Employees: LMS users linked by employee number (the LIS person sourcedid) or by the
HR roster, within one organisation: the same number on any platform of the
organisation is the same employee; in another organisation it is another person."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lti_tool.lti.models import Platform, User
from lti_tool.records.models import Employee, EmployeeUser


def organisation_of_user(session: Session, user: User) -> int:
    return session.get(Platform, user.platform_id).organisation_id


def link_user(session: Session, user: User) -> Employee:
    """The user's employee, created or linked on the way (flush only).

    A user with an employee number joins the employee of that number in the user's
    organisation (the roster's, another platform's, or one made now); a user without
    one gets an employee of their own."""
    organisation_id = organisation_of_user(session, user)
    link = session.get(EmployeeUser, user.id)
    number = (user.person_sourcedid or "").strip() or None
    if link is not None:
        employee = session.get(Employee, link.employee_id)
        if employee.organisation_id == organisation_id and (number is None or employee.employee_number == number):
            if employee.source == "lms" and user.name and employee.name != user.name:
                employee.name = user.name
            return employee
    employee = None
    if number is not None:
        employee = session.scalar(select(Employee).where(Employee.organisation_id == organisation_id,
                                                         Employee.employee_number == number))
    if employee is None and link is not None:
        mine = session.get(Employee, link.employee_id)
        if mine.organisation_id == organisation_id and mine.employee_number is None:
            mine.employee_number = number  # the LMS sends the number now: the same person
            employee = mine
    if employee is None:
        employee = Employee(organisation_id=organisation_id, employee_number=number, name=user.name or user.sub,
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


def prune(session: Session, organisation_id: int) -> int:
    """Delete the organisation's employees made from LMS launches that no LMS account
    links any more (their platform was removed or moved); roster employees stay."""
    linked = select(EmployeeUser.employee_id)
    result = session.execute(delete(Employee).where(Employee.organisation_id == organisation_id,
                                                    Employee.source == "lms", Employee.id.not_in(linked)))
    session.flush()
    return result.rowcount or 0


def move_platform(session: Session, platform: Platform, organisation_id: int) -> None:
    """Put the platform in another organisation, with its people (flush only).

    An employee whose every account is on this platform moves whole (roster details
    too) unless the new organisation has that number already; otherwise the platform's
    accounts are linked in the new organisation by employee number, as at a launch, and
    the other organisation keeps the employee. Training records and certificates follow
    their platform."""
    old = platform.organisation_id
    if old == organisation_id:
        return
    platform.organisation_id = organisation_id
    session.flush()
    users = list(session.scalars(select(User).where(User.platform_id == platform.id)))
    moved: set[int] = set()
    for user in users:
        employee = employee_of(session, user.id)
        if employee is None or employee.organisation_id != old or employee.id in moved:
            continue
        others = session.scalar(select(EmployeeUser.user_id).join(User, User.id == EmployeeUser.user_id).where(
            EmployeeUser.employee_id == employee.id, User.platform_id != platform.id).limit(1))
        taken = employee.employee_number is not None and session.scalar(select(Employee.id).where(
            Employee.organisation_id == organisation_id, Employee.employee_number == employee.employee_number))
        if others is None and not taken:
            employee.organisation_id = organisation_id
            moved.add(employee.id)
    session.flush()
    for user in users:
        link_user(session, user)  # the rest join (or start) their employee in the new organisation
    prune(session, old)


def after_launch(valid, identity) -> None:
    """Launch hook: keep the launching user linked to their employee."""
    from lti_tool import db

    user = getattr(identity, "user", None)
    if user is not None:
        link_user(db.session(), user)
