"""A plan's form fields: each wrong one named, in the page's language."""

from __future__ import annotations

import pytest

from lti_tool import create_app
from lti_tool.plans import services


@pytest.fixture
def request_context(tmp_path):
    app = create_app({"database_url": f"sqlite:///{tmp_path}/t.db", "secret_key": "x" * 32})
    with app.test_request_context("/?lang=en"):
        yield


def test_every_wrong_field_is_named_and_a_good_plan_parses(request_context):
    with pytest.raises(services.Invalid) as bad:
        services.parse_plan({"kind": "quarterly", "year": "27", "title": " ", "quarter": "5",
                             "starts_on": "2027-06-01", "ends_on": "2027-05-01", "urgency": "whenever"})
    assert set(bad.value.errors) == {"year", "title", "quarter", "dates", "urgency"}
    with pytest.raises(services.Invalid) as bad:
        services.parse_plan({"kind": "yearly", "year": "2027", "title": "x", "starts_on": "1 June"})
    assert set(bad.value.errors) == {"kind", "dates"}
    good = services.parse_plan({"kind": "adhoc", "year": "2027", "title": " 新品上市 ", "reason": "new_product",
                                "urgency": "urgent", "starts_on": "2027-03-01", "quarter": "2"})
    assert (good.title, good.reason, good.urgency, good.quarter, str(good.starts_on)) == (
        "新品上市", "new_product", "urgent", None, "2027-03-01")
