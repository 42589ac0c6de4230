"""Pages of case management (mounted under ``/<language>/cases/``)."""

from django.urls import path

from fener.cases.views import (
    case_pages,
    forms,
    identity,
    overview,
    referrals,
    safeguards,
    screening,
    statistics,
    support,
    worklist,
)

app_name = "cases"

urlpatterns = [
    path("", worklist.worklist, name="worklist"),
    path("all/", worklist.case_list, name="case_list"),
    path("new/", case_pages.case_open, name="case_open"),
    path("referrals/", referrals.incoming, name="referrals_incoming"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/respond/", referrals.referral_respond, name="referral_respond"),
    path("referrals/<int:pk>/complete/", referrals.referral_complete, name="referral_complete"),
    path("referrals/<int:pk>/revoke/", referrals.referral_revoke, name="referral_revoke"),
    path("services/", support.provider_list, name="provider_list"),
    path("services/new/", support.provider_create, name="provider_create"),
    path("services/<int:pk>/edit/", support.provider_edit, name="provider_edit"),
    path("forms/", forms.form_list, name="form_list"),
    path("forms/<int:pk>/review/", forms.form_review, name="form_review"),
    path("overview/", overview.national_overview, name="overview"),
    path("statistics/", statistics.dashboard, name="statistics"),
    path("statistics/export.<str:fmt>", statistics.export, name="statistics_export"),
    path("<str:code>/", case_pages.case_detail, name="case_detail"),
    path("<str:code>/edit/", case_pages.case_edit, name="case_edit"),
    path("<str:code>/status/", case_pages.status_decide, name="status_decide"),
    path("<str:code>/close/", case_pages.case_close, name="case_close"),
    path("<str:code>/reopen/", case_pages.case_reopen, name="case_reopen"),
    path("<str:code>/team/", case_pages.team, name="team"),
    path("<str:code>/notes/new/", case_pages.note_add, name="note_add"),
    path("<str:code>/perpetrators/new/", case_pages.perpetrator_add, name="perpetrator_add"),
    path("<str:code>/identity/", identity.identity_view, name="identity"),
    path("<str:code>/identity/edit/", identity.identity_edit, name="identity_edit"),
    path("<str:code>/documents/new/", identity.document_add, name="document_add"),
    path("<str:code>/documents/<int:pk>/", identity.document_download, name="document_download"),
    path("<str:code>/screenings/new/", screening.screening_new, name="screening_new"),
    path("<str:code>/screenings/<int:pk>/", screening.screening_detail, name="screening_detail"),
    path("<str:code>/consent/", safeguards.consent, name="consent"),
    path("<str:code>/safeguards/", safeguards.safeguards, name="safeguards"),
    path("<str:code>/refer/", referrals.referral_create, name="referral_create"),
    path("<str:code>/support/", support.plan, name="support_plan"),
    path("<str:code>/follow-ups/<int:pk>/", support.follow_up_complete, name="follow_up_complete"),
    path("<str:code>/risk/", support.risk_assessment, name="risk_assessment"),
]
