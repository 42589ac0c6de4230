"""REST API of case management: the same gatekeeper as the pages, identity only for a stated
purpose, optimistic locking, consent and child safeguards answered as 409 with nothing written."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from rest_framework.test import APIClient

from fener.cases.models import Case, CaseReferral, Consent, Screening, StatusDecision
from fener.cases.services import cases as case_services
from fener.cases.services import identity as identity_services
from fener.cases.services.safeguards import consent_record
from fener.core.models import AuditEvent
from fener.core.services.authentication import api_token_create

CASES = "/api/v1/cases/"
REFERRALS = "/api/v1/case-referrals/"
TODAY = datetime.date.today
IDENTITY_VALUES = ("Petrovska", "Ana", "+38970123456", "ana.petrovska@example.org", "M1234567")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _client(user):
    """A token client that asks for English answers."""
    _instance, token = api_token_create(user=user, days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def worker(make_user):
    return make_user("case_worker", username="worker")


@pytest.fixture
def case(worker):
    """An adult's case on the worker's team, with identity data in the vault."""
    opened = case_services.case_open(
        actor=worker,
        profile={"sex": "female", "age_at_registration": 24, "citizenship": ["MK"]},
    )
    identity_services.identity_save(
        actor=worker,
        case=opened,
        data=identity_services.IdentityInput(
            given_name="Ana",
            family_name="Petrovska",
            birth_date=datetime.date(2001, 3, 14),
            phones=["070 123 456"],
            emails=["ana.petrovska@example.org"],
            identity_numbers=[{"kind": "passport", "number": "M1234567", "country": "MK"}],
        ),
    )
    return Case.objects.get(pk=opened.pk)


@pytest.fixture
def receiver(make_user, other_institution):
    return make_user("case_worker", username="receiver", institution=other_institution)


def _add_to_team(worker, case, user, role):
    case_services.team_add(actor=worker, case=case, user=user, role=role)


def _consent(worker, case, scope):
    return consent_record(
        actor=worker, case=case, scope=scope, method="written", given_on=timezone.localdate()
    )


def _audit_count(action):
    return AuditEvent.objects.filter(action=action).count()


# --- Authentication -------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_callers_are_refused(case):
    anonymous = APIClient()
    assert anonymous.get(CASES).status_code == 401
    assert anonymous.get(f"{CASES}{case.code}/").status_code == 401
    assert (
        anonymous.post(f"{CASES}{case.code}/identity/", {"purpose": "contact"}).status_code == 401
    )


@pytest.mark.django_db
def test_a_logged_in_browser_session_reads_and_writes_too(case, worker, login):
    client = login(worker)
    listed = client.get(CASES)
    assert listed.status_code == 200
    assert [row["code"] for row in listed.json()["results"]] == [case.code]
    changed = client.patch(
        f"{CASES}{case.code}/",
        json.dumps({"version": case.version, "primary_language": "sq"}),
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.json()
    case.refresh_from_db()
    assert case.primary_language == "sq"


# --- Lists and details ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_visible_cases_by_code_without_identity(case, worker, make_user):
    other_worker = make_user("case_worker", username="other-worker")
    case_services.case_open(actor=other_worker, profile={"sex": "male"})
    response = _client(worker).get(CASES)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    row = response.json()["results"][0]
    assert row == {
        "code": case.code,
        "status": "active",
        "trafficking_status": "possible",
        "sex": "female",
        "age_band": "24-26",
        "is_child": False,
        "citizenship": ["MK"],
        "registered_on": case.registered_on.isoformat(),
        "owner_institution": "home-institution",
        "version": case.version,
    }
    for value in IDENTITY_VALUES:
        assert value not in response.content.decode()


@pytest.mark.django_db
def test_the_list_and_detail_cost_the_same_queries_however_much_there_is(case, worker, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(worker)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    detail_url = f"{CASES}{case.code}/"
    list_before, detail_before = queries(CASES), queries(detail_url)
    for number in range(3):
        case_services.case_open(actor=worker, profile={"sex": "male"})
        member = make_user("case_worker", username=f"member-{number}")
        _add_to_team(worker, case, member, "social_worker")
        _consent(worker, case, "assistance")
    assert queries(CASES) == list_before
    assert queries(detail_url) == detail_before


@pytest.mark.django_db
def test_the_list_filters_by_status_and_refuses_unknown_filter_values(case, worker):
    client = _client(worker)
    assert client.get(CASES, {"status": "active"}).json()["count"] == 1
    assert client.get(CASES, {"status": "closed"}).json()["count"] == 0
    assert client.get(CASES, {"trafficking_status": "possible"}).json()["count"] == 1
    assert client.get(CASES, {"trafficking_status": "presumed"}).json()["count"] == 0
    refused = client.get(CASES, {"trafficking_status": "victim"})
    assert refused.status_code == 400
    assert "trafficking_status" in refused.json()


@pytest.mark.django_db
def test_the_detail_shows_profile_team_and_decisions_but_never_identity(case, worker):
    case_services.status_decide(
        actor=worker,
        case=case,
        expected_version=case.version,
        to_status="presumed",
        decided_on=timezone.localdate(),
        reasons="Debt bondage and withheld passport described in the interview.",
    )
    response = _client(worker).get(f"{CASES}{case.code}/")
    assert response.status_code == 200
    body = response.json()
    assert body["trafficking_status"] == "presumed"
    assert body["team"] == [
        {"username": "worker", "institution": "home-institution", "role": "case_manager"}
    ]
    assert body["status_decisions"][0]["reasons"].startswith("Debt bondage")
    assert body["status_decisions"][0]["deciding_institution"] == "home-institution"
    for value in IDENTITY_VALUES:
        assert value not in response.content.decode()


# --- The access matrix ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_case_hidden_from_the_caller_answers_exactly_like_a_missing_one(case, make_user):
    stranger = _client(make_user("case_worker", username="not-on-team"))
    hidden = stranger.get(f"{CASES}{case.code}/")
    missing = stranger.get(f"{CASES}FN-2000-NOSUCH/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert stranger.get(CASES).json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "detail", "patch", "identity", "consent"),
    [
        ("manager", 200, 200, 200, 201),
        ("member", 200, 200, 200, 201),
        ("observer", 200, 403, 403, 403),
        ("supervisor", 200, 200, 403, 201),
        ("colleague", 404, 404, 404, 404),
        ("other_institution", 404, 404, 404, 404),
        ("labour_inspector", 404, 404, 404, 404),
    ],
)
def test_access_matrix(who, detail, patch, identity, consent, case, worker, make_user):
    """Roles × team membership × institution × action, as on the pages; a refusal writes nothing."""
    from fener.core.models import Institution

    elsewhere = Institution.objects.create(
        key="elsewhere", type="ngo", name_mk="x", name_sq="x", name_en="x", country="MK"
    )
    users = {
        "manager": worker,
        "member": make_user("case_worker", username="member"),
        "observer": make_user("case_worker", username="observer"),
        "supervisor": make_user("case_supervisor", username="supervisor"),
        "colleague": make_user("case_worker", username="colleague"),
        "other_institution": make_user("case_worker", username="far", institution=elsewhere),
        "labour_inspector": make_user("labour_inspector", username="inspector"),
    }
    _add_to_team(worker, case, users["member"], "social_worker")
    _add_to_team(worker, case, users["observer"], "observer")
    case.refresh_from_db()
    client = _client(users[who])
    audit_before = AuditEvent.objects.count()
    url = f"{CASES}{case.code}/"

    assert client.get(url).status_code == detail
    patched = client.patch(url, {"version": case.version, "sex": "male"}, format="json")
    assert patched.status_code == patch
    read = client.post(f"{url}identity/", {"purpose": "contact"}, format="json")
    assert read.status_code == identity
    consented = client.post(
        f"{url}consents/",
        {"scope": "assistance", "method": "oral", "given_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert consented.status_code == consent

    case.refresh_from_db()
    if patch != 200:
        assert case.sex == "female"
        assert (AuditEvent.objects.count() - audit_before) == (identity == 200) + (consent == 201)
    if identity != 200:
        assert not AuditEvent.objects.filter(action="read", actor=users[who]).exists()
    if consent != 201:
        assert not Consent.objects.filter(case=case).exists()
    if patch == 403:
        assert "not allow" in patched.json()["detail"]


@pytest.mark.django_db
def test_decision_reasons_are_for_team_members_only(case, worker, make_user):
    case_services.status_decide(
        actor=worker,
        case=case,
        expected_version=case.version,
        to_status="presumed",
        decided_on=timezone.localdate(),
        reasons="She described being locked in at night.",
    )
    supervisor = _client(make_user("case_supervisor", username="supervisor"))
    body = supervisor.get(f"{CASES}{case.code}/").json()
    assert body["status_decisions"][0]["to_status"] == "presumed"
    assert body["status_decisions"][0]["reasons"] is None
    assert "locked in" not in json.dumps(body)


@pytest.mark.django_db
def test_a_role_that_cannot_open_cases_is_refused_and_nothing_is_created(make_user):
    inspector = _client(make_user("labour_inspector"))
    response = inspector.post(CASES, {"sex": "female"}, format="json")
    assert response.status_code == 403
    assert not Case.objects.exists()


# --- Opening and changing -------------------------------------------------------------------


@pytest.mark.django_db
def test_opening_a_case_makes_the_caller_its_case_manager(worker):
    response = _client(worker).post(
        CASES,
        {
            "sex": "female",
            "age_at_registration": 16,
            "citizenship": ["al"],
            "recruitment_methods": ["online_social_network"],
            "exploitation_forms": ["sexual_exploitation"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["is_child"] is True
    assert body["citizenship"] == ["AL"]
    assert body["exploitation_forms"] == ["sexual_exploitation"]
    assert body["team"] == [
        {"username": "worker", "institution": "home-institution", "role": "case_manager"}
    ]
    case = Case.objects.get(code=body["code"])
    assert case.owner_institution.key == "home-institution"
    assert AuditEvent.objects.filter(action="cases.open", target_id=str(case.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sex": "robot"}, "sex"),
        ({"age_at_registration": "twenty"}, "age_at_registration"),
        ({"age_at_registration": 300}, "age_at_registration"),
        ({"citizenship": ["Macedonia"]}, "citizenship"),
        ({"recruitment_methods": ["telepathy"]}, "recruitment_methods"),
        ({"exploitation_forms": ["no-such-form"]}, "exploitation_forms"),
        ({"municipality": "0000"}, "municipality"),
        ({"registered_on": "2999-01-01"}, "registered_on"),
        ({"code": "FN-MINE"}, "code"),
    ],
)
def test_bad_input_when_opening_is_refused_with_the_field_named(payload, field, worker):
    response = _client(worker).post(CASES, payload, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_a_profile_change_is_saved_audited_and_bumps_the_version(case, worker):
    response = _client(worker).patch(
        f"{CASES}{case.code}/",
        {
            "version": case.version,
            "control_methods": ["debt_bondage"],
            "exploitation_country": "de",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == case.version + 1
    assert response.json()["control_methods"] == ["debt_bondage"]
    case.refresh_from_db()
    assert case.exploitation_country == "DE"
    update = AuditEvent.objects.get(action="cases.update", target_id=str(case.pk))
    assert update.after["control_methods"] == ["debt_bondage"]


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_and_changes_nothing(case, worker, make_user):
    member = make_user("case_worker", username="member")
    _add_to_team(worker, case, member, "psychologist")
    opened_at = case.version
    first = _client(worker).patch(
        f"{CASES}{case.code}/", {"version": opened_at, "sex": "male"}, format="json"
    )
    assert first.status_code == 200
    updates = _audit_count("cases.update")

    second = _client(member).patch(
        f"{CASES}{case.code}/", {"version": opened_at, "primary_language": "ro"}, format="json"
    )
    assert second.status_code == 409
    assert second.json()["code"] == "stale_edit"
    assert "Someone else saved this record" in second.json()["detail"]
    case.refresh_from_db()
    assert case.primary_language == ""
    assert case.version == opened_at + 1
    assert _audit_count("cases.update") == updates


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sex": "male"}, "version"),
        ({"version": "one", "sex": "male"}, "version"),
        ({"version": 1}, "__all__"),
        ({"version": 1, "age_when_trafficked": -4}, "age_when_trafficked"),
        ({"version": 1, "registered_on": "2020-01-01"}, "registered_on"),
        ({"version": 1, "status": "closed"}, "status"),
    ],
)
def test_bad_profile_changes_are_refused_with_the_field_named(payload, field, case, worker):
    response = _client(worker).patch(f"{CASES}{case.code}/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    case.refresh_from_db()
    assert (case.version, case.status, case.sex) == (1, "active", "female")
    assert _audit_count("cases.update") == 0


# --- Identity -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_identity_is_read_for_a_stated_purpose_audited_and_not_cached(case, worker):
    response = _client(worker).post(
        f"{CASES}{case.code}/identity/",
        {"purpose": "contact"},
        format="json",
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert (body["given_name"], body["family_name"]) == ("Ana", "Petrovska")
    assert body["birth_date"] == "2001-03-14"
    assert body["phones"] == ["+38970123456"]
    assert body["identity_numbers"] == [{"kind": "passport", "number": "M1234567", "country": "MK"}]
    assert body["recorded"] is True
    read = AuditEvent.objects.get(action="read", target_id=str(case.pk))
    assert read.actor == worker
    assert read.purpose == "contact: Contacting the person"


@pytest.mark.django_db
def test_a_case_without_identity_data_says_so_and_the_read_is_still_audited(worker):
    case = case_services.case_open(actor=worker, profile={})
    response = _client(worker).post(
        f"{CASES}{case.code}/identity/", {"purpose": "correction"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["recorded"] is False
    assert response.json()["given_name"] == ""
    assert AuditEvent.objects.filter(action="read", purpose__startswith="correction").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    # Free text is refused: the audit log keeps purposes for good, and free text names people.
    [{}, {"purpose": "curiosity"}, {"purpose": "contact", "detail": "the court date"}],
)
def test_identity_needs_a_known_purpose(payload, case, worker):
    response = _client(worker).post(f"{CASES}{case.code}/identity/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) <= {"purpose", "detail"}
    assert not AuditEvent.objects.filter(action="read").exists()


# --- Status decisions -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_status_decision_is_recorded_with_its_reasons(case, worker):
    response = _client(worker).post(
        f"{CASES}{case.code}/status/",
        {
            "to_status": "presumed",
            "decided_on": timezone.localdate().isoformat(),
            "reasons": "Strong indication from the screening.",
            "version": case.version,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["decision"]["from_status"] == "possible"
    assert response.json()["case"]["trafficking_status"] == "presumed"
    assert response.json()["case"]["version"] == case.version + 1
    assert StatusDecision.objects.get(case=case).reasons == "Strong indication from the screening."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "to_status", "status", "code"),
    [
        ("worker", "possible", 409, "wrong_state"),  # no move from a status to itself
        ("worker", "not_a_victim", 403, None),  # a formal decision needs cases.decide_status
        ("stale", "presumed", 409, "stale_edit"),
    ],
)
def test_refused_status_decisions_change_nothing(who, to_status, status, code, case, worker):
    version = case.version - 1 if who == "stale" else case.version
    response = _client(worker).post(
        f"{CASES}{case.code}/status/",
        {
            "to_status": to_status,
            "decided_on": timezone.localdate().isoformat(),
            "reasons": "Because.",
            "version": version,
        },
        format="json",
    )
    assert response.status_code == status, response.json()
    if code:
        assert response.json()["code"] == code
    case.refresh_from_db()
    assert case.trafficking_status == "possible"
    assert not StatusDecision.objects.exists()


@pytest.mark.django_db
def test_a_status_decision_without_reasons_or_with_a_foreign_screening_is_bad_input(case, worker):
    client = _client(worker)
    body = {"to_status": "presumed", "decided_on": timezone.localdate().isoformat()}
    no_reasons = client.post(
        f"{CASES}{case.code}/status/", {**body, "reasons": " ", "version": 1}, format="json"
    )
    assert no_reasons.status_code == 400
    assert "reasons" in no_reasons.json()
    no_screening = client.post(
        f"{CASES}{case.code}/status/",
        {**body, "reasons": "ok", "version": 1, "screening": 999},
        format="json",
    )
    assert no_screening.status_code == 400
    assert "screening" in no_screening.json()
    assert not StatusDecision.objects.exists()


# --- Screening and consent ------------------------------------------------------------------


def _screening_body():
    return {
        "indicator_set": "adult_labour",
        "interviewed_on": timezone.localdate().isoformat(),
        "answers": {
            "dr_deceived_nature_of_job": "present",
            "dr_deceived_wages": "present",
            "ec_excessive_hours": "absent",
        },
        "forced_labour_answers": {"debt_bondage": "present", "deception": "present"},
    }


@pytest.mark.django_db
def test_a_screening_needs_the_interview_consent_first(case, worker):
    response = _client(worker).post(
        f"{CASES}{case.code}/screenings/", _screening_body(), format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "consent_required"
    assert "consent" in response.json()["detail"]
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_a_recorded_screening_answers_with_the_advice_in_sentences(case, worker):
    client = _client(worker)
    consent = client.post(
        f"{CASES}{case.code}/consents/",
        {"scope": "interview", "method": "written", "given_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert consent.status_code == 201
    assert consent.json()["scope"] == "interview"

    response = client.post(f"{CASES}{case.code}/screenings/", _screening_body(), format="json")
    assert response.status_code == 201, response.json()
    advice = response.json()
    assert advice["recommendation"] == "further_assessment"
    assert advice["rule_met"] is False
    assert "Deceptive recruitment is positive" in advice["explanation"][0]
    assert sorted(advice["forced_labour_present"]) == ["debt_bondage", "deception"]
    assert "never decides" in advice["notice"]
    assert Screening.objects.get(pk=advice["id"]).recommendation == "further_assessment"
    detail = client.get(f"{CASES}{case.code}/").json()
    assert detail["screenings"][0]["recommendation"] == "further_assessment"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"indicator_set": "adult_other"}, "indicator_set"),
        ({"answers": {"ec_excessive_hours": "maybe"}}, "answers"),
        ({"answers": {"no_such_indicator": "present"}}, "answers"),
        ({"interviewed_on": "2999-01-01"}, "interviewed_on"),
    ],
)
def test_bad_screening_input_is_refused_with_the_field_named(change, field, case, worker):
    _consent(worker, case, "interview")
    response = _client(worker).post(
        f"{CASES}{case.code}/screenings/", {**_screening_body(), **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_consent_for_a_child_without_a_guardian_is_a_safeguard_conflict(worker):
    child = case_services.case_open(actor=worker, profile={"age_at_registration": 15})
    response = _client(worker).post(
        f"{CASES}{child.code}/consents/",
        {"scope": "interview", "method": "guardian", "given_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "child_safeguard_missing"
    assert "guardian" in response.json()["detail"]
    assert not Consent.objects.exists()


# --- Referrals ------------------------------------------------------------------------------


def _refer(client, case, **fields):
    body = {
        "to_institution": "other-institution",
        "reason": "accommodation",
        "purpose": "Safe accommodation in Skopje.",
        **fields,
    }
    return client.post(f"{CASES}{case.code}/referrals/", body, format="json")


@pytest.mark.django_db
def test_a_referral_without_consent_is_a_conflict_and_nothing_is_written(case, worker, receiver):
    client = _client(worker)
    audit_before = AuditEvent.objects.count()
    response = _refer(client, case)
    assert response.status_code == 409
    assert response.json()["code"] == "consent_required"
    assert "no consent to sharing" in response.json()["detail"]
    assert not CaseReferral.objects.exists()
    assert AuditEvent.objects.count() == audit_before


@pytest.mark.django_db
def test_a_lawful_override_needs_the_right_to_make_one(case, worker, receiver):
    response = _refer(
        _client(worker),
        case,
        override_legal_basis="Law on social protection, art. 1",
        override_reason="Immediate danger.",
    )
    assert response.status_code == 403
    assert not CaseReferral.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"to_institution": "no-such-institution"}, "to_institution"),
        ({"to_institution": "home-institution"}, "to_institution"),
        ({"reason": "because"}, "reason"),
        ({"purpose": ""}, "purpose"),
        ({"sections": ["profile", "diary"]}, "sections"),
        ({"respond_by": "2000-01-01"}, "respond_by"),
    ],
)
def test_bad_referral_input_is_refused_with_the_field_named(fields, field, case, worker, receiver):
    _consent(worker, case, "sharing_national")
    response = _refer(_client(worker), case, **fields)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not CaseReferral.objects.exists()


@pytest.mark.django_db
def test_the_receiver_sees_the_referral_and_its_shared_copy_but_never_the_case(
    case, worker, receiver
):
    _consent(worker, case, "sharing_national")
    created = _refer(_client(worker), case, sections=["profile", "name"])
    assert created.status_code == 201, created.json()
    assert created.json()["shared_sections"] == ["profile", "name"]
    pk = created.json()["id"]
    other_side = _client(receiver)

    listed = other_side.get(REFERRALS).json()
    assert [(row["id"], row["from_institution"]) for row in listed["results"]] == [
        (pk, "home-institution")
    ]
    detail = other_side.get(f"{REFERRALS}{pk}/")
    assert detail.status_code == 200
    assert detail["Cache-Control"] == "no-store"
    payload = detail.json()["payload"]
    assert set(payload) == {"profile", "name"}
    assert payload["name"]["family_name"] == "Petrovska"
    assert payload["profile"]["age_band"] == "24-26"
    assert detail.json()["with_consent"] is True
    read = AuditEvent.objects.get(action="read", actor=receiver)
    assert read.purpose.startswith("referral: shared identity data")

    assert other_side.get(f"{CASES}{case.code}/").status_code == 404
    assert other_side.get(CASES).json()["count"] == 0
    assert (
        other_side.post(
            f"{CASES}{case.code}/identity/", {"purpose": "referral"}, format="json"
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_profile_only_referral_is_read_without_an_audited_identity_read(case, worker, receiver):
    _consent(worker, case, "sharing_national")
    pk = _refer(_client(worker), case).json()["id"]
    detail = _client(receiver).get(f"{REFERRALS}{pk}/").json()
    assert set(detail["payload"]) == {"profile"}
    assert "Petrovska" not in json.dumps(detail)
    assert not AuditEvent.objects.filter(action="read").exists()


@pytest.mark.django_db
def test_a_referral_is_accepted_and_completed_by_the_receiving_side_only(case, worker, receiver):
    _consent(worker, case, "sharing_national")
    pk = _refer(_client(worker), case).json()["id"]
    sender, other_side = _client(worker), _client(receiver)

    assert sender.post(
        f"{REFERRALS}{pk}/respond/", {"accept": True}, format="json"
    ).status_code == (403)
    rejected_without_note = other_side.post(
        f"{REFERRALS}{pk}/respond/", {"accept": False}, format="json"
    )
    assert rejected_without_note.status_code == 400
    assert "note" in rejected_without_note.json()
    assert CaseReferral.objects.get(pk=pk).status == "pending"

    accepted = other_side.post(f"{REFERRALS}{pk}/respond/", {"accept": True}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    again = other_side.post(
        f"{REFERRALS}{pk}/respond/", {"accept": False, "note": "x"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "wrong_state"
    completed = other_side.post(f"{REFERRALS}{pk}/complete/", {"note": "Placed."}, format="json")
    assert completed.status_code == 200
    assert completed.json()["status"] == "completed"
    assert sender.get(f"{CASES}{case.code}/").json()["referrals"][0]["status"] == "completed"


@pytest.mark.django_db
def test_only_the_sending_side_revokes_and_the_copy_is_gone(case, worker, receiver):
    _consent(worker, case, "sharing_national")
    pk = _refer(_client(worker), case).json()["id"]
    other_side = _client(receiver)
    refused = other_side.post(f"{REFERRALS}{pk}/revoke/", {"reason": "no"}, format="json")
    assert refused.status_code == 403
    no_reason = _client(worker).post(f"{REFERRALS}{pk}/revoke/", {"reason": ""}, format="json")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    assert CaseReferral.objects.get(pk=pk).status == "pending"

    revoked = _client(worker).post(
        f"{REFERRALS}{pk}/revoke/", {"reason": "Sent to the wrong office."}, format="json"
    )
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert other_side.get(f"{REFERRALS}{pk}/").json()["payload"] is None


@pytest.mark.django_db
def test_referrals_of_other_institutions_answer_like_missing_ones(
    case, worker, receiver, make_user
):
    _consent(worker, case, "sharing_national")
    pk = _refer(_client(worker), case).json()["id"]
    bystander = _client(make_user("case_worker", username="bystander"))
    hidden = bystander.get(f"{REFERRALS}{pk}/")
    missing = bystander.get(f"{REFERRALS}{pk + 100}/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert bystander.post(
        f"{REFERRALS}{pk}/respond/", {"accept": True}, format="json"
    ).status_code == (404)
    assert bystander.get(REFERRALS).json()["count"] == 0
    assert CaseReferral.objects.get(pk=pk).status == "pending"


# --- Schema ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_documents_the_case_endpoints_without_warnings(tmp_path):
    import yaml

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{code}/",
        "/api/v1/cases/{code}/identity/",
        "/api/v1/cases/{code}/referrals/",
        "/api/v1/case-referrals/{id}/respond/",
    ):
        assert path in schema["paths"], path
    conflict = schema["components"]["schemas"]["Conflict"]
    assert set(conflict["properties"]) == {"detail", "code"}
    listed = schema["components"]["schemas"]["CaseSummary"]["properties"]
    assert "given_name" not in listed
