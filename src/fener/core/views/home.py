"""The start page after log-in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fener.core import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "colleague_count": selectors.user_list(
            user=user, institution_id=user.institution_id
        ).count(),  # type: ignore[union-attr]
        "institution_count": selectors.institution_list(user=user).count(),
    }
    return render(request, "core/home.html", context)
