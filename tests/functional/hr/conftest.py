"""HR, certificates and training-file tests: the sample library (course ``basics``), a
course link in the LMS course, launched people, and results written as the learning,
practical and classroom features write them (``record_result``)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from lti_tool.db import get_db
from lti_tool.lti.models import Context, User
from lti_tool.records.services import record_result
from tests.functional.practical.conftest import People, settings_overrides  # noqa: F401  (fixture)

AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
STEPS = [("lesson", "intro", "completed", {}),
         ("quiz", "check", "passed", {"score": 8.0, "score_max": 10.0, "passed": True}),
         ("practical", "task", "passed", {"score": 90.0, "score_max": 100.0, "passed": True}),
         ("session", "class", "attended", {"hours": 2.0})]


@pytest.fixture
def course_link(platform):
    return platform.add_resource_link("基础课程", custom={"item_kind": "course", "item_id": "basics"})


@pytest.fixture
def hr_link(platform):
    """A plain link (no item): where HR opens the tool from."""
    return platform.add_resource_link("培训管理 Training management", custom={"item_kind": "records", "item_id": "hr"})


class Crowd(People):
    """HR launches from the plain link, everyone else from the course link."""

    def __init__(self, platform, link, hr_link) -> None:
        super().__init__(platform, link)
        self.hr_link = hr_link

    def __call__(self, user: str, link=None, context: str | None = None):
        return super().__call__(user, link or (self.hr_link if user == "hr" else None), context)


@pytest.fixture
def people(platform, course_link, hr_link):
    crowd = Crowd(platform, course_link, hr_link)
    yield crowd
    crowd.close()


def complete(app, platform, key: str, skip: str | None = None) -> int:
    """The learner ``key`` (launched before) meets the course's rules; returns their user id."""
    with app.app_context(), get_db(app).sessionmaker.begin() as session:
        user = session.scalar(select(User).where(User.sub == platform.user(key).sub))
        context = session.scalar(select(Context).order_by(Context.id))
        for kind, item, status, values in STEPS:
            if item != skip:
                record_result(session, user_id=user.id, platform_id=user.platform_id, context_id=context.id,
                              course_id="basics", kind=kind, item_id=f"basics/{item}", status=status,
                              title={"zh-CN": item, "en": item}, completed_at=AT, **values)
        return user.id
