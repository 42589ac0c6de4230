"""The directory of institutions and municipalities."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fener.core import selectors
from fener.core.access import allowed, require
from fener.core.forms import InstitutionForm, apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.models import Institution, InstitutionType
from fener.core.models.institutions import REGION_LABELS
from fener.core.services import institutions as institution_services
from fener.core.views.pagination import paginate


@login_required
def institution_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters: dict[str, Any] = {
        "type": request.GET.get("type", ""),
        "municipality_code": request.GET.get("municipality", ""),
        "country": request.GET.get("country", ""),
        "search": request.GET.get("q", "").strip(),
    }
    require(request.user, "view", Institution)
    institutions = selectors.institution_list(user=request.user, **filters)
    context = {
        "page": paginate(request, institutions),
        "filters": filters,
        "types": InstitutionType.choices,
        "municipalities": selectors.municipality_list(user=request.user),
        "can_add": allowed(request.user, "add", Institution),
    }
    return render(request, "core/directory/institution_list.html", context)


@login_required
def institution_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get(user=request.user, pk=pk)
    context = {
        "institution": institution,
        "children": selectors.institution_list(user=request.user).filter(parent=institution),
        "can_change": allowed(request.user, "change", institution),
    }
    return render(request, "core/directory/institution_detail.html", context)


@login_required
def institution_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "add", Institution)
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institution = institution_services.institution_create(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Institution added."))
            return redirect("core:institution_detail", pk=institution.pk)
    return render(request, "core/directory/institution_form.html", {"form": form})


@login_required
def institution_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    institution = selectors.institution_get(user=request.user, pk=pk)
    require(request.user, "change", institution)
    initial = {field: getattr(institution, field) for field in InstitutionForm.base_fields}
    form = InstitutionForm(request.POST or None, initial=initial)
    form.fields["key"].disabled = True
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "key"}
        try:
            institution_services.institution_update(
                actor=request.user, institution=institution, **changes
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("core:institution_detail", pk=institution.pk)
    return render(
        request, "core/directory/institution_form.html", {"form": form, "institution": institution}
    )


@login_required
def municipality_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    municipalities = selectors.municipality_list(user=request.user, region=region)
    regions = [(code, str(label)) for code, label in REGION_LABELS.items()]
    return render(
        request,
        "core/directory/municipality_list.html",
        {"municipalities": municipalities, "regions": regions, "region": region},
    )
