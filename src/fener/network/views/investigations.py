"""Investigations: list, open, the overview page, editing, closing and the team."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fener.core.access import allowed, require
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.models import User
from fener.network import selectors
from fener.network.forms import AnalysisForm, CaseLinkForm, InvestigationForm, MemberForm
from fener.network.models import Investigation
from fener.network.policies import actions_of
from fener.network.services import investigations as services


@login_required
def investigation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "investigations": selectors.investigations_for(request.user),
        "may_open": allowed(request.user, "add", Investigation),
    }
    return render(request, "network/investigation_list.html", context)


@login_required
def investigation_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "add", Investigation)
    form = InvestigationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                investigation = services.investigation_open(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The investigation was opened."))
                return redirect("network:investigation_detail", pk=investigation.pk)
    return render(request, "network/investigation_form.html", {"form": form}, status=status)


def page_context(
    request: AuthenticatedHttpRequest, investigation: Investigation
) -> dict[str, object]:
    """What every page of an investigation shows in its header."""
    return {"investigation": investigation, "can": actions_of(request.user, investigation)}


@login_required
def investigation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    context = page_context(request, investigation) | {
        "members": selectors.members(investigation),
        "totals": selectors.transfer_totals(investigation),
        "entity_count": investigation.entities.count(),
        "link_count": investigation.links.count(),
        "imports": investigation.imports.all()[:10],
        "analysis": selectors.latest_analysis(investigation),
        "analysis_form": AnalysisForm(),
        "member_form": MemberForm(),
        "case_form": CaseLinkForm(),
        "may_link_cases": allowed(request.user, "link_case_data", investigation),
    }
    return render(request, "network/investigation_detail.html", context)


@login_required
def investigation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    require(request.user, "manage_team", investigation)
    require(request.user, "change", investigation)
    initial = {"name": investigation.name, "summary": investigation.summary}
    form = InvestigationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.investigation_edit(
                    actor=request.user, investigation=investigation, **form.cleaned_data
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The investigation was saved."))
                return redirect("network:investigation_detail", pk=investigation.pk)
    context = page_context(request, investigation) | {"form": form}
    return render(request, "network/investigation_form.html", context, status=status)


@login_required
@require_POST
def investigation_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    reopen = request.POST.get("reopen") == "1"
    try:
        if reopen:
            services.investigation_reopen(actor=request.user, investigation=investigation)
        else:
            services.investigation_close(actor=request.user, investigation=investigation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The investigation was reopened.") if reopen else _("The investigation was closed."),
        )
    return redirect("network:investigation_detail", pk=investigation.pk)


@login_required
@require_POST
def member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    investigation = selectors.investigation_get(request.user, pk)
    require(request.user, "manage_team", investigation)
    form = MemberForm(request.POST)
    if form.is_valid():
        user = User.objects.filter(username=form.cleaned_data["username"].strip()).first()
        if user is None:
            messages.error(
                request,
                _("No active account with the right to work on investigations has this user name."),
            )
        else:
            try:
                services.member_add(
                    actor=request.user,
                    investigation=investigation,
                    user=user,
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The team was updated."))
    else:
        messages.error(request, _("Enter a user name and a role."))
    return redirect("network:investigation_detail", pk=investigation.pk)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(request.user, pk)
    try:
        services.member_remove(actor=request.user, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The person was taken off the team."))
    return redirect("network:investigation_detail", pk=member.investigation_id)
