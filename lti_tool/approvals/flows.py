"""The one approval mechanism's tables: which document kinds need approval, by whom
in what order, and what each action does to a request. Document features register
their kind (as they register Deep Linking item views); this package knows none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lti_tool.approvals.models import (APPROVE, APPROVED, PENDING, REJECT, REJECTED, RETURN, RETURNED, ROLES,
                                       WITHDRAW, WITHDRAWN)


@dataclass(frozen=True)
class DocumentKind:
    """``steps``: the approver roles, in order; ``label``: what the kind is called (a
    callable, so it is translated when shown); ``endpoint``: the page showing a
    document to those who manage it (called with ``document_id``), or None;
    ``preview(session, document_id)``: the document as approvers read it (HTML), on the
    request's page; ``on_decided(session, request)``: told when a request ends
    (approved, rejected, returned or withdrawn), in the same transaction;
    ``concerns(session, document_id)``: the employee the document is about (a
    candidate, a claimant), who may not decide it, or None."""

    kind: str
    steps: tuple[str, ...]
    label: Callable[[], str]
    endpoint: str | None = None
    on_decided: Callable | None = None
    preview: Callable | None = None
    concerns: Callable | None = None

    def __post_init__(self):
        if not self.steps or any(step not in ROLES for step in self.steps):
            raise ValueError(f"approval steps of {self.kind!r} must be approver roles: {self.steps!r}")


KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    KINDS[kind.kind] = kind
    return kind


def kind_of(name: str) -> DocumentKind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"no document kind {name!r} is registered for approval") from None


# (state, action) -> the state after it. Approving a step that is not the last keeps
# the request pending at the next step (``services.decide``).
TRANSITIONS = {
    (PENDING, APPROVE): APPROVED,
    (PENDING, REJECT): REJECTED,
    (PENDING, RETURN): RETURNED,
    (PENDING, WITHDRAW): WITHDRAWN,
}
# A document may be submitted again (as a new version) after these.
RESUBMITTABLE = {RETURNED, WITHDRAWN}
# Actions that need a reason written down.
NEEDS_COMMENT = {REJECT, RETURN}
