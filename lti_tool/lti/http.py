"""One HTTP client for calls to platforms: a timeout on every request, bounded retries,
bounded answers, and (unless the operator allows private targets) only public addresses.

Retries cover connection errors and 502/503/504 (and 429) with exponential backoff;
they are for idempotent reads and for writes the platform treats as idempotent
(AGS scores carry their timestamp).

Redirects: a GET follows at most ``MAX_REDIRECTS``, each hop connecting through the same
guard; any other method follows none (Moodle and Canvas do not redirect their LTI
endpoints, and a redirected POST would be replayed as a GET). Every refusal, of an address,
a scheme or an oversized answer, is ``OutboundRefused``, a ``requests.RequestException``, so
the callers' handling of network failures covers it; its message is for the log.
"""

from __future__ import annotations

import logging
from urllib.parse import urlparse

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from lti_tool.lti.outbound import GuardedAdapter, OutboundGuard, Refused

log = logging.getLogger(__name__)
USER_AGENT = "aftersales-training/0.1 (LTI 1.3 tool)"
MAX_REDIRECTS = 3
MiB = 1024 * 1024
# An OpenID configuration, a JWKS, an access token or a score's answer is a few KB.
DOCUMENT_LIMIT = 1 * MiB
# A roster or line item page grows with the course: Moodle sends a whole roster in one
# page, about 500 bytes a member, so this holds a course of some 30,000 people.
PAGE_LIMIT = 16 * MiB
PAGE_TYPES = (
    "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
    "application/vnd.ims.lis.v2.lineitemcontainer+json",
    "application/vnd.ims.lis.v2.resultcontainer+json",
)
CHUNK = 64 * 1024
ALLOW_HINT = "AFTERSALES_ALLOW_PRIVATE_OUTBOUND=true allows an LMS on the company network"


class OutboundRefused(requests.RequestException):
    """The tool would not fetch this URL or read its answer; the message says why (for the log)."""


def answer_limit(accept: str | None) -> int:
    """The largest answer read for a request: chosen by what the tool asked for (its own
    ``Accept`` header), never by what the other side says it sends."""
    return PAGE_LIMIT if accept and any(kind in accept for kind in PAGE_TYPES) else DOCUMENT_LIMIT


def _read_bounded(response: requests.Response, **_kwargs) -> requests.Response:
    """A response hook (it runs for every hop): read the body, stopping past the limit."""
    limit = answer_limit(response.request.headers.get("Accept"))
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise OutboundRefused(f"{response.url} declares {declared} bytes, more than the {limit} read")
    body = bytearray()
    for chunk in response.iter_content(CHUNK):
        body += chunk
        if len(body) > limit:
            response.close()
            raise OutboundRefused(f"{response.url} answered more than the {limit} bytes read")
    response._content = bytes(body)  # what requests itself keeps once it has read a body
    response._content_consumed = True
    return response


class TimeoutSession(requests.Session):
    def __init__(self, timeout: float, retries: int, guard: OutboundGuard | None = None) -> None:
        """``guard``: None lets the tool reach any address (``allow_private_outbound``)."""
        super().__init__()
        self.timeout, self.guard = timeout, guard
        self.headers["User-Agent"] = USER_AGENT
        self.max_redirects = MAX_REDIRECTS
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
        pools = {"max_retries": retry, "pool_connections": 10, "pool_maxsize": 20}
        adapter = GuardedAdapter(guard, **pools) if guard else HTTPAdapter(**pools)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method, url, **kwargs):  # noqa: D102
        kwargs.setdefault("timeout", self.timeout)
        if method.upper() not in ("GET", "HEAD"):
            kwargs["allow_redirects"] = False
        kwargs["hooks"] = {"response": [_read_bounded]}  # callers here pass no hooks of their own
        kwargs["stream"] = True  # the hook reads the body, within the limit
        if urlparse(str(url)).scheme.lower() not in ("http", "https"):
            raise self._refused(method, url, "only http and https URLs are fetched")
        try:
            return super().request(method, url, **kwargs)
        except Refused as exc:
            raise self._refused(method, url, f"{exc} ({ALLOW_HINT})") from None
        except OutboundRefused as exc:
            log.warning("outbound %s refused: %s", method, exc)
            raise

    @staticmethod
    def _refused(method: str, url: str, reason: str) -> OutboundRefused:
        log.warning("outbound %s %s refused: %s", method, url, reason)
        return OutboundRefused(f"{method} {url} refused: {reason}")


def session_from_settings(settings) -> TimeoutSession:
    guard = None if settings.allow_private_outbound else OutboundGuard()
    return TimeoutSession(settings.http_timeout_seconds, settings.http_retries, guard)
