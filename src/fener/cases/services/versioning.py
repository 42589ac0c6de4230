"""Optimistic locking: a change is written only if the record is still at the version the
user started from, checked and bumped in one conditional ``UPDATE`` (atomic on SQLite and
PostgreSQL alike)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.cases.services.errors import StaleEdit


def stale_edit() -> StaleEdit:
    """The error for a change that lost to someone else's save (nothing was written)."""
    return StaleEdit(
        _(
            "Someone else saved this record after you opened it, so your changes were not "
            "saved. Reload the page to see their changes, then make yours again."
        )
    )


def save_versioned(
    instance: models.Model, *, expected_version: int, fields: dict[str, Any]
) -> None:
    """Write ``fields`` to ``instance`` if its stored version is ``expected_version``.

    Raises :class:`StaleEdit` (and writes nothing) when someone saved in between.
    """
    model = type(instance)
    values = dict(fields)
    if any(field.name == "updated_at" for field in model._meta.get_fields()):
        values["updated_at"] = timezone.now()
    written = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if written != 1:
        raise stale_edit()
    for name, value in values.items():
        setattr(instance, name, value)
    instance.version = expected_version + 1  # type: ignore[attr-defined]
