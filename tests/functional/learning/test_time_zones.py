"""One time zone per organisation: the quiz page and the grading queue show an attempt's
time in the organisation's zone, labelled with its offset; another organisation's
setting changes nothing here."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from lti_tool.learning.models import QuizAttempt
from lti_tool.lti import organisations
from tests.functional.learning.conftest import launch

ZONE = "America/New_York"  # far from the default Asia/Shanghai, and UTC-5 in December


def test_attempt_times_are_the_organisations_wall_clock_with_its_offset(platform, links, db_session):
    organisations.get_or_create(db_session, "other", "Other company")
    organisations.set_timezone(db_session, "other", "Europe/Berlin")
    organisations.set_timezone(db_session, "default", ZONE)
    db_session.commit()

    learner = launch(platform, links["open"])
    learner.submit(learner.page.form(action_contains="/learn/start/"))
    learner.submit(learner.page.form("attempt-form"), {"a.pick": "a", "a.essay": "为了弄清问题。",
                                                        "a.case.cause": "x", "a.case.explain": "断电、干燥、测绝缘。"})
    submitted = db_session.scalars(select(QuizAttempt.submitted_at)).one()
    wall = submitted.astimezone(ZoneInfo(ZONE))
    offset = f"UTC{wall.utcoffset().total_seconds() / 3600:+.0f}"  # UTC-5 (or UTC-4 in summer)
    shown = f"{wall:%Y-%m-%d %H:%M} {offset}"

    learner = launch(platform, links["open"])
    assert shown in learner.page.text, learner.page.text[:600]
    teacher = launch(platform, links["open"], user="instructor")
    teacher.get(teacher.url.split("/learn/")[0] + "/learn/teach/grading")
    queue = teacher.page.text_of("queue")
    assert shown in queue and f"{submitted:%H:%M} UTC" not in queue, queue
