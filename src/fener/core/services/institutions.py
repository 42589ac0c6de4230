"""Writes to the institution directory."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fener.core.access import require
from fener.core.audit import audit_changes, audit_record, audit_snapshot
from fener.core.models import Institution, User

EDITABLE_FIELDS = frozenset(
    {
        "type",
        "name_mk",
        "name_sq",
        "name_en",
        "municipality",
        "country",
        "parent",
        "email",
        "phone",
        "is_active",
    }
)


@transaction.atomic
def institution_create(
    *,
    actor: User,
    key: str,
    type: str,
    name_mk: str,
    name_sq: str,
    name_en: str,
    **optional: Any,
) -> Institution:
    """Add an institution to the directory."""
    require(actor, "add", Institution)
    _reject_unknown_fields(optional)
    institution = Institution(
        key=key, type=type, name_mk=name_mk, name_sq=name_sq, name_en=name_en, **optional
    )
    institution.full_clean()
    institution.save()
    audit_record(
        actor=actor,
        action="institution.create",
        target=institution,
        after=audit_snapshot(institution),
    )
    return institution


@transaction.atomic
def institution_update(*, actor: User, institution: Institution, **changes: Any) -> Institution:
    """Change an institution's details; a change that changes nothing writes nothing."""
    require(actor, "change", institution)
    _reject_unknown_fields(changes)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    before = audit_snapshot(institution)
    for field, value in changes.items():
        setattr(institution, field, value)
    _reject_parent_cycle(institution)
    institution.full_clean()
    changed_before, changed_after = audit_changes(before, audit_snapshot(institution))
    if not changed_after:
        return institution
    institution.save()
    audit_record(
        actor=actor,
        action="institution.update",
        target=institution,
        before=changed_before,
        after=changed_after,
    )
    return institution


def _reject_parent_cycle(institution: Institution) -> None:
    """An institution cannot sit under itself, directly or through its parents."""
    seen = {institution.pk}
    parent = institution.parent
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": _("An institution cannot be part of itself.")})
        seen.add(parent.pk)
        parent = parent.parent


def _reject_unknown_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown institution fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
