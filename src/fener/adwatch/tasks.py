"""Background work of ad monitoring (run by ``fener worker``): importing uploaded files and
pulling feeds. The work itself is in :mod:`fener.adwatch.services.sources`."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def upload_import(upload_id: int) -> dict[str, Any]:
    """Import a queued upload; a second run of the same upload does nothing."""
    from fener.adwatch.services.sources import upload_run

    upload = upload_run(upload_id=upload_id)
    if upload is None:
        return {"imported": False}
    return {
        "imported": True,
        "status": upload.status,
        "stored": upload.rows_stored,
        "seen_again": upload.rows_seen_again,
        "refused": len(upload.rejected),
    }


@task()
def feeds_pull(force: bool = False) -> dict[str, int]:
    """Pull every active feed that is due (``force``: all of them, due or not)."""
    from fener.adwatch.services.sources import feeds_pull_due

    return feeds_pull_due(force=force)


@task()
def watch_email_send(notification_id: int) -> bool:
    """E-mail a watch notification to its holder, in their language (False if nothing to send)."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.utils import translation
    from django.utils.translation import gettext as _

    from fener.adwatch.models import Notification

    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.email or not notification.user.is_active:
        return False
    user = notification.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Fener: a new ad matches your watch")
    send_mail(subject, notification.message, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


@task()
def api_batch_ingest(source_id: int, token_prefix: str, records: list[list[Any]]) -> dict[str, Any]:
    """Screen and store a batch sent through the API (records are [line, ad] pairs, already
    checked when they arrived); the answer is what the batch status shows."""
    from fener.adwatch.models import Source
    from fener.adwatch.services.ingestion import ads_ingest

    source = Source.objects.filter(pk=source_id, active=True).first()
    if source is None:
        return {
            "stored": 0,
            "seen_again": 0,
            "refused": [
                {"line": line, "reason": "the source is no longer active"} for line, _ in records
            ],
        }
    outcome = ads_ingest(
        source=source,
        records=[(int(line), record) for line, record in records],
        actor=None,
        channel=f"api token {token_prefix}",
    )
    return outcome.as_dict()
