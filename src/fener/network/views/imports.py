"""Importing transfers: upload, mapping, progress."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fener.core.access import require
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.views.pagination import paginate
from fener.network import importing, selectors
from fener.network.forms import MappingForm, UploadForm
from fener.network.models import ImportStatus
from fener.network.services import imports as services
from fener.network.tasks import transfer_import
from fener.network.views.investigations import page_context

WORKING = {ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.WRITING}


@login_required
def import_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    require(request.user, "change", investigation)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            if uploaded.size > importing.MAX_FILE_BYTES:
                form.add_error(
                    "file",
                    _("The file is larger than %(limit)s MB: split it into smaller files.")
                    % {"limit": importing.MAX_FILE_BYTES // (1024 * 1024)},
                )
            else:
                try:
                    batch = services.import_create(
                        actor=request.user,
                        investigation=investigation,
                        file_name=uploaded.name,
                        content=b"".join(uploaded.chunks()),
                    )
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    return redirect("network:import_map", pk=batch.pk)
    context = page_context(request, investigation) | {"form": form, "limits": importing}
    return render(request, "network/import_upload.html", context, status=status)


@login_required
def import_map(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_get(request.user, pk)
    investigation = batch.investigation
    require(request.user, "change", investigation)
    if batch.status != ImportStatus.MAPPING:
        return redirect("network:import_detail", pk=batch.pk)
    initial = {**batch.mapping, "currency": batch.currency}
    form = MappingForm(request.POST or None, columns=list(batch.columns), initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if "discard" in request.POST:
            services.import_discard(actor=request.user, batch=batch)
            messages.success(request, _("The file was discarded."))
            return redirect("network:investigation_detail", pk=investigation.pk)
        if form.is_valid():
            try:
                services.import_set_mapping(
                    actor=request.user,
                    batch=batch,
                    mapping=form.mapping(),
                    currency=form.cleaned_data["currency"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                transaction.on_commit(partial(transfer_import.enqueue, batch.pk))
                messages.success(request, _("The import has started."))
                return redirect("network:import_detail", pk=batch.pk)
    preview = []
    if batch.content:
        for index, (line, row) in enumerate(
            importing.read_rows(bytes(batch.content), batch.file_format)
        ):
            if index >= 5:
                break
            cells = [row] if isinstance(row, str) else [row.get(c, "") for c in batch.columns]
            preview.append((line, cells))
    context = page_context(request, investigation) | {
        "batch": batch,
        "form": form,
        "preview": preview,
    }
    return render(request, "network/import_map.html", context, status=status)


def _progress(batch) -> dict[str, object]:  # type: ignore[no-untyped-def]
    total = max(batch.rows_total, 1)
    return {
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "rows_total": batch.rows_total,
        "rows_checked": batch.rows_checked,
        "rows_written": batch.rows_written,
        "percent": min(100, round(100 * batch.rows_checked / total)),
        "working": batch.status in WORKING and not services.is_stale(batch),
        "stale": services.is_stale(batch),
    }


@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_get(request.user, pk)
    context = page_context(request, batch.investigation) | {
        "batch": batch,
        "progress": _progress(batch),
        "page": paginate(request, list(batch.problems or []), per_page=100),
        "stale": services.is_stale(batch),
    }
    return render(request, "network/import_detail.html", context)


@login_required
def import_progress(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    batch = selectors.import_get(request.user, pk)
    return JsonResponse(_progress(batch))


@login_required
@require_POST
def import_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = selectors.import_get(request.user, pk)
    try:
        services.import_discard(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("network:import_detail", pk=batch.pk)
    messages.success(request, _("The file was discarded."))
    return redirect("network:investigation_detail", pk=batch.investigation_id)
