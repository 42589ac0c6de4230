"""The national coordinator's overview of the referral mechanism: counts per institution and
the referrals waiting across borders, never the content of a case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from fener.cases import selectors
from fener.core.http import AuthenticatedHttpRequest


@login_required
def national_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = selectors.national_overview(request.user)  # AccessDenied (403) for everyone else
    totals = {
        "open_cases": sum(row.open_cases for row in rows),
        "pending_referrals": sum(row.pending_referrals for row in rows),
        "overdue_referrals": sum(row.overdue_referrals for row in rows),
        "pending_abroad": sum(row.pending_abroad for row in rows),
        "overdue_follow_ups": sum(row.overdue_follow_ups for row in rows),
    }
    return render(request, "cases/overview/overview.html", {"rows": rows, "totals": totals})
