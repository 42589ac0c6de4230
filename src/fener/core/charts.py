"""Charts drawn with plotly on the server and embedded in pages, offline.

Each function returns the chart's ``<div>`` and the small script that draws it; the plotly
library itself is served by this application (``core:plotly_js``), never from a CDN. Every
chart repeats a table on the same page, so the numbers are there without JavaScript.

Plotly writes the figure's data as JSON with ``<``, ``>`` and ``/`` escaped, so even a label
taken from data could not close the script; the labels here are Fener's own words anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import plotly
import plotly.graph_objects as go
from django.utils.safestring import SafeString, mark_safe

BRAND = "#1d4e89"
ACCENT = "#d98e04"
SERIES_COLOURS = ("#b3261e", ACCENT, "#2e7d32", BRAND, "#6b7785")
_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


def plotly_js_path() -> Path:
    """The plotly.js bundle shipped inside the plotly package."""
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def plotly_version() -> str:
    return str(plotly.__version__)


def _layout(height: int) -> dict[str, object]:
    # No title: the page's heading names the chart, and the table under it gives the numbers.
    return {
        "height": height,
        "margin": {"l": 50, "r": 50, "t": 10, "b": 40},
        "template": go.layout.Template(),
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "font": {"family": "system-ui, sans-serif", "size": 12},
    }


def _html(figure: go.Figure) -> SafeString:
    html = figure.to_html(full_html=False, include_plotlyjs=False, config=_CONFIG)
    return mark_safe(str(html))  # noqa: S308 - plotly's own markup, data JSON-escaped


def bar_chart(
    *,
    labels: Sequence[str],
    values: Sequence[float],
    horizontal: bool = False,
    height: int = 320,
) -> SafeString:
    """Bars for a few categories (horizontal for long labels such as indicators)."""
    if horizontal:
        bar = go.Bar(x=list(values)[::-1], y=list(labels)[::-1], orientation="h")
    else:
        bar = go.Bar(x=list(labels), y=list(values))
    bar.marker.color = BRAND
    figure = go.Figure(bar, layout=_layout(height))
    if horizontal:
        figure.update_yaxes(automargin=True)
    return _html(figure)


def weekly_chart(
    *,
    weeks: Sequence[str],
    counts: Sequence[int],
    count_name: str,
    shares: Sequence[float] | None = None,
    share_name: str = "",
    height: int = 340,
) -> SafeString:
    """Ads per week as bars, and optionally the share flagged (percent) as a line."""
    figure = go.Figure(layout=_layout(height))
    figure.add_bar(x=list(weeks), y=list(counts), name=count_name, marker_color=BRAND)
    # Weeks as categories: plotly's date axis zooms into the hours of a single week.
    figure.update_xaxes(type="category")
    if shares is not None:
        figure.add_scatter(
            x=list(weeks),
            y=list(shares),
            name=share_name,
            yaxis="y2",
            mode="lines+markers",
            line={"color": ACCENT},
        )
        figure.update_layout(
            yaxis2={"overlaying": "y", "side": "right", "range": [0, 100], "ticksuffix": "%"},
            legend={"orientation": "h", "y": -0.2},
        )
    return _html(figure)


def stacked_bar_chart(
    *,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    height: int = 320,
) -> SafeString:
    """One bar per category, stacked by series (e.g. referrals by status)."""
    figure = go.Figure(layout=_layout(height))
    for (name, values), colour in zip(series, SERIES_COLOURS, strict=False):
        figure.add_bar(x=list(categories), y=list(values), name=name, marker_color=colour)
    figure.update_layout(
        barmode="stack", legend={"orientation": "h", "y": -0.2, "traceorder": "normal"}
    )
    return _html(figure)
