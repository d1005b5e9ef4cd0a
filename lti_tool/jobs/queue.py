"""The production task queue: Dramatiq on a Redis broker.

The outbox tables in the database are the truth; a queue message only says "drain the
outbox *name* now". So a message lost with a restarted broker delays work until the
next sweep and never loses it, and a message delivered twice costs one empty pass:
every drainer claims its rows with row locks (``SKIP LOCKED``) or conditional updates,
so three workers draining one outbox still send each row once.

Three things put messages on the queue:

- ``kick(session, name)``: a feature that wrote outbox rows asks for a drain; the
  message is sent after that session commits (never for rolled-back work) and at most
  one waits per outbox (a Redis ``SET NX`` marker), so a burst of submits does not
  flood the queue;
- a drain that found work asks once for a second worker to join it, and again when it
  stops at its time budget with work left;
- the sweeper, a thread in every worker process, sends one drain per outbox per
  ``jobs_sweep_seconds`` across the whole cluster (time-based work such as closing
  expired attempts, and whatever a lost message left behind).
"""

from __future__ import annotations

import logging
import threading
import time

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

NAMESPACE = "aftersales-training"
QUEUE = "outboxes"
PENDING = NAMESPACE + ":pending:{}"
SWEPT = NAMESPACE + ":swept:{}"
# A drain works at most this long before it hands over to a fresh message.
DRAIN_BUDGET_SECONDS = 20.0
PENDING_TTL_SECONDS = 60
# After the broker failed, commits stop asking it for this long (the sweep covers):
# a broker that does not answer must not slow every request down.
QUIET_AFTER_FAILURE_SECONDS = 5.0

_lock = threading.Lock()
_queue: _Queue | None = None


class _Queue:
    def __init__(self, url: str, heartbeat_timeout_ms: int):
        self.url = url
        self.redis = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=2, health_check_interval=30)
        self.broker = RedisBroker(client=self.redis, namespace=NAMESPACE, heartbeat_timeout=heartbeat_timeout_ms)
        self.quiet_until = 0.0
        dramatiq.set_broker(self.broker)
        self.drain = dramatiq.actor(
            _drain, actor_name="drain", queue_name=QUEUE, broker=self.broker,
            max_retries=5, min_backoff=1_000, max_backoff=60_000, time_limit=10 * 60_000,
        )

    def request(self, name: str) -> bool:
        """Send one drain of *name* unless one already waits; False if the broker is down."""
        if time.monotonic() < self.quiet_until:
            return False
        key = PENDING.format(name)
        try:
            if not self.redis.set(key, "1", nx=True, ex=PENDING_TTL_SECONDS):
                return True
            try:
                self.drain.send(name)
            except Exception:
                self.redis.delete(key)
                raise
            return True
        except Exception as exc:  # noqa: BLE001 - the sweep sends it later
            self.quiet_until = time.monotonic() + QUIET_AFTER_FAILURE_SECONDS
            log.warning("queue: drain of %s not sent (%s); the next sweep will", name, exc)
            return False

    def sweep(self, names, interval: float) -> int:
        """One drain per outbox per *interval* across all worker processes."""
        sent = 0
        for name in names:
            try:
                if self.redis.set(SWEPT.format(name), "1", nx=True, px=max(1, int(interval * 1000))):
                    self.drain.send(name)
                    sent += 1
            except Exception as exc:  # noqa: BLE001 - broker down: try again next tick
                log.warning("queue: sweep of %s failed (%s)", name, exc)
        return sent


def configure(url: str, heartbeat_timeout_ms: int = 60_000) -> _Queue:
    """The process's queue on *url* (made once; the actor needs its broker first)."""
    global _queue
    with _lock:
        if _queue is None or _queue.url != url:
            _queue = _Queue(url, heartbeat_timeout_ms)
        return _queue


def current() -> _Queue | None:
    return _queue


def reset() -> None:
    """Forget this process's queue (kicks become no-ops again)."""
    global _queue
    with _lock:
        _queue = None


# -- asking for a drain when work is committed ----------------------------------------


def kick(session: Session, name: str) -> None:
    """Ask for a drain of outbox *name* once *session* commits (no-op without a broker)."""
    if _queue is not None:
        session.info.setdefault("jobs_kicks", set()).add(name)


@event.listens_for(Session, "after_commit")
def _send_kicks(session: Session) -> None:
    names = session.info.pop("jobs_kicks", None)
    if names and _queue is not None:
        for name in sorted(names):
            _queue.request(name)


@event.listens_for(Session, "after_rollback")
def _drop_kicks(session: Session) -> None:
    session.info.pop("jobs_kicks", None)


# -- the worker side --------------------------------------------------------------------

_app = None
_app_lock = threading.Lock()


def worker_app():
    """The Flask app of this worker process, made at its first use."""
    global _app
    with _app_lock:
        if _app is None:
            from lti_tool import create_app
            from lti_tool.ops import configure_logging

            _app = create_app()
            settings = _app.config["SETTINGS"]
            configure_logging(settings.log_format, settings.log_level)
        return _app


def _drain(name: str) -> None:
    from lti_tool.jobs import drainers

    app = worker_app()
    queue = current()
    fn = drainers().get(name)
    if fn is None or queue is None:
        log.warning("queue: no drainer named %s", name)
        return
    # From here on new work needs a new message: clear the marker before looking.
    queue.redis.delete(PENDING.format(name))
    deadline = time.monotonic() + DRAIN_BUDGET_SECONDS
    first = True
    while True:
        handled = fn(app)
        if not handled:
            return
        if first:
            queue.request(name)  # a backlog: let another worker join
            first = False
        if time.monotonic() > deadline:
            queue.request(name)
            return


class Sweeper(Middleware):
    """A thread per worker process that sends the cluster-wide periodic drains."""

    def __init__(self, interval: float):
        self.interval = interval
        self.stop = threading.Event()

    def after_worker_boot(self, broker, worker) -> None:
        threading.Thread(target=self._run, name="outbox-sweeper", daemon=True).start()

    def before_worker_shutdown(self, broker, worker) -> None:
        self.stop.set()

    def _run(self) -> None:
        from lti_tool.jobs import drainers

        worker_app()  # registers the drainers
        while not self.stop.is_set():
            queue = current()
            if queue is not None:
                queue.sweep(sorted(drainers()), self.interval)
            self.stop.wait(self.interval)
