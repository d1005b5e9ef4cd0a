"""A learner's whole day over real HTTP: launched from the LMS into the course, reads a
lesson, takes the quiz, sees the result; the score reaches the platform's gradebook
through AGS after the request, and survives an LMS outage."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.learning import emit_due_statements
from lti_tool.learning.models import AttemptResponse, LessonProgress, QuizAttempt
from lti_tool.lti import ags
from lti_tool.records.models import TrainingRecord
from tests.functional.learning.conftest import CHECK, RIGHT, attempt_id, launch
from xapi.schema import statement


def _statement_verbs(db_session) -> list[str]:
    db_session.expire_all()
    return [verb.rsplit("/", 1)[-1] for verb in db_session.scalars(select(statement.c.verb_id))]


def test_a_learner_reads_a_lesson_takes_the_quiz_and_the_score_reaches_the_lms(platform, links, app, db_session):
    browser = launch(platform, links["course"])
    page = browser.page
    assert "/learn/course/learn-basics" in browser.url
    assert page.text_of("course-title") == "在线学习测试课程"
    assert "第一课：接待" in page.text_of("lessons")

    browser.follow("resume")  # "Start: lesson 1"
    assert "倾听" in browser.page.text and "/learn/asset/" in browser.page.html  # the figure, served by us
    browser.submit(browser.page.form(action_contains="/progress"))  # "Finished: next lesson"
    assert "第二课：记录" in browser.page.text
    progress = db_session.scalars(select(LessonProgress).where(LessonProgress.lesson_id == "first")).one()
    assert (progress.status, progress.progress) == ("completed", 100)

    browser = launch(platform, links["check"])
    assert "/learn/quiz/learn-basics/check" in browser.url
    browser.submit(browser.page.form(action_contains="/learn/start/"))
    attempt = attempt_id(browser)
    form = browser.page.form("attempt-form")
    assert {"a.one", "a.many", "a.fact", "a.blanks.volt"} <= {c["name"] for c in form.controls}
    browser.submit(form, RIGHT)
    assert f"/learn/attempt/{attempt}/result" in browser.url
    assert browser.page.text_of("score") == "8 / 8"
    assert "先倾听" in browser.page.text  # the review shows explanations (show_correct_answers)

    assert platform.scores() == []  # nothing left the tool inside the request
    assert ags.deliver_scores(app) == 2  # the quiz score and the course grade (which superseded the lesson's)
    assert platform.gradebook()[("小测", "learner")] == 8.0
    assert platform.gradebook()[("在线学习测试课程", "learner")] == 100.0  # the course grade: check weighs 100
    row = db_session.get(QuizAttempt, attempt)
    assert (row.status, row.score, row.passed) == ("graded", 8.0, True)
    record = db_session.scalars(select(TrainingRecord).where(TrainingRecord.item_id == CHECK)).one()
    assert (record.status, record.score, record.course_version_id) == ("passed", 8.0, row.course_version_id)
    assert "experienced" not in _statement_verbs(db_session)  # the lessons' statements: the worker's too
    # The worker's pass: the attempt's statements and both lessons' (the first opened
    # and finished, the second opened), each once.
    assert emit_due_statements(app) == 3
    assert emit_due_statements(app) == 0
    verbs = _statement_verbs(db_session)
    assert {"launched", "experienced", "progressed", "attempted", "answered", "completed", "passed"} <= set(verbs)
    assert verbs.count("answered") == 5  # four fixed questions and the drawn one
    assert (verbs.count("experienced"), verbs.count("progressed")) == (2, 1)


def test_a_double_submit_and_a_second_tab_make_one_result(platform, links, app, db_session):
    browser = launch(platform, links["check"])
    browser.submit(browser.page.form(action_contains="/learn/start/"))
    form = browser.page.form("attempt-form")
    attempt = attempt_id(browser)
    browser.submit(form, RIGHT)
    browser.submit(form, {**RIGHT, "a.one": "b"})  # the same form again: a double click or a retry
    assert browser.page.text_of("score") == "8 / 8"
    assert db_session.scalars(select(QuizAttempt)).all()[0].score == 8.0
    assert len(db_session.scalars(select(AttemptResponse).where(AttemptResponse.attempt_id == attempt)).all()) == 5
    ags.deliver_scores(app)
    assert len(platform.scores()) == 1


def test_answers_are_autosaved_and_the_attempt_resumes_after_a_dropped_connection(platform, links, db_session):
    browser = launch(platform, links["check"])
    browser.submit(browser.page.form(action_contains="/learn/start/"))
    attempt = attempt_id(browser)
    form = browser.page.form("attempt-form")
    saved = browser.session.post(form.action.replace("/submit", "/save"),
                                 data={**form.values(), "a.one": "a", "a.blanks.volt": "24 V", "js": "1"},
                                 headers={"Accept": "application/json"})
    assert saved.json()["saved"] is True
    # The connection drops; the learner launches again from the LMS and resumes.
    again = launch(platform, links["check"])
    again.submit(again.page.form(action_contains="/learn/start/"))
    assert attempt_id(again) == attempt
    resumed = again.page.form("attempt-form").values()
    assert resumed["a.one"] == "a" and resumed["a.blanks.volt"] == "24 V"
    assert db_session.get(QuizAttempt, attempt).status == "open"


def test_a_learner_cannot_open_another_learners_attempt(platform, links):
    browser = launch(platform, links["check"])
    browser.submit(browser.page.form(action_contains="/learn/start/"))
    attempt = attempt_id(browser)
    other = launch(platform, links["check"], user="learner2")
    response = other.get(other.url.split("/learn/")[0] + f"/learn/attempt/{attempt}")
    assert response.status_code == 404
    response = other.post(other.url.split("/learn/")[0] + f"/learn/attempt/{attempt}/submit", data={})
    assert response.status_code in (400, 404)  # no CSRF token, or not theirs: never submitted


def test_the_pages_follow_the_launch_locale(platform, links):
    browser = launch(platform, links["course"], user="learner_en")
    assert browser.page.text_of("course-title") == "Online learning test course"
    assert "Lesson 1: reception" in browser.page.text_of("lessons")
    assert "Your progress" in browser.page.text
    browser = launch(platform, links["check"], user="learner_en")
    browser.submit(browser.page.form(action_contains="/learn/start/"))
    assert "Time left" in browser.page.text and "What comes first?" in browser.page.text


def test_simultaneous_submits_from_several_tabs_make_exactly_one_result(platform, links, app, db_session):
    """Five requests at the same moment (tabs, retries): the conditional update lets one win."""
    import threading

    browser = launch(platform, links["check"])
    browser.submit(browser.page.form(action_contains="/learn/start/"))
    attempt = attempt_id(browser)
    form = browser.page.form("attempt-form")
    data = {**form.values(), **{k: v for k, v in RIGHT.items() if not isinstance(v, list)}}
    barrier, statuses = threading.Barrier(5), []

    def tab(answer: str) -> None:
        barrier.wait()
        statuses.append(browser.session.post(form.action, data={**data, "a.one": answer},
                                             allow_redirects=False).status_code)

    threads = [threading.Thread(target=tab, args=("a" if n % 2 else "b",)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 5
    row = db_session.get(QuizAttempt, attempt)
    assert row.status == "graded"
    responses = db_session.scalars(select(AttemptResponse).where(AttemptResponse.attempt_id == attempt)).all()
    assert len(responses) == 5  # one graded paper, not five
    assert ags.deliver_scores(app) == 1 and len(platform.scores()) == 1
