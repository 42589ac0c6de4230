"""Placeholder until this page is written (replaced in this change)."""

from django.http import Http404, HttpRequest, HttpResponse


def screening_new(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def screening_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
