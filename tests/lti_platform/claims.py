"""The id_token a platform sends: LTI 1.3 core claims, AGS / NRPS / Deep Linking
claims, and a crafting API for the tokens a careful tool must refuse."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tests.lti_platform import constants as c
from tests.lti_platform.keys import encode_hs256, encode_unsigned

if TYPE_CHECKING:  # pragma: no cover
    from tests.lti_platform.controller import TestPlatform
    from tests.lti_platform.model import Course, PendingDeepLink, ResourceLink, ToolClient

SIGN_WITH = ("platform", "other_key", "none", "hs256_with_public_key")


def substitute(custom: dict, values: dict) -> dict:
    """Custom parameters with the platform's substitution variables filled in;
    unknown ``$Variables`` stay as they are (LTI core, custom properties)."""
    return {k: (values.get(v, v) if isinstance(v, str) and v.startswith("$") else v) for k, v in custom.items()}


def build_claims(
    platform: TestPlatform,
    *,
    user_key: str,
    course: Course | None,
    link: ResourceLink | None,
    message_type: str,
    client: ToolClient,
    deployment_id: str,
    nonce: str | None,
    document_target: str = "iframe",
    deep_link: PendingDeepLink | None = None,
) -> dict:
    user = platform.user(user_key)
    now = int(time.time())
    member = course.members.get(user_key) if course else None
    roles = list(member.roles if member and member.status == "Active" else []) + list(user.institution_roles)
    target = client.target_link_uri
    if message_type == c.DEEP_LINKING_REQUEST:
        target = client.deep_link_uri or target
    elif link is not None and link.url:
        target = link.url
    claims: dict = {
        "iss": platform.issuer,
        "sub": user.sub,
        "aud": client.client_id,
        "azp": client.client_id,
        "exp": now + platform.id_token_ttl,
        "iat": now,
        "nonce": nonce,
        "name": user.name,
        "given_name": user.given_name,
        "family_name": user.family_name,
        "email": user.email,
        "locale": user.locale,
        c.CLAIM + "message_type": message_type,
        c.CLAIM + "version": "1.3.0",
        c.CLAIM + "deployment_id": deployment_id,
        c.CLAIM + "target_link_uri": target,
        c.CLAIM + "roles": roles,
        c.CLAIM + "tool_platform": {
            "guid": platform.guid,
            "name": platform.name,
            "product_family_code": platform.product_family,
            "version": platform.version,
            "url": platform.base_url,
        },
        c.CLAIM + "launch_presentation": {
            "locale": user.locale,
            "document_target": document_target,
            "return_url": platform.return_url(course.id if course else None),
        },
    }
    if user.person_sourcedid:
        claims[c.CLAIM + "lis"] = {"person_sourcedid": user.person_sourcedid}
    if c.MENTOR in roles:
        claims[c.CLAIM + "role_scope_mentor"] = [platform.user("learner").sub]
    if nonce is None:
        del claims["nonce"]
    if course is not None:
        claims[c.CLAIM + "context"] = {"id": course.id, "label": course.label, "title": course.title, "type": list(course.type)}
        _service_claims(platform, claims, course, link, client, deployment_id)
    variables = {
        "$User.id": user.sub, "$Person.name.full": user.name, "$Person.sourcedId": user.person_sourcedid or "",
        "$Canvas.user.locale": user.locale, "$Context.id": course.id if course else "",
        "$ResourceLink.id": link.id if link else "",
    }
    custom = dict(client.custom_parameters)
    if message_type == c.RESOURCE_LINK_REQUEST and link is not None:
        claims[c.CLAIM + "resource_link"] = {"id": link.id, "title": link.title, "description": link.text}
        custom.update(link.custom)
    if custom:
        claims[c.CLAIM + "custom"] = substitute(custom, variables)
    if message_type == c.DEEP_LINKING_REQUEST and deep_link is not None:
        claims[c.DL_SETTINGS] = {
            "deep_link_return_url": platform.deep_link_return_url(deep_link.id),
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": deep_link.accept_multiple,
            "auto_create": True,
            "title": course.title if course else "",
            "data": deep_link.data,
        }
    return claims


def _service_claims(platform, claims, course, link, client, deployment_id) -> None:
    ags_scopes = [s for s in client.scopes if s in c.AGS_SCOPES]
    if ags_scopes:
        endpoint = {"scope": ags_scopes, "lineitems": platform.lineitems_url(course.id, deployment_id)}
        if link is not None and link.lineitem_id is not None:
            endpoint["lineitem"] = platform.lineitem_url(course.id, link.lineitem_id, deployment_id)
        claims[c.AGS_CLAIM] = endpoint
    if c.SCOPE_NRPS in client.scopes:
        claims[c.NRPS_CLAIM] = {
            "context_memberships_url": platform.memberships_url(course.id, deployment_id),
            "service_versions": ["2.0"],
        }


LTI_SHORT_NAMES = {
    "message_type", "version", "deployment_id", "target_link_uri", "resource_link", "roles", "context",
    "tool_platform", "launch_presentation", "lis", "custom", "role_scope_mentor",
}


def _claim_name(claims: dict, name: str) -> str:
    """``message_type`` is short for the LTI claim URI (``deep_linking_settings`` for the
    Deep Linking one); top-level claims (``iss``, ``nonce``) keep their names."""
    if name in claims or name.startswith("http"):
        return name
    if name in LTI_SHORT_NAMES:
        return c.CLAIM + name
    if c.DL_CLAIM + name in claims or name == "deep_linking_settings":
        return c.DL_CLAIM + name
    return name


def apply_overrides(claims: dict, overrides: dict | None, remove: tuple | list = ()) -> dict:
    claims = dict(claims)
    for name, value in (overrides or {}).items():
        claims[_claim_name(claims, name)] = value
    for name in remove:
        claims.pop(_claim_name(claims, name), None)
    return claims


def encode(platform: TestPlatform, claims: dict, *, header_overrides=None, sign_with="platform", kid=None) -> str:
    """Sign ``claims`` the way ``sign_with`` says (see ``TestPlatform.make_id_token``)."""
    if sign_with not in SIGN_WITH:
        raise ValueError(f"sign_with must be one of {SIGN_WITH}")
    keys = platform.keys
    header = {"typ": "JWT", "kid": kid or keys.current.kid, **(header_overrides or {})}
    if sign_with == "platform":
        key = keys.get(kid) if kid else keys.current
        key = key or keys.current  # an unpublished kid: signed by the current key, named otherwise
        return key.sign(claims, header)
    if sign_with == "other_key":
        return keys.stranger.sign(claims, header)
    if sign_with == "none":
        return encode_unsigned(claims, header)
    return encode_hs256(claims, keys.current.public_pem, header)
