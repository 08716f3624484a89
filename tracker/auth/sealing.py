"""Secrets the app must read back (an account's TOTP secret), kept sealed in the database.

A sealed value is ``v1$`` and the URL-safe base64 (unpadded) of a 12-byte random nonce followed
by the AES-256-GCM ciphertext and tag of the secret, with the account's id as associated data
(a sealed value copied onto another account does not open). The key is derived with HKDF-SHA256
from ``TOTP_KEY`` when it is set, else from ``SECRET_KEY``: the same key material always gives
the same key, so an install that changes its secret key keeps reading its sealed secrets by
setting ``TRACKER_TOTP_KEY`` to the old secret key (docs/SECURITY.md).

Revision 0017 seals the secrets stored before it with a frozen copy of this format.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

VERSION = "v1"
_INFO = b"pantau-pakta users.totp_secret_sealed v1"
_NONCE_BYTES = 12


class Unsealable(Exception):
    """A sealed value this key does not open: the key changed, or the value was altered."""


def _associated(user_id: int) -> bytes:
    return f"users.totp_secret_sealed:{user_id}".encode()


@dataclass(frozen=True)
class Sealer:
    """Seals and opens the secrets of accounts with one key."""

    key: bytes = field(repr=False)

    @classmethod
    def from_material(cls, material: str) -> Sealer:
        """Derive the 256-bit key from configured key material (HKDF-SHA256)."""
        if not material:
            raise ValueError("no key material to seal secrets with")
        hkdf = HKDF(algorithm=SHA256(), length=32, salt=None, info=_INFO)
        return cls(hkdf.derive(material.encode()))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Sealer:
        """Return the sealer of a Flask config: TOTP_KEY if set, else SECRET_KEY."""
        return cls.from_material(str(config.get("TOTP_KEY") or config["SECRET_KEY"]))

    def seal(self, secret: str, *, user_id: int) -> str:
        """Return ``secret`` sealed for the account ``user_id``."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self.key).encrypt(nonce, secret.encode(), _associated(user_id))
        return f"{VERSION}${base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"

    def open(self, sealed: str, *, user_id: int) -> str:
        """Return the secret sealed for ``user_id``; raise Unsealable when it does not open."""
        version, _, body = sealed.partition("$")
        if version != VERSION or not body:
            raise Unsealable(f"not a sealed value of version {VERSION}")
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            opened = AESGCM(self.key).decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _associated(user_id)
            )
        except (InvalidTag, ValueError) as error:
            raise Unsealable("the key does not open this value") from error
        return opened.decode()


def totp_sealer() -> Sealer:
    """Return the sealer of the current app's TOTP secrets."""
    return Sealer.from_config(current_app.config)
