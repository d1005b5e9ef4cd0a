"""Confirming a dry run makes a version of the organisation's own course: 1.0.0 first,
1.1.0 next; the course is offered in Deep Linking and opened only by that
organisation; a library course is never changed; a broken file has nothing to confirm."""

from __future__ import annotations

from sqlalchemy import func, select

from lti_tool.catalog.models import Course, CourseVersion
from lti_tool.lti.models import Platform
from tests.functional.banks.test_check_page import upload
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.practical.conftest import csrf
from tests.support.browser import Browser


def ticket_of(page: str) -> str:
    return page.split('name="ticket" value="')[1].split('"')[0]


def confirm(browser, base, ticket, course="new"):
    browser.get(f"{base}/banks/")
    return browser.session.post(f"{base}/banks/confirm", timeout=30,
                                data={"csrf_token": csrf(browser), "ticket": ticket, "course": course})


def own_versions(db_session) -> list[tuple[str, str, int | None]]:
    db_session.expire_all()
    return [(c.slug, v.version, c.owner_organisation_id) for c, v in db_session.execute(
        select(Course, CourseVersion).join(CourseVersion).where(Course.owner_organisation_id.is_not(None))
        .order_by(CourseVersion.id))]



def test_confirm_makes_version_1_0_0_then_1_1_0_of_the_own_course(people, platform, db_session):
    hr = people("hr")
    base = platform.tool_base_url
    page = upload(hr, base, "bank.gift", pool="safety").text
    done = confirm(hr, base, ticket_of(page))
    assert done.status_code == 200 and "/banks/" in done.url
    organisation = db_session.scalar(select(Platform.organisation_id).where(Platform.issuer == platform.issuer))
    slug = f"org{organisation}-safety"
    assert own_versions(db_session) == [(slug, "1.0.0", organisation)]
    assert slug in done.text and "1.0.0" in done.text  # the flash and the page's listing
    # the ticket is used once
    assert confirm(hr, base, ticket_of(page)).status_code == 404
    # a second bank into the same course: the next version, holding both quizzes
    second = upload(hr, base, "moodle.xml", pool="tools").text
    assert f'value="{slug}"' in second
    done = confirm(hr, base, ticket_of(second), course=slug)
    assert done.status_code == 200, done.text[:500]
    assert own_versions(db_session) == [(slug, "1.0.0", organisation), (slug, "1.1.0", organisation)]
    latest = db_session.scalars(select(CourseVersion).where(CourseVersion.version == "1.1.0")).one()
    assert [q["id"] for q in latest.quizzes] == ["safety", "tools"]
    assert any(path.startswith("media/tools-") for path in latest.assets)  # the Moodle file's picture
    listing = done.text.split('id="own-courses"')[1]
    assert listing.count('class="own-version"') == 2 and "1.1.0" in listing


def test_the_own_course_is_offered_placed_and_opened_only_in_its_organisation(people, platform, db_session,
                                                                              other_company):
    hr = people("hr")
    base = platform.tool_base_url
    confirm(hr, base, ticket_of(upload(hr, base, "bank.gift", pool="safety").text))
    slug = own_versions(db_session)[0][0]
    with Browser() as browser:
        platform.deep_link(browser, user="instructor")
        offered = browser.page.form(action_contains="/lti/deeplink").options("item")
    assert f"course:{slug}" in offered and f"quiz:{slug}/safety" in offered
    assert "course:basics" in offered  # the library stays offered
    with Browser() as browser:
        other_company.deep_link(browser, user="instructor")
        offered = browser.page.form(action_contains="/lti/deeplink").options("item")
    assert not [item for item in offered if slug in item]
    # a learner of the organisation opens the quiz and submits it
    link = platform.add_resource_link("安全题库", custom={"item_kind": "quiz", "item_id": f"{slug}/safety"})
    learner = people("learner", link=link)
    assert f"/learn/quiz/{slug}/safety" in learner.url
    learner.submit(learner.page.form(action_contains="/learn/start/"))
    learner.submit(learner.page.form("attempt-form"))
    assert "/result" in learner.url
    # another organisation's LMS with a link naming the course is refused with a clear page
    stolen = other_company.add_resource_link("偷来的", custom={"item_kind": "quiz", "item_id": f"{slug}/safety"})
    with Browser() as stranger:
        refused = other_company.launch(stranger, user="learner", resource_link=stolen.id)
        assert refused.status_code == 403
        assert "另一组织" in refused.text or "another organisation" in refused.text
    with Browser() as trainer:  # that LMS course's instructor sees none of the course's quizzes
        other_company.launch(trainer, user="instructor", resource_link=stolen.id)
        overview = trainer.session.get(f"{base}/learn/teach/", timeout=15)
        assert overview.status_code == 200 and f"{slug}/safety" not in overview.text
    with Browser() as trainer:  # while this organisation's does
        platform.launch(trainer, user="instructor", resource_link=link.id)
        assert f"{slug}/safety" in trainer.session.get(f"{base}/learn/teach/", timeout=15).text


def test_a_library_course_is_never_changed(people, platform, db_session):
    hr = people("hr")
    base = platform.tool_base_url
    hr.get(f"{base}/learn/course/basics")  # the library course imported on first use
    db_session.expire_all()
    before = db_session.scalar(select(func.count()).select_from(CourseVersion).join(Course)
                               .where(Course.slug == "basics"))
    page = upload(hr, base, "bank.gift", pool="check").text
    assert 'value="basics"' not in page  # not offered as a target
    refused = confirm(hr, base, ticket_of(page), course="basics")
    assert refused.status_code == 404
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(CourseVersion).join(Course)
                             .where(Course.slug == "basics")) == before
    assert db_session.scalar(select(Course.owner_organisation_id).where(Course.slug == "basics")) is None
    assert own_versions(db_session) == []
    # the ticket was not spent: it can still make a new own course
    assert confirm(hr, base, ticket_of(page)).status_code == 200
    assert len(own_versions(db_session)) == 1


def test_a_broken_file_cannot_be_confirmed(people, platform, db_session):
    hr = people("hr")
    base = platform.tool_base_url
    page = upload(hr, base, "broken.gift", data="::a:: 问题 { 没有答案 \n".encode(), pool="broken").text
    assert 'id="bank-confirm"' not in page and 'name="ticket"' not in page
    assert confirm(hr, base, "A" * 22).status_code == 404
    assert own_versions(db_session) == []


def test_learners_and_other_organisations_cannot_confirm(people, platform, db_session, other_company):
    hr = people("hr")
    base = platform.tool_base_url
    ticket = ticket_of(upload(hr, base, "bank.gift").text)
    learner = people("learner")
    assert learner.session.post(f"{base}/banks/confirm", timeout=15, data={"ticket": ticket}).status_code in (400, 403)
    stranger = crowd_on(other_company)
    try:
        other_hr = stranger("hr")
        assert confirm(other_hr, base, ticket).status_code == 404
    finally:
        stranger.close()
    assert own_versions(db_session) == []
    forged = hr.session.post(f"{base}/banks/confirm", timeout=15, data={"csrf_token": "forged", "ticket": ticket})
    assert forged.status_code == 400
    assert own_versions(db_session) == []


def test_the_importer_never_writes_across_owners(app, db_session):
    from lti_tool.catalog.course import read_course
    from lti_tool.catalog.importer import import_course
    from tests.functional.practical.conftest import SAMPLE

    content, problems = read_course(SAMPLE / "basics")
    assert problems == []
    assert import_course(db_session, content).status == "created"  # the library's
    taken = import_course(db_session, content, owner_organisation_id=1)
    assert taken.status == "refused" and "taken by the shared library" in taken.message
    db_session.rollback()
