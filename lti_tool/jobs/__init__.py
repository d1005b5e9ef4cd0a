"""Background work: outbox drainers registered by features, run by the workers.

A feature registers ``register_drainer(name, fn)`` where ``fn(app) -> int`` does one
bounded pass and returns how many items it handled, and calls ``kick(session, name)``
when it writes work for it. No business logic lives here.

Two ways to run them: the embedded worker (``worker.py``, one process polling every
outbox, the default with no server at all), or Dramatiq workers on a Redis broker
(``queue.py``) when ``AFTERSALES_BROKER_URL`` is set.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

Drainer = Callable[[Flask], int]
_DRAINERS: dict[str, Drainer] = {}


def register_drainer(name: str, fn: Drainer) -> None:
    _DRAINERS[name] = fn


def kick(session, name: str) -> None:
    """Ask for a prompt drain of *name* once *session* commits (with a broker only)."""
    from lti_tool.jobs import queue

    queue.kick(session, name)


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    if settings.broker_url:
        from lti_tool.jobs import queue

        queue.configure(settings.broker_url, settings.jobs_heartbeat_timeout_ms)


def drainers() -> dict[str, Drainer]:
    return dict(_DRAINERS)


def run_once(app: Flask) -> dict[str, int]:
    """One pass of every drainer; a failing drainer does not stop the others."""
    import logging

    done = {}
    for name, fn in drainers().items():
        try:
            done[name] = fn(app)
        except Exception:  # noqa: BLE001 - logged, retried next pass
            logging.getLogger(__name__).exception("drainer %s failed", name)
            done[name] = 0
    return done
