"""Run gunicorn from code, with the background worker beside it."""

from __future__ import annotations

import subprocess
import sys

from gunicorn.app.base import BaseApplication


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


#: Seconds an idle connection is kept open: longer than a reverse proxy's or a load
#: balancer's own idle timeout (nginx and most balancers: 60 s), so the server never
#: closes a connection at the moment the other end sends a request on it (a reset).
KEEPALIVE_SECONDS = 75


def run_server(host: str, port: int, workers: int, threads: int = 4, with_worker: bool = True) -> None:
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
                "accesslog": "-",
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
