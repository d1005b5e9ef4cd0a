"""Run gunicorn from code, with the background worker beside it."""

from __future__ import annotations

import subprocess
import sys

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from lti_tool.ops import redact


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from lti_tool import create_app
        from lti_tool.ops import configure_logging

        app = create_app()
        settings = app.config["SETTINGS"]
        configure_logging(settings.log_format, settings.log_level)
        return app


class AccessLogger(Logger):
    """gunicorn's logger, with the secrets of request URLs left out of the access log:
    every value a log format can name (request line, path, query, Referer, headers)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}


#: Seconds an idle connection is kept open: none, each response closes its connection.
#: gunicorn's gthread worker (24 and later) gives a kept-alive connection to a pool
#: thread that waits there for the next request, so many keep-alive clients at once (a
#: class submitting together) hold the threads while other requests time out or are
#: reset: measured with 50 and 200 such clients on 2 processes x 4 threads, 1 to 4 % of
#: requests failed with keep-alive (2 s or 75 s), none without. A new connection per
#: request costs little, and is what nginx does towards its upstreams by default.
KEEPALIVE_SECONDS = 0


def run_server(host: str, port: int, workers: int, threads: int = 4, with_worker: bool = True,
               access_log: str = "-") -> None:
    worker = None
    if with_worker:
        worker = subprocess.Popen([sys.executable, "-m", "lti_tool.jobs.worker"])
    try:
        _Gunicorn(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "keepalive": KEEPALIVE_SECONDS,
                "worker_class": "gthread",
                "accesslog": access_log,
                "logger_class": AccessLogger,
                "timeout": 60,
                "graceful_timeout": 20,
                # No shared control socket: two tools on one machine must not collide.
                "control_socket_disable": True,
            }
        ).run()
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)
