"""Pages for analysts (under /<language>/ads/). Each area's view module lists its own routes."""

from fener.adwatch.views import ingest, insight, review

app_name = "adwatch"

urlpatterns = [*review.urlpatterns, *ingest.urlpatterns, *insight.urlpatterns]
