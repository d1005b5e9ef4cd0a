"""A plan as a spreadsheet: its fields, then one row per item (bilingual headers)."""

from __future__ import annotations

from openpyxl import Workbook

from lti_tool.plans.models import TrainingPlan
from lti_tool.spreadsheet import append, xlsx_bytes

ITEM_HEADERS = ["课程 Course", "主题 Topic", "方式 Mode", "月份 Month", "开始 Start", "结束 End", "地点 Place",
                "培训师 Trainer", "学时 Hours"]


def plan_xlsx(plan: TrainingPlan, courses: dict[str, str], labels: dict) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "计划 Plan"
    for name, value in (
        ("类型 Kind", labels["kind_labels"][plan.kind]), ("年度 Year", plan.year), ("季度 Quarter", plan.quarter),
        ("标题 Title", plan.title), ("目标 Goals", plan.goals), ("培训对象 Target group", plan.target_group),
        ("原因 Reason", labels["reason_labels"].get(plan.reason, "")),
        ("紧急程度 Urgency", labels["urgency_labels"].get(plan.urgency, "")),
        ("开始 Start", plan.starts_on), ("结束 End", plan.ends_on),
    ):
        append(sheet, [name, value])
    items = book.create_sheet("项目 Items")
    append(items, ITEM_HEADERS)
    for item in plan.items:
        append(items, [courses.get(item.course_id, item.course_id), item.topic, labels["mode_labels"][item.mode],
                       item.month, item.starts_on, item.ends_on, item.place, item.trainer, item.hours])
    return xlsx_bytes(book)
