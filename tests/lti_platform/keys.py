"""The platform's RSA keys: generated at runtime, published as a JWKS, rotatable.

Also the raw JWS encodings a real signer would never produce (``alg: none``, HS256
keyed with the public key) that negative tests send to the tool.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    @classmethod
    def generate(cls, kid: str | None = None) -> "SigningKey":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(kid or secrets.token_urlsafe(12), private)

    @property
    def public_jwk(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return jwk

    @property
    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def sign(self, claims: dict, headers: dict | None = None, algorithm: str = "RS256") -> str:
        return jwt.encode(claims, self.private_key, algorithm=algorithm, headers={"kid": self.kid, **(headers or {})})


class KeyRing:
    """Published keys (the JWKS) and the one that signs now."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = SigningKey.generate()
        self._published: list[SigningKey] = [self.current]
        self._stranger: SigningKey | None = None

    @property
    def stranger(self) -> SigningKey:
        """A key no JWKS of this platform ever lists: "signed by someone else"."""
        with self._lock:
            if self._stranger is None:
                self._stranger = SigningKey.generate()
            return self._stranger

    @property
    def kids(self) -> list[str]:
        with self._lock:
            return [k.kid for k in self._published]

    def jwks(self) -> dict:
        with self._lock:
            return {"keys": [k.public_jwk for k in self._published]}

    def get(self, kid: str) -> SigningKey | None:
        with self._lock:
            return next((k for k in self._published if k.kid == kid), None)

    def rotate(self, keep_previous: bool = True) -> str:
        """A new signing key, published at once; the old one stays listed unless told."""
        key = SigningKey.generate()
        with self._lock:
            self._published = ([*self._published] if keep_previous else []) + [key]
            self.current = key
        return key.kid

    def publish_extra(self) -> str:
        """Publish one more key without signing with it (a JWKS with several kids)."""
        key = SigningKey.generate()
        with self._lock:
            self._published.append(key)
        return key.kid

    def retire(self, kid: str) -> None:
        with self._lock:
            if kid == self.current.kid:
                raise ValueError("the current signing key cannot be retired; rotate first")
            self._published = [k for k in self._published if k.kid != kid]

    def sign(self, claims: dict, headers: dict | None = None) -> str:
        return self.current.sign(claims, headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segments(claims: dict, header: dict) -> str:
    dump = lambda value: json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()  # noqa: E731
    return f"{_b64(dump(header))}.{_b64(dump(claims))}"


def encode_unsigned(claims: dict, header: dict) -> str:
    """A JWS with ``alg: none`` and an empty signature."""
    return _segments(claims, {**header, "alg": "none"}) + "."


def encode_hs256(claims: dict, secret: bytes, header: dict) -> str:
    """HS256 keyed with ``secret`` (the algorithm-confusion attack uses the public PEM)."""
    signing_input = _segments(claims, {**header, "alg": "HS256"})
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"
