"""Deep Linking 2.0 round trip: an instructor picks items from the bundled catalogue;
the platform receives signed ltiResourceLink items with line items and custom
parameters; launching a placed item carries them back (DL 2.0 §4.2, §3.4)."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.lti.models import ResourceLink
from tests.support.browser import Browser
from tests.support.xapi_store import default_org

QUIZ = "quiz:fault-diagnosis-repair/final-exam"
PRACTICAL = "practical:fault-diagnosis-repair/diagnosis-repair-assessment"
SESSION = "session:fault-diagnosis-repair/workshop"


def test_instructor_places_several_items_in_the_course(platform, browser, db_session):
    picker = platform.deep_link(browser, user="instructor")
    assert picker.status_code == 200, picker.text[:300]
    form = browser.page.form(action_contains="/lti/deeplink")
    offered = form.options("item")
    assert {QUIZ, PRACTICAL, SESSION, "course:fault-diagnosis-repair"} <= set(offered)
    browser.submit(form, {"item": [QUIZ, PRACTICAL, SESSION]})  # auto-posts the JWT back to the LMS
    items = platform.deep_link_items(platform.course.id)
    assert [i["custom"]["item_id"] for i in items] == [
        "fault-diagnosis-repair/final-exam",
        "fault-diagnosis-repair/diagnosis-repair-assessment",
        "fault-diagnosis-repair/workshop",
    ]
    quiz, practical, session = items
    assert quiz["type"] == "ltiResourceLink" and quiz["url"].endswith("/lti/launch")
    assert quiz["custom"]["item_kind"] == "quiz" and "?" not in quiz["url"]  # no query string
    assert quiz["lineItem"]["resourceId"] == "fault-diagnosis-repair/final-exam"
    assert quiz["lineItem"]["scoreMaximum"] > 0 and quiz["lineItem"]["label"] == quiz["title"]
    assert "故障" in quiz["title"]  # the instructor's language
    assert practical["lineItem"]["tag"] == "practical"
    assert "lineItem" not in session  # attendance is not a gradebook column

    # A learner opens the placed quiz: the launch carries the item's custom parameters.
    placed = [link for link in platform.resource_links() if link.custom.get("item_id") == "fault-diagnosis-repair/final-exam"]
    with Browser() as learner:
        assert platform.launch(learner, user="learner", resource_link=placed[0].id).status_code == 200
    link = db_session.scalars(select(ResourceLink).where(ResourceLink.lms_resource_link_id == placed[0].id)).one()
    assert (link.item_kind, link.item_id) == ("quiz", "fault-diagnosis-repair/final-exam")
    assert link.lineitem_url  # the platform created the gradebook column from the lineItem


def test_single_item_platforms_get_one_item(platform, browser):
    platform.deep_link(browser, user="instructor", accept_multiple=False)
    form = browser.page.form(action_contains="/lti/deeplink")
    response = browser.submit(form, {"item": [QUIZ, PRACTICAL]})
    assert response.status_code == 422
    assert platform.deep_link_items(platform.course.id) == []


def test_an_unknown_or_forged_item_is_refused(platform, browser):
    platform.deep_link(browser, user="instructor")
    form = browser.page.form(action_contains="/lti/deeplink")
    response = browser.submit(form, {"item": ["quiz:no-such-course/none"]})
    assert response.status_code == 422
    assert platform.deep_link_items(platform.course.id) == []


def test_the_response_without_csrf_token_is_refused(platform, browser):
    platform.deep_link(browser, user="instructor")
    form = browser.page.form(action_contains="/lti/deeplink")
    response = browser.post(form.action, [("item", QUIZ)])
    assert response.status_code == 400
    assert platform.deep_link_items(platform.course.id) == []


def test_a_learner_cannot_use_a_deep_linking_launch(platform, browser):
    response = platform.deep_link(browser, user="learner")
    assert response.status_code == 403


def test_launching_a_placed_item_records_a_launched_statement(platform, browser, db_session):
    import json

    from xapi import store
    from xapi.vocabulary import Verb

    platform.deep_link(browser, user="instructor")
    browser.submit(browser.page.form(action_contains="/lti/deeplink"), {"item": [QUIZ]})
    placed = [link for link in platform.resource_links() if link.custom.get("item_kind") == "quiz"][0]
    with Browser() as learner:
        platform.launch(learner, user="learner", resource_link=placed.id)
        platform.launch(learner, user="learner", resource_link=placed.id)
    rows, _ = store.find(db_session, store.Query(verb=Verb.LAUNCHED.value, organisation_id=default_org(db_session)))
    launched = [json.loads(row.body) if isinstance(row.body, str) else row.body for row in rows]
    assert len(launched) == 2  # one per launch
    statement = launched[0]
    assert statement["actor"]["account"]["name"] == platform.user("learner").sub
    assert statement["object"]["id"].endswith("/course/fault-diagnosis-repair")


def test_the_training_file_can_be_placed_and_opens_each_persons_own_view(platform, browser, db_session):
    platform.deep_link(browser, user="instructor")
    form = browser.page.form(action_contains="/lti/deeplink")
    assert {"records:hr", "records:certificates", "records:runs"} <= set(form.options("item"))
    browser.submit(form, {"item": ["records:hr"]})
    [item] = platform.deep_link_items(platform.course.id)
    assert item["type"] == "ltiResourceLink" and item["custom"] == {"item_kind": "records", "item_id": "hr"}
    assert "lineItem" not in item and item["title"] == "培训档案"  # not a gradebook column
    placed = next(link for link in platform.resource_links() if link.custom.get("item_kind") == "records")
    with Browser() as learner:
        landed = platform.launch(learner, user="learner", resource_link=placed.id)
        assert landed.status_code == 200 and "/records/" in landed.url and "/hr" not in landed.url
    with Browser() as hr:
        landed = platform.launch(hr, user="hr", resource_link=placed.id)
        assert landed.status_code == 200 and "/hr" in landed.url
