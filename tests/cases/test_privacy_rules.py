"""Rules that keep identity where it belongs: referral races, free text out of the audit log,
members abroad, closed and anonymised cases, receivers without the identity right."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone, translation

from fener.cases.models import Case, CaseNote, CaseReferral, FollowUp
from fener.cases.selectors import referral_payload_for
from fener.cases.services import cases as case_services
from fener.cases.services import identity as identity_services
from fener.cases.services import referrals as referral_services
from fener.cases.services import safeguards
from fener.cases.services.errors import ConsentRequired, WrongState
from fener.cases.services.retention import retention_apply
from fener.cases.services.support import follow_up_add
from fener.core.access import allowed, restrict
from fener.core.models import AuditEvent, InstitutionType
from tests.factories import InstitutionFactory

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def worker(make_user):
    return make_user("case_worker", username="worker")


@pytest.fixture
def shelter(db):
    return InstitutionFactory(key="shelter", type=InstitutionType.SHELTER)


def _case(worker, **profile):
    case = case_services.case_open(
        actor=worker,
        registered_on=TODAY() - datetime.timedelta(days=30),
        profile={"sex": "female", "age_at_registration": 27, **profile},
    )
    identity_services.identity_save(
        actor=worker,
        case=case,
        data=identity_services.IdentityInput(given_name="Vesna", family_name="Kitanovska"),
    )
    return Case.objects.get(pk=case.pk)


def _shared_referral(worker, case, to):
    safeguards.consent_record(
        actor=worker, case=case, scope="sharing_national", method="written", given_on=TODAY()
    )
    return referral_services.referral_create(
        actor=worker,
        case=case,
        to_institution=to,
        reason="accommodation",
        purpose="A room for Vesna Kitanovska",
        sections=["profile", "name"],
    )


def _audit_text():
    return " ".join(
        f"{e.before} {e.after} {e.purpose} {e.target_label}" for e in AuditEvent.objects.all()
    )


@pytest.mark.django_db
def test_an_answer_racing_a_revocation_cannot_bring_the_copy_back(worker, shelter, make_user):
    receiver = make_user("case_worker", username="receiver", institution=shelter)
    case = _case(worker)
    referral = _shared_referral(worker, case, shelter)
    stale = CaseReferral.objects.get(pk=referral.pk)  # the receiver opened it before the revocation
    referral_services.referral_revoke(actor=worker, referral=referral, reason="Vesna moved away")
    with pytest.raises(WrongState):
        referral_services.referral_respond(actor=receiver, referral=stale, accept=True)
    stored = CaseReferral.objects.get(pk=referral.pk)
    assert (stored.status, stored.payload, stored.purpose) == ("revoked", None, "")
    assert stored.revoke_reason == "Vesna moved away"  # kept with the referral, encrypted
    assert "Vesna" not in _audit_text()


@pytest.mark.django_db
def test_free_text_never_reaches_the_audit_log(worker):
    case = _case(worker, age_when_trafficked=19)
    follow_up_add(
        actor=worker, case=case, due_on=TODAY(), task="Call Vesna at her aunt's in Tetovo"
    )
    case = case_services.case_close(
        actor=worker, case=case, expected_version=case.version, reason="declined"
    )
    case_services.case_reopen(
        actor=worker, case=case, expected_version=case.version, reason="Vesna came back to Ohrid"
    )
    audit = _audit_text()
    for text in ("Vesna", "Tetovo", "Ohrid", "'age_at_registration'", "'municipality_id'"):
        assert text not in audit, text
    # Ages only as CTDC bands (audit rows outlive retention's generalisation).
    assert "'age_band_at_registration': '27-29'" in audit
    assert "'age_band_when_trafficked': '18-20'" in audit
    assert CaseNote.objects.get(case=case).text == "Case reopened: Vesna came back to Ohrid"
    with connection.cursor() as cursor:
        cursor.execute("SELECT task FROM cases_followup")
        assert all("Vesna" not in row[0] for row in cursor.fetchall())
    assert FollowUp.objects.get(case=case).task.startswith("Call Vesna")


@pytest.mark.django_db
def test_a_member_abroad_needs_consent_to_sharing_abroad(worker, make_user):
    tirana = InstitutionFactory(key="al-police", type=InstitutionType.POLICE, country="AL")
    officer = make_user("police_investigator", username="al-officer", institution=tirana)
    case = _case(worker)
    with pytest.raises(ConsentRequired, match="sharing abroad"):
        case_services.team_add(actor=worker, case=case, user=officer, role="police_liaison")
    assert not allowed(officer, "view", case)
    safeguards.consent_record(
        actor=worker, case=case, scope="sharing_abroad", method="written", given_on=TODAY()
    )
    case_services.team_add(actor=worker, case=case, user=officer, role="police_liaison")
    assert AuditEvent.objects.filter(action="cases.team_add_abroad").count() == 1


@pytest.mark.django_db
def test_nothing_is_added_to_a_closed_or_anonymised_case(worker, home_institution):
    case = _case(worker)
    case = case_services.case_close(
        actor=worker, case=case, expected_version=case.version, reason="goals_achieved"
    )
    for write in (
        lambda: case_services.note_add(actor=worker, case=case, text="Seen in Skopje"),
        lambda: safeguards.consent_record(
            actor=worker, case=case, scope="statistics", method="oral", given_on=TODAY()
        ),
        lambda: safeguards.protection_measure_record(
            actor=worker,
            case=case,
            kind="protection_order",
            issued_by=home_institution,
            issued_on=TODAY(),
        ),
    ):
        with pytest.raises(WrongState, match="closed case"):
            write()
    Case.objects.filter(pk=case.pk).update(retention_until=TODAY())
    retention_apply()
    case.refresh_from_db()
    with pytest.raises(WrongState, match="anonymised"):
        identity_services.identity_save(
            actor=worker, case=case, data=identity_services.IdentityInput(given_name="Vesna")
        )
    assert not CaseNote.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_receiver_without_the_identity_right_gets_the_copy_without_identity(worker, make_user):
    inspectorate = InstitutionFactory(key="inspectorate", type=InstitutionType.LABOUR_INSPECTORATE)
    inspector = make_user("labour_inspector", username="inspector", institution=inspectorate)
    social = make_user("case_worker", username="social", institution=inspectorate)
    case = _case(worker)
    referral = _shared_referral(worker, case, inspectorate)
    assert set(referral_payload_for(inspector, referral)) == {"profile"}
    assert referral_payload_for(social, referral)["name"]["family_name"] == "Kitanovska"
    reads = AuditEvent.objects.filter(action="read", target_id=str(referral.pk))
    assert [e.actor for e in reads] == [social]


@pytest.mark.django_db
def test_a_childs_own_consent_does_not_count_for_sharing(worker, shelter, home_institution):
    case = _case(worker, age_at_registration=19)
    safeguards.consent_record(
        actor=worker, case=case, scope="sharing_national", method="written", given_on=TODAY()
    )
    # The age turns out to be 16: only the guardian's consent counts from now on.
    case = case_services.case_update_profile(
        actor=worker, case=case, expected_version=case.version, changes={"age_at_registration": 16}
    )
    assert case.is_child
    assert safeguards.active_consent(case, "sharing_national", TODAY()) is None
    with pytest.raises(ConsentRequired):
        referral_services.referral_create(
            actor=worker, case=case, to_institution=shelter, reason="accommodation", purpose="Room"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action", ["decide_status", "override_consent", "view", "change", "read_identity"]
)
def test_list_and_single_decisions_agree_on_privileged_actions(
    worker, make_user, other_institution, action
):
    supervisor = make_user("case_supervisor", username="supervisor")
    police = make_user("police_investigator", username="officer", institution=other_institution)
    observer = make_user("case_worker", username="observer")
    case = _case(worker)
    case_services.team_add(actor=worker, case=case, user=police, role="police_liaison")
    case_services.team_add(actor=worker, case=case, user=observer, role="observer")
    for user in (worker, supervisor, police, observer):
        listed = restrict(Case.objects.all(), user, action).filter(pk=case.pk).exists()
        assert listed == allowed(user, action, case), (user.username, action)


@pytest.mark.django_db
def test_withdrawing_consent_to_sharing_abroad_ends_the_memberships_abroad(worker, make_user):
    tirana = InstitutionFactory(key="al-police", type=InstitutionType.POLICE, country="AL")
    officer = make_user("police_investigator", username="al-officer", institution=tirana)
    case = _case(worker)
    consent = safeguards.consent_record(
        actor=worker, case=case, scope="sharing_abroad", method="written", given_on=TODAY()
    )
    case_services.team_add(actor=worker, case=case, user=officer, role="police_liaison")
    assert allowed(officer, "read_identity", case)
    safeguards.consent_withdraw(actor=worker, consent=consent, withdrawn_on=TODAY())
    assert not allowed(officer, "view", case)
    event = AuditEvent.objects.get(action="cases.team_remove_abroad")
    assert event.after["members"] == ["al-officer"]
    with pytest.raises(WrongState):
        safeguards.consent_withdraw(actor=worker, consent=consent, withdrawn_on=TODAY())


@pytest.mark.django_db
def test_a_closed_case_found_to_be_a_childs_keeps_a_childs_retention(worker):
    case = _case(worker)
    case = case_services.case_close(
        actor=worker, case=case, expected_version=case.version, reason="declined"
    )
    assert case.retention_until == case.closed_on.replace(year=case.closed_on.year + 5)
    case = case_services.case_update_profile(
        actor=worker, case=case, expected_version=case.version, changes={"age_at_registration": 16}
    )
    case.refresh_from_db()
    assert case.is_child
    assert case.retention_until == case.closed_on.replace(year=case.closed_on.year + 10)


@pytest.mark.django_db
def test_anonymisation_ends_the_open_referrals(worker, shelter):
    case = _case(worker)
    referral = _shared_referral(worker, case, shelter)
    case = case_services.case_close(
        actor=worker,
        case=Case.objects.get(pk=case.pk),
        expected_version=Case.objects.get(pk=case.pk).version,
        reason="declined",
    )
    Case.objects.filter(pk=case.pk).update(retention_until=TODAY())
    retention_apply()
    referral.refresh_from_db()
    assert (referral.status, referral.payload, referral.purpose) == ("revoked", None, "")


@pytest.mark.django_db
def test_a_write_waiting_on_a_retention_run_is_refused(worker):
    """The early check passed on a copy read before the case was anonymised; the write's own
    transaction sees the anonymisation and refuses."""
    case = _case(worker)
    stale = Case.objects.get(pk=case.pk)
    closed = case_services.case_close(
        actor=worker,
        case=Case.objects.get(pk=case.pk),
        expected_version=stale.version,
        reason="declined",
    )
    Case.objects.filter(pk=closed.pk).update(retention_until=TODAY())
    retention_apply()
    from fener.cases.services.state import lock_writable

    with pytest.raises(WrongState, match="meanwhile"):
        lock_writable(stale, closed_too=True)
