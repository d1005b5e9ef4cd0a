"""One HTTP client for calls to platforms: a timeout on every request, bounded retries.

Retries cover connection errors and 502/503/504 (and 429) with exponential backoff;
they are for idempotent reads and for writes the platform treats as idempotent
(AGS scores carry their timestamp).
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

USER_AGENT = "aftersales-training/0.1 (LTI 1.3 tool)"


class TimeoutSession(requests.Session):
    def __init__(self, timeout: float, retries: int) -> None:
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = USER_AGENT
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=0.3,
            status_forcelist=(429, 502, 503, 504),
            allowed_methods=None,  # every method: see the module docstring
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=10, pool_maxsize=20)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method, url, **kwargs):  # noqa: D102
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


def session_from_settings(settings) -> TimeoutSession:
    return TimeoutSession(settings.http_timeout_seconds, settings.http_retries)
