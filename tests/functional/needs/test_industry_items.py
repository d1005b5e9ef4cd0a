"""Industry and technology items over HTTP (seed 三(一)4): recorded with a catalogue
course, refused on the form with the input kept, changed, deleted, audit-logged;
the list paginates; learners get 403 and another organisation 404."""

from __future__ import annotations

from sqlalchemy import select

from lti_tool.audit.models import AuditEvent
from lti_tool.needs.analysis_models import IndustryItem
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)


def test_items_are_recorded_changed_and_deleted_and_strangers_reach_none(people, platform, app, db_session,
                                                                         other_company):
    base = platform.tool_base_url
    learner, hr = people("learner"), people("hr")
    hr.get(f"{base}/manage/")
    hr.follow("行业与技术动态")
    refused = hr.submit("new-industry-item", {"source": "", "topic": "固态电池", "noted_on": "2026-02-30",
                                              "relevance": "urgent"})
    assert refused.status_code == 422
    errors = hr.page.text_of("industry-errors")
    assert "请填写来源" in errors and "请填写日期" in errors and "请选择相关度" in errors
    assert ("topic", "固态电池") in hr.page.form("new-industry-item").fields  # input kept
    assert hr.submit("new-industry-item", {"source": "汽车工程学会", "topic": "固态电池", "noted_on": "2026-10-12",
                                           "relevance": "high", "note": "=cmd|' /C calc'!A0",
                                           "course_ids": "basics"}).status_code == 200
    item = db_session.scalars(select(IndustryItem)).one()
    item_id = item.id
    assert (item.topic, item.relevance, item.course_ids, item.note) == ("固态电池", "high", ["basics"],
                                                                          "=cmd|' /C calc'!A0")
    assert "基础课程" in hr.page.text_of("industry-items") and "高" in hr.page.text_of("industry-items")
    assert hr.submit("new-industry-item", {"source": "x", "topic": "y", "noted_on": "2026-10-12",
                                           "relevance": "low", "course_ids": "no-such-course"}).status_code == 422

    hr.get(f"{base}/manage/needs/industry/{item.id}")
    assert hr.submit("edit-industry-item", {"relevance": "medium", "course_ids": []}).status_code == 200
    db_session.expire_all()
    assert (item.relevance, item.course_ids) == ("medium", [])
    hr.get(f"{base}/manage/needs/industry/{item.id}")
    assert hr.submit("edit-industry-item", {"topic": ""}).status_code == 422

    # Paginated: one page holds 50.
    with app.app_context():
        from lti_tool.db import get_db

        with get_db(app).sessionmaker.begin() as session:
            for n in range(55):
                session.add(IndustryItem(organisation_id=item.organisation_id, source="s", topic=f"主题{n:02d}",
                                         noted_on=item.noted_on, relevance="low", course_ids=[]))
    hr.get(f"{base}/manage/needs/industry")
    assert hr.response.text.count("/delete") == 50 and "第 1 页，共 2 页" in hr.page.text
    hr.get(f"{base}/manage/needs/industry?page=2")
    assert hr.response.text.count("/delete") == 6

    assert learner.session.get(f"{base}/manage/needs/industry", timeout=15).status_code == 403
    stranger = crowd_on(other_company)
    try:
        their_hr = stranger("hr")
        assert their_hr.session.get(f"{base}/manage/needs/industry/{item.id}", timeout=15).status_code == 404
        their_hr.get(f"{base}/manage/needs/industry")
        assert their_hr.session.post(f"{base}/manage/needs/industry/{item.id}/delete", timeout=15,
                                     data={"csrf_token": csrf(their_hr)}).status_code == 404
        assert "固态电池" not in their_hr.page.text_of("industry-items")
    finally:
        stranger.close()

    hr.get(f"{base}/manage/needs/industry")
    assert hr.session.post(f"{base}/manage/needs/industry/{item_id}/delete", timeout=15,
                           data={"csrf_token": csrf(hr)}).status_code == 200
    db_session.expire_all()
    assert db_session.get(IndustryItem, item_id) is None
    actions = set(db_session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("industry_item.%"))))
    assert actions == {"industry_item.created", "industry_item.changed", "industry_item.deleted"}
