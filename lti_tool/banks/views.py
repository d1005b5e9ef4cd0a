"""The bank check page: an instructor or training manager uploads a bank file and sees
what would be imported (counts by type, every problem with its place and reason), and
downloads the quiz it makes (``quizzes/<pool>.yaml`` and its media, as a ZIP).

Courses are shared by every organisation of the tool, so the page writes nothing into
the library: the operator adds the downloaded quiz with ``content import-bank`` or by
hand and imports a new course version as usual.
"""

from __future__ import annotations

import io
import re
import secrets
import tempfile
import zipfile
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import gettext as _

from lti_tool import auth
from lti_tool.banks import read_bank
from lti_tool.banks.cli import TYPE_NAMES
from lti_tool.banks.model import MAX_FILE_BYTES, BankError
from lti_tool.banks.writer import dump, quiz_data, validate_quiz
from lti_tool.catalog.common import SLUG_PATTERN
from lti_tool.errors import UserError
from lti_tool.lti import roles

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
        return render_template("banks/check.html", bank=None, pool="")
    upload = request.files.get("file")
    pool = (request.form.get("pool") or "").strip()
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
    bank.source = upload.filename
    problems = validate_quiz(quiz_data(bank, pool)) if bank.items else []
    ticket = ""
    if bank.items and not problems:
        ticket = secrets.token_urlsafe(16)
        (_folder() / f"{_owner()}-{ticket}.zip").write_bytes(_zip(bank, pool))
    counts = [(TYPE_NAMES[t] if locale.startswith("zh") else t, n) for t, n in bank.counts().items() if n]
    return render_template("banks/check.html", bank=bank, pool=pool, counts=counts, ticket=ticket, problems=problems,
                           messages=[(m.fatal, m.text(locale)) for m in bank.messages]), 200


def _zip(bank, pool: str) -> bytes:
    data = quiz_data(bank, pool)
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
