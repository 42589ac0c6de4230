"""Entities and links: adding, looking up in ads and cases, merging."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fener.core.access import NotFound, require
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.views.pagination import paginate
from fener.network import selectors
from fener.network.forms import CaseLinkForm, EntityForm, LinkForm
from fener.network.models import EntityKind, Investigation, Origin
from fener.network.services import entities as services
from fener.network.services import sources
from fener.network.views.investigations import page_context

MAX_CHOICES = 2_000


def _choices(
    investigation: Investigation, masker: selectors.Masker, *wanted: object
) -> list[tuple[int, str]]:
    """Entities to link: everything but accounts that only came from imports (there can be
    hundreds of thousands; an account's page offers "Add a link" with itself chosen)."""
    ids = {int(str(value)) for value in wanted if str(value).isdigit()}
    queryset = investigation.entities.filter(merged_into__isnull=True).filter(
        ~Q(kind=EntityKind.ACCOUNT, origin=Origin.IMPORT) | Q(pk__in=ids)
    )
    entities = list(queryset.order_by("kind", "pk")[:MAX_CHOICES])
    masker.all(entities)
    return [(e.pk, f"{e.get_kind_display()}: {e.label}") for e in entities]


@login_required
def entity_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    kind = request.GET.get("kind", "")
    if kind not in EntityKind.values:
        kind = ""
    form = EntityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(request.user, "change", investigation)
        status = 400
        if form.is_valid():
            try:
                entity, created = services.entity_add(
                    actor=request.user, investigation=investigation, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if created:
                    messages.success(request, _("The entity was added."))
                else:
                    messages.info(request, _("This entity was already in the investigation."))
                return redirect("network:entity_detail", pk=entity.pk)
    page = paginate(request, selectors.entities(investigation, kind), per_page=100)
    selectors.Masker(request.user, investigation).all(page.object_list)
    context = page_context(request, investigation) | {
        "page": page,
        "kind": kind,
        "kinds": EntityKind.choices,
        "form": form,
    }
    return render(request, "network/entity_list.html", context, status=status)


@login_required
def entity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entity = selectors.entity_get(request.user, pk)
    investigation = entity.investigation
    masker = selectors.Masker(request.user, investigation)
    masker(entity)
    masker(entity.merged_into)
    links = list(selectors.entity_links(entity))
    masker.links(links)
    transfers = paginate(request, selectors.transfers(investigation, entity), per_page=50)
    masker.transfers(transfers.object_list)
    merged = list(entity.merged.all())
    masker.all(merged)
    context = page_context(request, investigation) | {
        "entity": entity,
        "links": links,
        "transfers": transfers,
        "merged": merged,
        "searchable_in_ads": entity.kind in {EntityKind.PHONE, EntityKind.EMAIL, EntityKind.HANDLE},
    }
    return render(request, "network/entity_detail.html", context)


@login_required
@require_POST
def entity_find_in_ads(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entity = selectors.entity_get(request.user, pk)
    try:
        found = sources.entity_find_in_ads(actor=request.user, entity=entity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(found)s ads found; %(entities)s entities and %(links)s links added.")
            % {"found": found.found, "entities": found.entities, "links": found.links},
        )
    return redirect("network:entity_detail", pk=entity.pk)


@login_required
@require_POST
def case_bring(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    require(request.user, "link_case_data", investigation)
    form = CaseLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a case code."))
    else:
        try:
            found = sources.case_perpetrators_bring(
                actor=request.user, investigation=investigation, **form.cleaned_data
            )
        except NotFound:
            messages.error(
                request, _("There is no case with this code whose identity data you may read.")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "%(found)s suspected perpetrators found; %(entities)s entities and %(links)s links added."
                )
                % {"found": found.found, "entities": found.entities, "links": found.links},
            )
    return redirect("network:investigation_detail", pk=investigation.pk)


@login_required
def link_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    require(request.user, "change", investigation)
    initial = {"source": request.GET.get("source"), "target": request.GET.get("target")}
    masker = selectors.Masker(request.user, investigation)
    choices = _choices(
        investigation,
        masker,
        request.GET.get("source"),
        request.GET.get("target"),
        request.POST.get("source"),
        request.POST.get("target"),
    )
    form = LinkForm(request.POST or None, initial=initial, entity_choices=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            entity_ids = {data["source"], data["target"]}
            found = {e.pk: e for e in investigation.entities.filter(pk__in=entity_ids)}
            try:
                if len(found) != len(entity_ids) and data["source"] != data["target"]:
                    raise ValidationError({"target": _("Choose entities of this investigation.")})
                services.link_add(
                    actor=request.user,
                    investigation=investigation,
                    source=found[data["source"]],
                    target=found[data["target"]],
                    type=data["type"],
                    confidence=data["confidence"],
                    occurred_at=data["occurred_at"],
                    note=data["note"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The link was added."))
                return redirect("network:entity_detail", pk=data["source"])
    context = page_context(request, investigation) | {"form": form}
    return render(request, "network/link_form.html", context, status=status)


@login_required
@require_POST
def link_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = selectors.link_get(request.user, pk)
    services.link_remove(actor=request.user, link=link)
    messages.success(request, _("The link was removed."))
    return redirect("network:entity_detail", pk=link.source_id)


@login_required
def merge_suggestions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    masker = selectors.Masker(request.user, investigation)
    merged = list(
        investigation.entities.filter(merged_into__isnull=False).select_related("merged_into")
    )
    for entity in merged:
        masker(entity)
        masker(entity.merged_into)
    context = page_context(request, investigation) | {
        "suggestions": selectors.merge_suggestions(investigation, masker=masker),
        "merged": merged,
    }
    return render(request, "network/merge_suggestions.html", context)


@login_required
@require_POST
def entity_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    require(request.user, "change", investigation)
    try:
        keep_id, merge_id = int(request.POST["keep"]), int(request.POST["merge"])
    except (KeyError, ValueError):
        messages.error(request, _("Choose two entities to merge."))
        return redirect("network:merge_suggestions", pk=investigation.pk)
    # The score and evidence come from the engine again, never from the form.
    suggestion = next(
        (
            s
            for s in selectors.merge_suggestions(
                investigation, masker=selectors.Masker(request.user, investigation)
            )
            if {s["keep"].pk, s["merge"].pk} == {keep_id, merge_id}
        ),
        None,
    )
    if suggestion is None:
        messages.error(request, _("These two entities are no longer suggested as one."))
        return redirect("network:merge_suggestions", pk=investigation.pk)
    keep = suggestion["keep"] if suggestion["keep"].pk == keep_id else suggestion["merge"]
    merge = suggestion["merge"] if keep is suggestion["keep"] else suggestion["keep"]
    try:
        services.entity_merge(
            actor=request.user,
            keep=keep,
            merge=merge,
            score=float(suggestion["score"]),
            evidence=str(suggestion["evidence"]),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The two entities are now one; the merge can be undone."))
    return redirect("network:merge_suggestions", pk=investigation.pk)


@login_required
@require_POST
def entity_unmerge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entity = selectors.entity_get(request.user, pk)
    try:
        services.entity_unmerge(actor=request.user, entity=entity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("network:merge_suggestions", pk=entity.investigation_id)


@login_required
def connections(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """How two entities are connected: the shortest chain and every chain up to four links."""
    investigation = selectors.investigation_get(request.user, pk)
    masker = selectors.Masker(request.user, investigation)
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    choices = _choices(investigation, masker, a, b)
    known = {value for value, _label in choices}
    result = None
    error = ""
    if a and b:
        if not (a.isdigit() and b.isdigit() and int(a) in known and int(b) in known):
            error = _("Choose two entities of this investigation.")
        else:
            result = selectors.connections(investigation, int(a), int(b), masker=masker)
    context = page_context(request, investigation) | {
        "choices": choices,
        "a": int(a) if a.isdigit() else None,
        "b": int(b) if b.isdigit() else None,
        "result": result,
        "error": error,
    }
    return render(request, "network/connections.html", context, status=400 if error else 200)
