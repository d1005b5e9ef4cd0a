"""Migration 0190 over a populated database (SQLite and PostgreSQL): stored statements and
their outbox rows get the organisation of their actor's platform; when two organisations
share an issuer, the learner's account decides; what cannot be traced stays NULL."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lti_tool import migrate
from tests.unit.test_migrations_forward import empty_engine  # noqa: F401  (fixture)
from xapi import schema

BEFORE = "20261207_0150"
AT = "2026-03-02 09:00:00"
ROWS = [
    # the organisation ``default`` (id 1) exists since migration 0090
    "INSERT INTO organisation (id, slug, name, created_at)"
    " VALUES (2, 'acme', 'Acme', :at), (3, 'globex', 'Globex', :at)",
    # Moodle for the default organisation; one shared Canvas with a client of Acme and one of Globex
    """INSERT INTO lti_platform (id, issuer, client_id, name, auth_login_url, auth_token_url, key_set_url,
       product_family, active, created_at, organisation_id) VALUES
       (1, 'https://moodle.example', 'c1', 'Moodle', 'https://moodle.example/a', 'https://moodle.example/t',
        'https://moodle.example/k', 'moodle', TRUE, :at, 1),
       (2, 'https://canvas.example', 'acme', 'Canvas', 'https://canvas.example/a', 'https://canvas.example/t',
        'https://canvas.example/k', 'canvas', TRUE, :at, 2),
       (3, 'https://canvas.example', 'globex', 'Canvas', 'https://canvas.example/a', 'https://canvas.example/t',
        'https://canvas.example/k', 'canvas', TRUE, :at, 3)""",
    """INSERT INTO lti_user (id, platform_id, sub, name, given_name, family_name, email, locale, person_sourcedid,
       created_at) VALUES (1, 2, 'a1', 'Zhang Wei', '', '', '', 'zh-CN', NULL, :at),
       (2, 3, 'g1', '李娜', '', '', '', 'zh-CN', NULL, :at),
       (3, 2, 'both', 'A', '', '', '', 'zh-CN', NULL, :at), (4, 3, 'both', 'B', '', '', '', 'zh-CN', NULL, :at)""",
]
ACTORS = {  # statement seq: (actor_key, the organisation it must get)
    1: ("account|https://moodle.example|4", 1),
    2: ("account|https://moodle.example.com|4", None),  # an issuer no platform has
    3: ("account|https://canvas.example|a1", 2),
    4: ("account|https://canvas.example|g1", 3),
    5: ("account|https://canvas.example|both", None),  # the same sub on both platforms
    6: ("mbox|mailto:someone@example.com", None),
}


def test_statements_and_outbox_rows_get_their_actors_organisation(empty_engine):
    migrate.upgrade(empty_engine, BEFORE)
    with empty_engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement), {"at": AT})
        for seq, (actor, _org) in ACTORS.items():
            conn.execute(text(
                "INSERT INTO xapi_statement (seq, id, actor_key, verb_id, voided, timestamp, stored, body)"
                " VALUES (:seq, :id, :actor, 'http://adlnet.gov/expapi/verbs/experienced', FALSE, :at, :at, '{}')"),
                {"seq": seq, "id": f"00000000-0000-4000-8000-00000000000{seq}", "actor": actor, "at": AT})
            conn.execute(text("INSERT INTO xapi_outbox (seq, created_at) VALUES (:seq, :at)"), {"seq": seq, "at": AT})

    migrate.upgrade(empty_engine)
    migrate.check(empty_engine)

    expected = {seq: org for seq, (_actor, org) in ACTORS.items()}
    with Session(empty_engine) as session:
        statements = dict(session.execute(select(schema.statement.c.seq, schema.statement.c.organisation_id)).all())
        queued = dict(session.execute(select(schema.outbox.c.seq, schema.outbox.c.organisation_id)).all())
    assert statements == expected
    assert queued == expected
