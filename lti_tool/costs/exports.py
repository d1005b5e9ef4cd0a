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
