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


EXECUTION_HEADERS = ["季度 Quarter", "计划 Plan", "课程 Course", "主题 Topic", "计划学时 Planned hours",
                     "计划场次 Sessions planned", "已举办场次 Sessions held", "已完成学时 Hours delivered",
                     "培训人数 People trained", "分配人数 Assigned", "已完成 Completed", "完成率 Completion rate %",
                     "已通过 Passed", "通过率 Pass rate %"]


def _figures(f) -> list:
    return [f.planned_hours or None, f.planned, f.held, f.hours, f.trained, f.assigned, f.completed,
            f.completion_rate, f.passed, f.pass_rate]


def execution_xlsx(report, courses: dict[str, str], labels: dict) -> bytes:
    """The execution report: one row per item, then each quarter's and the plan's totals."""
    book = Workbook()
    sheet = book.active
    sheet.title = "执行 Execution"
    append(sheet, ["标题 Title", report.plan.title])
    append(sheet, ["类型 Kind", labels["kind_labels"][report.plan.kind]])
    append(sheet, ["年度 Year", report.plan.year])
    append(sheet, [])
    append(sheet, EXECUTION_HEADERS)
    for row in report.rows:
        append(sheet, [row.quarter, row.plan.title, courses.get(row.item.course_id, row.item.course_id),
                       row.item.topic, *_figures(row.figures)])
    append(sheet, [])
    for quarter, figures in report.by_quarter():
        append(sheet, [quarter, "季度合计 Quarter total", "", "", *_figures(figures)])
    append(sheet, ["", "计划合计 Plan total", "", "", *_figures(report.total)])
    return xlsx_bytes(book)
