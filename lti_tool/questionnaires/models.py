"""Anonymous satisfaction questionnaires (seed 七(二)3).

A response carries no user, no time and no sequential id (its key is random), so it
cannot be linked to the person who gave it. A separate marker, keyed by a salted hash
of (platform, LMS course, course, user), only stops a second answer; it holds nothing
that joins it to a response.

Nor can the database's own bookkeeping link them: an answer is first kept as pending
(written in the same transaction as the marker and the training record, so PostgreSQL's
``xmin`` or the insertion order would tie them together), then the worker moves the
pending answers of a course run into ``questionnaire_response`` together, in random
order, in a transaction of its own, once at least ``MIN_RESPONSES`` are waiting.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lti_tool.db import Base

QUESTIONS = ("content", "method", "trainer")  # rated 1..5
MIN_RESPONSES = 5  # results show only from this many answers on


class QuestionnaireResponse(Base):
    __tablename__ = "questionnaire_response"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never sequential
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(255))
    content: Mapped[int] = mapped_column(Integer)
    method: Mapped[int] = mapped_column(Integer)
    trainer: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")


Index("ix_questionnaire_response_run", QuestionnaireResponse.context_id, QuestionnaireResponse.course_id)


class QuestionnairePending(Base):
    """An answer waiting to be mixed with others (same fields as a response)."""

    __tablename__ = "questionnaire_pending"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    context_id: Mapped[int] = mapped_column(ForeignKey("lti_context.id", ondelete="CASCADE"))
    course_id: Mapped[str] = mapped_column(String(255))
    content: Mapped[int] = mapped_column(Integer)
    method: Mapped[int] = mapped_column(Integer)
    trainer: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")


# The worker's claim groups the waiting answers by course run.
Index("ix_questionnaire_pending_run", QuestionnairePending.context_id, QuestionnairePending.course_id)


class QuestionnaireMarker(Base):
    __tablename__ = "questionnaire_marker"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # HMAC-SHA256, hex
