"""The worker process: drains every outbox in a loop until stopped."""

from __future__ import annotations

import signal
import threading

from lti_tool import create_app
from lti_tool.jobs import run_once


def main(idle_seconds: float = 1.0) -> None:
    from lti_tool.ops import configure_logging

    app = create_app()
    configure_logging(app.config["SETTINGS"].log_format, app.config["SETTINGS"].log_level)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        handled = run_once(app)
        if not any(handled.values()):
            stop.wait(idle_seconds)


if __name__ == "__main__":
    main()
