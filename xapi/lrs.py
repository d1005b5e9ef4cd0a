"""One LRS endpoint: how to reach it, and what its answers mean for a delivery.

Every request has the target's timeout (connect and read); there are no hidden
retries here: the drainer decides, with backoff, when to try again. Connections are
reused through one ``requests.Session`` per target.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

USER_AGENT = "aftersales-training/0.1 (xAPI forwarder)"

# Answers about the target rather than the statements: the drainer backs off and keeps
# the statements pending (wrong credentials or URL must not park every statement).
TARGET_PROBLEMS = {401, 403, 404, 405, 407, 408, 425, 429}


@dataclass(frozen=True)
class Target:
    name: str
    endpoint: str  # the xAPI base, e.g. https://lrs.example.com/xAPI/
    username: str = ""
    password: str = ""
    version: str = "1.0.3"
    timeout_seconds: float = 10.0
    batch_size: int = 100
    # How long a claimed batch stays reserved for the worker that claimed it (at least
    # 6 timeouts): the batch of a worker that died is sent again after this.
    lease_seconds: float = 60.0

    def __post_init__(self) -> None:
        if not self.endpoint.startswith(("https://", "http://")):
            raise ValueError(f"LRS target {self.name}: the endpoint must be an http(s) URL")
        if self.batch_size < 1 or self.timeout_seconds <= 0:
            raise ValueError(f"LRS target {self.name}: batch_size >= 1 and timeout_seconds > 0")

    @classmethod
    def from_settings(cls, value: Any) -> "Target":
        """From any object with the fields (the app's pydantic ``LrsTarget``)."""
        password = getattr(value, "password", "")
        if hasattr(password, "get_secret_value"):
            password = password.get_secret_value()
        return cls(name=value.name, endpoint=value.endpoint, username=value.username or "", password=password or "",
                   version=value.version, timeout_seconds=float(value.timeout_seconds),
                   batch_size=int(value.batch_size), lease_seconds=float(getattr(value, "lease_seconds", 60.0)))

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"


class Kind(enum.Enum):
    OK = "ok"  # 200 or 204: stored (or already there, identical)
    CONFLICT = "conflict"  # 409: the LRS has a statement with this id; compare to decide
    REJECTED = "rejected"  # another 4xx: these statements will not be accepted as they are
    UNAVAILABLE = "unavailable"  # no answer, a timeout, 5xx, or a problem with the target itself


@dataclass(frozen=True)
class Answer:
    kind: Kind
    status: int | None = None
    reason: str = ""


def _reason(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:2000] or response.reason or ""
    if isinstance(body, dict):
        for key in ("detail", "message", "error", "errors"):
            if key in body:
                value = body[key]
                return (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))[:2000]
    return json.dumps(body, ensure_ascii=False)[:2000]


def classify(response: requests.Response) -> Answer:
    status = response.status_code
    if status in (200, 204):
        return Answer(Kind.OK, status)
    if status == 409:
        return Answer(Kind.CONFLICT, status, _reason(response))
    if 400 <= status < 500 and status not in TARGET_PROBLEMS:
        return Answer(Kind.REJECTED, status, _reason(response))
    return Answer(Kind.UNAVAILABLE, status, f"HTTP {status}: {_reason(response)}"[:2000])


class Client:
    def __init__(self, target: Target, http: requests.Session | None = None) -> None:
        self.target = target
        self.http = http or new_session()
        self.headers = {
            "X-Experience-API-Version": target.version,
            "Content-Type": "application/json; charset=utf-8",
        }
        self.auth = (target.username, target.password) if target.username else None

    def post(self, bodies: list[str]) -> Answer:
        """POST statements (JSON texts) as one batch."""
        payload = ("[" + ",".join(bodies) + "]").encode("utf-8")
        try:
            response = self.http.post(self.target.statements_url, data=payload, headers=self.headers,
                                      auth=self.auth, timeout=self.target.timeout_seconds)
        except requests.Timeout:
            return Answer(Kind.UNAVAILABLE, None, f"no answer within {self.target.timeout_seconds:g} s")
        except requests.RequestException as exc:
            return Answer(Kind.UNAVAILABLE, None, f"cannot reach the LRS: {exc.__class__.__name__}: {exc}"[:2000])
        with response:
            return classify(response)

    def get(self, statement_id: str) -> tuple[Answer, dict | None]:
        """The LRS's copy of one statement (to compare after a 409)."""
        try:
            response = self.http.get(self.target.statements_url, params={"statementId": statement_id},
                                     headers=self.headers, auth=self.auth, timeout=self.target.timeout_seconds)
        except requests.RequestException as exc:
            return Answer(Kind.UNAVAILABLE, None, f"cannot read back from the LRS: {exc}"[:2000]), None
        with response:
            answer = classify(response)
            if answer.kind is not Kind.OK:
                return answer, None
            try:
                body = response.json()
            except ValueError:
                return Answer(Kind.UNAVAILABLE, response.status_code, "the LRS answered with no JSON"), None
        if isinstance(body, dict) and isinstance(body.get("statements"), list):  # some LRSs wrap it
            body = body["statements"][0] if body["statements"] else None
        return answer, body if isinstance(body, dict) else None


def new_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=8, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# -- statement comparison (xAPI 1.0.3 Data §2.3.1) -------------------------------------

ASSIGNED_BY_LRS = {"stored", "authority", "version"}


def _normal(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "definition" or (key == "verb" and k == "display"):
                continue  # activity definitions and verb display are not part of a statement
            out[k] = _normal(v, k)
        return out
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if key in ("timestamp", "stored") and isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if key in ("id", "registration") and isinstance(value, str) and len(value) == 36:
        return value.lower()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def same_statement(ours: dict, theirs: dict) -> bool:
    """True when ``theirs`` (read back from an LRS) is the statement we sent, ignoring
    what an LRS assigns or may re-serialise."""
    a = {k: v for k, v in ours.items() if k not in ASSIGNED_BY_LRS}
    b = {k: v for k, v in theirs.items() if k not in ASSIGNED_BY_LRS}
    return _normal(a) == _normal(b)
