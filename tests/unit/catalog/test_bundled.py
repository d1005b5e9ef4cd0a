"""The bundled library: it must pass ``content check``, and the model course must show
every part of the format, since other courses are written after it."""

from __future__ import annotations

from lti_tool.catalog import BUNDLED_CONTENT
from lti_tool.catalog.library import load_library
from lti_tool.catalog.render import render_markdown
from tests.unit.catalog.conftest import content_check

MODEL = "fault-diagnosis-repair"


def test_the_bundled_library_passes_content_check():
    result = content_check(BUNDLED_CONTENT)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")


def test_content_check_defaults_to_the_configured_library(monkeypatch, sample):
    monkeypatch.setenv("AFTERSALES_CONTENT_PATH", str(sample.root))
    from click.testing import CliRunner

    from lti_tool.cli import main

    result = CliRunner().invoke(main, ["content", "check"])
    assert result.exit_code == 0 and str(sample.root) in result.output


def test_every_bundled_item_has_both_languages():
    for item in load_library(BUNDLED_CONTENT).items():
        assert item.title("zh_CN") and item.title("en") and item.title("zh_CN") != item.title("en")


def test_the_model_course_uses_every_part_of_the_format():
    course = load_library(BUNDLED_CONTENT).course(MODEL)
    manifest = course.manifest
    assert manifest.category == "professional" and set(manifest.modes) == {"online", "practical"}
    assert len(course.lessons) >= 3
    bodies = [body for lesson in course.lessons for body in lesson.body.values()]
    html = [render_markdown(body, folder="lessons") for body in bodies]
    assert all(len(body) > 2000 for body in bodies)
    assert any("<table>" in page for page in html) and any("<img " in page for page in html)

    (quiz,) = course.quizzes
    assert quiz.questions_per_attempt >= 12 and quiz.score_maximum == 100
    types = {q.type for q in quiz.all_questions()}
    assert types == {"single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer", "case_analysis"}
    case = next(q for q in quiz.questions if q.type == "case_analysis")
    assert len({sub.type for sub in case.questions}) >= 3
    multi_blank = [q for q in quiz.all_questions() if q.type == "fill_blank" and len(q.blanks) > 1]
    assert any(any(any(ord(ch) > 0xFF00 for ch in answer) for blank in q.blanks for answer in blank.accept) for q in multi_blank)
    assert quiz.draws and all(d.count < len(next(p for p in quiz.pools if p.id == d.pool).questions) for d in quiz.draws)

    (task,) = course.practical
    criteria = task.criteria()
    assert sum(c.weight for c in criteria) == 100
    assert any(c.critical for c in criteria)
    assert any(len(c.levels) > 2 for c in criteria)
    assert task.safety_notes and task.assessor_instructions.zh_CN
    assert manifest.certificate and manifest.certificate.validity_months
