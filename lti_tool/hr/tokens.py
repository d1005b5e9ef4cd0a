"""API tokens for HR systems: made and revoked by HR, shown once, stored as SHA-256.
A token reads its organisation (every platform of it), nothing else."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.db import utcnow
from lti_tool.hr.models import ApiToken

PREFIX = "ast_"


def digest(secret: str) -> str:
    """How a secret given out once (an API token, an xAPI store secret) is kept: its
    SHA-256. The secrets are 256 random bits, so a fast hash is enough."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create(session: Session, *, organisation_id: int, name: str, user_id: int | None) -> tuple[ApiToken, str]:
    """A new token; the plain token is returned this once and never stored."""
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(organisation_id=organisation_id, name=name.strip()[:255], token_hash=digest(plain),
                     prefix=plain[:10], created_by=user_id, created_at=utcnow())
    session.add(token)
    session.flush()
    return token, plain


def revoke(session: Session, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()


def authenticate(session: Session, plain: str) -> ApiToken | None:
    if not plain or not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(plain)))
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
    return token


def of_organisation(session: Session, organisation_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.organisation_id == organisation_id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))
