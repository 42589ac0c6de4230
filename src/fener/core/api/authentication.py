"""Session authentication for the API that respects mandatory two-factor log-in."""

from __future__ import annotations

from typing import Any

from django_otp import user_has_device
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session counts for the API only once its second factor is verified."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        needs_second_factor = user_has_device(user) or user.requires_two_factor
        if needs_second_factor and not user.is_verified():
            return None
        return result
