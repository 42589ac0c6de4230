"""Pages where ads come in: sources with their API tokens, and file uploads (choose a file,
map its columns with a preview, confirm; the import runs in the background)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fener.adwatch import source_selectors as selectors
from fener.adwatch.models import Arrival, Source, Upload, UploadStatus
from fener.adwatch.services import sources as services
from fener.adwatch.source_forms import (
    SourceForm,
    SourceTokenForm,
    UploadForm,
    UploadMappingForm,
)
from fener.adwatch.tasks import upload_import
from fener.adwatch.uploads import MAX_FILE_BYTES
from fener.core.access import allowed, require
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.views.pagination import paginate

TEMPLATES = "adwatch/ingest/"


@login_required
def source_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "view", Source)
    context = {
        "sources": selectors.source_list(user=request.user),
        "can_add": allowed(request.user, "add", Source),
    }
    return render(request, TEMPLATES + "source_list.html", context)


@login_required
def source_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "add", Source)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Source added."))
            return redirect("adwatch:source_detail", pk=source.pk)
    return render(request, TEMPLATES + "source_form.html", {"form": form})


@login_required
def source_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get(user=request.user, pk=pk)
    require(request.user, "change", source)
    initial = {name: getattr(source, name) for name in SourceForm.base_fields}
    form = SourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.source_update(actor=request.user, source=source, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("adwatch:source_detail", pk=source.pk)
    return render(request, TEMPLATES + "source_form.html", {"form": form, "source": source})


@login_required
def source_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get(user=request.user, pk=pk)
    return _source_page(request, source)


def _source_page(
    request: AuthenticatedHttpRequest,
    source: Source,
    *,
    token_form: SourceTokenForm | None = None,
    new_token: str = "",
) -> HttpResponse:
    context = {
        "source": source,
        "is_feed": source.arrival == Arrival.FEED,
        "can_change": allowed(request.user, "change", source),
        "can_import": allowed(request.user, "import", source),
        "tokens": selectors.source_token_list(user=request.user, source=source),
        "uploads": selectors.upload_list(user=request.user, source=source)[:20],
        "token_form": token_form or SourceTokenForm(),
        "new_token": new_token,
        "api_url": request.build_absolute_uri(reverse("adwatch-api:ad_ingest")),
    }
    return render(request, TEMPLATES + "source_detail.html", context)


@never_cache  # the answer shows a new token once: no cache may keep it
@require_POST
@login_required
def token_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get(user=request.user, pk=pk)
    form = SourceTokenForm(request.POST)
    if form.is_valid():
        try:
            _token, plain = services.source_token_create(
                actor=request.user, source=source, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _source_page(request, source, new_token=plain)
    return _source_page(request, source, token_form=form)


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = selectors.source_token_get(user=request.user, pk=pk)
    services.source_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("adwatch:source_detail", pk=token.source_id)


@login_required
def upload_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.source_get(user=request.user, pk=pk)
    require(request.user, "import", source)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        if uploaded.size > MAX_FILE_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(limit)s MB: split it into smaller files.")
                % {"limit": MAX_FILE_BYTES // (1024 * 1024)},
            )
        else:
            content = b"".join(uploaded.chunks())
            try:
                upload = services.upload_create(
                    actor=request.user, source=source, file_name=uploaded.name, content=content
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return redirect("adwatch:upload_map", pk=upload.pk)
    return render(request, TEMPLATES + "upload_form.html", {"form": form, "source": source})


@login_required
def upload_map(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    upload = selectors.upload_get(user=request.user, pk=pk)
    require(request.user, "change", upload)
    if upload.status != UploadStatus.MAPPING:
        return redirect("adwatch:upload_detail", pk=upload.pk)
    columns = list(upload.columns)
    form = UploadMappingForm(request.POST or None, columns=columns, initial=upload.mapping)
    mapping: dict[str, Any] = dict(upload.mapping)
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        if "import" in request.POST:
            try:
                services.upload_set_mapping(actor=request.user, upload=upload, mapping=mapping)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                upload_import.enqueue(upload.pk)
                messages.success(request, _("The import has started."))
                return redirect("adwatch:upload_detail", pk=upload.pk)
    context = {
        "upload": upload,
        "form": form,
        "mapped_fields": selectors.mapped_fields(upload, mapping),
        "preview": selectors.upload_preview(upload=upload, mapping=mapping),
    }
    return render(request, TEMPLATES + "upload_map.html", context)


@login_required
def upload_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    upload: Upload = selectors.upload_get(user=request.user, pk=pk)
    context = {
        "upload": upload,
        "working": upload.status in {UploadStatus.QUEUED, UploadStatus.RUNNING},
        "page": paginate(request, list(upload.rejected), per_page=100),
    }
    return render(request, TEMPLATES + "upload_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("sources/", source_list, name="source_list"),
    path("sources/new/", source_create, name="source_create"),
    path("sources/<int:pk>/", source_detail, name="source_detail"),
    path("sources/<int:pk>/edit/", source_edit, name="source_edit"),
    path("sources/<int:pk>/tokens/", token_create, name="token_create"),
    path("sources/tokens/<int:pk>/revoke/", token_revoke, name="token_revoke"),
    path("sources/<int:pk>/upload/", upload_create, name="upload_create"),
    path("uploads/<int:pk>/", upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/map/", upload_map, name="upload_map"),
]
