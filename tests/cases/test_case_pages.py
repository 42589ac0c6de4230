"""The main case pages: the worklist, the case list, opening, the case page, profile edits,
status decisions, closure and reopening, the team and notes."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fener.analytics.identification import INDICATOR_SETS
from fener.cases.models import Case, CaseNote, FollowUp, StatusDecision, TeamMembership
from fener.cases.services import cases as case_services
from fener.cases.services import referrals as referral_services
from fener.cases.services import safeguards
from fener.cases.services.screening import screening_record
from fener.cases.vocabulary import CaseStatus, TeamRole, TraffickingStatus
from fener.core.models import AuditEvent

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def worker(make_user):
    return make_user("case_worker", username="worker", first_name="Ana", last_name="Worker")


@pytest.fixture
def supervisor(make_user):
    return make_user("case_supervisor", username="supervisor")


@pytest.fixture
def far_worker(make_user, other_institution):
    return make_user("case_worker", username="far-worker", institution=other_institution)


def _open(actor, **profile):
    registered_on = profile.pop("registered_on", TODAY() - datetime.timedelta(days=90))
    return case_services.case_open(actor=actor, registered_on=registered_on, profile=profile)


def _consent(actor, case, scope):
    return safeguards.consent_record(
        actor=actor, case=case, scope=scope, method="written", given_on=case.registered_on
    )


def _refer(actor, case, to_institution):
    _consent(actor, case, "sharing_national")
    return referral_services.referral_create(
        actor=actor,
        case=case,
        to_institution=to_institution,
        reason="additional_services",
        purpose="Shelter place needed.",
    )


def _row_with(page, *texts):
    """The first table row of ``page`` that contains every one of ``texts``."""
    rows = [row for row in re.split(r"<tr[ >]", page) if all(text in row for text in texts)]
    assert rows, texts
    return rows[0]


# --- The worklist -----------------------------------------------------------------------------


def test_the_worklist_puts_what_waits_on_others_first(
    client, login, worker, far_worker, home_institution, other_institution
):
    incoming_case = _open(far_worker)
    incoming = _refer(far_worker, incoming_case, home_institution)
    mine = _open(worker, sex="female", age_at_registration=22)
    outgoing = _refer(worker, mine, other_institution)
    FollowUp.objects.create(
        case=mine, due_on=TODAY() - datetime.timedelta(days=2), task="Late visit"
    )
    FollowUp.objects.create(
        case=mine, due_on=TODAY() + datetime.timedelta(days=5), task="Coming visit"
    )
    FollowUp.objects.create(
        case=mine, due_on=TODAY() + datetime.timedelta(days=40), task="Far visit"
    )

    page = login(worker).get(reverse("cases:worklist")).content.decode()

    positions = [
        page.index(heading)
        for heading in (
            "Referrals waiting for my institution",
            "Follow-ups due",
            "My referrals waiting for an answer",
            "My caseload",
        )
    ]
    assert positions == sorted(positions)
    assert reverse("cases:referral_detail", args=[incoming.pk]) in page
    assert reverse("cases:referral_detail", args=[outgoing.pk]) in page
    # The receiving side sees the referral, never the case behind it.
    assert incoming_case.code not in page
    assert "overdue" in _row_with(page, "Late visit")
    assert "overdue" not in _row_with(page, "Coming visit")
    assert "Far visit" not in page
    row = _row_with(page, f">{mine.code}<", "Female")
    assert "21–23" in row
    assert mine.registered_on.isoformat() in row


def test_the_caseload_highlights_a_reflection_period_ending_soon(client, login, worker):
    ending = _open(worker, citizenship=["AL"])
    later = _open(worker, citizenship=["XK"])
    for case, days_ago in ((ending, 50), (later, 1)):
        case_services.status_decide(
            actor=worker,
            case=case,
            expected_version=case.version,
            to_status=TraffickingStatus.PRESUMED,
            decided_on=TODAY() - datetime.timedelta(days=days_ago),
            reasons="Strong indicators in the interview.",
        )
    page = login(worker).get(reverse("cases:worklist")).content.decode()
    ending_row = _row_with(page, f">{ending.code}<")
    assert (TODAY() + datetime.timedelta(days=10)).isoformat() in ending_row
    assert "ends within two weeks" in ending_row
    later_row = _row_with(page, f">{later.code}<")
    assert (TODAY() + datetime.timedelta(days=59)).isoformat() in later_row
    assert "ends within two weeks" not in later_row


def test_only_open_cases_of_my_teams_are_in_my_caseload(client, login, worker, supervisor):
    mine = _open(worker)
    closed = _open(worker)
    case_services.case_close(
        actor=worker, case=closed, expected_version=closed.version, reason="goals_achieved"
    )
    not_mine = _open(supervisor)
    page = login(worker).get(reverse("cases:worklist")).content.decode()
    assert mine.code in page
    assert closed.code not in page
    assert not_mine.code not in page


def test_a_supervisor_is_offered_the_list_of_all_cases(client, login, worker, supervisor):
    page = login(supervisor).get(reverse("cases:worklist")).content.decode()
    assert "All cases of my institution" in page
    assert reverse("cases:case_list") in page
    client.logout()
    page = login(worker).get(reverse("cases:worklist")).content.decode()
    assert "All cases of my institution" not in page


def test_a_national_coordinator_is_pointed_to_the_national_pages(client, login, make_user):
    page = login(make_user("national_coordinator")).get(reverse("cases:worklist"))
    text = page.content.decode()
    assert reverse("cases:overview") in text
    assert reverse("cases:statistics") in text
    assert "My caseload" not in text


# --- The case list ----------------------------------------------------------------------------


def test_the_case_list_filters_by_status_child_and_code(client, login, supervisor, worker):
    child = _open(worker, age_at_registration=12)
    presumed = _open(worker, age_at_registration=30)
    case_services.status_decide(
        actor=worker,
        case=presumed,
        expected_version=presumed.version,
        to_status=TraffickingStatus.PRESUMED,
        decided_on=TODAY(),
        reasons="Indicators.",
    )
    closed = _open(worker, age_at_registration=40)
    case_services.case_close(
        actor=worker, case=closed, expected_version=closed.version, reason="goals_achieved"
    )
    login(supervisor)
    url = reverse("cases:case_list")

    def codes(**query):
        page = client.get(url, query).content.decode()
        return {code for code in (child.code, presumed.code, closed.code) if code in page}

    assert codes() == {child.code, presumed.code, closed.code}
    assert codes(status="closed") == {closed.code}
    assert codes(trafficking_status="presumed") == {presumed.code}
    assert codes(child="yes") == {child.code}
    assert codes(child="no") == {presumed.code, closed.code}
    assert codes(q=child.code[-4:].lower()) == {child.code}
    response = client.get(url, {"status": "bogus"})
    assert codes(status="bogus") == set()
    assert "Select a valid choice" in response.content.decode()


def test_the_case_list_is_paginated(client, login, worker):
    codes = [_open(worker).code for _ in range(51)]
    login(worker)
    first = client.get(reverse("cases:case_list")).content.decode()
    second = client.get(reverse("cases:case_list"), {"page": 2}).content.decode()
    assert "51 cases match." in first
    assert "Page 1 of 2" in first
    on_first = {code for code in codes if code in first}
    on_second = {code for code in codes if code in second}
    assert len(on_first) == 50
    assert on_first | on_second == set(codes)
    assert not on_first & on_second


# --- Opening a case ---------------------------------------------------------------------------


def test_opening_a_case_records_the_profile_and_makes_me_its_manager(client, login, worker):
    login(worker)
    response = client.post(
        reverse("cases:case_open"),
        {
            "registered_on": "2025-02-03",
            "sex": "female",
            "age_at_registration": "19",
            "citizenship": "al, XK",
            "primary_language": "sq",
            "exploitation_forms": ["sexual_exploitation", "forced_labour"],
            "recruitment_methods": ["online_advertisement"],
            "recruitment_platforms": ["instagram"],
            "control_methods": ["debt_bondage", "withholds_documents"],
            "exploitation_country": "de",
            "forced_labour_industry": "I",
            "relationship_to_trafficker": "stranger",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:case_detail", args=[case.code])
    assert case.registered_on == datetime.date(2025, 2, 3)
    assert case.citizenship == ["AL", "XK"]
    assert case.exploitation_country == "DE"
    assert case.is_child is False
    assert set(case.exploitation_forms.values_list("code", flat=True)) == {
        "sexual_exploitation",
        "forced_labour",
    }
    member = TeamMembership.objects.get(case=case)
    assert (member.user, member.role) == (worker, TeamRole.CASE_MANAGER)
    assert AuditEvent.objects.filter(action="cases.open", target_id=str(case.pk)).exists()
    detail = client.get(response["Location"]).content.decode()
    assert "Through an online advertisement" in detail
    assert "Debt bondage" in detail
    assert "Accommodation and food service activities" in detail


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("citizenship", "MKD", "two-letter ISO code"),
        ("citizenship", "M1", "two-letter ISO code"),
        ("age_at_registration", "200", "Give an age between 0 and 120."),
        ("age_at_registration", "-3", "Give an age between 0 and 120."),
        ("age_at_registration", "twenty", "Enter a whole number."),
        ("registered_on", "2999-01-01", "The date cannot be in the future."),
        ("registered_on", "yesterday", "Enter a valid date."),
        ("exploitation_forms", "made_up_form", "Select a valid choice."),
        ("sex", "robot", "Select a valid choice."),
        ("exploitation_country", "Germany", "at most 2 characters"),
    ],
)
def test_bad_input_when_opening_a_case_is_refused_clearly(
    client, login, worker, field, value, message
):
    login(worker)
    audit_rows = AuditEvent.objects.count()
    data = {"registered_on": "2025-02-03", "sex": "female", field: value}
    response = client.post(reverse("cases:case_open"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.parametrize(
    ("age", "ticked", "child"),
    [("12", "", True), ("12", "on", True), ("30", "on", False), ("", "on", True), ("", "", False)],
)
def test_the_child_flag_follows_the_age_or_else_the_tick_box(
    client, login, worker, age, ticked, child
):
    login(worker)
    data = {"registered_on": "2025-02-03", "sex": "male", "age_at_registration": age}
    if ticked:
        data["is_child"] = ticked
    client.post(reverse("cases:case_open"), data)
    assert Case.objects.get().is_child is child


# --- The case page ----------------------------------------------------------------------------


def test_the_case_page_shows_the_whole_case_without_identity(client, login, worker, far_worker):
    case = _open(worker, sex="female", age_at_registration=16, citizenship=["AL"])
    case_services.team_add(actor=worker, case=case, user=far_worker, role=TeamRole.LAWYER)
    safeguards.guardian_appoint(
        actor=worker,
        case=case,
        appointing_institution=worker.institution,
        appointed_on=TODAY(),
        guardian_name="The guardian",
    )
    safeguards.consent_record(
        actor=worker, case=case, scope="interview", method="guardian", given_on=TODAY()
    )
    screening = screening_record(
        actor=worker,
        case=case,
        indicator_set="child_sexual",
        interviewed_on=TODAY(),
        answers={code: "present" for code in INDICATOR_SETS["child_sexual"].codes},
    )
    page = login(worker).get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert f"Case {case.code}" in page
    assert worker.institution.name in page
    assert "Child" in page
    assert "Foreign national" in page
    assert "Not started" in page  # the reflection period starts with "presumed"
    assert far_worker.institution.name in page and "Lawyer or legal aid" in page
    assert reverse("cases:screening_detail", args=[case.code, screening.pk]) in page
    assert reverse("cases:screening_new", args=[case.code]) in page
    assert reverse("cases:consent", args=[case.code]) in page
    assert reverse("cases:safeguards", args=[case.code]) in page
    assert reverse("cases:support_plan", args=[case.code]) in page
    assert reverse("cases:identity", args=[case.code]) in page
    assert f"appointed on {TODAY().isoformat()} by {worker.institution.name}" in page
    assert "The guardian" not in page  # the guardian's name is on the safeguards page
    assert "Identification interview" in page  # the consent's scope


def test_the_case_page_lists_decisions_and_referrals(client, login, worker, other_institution):
    case = _open(worker, citizenship=["RO"])
    case_services.status_decide(
        actor=worker,
        case=case,
        expected_version=case.version,
        to_status=TraffickingStatus.PRESUMED,
        decided_on=TODAY(),
        reasons="Deceived about the job and the wages.",
    )
    referral = _refer(worker, Case.objects.get(pk=case.pk), other_institution)
    page = login(worker).get(reverse("cases:case_detail", args=[case.code])).content.decode()
    row = _row_with(page, "Deceived about the job")
    assert "Possible victim" in row and "Presumed victim" in row
    assert worker.institution.name in row
    assert reverse("cases:referral_detail", args=[referral.pk]) in page
    assert other_institution.name in page
    end = TODAY() + datetime.timedelta(days=60)
    assert end.isoformat() in page


def test_a_closed_case_says_so_and_offers_reopening(client, login, worker):
    case = _open(worker)
    login(worker)
    response = client.post(
        reverse("cases:case_close", args=[case.code]),
        {"reason": "returned_home", "closed_on": TODAY().isoformat(), "version": case.version},
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert "Closed." in page
    assert "Returned to the country of origin" in page
    assert reverse("cases:case_reopen", args=[case.code]) in page
    assert reverse("cases:case_close", args=[case.code]) not in page
    assert reverse("cases:status_decide", args=[case.code]) not in page


def test_an_anonymised_case_says_so_and_offers_no_changes(client, login, worker):
    case = _open(worker)
    case_services.case_close(
        actor=worker,
        case=case,
        expected_version=case.version,
        reason="goals_achieved",
        closed_on=TODAY() - datetime.timedelta(days=10),
    )
    from fener.cases.services.retention import retention_apply

    retention_apply(today=TODAY() + datetime.timedelta(days=365 * 30))
    page = login(worker).get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert "Anonymised." in page
    for name in ("case_edit", "identity", "case_reopen", "status_decide"):
        assert reverse(f"cases:{name}", args=[case.code]) not in page
    response = client.post(
        reverse("cases:case_edit", args=[case.code]),
        {"sex": "male", "version": Case.objects.get(pk=case.pk).version},
    )
    assert response.status_code == 400
    assert "anonymised" in response.content.decode()


# --- Editing the profile ----------------------------------------------------------------------


def test_editing_the_profile_starts_from_the_stored_values(client, login, worker):
    case = _open(worker, sex="female", age_at_registration=25, citizenship=["MK", "AL"])
    login(worker)
    form = client.get(reverse("cases:case_edit", args=[case.code])).content.decode()
    assert 'value="MK, AL"' in form
    assert f'name="version" value="{case.version}"' in form
    response = client.post(
        reverse("cases:case_edit", args=[case.code]),
        {"sex": "female", "age_at_registration": "26", "citizenship": "MK", "version": 1},
    )
    assert response.status_code == 302
    stored = Case.objects.get(pk=case.pk)
    assert (stored.age_at_registration, stored.citizenship, stored.version) == (26, ["MK"], 2)


def test_the_second_of_two_concurrent_edits_is_refused_and_keeps_its_input(
    client, login, worker, supervisor
):
    from django.test import Client

    case = _open(worker, sex="female", age_at_registration=25)
    first = Client()
    first.force_login(worker)
    second = Client()
    second.force_login(supervisor)
    url = reverse("cases:case_edit", args=[case.code])
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert 'name="version" value="1"' in second.get(url).content.decode()

    saved = first.post(url, {"sex": "female", "age_at_registration": "31", "version": 1})
    refused = second.post(url, {"sex": "male", "age_at_registration": "44", "version": 1})

    assert saved.status_code == 302
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Someone else saved this record after you opened it" in page
    assert 'value="44"' in page
    stored = Case.objects.get(pk=case.pk)
    assert (stored.sex, stored.age_at_registration, stored.version) == ("female", 31, 2)


# --- Status decisions -------------------------------------------------------------------------


def test_a_case_worker_may_presume_but_not_decide_formally(client, login, worker, supervisor):
    case = _open(worker)
    login(worker)
    url = reverse("cases:status_decide", args=[case.code])
    page = client.get(url).content.decode()
    assert 'value="presumed"' in page
    assert 'value="not_a_victim"' not in page
    refused = client.post(
        url,
        {
            "to_status": "not_a_victim",
            "decided_on": TODAY().isoformat(),
            "reasons": "No indicators.",
            "version": 1,
        },
    )
    assert refused.status_code == 400
    assert "Select a valid choice" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).trafficking_status == TraffickingStatus.POSSIBLE
    client.logout()
    login(supervisor)
    page = client.get(url).content.decode()
    assert 'value="presumed"' in page and 'value="not_a_victim"' in page


def test_a_status_decision_is_recorded_with_its_screening(client, login, worker):
    case = _open(worker)
    _consent(worker, case, "interview")
    screening = screening_record(
        actor=worker,
        case=case,
        indicator_set="adult_labour",
        interviewed_on=TODAY(),
        answers={code: "present" for code in INDICATOR_SETS["adult_labour"].codes},
    )
    login(worker)
    url = reverse("cases:status_decide", args=[case.code])
    page = client.get(url, {"screening": screening.pk}).content.decode()
    assert "Advice from the latest screening" in page
    assert "Strong indication of trafficking" in page
    assert "It never decides" in page
    assert f'<option value="{screening.pk}" selected>' in page
    response = client.post(
        url,
        {
            "to_status": "presumed",
            "decided_on": TODAY().isoformat(),
            "reasons": "Deceived and threatened.",
            "screening": screening.pk,
            "version": 1,
        },
    )
    assert response.status_code == 302
    decision = StatusDecision.objects.get(case=case)
    assert (decision.to_status, decision.screening) == ("presumed", screening)
    assert Case.objects.get(pk=case.pk).trafficking_status == TraffickingStatus.PRESUMED


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reasons", "", "This field is required."),
        ("reasons", "   ", "This field is required."),
        ("decided_on", "2999-01-01", "The date cannot be in the future."),
        ("to_status", "identified", "Select a valid choice."),
    ],
)
def test_bad_status_decisions_are_refused_and_change_nothing(
    client, login, worker, field, value, message
):
    case = _open(worker)
    login(worker)
    audit_rows = AuditEvent.objects.count()
    data = {
        "to_status": "presumed",
        "decided_on": TODAY().isoformat(),
        "reasons": "Reasons.",
        "version": 1,
        field: value,
    }
    response = client.post(reverse("cases:status_decide", args=[case.code]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert StatusDecision.objects.count() == 0
    assert Case.objects.get(pk=case.pk).version == 1
    assert AuditEvent.objects.count() == audit_rows


def test_a_formal_decision_on_a_child_needs_the_safeguards(client, login, supervisor):
    case = _open(supervisor, age_at_registration=15)
    case_services.status_decide(
        actor=supervisor,
        case=case,
        expected_version=1,
        to_status="presumed",
        decided_on=TODAY(),
        reasons="Indicators.",
    )
    login(supervisor)
    response = client.post(
        reverse("cases:status_decide", args=[case.code]),
        {
            "to_status": "identified",
            "decided_on": TODAY().isoformat(),
            "reasons": "Confirmed.",
            "version": 2,
        },
    )
    assert response.status_code == 400
    assert "Record the guardian" in response.content.decode()
    assert Case.objects.get(pk=case.pk).trafficking_status == TraffickingStatus.PRESUMED


# --- Closing and reopening --------------------------------------------------------------------


def test_closing_for_another_reason_needs_a_note(client, login, worker):
    case = _open(worker)
    login(worker)
    url = reverse("cases:case_close", args=[case.code])
    response = client.post(url, {"reason": "other", "closed_on": TODAY().isoformat(), "version": 1})
    assert response.status_code == 400
    assert "Say why the case is closed." in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE
    response = client.post(
        url,
        {"reason": "other", "note": "Moved on.", "closed_on": TODAY().isoformat(), "version": 1},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED


def test_closing_before_registration_or_in_the_future_is_refused(client, login, worker):
    case = _open(worker, registered_on=TODAY() - datetime.timedelta(days=5))
    login(worker)
    url = reverse("cases:case_close", args=[case.code])
    early = (TODAY() - datetime.timedelta(days=6)).isoformat()
    response = client.post(url, {"reason": "declined", "closed_on": early, "version": 1})
    assert "A case cannot close before it was registered." in response.content.decode()
    response = client.post(url, {"reason": "declined", "closed_on": "2999-01-01", "version": 1})
    assert "The date cannot be in the future." in response.content.decode()
    assert Case.objects.get(pk=case.pk).is_open


def test_reopening_needs_a_reason(client, login, worker):
    case = _open(worker)
    case_services.case_close(actor=worker, case=case, expected_version=1, reason="declined")
    login(worker)
    url = reverse("cases:case_reopen", args=[case.code])
    response = client.post(url, {"reason": "", "version": 2})
    assert response.status_code == 400
    assert not Case.objects.get(pk=case.pk).is_open
    response = client.post(url, {"reason": "The person asked for help again.", "version": 2})
    assert response.status_code == 302
    stored = Case.objects.get(pk=case.pk)
    assert stored.is_open and stored.retention_until is None


# --- The team ---------------------------------------------------------------------------------


def test_adding_and_removing_a_member_of_another_institution(client, login, worker, far_worker):
    case = _open(worker)
    login(worker)
    url = reverse("cases:team", args=[case.code])
    response = client.post(url, {"action": "add", "user": "far-worker", "role": "psychologist"})
    assert response.status_code == 302
    member = TeamMembership.objects.get(case=case, user=far_worker, removed_at__isnull=True)
    assert member.role == TeamRole.PSYCHOLOGIST
    assert far_worker.institution.name in client.get(url).content.decode()
    response = client.post(url, {"action": "remove", "member": member.pk})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.removed_at is not None


@pytest.mark.parametrize("username", ["nobody-by-this-name", "a-viewer", "inactive-worker"])
def test_only_active_accounts_that_work_on_cases_can_join(
    client, login, worker, make_user, username
):
    make_user("viewer", username="a-viewer")
    make_user("case_worker", username="inactive-worker", is_active=False)
    case = _open(worker)
    login(worker)
    response = client.post(
        reverse("cases:team", args=[case.code]),
        {"action": "add", "user": username, "role": "lawyer"},
    )
    assert response.status_code == 400
    assert "No active account with this user name can work on cases." in response.content.decode()
    assert TeamMembership.objects.filter(case=case).count() == 1


def test_someone_already_on_the_team_cannot_be_added_twice(client, login, worker, far_worker):
    case = _open(worker)
    case_services.team_add(actor=worker, case=case, user=far_worker, role="lawyer")
    login(worker)
    response = client.post(
        reverse("cases:team", args=[case.code]),
        {"action": "add", "user": "far-worker", "role": "psychologist"},
    )
    assert response.status_code == 400
    assert "is already on the team" in response.content.decode()


def test_the_last_case_manager_cannot_be_removed(client, login, worker):
    case = _open(worker)
    member = TeamMembership.objects.get(case=case)
    login(worker)
    response = client.post(
        reverse("cases:team", args=[case.code]),
        {"action": "remove", "member": member.pk},
        follow=True,
    )
    assert "Add another case manager before removing the last one." in response.content.decode()
    member.refresh_from_db()
    assert member.removed_at is None


# --- Notes ------------------------------------------------------------------------------------


def test_team_members_read_notes_and_a_supervisor_off_the_team_does_not(
    client, login, worker, supervisor
):
    case = _open(worker)
    login(worker)
    response = client.post(
        reverse("cases:note_add", args=[case.code]), {"text": "Met at the shelter today."}
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert "Met at the shelter today." in page
    client.logout()
    login(supervisor)
    page = client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert "Met at the shelter today." not in page
    assert "Notes are read by the members of the case" in page


def test_an_empty_note_is_refused(client, login, worker):
    case = _open(worker)
    login(worker)
    response = client.post(reverse("cases:note_add", args=[case.code]), {"text": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert CaseNote.objects.count() == 0


def test_notes_are_added_by_post_only(client, login, worker):
    case = _open(worker)
    login(worker)
    assert client.get(reverse("cases:note_add", args=[case.code])).status_code == 405


def test_perpetrators_are_listed_by_role_without_their_names(client, login, worker):
    case = _open(worker)
    case_services.perpetrator_add(
        actor=worker,
        case=case,
        roles=["recruiter", "exploiter"],
        sex="male",
        citizenship="RS",
        name="Dragan Recruiterovski",
        phones=["+38970111222"],
    )
    page = login(worker).get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert "Recruiter or intermediary, Exploiter" in page
    assert "RS" in page
    assert "Dragan" not in page
    assert "+38970111222" not in page


def test_an_edit_keeps_a_form_the_panel_rejected_since(client, login, worker, make_user):
    proposed = case_services.form_propose(
        actor=worker,
        name_en="Forced online fraud",
        name_mk="Принудна онлајн измама",
        name_sq="Mashtrim i detyruar në internet",
        description="People forced to run online scams.",
    )
    case = _open(worker, exploitation_forms=[proposed.code, "forced_labour"])
    case_services.form_review(
        actor=make_user("national_coordinator"), form=proposed, promote=False, note="Covered."
    )
    login(worker)
    url = reverse("cases:case_edit", args=[case.code])
    assert "rejected by the expert panel" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "sex": "male",
            "exploitation_forms": [proposed.code, "forced_labour"],
            "version": case.version,
        },
    )
    assert response.status_code == 302
    stored = Case.objects.get(pk=case.pk)
    assert stored.sex == "male"
    assert set(stored.exploitation_forms.values_list("code", flat=True)) == {
        proposed.code,
        "forced_labour",
    }
