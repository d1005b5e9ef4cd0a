"""The migrations run forward over a database that already holds data (SQLite and
PostgreSQL): rows written at an early revision, with raw SQL as that schema stood, are
all there and readable through today's models after ``upgrade`` to the head."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from lti_tool import migrate
from lti_tool.lti.models import Context, Deployment, Enrolment, Platform, ResourceLink, User
from lti_tool.records.models import TrainingRecord

EARLY = "20261123_0030"  # identity and training records exist; learning, practical, sessions, HR come after
AT = "2026-03-02 09:00:00"
ROWS = [
    """INSERT INTO lti_platform (id, issuer, client_id, name, auth_login_url, auth_token_url, key_set_url,
       product_family, active, created_at) VALUES (1, 'https://moodle.example', 'c1', '公司 Moodle',
       'https://moodle.example/a', 'https://moodle.example/t', 'https://moodle.example/k', 'moodle', TRUE, :at)""",
    "INSERT INTO lti_deployment (id, platform_id, deployment_id, created_at) VALUES (1, 1, '2', :at)",
    """INSERT INTO lti_user (id, platform_id, sub, name, given_name, family_name, email, locale, person_sourcedid,
       created_at) VALUES (1, 1, '4', '张伟', '伟', '张', 'zw@example.com', 'zh-CN', 'E1001', :at),
       (2, 1, '5', '李娜', '娜', '李', '', 'zh-CN', NULL, :at)""",
    """INSERT INTO lti_context (id, deployment_pk, lms_context_id, title, label, ags_scopes, created_at)
       VALUES (1, 1, '3', '售后基础', 'ASV101', '[]', :at)""",
    """INSERT INTO lti_enrolment (id, user_id, context_id, roles, role, source, last_seen_at)
       VALUES (1, 1, 1, '[]', 'learner', 'launch', :at), (2, 2, 1, '[]', 'instructor', 'launch', :at)""",
    """INSERT INTO lti_resource_link (id, context_id, lms_resource_link_id, title, item_kind, item_id, created_at)
       VALUES (1, 1, '12', '小测', 'quiz', 'basics/check', :at)""",
    """INSERT INTO training_record (id, user_id, context_id, platform_id, course_id, kind, item_id, title, status,
       score, score_max, passed, hours, started_at, completed_at, updated_at, source) VALUES
       (1, 1, 1, 1, 'basics', 'quiz', 'basics/check', '{"zh-CN": "小测"}', 'passed', 8, 10, TRUE, 0.5, :at, :at, :at,
        '{}'),
       (2, 1, 1, 1, 'basics', 'lesson', 'basics/intro', '{"zh-CN": "导论"}', 'completed', NULL, NULL, NULL, 1.0,
        :at, :at, :at, '{}')""",
]


@pytest.fixture(params=["sqlite", "postgres"])
def empty_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'forward.db'}")
        yield engine
        engine.dispose()
        return
    server = request.getfixturevalue("postgres")
    name = f"forward_{abs(hash(request.node.nodeid)) % 10**8}"
    server.execute(f"CREATE DATABASE {name}")
    engine = create_engine(server.url(name))
    yield engine
    engine.dispose()
    server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_rows_written_at_an_early_revision_survive_the_upgrade_to_head(empty_engine):
    migrate.upgrade(empty_engine, EARLY)
    with empty_engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement), {"at": AT})
        if conn.dialect.name == "postgresql":  # the rows took explicit ids: move the sequences past them
            for table in ("lti_platform", "lti_deployment", "lti_user", "lti_context", "lti_enrolment",
                          "lti_resource_link", "training_record"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)"))

    migrate.upgrade(empty_engine)  # every later revision, over the data
    migrate.check(empty_engine)  # and the result is what the models describe

    with Session(empty_engine) as session:
        platform = session.scalars(select(Platform)).one()
        assert (platform.issuer, platform.name, platform.active) == ("https://moodle.example", "公司 Moodle", True)
        assert session.scalars(select(Deployment)).one().deployment_id == "2"
        users = session.scalars(select(User).order_by(User.id)).all()
        assert [(u.name, u.person_sourcedid) for u in users] == [("张伟", "E1001"), ("李娜", None)]
        assert users[0].created_at == datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
        assert session.scalars(select(Context)).one().label == "ASV101"
        assert sorted(e.role for e in session.scalars(select(Enrolment))) == ["instructor", "learner"]
        assert session.scalars(select(ResourceLink)).one().item_id == "basics/check"
        records = session.scalars(select(TrainingRecord).order_by(TrainingRecord.id)).all()
        assert [(r.kind, r.status, r.score, r.title["zh-CN"]) for r in records] == [
            ("quiz", "passed", 8.0, "小测"), ("lesson", "completed", None, "导论")]
        # New rows still get fresh ids next to the old ones.
        session.add(User(platform_id=platform.id, sub="6", name="王芳"))
        session.flush()
        assert session.scalar(select(User.id).where(User.sub == "6")) not in (1, 2)
        session.rollback()
