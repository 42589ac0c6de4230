"""Placeholder until this page is written (replaced in this change)."""

from django.http import Http404, HttpRequest, HttpResponse


def provider_list(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def provider_create(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def provider_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def plan(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def follow_up_complete(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def risk_assessment(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
