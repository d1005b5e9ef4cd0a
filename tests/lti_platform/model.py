"""What the platform knows: users, courses, resource links, line items, tool clients.

Identifiers look like the product family's: Moodle numbers everything (user 3,
course 2, activity 11, type id 1, a 15-character client id); Canvas uses opaque
UUIDs and hashes, and deployment ids like ``1:8865aa05b4b79b64a91a86042e43af5ea8ae79eb``.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import string
import threading
import time
import uuid
from dataclasses import dataclass, field

from tests.lti_platform import constants as c


@dataclass
class PlatformUser:
    key: str
    sub: str
    name: str
    given_name: str
    family_name: str
    email: str
    locale: str = "zh-CN"
    person_sourcedid: str | None = None
    institution_roles: list[str] = field(default_factory=list)


@dataclass
class Member:
    user_key: str
    roles: list[str]
    status: str = "Active"  # Active / Inactive (NRPS)


@dataclass
class ResourceLink:
    id: str
    title: str
    text: str = ""
    url: str | None = None  # the target_link_uri; None: the tool's default
    custom: dict = field(default_factory=dict)
    lineitem_id: int | None = None


@dataclass
class Course:
    id: str
    label: str
    title: str
    type: list[str] = field(default_factory=lambda: [c.COURSE_OFFERING])
    links: dict[str, ResourceLink] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)


@dataclass
class LineItem:
    id: int
    context_id: str
    label: str
    score_maximum: float
    resource_id: str = ""
    tag: str = ""
    resource_link_id: str | None = None
    start_date_time: str | None = None
    end_date_time: str | None = None

    def to_json(self, url: str) -> dict:
        data = {"id": url, "label": self.label, "scoreMaximum": self.score_maximum}
        for key, value in (
            ("resourceId", self.resource_id), ("tag", self.tag), ("resourceLinkId", self.resource_link_id),
            ("startDateTime", self.start_date_time), ("endDateTime", self.end_date_time),
        ):
            if value:
                data[key] = value
        return data


@dataclass
class ToolClient:
    """One tool registration: what the platform accepts from and sends to it."""

    client_id: str
    deployment_ids: list[str]
    initiate_login_uri: str
    redirect_uris: list[str]
    jwks_uri: str
    target_link_uri: str
    domain: str
    scopes: list[str] = field(default_factory=lambda: list(c.ALL_SCOPES))
    name: str = "tool"
    deep_link_uri: str | None = None
    custom_parameters: dict = field(default_factory=dict)
    registration: dict | None = None  # the Dynamic Registration request, if any


@dataclass
class PendingLaunch:
    """A launch the platform started: what ``lti_message_hint`` stands for."""

    hint: str
    user_key: str
    context_id: str | None
    link_id: str | None
    message_type: str
    client_id: str
    deployment_id: str
    document_target: str = "iframe"
    created_at: float = field(default_factory=time.time)
    used: bool = False
    deep_link: PendingDeepLink | None = None


@dataclass
class PendingDeepLink:
    """A Deep Linking request in flight; the return URL names it."""

    id: str
    context_id: str
    user_key: str
    client_id: str
    deployment_id: str
    data: str
    accept_multiple: bool = True
    used: bool = False


class Ids:
    """Identifiers in the style of the product family, unique per platform."""

    def __init__(self, family: str) -> None:
        self.family = family
        self._numbers = itertools.count(2)
        self._lineitems = itertools.count(1)
        self._lock = threading.Lock()

    def _next(self) -> int:
        with self._lock:
            return next(self._numbers)

    def lineitem(self) -> int:
        with self._lock:
            return next(self._lineitems)

    def user(self) -> str:
        return str(uuid.uuid4()) if self.family == "canvas" else str(self._next())

    def context(self) -> str:
        if self.family == "canvas":
            return hashlib.sha1(secrets.token_bytes(16)).hexdigest()
        return str(self._next())

    def link(self) -> str:
        return str(uuid.uuid4()) if self.family == "canvas" else str(self._next())

    def client_id(self) -> str:
        if self.family == "canvas":
            return f"1000000000{self._next():04d}"
        alphabet = string.ascii_letters + string.digits
        return "".join(secrets.choice(alphabet) for _ in range(15))

    def deployment_id(self) -> str:
        n = self._next()
        if self.family == "canvas":
            return f"{n}:{hashlib.sha1(secrets.token_bytes(16)).hexdigest()}"
        return str(n)


SEED_USERS = [
    # key, name, given, family, email, locale, sourcedid, course roles, institution roles
    ("learner", "张伟", "伟", "张", "zhang.wei@example.com", "zh-CN", "E1001", [c.LEARNER], [c.INSTITUTION_STUDENT]),
    ("learner2", "李娜", "娜", "李", "li.na@example.com", "zh-CN", "E1002", [c.LEARNER], [c.INSTITUTION_STUDENT]),
    ("learner_en", "Alex Morgan", "Alex", "Morgan", "alex.morgan@example.com", "en-US", "E1003", [c.LEARNER], [c.INSTITUTION_STUDENT]),
    ("instructor", "王芳", "芳", "王", "wang.fang@example.com", "zh-CN", "T2001", [c.INSTRUCTOR], [c.INSTITUTION_STAFF]),
    ("ta", "刘洋", "洋", "刘", "liu.yang@example.com", "zh-CN", "T2002", [c.TEACHING_ASSISTANT], [c.INSTITUTION_STAFF]),
    ("hr", "陈静", "静", "陈", "chen.jing@example.com", "zh-CN", "H3001", [], [c.INSTITUTION_ADMIN]),
    ("observer", "赵强", "强", "赵", "zhao.qiang@example.com", "zh-CN", "M4001", [c.MENTOR], []),
    ("former", "周敏", "敏", "周", "zhou.min@example.com", "zh-CN", "E1009", [c.LEARNER], [c.INSTITUTION_STUDENT]),
]

SEED_LINKS = [
    # title, text, line item (label, scoreMaximum, resourceId, tag) or None
    ("售后服务规范 · Service standards", "阅读课程 Reading", None),
    ("故障诊断测验 · Fault diagnosis quiz", "在线测验 Quiz", (100.0, "quiz-fault-diagnosis", "quiz")),
    ("现场实操考核 · On-site practical assessment", "实操考核 Practical", (100.0, "practical-on-site", "practical")),
]
