"""Customer feedback import (seed 三(一)3), CSV or XLSX, one row per complaint or
satisfaction rating:

========================  =========================================================
column (or its Chinese)   value
========================  =========================================================
date / 日期               the day of the feedback, YYYY-MM-DD (required)
kind / 类型               ``complaint`` (投诉) or ``satisfaction`` (满意度) (required)
score / 评分              a satisfaction's score (required for one; a complaint's is ignored)
scale / 满分              the score's scale, ``5`` (1–5) or ``100`` (0–100); empty: 5
employee number / 工号    the employee who served the customer (required)
product / 产品            the product concerned
fault category / 故障类别 the kind of fault
text / 内容               what the customer said
reference / 工单号        the service system's ticket number (optional)
========================  =========================================================

A satisfaction counts in the analysis as a percentage of its scale's maximum (4 of
5 is 80 %). ``plan`` is the dry run: it reads and checks every row (errors by row
number, nothing imported while any row is wrong) and says what is new; ``apply``
adds exactly that. Re-importing a row adds nothing: its key is the ticket reference
when the file has one, else a hash of the row's values. An employee number the
roster does not know yet is imported with a warning; the analysis links it once the
roster brings that employee."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.hr.roster import MAX_BYTES, RowError, cells, file_error  # noqa: F401  (the feedback file's limit too)
from lti_tool.needs.analysis_models import COMPLAINT, SATISFACTION, CustomerFeedback
from lti_tool.records.models import Employee

MAX_ROWS = 20000
HEADERS = {  # accepted header spellings (case and spaces ignored)
    "received_on": {"date", "日期", "反馈日期"},
    "kind": {"kind", "type", "类型", "反馈类型"},
    "score": {"score", "评分", "满意度评分", "分数"},
    "scale": {"scale", "满分", "分制"},
    "employee_number": {"employee number", "employee_number", "employee no", "employee no.", "工号", "员工编号"},
    "product": {"product", "产品"},
    "fault_category": {"fault category", "fault_category", "故障类别", "故障类型"},
    "text": {"text", "comment", "内容", "客户意见", "备注"},
    "reference": {"reference", "ticket", "工单号"},
}
REQUIRED = ("received_on", "kind", "employee_number")
KINDS = {"complaint": COMPLAINT, "投诉": COMPLAINT, "satisfaction": SATISFACTION, "满意度": SATISFACTION}
# The downloadable template's columns, in the order of its header row.
TEMPLATE = (("received_on", "date", "日期"), ("kind", "kind", "类型"), ("score", "score", "评分"),
            ("scale", "scale", "满分"), ("employee_number", "employee number", "工号"),
            ("product", "product", "产品"), ("fault_category", "fault category", "故障类别"),
            ("text", "text", "内容"), ("reference", "reference", "工单号"))
EXAMPLES = (("2026-11-03", "complaint", "", "", "E1001", "X200", "Engine", "Came back twice", "T-0001"),
            ("2026-11-04", "satisfaction", "4", "5", "E1001", "X200", "Engine", "", "T-0002"))


def _l(message: str) -> str:
    """Marks a message for the catalogue; the page translates it when it shows it."""
    return message


@dataclass
class Plan:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)
    already: int = 0  # imported before
    repeated: int = 0  # the same row twice in this file (counted once)

    @property
    def ok(self) -> bool:
        return not self.errors


def row_key(row: dict) -> str:
    if row["reference"]:
        basis = "ref\x1f" + row["reference"]
    else:
        score = "" if row["score"] is None else f'{row["score"]:g}'
        basis = "\x1f".join([row["received_on"].isoformat(), row["kind"], score, str(row["scale"] or ""),
                             row["employee_number"], row["product"], row["fault_category"], row["text"]])
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _check(number: int, row: dict, errors: list[RowError]) -> None:
    raw_day = row["received_on"]
    try:
        row["received_on"] = date.fromisoformat(raw_day[:10].replace("/", "-")) if raw_day else None
    except ValueError:
        row["received_on"] = None
    if row["received_on"] is None:
        errors.append(RowError(number, _l("The date is missing or not a date (YYYY-MM-DD)."), raw_day[:40]))
    kind = KINDS.get(row["kind"].lower())
    if kind is None:
        errors.append(RowError(number, _l("The kind must be complaint (投诉) or satisfaction (满意度)."),
                               row["kind"][:40]))
    raw_score, raw_scale = row["score"], row["scale"]
    row["kind"], row["score"], row["scale"] = kind, None, None
    if kind == SATISFACTION:
        scale = _number(raw_scale) if raw_scale else 5.0
        score = _number(raw_score) if raw_score else None
        if scale not in (5.0, 100.0):
            errors.append(RowError(number, _l("The scale must be 5 or 100."), raw_scale[:40]))
        elif score is None:
            errors.append(RowError(number, _l("A satisfaction needs a score (a number)."), raw_score[:40]))
        elif not (1 <= score <= 5 if scale == 5 else 0 <= score <= 100):
            errors.append(RowError(number, _l("The score is outside its scale (1–5, or 0–100)."), raw_score[:40]))
        else:
            row["score"], row["scale"] = score, int(scale)
    if not row["employee_number"]:
        errors.append(RowError(number, _l("The employee number is missing.")))
    elif len(row["employee_number"]) > 64:
        errors.append(RowError(number, _l("The employee number is too long."), row["employee_number"][:70]))
    for name in ("product", "fault_category"):
        if len(row[name]) > 255:
            errors.append(RowError(number, _l("A value is longer than 255 characters."), name))
    if len(row["reference"]) > 64:
        errors.append(RowError(number, _l("The reference is longer than 64 characters."), row["reference"][:70]))
    if len(row["text"]) > 4000:
        errors.append(RowError(number, _l("The text is longer than 4000 characters.")))


def read(filename: str, data: bytes) -> tuple[list[dict], list[RowError]]:
    table = cells(filename, data, limit=MAX_ROWS + 2)
    if not table:
        return [], [RowError(1, _l("The file is empty."))]
    header = [" ".join((h or "").lower().split()) for h in table[0]]
    columns, errors = {}, []
    for name, spellings in HEADERS.items():
        found = [i for i, h in enumerate(header) if h in spellings]
        if found:
            columns[name] = found[0]
        elif name in REQUIRED:
            errors.append(RowError(1, _l("A required column is missing."), name))
    if errors:
        return [], errors
    if len(table) - 1 > MAX_ROWS:
        return [], [RowError(1, _l("Too many rows."), f"> {MAX_ROWS}")]
    rows = []
    for number, raw in enumerate(table[1:], start=2):
        if not any(raw):
            continue
        row = {name: (raw[columns[name]] if name in columns and columns[name] < len(raw) else "")
               for name in HEADERS}
        row["row"] = number
        _check(number, row, errors)
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(2, _l("The file has no rows below its header.")))
    return rows, errors


def plan(session: Session, organisation_id: int, filename: str, data: bytes) -> Plan:
    try:
        rows, errors = read(filename, data)
    except ValueError as exc:
        return Plan(errors=[file_error(exc)])
    result = Plan(rows=rows, errors=errors)
    if errors:
        return result
    references: dict[str, int] = {}
    for row in rows:
        if row["reference"] in references:
            result.errors.append(RowError(row["row"], _l("This reference is also on another row."),
                                          f'{row["reference"]} ({references[row["reference"]]})'))
        elif row["reference"]:
            references[row["reference"]] = row["row"]
        row["row_key"] = row_key(row)
    if result.errors:
        return result
    keys = {row["row_key"] for row in rows}
    known = set()
    for chunk in _chunks(sorted(keys)):
        known.update(session.scalars(select(CustomerFeedback.row_key).where(
            CustomerFeedback.organisation_id == organisation_id, CustomerFeedback.row_key.in_(chunk))))
    numbers = {row["employee_number"] for row in rows}
    staff = set()
    for chunk in _chunks(sorted(numbers)):
        staff.update(session.scalars(select(Employee.employee_number).where(
            Employee.organisation_id == organisation_id, Employee.employee_number.in_(chunk))))
    seen: set[str] = set()
    for row in rows:
        if row["row_key"] in known:
            result.already += 1
        elif row["row_key"] in seen:
            result.repeated += 1
        else:
            seen.add(row["row_key"])
            result.new.append(row)
            if row["employee_number"] not in staff:
                result.warnings.append(RowError(row["row"], _l("No employee of the roster has this employee number "
                                                               "yet; the analysis links the row once one does."),
                                                row["employee_number"]))
    return result


def _chunks(values: list[str], size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def apply(session: Session, organisation_id: int, result: Plan, user_id: int | None) -> int:
    """Add the planned new rows (flush only); returns how many."""
    if not result.ok:
        raise ValueError("a plan with errors changes nothing")
    for row in result.new:
        session.add(CustomerFeedback(
            organisation_id=organisation_id, row_key=row["row_key"], reference=row["reference"],
            received_on=row["received_on"], product=row["product"], fault_category=row["fault_category"],
            kind=row["kind"], score=row["score"], scale=row["scale"], employee_number=row["employee_number"],
            text=row["text"], imported_by=user_id))
    session.flush()
    return len(result.new)


def listed(session: Session, organisation_id: int, page: int, per_page: int) -> tuple[list[CustomerFeedback], int]:
    from sqlalchemy import func

    query = select(CustomerFeedback).where(CustomerFeedback.organisation_id == organisation_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(CustomerFeedback.received_on.desc(), CustomerFeedback.id.desc())
                                .offset((page - 1) * per_page).limit(per_page)))
    return rows, total
