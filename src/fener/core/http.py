"""Typing helpers for views that only run for logged-in users."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from fener.core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: its user is a real account."""

    user: User


def second_factor_verified(user: Any) -> bool:
    """Whether this request's user passed the second factor (django-otp sets ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def set_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    """Remember the interface language in the browser (as Django's language switcher does)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def needs_second_factor(user: Any) -> bool:
    """Whether this account must pass a second factor: it has an authenticator, or one of its
    roles requires it. Remembered on the user object, which lives for one request."""
    cached = getattr(user, "_fener_needs_second_factor", None)
    if cached is None:
        from django_otp import user_has_device

        cached = bool(user_has_device(user) or user.requires_two_factor)
        user._fener_needs_second_factor = cached
    return bool(cached)
