"""Writes to roles: what they grant and whether they require a second factor."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fener.core.access import AccessDenied, require
from fener.core.audit import audit_changes, audit_record, audit_snapshot
from fener.core.models import Role, User
from fener.core.permissions import PERMISSIONS


@transaction.atomic
def role_update(
    *,
    actor: User,
    role: Role,
    requires_two_factor: bool | None = None,
    permissions: Iterable[str] | None = None,
) -> Role:
    """Change a role's grants or its two-factor requirement."""
    require(actor, "change", role)
    if actor.roles.filter(pk=role.pk).exists():
        # Separation of duties: nobody widens (or loosens the log-in of) a role they hold.
        raise AccessDenied(_("You cannot change a role you hold; ask another administrator."))
    role = Role.objects.select_for_update().get(pk=role.pk)
    before = audit_snapshot(role)
    if requires_two_factor is not None:
        role.requires_two_factor = requires_two_factor
    if permissions is not None:
        codes = sorted(set(permissions))
        unknown = [code for code in codes if code not in PERMISSIONS]
        if unknown:
            raise ValidationError(
                _("Unknown permission codes: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        role.permissions = codes
    changed_before, changed_after = audit_changes(before, audit_snapshot(role))
    if not changed_after:
        return role
    role.save()
    ensure_administration_remains_possible()
    audit_record(
        actor=actor, action="role.update", target=role, before=changed_before, after=changed_after
    )
    return role


def ensure_administration_remains_possible() -> None:
    """Refuse a change that would leave no active account able to manage roles and users."""
    for code in ("core.manage_roles", "core.manage_users"):
        holders = [role.pk for role in Role.objects.all() if code in role.permissions]
        if not User.objects.filter(is_active=True, roles__in=holders).exists():
            raise ValidationError(
                _("This change would leave no active account with the permission %(code)s.")
                % {"code": code}
            )
