"""Pure builders of xAPI statements (``tincan.Statement``) from plain values.

Each kind is one small function registered in ``KINDS`` under its name; ``build(kind,
...)`` calls it by name. Builders take a ``CourseContext`` (course, LMS context,
registration, platform, language), the ``Person`` who acted and the event's values,
and compute a deterministic statement id from the event's identity.
"""

from xapi.statements.base import KINDS, STATEMENT_NAMESPACE, build, statement_id
from xapi.statements.classroom import certificate_earned, launched, session_attended, voided
from xapi.statements.interactions import INTERACTIONS, Choice, Question
from xapi.statements.learning import (
    attempt_completed,
    attempt_failed,
    attempt_passed,
    lesson_experienced,
    lesson_progressed,
    question_answered,
    quiz_attempted,
)
from xapi.statements.practical import practical_failed, practical_passed, practical_scored
from xapi.statements.values import CourseContext, Criterion, Item, LmsContext, Person, Ref, Score

__all__ = [
    "INTERACTIONS", "KINDS", "STATEMENT_NAMESPACE", "Choice", "CourseContext", "Criterion", "Item", "LmsContext",
    "Person", "Question", "Ref", "Score", "attempt_completed", "attempt_failed", "attempt_passed", "build",
    "certificate_earned", "launched", "lesson_experienced", "lesson_progressed", "practical_failed",
    "practical_passed", "practical_scored", "question_answered", "quiz_attempted", "session_attended",
    "statement_id", "voided",
]
