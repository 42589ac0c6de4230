"""Access policies for the core models (registered with the gatekeeper on import)."""

from __future__ import annotations

from typing import Any

from django.db import models

from fener.core.access import Policy, has_permission, register_policy
from fener.core.models import AuditEvent, Institution, Municipality, Role, User


@register_policy(Municipality)
class MunicipalityPolicy(Policy):
    """Reference data: readable by anyone with the directory permission, never edited here."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" and has_permission(user, "core.view_directory"):
            return queryset
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        return action == "view" and has_permission(user, "core.view_directory")


@register_policy(Institution)
class InstitutionPolicy(Policy):
    """The directory is shared by all institutions; only coordinators and admins edit it."""

    def _permission(self, action: str) -> str | None:
        return {
            "view": "core.view_directory",
            "add": "core.manage_institutions",
            "change": "core.manage_institutions",
        }.get(action)

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        code = self._permission(action)
        return queryset if code and has_permission(user, code) else queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        code = self._permission(action)
        return bool(code and has_permission(user, code))


# Actions an administrator may not take on their own account: no self-escalation and no
# locking oneself out.
SELF_FORBIDDEN_USER_ACTIONS = frozenset({"set_roles", "deactivate", "reset_two_factor"})
USER_ADMIN_ACTIONS = frozenset({"change", *SELF_FORBIDDEN_USER_ACTIONS})


@register_policy(User)
class UserPolicy(Policy):
    """Accounts: administrators see all; colleagues see their own institution; all see self."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view":
            if has_permission(user, "core.manage_users"):
                return queryset
            if has_permission(user, "core.view_colleagues"):
                return queryset.filter(institution_id=user.institution_id)
            return queryset.filter(pk=user.pk)
        if action in USER_ADMIN_ACTIONS and has_permission(user, "core.manage_users"):
            if action in SELF_FORBIDDEN_USER_ACTIONS:
                return queryset.exclude(pk=user.pk)
            return queryset
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        if isinstance(target, type):
            return action == "add" and has_permission(user, "core.manage_users")
        if action == "view":
            return (
                target.pk == user.pk
                or has_permission(user, "core.manage_users")
                or (
                    has_permission(user, "core.view_colleagues")
                    and target.institution_id == user.institution_id
                )
            )
        if action in SELF_FORBIDDEN_USER_ACTIONS and target.pk == user.pk:
            return False
        return action in USER_ADMIN_ACTIONS and has_permission(user, "core.manage_users")


@register_policy(Role)
class RolePolicy(Policy):
    """Roles are visible to every active user; only role managers change them."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" or (action == "change" and has_permission(user, "core.manage_roles")):
            return queryset
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        return action == "view" or (
            action == "change" and has_permission(user, "core.manage_roles")
        )


@register_policy(AuditEvent)
class AuditEventPolicy(Policy):
    """Only auditors search the log; nobody may change it, whatever their role."""

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        if action == "view" and has_permission(user, "core.view_audit"):
            return queryset
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        return action == "view" and has_permission(user, "core.view_audit")
