"""The charting library's JavaScript, served from the installed package (no CDN)."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from fener.core import charts


@require_GET
def plotly_js(request: HttpRequest) -> FileResponse:
    """The plotly.js bundle of the installed plotly package (no CDN: pages work offline).
    Its address carries the version, so browsers may keep it for a year."""
    response = FileResponse(
        charts.plotly_js_path().open("rb"), content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
