"""What each builder says: verbs, objects, context, results, ids; and what it refuses."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import datetime, timedelta

import pytest

from tests.unit.xapi import samples as s
from xapi import statements as st
from xapi.statements import Choice, Person, Question, Score
from xapi.store import to_dict
from xapi.vocabulary import CMI5_PROGRESS, ActivityType, Verb

BASE = "https://training.example.com"
EXT = BASE + "/xapi/extensions/"


def seconds(duration: str) -> float:
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", duration)
    hours, minutes, secs = (float(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + secs


def d(statement) -> dict:
    return to_dict(statement)


@pytest.fixture
def ctx():
    return s.course_context(BASE)


def test_registry_holds_every_builder_by_kind():
    assert set(st.KINDS) == {
        "launched", "lesson-experienced", "lesson-progressed", "quiz-attempted", "question-answered",
        "attempt-completed", "attempt-passed", "attempt-failed", "practical-scored", "practical-passed",
        "practical-failed", "session-attended", "certificate-earned", "voided"}
    for kind, builder in st.KINDS.items():
        assert builder.kind == kind


def test_build_by_kind_name_equals_calling_the_builder(ctx):
    by_name = st.build("lesson-progressed", ctx, s.LEARNER, s.LESSON, progress=100, timestamp=s.WHEN)
    direct = st.lesson_progressed(ctx, s.LEARNER, s.LESSON, progress=100, timestamp=s.WHEN)
    assert d(by_name) == d(direct)
    with pytest.raises(ValueError, match="unknown statement kind 'lesson-read'"):
        st.build("lesson-read", ctx)


def test_same_event_same_id_so_a_resend_is_idempotent(ctx):
    first = st.attempt_passed(ctx.with_registration(s.ATTEMPT), s.LEARNER, s.QUIZ, score=Score(17, 20),
                              timestamp=s.WHEN)
    again = st.attempt_passed(ctx.with_registration(s.ATTEMPT), s.LEARNER, s.QUIZ, score=Score(17, 20),
                              timestamp=s.WHEN)
    assert first.id == again.id
    other_attempt = st.attempt_passed(ctx.with_registration(uuid.uuid4()), s.LEARNER, s.QUIZ,
                                      score=Score(17, 20), timestamp=s.WHEN)
    other_learner = st.attempt_passed(ctx.with_registration(s.ATTEMPT), Person(s.ISSUER, "someone-else"), s.QUIZ,
                                      score=Score(17, 20), timestamp=s.WHEN)
    assert len({first.id, other_attempt.id, other_learner.id}) == 3


def test_ids_are_uuid5_in_the_product_namespace(ctx):
    statement = st.quiz_attempted(ctx, s.LEARNER, s.QUIZ, timestamp=s.WHEN)
    identity = "\x1f".join(["quiz-attempted", f"{s.ISSUER}\x1elearner-17", str(s.ENROLMENT),
                            f"{BASE}/xapi/activities/assessment/brake-service/final-exam"])
    assert statement.id == uuid.uuid5(st.STATEMENT_NAMESPACE, identity)


def test_repeated_readings_are_distinct_events_but_a_progress_mark_is_once(ctx):
    read = [st.lesson_experienced(ctx, s.LEARNER, s.LESSON, timestamp=s.WHEN + timedelta(minutes=m)) for m in (0, 5)]
    assert read[0].id != read[1].id
    progressed = [st.lesson_progressed(ctx, s.LEARNER, s.LESSON, progress=50, timestamp=s.WHEN + timedelta(minutes=m))
                  for m in (0, 5)]
    assert progressed[0].id == progressed[1].id


def test_activity_ids_do_not_change_with_the_content_version(ctx):
    import dataclasses

    v1 = d(st.lesson_experienced(ctx, s.LEARNER, s.LESSON, timestamp=s.WHEN))
    v2 = d(st.lesson_experienced(dataclasses.replace(ctx, revision="2027.1"), s.LEARNER, s.LESSON, timestamp=s.WHEN))
    assert v1["object"]["id"] == v2["object"]["id"] == f"{BASE}/xapi/activities/lesson/brake-service/caliper-removal"
    assert (v1["context"]["revision"], v2["context"]["revision"]) == ("2026.1", "2027.1")


def test_actor_is_the_lti_account_on_the_platform(ctx):
    actor = d(st.quiz_attempted(ctx, s.LEARNER, s.QUIZ, timestamp=s.WHEN))["actor"]
    assert actor == {"objectType": "Agent", "name": "王芳",
                     "account": {"homePage": "https://moodle.example.com", "name": "learner-17"}}


def test_lesson_statements_have_the_course_as_parent_and_the_lms_course_as_grouping(ctx):
    data = d(st.lesson_experienced(ctx, s.LEARNER, s.LESSON, timestamp=s.WHEN, duration=timedelta(seconds=724.5)))
    assert data["verb"]["id"] == Verb.EXPERIENCED
    context = data["context"]
    assert context["registration"] == str(s.ENROLMENT)
    assert [a["id"] for a in context["contextActivities"]["parent"]] == [
        f"{BASE}/xapi/activities/course/brake-service"]
    assert [a["id"] for a in context["contextActivities"]["grouping"]] == [
        f"{BASE}/xapi/activities/lms-context/https%3A%2F%2Fmoodle.example.com/course-42"]
    assert context["contextActivities"]["grouping"][0]["definition"]["name"] == {"und": "售后服务培训 2026"}
    assert (context["platform"], context["language"]) == ("Moodle", "zh-CN")
    assert seconds(data["result"]["duration"]) == 724.5


def test_progress_uses_the_cmi5_progress_extension(ctx):
    data = d(st.lesson_progressed(ctx, s.LEARNER, s.LESSON, progress=100, timestamp=s.WHEN))
    assert data["result"] == {"completion": True, "extensions": {CMI5_PROGRESS: 100}}
    for bad in (-1, 101, 50.5):
        with pytest.raises(ValueError):
            st.lesson_progressed(ctx, s.LEARNER, s.LESSON, progress=bad, timestamp=s.WHEN)


def test_answered_question_has_the_quiz_as_parent_and_the_course_in_grouping(ctx):
    data = d(st.question_answered(ctx.with_registration(s.ATTEMPT), s.LEARNER, s.QUIZ, s.QUESTIONS["choice"],
                                  answer=["b"], success=True, score=Score(2, 2), timestamp=s.WHEN))
    context = data["context"]
    assert context["registration"] == str(s.ATTEMPT)
    assert context["contextActivities"]["parent"][0]["id"].endswith("/assessment/brake-service/final-exam")
    assert context["contextActivities"]["grouping"][0]["id"].endswith("/course/brake-service")
    assert data["object"]["id"] == f"{BASE}/xapi/activities/question/brake-service/final-exam/q1"
    assert data["result"] == {"score": {"scaled": 1.0, "raw": 2.0, "min": 0.0, "max": 2.0}, "success": True,
                              "response": "b"}


def test_an_attempts_answers_share_one_context_and_say_what_each_alone_would(ctx):
    attempt, given = ctx.with_registration(s.ATTEMPT), {"choice": ["b"], "true-false": False, "fill-in": "Nm"}
    answers = [st.question_answered(attempt, s.LEARNER, s.QUIZ, s.QUESTIONS[kind], answer=answer, timestamp=s.WHEN)
               for kind, answer in given.items()]
    assert all(a.context is answers[0].context for a in answers)  # built once for the attempt
    for (kind, answer), shared in zip(given.items(), answers):
        alone = st.question_answered(dataclasses.replace(attempt), s.LEARNER, s.QUIZ, s.QUESTIONS[kind],
                                     answer=answer, timestamp=s.WHEN)  # an equal course context, not the same
        assert alone.context is not shared.context
        assert d(alone) == d(shared)
    other = st.question_answered(ctx.with_registration(s.ENROLMENT), s.LEARNER, s.QUIZ, s.QUESTIONS["choice"],
                                 answer=["b"], timestamp=s.WHEN)
    assert d(other)["context"]["registration"] == str(s.ENROLMENT)  # another attempt: its own


@pytest.mark.parametrize("kind,answer,response,pattern", [
    ("choice", ["b"], "b", ["b"]),
    ("multiple-choice", ["gloves", "jack"], "gloves[,]jack", ["gloves[,]jack"]),
    ("true-false", False, "false", ["false"]),
    ("fill-in", "Nm", "Nm", ["{case_matters=false}N·m", "{case_matters=false}Nm"]),
    ("long-fill-in", "先检查刹车片", "先检查刹车片", None),
    ("other", "region:caliper", "region:caliper", ["region:caliper"]),
])
def test_each_interaction_type_formats_patterns_and_responses(ctx, kind, answer, response, pattern):
    question = s.QUESTIONS[kind]
    data = d(st.question_answered(ctx, s.LEARNER, s.QUIZ, question, answer=answer, timestamp=s.WHEN))
    definition = data["object"]["definition"]
    assert definition.get("correctResponsesPattern") == pattern
    assert data["result"]["response"] == response
    assert definition["description"] == dict(question.prompt)


def test_an_open_answer_submitted_then_graded_is_two_statements(ctx):
    question = s.QUESTIONS["long-fill-in"]
    submitted = st.question_answered(ctx, s.LEARNER, s.QUIZ, question, answer="x", timestamp=s.WHEN)
    graded = st.question_answered(ctx, s.LEARNER, s.QUIZ, question, answer="x", timestamp=s.WHEN,
                                  success=True, score=Score(4, 5))
    assert submitted.id != graded.id and "success" not in d(submitted)["result"]


def test_attempt_outcomes_carry_score_duration_success_completion(ctx):
    score = Score(raw=9, min=0, max=20)
    failed = d(st.attempt_failed(ctx, s.LEARNER, s.QUIZ, score=score, timestamp=s.WHEN,
                                 duration=timedelta(minutes=31)))
    assert failed["verb"]["id"] == Verb.FAILED
    assert failed["result"]["score"] == {"scaled": 0.45, "raw": 9.0, "min": 0.0, "max": 20.0}
    assert (failed["result"]["success"], failed["result"]["completion"]) == (False, True)
    assert failed["object"]["definition"]["type"] == ActivityType.ASSESSMENT
    completed = d(st.attempt_completed(ctx, s.LEARNER, s.QUIZ, score=score, timestamp=s.WHEN))
    assert "success" not in completed["result"] and completed["verb"]["id"] == Verb.COMPLETED


def test_practical_assessment_names_the_assessor_and_every_criterion(ctx):
    data = d(st.practical_scored(ctx, s.LEARNER, s.TASK, assessor=s.TRAINER, score=Score(6, 10),
                                 criteria=s.CRITERIA, timestamp=s.WHEN))
    assert data["verb"]["id"] == Verb.SCORED
    assert data["context"]["instructor"]["account"] == {"homePage": s.ISSUER, "name": "trainer-3"}
    assert data["object"]["definition"]["type"] == ActivityType.PERFORMANCE
    criteria = data["result"]["extensions"][EXT + "criteria"]
    assert [c["id"] for c in criteria] == ["torque", "cleanliness", "safety"]
    assert criteria[1] == {"id": "cleanliness", "title": {"zh-CN": "工位整洁", "en": "Clean work area"},
                           "met": True, "points": 2, "maxPoints": 3, "comment": "地面有少量油渍"}
    passed = d(st.practical_passed(ctx, s.LEARNER, s.TASK, assessor=s.TRAINER, score=Score(10, 10),
                                   criteria=s.CRITERIA, timestamp=s.WHEN))
    assert passed["result"]["success"] is True and passed["verb"]["id"] == Verb.PASSED


def test_practical_assessment_needs_unique_criteria(ctx):
    for criteria in ([], [s.CRITERIA[0], s.CRITERIA[0]]):
        with pytest.raises(ValueError):
            st.practical_failed(ctx, s.LEARNER, s.TASK, assessor=s.TRAINER, score=Score(1, 10), criteria=criteria,
                                timestamp=s.WHEN)


@pytest.mark.parametrize("status,completion", [("present", True), ("late", True), ("left-early", False),
                                               ("absent", False), ("excused", False)])
def test_attendance_status_and_completion(ctx, status, completion):
    data = d(st.session_attended(ctx, s.LEARNER, s.SESSION, status=status, timestamp=s.WHEN))
    assert data["verb"]["id"] == Verb.ATTENDED
    assert data["object"]["id"] == f"{BASE}/xapi/activities/session/2026-03-02-beijing"
    assert data["object"]["definition"]["type"] == ActivityType.MEETING
    assert data["result"]["extensions"] == {EXT + "attendance-status": status}
    assert data["result"]["completion"] is completion
    with pytest.raises(ValueError):
        st.session_attended(ctx, s.LEARNER, s.SESSION, status="sleeping", timestamp=s.WHEN)


def test_certificate_earned_carries_number_and_verification_link(ctx):
    data = d(st.certificate_earned(ctx, s.LEARNER, title={"en": "Certificate"}, number="AS-1",
                                   verification_url=f"{BASE}/certificates/verify/X", timestamp=s.WHEN))
    assert data["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert data["object"]["id"] == f"{BASE}/xapi/activities/certificate/brake-service"
    assert data["result"]["extensions"] == {EXT + "certificate-number": "AS-1",
                                            EXT + "verification-url": f"{BASE}/certificates/verify/X"}


def test_launched_into_a_lesson_or_the_course(ctx):
    course = d(st.launched(ctx, s.LEARNER, launch_id="L1", timestamp=s.WHEN))
    assert course["object"]["id"].endswith("/course/brake-service") and "parent" not in course["context"][
        "contextActivities"]
    assert course["context"]["extensions"] == {EXT + "launch-id": "L1"}
    lesson = d(st.launched(ctx, s.LEARNER, launch_id="L2", timestamp=s.WHEN, target=ctx.lesson(s.LESSON)))
    assert lesson["context"]["contextActivities"]["parent"][0]["id"].endswith("/course/brake-service")


def test_voiding_refers_to_the_statement(ctx):
    target = uuid.uuid4()
    data = d(st.voided(s.TRAINER, target, timestamp=s.WHEN))
    assert data["object"] == {"objectType": "StatementRef", "id": str(target)}
    assert data["verb"]["id"] == Verb.VOIDED and "context" not in data


def test_scores_are_checked_when_made():
    assert Score(raw=3, min=-5, max=5).scaled == 0.8
    for args in ({"raw": 21, "max": 20}, {"raw": -1, "max": 20}, {"raw": 0, "min": 5, "max": 5}):
        with pytest.raises(ValueError):
            Score(**args)


def test_timestamps_must_be_aware_and_are_kept_to_the_millisecond(ctx):
    with pytest.raises(ValueError, match="timezone-aware"):
        st.quiz_attempted(ctx, s.LEARNER, s.QUIZ, timestamp=datetime(2026, 3, 2, 9, 0))
    data = d(st.quiz_attempted(ctx, s.LEARNER, s.QUIZ, timestamp=s.WHEN.replace(microsecond=123987)))
    assert datetime.fromisoformat(data["timestamp"]).microsecond == 123000


def test_choice_questions_check_their_ids():
    with pytest.raises(ValueError):
        Question.choice("q", {"en": "?"}, [Choice("a", {"en": "A"})], correct=["b"])
    with pytest.raises(ValueError):
        Question.choice("q", {"en": "?"}, [Choice("a b", {"en": "A"})], correct=["a b"])


def test_people_and_contexts_reject_what_is_not_an_identity():
    with pytest.raises(ValueError):
        Person("moodle", "1")
    with pytest.raises(ValueError):
        Person("https://moodle.example.com", "")
    with pytest.raises(ValueError):
        s.course_context("ftp://training.example.com")
    with pytest.raises(ValueError):
        s.course_context(BASE, registration="attempt-7")


def test_a_statement_is_stored_as_exactly_what_tincan_would_write():
    import json

    from tests.unit.xapi.samples import samples
    from xapi.store import dumps, to_dict

    for name, built in samples().items():
        expected = json.loads(built.to_json())
        expected.pop("version", None)
        data = to_dict(built)
        assert data == expected, name
        assert json.loads(dumps(data)) == expected, name  # plain JSON values all the way down
