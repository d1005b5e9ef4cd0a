"""Migration 0150 numbers the photos already stored: per assessment and criterion 1, 2,
... in upload order, so the unique slot holds for existing data (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lti_tool import migrate
from lti_tool.catalog.models import CourseVersion
from lti_tool.lti.models import Context, Deployment, Platform, User
from lti_tool.practical.models import Assessment, Evidence
from tests.unit.test_migrations_forward import empty_engine  # noqa: F401  (fixture)

BEFORE = "20261207_0100"


def test_existing_photos_get_slots_in_upload_order(empty_engine):  # noqa: F811
    migrate.upgrade(empty_engine, BEFORE)
    with Session(empty_engine) as session, session.begin():
        # the organisation by id: its model may have columns this older schema lacks
        default = session.scalar(text("SELECT id FROM organisation WHERE slug = 'default'"))
        platform = Platform(issuer="https://lms.example", client_id="c", name="LMS", auth_login_url="https://l/a",
                            auth_token_url="https://l/t", key_set_url="https://l/k", organisation_id=default)
        session.add(platform)
        session.flush()
        deployment = Deployment(platform_id=platform.id, deployment_id="1")
        learner = User(platform_id=platform.id, sub="4", name="张伟")
        session.add_all([deployment, learner])
        session.flush()
        # the course by SQL too: catalog_course gained columns after this revision
        session.execute(text("INSERT INTO catalog_course (slug, created_at) VALUES ('basics', '2026-03-01 09:00:00')"))
        course_id = session.scalar(text("SELECT id FROM catalog_course WHERE slug = 'basics'"))
        context = Context(deployment_pk=deployment.id, lms_context_id="3", title="课")
        version = CourseVersion(course_id=course_id, version="1", content_hash="h", category="general", manifest={},
                                lessons=[], quizzes=[], practical=[], assets={})
        session.add_all([context, version])
        session.flush()
        assessments = [Assessment(uid=f"a{n}", context_id=context.id, learner_id=learner.id, course_id="basics",
                                  task_id="task", item_id="basics/task", course_version_id=version.id,
                                  status="signed") for n in range(2)]
        session.add_all(assessments)
        session.flush()
        for n, (assessment, criterion) in enumerate([(0, "lockout"), (0, "quality"), (0, "lockout"), (1, "lockout"),
                                                     (0, "lockout")]):
            session.execute(text(
                "INSERT INTO practical_evidence (uid, assessment_id, criterion_id, media_type, size, width, height,"
                " sha256, created_at) VALUES (:uid, :a, :c, 'image/jpeg', 1, 1, 1, '', '2026-03-02 09:00:00')"),
                {"uid": f"e{n}", "a": assessments[assessment].id, "c": criterion})
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        rows = session.execute(select(Evidence.uid, Evidence.slot).order_by(Evidence.uid)).all()
    assert rows == [("e0", 1), ("e1", 1), ("e2", 2), ("e3", 1), ("e4", 3)]
