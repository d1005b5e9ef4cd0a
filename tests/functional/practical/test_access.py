"""Authorization over HTTP: a learner reaches no instructor page or endpoint of the
practical and sessions features; an instructor of one LMS course cannot read or grade
another course's learners; forged learner, task and criterion ids are refused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lti_tool.lti import roles
from lti_tool.practical.models import Assessment
from tests.functional.practical.conftest import TASK, csrf, user_id
from tests.lti_platform import constants as c

FEATURES = ("practical.", "sessions.")


def instructor_only_rules(app):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(FEATURES):
            continue
        required = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        assert required, f"{rule.endpoint} declares no role"
        if roles.LEARNER not in required:
            yield rule


def concrete(rule) -> str:
    """The rule's path with every argument filled in."""
    values = {"item_id": TASK, "fmt": "pdf", "size": "thumb"}
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values.get(m.group(1), 1)), rule.rule)


def test_a_learner_reaches_no_instructor_page_or_endpoint(people, app, platform, db_session):
    people("learner")
    instructor = people("instructor")
    instructor.submit(instructor.page.form(action_contains="/practical/assess"))
    instructor.submit(instructor.page.form("grading"), {"level-lockout": "met", "level-quality": "good", "confirm": "1"})
    learner = people("learner")
    learner.get(f"{platform.tool_base_url}/practical/results/{db_session.scalars(select(Assessment.id)).one()}")
    token = csrf(learner)  # a valid form token: refusals below are for the role, not the token
    base = platform.tool_base_url
    checked = 0
    for rule in instructor_only_rules(app):
        for method in sorted(rule.methods & {"GET", "POST"}):
            url = base + concrete(rule)
            if method == "GET":
                response = learner.session.get(url, timeout=15)
            else:
                response = learner.session.post(url, data={"csrf_token": token or "", "learner_id": "1",
                                                           "item_id": TASK}, timeout=15)
            assert response.status_code == 403, f"{method} {url} answered {response.status_code}"
            checked += 1
    assert checked >= 15  # every instructor page and action of both features


def test_instructors_of_another_course_cannot_read_or_grade_these_learners(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    instructor.submit(instructor.page.form(action_contains="/practical/assess"))
    assessment_url = instructor.page.url
    assessment = db_session.scalars(select(Assessment)).one()
    learner_id = user_id(app, platform, "learner")

    other = platform.add_course("另一门课程", "ASV102")
    platform.add_user("instructor_b", "赵强", roles=(c.INSTRUCTOR,), context=other.id)
    link_b = platform.add_resource_link("实操考核", context=other.id,
                                        custom={"item_kind": "practical", "item_id": TASK})
    stranger = people("instructor_b", link=link_b, context=other.id)
    assert "张伟" not in stranger.page.text  # not on this course's roster
    base = platform.tool_base_url
    token = csrf(stranger)
    assert stranger.session.get(assessment_url, timeout=15).status_code == 404
    assert stranger.session.get(f"{base}/practical/learner/{learner_id}", timeout=15).status_code == 404
    forged = stranger.session.post(f"{base}/practical/assess", timeout=15,
                                   data={"csrf_token": token, "learner_id": learner_id, "item_id": TASK})
    assert forged.status_code == 404
    signed = stranger.session.post(f"{assessment_url}/sign-off", timeout=15, data={
        "csrf_token": token, "level-lockout": "met", "level-quality": "good", "confirm": "1",
        "submission_uuid": "0f0e6b1c-1d64-4c38-9a44-2a2b8c2f0d11"})
    assert signed.status_code == 404
    db_session.expire_all()
    assert db_session.get(Assessment, assessment.id).status == "draft"


@pytest.mark.parametrize("field,value", [("learner_id", "999999"), ("learner_id", "abc"), ("item_id", "basics/nope"),
                                         ("item_id", "fault-diagnosis-repair/diagnosis-repair-assessment")])
def test_forged_learner_and_task_ids_are_refused(people, platform, app, db_session, field, value):
    people("learner")
    instructor = people("instructor")
    form = instructor.page.form(action_contains="/practical/assess")
    instructor.submit(form, {field: value})
    assert instructor.response.status_code == 404
    assert db_session.scalars(select(Assessment)).all() == []


def test_an_instructor_id_is_not_a_learner(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    form = instructor.page.form(action_contains="/practical/assess")
    instructor.submit(form, {"learner_id": str(user_id(app, platform, "instructor"))})
    assert instructor.response.status_code == 404


def test_forged_criteria_and_levels_are_refused(people, platform, app, db_session):
    people("learner")
    instructor = people("instructor")
    instructor.submit(instructor.page.form(action_contains="/practical/assess"))
    form = instructor.page.form("grading")
    for forged in ({"level-lockout": "met", "level-quality": "excellent"}, {"level-lockout": "met", "level-quality": "good", "level-bribe": "met"}):
        instructor.submit(form, {**forged, "confirm": "1"})
        assert instructor.response.status_code == 422
    assert db_session.scalars(select(Assessment)).one().status == "draft"


def test_a_learner_sees_only_their_own_results(people, platform, app, db_session):
    people("learner")
    people("learner2")
    instructor = people("instructor")
    instructor.submit(instructor.page.form(action_contains="/practical/assess"))  # 张伟 first on the roster
    instructor.submit(instructor.page.form("grading"), {"level-lockout": "met", "level-quality": "good", "confirm": "1"})
    assessment = db_session.scalars(select(Assessment)).one()
    other = people("learner2")
    base = platform.tool_base_url
    assert other.session.get(f"{base}/practical/results/{assessment.id}", timeout=15).status_code == 404
    owner = people("learner")
    assert owner.session.get(f"{base}/practical/results/{assessment.id}", timeout=15).status_code == 200
