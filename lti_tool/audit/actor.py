"""Recording the signed-in user's action (a view helper): the event names them and
their organisation, and is added to the request's transaction, so it commits with
the action or not at all."""

from __future__ import annotations

from lti_tool import auth, db
from lti_tool.audit import log


def audited(action: str, subject: str = "", **details) -> None:
    actor = auth.current_actor()
    user = actor.user
    log.record(db.session(), organisation_id=actor.organisation_id, action=action, subject=subject,
               actor_user_id=actor.user_id, actor_label=user.name or user.sub, details=details)
