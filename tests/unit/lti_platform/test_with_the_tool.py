"""The platform against the real tool over HTTP: the flows the tool's own tests build on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from lti_tool.db import get_db
from lti_tool.lti.models import Enrolment, Platform, User
from tests.lti_platform.fixtures import browser, lms, registered_lms  # noqa: F401
from tests.support.invites import invitation_url


def test_a_registered_platform_launches_a_learner_into_the_tool(registered_lms, live_tool, browser, db_session):
    lms = registered_lms
    response = lms.launch(browser, "learner")
    assert response.status_code == 200 and response.url == f"{live_tool.url}/lti/landing"
    user = db_session.scalars(select(User).where(User.sub == lms.user("learner").sub)).one()
    assert user.name == "张伟" and user.person_sourcedid == "E1001"
    assert db_session.scalars(select(Enrolment.role).where(Enrolment.user_id == user.id)).one() == "learner"


def test_a_token_signed_by_another_key_is_refused_by_the_tool(app, lms, browser, db_session):
    lms.register_in_tool(app)
    capture = lms.start_login(browser, "learner")
    assert capture.redirect_uri.endswith("/lti/launch") and capture.state and capture.nonce
    response = capture.post(capture.id_token(sign_with="other_key"))
    assert response.status_code == 401
    assert db_session.scalars(select(User)).all() == []


def test_dynamic_registration_through_the_tool_then_a_launch(app, lms, live_tool, browser, db_session):
    response = browser.get(lms.dynamic_registration_url(invitation_url(app)))
    assert response.status_code == 200, browser.page.text[:300]
    [registration] = lms.registrations
    platform = db_session.scalars(select(Platform)).one()
    assert (platform.issuer, platform.client_id) == (lms.issuer, registration["client_id"])
    assert [d.deployment_id for d in platform.deployments] == [registration["deployment_id"]]
    assert lms.launch(browser, "instructor", client_id=registration["client_id"]).url == f"{live_tool.url}/lti/landing"


def test_the_tools_grade_client_reaches_the_gradebook_with_one_token(app, lms):
    from lti_tool.lti.http import session_from_settings
    from lti_tool.lti.services import PlatformServices

    lms.register_in_tool(app)
    factory = get_db(app).sessionmaker
    link = next(link for link in lms.resource_links() if link.lineitem_id)
    url = lms.lineitem_url(lms.course.id, link.lineitem_id)
    with factory() as session, session_from_settings(app.config["SETTINGS"]) as http:
        services = PlatformServices.build(session, factory, session.scalars(select(Platform)).one(), http)
        session.commit()  # the tool's first signing key, made by build(), is what its JWKS serves
        first = datetime.now(timezone.utc)
        for given, stamp in ((6, first), (9, first + timedelta(seconds=2))):  # Moodle wants a later second
            services.put_score(url, user_id=lms.user("learner").sub, score_given=given, score_maximum=10,
                               activity_progress="Completed", grading_progress="FullyGraded", timestamp=stamp)
    assert lms.gradebook() == {(link.title, "learner"): 90.0}
    assert lms.access_tokens_issued == 1
