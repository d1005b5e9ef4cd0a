"""The question-bank page: an instructor or training manager uploads a bank file and sees
the dry run (counts by type, every problem with its place and reason), may download the
quiz it makes (``quizzes/<pool>.yaml`` and its media, as a ZIP), and on confirm makes a
new version of one of the organisation's own courses (:mod:`lti_tool.banks.courses`):
a new course the first time, a next version of a chosen own course later.

Library courses are shared by every organisation, so the page never writes into one;
the organisation's own courses are seen, placed and opened by it alone.

The dry run keeps the quiz it made under a random ticket, named by the organisation;
confirm posts that ticket (not the file again), so what is imported is exactly what
was shown, and a file whose dry run had errors has no ticket to confirm. A ticket is
used once.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from lti_tool import auth, db
from lti_tool.banks import courses, read_bank
from lti_tool.banks.cli import TYPE_NAMES
from lti_tool.banks.model import MAX_FILE_BYTES, BankError
from lti_tool.banks.writer import dump, quiz_data, validate_quiz
from lti_tool.catalog.common import SLUG_PATTERN
from lti_tool.errors import UserError
from lti_tool.lti import roles
from lti_tool.practical.helpers import PER_PAGE, page_number, pages

bp = Blueprint("banks", __name__, url_prefix="/banks", template_folder="templates")
trainers_and_hr = auth.require_role(roles.INSTRUCTOR, roles.HR)
SUFFIXES = (".xlsx", ".xml", ".zip", ".gift", ".txt")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "bank-checks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _owner() -> str:
    actor = auth.current_actor()
    return str(actor.organisation_id or 0)


@bp.url_value_preprocessor
def _limit_uploads(endpoint, _values):
    """Runs before the CSRF check reads the form: a file over the limit is refused
    (413) while it is read, not after."""
    request.max_content_length = MAX_FILE_BYTES + 64 * 1024


@bp.route("/", methods=["GET", "POST"])
@trainers_and_hr
def check():
    if request.method == "GET":
        return _page(bank=None, pool="", title="")
    upload = request.files.get("file")
    pool = (request.form.get("pool") or "").strip()
    title = " ".join((request.form.get("title") or "").split())[:80]
    if upload is None or not upload.filename:
        raise UserError(_("Choose a question bank file to upload."), 422)
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(_("A question bank is an .xlsx, .xml, .zip, .gift or .txt file."), 422)
    if not re.match(SLUG_PATTERN, pool) or len(pool) > 64:
        raise UserError(_("Name the pool with lowercase letters, digits and single hyphens, e.g. safety-basics."), 422)
    locale = str(get_locale() or "zh_CN")
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"bank{suffix}"
        upload.save(path)
        try:
            bank = read_bank(path)
        except BankError as exc:
            raise UserError(exc.message.text(locale), 422) from None
    bank.source = Path(upload.filename).name[:120]
    problems = validate_quiz(quiz_data(bank, pool, title or None)) if bank.items else []
    ticket = ""
    if bank.items and not problems:
        ticket = secrets.token_urlsafe(16)
        (_folder() / f"{_owner()}-{ticket}.zip").write_bytes(_zip(bank, pool, title or None))
        (_folder() / f"{_owner()}-{ticket}.json").write_text(
            json.dumps({"pool": pool, "title": title or pool, "source": bank.source}), encoding="utf-8")
    counts = [(TYPE_NAMES[t] if locale.startswith("zh") else t, n) for t, n in bank.counts().items() if n]
    return _page(bank=bank, pool=pool, title=title, counts=counts, ticket=ticket, problems=problems,
                 messages=[(m.fatal, m.text(locale)) for m in bank.messages])


def _page(**values):
    """The page with the organisation's own courses (a page of them) and their versions."""
    session, organisation_id, page = db.session(), auth.current_actor().organisation_id, page_number()
    own = courses.own_courses(session, organisation_id)
    shown = own[(page - 1) * PER_PAGE: page * PER_PAGE]
    return render_template("banks/check.html", own=own, shown=shown, page=page, pages=pages(len(own)),
                           locale_name=str(get_locale() or "zh_CN"),
                           versions={c.slug: courses.versions_of(session, c) for c in shown}, **values), 200


def _zip(bank, pool: str, title: str | None = None) -> bytes:
    data = quiz_data(bank, pool, title)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"quizzes/{pool}.yaml", dump(data))
        for name, content in bank.media.items():
            archive.writestr(f"media/{pool}-{name}", content)
    return out.getvalue()


@bp.route("/<ticket>.zip")
@trainers_and_hr
def download(ticket: str):
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", ticket):
        abort(404)
    path = _folder() / f"{_owner()}-{ticket}.zip"
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name="question-bank.zip")


@bp.post("/confirm")
@trainers_and_hr
def confirm():
    """Make the course version from a dry run's ticket: a new own course, or the next
    version of the own course chosen."""
    from lti_tool.audit.actor import audited

    ticket = request.form.get("ticket") or ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", ticket):
        raise UserError(_("This dry run is not known (it was confirmed already, or it belongs to another organisation). Upload the file again."), 404)
    stem = _folder() / f"{_owner()}-{ticket}"
    archive, meta = stem.with_suffix(".zip"), stem.with_suffix(".json")
    if not archive.is_file() or not meta.is_file():
        raise UserError(_("This dry run is not known (it was confirmed already, or it belongs to another organisation). Upload the file again."), 404)
    target = request.form.get("course") or "new"
    info = json.loads(meta.read_text(encoding="utf-8"))
    quiz, media = _unzip(archive.read_bytes(), info["pool"])
    actor = auth.current_actor()
    try:
        made = courses.confirm(db.session(), organisation_id=actor.organisation_id, quiz=quiz, media=media,
                               name=info["title"], source=info["source"], course_slug=None if target == "new" else target)
    except LookupError:
        raise UserError(_("Choose a new course or one of your organisation's own courses; a library course is shared and is never changed."), 404) from None
    except courses.OwnCourseError as exc:
        raise UserError(_("The course version was not made: %(problems)s", problems="; ".join(exc.problems[:5])), 422) from None
    audited("question_bank.confirmed", f"{made.slug} {made.version}", course_id=made.slug, version=made.version,
            pool=info["pool"], file=info["source"], new_course=made.created_course)
    archive.unlink(missing_ok=True)
    meta.unlink(missing_ok=True)
    flash(_("Course %(course)s version %(version)s made with the quiz %(pool)s.", course=made.slug,
            version=made.version, pool=info["pool"]), "success")
    return redirect(url_for("banks.check"), 303)


def _unzip(data: bytes, pool: str) -> tuple[dict, dict[str, bytes]]:
    """The quiz and media the dry run kept (written by :func:`_zip`, on the server)."""
    import yaml

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        quiz = yaml.safe_load(archive.read(f"quizzes/{pool}.yaml"))
        media = {name: archive.read(name) for name in archive.namelist() if name.startswith(f"media/{pool}-")}
    return quiz, media
