"""HR roster import (CSV or XLSX: employee number, name, department, position, hire
date, and the manager's employee number). ``plan`` reads and checks every row and says what would change (the dry run);
``apply`` makes exactly those changes. A file with any bad row changes nothing: the
report lists each error by row."""

from __future__ import annotations

import csv
import io
from itertools import islice
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.lti.models import Platform, User
from lti_tool.records.employees import prune
from lti_tool.records.models import BY_HR, Employee, EmployeeUser

FIELDS = ("employee_number", "name", "department", "position", "hire_date", "manager_number")
HEADERS = {  # accepted header spellings (case and spaces ignored)
    "employee_number": {"employee number", "employee_number", "employee no", "employee no.", "number", "工号", "员工编号"},
    "name": {"name", "姓名"},
    "department": {"department", "部门"},
    "position": {"position", "岗位", "职位"},
    "hire_date": {"hire date", "hire_date", "入职日期"},
    "manager_number": {"manager", "manager number", "manager_number", "manager's employee number", "上级工号",
                       "直属上级工号", "上级"},
}
MAX_ROWS = 50000


def _l(message: str) -> str:
    """Marks a message for the catalogue; the page translates it when it shows it."""
    return message

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it (header = 1)
    message: str  # an English message id, translated by the page
    value: str = ""


@dataclass
class Plan:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, dict]] = field(default_factory=list)  # (row, {field: (old, new)})
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def cells(filename: str, data: bytes, limit: int | None = None) -> list[list[str]]:
    """A .csv (UTF-8 with or without BOM, else GB18030) or .xlsx file (read-only, cached
    values) as rows of text cells, at most ``limit`` rows (the caller sees one more
    than it accepts and refuses the file); ValueError names why a file cannot be read."""
    if len(data) > MAX_BYTES:
        raise ValueError("file_too_large")
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            raise ValueError("unreadable_xlsx") from exc
        try:
            return [["" if v is None else (v.date().isoformat() if isinstance(v, datetime) else
                                           v.isoformat() if isinstance(v, date) else str(v).strip()) for v in row]
                    for row in islice(sheet.iter_rows(values_only=True), limit)]
        except Exception as exc:  # noqa: BLE001 - a damaged sheet fails while it is read
            raise ValueError("unreadable_xlsx") from exc
    if filename.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")  # Excel on Chinese Windows saves CSV so
            except UnicodeDecodeError as exc:
                raise ValueError("unreadable_csv") from exc
        try:
            return [[cell.strip() for cell in row] for row in islice(csv.reader(io.StringIO(text)), limit)]
        except csv.Error as exc:  # e.g. a field past the csv module's size limit
            raise ValueError("unreadable_csv") from exc
    raise ValueError("unknown_type")


def read(filename: str, data: bytes) -> tuple[list[dict], list[RowError]]:
    table = cells(filename, data)
    if not table:
        return [], [RowError(1, _l("The file is empty."))]
    header = [" ".join((h or "").lower().split()) for h in table[0]]
    columns, errors = {}, []
    for name, spellings in HEADERS.items():
        found = [i for i, h in enumerate(header) if h in spellings]
        if found:
            columns[name] = found[0]
        elif name in ("employee_number", "name"):
            errors.append(RowError(1, _l("A required column is missing."), name))
    if errors:
        return [], errors
    if len(table) - 1 > MAX_ROWS:
        return [], [RowError(1, _l("Too many rows."), str(len(table) - 1))]
    rows, seen = [], {}
    for number, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue
        row = {name: (raw[i] if i < len(raw) else "") for name, i in columns.items()}
        row["row"] = number
        if not row["employee_number"]:
            errors.append(RowError(number, _l("The employee number is missing.")))
        elif len(row["employee_number"]) > 64:
            errors.append(RowError(number, _l("The employee number is too long."), row["employee_number"][:70]))
        elif row["employee_number"] in seen:
            errors.append(RowError(number, _l("This employee number is also on another row."),
                                   f'{row["employee_number"]} ({seen[row["employee_number"]]})'))
        else:
            seen[row["employee_number"]] = number
        if not row["name"]:
            errors.append(RowError(number, _l("The name is missing.")))
        for name in ("name", "department", "position"):
            if len(row.get(name) or "") > 255:
                errors.append(RowError(number, _l("A value is longer than 255 characters."), name))
        manager = (row.get("manager_number") or "").strip()
        if manager and manager == row["employee_number"]:
            errors.append(RowError(number, _l("An employee cannot be their own manager."), manager))
        elif len(manager) > 64:
            errors.append(RowError(number, _l("The employee number is too long."), manager[:70]))
        hired = (row.get("hire_date") or "").strip()
        if hired:
            try:
                row["hire_date"] = date.fromisoformat(hired[:10].replace("/", "-"))
            except ValueError:
                errors.append(RowError(number, _l("The hire date is not a date (YYYY-MM-DD)."), hired))
        else:
            row["hire_date"] = None
        rows.append(row)
    return rows, errors


def file_error(exc: ValueError) -> RowError:
    """Why :func:`cells` could not read a file, as the import's one error."""
    message = {"file_too_large": _l("The file is larger than 10 MB."),
               "unknown_type": _l("Upload a .csv or .xlsx file.")}.get(str(exc), _l("The file cannot be read."))
    return RowError(0, message)


def plan(session: Session, organisation_id: int, filename: str, data: bytes) -> Plan:
    try:
        rows, errors = read(filename, data)
    except ValueError as exc:
        return Plan(errors=[file_error(exc)])
    result = Plan(rows=rows, errors=errors)
    if errors:
        return result
    existing = {e.employee_number: e for e in session.scalars(select(Employee).where(
        Employee.organisation_id == organisation_id, Employee.employee_number.in_([r["employee_number"] for r in rows])))}
    managers = {r["manager_number"] for r in rows if r.get("manager_number")} - {r["employee_number"] for r in rows}
    known = set(session.scalars(select(Employee.employee_number).where(
        Employee.organisation_id == organisation_id, Employee.employee_number.in_(managers)))) if managers else set()
    for row in rows:
        if row.get("manager_number") and row["manager_number"] in managers - known:
            result.errors.append(RowError(row["row"], _l("The manager's employee number is of nobody in the file "
                                                          "or in the organisation."), row["manager_number"]))
    if result.errors:
        return result
    for row in rows:
        employee = existing.get(row["employee_number"])
        if employee is None:
            result.new.append(row)
            continue
        diff = {name: (getattr(employee, name), row[name]) for name in FIELDS[1:]
                if name in row and (getattr(employee, name) or None) != (row[name] or None)}
        if diff or employee.source != "roster":
            result.changed.append((row, diff))
        else:
            result.unchanged += 1
    return result


def apply(session: Session, organisation_id: int, result: Plan) -> int:
    """Make the planned changes (flush only); links the LMS users of the
    organisation's platforms trusted for identity by employee number (HR's own links
    stay)."""
    if not result.ok:
        raise ValueError("a plan with errors changes nothing")
    touched = []
    for row in result.new:
        employee = Employee(organisation_id=organisation_id, source="roster",
                            **{name: row.get(name) or ("" if name != "hire_date" else None) for name in FIELDS})
        session.add(employee)
        touched.append(employee)
    for row, diff in result.changed:
        employee = session.scalar(select(Employee).where(Employee.organisation_id == organisation_id,
                                                         Employee.employee_number == row["employee_number"]))
        for name, (_old, new) in diff.items():
            setattr(employee, name, new if new is not None or name == "hire_date" else "")
        employee.source = "roster"
        touched.append(employee)
    session.flush()
    trusted = select(Platform.id).where(Platform.organisation_id == organisation_id,
                                        Platform.identity_trusted.is_(True)).scalar_subquery()
    for employee in touched:  # users of trusted platforms launched before the import join their employee now
        for user in session.scalars(select(User).where(User.platform_id.in_(trusted),
                                                       User.person_sourcedid == employee.employee_number)):
            link = session.get(EmployeeUser, user.id)
            if link is None:
                session.add(EmployeeUser(user_id=user.id, employee_id=employee.id))
            elif link.linked_by != BY_HR:
                link.employee_id = employee.id
    session.flush()
    prune(session, organisation_id)
    return len(touched)
