"""Classroom sessions, certificates, launches and voiding."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import tincan

from xapi.statements.base import COURSE, activity, context, iso, make, result, statement_kind
from xapi.statements.values import CourseContext, Item, LangMap, Person, Ref, lang_map
from xapi.vocabulary import ActivityType, AttendanceStatus, Extension, Verb

ATTENDED_IN_FULL = {AttendanceStatus.PRESENT, AttendanceStatus.LATE}


@statement_kind("session-attended")
def session_attended(
    ctx: CourseContext, learner: Person, session: Item, *, status: AttendanceStatus | str, timestamp: datetime,
    instructor: Person | None = None, checked_in_at: datetime | None = None, duration: timedelta | None = None,
) -> tincan.Statement:
    """Attendance at a classroom session: present, late, left early, absent or excused.

    The status is in a result extension; ``completion`` says whether the learner sat
    through the session. A corrected status is a new statement (void the old one).
    """
    status = AttendanceStatus(status)
    ref = ctx.session(session)
    extensions = {ctx.iris.extension(Extension.ATTENDANCE_STATUS): status.value}
    if checked_in_at is not None:
        extensions[ctx.iris.extension(Extension.CHECKED_IN_AT)] = iso(checked_in_at)
    return make(
        "session-attended", (ref.iri, ctx.registration, status.value),
        actor=learner, verb_=Verb.ATTENDED, object_=activity(ref), timestamp=timestamp,
        context_=context(ctx, instructor=instructor),
        result_=result(completion=status in ATTENDED_IN_FULL, duration_=duration, extensions=extensions),
    )


@statement_kind("certificate-earned")
def certificate_earned(
    ctx: CourseContext, learner: Person, *, title: LangMap, number: str, verification_url: str,
    timestamp: datetime,
) -> tincan.Statement:
    """The learner earned the course's certificate; its number and verification link go along."""
    if not verification_url.startswith(("https://", "http://")):
        raise ValueError("the verification URL must be an http(s) URL")
    ref = Ref(ctx.iris.certificate(ctx.course_id), ActivityType.CERTIFICATE, lang_map(title))
    return make(
        "certificate-earned", (number,),
        actor=learner, verb_=Verb.EARNED, object_=activity(ref), timestamp=timestamp, context_=context(ctx),
        result_=result(completion=True, extensions={
            ctx.iris.extension(Extension.CERTIFICATE_NUMBER): number,
            ctx.iris.extension(Extension.VERIFICATION_URL): verification_url,
        }),
    )


@statement_kind("launched")
def launched(
    ctx: CourseContext, learner: Person, *, launch_id: str, timestamp: datetime, target: Ref | None = None,
) -> tincan.Statement:
    """The LMS launched the learner into the tool: into ``target`` (a lesson, quiz, ...)
    or the course. ``launch_id`` identifies the LTI launch (one statement per launch)."""
    ref = target or ctx.course()
    return make(
        "launched", (launch_id,),
        actor=learner, verb_=Verb.LAUNCHED, object_=activity(ref), timestamp=timestamp,
        context_=context(ctx, parent=None if ref == ctx.course() else COURSE,
                         extensions={ctx.iris.extension(Extension.LAUNCH_ID): launch_id}),
    )


@statement_kind("voided")
def voided(actor: Person, statement_id: uuid.UUID | str, *, timestamp: datetime) -> tincan.Statement:
    """``actor`` (e.g. the trainer who corrected a record) voids an earlier statement."""
    target = str(uuid.UUID(str(statement_id)))
    return make(
        "voided", (target,),
        actor=actor, verb_=Verb.VOIDED, object_=tincan.StatementRef(id=target, object_type="StatementRef"),
        timestamp=timestamp,
    )
