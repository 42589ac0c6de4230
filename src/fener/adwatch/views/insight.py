"""Pages of ad monitoring: insight (see the module's urls.py).

Operations and their evidence package, the dashboard, and the management of the risk model.
Views are thin: selectors read through the gatekeeper, services change things, and charts are
drawn on the server (plotly, served from here) with the same numbers in tables underneath.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fener.adwatch import insight_selectors
from fener.adwatch.evidence import evidence_csv, evidence_report
from fener.adwatch.insight_selectors import DASHBOARD
from fener.adwatch.insight_tasks import model_retrain_task
from fener.adwatch.models import ModelVersion, Operation, ReferralStatus
from fener.adwatch.policies import MODELS, REVIEW
from fener.adwatch.services.models import SHIPPED_MODEL, model_promote
from fener.core import charts
from fener.core.access import allowed, has_permission, require
from fener.core.http import AuthenticatedHttpRequest
from fener.core.views.pagination import paginate

PERIODS = {"4": 4, "12": 12, "26": 26, "52": 52}


def _page(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    """Render an insight page with the links its reader may follow."""
    user = request.user
    navigation = {
        "review": has_permission(user, REVIEW),
        "dashboard": has_permission(user, DASHBOARD),
        "models": has_permission(user, MODELS),
    }
    return render(request, template, {**context, "insight_nav": navigation})


@login_required
def operation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "view", Operation)
    operations = insight_selectors.operation_list(user=request.user)
    return _page(
        request,
        "adwatch/insight/operation_list.html",
        {"page": paginate(request, operations)},
    )


@login_required
def operation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    operation = insight_selectors.operation_get(user=request.user, pk=pk)
    ads = insight_selectors.operation_ads(user=request.user, operation=operation)
    weeks = insight_selectors.weekly_counts(ads)
    volume_chart = charts.weekly_chart(
        weeks=[week.start.isoformat() for week in weeks],
        counts=[week.ads for week in weeks],
        count_name=_("Ads"),
    )
    context = {
        "operation": operation,
        "ads": ads,
        "weeks": weeks,
        "volume_chart": volume_chart,
        "watch": insight_selectors.operation_watch(user=request.user, operation=operation),
        "can_watch": allowed(request.user, "watch", operation),
        "plotly_version": charts.plotly_version(),
    }
    return _page(request, "adwatch/insight/operation_detail.html", context)


@login_required
def operation_evidence_csv(request: AuthenticatedHttpRequest, pk: int) -> StreamingHttpResponse:
    operation = insight_selectors.operation_get(user=request.user, pk=pk)
    lines = evidence_csv(actor=request.user, operation=operation)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fener-{operation.key}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def operation_evidence_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    operation = insight_selectors.operation_get(user=request.user, pk=pk)
    report = evidence_report(actor=request.user, operation=operation)
    response = _page(
        request,
        "adwatch/insight/evidence_report.html",
        {"report": report, "generated_at": timezone.now()},
    )
    response["Cache-Control"] = "no-store"
    return response


def _since(period: str) -> datetime.datetime | None:
    weeks = PERIODS.get(period)
    return timezone.now() - datetime.timedelta(weeks=weeks) if weeks else None


def _dashboard_charts(data: insight_selectors.Dashboard) -> dict[str, Any]:
    return {
        "weeks": charts.weekly_chart(
            weeks=[week.start.isoformat() for week in data.weeks],
            counts=[week.ads for week in data.weeks],
            count_name=_("Ads"),
            shares=[week.share for week in data.weeks],
            share_name=_("Flagged suspicious (%)"),
        ),
        "indicators": charts.bar_chart(
            labels=[item.label for item in data.indicators],
            values=[item.count for item in data.indicators],
            horizontal=True,
            height=120 + 28 * max(1, len(data.indicators)),
        ),
        "platforms": charts.bar_chart(
            labels=[item.label for item in data.platforms],
            values=[item.count for item in data.platforms],
        ),
        "languages": charts.bar_chart(
            labels=[item.label for item in data.languages],
            values=[item.count for item in data.languages],
        ),
        "decisions": charts.bar_chart(
            labels=[item.label for item in data.decisions],
            values=[item.count for item in data.decisions],
        ),
        "referrals": charts.stacked_bar_chart(
            categories=[row["label"] for row in data.referrals],
            series=[
                (str(label), [row["counts"][value] for row in data.referrals])
                for value, label in ReferralStatus.choices
            ],
        ),
    }


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    period = request.GET.get("period", "")
    if period not in PERIODS:
        period = ""
    data = insight_selectors.dashboard(user=request.user, since=_since(period))
    context = {
        "data": data,
        "charts": _dashboard_charts(data),
        "period": period,
        "periods": [("", _("All time"))]
        + [(key, _("Last %(weeks)s weeks") % {"weeks": key}) for key in PERIODS],
        "plotly_version": charts.plotly_version(),
    }
    return _page(request, "adwatch/insight/dashboard.html", context)


@login_required
def model_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "view", ModelVersion)
    versions = list(insight_selectors.model_version_list(user=request.user))
    context = {
        "versions": versions,
        "current": next((version for version in versions if version.current), None),
        "shipped": SHIPPED_MODEL,
        "can_retrain": allowed(request.user, "add", ModelVersion),
        "can_promote": allowed(request.user, "promote", ModelVersion),
    }
    return _page(request, "adwatch/insight/model_list.html", context)


@login_required
@require_POST
def model_retrain(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "add", ModelVersion)
    model_retrain_task.enqueue(actor_id=request.user.pk)
    messages.success(
        request,
        _(
            "Retraining has started in the background. The new version appears here when it "
            "is done, with its evaluation."
        ),
    )
    return redirect("adwatch:model_list")


@login_required
@require_POST
def model_promote_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = insight_selectors.model_version_get(user=request.user, pk=pk)
    try:
        model_promote(actor=request.user, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Version %(version)s is now the current model.") % {"version": version}
        )
    return redirect("adwatch:model_list")


urlpatterns: list[URLPattern] = [
    path("operations/", operation_list, name="operation_list"),
    path("operations/<int:pk>/", operation_detail, name="operation_detail"),
    path(
        "operations/<int:pk>/evidence.csv",
        operation_evidence_csv,
        name="operation_evidence_csv",
    ),
    path(
        "operations/<int:pk>/evidence/",
        operation_evidence_report,
        name="operation_evidence_report",
    ),
    path("dashboard/", dashboard, name="dashboard"),
    path("models/", model_list, name="model_list"),
    path("models/retrain/", model_retrain, name="model_retrain"),
    path("models/<int:pk>/promote/", model_promote_view, name="model_promote"),
]
