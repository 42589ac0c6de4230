"""Top-level URL map: language-prefixed pages, the versioned API and its schema."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from fener.core.views.health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("api/v1/", include("fener.core.api.urls")),
    path("api/v1/", include("fener.adwatch.api.urls")),
    path("api/v1/", include("fener.cases.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns += i18n_patterns(
    # Inside the language prefix, so that the page being left is resolved in its own language.
    path("i18n/setlang/", set_language, name="set_language"),
    path("ads/", include("fener.adwatch.urls")),
    path("check/", include("fener.adwatch.public_urls")),
    path("cases/", include("fener.cases.urls")),
    path("network/", include("fener.network.urls")),
    path("", include("fener.core.urls")),
    prefix_default_language=True,
)
