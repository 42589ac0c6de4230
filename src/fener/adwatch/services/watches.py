"""Watches on operations, phones and handles, and the notifications they raise."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fener.adwatch.models import Ad, Notification, Operation, Watch, WatchKind
from fener.core.access import allowed, require
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
    if kind == WatchKind.OPERATION:
        # Operations are the monitors' view; a referral receiver never learns their keys.
        require(actor, "watch", Operation)
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


def notify_operation_watchers(ad: Ad) -> list[Notification]:
    """Tell those watching ``ad``'s operation that it has a new ad (after a refresh)."""
    if ad.operation is None:
        return []
    return _notify(ad, [(WatchKind.OPERATION.value, ad.operation.key)])


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
    return _notify(ad, _watch_keys(ad))


def _notify(ad: Ad, keys: list[tuple[str, str]]) -> list[Notification]:
    notifications: list[Notification] = []
    if not keys:
        return notifications
    from django.db.models import Q

    condition = Q()
    for kind, value in keys:
        condition |= Q(kind=kind, value=value)
    watches = Watch.objects.filter(condition, user__is_active=True).select_related("user")
    for user_id, watch in {w.user_id: w for w in watches}.items():
        # A watch never reveals an ad its holder may not see (a police officer watching a phone
        # hears only of ads referred to their institution).
        if not allowed(watch.user, "view", ad):
            continue
        with translation.override(watch.user.preferred_language or settings.LANGUAGE_CODE):
            message = _("A new ad matches your watch on %(value)s.") % {"value": watch.value}
        notification = Notification.objects.create(user_id=user_id, ad=ad, message=message)
        notifications.append(notification)
        if watch.user.email:
            # Sent by the worker once the ad is committed: a slow mail server never holds up
            # ingestion, and a rolled-back ad sends nothing.
            from fener.adwatch.tasks import watch_email_send

            transaction.on_commit(partial(watch_email_send.enqueue, notification.pk))
    return notifications


def notification_mark_read(*, actor: User, notification: Notification) -> None:
    require(actor, "change", notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
