"""Credentials of the local xAPI Statements API, one set per organisation: a key (the
Basic-auth user name) and a secret shown once and kept as its SHA-256, like HR's API
tokens. A credential reads the statements of its organisation, nothing else; a revoked
one opens nothing from that moment."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lti_tool.audit.log import record
from lti_tool.db import Base, UTCDateTime, utcnow
from lti_tool.hr.tokens import digest

KEY_PREFIX, SECRET_PREFIX = "xak_", "xas_"


class XapiCredential(Base):
    __tablename__ = "xapi_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(64), unique=True)  # the Basic-auth user name
    secret_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the secret
    created_by: Mapped[int | None] = mapped_column(ForeignKey("lti_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def create(session: Session, *, organisation_id: int, name: str, user_id: int | None = None,
           actor_label: str = "") -> tuple[XapiCredential, str]:
    """A new credential, audited; its plain secret is returned this once and never stored."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    credential = XapiCredential(organisation_id=organisation_id, name=name.strip()[:255],
                                key=KEY_PREFIX + secrets.token_hex(8), secret_hash=digest(secret),
                                created_by=user_id, created_at=utcnow())
    session.add(credential)
    session.flush()
    _audit(session, credential, "xapi_credential.created", user_id, actor_label)
    return credential, secret


def revoke(session: Session, credential: XapiCredential, *, user_id: int | None = None,
           actor_label: str = "") -> bool:
    """Revoke now, audited; False when it was revoked already."""
    if credential.revoked_at is not None:
        return False
    credential.revoked_at = utcnow()
    session.flush()
    _audit(session, credential, "xapi_credential.revoked", user_id, actor_label)
    return True


def _audit(session: Session, credential: XapiCredential, action: str, user_id: int | None, label: str) -> None:
    record(session, organisation_id=credential.organisation_id, action=action, subject=credential.key,
           actor_user_id=user_id, actor_label=label, details={"id": credential.id, "name": credential.name})


def authenticate(session: Session, key: str | None, secret: str | None) -> int | None:
    """The organisation this key and secret open, or None."""
    if not key or not secret or len(key) > 64 or len(secret) > 200:
        return None
    credential = session.scalar(select(XapiCredential).where(XapiCredential.key == key))
    if credential is None or credential.revoked_at is not None:
        return None
    if not hmac.compare_digest(credential.secret_hash, digest(secret)):
        return None
    credential.last_used_at = utcnow()
    return credential.organisation_id


def listed(session: Session, organisation_id: int | None = None) -> list[XapiCredential]:
    query = select(XapiCredential).order_by(XapiCredential.created_at.desc(), XapiCredential.id.desc())
    if organisation_id is not None:
        query = query.where(XapiCredential.organisation_id == organisation_id)
    return list(session.scalars(query))
