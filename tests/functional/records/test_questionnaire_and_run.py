"""The anonymous questionnaire (no link from a response to a person; results from 5
answers on) and a course run's summary report and archive, file by file."""

from __future__ import annotations

import csv
import io
import subprocess
import zipfile

from sqlalchemy import inspect, select, text

from lti_tool.db import get_db
from lti_tool.lti.models import Context
from lti_tool.questionnaires import services
from lti_tool.questionnaires.models import QuestionnaireMarker, QuestionnaireResponse
from tests.functional.hr.conftest import complete
from tests.lti_platform import constants as c

RATINGS = [("5", "4", "5", "很实用"), ("4", "4", "4", ""), ("3", "5", "4", "时间太短"), ("5", "5", "5", ""),
           ("2", "3", "4", "")]


def answer(browser, base, ratings):
    browser.get(f"{base}/questionnaires/basics")
    content, method, trainer, comment = ratings
    browser.submit(browser.page.form("questionnaire-form"),
                   {"content": content, "method": method, "trainer": trainer, "comment": comment})
    return browser.response


def test_answers_are_anonymous_once_each_and_shown_from_five(people, platform, app, db_session):
    base = platform.tool_base_url
    keys = ["learner", "learner2", "learner_en", "extra1", "extra2"]
    platform.add_user("extra1", "孙七", person_sourcedid="E1010")
    platform.add_user("extra2", "周八", person_sourcedid="E1011")
    instructor = people("instructor")
    for index, key in enumerate(keys):
        browser = people(key)
        complete(app, platform, key)
        assert answer(browser, base, RATINGS[index]).status_code == 200
        browser.get(f"{base}/questionnaires/basics")
        assert browser.page.text_of("questionnaire-done")  # once only
        if index == 3:
            instructor.get(f"{base}/questionnaires/basics/results")
            assert instructor.page.text_of("questionnaire-hidden") and "很实用" not in instructor.page.text
    again = people("learner")
    again.get(f"{base}/questionnaires/basics")
    assert "questionnaire-form" not in again.response.text
    instructor.get(f"{base}/questionnaires/basics/results")
    assert instructor.page.text_of("questionnaire-hidden")  # 5 answered, not mixed in yet
    assert db_session.scalars(select(QuestionnaireResponse)).all() == []
    assert services.drain(app) == 5  # the worker mixes them, in a transaction of its own
    # stored: no user, no time, no order; the markers are keyed hashes that join nothing
    columns = {col["name"] for col in inspect(get_db(app).engine).get_columns("questionnaire_response")}
    assert columns == {"id", "platform_id", "context_id", "course_id", "content", "method", "trainer", "comment"}
    assert {col["name"] for col in inspect(get_db(app).engine).get_columns("questionnaire_marker")} == {"key"}
    responses = db_session.scalars(select(QuestionnaireResponse)).all()
    assert len(responses) == 5 and all(len(r.id) == 32 for r in responses)
    user_ids = {str(i) for i in db_session.scalars(text("SELECT id FROM lti_user"))}
    markers = [m.key for m in db_session.scalars(select(QuestionnaireMarker))]
    assert len(markers) == 5 and not any(m in user_ids for m in markers)
    assert not ({r.id for r in responses} & set(markers))
    if get_db(app).engine.dialect.name == "postgresql":  # no shared transaction id with any person's row
        answers = set(db_session.scalars(text("SELECT xmin::text FROM questionnaire_response")))
        personal = set(db_session.scalars(text("SELECT xmin::text FROM training_record UNION "
                                                "SELECT xmin::text FROM questionnaire_marker")))
        assert len(answers) == 1 and not (answers & personal)
    instructor.get(f"{base}/questionnaires/basics/results")
    summary = instructor.page.text_of("questionnaire-summary")
    assert "3.80" in summary and "4.20" in summary and "4.40" in summary  # content, method, trainer
    assert "时间太短" in instructor.page.text and "很实用" in instructor.page.text
    assert people("learner").session.get(f"{base}/questionnaires/basics/results", timeout=15).status_code == 403


def test_a_course_run_archive_holds_every_part(people, platform, app, db_session):
    base = platform.tool_base_url
    people("learner")
    people("learner2")
    complete(app, platform, "learner")
    complete(app, platform, "learner2", skip="task")
    runs_link = platform.add_resource_link("培训班次", custom={"item_kind": "records", "item_id": "runs"})
    instructor = people("instructor", link=runs_link)  # the link opens the course runs
    context_id = db_session.scalars(select(Context.id).order_by(Context.id)).first()
    assert instructor.url.endswith("/records/runs/")
    assert "基础课程" in instructor.page.text_of("runs") and "basics" not in instructor.page.text_of("runs")  # its title, not its id
    report = instructor.session.get(f"{base}/records/runs/{context_id}/basics/summary.pdf", timeout=60)
    words = subprocess.run(["pdftotext", "-layout", "-", "-"], input=report.content, capture_output=True).stdout.decode()
    assert report.status_code == 200 and "培训总结报告" in words and "1 人完成课程" in words and "通过率" in words
    archive = instructor.session.get(f"{base}/records/runs/{context_id}/basics/archive.zip", timeout=60)
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        assert sorted(z.namelist()) == ["01-notice.txt", "02-materials.csv", "03-roster.csv", "04-attendance.csv",
                                        "05-quiz-papers/check.txt", "05-quiz-scores.csv",
                                        "06-practical-results.csv", "07-questionnaire-summary.csv",
                                        "08-summary-report.pdf"]

        def rows(name):
            return list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8-sig"))))

        assert "基础课程" in z.read("01-notice.txt").decode()
        assert [r["lesson"] for r in rows("02-materials.csv")] == ["intro"]
        assert {r["name"] for r in rows("03-roster.csv")} >= {"张伟", "李娜"}
        assert {(r["name"], r["status"], r["score"]) for r in rows("05-quiz-scores.csv")} == {
            ("张伟", "passed", "8"), ("李娜", "passed", "8")}
        assert [(r["name"], r["status"]) for r in rows("06-practical-results.csv")] == [("张伟", "passed")]
        assert "选哪个" in z.read("05-quiz-papers/check.txt").decode()
        assert "results show from 5 answers" in z.read("07-questionnaire-summary.csv").decode()
        assert z.read("08-summary-report.pdf")[:5] == b"%PDF-"
    # a trainer of another LMS course may not open this run
    other = platform.add_course("另一门课程", "ASV102")
    platform.add_user("instructor_b", "赵强", roles=(c.INSTRUCTOR,), context=other.id)
    link_b = platform.add_resource_link("课程", context=other.id, custom={"item_kind": "course", "item_id": "basics"})
    stranger = people("instructor_b", link=link_b, context=other.id)
    assert stranger.session.get(f"{base}/records/runs/{context_id}/basics/archive.zip", timeout=15).status_code == 404
