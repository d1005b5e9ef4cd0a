"""Instructors over HTTP: the grading queue to the LMS gradebook, statistics, the AGS
delivery log, regrade; and the server refusing learners and forged ids."""

from __future__ import annotations

import pytest

from lti_tool.learning.views import bp as learner_bp
from lti_tool.learning.teach import bp as teach_bp
from lti_tool.lti import ags
from tests.functional.learning.conftest import attempt_id, launch


def _base(browser) -> str:
    return browser.url.split("/learn/")[0]


def test_open_answers_are_graded_from_the_queue_and_the_final_score_reaches_the_lms(platform, links, app):
    learner = launch(platform, links["open"])
    learner.submit(learner.page.form(action_contains="/learn/start/"))
    learner.submit(learner.page.form("attempt-form"), {"a.pick": "a", "a.essay": "为了弄清问题。",
                                                        "a.case.cause": "x", "a.case.explain": "断电、干燥、测绝缘。"})
    assert learner.page.text_of("score") in ("Submitted", "已提交")
    assert ags.deliver_scores(app) == 0  # Moodle-like: no PendingManual is sent

    teacher = launch(platform, links["open"], user="instructor")
    # A trainer opening the quiz lands on its teaching view, which previews the learner's page.
    assert teacher.url.split("?")[0].endswith("/learn/teach/quiz/learn-basics/open"), teacher.url
    teacher.follow("preview-as-learner")
    assert teacher.response.status_code == 200 and teacher.page.form(action_contains="/learn/start/")
    teacher.get(next(link["href"] for link in teacher.page.links if link["href"].split("?")[0].endswith("/learn/teach/")))
    assert "2" in teacher.page.text_of("grading-queue")
    teacher.follow("grading-queue")
    # The queue names the quiz and the question by their texts, not by ids.
    queue = teacher.page.text_of("queue")
    assert queue.count("在线学习测试课程：案例分析") == 2 and "learn-basics/open" not in queue, queue
    assert "为什么要先倾听？" in queue and "阅读案例。 › " in queue and "essay" not in queue, queue
    teacher.get(next(link["href"] for link in teacher.page.links if "/learn/teach/grading/" in link["href"]))
    assert "为了弄清问题。" in teacher.page.text_of("learner-answer")
    bad = teacher.submit("grade-form", {"points": "99"})
    assert bad.status_code == 422
    teacher.submit("grade-form", {"points": "4", "comment": "很好"})
    assert "断电、干燥、测绝缘。" in teacher.page.text_of("learner-answer")  # on to the next answer
    teacher.submit("grade-form", {"points": "3"})
    assert teacher.page.text_of("queue-empty")

    assert ags.deliver_scores(app) == 1
    sent = platform.scores()[-1]
    assert (sent["gradingProgress"], sent["scoreGiven"], sent["scoreMaximum"]) == ("FullyGraded", 11.0, 12.0)  # 2 + 4 + 2 + 3
    quiz_page = teacher.get(_base(teacher) + "/learn/teach/quiz/learn-basics/open")
    assert quiz_page.status_code == 200
    assert "FullyGraded" in teacher.page.text_of("deliveries")
    assert "pick" in teacher.page.text_of("question-stats") or "—" in teacher.page.text


def test_learners_are_refused_every_instructor_page(platform, links):
    learner = launch(platform, links["check"])
    base = _base(learner)
    for path in ("/learn/teach/", "/learn/teach/grading", "/learn/teach/grading/1",
                 "/learn/teach/quiz/learn-basics/check"):
        assert learner.get(base + path).status_code == 403, path


def test_every_view_declares_its_roles(app):
    for name, view in app.view_functions.items():
        if name.startswith(f"{teach_bp.name}."):
            assert view.required_roles == ("instructor",), name
        elif name.startswith(f"{learner_bp.name}."):
            assert hasattr(view, "required_roles"), name


@pytest.mark.parametrize("path", ["/learn/course/fault-diagnosis-repair", "/learn/quiz/learn-basics/nope",
                                  "/learn/quiz/elsewhere/check", "/learn/lesson/learn-basics/nope",
                                  "/learn/attempt/999"])
def test_items_not_placed_in_the_course_and_unknown_ids_are_not_found(platform, links, path):
    learner = launch(platform, links["course"])
    assert learner.get(_base(learner) + path).status_code == 404


def test_an_instructor_sees_a_learners_attempt_but_a_forged_regrade_is_refused(platform, links):
    learner = launch(platform, links["check"])
    learner.submit(learner.page.form(action_contains="/learn/start/"))
    attempt = attempt_id(learner)
    learner.submit(learner.page.form("attempt-form"), {"a.one": "a"})
    teacher = launch(platform, links["check"], user="instructor")
    assert teacher.get(_base(teacher) + f"/learn/attempt/{attempt}/result").status_code == 200
    assert "张伟" in teacher.page.text
    teacher.get(_base(teacher) + "/learn/teach/quiz/learn-basics/check")
    form = teacher.page.form("regrade-form")
    assert teacher.submit(form, {"version_id": "424242"}).status_code == 422
    teacher.get(_base(teacher) + "/learn/teach/quiz/learn-basics/check")
    teacher.submit(teacher.page.form("regrade-form"))
    assert "1" in teacher.page.text_of("regrade-log")


def test_placement_is_matched_exactly_never_as_a_pattern(platform, links, db_session):
    from sqlalchemy import select

    from lti_tool.learning.access import placed
    from lti_tool.lti.models import ResourceLink

    launch(platform, links["check"]).close()
    context_id = db_session.scalars(select(ResourceLink.context_id).where(
        ResourceLink.item_id == "learn-basics/check")).first()
    assert placed(db_session, context_id, "learn-basics")
    for lookalike in ("learn_basics", "learn%", "learn-basic", "learn\\_basics"):
        assert not placed(db_session, context_id, lookalike), lookalike
