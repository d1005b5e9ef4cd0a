"""LTI endpoints: OIDC login, launch, JWKS, Dynamic Registration, Canvas JSON."""

from __future__ import annotations

from flask import Blueprint, jsonify

from lti_tool import db
from lti_tool.lti import keys

bp = Blueprint("lti", __name__, url_prefix="/lti", template_folder="templates")


@bp.get("/jwks")
def jwks():
    response = jsonify(keys.jwks(db.session()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
