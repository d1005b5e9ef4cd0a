"""The local xAPI Statements API in tests: an organisation to record statements for,
and a credential of it to read them back."""

from __future__ import annotations

from werkzeug.datastructures import Authorization

from lti_tool import xapi_credentials
from lti_tool.db import get_db
from lti_tool.lti import organisations
from lti_tool.lti.models import DEFAULT_ORGANISATION


def default_org(session) -> int:
    """The id of the default organisation (made now if missing): the organisation of
    the statements a test records without an LMS launch."""
    return organisations.get_or_create(session, DEFAULT_ORGANISATION).id


def credential(app, slug: str = DEFAULT_ORGANISATION, name: str = "tests") -> tuple[str, str]:
    """A new credential of the organisation ``slug``: (key, secret), for HTTP Basic auth."""
    with get_db(app).sessionmaker.begin() as session:
        made, secret = xapi_credentials.create(session, name=name,
                                               organisation_id=organisations.get_or_create(session, slug).id)
        return made.key, secret


def basic_header(key: str, secret: str) -> str:
    """The ``Authorization`` header value of HTTP Basic auth with this key and secret."""
    return Authorization("basic", {"username": key, "password": secret}).to_header()
