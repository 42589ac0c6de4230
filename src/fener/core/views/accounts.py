"""Administration of user accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fener.core import selectors
from fener.core.access import allowed, require
from fener.core.forms import (
    ReasonForm,
    UserCreateForm,
    UserEditForm,
    UserRolesForm,
    apply_service_errors,
)
from fener.core.http import AuthenticatedHttpRequest
from fener.core.models import User
from fener.core.services import users as user_services
from fener.core.views.pagination import paginate


@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    show = request.GET.get("show", "active")
    active = {"active": True, "inactive": False}.get(show)
    users = selectors.user_list(user=request.user, search=search, role_code=role, active=active)
    context = {
        "page": paginate(request, users),
        "search": search,
        "role": role,
        "show": show,
        "roles": selectors.role_list(user=request.user),
        "can_add": allowed(request.user, "add", User),
    }
    return render(request, "core/accounts/user_list.html", context)


@login_required
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = selectors.user_get(user=request.user, pk=pk)
    context = {
        "account": account,
        "can_change": allowed(request.user, "change", account),
        "can_set_roles": allowed(request.user, "set_roles", account),
        "can_deactivate": allowed(request.user, "deactivate", account),
        "can_reset_two_factor": allowed(request.user, "reset_two_factor", account),
        "reason_form": ReasonForm(),
    }
    return render(request, "core/accounts/user_detail.html", context)


@login_required
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "add", User)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = user_services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Account created. An e-mail with a link to set a password is on its way."),
            )
            return redirect("core:user_detail", pk=account.pk)
    return render(request, "core/accounts/user_form.html", {"form": form})


@login_required
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = selectors.user_get(user=request.user, pk=pk)
    require(request.user, "change", account)
    initial = {field: getattr(account, field) for field in UserEditForm.base_fields}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_services.user_update(actor=request.user, user=account, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("core:user_detail", pk=account.pk)
    return render(request, "core/accounts/user_form.html", {"form": form, "account": account})


@login_required
def user_roles(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = selectors.user_get(user=request.user, pk=pk)
    require(request.user, "set_roles", account)
    form = UserRolesForm(request.POST or None, initial={"roles": list(account.roles.all())})
    if request.method == "POST" and form.is_valid():
        try:
            user_services.user_set_roles(
                actor=request.user,
                user=account,
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Roles updated."))
            return redirect("core:user_detail", pk=account.pk)
    return render(request, "core/accounts/user_roles.html", {"form": form, "account": account})


@require_POST
@login_required
def user_active(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = selectors.user_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    activate = request.POST.get("active") == "1"
    if not form.is_valid():
        messages.error(request, _("Give a reason for the audit log."))
        return redirect("core:user_detail", pk=account.pk)
    try:
        user_services.user_set_active(
            actor=request.user,
            user=account,
            active=activate,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Account reactivated.") if activate else _("Account deactivated.")
        )
    return redirect("core:user_detail", pk=account.pk)


@require_POST
@login_required
def user_two_factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    account = selectors.user_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the audit log."))
        return redirect("core:user_detail", pk=account.pk)
    user_services.user_reset_two_factor(
        actor=request.user,
        user=account,
        reason=form.cleaned_data["reason"],
    )
    messages.success(
        request, _("The authenticator was removed. The person enrols again at next log-in.")
    )
    return redirect("core:user_detail", pk=account.pk)
