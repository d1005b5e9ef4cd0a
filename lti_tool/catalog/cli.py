"""``aftersales-training content …``: check and import the course library."""

from __future__ import annotations

from pathlib import Path

import click

from lti_tool.catalog.errors import ContentError, display_path
from lti_tool.catalog.library import check_library

PATH = click.Path(path_type=Path, file_okay=False)


def _default_path() -> Path:
    from lti_tool.settings import load_settings

    return load_settings().resolved_content_path


def _app():
    from lti_tool.cli import AppContext

    return click.get_current_context().ensure_object(AppContext).app


@click.group(help="The course library: check it, import it as immutable versions.")
def content() -> None:
    pass


@content.command("check", help="Validate the library; print every problem as file:line: message.")
@click.argument("path", required=False, type=PATH)
def check(path: Path | None) -> None:
    path = path or _default_path()
    courses, problems = check_library(path)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        files = len({p.file for p in problems})
        raise click.ClickException(f"{len(problems)} problem(s) in {files} file(s) under {display_path(path)}")
    lessons = sum(len(c.lessons) for c in courses)
    quizzes = [q for c in courses for q in c.quizzes]
    questions = sum(len(q.all_questions()) for q in quizzes)
    tasks = sum(len(c.practical) for c in courses)
    sessions = sum(len(c.manifest.sessions) for c in courses)
    click.echo(
        f"ok: {len(courses)} course(s), {lessons} lesson(s), {len(quizzes)} quiz(zes) with "
        f"{questions} question(s), {tasks} practical task(s), {sessions} session(s) in {display_path(path)}"
    )


@content.command("import", help="Store each course of the library as an immutable version in the database.")
@click.argument("path", required=False, type=PATH)
def import_(path: Path | None) -> None:
    from lti_tool.catalog.importer import import_library
    from lti_tool.db import get_db

    path = path or _default_path()
    try:
        with get_db(_app()).sessionmaker.begin() as session:
            results = import_library(session, path)
    except ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        raise click.ClickException(f"nothing imported: {len(exc.problems)} problem(s) in the library") from exc
    for result in results:
        click.echo(str(result))
    refused = [r for r in results if r.status == "refused"]
    if refused:
        raise click.ClickException(f"{len(refused)} course(s) refused")


@content.command("versions", help="List the imported versions of every course (last column: library, or the owning organisation).")
def versions() -> None:
    from sqlalchemy import select

    from lti_tool.catalog.models import Course
    from lti_tool.db import get_db

    with get_db(_app()).sessionmaker() as session:
        courses = session.scalars(select(Course).order_by(Course.slug)).all()
        if not courses:
            click.echo("no course imported yet")
        for course in courses:
            for v in course.versions:
                owner = "library" if course.owner_organisation_id is None else f"organisation {course.owner_organisation_id}"
                click.echo(f"{v.id}\t{course.slug}\t{v.version}\t{v.imported_at:%Y-%m-%d %H:%M}\t{v.content_hash[:12]}\t{owner}")


from lti_tool.banks.cli import register as _register_bank_commands  # noqa: E402

_register_bank_commands(content)
