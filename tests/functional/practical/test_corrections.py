"""After sign-off: a correction keeps the replaced version in the audit trail (who,
when, why), voids the earlier xAPI statements, and sends the score again. Drafts are
saved as they are filled (the tablet script's JSON autosave)."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.lti import ags
from lti_tool.practical.models import Assessment, Revision
from lti_tool.records.models import TrainingRecord
from tests.functional.practical.conftest import csrf, post_json, statements


def signed_at_70(people):
    people("learner")
    instructor = people("instructor")
    instructor.submit(instructor.page.form(action_contains="/practical/assess"))
    instructor.submit(instructor.page.form("grading"), {"level-lockout": "met", "level-quality": "fair", "confirm": "1"})
    assert instructor.page.text_of("score") == "70"
    return instructor


def test_a_correction_keeps_the_audit_trail_and_resends_everything(people, platform, app, db_session):
    instructor = signed_at_70(people)
    learner = people("learner")
    assessment = db_session.scalars(select(Assessment)).one()
    learner.get(f"{platform.tool_base_url}/practical/results/{assessment.id}")
    learner.submit(learner.page.form("acknowledge-form"))
    assert ags.deliver_scores(app) == 1
    first_ids = {s["id"] for s in statements(app) if not s["verb"]["id"].endswith("launched")}

    instructor.get(instructor.page.url)
    instructor.follow("correct")
    form = instructor.page.form("grading")
    assert form.values()["level-quality"] == "fair"  # the signed levels, to change
    instructor.submit(form, {"level-quality": "fair", "reason": ""})
    assert instructor.response.status_code in (400, 422)  # a reason is required
    instructor.get(instructor.page.url) if instructor.response.status_code == 200 else instructor.get(
        f"{platform.tool_base_url}/practical/assessments/{assessment.id}/correct")
    instructor.submit(instructor.page.form("grading"), {"level-quality": "good", "confirm": "1",
                                                        "reason": "复核录像：线束整理符合标准"})
    assert instructor.response.status_code == 200
    assert instructor.page.text_of("score") == "100"
    trail = instructor.page.text_of("audit-trail")
    assert "复核录像：线束整理符合标准" in trail and "王芳" in trail and "70" in trail

    db_session.expire_all()
    corrected = db_session.get(Assessment, assessment.id)
    assert (corrected.version, corrected.score, corrected.acknowledged_at) == (2, 100, None)
    revision = db_session.scalars(select(Revision)).one()
    assert (revision.version, revision.score, revision.levels["quality"]) == (1, 70, "fair")
    assert revision.acknowledged_at is not None and revision.corrected_by.name == "王芳"

    assert ags.deliver_scores(app) == 1
    assert [s["scoreGiven"] for s in platform.scores()] == [70.0, 100.0]
    voided = {s["object"]["id"] for s in statements(app, "/voided")}
    assert voided == first_ids  # scored and passed of version 1
    current = [s for s in statements(app) if s["verb"]["id"].endswith(("/scored", "/passed")) and s["id"] not in voided]
    assert len(current) == 2 and all(s["result"]["score"]["raw"] == 100 for s in current)
    record = db_session.scalars(select(TrainingRecord).where(TrainingRecord.kind == "practical")).one()
    assert (record.score, record.source["version"]) == (100, 2)


def test_the_same_correction_sent_twice_is_applied_once(people, platform, app, db_session):
    instructor = signed_at_70(people)
    assessment = db_session.scalars(select(Assessment)).one()
    instructor.get(f"{platform.tool_base_url}/practical/assessments/{assessment.id}/correct")
    form = instructor.page.form("grading")
    body = {"levels": {"lockout": "met", "quality": "good"}, "notes": {}, "comment": "", "confirm": "1",
            "reason": "录入错误", "submission_uuid": form.values()["submission_uuid"]}
    token = csrf(instructor)
    assert post_json(instructor, form.action, body, token).json()["replayed"] is False
    assert post_json(instructor, form.action, body, token).json()["replayed"] is True
    assert len(db_session.scalars(select(Revision)).all()) == 1
    db_session.expire_all()
    assert db_session.get(Assessment, assessment.id).version == 2


def test_drafts_are_saved_as_they_are_filled(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    instructor.submit(instructor.page.form(action_contains="/practical/assess"))
    form = instructor.page.form("grading")
    draft_url = form.action.replace("/sign-off", "/draft")
    token = csrf(instructor)
    saved = post_json(instructor, draft_url, {"levels": {"quality": "fair"}, "notes": {"quality": "接线端子未紧固"},
                                              "comment": "进行中"}, token)
    assert saved.status_code == 200 and saved.json()["status"] == "saved"
    instructor.get(instructor.page.url)  # the tablet reloads: the draft is there
    values = instructor.page.form("grading").values()
    assert values["level-quality"] == "fair" and values["note-quality"] == "接线端子未紧固"
    assert post_json(instructor, draft_url, {"levels": {"quality": "perfect"}}, token).status_code == 422
    # Leaving and coming back resumes the same draft rather than starting another.
    instructor.get(f"{platform.tool_base_url}/practical/task/basics/task")
    instructor.submit(instructor.page.form(action_contains="/practical/assess"))
    assert len(db_session.scalars(select(Assessment)).all()) == 1
    instructor.submit(instructor.page.form("grading"), {"level-lockout": "met", "confirm": "1"})
    assert post_json(instructor, draft_url, {"levels": {"quality": "good"}}, token).status_code == 409
