"""Expense claims as a spreadsheet for finance: one row per claim, amounts as exact
number cells with two decimals, text as safe cells (bilingual headers)."""

from __future__ import annotations

from openpyxl import Workbook

from lti_tool.costs import money
from lti_tool.spreadsheet import append, local, xlsx_bytes

HEADERS = ["编号 No.", "工号 Employee number", "姓名 Name", "部门 Department", "类别 Category", "金额 Amount",
           "币种 Currency", "日期 Date", "培训 Training", "说明 Description", "状态 Status", "超出预算 Over budget",
           "付款时间 Paid at", "付款人 Paid by", "付款凭证 Payment reference"]


def claims_xlsx(rows, flags: dict, labels: dict, targets: dict, zone: str = "Asia/Shanghai") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "报销 Claims"
    append(sheet, HEADERS)
    for claim, employee in rows:
        append(sheet, [claim.id, employee.employee_number or "", employee.name, claim.department,
                       labels["category_labels"].get(claim.category, claim.category), money.exact(claim.amount),
                       claim.currency, claim.spent_on, targets.get(claim.id, ""), claim.description,
                       labels["status_labels"].get(claim.status, claim.status),
                       "是 yes" if flags[claim.id]["over"] else "", local(claim.paid_at, zone),
                       claim.paid_by_label, claim.payment_reference])
        sheet.cell(row=sheet.max_row, column=6).number_format = "#,##0.00"
    return xlsx_bytes(book)


def versus_xlsx(budget, result: dict, items: dict, labels: dict) -> bytes:
    """Budget vs actual of one budget's year: per category, then per plan item."""
    book = Workbook()
    sheet = book.active
    sheet.title = "类别 Categories"
    append(sheet, ["类别 Category", "预算 Budget", "实际 Actual", "剩余 Remaining", "币种 Currency"])
    for category, values in result["categories"].items():
        append(sheet, [labels["category_labels"][category], values["budget"], values["actual"],
                       values["budget"] - values["actual"], budget.currency])
        _money_cells(sheet, (2, 3, 4))
    append(sheet, ["合计 Total", result["budget"], result["actual"], result["budget"] - result["actual"],
                   budget.currency])
    _money_cells(sheet, (2, 3, 4))
    by_item = book.create_sheet("计划项目 Plan items")
    append(by_item, ["计划项目 Plan item", "预算 Budget", "实际 Actual", "币种 Currency"])
    for item_id, values in result["items"].items():
        item = items.get(item_id)
        append(by_item, [(item.topic or item.course_id) if item else f"#{item_id}", values["budget"], values["actual"],
                         budget.currency])
        _money_cells(by_item, (2, 3))
    return xlsx_bytes(book)


def _money_cells(sheet, columns) -> None:
    for column in columns:
        sheet.cell(row=sheet.max_row, column=column).number_format = "#,##0.00"
