"""Platform public keys: fetched from the platform's JWKS URL, cached in the database,
fetched again once when an id_token names a kid the cache does not have."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import requests
from jwcrypto.jwk import JWK
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from lti_tool.db import utcnow
from lti_tool.lti.models import JwksCache


class KeyError_(Exception):
    """The platform's key could not be found or fetched."""


def _fetch(http: requests.Session, url: str) -> dict:
    try:
        response = http.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        keys = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise KeyError_(f"could not fetch the platform keyset {url}: {exc}") from exc
    if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
        raise KeyError_(f"the platform keyset {url} is not a JWKS")
    return keys


def _store(factory: sessionmaker[Session], url: str, keys: dict) -> None:
    # The cache is not launch data: it is kept even when the launch is refused.
    try:
        with factory.begin() as s:
            s.merge(JwksCache(url=url, keys=keys, fetched_at=utcnow()))
    except IntegrityError:  # another process stored it at the same moment
        with factory.begin() as s:
            s.execute(update(JwksCache).where(JwksCache.url == url).values(keys=keys, fetched_at=utcnow()))


def _find(keys: dict, kid: str) -> dict | None:
    for key in keys.get("keys", []):
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    return None


# Keys this process already read, for a short while: the database cache is the one
# every process shares; this saves a query and a key conversion on each launch.
_MEMORY: dict[tuple[str, str], tuple[float, bytes, str | None]] = {}
MEMORY_SECONDS = 300


def public_key_pem(
    factory: sessionmaker[Session], http: requests.Session, url: str, kid: str, max_age: int
) -> tuple[bytes, str | None]:
    """The PEM of the platform key ``kid`` and the alg the JWKS declares for it."""
    remembered = _MEMORY.get((url, kid))
    if remembered and remembered[0] > time.monotonic():
        return remembered[1], remembered[2]
    pem, alg = _public_key_pem(factory, http, url, kid, max_age)
    _MEMORY[(url, kid)] = (time.monotonic() + min(max_age, MEMORY_SECONDS), pem, alg)
    return pem, alg


def _public_key_pem(
    factory: sessionmaker[Session], http: requests.Session, url: str, kid: str, max_age: int
) -> tuple[bytes, str | None]:
    with factory() as s:
        cached = s.get(JwksCache, url)
        keys = fetched_at = None
        if cached is not None:
            keys, fetched_at = cached.keys, cached.fetched_at
    fresh = keys is not None and fetched_at > utcnow() - timedelta(seconds=max_age)
    if not fresh:
        keys = _fetch(http, url)
        _store(factory, url, keys)
    key = _find(keys, kid)
    if key is None and fresh:  # the platform may have rotated: fetch once more
        keys = _fetch(http, url)
        _store(factory, url, keys)
        key = _find(keys, kid)
    if key is None:
        raise KeyError_(f"no key with kid {kid!r} in the platform keyset")
    if key.get("kty") != "RSA":
        raise KeyError_(f"key {kid!r} is not an RSA key")
    try:
        pem = JWK.from_json(json.dumps(key)).export_to_pem()
    except (ValueError, TypeError) as exc:
        raise KeyError_(f"key {kid!r} cannot be read: {exc}") from exc
    return pem, key.get("alg")
