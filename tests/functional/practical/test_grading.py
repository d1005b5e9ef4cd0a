"""An instructor grades a practical task over HTTP: roster, tablet form, draft, sign-off;
the score reaches the LMS gradebook through the outbox, xAPI and the training record
follow, and the learner sees and acknowledges the result."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.lti import ags
from lti_tool.practical.models import Assessment, Submission
from lti_tool.records.models import TrainingRecord
from tests.functional.practical.conftest import TASK, csrf, post_json, statements, user_id

PASSING = {"level-lockout": "met", "level-quality": "good", "note-lockout": "锁具和标签齐全", "confirm": "1",
           "comment": "操作规范"}


def open_form(people, platform, app):
    people("learner")  # the learner opened the tool once: on the roster
    instructor = people("instructor")
    assert instructor.page.url.endswith(f"/practical/task/{TASK}")
    assert "张伟" in instructor.page.text_of("roster")
    instructor.submit(instructor.page.form(action_contains="/practical/assess"))
    assert "/practical/assessments/" in instructor.page.url
    return instructor


def test_sign_off_sends_the_score_xapi_and_the_record(people, platform, app, db_session):
    instructor = open_form(people, platform, app)
    form = instructor.page.form("grading")
    assert set(form.options("level-quality")) == {"poor", "fair", "good"}
    instructor.submit(form, PASSING)
    assert instructor.response.status_code == 200
    assert instructor.page.text_of("score") == "100"
    assessment = db_session.scalars(select(Assessment)).one()
    assert assessment.status == "signed" and assessment.passed is True and assessment.score == 100
    assert assessment.course_version_id is not None

    assert ags.deliver_scores(app) == 1
    assert platform.gradebook()[("基础课程实操考核", "learner")] == 100.0
    assert platform.scores()[-1]["gradingProgress"] == "FullyGraded"

    scored = statements(app, "/scored")
    assert len(scored) == 1
    s = scored[0]
    assert s["actor"]["account"]["name"] == platform.user("learner").sub
    assert s["context"]["instructor"]["account"]["name"] == platform.user("instructor").sub
    criteria = next(v for k, v in s["result"]["extensions"].items() if k.endswith("/criteria"))
    assert {c["id"] for c in criteria} == {"lockout", "quality"}
    assert len(statements(app, "/passed")) == 1

    record = db_session.scalars(select(TrainingRecord).where(TrainingRecord.kind == "practical")).one()
    assert (record.item_id, record.status, record.score, record.passed) == (TASK, "passed", 100.0, True)
    assert record.user_id == user_id(app, platform, "learner")

    learner = people("learner")
    learner.get(learner.page.url.rsplit("/practical/", 1)[0] + "/practical/my")
    link = next(a for a in learner.page.links if "/practical/results/" in a["href"])
    learner.get(link["href"])
    assert learner.page.text_of("score") == "100"
    assert "锁具和标签齐全" in learner.page.text
    learner.submit(learner.page.form("acknowledge-form"))
    assert "确认" in learner.page.text_of("acknowledgement") and "尚未" not in learner.page.text_of("acknowledgement")
    assert not any(f.id == "acknowledge-form" for f in learner.page.forms)
    db_session.expire_all()
    assert db_session.get(Assessment, assessment.id).acknowledged_at is not None


def test_a_critical_item_at_zero_fails_whatever_the_total(people, platform, app, db_session):
    instructor = open_form(people, platform, app)
    instructor.submit(instructor.page.form("grading"), {**PASSING, "level-lockout": "not-met"})
    assessment = db_session.scalars(select(Assessment)).one()
    assert assessment.score == 60 and assessment.passed is False  # 60 ≥ 70? no; and critical failed
    assert len(statements(app, "/failed")) == 1
    ags.deliver_scores(app)
    assert platform.gradebook()[("基础课程实操考核", "learner")] == 60.0


def test_an_incomplete_form_is_refused_and_kept_as_a_draft(people, platform, app, db_session):
    instructor = open_form(people, platform, app)
    # lockout needs evidence (sample: critical, not evidence_required) - leave quality ungraded
    instructor.submit(instructor.page.form("grading"), {"level-lockout": "met", "confirm": "1"})
    assert instructor.response.status_code == 200  # back on the form, with the message
    assert "/practical/assessments/" in instructor.page.url
    assessment = db_session.scalars(select(Assessment)).one()
    assert assessment.status == "draft" and assessment.levels == {"lockout": "met"}
    assert ags.deliver_scores(app) == 0 and statements(app, "/scored") == []


def test_the_same_submission_sent_twice_is_applied_once(people, platform, app, db_session):
    """The tablet lost its connection after sending; it sends the same form again."""
    instructor = open_form(people, platform, app)
    form = instructor.page.form("grading")
    token, uuid = csrf(instructor), form.values()["submission_uuid"]
    body = {"levels": {"lockout": "met", "quality": "fair"}, "notes": {}, "comment": "", "confirm": "1",
            "submission_uuid": uuid}
    first = post_json(instructor, form.action, body, token)
    again = post_json(instructor, form.action, body, token)
    assert first.status_code == 200 and first.json()["replayed"] is False
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert first.json()["score"] == again.json()["score"] == 70
    assert db_session.scalars(select(Submission)).all().__len__() == 1
    assert ags.deliver_scores(app) == 1
    assert len(platform.scores()) == 1
    assert len(statements(app, "/scored")) == 1
    # Another form (another uuid) for the signed assessment is refused, not applied.
    other = post_json(instructor, form.action, {**body, "submission_uuid": "9c3e0b8e-6a55-4c8f-8d55-0f4b7c1e2a10"}, token)
    assert other.status_code == 409
