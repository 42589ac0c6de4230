"""Authentication backend: an account of a deactivated institution cannot log in."""

from typing import Any

from django.contrib.auth.backends import ModelBackend


class InstitutionAwareBackend(ModelBackend):
    """Django's model backend, refusing accounts whose institution is deactivated."""

    def user_can_authenticate(self, user: Any) -> bool:
        institution = getattr(user, "institution", None)
        return super().user_can_authenticate(user) and bool(institution and institution.is_active)
