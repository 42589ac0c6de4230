"""Searching the audit log (auditors only) and exporting what was found."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fener.core import selectors
from fener.core.access import require
from fener.core.audit import audit_record
from fener.core.forms import AuditFilterForm
from fener.core.http import AuthenticatedHttpRequest
from fener.core.models import AuditEvent
from fener.core.views.pagination import paginate

EXPORT_COLUMNS = (
    "at",
    "actor_label",
    "institution_id",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "purpose",
    "request_id",
    "ip_address",
    "before",
    "after",
)


def _filtered(request: AuthenticatedHttpRequest) -> tuple[AuditFilterForm, Any]:
    """The form and the matching rows; an invalid filter matches nothing (never everything)."""
    require(request.user, "view", AuditEvent)
    form = AuditFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, AuditEvent.objects.none()
    filters: dict[str, Any] = {}
    if form.is_bound:
        filters = {key: value for key, value in form.cleaned_data.items() if value}
        if "institution" in filters:
            filters["institution_id"] = filters.pop("institution").pk
    return form, selectors.audit_search(user=request.user, **filters)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A cell value that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit/audit_list.html",
        {"form": form, "page": paginate(request, events), "query": query.urlencode()},
    )


@login_required
def audit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = selectors.audit_get(user=request.user, pk=pk)
    context = {
        "event": event,
        "before": json.dumps(event.before, ensure_ascii=False, indent=2) if event.before else "",
        "after": json.dumps(event.after, ensure_ascii=False, indent=2) if event.after else "",
    }
    return render(request, "core/audit/audit_detail.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The filtered rows as CSV. The export itself is recorded in the log."""
    form, events = _filtered(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("The filter is not valid: nothing was exported."))
    audit_record(
        actor=request.user,
        action="audit.export",
        purpose=request.GET.urlencode()[:300],
        target_label="audit log",
    )
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield writer.writerow(EXPORT_COLUMNS)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    spreadsheet_safe(
                        json.dumps(getattr(event, column), ensure_ascii=False)
                        if column in ("before", "after")
                        else getattr(event, column)
                    )
                    for column in EXPORT_COLUMNS
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="fener-audit.csv"'
    return response
