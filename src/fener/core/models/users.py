"""Accounts and roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from fener.core.permissions import ROLE_LABELS


class Role(models.Model):
    """A named bundle of permission codes; a user may hold several roles."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, help_text="Fallback label for roles added later")
    permissions = models.JSONField(default=list, help_text="Permission codes this role grants")
    requires_two_factor = models.BooleanField(
        default=False, help_text="Holders must log in with a one-time code"
    )

    class Meta:
        ordering = ["code"]

    AUDIT_FIELDS = ("code", "name", "permissions", "requires_two_factor")

    @property
    def label(self) -> str:
        return str(ROLE_LABELS.get(self.code, self.name))

    def __str__(self) -> str:
        return self.label


class User(AbstractUser):
    """A person who logs in to Fener. Belongs to exactly one institution.

    Django's ``is_superuser`` and ``is_staff`` flags are not used: every decision goes
    through the gatekeeper in ``fener.core.access``, which only looks at roles,
    institution and (in modules that have them) team membership.
    """

    institution = models.ForeignKey(
        "core.Institution", on_delete=models.PROTECT, related_name="users"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    preferred_language = models.CharField(
        max_length=5, blank=True, choices=[("mk", "Македонски"), ("sq", "Shqip"), ("en", "English")]
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)

    REQUIRED_FIELDS = ["email"]
    AUDIT_FIELDS = (
        "username",
        "first_name",
        "last_name",
        "email",
        "institution_id",
        "is_active",
        "job_title",
        "preferred_language",
    )

    class Meta:
        ordering = ["username"]

    def permission_codes(self) -> frozenset[str]:
        """Every permission code granted by the user's roles (cached per instance)."""
        cached: frozenset[str] | None = getattr(self, "_fener_permission_codes", None)
        if cached is None:
            codes: set[str] = set()
            for permissions in self.roles.values_list("permissions", flat=True):
                codes.update(permissions)
            cached = frozenset(codes)
            self._fener_permission_codes = cached
        return cached

    def forget_permissions(self) -> None:
        self.__dict__.pop("_fener_permission_codes", None)

    @property
    def requires_two_factor(self) -> bool:
        return self.roles.filter(requires_two_factor=True).exists()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
