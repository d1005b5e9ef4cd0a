"""Registration invitations: made by the operator, checked before Dynamic Registration
fetches anything, used once in the transaction that creates the platform. Flush only.

The token is 256 random bits in the URL the operator hands out; the database keeps
its SHA-256. An invitation is used by a conditional UPDATE (``used_at IS NULL``), so
two registrations racing on one token create one platform: the loser's UPDATE
matches no row (PostgreSQL re-checks the row after the winner commits; SQLite lets
one writer at a time) and its transaction rolls back.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlparse

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from lti_tool.db import utcnow
from lti_tool.lti.invite_models import RegistrationInvite

OPEN, USED, EXPIRED, REVOKED = "open", "used", "expired", "revoked"
# Why a registration URL is refused (no token at all, or one we never made).
MISSING, UNKNOWN = "missing", "unknown"

DEFAULT_LIFETIME = "7d"
MAX_LIFETIME = timedelta(days=90)
_DURATION = re.compile(r"^(\d{1,6})([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_TOKEN_CHARS = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


class InviteError(ValueError):
    """The operator asked for something that cannot be done; the message says why."""


class InviteRefused(Exception):
    """A registration URL that gives no permission; ``reason`` is a state or MISSING/UNKNOWN."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_duration(text: str) -> timedelta:
    """``30m``, ``12h``, ``7d``: a whole number and a unit, from one minute to 90 days."""
    match = _DURATION.match((text or "").strip().lower())
    if not match:
        raise InviteError(f"a duration is a whole number and m, h or d (30m, 12h, 7d), got {text!r}")
    lifetime = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if lifetime < timedelta(minutes=1):
        raise InviteError("an invitation must last at least 1 minute")
    if lifetime > MAX_LIFETIME:
        raise InviteError(f"an invitation lasts at most {MAX_LIFETIME.days} days, got {text!r}")
    return lifetime


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def registration_url(public_base_url: str, token: str) -> str:
    return f"{public_base_url.rstrip('/')}/lti/register/{token}"


def _check_issuer(issuer: str | None) -> str | None:
    if not issuer:
        return None
    parsed = urlparse(issuer)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(issuer) > 255:
        raise InviteError(f"the issuer must be an http(s) URL such as https://canvas.instructure.com, got {issuer!r}")
    return issuer


def create(session: Session, *, organisation: str, lifetime: timedelta, trust_identity: bool = False,
           expected_issuer: str | None = None, note: str = "", created_by: str = "") -> tuple[RegistrationInvite, str]:
    """A new invitation into ``organisation`` (made if missing) and its token, which is
    not kept: show it now or never."""
    from lti_tool.lti import organisations

    expected_issuer = _check_issuer(expected_issuer)
    try:
        tenant = organisations.get_or_create(session, organisation)
    except organisations.OrganisationError as exc:
        raise InviteError(str(exc)) from exc
    token = secrets.token_urlsafe(32)
    invite = RegistrationInvite(
        organisation=tenant, token_hash=hash_token(token), created_by=created_by[:255],
        expires_at=utcnow() + lifetime, trust_identity=trust_identity,
        expected_issuer=expected_issuer, note=(note or "").strip()[:255],
    )
    session.add(invite)
    session.flush()
    return invite, token


def state(invite: RegistrationInvite, now: datetime | None = None) -> str:
    if invite.used_at is not None:
        return USED
    if invite.revoked_at is not None:
        return REVOKED
    if invite.expires_at <= (now or utcnow()):
        return EXPIRED
    return OPEN


def check(session: Session, token: str | None) -> RegistrationInvite:
    """The open invitation of this token, or ``InviteRefused``. Reads only: nothing is
    fetched or written for a URL that gives no permission."""
    if not token:
        raise InviteRefused(MISSING)
    if not _TOKEN_CHARS.match(token):
        raise InviteRefused(UNKNOWN)
    invite = session.scalar(
        select(RegistrationInvite).options(selectinload(RegistrationInvite.organisation))
        .where(RegistrationInvite.token_hash == hash_token(token))
    )
    if invite is None:
        raise InviteRefused(UNKNOWN)
    found = state(invite)
    if found != OPEN:
        raise InviteRefused(found)
    return invite


def use(session: Session, invite_id: int, platform_id: int) -> bool:
    """Mark the invitation used by ``platform_id`` if it is still open; False if another
    registration used it first, or it was revoked or expired meanwhile."""
    now = utcnow()
    result = session.execute(
        update(RegistrationInvite)
        .where(RegistrationInvite.id == invite_id, RegistrationInvite.used_at.is_(None),
               RegistrationInvite.revoked_at.is_(None), RegistrationInvite.expires_at > now)
        .values(used_at=now, used_by_platform_id=platform_id)
        .execution_options(synchronize_session="fetch")  # the rows really updated, by RETURNING
    )
    return result.rowcount == 1


def revoke(session: Session, invite_id: int) -> RegistrationInvite:
    invite = session.get(RegistrationInvite, invite_id)
    if invite is None:
        raise InviteError(f"no invitation {invite_id}")
    found = state(invite)
    if found == USED:
        raise InviteError(f"invitation {invite_id} was already used (platform {invite.used_by_platform_id}); "
                          "remove the platform with `platform remove` instead")
    if found == REVOKED:
        raise InviteError(f"invitation {invite_id} is already revoked")
    invite.revoked_at = utcnow()
    session.flush()
    return invite


def all_invites(session: Session) -> list[RegistrationInvite]:
    return list(session.scalars(
        select(RegistrationInvite).options(selectinload(RegistrationInvite.organisation))
        .order_by(RegistrationInvite.id)
    ))
