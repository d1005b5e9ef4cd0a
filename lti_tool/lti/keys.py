"""The tool's signing keys: generated at first start, stored in the database, rotated.

JWKS serves the current key and the previous one, so a platform that cached the old
set still verifies messages signed just before a rotation.
"""

from __future__ import annotations

import json
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.lti.models import ToolKey


def _new_key() -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    kid = secrets.token_urlsafe(16)
    public = json.loads(JWK.from_pem(pem.encode()).export_public())
    public.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return ToolKey(kid=kid, private_pem=pem, public_jwk=public, status="current")


def current_key(session: Session) -> ToolKey:
    """The signing key. The first one is created in a transaction of its own and
    committed at once, so that the JWKS every process serves already has it when a
    platform checks something signed with it; a unique index on the current key makes
    two processes creating it at the same moment end up with one."""
    key = session.scalars(select(ToolKey).where(ToolKey.status == "current")).first()
    return key if key is not None else _create_current(session)


def _create_current(session: Session) -> ToolKey:
    with Session(session.get_bind(), expire_on_commit=False) as own:
        try:
            with own.begin():
                key = _new_key()
                own.add(key)
            return key
        except IntegrityError:  # another process created it first
            with own.begin():
                return own.scalars(select(ToolKey).where(ToolKey.status == "current")).one()


def rotate(session: Session) -> ToolKey:
    """Make a new current key; the old current becomes previous, older ones retire."""
    session.execute(update(ToolKey).where(ToolKey.status == "previous").values(status="retired"))
    session.execute(update(ToolKey).where(ToolKey.status == "current").values(status="previous"))
    key = _new_key()
    session.add(key)
    session.flush()
    return key


def jwks(session: Session) -> dict:
    current = current_key(session)
    keys = session.scalars(
        select(ToolKey).where(ToolKey.status.in_(("current", "previous"))).order_by(ToolKey.id.desc())
    ).all()
    served = [k.public_jwk for k in keys]
    if current.kid not in {k.kid for k in keys}:  # created after this transaction began (SQLite)
        served.insert(0, current.public_jwk)
    return {"keys": served}
