"""A person's own account: password, language, authenticator and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from knox.models import AuthToken

from fener.core.forms import ApiTokenForm, LanguageForm, PasswordChangeForm, apply_service_errors
from fener.core.http import AuthenticatedHttpRequest, set_language_cookie
from fener.core.services import authentication
from fener.core.services.users import user_change_password, user_update


def _profile_page(request: AuthenticatedHttpRequest, **forms: object) -> HttpResponse:
    user = request.user
    context = {
        "password_form": PasswordChangeForm(),
        "language_form": LanguageForm(initial={"preferred_language": user.preferred_language}),
        "token_form": ApiTokenForm(),
        "tokens": AuthToken.objects.filter(user=user).order_by("-created"),
        "has_authenticator": user_has_device(user),
        **forms,
    }
    return render(request, "core/profile/profile.html", context)


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = LanguageForm(request.POST)
        if form.is_valid():
            user = user_update(actor=request.user, user=request.user, **form.cleaned_data)
            language = user.preferred_language
            with translation.override(language):
                messages.success(request, _("Your preferred language is saved."))
                response = redirect(reverse("core:profile"))
            return set_language_cookie(response, language)
        return _profile_page(request, language_form=form)
    return _profile_page(request)


@require_POST
@login_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST)
    if form.is_valid():
        try:
            user = user_change_password(
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("core:profile")
    return _profile_page(request, password_form=form)


@require_POST
@login_required
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, token_form=form)
    _instance, plain = authentication.api_token_create(
        user=request.user, days=form.cleaned_data["days"]
    )
    return _profile_page(request, new_token=plain)


@require_POST
@login_required
def token_revoke(request: AuthenticatedHttpRequest, token_key: str) -> HttpResponse:
    if authentication.api_token_revoke(user=request.user, token_key=token_key):
        messages.success(request, _("The token was revoked."))
    return redirect("core:profile")
