"""API v1 routes."""

from django.urls import path

from fener.core.api import schema, views  # noqa: F401 - schema registers extensions

app_name = "api"

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("municipalities/", views.MunicipalityList.as_view(), name="municipality-list"),
    path("institutions/", views.InstitutionList.as_view(), name="institution-list"),
    path("institutions/<int:pk>/", views.InstitutionDetail.as_view(), name="institution-detail"),
    path("users/", views.UserList.as_view(), name="user-list"),
    path("users/<int:pk>/", views.UserDetail.as_view(), name="user-detail"),
    path("roles/", views.RoleList.as_view(), name="role-list"),
    path("audit/", views.AuditEventList.as_view(), name="audit-list"),
    path("audit/<int:pk>/", views.AuditEventDetail.as_view(), name="audit-detail"),
]
