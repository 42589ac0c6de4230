"""Request id, session expiry and mandatory two-factor log-in."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from fener.core.http import needs_second_factor, second_factor_verified
from fener.core.request_context import request_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SESSION_LOGIN_AT = "fener_login_at"
SESSION_SEEN_AT = "fener_seen_at"


class InputSanityMiddleware:
    """Refuse requests carrying NUL characters in their parameters (400, never a 500).

    No legitimate form or filter contains U+0000, and PostgreSQL refuses to store or compare it,
    so it is answered here once instead of in every view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return HttpResponseBadRequest("NUL characters are not accepted.")
        if (
            request.method == "POST"
            and request.content_type
            in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            )
            and any("\x00" in value for values in request.POST.lists() for value in values[1])
        ):
            return HttpResponseBadRequest("NUL characters are not accepted.")
        return self.get_response(request)


class RequestIdMiddleware:
    """Give every request an id (or accept a well-formed ``X-Request-ID`` from the proxy).

    The id is written to every audit row made during the request and returned in the
    response header, so that an operator can tie a complaint to the log.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A request id from outside is only trusted when the operator says a proxy sets it.
        incoming = (
            request.headers.get("X-Request-ID", "") if settings.FENER_TRUST_REQUEST_ID else ""
        )
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        with request_context(request_id=request_id, client_ip=request.META.get("REMOTE_ADDR")):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class SessionExpiryMiddleware:
    """End sessions that were idle too long or have lived past their absolute lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            login_at = request.session.setdefault(SESSION_LOGIN_AT, now)
            seen_at = request.session.get(SESSION_SEEN_AT, now)
            idle = now - seen_at > settings.FENER_SESSION_IDLE_MINUTES * 60
            too_old = now - login_at > settings.FENER_SESSION_MAX_HOURS * 3600
            if idle or too_old:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has expired.")}, status=401)
                messages.info(request, _("Your session has expired. Please log in again."))
                return redirect(
                    f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
                )
            request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)


class TwoFactorEnforcementMiddleware:
    """Hold a logged-in user at the second-factor step until they pass it.

    Applies to users who have an authenticator and to users whose role requires one (they
    are sent to enrol). Only the log-in, enrolment, log-out, language and static pages are
    reachable in between.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not second_factor_verified(user):
            from django_otp import user_has_device

            if needs_second_factor(user):
                has_device = user_has_device(user)
                target = "core:two_factor_verify" if has_device else "core:two_factor_setup"
                if not self._exempt(request):
                    if request.path.startswith("/api/"):
                        return JsonResponse(
                            {"detail": _("Two-factor verification is required.")}, status=403
                        )
                    next_query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse(target)}?{next_query}")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        if request.path.startswith((settings.STATIC_URL, "/health/")):
            return True
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in {
            "core:two_factor_verify",
            "core:two_factor_setup",
            "core:logout",
            "core:login",
            "set_language",
        }
