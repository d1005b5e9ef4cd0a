"""Deep Linking 2.0 return: the platform checks the tool's signed response and creates
resource links with their custom parameters and line items."""

from __future__ import annotations

import time

import jwt
import pytest

from tests.lti_platform import constants as c
from tests.lti_platform.keys import SigningKey


def dl_settings(platform, tool_stub, browser) -> dict:
    platform.deep_link(browser, "instructor")
    claims = jwt.decode(tool_stub.launches[-1]["id_token"], options={"verify_signature": False})
    return {"settings": claims[c.DL_SETTINGS], "deployment_id": claims[c.CLAIM + "deployment_id"]}


def response_claims(platform, request: dict, items: list[dict], **changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": platform.client_id, "aud": [platform.issuer], "iat": now, "exp": now + 300, "nonce": "n-" + str(now),
        c.CLAIM + "message_type": c.DEEP_LINKING_RESPONSE, c.CLAIM + "version": "1.3.0",
        c.CLAIM + "deployment_id": request["deployment_id"], c.DL_CLAIM + "content_items": items,
        c.DL_CLAIM + "data": request["settings"]["data"],
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


QUIZ = {"type": "ltiResourceLink", "title": "空调故障测验", "text": "Quiz", "url": None,
        "custom": {"item_kind": "quiz", "item_id": "aircon-quiz"},
        "lineItem": {"scoreMaximum": 20, "label": "空调故障测验", "resourceId": "aircon-quiz", "tag": "quiz"}}


def test_returned_items_become_graded_links_that_launch_with_their_custom_parameters(platform, tool_stub, browser):
    request = dl_settings(platform, tool_stub, browser)
    item = {**QUIZ, "url": f"{tool_stub.url}/lti/launch"}
    before = len(platform.resource_links())
    browser.post(request["settings"]["deep_link_return_url"],
                 {"JWT": tool_stub.sign(response_claims(platform, request, [item, {"type": "ltiResourceLink", "title": "读"}]))})
    assert browser.response.status_code == 200 and browser.page.text_of("deep-link-result").startswith("2 item(s)")
    assert [i["title"] for i in platform.deep_link_items(platform.course.id)] == ["空调故障测验", "读"]
    links = platform.resource_links()
    assert len(links) == before + 2
    quiz = links[-2]
    assert quiz.custom == {"item_kind": "quiz", "item_id": "aircon-quiz"} and links[-1].lineitem_id is None
    [column] = [i for i in platform.line_items(platform.course.id) if i.get("resourceId") == "aircon-quiz"]
    assert column["scoreMaximum"] == 20 and column["tag"] == "quiz" and column["resourceLinkId"] == quiz.id
    platform.launch(browser, "learner", resource_link=quiz.id)
    claims = jwt.decode(tool_stub.launches[-1]["id_token"], options={"verify_signature": False})
    assert claims[c.CLAIM + "custom"] == quiz.custom
    assert claims[c.AGS_CLAIM]["lineitem"] == column["id"]
    assert claims[c.CLAIM + "target_link_uri"] == item["url"]


@pytest.mark.parametrize("case", [
    "bad signature", "unknown kid", "wrong aud", "wrong iss", "wrong message type", "no nonce", "data changed",
    "other deployment", "expired", "file item", "no scoreMaximum",
])
def test_a_bad_response_is_refused_and_creates_nothing(platform, tool_stub, browser, case):
    request = dl_settings(platform, tool_stub, browser)
    items = [dict(QUIZ)]
    changes = {
        "wrong aud": {"aud": ["https://elsewhere.example"]},
        "wrong iss": {"iss": "not-a-client"},
        "wrong message type": {c.CLAIM + "message_type": c.RESOURCE_LINK_REQUEST},
        "no nonce": {"nonce": None},
        "data changed": {c.DL_CLAIM + "data": "tampered"},
        "other deployment": {c.CLAIM + "deployment_id": "elsewhere"},
        "expired": {"iat": int(time.time()) - 900, "exp": int(time.time()) - 600},
    }.get(case, {})
    if case == "file item":
        items = [{"type": "file", "url": "https://example.com/a.pdf"}]
    if case == "no scoreMaximum":
        items = [{**QUIZ, "lineItem": {"label": "x"}}]
    claims = response_claims(platform, request, items, **changes)
    if case == "bad signature":
        token = tool_stub.sign(claims, key=SigningKey.generate())
    elif case == "unknown kid":
        token = tool_stub.sign(claims, kid="not-in-the-jwks")
    else:
        token = tool_stub.sign(claims)
    links_before, items_before = len(platform.resource_links()), len(platform.line_items())
    browser.post(request["settings"]["deep_link_return_url"], {"JWT": token})
    assert browser.response.status_code == 400
    assert platform.deep_link_errors and platform.deep_link_items() == []
    assert len(platform.resource_links()) == links_before and len(platform.line_items()) == items_before


def test_a_request_is_answered_once(platform, tool_stub, browser):
    request = dl_settings(platform, tool_stub, browser)
    url = request["settings"]["deep_link_return_url"]
    browser.post(url, {"JWT": tool_stub.sign(response_claims(platform, request, [dict(QUIZ)]))})
    assert browser.response.status_code == 200
    browser.post(url, {"JWT": tool_stub.sign(response_claims(platform, request, [dict(QUIZ)]))})
    assert browser.response.status_code == 400 and len(platform.deep_link_items()) == 1


def test_one_item_only_when_multiple_are_not_accepted(platform, tool_stub, browser):
    platform.deep_link(browser, "instructor", accept_multiple=False)
    claims = jwt.decode(tool_stub.launches[-1]["id_token"], options={"verify_signature": False})
    assert claims[c.DL_SETTINGS]["accept_multiple"] is False
    request = {"settings": claims[c.DL_SETTINGS], "deployment_id": claims[c.CLAIM + "deployment_id"]}
    browser.post(request["settings"]["deep_link_return_url"],
                 {"JWT": tool_stub.sign(response_claims(platform, request, [dict(QUIZ), dict(QUIZ)]))})
    assert browser.response.status_code == 400 and platform.deep_link_items() == []
