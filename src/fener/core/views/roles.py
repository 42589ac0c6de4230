"""Roles: what they grant and whether they require a second factor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fener.core import selectors
from fener.core.access import allowed, require
from fener.core.forms import RoleForm, apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.models import Role
from fener.core.permissions import PERMISSIONS, permission_label
from fener.core.services.roles import role_update


@login_required
def role_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "change", Role)
    roles = selectors.role_list(user=request.user).prefetch_related("users")
    rows = [
        {
            "role": role,
            "permissions": [permission_label(code) for code in role.permissions],
            "holders": role.users.filter(is_active=True).count(),
        }
        for role in sorted(roles, key=lambda role: role.label)
    ]
    return render(request, "core/roles/role_list.html", {"rows": rows})


@login_required
def role_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    role = selectors.role_get(user=request.user, pk=pk)
    require(request.user, "change", role)
    choices = [(code, str(label)) for code, label in PERMISSIONS.items()]
    form = RoleForm(
        request.POST or None,
        permission_choices=choices,
        initial={"requires_two_factor": role.requires_two_factor, "permissions": role.permissions},
    )
    if request.method == "POST" and form.is_valid():
        try:
            role_update(
                actor=request.user,
                role=role,
                requires_two_factor=form.cleaned_data["requires_two_factor"],
                permissions=form.cleaned_data["permissions"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Role updated."))
            return redirect("core:role_list")
    return render(
        request,
        "core/roles/role_form.html",
        {"form": form, "role": role, "can_change": allowed(request.user, "change", role)},
    )
