"""Emerging forms of exploitation (proposal and expert review) and the national overview.

Case workers propose a form in the three languages and may tag cases with it while the expert
panel reviews it; only the panel promotes or rejects. The national coordinator sees counts per
institution in their own language and no case content; everyone else is refused.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fener.cases import selectors
from fener.cases.models import Consent, ExploitationForm, FollowUp, FormStatus
from fener.cases.services.cases import case_open, case_update_profile, form_propose
from fener.cases.services.referrals import referral_create
from fener.cases.services.safeguards import consent_record
from fener.cases.vocabulary import ConsentScope
from fener.core.access import AccessDenied
from fener.core.models import AuditEvent
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
PROPOSAL = {
    "name_mk": "Принудна криминална активност",
    "name_sq": "Veprimtari kriminale e detyruar",
    "name_en": "Forced criminality",
    "description": "Made to sell drugs or steal for the group that controls them.",
}


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"cases:{name}", args=args)


def text_of(response):
    return response.content.decode()


@pytest.fixture
def as_user(client, login):
    def switch(user):
        client.logout()
        return login(user)

    return switch


@pytest.fixture
def worker(make_user):
    return make_user("case_worker", username="forms-worker")


@pytest.fixture
def coordinator(make_user):
    return make_user("national_coordinator", username="coordinator")


@pytest.fixture
def proposal(worker):
    return form_propose(actor=worker, **PROPOSAL)


def review_state(form):
    form.refresh_from_db()
    return (form.status, form.htcds_code, form.review_note, form.reviewed_by_id)


# --- Forms of exploitation -------------------------------------------------------------------


def test_a_case_worker_sees_the_taxonomy_and_proposes_a_form(as_user, worker):
    client = as_user(worker)
    page = text_of(client.get(url("form_list")))
    assert "Forced begging" in page and "Propose a new form of exploitation" in page
    assert "No proposal is waiting for review." in page
    response = client.post(url("form_list"), PROPOSAL)
    assert response.status_code == 302
    form = ExploitationForm.objects.get(name_en="Forced criminality")
    assert form.status == FormStatus.PROPOSED and form.proposed_by == worker
    assert form.name_mk == PROPOSAL["name_mk"] and not form.builtin
    listing = client.get(url("form_list"))
    assert [(f.name, f.case_count) for f in listing.context["proposals"]] == [
        ("Forced criminality", 0)
    ]
    assert url("form_review", form.pk) not in text_of(listing)  # case workers do not review
    names = [form.name for form in listing.context["taxonomy"]]
    assert len(names) == 11 and names == sorted(names)


def test_the_proposal_shows_how_many_cases_are_tagged(as_user, worker, proposal):
    case = case_open(actor=worker)
    case_update_profile(
        actor=worker,
        case=case,
        expected_version=case.version,
        changes={"exploitation_forms": [proposal.code]},
    )
    listing = as_user(worker).get(url("form_list"))
    assert [(f.code, f.case_count) for f in listing.context["proposals"]] == [(proposal.code, 1)]


def test_a_proposal_needs_all_three_names(as_user, worker):
    response = as_user(worker).post(url("form_list"), {**PROPOSAL, "name_sq": ""})
    assert response.status_code == 200
    assert "This field is required." in text_of(response)
    assert not ExploitationForm.objects.filter(builtin=False).exists()


@pytest.mark.parametrize("role", ["ad_monitor", "labour_inspector", "viewer"])
def test_others_may_neither_see_nor_propose(as_user, make_user, role):
    client = as_user(make_user(role, username=f"not-{role}"))
    assert client.get(url("form_list")).status_code == 403
    assert client.post(url("form_list"), PROPOSAL).status_code == 403
    assert not ExploitationForm.objects.filter(builtin=False).exists()


def test_a_case_worker_cannot_review(as_user, worker, proposal):
    before = review_state(proposal)
    client = as_user(worker)
    assert client.get(url("form_review", proposal.pk)).status_code == 403
    response = client.post(
        url("form_review", proposal.pk), {"decision": "promote", "note": "Looks right"}
    )
    assert response.status_code == 403
    assert review_state(proposal) == before
    assert not AuditEvent.objects.filter(action="cases.form_review").exists()


def test_the_panel_promotes_with_an_htcds_type(as_user, coordinator, proposal):
    client = as_user(coordinator)
    page = text_of(client.get(url("form_review", proposal.pk)))
    assert PROPOSAL["name_sq"] in page and 'value="ForcedLabour"' in page
    response = client.post(
        url("form_review", proposal.pk),
        {"decision": "promote", "htcds_code": "ForcedLabour", "note": "Seen in three regions"},
    )
    assert response["Location"] == url("form_list")
    assert review_state(proposal) == (
        FormStatus.PROMOTED,
        "ForcedLabour",
        "Seen in three regions",
        coordinator.pk,
    )
    listing = client.get(url("form_list"))
    assert proposal.code in [form.code for form in listing.context["taxonomy"]]


def test_the_htcds_type_defaults_to_other(as_user, coordinator, proposal):
    as_user(coordinator).post(
        url("form_review", proposal.pk), {"decision": "promote", "note": "Accepted"}
    )
    assert review_state(proposal)[:2] == (FormStatus.PROMOTED, "Other")


def test_the_panel_rejects_only_with_a_note_and_only_once(as_user, coordinator, proposal):
    client = as_user(coordinator)
    before = review_state(proposal)
    response = client.post(url("form_review", proposal.pk), {"decision": "reject", "note": ""})
    assert response.status_code == 200 and "This field is required." in text_of(response)
    assert review_state(proposal) == before
    client.post(
        url("form_review", proposal.pk),
        {"decision": "reject", "note": "Covered by forced labour"},
    )
    rejected = review_state(proposal)
    assert rejected[0] == FormStatus.REJECTED
    again = client.post(
        url("form_review", proposal.pk),
        {"decision": "promote", "note": "Second thoughts"},
        follow=True,
    )
    assert "This form has already been reviewed." in text_of(again)
    assert review_state(proposal) == rejected


# --- National overview -----------------------------------------------------------------------


@pytest.fixture
def busy_institution(db, home_institution):
    """The home institution with an open case, one referral waiting in the country (overdue)
    and one abroad, and an overdue follow-up."""
    home_institution.name_mk = "Центар за социјална работа Битола"
    home_institution.name_en = "Social work centre Bitola"
    home_institution.save()
    return home_institution


@pytest.fixture
def activity(make_user, busy_institution, other_institution):
    worker = make_user("case_worker", username="busy-worker")
    case = case_open(actor=worker, profile={"sex": "female", "age_at_registration": 30})
    for scope in (ConsentScope.SHARING_NATIONAL, ConsentScope.SHARING_ABROAD):
        consent_record(
            actor=worker, case=case, scope=scope, method=Consent.Method.WRITTEN, given_on=TODAY()
        )
    abroad = InstitutionFactory(country="AL", name_en="Tirana shelter", name_mk="Засолниште Тирана")
    for to in (other_institution, abroad):
        referral_create(
            actor=worker,
            case=case,
            to_institution=to,
            reason="accommodation",
            purpose="A safe place",
        )
    case.referrals.filter(to_institution=other_institution).update(
        respond_by=TODAY() - datetime.timedelta(days=1)
    )
    FollowUp.objects.create(case=case, due_on=TODAY() - datetime.timedelta(days=3), task="Call")
    return case


def test_the_overview_counts_per_institution(coordinator, activity, other_institution):
    with translation.override("en"):
        rows = {row.institution: row for row in selectors.national_overview(coordinator)}
    home = rows["Social work centre Bitola"]
    assert (home.open_cases, home.pending_abroad, home.overdue_follow_ups) == (1, 1, 1)
    assert (home.pending_referrals, home.overdue_referrals) == (0, 0)
    receiver = rows[other_institution.name_en]
    assert (receiver.pending_referrals, receiver.overdue_referrals) == (1, 1)
    assert rows["Tirana shelter"].country == "AL" and rows["Tirana shelter"].pending_referrals == 1


def test_the_overview_names_institutions_in_the_readers_language(as_user, coordinator, activity):
    client = as_user(coordinator)
    page = text_of(client.get(url("overview", language="mk")))
    assert "Центар за социјална работа Битола" in page and "Засолниште Тирана" in page
    assert "Social work centre Bitola" not in page
    page = text_of(client.get(url("overview")))
    assert "Social work centre Bitola" in page
    assert activity.code not in page and "A safe place" not in page  # no case content


@pytest.mark.parametrize("role", ["case_worker", "case_supervisor", "police_investigator"])
def test_only_the_national_coordinator_sees_the_overview(as_user, make_user, role):
    user = make_user(role, username=f"overview-{role}")
    assert as_user(user).get(url("overview")).status_code == 403
    with pytest.raises(AccessDenied):
        selectors.national_overview(user)
