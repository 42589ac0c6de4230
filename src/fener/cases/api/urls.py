"""API v1 routes of case management (under /api/v1/)."""

from django.urls import path

from fener.cases.api import referrals, views

app_name = "cases-api"

urlpatterns = [
    path("cases/", views.CaseList.as_view(), name="case-list"),
    path("cases/<str:code>/", views.CaseDetail.as_view(), name="case-detail"),
    path("cases/<str:code>/identity/", views.CaseIdentity.as_view(), name="case-identity"),
    path("cases/<str:code>/status/", views.CaseStatusDecision.as_view(), name="case-status"),
    path("cases/<str:code>/screenings/", views.CaseScreening.as_view(), name="case-screenings"),
    path("cases/<str:code>/consents/", views.CaseConsent.as_view(), name="case-consents"),
    path("cases/<str:code>/referrals/", views.CaseReferralCreate.as_view(), name="case-referrals"),
    path("case-referrals/", referrals.IncomingReferralList.as_view(), name="referral-list"),
    path("case-referrals/<int:pk>/", referrals.ReferralDetail.as_view(), name="referral-detail"),
    path(
        "case-referrals/<int:pk>/respond/",
        referrals.ReferralRespond.as_view(),
        name="referral-respond",
    ),
    path(
        "case-referrals/<int:pk>/complete/",
        referrals.ReferralComplete.as_view(),
        name="referral-complete",
    ),
    path(
        "case-referrals/<int:pk>/revoke/",
        referrals.ReferralRevoke.as_view(),
        name="referral-revoke",
    ),
]
