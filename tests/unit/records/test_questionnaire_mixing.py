"""Questionnaire answers wait until at least five of a course run can be mixed, then
move together, with new random ids and no trace of the order they came in."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.lti.models import Context, Deployment
from lti_tool.questionnaires import services
from lti_tool.questionnaires.models import QuestionnairePending, QuestionnaireResponse
from tests.unit.certificates.conftest import settings_overrides, world  # noqa: F401  (fixtures)


def test_answers_move_only_five_at_a_time_and_get_new_ids(world, db_session, app):
    deployment = Deployment(platform_id=world.platform.id, deployment_id="d")
    db_session.add(deployment)
    db_session.flush()
    context = Context(deployment_pk=deployment.id, lms_context_id="c1", title="课程")
    db_session.add(context)
    db_session.flush()
    people = [world.user(f"u{i}", f"学员{i}") for i in range(6)]
    with app.app_context():
        for index, person in enumerate(people[:4]):
            services.submit(db_session, platform_id=world.platform.id, context_id=context.id, course_id="basics",
                            user_id=person.id, ratings={"content": 5, "method": 4, "trainer": index + 1},
                            comment=f"意见{index}")
        try:
            services.submit(db_session, platform_id=world.platform.id, context_id=context.id, course_id="basics",
                            user_id=people[0].id, ratings={"content": 1, "method": 1, "trainer": 1}, comment="")
        except services.AlreadyAnswered:
            pass
        else:
            raise AssertionError("a second answer must be refused")
        assert services.mix(db_session) == 0  # four waiting: not enough to hide who gave which
        assert services.summary(db_session, context.id, "basics").waiting == 4
        services.submit(db_session, platform_id=world.platform.id, context_id=context.id, course_id="basics",
                        user_id=people[4].id, ratings={"content": 3, "method": 3, "trainer": 5}, comment="")
        pending_ids = set(db_session.scalars(select(QuestionnairePending.id)))
        assert services.mix(db_session) == 5
        responses = db_session.scalars(select(QuestionnaireResponse)).all()
        assert len(responses) == 5 and not ({r.id for r in responses} & pending_ids)
        assert db_session.scalars(select(QuestionnairePending)).all() == []
        summary = services.summary(db_session, context.id, "basics")
        assert summary.shown and summary.count == 5 and summary.averages["trainer"] == 3.0
        assert summary.comments == sorted(f"意见{i}" for i in range(4))


def test_two_workers_mixing_at_once_move_each_answer_once(world, db_session, app):
    """Several workers run the mixing pass at the same moment (PostgreSQL row locks;
    SQLite has one writer): every answer becomes exactly one response."""
    import threading

    from lti_tool.db import get_db

    deployment = Deployment(platform_id=world.platform.id, deployment_id="d")
    db_session.add(deployment)
    db_session.flush()
    context = Context(deployment_pk=deployment.id, lms_context_id="c2", title="课程")
    db_session.add(context)
    db_session.flush()
    with app.app_context():
        for index in range(7):
            person = world.user(f"p{index}", f"学员{index}")
            services.submit(db_session, platform_id=world.platform.id, context_id=context.id, course_id="basics",
                            user_id=person.id, ratings={"content": 4, "method": 4, "trainer": 4}, comment="")
    db_session.commit()
    start, moved, errors = threading.Barrier(3), [], []

    def worker():
        start.wait()
        try:
            moved.append(services.drain(app))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with get_db(app).sessionmaker() as s:
        responses = s.scalars(select(QuestionnaireResponse)).all()
        left = s.scalars(select(QuestionnairePending)).all()
    assert not errors and sorted(moved) == [0, 0, 7]
    assert len(responses) == 7 and left == []
