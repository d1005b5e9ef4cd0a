"""A pylti1p3 ToolConf backed by the database: many platforms, many client ids per
issuer, many deployments each. Registrations carry the tool's current signing key."""

from __future__ import annotations

from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from lti_tool.lti import keys
from lti_tool.lti.models import Deployment, Platform


class ToolRegistration(Registration):
    """A registration that signs with our stored key and names its kid."""

    kid: str | None = None

    def get_kid(self) -> str | None:
        return self.kid


def registration_for(session: Session, platform: Platform) -> ToolRegistration:
    key = keys.current_key(session)
    reg = ToolRegistration()
    reg.set_issuer(platform.issuer)
    reg.set_client_id(platform.client_id)
    reg.set_auth_login_url(platform.auth_login_url)
    reg.set_auth_token_url(platform.auth_token_url)
    reg.set_key_set_url(platform.key_set_url)
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    reg.set_tool_private_key(key.private_pem)
    reg.kid = key.kid
    return reg


class DbToolConf(ToolConfAbstract):
    def __init__(self, session: Session) -> None:
        self.session = session
        # Every issuer may have several client ids: always look up by (iss, client_id).
        self.issuers_relation_types = _ManyClients()

    def platform(self, iss: str, client_id: str) -> Platform | None:
        """The active platform, with its organisation (the launch reads its HR roles)."""
        return self.session.scalars(
            select(Platform).options(joinedload(Platform.organisation)).where(
                Platform.issuer == iss, Platform.client_id == client_id, Platform.active.is_(True)
            )
        ).first()

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        platforms = self.session.scalars(select(Platform).where(Platform.issuer == iss)).all()
        return registration_for(self.session, platforms[0]) if len(platforms) == 1 else None

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        platform = self.platform(iss, client_id)
        return registration_for(self.session, platform) if platform else None

    def find_deployment(self, iss, deployment_id):
        return None  # never used: lookups always name the client id

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        platform = self.platform(iss, client_id)
        if platform is None:
            return None
        found = self.session.scalars(
            select(Deployment).where(
                Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id
            )
        ).first()
        return LtiDeployment().set_deployment_id(found.deployment_id) if found else None


class _ManyClients(dict):
    def get(self, key, default=None):
        from pylti1p3.tool_config.abstract import IssuerToClientRelation

        return IssuerToClientRelation.MANY_CLIENTS_IDS_PER_ISSUER
