"""Long-term support: the plan and its follow-up schedule, goals and services from the
catalogue, outcome indicators, risk assessments over time, who may do what, and reminders."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from fener.analytics.identification import assess_risk
from fener.cases.models import (
    CaseReferral,
    FollowUp,
    RiskAssessment,
    ServiceDelivery,
    ServiceProvider,
    SupportGoal,
    SupportPlan,
)
from fener.cases.services.cases import case_close, case_open, team_add
from fener.cases.services.errors import CaseInputError, StaleEdit, WrongState
from fener.cases.services.identity import IdentityInput, identity_save
from fener.cases.services.referrals import referral_create
from fener.cases.services.safeguards import consent_record
from fener.cases.services.support import (
    ProviderInput,
    follow_up_add,
    follow_up_complete,
    goal_add,
    goal_set_status,
    plan_create,
    plan_update,
    provider_create,
    provider_update,
    risk_assess,
    service_add,
    service_set_status,
)
from fener.cases.tasks import case_reminders_send, reminders_due
from fener.cases.vocabulary import TeamRole
from fener.core.access import AccessDenied, NotFound
from fener.core.models import AuditEvent
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

NOW = "2026-03-10 09:00:00Z"
TODAY = datetime.date(2026, 3, 10)
REGISTERED = datetime.date(2026, 1, 5)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield


@pytest.fixture
def manager(make_user):
    return make_user("case_worker", username="manager", preferred_language="en")


@pytest.fixture
def case(manager):
    return case_open(
        actor=manager,
        registered_on=REGISTERED,
        profile={"sex": "female", "age_at_registration": 24, "citizenship": ["MK"]},
    )


@pytest.fixture
def member(make_user, other_institution, case, manager):
    user = make_user("case_worker", username="member", institution=other_institution)
    team_add(actor=manager, case=case, user=user, role=TeamRole.SOCIAL_WORKER)
    return user


@pytest.fixture
def observer(make_user, case, manager):
    user = make_user("case_worker", username="observer")
    team_add(actor=manager, case=case, user=user, role=TeamRole.OBSERVER)
    return user


@pytest.fixture
def outsider(make_user):
    return make_user("case_worker", username="outsider")


@pytest.fixture
def supervisor(make_user):
    return make_user("case_supervisor", username="supervisor")


@pytest.fixture
def coordinator(make_user):
    return make_user("national_coordinator", username="coordinator")


def make_provider(coordinator, name, domains, **fields):
    return provider_create(
        actor=coordinator, data=ProviderInput(name=name, domains=list(domains), **fields)
    )


@pytest.fixture
def shelter(coordinator):
    return make_provider(coordinator, "Shelter", ["safety", "housing"], women_only=True)


@pytest.fixture
def plan(manager, case):
    return plan_create(
        actor=manager,
        case=case,
        objectives="Safe housing and work",
        start_on=datetime.date(2026, 1, 31),
    )


def audit_actions():
    return list(AuditEvent.objects.values_list("action", flat=True))


# --- The plan and its follow-up schedule --------------------------------------------------------


def test_a_plan_schedules_five_follow_ups_assigned_to_the_case_manager(manager, case):
    plan = plan_create(
        actor=manager,
        case=case,
        objectives="Safe housing, then training",
        start_on=datetime.date(2026, 1, 31),
        planned_end=datetime.date(2028, 1, 31),
    )

    follow_ups = list(case.follow_ups.order_by("due_on"))
    assert [(f.months_after_start, f.due_on) for f in follow_ups] == [
        (1, datetime.date(2026, 2, 28)),  # the end of a shorter month
        (3, datetime.date(2026, 4, 30)),
        (6, datetime.date(2026, 7, 31)),
        (12, datetime.date(2027, 1, 31)),
        (24, datetime.date(2028, 1, 31)),
    ]
    assert {f.assigned_to for f in follow_ups} == {manager}
    assert follow_ups[1].task == "Follow-up at 3 months: check goals, risk and outcomes"
    assert follow_ups[0].task == "Follow-up at 1 month: check goals, risk and outcomes"
    assert SupportPlan.objects.get(case=case).objectives == "Safe housing, then training"
    assert plan.version == 1
    event = AuditEvent.objects.get(action="cases.support_plan_create")
    assert event.after["schedule_months"] == [1, 3, 6, 12, 24]
    assert "Safe housing" not in str(event.after)  # the objectives are not copied to the log


def test_a_custom_schedule_is_sorted_and_deduplicated(manager, case):
    plan_create(actor=manager, case=case, objectives="x", schedule_months=(6, 2, 6))
    assert [f.months_after_start for f in case.follow_ups.all()] == [2, 6]
    assert case.follow_ups.first().due_on == datetime.date(2026, 5, 10)  # today + 2 months


def test_a_second_plan_is_refused_and_nothing_is_written(manager, case, plan):
    before = (FollowUp.objects.count(), AuditEvent.objects.count())
    with pytest.raises(WrongState, match="already has a support plan"):
        plan_create(actor=manager, case=case, objectives="Another")
    assert (FollowUp.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"objectives": "  "}, "objectives"),
        ({"schedule_months": (1, 0)}, "schedule_months"),
        ({"schedule_months": (1, 500)}, "schedule_months"),
        ({"schedule_months": (1.5,)}, "schedule_months"),
        ({"start_on": datetime.date(2025, 12, 1)}, "start_on"),
        ({"start_on": TODAY, "planned_end": TODAY}, "planned_end"),
    ],
)
def test_bad_plan_input_is_refused_with_a_clear_error(manager, case, arguments, field):
    values = {"objectives": "Housing", **arguments}
    with pytest.raises(CaseInputError) as error:
        plan_create(actor=manager, case=case, **values)
    assert field in error.value.message_dict
    assert not SupportPlan.objects.exists() and not FollowUp.objects.exists()


def test_concurrent_plan_edits_do_not_overwrite_each_other(manager, member, plan):
    first = SupportPlan.objects.get(pk=plan.pk)
    second = SupportPlan.objects.get(pk=plan.pk)
    plan_update(
        actor=manager, plan=first, expected_version=1, objectives="Housing first", planned_end=None
    )
    with pytest.raises(StaleEdit, match="Someone else saved this record"):
        plan_update(
            actor=member, plan=second, expected_version=1, objectives="Work first", planned_end=None
        )
    stored = SupportPlan.objects.get(pk=plan.pk)
    assert (stored.objectives, stored.version) == ("Housing first", 2)
    assert audit_actions().count("cases.support_plan_update") == 1


def test_the_page_keeps_the_users_text_when_their_edit_is_stale(client, manager, member, plan):
    plan_update(actor=manager, plan=plan, expected_version=1, objectives="Newer", planned_end=None)
    client.force_login(member)
    response = client.post(
        f"/en/cases/{plan.case.code}/support/",
        {"action": "edit", "version": "1", "objectives": "My careful rewrite", "planned_end": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved this record" in page and "My careful rewrite" in page
    assert SupportPlan.objects.get(pk=plan.pk).objectives == "Newer"


# --- Goals and services ---------------------------------------------------------------------


def test_a_service_must_come_from_an_active_provider_offering_the_goals_domain(
    manager, coordinator, plan, shelter
):
    clinic = make_provider(coordinator, "Clinic", ["health"])
    closed = make_provider(coordinator, "Old shelter", ["housing"], is_active=False)
    goal = goal_add(actor=manager, plan=plan, domain="housing", description="A safe flat")

    with pytest.raises(CaseInputError) as error:
        service_add(actor=manager, goal=goal, provider=clinic)
    assert error.value.message_dict["provider"] == ["Clinic does not offer services in “Housing”."]
    with pytest.raises(CaseInputError) as error:
        service_add(actor=manager, goal=goal, provider=closed)
    assert error.value.message_dict["provider"] == ["Old shelter is no longer active."]
    assert not ServiceDelivery.objects.exists()

    service = service_add(actor=manager, goal=goal, provider=shelter)
    assert (service.status, service.started_on) == ("planned", None)
    service_set_status(actor=manager, service=service, status="ongoing", on=TODAY)
    service_set_status(actor=manager, service=service, status="completed", on=TODAY)
    assert (service.started_on, service.ended_on) == (TODAY, TODAY)
    with pytest.raises(WrongState, match="cannot become"):
        service_set_status(actor=manager, service=service, status="ongoing")


def test_an_ongoing_service_needs_its_start_date(manager, plan, shelter):
    goal = goal_add(actor=manager, plan=plan, domain="safety", description="Safe place")
    with pytest.raises(CaseInputError) as error:
        service_add(actor=manager, goal=goal, provider=shelter, status="ongoing")
    assert "started_on" in error.value.message_dict


def test_goal_domain_and_status_are_closed_vocabularies(manager, plan):
    with pytest.raises(CaseInputError) as error:
        goal_add(actor=manager, plan=plan, domain="luck", description="x")
    assert error.value.message_dict["domain"] == ["Unknown value(s): luck."]
    goal = goal_add(actor=manager, plan=plan, domain="employment", description="A job")
    with pytest.raises(CaseInputError):
        goal_set_status(actor=manager, goal=goal, status="finished")
    goal_set_status(actor=manager, goal=goal, status="achieved")
    assert SupportGoal.objects.get(pk=goal.pk).status == "achieved"


def test_the_page_lists_gender_sensitive_providers_first_for_a_woman(
    client, manager, coordinator, plan, shelter
):
    make_provider(coordinator, "A general housing office", ["housing"])
    goal_add(actor=manager, plan=plan, domain="housing", description="A safe flat")
    client.force_login(manager)
    page = client.get(f"/en/cases/{plan.case.code}/support/").content.decode()
    assert page.index("Shelter (women only)") < page.index("A general housing office")


def test_child_friendly_providers_come_first_for_a_child(manager, coordinator, shelter):
    from fener.cases.views.support import providers_for_person

    make_provider(coordinator, "A youth centre", ["housing"], child_friendly=True)
    make_provider(coordinator, "Adult hostel", ["housing"])
    child = case_open(
        actor=manager,
        registered_on=REGISTERED,
        profile={"sex": "female", "age_at_registration": 15},
    )
    adult_man = case_open(
        actor=manager, registered_on=REGISTERED, profile={"sex": "male", "age_at_registration": 30}
    )
    names = [p.name for p in providers_for_person(manager, child)]
    assert names == ["A youth centre", "Shelter", "Adult hostel"]
    assert [p.name for p in providers_for_person(manager, adult_man)] == [
        "A youth centre",
        "Adult hostel",
        "Shelter",
    ]


def test_adding_a_service_through_the_page(client, manager, plan, shelter):
    goal = goal_add(actor=manager, plan=plan, domain="housing", description="A safe flat")
    client.force_login(manager)
    response = client.post(
        f"/en/cases/{plan.case.code}/support/",
        {
            "action": "add_service",
            "goal": goal.pk,
            f"goal{goal.pk}-provider": shelter.pk,
            f"goal{goal.pk}-status": "planned",
            f"goal{goal.pk}-started_on": "",
        },
    )
    assert response.status_code == 302
    assert ServiceDelivery.objects.get().provider == shelter


# --- Follow-ups and outcomes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "field"),
    [
        ({"happiness": "yes"}, "outcomes"),
        ({"safe_housing": "maybe"}, "safe_housing"),
        ({"compensation": "yes"}, "compensation"),
        ({"legal_proceedings": True}, "legal_proceedings"),
    ],
)
def test_outcomes_outside_the_vocabulary_are_refused_and_nothing_is_written(
    manager, plan, outcomes, field
):
    follow_up = plan.case.follow_ups.first()
    before = AuditEvent.objects.count()
    with pytest.raises(CaseInputError) as error:
        follow_up_complete(
            actor=manager, follow_up=follow_up, done_on=TODAY, notes="", outcomes=outcomes
        )
    assert field in error.value.message_dict
    stored = FollowUp.objects.get(pk=follow_up.pk)
    assert (stored.done_on, stored.outcomes) == (None, {})
    assert AuditEvent.objects.count() == before


def test_a_follow_up_is_completed_once(manager, member, plan):
    follow_up = plan.case.follow_ups.first()
    outcomes = {"safe_housing": "yes", "compensation": "claimed", "legal_proceedings": "ongoing"}
    follow_up_complete(
        actor=manager, follow_up=follow_up, done_on=TODAY, notes="Met at home", outcomes=outcomes
    )
    stored = FollowUp.objects.get(pk=follow_up.pk)
    assert (stored.done_on, stored.done_by, stored.outcomes) == (TODAY, manager, outcomes)
    assert stored.notes == "Met at home"

    stale_copy = FollowUp.objects.get(pk=follow_up.pk)
    stale_copy.done_on = None  # as a second user who opened the page earlier holds it
    for copy in (FollowUp.objects.get(pk=follow_up.pk), stale_copy):
        with pytest.raises(WrongState, match="already been recorded"):
            follow_up_complete(actor=member, follow_up=copy, done_on=TODAY, notes="", outcomes={})
    assert FollowUp.objects.get(pk=follow_up.pk).done_by == manager


def test_completing_through_the_page_shows_errors_on_the_fields(client, manager, plan):
    follow_up = plan.case.follow_ups.first()
    client.force_login(manager)
    url = f"/en/cases/{plan.case.code}/follow-ups/{follow_up.pk}/"
    prefix = f"fu{follow_up.pk}"
    response = client.post(
        url, {f"{prefix}-done_on": "2027-01-01", f"{prefix}-safe_housing": "yes"}
    )
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()
    response = client.post(
        url, {f"{prefix}-done_on": "2026-03-01", f"{prefix}-safe_housing": "yes"}
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=follow_up.pk).outcomes == {"safe_housing": "yes"}
    page = client.get(f"/en/cases/{plan.case.code}/support/").content.decode()
    assert "Lives in safe housing: Yes" in page


def test_a_follow_up_is_assigned_to_a_team_member_or_the_case_manager(
    manager, member, observer, outsider, case
):
    mine = follow_up_add(actor=member, case=case, due_on=TODAY, task="Call the school")
    assert mine.assigned_to == manager
    theirs = follow_up_add(actor=manager, case=case, due_on=TODAY, task="Visit", assigned_to=member)
    assert theirs.assigned_to == member
    for user in (observer, outsider):
        with pytest.raises(CaseInputError) as error:
            follow_up_add(actor=manager, case=case, due_on=TODAY, task="Visit", assigned_to=user)
        assert "assigned_to" in error.value.message_dict


def test_overdue_follow_ups_are_marked_on_the_page(client, manager, plan):
    client.force_login(manager)
    page = client.get(f"/en/cases/{plan.case.code}/support/").content.decode()
    # Due 2026-02-28, before today (2026-03-10); the 3-month one is not overdue yet.
    assert page.count("Overdue") == 1
    assert "Follow-up at 1 month: check goals, risk and outcomes" in page


# --- Risk of re-trafficking -----------------------------------------------------------------


def test_a_risk_assessment_stores_the_engines_score(manager, case):
    factors = {"debt_owed": True, "no_safe_housing": True, "no_stable_income": True}
    assessment = risk_assess(actor=manager, case=case, assessed_on=TODAY, factors=factors)
    expected = assess_risk(factors)
    stored = RiskAssessment.objects.get(pk=assessment.pk)
    assert (stored.score, stored.level) == (expected.score, expected.level) == (32, "medium")
    assert stored.factors["debt_owed"] is True and stored.factors["supportive_family"] is False
    assert stored.assessor == manager


def test_unknown_risk_factors_are_refused(manager, case):
    with pytest.raises(CaseInputError) as error:
        risk_assess(actor=manager, case=case, assessed_on=TODAY, factors={"bad_luck": True})
    assert "bad_luck" in error.value.message_dict["factors"][0]
    assert not RiskAssessment.objects.exists()


def test_the_risk_page_shows_the_trend_and_translated_factors(client, manager, case):
    risk_assess(
        actor=manager, case=case, assessed_on=datetime.date(2026, 2, 1), factors={"debt_owed": True}
    )
    client.force_login(manager)
    response = client.post(
        f"/en/cases/{case.code}/risk/",
        {
            "assessed_on": "2026-03-09",
            "debt_owed": "on",
            "no_safe_housing": "on",
            "contact_with_traffickers": "on",
        },
    )
    assert response.status_code == 302
    assert RiskAssessment.objects.latest("assessed_on").score == 37
    page = client.get(f"/en/cases/{case.code}/risk/").content.decode()
    assert "Rising" in page
    assert "In contact with the recruiters or traffickers" in page
    macedonian = client.get(f"/mk/cases/{case.code}/risk/").content.decode()
    assert '<html lang="mk">' in macedonian


# --- Who may do what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("manager", 200, 302),
        ("member", 200, 302),
        ("supervisor", 200, 302),
        ("observer", 200, 403),
        ("outsider", 404, 404),
        ("coordinator", 404, 404),
    ],
)
def test_access_to_the_support_pages(client, request, plan, who, read, write):
    user = request.getfixturevalue(who)
    client.force_login(user)
    code = plan.case.code
    for url in (f"/en/cases/{code}/support/", f"/en/cases/{code}/risk/"):
        assert client.get(url).status_code == read
    follow_up = plan.case.follow_ups.first()
    assert client.get(f"/en/cases/{code}/follow-ups/{follow_up.pk}/").status_code == read
    before = AuditEvent.objects.count()
    response = client.post(
        f"/en/cases/{code}/support/",
        {"action": "add_goal", "domain": "health", "description": "Dental care"},
    )
    assert response.status_code == write
    assert SupportGoal.objects.exists() == (write == 302)
    if write != 302:
        assert AuditEvent.objects.count() == before
        risk = client.post(f"/en/cases/{code}/risk/", {"assessed_on": "2026-03-01"})
        assert risk.status_code == write and not RiskAssessment.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, plan):
    response = client.get(f"/en/cases/{plan.case.code}/support/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["observer", "outsider"])
def test_services_refuse_those_who_may_not_change_the_case(request, plan, who):
    user = request.getfixturevalue(who)
    expected = AccessDenied if who == "observer" else NotFound
    before = AuditEvent.objects.count()
    with pytest.raises(expected):
        goal_add(actor=user, plan=plan, domain="health", description="x")
    with pytest.raises(expected):
        risk_assess(actor=user, case=plan.case, assessed_on=TODAY, factors={})
    with pytest.raises(expected):
        follow_up_complete(
            actor=user, follow_up=plan.case.follow_ups.first(), done_on=TODAY, notes="", outcomes={}
        )
    assert AuditEvent.objects.count() == before
    assert not SupportGoal.objects.exists() and not RiskAssessment.objects.exists()


def test_a_closed_case_can_be_read_but_not_changed(client, manager, plan):
    case = plan.case
    case_close(actor=manager, case=case, expected_version=case.version, reason="declined")
    with pytest.raises(WrongState, match="closed case"):
        goal_add(actor=manager, plan=plan, domain="health", description="x")
    with pytest.raises(WrongState):
        follow_up_add(actor=manager, case=case, due_on=TODAY, task="Call")
    with pytest.raises(WrongState):
        risk_assess(actor=manager, case=case, assessed_on=TODAY, factors={})
    client.force_login(manager)
    page = client.get(f"/en/cases/{case.code}/support/")
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    response = client.post(
        f"/en/cases/{case.code}/support/",
        {"action": "add_goal", "domain": "health", "description": "x"},
    )
    assert response.status_code == 302 and not SupportGoal.objects.exists()


# --- The catalogue of providers -------------------------------------------------------------


def test_the_catalogue_is_kept_by_its_managers(client, manager, coordinator, shelter):
    with pytest.raises(AccessDenied):
        make_provider(manager, "Mine", ["health"])
    client.force_login(manager)
    assert client.get("/en/cases/services/").status_code == 200
    assert client.get("/en/cases/services/new/").status_code == 403
    assert client.get(f"/en/cases/services/{shelter.pk}/edit/").status_code == 403
    response = client.post("/en/cases/services/new/", {"name": "X", "domains": ["health"]})
    assert response.status_code == 403 and ServiceProvider.objects.count() == 1

    client.force_login(coordinator)
    response = client.post(
        f"/en/cases/services/{shelter.pk}/edit/",
        {"name": "Shelter", "domains": ["safety"], "languages": "mk, SQ", "is_active": ""},
    )
    assert response.status_code == 302
    shelter.refresh_from_db()
    assert (shelter.domains, shelter.languages, shelter.is_active) == (
        ["safety"],
        ["mk", "sq"],
        False,
    )


def test_bad_catalogue_entries_are_refused(coordinator, shelter):
    with pytest.raises(CaseInputError) as error:
        make_provider(coordinator, "Nothing", [])
    assert "domains" in error.value.message_dict
    with pytest.raises(CaseInputError) as error:
        provider_update(
            actor=coordinator,
            provider=shelter,
            data=ProviderInput(name="Shelter", domains=["housing"], languages=["english!"]),
        )
    assert "languages" in error.value.message_dict
    assert ServiceProvider.objects.get(pk=shelter.pk).domains == ["safety", "housing"]


def test_the_catalogue_filters(client, manager, coordinator, shelter):
    make_provider(coordinator, "Youth centre", ["education"], child_friendly=True)
    make_provider(coordinator, "Closed clinic", ["health"], is_active=False)
    client.force_login(manager)

    def names(query):
        page = client.get(f"/en/cases/services/?{query}").content.decode()
        return {n for n in ("Shelter", "Youth centre", "Closed clinic") if n in page}

    assert names("") == {"Shelter", "Youth centre"}
    assert names("domain=housing") == {"Shelter"}
    assert names("gender_sensitive=on") == {"Shelter"}
    assert names("child_friendly=on") == {"Youth centre"}
    assert names("domain=nonsense") == set()
    assert names("include_inactive=on") == {"Shelter", "Youth centre"}  # not a manager
    client.force_login(coordinator)
    assert "Closed clinic" in client.get("/en/cases/services/?include_inactive=on").content.decode()


# --- Reminders ------------------------------------------------------------------------------


@pytest.fixture
def referral(manager, case, other_institution):
    consent_record(
        actor=manager, case=case, scope="sharing_national", method="written", given_on=REGISTERED
    )
    return referral_create(
        actor=manager,
        case=case,
        to_institution=other_institution,
        reason="additional_services",
        purpose="Legal aid for the person",
        respond_by=TODAY + datetime.timedelta(days=1),
    )


def test_reminders_go_once_to_the_right_people_without_identity(
    make_user, manager, member, observer, case, referral, other_institution
):
    identity_save(
        actor=manager,
        case=case,
        data=IdentityInput(given_name="Ardita", family_name="Krasniqi", phones=["070123456"]),
    )
    soon = follow_up_add(
        actor=manager,
        case=case,
        due_on=TODAY + datetime.timedelta(days=3),
        task="Visit the flat",
        assigned_to=member,
    )
    late = follow_up_add(
        actor=manager, case=case, due_on=TODAY - datetime.timedelta(days=5), task="Call"
    )
    follow_up_add(actor=manager, case=case, due_on=TODAY + datetime.timedelta(days=4), task="Later")
    done = follow_up_add(actor=manager, case=case, due_on=TODAY, task="Done already")
    follow_up_complete(actor=manager, follow_up=done, done_on=TODAY, notes="", outcomes={})
    receiver = make_user("case_worker", username="receiver", institution=other_institution)
    make_user("ad_monitor", username="analyst", institution=other_institution)
    far = CaseReferral.objects.create(
        case=case,
        from_institution=case.owner_institution,
        to_institution=InstitutionFactory(),
        reason="other",
        purpose="x",
        respond_by=TODAY + datetime.timedelta(days=5),
    )

    due = reminders_due(TODAY)
    assert {(r.kind, r.pk) for r in due} == {
        ("follow_up", soon.pk),
        ("follow_up", late.pk),
        ("referral", referral.pk),
    }
    assert far.pk not in {r.pk for r in due if r.kind == "referral"}

    result = case_reminders_send.call()
    assert result == {"follow_ups": 2, "referrals": 1, "emails": 3, "failed": 0}
    by_recipient = {message.to[0]: message for message in mail.outbox}
    # member: the follow-up assigned to them, and the referral (they may receive referrals at
    # the receiving institution); manager: the follow-up left to the case manager and the
    # referral they made; receiver: the referral. Not the analyst, who cannot answer it.
    assert set(by_recipient) == {member.email, manager.email, receiver.email}
    assert observer.email not in by_recipient
    # A task someone typed may name a person: mail, which leaves the platform, never carries
    # it; the member is told to open the case.
    assert "Visit the flat" not in by_recipient[member.email].body
    with translation.override(member.preferred_language or "mk"):
        assert gettext("open the case to read the task") in by_recipient[member.email].body
    assert "Visit the flat" not in by_recipient[manager.email].body
    with translation.override(manager.preferred_language or "mk"):
        assert gettext("open the case to read the task") in by_recipient[manager.email].body
    assert case.code in by_recipient[receiver.email].body
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in ("Ardita", "Krasniqi", "070123456", "Legal aid"):
            assert secret not in text

    assert case_reminders_send.call() == {"follow_ups": 0, "referrals": 0, "emails": 0, "failed": 0}
    assert len(mail.outbox) == 3
    assert FollowUp.objects.filter(reminded_at__isnull=False).count() == 2
