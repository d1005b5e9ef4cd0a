"""The approval tables: a kind's steps are approver roles, an unknown kind is an
error, and every pending action leads somewhere, none from a decided request."""

from __future__ import annotations

import pytest

from lti_tool.approvals import flows
from lti_tool.approvals.models import APPROVED, PENDING, REJECTED, RETURNED, TRAINING_HEAD, WITHDRAWN


def test_a_kind_needs_steps_that_are_approver_roles():
    with pytest.raises(ValueError, match="approver roles"):
        flows.DocumentKind("plan", (), label=lambda: "plan")
    with pytest.raises(ValueError, match="approver roles"):
        flows.DocumentKind("plan", (TRAINING_HEAD, "hr"), label=lambda: "plan")
    with pytest.raises(LookupError, match="no document kind 'nothing'"):
        flows.kind_of("nothing")


def test_only_a_pending_request_moves_and_only_returned_or_withdrawn_ones_go_again():
    assert {state for state, _action in flows.TRANSITIONS} == {PENDING}
    assert set(flows.TRANSITIONS.values()) == {APPROVED, REJECTED, RETURNED, WITHDRAWN}
    assert flows.RESUBMITTABLE == {RETURNED, WITHDRAWN}  # a rejection is final
