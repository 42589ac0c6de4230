"""API authentication that respects mandatory two-factor log-in."""

from __future__ import annotations

from typing import Any

from django_otp import user_has_device
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request


def _second_factor_missing(user: Any) -> bool:
    """The user's role requires a second factor they have not enrolled."""
    return bool(user.requires_two_factor and not user_has_device(user, confirmed=True))


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


class FenerTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    """Personal tokens (knox: hashed, expiring), refused for an inactive institution or when
    the holder's role now requires a second factor they have not set up.

    Tokens are only issued from a fully verified session, and the services that reset the
    second factor, change the password or deactivate an account delete them.
    """

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        user, auth_token = super().authenticate_credentials(token)
        if not user.institution.is_active:
            raise exceptions.AuthenticationFailed("The account's institution is inactive.")
        if _second_factor_missing(user):
            raise exceptions.AuthenticationFailed(
                "Your role requires two-factor log-in: enrol an authenticator, then create a new token."
            )
        return user, auth_token
