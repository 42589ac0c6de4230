"""Case statistics: the national dashboard and the anonymised export (CSV or JSON).

Both need ``cases.view_statistics``. The dashboard shows the counts of all years together
(small ones withheld), each chart with its table, and what the export withholds; the export is
k-anonymous at exactly ``FENER_STATISTICS_K`` (no other k on the web), and every download is
audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from fener.cases import statistics
from fener.cases.statistics import StatisticsInputError
from fener.core import charts
from fener.core.http import AuthenticatedHttpRequest

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


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
    """The counts of all years together, and what the export at the site's k withholds.

    A ``year`` is ignored: there is no page for one year (see
    :func:`~fener.cases.statistics.statistics_dashboard`). There is no k to choose either: a
    ``k`` other than the site's answers 400, with the page and the message.
    """
    statistics.require_statistics(request.user)
    try:
        statistics.web_k(request.GET.get("k"))
        refused = ""
    except StatisticsInputError as error:
        refused = error.message
    data = statistics.statistics_dashboard(request.user)
    preview = statistics.export_preview(request.user)
    context = {
        "data": data,
        "sections": _sections(data),
        "preview": preview,
        "generalisation": statistics.generalisation_in_words(preview),
        "small_count": statistics.SMALL_COUNT,
        "plotly_version": charts.plotly_version(),
        "refused": refused,
    }
    return render(
        request, "cases/statistics/dashboard.html", context, status=400 if refused else 200
    )


@login_required
@require_GET
def export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """The export at the site's k; a ``k`` parameter other than that k answers 400."""
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
