"""Analyses: requesting a run and reading its flags, communities and organisers."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fener.core.access import require
from fener.core.http import AuthenticatedHttpRequest
from fener.network import selectors
from fener.network.forms import AnalysisForm
from fener.network.models import AnalysisRun, AnalysisStatus, Entity, EntityKind
from fener.network.services import analysis as services
from fener.network.tasks import analysis_execute
from fener.network.views.investigations import page_context

TYPOLOGY_LABELS = {
    "fan_in": gettext_lazy("Fan-in: many payers into one account"),
    "fan_out": gettext_lazy("Fan-out: one account pays many"),
    "cycle": gettext_lazy("Cycle: money returns to where it started"),
    "scatter_gather": gettext_lazy(
        "Scatter-gather: split through intermediaries and gathered again"
    ),
    "gather_scatter": gettext_lazy("Gather-scatter: collected then spread out"),
    "structuring": gettext_lazy(
        "Structuring: repeated transfers just under the reporting threshold"
    ),
    "rapid_pass_through": gettext_lazy("Rapid pass-through: money in and straight out (mule)"),
}


@login_required
@require_POST
def analysis_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    require(request.user, "change", investigation)
    form = AnalysisForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("network:investigation_detail", pk=investigation.pk)
    try:
        run = services.analysis_request(
            actor=request.user, investigation=investigation, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("network:investigation_detail", pk=investigation.pk)
    transaction.on_commit(partial(analysis_execute.enqueue, run.pk))
    messages.success(request, _("The analysis has started."))
    return redirect("network:analysis_detail", pk=run.pk)


def _grouped(typologies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An account's flags grouped by pattern: how often, and every proving transfer once."""
    groups: dict[str, dict[str, Any]] = {}
    seen: dict[str, set[str]] = {}
    for item in typologies:
        kind = item["type"]
        group = groups.get(kind)
        if group is None:
            label = TYPOLOGY_LABELS.get(kind, kind)
            group = groups[kind] = {"type": kind, "label": label, "count": 0, "transactions": []}
            seen[kind] = set()
        group["count"] += 1
        for reference in item["transactions"]:
            if reference not in seen[kind]:
                seen[kind].add(reference)
                group["transactions"].append(reference)
    return list(groups.values())


def result_ids(run: AnalysisRun | None, accounts: int = 300) -> set[int]:
    """The entity ids a page of the result names (so only those are decrypted)."""
    result = run.result if run is not None else {}
    ids = {row["entity"] for row in result.get("accounts", [])[:accounts]}
    for row in result.get("organisers", []):
        ids.add(row["entity"])
        ids.update(row["flagged_neighbours"])
    for row in result.get("communities", []):
        ids.update(row["members"][:12])
    return ids


def named_result(run: AnalysisRun, entities: dict[int, Entity]) -> dict[str, Any]:
    """The stored result with entities in place of their ids (for pages and the summary)."""
    result = run.result or {}
    accounts = [
        {**row, "entity": entities.get(row["entity"]), "groups": _grouped(row["typologies"])}
        for row in result.get("accounts", [])
    ]
    organisers = [
        {
            **row,
            "entity": entities.get(row["entity"]),
            "flagged": [entities.get(i) for i in row["flagged_neighbours"]],
        }
        for row in result.get("organisers", [])
    ]
    people = [
        row for row in organisers if row["entity"] and row["entity"].kind != EntityKind.ACCOUNT
    ]
    communities = [
        {**row, "entities": [entities.get(i) for i in row["members"][:12]]}
        for row in result.get("communities", [])
    ]
    flags = [
        {"type": kind, "label": TYPOLOGY_LABELS.get(kind, kind), "count": count}
        for kind, count in result.get("flag_counts", {}).items()
    ]
    return {
        "accounts": accounts,
        "organisers": organisers,
        "people": people,
        "communities": communities,
        "flags": flags,
        "raw": result,
    }


@login_required
def analysis_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = selectors.analysis_get(request.user, pk)
    investigation = run.investigation
    entities = selectors.labels(
        investigation, result_ids(run), selectors.Masker(request.user, investigation)
    )
    context = page_context(request, investigation) | {
        "run": run,
        "working": run.status in {AnalysisStatus.QUEUED, AnalysisStatus.RUNNING},
        "named": named_result(run, entities),
        "typology_labels": TYPOLOGY_LABELS,
    }
    return render(request, "network/analysis_detail.html", context)
