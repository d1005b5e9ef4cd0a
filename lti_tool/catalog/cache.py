"""Course versions remembered per process: a stored version never changes, so once a
transaction that read one has committed, later requests take it from memory, merged
into their session without a query (``Session.merge(load=False)``), instead of reading
its row and decoding its JSON again.

Only immutable rows are kept (no learner state), per database engine, bounded; an
entry is kept only after the reading transaction commits, so a version imported by a
transaction that then rolled back is never remembered.
"""

from __future__ import annotations

import threading
from weakref import WeakKeyDictionary

from sqlalchemy import event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, contains_eager, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from lti_tool.catalog.models import Course, CourseVersion

MAX_ENTRIES = 256
_STAGED = "catalog_cache_staged"
_KNOWN: WeakKeyDictionary[Engine, dict] = WeakKeyDictionary()
_LOCK = threading.Lock()


def version(session: Session, version_id: int) -> CourseVersion | None:
    """``session.get(CourseVersion, version_id)``, with its course, from memory when known."""
    found = _recall(session, ("id", version_id))
    if found is not None:
        return found
    row = session.get(CourseVersion, version_id, options=[joinedload(CourseVersion.course)])
    if row is not None:
        _stage(session, row)
    return row


def stored_version(session: Session, course_id: str, version_name: str) -> CourseVersion | None:
    """The imported version ``version_name`` of the course ``course_id`` (its slug)."""
    known = _memory(session).get(("name", course_id, version_name))
    if known is not None:
        return version(session, known)
    row = session.scalar(
        select(CourseVersion).join(Course).options(contains_eager(CourseVersion.course))
        .where(Course.slug == course_id, CourseVersion.version == version_name)
    )
    if row is not None:
        _stage(session, row)
    return row


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def _memory(session: Session) -> dict:
    engine = _engine(session)
    with _LOCK:
        return _KNOWN.setdefault(engine, {})


def _columns(obj) -> dict:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(type(obj)).column_attrs}


def _stage(session: Session, row: CourseVersion) -> None:
    staged = session.info.setdefault(_STAGED, {})
    staged[row.id] = (_columns(row), _columns(row.course))


def _recall(session: Session, key) -> CourseVersion | None:
    entry = _memory(session).get(key)
    if entry is None:
        return None
    values, course_values = entry
    present = session.identity_map.get(identity_key(CourseVersion, values["id"]))
    if present is not None:  # already in this session (a request asks for its version more than once)
        return present
    course = Course(**course_values)
    make_transient_to_detached(course)
    detached = CourseVersion(**values)
    set_committed_value(detached, "course", course)  # no backref: course.versions stays unloaded
    make_transient_to_detached(detached)
    return session.merge(detached, load=False)


@event.listens_for(Session, "after_commit")
def _keep(session: Session) -> None:
    staged = session.info.pop(_STAGED, None)
    if not staged:
        return
    memory = _memory(session)
    with _LOCK:
        if len(memory) > MAX_ENTRIES:
            memory.clear()
        for version_id, (values, course_values) in staged.items():
            memory[("id", version_id)] = (values, course_values)
            memory[("name", course_values["slug"], values["version"])] = version_id


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous) -> None:
    session.info.pop(_STAGED, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_unless_committed(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost one: committed (kept above), rolled back or closed
        session.info.pop(_STAGED, None)
