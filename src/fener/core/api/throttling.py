"""Request throttles that never keep a client's address: the address is replaced by a keyed
hash (HMAC with the secret key) before it becomes part of a cache key."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from fener.core.request_context import client_ip_var


def hashed_client(request: Any) -> str:
    """A keyed hash of the client's (proxy-aware) address: stable, but not reversible by
    trying every address without the secret key."""
    address = client_ip_var.get() or request.META.get("REMOTE_ADDR") or "unknown"
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"client:{address}".encode(), hashlib.sha256).hexdigest()[:32]


class HashedAddressMixin:
    def get_ident(self, request: Any) -> str:
        return hashed_client(request)


class HashedAnonRateThrottle(HashedAddressMixin, AnonRateThrottle):
    """DRF's anonymous throttle, keyed on a hash of the address."""


class HashedUserRateThrottle(HashedAddressMixin, UserRateThrottle):
    """DRF's user throttle (accounts by id; anonymous requests by a hash of the address)."""
