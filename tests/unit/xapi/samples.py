"""One statement of every kind (and every interaction type and attendance status),
built from the plain values a feature would pass. Shared by unit and functional tests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import tincan

from xapi.statements import (
    KINDS,
    Choice,
    CourseContext,
    Criterion,
    Item,
    LmsContext,
    Person,
    Question,
    Score,
    attempt_completed,
    attempt_failed,
    attempt_passed,
    certificate_earned,
    launched,
    lesson_experienced,
    lesson_progressed,
    practical_failed,
    practical_passed,
    practical_scored,
    question_answered,
    quiz_attempted,
    session_attended,
    voided,
)
from xapi.vocabulary import AttendanceStatus

ISSUER = "https://moodle.example.com"
BEIJING = timezone(timedelta(hours=8))
WHEN = datetime(2026, 3, 2, 9, 15, 30, 250000, tzinfo=BEIJING)
ATTEMPT = uuid.UUID("0f9a4c51-2b7e-4d8a-9c3e-5a1b2c3d4e5f")
ENROLMENT = uuid.UUID("7d2e9b10-6c4f-4a3b-8e21-9f0a1b2c3d4e")

LEARNER = Person(ISSUER, "learner-17", "王芳")
TRAINER = Person(ISSUER, "trainer-3", "李师傅")
LESSON = Item("caliper-removal", {"zh-CN": "拆卸制动钳", "en": "Removing the brake caliper"})
QUIZ = Item("final-exam", {"zh-CN": "结业考试", "en": "Final exam"})
TASK = Item("pad-replacement", {"zh-CN": "更换刹车片", "en": "Brake pad replacement"})
SESSION = Item("2026-03-02-beijing", {"zh-CN": "北京站现场培训", "en": "Beijing on-site class"})

QUESTIONS = {
    "choice": Question.choice(
        "q1", {"zh-CN": "制动液应多久更换一次?", "en": "How often is brake fluid replaced?"},
        [Choice("a", {"zh-CN": "每年", "en": "Every year"}), Choice("b", {"zh-CN": "每两年", "en": "Every two years"}),
         Choice("c", {"zh-CN": "从不", "en": "Never"})],
        correct=["b"],
    ),
    "multiple-choice": Question.choice(
        "q2", {"zh-CN": "哪些是安全措施?", "en": "Which are safety steps?"},
        [Choice("gloves", {"en": "Gloves"}), Choice("jack", {"en": "Jack stands"}), Choice("music", {"en": "Music"})],
        correct=["gloves", "jack"],
    ),
    "true-false": Question.true_false("q3", {"zh-CN": "可以用水代替制动液。", "en": "Water can replace brake fluid."},
                                      correct=False),
    "fill-in": Question.fill_in("q4", {"zh-CN": "扭矩单位是____。", "en": "Torque is measured in ____."},
                                accepted=["N·m", "Nm"]),
    "long-fill-in": Question.long_fill_in("q5", {"zh-CN": "分析案例:客户投诉刹车异响。",
                                                 "en": "Case: a customer reports brake noise."}),
    "other": Question.other("q6", {"zh-CN": "在图上标出制动钳。", "en": "Mark the caliper on the picture."},
                            correct="region:caliper"),
}
ANSWERS = {"choice": ["b"], "multiple-choice": ["gloves", "jack"], "true-false": False, "fill-in": "Nm",
           "long-fill-in": "先检查刹车片磨损,再检查制动盘。", "other": "region:caliper"}

CRITERIA = [
    Criterion("torque", {"zh-CN": "按规定扭矩拧紧", "en": "Tightened to the specified torque"}, met=True,
              points=4, max_points=4),
    Criterion("cleanliness", {"zh-CN": "工位整洁", "en": "Clean work area"}, met=True, points=2, max_points=3,
              comment="地面有少量油渍"),
    Criterion("safety", {"zh-CN": "佩戴护目镜", "en": "Wore safety glasses"}, met=False, points=0, max_points=3),
]


def course_context(base_url: str = "https://training.example.com", registration=ENROLMENT) -> CourseContext:
    return CourseContext(
        base_url, "brake-service", {"zh-CN": "制动系统保养", "en": "Brake system service"}, registration,
        platform="Moodle", language="zh-CN", revision="2026.1",
        lms_context=LmsContext(ISSUER, "course-42", "售后服务培训 2026"),
    )


def samples(base_url: str = "https://training.example.com", actor: Person = LEARNER) -> dict[str, tincan.Statement]:
    """name -> statement; every registered kind appears at least once."""
    ctx = course_context(base_url)
    attempt = ctx.with_registration(ATTEMPT)
    score = Score(raw=17, min=0, max=20)
    out: dict[str, tincan.Statement] = {
        "launched": launched(ctx, actor, launch_id="launch-8c1f", timestamp=WHEN),
        "launched/lesson": launched(ctx, actor, launch_id="launch-8c20", timestamp=WHEN, target=ctx.lesson(LESSON)),
        "lesson-experienced": lesson_experienced(ctx, actor, LESSON, timestamp=WHEN,
                                                 duration=timedelta(minutes=12, seconds=4.5)),
        "lesson-progressed": lesson_progressed(ctx, actor, LESSON, progress=50, timestamp=WHEN),
        "quiz-attempted": quiz_attempted(attempt, actor, QUIZ, timestamp=WHEN),
        "attempt-completed": attempt_completed(attempt, actor, QUIZ, score=score, timestamp=WHEN,
                                               duration=timedelta(minutes=25)),
        "attempt-passed": attempt_passed(attempt, actor, QUIZ, score=score, timestamp=WHEN,
                                         duration=timedelta(minutes=25)),
        "attempt-failed": attempt_failed(attempt, actor, QUIZ, score=Score(raw=9, max=20), timestamp=WHEN,
                                         duration=timedelta(minutes=31)),
        "practical-scored": practical_scored(ctx.with_registration(ATTEMPT), actor, TASK, assessor=TRAINER,
                                             score=Score(raw=6, max=10), criteria=CRITERIA, timestamp=WHEN),
        "practical-passed": practical_passed(ctx.with_registration(ATTEMPT), actor, TASK, assessor=TRAINER,
                                             score=Score(raw=10, max=10), criteria=CRITERIA[:1], timestamp=WHEN,
                                             duration=timedelta(hours=1, minutes=5)),
        "practical-failed": practical_failed(ctx.with_registration(ATTEMPT), actor, TASK, assessor=TRAINER,
                                             score=Score(raw=6, max=10), criteria=CRITERIA, timestamp=WHEN),
        "certificate-earned": certificate_earned(
            ctx, actor, title={"zh-CN": "制动系统保养结业证书", "en": "Brake system service certificate"},
            number="AS-2026-000123", verification_url=f"{base_url}/certificates/verify/Q7K2M9", timestamp=WHEN),
        "voided": voided(TRAINER, uuid.UUID("3b0c7a2e-5d6f-4e1a-9b8c-7d6e5f4a3b2c"), timestamp=WHEN),
    }
    for name, question in QUESTIONS.items():
        graded = name not in ("long-fill-in",)
        out[f"question-answered/{name}"] = question_answered(
            attempt, actor, QUIZ, question, answer=ANSWERS[name], timestamp=WHEN,
            success=True if graded else None, score=Score(raw=2, max=2) if graded else None,
            duration=timedelta(seconds=42))
    for status in AttendanceStatus:
        out[f"session-attended/{status.value}"] = session_attended(
            ctx, actor, SESSION, status=status, timestamp=WHEN, instructor=TRAINER,
            checked_in_at=WHEN - timedelta(minutes=3) if status != AttendanceStatus.ABSENT else None,
            duration=timedelta(hours=3) if status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) else None)
    missing = set(KINDS) - {name.split("/")[0] for name in out}
    assert not missing, f"samples miss statement kinds: {missing}"
    return out
