"""Placeholder until this page is written (replaced in this change)."""

from django.http import Http404, HttpRequest, HttpResponse


def form_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def form_review(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
