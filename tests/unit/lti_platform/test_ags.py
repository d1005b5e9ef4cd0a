"""Assignment and Grade Services 2.0 as the platform serves it: bearer tokens and
scopes, media types, line items, scores and their timestamp order, results."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import requests

from tests.lti_platform import constants as c

NOW = datetime(2026, 11, 23, 8, 0, 0, 500000, tzinfo=timezone.utc)


def graded_link(platform):
    return next(link for link in platform.resource_links() if link.lineitem_id)


def score(platform, user="learner", given=7.0, stamp=NOW, progress="FullyGraded", **extra) -> dict:
    return {"userId": platform.user(user).sub, "scoreGiven": given, "scoreMaximum": 10,
            "activityProgress": "Completed", "gradingProgress": progress, "timestamp": stamp.isoformat(), **extra}


def post_score(platform, headers, body, item_id=None, media=c.MEDIA_SCORE):
    item_url = platform.lineitem_url(platform.course.id, item_id or graded_link(platform).lineitem_id)
    base, _, query = item_url.partition("?")
    return requests.post(f"{base}/scores" + (f"?{query}" if query else ""), data=json.dumps(body), timeout=10,
                         headers={**headers, "Content-Type": media})


def test_no_token_or_a_token_without_the_scope_is_refused(platform, bearer):
    url = platform.lineitems_url(platform.course.id)
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer made-up"}, timeout=10).status_code == 401
    nrps_only = bearer(c.SCOPE_NRPS)
    response = requests.get(url, headers=nrps_only, timeout=10)
    assert response.status_code == 403 and "insufficient_scope" in response.headers["WWW-Authenticate"]
    assert post_score(platform, bearer(c.SCOPE_LINEITEM), score(platform)).status_code == 403


def test_an_accepted_score_is_stored_and_scaled_into_the_gradebook(platform, bearer):
    response = post_score(platform, bearer(c.SCOPE_SCORE), score(platform, comment="好"))
    assert response.status_code == 200, response.text
    [stored] = platform.scores(platform.course.id)
    assert stored["userId"] == platform.user("learner").sub and stored["scoreGiven"] == 7.0
    assert stored["resourceId"] == "quiz-fault-diagnosis" and stored["tag"] == "quiz"
    assert platform.gradebook() == {(graded_link(platform).title, "learner"): 70.0}  # 7/10 of a 100-point column


def test_a_score_needs_the_score_media_type(platform, bearer):
    response = post_score(platform, bearer(c.SCOPE_SCORE), score(platform), media="text/plain")
    if platform.product_family == "moodle":
        assert response.status_code == 400 and response.text.startswith("No handler found")
    else:
        assert response.status_code == 415
    assert platform.scores() == []


@pytest.mark.parametrize("change", [
    {"userId": "not-a-member"}, {"activityProgress": "Done"}, {"gradingProgress": "Graded"},
    {"timestamp": "2026-11-23 08:00"}, {"timestamp": None}, {"scoreGiven": -1},
])
def test_invalid_scores_are_refused(platform, bearer, change):
    body = {k: v for k, v in {**score(platform), **change}.items() if v is not None}
    response = post_score(platform, bearer(c.SCOPE_SCORE), body)
    assert response.status_code in (400, 422)
    assert platform.scores() == [] and platform.rejected_scores


def test_a_score_older_than_the_last_one_is_refused(platform, bearer):
    headers = bearer(c.SCOPE_SCORE)
    assert post_score(platform, headers, score(platform, given=9, stamp=NOW)).status_code == 200
    older = post_score(platform, headers, score(platform, given=1, stamp=NOW - timedelta(minutes=5)))
    assert older.status_code == (409 if platform.product_family == "moodle" else 400)
    # The same second again: Moodle refuses it too (its clock has whole seconds), Canvas takes it.
    same = post_score(platform, headers, score(platform, given=8, stamp=NOW + timedelta(microseconds=100)))
    assert same.status_code == (409 if platform.product_family == "moodle" else 200)
    later = post_score(platform, headers, score(platform, given=10, stamp=NOW + timedelta(seconds=2)))
    assert later.status_code == 200
    assert platform.gradebook()[(graded_link(platform).title, "learner")] == 100.0


def test_pending_grades_are_not_shown_the_way_each_product_decides(platform, bearer):
    post_score(platform, bearer(c.SCOPE_SCORE), score(platform, progress="PendingManual"))
    grade = platform.gradebook()[(graded_link(platform).title, "learner")]
    assert grade == (None if platform.product_family == "moodle" else 70.0)


def test_line_items_create_filter_page_update_delete(platform, bearer):
    headers = bearer(c.SCOPE_LINEITEM)
    url = platform.lineitems_url(platform.course.id)
    for n in range(4):
        created = requests.post(url, timeout=10, headers={**headers, "Content-Type": c.MEDIA_LINEITEM},
                                data=json.dumps({"label": f"Task {n}", "scoreMaximum": 20, "tag": "practical",
                                                 "resourceId": f"task-{n}"}))
        assert created.status_code == 201 and created.headers["Content-Type"] == c.MEDIA_LINEITEM
    tagged = requests.get(url, params={"tag": "practical"}, headers=headers, timeout=10)
    assert tagged.headers["Content-Type"] == c.MEDIA_LINEITEMS
    assert {i["resourceId"] for i in tagged.json()} >= {"task-0", "task-1", "task-2", "task-3"}
    seen, next_url = [], f"{url}{'&' if '?' in url else '?'}limit=2"
    while next_url:
        page = requests.get(next_url, headers=headers, timeout=10)
        seen += [i["id"] for i in page.json()]
        next_url = page.links.get("next", {}).get("url")
    assert len(seen) == len(set(seen)) == len(platform.line_items(platform.course.id)) == 6
    item = requests.get(url, params={"resource_id": "task-2"}, headers=headers, timeout=10).json()[0]
    updated = requests.put(item["id"], timeout=10, headers={**headers, "Content-Type": c.MEDIA_LINEITEM},
                           data=json.dumps({**item, "label": "Task two", "scoreMaximum": 25}))
    assert updated.status_code == 200 and updated.json()["scoreMaximum"] == 25
    assert requests.delete(item["id"], headers=headers, timeout=10).status_code == 204
    assert requests.get(item["id"], headers=headers, timeout=10).status_code == 404


def test_a_line_item_needs_a_label_and_a_positive_maximum(platform, bearer):
    headers = {**bearer(c.SCOPE_LINEITEM), "Content-Type": c.MEDIA_LINEITEM}
    url = platform.lineitems_url(platform.course.id)
    for body in ({"scoreMaximum": 10}, {"label": "x", "scoreMaximum": 0}, {"label": "x", "scoreMaximum": 5,
                                                                          "resourceLinkId": "nope"}):
        assert requests.post(url, data=json.dumps(body), headers=headers, timeout=10).status_code == 400


def test_results_show_the_latest_score(platform, bearer):
    post_score(platform, bearer(c.SCOPE_SCORE), score(platform, given=5))
    item_url = platform.lineitem_url(platform.course.id, graded_link(platform).lineitem_id)
    base, _, query = item_url.partition("?")
    response = requests.get(f"{base}/results" + (f"?{query}" if query else ""), headers=bearer(c.SCOPE_RESULT_READONLY),
                            timeout=10)
    assert response.headers["Content-Type"] == c.MEDIA_RESULTS
    [result] = response.json()
    assert result["userId"] == platform.user("learner").sub and result["resultScore"] == 50.0
    assert result["resultMaximum"] == 100.0 and result["scoreOf"] == item_url


def test_moodle_urls_need_the_tools_type_id(moodle, tool_stub):
    token = tool_stub.request_token(moodle).json()["access_token"]
    url = moodle.lineitems_url(moodle.course.id)
    assert url.endswith(f"?type_id={moodle.deployment_id}")
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(url, headers=headers, timeout=10).status_code == 200
    assert requests.get(url.split("?")[0], headers=headers, timeout=10).status_code == 400
    assert requests.get(url.split("?")[0] + "?type_id=999", headers=headers, timeout=10).status_code == 400


def test_an_outage_and_revoked_tokens(platform, bearer):
    headers = bearer(c.SCOPE_SCORE)
    with platform.outage(503):
        assert post_score(platform, headers, score(platform)).status_code == 503
    platform.revoke_access_tokens()
    assert post_score(platform, headers, score(platform)).status_code == 401
    assert platform.scores() == []
