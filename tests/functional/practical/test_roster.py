"""The roster: everyone who launched, and the LMS's member list (NRPS) fetched in the
background on request, never inside the instructor's request."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.practical import roster
from lti_tool.practical.models import RosterSync
from tests.functional.practical.conftest import TASK


def test_the_roster_falls_back_to_those_who_launched_and_refreshes_from_nrps(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    assert "张伟" in instructor.page.text_of("roster") and "李娜" not in instructor.page.text_of("roster")
    nrps_calls = platform.count_requests(f"/nrps/{platform.course.id}/memberships")
    instructor.submit(instructor.page.form(action_contains="/roster/refresh"))
    assert instructor.page.url.endswith(f"/practical/task/{TASK}")
    assert platform.count_requests(f"/nrps/{platform.course.id}/memberships") == nrps_calls  # not in the request
    assert db_session.scalars(select(RosterSync.status)).all() == ["pending"]
    assert roster.sync_pending(app) == 1
    instructor.get(instructor.page.url)
    listed = instructor.page.text_of("roster")
    assert "李娜" in listed and "Alex Morgan" in listed  # learners who never opened the tool
    assert "王芳" not in listed  # instructors are not assessed
    assert "成员" in instructor.page.text_of("roster-sync") or "members" in instructor.page.text_of("roster-sync")


def test_a_failed_refresh_says_why_and_keeps_the_roster(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    instructor.submit(instructor.page.form(action_contains="/roster/refresh"))
    with platform.outage(503):
        roster.sync_pending(app)
    sync = db_session.scalars(select(RosterSync)).one()
    assert sync.status == "failed" and "503" in sync.error
    instructor.get(instructor.page.url)
    assert "张伟" in instructor.page.text_of("roster")
