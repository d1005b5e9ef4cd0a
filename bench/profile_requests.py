"""Where a learner's requests spend their time: the tool in this process on PostgreSQL
(a single-threaded server, so one request at a time), the test LMS, and learners doing
what ``bench/load.py``'s do (a full launch, a lesson's GET + progress POST, a quiz start +
50-answer submit). Each request runs under cProfile; per step it prints the wall time
per request, the SQL statements and the time spent in them (the database's round trips
included), then the functions that took the most time.

    .venv/bin/python bench/profile_requests.py [--learners 40] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import secrets
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from _common import ROOT  # noqa: F401,E402 - puts the checkout on sys.path

from sqlalchemy import event  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from load import COURSE, LESSON, QUIZ, csrf, write_library  # noqa: E402
from tests.lti_platform import TestPlatform  # noqa: E402
from tests.support.browser import Browser  # noqa: E402
from tests.support.postgres import PostgresServer, free_port  # noqa: E402
from tests.support.ralph import RalphServer  # noqa: E402
from tests.support.redis import RedisServer  # noqa: E402

STEPS = {  # request path pattern -> step
    r"^/lti/(login|launch|cookie)": "launch",
    r"^/learn/quiz/": "launch",
    r"^/learn/lesson/.*/progress$": "lesson POST",
    r"^/learn/lesson/": "lesson GET",
    r"^/learn/start/": "start",
    r"^/learn/attempt/\d+/submit$": "submit",
}


def step_of(path: str) -> str:
    for pattern, step in STEPS.items():
        if re.search(pattern, path):
            return step
    return "other " + path.split("/")[1:3].__repr__()


class Profiled:
    """WSGI middleware: each request under cProfile, its SQL counted and timed."""

    def __init__(self, app, engine) -> None:
        self.app, self.wsgi = app, app.wsgi_app
        self.profiles: dict[str, pstats.Stats] = {}
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.sql: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.statements: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        self.local = threading.local()
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self.local.began = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        log = getattr(self.local, "log", None)
        if log is not None:
            log.append((" ".join(statement.split())[:110], time.perf_counter() - self.local.began))

    def __call__(self, environ, start_response):
        step = step_of(environ.get("PATH_INFO", ""))
        self.local.log = []
        profile = cProfile.Profile()
        began = time.perf_counter()
        profile.enable()
        try:
            body = b"".join(self.wsgi(environ, start_response))
        finally:
            profile.disable()
            self.wall[step].append(time.perf_counter() - began)
            log, self.local.log = self.local.log, None
            self.sql[step].append((len(log), sum(t for _s, t in log)))
            for text, took in log:
                self.statements[step][text].append(took)
            if step in self.profiles:
                self.profiles[step].add(profile)
            else:
                self.profiles[step] = pstats.Stats(profile)
        return [body]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--only", default="", help="print only the steps containing this")
    parser.add_argument("--workers", action="store_true",
                        help="then profile the workers' passes (statements, LRS, scores) over what the learners left")
    parser.add_argument("--bare", action="store_true", help="time the workers' passes without the profiler")
    args = parser.parse_args()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    fields = write_library(tmp / "library")
    pg, redis_server = PostgresServer().start(), RedisServer(workdir=tmp / "redis").start()
    server = lms = ralph = None
    drains: dict[str, pstats.Stats] = {}
    passes: dict[str, list[tuple[int, float]]] = defaultdict(list)
    try:
        import json

        ralph = RalphServer(users=1, workdir=tmp / "ralph").start()
        lrs_user = ralph.new_user()
        pg.execute("CREATE DATABASE prof")
        port = free_port()
        tool_url = f"http://127.0.0.1:{port}"
        from sqlalchemy import create_engine

        from lti_tool import create_app
        from lti_tool.db import get_db
        from lti_tool.migrate import upgrade

        engine = create_engine(pg.url("prof"))
        upgrade(engine)
        engine.dispose()

        app = create_app({"database_url": pg.url("prof"), "instance_path": tmp / "instance",
                          "secret_key": secrets.token_urlsafe(32), "public_base_url": tool_url,
                          "content_path": tmp / "library", "broker_url": redis_server.url,
                          "log_format": "json", "log_level": "WARNING", "allow_private_outbound": True,
                          "lrs_targets": json.loads(json.dumps([ralph.target_settings(lrs_user)]))})
        lms = TestPlatform(tool_base_url=tool_url).start()
        lms.register_in_tool(app)
        link = lms.add_resource_link("基准测验", custom={"item_kind": "quiz", "item_id": f"{COURSE}/{QUIZ}"},
                                     line_item={"label": "基准测验", "scoreMaximum": 100,
                                                "resourceId": f"{COURSE}/{QUIZ}", "tag": "quiz"})
        for n in range(args.learners + 3):
            lms.add_user(f"l{n}", f"学员{n:03d}")
        profiled = Profiled(app, get_db(app).engine)
        app.wsgi_app = profiled
        server = make_server("127.0.0.1", port, app, threaded=False)
        threading.Thread(target=server.serve_forever, daemon=True).start()

        def learner(n: int) -> None:
            with Browser(timeout=60) as browser:
                page = lms.launch(browser, user=f"l{n}", resource_link=link.id)
                assert page.status_code == 200 and "/learn/quiz/" in page.url, (page.status_code, page.url)
                token, session = csrf(page.text), browser.session
                assert session.get(f"{tool_url}/learn/lesson/{COURSE}/{LESSON}").status_code == 200
                done = session.post(f"{tool_url}/learn/lesson/{COURSE}/{LESSON}/progress",
                                    data={"csrf_token": token, "percent": "100", "js": "1"})
                assert done.status_code == 200, done.text[:300]
                started = session.post(f"{tool_url}/learn/start/{COURSE}/{QUIZ}", data={"csrf_token": token},
                                       allow_redirects=False)
                assert started.status_code == 303
                done = session.post(tool_url + started.headers["Location"] + "/submit",
                                    data=[("csrf_token", token), *fields], allow_redirects=False)
                assert done.status_code == 303 and done.headers["Location"].endswith("/result"), done.text[:300]

        for n in range(3):  # warm up: imports, the course import at first use, the pool
            learner(args.learners + n)
        profiled.profiles.clear(), profiled.wall.clear(), profiled.sql.clear(), profiled.statements.clear()
        from lti_tool.jobs import drainers

        if args.workers:  # what the learners before left, so the passes below see only theirs
            while any(fn(app) for fn in drainers().values()):
                pass
        for n in range(args.learners):
            learner(n)
        if args.workers:
            busy = True
            while busy:
                busy = False
                for name, fn in sorted(drainers().items()):
                    profile = cProfile.Profile()
                    began = time.thread_time()  # CPU of this thread: what other load does not change
                    if not args.bare:
                        profile.enable()
                    handled = fn(app)
                    profile.disable()
                    passes[name].append((handled, time.thread_time() - began))
                    busy = busy or bool(handled)
                    if args.bare:
                        continue
                    if name in drains:
                        drains[name].add(profile)
                    else:
                        drains[name] = pstats.Stats(profile)
    finally:
        if server is not None:
            server.shutdown()
        if lms is not None:
            lms.stop()
        if ralph is not None:
            ralph.stop()
        redis_server.remove()
        pg.stop()

    total = 0.0
    for step, walls in profiled.wall.items():
        count, sql = len(walls), profiled.sql[step]
        wall = 1000 * sum(walls) / count
        total += wall * count / args.learners
        statements = sum(c for c, _t in sql) / count
        sql_ms = 1000 * sum(t for _c, t in sql) / count
        print(f"{step:14} {count:4} requests: {wall:6.2f} ms each, {statements:5.1f} SQL statements "
              f"({sql_ms:5.2f} ms in them)")
    print(f"per learner: {total:.1f} ms of wall time in the tool's requests")
    for name, done in sorted(passes.items()):
        handled, took = sum(h for h, _t in done), sum(t for _h, t in done)
        print(f"worker pass {name:24} {len(done):3} passes, {handled:5} items, {1000 * took / args.learners:6.2f} ms "
              "CPU per learner")
    for name, stats in sorted(drains.items()):
        if args.only and args.only not in f"worker pass {name}":
            continue
        out = io.StringIO()
        stats.stream = out
        stats.sort_stats(args.sort).print_stats(args.top)
        print(f"\n===== worker pass {name}: top functions by {args.sort} =====")
        print("\n".join(out.getvalue().splitlines()[4:]))
    for step, stats in profiled.profiles.items():
        if args.only and args.only not in step:
            continue
        print(f"\n===== {step}: SQL (per request, ms) =====")
        count = len(profiled.wall[step])
        for text, took in sorted(profiled.statements[step].items(), key=lambda kv: -sum(kv[1])):
            print(f"  {len(took) / count:4.1f} x {1000 * sum(took) / len(took):5.2f}  {text}")
        out = io.StringIO()
        stats.stream = out
        stats.sort_stats(args.sort).print_stats(args.top)
        print(f"===== {step}: top functions by {args.sort} (all {count} requests) =====")
        print("\n".join(out.getvalue().splitlines()[4:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
