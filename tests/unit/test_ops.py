import json
import logging

from lti_tool.ops import JsonFormatter, RequestIdFilter


def test_healthz_and_readyz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ok"}


def test_readyz_reports_pending_migrations(app, client, db_session):
    from sqlalchemy import text

    db_session.execute(text("DELETE FROM alembic_version"))
    db_session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "migrations pending"


def test_request_ids_are_echoed_and_logged_as_json(app, client):
    response = client.get("/healthz", headers={"X-Request-Id": "abc123"})
    assert response.headers["X-Request-Id"] == "abc123"
    generated = client.get("/healthz").headers["X-Request-Id"]
    assert len(generated) == 16
    with app.test_request_context("/", headers={"X-Request-Id": "req-9"}):
        app.preprocess_request()
        record = logging.LogRecord("lti_tool", logging.WARNING, __file__, 1, "launch rejected: %s", ("nonce",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-9" and line["message"] == "launch rejected: nonce" and line["level"] == "WARNING"
