"""Entities and links of an investigation, and merging entities found to be one."""

from __future__ import annotations

import datetime
import math

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.core.access import require
from fener.core.audit import audit_record
from fener.core.models import User
from fener.network.models import Entity, EntityKind, Investigation, Link, LinkType, Origin
from fener.network.values import ValueRefused, entity_key, normalise

MAX_NOTE = 2_000


def canonical(entity: Entity) -> Entity:
    """The entity a merged one stands for (merges are one level deep)."""
    return entity.merged_into if entity.merged_into_id and entity.merged_into else entity


def ensure_entity(
    *,
    actor: User | None,
    investigation: Investigation,
    kind: str,
    value: str,
    origin: str,
    origin_ref: str = "",
    note: str = "",
) -> tuple[Entity, bool]:
    """The entity of that kind and value, created when new: (entity, created).

    For services only (the caller has checked access and holds the transaction). Raises
    :class:`ValueRefused` for a value that is not valid for the kind.
    """
    normalised, label = normalise(kind, value)
    key = entity_key(kind, normalised)
    found = Entity.objects.filter(investigation=investigation, kind=kind, key=key).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            entity = Entity.objects.create(
                investigation=investigation,
                kind=kind,
                key=key,
                label=label,
                note=note,
                origin=origin,
                origin_ref=origin_ref[:40],
                created_by=actor,
            )
    except IntegrityError:  # the same value added at the same moment: use that one
        return Entity.objects.get(investigation=investigation, kind=kind, key=key), False
    return entity, True


@transaction.atomic
def entity_add(
    *, actor: User, investigation: Investigation, kind: str, value: str, note: str = ""
) -> tuple[Entity, bool]:
    """Add a person, company, phone, ... by hand; the same value again is the same entity."""
    require(actor, "change", investigation)
    if kind not in EntityKind.values or kind in {EntityKind.AD, EntityKind.CASE}:
        raise ValidationError({"kind": _("Choose a kind of entity.")})
    note = str(note).strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("A note has at most %(limit)s characters.") % {"limit": MAX_NOTE}}
        )
    try:
        entity, created = ensure_entity(
            actor=actor,
            investigation=investigation,
            kind=kind,
            value=value,
            origin=Origin.MANUAL,
            note=note,
        )
    except ValueRefused as error:
        raise ValidationError({"value": str(error)}) from None
    if created:
        audit_record(
            actor=actor,
            action="network.entity.add",
            target=entity,
            after={"investigation": investigation.pk, "kind": kind, "origin": Origin.MANUAL},
        )
    return entity, created


def ensure_link(
    *,
    actor: User | None,
    investigation: Investigation,
    source: Entity,
    target: Entity,
    type: str,
    origin: str,
    confidence: float = 1.0,
    occurred_at: datetime.datetime | None = None,
    note: str = "",
) -> tuple[Link, bool]:
    """The link, created when new (for services: access checked, transaction held)."""
    found = Link.objects.filter(
        investigation=investigation, source=source, target=target, type=type
    ).first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            link = Link.objects.create(
                investigation=investigation,
                source=source,
                target=target,
                type=type,
                origin=origin,
                confidence=confidence,
                occurred_at=occurred_at,
                note=note,
                created_by=actor,
            )
    except IntegrityError:
        return (
            Link.objects.get(investigation=investigation, source=source, target=target, type=type),
            False,
        )
    return link, True


@transaction.atomic
def link_add(
    *,
    actor: User,
    investigation: Investigation,
    source: Entity,
    target: Entity,
    type: str,
    confidence: float = 1.0,
    occurred_at: datetime.datetime | None = None,
    note: str = "",
) -> Link:
    """Record a relation between two entities of the investigation."""
    require(actor, "change", investigation)
    errors: dict[str, str] = {}
    if source.investigation_id != investigation.pk or target.investigation_id != investigation.pk:
        errors["target"] = _("Both entities must belong to this investigation.")
    elif source.pk == target.pk:
        errors["target"] = _("An entity cannot be linked to itself.")
    if type not in LinkType.values:
        errors["type"] = _("Choose a type of link.")
    if (
        not isinstance(confidence, int | float)
        or not math.isfinite(confidence)
        or not 0 <= confidence <= 1
    ):
        errors["confidence"] = _("Confidence is a number from 0 to 1.")
    if occurred_at is not None and occurred_at > timezone.now():
        errors["occurred_at"] = _("The time cannot be in the future.")
    note = str(note).strip()
    if len(note) > MAX_NOTE:
        errors["note"] = _("A note has at most %(limit)s characters.") % {"limit": MAX_NOTE}
    if errors:
        raise ValidationError(errors)
    link, created = ensure_link(
        actor=actor,
        investigation=investigation,
        source=source,
        target=target,
        type=type,
        origin=Origin.MANUAL,
        confidence=float(confidence),
        occurred_at=occurred_at,
        note=note,
    )
    if not created:
        raise ValidationError({"type": _("These two entities already have this link.")})
    audit_record(
        actor=actor,
        action="network.link.add",
        target=link,
        after={"investigation": investigation.pk, **{k: v for k, v in _link_facts(link).items()}},
    )
    return link


def _link_facts(link: Link) -> dict[str, object]:
    return {
        "source": link.source_id,
        "target": link.target_id,
        "type": link.type,
        "confidence": link.confidence,
        "occurred_at": link.occurred_at.isoformat() if link.occurred_at else None,
    }


@transaction.atomic
def link_remove(*, actor: User, link: Link) -> None:
    require(actor, "change", link.investigation)
    facts = _link_facts(link)
    deleted, _count = Link.objects.filter(pk=link.pk).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="network.link.remove",
            target=link.investigation,
            before={"link": link.pk, **facts},
        )


@transaction.atomic
def entity_merge(
    *, actor: User, keep: Entity, merge: Entity, score: float, evidence: str
) -> Entity:
    """Record that ``merge`` is the same as ``keep``: it then stands for ``keep`` in the chart
    and in analyses. The evidence and score are kept; :func:`entity_unmerge` undoes it."""
    investigation = keep.investigation
    require(actor, "change", investigation)
    if merge.investigation_id != investigation.pk:
        raise ValidationError(_("Both entities must belong to this investigation."))
    keep = Entity.objects.select_for_update().get(pk=keep.pk)
    merge = Entity.objects.select_for_update().get(pk=merge.pk)
    if keep.pk == merge.pk:
        raise ValidationError(_("An entity cannot be merged with itself."))
    if keep.kind != merge.kind:
        raise ValidationError(_("Only entities of the same kind can be merged."))
    if keep.merged_into_id is not None or merge.merged_into_id is not None:
        raise ValidationError(_("One of these entities is already merged: undo that merge first."))
    if merge.merged.exists():
        raise ValidationError(_("Other entities were merged into this one: keep it instead."))
    merge.merged_into = keep
    merge.merge_score = float(score)
    merge.merge_evidence = str(evidence)[:500]
    merge.save(update_fields=["merged_into", "merge_score", "merge_evidence"])
    audit_record(
        actor=actor,
        action="network.entity.merge",
        target=merge,
        before={"merged_into_id": None},
        after={"merged_into_id": keep.pk, "score": round(float(score), 4)},
    )
    return merge


@transaction.atomic
def entity_unmerge(*, actor: User, entity: Entity) -> Entity:
    """Undo a merge: the entity stands for itself again."""
    require(actor, "change", entity.investigation)
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    if entity.merged_into_id is None:
        raise ValidationError(_("This entity is not merged."))
    before = {"merged_into_id": entity.merged_into_id, "score": entity.merge_score}
    entity.merged_into = None
    entity.merge_score = None
    entity.merge_evidence = ""
    entity.save(update_fields=["merged_into", "merge_score", "merge_evidence"])
    audit_record(
        actor=actor,
        action="network.entity.unmerge",
        target=entity,
        before=before,
        after={"merged_into_id": None},
    )
    return entity
