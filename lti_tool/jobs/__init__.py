"""Background work: outbox drainers registered by features, run by the worker.

A feature registers ``register_drainer(name, fn)`` where ``fn(app) -> int`` does one
bounded pass and returns how many items it handled. No business logic lives here.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

Drainer = Callable[[Flask], int]
_DRAINERS: dict[str, Drainer] = {}


def register_drainer(name: str, fn: Drainer) -> None:
    _DRAINERS[name] = fn


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
