"""Delivery to real LRSs: Ralph accepts every kind; an outage loses and duplicates
nothing; a rejecting or silent target holds up no other; 409s are settled by reading
the LRS's copy."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from lti_tool import events
from lti_tool.db import get_db
from tests.functional.xapi.conftest import drain_until_done, lesson_events, ralph_target
from tests.unit.xapi.samples import samples
from tests.support.xapi_store import default_org
from xapi import admin, schema
from xapi.lrs import Target, same_statement
from xapi.outbox import record
from xapi.store import to_dict

pytestmark = pytest.mark.lrs  # Ralph: a real LRS process, or its models

LRS_ASSIGNED = {"stored", "authority", "version"}


def emit(app, statements, **options) -> list[str]:
    with get_db(app).sessionmaker.begin() as s:
        if options:
            record(s, statements, organisation_id=default_org(s), **options)
        else:
            events.emit(s, statements, organisation_id=default_org(s))
    return [str(to_dict(x)["id"]) for x in statements]


def deliveries(app, target: str) -> dict[str, tuple[str, int | None, str | None, int]]:
    d, st = schema.delivery, schema.statement
    with get_db(app).sessionmaker() as s:
        rows = s.execute(select(st.c.id, d.c.status, d.c.last_status, d.c.last_error, d.c.attempts)
                         .join(st, st.c.seq == d.c.seq).where(d.c.target == target))
        return {r.id: (r.status, r.last_status, r.last_error, r.attempts) for r in rows}


def target_state(app, name: str):
    with get_db(app).sessionmaker() as s:
        return s.execute(select(schema.target_state).where(schema.target_state.c.name == name)).one()


@pytest.mark.parametrize("batch_size", [1, 7, 100])
def test_every_statement_kind_is_accepted_by_ralph_and_read_back_equal(app, ralph, ralph_user, make_drainer,
                                                                        batch_size):
    items = {name: to_dict(s) for name, s in samples(events.activity_base(app)).items()}
    emit(app, [samples(events.activity_base(app))[n] for n in items])
    drain_until_done(make_drainer(ralph_target(ralph, ralph_user, batch_size=batch_size)), app)
    assert sorted(ralph.stored_ids(ralph_user)) == sorted(s["id"] for s in items.values())
    for name, ours in items.items():
        theirs = ralph.statement(ralph_user, ours["id"])
        assert {k: v for k, v in theirs.items() if k not in LRS_ASSIGNED} == ours, name
    assert set(v[0] for v in deliveries(app, "ralph").values()) == {"delivered"}


def test_an_outage_mid_stream_loses_and_duplicates_nothing(app, ralph, ralph_user, make_drainer):
    """Ralph stops while the drainer is sending and events keep coming; after its restart
    every statement is in Ralph exactly once, and each learner's in order."""
    drainer = make_drainer(ralph_target(ralph, ralph_user, batch_size=5, timeout_seconds=2))
    stop = threading.Event()

    def worker():
        while not stop.is_set():
            drainer.run_once()
            time.sleep(0.02)

    thread = threading.Thread(target=worker)
    thread.start()
    emitted: list[str] = []
    try:
        for round_ in range(30):
            emitted += emit(app, lesson_events(events.activity_base(app), learners=3, per_learner=1, start=round_))
            if round_ == 8:
                ralph.stop()
            if round_ == 20:
                ralph.start()
            time.sleep(0.1)
        drain_until_done(drainer, app, timeout=60)
    finally:
        stop.set()
        thread.join(timeout=30)
        if ralph.process is None:
            ralph.start()
    stored = ralph.stored_ids(ralph_user)
    assert len(stored) == len(emitted) == 90
    assert sorted(stored) == sorted(emitted)  # each once: nothing lost, nothing twice
    state = target_state(app, "ralph")
    assert state.failures == 0 and state.last_success_at is not None
    tries = [v[3] for v in deliveries(app, "ralph").values()]
    assert max(tries) > 1  # the outage was seen: some statements needed more than one try
    for learner in range(3):  # each actor's statements arrived in the order recorded
        mine = [i for i in emitted if i in set(emitted[learner::3])]
        assert [i for i in stored if i in set(mine)] == mine


def test_a_rejecting_target_does_not_block_ralph(app, ralph, ralph_user, stub_lrs, make_drainer):
    """The second target rejects everything (400 with a reason): each rejected batch is
    tried once more statement by statement, then parked with the LRS's reason, while
    Ralph gets every statement."""
    ids = emit(app, lesson_events(events.activity_base(app), learners=2, per_learner=5))
    strict = Target("strict", stub_lrs.endpoint, batch_size=4, timeout_seconds=2)
    drain_until_done(make_drainer(ralph_target(ralph, ralph_user, batch_size=4), strict), app)
    assert sorted(ralph.stored_ids(ralph_user)) == sorted(ids)
    parked = deliveries(app, "strict")
    assert {v[0] for v in parked.values()} == {"parked"} and set(parked) == set(ids)
    assert all(v[1] == 400 and "rejected: verb not in our profile" in v[2] for v in parked.values())
    posts = [r for r in stub_lrs.requests if r[0] == "POST"]
    assert [len(r[1]) for r in posts] == [4, 1, 1, 1, 1, 4, 1, 1, 1, 1, 2, 1, 1]
    assert sorted(i for r in posts if len(r[1]) == 1 for i in r[1]) == sorted(ids)


def test_ralph_rejecting_one_statement_of_a_batch_parks_only_that_one(app, ralph, ralph_user, make_drainer):
    good = lesson_events(events.activity_base(app), learners=1, per_learner=4)
    bad = to_dict(samples(events.activity_base(app))["launched"])
    bad["actor"]["mbox"] = "mailto:learner@example.com"  # two identifiers: Ralph answers 422
    ids = emit(app, good[:2]) + emit(app, [bad], validate=False) + emit(app, good[2:])
    drain_until_done(make_drainer(ralph_target(ralph, ralph_user)), app)
    assert sorted(ralph.stored_ids(ralph_user)) == sorted(ids[:2] + ids[3:])
    status, code, reason, _ = deliveries(app, "ralph")[ids[2]]
    assert (status, code) == ("parked", 422) and "extra_forbidden" in reason


def test_a_target_that_never_answers_times_out_and_is_retried(app, ralph, ralph_user, silent_server, make_drainer):
    """An LRS that accepts the connection and never answers: the request times out, the
    statements stay pending, the target backs off and is tried again; Ralph, the
    other target, is not held up."""
    ids = emit(app, lesson_events(events.activity_base(app), learners=1, per_learner=3))
    silent = Target("silent", silent_server.endpoint, timeout_seconds=0.5)
    drainer = make_drainer(ralph_target(ralph, ralph_user), silent, backoff_base=1.0, backoff_cap=1.0)
    started = time.monotonic()
    drainer.run_once()
    assert time.monotonic() - started < 5
    assert sorted(ralph.stored_ids(ralph_user)) == sorted(ids)
    pending = deliveries(app, "silent")
    assert {v[0] for v in pending.values()} == {"pending"}
    assert all(v[2] == "no answer within 0.5 s" and v[3] == 1 for v in pending.values())
    state = target_state(app, "silent")
    assert state.failures == 1 and state.next_attempt_at is not None
    assert len(silent_server.connections) == 1
    drainer.run_once()  # still backing off: no new connection
    assert len(silent_server.connections) == 1
    time.sleep(1.05)  # the backoff (0.5 to 1 s here) is over
    drainer.run_once()
    assert len(silent_server.connections) == 2 and target_state(app, "silent").failures == 2
    # The LRS behind that name comes back (here: a second Ralph user): all delivered once.
    second = ralph.new_user()
    drain_until_done(make_drainer(ralph_target(ralph, second, name="silent")), app)
    assert sorted(ralph.stored_ids(second)) == sorted(ids)
    assert all(v[0] == "delivered" and v[3] == 3 for v in deliveries(app, "silent").values())


def test_409_for_the_identical_statement_counts_as_delivered(app, stub_lrs, make_drainer):
    """Some LRSs answer 409 for any id they hold: the drainer reads their copy and, if it
    is the same statement, counts it delivered (xAPI 1.0.3 Data §2.3.1 comparison)."""
    stub_lrs.mode = "conflict"
    items = list(samples(events.activity_base(app)).values())[:6]
    for s in items[:3]:
        stub_lrs.stored[str(s.id)] = dict(to_dict(s), stored="2026-03-02T02:00:00Z", version="1.0.0")
    ids = emit(app, items)
    drain_until_done(make_drainer(Target("other", stub_lrs.endpoint, batch_size=10)), app)
    assert {v[0] for v in deliveries(app, "other").values()} == {"delivered"}
    assert set(stub_lrs.stored) == set(ids)
    assert sorted(r[1][0] for r in stub_lrs.requests if r[0] == "GET") == sorted(ids[:3])


def test_409_for_a_different_statement_is_parked(app, ralph, ralph_user, make_drainer):
    import requests

    items = lesson_events(events.activity_base(app), learners=1, per_learner=3)
    clash = dict(to_dict(items[1]), verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    requests.post(f"{ralph.endpoint}statements", json=[clash], auth=(ralph_user.username, ralph_user.password),
                  headers={"X-Experience-API-Version": "1.0.3"}, timeout=10).raise_for_status()
    ids = emit(app, items)
    drain_until_done(make_drainer(ralph_target(ralph, ralph_user)), app)
    states = deliveries(app, "ralph")
    assert states[ids[1]][:2] == ("parked", 409)
    assert "different statement with this id" in states[ids[1]][2]
    assert {states[i][0] for i in (ids[0], ids[2])} == {"delivered"}
    assert not same_statement(to_dict(items[1]), ralph.statement(ralph_user, ids[1]))


def test_concurrent_drainers_send_each_statement_once_and_in_order_per_actor(app, ralph, ralph_user, make_drainer):
    """Three drainers at once (threads, each its own connections): no statement is
    sent twice, none is lost, and each actor's statements reach Ralph in order."""
    ids = emit(app, lesson_events(events.activity_base(app), learners=4, per_learner=40))
    sent: list[str] = []
    target = ralph_target(ralph, ralph_user, batch_size=10)
    drainers = [make_drainer(target, sent=sent, claims_per_pass=2) for _ in range(3)]
    errors = []

    def run(drainer):
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                drainer.run_once()
                with get_db(app).sessionmaker() as s:
                    if admin.status(s, ["ralph"]).targets[0].pending == 0 and not \
                            admin.status(s, ["ralph"]).waiting_fan_out:
                        return
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(d,)) for d in drainers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert not errors
    assert sorted(sent) == sorted(ids)  # sent once each
    stored = ralph.stored_ids(ralph_user)
    assert sorted(stored) == sorted(ids)
    for learner in range(4):
        mine = ids[learner::4]
        assert [i for i in stored if i in set(mine)] == mine
