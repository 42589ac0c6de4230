"""The one API for writing audit rows.

Services call :func:`audit_record` inside their transaction, so the change and its audit row
are committed together or not at all. Reads of sensitive records go through
:func:`audit_read` with a stated purpose.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from fener.core.models import AuditEvent, User
from fener.core.request_context import client_ip_var, request_id_var


def audit_snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The audited fields of ``instance`` as JSON-safe values.

    ``fields`` defaults to the model's ``AUDIT_FIELDS``; identity data must never be listed
    there (modules that hold identity data record which fields changed, not their values).
    """
    names = fields if fields is not None else getattr(instance, "AUDIT_FIELDS", ())
    return {name: _json_safe(getattr(instance, name)) for name in names}


def audit_changes(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, as a (before, after) pair."""
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    purpose: str = "",
    target_label: str | None = None,
) -> AuditEvent:
    """Append one audit row for ``action`` by ``actor`` on ``target``."""
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=actor.username if actor is not None else "",
        institution_id=actor.institution_id if actor is not None else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(target_label if target_label is not None else str(target or ""))[:200],
        before=before,
        after=after,
        purpose=purpose[:300],
        request_id=request_id_var.get(),
        ip_address=client_ip_var.get(),
    )


def audit_read(*, actor: User, target: models.Model, purpose: str) -> AuditEvent:
    """Record that ``actor`` read a sensitive record, and why."""
    return audit_record(actor=actor, action="read", target=target, purpose=purpose)


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    return value
