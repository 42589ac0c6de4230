"""Case statistics: the national dashboard and the anonymised export (CSV or JSON).

Both need ``cases.view_statistics``. The dashboard shows counts only (small ones hidden), each
chart with its table; the export is k-anonymous and every download is audited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from fener.cases import statistics
from fener.cases.statistics import StatisticsInputError
from fener.core import charts
from fener.core.http import AuthenticatedHttpRequest

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


class YearRangeForm(forms.Form):
    year_from = forms.IntegerField(
        label=gettext_lazy("From year"), required=False, min_value=1990, max_value=2100
    )
    year_to = forms.IntegerField(
        label=gettext_lazy("To year"), required=False, min_value=1990, max_value=2100
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        if start is not None and end is not None and start > end:
            raise forms.ValidationError(_("The first year comes after the last one."))
        return cleaned


class ExportForm(forms.Form):
    k = forms.IntegerField(
        label=gettext_lazy("k (smallest group of cases that look alike)"),
        min_value=statistics.MIN_K,
        max_value=statistics.MAX_K,
    )


def _sections(dashboard: statistics.Dashboard) -> list[list[tuple[Any, Any]]]:
    """Each table with its chart, two to a row."""
    drawn = []
    for table in dashboard.tables:
        cells = table.charted
        horizontal = table.key in {"forms", "recruitment", "institution", "citizenship"}
        chart = charts.bar_chart(
            labels=[cell.label for cell in cells],
            values=[cell.count or 0 for cell in cells],
            horizontal=horizontal,
            height=120 + 28 * max(1, len(cells)) if horizontal else 320,
        )
        drawn.append((table, chart))
    return [drawn[start : start + 2] for start in range(0, len(drawn), 2)]


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    statistics.require_statistics(request.user)
    years = YearRangeForm(request.GET or None)
    data = None
    if not years.is_bound or years.is_valid():
        cleaned = years.cleaned_data if years.is_bound else {}
        data = statistics.statistics_dashboard(
            request.user, year_from=cleaned.get("year_from"), year_to=cleaned.get("year_to")
        )
    default_k = statistics.export_k(None)
    export_form = ExportForm(request.GET if "k" in request.GET else None, initial={"k": default_k})
    k = export_form.cleaned_data["k"] if export_form.is_bound and export_form.is_valid() else None
    preview = statistics.export_preview(request.user, k=k or default_k)
    context = {
        "years": years,
        "data": data,
        "sections": _sections(data) if data is not None else [],
        "export_form": export_form,
        "preview": preview,
        "generalisation": statistics.generalisation_in_words(preview),
        "preview_k": k or default_k,
        "small_count": statistics.SMALL_COUNT,
        "plotly_version": charts.plotly_version(),
    }
    return render(request, "cases/statistics/dashboard.html", context)


@login_required
@require_GET
def export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    if fmt not in statistics.FORMATS:
        raise Http404
    try:
        result = statistics.statistics_export(
            actor=request.user, k=request.GET.get("k"), file_format=fmt
        )
    except StatisticsInputError as error:
        return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")
    response = HttpResponse(result.render(fmt), content_type=CONTENT_TYPES[fmt])
    filename = f"fener-case-statistics-k{result.k}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
