"""Evidence photos over HTTP: type and size checked, EXIF removed (the picture kept
upright), stored under the instance folder and never under static, thumbnails, and
served only to the course's instructors and, once signed off, to the learner."""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from lti_tool.practical import evidence
from lti_tool.practical.models import Evidence
from tests.functional.practical.conftest import csrf

CAMERA = 0x010F  # EXIF "Make"
ORIENTATION = 0x0112


def photo(width=1600, height=1200, fmt="JPEG") -> bytes:
    image = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[CAMERA] = "SecretCam"
    exif[ORIENTATION] = 6  # taken with the phone turned: shown rotated 90°
    out = BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def start(people):
    people("learner")
    instructor = people("instructor")
    instructor.submit(instructor.page.form(action_contains="/practical/assess"))
    return instructor


def upload(browser, data: bytes, name="photo.jpg", criterion="lockout", json=True):
    form = browser.page.form("evidence-lockout")  # every criterion's form posts to the same action
    return browser.session.post(form.action, timeout=30, files={"photo": (name, data, "image/jpeg")},
                                data={"csrf_token": csrf(browser), "criterion_id": criterion},
                                headers={"Accept": "application/json"} if json else {})


def test_a_photo_is_stored_without_exif_outside_static_with_a_thumbnail(people, platform, app, db_session):
    instructor = start(people)
    answer = upload(instructor, photo())
    assert answer.status_code == 201, answer.text
    row = db_session.scalars(select(Evidence)).one()
    full, thumb = evidence.paths(Path(app.instance_path), 0, row.uid)
    stored = Path(app.instance_path) / "evidence"
    files = sorted(p.name for p in stored.rglob("*.jpg"))
    assert files == sorted([f"{row.uid}.jpg", f"{row.uid}.thumb.jpg"])
    static = Path(app.static_folder)
    assert not any(static.rglob(f"{row.uid}*"))
    data = next(stored.rglob(f"{row.uid}.jpg")).read_bytes()
    assert b"SecretCam" not in data and b"Exif" not in data
    with Image.open(BytesIO(data)) as image:
        assert image.format == "JPEG" and not image.getexif()
        assert image.size == (1200, 1600)  # turned upright before the EXIF was dropped
    got = instructor.session.get(platform.tool_base_url + answer.json()["thumb_url"], timeout=15)
    assert got.status_code == 200 and got.headers["Content-Type"] == "image/jpeg"
    with Image.open(BytesIO(got.content)) as image:
        assert max(image.size) <= evidence.THUMB_SIDE
    assert "private" in got.headers["Cache-Control"]
    # The form shows it as a thumbnail.
    instructor.get(instructor.page.url)
    assert answer.json()["thumb_url"] in instructor.page.html


def test_only_the_course_instructors_and_after_sign_off_the_learner_see_it(people, platform, app, db_session):
    instructor = start(people)
    thumb = platform.tool_base_url + upload(instructor, photo(400, 300)).json()["thumb_url"]
    learner, other = people("learner"), people("learner2")
    assert learner.session.get(thumb, timeout=15).status_code == 404  # a draft is not the learner's yet
    token = csrf(instructor)
    instructor.submit(instructor.page.form("grading"), {"level-lockout": "met", "level-quality": "good", "confirm": "1"})
    assert learner.session.get(thumb, timeout=15).status_code == 200
    assert other.session.get(thumb, timeout=15).status_code == 404
    learner.get(f"{platform.tool_base_url}/practical/my")
    learner.get(next(a["href"] for a in learner.page.links if "/practical/results/" in a["href"]))
    assert thumb.replace(platform.tool_base_url, "") in learner.page.html
    # A signed-off assessment keeps its photos.
    row = db_session.scalars(select(Evidence)).one()
    kept = instructor.session.post(f"{platform.tool_base_url}/practical/evidence/{row.id}/delete", timeout=15,
                                   data={"csrf_token": token})
    assert kept.status_code == 409


def test_other_files_and_oversized_photos_are_refused(people, platform, app, db_session):
    instructor = start(people)
    assert upload(instructor, b"%PDF-1.4 not a photo", name="x.jpg").status_code == 422
    gif = BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    assert upload(instructor, gif.getvalue(), name="x.gif").status_code == 422
    too_big = os.urandom(evidence.MAX_BYTES + 300 * 1024)
    assert upload(instructor, too_big).status_code == 413
    refused = upload(instructor, photo(), criterion="not-a-criterion")
    assert refused.status_code == 422
    assert db_session.scalars(select(Evidence)).all() == []
    assert not list((Path(app.instance_path) / "evidence").rglob("*.jpg"))


def test_a_photo_can_be_removed_from_a_draft(people, platform, app, db_session):
    instructor = start(people)
    upload(instructor, photo(300, 200), json=False)
    assert instructor.response is not None
    row = db_session.scalars(select(Evidence)).one()
    removed = instructor.session.post(f"{platform.tool_base_url}/practical/evidence/{row.id}/delete", timeout=15,
                                      data={"csrf_token": csrf(instructor)}, headers={"Accept": "application/json"})
    assert removed.status_code == 200
    db_session.expire_all()
    assert db_session.scalars(select(Evidence)).all() == []
    assert not list((Path(app.instance_path) / "evidence").rglob("*.jpg"))
