"""The plan execution report over HTTP (seed 四, 七: planned against delivered): a plan
approved through the approvals, its item's sessions scheduled from the plan (held, one
still to come, one cancelled), attendance taken by the trainer, the item's course
assigned to three employees of whom one completes it and two pass an assessment; the
page, its spreadsheet and its PDF (Chinese and English) show the same numbers."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from lti_tool.approvals.models import TRAINING_HEAD
from lti_tool.sessions.models import ClassSession
from tests.functional.approvals.test_approvals import appoint
from tests.functional.hr.conftest import complete, course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.plans.test_plan_delivery import approve, item_plan, only_item
from tests.functional.practical.conftest import csrf, settings_overrides, user_id  # noqa: F401  (fixture)
from tests.unit.certificates.test_issuing import pdf_text


def schedule(hr, base: str, document: int, item_id: int, first_day: str, days: int) -> None:
    hr.get(f"{base}/manage/plans/{document}/items/{item_id}/sessions")
    assert hr.submit("schedule-sessions", {"first_day": first_day, "days": str(days), "starts": "09:00",
                                           "ends": "12:00"}).status_code == 200


def mark(instructor, base: str, session_id: int, statuses: dict[int, str]) -> None:
    instructor.get(f"{base}/sessions/{session_id}/attendance")
    assert instructor.submit("attendance-form", {f"status-{u}": s for u, s in statuses.items()}).status_code == 200


def cells(browser, row_id: str) -> list[str]:
    """The cells of one table row of the page, as text."""
    row = re.search(rf'<tr id="{row_id}">(.*?)</tr>', browser.response.text, re.S).group(1)
    return [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]


def test_the_execution_report_counts_what_was_delivered_against_the_plan(people, platform, app, db_session):
    base = platform.tool_base_url
    zhang = people("learner")
    people("learner2"), people("learner_en")
    instructor = people("instructor")
    hr = people("hr")
    appoint(hr, base, "E1001", TRAINING_HEAD)
    document = item_plan(hr, base, title="服务技能提升", starts_on="2026-11-02", ends_on="2026-11-03", hours="6")
    approve(hr, zhang, base)
    item = only_item(db_session)

    # Sessions: two days held, one day to come, one held day cancelled.
    schedule(hr, base, document, item.id, "2026-11-02", 2)
    schedule(hr, base, document, item.id, "2027-06-01", 1)
    schedule(hr, base, document, item.id, "2026-11-05", 1)
    db_session.expire_all()
    ids = sorted(s.id for s in db_session.scalars(select(ClassSession)))
    first, second, later, cancelled = ids
    instructor.get(f"{base}/sessions/{cancelled}")
    assert instructor.session.post(f"{base}/sessions/{cancelled}/cancel", timeout=15, data={
        "csrf_token": csrf(instructor), "confirm": "1"}).status_code in (200, 303)

    # Attendance: 张伟 and 李娜 on day one, 李娜 on day two (once a person), Alex absent;
    # attendance at the cancelled session does not count.
    z, l, a = (user_id(app, platform, k) for k in ("learner", "learner2", "learner_en"))
    mark(instructor, base, first, {z: "present", l: "late", a: "absent"})
    mark(instructor, base, second, {l: "present", a: "absent"})
    mark(instructor, base, cancelled, {a: "present"})

    # The item's course assigned to the three; 张伟 completes it, 李娜 passes the quiz only.
    hr.get(f"{base}/manage/plans/{document}")
    hr.follow("分配")
    assert hr.submit("new-assignment", {"due_on": "2027-12-31", "employee_numbers": "E1001\nE1002\nE1003"}
                     ).status_code == 200
    complete(app, platform, "learner")
    complete(app, platform, "learner2", skip="task")

    hr.get(f"{base}/manage/plans/{document}")
    hr.follow("计划执行情况")
    # planned hours 6, sessions planned 3, held 2, hours 6 (2 × 3 h), trained 2, assigned 3,
    # completed 1 (33.3%), passed 2 (66.7%)
    expected = ["6", "3", "2", "6", "2", "3", "1 (33.3%)", "2 (66.7%)"]
    assert cells(hr, f"execution-item-{item.id}") == ["第 4 季度", "基础课程", *expected]
    assert cells(hr, "quarter-4")[2:] == expected and cells(hr, "plan-total")[2:] == expected
    charts = hr.page.text_of("execution-charts")
    assert "分配人员完成率" in charts and "33.3%" in charts and "66.7%" in charts

    sheet = hr.session.get(f"{base}/manage/plans/{document}/execution.xlsx", timeout=15)
    assert sheet.status_code == 200
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(sheet.content)).active.iter_rows()]
    header = rows.index(next(r for r in rows if r[0] == "季度 Quarter"))
    assert rows[header + 1][:4] == [4, "服务技能提升", "基础课程", None]
    assert rows[header + 1][4:] == [6, 3, 2, 6, 2, 3, 1, 33.3, 2, 66.7]
    assert rows[-1][1] == "计划合计 Plan total" and rows[-1][4:] == [6, 3, 2, 6, 2, 3, 1, 33.3, 2, 66.7]

    pdf = hr.session.get(f"{base}/manage/plans/{document}/execution.pdf", timeout=30)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "计划执行情况" in text and "服务技能提升" in text and "33.3%" in text and "66.7%" in text
    english = pdf_text(hr.session.get(f"{base}/manage/plans/{document}/execution.pdf?lang=en", timeout=30).content)
    assert "Plan execution" in english and "Sessions held" in english and "Plan total" in english
