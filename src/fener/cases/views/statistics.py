"""Case statistics: the national dashboard and the anonymised export (CSV or JSON).

Both need ``cases.view_statistics``. The dashboard shows counts only (small ones withheld), for
all years or one, each chart with its table; the export is k-anonymous, with k at least
``FENER_STATISTICS_K`` on the web, and every download is audited.
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


class YearForm(forms.Form):
    """All years, or one calendar year whose count the all-years page shows.

    No ranges: two overlapping ranges subtracted from each other would give a count the
    dashboard withholds.
    """

    year = forms.TypedChoiceField(
        label=gettext_lazy("Year of registration"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy(
            "Only years with enough cases to show a count can be chosen on their own."
        ),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("All years")), *((str(year), str(year)) for year in years)]


class ExportForm(forms.Form):
    k = forms.CharField(
        label=gettext_lazy("k (smallest group of cases that look alike)"),
        required=False,
        max_length=20,
        widget=forms.NumberInput,
    )

    def clean_k(self) -> int:
        """The export's own rule: a whole number, at least ``FENER_STATISTICS_K`` (the default
        when blank)."""
        try:
            return statistics.export_k(self.cleaned_data["k"], minimum=statistics.minimum_web_k())
        except StatisticsInputError as error:
            raise forms.ValidationError(error.message, code="k") from None


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
    """The counts (all years or one), and a preview of the export at a k of the user's choice.

    A bad year or k answers 400, with the page and the form's message.
    """
    statistics.require_statistics(request.user)
    minimum_k = statistics.minimum_web_k()
    years = YearForm(
        request.GET if "year" in request.GET else None,
        years=statistics.statistics_years(request.user),
    )
    data = None
    if not years.is_bound or years.is_valid():
        year = years.cleaned_data.get("year") if years.is_bound else None
        try:
            data = statistics.statistics_dashboard(request.user, year=year)
        except StatisticsInputError as error:  # the year's count became small meanwhile
            years.add_error("year", error.message)
    export_form = ExportForm(request.GET if "k" in request.GET else None, initial={"k": minimum_k})
    valid_k = export_form.is_bound and export_form.is_valid()
    preview_k = export_form.cleaned_data["k"] if valid_k else minimum_k
    preview = statistics.export_preview(request.user, k=preview_k)
    context = {
        "years": years,
        "year": data.year if data is not None else None,
        "data": data,
        "sections": _sections(data) if data is not None else [],
        "export_form": export_form,
        "preview": preview,
        "generalisation": statistics.generalisation_in_words(preview),
        "preview_k": preview_k,
        "minimum_k": minimum_k,
        "small_count": statistics.SMALL_COUNT,
        "plotly_version": charts.plotly_version(),
    }
    refused = bool(years.errors) or (export_form.is_bound and not valid_k)
    return render(
        request, "cases/statistics/dashboard.html", context, status=400 if refused else 200
    )


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
