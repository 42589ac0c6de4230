"""Placeholder until this page is written (replaced in this change)."""

from django.http import Http404, HttpRequest, HttpResponse


def identity_view(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def identity_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def document_add(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def document_download(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
