"""Names and Role Provisioning Services 2.0: members, paging by Link rel="next", role filter."""

from __future__ import annotations

import requests

from tests.lti_platform import constants as c


def all_pages(url: str, headers: dict) -> tuple[list[dict], int]:
    members, pages = [], 0
    while url:
        response = requests.get(url, headers={**headers, "Accept": c.MEDIA_MEMBERSHIPS}, timeout=10)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"] == c.MEDIA_MEMBERSHIPS
        members += response.json()["members"]
        pages += 1
        url = response.links.get("next", {}).get("url")
    return members, pages


def test_paging_returns_every_member_once(platform, bearer):
    for n in range(6):
        platform.add_user(f"extra{n}", f"学员{n}")
    url = platform.memberships_url(platform.course.id)
    members, pages = all_pages(f"{url}{'&' if '?' in url else '?'}limit=3", bearer(c.SCOPE_NRPS))
    enrolled = platform.course.members
    assert pages == -(-len(enrolled) // 3) and pages > 1
    assert sorted(m["user_id"] for m in members) == sorted(platform.user(k).sub for k in enrolled)


def test_members_carry_names_sourcedids_status_and_roles_in_the_products_form(platform, bearer):
    members, _ = all_pages(platform.memberships_url(platform.course.id), bearer(c.SCOPE_NRPS))
    by_id = {m["user_id"]: m for m in members}
    learner = by_id[platform.user("learner").sub]
    assert learner["name"] == "张伟" and learner["lis_person_sourcedid"] == "E1001" and learner["status"] == "Active"
    assert learner["roles"] == (["Learner"] if platform.product_family == "moodle" else [c.LEARNER])
    assert by_id[platform.user("former").sub]["status"] == "Inactive"
    assert platform.user("hr").sub not in by_id  # HR is not enrolled in the course


def test_role_filter_takes_full_or_short_names(platform, bearer):
    headers = bearer(c.SCOPE_NRPS)
    url = platform.memberships_url(platform.course.id)
    joiner = "&" if "?" in url else "?"
    by_full, _ = all_pages(f"{url}{joiner}role={requests.utils.quote(c.INSTRUCTOR, safe='')}", headers)
    by_short, _ = all_pages(f"{url}{joiner}role=Instructor", headers)
    assert [m["user_id"] for m in by_full] == [m["user_id"] for m in by_short] == [platform.user("instructor").sub]


def test_canvas_pages_by_ten_unless_asked(tool_stub):
    from tests.lti_platform import TestPlatform

    with TestPlatform("Canvas-like", "canvas", tool_base_url=tool_stub.url) as canvas:
        tool_stub.platform = canvas
        for n in range(5):
            canvas.add_user(f"extra{n}", f"学员{n}")
        token = tool_stub.request_token(canvas).json()["access_token"]
        members, pages = all_pages(canvas.memberships_url(canvas.course.id), {"Authorization": f"Bearer {token}"})
    assert len(members) == 12 and pages == 2


def test_memberships_need_the_nrps_scope(platform, bearer):
    url = platform.memberships_url(platform.course.id)
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers=bearer(c.SCOPE_SCORE), timeout=10).status_code == 403
