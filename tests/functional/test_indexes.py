"""Every hot-path query finds its rows through an index on PostgreSQL.

The statements are the product's own, recorded with their parameters while the tool
serves the main pages, a launch, quiz submits, practical sign-offs, attendance and HR
filters, and while every registered drainer claims its work. Each is then explained
(``EXPLAIN (FORMAT JSON)``) with sequential scans disabled: a Seq Scan left in the plan
of a per-user table means no index can serve the query. (Which index the planner picks
depends on the table sizes; that it has one to pick does not.)"""

from __future__ import annotations

import json
import re

import pytest

from lti_tool.db import get_db
from lti_tool.jobs import run_once
from tests.functional.test_query_counts import World, links, settings_overrides  # noqa: F401  (fixtures)
from tests.support.queries import count_queries

# Tables that grow with people and results. Platforms, deployments, keys, the course
# catalogue and export jobs stay small.
BIG = {
    "lti_user", "lti_enrolment", "lti_context", "lti_resource_link", "lti_used_nonce", "lti_launch_state",
    "web_session", "learning_attempt", "learning_response", "learning_lesson_progress", "training_record",
    "certificate", "certificate_event", "certificate_pdf", "employee", "employee_user", "ags_score_outbox",
    "ags_score_delivery", "xapi_statement", "xapi_outbox", "xapi_delivery", "class_session", "class_attendance",
    "practical_assessment", "practical_revision", "practical_submission", "practical_evidence",
    "questionnaire_response", "questionnaire_pending",
}
EXPLAINED = re.compile(r"^\s*(SELECT|UPDATE|DELETE|WITH)\b", re.I)


def scans(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from scans(child)


def problems(plan: dict) -> list[str]:
    found = []
    for node in scans(plan):
        table = node.get("Relation Name")
        if table not in BIG:
            continue
        if node["Node Type"] == "Seq Scan":
            found.append(f"Seq Scan on {table}")
    return found


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_every_hot_path_query_uses_an_index(app, platform, links):
    engine = get_db(app).engine
    with app.test_request_context():
        world = World(app, platform, links)
        try:
            with count_queries(engine) as recorded:
                world.add_learners(3)  # quiz start and submit, sign-off, attendance, records, certificates
                world.measure()  # the pages, the API and a launch
                run_once(app)  # every drainer's claim
        finally:
            world.people.close()
    statements = {}
    for statement, parameters in zip(recorded.statements, recorded.parameters):
        if EXPLAINED.match(statement) and parameters is not None:
            statements.setdefault(" ".join(statement.split()), parameters)
    assert len(statements) > 60  # the flows above did run

    bad = {}
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements.items():
            plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
            if found := problems(plan):
                bad[statement[:400]] = found
        conn.rollback()
    assert not bad, "queries without an index:\n" + "\n".join(f"{v}: {k}" for k, v in bad.items())
