"""Statements per second delivered by the xAPI drainer to Ralph, against posting the
same statements straight to Ralph, batch sizes 1 and 100, in one run on this machine.

The drainer's side counts all of its work after the statements are recorded:
queuing the outbox rows per target, claiming them, sending, and recording each
outcome in its own SQLite database. The direct side only POSTs the same JSON with one
keep-alive session. Ralph's file backend slows down as it writes (it rewrites a
history file on every write), so both sides share one Ralph and take turns, slice by
slice, each as its own Ralph user. Goal: drainer / direct >= 0.9.

    .venv/bin/python bench/xapi_forward.py [--rounds 5] [--singles 400] [--batched 6000] [--slices 4]

Needs Ralph's virtualenv (.ci/install-ralph). Bounded: it stops by itself.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

from _common import ROOT  # noqa: F401  (puts the repository on sys.path)
from lti_tool.db import make_engine
from sqlalchemy.orm import sessionmaker
from tests.support.ralph import RalphServer
from xapi import outbox, schema
from xapi.lrs import Target
from xapi.statements import CourseContext, Item, LmsContext, Person, lesson_experienced
from xapi.store import dumps, to_dict


def make_statements(n: int) -> list:
    ctx = CourseContext("https://training.example.com", "brake-service", {"zh-CN": "制动系统保养", "en": "Brakes"},
                        "7d2e9b10-6c4f-4a3b-8e21-9f0a1b2c3d4e", platform="Moodle", revision="2026.1",
                        lms_context=LmsContext("https://moodle.example.com", "42", "售后服务培训"))
    start = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    return [lesson_experienced(ctx, Person("https://moodle.example.com", f"learner-{i % 20}"),
                               Item(f"lesson-{i % 37}", {"zh-CN": "课", "en": "Lesson"}),
                               timestamp=start + timedelta(seconds=i)) for i in range(n)]


class Run:
    """One Ralph for both sides: ``direct`` posts as one Ralph user, the drainer
    delivers as another (each its own statements file), slice after slice."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.ralph = RalphServer(users=2).start()
        self.direct_user, drain_user = self.ralph.users
        self.http = requests.Session()
        self.work = Path(tempfile.mkdtemp(prefix="bench-xapi-"))
        self.engine = make_engine(f"sqlite:///{self.work / 'bench.db'}")  # the app's SQLite settings
        schema.metadata.create_all(self.engine)  # xapi's tables only: nothing else is involved
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.drainer = outbox.Drainer(self.sessions, [Target(**self.ralph.target_settings(drain_user,
                                                                                          batch_size=batch_size))])
        self.drain_user = drain_user

    def direct(self, bodies: list[str]) -> float:
        """Seconds to POST the statements straight to Ralph."""
        headers = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json; charset=utf-8"}
        url, auth = f"{self.ralph.endpoint}statements", (self.direct_user.username, self.direct_user.password)
        began = time.perf_counter()
        for i in range(0, len(bodies), self.batch_size):
            payload = ("[" + ",".join(bodies[i:i + self.batch_size]) + "]").encode()
            response = self.http.post(url, data=payload, headers=headers, auth=auth, timeout=60)
            if response.status_code not in (200, 204):
                raise RuntimeError(f"Ralph answered {response.status_code}: {response.text[:200]}")
        return time.perf_counter() - began

    def drained(self, statements: list) -> float:
        """Seconds for the drainer to deliver statements recorded just before (the
        recording, a feature's transaction, is not part of the time)."""
        with self.sessions.begin() as s:
            outbox.record(s, statements, organisation_id=None)  # delivered only, never read here
        goal = self.drainer.totals["delivered"] + len(statements)
        began = time.perf_counter()
        while self.drainer.totals["delivered"] < goal:
            if not self.drainer.run_once():
                raise RuntimeError("the drainer stopped before delivering everything")
        return time.perf_counter() - began

    def close(self, expected: int) -> None:
        self.drainer.close()
        self.engine.dispose()
        shutil.rmtree(self.work, ignore_errors=True)
        counts = (len(self.ralph.stored_ids(self.direct_user)), len(self.ralph.stored_ids(self.drain_user)))
        self.ralph.remove()
        if counts != (expected, expected):
            raise RuntimeError(f"Ralph stored {counts}, expected {expected} each")


def measure(batch_size: int, n: int, slices: int) -> tuple[float, float]:
    """Statements per second (direct, drainer), alternating slices of the same work."""
    statements = make_statements(n)
    bodies = [dumps(to_dict(s)) for s in statements]
    run = Run(batch_size)
    spent = {"direct": 0.0, "drainer": 0.0}
    try:
        size = -(-n // slices)
        for k in range(slices):
            part = slice(k * size, (k + 1) * size)
            order = ("direct", "drainer") if k % 2 == 0 else ("drainer", "direct")
            for side in order:
                spent[side] += run.direct(bodies[part]) if side == "direct" else run.drained(statements[part])
    finally:
        run.close(n)
    return n / spent["direct"], n / spent["drainer"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="runs per batch size (fresh Ralph each)")
    parser.add_argument("--singles", type=int, default=400, help="statements per side, batch size 1")
    parser.add_argument("--batched", type=int, default=6000, help="statements per side, batch size 100")
    parser.add_argument("--slices", type=int, default=4, help="slices per run, in turns: A B, B A, ... (even: drift cancels)")
    args = parser.parse_args()
    print(f"{'batch':>5}  {'statements':>10}  {'direct/s':>9}  {'drainer/s':>9}  {'ratio':>6}  "
          f"(median of {args.rounds} runs; each run alternates {args.slices} slices on one Ralph)")
    for batch_size, n in ((1, args.singles), (100, args.batched)):
        results = [measure(batch_size, n, args.slices) for _ in range(args.rounds)]
        ratios = [q / d for d, q in results]
        d = statistics.median(r[0] for r in results)
        q = statistics.median(r[1] for r in results)
        print(f"{batch_size:>5}  {n:>10}  {d:>9.0f}  {q:>9.0f}  {statistics.median(ratios):>6.2f}  "
              f"runs: {', '.join(f'{r:.2f}' for r in ratios)}", flush=True)


if __name__ == "__main__":
    main()
