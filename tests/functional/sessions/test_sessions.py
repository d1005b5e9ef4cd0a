"""Classroom sessions over HTTP: scheduling, the notice and its .ics, check-in with the
rotating code inside the session's window and once only, attendance by the trainer with
xAPI and training records, and the sign-in sheet as PDF and XLSX."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from xml.etree import ElementTree

import icalendar
import openpyxl
from sqlalchemy import select

from lti_tool.db import get_db, utcnow
from lti_tool.records.models import TrainingRecord
from lti_tool.sessions import codes
from lti_tool.sessions.models import Attendance, ClassSession
from tests.functional.practical.conftest import statements
from tests.support.browser import Browser
from tests.functional.sessions.conftest import SESSION_ITEM

ZONE = ZoneInfo("Asia/Shanghai")


def local(delta: timedelta) -> str:
    return (datetime.now(ZONE) + delta).strftime("%Y-%m-%dT%H:%M")


def schedule(instructor, *, start=timedelta(minutes=-5), hours=2, title="故障诊断实操训练（第一期）"):
    assert instructor.page.url.endswith(f"/sessions/item/{SESSION_ITEM}")
    instructor.follow("schedule")
    instructor.submit("schedule-form", {
        "content_session_id": "class", "title": title, "starts": local(start), "ends": local(start + timedelta(hours=hours)),
        "timezone": "Asia/Shanghai", "place": "二号培训教室", "trainer_name": "王芳", "capacity": "12",
        "materials": "请携带万用表和工作服", "course_id": "basics",
    })
    assert instructor.response.status_code == 200, instructor.page.text[:300]
    assert "/sessions/" in instructor.page.url
    return int(instructor.page.url.rstrip("/").rsplit("/", 1)[1])


def current_code(app, session_id: int, when=None) -> str:
    with get_db(app).sessionmaker() as s:
        row = s.get(ClassSession, session_id)
        return codes.code_at(row.checkin_secret, row.uid, when or utcnow())


def test_a_scheduled_session_is_a_notice_with_an_ics(people, platform, app):
    instructor = people("instructor")
    session_id = schedule(instructor)
    assert "二号培训教室" in instructor.page.text and "请携带万用表和工作服" in instructor.page.text_of("materials")
    learner = people("learner")
    assert "故障诊断实操训练（第一期）" in learner.page.text_of("notices")
    learner.get(f"{instructor.page.url.split('/sessions/')[0]}/sessions/")
    assert "故障诊断实操训练（第一期）" in learner.page.text_of("notices")
    learner.get(f"{learner.page.url.rstrip('/')}/{session_id}")
    learner.follow("ics")
    assert learner.response.headers["Content-Type"].startswith("text/calendar")
    event = next(c for c in icalendar.Calendar.from_ical(learner.response.content).walk("VEVENT"))
    assert str(event["summary"]) == "故障诊断实操训练（第一期）" and str(event["location"]) == "二号培训教室"
    assert event["dtend"].dt - event["dtstart"].dt == timedelta(hours=2)
    assert "_s=" not in str(event["url"])


def test_check_in_inside_the_window_once_with_the_current_code(people, platform, app, db_session):
    instructor = people("instructor")
    session_id = schedule(instructor, start=timedelta(minutes=-20))
    instructor.get(instructor.page.url + "/code")
    assert instructor.page.text_of("checkin-code") == current_code(app, session_id)
    shown = instructor.session.get(instructor.page.url + ".json", timeout=15).json()
    assert shown["code"] == current_code(app, session_id) and 0 < shown["seconds_left"] <= codes.STEP_SECONDS
    qr = instructor.session.get(platform.tool_base_url + shown["qr_url"], timeout=15)
    assert qr.headers["Content-Type"].startswith("image/svg+xml")
    svg = ElementTree.fromstring(qr.content)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"  # a standalone image, not inline markup
    learner = people("learner")
    base = learner.page.url.split("/sessions/")[0]
    learner.get(f"{base}/sessions/{session_id}")
    # A code from two steps ago is refused; so is a made-up one. The refusal is shown on
    # the check-in form itself, the typed code kept, and the learner retries from there.
    stale = current_code(app, session_id, utcnow() - timedelta(seconds=2 * codes.STEP_SECONDS + 1))
    for wrong in (stale, "000000" if stale != "000000" else "111111"):
        if wrong == current_code(app, session_id):
            continue
        learner.submit("checkin-form", {"code": wrong})
        assert learner.response.status_code == 422
        assert "30" in learner.page.text_of("checkin-error")
        retry = learner.page.form("checkin-form")
        assert retry.values()["code"] == wrong and learner.page.url.endswith(f"/sessions/{session_id}/checkin")
    token = _csrf(learner)
    learner.submit("checkin-form", {"code": current_code(app, session_id)})
    assert learner.response.status_code == 200
    row = db_session.scalars(select(Attendance)).one()
    assert row.status == "late" and row.checked_in_at is not None and row.source == "checkin"  # 20 min after the start
    assert "checkin-form" not in [f.id for f in learner.page.forms]
    # Once only: the same learner sending the form again is refused.
    learner.post(f"{base}/sessions/{session_id}/checkin", {"code": current_code(app, session_id),
                                                           "csrf_token": token})
    assert learner.response.status_code == 409
    assert db_session.scalar(select(Attendance.id).where(Attendance.id != row.id)) is None
    attended = statements(app, "/attended")
    assert len(attended) == 1
    assert next(v for k, v in attended[0]["result"]["extensions"].items() if k.endswith("attendance-status")) == "late"
    record = db_session.scalars(select(TrainingRecord).where(TrainingRecord.kind == "session")).one()
    assert (record.item_id, record.status, record.hours) == (SESSION_ITEM, "attended", 2.0)


def test_check_in_is_refused_before_the_window_opens_and_after_it_closes(people, platform, app, db_session):
    instructor = people("instructor")
    later = schedule(instructor, start=timedelta(hours=3), title="下午场")
    instructor.get(instructor.page.url.split("/sessions/")[0] + f"/sessions/item/{SESSION_ITEM}")
    over = schedule(instructor, start=timedelta(hours=-5), hours=1, title="上午场")
    learner = people("learner")
    base = learner.page.url.split("/sessions/")[0]
    for session_id, words in ((later, ("30",)), (over, ("结束", "over"))):
        learner.get(f"{base}/sessions/{session_id}")
        learner.submit("checkin-form", {"code": current_code(app, session_id)})
        assert learner.response.status_code == 422
        assert any(w in learner.page.text for w in words)
    assert db_session.scalars(select(Attendance)).all() == []


def test_the_trainer_takes_attendance_and_a_correction_voids_the_statement(people, platform, app, db_session):
    people("learner")
    people("learner2")
    instructor = people("instructor")
    session_id = schedule(instructor)
    base = instructor.page.url.split("/sessions/")[0]
    instructor.get(f"{base}/sessions/{session_id}/attendance")
    form = instructor.page.form("attendance-form")
    learner_field = next(n for n, _v in form.fields if n.startswith("status-"))
    uid = learner_field.split("-")[1]
    instructor.submit(form, {learner_field: "left-early", f"remarks-{uid}": "15:30 提前离开"})
    row = db_session.scalars(select(Attendance)).one()
    assert (row.status, row.remarks, row.source) == ("left-early", "15:30 提前离开", "trainer")
    first = statements(app, "/attended")
    assert len(first) == 1 and first[0]["context"]["instructor"]["account"]["name"] == platform.user("instructor").sub
    instructor.submit(instructor.page.form("attendance-form"), {learner_field: "excused", f"remarks-{uid}": "病假"})
    db_session.expire_all()
    assert db_session.get(Attendance, row.id).status == "excused"
    assert len(statements(app, "/attended")) == 2
    voiding = statements(app, "/voided")
    assert len(voiding) == 1 and voiding[0]["object"]["id"] == first[0]["id"]
    record = db_session.scalars(select(TrainingRecord).where(TrainingRecord.kind == "session")).one()
    assert record.status == "excused" and record.hours == 0
    # Back to the first status: a new statement in force, not the voided one.
    instructor.submit(instructor.page.form("attendance-form"), {learner_field: "left-early"})
    attended = statements(app, "/attended")
    voided_ids = {s["object"]["id"] for s in statements(app, "/voided")}
    assert len(attended) == 3 and len(voided_ids) == 2
    in_force = [s for s in attended if s["id"] not in voided_ids]
    assert len(in_force) == 1 and in_force[0]["id"] != first[0]["id"]
    db_session.expire_all()
    assert db_session.get(Attendance, row.id).statement_id == in_force[0]["id"]


def test_the_sign_in_sheet_exports_as_xlsx_and_pdf(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    session_id = schedule(instructor)
    base = instructor.page.url.split("/sessions/")[0]
    instructor.get(f"{base}/sessions/{session_id}/attendance")
    form = instructor.page.form("attendance-form")
    field = next(n for n, _v in form.fields if n.startswith("status-"))
    instructor.submit(form, {field: "present"})
    xlsx = instructor.session.get(f"{base}/sessions/{session_id}/sign-in-sheet.xlsx", timeout=30)
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.headers["Content-Type"]
    sheet = openpyxl.load_workbook(BytesIO(xlsx.content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "张伟" in cells and "出勤" in cells and "二号培训教室" in cells
    pdf = instructor.session.get(f"{base}/sessions/{session_id}/sign-in-sheet.pdf", timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment")


def _csrf(browser) -> str:
    return next(c["value"] for f in browser.page.forms for c in f.controls if c["name"] == "csrf_token")


def test_learners_see_their_past_attendance_and_cancelled_sessions(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    base = platform.tool_base_url
    past = schedule(instructor, start=timedelta(hours=-5), hours=1, title="上午场")
    instructor.get(f"{base}/sessions/{past}/attendance")
    form = instructor.page.form("attendance-form")
    field = next(n for n, _v in form.fields if n.startswith("status-"))
    instructor.submit(form, {field: "late", f"remarks-{field[7:]}": "晚到 12 分钟"})
    instructor.get(f"{base}/sessions/item/{SESSION_ITEM}")
    called_off = schedule(instructor, start=timedelta(minutes=-5), title="临时取消的场次")
    # Cancelling is a confirmed step: a bare POST only opens the confirmation.
    instructor.post(f"{base}/sessions/{called_off}/cancel", {"csrf_token": _csrf(instructor)})
    assert "cancel=1" in instructor.page.url and 'open' in instructor.response.text.split('id="cancel-zone"')[1][:20]
    assert db_session.get(ClassSession, called_off).cancelled_at is None
    instructor.submit("cancel-form")
    assert "取消" in instructor.page.text
    db_session.expire_all()
    assert db_session.get(ClassSession, called_off).cancelled_at is not None

    learner = people("learner")
    learner.get(f"{base}/sessions/")
    mine = learner.page.text_of("my-attendance")
    assert "上午场" in mine and "迟到" in mine and "晚到 12 分钟" in mine
    learner.get(f"{base}/sessions/{called_off}")
    assert "已取消" in learner.page.text and not any(f.id == "checkin-form" for f in learner.page.forms)
    learner.get(f"{base}/sessions/{past}")
    token = next(c["value"] for f in learner.page.forms for c in f.controls if c["name"] == "csrf_token") \
        if learner.page.forms else None
    learner.follow("ics")
    event = next(c for c in icalendar.Calendar.from_ical(learner.response.content).walk("VEVENT"))
    assert "STATUS" not in event
    learner.get(f"{base}/sessions/{called_off}/notice.ics")
    event = next(c for c in icalendar.Calendar.from_ical(learner.response.content).walk("VEVENT"))
    assert str(event["status"]) == "CANCELLED"
    if token:
        refused = learner.session.post(f"{base}/sessions/{called_off}/checkin", timeout=15,
                                       data={"csrf_token": token, "code": current_code(app, called_off)})
        assert refused.status_code == 422
    assert db_session.scalar(select(Attendance.id).where(Attendance.session_id == called_off)) is None


def test_a_changed_notice_is_what_learners_see_and_their_calendars_update(people, platform, app, db_session):
    instructor = people("instructor")
    session_id = schedule(instructor, start=timedelta(days=2))
    instructor.follow("edit")
    form = instructor.page.form("schedule-form")
    assert form.values()["place"] == "二号培训教室" and form.values()["timezone"] == "Asia/Shanghai"
    instructor.submit(form, {"place": "三号车间", "starts": local(timedelta(days=3)),
                             "ends": local(timedelta(days=3, hours=3))})
    assert instructor.page.url.endswith(f"/sessions/{session_id}") and "三号车间" in instructor.page.text
    instructor.follow("edit")
    instructor.submit(instructor.page.form("schedule-form"), {"ends": local(timedelta(days=2))})  # before the start
    assert instructor.response.status_code == 422
    learner = people("learner")
    learner.get(f"{platform.tool_base_url}/sessions/{session_id}/notice.ics")
    event = next(c for c in icalendar.Calendar.from_ical(learner.response.content).walk("VEVENT"))
    assert str(event["location"]) == "三号车间" and int(event["sequence"]) == 1
    assert event["dtend"].dt - event["dtstart"].dt == timedelta(hours=3)


def test_only_library_courses_are_offered_for_scheduling(people, platform, app):
    # The tool's own pages placed in the LMS course (training files, certificates) are no courses.
    for page in ("hr", "certificates"):
        link = platform.add_resource_link(page, custom={"item_kind": "records", "item_id": page})
        with Browser() as browser:  # the tool knows a placement from its first launch
            assert platform.launch(browser, user="instructor", resource_link=link.id).status_code == 200
    instructor = people("instructor")
    instructor.follow("schedule")
    assert instructor.page.form("schedule-form").options("course_id") == ["basics"]
