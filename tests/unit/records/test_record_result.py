import pytest

from lti_tool.lti.models import Platform, User
from lti_tool.records.models import TrainingRecord
from lti_tool.records.services import record_result


@pytest.fixture
def learner(db_session):
    platform = Platform(issuer="https://lms.example", client_id="c", auth_login_url="https://lms.example/a",
                        auth_token_url="https://lms.example/t", key_set_url="https://lms.example/k")
    db_session.add(platform)
    db_session.flush()
    user = User(platform_id=platform.id, sub="u1", name="张伟")
    db_session.add(user)
    db_session.flush()
    return user


def test_a_record_is_created_then_updated_without_losing_fields(db_session, learner):
    common = dict(user_id=learner.id, platform_id=learner.platform_id, context_id=None,
                  course_id="fault-diagnosis-repair", kind="quiz", item_id="fault-diagnosis-repair/final-exam")
    record_result(db_session, status="in_progress", title={"zh-CN": "结业考试", "en": "Final exam"}, **common)
    record_result(db_session, status="passed", score=85.0, score_max=100.0, passed=True, source={"attempt": 7}, **common)
    record_result(db_session, status="passed", source={"review": 1}, **common)  # no score given: kept
    record = db_session.query(TrainingRecord).one()
    assert (record.status, record.score, record.passed) == ("passed", 85.0, True)
    assert record.title["zh-CN"] == "结业考试"
    assert record.source == {"attempt": 7, "review": 1}


def test_unknown_kinds_and_statuses_are_refused(db_session, learner):
    common = dict(user_id=learner.id, platform_id=learner.platform_id, context_id=None, course_id="c", item_id="c/x")
    with pytest.raises(ValueError):
        record_result(db_session, kind="exam", status="passed", **common)
    with pytest.raises(ValueError):
        record_result(db_session, kind="quiz", status="great", **common)


def test_a_result_that_changes_nothing_writes_nothing(db_session, learner):
    from tests.support.queries import count_queries

    common = dict(user_id=learner.id, platform_id=learner.platform_id, context_id=None, course_id="c", kind="quiz",
                  item_id="c/q", status="passed", score=9.0, score_max=10.0, passed=True, source={"attempt": 1})
    record = record_result(db_session, **common)
    stamp = record.updated_at
    with count_queries(db_session.get_bind()) as same:
        record_result(db_session, **common)
    assert [s for s in same.statements if s.lstrip().upper().startswith("UPDATE")] == []
    assert record.updated_at == stamp
    record_result(db_session, **{**common, "score": 10.0})
    assert (record.score, record.updated_at > stamp) == (10.0, True)
