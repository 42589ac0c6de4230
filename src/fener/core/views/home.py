"""The start page after log-in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from fener.core import selectors
from fener.core.http import AuthenticatedHttpRequest


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "colleague_count": selectors.user_list(
            user=user, institution_id=user.institution_id
        ).count(),
        "institution_count": selectors.institution_list(user=user).count(),
    }
    return render(request, "core/home.html", context)
