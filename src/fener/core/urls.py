"""Pages of the core app (mounted under the language prefix)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from fener.core.views import accounts, audit, auth, charts, directory, home, profile, roles

app_name = "core"

urlpatterns = [
    path("", home.home, name="home"),
    path("assets/plotly.min.js", charts.plotly_js, name="plotly_js"),
    # Log-in, second factor, own profile.
    path("accounts/login/", auth.login_view, name="login"),
    path("accounts/logout/", auth.logout_view, name="logout"),
    path("accounts/two-factor/", auth.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", auth.two_factor_setup, name="two_factor_setup"),
    path("accounts/profile/", profile.profile, name="profile"),
    path("accounts/profile/password/", profile.password_change, name="password_change"),
    path("accounts/profile/tokens/", profile.token_create, name="token_create"),
    path(
        "accounts/profile/tokens/<str:token_key>/revoke/", profile.token_revoke, name="token_revoke"
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth.PasswordSetFromLinkView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/auth/password_set_done.html"
        ),
        name="password_reset_complete",
    ),
    # Directory.
    path("directory/", directory.institution_list, name="institution_list"),
    path("directory/new/", directory.institution_create, name="institution_create"),
    path("directory/<int:pk>/", directory.institution_detail, name="institution_detail"),
    path("directory/<int:pk>/edit/", directory.institution_edit, name="institution_edit"),
    path("directory/municipalities/", directory.municipality_list, name="municipality_list"),
    # Administration.
    path("administration/accounts/", accounts.user_list, name="user_list"),
    path("administration/accounts/new/", accounts.user_create, name="user_create"),
    path("administration/accounts/<int:pk>/", accounts.user_detail, name="user_detail"),
    path("administration/accounts/<int:pk>/edit/", accounts.user_edit, name="user_edit"),
    path("administration/accounts/<int:pk>/roles/", accounts.user_roles, name="user_roles"),
    path("administration/accounts/<int:pk>/active/", accounts.user_active, name="user_active"),
    path(
        "administration/accounts/<int:pk>/two-factor-reset/",
        accounts.user_two_factor_reset,
        name="user_two_factor_reset",
    ),
    path("administration/roles/", roles.role_list, name="role_list"),
    path("administration/roles/<int:pk>/", roles.role_edit, name="role_edit"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/export.csv", audit.audit_export, name="audit_export"),
    path("audit/<int:pk>/", audit.audit_detail, name="audit_detail"),
]
