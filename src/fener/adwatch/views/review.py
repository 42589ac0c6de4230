"""Pages of ad monitoring: review (see the module's urls.py).

The queue, one ad with everything known about it, decisions, referrals and their answers,
watches and notifications. Views are thin: a form checks the input, a service makes the change,
and the gatekeeper (through the selectors) decides what each user sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fener.adwatch import selectors
from fener.adwatch.forms import DecisionForm, QueueFilterForm, ReferralAnswerForm, WatchForm
from fener.adwatch.labels import AMOUNT_PERIODS, risk_label
from fener.adwatch.models import Ad, ContactKind, Referral, ReferralStatus, WatchKind
from fener.adwatch.policies import REVIEW
from fener.adwatch.services import decisions, watches
from fener.core.access import AccessDenied, allowed, has_permission, require
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.views.pagination import paginate


def _require_module(request: AuthenticatedHttpRequest) -> None:
    """Only monitors and referral receivers work here; everyone else is refused (403)."""
    if not selectors.may_review(request.user):
        raise AccessDenied("adwatch")


def _next_or(request: AuthenticatedHttpRequest, default: str) -> str:
    """The ``next`` address of a form when it stays on this site, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_module(request)
    user = request.user
    form = QueueFilterForm(
        request.GET or None,
        languages=selectors.queue_languages(user=user),
        operations=selectors.queue_operations(user=user),
    )
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
    ads = selectors.ad_queue(user=user, **filters)
    if form.is_bound and not form.is_valid():
        ads = ads.none()  # an invalid filter matches nothing, never everything
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": paginate(request, ads),
        "query": query.urlencode(),
        "filtered": bool(filters),
        "is_monitor": has_permission(user, REVIEW),
        "open_referrals": selectors.open_referral_count(user=user),
        "unread": selectors.unread_notification_count(user=user),
    }
    return render(request, "adwatch/review/queue.html", context)


def _respondable(request: AuthenticatedHttpRequest, referrals: Iterable[Referral]) -> set[int]:
    """The referrals among ``referrals`` that the user may still answer."""
    return {
        referral.pk
        for referral in referrals
        if referral.status != ReferralStatus.CLOSED and allowed(request.user, "respond", referral)
    }


def _ad_page(
    request: AuthenticatedHttpRequest,
    ad: Ad,
    decision_form: DecisionForm | None = None,
) -> HttpResponse:
    user = request.user
    can_decide = allowed(user, "decide", ad)
    if can_decide and decision_form is None:
        decision_form = DecisionForm(recipients=selectors.referral_recipients())
    referrals = list(selectors.ad_referrals(user=user, ad=ad))
    operation = selectors.ad_operation(user=user, ad=ad)
    can_watch = allowed(user, "watch", ad)
    watch_targets: list[tuple[str, str, str]] = []
    if can_watch:
        watch_targets = [
            (WatchKind.PHONE.value, value, str(WatchKind.PHONE.label))
            for value in selectors.contact_values(ad=ad, kind=ContactKind.PHONE)
        ]
        watch_targets += [
            (WatchKind.HANDLE.value, value, str(WatchKind.HANDLE.label))
            for value in selectors.contact_values(ad=ad, kind=ContactKind.HANDLE)
        ]
        if operation is not None:
            watch_targets.append(
                (WatchKind.OPERATION.value, operation.key, str(WatchKind.OPERATION.label))
            )
    context = {
        "ad": ad,
        "risk_label": risk_label(ad.label),
        "amount_periods": {key: str(value) for key, value in AMOUNT_PERIODS.items()},
        "cluster": selectors.ad_cluster(user=user, ad=ad),
        "operation": operation,
        "shared_contacts": selectors.ad_shared_contacts(user=user, ad=ad),
        "decisions": selectors.ad_decisions(user=user, ad=ad),
        "referrals": referrals,
        "respondable": _respondable(request, referrals),
        "decision_form": decision_form if can_decide else None,
        "answer_form": ReferralAnswerForm(),
        "watch_targets": watch_targets,
        "watched": selectors.watched_values(user=user),
    }
    return render(request, "adwatch/review/ad_detail.html", context)


@login_required
def ad_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ad = selectors.ad_get(user=request.user, pk=pk)
    return _ad_page(request, ad)


@login_required
@require_POST
def ad_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ad = selectors.ad_get(user=request.user, pk=pk)
    require(request.user, "decide", ad)
    form = DecisionForm(request.POST, recipients=selectors.referral_recipients())
    if form.is_valid():
        try:
            decisions.ad_decide(
                actor=request.user,
                ad=ad,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                to_institution=form.cleaned_data["to_institution"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("adwatch:ad_detail", pk=ad.pk)
    return _ad_page(request, ad, decision_form=form)


@login_required
def referral_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_module(request)
    status = request.GET.get("status", "")
    if status not in ReferralStatus.values:
        status = ""
    page = paginate(request, selectors.referral_list(user=request.user, status=status))
    context = {
        "page": page,
        "respondable": _respondable(request, page),
        "status": status,
        "statuses": ReferralStatus.choices,
        "query": f"status={status}" if status else "",
        "answer_form": ReferralAnswerForm(),
        "is_monitor": has_permission(request.user, REVIEW),
    }
    return render(request, "adwatch/review/referral_list.html", context)


@login_required
@require_POST
def referral_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, pk=pk)
    require(request.user, "respond", referral)
    form = ReferralAnswerForm(request.POST)
    if form.is_valid():
        try:
            decisions.referral_respond(
                actor=request.user,
                referral=referral,
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your answer was recorded."))
            return redirect(_next_or(request, reverse("adwatch:referral_list")))
    return render(
        request, "adwatch/review/referral_respond.html", {"referral": referral, "form": form}
    )


def _notifications_page(
    request: AuthenticatedHttpRequest, watch_form: WatchForm | None = None
) -> HttpResponse:
    user = request.user
    page = paginate(request, selectors.notification_list(user=user))
    new = {notification.pk for notification in page if notification.read_at is None}
    for notification in page:
        if notification.pk in new:
            watches.notification_mark_read(actor=user, notification=notification)
    context = {
        "page": page,
        "new": new,
        "unread": selectors.unread_notification_count(user=user),
        "watches": selectors.watch_list(user=user),
        "watch_form": watch_form or WatchForm(),
    }
    return render(request, "adwatch/review/notification_list.html", context)


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's notifications; those shown are marked read (shown as new this once)."""
    _require_module(request)
    return _notifications_page(request)


@login_required
@require_POST
def watch_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_module(request)
    form = WatchForm(request.POST)
    if form.is_valid():
        try:
            watch = watches.watch_add(
                actor=request.user, kind=form.cleaned_data["kind"], value=form.cleaned_data["value"]
            )
        except (ValueError, ValidationError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("You are watching %(value)s.") % {"value": watch.value})
            return redirect(_next_or(request, reverse("adwatch:notification_list")))
    return _notifications_page(request, watch_form=form)


@login_required
@require_POST
def watch_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_module(request)
    watch = selectors.watch_get(user=request.user, pk=pk)
    watches.watch_remove(actor=request.user, watch=watch)
    messages.success(request, _("You no longer watch %(value)s.") % {"value": watch.value})
    return redirect(_next_or(request, reverse("adwatch:notification_list")))


urlpatterns: list[URLPattern] = [
    path("", queue, name="queue"),
    path("<int:pk>/", ad_detail, name="ad_detail"),
    path("<int:pk>/decide/", ad_decide, name="ad_decide"),
    path("referrals/", referral_list, name="referral_list"),
    path("referrals/<int:pk>/respond/", referral_respond, name="referral_respond"),
    path("notifications/", notification_list, name="notification_list"),
    path("watches/add/", watch_add, name="watch_add"),
    path("watches/<int:pk>/remove/", watch_remove, name="watch_remove"),
]
