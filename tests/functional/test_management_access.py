"""The training-management features as a stranger and as a learner: every page and
endpoint of approvals, plans, assigned training, needs surveys, customer feedback,
industry items, the needs analysis and its report, the trainer pool, question banks, the
certificate design, budgets and expense claims answers 401 with no launch (a stranger's own LMS cannot launch:
tests/functional/lti/test_launch_rejections.py), and each one for HR only answers 403
to a learner of the organisation, whatever it is sent."""

from __future__ import annotations

import re

import requests

from lti_tool.lti import roles
from tests.functional.approvals.test_approvals import token
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.practical.conftest import settings_overrides  # noqa: F401  (fixture)
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser

FEATURES = ("approvals.", "plans.", "assignments.", "assigned.", "manage.", "needs.", "needs_answer.", "banks.",
            "trainers.", "trainer_candidacy.", "hr.certificate_design", "budget.", "claims.", "claims_manage.")


# The needs analysis report's pages and endpoints (on the needs blueprint), walked too.
NEEDS_REPORT = {"needs.reports", "needs.create_report", "needs.report", "needs.update_report", "needs.refresh_report",
                "needs.submit_report", "needs.report_pdf", "needs.link_needs_report", "needs.unlink_needs_report"}


def rules(app):
    found = [r for r in app.url_map.iter_rules() if r.endpoint.startswith(FEATURES)]
    assert len(found) >= 25, [r.endpoint for r in found]
    assert NEEDS_REPORT <= {r.endpoint for r in found}
    # from plan to delivery: scheduling an item's sessions and the plan's execution report
    assert {"plans.schedule_form", "plans.schedule", "plans.execution_page", "plans.execution_pdf",
            "plans.execution_xlsx"} <= {r.endpoint for r in found}
    needs_inputs = {"needs.feedback_index", "needs.feedback_upload", "needs.feedback_apply", "needs.feedback_template",
                    "needs.industry_index", "needs.industry_create", "needs.industry_edit", "needs.industry_update",
                    "needs.industry_delete", "needs.analysis_page", "needs.analysis_settings",
                    "needs.analysis_link_add", "needs.analysis_link_delete"}
    assert needs_inputs <= {r.endpoint for r in found}, needs_inputs - {r.endpoint for r in found}
    return found


def concrete(rule) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "1", rule.rule)


def test_no_launch_reaches_nothing_and_a_learner_no_hr_page(people, platform, app, live_tool):
    base = platform.tool_base_url
    with TestPlatform("A stranger's LMS", tool_base_url=live_tool.url) as stranger:  # never registered
        refused = stranger.launch(Browser(), user="hr")
        assert refused.status_code in (400, 401, 403), refused.status_code
    learner = people("learner")
    form_token = token(learner, base)
    for rule in rules(app):
        path = base + concrete(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            anonymous = requests.request(method, path, timeout=15, data={})
            assert anonymous.status_code in (400, 401), (method, rule.rule, anonymous.status_code)
            required = getattr(app.view_functions[rule.endpoint], "required_roles", None)
            assert required is not None, f"{rule.endpoint} declares no role check"
            if roles.HR in required and roles.LEARNER not in required and roles.INSTRUCTOR not in required:
                answer = learner.session.request(method, path, timeout=15, data={"csrf_token": form_token})
                assert answer.status_code == 403, (method, rule.rule, answer.status_code)
