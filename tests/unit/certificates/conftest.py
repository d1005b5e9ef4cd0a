"""Certificates against the small sample library (course ``basics``: lesson intro, quiz
check, task task, session class, attendance >= 80 %, certificate valid 12 months)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from lti_tool.catalog.importer import import_library
from lti_tool.lti.models import Platform, User
from lti_tool.records.services import record_result

SAMPLE = Path(__file__).resolve().parents[1] / "catalog" / "sample"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def settings_overrides(settings_overrides):
    settings_overrides["content_path"] = SAMPLE
    return settings_overrides


class World:
    def __init__(self, app, session) -> None:
        self.app, self.session = app, session
        # the company's own LMS: its employee numbers link accounts to employees
        self.platform = Platform(issuer="https://lms.example", client_id="c", name="Moodle",
                                 auth_login_url="https://lms.example/a", auth_token_url="https://lms.example/t",
                                 key_set_url="https://lms.example/k", identity_trusted=True)
        session.add(self.platform)
        session.flush()
        import_library(session, SAMPLE)
        session.flush()

    def user(self, sub: str, name: str, sourcedid: str | None = None) -> User:
        user = User(platform_id=self.platform.id, sub=sub, name=name, person_sourcedid=sourcedid)
        self.session.add(user)
        self.session.flush()
        return user

    def record(self, user: User, kind: str, item: str, status: str, at: datetime = T0, **values):
        with self.app.app_context():
            return record_result(self.session, user_id=user.id, platform_id=user.platform_id, context_id=None,
                                 course_id="basics", kind=kind, item_id=f"basics/{item}", status=status,
                                 completed_at=at, title={"zh-CN": item, "en": item}, **values)

    def complete(self, user: User, at: datetime = T0, skip: str | None = None) -> None:
        steps = [("lesson", "intro", "completed", {}),
                 ("quiz", "check", "passed", {"score": 8.0, "score_max": 10.0, "passed": True}),
                 ("practical", "task", "passed", {"score": 90.0, "score_max": 100.0, "passed": True}),
                 ("session", "class", "attended", {"hours": 2.0})]
        for kind, item, status, values in steps:
            if item != skip:
                self.record(user, kind, item, status, at, **values)


@pytest.fixture
def world(app, db_session):
    return World(app, db_session)
