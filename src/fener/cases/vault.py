"""The identity vault's encryption: field-level, with keys from ``FENER_DATA_KEY``.

``FENER_DATA_KEY`` holds one or more secrets separated by commas, each at least 32 characters.
The first encrypts; every one of them decrypts, so a key can be rotated without downtime:
put the new secret first, run ``fener cases rotate-key`` (which re-encrypts every encrypted
value with it), then remove the old one. Each secret is stretched into a Fernet key
(AES-128-CBC with HMAC-SHA256, authenticated) by HKDF-SHA256, so any long random string works.

Blind indexes (:func:`blind_index`) let the application find the same person twice without
storing a readable name: an HMAC of the normalised value under a key derived from the
current secret (recomputed by the rotation command).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MINIMUM_SECRET_LENGTH = 32
_DEVELOPMENT_SECRET = "development-only-data-key-never-use-in-production"  # noqa: S105 (DEBUG only)


class VaultError(Exception):
    """An encrypted value could not be read with any configured key."""


def configured_secrets(raw: str | None = None) -> tuple[str, ...]:
    """The secrets of ``FENER_DATA_KEY`` (first = current), checked for length."""
    value = settings.FENER_DATA_KEY if raw is None else raw
    secrets = tuple(part.strip() for part in value.split(",") if part.strip())
    if not secrets:
        if settings.DEBUG and raw is None:
            return (_DEVELOPMENT_SECRET,)
        raise ImproperlyConfigured("FENER_DATA_KEY is empty: identity data cannot be encrypted.")
    short = [
        index + 1 for index, secret in enumerate(secrets) if len(secret) < MINIMUM_SECRET_LENGTH
    ]
    if short:
        raise ImproperlyConfigured(
            f"FENER_DATA_KEY: secret number {', '.join(map(str, short))} is shorter than "
            f"{MINIMUM_SECRET_LENGTH} characters."
        )
    if len(set(secrets)) != len(secrets):
        raise ImproperlyConfigured("FENER_DATA_KEY lists the same secret twice.")
    return secrets


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"fener-vault", info=purpose).derive(
        secret.encode()
    )


@lru_cache(maxsize=8)
def _cipher(secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(_derive(s, b"field-encryption"))) for s in secrets]
    )


@lru_cache(maxsize=8)
def _index_key(secret: str) -> bytes:
    return _derive(secret, b"blind-index")


def encrypt(plaintext: bytes) -> bytes:
    """Encrypt with the current key."""
    return _cipher(configured_secrets()).encrypt(plaintext)


def decrypt(token: bytes) -> bytes:
    """Decrypt with whichever configured key made ``token``."""
    try:
        return _cipher(configured_secrets()).decrypt(token)
    except InvalidToken:
        raise VaultError(
            "An encrypted value cannot be read with the keys in FENER_DATA_KEY "
            "(was a key removed before `fener cases rotate-key` ran?)."
        ) from None


def reencrypt(token: bytes) -> bytes:
    """The same plaintext encrypted with the current key (for key rotation)."""
    try:
        return _cipher(configured_secrets()).rotate(token)
    except InvalidToken:
        raise VaultError(
            "An encrypted value cannot be read with the keys in FENER_DATA_KEY."
        ) from None


def normalise_for_index(value: str) -> str:
    """Case, accents and spacing do not matter to a blind index."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def blind_index(*parts: str) -> str:
    """A keyed hash of normalised ``parts``: equal for the same person, unreadable otherwise."""
    message = "\x1f".join(normalise_for_index(part) for part in parts).encode()
    return hmac.new(_index_key(configured_secrets()[0]), message, hashlib.sha256).hexdigest()
