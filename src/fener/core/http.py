"""Typing helpers for views that only run for logged-in users."""

from typing import Any

from django.http import HttpRequest

from fener.core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``login_required``: its user is a real account."""

    user: User


def second_factor_verified(user: Any) -> bool:
    """Whether this request's user passed the second factor (django-otp sets ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False
