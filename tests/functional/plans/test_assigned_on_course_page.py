"""Assigned training on the course page: a learner opening a course sees the training
assigned to them for that course, with its due date and status (overdue badged), and
a link to all their assigned training; a completed one shows as completed, and someone
with nothing assigned (the trainer) sees no such section."""

from __future__ import annotations

from datetime import date, timedelta

from tests.functional.hr.conftest import complete, course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.plans.test_assignments import assign
from tests.functional.practical.conftest import settings_overrides  # noqa: F401  (fixture)


def test_the_course_page_shows_the_learners_assigned_training_with_due_date_and_overdue(
        people, platform, app, db_session):
    base = platform.tool_base_url
    zhang, li, alex, other = people("learner"), people("learner2"), people("learner_en"), people("instructor")
    hr = people("hr")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert assign(hr, base, course_id="basics", due_on=yesterday, employee_numbers="E1001\nE1002\nE1003",
                  note="新品上市前必修").status_code == 200
    assert assign(hr, base, course_id="basics", due_on="2099-06-30", employee_numbers="E1002").status_code == 200
    complete(app, platform, "learner")

    li.get(f"{base}/learn/course/basics")
    shown = li.page.text_of("course-assigned")
    assert f"截止日期 {yesterday}" in shown and "已逾期" in shown and "新品上市前必修" in shown
    assert "截止日期 2099-06-30" in shown and "未开始" in shown
    assert shown.index(yesterday) < shown.index("2099-06-30")  # soonest due first
    assert li.page.link("查看我的全部必修培训")["href"].endswith("/learn/assigned/")

    zhang.get(f"{base}/learn/course/basics")
    mine = zhang.page.text_of("course-assigned")
    assert "已完成" in mine and "已逾期" not in mine and "2099-06-30" not in mine

    alex.get(f"{base}/learn/course/basics")
    assert "Overdue" in alex.page.text_of("course-assigned") and f"Due {yesterday}" in alex.page.text

    other.get(f"{base}/learn/course/basics")
    assert "course-assigned" not in other.page.ids
