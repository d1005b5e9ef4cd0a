"""Grades through AGS and rosters through NRPS, called by background work against the
test platform over HTTP (AGS 2.0, NRPS 2.0, Security Framework client credentials)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lti_tool.db import get_db, utcnow
from lti_tool.lti import ags
from lti_tool.lti.ags_models import DELIVERED, PARKED, PENDING, SUPERSEDED, ScoreDelivery, ScoreOutbox
from lti_tool.lti.http import session_from_settings
from lti_tool.lti.models import Context, Platform, ResourceLink, User
from lti_tool.lti.services import PlatformServices
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser


def _launch(platform, user="learner", link_index=0):
    with Browser() as browser:
        link = platform.resource_links()[link_index]
        assert platform.launch(browser, user=user, resource_link=link.id).status_code == 200
    return link


def _queue(app, platform, *, score=8.0, grading="FullyGraded", user="learner", link_id=None, minutes=0):
    with get_db(app).sessionmaker.begin() as s:
        link = s.scalars(select(ResourceLink).where(ResourceLink.lms_resource_link_id == link_id)).one()
        person = s.scalars(select(User).where(User.sub == platform.user(user).sub)).one()
        row = ags.enqueue_score(
            s, resource_link=link, user=person, resource_id="quiz-fault-diagnosis", label="故障诊断测验",
            score_given=score, score_maximum=10.0, activity_progress="Completed", grading_progress=grading,
            scored_at=utcnow() + timedelta(minutes=minutes),
        )
        return row.id if row else None


def _due_now(app):
    with get_db(app).sessionmaker.begin() as s:
        s.execute(update(ScoreOutbox).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def test_a_queued_score_reaches_the_gradebook_and_creates_the_line_item(platform, app, db_session):
    link = _launch(platform, link_index=0)  # a link with no line item yet
    items_before = len(platform.line_items())
    outbox_id = _queue(app, platform, link_id=link.id)
    assert platform.scores() == []  # nothing leaves inside the request or the enqueue
    assert ags.deliver_scores(app) == 1
    assert len(platform.line_items()) == items_before + 1
    assert platform.gradebook()[("故障诊断测验", "learner")] == 8.0
    row = db_session.get(ScoreOutbox, outbox_id)
    assert row.status == DELIVERED and row.delivered_at is not None
    assert db_session.scalars(select(ScoreDelivery.ok).where(ScoreDelivery.outbox_id == outbox_id)).all() == [True]
    # The line item URL is kept on the link: the next score does not search again.
    assert db_session.get(ResourceLink, row.resource_link_id).lineitem_url


def test_a_score_survives_an_lms_outage_and_is_delivered_once(platform, app, db_session):
    link = _launch(platform, link_index=1)
    outbox_id = _queue(app, platform, link_id=link.id)
    with platform.outage(503):
        assert ags.deliver_scores(app) == 1  # tried, failed, kept
    row = db_session.get(ScoreOutbox, outbox_id)
    assert row.status == PENDING and row.attempts == 1 and row.next_attempt_at > utcnow()
    assert "503" in row.last_error
    assert ags.deliver_scores(app) == 0  # backing off: not due yet
    _due_now(app)
    assert ags.deliver_scores(app) == 1
    db_session.expire_all()
    assert db_session.get(ScoreOutbox, outbox_id).status == DELIVERED
    assert len(platform.scores()) == 1
    assert [d.ok for d in db_session.scalars(select(ScoreDelivery).order_by(ScoreDelivery.id))] == [False, True]


def test_a_rejected_score_is_parked_with_the_lms_reason(platform, app, db_session):
    link = _launch(platform, link_index=1)
    outbox_id = _queue(app, platform, link_id=link.id, score=-5.0)  # AGS refuses a negative score
    ags.deliver_scores(app)
    row = db_session.get(ScoreOutbox, outbox_id)
    assert row.status == PARKED and row.last_error
    assert platform.scores() == []


def test_a_newer_score_supersedes_one_still_waiting(platform, app, db_session):
    link = _launch(platform, link_index=1)
    first = _queue(app, platform, link_id=link.id, score=4.0)
    second = _queue(app, platform, link_id=link.id, score=9.0, minutes=1)
    assert ags.deliver_scores(app) == 1
    assert db_session.get(ScoreOutbox, first).status == SUPERSEDED
    assert db_session.get(ScoreOutbox, second).status == DELIVERED
    assert [s["scoreGiven"] for s in platform.scores()] == [9.0]


def test_pending_manual_is_not_sent_to_moodle(platform, app):
    link = _launch(platform, link_index=1)
    assert _queue(app, platform, link_id=link.id, grading="PendingManual", score=None) is None
    assert ags.deliver_scores(app) == 0


def test_pending_manual_is_sent_to_canvas(live_tool, app):
    with TestPlatform("Canvas-like", "canvas", tool_base_url=live_tool.url) as canvas:
        canvas.register_in_tool(app)
        link = _launch(canvas, link_index=1)
        assert _queue(app, canvas, link_id=link.id, grading="PendingManual", score=None) is not None
        assert ags.deliver_scores(app) == 1
        assert canvas.scores()[-1]["gradingProgress"] == "PendingManual"


def test_access_tokens_are_reused_until_they_expire(platform, app):
    link = _launch(platform, link_index=1)
    for minute in range(3):
        _queue(app, platform, link_id=link.id, score=float(minute), minutes=minute)
        ags.deliver_scores(app)
    assert len(platform.scores()) == 3
    assert platform.access_tokens_issued == 1


@pytest.mark.parametrize("family", ["moodle", "canvas"])
def test_nrps_memberships_follow_every_page(live_tool, app, db_session, family):
    with TestPlatform(family.title(), family, tool_base_url=live_tool.url) as lms:
        lms.register_in_tool(app)
        _launch(lms)
        for n in range(12):
            lms.add_user(f"extra{n}", f"学员{n}")
        context = db_session.scalars(select(Context)).one()
        platform = db_session.scalars(select(Platform).where(Platform.issuer == lms.issuer)).one()
        http = session_from_settings(app.config["SETTINGS"])
        services = PlatformServices.build(db_session, get_db(app).sessionmaker, platform, http)
        url = context.nrps_url + ("&" if "?" in context.nrps_url else "?") + "limit=4"
        members = services.memberships(url)
        expected = {lms.user(key).sub for key in lms.course.members}
        assert len(expected) >= 18
        assert {m["user_id"] for m in members} == expected
        from urllib.parse import urlparse

        assert lms.count_requests(urlparse(context.nrps_url).path) >= 3  # several pages



def test_two_scores_in_the_same_second_both_count(platform, app, db_session):
    """Moodle compares score timestamps in whole seconds and refuses one not later."""
    link = _launch(platform, link_index=1)
    first = _queue(app, platform, link_id=link.id, score=7.0)
    assert ags.deliver_scores(app) == 1
    second = _queue(app, platform, link_id=link.id, score=7.5)
    assert ags.deliver_scores(app) == 1
    rows = {r.id: r for r in db_session.scalars(select(ScoreOutbox))}
    assert rows[second].scored_at > rows[first].scored_at
    assert rows[second].scored_at.microsecond == 0
    assert [s["scoreGiven"] for s in platform.scores()] == [7.0, 7.5]
