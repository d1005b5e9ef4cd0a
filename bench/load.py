"""The production set-up under load, all on 127.0.0.1: 2 gunicorn web processes and 2
Dramatiq workers (``aftersales-training serve`` / ``worker``), PostgreSQL, a Redis
broker, the Ralph LRS and the test LMS (real OIDC, signed id_tokens, AGS). Simulated
learners each do, in order and timed per step:

1. **launch**: the LMS's login initiation, the tool's cookie check, the platform's
   signed id_token posted back, landing on the quiz page (the real LTI 1.3 flow);
2. **lesson**: open a lesson and record reading it;
3. **quiz submit**: start the 50-question quiz and submit it fully answered.

The same client threads then drive a plain Flask app under gunicorn with the same
processes, doing the same exchanges (4 redirects for a launch, a GET + POST for a
lesson, a GET + POST of 50 fields for the quiz), for the ratio per step. At the end
the workers must have delivered everything exactly once: one graded attempt, one
training record and one score in the LMS gradebook per learner, and every statement
recorded in the database stored once in the LRS. Any error or loss: exit status 1.
It also prints the CPU time the tool's servers (web processes, workers, PostgreSQL)
used per learner, which other load on the machine does not change.

    .venv/bin/python bench/load.py [--learners 500] [--concurrency 50]

``BENCH_CLI=/srv/aftersales-training/venv/bin/aftersales-training`` loads the tool of
another installation (a wheel's virtualenv) instead of this checkout's; its processes
run from a folder of their own, not the checkout.

Needs what ``.ci/install --test`` installs (PostgreSQL 15, redis-server, .venv-ralph).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from _common import PLAIN_APP, gunicorn, stop, tree_cpu_seconds, wait_http  # noqa: E402

from tests.lti_platform import TestPlatform  # noqa: E402
from tests.support.browser import Browser  # noqa: E402
from tests.support.postgres import PostgresServer, free_port  # noqa: E402
from tests.support.quiz_library import write_quiz_course  # noqa: E402
from tests.support.ralph import RalphServer  # noqa: E402
from tests.support.redis import RedisServer  # noqa: E402

COURSE, QUIZ, LESSON = "load-course", "load-quiz", "load-lesson"
# The tool under load: this checkout's, or another installation's (BENCH_CLI, e.g. a wheel's virtualenv).
CLI = Path(os.environ.get("BENCH_CLI") or Path(sys.executable).with_name("aftersales-training"))
STEPS = ("launch", "lesson", "quiz submit")
QUESTIONS = 50

PLAIN_EXTRA = """

@app.get("/plain/lesson")
def lesson():
    return "<!doctype html><title>lesson</title><article>" + "<p>正文</p>" * 40 + "</article>"


@app.post("/plain/progress")
def progress():
    return {"ok": True}


@app.get("/plain/attempt")
def attempt():
    return "<!doctype html><title>quiz</title><form method=post>" + "<input name=a>" * 50 + "</form>"


@app.post("/plain/submit")
def submit():
    answers = {k: request.form.getlist(k) for k in request.form}
    return redirect("/plain/result?n=%d" % len(answers), 303)
"""


def write_library(root: Path) -> list[tuple[str, str]]:
    """The course: one lesson and the 50-question quiz; returns the right answers."""
    answers = write_quiz_course(root, COURSE, QUIZ, QUESTIONS)
    folder = root / COURSE
    (folder / "lessons").mkdir()
    (folder / "lessons" / "01.md").write_text(f"""---
id: {LESSON}
title: {{zh-CN: 故障排查的基本步骤, en: The basic steps of troubleshooting}}
minutes: 10
---
<!-- lang: zh-CN -->
# 故障排查的基本步骤

先问清现象，再查电源与接线，最后按故障代码逐项排查。

<!-- lang: en -->
# The basic steps of troubleshooting

Ask about the symptom first, then check power and wiring, then work through the fault code.
""", encoding="utf-8")
    manifest = folder / "course.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("quizzes:", "lessons: [lessons/01.md]\nquizzes:", 1),
                        encoding="utf-8")
    return [(name, value) for name, values in answers.items() for value in values]


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


class Timings:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {step: [] for step in STEPS}
        self.errors: list[str] = []

    def timed(self, step: str, fn):
        began = time.perf_counter()
        result = fn()
        with self.lock:
            self.latencies[step].append(time.perf_counter() - began)
        return result

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text[:300])


def drive(count: int, concurrency: int, one) -> tuple[Timings, float]:
    timings = Timings()

    def guarded(n: int) -> None:
        try:
            one(n, timings)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            timings.error(f"learner {n}: {exc!r}")

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(guarded, range(count)))
    return timings, time.perf_counter() - began


def figures(latencies: list[float], concurrency: int) -> dict:
    """Throughput of one step: as many at a time as the clients, each taking what it took."""
    ordered = sorted(latencies)
    if not ordered:
        return {"per_second": 0.0, "p50_ms": float("nan"), "p95_ms": float("nan"), "done": 0}
    return {"per_second": len(ordered) * concurrency / sum(ordered), "p50_ms": 1000 * ordered[len(ordered) // 2],
            "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))], "done": len(ordered)}


def start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    out = open(log, "ab")
    process = subprocess.Popen(cmd, env=env, cwd=log.parent, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    out.close()
    return process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--drain-timeout", type=float, default=300)
    args = parser.parse_args()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the test LMS's access log

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    fields = write_library(tmp / "library")
    pg, redis_server, ralph = PostgresServer().start(), RedisServer(workdir=tmp / "redis").start(), None
    processes: list[subprocess.Popen] = []
    lms = None
    try:
        ralph = RalphServer(users=1, workdir=tmp / "ralph").start()
        lrs_user = ralph.new_user()
        pg.execute("CREATE DATABASE load")
        db_url = pg.url("load")
        tool_port, plain_port = free_port(), free_port()
        tool_url, plain_url = f"http://127.0.0.1:{tool_port}", f"http://127.0.0.1:{plain_port}"
        env = {**os.environ, "AFTERSALES_DATABASE_URL": db_url,
               "AFTERSALES_BROKER_URL": redis_server.url, "AFTERSALES_PUBLIC_BASE_URL": tool_url,
               "AFTERSALES_SECRET_KEY": secrets.token_urlsafe(32), "AFTERSALES_INSTANCE_PATH": str(tmp / "instance"),
               "AFTERSALES_CONTENT_PATH": str(tmp / "library"), "AFTERSALES_LOG_FORMAT": "json",
               "AFTERSALES_LOG_LEVEL": "WARNING", "AFTERSALES_ALLOW_PRIVATE_OUTBOUND": "true",  # all on 127.0.0.1
               "AFTERSALES_LRS_TARGETS": json.dumps([ralph.target_settings(lrs_user)])}
        subprocess.run([str(CLI), "db", "upgrade"], env=env, cwd=tmp, check=True, capture_output=True)

        from lti_tool import create_app
        from lti_tool.db import get_db
        from lti_tool.jobs import queue

        app = create_app({"database_url": db_url, "instance_path": tmp / "instance", "secret_key": "load",
                          "public_base_url": tool_url, "content_path": tmp / "library"})
        queue.reset()  # this process only reads
        lms = TestPlatform(tool_base_url=tool_url).start()
        lms.register_in_tool(app)
        quiz_link = lms.add_resource_link("基准测验", custom={"item_kind": "quiz", "item_id": f"{COURSE}/{QUIZ}"},
                                          line_item={"label": "基准测验", "scoreMaximum": 100,
                                                     "resourceId": f"{COURSE}/{QUIZ}", "tag": "quiz"})
        for n in range(args.learners + 1):  # the last one warms the tool up
            lms.add_user(f"l{n}", f"学员{n:03d}")

        processes.append(start([str(CLI), "serve", "--port", str(tool_port), "--workers", "2"], env, tmp / "web.log"))
        for i in range(2):
            processes.append(start([str(CLI), "worker", "--processes", "1", "--threads", "4"], env,
                                   tmp / f"worker-{i}.log"))
        (tmp / "plain_app.py").write_text(PLAIN_APP + PLAIN_EXTRA)
        processes.append(gunicorn("plain_app:app", plain_port, 2, {}, cwd=tmp))
        wait_http(f"{tool_url}/healthz")
        wait_http(f"{plain_url}/plain/page")

        def learner(n: int, timings: Timings) -> None:
            with Browser(timeout=60) as browser:
                page = timings.timed("launch", lambda: lms.launch(browser, user=f"l{n}", resource_link=quiz_link.id))
                if page.status_code != 200 or "/learn/quiz/" not in page.url:
                    raise RuntimeError(f"launch landed on {page.status_code} {page.url}")
                token = csrf(page.text)
                session = browser.session

                def lesson():
                    shown = session.get(f"{tool_url}/learn/lesson/{COURSE}/{LESSON}", timeout=60)
                    if shown.status_code != 200:
                        raise RuntimeError(f"lesson {shown.status_code}")
                    done = session.post(f"{tool_url}/learn/lesson/{COURSE}/{LESSON}/progress", timeout=60,
                                        data={"csrf_token": token, "percent": "100", "js": "1"})
                    if done.status_code >= 400:
                        raise RuntimeError(f"lesson progress {done.status_code}: {done.text[:200]}")

                def quiz():
                    started = session.post(f"{tool_url}/learn/start/{COURSE}/{QUIZ}", data={"csrf_token": token},
                                           allow_redirects=False, timeout=60)
                    if started.status_code != 303:
                        raise RuntimeError(f"start {started.status_code}")
                    done = session.post(tool_url + started.headers["Location"] + "/submit", timeout=60,
                                        data=[("csrf_token", token), *fields], allow_redirects=False)
                    if done.status_code != 303 or not done.headers["Location"].endswith("/result"):
                        raise RuntimeError(f"submit {done.status_code}: {done.text[:200]}")

                timings.timed("lesson", lesson)
                timings.timed("quiz submit", quiz)

        def plain(n: int, timings: Timings) -> None:
            session = requests.Session()

            def launch():  # the launch's exchanges: login, cookie check, id_token POST, landing page
                login = session.get(f"{plain_url}/plain/start", allow_redirects=False, timeout=60)
                checked = session.get(plain_url + login.headers["Location"], allow_redirects=False, timeout=60)
                posted = session.post(f"{plain_url}/plain/next", data={"id_token": "x" * 900, "state": "s" * 43},
                                      allow_redirects=False, timeout=60)
                landed = session.get(plain_url + posted.headers["Location"], timeout=60)
                if checked.status_code != 302 or landed.status_code != 200:
                    raise RuntimeError("plain launch")

            def lesson():
                session.get(f"{plain_url}/plain/lesson", timeout=60).raise_for_status()
                session.post(f"{plain_url}/plain/progress", data={"position": "1"}, timeout=60).raise_for_status()

            def quiz():
                session.get(f"{plain_url}/plain/attempt", timeout=60).raise_for_status()
                if session.post(f"{plain_url}/plain/submit", data=fields, allow_redirects=False,
                                timeout=60).status_code != 303:
                    raise RuntimeError("plain submit")

            timings.timed("launch", launch)
            timings.timed("lesson", lesson)
            timings.timed("quiz submit", quiz)

        # Warm up both (imports, the course import at first use, connection pools).
        drive(1, 1, plain)
        learner(args.learners, Timings())
        postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
        servers = {"web": [processes[0]], "workers": processes[1:3], "PostgreSQL": [postmaster]}

        def cpu() -> dict[str, float]:  # what the tool's servers used so far, whatever else runs
            return {name: sum(tree_cpu_seconds(getattr(p, "pid", p)) for p in ps) for name, ps in servers.items()}

        before, own_before = cpu(), time.process_time()
        tool, tool_elapsed = drive(args.learners, args.concurrency, learner)
        during, own_during = cpu(), time.process_time()
        base, base_elapsed = drive(args.learners, args.concurrency, plain)
        own_after = time.process_time()
        drained = wait_drained(app, args.drain_timeout)
        after = cpu()
        loss = check_nothing_lost(app, lms, ralph, lrs_user, args.learners + 1)
        get_db(app).engine.dispose()
    finally:
        for process in processes:
            stop(process)
        if lms is not None:
            lms.stop()
        if ralph is not None:
            ralph.stop()
        redis_server.remove()
        pg.stop()

    print(f"{args.learners} learners (and one to warm up), {args.concurrency} at a time; tool: 2 web processes x 4 threads, "
          f"2 workers, PostgreSQL, Redis, Ralph; plain Flask: 2 processes x 4 threads")
    print(f"{'step':14}{'tool/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'plain/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'ratio':>8}")
    for step in STEPS:
        t, b = figures(tool.latencies[step], args.concurrency), figures(base.latencies[step], args.concurrency)
        ratio = t["per_second"] / b["per_second"] if b["per_second"] else float("nan")
        print(f"{step:14}{t['per_second']:>9.1f}{t['p50_ms']:>9.0f}{t['p95_ms']:>9.0f}"
              f"{b['per_second']:>9.1f}{b['p50_ms']:>9.0f}{b['p95_ms']:>9.0f}{ratio:>8.3f}")
    print(f"whole learner (3 steps): tool {args.learners / tool_elapsed:.1f} learners/s in {tool_elapsed:.1f} s; "
          f"plain {args.learners / base_elapsed:.1f}/s; ratio {base_elapsed / tool_elapsed:.3f}")
    per = {name: 1000 * (after[name] - before[name]) / args.learners for name in before}
    load = {name: 1000 * (during[name] - before[name]) / args.learners for name in before}
    print("server CPU per learner, ms (under the load / with the workers' drain after it): "
          + ", ".join(f"{name} {load[name]:.1f} / {per[name]:.1f}" for name in per)
          + f"; total {sum(load.values()):.1f} / {sum(per.values()):.1f}")
    # The simulated browsers and the test LMS share this process (and its GIL): what they
    # cost is the load's, not the tool's; the plain endpoint's clients are lighter (no
    # LMS, no forms to read and post on).
    print(f"this process (the clients, and the test LMS for the tool), CPU per learner: tool run "
          f"{1000 * (own_during - own_before) / args.learners:.1f} ms ({(own_during - own_before) / tool_elapsed:.2f} "
          f"of a core), plain run {1000 * (own_after - own_during) / args.learners:.1f} ms "
          f"({(own_after - own_during) / base_elapsed:.2f} of a core)")
    print(f"errors: tool {len(tool.errors)}, plain {len(base.errors)}; drained in {drained:.1f} s after the load")
    for sample in (tool.errors + base.errors)[:5]:
        print("  ", sample)
    for line in loss:
        print("LOST:", line)
    ok = not tool.errors and not base.errors and not loss
    print("OK: zero errors, nothing lost, nothing duplicated" if ok else "FAILED")
    return 0 if ok else 1


def wait_drained(app, timeout: float) -> float:
    from sqlalchemy import func, select

    from lti_tool.db import get_db
    from lti_tool.lti.ags_models import PENDING, ScoreOutbox
    from xapi import admin

    from lti_tool.learning.models import LessonProgress, QuizAttempt

    began, quiet = time.monotonic(), 0
    while time.monotonic() - began < timeout:
        with get_db(app).sessionmaker() as s:
            # The attempts' and lessons' statements are built by the workers after the request.
            owed = s.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.statements_due.is_(True)))
            owed += s.scalar(select(func.count()).select_from(LessonProgress)
                             .where(LessonProgress.statements_due.is_(True)))
            status = admin.status(s, ["ralph"])
            waiting = status.waiting_fan_out + sum(t.pending for t in status.targets)
            scores = s.scalar(select(func.count()).select_from(ScoreOutbox).where(ScoreOutbox.status == PENDING))
        quiet = quiet + 1 if not (owed or waiting or scores) else 0
        if quiet == 3:  # nothing left, three looks in a row
            return time.monotonic() - began
        time.sleep(0.5)
    return float("nan")


def check_nothing_lost(app, lms, ralph, lrs_user, learners: int) -> list[str]:
    """Every learner's result reached every place exactly once."""
    from sqlalchemy import select

    from lti_tool.db import get_db
    from lti_tool.learning.models import QuizAttempt
    from lti_tool.lti.ags_models import DELIVERED, ScoreOutbox
    from lti_tool.records.models import TrainingRecord
    from xapi import schema

    problems = []
    with get_db(app).sessionmaker() as s:
        graded = s.scalars(select(QuizAttempt).where(QuizAttempt.status == "graded")).all()
        attempts = Counter(a.user_id for a in graded)
        # Each graded attempt's statements: attempted, 50 answered, completed, passed.
        per_attempt = Counter(s.scalars(select(schema.statement.c.registration)
                                        .where(schema.statement.c.registration.in_([a.uuid for a in graded]))).all())
        short = {a.uuid: per_attempt[a.uuid] for a in graded if per_attempt[a.uuid] != QUESTIONS + 3}
        records = Counter(s.scalars(select(TrainingRecord.user_id).where(TrainingRecord.kind == "quiz")).all())
        scores = s.scalars(select(ScoreOutbox)).all()
        recorded = {str(i) for i in s.scalars(select(schema.statement.c.id)).all()}
        # Each learner read the lesson once and finished it: one experienced, one progressed.
        lesson_verbs = Counter(v.rsplit("/", 1)[-1] for v in s.scalars(
            select(schema.statement.c.verb_id).where(schema.statement.c.activity_id.like(f"%/{LESSON}"))).all())
        by_status = Counter(s.scalars(select(schema.delivery.c.status)).all())
        errors = s.scalars(select(schema.delivery.c.last_error).where(schema.delivery.c.last_error.is_not(None))
                           .distinct().limit(3)).all()
    if len(attempts) != learners or set(attempts.values()) != {1}:
        problems.append(f"graded attempts: {len(attempts)} learners, counts {Counter(attempts.values())}")
    if short:
        problems.append(f"{len(short)} graded attempts without their {QUESTIONS + 3} statements: "
                        f"{list(short.items())[:3]}")
    if len(records) != learners or set(records.values()) != {1}:
        problems.append(f"quiz training records: {len(records)} learners, counts {Counter(records.values())}")
    if (lesson_verbs["experienced"], lesson_verbs["progressed"]) != (learners, learners):
        problems.append(f"lesson statements: {dict(lesson_verbs)} for {learners} learners")
    undelivered = [r.id for r in scores if r.status != DELIVERED]
    if undelivered:
        problems.append(f"{len(undelivered)} scores not delivered")
    gradebook = Counter(score["userId"] for score in lms.scores())
    if len(gradebook) != learners or set(gradebook.values()) != {1}:
        problems.append(f"LMS gradebook: {len(gradebook)} learners, scores each {Counter(gradebook.values())}")
    stored = ralph.stored_ids(lrs_user)
    missing = sorted(recorded - set(stored))[:3]
    if missing:
        with get_db(app).sessionmaker() as s:
            rows = s.execute(select(schema.statement.c.seq, schema.statement.c.body)
                             .where(schema.statement.c.id.in_(missing))).all()
            for seq, body in rows:
                outbox_row = s.execute(select(schema.outbox).where(schema.outbox.c.seq == seq)).first()
                problems.append(f"not in the LRS: seq {seq} verb {str(body)[:160]} outbox {outbox_row}")
    if len(stored) != len(set(stored)):
        problems.append(f"{len(stored) - len(set(stored))} statements stored twice in the LRS")
    if set(stored) != recorded:
        problems.append(f"LRS holds {len(set(stored))} statements, the database recorded {len(recorded)}; "
                        f"deliveries by status {dict(by_status)}; errors {errors}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
