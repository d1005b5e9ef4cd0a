"""Importing makes immutable versions, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from lti_tool.catalog import BUNDLED_CONTENT
from lti_tool.catalog.errors import ContentError
from lti_tool.catalog.importer import get_version, import_library, latest_version, version_asset
from lti_tool.catalog.models import Asset, Course, CourseVersion, ImmutableVersionError
from lti_tool.cli import AppContext, main


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_import_creates_a_version_and_reimport_is_a_no_op(db_session, sample):
    (first,) = import_library(db_session, sample.root)
    db_session.commit()
    assert (first.course_id, first.version, first.status) == ("basics", "1.0.0", "created")
    version = get_version(db_session, first.version_id)
    assert version.slug == "basics" and version.category == "general"
    assert version.title("en") == "Basics"
    assert version.quiz("check")["settings"]["pass_percent"] == 60
    assert version.practical_task("task")["pass_percent"] == 70
    assert version.lesson("intro")["body"]["zh-CN"].startswith("# 引言")
    svg = version_asset(db_session, version, "media/figure.svg")
    assert svg.data == (sample.course / "media" / "figure.svg").read_bytes()
    assert svg.media_type == "image/svg+xml"

    (again,) = import_library(db_session, sample.root)
    db_session.commit()
    assert (again.status, again.version_id) == ("unchanged", first.version_id)
    assert count(db_session, CourseVersion) == 1 and count(db_session, Course) == 1 and count(db_session, Asset) == 3


def test_changed_content_under_the_same_version_is_refused(db_session, sample):
    (first,) = import_library(db_session, sample.root)
    db_session.commit()
    sample.edit("quizzes/check.yaml", "  pass_percent: 60", "  pass_percent: 70")
    (refused,) = import_library(db_session, sample.root)
    db_session.commit()
    assert refused.status == "refused"
    assert "version 1.0.0 was imported before" in refused.message
    assert "raise 'version' in basics/course.yaml (e.g. to 1.0.1)" in refused.message
    assert count(db_session, CourseVersion) == 1
    assert get_version(db_session, first.version_id).quiz("check")["settings"]["pass_percent"] == 60


def test_a_new_version_leaves_the_old_one_intact(db_session, sample):
    (old,) = import_library(db_session, sample.root)
    db_session.commit()
    old_hash = get_version(db_session, old.version_id).content_hash
    sample.edit("quizzes/check.yaml", "  pass_percent: 60", "  pass_percent: 70")
    sample.edit("course.yaml", 'version: "1.0.0"', 'version: "1.1.0"')
    (new,) = import_library(db_session, sample.root)
    db_session.commit()
    assert new.status == "created" and new.version_id != old.version_id
    db_session.expire_all()
    old_row, new_row = get_version(db_session, old.version_id), get_version(db_session, new.version_id)
    assert old_row.content_hash == old_hash and old_row.quiz("check")["settings"]["pass_percent"] == 60
    assert new_row.quiz("check")["settings"]["pass_percent"] == 70
    assert latest_version(db_session, "basics").id == new.version_id
    assert count(db_session, Asset) == 3  # unchanged files are stored once
    assert latest_version(db_session, "nothing") is None


def test_latest_is_the_highest_version_number_not_the_last_import(db_session, sample):
    sample.edit("course.yaml", 'version: "1.0.0"', 'version: "1.10.0"')
    (high,) = import_library(db_session, sample.root)
    sample.edit("course.yaml", 'version: "1.10.0"', 'version: "1.9.0"')
    sample.edit("course.yaml", "hours: 2.5", "hours: 3")
    import_library(db_session, sample.root)
    db_session.commit()
    assert latest_version(db_session, "basics").id == high.version_id


def test_stored_versions_cannot_be_changed(db_session, sample):
    (result,) = import_library(db_session, sample.root)
    db_session.commit()
    version = get_version(db_session, result.version_id)
    version.quizzes = []
    with pytest.raises(ImmutableVersionError):
        db_session.flush()
    db_session.rollback()


def test_an_invalid_library_writes_nothing(db_session, sample):
    sample.edit("quizzes/check.yaml", "    answer: a\n", "    answer: z\n")
    with pytest.raises(ContentError):
        import_library(db_session, sample.root)
    assert count(db_session, Course) == 0


def run(app, *args):
    ctx = AppContext()
    ctx._app = app
    return CliRunner().invoke(main, list(args), obj=ctx)


def test_content_import_command(app, db_session, sample):
    result = run(app, "content", "import", str(sample.root))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("basics 1.0.0: imported as version id ")
    assert "already imported, unchanged" in run(app, "content", "import", str(sample.root)).output
    sample.edit("course.yaml", "hours: 2.5", "hours: 3")
    refused = run(app, "content", "import", str(sample.root))
    assert refused.exit_code == 1
    assert "refused: the content changed but version 1.0.0 was imported before" in refused.output
    assert "Error: 1 course(s) refused" in refused.output
    listed = run(app, "content", "versions").output
    assert "\tbasics\t1.0.0\t" in listed and listed.count("\n") == 1


def test_content_import_of_a_broken_library_prints_the_problems(app, db_session, sample):
    sample.edit("course.yaml", "category: general", "category: sales")
    result = run(app, "content", "import", str(sample.root))
    assert result.exit_code == 1
    assert f"{sample.course / 'course.yaml'}:3: category: 'sales' is not allowed" in result.output
    assert "nothing imported: 1 problem(s) in the library" in result.output
    assert count(db_session, Course) == 0


def test_the_bundled_library_imports(db_session):
    results = import_library(db_session, BUNDLED_CONTENT)
    db_session.commit()
    assert results and {r.status for r in results} == {"created"}
    version = latest_version(db_session, "fault-diagnosis-repair")
    assert version.quiz("final-exam")["settings"]["max_attempts"] == 3
    assert "media/diagnosis-cycle.svg" in version.assets
