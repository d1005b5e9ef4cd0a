"""The lesson page and its progress, pinned: a learner opening a lesson for the first
time, finishing it and opening it again runs a fixed, small number of SQL statements,
over HTTP after a real launch, on SQLite and PostgreSQL. The request writes the
progress row and the training record; the xAPI statements are noted on the row and
built by the worker's pass, each once."""

from __future__ import annotations

import re

from sqlalchemy import select

from lti_tool.db import get_db
from lti_tool.learning import emit_due_statements
from lti_tool.learning.models import LessonProgress
from lti_tool.records.models import TrainingRecord
from tests.functional.learning.conftest import COURSE, launch
from tests.support.queries import count_queries
from xapi.schema import statement

# Measured (transaction control not counted). First opening: the session, the
# placement, the row (locked), the learner and LMS course, the row's INSERT, the
# record's read and INSERT (a result in progress meets no certificate rule: they read
# nothing). Finishing: the session, the
# placement, the row, the learner and LMS course, the row's UPDATE, the record's read
# and UPDATE, the certificate rules' 2 reads, and the course grade queued for the
# course's placement (5: its placements, the quiz records, superseding, the last stamp,
# the INSERT). Opening again: the session, the placement, the row and its UPDATE.
FIRST_OPEN, FINISH, OPEN_AGAIN = 7, 14, 4


def _xapi_writes(log) -> list[str]:
    return [s for s in log.statements if "xapi_" in s and not s.lstrip().upper().startswith("SELECT")]


def test_opening_and_finishing_a_lesson_run_a_fixed_number_of_queries(app, platform, links, db_session):
    browser = launch(platform, links["course"])
    engine, lesson = get_db(app).engine, f"{platform.tool_base_url}/learn/lesson/{COURSE}/first"
    assert browser.session.get(f"{platform.tool_base_url}/learn/lesson/{COURSE}/second").status_code == 200  # warm
    with count_queries(engine) as opened:
        page = browser.session.get(lesson)
    assert page.status_code == 200 and "倾听" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    with count_queries(engine) as finished:
        done = browser.session.post(f"{lesson}/progress", data={"csrf_token": token, "percent": "100", "js": "1"})
    assert done.json() == {"progress": 100, "status": "completed"}
    with count_queries(engine) as reopened:
        assert browser.session.get(lesson).status_code == 200

    assert opened.count <= FIRST_OPEN, f"first opening ran {opened.count} statements:\n{opened}"
    assert finished.count <= FINISH, f"finishing ran {finished.count} statements:\n{finished}"
    assert reopened.count <= OPEN_AGAIN, f"opening again ran {reopened.count} statements:\n{reopened}"
    assert not _xapi_writes(opened) + _xapi_writes(finished) + _xapi_writes(reopened)  # the worker's

    # What the requests promise: the row and the training record, completed.
    row = db_session.scalars(select(LessonProgress).where(LessonProgress.lesson_id == "first")).one()
    assert (row.status, row.progress, row.statements_due) == ("completed", 100, True)
    assert [e["kind"] for e in row.due_events] == ["experienced", "progressed", "experienced"]
    record = db_session.scalars(select(TrainingRecord).where(TrainingRecord.item_id == f"{COURSE}/first")).one()
    assert (record.kind, record.status, record.completed_at is not None) == ("lesson", "completed", True)

    # The worker's pass builds each owed statement once, at the moment of its event.
    assert emit_due_statements(app) == 2  # this lesson's row, and the other one's
    assert emit_due_statements(app) == 0
    db_session.expire_all()
    rows = db_session.execute(select(statement.c.verb_id, statement.c.timestamp)
                              .where(statement.c.activity_id.like("%/first")).order_by(statement.c.timestamp)).all()
    assert [verb.rsplit("/", 1)[-1] for verb, _at in rows] == ["experienced", "progressed", "experienced"]
    assert rows[0].timestamp < rows[2].timestamp  # two readings, two statements
    row = db_session.get(LessonProgress, row.id)
    assert (row.statements_due, row.due_events) == (False, None)
