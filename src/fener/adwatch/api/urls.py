"""API v1 routes of ad monitoring (under /api/v1/)."""

from fener.adwatch.api import check, ingest

app_name = "adwatch-api"

urlpatterns = [*ingest.urlpatterns, *check.urlpatterns]
