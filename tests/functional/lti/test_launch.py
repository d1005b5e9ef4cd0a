"""Full LTI 1.3 launches over HTTP from the test platform, for each role."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_tool.lti.models import Context, Enrolment, ResourceLink, User
from tests.lti_platform import constants as c


@pytest.mark.parametrize(
    ("user", "role_text"),
    [("learner", "学员"), ("instructor", "讲师"), ("ta", "讲师"), ("hr", "人力资源")],
)
def test_each_role_launches_and_lands_in_the_tool(platform, browser, db_session, user, role_text):
    page = platform.launch(browser, user=user)
    assert page.status_code == 200, page.text[:500]
    assert browser.url.endswith("/lti/landing")
    assert role_text in browser.page.text_of("role")
    person = db_session.scalars(select(User).where(User.sub == platform.user(user).sub)).one()
    enrolment = db_session.scalars(select(Enrolment).where(Enrolment.user_id == person.id)).one()
    assert enrolment.context.lms_context_id == platform.course.id


def test_a_launch_records_user_context_and_link_with_their_services(platform, browser, db_session):
    platform.launch(browser, user="learner")
    learner = platform.user("learner")
    user = db_session.scalars(select(User).where(User.sub == learner.sub)).one()
    assert user.name == learner.name and user.person_sourcedid == learner.person_sourcedid
    assert user.locale.lower().startswith("zh")
    context = db_session.scalars(select(Context)).one()
    assert context.title == platform.course.title
    assert context.ags_lineitems_url == platform.lineitems_url(platform.course.id)
    assert c.SCOPE_SCORE in context.ags_scopes
    assert context.nrps_url == platform.memberships_url(platform.course.id)
    link = db_session.scalars(select(ResourceLink)).one()
    assert link.lms_resource_link_id == platform.resource_links()[0].id


def test_relaunching_updates_instead_of_duplicating(platform, browser, db_session):
    platform.launch(browser, user="learner")
    platform.launch(browser, user="learner")
    assert db_session.query(User).count() == 1
    assert db_session.query(Enrolment).count() == 1


def test_the_session_is_in_the_launch_locale(platform, browser):
    platform.launch(browser, user="learner")  # zh-CN learner
    assert "欢迎" in browser.page.text
    page = browser.get(browser.url + "?lang=en")
    assert "Welcome" in page.text


def test_the_launch_state_cookie_is_set_by_login_and_removed_after(platform, browser):
    platform.launch(browser, user="learner")
    assert not any(name.startswith("lti1p3_state_") for name in browser.cookies_for(platform.tool_base_url))


def test_a_learner_cannot_open_the_deep_linking_picker(platform, browser):
    platform.launch(browser, user="learner")
    response = browser.get(f"{platform.tool_base_url}/lti/deeplink/")
    assert response.status_code == 403


def test_without_a_launch_pages_ask_to_open_from_the_course(live_tool, browser):
    response = browser.get(f"{live_tool.url}/lti/landing")
    assert response.status_code == 401
    assert "请从学习平台的课程中打开本工具" in response.text


def test_nothing_crosses_platforms(platform, live_tool, app, db_session):
    """Two LMSs may use the same user and course ids: they stay two users, two courses."""
    from tests.lti_platform import TestPlatform
    from tests.support.browser import Browser

    with TestPlatform("Second Moodle", tool_base_url=live_tool.url) as other, Browser() as b1, Browser() as b2:
        other.register_in_tool(app)
        assert other.user("learner").sub == platform.user("learner").sub  # same ids on both LMSs
        platform.launch(b1, user="learner")
        other.launch(b2, user="learner")
    users = db_session.scalars(select(User).where(User.sub == platform.user("learner").sub)).all()
    assert len(users) == 2 and users[0].platform_id != users[1].platform_id
    assert db_session.query(Context).count() == 2
