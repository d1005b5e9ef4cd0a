"""AGS client behaviour found against Moodle 5.1."""

from __future__ import annotations

import json

from lti_tool.lti.services import AGS_SCOPES, PlatformServices

LINEITEMS = "http://lms.example/mod/lti/services.php/2/lineitems?type_id=2"


def _item(n: int, resource_id: str, link: str | None) -> dict:
    item = {"id": f"http://lms.example/mod/lti/services.php/2/lineitems/{n}/lineitem?type_id=2",
            "label": resource_id, "scoreMaximum": 100, "resourceId": resource_id}
    if link:
        item["resourceLinkId"] = link
    return item


class FakeConnector:
    """Answers the line items container like Moodle: one line item per activity."""

    def __init__(self, items: list[dict]) -> None:
        self.items, self.posted = items, []

    def get_paginated_data(self, scopes, url, **kwargs):
        yield {"headers": {}, "body": list(self.items), "next_page_url": None}

    def make_service_request(self, scopes, url, is_post=False, data=None, **kwargs):
        assert is_post
        data = json.loads(data) if isinstance(data, str) else data
        created = dict(data, id=f"http://lms.example/mod/lti/services.php/2/lineitems/{len(self.items) + 9}/lineitem")
        self.posted.append(data)
        self.items.append(created)
        return {"headers": {}, "body": created, "next_page_url": None}


def _find(connector, **kwargs) -> str:
    return PlatformServices(connector).find_or_create_lineitem(
        LINEITEMS, label="After-sales basics", score_maximum=100, scopes=AGS_SCOPES, **kwargs
    )


def test_the_same_catalogue_item_in_two_activities_finds_each_links_line_item():
    # Moodle 5.1: the course placed twice by Deep Linking -> two line items, one resourceId.
    connector = FakeConnector([_item(2, "as-basics", "1"), _item(5, "as-basics", "3")])
    assert _find(connector, resource_id="as-basics", resource_link_id="3").endswith("/lineitems/5/lineitem?type_id=2")
    assert _find(connector, resource_id="as-basics", resource_link_id="1").endswith("/lineitems/2/lineitem?type_id=2")
    assert connector.posted == []


def test_a_link_without_its_own_line_item_gets_one_created():
    connector = FakeConnector([_item(2, "as-basics", "1")])
    url = _find(connector, resource_id="as-basics", resource_link_id="4")
    assert url.endswith("/lineitems/10/lineitem")
    assert connector.posted == [
        {"scoreMaximum": 100, "label": "After-sales basics", "resourceId": "as-basics", "resourceLinkId": "4"}
    ]


def test_without_a_resource_link_the_resource_id_decides():
    connector = FakeConnector([_item(3, "extra-check", None), _item(2, "as-basics", "1")])
    assert _find(connector, resource_id="extra-check").endswith("/lineitems/3/lineitem?type_id=2")
    assert connector.posted == []
