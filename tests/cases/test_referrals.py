"""Referrals of a case: both sides of a referral, consent and its override, statuses, deadlines.

Given a case with an identity record, when it is referred to another institution, then only
the institution it was sent to reads what was shared, the case stays hidden from it, and every
refusal (no consent, no right to override, a second answer, a stranger's POST) writes nothing.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fener.cases import selectors
from fener.cases.models import CaseReferral, Consent
from fener.cases.services.cases import case_open, team_add
from fener.cases.services.errors import CaseInputError, ConsentRequired, WrongState
from fener.cases.services.identity import IdentityInput, identity_save
from fener.cases.services.referrals import (
    referral_create,
    referral_respond,
    referral_revoke,
)
from fener.cases.services.safeguards import consent_record, consent_withdraw
from fener.cases.vocabulary import ConsentScope, ReferralStatus, TeamRole
from fener.core.access import AccessDenied, NotFound
from fener.core.models import AuditEvent
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
PURPOSE = "Safe accommodation near the school she attends"


def url(name, *args):
    with translation.override("en"):
        return reverse(f"cases:{name}", args=args)


def text_of(response):
    return response.content.decode()


@pytest.fixture
def as_user(client, login):
    """Log the test client in as ``user`` (logging out whoever was logged in)."""

    def switch(user):
        client.logout()
        return login(user)

    return switch


@pytest.fixture
def worker(make_user):
    return make_user("case_worker", username="sending-worker")


@pytest.fixture
def supervisor(make_user):
    return make_user("case_supervisor", username="sending-supervisor")


@pytest.fixture
def case(worker):
    case = case_open(
        actor=worker,
        profile={"sex": "female", "age_at_registration": 24, "citizenship": ["MK"]},
    )
    identity_save(
        actor=worker,
        case=case,
        data=IdentityInput(
            given_name="Elena", family_name="Trajkovska", birth_date=datetime.date(2000, 5, 17)
        ),
    )
    return case


def consent_to(worker, case, scope=ConsentScope.SHARING_NATIONAL):
    return consent_record(
        actor=worker, case=case, scope=scope, method=Consent.Method.WRITTEN, given_on=TODAY()
    )


@pytest.fixture
def consent(worker, case):
    return consent_to(worker, case)


@pytest.fixture
def receiver(make_user, other_institution):
    return make_user("case_worker", username="receiving-worker", institution=other_institution)


@pytest.fixture
def inspector(make_user, other_institution):
    return make_user("labour_inspector", username="inspector", institution=other_institution)


@pytest.fixture
def outsider(make_user):
    return make_user("case_worker", username="outsider", institution=InstitutionFactory())


@pytest.fixture
def abroad(db):
    return InstitutionFactory(key="tirana-police", country="AL", name_en="Tirana police")


def refer(actor, case, to, sections=None, **kwargs):
    return referral_create(
        actor=actor,
        case=case,
        to_institution=to,
        reason="accommodation",
        purpose=PURPOSE,
        sections=sections,
        **kwargs,
    )


@pytest.fixture
def referral(worker, case, consent, other_institution):
    """The minimised default: the pseudonymous profile only."""
    return refer(worker, case, other_institution)


@pytest.fixture
def named_referral(worker, case, consent, other_institution):
    return refer(worker, case, other_institution, sections=["profile", "name"])


def snapshot(referral):
    referral.refresh_from_db()
    return (referral.status, referral.payload, referral.responded_at, referral.revoked_at)


# --- The receiving side ------------------------------------------------------------------------


def test_users_who_receive_referrals_at_the_institution_see_it(
    as_user, referral, receiver, inspector
):
    for user in (receiver, inspector):
        client = as_user(user)
        listing = text_of(client.get(url("referrals_incoming")))
        assert url("referral_detail", referral.pk) in listing
        page = client.get(url("referral_detail", referral.pk))
        assert page.status_code == 200
        assert PURPOSE in text_of(page)
        assert referral.case.code in text_of(page)  # the profile's pseudonymous code


def test_other_institutions_and_non_receivers_get_not_found(
    as_user, referral, outsider, make_user, other_institution
):
    client = as_user(outsider)
    assert client.get(url("referral_detail", referral.pk)).status_code == 404
    assert url("referral_detail", referral.pk) not in text_of(client.get(url("referrals_incoming")))
    viewer = make_user("viewer", username="viewer", institution=other_institution)
    client = as_user(viewer)
    assert client.get(url("referral_detail", referral.pk)).status_code == 404
    assert client.get(url("referrals_incoming")).status_code == 403


def test_the_receiver_cannot_open_the_case(as_user, named_referral, receiver):
    case = named_referral.case
    with pytest.raises(NotFound):
        selectors.case_get(receiver, case.code)
    client = as_user(receiver)
    assert client.get(url("case_detail", case.code)).status_code == 404
    assert client.get(url("referral_create", case.code)).status_code == 404
    assert client.get(url("consent", case.code)).status_code == 404
    page = text_of(client.get(url("referral_detail", named_referral.pk)))
    assert f"/cases/{case.code}/" not in page  # no link to the case anywhere on the page


def test_the_copy_shows_only_the_shared_sections(as_user, referral, receiver):
    page = text_of(as_user(receiver).get(url("referral_detail", referral.pk)))
    assert "Pseudonymous profile" in page and "Female" in page and "24–26" in page
    for identity in ("Elena", "Trajkovska", "2000-05-17"):
        assert identity not in page
    assert not AuditEvent.objects.filter(action="read", target_type="cases.casereferral").exists()


def test_shared_identity_is_shown_to_the_receiver_and_the_read_audited(
    as_user, named_referral, receiver
):
    page = text_of(as_user(receiver).get(url("referral_detail", named_referral.pk)))
    assert "Elena" in page and "Trajkovska" in page
    assert "2000-05-17" not in page  # the birth date was not shared
    read = AuditEvent.objects.get(
        action="read", target_type="cases.casereferral", target_id=str(named_referral.pk)
    )
    assert read.actor == receiver
    assert "name" in read.purpose


def test_the_sending_side_sees_status_and_revoke_but_not_the_copy(as_user, named_referral, worker):
    page = text_of(as_user(worker).get(url("referral_detail", named_referral.pk)))
    assert "Pending" in page and url("referral_revoke", named_referral.pk) in page
    assert url("referral_respond", named_referral.pk) not in page
    assert "Elena" not in page
    assert not AuditEvent.objects.filter(action="read", target_type="cases.casereferral").exists()


def test_the_copy_is_no_way_around_the_right_to_read_identity(
    named_referral, worker, supervisor, outsider
):
    reads = AuditEvent.objects.filter(action="read", target_type="cases.casereferral")
    # The supervisor sees the case but is not on its team, so may not read identity data.
    assert set(selectors.referral_payload_for(supervisor, named_referral)) == {"profile"}
    assert not reads.exists()
    copy = selectors.referral_payload_for(worker, named_referral)
    assert copy["name"]["family_name"] == "Trajkovska"
    assert reads.get().actor == worker
    with pytest.raises(NotFound):
        selectors.referral_payload_for(outsider, named_referral)


# --- Consent and its override ------------------------------------------------------------------


def test_no_consent_blocks_the_referral_and_writes_nothing(worker, case, other_institution):
    audit_rows = AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(ConsentRequired) as refused:
        refer(worker, case, other_institution)
    assert "no consent to sharing with institutions in the country" in refused.value.message
    assert not CaseReferral.objects.exists()
    assert AuditEvent.objects.count() == audit_rows


def test_the_page_says_consent_is_required_and_writes_nothing(
    as_user, worker, case, other_institution
):
    client = as_user(worker)
    form = text_of(client.get(url("referral_create", case.code)))
    assert "None on record" in form
    assert "Legal basis for sharing without consent" not in form  # no right to override
    response = client.post(
        url("referral_create", case.code),
        {
            "to_institution": other_institution.pk,
            "reason": "accommodation",
            "purpose": PURPOSE,
            "sections": ["profile"],
            "respond_by": TODAY().isoformat(),
            # A case worker sending the override fields anyway: they are not part of the form.
            "override_legal_basis": "Law on social protection, art. 12",
            "override_reason": "Urgent",
        },
    )
    assert response.status_code == 200
    assert "There is no consent to sharing with institutions in the country" in text_of(response)
    assert not CaseReferral.objects.exists()


def test_a_case_worker_without_the_right_cannot_override(worker, case, other_institution):
    with pytest.raises(AccessDenied):
        refer(
            worker,
            case,
            other_institution,
            override_legal_basis="Criminal Procedure Code, art. 143",
            override_reason="The person is in danger",
        )
    assert not CaseReferral.objects.exists()


def test_a_supervisor_overrides_on_a_legal_basis_and_it_is_audited(
    supervisor, case, other_institution
):
    basis = "Criminal Procedure Code, art. 143"
    referral = refer(
        supervisor,
        case,
        other_institution,
        override_legal_basis=basis,
        override_reason="The person is in immediate danger",
    )
    assert referral.consent is None and referral.override_by == supervisor
    event = AuditEvent.objects.get(action="cases.referral_override")
    # The override is audited as one, by whom; the typed basis stays encrypted with the referral.
    assert event.actor == supervisor and event.after["override_by_id"] == supervisor.pk
    assert basis not in str(event.after) + event.purpose
    assert CaseReferral.objects.get(pk=referral.pk).override_legal_basis == basis


def test_an_override_needs_both_the_legal_basis_and_the_reason(supervisor, case, other_institution):
    with translation.override("en"), pytest.raises(CaseInputError) as refused:
        refer(supervisor, case, other_institution, override_legal_basis="Law, art. 1")
    assert "override_legal_basis" in refused.value.message_dict
    assert not CaseReferral.objects.exists()


def test_the_page_offers_the_override_to_a_supervisor(as_user, supervisor, case, other_institution):
    client = as_user(supervisor)
    assert "Legal basis for sharing without consent" in text_of(
        client.get(url("referral_create", case.code))
    )
    response = client.post(
        url("referral_create", case.code),
        {
            "to_institution": other_institution.pk,
            "reason": "investigation",
            "purpose": PURPOSE,
            "sections": ["profile"],
            "respond_by": TODAY().isoformat(),
            "override_legal_basis": "Criminal Procedure Code, art. 143",
            "override_reason": "Immediate danger",
        },
    )
    referral = CaseReferral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("referral_detail", referral.pk)
    assert referral.override_legal_basis == "Criminal Procedure Code, art. 143"


def test_a_referral_abroad_needs_consent_to_sharing_abroad(worker, case, consent, abroad):
    with translation.override("en"), pytest.raises(ConsentRequired) as refused:
        refer(worker, case, abroad)
    assert "abroad" in refused.value.message
    assert not CaseReferral.objects.exists()
    consent_to(worker, case, ConsentScope.SHARING_ABROAD)
    referral = refer(worker, case, abroad)
    assert referral.cross_border is True
    assert referral.consent.scope == ConsentScope.SHARING_ABROAD


def test_withdrawn_consent_no_longer_counts(worker, case, consent, other_institution):
    consent_withdraw(actor=worker, consent=consent, withdrawn_on=TODAY())
    with pytest.raises(ConsentRequired):
        refer(worker, case, other_institution)
    assert not CaseReferral.objects.exists()


# --- Statuses ----------------------------------------------------------------------------------


def test_pending_then_accepted_then_completed(as_user, named_referral, receiver):
    client = as_user(receiver)
    response = client.post(
        url("referral_respond", named_referral.pk), {"decision": "accept", "note": "We have room"}
    )
    assert response.status_code == 302
    named_referral.refresh_from_db()
    assert named_referral.status == ReferralStatus.ACCEPTED
    assert named_referral.responded_by == receiver and named_referral.payload  # copy kept
    page = text_of(client.get(url("referral_detail", named_referral.pk)))
    assert url("referral_complete", named_referral.pk) in page
    client.post(url("referral_complete", named_referral.pk), {"note": "Placed in the shelter"})
    named_referral.refresh_from_db()
    assert named_referral.status == ReferralStatus.COMPLETED
    assert named_referral.completed_at is not None
    assert named_referral.response_note == "Placed in the shelter"
    actions = set(
        AuditEvent.objects.filter(target_id=str(named_referral.pk)).values_list("action", flat=True)
    )
    assert {"cases.referral_accept", "cases.referral_complete"} <= actions


def test_a_rejection_needs_a_note_and_erases_the_copy(as_user, named_referral, receiver):
    client = as_user(receiver)
    before = snapshot(named_referral)
    response = client.post(url("referral_respond", named_referral.pk), {"decision": "reject"})
    assert response.status_code == 200
    assert "Say why the referral is rejected." in text_of(response)
    assert snapshot(named_referral) == before
    client.post(
        url("referral_respond", named_referral.pk),
        {"decision": "reject", "note": "No place for a woman with a child"},
    )
    named_referral.refresh_from_db()
    assert named_referral.status == ReferralStatus.REJECTED and named_referral.payload is None
    page = text_of(client.get(url("referral_detail", named_referral.pk)))
    assert "Elena" not in page and "No shared data" in page and PURPOSE not in page


def test_a_revoked_referral_leaves_the_receiver_nothing(as_user, named_referral, worker, receiver):
    response = as_user(worker).post(
        url("referral_revoke", named_referral.pk), {"reason": "The person withdrew"}
    )
    assert response.status_code == 302
    named_referral.refresh_from_db()
    assert named_referral.status == ReferralStatus.REVOKED and named_referral.payload is None
    client = as_user(receiver)
    page = text_of(client.get(url("referral_detail", named_referral.pk)))
    assert "Revoked" in page
    assert "Elena" not in page and PURPOSE not in page
    assert url("referral_respond", named_referral.pk) not in page
    before = snapshot(named_referral)
    answer = client.post(
        url("referral_respond", named_referral.pk), {"decision": "accept"}, follow=True
    )
    assert "already been answered or withdrawn" in text_of(answer)
    assert snapshot(named_referral) == before


def test_answering_twice_is_refused(as_user, referral, receiver):
    referral_respond(actor=receiver, referral=referral, accept=True)
    before = snapshot(referral)
    with translation.override("en"), pytest.raises(WrongState):
        referral_respond(actor=receiver, referral=referral, accept=False, note="Changed our mind")
    response = as_user(receiver).post(
        url("referral_respond", referral.pk), {"decision": "reject", "note": "No"}, follow=True
    )
    assert "This referral has already been answered" in text_of(response)
    assert snapshot(referral) == before


def test_revoking_twice_is_refused(worker, referral):
    referral_revoke(actor=worker, referral=referral, reason="Sent by mistake")
    with translation.override("en"), pytest.raises(WrongState):
        referral_revoke(actor=worker, referral=referral, reason="Again")


@pytest.mark.parametrize(
    ("who", "view", "data", "status"),
    [
        ("outsider", "referral_respond", {"decision": "accept"}, 404),
        ("outsider", "referral_revoke", {"reason": "x"}, 404),
        ("outsider", "referral_complete", {}, 404),
        ("worker", "referral_respond", {"decision": "accept"}, 403),
        ("worker", "referral_complete", {}, 403),
        ("receiver", "referral_revoke", {"reason": "We do not want it"}, 403),
    ],
)
def test_denied_posts_change_nothing(
    request, as_user, named_referral, receiver, who, view, data, status
):
    user = request.getfixturevalue(who)
    before = snapshot(named_referral)
    audit_rows = AuditEvent.objects.count()
    assert as_user(user).post(url(view, named_referral.pk), data).status_code == status
    assert snapshot(named_referral) == before
    assert AuditEvent.objects.exclude(action__startswith="auth").count() == audit_rows


# --- Deadlines ---------------------------------------------------------------------------------


def test_the_default_deadline_comes_from_the_settings(
    settings, as_user, worker, case, consent, other_institution
):
    settings.FENER_REFERRAL_RESPONSE_DAYS = 7
    expected = TODAY() + datetime.timedelta(days=7)
    assert refer(worker, case, other_institution).respond_by == expected
    page = text_of(as_user(worker).get(url("referral_create", case.code)))
    assert f'value="{expected.isoformat()}"' in page


def test_a_deadline_in_the_past_is_refused(worker, case, consent, other_institution):
    with translation.override("en"), pytest.raises(CaseInputError) as refused:
        refer(worker, case, other_institution, respond_by=TODAY() - datetime.timedelta(days=1))
    assert refused.value.message_dict == {"respond_by": ["The deadline cannot be in the past."]}
    assert not CaseReferral.objects.exists()


def test_pending_referrals_come_first_and_overdue_ones_are_marked(
    as_user, worker, case, consent, other_institution, receiver
):
    answered = refer(worker, case, other_institution)
    referral_respond(actor=receiver, referral=answered, accept=True)
    waiting = refer(worker, case, other_institution)
    CaseReferral.objects.filter(pk=waiting.pk).update(
        respond_by=TODAY() - datetime.timedelta(days=2)
    )
    page = text_of(as_user(receiver).get(url("referrals_incoming")))
    links = re.findall(r'href="/en/cases/referrals/(\d+)/"', page)
    assert links == [str(waiting.pk), str(answered.pk)]
    assert page.count(">overdue<") == 1
    assert [r.pk for r in selectors.incoming_referrals(receiver, open_only=True)] == [
        waiting.pk,
        answered.pk,
    ]


# --- The referral form ----------------------------------------------------------------------


def test_identity_sections_are_offered_only_to_those_who_may_read_identity(
    as_user, worker, supervisor, case, consent, other_institution
):
    assert 'value="name"' in text_of(as_user(worker).get(url("referral_create", case.code)))
    client = as_user(supervisor)  # supervises the case but is not on its team
    assert 'value="name"' not in text_of(client.get(url("referral_create", case.code)))
    response = client.post(
        url("referral_create", case.code),
        {
            "to_institution": other_institution.pk,
            "reason": "accommodation",
            "purpose": PURPOSE,
            "sections": ["profile", "name"],
            "respond_by": TODAY().isoformat(),
        },
    )
    assert response.status_code == 200
    assert not CaseReferral.objects.exists()


def test_the_form_groups_institutions_and_refers_with_the_chosen_sections(
    as_user, worker, case, consent, other_institution, abroad
):
    client = as_user(worker)
    page = text_of(client.get(url("referral_create", case.code)))
    assert '<optgroup label="Abroad">' in page and "Tirana police (AL)" in page
    assert f'<option value="{case.owner_institution_id}"' not in page  # not to itself
    response = client.post(
        url("referral_create", case.code),
        {
            "to_institution": other_institution.pk,
            "reason": "additional_services",
            "purpose": PURPOSE,
            "sections": ["exploitation"],
            "respond_by": TODAY().isoformat(),
        },
    )
    referral = CaseReferral.objects.get()
    assert response["Location"] == url("referral_detail", referral.pk)
    assert referral.shared_sections == ["profile", "exploitation"]
    assert set(referral.payload) == {"profile", "exploitation"}


def test_only_those_who_may_refer_open_the_form(as_user, make_user, worker, case, outsider):
    observer = make_user("case_worker", username="observer")
    team_add(actor=worker, case=case, user=observer, role=TeamRole.OBSERVER)
    assert as_user(observer).get(url("referral_create", case.code)).status_code == 403
    assert as_user(outsider).get(url("referral_create", case.code)).status_code == 404


def test_the_copy_is_shown_with_labels_for_its_codes():
    from fener.cases.views.referrals import present_payload

    with translation.override("en"):
        blocks = present_payload(
            {
                "exploitation": {
                    "recruitment_methods": ["intimate_partner"],
                    "exploitation_forms": ["forced_begging", "unknown-form"],
                    "forced_labour_industry": "A",
                    "control_methods": ["debt_bondage"],
                },
                "screenings": [
                    {
                        "interviewed_on": "2025-03-01",
                        "indicator_set": "adult_labour",
                        "recommendation": "further_assessment",
                        "present": ["ec_excessive_hours"],
                    }
                ],
                "support_plan": {
                    "objectives": "Stable housing",
                    "goals": [{"domain": "housing", "description": "A flat", "status": "open"}],
                },
                "profile": {"sex": "male", "age_band": "9-17", "is_child": True},
            }
        )
    assert [block.code for block in blocks] == [
        "profile",
        "exploitation",
        "screenings",
        "support_plan",
    ]
    lines = {label: value for block in blocks for label, value in block.rows}
    assert lines["Sex"] == "Male" and lines["Age band"] == "9–17" and lines["Child"] == "yes"
    assert lines["Recruited"] == 'By an intimate partner ("lover boy")'
    assert lines["Forms of exploitation"] == "Forced begging, unknown-form"
    assert lines["Forced-labour industry"] == "A — Agriculture, forestry and fishing"
    assert lines["Methods of control"] == "Debt bondage"
    assert "Some indicators present: assess further" in lines["Interview of 2025-03-01"]
    assert lines["Housing"] == "A flat (Open)"
