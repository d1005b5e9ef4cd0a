"""A running tool (live HTTP) and a test platform registered in it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lti_tool.lti.models import Context, Enrolment, LaunchState, ResourceLink, UsedNonce, User, WebSession
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser


@pytest.fixture
def platform(live_tool, app):
    platform = TestPlatform(tool_base_url=live_tool.url).start()
    platform.register_in_tool(app)
    yield platform
    platform.stop()


@pytest.fixture
def browser():
    with Browser() as browser:
        yield browser


def written(session) -> dict:
    """What a launch writes, counted: a refused launch must leave these unchanged."""
    session.expire_all()
    counts = {
        model.__tablename__: session.scalar(select(func.count()).select_from(model))
        for model in (User, Context, Enrolment, ResourceLink, UsedNonce, WebSession)
    }
    counts["used_states"] = session.scalar(select(func.count()).where(LaunchState.used_at.is_not(None)))
    return counts
