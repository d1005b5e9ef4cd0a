"""Completion rate, pass rate and average score per course and per department; the SVG
bar chart escapes its labels and clamps its bars."""

from __future__ import annotations

from lti_tool.hr import queries
from lti_tool.hr.charts import bar_chart
from lti_tool.records.employees import link_user


def test_rates_per_course_and_department(world, db_session):
    a, b, c = world.user("a", "甲", "E1"), world.user("b", "乙", "E2"), world.user("c", "丙", "E3")
    for user, department in ((a, "一部"), (b, "一部"), (c, "二部")):
        link_user(db_session, user).department = department
    world.complete(a)  # passes quiz 8/10 and task 90/100: completes
    world.complete(b, skip="task")
    world.record(b, "practical", "task", "failed", score=40.0, score_max=100.0, passed=False)
    world.record(c, "lesson", "intro", "completed")
    by_course, by_department = queries.rates(db_session, world.platform.organisation_id, queries.Filters())
    [course] = by_course
    assert (course.key, course.people, course.completed, course.completion_rate) == ("basics", 3, 1, 33.3)
    assert (course.assessed, course.passed, course.pass_rate) == (4, 3, 75.0)
    assert course.average_score == round((80 + 90 + 80 + 40) / 4, 1)
    departments = {r.key: r for r in by_department}
    assert (departments["一部"].people, departments["一部"].completed, departments["一部"].completion_rate) == (2, 1, 50.0)
    assert departments["二部"].completion_rate == 0.0 and departments["二部"].pass_rate is None
    only = queries.rates(db_session, world.platform.organisation_id, queries.Filters(department="二部"))[0]
    assert [(r.key, r.people) for r in only] == [("basics", 1)]


def test_the_chart_escapes_labels_and_clamps_bars():
    svg = str(bar_chart("<完成率>", [("<script>", 150.0), ("空", None), ("一部", 50.0)]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;完成率&gt;" in svg
    assert 'width="320.0"' in svg and 'width="160.0"' in svg and "—" in svg
    assert svg.startswith("<svg") and 'role="img"' in svg


def test_employees_filtered_by_course_status_and_dates(world, db_session):
    from datetime import date, timedelta

    a, b = world.user("a", "甲", "E1"), world.user("b", "乙", "E2")
    world.complete(a)
    world.complete(b, skip="task")

    def numbers(**values):
        query = queries.employees_query(world.platform.organisation_id, queries.Filters(**values))
        return [e.employee_number for e in db_session.scalars(query)]

    assert numbers(course_id="basics") == ["E1", "E2"]
    assert numbers(course_id="basics", status="completed") == ["E1"]
    assert numbers(course_id="basics", status="in_progress") == ["E2"]
    today = date.today()
    assert numbers(date_from=today, date_to=today) == ["E1", "E2"]  # records updated today
    assert numbers(date_to=today - timedelta(days=1)) == []
    assert numbers(course_id="other") == []
