"""Sessions of one LMS course are invisible to another course's instructors and
learners; a forged learner id in the attendance form is refused."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lti_tool.sessions.models import Attendance
from tests.functional.practical.conftest import csrf, user_id
from tests.functional.sessions.conftest import SESSION_ITEM
from tests.functional.sessions.test_sessions import current_code, schedule
from tests.lti_platform import constants as c


def test_another_course_cannot_see_mark_or_check_in_to_these_sessions(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    session_id = schedule(instructor, start=timedelta(minutes=-5))
    other = platform.add_course("另一门课程", "ASV102")
    platform.add_user("instructor_b", "赵强", roles=(c.INSTRUCTOR,), context=other.id)
    platform.add_user("learner_b", "钱磊", roles=(c.LEARNER,), context=other.id)
    link_b = platform.add_resource_link("课堂", context=other.id, custom={"item_kind": "session", "item_id": SESSION_ITEM})
    base = platform.tool_base_url
    stranger = people("instructor_b", link=link_b, context=other.id)
    own_session = schedule(stranger, title="另一门课程的课堂")  # their own course's session
    stranger.get(f"{base}/sessions/new")
    token = csrf(stranger)
    for path in ("", "/attendance", "/code", "/code.json", "/code.svg", "/notice.ics", "/sign-in-sheet.pdf",
                 "/sign-in-sheet.xlsx"):
        assert stranger.session.get(f"{base}/sessions/{session_id}{path}", timeout=30).status_code == 404, path
    learner_id = user_id(app, platform, "learner")
    marked = stranger.session.post(f"{base}/sessions/{session_id}/attendance", timeout=15,
                                   data={"csrf_token": token, f"status-{learner_id}": "absent"})
    assert marked.status_code == 404
    outsider = people("learner_b", link=link_b, context=other.id)
    outsider.get(f"{base}/sessions/")
    assert "故障诊断实操训练" not in outsider.page.text
    outsider.get(f"{base}/sessions/{own_session}")
    assert outsider.page.form("checkin-form")  # they can check in to their own course's session...
    checked = outsider.session.post(f"{base}/sessions/{session_id}/checkin", timeout=15, data={
        "csrf_token": csrf(outsider), "code": current_code(app, session_id)})
    assert checked.status_code == 404  # ...but not to this one, even with its current code
    assert db_session.scalars(select(Attendance)).all() == []


def test_a_forged_learner_in_the_attendance_form_is_refused(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    session_id = schedule(instructor)
    instructor.get(f"{platform.tool_base_url}/sessions/{session_id}/attendance")
    form = instructor.page.form("attendance-form")
    for forged in (str(user_id(app, platform, "instructor")), "999999", "x"):
        instructor.submit(form, {f"status-{forged}": "present"})
        assert instructor.response.status_code == 404
    learner_field = next(n for n, _v in form.fields if n.startswith("status-"))
    instructor.submit(form, {learner_field: "on-holiday"})
    assert instructor.response.status_code == 422
    assert db_session.scalars(select(Attendance)).all() == []
