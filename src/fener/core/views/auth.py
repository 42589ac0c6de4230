"""Log-in with lock-out, the second factor and log-out."""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from fener.core.audit import audit_record
from fener.core.forms import TokenForm
from fener.core.http import AuthenticatedHttpRequest, second_factor_verified, set_language_cookie
from fener.core.middleware import SESSION_LOGIN_AT, SESSION_SEEN_AT
from fener.core.services import authentication
from fener.core.services.users import user_set_password_from_link

SETUP_DEVICE_KEY = "fener_setup_device"
USERNAME_MAX_LENGTH = 150


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Password step. Failures are counted per user name; too many lock the name out."""
    if request.user.is_authenticated and second_factor_verified(request.user):
        return redirect(_safe_next(request))
    if request.method == "POST" and len(request.POST.get("username", "")) > USERNAME_MAX_LENGTH:
        # Longer than any account's name: refuse before it reaches the lock-out store.
        context = {
            "form": AuthenticationForm(request),
            "next": _safe_next(request),
            "login_error": _("Please enter a correct user name and password."),
        }
        return render(request, "core/auth/login.html", context)
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            request.session[SESSION_LOGIN_AT] = request.session[SESSION_SEEN_AT] = time.time()
            next_url = _safe_next(request)
            response: HttpResponse
            if user_has_device(user):
                response = redirect(_with_next("core:two_factor_verify", next_url))
            elif user.requires_two_factor:
                response = redirect(_with_next("core:two_factor_setup", next_url))
            else:
                authentication.login_recorded(user=user, second_factor=False)
                response = redirect(next_url)
            return _remember_language(response, user)
        authentication.login_failure_recorded(
            username=request.POST.get("username", ""),
            locked_out=bool(getattr(request, "axes_locked_out", False)),
        )
    return render(request, "core/auth/login.html", {"form": form, "next": _safe_next(request)})


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What a locked-out user name sees (django-axes calls this)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "core/auth/locked_out.html", {"minutes": minutes}, status=429)


def _remember_language(response: HttpResponse, user: Any) -> HttpResponse:
    """Switch to the user's preferred language, if they chose one."""
    language = user.preferred_language
    if language:
        translation.activate(language)
        set_language_cookie(response, language)
        if isinstance(response, HttpResponseRedirect):
            response["Location"] = _in_language(response["Location"], language)
    return response


def _in_language(url: str, language: str) -> str:
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if url.startswith(prefix):
            return f"/{language}/" + url[len(prefix) :]
    return url


@never_cache
@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Second step for users with an authenticator: a six-digit code."""
    user = request.user
    if second_factor_verified(user):
        return redirect(_safe_next(request))
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    if not devices.exists():
        return redirect(_with_next("core:two_factor_setup", _safe_next(request)))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        for device in devices:
            if device.verify_is_allowed()[0] and device.verify_token(token):
                otp_login(request, device)
                authentication.login_recorded(user=user, second_factor=True)
                return redirect(_safe_next(request))
        audit_record(actor=user, action="auth.two_factor_failed", target=user)
        form.add_error(
            "token", _("That code is not valid. Check your authenticator and try again.")
        )
    return render(
        request, "core/auth/two_factor_verify.html", {"form": form, "next": _safe_next(request)}
    )


@never_cache
@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    if user_has_device(user) and not second_factor_verified(user):
        # Replacing an authenticator needs the current one first.
        return redirect(_with_next("core:two_factor_verify", reverse("core:two_factor_setup")))
    device = TOTPDevice.objects.filter(
        pk=request.session.get(SETUP_DEVICE_KEY), user=user, confirmed=False
    ).first()
    if device is None:
        device = authentication.two_factor_enrolment_start(user=user)
        request.session[SETUP_DEVICE_KEY] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if authentication.two_factor_enrolment_confirm(
            user=user,
            device=device,
            token=form.cleaned_data["token"],
        ):
            request.session.pop(SETUP_DEVICE_KEY, None)
            otp_login(request, device)
            authentication.login_recorded(user=user, second_factor=True)
            return redirect(_safe_next(request))
        form.add_error(
            "token", _("That code is not valid. Check your authenticator and try again.")
        )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _safe_next(request),
    }
    return render(request, "core/auth/two_factor_setup.html", context)


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


@require_POST
def logout_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        authentication.logout_recorded(user=request.user)
    logout(request)
    return redirect("core:login")


class PasswordSetFromLinkView(auth_views.PasswordResetConfirmView):
    """The e-mailed link to set a password; the change goes through the audited service."""

    template_name = "core/auth/password_set.html"
    success_url = reverse_lazy("core:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        user_set_password_from_link(user=form.user, new_password=form.cleaned_data["new_password1"])
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())
