"""Pytest fixtures for tests that run the tool against the test platform. They build
on ``app`` and ``live_tool`` from tests/conftest.py; import them into a conftest.py:

    from tests.lti_platform.fixtures import browser, canvas_lms, lms, registered_lms  # noqa: F401
"""

from __future__ import annotations

import pytest

from tests.lti_platform.controller import TestPlatform
from tests.support.browser import Browser


@pytest.fixture
def lms(live_tool):
    """A Moodle-like platform that knows the live tool's URLs (not yet registered in it)."""
    with TestPlatform("Moodle-like", "moodle", tool_base_url=live_tool.url) as platform:
        yield platform


@pytest.fixture
def canvas_lms(live_tool):
    with TestPlatform("Canvas-like", "canvas", tool_base_url=live_tool.url) as platform:
        yield platform


@pytest.fixture
def registered_lms(lms, app):
    """``lms``, registered in the tool's database (its client id and deployment)."""
    lms.register_in_tool(app)
    return lms


@pytest.fixture
def browser():
    with Browser() as b:
        yield b
