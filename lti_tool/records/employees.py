"""Employees: LMS users linked by employee number (the LIS person sourcedid) or by the
HR roster, within one organisation. The number links accounts only on the platforms
the operator trusts for identity (``Platform.identity_trusted``): there the same number
is the same employee. An account of any other platform is a person of its own, whatever
number it claims, until HR links it to an employee (``link``); in another organisation
the same number is another person."""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from lti_tool.lti.models import Platform, User
from lti_tool.records.models import AUTO, BY_HR, Employee, EmployeeUser


class LinkError(ValueError):
    """HR asked for a link the rules refuse (the message says which)."""


def organisation_of_user(session: Session, user: User) -> int:
    return session.get(Platform, user.platform_id).organisation_id


def claimed_number(user: User) -> str | None:
    return (user.person_sourcedid or "").strip() or None


def _fill_name(employee: Employee, user: User, link: EmployeeUser | None, trusted: bool) -> None:
    """A launch's name fills an employee's name HR has not given: a roster employee's
    name is HR's and stays; an LMS employee follows its accounts' names, except those
    of accounts HR linked in from an untrusted platform."""
    if not user.name or employee.name == user.name:
        return
    hr_linked = link is not None and link.linked_by == BY_HR and not trusted
    if not employee.name or (employee.source == "lms" and not hr_linked):
        employee.name = user.name


def link_user(session: Session, user: User) -> Employee:
    """The user's employee, created or linked on the way (flush only).

    An account of a trusted platform with an employee number joins the employee of
    that number in its organisation (the roster's, another trusted platform's, or one
    made now); any other account keeps the employee it has (its own, or the one HR
    linked it to) or gets one of its own, without a number."""
    platform = session.get(Platform, user.platform_id)
    organisation_id, trusted = platform.organisation_id, platform.identity_trusted
    link = session.get(EmployeeUser, user.id)
    number = claimed_number(user) if trusted else None
    if link is not None:
        employee = session.get(Employee, link.employee_id)
        if employee.organisation_id == organisation_id and (
                number is None or employee.employee_number == number or link.linked_by == BY_HR):
            _fill_name(employee, user, link, trusted)
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
        employee = _own_employee(session, organisation_id, user, number)
    elif not employee.name and user.name:
        employee.name = user.name  # joining an employee: its name stays unless it has none
    _point(session, user, link, employee, AUTO)
    return employee


def _own_employee(session: Session, organisation_id: int, user: User, number: str | None = None) -> Employee:
    employee = Employee(organisation_id=organisation_id, employee_number=number, name=user.name or user.sub,
                        source="lms")
    session.add(employee)
    session.flush()
    return employee


def _point(session: Session, user: User, link: EmployeeUser | None, employee: Employee, linked_by: str) -> None:
    if link is None:
        session.add(EmployeeUser(user_id=user.id, employee_id=employee.id, linked_by=linked_by))
    else:
        link.employee_id, link.linked_by = employee.id, linked_by
    session.flush()


def _l(message: str) -> str:
    """Marks a message for the catalogue; the page translates it when it shows it."""
    return message


def link(session: Session, user: User, employee: Employee) -> Employee | None:
    """HR's link: the account (of an untrusted platform of the employee's organisation)
    is this employee from now on, its training records in the employee's file (flush
    only). Returns the employee it leaves (deleted when no account is left in it)."""
    platform = session.get(Platform, user.platform_id)
    if platform.organisation_id != employee.organisation_id:
        raise LinkError(_l("This account is not of your organisation."))
    if platform.identity_trusted:
        raise LinkError(_l("Accounts of a platform trusted for identity are linked by their employee number."))
    current = session.get(EmployeeUser, user.id)
    if current is not None and current.employee_id == employee.id:
        raise LinkError(_l("This account is linked to this employee already."))
    left = session.get(Employee, current.employee_id) if current is not None else None
    _point(session, user, current, employee, BY_HR)
    prune(session, employee.organisation_id)
    return left


def unlink(session: Session, user: User, employee: Employee) -> Employee:
    """Undo HR's link: the account is a person of its own again (flush only)."""
    current = session.get(EmployeeUser, user.id)
    if current is None or current.employee_id != employee.id:
        raise LinkError(_l("This account is not linked to this employee."))
    if current.linked_by != BY_HR:
        raise LinkError(_l("Only an account HR linked can be unlinked; this one is linked by its employee number."))
    own = _own_employee(session, employee.organisation_id, user)
    _point(session, user, current, own, AUTO)
    return own


def candidates(session: Session, employee: Employee, query: str = "", limit: int = 20) -> list[User]:
    """Accounts of the organisation's untrusted platforms HR may link to the employee:
    those matching ``query`` (name, e-mail or the number the LMS sends), or without
    one those claiming the employee's number or bearing its name."""
    untrusted = select(Platform.id).where(Platform.organisation_id == employee.organisation_id,
                                          Platform.identity_trusted.is_(False))
    linked_here = select(EmployeeUser.user_id).where(EmployeeUser.employee_id == employee.id)
    query = query.strip()
    if query:
        like = f"%{query.replace('%', '').replace('_', '')}%"
        matches = [User.name.ilike(like), User.email.ilike(like), User.person_sourcedid.ilike(like)]
    else:
        matches = [func.lower(User.name) == employee.name.lower()] if employee.name else []
        if employee.employee_number:
            matches.append(User.person_sourcedid == employee.employee_number)
    if not matches:
        return []
    return list(session.scalars(select(User).where(User.platform_id.in_(untrusted), User.id.not_in(linked_here),
                                                   or_(*matches)).order_by(User.name, User.id).limit(limit)))


def accounts(session: Session, employee_id: int) -> list[tuple[User, Platform, EmployeeUser]]:
    """The employee's LMS accounts with their platform and how each was linked."""
    return list(session.execute(
        select(User, Platform, EmployeeUser).join(EmployeeUser, EmployeeUser.user_id == User.id)
        .join(Platform, Platform.id == User.platform_id).where(EmployeeUser.employee_id == employee_id)
        .order_by(Platform.id, User.id)).all())


def retrust(session: Session, platform: Platform) -> int:
    """After ``platform trust``/``untrust``: relink the platform's accounts under the new
    rule (flush only). Trusted, they join employees by number; untrusted, the accounts
    linked by number become people of their own (HR's links stay). Returns how many
    accounts changed employee."""
    changed = 0
    for user in session.scalars(select(User).where(User.platform_id == platform.id).order_by(User.id)):
        current = session.get(EmployeeUser, user.id)
        before = current.employee_id if current is not None else None
        if not platform.identity_trusted and current is not None and current.linked_by != BY_HR:
            employee = session.get(Employee, current.employee_id)
            shared = employee.employee_number is not None or session.scalar(
                select(func.count()).where(EmployeeUser.employee_id == employee.id)) > 1
            if shared:
                _point(session, user, current, _own_employee(session, platform.organisation_id, user), AUTO)
        else:
            link_user(session, user)
        after = session.get(EmployeeUser, user.id)
        changed += int(after is not None and after.employee_id != before)
    prune(session, platform.organisation_id)
    return changed


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
