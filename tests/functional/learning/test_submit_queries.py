"""The hot path of a quiz, pinned: starting an attempt at a 50-question quiz and
submitting it run a fixed, small number of SQL statements (none per question), over
HTTP after a real launch, on SQLite and PostgreSQL, and everything the submit promises
is still written in its transaction: the graded responses, the result, the training
record, the xAPI statements and the AGS scores of the quiz and of the course."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select

from lti_tool.db import get_db
from lti_tool.learning import emit_due_statements
from lti_tool.learning.models import AttemptResponse, QuizAttempt
from lti_tool.lti.ags_models import ScoreOutbox
from lti_tool.records.models import TrainingRecord
from tests.functional.learning.conftest import attempt_id, launch
from tests.support.queries import count_queries
from tests.support.quiz_library import write_quiz_course
from xapi.schema import statement

COURSE, QUIZ, QUESTIONS = "hot-path", "big-quiz", 50
MAXIMUM = 13 * 2 + 13 * 2 + 12 * 1 + 12 * 2  # points of the single, multiple, true/false and blank questions
# Measured (transaction control not counted): a returning learner's start 4; submit 16
# (15 on PostgreSQL, whose COPY of the 50 responses is not seen here), of which 2 are the certificate
# rules' check (a result that changes nothing writes nothing there: no savepoint, no
# course record rewritten) and 3 each score queued (quiz and course). The attempt's xAPI
# statements are the worker's (flagged in the start's INSERT and the submit's UPDATE).
START_QUERIES, SUBMIT_QUERIES = 4, 16


@pytest.fixture
def settings_overrides(settings_overrides, tmp_path):
    return {**settings_overrides, "content_path": tmp_path / "library"}


@pytest.fixture
def right(settings_overrides) -> dict[str, list[str]]:
    return write_quiz_course(settings_overrides["content_path"], COURSE, QUIZ, QUESTIONS)


def test_start_and_submit_of_a_50_question_quiz_run_a_fixed_number_of_queries(app, platform, right, db_session):
    quiz_link = platform.add_resource_link("五十题测验", custom={"item_kind": "quiz", "item_id": f"{COURSE}/{QUIZ}"},
                                           line_item={"scoreMaximum": 100, "label": "五十题测验", "tag": "quiz"})
    course_link = platform.add_resource_link("热路径课程", custom={"item_kind": "course", "item_id": COURSE},
                                             line_item={"scoreMaximum": 100, "label": "热路径课程", "tag": "course"})
    launch(platform, course_link).close()  # the course is placed too: its grade goes with each result
    browser = launch(platform, quiz_link)
    engine = get_db(app).engine
    counts = []
    for _ in range(3):  # the first attempt imports the course and opens the record; then the steady state
        with count_queries(engine) as started:  # the POST only: its redirect is held back
            browser.submit(browser.page.form(action_contains="/learn/start/"), stop_at=lambda method, _url: method == "GET")
        browser.resume()
        attempt = attempt_id(browser)
        form = browser.page.form("attempt-form")
        assert all(f'name="{name}"' in browser.page.html for name in right)  # all 50 questions on the paper
        with count_queries(engine) as submitted:
            browser.submit(form, right, stop_at=lambda method, _url: method == "GET")
        browser.resume()
        assert browser.page.text_of("score") == f"{MAXIMUM:g} / {MAXIMUM:g}"
        assert f"/learn/attempt/{attempt}/result" in browser.url
        counts.append((started.count, submitted.count, str(started), str(submitted), submitted.statements))
        browser.get(f"{platform.tool_base_url}/learn/quiz/{COURSE}/{QUIZ}")

    for n, (start, submit, start_log, submit_log, _) in enumerate(counts[1:], 2):
        assert start <= START_QUERIES, f"attempt {n}: start ran {start} statements:\n{start_log}"
        assert submit <= SUBMIT_QUERIES, f"attempt {n}: submit ran {submit} statements:\n{submit_log}"
    assert counts[1][:2] == counts[2][:2]  # no growth with the learner's attempts
    read_back = [s for s in counts[2][4] if s.lstrip().upper().startswith("SELECT") and "learning_response" in s]
    assert not read_back, read_back  # the responses just written are never read again

    # Everything the submit promises is written, once per attempt.
    attempts = db_session.scalars(select(QuizAttempt).order_by(QuizAttempt.number)).all()
    assert [(a.number, a.status, a.score, a.score_max, a.passed) for a in attempts] == [
        (n, "graded", MAXIMUM, MAXIMUM, True) for n in (1, 2, 3)]
    assert db_session.scalar(select(func.count()).select_from(AttemptResponse)) == 3 * QUESTIONS
    record = db_session.scalars(select(TrainingRecord).where(TrainingRecord.item_id == f"{COURSE}/{QUIZ}")).one()
    assert (record.status, record.score, record.score_max) == ("passed", MAXIMUM, MAXIMUM)
    course = db_session.scalars(select(TrainingRecord).where(TrainingRecord.kind == "course")).one()
    assert (course.item_id, course.status, course.passed) == (COURSE, "completed", True)  # written once, then kept
    scores = db_session.scalars(select(ScoreOutbox).order_by(ScoreOutbox.id)).all()
    assert sorted((s.resource_id, s.score_given) for s in scores[-2:]) == [(COURSE, 100.0), (f"{COURSE}/{QUIZ}", MAXIMUM)]
    verbs = [v.rsplit("/", 1)[-1] for v in db_session.scalars(select(statement.c.verb_id))]
    assert (verbs.count("attempted"), verbs.count("completed"), verbs.count("answered")) == (0, 0, 0)
    assert emit_due_statements(app) == 3  # the worker's pass: each attempt's end, once
    assert emit_due_statements(app) == 0
    verbs = [v.rsplit("/", 1)[-1] for v in db_session.scalars(select(statement.c.verb_id))]
    assert [verbs.count(v) for v in ("attempted", "answered", "completed", "passed")] == [3, 3 * QUESTIONS, 3, 3]
