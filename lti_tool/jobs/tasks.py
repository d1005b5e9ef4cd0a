"""The broker module ``aftersales-training worker`` hands to Dramatiq's worker.

Dramatiq imports it in every worker process: it sets the Redis broker from the
settings, declares the drain actor and adds the sweeper.
"""

from __future__ import annotations

from lti_tool.jobs import queue
from lti_tool.settings import load_settings

_settings = load_settings()
if not _settings.broker_url:
    raise SystemExit("AFTERSALES_BROKER_URL is not set: run `aftersales-training serve` (embedded worker)")
_queue = queue.configure(_settings.broker_url, _settings.jobs_heartbeat_timeout_ms)
_queue.broker.add_middleware(queue.Sweeper(_settings.jobs_sweep_seconds))
broker = _queue.broker
