"""Registration invitations for tests: what ``aftersales-training platform invite``
makes, committed, as the one-time URL an LMS administrator pastes."""

from __future__ import annotations

from datetime import timedelta

from lti_tool.db import get_db
from lti_tool.lti import invites


def invitation(app, organisation: str = "default", *, lifetime: timedelta = timedelta(days=7),
               **options) -> tuple[int, str]:
    """A new invitation's id and its registration URL (``options``: trust_identity,
    expected_issuer, note)."""
    with get_db(app).sessionmaker.begin() as session:
        made, token = invites.create(session, organisation=organisation, lifetime=lifetime, created_by="test",
                                     **options)
        invite_id = made.id
    return invite_id, invites.registration_url(app.config["SETTINGS"].public_base_url, token)


def invitation_url(app, organisation: str = "default", **options) -> str:
    return invitation(app, organisation, **options)[1]
