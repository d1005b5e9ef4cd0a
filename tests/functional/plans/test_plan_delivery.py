"""From plan to delivery over HTTP: an approved plan's item schedules its classroom
sessions in an LMS course where its course is placed (the item's dates, place and
trainer as the form's defaults; bad dates refused on the form with the input kept),
the sessions are linked to the item and shown on the plan page, and the learners of
that LMS course see their notices; a draft plan schedules nothing; another
organisation's LMS course and another organisation's HR reach nothing."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.approvals.models import TRAINING_HEAD
from lti_tool.lti.models import Context, Deployment, Platform
from lti_tool.plans.models import PlanItem
from lti_tool.sessions.models import ClassSession
from tests.functional.approvals.test_approvals import appoint, decide
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.plans.test_plans import new_plan, plan_id
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)

ITEM = {"course_id": "basics", "mode": "internal", "starts_on": "2027-03-01", "ends_on": "2027-03-02",
        "place": "二号培训室", "trainer": "王芳", "hours": "6"}


def item_plan(hr, base: str, title: str = "新品 X3 上市培训", **item) -> int:
    """An ad-hoc plan with one item, still a draft; its id."""
    new_plan(hr, base, kind="adhoc", year="2027", title=title, reason="new_product")
    document = plan_id(hr)
    assert hr.submit("add-item", {**ITEM, **item}).status_code == 200
    return document


def approve(hr, head, base: str) -> None:
    """Submit the plan open in ``hr`` and have ``head`` (the training department's head) approve it."""
    assert hr.submit("submit-plan").status_code == 200
    request_id = int(hr.url.rstrip("/").rsplit("/", 1)[-1])
    assert decide(head, base, request_id, "approve").status_code == 200


def only_item(db_session) -> PlanItem:
    return db_session.scalars(select(PlanItem)).one()


def test_an_approved_items_sessions_are_scheduled_in_the_lms_course_and_shown_on_the_plan(
        people, platform, app, db_session):
    base = platform.tool_base_url
    head, learner = people("learner"), people("learner2")
    hr = people("hr")
    appoint(hr, base, "E1001", TRAINING_HEAD)
    document = item_plan(hr, base)
    item = only_item(db_session)
    form_url = f"{base}/manage/plans/{document}/items/{item.id}/sessions"

    # A draft: the page says why, and a forged post schedules nothing.
    token = csrf(hr)
    hr.get(form_url)
    assert "只能从已批准的计划安排" in hr.page.text_of("schedule-refused")
    context_id = db_session.scalar(select(Context.id).order_by(Context.id))
    forged = hr.session.post(form_url, timeout=15, data={
        "csrf_token": token, "context_id": str(context_id), "first_day": "2027-03-01", "days": "1",
        "starts": "09:00", "ends": "12:00", "title": "x", "place": "y"})
    assert forged.status_code == 409
    assert db_session.scalar(select(ClassSession.id)) is None

    hr.get(f"{base}/manage/plans/{document}")
    approve(hr, head, base)
    hr.get(f"{base}/manage/plans/{document}")
    hr.follow("安排课堂")
    fields = dict(hr.page.form("schedule-sessions").fields)
    assert fields["first_day"] == "2027-03-01" and fields["days"] == "2" and fields["place"] == "二号培训室"
    assert fields["trainer_name"] == "王芳" and fields["starts"] == "09:00" and fields["ends"] == "12:00"

    # Bad dates and times: refused on the form, what was typed kept, nothing written.
    assert hr.submit("schedule-sessions", {"first_day": "2027-02-30"}).status_code == 422
    assert "YYYY-MM-DD" in hr.page.text_of("schedule-errors")
    assert hr.submit("schedule-sessions", {"first_day": "2027-03-01", "starts": "14:00",
                                           "ends": "13:00"}).status_code == 422
    assert "结束时间必须晚于开始时间" in hr.page.text_of("schedule-errors")
    assert ("starts", "14:00") in hr.page.form("schedule-sessions").fields
    assert hr.submit("schedule-sessions", {"days": "99", "starts": "09:00"}).status_code == 422
    assert db_session.scalar(select(ClassSession.id)) is None

    assert hr.submit("schedule-sessions", {"days": "2", "starts": "09:00", "ends": "12:00",
                                           "capacity": "20"}).status_code == 200
    assert f"/manage/plans/{document}" in hr.url
    shown = hr.page.text_of("plan-items")
    assert "2027-03-01 09:00" in shown and "2027-03-02 09:00" in shown and "二号培训室" in shown
    db_session.expire_all()
    rows = list(db_session.scalars(select(ClassSession).order_by(ClassSession.starts_at)))
    assert [r.plan_item_id for r in rows] == [item.id, item.id] and {r.context_id for r in rows} == {context_id}
    assert [r.hours for r in rows] == [3.0, 3.0] and rows[0].capacity == 20 and rows[0].trainer_name == "王芳"

    # The learners of the LMS course see the notices.
    learner.get(f"{base}/sessions/")
    assert "基础课程" in learner.page.text and "二号培训室" in learner.page.text


def test_another_organisations_lms_course_and_hr_reach_nothing(people, platform, app, db_session, other_company):
    base = platform.tool_base_url
    head = people("learner")
    hr = people("hr")
    appoint(hr, base, "E1001", TRAINING_HEAD)
    document = item_plan(hr, base)
    approve(hr, head, base)
    item = only_item(db_session)
    form_url = f"{base}/manage/plans/{document}/items/{item.id}/sessions"
    stranger = crowd_on(other_company)
    try:
        stranger("learner")  # their LMS course has the course placed too
        their_hr = stranger("hr")
        theirs = db_session.scalar(select(Context.id).join(Deployment, Deployment.id == Context.deployment_pk)
                                   .join(Platform, Platform.id == Deployment.platform_id)
                                   .where(Platform.issuer == other_company.issuer))
        assert theirs is not None
        hr.get(form_url)
        offered = [v for k, v in hr.page.form("schedule-sessions").fields if k == "context_id"]
        assert str(theirs) not in offered  # only our LMS courses are offered
        refused = hr.submit("schedule-sessions", {"context_id": str(theirs)})
        assert refused.status_code == 404

        assert their_hr.session.get(form_url, timeout=15).status_code == 404
        their_hr.get(f"{base}/manage/plans/")
        assert their_hr.session.post(form_url, timeout=15, data={
            "csrf_token": csrf(their_hr), "context_id": str(theirs), "first_day": "2027-03-01", "days": "1",
            "starts": "09:00", "ends": "12:00", "title": "x", "place": "y"}).status_code == 404
        assert their_hr.session.get(f"{base}/manage/plans/{document}/execution", timeout=15).status_code == 404
        assert their_hr.session.get(f"{base}/manage/plans/{document}/execution.xlsx", timeout=15).status_code == 404
        assert head.session.get(f"{base}/manage/plans/{document}/execution", timeout=15).status_code == 403
    finally:
        stranger.close()
    assert db_session.scalar(select(ClassSession.id)) is None
