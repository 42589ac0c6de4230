"""Placeholder until this page is written (replaced in this change)."""

from django.http import Http404, HttpRequest, HttpResponse


def case_open(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def case_detail(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def case_edit(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def status_decide(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def case_close(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def case_reopen(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def team(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404


def note_add(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
