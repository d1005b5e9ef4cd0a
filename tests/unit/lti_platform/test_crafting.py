"""``make_id_token``: each crafted token is wrong in exactly the way it claims to be,
so the tool's negative tests prove the check they name."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
import requests

from tests.lti_platform import constants as c


def segments(token: str) -> tuple[dict, dict, str]:
    header, body, signature = token.split(".")
    load = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return load(header), load(body), signature


def jwks_key(platform, kid: str):
    for key in requests.get(platform.jwks_url, timeout=10).json()["keys"]:
        if key["kid"] == kid:
            return jwt.PyJWK(key).key
    return None


def test_a_platform_token_verifies_against_the_published_jwks(moodle):
    token = moodle.make_id_token(user="learner", nonce="n1")
    header, _, _ = segments(token)
    claims = jwt.decode(token, jwks_key(moodle, header["kid"]), algorithms=["RS256"], audience=moodle.client_id)
    assert claims["nonce"] == "n1" and claims["sub"] == moodle.user("learner").sub


def test_other_key_keeps_the_platform_kid_but_fails_the_signature(moodle):
    token = moodle.make_id_token(sign_with="other_key")
    header, _, _ = segments(token)
    assert header["kid"] == moodle.keys.current.kid
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, jwks_key(moodle, header["kid"]), algorithms=["RS256"], audience=moodle.client_id)


def test_alg_none_has_no_signature(moodle):
    header, claims, signature = segments(moodle.make_id_token(sign_with="none"))
    assert header["alg"] == "none" and signature == "" and claims["iss"] == moodle.issuer


def test_hs256_is_keyed_with_the_public_key_pem(moodle):
    token = moodle.make_id_token(sign_with="hs256_with_public_key")
    header, _, signature = segments(token)
    assert header["alg"] == "HS256"
    signing_input = token.rsplit(".", 1)[0].encode()
    expected = hmac.new(moodle.keys.current.public_pem, signing_input, hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)) == expected


def test_an_unknown_kid_is_not_in_the_jwks(moodle):
    header, _, _ = segments(moodle.make_id_token(kid="no-such-kid"))
    assert header["kid"] == "no-such-kid" and jwks_key(moodle, "no-such-kid") is None


def test_overrides_and_removals_use_short_or_full_claim_names(moodle):
    past = int(time.time()) - 600
    token = moodle.make_id_token(claims_overrides={"exp": past, "message_type": "LtiSubmissionReviewRequest",
                                                   "aud": "someone-else"},
                                 remove_claims=["nonce", "deployment_id", c.CLAIM + "roles"],
                                 header_overrides={"typ": "at+jwt"})
    header, claims, _ = segments(token)
    assert claims["exp"] == past and claims["aud"] == "someone-else"
    assert claims[c.CLAIM + "message_type"] == "LtiSubmissionReviewRequest"
    assert "nonce" not in claims and c.CLAIM + "deployment_id" not in claims and c.CLAIM + "roles" not in claims
    assert header["typ"] == "at+jwt"
    _, claims, _ = segments(moodle.make_id_token(claims_overrides={"custom": {"item_id": "x"}}))
    assert claims[c.CLAIM + "custom"] == {"item_id": "x"} and "custom" not in claims


def test_rotation_publishes_the_new_key_and_keeps_the_old_one(moodle):
    old = moodle.keys.current.kid
    new = moodle.rotate_key()
    assert {old, new} <= {k["kid"] for k in requests.get(moodle.jwks_url, timeout=10).json()["keys"]}
    header, _, _ = segments(moodle.make_id_token())
    assert header["kid"] == new
    moodle.keys.retire(old)
    assert jwks_key(moodle, old) is None


def test_a_deep_linking_token_has_settings_and_no_resource_link(moodle):
    _, claims, _ = segments(moodle.make_id_token(user="instructor", message_type=c.DEEP_LINKING_REQUEST))
    assert claims[c.DL_SETTINGS]["deep_link_return_url"].startswith(moodle.base_url)
    assert c.CLAIM + "resource_link" not in claims
