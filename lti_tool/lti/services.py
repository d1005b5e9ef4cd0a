"""AGS and NRPS clients on pylti1p3next, for background work only.

Access tokens (OAuth2 client credentials signed with our key) are cached in the
database until shortly before they expire, so every worker process reuses them.
Every call has a timeout and bounded retries (``lti_tool.lti.http``); a 401 drops
the cached token and tries once more with a fresh one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from lti_tool.db import utcnow
from lti_tool.lti.http import OutboundRefused
from lti_tool.lti.models import AccessToken, Platform
from lti_tool.lti.toolconf import registration_for

AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
EXPIRY_MARGIN = timedelta(seconds=30)
log = logging.getLogger(__name__)
# What a person sees (roster page, delivery history) when the LMS gave no answer, refused
# address or network failure alike, so a launch's URLs cannot probe the network behind
# the tool; the log has the URL and the cause.
UNREACHABLE = "the LMS could not be reached (the tool's log says why)"


class ServiceError(Exception):
    """A platform service call failed; ``retryable`` says whether to try again later."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = status is None or status >= 500 or status in (401, 408, 429)


class DbServiceConnector(ServiceConnector):
    def __init__(self, factory: sessionmaker[Session], platform: Platform, registration, http) -> None:
        super().__init__(registration, requests_session=http)
        self.factory, self.platform_id = factory, platform.id

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        with self.factory() as s:
            row = s.scalars(
                select(AccessToken).where(AccessToken.platform_id == self.platform_id, AccessToken.scopes == scope_key)
            ).first()
            if row and row.expires_at - EXPIRY_MARGIN > utcnow():
                return row.token
        return None

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        expires_at = utcnow() + timedelta(seconds=float(expires_in or 0))
        with self.factory.begin() as s:
            s.execute(delete(AccessToken).where(AccessToken.platform_id == self.platform_id, AccessToken.scopes == scope_key))
            s.add(AccessToken(platform_id=self.platform_id, scopes=scope_key, token=access_token, expires_at=expires_at))

    def forget_tokens(self) -> None:
        with self.factory.begin() as s:
            s.execute(delete(AccessToken).where(AccessToken.platform_id == self.platform_id))

    def make_service_request(self, scopes, url, **kwargs):
        try:
            return super().make_service_request(scopes, url, **kwargs)
        except LtiServiceException as exc:
            if exc.response.status_code != 401:
                raise
            self.forget_tokens()  # revoked or expired early: one fresh token, one more try
            return super().make_service_request(scopes, url, **kwargs)


@dataclass
class PlatformServices:
    """AGS and NRPS for one platform, built outside any request."""

    connector: DbServiceConnector

    @classmethod
    def build(cls, session: Session, factory: sessionmaker[Session], platform: Platform, http: requests.Session):
        return cls(DbServiceConnector(factory, platform, registration_for(session, platform), http))

    def _ags(self, lineitems_url: str, scopes: list[str] | None = None, lineitem_url: str | None = None):
        data = {"scope": scopes or AGS_SCOPES, "lineitems": lineitems_url}
        if lineitem_url:
            data["lineitem"] = lineitem_url
        return AssignmentsGradesService(self.connector, data)

    def find_or_create_lineitem(
        self, lineitems_url: str, *, resource_id: str, label: str, score_maximum: float,
        resource_link_id: str | None = None, tag: str | None = None, scopes: list[str] | None = None,
    ) -> str:
        """The line item URL for ``resource_id`` (in ``resource_link_id`` when given) in
        the context, created if missing.

        A resource id is not unique in a course: Moodle keeps one line item per
        activity, so the same catalogue item placed twice has two line items with one
        ``resourceId``. With a resource link, only that link's line item matches."""
        item = LineItem().set_resource_id(resource_id).set_label(label).set_score_maximum(score_maximum)
        if resource_link_id:
            item.set_resource_link_id(resource_link_id)
        if tag:
            item.set_tag(tag)

        def matches(found: dict) -> bool:
            if found.get("resourceId") != resource_id:
                return False
            return not resource_link_id or str(found.get("resourceLinkId") or "") == str(resource_link_id)

        found = _call(lambda: self._ags(lineitems_url, scopes).find_or_create_lineitem(item, condition=matches))
        return found.get_id()

    def put_score(
        self, lineitem_url: str, *, user_id: str, score_given: float | None, score_maximum: float,
        activity_progress: str, grading_progress: str, timestamp: datetime, comment: str | None = None,
        scopes: list[str] | None = None,
    ) -> dict:
        def send():
            grade = (
                Grade()
                .set_user_id(user_id)
                .set_score_maximum(score_maximum)
                .set_activity_progress(activity_progress)
                .set_grading_progress(grading_progress)
                .set_timestamp(timestamp.isoformat())
            )
            if score_given is not None:
                grade.set_score_given(score_given)
            if comment:
                grade.set_comment(comment)
            ags = self._ags(lineitem_url.rsplit("/", 1)[0], scopes, lineitem_url)
            return ags.put_grade(grade, LineItem({"id": lineitem_url}))

        return _call(send)

    def results(self, lineitem_url: str, scopes: list[str] | None = None) -> list[dict]:
        ags = self._ags(lineitem_url.rsplit("/", 1)[0], scopes, lineitem_url)
        return _call(lambda: list(ags.get_grades(LineItem({"id": lineitem_url}))))

    def memberships(self, memberships_url: str) -> list[dict]:
        """Every member of the context, following ``rel="next"`` pages."""
        nrps = NamesRolesProvisioningService(self.connector, {"context_memberships_url": memberships_url})
        return _call(nrps.get_members)


def _call(fn):
    """Run a service call; every failure becomes a ServiceError that says whether to retry."""
    try:
        return fn()
    except LtiServiceException as exc:
        raise ServiceError(str(exc), exc.response.status_code) from exc
    except OutboundRefused as exc:  # refused again on every try: park it
        log.warning("platform service call refused: %s", exc)
        raise ServiceError(UNREACHABLE, 400) from exc
    except requests.RequestException as exc:  # network: try again later
        log.warning("platform service call failed: %s", exc)
        raise ServiceError(UNREACHABLE) from exc
    except (LtiException, ValueError, KeyError) as exc:  # the request itself is wrong
        raise ServiceError(str(exc), 400) from exc
