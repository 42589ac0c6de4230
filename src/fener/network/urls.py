"""Pages of network investigations (mounted under ``/<language>/network/``)."""

from collections.abc import Callable

from django.http.response import HttpResponseBase
from django.urls import URLPattern
from django.urls import path as _path
from django.views.decorators.cache import never_cache

from fener.network.views import analysis, chart, entities, imports, investigations

app_name = "network"


def path(route: str, view: Callable[..., HttpResponseBase], name: str) -> URLPattern:
    """Every page of an investigation carries decrypted names and numbers: never cached."""
    return _path(route, never_cache(view), name=name)


urlpatterns = [
    path("", investigations.investigation_list, name="investigation_list"),
    path("new/", investigations.investigation_open, name="investigation_open"),
    path("<int:pk>/", investigations.investigation_detail, name="investigation_detail"),
    path("<int:pk>/edit/", investigations.investigation_edit, name="investigation_edit"),
    path("<int:pk>/close/", investigations.investigation_close, name="investigation_close"),
    path("<int:pk>/team/", investigations.member_add, name="member_add"),
    path("team/<int:pk>/remove/", investigations.member_remove, name="member_remove"),
    path("<int:pk>/entities/", entities.entity_list, name="entity_list"),
    path("<int:pk>/links/new/", entities.link_add, name="link_add"),
    path("<int:pk>/cases/", entities.case_bring, name="case_bring"),
    path("<int:pk>/merges/", entities.merge_suggestions, name="merge_suggestions"),
    path("<int:pk>/connections/", entities.connections, name="connections"),
    path("<int:pk>/merges/merge/", entities.entity_merge, name="entity_merge"),
    path("entities/<int:pk>/", entities.entity_detail, name="entity_detail"),
    path("entities/<int:pk>/ads/", entities.entity_find_in_ads, name="entity_find_in_ads"),
    path("entities/<int:pk>/unmerge/", entities.entity_unmerge, name="entity_unmerge"),
    path("links/<int:pk>/remove/", entities.link_remove, name="link_remove"),
    path("<int:pk>/imports/new/", imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/map/", imports.import_map, name="import_map"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/discard/", imports.import_discard, name="import_discard"),
    path("<int:pk>/analyses/", analysis.analysis_request, name="analysis_request"),
    path("analyses/<int:pk>/", analysis.analysis_detail, name="analysis_detail"),
    path("<int:pk>/chart/", chart.chart, name="chart"),
    path("<int:pk>/chart/data/", chart.chart_data, name="chart_data"),
    path("<int:pk>/timeline/", chart.timeline, name="timeline"),
    path("<int:pk>/export/graphml/", chart.export_graphml, name="export_graphml"),
    path("<int:pk>/export/<str:part>.csv", chart.export_csv, name="export_csv"),
    path("<int:pk>/evidence/", chart.evidence_summary, name="evidence_summary"),
]
