"""Quiz behaviour on the services with a real database (SQLite and PostgreSQL): the time
limit kept by the server, maximum attempts, highest or last attempt counted, open
answers graded by an instructor, regrading under a corrected version, statistics."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from lti_tool.db import get_db, utcnow
from lti_tool.learning import attempts, marking
from lti_tool.learning.attempts import AttemptRefused, Learner
from lti_tool.learning.content import current_version
from lti_tool.learning.models import AttemptResponse, QuizAttempt, Regrade
from lti_tool.learning.stats import pearson, question_stats
from lti_tool.lti.ags_models import ScoreOutbox
from lti_tool.lti.models import Context, Deployment, Platform, ResourceLink, User
from lti_tool.records.models import TrainingRecord
from tests.functional.learning.conftest import CHECK, COURSE, LIBRARY, OPEN

RIGHT = {"one": "a", "many": ["a", "c"], "fact": True, "blanks": {"volt": "24V", "ohm": "1MΩ"}, "p1": False,
         "p2": True}


@pytest.fixture
def world(app):
    """A platform (Canvas-like when asked), an LMS course with both quizzes placed, three people."""
    with app.test_request_context(), get_db(app).sessionmaker() as session:
        yield _World(session)


class _World:
    def __init__(self, session, family: str = "moodle") -> None:
        self.session = session
        platform = Platform(issuer="https://lms.example", client_id="c1", auth_login_url="https://lms.example/a",
                            auth_token_url="https://lms.example/t", key_set_url="https://lms.example/k",
                            product_family=family, name="LMS")
        deployment = Deployment(platform=platform, deployment_id="d1")
        self.context = Context(deployment=deployment, lms_context_id="course-1", title="ASV101")
        session.add_all([platform, deployment, self.context])
        session.flush()
        self.users = {}
        for key in ("ann", "bob", "cat", "teacher"):
            user = User(platform_id=platform.id, sub=key, name=key.title(), locale="zh-CN")
            session.add(user)
            self.users[key] = user
        self.links = {}
        for item_id in (CHECK, OPEN):
            link = ResourceLink(context_id=self.context.id, lms_resource_link_id=item_id, item_kind="quiz",
                                item_id=item_id, lineitem_url="https://lms.example/li")
            session.add(link)
            self.links[item_id] = link
        session.flush()
        self.platform = platform

    def learner(self, key: str) -> Learner:
        return Learner(self.users[key].id, self.context.id, self.links[CHECK].id)

    def start(self, key: str, quiz: str = "check", now=None) -> QuizAttempt:
        return attempts.start_or_resume(self.session, self.learner(key), COURSE, quiz, now)

    def scores(self, key: str) -> list[ScoreOutbox]:
        return list(self.session.scalars(select(ScoreOutbox).where(ScoreOutbox.user_id == self.users[key].id)
                                         .order_by(ScoreOutbox.id)))


def test_the_time_limit_is_kept_by_the_server(world):
    start = utcnow() - timedelta(minutes=30)
    attempt = world.start("ann", now=start)
    assert attempt.deadline == start + timedelta(minutes=10)
    assert attempts.save_answers(world.session, attempt, {"one": "a"}, now=start + timedelta(minutes=5))
    # After the deadline (and its grace) nothing more is saved, and a late submit is
    # closed at the deadline with the answers saved by then.
    late = start + timedelta(minutes=11)
    assert not attempts.save_answers(world.session, attempt, {"fact": True}, now=late)
    assert attempts.submit(world.session, attempt, {"many": ["a", "c"]}, "k1", now=late)
    assert attempt.answers == {"one": "a"}
    assert (attempt.score, attempt.submitted_at, attempt.closed_by_deadline) == (2.0, attempt.deadline, True)


def test_an_attempt_left_open_is_submitted_at_its_deadline_by_the_worker(world):
    start = utcnow() - timedelta(hours=1)
    attempt = world.start("ann", now=start)
    attempts.save_answers(world.session, attempt, RIGHT, now=start + timedelta(minutes=1))
    assert attempts.close_expired(world.session) == 1
    assert (attempt.status, attempt.score, attempt.closed_by_deadline) == ("graded", 8.0, True)
    assert world.scores("ann")[-1].score_given == 8.0
    assert attempts.close_expired(world.session) == 0


def test_resume_returns_the_open_attempt_with_the_same_paper(world):
    first = world.start("ann")
    again = world.start("ann")
    assert again.id == first.id and again.paper == first.paper
    drawn = [e["q"] for e in first.paper]
    assert drawn[:4] == ["one", "many", "fact", "blanks"] and drawn[4] in ("p1", "p2") and len(drawn) == 5
    assert sorted(first.paper[0]["options"]) == ["a", "b"]


def test_maximum_attempts_and_the_highest_attempt_counts(world):
    scores = []
    for answers in (RIGHT, {"one": "a"}, {**RIGHT, "fact": False}):
        attempt = world.start("bob")
        attempts.submit(world.session, attempt, answers, None)
        scores.append(attempt.score)
    assert scores == [8.0, 2.0, 7.0]
    with pytest.raises(AttemptRefused):
        world.start("bob")
    record = world.session.scalars(select(TrainingRecord).where(TrainingRecord.item_id == CHECK)).one()
    assert (record.score, record.status) == (8.0, "passed")
    assert world.scores("bob")[-1].score_given == 8.0  # the highest, sent again after each attempt


def test_open_answers_wait_for_an_instructor_then_the_lms_gets_the_final_score(world):
    attempt = world.start("cat", "open")
    attempts.submit(world.session, attempt, {"pick": "a", "essay": "为了弄清客户的问题", "case": {
        "cause": "x", "explain": "先断电，再干燥，然后测绝缘"}}, None)
    assert (attempt.status, attempt.score, attempt.score_max) == ("pending_grading", 4.0, 12.0)
    assert world.scores("cat") == []  # Moodle would null a PendingManual grade: none is queued
    record = world.session.scalars(select(TrainingRecord).where(TrainingRecord.item_id == OPEN)).one()
    assert record.status == "pending_grading"

    queue = marking.grading_queue(world.session, world.context.id)
    assert [(r.question_id, r.part_id) for r in queue.items] == [("essay", ""), ("case", "explain")]
    with pytest.raises(marking.MarkingError):
        marking.grade_response(world.session, queue.items[0], points=5, comment=None,
                               grader_id=world.users["teacher"].id)
    marking.grade_response(world.session, queue.items[0], points=3, comment="好", grader_id=world.users["teacher"].id)
    assert attempt.status == "pending_grading" and world.scores("cat") == []
    marking.grade_response(world.session, queue.items[1], points=4, comment=None, grader_id=world.users["teacher"].id)
    assert (attempt.status, attempt.score, attempt.passed) == ("graded", 11.0, True)
    sent = world.scores("cat")[-1]
    assert (sent.grading_progress, sent.score_given, sent.score_maximum) == ("FullyGraded", 11.0, 12.0)
    assert marking.grading_queue(world.session, world.context.id).total == 0


def test_canvas_is_told_pending_manual_at_once(app):
    with app.test_request_context(), get_db(app).sessionmaker() as session:
        world = _World(session, family="canvas")
        attempt = world.start("cat", "open")
        attempts.submit(world.session, attempt, {"essay": "文字"}, None)
        sent = world.scores("cat")
        assert [(s.grading_progress, s.activity_progress) for s in sent] == [("PendingManual", "Submitted")]


def test_the_last_attempt_counts_when_the_quiz_says_so(world):
    first = world.start("ann", "open")
    attempts.submit(world.session, first, {"pick": "a"}, None)  # open parts left empty: graded at once
    second = world.start("ann", "open")
    attempts.submit(world.session, second, {"pick": "b"}, None)
    assert (first.score, second.score) == (2.0, 0.0)
    assert world.scores("ann")[-1].score_given == 0.0


def test_a_new_version_changes_no_result_until_an_instructor_regrades(world, app, tmp_path):
    attempt = world.start("ann")
    attempts.submit(world.session, attempt, {**RIGHT, "one": "b"}, None)
    assert attempt.score == 6.0
    # The key of question "one" was wrong: version 1.0.1 fixes it to "b".
    library = tmp_path / "library"
    shutil.copytree(LIBRARY, library)
    quiz = library / COURSE / "quizzes" / "check.yaml"
    quiz.write_text(quiz.read_text().replace("    answer: a\n  - id: many", "    answer: b\n  - id: many"))
    course = library / COURSE / "course.yaml"
    course.write_text(course.read_text().replace('version: "1.0.0"', 'version: "1.0.1"'))
    app.config["SETTINGS"].content_path = library
    world.session.info.clear()  # a new request: the version is looked up again
    fixed = current_version(world.session, COURSE)
    assert fixed.version == "1.0.1" and fixed.id != attempt.course_version_id
    world.session.refresh(attempt)
    assert attempt.score == 6.0  # importing changed nothing
    row = marking.regrade(world.session, context_id=world.context.id, item_id=CHECK, version=fixed,
                          by_user_id=world.users["teacher"].id)
    assert (row.attempts, row.changed, row.by_user_id) == (1, 1, world.users["teacher"].id)
    assert (attempt.score, attempt.graded_version_id, attempt.course_version_id) == (8.0, fixed.id,
                                                                                      attempt.course_version_id)
    assert world.scores("ann")[-1].score_given == 8.0  # resent to the LMS
    assert world.session.scalars(select(Regrade)).one().details[0]["before"] == 6.0


def test_statistics_show_difficulty_and_discrimination(world):
    answers = {"ann": RIGHT, "bob": {**RIGHT, "fact": False}, "cat": {"one": "b", "fact": False}}
    for key, given in answers.items():
        attempts.submit(world.session, world.start(key), given, None)
    stats = {s.question_id: s for s in question_stats(world.session, world.context.id, CHECK)}
    assert stats["one"].difficulty == pytest.approx(2 / 3, abs=1e-3)
    assert stats["fact"].difficulty == pytest.approx(1 / 3, abs=1e-3)
    assert stats["one"].discrimination > 0.5  # the stronger learners got it right
    assert stats["one"].answered == 3
    assert pearson([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.2]) > 0.9 and pearson([1, 1], [0, 1]) is None


def test_responses_and_attempts_point_at_the_version_they_were_taken_under(world):
    attempt = world.start("ann")
    attempts.submit(world.session, attempt, RIGHT, None)
    responses = world.session.scalars(select(AttemptResponse).where(AttemptResponse.attempt_id == attempt.id)).all()
    assert len(responses) == 5 and all(r.points == r.max_points for r in responses)
    assert attempt.course_version_id == current_version(world.session, COURSE).id


def test_the_worker_emits_attempted_for_an_open_attempt_and_the_rest_once_it_is_submitted(world):
    from xapi.schema import statement

    def verbs():
        return sorted(v.rsplit("/", 1)[-1] for v in world.session.scalars(select(statement.c.verb_id)))

    attempt = world.start("ann")
    assert attempt.statements_due and verbs() == []  # the start owes "attempted"; the worker builds it
    assert attempts.emit_due_statements(world.session) == 1
    assert verbs() == ["attempted"] and not attempt.statements_due
    assert attempts.emit_due_statements(world.session) == 0

    attempts.submit(world.session, attempt, RIGHT)
    world.session.refresh(attempt)
    assert attempt.statements_due and verbs() == ["attempted"]
    assert attempts.emit_due_statements(world.session) == 1  # "attempted" again is the same id: stored once
    assert verbs() == ["answered"] * 5 + ["attempted", "completed", "passed"]
