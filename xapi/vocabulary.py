"""The IRIs statements use: verbs, activity types, extensions, and our activity ids.

Verbs come from the ADL vocabulary (the ones cmi5 also uses for launched, initialized,
completed, passed, failed and terminated) and the Tin Can registry for ``earned``.
Activity ids live under the tool's public base URL and never contain a content
version, so a learner's records of one lesson stay together across versions; the
version goes in ``context.revision``.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import quote

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"


class Verb(StrEnum):
    LAUNCHED = ADL_VERBS + "launched"
    INITIALIZED = ADL_VERBS + "initialized"
    EXPERIENCED = ADL_VERBS + "experienced"
    PROGRESSED = ADL_VERBS + "progressed"
    ATTEMPTED = ADL_VERBS + "attempted"
    ANSWERED = ADL_VERBS + "answered"
    COMPLETED = ADL_VERBS + "completed"
    PASSED = ADL_VERBS + "passed"
    FAILED = ADL_VERBS + "failed"
    SCORED = ADL_VERBS + "scored"
    ATTENDED = ADL_VERBS + "attended"
    TERMINATED = ADL_VERBS + "terminated"
    VOIDED = ADL_VERBS + "voided"
    EARNED = "http://id.tincanapi.com/verb/earned"


# Verb.display: past tense, in the two languages of the product.
VERB_DISPLAY: dict[Verb, dict[str, str]] = {
    Verb.LAUNCHED: {"en": "launched", "zh-CN": "启动了"},
    Verb.INITIALIZED: {"en": "initialized", "zh-CN": "开始了"},
    Verb.EXPERIENCED: {"en": "experienced", "zh-CN": "学习了"},
    Verb.PROGRESSED: {"en": "progressed", "zh-CN": "推进了"},
    Verb.ATTEMPTED: {"en": "attempted", "zh-CN": "参加了"},
    Verb.ANSWERED: {"en": "answered", "zh-CN": "回答了"},
    Verb.COMPLETED: {"en": "completed", "zh-CN": "完成了"},
    Verb.PASSED: {"en": "passed", "zh-CN": "通过了"},
    Verb.FAILED: {"en": "failed", "zh-CN": "未通过"},
    Verb.SCORED: {"en": "scored", "zh-CN": "评分了"},
    Verb.ATTENDED: {"en": "attended", "zh-CN": "出勤"},
    Verb.TERMINATED: {"en": "terminated", "zh-CN": "结束了"},
    Verb.VOIDED: {"en": "voided", "zh-CN": "作废了"},
    Verb.EARNED: {"en": "earned", "zh-CN": "获得了"},
}


class ActivityType(StrEnum):
    COURSE = ADL_ACTIVITIES + "course"
    MODULE = ADL_ACTIVITIES + "module"
    LESSON = ADL_ACTIVITIES + "lesson"
    ASSESSMENT = ADL_ACTIVITIES + "assessment"
    INTERACTION = ADL_ACTIVITIES + "cmi.interaction"
    PERFORMANCE = ADL_ACTIVITIES + "performance"
    MEETING = ADL_ACTIVITIES + "meeting"
    CERTIFICATE = "http://id.tincanapi.com/activitytype/certificate"


class InteractionType(StrEnum):
    """The ``interactionType`` values our question kinds map to (xAPI 1.0.3 §2.4.4.1)."""

    CHOICE = "choice"
    TRUE_FALSE = "true-false"
    FILL_IN = "fill-in"
    LONG_FILL_IN = "long-fill-in"
    OTHER = "other"


# cmi5's progress extension: an integer percentage 0..100.
CMI5_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"


class Extension(StrEnum):
    """Our extension keys; the IRI is ``{base}/xapi/extensions/{value}``."""

    CRITERIA = "criteria"  # result: every checklist criterion of a practical assessment
    ATTENDANCE_STATUS = "attendance-status"  # result: present / late / left-early / absent / excused
    CHECKED_IN_AT = "checked-in-at"  # result: when the learner checked in
    CERTIFICATE_NUMBER = "certificate-number"  # result: the certificate's number
    VERIFICATION_URL = "verification-url"  # result: where anyone can verify the certificate
    LAUNCH_ID = "launch-id"  # context: the LTI launch a statement came from
    LMS_CONTEXT = "lms-context"  # context: the LMS course (issuer, context id)


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left-early"
    ABSENT = "absent"
    EXCUSED = "excused"


def _segment(value: str) -> str:
    """One path segment of an IRI: anything outside unreserved characters is escaped."""
    text = str(value)
    if not text:
        raise ValueError("an activity id segment must not be empty")
    return quote(text, safe="")


class Iris:
    """Activity and extension IRIs under one tool's public base URL."""

    def __init__(self, base_url: str) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise ValueError(f"the public base URL must be an http(s) URL, not {base_url!r}")
        self.base = base_url.rstrip("/") + "/xapi"

    def _activity(self, kind: str, *parts: str) -> str:
        return "/".join([self.base, "activities", kind, *(_segment(p) for p in parts)])

    def course(self, course_id: str) -> str:
        return self._activity("course", course_id)

    def module(self, course_id: str, module_id: str) -> str:
        return self._activity("module", course_id, module_id)

    def lesson(self, course_id: str, lesson_id: str) -> str:
        return self._activity("lesson", course_id, lesson_id)

    def assessment(self, course_id: str, quiz_id: str) -> str:
        return self._activity("assessment", course_id, quiz_id)

    def question(self, course_id: str, quiz_id: str, question_id: str) -> str:
        return self._activity("question", course_id, quiz_id, question_id)

    def practical(self, course_id: str, task_id: str) -> str:
        return self._activity("practical", course_id, task_id)

    def session(self, session_id: str) -> str:
        return self._activity("session", session_id)

    def certificate(self, course_id: str) -> str:
        return self._activity("certificate", course_id)

    def lms_context(self, issuer: str, context_id: str) -> str:
        """The LMS course a placement sits in: one grouping activity per (issuer, context)."""
        return self._activity("lms-context", issuer, context_id)

    def extension(self, name: Extension | str) -> str:
        return f"{self.base}/extensions/{Extension(name).value}"
