"""Log-in events, second-factor enrolment and API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from fener.core.audit import audit_record
from fener.core.models import User

MAX_TOKEN_DAYS = 90


@transaction.atomic
def login_recorded(*, user: User, second_factor: bool) -> None:
    """Record a successful log-in (after the second factor where one is needed)."""
    audit_record(
        actor=user, action="auth.login", target=user, after={"second_factor": second_factor}
    )


UNKNOWN_USER_NAME = "(unknown user name)"


@transaction.atomic
def login_failure_recorded(*, username: str, locked_out: bool) -> None:
    """Record a failed or refused log-in.

    The user name is kept only when it names an existing account: people often type their
    password into the user-name field, and the log must not collect those.
    """
    account = User.objects.filter(username=username[:150]).first() if username else None
    audit_record(
        actor=None,
        action="auth.locked_out" if locked_out else "auth.login_failed",
        target=account,
        target_label=account.username if account else UNKNOWN_USER_NAME,
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


def api_tokens_revoke_all(*, user: User) -> int:
    """Remove every API token of ``user`` (called by the services that end their access).

    Part of the caller's transaction and audit row: a password change, a second-factor reset
    or a deactivation must not leave a months-long token working.
    """
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return int(deleted)


@transaction.atomic
def api_token_revoke(*, user: User, token_key: str) -> bool:
    """Revoke one of the user's own tokens by its public prefix."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if deleted:
        audit_record(
            actor=user, action="api_token.revoke", target=user, after={"token_key": token_key}
        )
    return bool(deleted)
