"""The launch, pinned: a returning learner's full LTI launch (the login, its cookie
check, the signed id_token posted back, the quiz page it lands on) runs a fixed,
small number of SQL statements, over HTTP from the test platform, on SQLite and
PostgreSQL; the web session is written once, at the launch, not again by the page."""

from __future__ import annotations

from lti_tool.db import get_db
from tests.functional.learning.conftest import launch
from tests.support.queries import count_queries

# Measured (transaction control not counted), for a learner launched before. Login:
# the platform, the state's INSERT. Cookie check: the state with its platform. Launch: the
# platform, the state, the deployment, the nonce's INSERT, the state's UPDATE, the
# user and enrolment upserts, the LMS course's and placement's reads (unchanged: not
# written, so a class launching together does not queue on their rows), the "launched" statement and its
# outbox row, the employee link's 2 reads, the session's INSERT. The quiz page: the session,
# the placement, the learner's attempts.
LAUNCH = 20


def _session_writes(log) -> list[str]:
    return [s for s in log.statements if "web_session" in s and not s.lstrip().upper().startswith("SELECT")]


def test_a_returning_learners_launch_runs_a_fixed_number_of_queries(app, platform, links):
    for _ in range(2):  # the first launch makes the user, course, employee; the course version is then known
        launch(platform, links["check"]).close()
    with count_queries(get_db(app).engine) as launched:
        browser = launch(platform, links["check"])
    assert "/learn/quiz/" in browser.url and "csrf_token" in browser.page.html
    assert launched.count <= LAUNCH, f"the launch ran {launched.count} statements:\n{launched}"
    writes = _session_writes(launched)
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("INSERT"), writes  # none by the page
    assert not _writes_of(launched, "lti_context") + _writes_of(launched, "lti_resource_link")  # shared rows


def _writes_of(log, table: str) -> list[str]:
    return [s for s in log.statements if f"{table} " in s and not s.lstrip().upper().startswith("SELECT")]


def test_a_launch_that_changes_the_lms_course_writes_it(app, platform, links, db_session):
    from sqlalchemy import select

    from lti_tool.lti.models import Context

    launch(platform, links["check"]).close()
    platform.course.title = "售后服务 2027 春季班"  # the LMS renamed the course
    with count_queries(get_db(app).engine) as launched:
        launch(platform, links["check"]).close()
    assert len(_writes_of(launched, "lti_context")) == 1
    assert db_session.scalars(select(Context.title)).all() == ["售后服务 2027 春季班"]
