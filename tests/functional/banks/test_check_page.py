"""The bank check page: trainers and HR upload a bank and see the dry run; learners and
other organisations cannot reach it or its downloads; forms need their CSRF token."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import yaml

from lti_tool.banks import model
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.practical.conftest import csrf

FILES = Path(__file__).parents[2] / "unit" / "banks" / "files"


def upload(browser, base, name, data=None, pool="safety", token=None):
    browser.get(f"{base}/banks/")
    body = data if data is not None else (FILES / name).read_bytes()
    return browser.session.post(f"{base}/banks/", timeout=30, data={"csrf_token": token or csrf(browser), "pool": pool},
                                files={"file": (name, body, "application/octet-stream")})


def test_hr_sees_the_dry_run_in_chinese_and_downloads_the_quiz(people, platform):
    hr = people("hr")
    base = platform.tool_base_url
    response = upload(hr, base, "moodle.xml")
    assert response.status_code == 200, response.text[:500]
    page = response.text
    assert "12" in page and "单选题" in page and "多选题" in page
    assert "第 9 题 / question 9 (Match tools): 题型“配对题”（matching）在本系统中没有对应题型，未导入" in page
    link = page.split('id="bank-download" href="')[1].split('"')[0]
    archive = zipfile.ZipFile(io.BytesIO(hr.session.get(base + link, timeout=15).content))
    assert sorted(archive.namelist()) == ["media/safety-lock-tag.png", "quizzes/safety.yaml"]
    quiz = yaml.safe_load(archive.read("quizzes/safety.yaml"))
    assert quiz["id"] == "safety" and sum(len(p["questions"]) for p in quiz["pools"]) == 8


def test_a_trainer_may_check_a_bank_too(people, platform):
    instructor = people("instructor")
    response = upload(instructor, platform.tool_base_url, "bank.txt", pool="aiken")
    assert response.status_code == 200 and "答案 D 没有对应的选项" in response.text


def test_learners_are_refused_the_page_and_the_upload(people, platform):
    learner = people("learner")
    base = platform.tool_base_url
    assert learner.session.get(f"{base}/banks/", timeout=15).status_code == 403
    hr = people("hr")
    link = upload(hr, base, "bank.gift").text.split('id="bank-download" href="')[1].split('"')[0]
    assert learner.session.get(base + link, timeout=15).status_code == 403
    refused = learner.session.post(f"{base}/banks/", timeout=15, data={"pool": "x"},
                                   files={"file": ("bank.gift", b"Q {T}\n", "text/plain")})
    assert refused.status_code in (400, 403)


def test_hr_of_another_organisation_cannot_download_this_ones_quiz(people, platform, other_company):
    hr = people("hr")
    base = platform.tool_base_url
    link = upload(hr, base, "bank.gift").text.split('id="bank-download" href="')[1].split('"')[0]
    stranger = crowd_on(other_company)
    try:
        other_hr = stranger("hr")
        assert other_hr.session.get(base + link, timeout=15).status_code == 404
        assert hr.session.get(base + link, timeout=15).status_code == 200
    finally:
        stranger.close()


def test_the_form_needs_its_csrf_token(people, platform):
    hr = people("hr")
    response = upload(hr, platform.tool_base_url, "bank.gift", token="forged")
    assert response.status_code == 400
    assert "bank-report" not in response.text


def test_hostile_oversized_and_wrong_files_get_clear_pages(people, platform):
    hr = people("hr")
    base = platform.tool_base_url
    laughs = upload(hr, base, "billion_laughs.xml")
    assert laughs.status_code == 422 and "XML 含有 DTD、实体或外部引用" in laughs.text
    big = upload(hr, base, "big.xlsx", data=b"0" * (model.MAX_FILE_BYTES + 128 * 1024))
    assert big.status_code == 413
    assert upload(hr, base, "bank.pdf", data=b"%PDF").status_code == 422
    assert upload(hr, base, "bank.gift", pool="Bad Pool").status_code == 422


def test_hr_finds_the_page_from_the_console(people, platform):
    hr = people("hr")
    assert "/manage/" in hr.response.text and "培训管理" in hr.response.text  # the training management section
    hr.follow("培训管理")
    assert "/banks/" in hr.response.text and "检查题库" in hr.response.text


def test_a_canvas_qti_export_is_checked_on_the_page(people, platform):
    hr = people("hr")
    base = platform.tool_base_url
    canvas = FILES / "canvas"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for file in sorted(canvas.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(canvas).as_posix())
    response = upload(hr, base, "canvas-export.zip", data.getvalue(), pool="canvas")
    assert response.status_code == 200, response.text[:500]
    page = response.text
    assert "判断题" in page and "填空题" in page
    assert "(工具配对): 题型“配对题”（matching_question）在本系统中没有对应题型，未导入" in page
    link = page.split('id="bank-download" href="')[1].split('"')[0]
    archive = zipfile.ZipFile(io.BytesIO(hr.session.get(base + link, timeout=15).content))
    assert "media/canvas-lock.png" in archive.namelist()
    quiz = yaml.safe_load(archive.read("quizzes/canvas.yaml"))
    assert sum(len(p["questions"]) for p in quiz["pools"]) == 7
