"""Every read of the network module, scoped through the gatekeeper."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy

from fener.analytics.graph.analysis import shortest_path, simple_paths
from fener.analytics.graph.resolution import EntityResolver
from fener.cases.models import Case
from fener.core.access import allowed, get_visible, restrict
from fener.core.models import User
from fener.network.models import (
    AnalysisRun,
    Entity,
    EntityKind,
    Investigation,
    InvestigationMember,
    Link,
    Origin,
    Transfer,
    TransferImport,
)

RESTRICTED = gettext_lazy("Restricted: from a victim case you may not read")


class Masker:
    """Hides what came from victim cases from team members who may not read those cases.

    Suspected perpetrators' names, phones and accounts brought in from a case stay identity data
    of that case: a team member sees them only if the case's gatekeeper lets them read its
    identity (an active member of the case's team with ``cases.read_identity``). For anyone
    else the entity keeps its kind and links but its label reads "restricted" and its note is
    hidden, on every page, in the chart data and in the exports.
    """

    def __init__(self, user: User, investigation: Investigation) -> None:
        refs = set(
            investigation.entities.filter(origin=Origin.CASES).values_list("origin_ref", flat=True)
        )
        readable = {
            case.code
            for case in Case.objects.filter(code__in=refs)
            if allowed(user, "read_identity", case)
        }
        self.hidden = set(
            investigation.entities.filter(origin=Origin.CASES)
            .exclude(origin_ref__in=readable)
            .values_list("pk", flat=True)
        )

    def __call__(self, entity: Entity | None) -> Entity | None:
        if entity is not None and entity.pk in self.hidden:
            entity.label = str(RESTRICTED)
            entity.note = ""
            entity.merge_evidence = ""
        return entity

    def all(self, entities: Iterable[Entity | None]) -> None:
        for entity in entities:
            self(entity)

    def links(self, links: Iterable[Link]) -> None:
        for link in links:
            self(link.source)
            self(link.target)

    def transfers(self, transfers: Iterable[Transfer]) -> None:
        for transfer in transfers:
            self(transfer.source)
            self(transfer.target)


def investigations_for(user: User) -> QuerySet[Investigation]:
    return (
        restrict(Investigation.objects.all(), user, "view")
        .select_related("lead_institution")
        .annotate(
            entity_count=Count("entities", distinct=True),
            member_count=Count(
                "members", filter=Q(members__removed_at__isnull=True), distinct=True
            ),
        )
    )


def investigation_get(user: User, pk: int, action: str = "view") -> Investigation:
    return get_visible(
        Investigation.objects.select_related("lead_institution"), user, action, pk=pk
    )


def entity_get(user: User, pk: int) -> Entity:
    return get_visible(
        Entity.objects.select_related("investigation", "merged_into"), user, "view", pk=pk
    )


def link_get(user: User, pk: int) -> Link:
    return get_visible(Link.objects.select_related("investigation"), user, "view", pk=pk)


def member_get(user: User, pk: int) -> InvestigationMember:
    return get_visible(
        InvestigationMember.objects.select_related("investigation", "user"), user, "view", pk=pk
    )


def import_get(user: User, pk: int) -> TransferImport:
    return get_visible(TransferImport.objects.select_related("investigation"), user, "view", pk=pk)


def analysis_get(user: User, pk: int) -> AnalysisRun:
    return get_visible(AnalysisRun.objects.select_related("investigation"), user, "view", pk=pk)


def members(investigation: Investigation) -> QuerySet[InvestigationMember]:
    return (
        investigation.members.filter(removed_at__isnull=True)
        .select_related("user", "user__institution")
        .order_by("role", "user__username")
    )


def entities(investigation: Investigation, kind: str = "") -> QuerySet[Entity]:
    queryset = investigation.entities.select_related("merged_into").annotate(
        link_count=Count("links_out", distinct=True) + Count("links_in", distinct=True)
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("kind", "pk")


def entity_links(entity: Entity) -> QuerySet[Link]:
    return (
        Link.objects.filter(Q(source=entity) | Q(target=entity))
        .select_related("source", "target")
        .order_by("-created_at")
    )


def links(investigation: Investigation) -> QuerySet[Link]:
    return investigation.links.select_related("source", "target").order_by("-created_at")


def transfers(investigation: Investigation, entity: Entity | None = None) -> QuerySet[Transfer]:
    queryset = investigation.transfers.select_related("source", "target")
    if entity is not None:
        queryset = queryset.filter(Q(source=entity) | Q(target=entity))
    return queryset.order_by("occurred_at", "pk")


def transfer_totals(investigation: Investigation) -> dict[str, Any]:
    totals = investigation.transfers.aggregate(count=Count("pk"), total=Sum("amount"))
    return {"count": totals["count"] or 0, "total": totals["total"] or Decimal(0)}


def latest_analysis(investigation: Investigation) -> AnalysisRun | None:
    return investigation.analyses.defer("result").order_by("-created_at").first()


def labels(
    investigation: Investigation, ids: Iterable[int] | None = None, masker: Masker | None = None
) -> dict[int, Entity]:
    """Entities of the investigation by id (to name the ids an analysis stores): those in
    ``ids`` only when given (decrypting only what a page shows), masked by ``masker``."""
    queryset = investigation.entities.all()
    if ids is not None:
        wanted = list(set(ids))
        found: dict[int, Entity] = {}
        for start in range(0, len(wanted), 900):
            found.update((e.pk, e) for e in queryset.filter(pk__in=wanted[start : start + 900]))
    else:
        found = {entity.pk: entity for entity in queryset}
    if masker is not None:
        masker.all(found.values())
    return found


def merge_suggestions(
    investigation: Investigation, threshold: float = 0.88, masker: Masker | None = None
) -> list[dict[str, Any]]:
    """Pairs of people or companies whose names look like one (across Cyrillic and Latin and
    typos), with the engine's score and evidence, best first. Merged entities are left out."""
    resolver = EntityResolver(threshold=threshold)
    by_id: dict[str, Entity] = {}
    for entity in investigation.entities.filter(
        kind__in=[EntityKind.PERSON, EntityKind.COMPANY], merged_into__isnull=True
    ).exclude(merged__isnull=False):
        if masker is not None and entity.pk in masker.hidden:
            continue  # names the user may not read are not compared for them either
        try:
            resolver.add(str(entity.pk), str(entity.kind), entity.label)
        except ValueError:
            continue
        by_id[str(entity.pk)] = entity
    suggestions = [
        {
            "keep": by_id[merge.left],
            "merge": by_id[merge.right],
            "score": merge.score,
            "evidence": merge.evidence,
        }
        for merge in resolver.resolve().merges
        if merge.left in by_id and merge.right in by_id
    ]
    return sorted(suggestions, key=lambda item: -float(item["score"]))


def graph(investigation: Investigation, masker: Masker | None = None) -> dict[str, Any]:
    """Nodes and edges for the link chart and the exports: merged entities are drawn as the
    entity they were merged into; transfers between two accounts become one edge with their
    count and total."""
    entities_by_id = {e.pk: e for e in investigation.entities.all()}
    if masker is not None:
        masker.all(entities_by_id.values())
    canon = {pk: (e.merged_into_id or pk) for pk, e in entities_by_id.items()}
    degree: defaultdict[int, int] = defaultdict(int)
    edges: list[dict[str, Any]] = []
    for link in investigation.links.all():
        source, target = canon[link.source_id], canon[link.target_id]
        if source == target:
            continue
        degree[source] += 1
        degree[target] += 1
        edges.append(
            {
                "id": f"l{link.pk}",
                "source": source,
                "target": target,
                "kind": "link",
                "type": link.type,
                "label": link.get_type_display(),
                "confidence": link.confidence,
                "origin": link.origin,
                "time": link.occurred_at.isoformat() if link.occurred_at else "",
            }
        )
    money: dict[tuple[int, int, str], dict[str, Any]] = {}
    rows = investigation.transfers.values("source_id", "target_id", "currency").annotate(
        count=Count("pk"), total=Sum("amount")
    )
    for row in rows:
        source, target = canon[row["source_id"]], canon[row["target_id"]]
        if source == target:
            continue
        key = (source, target, row["currency"])
        item = money.setdefault(key, {"count": 0, "total": Decimal(0)})
        item["count"] += row["count"]
        item["total"] += row["total"]
    for (source, target, currency), item in money.items():
        degree[source] += 1
        degree[target] += 1
        edges.append(
            {
                "id": f"m{source}-{target}-{currency}",
                "source": source,
                "target": target,
                "kind": "money",
                "type": "paid",
                "label": f"{item['total']:,.2f} {currency} ({item['count']})",
                "count": item["count"],
                "total": str(item["total"]),
                "currency": currency,
            }
        )
    nodes = [
        {
            "id": pk,
            "kind": entity.kind,
            "kind_label": str(entity.get_kind_display()),
            "label": entity.label,
            "origin": entity.origin,
            "degree": degree[pk],
        }
        for pk, entity in entities_by_id.items()
        if canon[pk] == pk
    ]
    return {"nodes": nodes, "edges": edges}


def connections(
    investigation: Investigation,
    a: int,
    b: int,
    *,
    max_length: int = 4,
    limit: int = 50,
    masker: Masker | None = None,
) -> dict[str, Any]:
    """How two entities are connected: the shortest chain and the simple chains up to
    ``max_length`` links (links and money, direction ignored), each step with what joins it.
    Merged entities count as the entity they were merged into."""
    drawn = graph(investigation, masker)
    nodes = {node["id"]: node for node in drawn["nodes"]}
    canon = dict(investigation.entities.values_list("pk", "merged_into_id"))
    a, b = canon.get(a) or a, canon.get(b) or b
    if a not in nodes or b not in nodes:
        return {"found": False, "paths": [], "shortest": []}
    joins: dict[frozenset[int], list[str]] = defaultdict(list)
    for edge in drawn["edges"]:
        joins[frozenset((edge["source"], edge["target"]))].append(str(edge["label"]))
    edges = [(str(edge["source"]), str(edge["target"]), 1.0) for edge in drawn["edges"]]
    edges += [(str(node), str(node), 1.0) for node in (a, b)]  # both ends are nodes

    def steps(path: list[str]) -> list[dict[str, Any]]:
        ids = [int(x) for x in path]
        return [
            {
                "node": nodes[current],
                "via": "; ".join(joins[frozenset((ids[i - 1], current))]) if i else "",
            }
            for i, current in enumerate(ids)
        ]

    shortest = shortest_path(edges, str(a), str(b))
    paths = simple_paths(edges, str(a), str(b), max_length=max_length, limit=limit)
    return {
        "found": bool(shortest),
        "shortest": steps(shortest) if shortest else [],
        "paths": [steps(path) for path in paths],
    }
