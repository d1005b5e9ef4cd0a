"""The learners of an LMS course: everyone the LMS lists (NRPS, refreshed in the
background on request) and everyone who launched the tool from it.

Used by practical assessments and classroom attendance. Nothing here calls the LMS
inside a user's request: ``request_refresh`` queues, the worker's drainer fetches.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from lti_tool.db import get_db, utcnow
from lti_tool.lti import roles as role_map
from lti_tool.lti.http import session_from_settings
from lti_tool.lti.models import Context, Enrolment, User
from lti_tool.lti.services import PlatformServices, ServiceError
from lti_tool.practical.models import RosterSync

log = logging.getLogger(__name__)
PENDING, DONE, FAILED = "pending", "done", "failed"


def learners(session: Session, context_id: int, *, page: int = 1, per_page: int = 50,
             search: str = "") -> tuple[list[User], int]:
    """One page of the course's learners, by name, and how many there are."""
    query = (
        select(User).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.context_id == context_id, Enrolment.role == role_map.LEARNER)
    )
    if search:
        like = f"%{search.strip()[:100]}%"
        query = query.where(or_(User.name.ilike(like), User.person_sourcedid.ilike(like), User.email.ilike(like)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(User.name, User.id).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total or 0


def all_learners(session: Session, context_id: int) -> list[User]:
    return learners(session, context_id, per_page=100000)[0]


def learner_in_context(session: Session, context_id: int, user_id: int) -> User:
    """The learner ``user_id`` of this course; LookupError for anyone else (a forged id)."""
    user = session.scalar(
        select(User).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.context_id == context_id, Enrolment.role == role_map.LEARNER, User.id == user_id)
    )
    if user is None:
        raise LookupError(user_id)
    return user


def request_refresh(session: Session, context_id: int, requested_by: int) -> RosterSync:
    """Queue a refresh (one at a time per course)."""
    pending = session.scalar(select(RosterSync).where(RosterSync.context_id == context_id, RosterSync.status == PENDING))
    if pending is not None:
        return pending
    row = RosterSync(context_id=context_id, requested_by_id=requested_by, status=PENDING)
    session.add(row)
    session.flush()
    return row


def last_sync(session: Session, context_id: int) -> RosterSync | None:
    return session.scalars(
        select(RosterSync).where(RosterSync.context_id == context_id).order_by(RosterSync.id.desc()).limit(1)
    ).first()


def apply_members(session: Session, context: Context, members: list[dict],
                  hr_roles=role_map.DEFAULT_HR_ROLES) -> int:
    """Users and enrolments from an NRPS member list; returns how many active members
    with a role. A launch stays authoritative for the role of a user who launched."""
    platform_id = context.deployment.platform_id
    seen: set[int] = set()
    for member in members:
        sub = str(member.get("user_id") or "")[:255]
        if not sub or member.get("status", "Active") != "Active":
            continue
        primary = role_map.primary(role_map.tool_roles(member.get("roles") or [], hr_roles))
        if primary is None:
            continue
        user = session.scalar(select(User).where(User.platform_id == platform_id, User.sub == sub))
        if user is None:
            user = User(platform_id=platform_id, sub=sub)
            session.add(user)
        user.name = str(member.get("name") or user.name or "")[:255]
        user.given_name = str(member.get("given_name") or user.given_name or "")[:255]
        user.family_name = str(member.get("family_name") or user.family_name or "")[:255]
        user.email = str(member.get("email") or user.email or "")[:255]
        if member.get("lis_person_sourcedid"):
            user.person_sourcedid = str(member["lis_person_sourcedid"])[:255]
        session.flush()
        enrolment = session.scalar(select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.context_id == context.id))
        if enrolment is None:
            session.add(Enrolment(user_id=user.id, context_id=context.id, role=primary, source="nrps",
                                  roles=list(member.get("roles") or []), last_seen_at=utcnow()))
        elif enrolment.source == "nrps":
            enrolment.role, enrolment.roles = primary, list(member.get("roles") or [])
        seen.add(user.id)
    # Members the LMS no longer lists (or lists as inactive) leave the roster, unless they launched.
    session.execute(delete(Enrolment).where(
        Enrolment.context_id == context.id, Enrolment.source == "nrps", Enrolment.user_id.not_in(seen or {0})
    ))
    session.flush()
    return len(seen)


def sync_pending(app: Flask, limit: int = 5) -> int:
    """The drainer: fetch the roster of each course with a pending refresh."""
    factory = get_db(app).sessionmaker
    http = app.extensions.get("lti_http") or session_from_settings(app.config["SETTINGS"])
    done = 0
    while done < limit:
        with factory.begin() as session:
            sync = session.scalars(
                select(RosterSync).where(RosterSync.status == PENDING).order_by(RosterSync.id).limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if sync is None:
                break
            context = session.get(Context, sync.context_id)
            # Nothing is written until the LMS has answered: SQLite's one writer is never
            # held across the network (the access token is cached by another session).
            try:
                if not context.nrps_url:
                    raise ServiceError("the LMS offers no roster service (NRPS) in this course", 400)
                platform = context.deployment.platform
                members = PlatformServices.build(session, factory, platform, http).memberships(context.nrps_url)
                hr_roles = role_map.hr_roles_of(platform.organisation.hr_roles, app.config["SETTINGS"].hr_roles)
                sync.members = apply_members(session, context, members, hr_roles)
                sync.status, sync.error = DONE, ""
            except ServiceError as exc:
                log.warning("roster of context %s not refreshed: %s", sync.context_id, exc)
                sync.status, sync.error = FAILED, str(exc)[:2000]
            sync.finished_at = utcnow()
        done += 1
    return done
