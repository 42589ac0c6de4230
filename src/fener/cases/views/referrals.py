"""Placeholder until this page is written (replaced in this change)."""

from django.http import Http404, HttpRequest, HttpResponse


def incoming(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def referral_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def referral_respond(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def referral_complete(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def referral_revoke(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def referral_create(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
