"""Placeholder until this page is written (replaced in this change)."""

from django.http import Http404, HttpRequest, HttpResponse


def consent(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def safeguards(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
