"""Placeholder until this page is written (replaced in this change)."""

from django.http import Http404, HttpRequest, HttpResponse


def dashboard(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def export(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
