"""Log-in events, second-factor enrolment and API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from fener.core.audit import audit_record
from fener.core.models import User

MAX_TOKEN_DAYS = 365


@transaction.atomic
def login_recorded(*, user: User, second_factor: bool) -> None:
    """Record a successful log-in (after the second factor where one is needed)."""
    audit_record(
        actor=user, action="auth.login", target=user, after={"second_factor": second_factor}
    )


@transaction.atomic
def login_failure_recorded(*, username: str, locked_out: bool) -> None:
    """Record a failed or refused log-in for a user name (which may not exist)."""
    audit_record(
        actor=None,
        action="auth.locked_out" if locked_out else "auth.login_failed",
        target_label=username[:150],
    )


@transaction.atomic
def logout_recorded(*, user: User) -> None:
    audit_record(actor=user, action="auth.logout", target=user)


@transaction.atomic
def two_factor_enrolment_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for ``user`` (earlier unconfirmed ones are dropped)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def two_factor_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the authenticator if ``token`` is a valid code from it."""
    if device.user_id != user.pk or device.confirmed:
        return False
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="auth.two_factor_enrolled", target=user)
    return True


@transaction.atomic
def api_token_create(*, user: User, days: int) -> tuple[AuthToken, str]:
    """A new API token for ``user``; the plain token is returned once and never stored."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValueError(f"A token lives between 1 and {MAX_TOKEN_DAYS} days.")
    instance, plain = AuthToken.objects.create(user=user, expiry=timedelta(days=days))
    audit_record(
        actor=user,
        action="api_token.create",
        target=user,
        after={"token_key": instance.token_key, "expiry": instance.expiry.isoformat()},
    )
    return instance, plain


@transaction.atomic
def api_token_revoke(*, user: User, token_key: str) -> bool:
    """Revoke one of the user's own tokens by its public prefix."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if deleted:
        audit_record(
            actor=user, action="api_token.revoke", target=user, after={"token_key": token_key}
        )
    return bool(deleted)
