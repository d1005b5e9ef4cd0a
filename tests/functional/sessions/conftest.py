"""Sessions tests: the sample library and the launched-people helper of the practical tests."""

from __future__ import annotations

import pytest

from tests.functional.practical.conftest import People, settings_overrides  # noqa: F401  (fixture)

SESSION_ITEM = "basics/class"


@pytest.fixture
def session_link(platform):
    """The course.yaml session "class" placed in the LMS course (attendance, no grade column)."""
    return platform.add_resource_link("基础课程课堂", custom={"item_kind": "session", "item_id": SESSION_ITEM})


@pytest.fixture
def people(platform, session_link):
    crowd = People(platform, session_link)
    yield crowd
    crowd.close()
