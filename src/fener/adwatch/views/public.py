"""The public pages (under /<language>/check/), for anyone, no account, no JavaScript.

- ``check:check``: paste an ad or a message, see its warning signs in plain words. Nothing is
  stored.
- ``check:report``: the person chooses to send the text to the review queue (anonymous).
- ``check:practice``: the "spot the warning signs" exercise; its state lives in the address.

Checks and reports are counted per client address (:mod:`fener.adwatch.public_limits`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fener.adwatch import public_limits
from fener.adwatch.practice import example_at, practice_feedback
from fener.adwatch.public_check import TextRefused, check_text, help_contacts, validate_text
from fener.adwatch.public_text import GENERAL_ADVICE, SEEN_ON, WARNING_SIGNS
from fener.adwatch.services.public_reports import (
    NoReportDestination,
    ReportRefused,
    public_report_submit,
)
from fener.analytics.ads.analysis import MAX_TEXT_CHARACTERS

TEMPLATES = "adwatch/public/"


class CheckForm(forms.Form):
    """The pasted text (validated by the same rule as the API), and where it was seen."""

    text = forms.CharField(
        label=_("The ad or message"),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # Where the person saw the ad: one of SEEN_ON, anything else is ignored (never an error
    # that would stop a report).
    platform = forms.CharField(required=False, max_length=40)

    def clean_text(self) -> str:
        try:
            return validate_text(self.cleaned_data.get("text", ""))
        except TextRefused as refused:
            raise forms.ValidationError(str(refused), code="refused") from None


def _page(request: HttpRequest, template: str, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("form", CheckForm())
    context["help_contacts"] = help_contacts()
    context["limit"] = number_format(MAX_TEXT_CHARACTERS, force_grouping=True)
    context["general_advice"] = GENERAL_ADVICE
    context["seen_on"] = [("", _("I prefer not to say")), *SEEN_ON]
    return render(request, TEMPLATES + template, context, status=status)


def _too_many(request: HttpRequest, limit: public_limits.Limit) -> HttpResponse:
    response = _page(request, "too_many.html", status=429)
    response["Retry-After"] = str(public_limits.retry_after(limit))
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "check.html")
    limit = public_limits.check_limit()
    if not public_limits.allow(limit, request):
        return _too_many(request, limit)
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _page(request, "check.html", status=400, form=form)
    result = check_text(form.cleaned_data["text"])
    return _page(request, "check.html", form=form, result=result)


@never_cache
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    limit = public_limits.report_limit()
    if not public_limits.allow(limit, request):
        return _too_many(request, limit)
    form = CheckForm(request.POST)
    if not form.is_valid():
        return _page(request, "check.html", status=400, form=form)
    try:
        public_report_submit(text=form.cleaned_data["text"], seen_on=form.cleaned_data["platform"])
    except (NoReportDestination, ReportRefused):
        return _page(request, "report_unavailable.html", status=503)
    return _page(request, "reported.html")


def _count(request: HttpRequest, name: str) -> int:
    value = request.GET.get(name, "")
    return min(int(value), 10_000) if value.isdigit() and len(value) < 6 else 0


@require_GET
def practice(request: HttpRequest) -> HttpResponse:
    language = translation.get_language() or "mk"
    example, following = example_at(language, request.GET.get("example", ""))
    context: dict[str, Any] = {
        "example": example,
        "following": following,
        "signs": list(WARNING_SIGNS.values()),
        "ticked": set(request.GET.getlist("sign")),
        "spotted": _count(request, "spotted"),
        "possible": _count(request, "possible"),
        "done": _count(request, "done"),
    }
    if request.GET.get("answered"):
        feedback = practice_feedback(example, context["ticked"])
        context["feedback"] = feedback
        context["spotted"] += len(feedback.found)
        context["possible"] += len(feedback.found) + len(feedback.missed)
        context["done"] += 1
    return _page(request, "practice.html", **context)


urlpatterns = [
    path("", check, name="check"),
    path("report/", report, name="report"),
    path("practice/", practice, name="practice"),
]
