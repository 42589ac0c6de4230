"""The case worker's day (their worklist) and the filterable list of cases.

The worklist puts what waits on someone else first: referrals sent to the user's institution,
then follow-ups that are due or overdue, then the user's own referrals still unanswered, then
their caseload. Every list comes from a selector, so the gatekeeper decides what is in it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from fener.cases import selectors
from fener.cases.forms import CaseFilterForm
from fener.cases.models import Case
from fener.cases.policies import NATIONAL, RECEIVE, REVIEW_FORMS, STATISTICS, SUPERVISE, WORK
from fener.cases.services.support import task_label
from fener.cases.vocabulary import AgeBand, age_band
from fener.core.access import AccessDenied, allowed, has_permission, is_active_user
from fener.core.http import AuthenticatedHttpRequest
from fener.core.views.pagination import paginate

REFLECTION_WARNING_DAYS = 14


def _require_cases_role(request: AuthenticatedHttpRequest) -> None:
    """Only holders of a case-management permission have a worklist; others get 403."""
    user = request.user
    if not is_active_user(user) or not any(
        code.startswith("cases.") for code in user.permission_codes()
    ):
        raise AccessDenied("cases")


def _caseload_rows(cases: Any, today: datetime.date) -> list[dict[str, Any]]:
    horizon = today + datetime.timedelta(days=REFLECTION_WARNING_DAYS)
    rows = []
    for case in cases:
        end = case.reflection_period_end
        reflection = ""
        if end is not None and end < today:
            reflection = "ended"
        elif end is not None and end <= horizon:
            reflection = "ending"
        rows.append(
            {
                "case": case,
                "age_band": AgeBand(age_band(case.age_at_registration)).label,
                "reflection": reflection,
            }
        )
    return rows


def _with_task_labels(follow_ups: Any) -> list[Any]:
    """Follow-ups with their task in the reader's language (scheduled tasks are translated)."""
    rows = list(follow_ups)
    for follow_up in rows:
        follow_up.task_label = task_label(follow_up)
    return rows


@login_required
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_cases_role(request)
    user = request.user
    today = timezone.localdate()
    works = has_permission(user, WORK)
    if not works and has_permission(user, RECEIVE):
        # Labour inspectors, financial investigators: their cases work is the referrals.
        return redirect("cases:referrals_incoming")
    context = {
        "today": today,
        "receives": has_permission(user, RECEIVE),
        "works": works,
        "incoming": selectors.incoming_referrals(user, open_only=True)
        if has_permission(user, RECEIVE)
        else [],
        "follow_ups": _with_task_labels(selectors.due_follow_ups(user)) if works else [],
        "outgoing": selectors.pending_outgoing_referrals(user) if works else [],
        "caseload": _caseload_rows(selectors.caseload(user), today) if works else [],
        "may_open": allowed(user, "add", Case),
        "supervises": has_permission(user, SUPERVISE),
        "statistics": has_permission(user, STATISTICS),
        "national": has_permission(user, NATIONAL),
        "reviews_forms": has_permission(user, REVIEW_FORMS),
    }
    return render(request, "cases/worklist.html", context)


def _filtered(user: Any, form: CaseFilterForm) -> QuerySet[Case]:
    cases = selectors.cases_for(user).order_by("-registered_on", "-id")
    if not form.is_valid():
        return cases.none()  # an invalid filter matches nothing, never everything
    data = form.cleaned_data
    if data["q"]:
        cases = cases.filter(code__icontains=data["q"].strip())
    if data["status"]:
        cases = cases.filter(status=data["status"])
    if data["trafficking_status"]:
        cases = cases.filter(trafficking_status=data["trafficking_status"])
    if data["child"]:
        cases = cases.filter(is_child=data["child"] == "yes")
    return cases


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not (has_permission(user, WORK) or has_permission(user, SUPERVISE)):
        raise AccessDenied("cases")
    form = CaseFilterForm(request.GET)
    page = paginate(request, _filtered(user, form))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": _caseload_rows(page.object_list, timezone.localdate()),
        "query": query.urlencode(),
        "filtered": any(request.GET.get(name) for name in form.fields),
    }
    return render(request, "cases/case_list.html", context)
