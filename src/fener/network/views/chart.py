"""The link chart (cytoscape.js, served from this application), the timeline, the exports and
the printable evidence summary."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from fener.core.access import require
from fener.core.audit import audit_record
from fener.core.charts import plotly_version
from fener.core.http import AuthenticatedHttpRequest
from fener.network import exports, selectors
from fener.network.models import AnalysisStatus, EntityKind
from fener.network.views.analysis import named_result, result_ids
from fener.network.views.investigations import page_context

MAX_TIMELINE = 5_000


@login_required
def chart(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    context = page_context(request, investigation) | {"kinds": EntityKind.choices}
    return render(request, "network/chart.html", context)


@login_required
def chart_data(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    investigation = selectors.investigation_get(request.user, pk)
    graph = selectors.graph(investigation, selectors.Masker(request.user, investigation))
    run = selectors.latest_analysis(investigation)
    flagged: dict[int, list[str]] = {}
    communities: dict[int, int] = {}
    if run is not None and run.status == AnalysisStatus.DONE:
        for row in run.result.get("accounts", []):
            if row["typologies"]:
                flagged[row["entity"]] = sorted({t["type"] for t in row["typologies"]})
        for row in run.result.get("communities", []):
            for member in row["members"]:
                communities[member] = row["community"]
    for node in graph["nodes"]:
        node["flags"] = flagged.get(node["id"], [])
        node["community"] = communities.get(node["id"])
        node["url"] = reverse("network:entity_detail", args=[node["id"]])
    return JsonResponse(graph)


def _plain(text: str) -> str:
    """Plotly reads a little HTML in hover text: angle brackets are shown, never read."""
    return text.replace("<", "‹").replace(">", "›")


@login_required
def timeline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    transfers = list(selectors.transfers(investigation)[:MAX_TIMELINE])
    selectors.Masker(request.user, investigation).transfers(transfers)
    by_day: defaultdict[str, Decimal] = defaultdict(Decimal)
    points = []
    for transfer in transfers:
        local = timezone.localtime(transfer.occurred_at)
        by_day[local.date().isoformat()] += transfer.amount
        points.append(
            {
                "t": local.isoformat(),
                "amount": float(transfer.amount),
                "text": _plain(
                    f"{transfer.reference}: {transfer.source.label} → "
                    f"{transfer.target.label}, {transfer.amount} {transfer.currency}"
                ),
            }
        )
    context = page_context(request, investigation) | {
        "transfers": transfers[:500],
        "shown": len(transfers),
        "total": investigation.transfers.count(),
        "points": points,
        "plotly_version": plotly_version(),
    }
    return render(request, "network/timeline.html", context)


def _audited_export(request: AuthenticatedHttpRequest, investigation, kind: str) -> None:  # type: ignore[no-untyped-def]
    require(request.user, "export", investigation)
    audit_record(
        actor=request.user, action="network.export", target=investigation, after={"format": kind}
    )


def _download(body: str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_graphml(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk, "export")
    _audited_export(request, investigation, "graphml")
    graph = selectors.graph(investigation, selectors.Masker(request.user, investigation))
    body = exports.graphml(graph, f"investigation-{investigation.pk}")
    return _download(
        body, "application/graphml+xml; charset=utf-8", f"investigation-{investigation.pk}.graphml"
    )


@login_required
def export_csv(request: AuthenticatedHttpRequest, pk: int, part: str) -> HttpResponse:
    if part not in {"entities", "links"}:
        raise Http404
    investigation = selectors.investigation_get(request.user, pk, "export")
    _audited_export(request, investigation, f"csv-{part}")
    graph = selectors.graph(investigation, selectors.Masker(request.user, investigation))
    body = exports.nodes_csv(graph) if part == "entities" else exports.edges_csv(graph)
    return _download(
        body, "text/csv; charset=utf-8", f"investigation-{investigation.pk}-{part}.csv"
    )


@login_required
def evidence_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk, "export")
    _audited_export(request, investigation, "evidence-summary")
    run = investigation.analyses.filter(status=AnalysisStatus.DONE).order_by("-finished_at").first()
    masker = selectors.Masker(request.user, investigation)
    entities = selectors.labels(investigation, result_ids(run, accounts=20), masker)
    named = named_result(run, entities) if run else None
    evidence = []
    if named:
        shown = [row for row in named["accounts"][:20] if row["groups"]]
        references = [
            ref for row in shown for group in row["groups"] for ref in group["transactions"][:25]
        ]
        found = {
            t.reference: t
            for t in investigation.transfers.filter(reference__in=references).select_related(
                "source", "target"
            )
        }
        for row in shown:
            items = [
                {
                    "label": group["label"],
                    "count": group["count"],
                    "transfers": [found[r] for r in group["transactions"][:25] if r in found],
                    "more": max(0, len(group["transactions"]) - 25),
                }
                for group in row["groups"]
            ]
            evidence.append({"row": row, "items": items})
    links = list(selectors.links(investigation)[:200])
    masker.links(links)
    for transfer_list in (item["transfers"] for block in evidence for item in block["items"]):
        masker.transfers(transfer_list)
    context = page_context(request, investigation) | {
        "run": run,
        "named": named,
        "evidence": evidence,
        "members": selectors.members(investigation),
        "totals": selectors.transfer_totals(investigation),
        "links": links,
        "printed_at": timezone.now(),
        "printed_by": request.user,
    }
    return render(request, "network/evidence_summary.html", context)
