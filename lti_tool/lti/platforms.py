"""Registering, listing and removing LMS platforms and their deployments."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from lti_tool.lti.models import DEFAULT_ORGANISATION, Deployment, Platform


class PlatformError(ValueError):
    pass


class PlatformExists(PlatformError):
    """A registration that would change a platform already registered (create-only)."""


def _check_url(name: str, url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise PlatformError(f"{name} must be an http(s) URL, got {url!r}")
    return url


def find(session: Session, issuer: str, client_id: str) -> Platform | None:
    return session.scalars(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    ).first()


def add(
    session: Session,
    *,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    deployment_ids: Iterable[str] = (),
    name: str = "",
    auth_audience: str | None = None,
    product_family: str = "",
    organisation: str | None = None,
    identity_trusted: bool | None = None,
    create_only: bool = False,
) -> Platform:
    """Create the platform, or update it and add deployments if it exists.

    A new platform joins the organisation with the slug ``organisation`` (made if
    missing), or ``default``; an existing one keeps its organisation (``platform move``
    changes it). ``create_only`` is Dynamic Registration's path: whoever answers a
    registration must never change a platform the operator has, so an existing
    (issuer, client id), or an issuer of another organisation's platform, is
    ``PlatformExists``. Updating stays the operator's own act (``platform add``)."""
    if not issuer or not client_id:
        raise PlatformError("issuer and client id are required")
    for label, url in (("auth login URL", auth_login_url), ("token URL", auth_token_url), ("JWKS URL", key_set_url)):
        _check_url(label, url)
    platform = find(session, issuer, client_id)
    if platform is not None and create_only:
        raise PlatformExists(f"a platform with issuer {issuer} and client id {client_id} is already registered "
                             f"(platform {platform.id})")
    if platform is None:
        from lti_tool.lti import organisations

        try:
            tenant = organisations.get_or_create(session, organisation or DEFAULT_ORGANISATION)
        except organisations.OrganisationError as exc:
            raise PlatformError(str(exc)) from exc
        if create_only and issuer_elsewhere(session, issuer, tenant.id):
            raise PlatformExists(f"issuer {issuer} belongs to a platform of another organisation")
        platform = Platform(issuer=issuer, client_id=client_id, organisation=tenant)
        session.add(platform)
    platform.name = name or platform.name or urlparse(issuer).netloc or issuer
    platform.auth_login_url = auth_login_url
    platform.auth_token_url = auth_token_url
    platform.key_set_url = key_set_url
    platform.auth_audience = auth_audience
    platform.product_family = product_family or platform.product_family or ""
    platform.active = True
    if identity_trusted is not None:
        platform.identity_trusted = identity_trusted
    try:
        session.flush()
    except IntegrityError as exc:  # the same (issuer, client id) was committed meanwhile
        raise PlatformExists(f"a platform with issuer {issuer} and client id {client_id} is already registered") from exc
    known = {d.deployment_id for d in platform.deployments}
    for deployment_id in deployment_ids:
        if deployment_id and deployment_id not in known:
            platform.deployments.append(Deployment(deployment_id=deployment_id))
            known.add(deployment_id)
    session.flush()
    return platform


def issuer_elsewhere(session: Session, issuer: str, organisation_id: int) -> bool:
    """Whether a platform of another organisation has this issuer."""
    return session.scalar(
        select(Platform.id).where(Platform.issuer == issuer, Platform.organisation_id != organisation_id).limit(1)
    ) is not None


def all_platforms(session: Session) -> list[Platform]:
    return list(
        session.scalars(
            select(Platform).options(selectinload(Platform.deployments), selectinload(Platform.organisation))
            .order_by(Platform.id)
        )
    )


def remove(session: Session, platform_id: int) -> bool:
    platform = session.get(Platform, platform_id)
    if platform is None:
        return False
    session.delete(platform)
    session.flush()
    return True
