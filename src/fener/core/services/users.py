"""Writes to user accounts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fener.core.access import require
from fener.core.audit import audit_changes, audit_record, audit_snapshot
from fener.core.models import Institution, Role, User
from fener.core.services.authentication import api_tokens_revoke_all
from fener.core.services.roles import ensure_administration_remains_possible

PROFILE_FIELDS = frozenset(
    {"first_name", "last_name", "email", "job_title", "institution", "preferred_language"}
)
SELF_SERVICE_FIELDS = frozenset({"first_name", "last_name", "preferred_language"})


def _user_snapshot(user: User) -> dict[str, Any]:
    snapshot = audit_snapshot(user)
    if user.pk is not None:
        snapshot["roles"] = sorted(user.roles.values_list("code", flat=True))
    return snapshot


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    email: str,
    institution: Institution,
    roles: Iterable[Role],
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    password: str | None = None,
) -> User:
    """Open an account. Without a password, the person gets an e-mail to set their own."""
    require(actor, "add", User)
    if not email:
        raise ValidationError({"email": _("An e-mail address is required.")})
    user = User(
        username=username,
        email=email,
        institution=institution,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
    )
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.roles.set(list(roles))
    audit_record(actor=actor, action="user.create", target=user, after=_user_snapshot(user))
    if password is None:
        from fener.core.tasks import send_account_invitation

        transaction.on_commit(lambda: send_account_invitation.enqueue(user_id=user.pk))
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, **changes: Any) -> User:
    """Change profile fields of an account. People may edit their own name and language."""
    allowed_fields = PROFILE_FIELDS
    if actor.pk == user.pk and not _can_change(actor, user):
        allowed_fields = SELF_SERVICE_FIELDS
    else:
        require(actor, "change", user)
    unknown = set(changes) - allowed_fields
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    before = audit_snapshot(user)
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    changed_before, changed_after = audit_changes(before, audit_snapshot(user))
    if not changed_after:
        return user
    user.save()
    audit_record(
        actor=actor, action="user.update", target=user, before=changed_before, after=changed_after
    )
    return user


def _can_change(actor: User, user: User) -> bool:
    from fener.core.access import allowed

    return allowed(actor, "change", user)


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: Iterable[Role]) -> User:
    """Replace the roles an account holds. Nobody changes their own roles."""
    require(actor, "set_roles", user)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = sorted(user.roles.values_list("code", flat=True))
    new_roles = list(roles)
    after = sorted(role.code for role in new_roles)
    if before == after:
        return user
    user.roles.set(new_roles)
    user.forget_permissions()
    ensure_administration_remains_possible()
    audit_record(
        actor=actor,
        action="user.set_roles",
        target=user,
        before={"roles": before},
        after={"roles": after},
    )
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, reason: str) -> User:
    """Deactivate or reactivate an account, with a reason for the audit log."""
    require(actor, "deactivate", user)
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        api_tokens_revoke_all(user=user)
        ensure_administration_remains_possible()
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        target=user,
        before={"is_active": not active},
        after={"is_active": active},
        purpose=reason,
    )
    return user


@transaction.atomic
def user_reset_two_factor(*, actor: User, user: User, reason: str) -> User:
    """Remove an account's authenticator, e.g. after a lost phone; they enrol again."""
    require(actor, "reset_two_factor", user)
    if not reason.strip():
        raise ValidationError({"reason": _("A reason is required.")})
    removed = TOTPDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    api_tokens_revoke_all(user=user)
    audit_record(
        actor=actor,
        action="user.reset_two_factor",
        target=user,
        before={"devices": removed},
        after={"devices": 0},
        purpose=reason,
    )
    return user


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str) -> User:
    """A person changes their own password (the current one is checked first)."""
    if not user.check_password(current_password):
        raise ValidationError({"current_password": _("The current password is not correct.")})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoked = api_tokens_revoke_all(user=user)
    audit_record(
        actor=user, action="user.change_password", target=user, after={"tokens_revoked": revoked}
    )
    return user


@transaction.atomic
def user_set_password_from_link(*, user: User, new_password: str) -> User:
    """Set a password through an e-mailed link (invitation or reset); the link was checked."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoked = api_tokens_revoke_all(user=user)
    audit_record(
        actor=user,
        action="user.set_password_from_link",
        target=user,
        after={"tokens_revoked": revoked},
    )
    return user
