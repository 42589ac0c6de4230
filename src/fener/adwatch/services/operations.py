"""Operations: the groups behind ads, found by template clustering and shared contacts.

:func:`operations_refresh` recomputes everything from the stored ads with the engine
(:class:`~fener.analytics.ads.clustering.TemplateClusterer`, then
:func:`~fener.analytics.ads.clustering.operations`), so the result never depends on the order
in which ads happened to arrive in batches, only on the ads themselves:

* Ads are clustered in the order they were first seen (then by id), so a cluster's key is
  ``c-<id of its leader>``, the earliest ad of the template.
* Clusters are joined into operations through the contacts stored for each ad
  (:class:`~fener.adwatch.models.AdContact`: phones, e-mails and handles).
* An operation's key is ``op-<id of its earliest ad>``: the same set of ads keeps the same key
  whenever the refresh runs again, and an operation that grows with newer ads keeps its key.
* Only groups of two or more ads get an :class:`~fener.adwatch.models.Operation` row: a single
  ad that shares its template and contacts with nothing is not a group, and a row for each of
  thousands of such ads would bury the real operations in the list. Its ``cluster_key`` is still
  set; its ``operation`` is empty.
* When operations merge, watches on a key that disappears move to the key of the operation
  that absorbed it, so nobody silently stops being told about a group they watch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from fener.adwatch.models import Ad, AdContact, ContactKind, Operation, Watch, WatchKind
from fener.adwatch.services.watches import notify_operation_watchers
from fener.analytics.ads.clustering import TemplateClusterer, operations, tokens_of
from fener.core.audit import audit_record

MIN_OPERATION_ADS = 2


@dataclass
class _Group:
    """What one operation gathers from its ads while the refresh runs."""

    ad_ids: list[int] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    platforms: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    handles: set[str] = field(default_factory=set)
    max_risk: float = 0.0

    def add(self, ad: Ad, platform: str, country: str) -> None:
        self.ad_ids.append(ad.pk)
        self.first_seen = min(filter(None, (self.first_seen, ad.first_seen)))
        self.last_seen = max(filter(None, (self.last_seen, ad.last_seen)))
        self.platforms.add(platform)
        if country:
            self.countries.add(country)
        self.max_risk = max(self.max_risk, ad.risk or 0.0)

    def fields(self) -> dict[str, Any]:
        return {
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "ad_count": len(self.ad_ids),
            "platforms": sorted(self.platforms),
            "countries": sorted(self.countries),
            "phones": sorted(self.phones),
            "handles": sorted(self.handles),
            "max_risk": round(self.max_risk, 4),
        }


def _contacts_by_ad() -> dict[int, list[tuple[str, str]]]:
    contacts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for ad_id, kind, value in AdContact.objects.values_list("ad_id", "kind", "value"):
        contacts[ad_id].append((kind, value))
    return contacts


def _assign(
    ads: list[dict[str, Any]], contacts: dict[int, list[tuple[str, str]]]
) -> tuple[dict[int, str], dict[int, str]]:
    """(ad id → cluster key, ad id → operation key) for ads in first-seen order."""
    clusterer = TemplateClusterer()
    for ad in ads:
        clusterer.insert_tokens(str(ad["pk"]), tokens_of(ad["text"]))
    cluster_of = clusterer.assignments()
    contact_keys = {
        ad_id: [f"{kind}:{value}" for kind, value in pairs] for ad_id, pairs in contacts.items()
    }
    operation_of = operations(cluster_of, {str(k): v for k, v in contact_keys.items()})
    # The engine names an operation after one of its clusters; Fener names it after its
    # earliest ad, which is the first ad of that operation met in first-seen order.
    key_of_engine_id: dict[str, str] = {}
    for ad in ads:
        key_of_engine_id.setdefault(operation_of[str(ad["pk"])], f"op-{ad['pk']}")
    return (
        {ad["pk"]: cluster_of[str(ad["pk"])] for ad in ads},
        {ad["pk"]: key_of_engine_id[operation_of[str(ad["pk"])]] for ad in ads},
    )


def _groups(
    operation_of: dict[int, str], contacts: dict[int, list[tuple[str, str]]]
) -> dict[str, _Group]:
    sizes: dict[str, int] = defaultdict(int)
    for key in operation_of.values():
        sizes[key] += 1
    wanted = {ad_id for ad_id, key in operation_of.items() if sizes[key] >= MIN_OPERATION_ADS}
    groups: dict[str, _Group] = defaultdict(_Group)
    rows = (
        Ad.objects.filter(pk__in=wanted)
        .select_related("source")
        .only("pk", "first_seen", "last_seen", "risk", "source__platform", "source__country")
    )
    for ad in rows.iterator(chunk_size=2000):
        group = groups[operation_of[ad.pk]]
        group.add(ad, ad.source.platform, ad.source.country)
        for kind, value in contacts.get(ad.pk, ()):
            if kind == ContactKind.PHONE:
                group.phones.add(value)
            elif kind == ContactKind.HANDLE:
                group.handles.add(value)
    return dict(groups)


def _save_operations(groups: dict[str, _Group]) -> tuple[dict[str, Operation], dict[str, int]]:
    existing = {operation.key: operation for operation in Operation.objects.all()}
    counts = {"created": 0, "updated": 0, "deleted": 0}
    saved: dict[str, Operation] = {}
    for key, group in groups.items():
        values = group.fields()
        operation = existing.get(key)
        if operation is None:
            saved[key] = Operation.objects.create(key=key, **values)
            counts["created"] += 1
            continue
        if any(getattr(operation, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(operation, name, value)
            operation.save()
            counts["updated"] += 1
        saved[key] = operation
    return saved, counts


def _move_watches(gone: dict[str, list[int]], operation_of: dict[int, str]) -> int:
    """Point watches on operations that disappeared at the operation their earliest ad is in."""
    moved = 0
    for old_key, ad_ids in gone.items():
        new_keys = [operation_of[ad_id] for ad_id in sorted(ad_ids) if ad_id in operation_of]
        watches = Watch.objects.filter(kind=WatchKind.OPERATION, value=old_key)
        if not new_keys:
            continue
        new_key = new_keys[0]
        for watch in watches:
            already = Watch.objects.filter(
                user_id=watch.user_id, kind=WatchKind.OPERATION, value=new_key
            ).exists()
            if already:
                watch.delete()
            else:
                watch.value = new_key
                watch.save(update_fields=["value"])
            moved += 1
    return moved


@transaction.atomic
def operations_refresh() -> dict[str, int]:
    """Recompute template clusters and operations over every stored ad.

    Sets ``Ad.cluster_key`` and ``Ad.operation``, creates, updates and deletes
    :class:`Operation` rows, and returns counts of what it did. Running it twice on the same
    ads changes nothing the second time (and writes no second audit row). Background work: no
    user acts, so the audit row names no actor.
    """
    ads = [
        {"pk": pk, "text": text}
        for pk, text in Ad.objects.order_by("first_seen", "pk").values_list("pk", "text")
    ]
    contacts = _contacts_by_ad()
    cluster_of, operation_of = _assign(ads, contacts)
    groups = _groups(operation_of, contacts)
    saved, counts = _save_operations(groups)
    previous = dict(Ad.objects.values_list("pk", "operation__key"))
    changed: list[Ad] = []
    for ad in Ad.objects.only("pk", "cluster_key", "operation_id").iterator(chunk_size=2000):
        operation = saved.get(operation_of.get(ad.pk, ""))
        operation_id = operation.pk if operation is not None else None
        if ad.cluster_key != cluster_of.get(ad.pk, "") or ad.operation_id != operation_id:
            ad.cluster_key = cluster_of.get(ad.pk, "")
            ad.operation_id = operation_id
            changed.append(ad)
    Ad.objects.bulk_update(changed, ["cluster_key", "operation"], batch_size=1000)
    gone: dict[str, list[int]] = defaultdict(list)
    for ad_id, old_key in previous.items():
        if old_key and old_key not in saved:
            gone[old_key].append(ad_id)
    watches_moved = _move_watches(gone, {k: v for k, v in operation_of.items() if v in saved})
    # Ads that joined a watched operation for the first time tell its watchers (one query for
    # the watched keys, then only those ads are read).
    watched = set(Watch.objects.filter(kind=WatchKind.OPERATION).values_list("value", flat=True))
    joined = [
        ad.pk
        for ad in changed
        if ad.operation_id is not None
        and not previous.get(ad.pk)
        and operation_of.get(ad.pk) in watched
    ]
    for ad in Ad.objects.filter(pk__in=joined).select_related("operation"):
        notify_operation_watchers(ad)
    counts["deleted"], _ = Operation.objects.exclude(key__in=list(saved)).delete()
    summary = {
        "ads": len(ads),
        "clusters": len(set(cluster_of.values())),
        "operations": len(saved),
        "ads_changed": len(changed),
        "watches_moved": watches_moved,
        **counts,
    }
    if changed or counts["created"] or counts["updated"] or counts["deleted"]:
        audit_record(
            actor=None,
            action="adwatch.operations_refresh",
            after=summary,
            target_label="operations",
        )
    return summary
