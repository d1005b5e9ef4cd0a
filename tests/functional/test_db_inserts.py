"""``insert_new`` and ``insert_one``: one INSERT of the row, RETURNING its key only, and
an ORM object that holds what was written, as a query would load it (on SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import inspect, select

from lti_tool.db import get_db, insert_new, insert_one, utcnow
from lti_tool.lti.models import ToolKey
from tests.support.queries import count_queries


def _values(kid: str) -> dict:
    return dict(kid=kid, private_pem="-----BEGIN PRIVATE KEY-----", public_jwk={"kid": kid, "kty": "RSA"},
                status="retired", created_at=utcnow() - timedelta(days=1))


def test_insert_new_writes_once_and_gives_the_object_as_loaded(app, db_session):
    values = _values("k-new")
    with count_queries(get_db(app).engine) as queries:
        key = insert_new(db_session, ToolKey, values, ["kid"])
        again = insert_new(db_session, ToolKey, {**values, "status": "previous"}, ["kid"])
        db_session.flush()  # nothing left to write: the object is as if loaded
    assert again is None  # the same kid: another transaction's row wins, this one is not written
    assert len(queries.statements) == 2, queries.statements
    assert all(s.lstrip().upper().startswith("INSERT") for s in queries.statements)
    returned = queries.statements[0].split("RETURNING")[1]
    assert "id" in returned and "private_pem" not in returned and "public_jwk" not in returned  # the key only
    state = inspect(key)
    assert state.persistent and not db_session.dirty and key in db_session
    assert key.id is not None and (key.kid, key.status, key.public_jwk) == ("k-new", "retired", values["public_jwk"])
    db_session.commit()
    db_session.expire_all()
    stored = db_session.scalars(select(ToolKey).where(ToolKey.kid == "k-new")).one()
    assert (stored.id, stored.status, stored.public_jwk, stored.created_at) == (
        key.id, "retired", values["public_jwk"], values["created_at"])


def test_insert_one_gives_a_new_object_each_time_and_it_can_be_changed(app, db_session):
    first = insert_one(db_session, ToolKey, _values("k-one"))
    second = insert_one(db_session, ToolKey, _values("k-two"))
    assert second.id != first.id
    first.status = "previous"  # a change after the insert is an ordinary UPDATE
    db_session.commit()
    db_session.expire_all()
    assert db_session.scalars(select(ToolKey.status).order_by(ToolKey.id)).all()[-2:] == ["previous", "retired"]
