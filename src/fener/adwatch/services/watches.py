"""Watches on operations, phones and handles, and the notifications they raise."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.adwatch.models import Ad, Notification, Watch, WatchKind
from fener.core.access import require
from fener.core.audit import audit_record
from fener.core.models import User


@transaction.atomic
def watch_add(*, actor: User, kind: str, value: str) -> Watch:
    """Watch an operation (its key), a phone (E.164) or a handle (``platform:value``)."""
    if kind not in WatchKind.values:
        raise ValueError(f"unknown kind of watch: {kind!r}")
    value = value.strip()
    if not value or len(value) > 200:
        raise ValueError("a watch needs a value of at most 200 characters")
    require(actor, "add", Watch)
    watch, created = Watch.objects.get_or_create(user=actor, kind=kind, value=value)
    if created:
        audit_record(
            actor=actor,
            action="adwatch.watch_add",
            target=watch,
            after={"kind": kind, "value": value},
        )
    return watch


@transaction.atomic
def watch_remove(*, actor: User, watch: Watch) -> None:
    require(actor, "change", watch)
    audit_record(
        actor=actor,
        action="adwatch.watch_remove",
        target=watch,
        before={"kind": watch.kind, "value": watch.value},
    )
    watch.delete()


def _watch_keys(ad: Ad) -> list[tuple[str, str]]:
    keys = [(WatchKind.PHONE.value, contact.value) for contact in ad.contacts.filter(kind="phone")]
    keys += [
        (WatchKind.HANDLE.value, contact.value) for contact in ad.contacts.filter(kind="handle")
    ]
    if ad.operation is not None:
        keys.append((WatchKind.OPERATION.value, ad.operation.key))
    return keys


def notify_watchers(ad: Ad) -> list[Notification]:
    """Tell every user watching one of ``ad``'s phones, handles or its operation (in the app,
    and by e-mail when the user has an address)."""
    notifications: list[Notification] = []
    keys = _watch_keys(ad)
    if not keys:
        return notifications
    from django.db.models import Q

    condition = Q()
    for kind, value in keys:
        condition |= Q(kind=kind, value=value)
    watches = Watch.objects.filter(condition, user__is_active=True).select_related("user")
    for user_id, watch in {w.user_id: w for w in watches}.items():
        message = _("A new ad matches your watch on %(value)s.") % {"value": watch.value}
        notifications.append(Notification.objects.create(user_id=user_id, ad=ad, message=message))
        if watch.user.email:
            send_mail(
                subject=_("Fener: a new ad matches your watch"),
                message=message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[watch.user.email],
                fail_silently=True,
            )
    return notifications


def notification_mark_read(*, actor: User, notification: Notification) -> None:
    require(actor, "change", notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
