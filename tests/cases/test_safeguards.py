"""Consent and safeguards: the pages that record them and the decisions they unlock.

A child's referral or formal identification waits for a guardian and a best-interests
assessment made since the appointment; consent is recorded and withdrawn per scope; protection
measures against domestic violence link to any case; women see gender-sensitive services.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fener.cases.models import (
    BestInterestsAssessment,
    CaseReferral,
    Consent,
    GuardianAppointment,
    ProtectionMeasure,
    ServiceProvider,
)
from fener.cases.services.cases import case_open, status_decide, team_add
from fener.cases.services.errors import SafeguardMissing
from fener.cases.services.referrals import referral_create
from fener.cases.services.safeguards import (
    best_interests_record,
    consent_record,
    guardian_appoint,
)
from fener.cases.vocabulary import ConsentScope, TeamRole, TraffickingStatus
from fener.core.models import AuditEvent
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def url(name, *args):
    with translation.override("en"):
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
    return make_user("case_worker", username="child-worker")


@pytest.fixture
def supervisor(make_user):
    return make_user("case_supervisor", username="child-supervisor")


@pytest.fixture
def social_work_centre(db):
    return InstitutionFactory(key="csw-skopje", name_en="Centre for social work Skopje")


@pytest.fixture
def child_case(worker):
    return case_open(
        actor=worker, profile={"sex": "female", "age_at_registration": 15, "citizenship": ["MK"]}
    )


@pytest.fixture
def adult_case(worker):
    return case_open(
        actor=worker, profile={"sex": "male", "age_at_registration": 40, "citizenship": ["MK"]}
    )


def appoint(worker, case, institution, on=None):
    return guardian_appoint(
        actor=worker,
        case=case,
        appointing_institution=institution,
        appointed_on=on or TODAY(),
        guardian_name="Vesna Ilievska",
    )


def assess(worker, case, on=None):
    return best_interests_record(
        actor=worker,
        case=case,
        assessed_on=on or TODAY(),
        conclusion="Stay with the foster family",
        child_heard=True,
    )


def counts():
    return (
        GuardianAppointment.objects.count(),
        BestInterestsAssessment.objects.count(),
        ProtectionMeasure.objects.count(),
        Consent.objects.count(),
        CaseReferral.objects.count(),
    )


# --- Child safeguards block the key decisions -------------------------------------------------


def test_a_childs_referral_waits_for_a_guardian_and_a_best_interests_assessment(
    worker, supervisor, child_case, social_work_centre, other_institution
):
    def refer(actor, **override):
        return referral_create(
            actor=actor,
            case=child_case,
            to_institution=other_institution,
            reason="accommodation",
            purpose="A place in a shelter for children",
            **override,
        )

    with translation.override("en"), pytest.raises(SafeguardMissing) as refused:
        refer(supervisor, override_legal_basis="Law on child protection", override_reason="Urgent")
    assert "Record the guardian's appointment first" in refused.value.message
    guardian = appoint(worker, child_case, social_work_centre)
    consent_record(
        actor=worker,
        case=child_case,
        scope=ConsentScope.SHARING_NATIONAL,
        method=Consent.Method.GUARDIAN,
        given_on=TODAY(),
    )
    assess(worker, child_case, on=guardian.appointed_on - datetime.timedelta(days=3))
    with translation.override("en"), pytest.raises(SafeguardMissing) as refused:
        refer(worker)  # the only assessment predates the guardian's appointment
    assert "best-interests assessment" in refused.value.message
    assert not CaseReferral.objects.exists()
    assess(worker, child_case)
    assert refer(worker).status == "pending"


def test_a_formal_decision_on_a_child_waits_for_the_safeguards(
    worker, supervisor, child_case, social_work_centre
):
    def decide():
        child_case.refresh_from_db()
        return status_decide(
            actor=supervisor,
            case=child_case,
            expected_version=child_case.version,
            to_status=TraffickingStatus.NOT_A_VICTIM,
            decided_on=TODAY(),
            reasons="No indicator of trafficking after two interviews",
        )

    with pytest.raises(SafeguardMissing):
        decide()
    child_case.refresh_from_db()
    assert child_case.trafficking_status == TraffickingStatus.POSSIBLE
    appoint(worker, child_case, social_work_centre)
    assess(worker, child_case)
    assert decide().to_status == TraffickingStatus.NOT_A_VICTIM


def test_the_page_records_guardian_and_assessment_and_lifts_the_block(
    as_user, worker, child_case, social_work_centre
):
    client = as_user(worker)
    page = text_of(client.get(url("safeguards", child_case.code)))
    assert "Record the guardian&#x27;s appointment first" in page
    response = client.post(
        url("safeguards", child_case.code),
        {
            "action": "guardian",
            "guardian-guardian_name": "Vesna Ilievska",
            "guardian-appointing_institution": social_work_centre.pk,
            "guardian-appointed_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    appointment = GuardianAppointment.objects.get(case=child_case)
    assert appointment.guardian_name == "Vesna Ilievska" and appointment.recorded_by == worker
    client.post(
        url("safeguards", child_case.code),
        {
            "action": "best_interests",
            "best_interests-assessed_on": TODAY().isoformat(),
            "best_interests-child_heard": "on",
            "best_interests-conclusion": "Return to school in her home town",
        },
    )
    assessment = BestInterestsAssessment.objects.get(case=child_case)
    assert assessment.child_heard and assessment.assessor == worker
    page = text_of(client.get(url("safeguards", child_case.code)))
    assert "referrals, formal identification and closure are possible" in page
    assert "Vesna Ilievska" in page and "Return to school in her home town" in page


def test_a_guardian_without_account_or_name_is_refused(
    as_user, worker, child_case, social_work_centre
):
    response = as_user(worker).post(
        url("safeguards", child_case.code),
        {
            "action": "guardian",
            "guardian-appointing_institution": social_work_centre.pk,
            "guardian-appointed_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Name the guardian or choose their account." in text_of(response)
    assert counts() == (0, 0, 0, 0, 0)


def test_an_adult_gets_no_guardian(as_user, worker, adult_case, social_work_centre):
    client = as_user(worker)
    page = text_of(client.get(url("safeguards", adult_case.code)))
    assert "Record a guardian" not in page and "Link a protection measure" in page
    response = client.post(
        url("safeguards", adult_case.code),
        {
            "action": "guardian",
            "guardian-guardian_name": "Somebody",
            "guardian-appointing_institution": social_work_centre.pk,
            "guardian-appointed_on": TODAY().isoformat(),
        },
    )
    assert "A guardian is appointed for a child; this person is an adult." in text_of(response)
    assert counts() == (0, 0, 0, 0, 0)


def test_the_guardians_name_is_shown_only_to_those_who_read_identity(
    as_user, worker, supervisor, child_case, social_work_centre
):
    appoint(worker, child_case, social_work_centre)
    assert "Vesna Ilievska" in text_of(as_user(worker).get(url("safeguards", child_case.code)))
    # The supervisor is not on the team: the name is free text, for the team only.
    page = text_of(as_user(supervisor).get(url("safeguards", child_case.code)))
    assert "Vesna Ilievska" not in page and "(text visible to team members)" in page


# --- Protection measures and gender-sensitive services ------------------------------------------


def test_a_protection_measure_links_the_case_to_domestic_violence(
    as_user, worker, adult_case, social_work_centre
):
    client = as_user(worker)
    data = {
        "action": "protection",
        "protection-kind": "protection_order",
        "protection-issued_by": social_work_centre.pk,
        "protection-issued_on": TODAY().isoformat(),
        "protection-expires_on": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "protection-reference": "P-12/2025",
    }
    response = client.post(url("safeguards", adult_case.code), data)
    assert "A measure cannot expire before it is issued." in text_of(response)
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url("safeguards", adult_case.code),
        {**data, "protection-issued_on": tomorrow, "protection-expires_on": ""},
    )
    assert "The date cannot be in the future." in text_of(response)
    assert counts() == (0, 0, 0, 0, 0)
    data["protection-expires_on"] = (TODAY() + datetime.timedelta(days=90)).isoformat()
    assert client.post(url("safeguards", adult_case.code), data).status_code == 302
    measure = ProtectionMeasure.objects.get(case=adult_case)
    assert measure.kind == "protection_order" and measure.reference == "P-12/2025"
    adult_case.refresh_from_db()
    assert adult_case.domestic_violence_related is True
    assert "P-12/2025" in text_of(client.get(url("safeguards", adult_case.code)))


def test_women_are_shown_gender_sensitive_services(as_user, worker, child_case, adult_case):
    ServiceProvider.objects.create(name="Shelter for women Open Gate", women_only=True)
    ServiceProvider.objects.create(
        name="Counselling with female staff", female_staff_available=True
    )
    ServiceProvider.objects.create(name="General legal aid office")
    client = as_user(worker)
    page = text_of(client.get(url("safeguards", child_case.code)))  # a girl
    assert "Shelter for women Open Gate" in page and "Counselling with female staff" in page
    assert "General legal aid office" not in page
    page = text_of(client.get(url("safeguards", adult_case.code)))  # a man
    assert "Gender-sensitive services" not in page and "Open Gate" not in page


# --- Consent -------------------------------------------------------------------------------------


def test_consent_is_recorded_and_withdrawn_on_the_page(as_user, worker, adult_case):
    client = as_user(worker)
    response = client.post(
        url("consent", adult_case.code),
        {
            "action": "record",
            "scope": "sharing_abroad",
            "method": "written",
            "given_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(case=adult_case)
    assert consent.scope == "sharing_abroad" and consent.recorded_by == worker
    page = text_of(client.get(url("consent", adult_case.code)))
    assert page.count(">in force<") == 1
    client.post(
        url("consent", adult_case.code),
        {"action": "withdraw", "consent": consent.pk, "withdrawn_on": TODAY().isoformat()},
    )
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY()
    assert ">in force<" not in text_of(client.get(url("consent", adult_case.code)))
    again = client.post(
        url("consent", adult_case.code),
        {"action": "withdraw", "consent": consent.pk, "withdrawn_on": TODAY().isoformat()},
    )
    assert "This consent was already withdrawn." in text_of(again)


def test_bad_consent_input_is_refused_with_a_message(as_user, worker, adult_case, child_case):
    client = as_user(worker)
    future = (TODAY() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        url("consent", adult_case.code),
        {"action": "record", "scope": "statistics", "method": "oral", "given_on": future},
    )
    assert "The date cannot be in the future." in text_of(response)
    response = client.post(
        url("consent", child_case.code),
        {
            "action": "record",
            "scope": "sharing_national",
            "method": "written",
            "given_on": TODAY().isoformat(),
        },
    )
    assert "For a child, consent is given by the appointed guardian." in text_of(response)
    missing = client.post(
        url("consent", adult_case.code),
        {"action": "withdraw", "consent": 999999, "withdrawn_on": TODAY().isoformat()},
    )
    assert missing.status_code == 404
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("page", ["consent", "safeguards"])
def test_observers_read_and_strangers_see_nothing_and_neither_writes(
    as_user, make_user, worker, child_case, social_work_centre, page
):
    observer = make_user("case_worker", username="observer")
    team_add(actor=worker, case=child_case, user=observer, role=TeamRole.OBSERVER)
    stranger = make_user("case_worker", username="stranger", institution=InstitutionFactory())
    data = {
        "action": "guardian" if page == "safeguards" else "record",
        "guardian-guardian_name": "Someone",
        "guardian-appointing_institution": social_work_centre.pk,
        "guardian-appointed_on": TODAY().isoformat(),
        "scope": "statistics",
        "method": "guardian",
        "given_on": TODAY().isoformat(),
    }
    last_row = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    client = as_user(observer)
    shown = client.get(url(page, child_case.code))
    assert shown.status_code == 200 and 'name="action"' not in text_of(shown)
    assert client.post(url(page, child_case.code), data).status_code == 403
    client = as_user(stranger)
    assert client.get(url(page, child_case.code)).status_code == 404
    assert client.post(url(page, child_case.code), data).status_code == 404
    assert counts() == (0, 0, 0, 0, 0)
    assert not AuditEvent.objects.filter(pk__gt=last_row, action__startswith="cases.").exists()
