"""Free text of a case is for its team only, on every page and in the API.

Decision reasons, best-interests conclusions, protection-measure references, guardians' names,
screening notes, the support plan's objectives and goals, follow-up tasks and notes, case
notes, and a referral's purpose and answer often name people. Active team members read them
(observers too); a supervisor of the owning institution who is not on the team sees the case's
structure, dates and statuses with "(text visible to team members)" in place of the texts. The
receiving institution reads a referral's purpose and answer only while it is not rejected or
revoked.
"""

import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from fener.analytics.identification import INDICATOR_SETS
from fener.cases.models import CaseReferral, FollowUp, SupportPlan
from fener.cases.policies import sees_case_text, sees_referral_text
from fener.cases.services import cases as case_services
from fener.cases.services.referrals import referral_create, referral_respond, referral_revoke
from fener.cases.services.safeguards import (
    best_interests_record,
    consent_record,
    guardian_appoint,
    protection_measure_record,
)
from fener.cases.services.screening import screening_record
from fener.cases.services.support import follow_up_add, follow_up_complete, goal_add, plan_create
from fener.cases.vocabulary import ReferralStatus, TeamRole
from fener.core.services.authentication import api_token_create
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

HIDDEN = "(text visible to team members)"
# One distinctive word per kind of free text, recorded through the services.
GUARDIAN = "Zorica Trajanovska"
TEXTS = {
    "decision": "Quokkareason",
    "conclusion": "Marmaladeconclusion",
    "reference": "Narwhalreference",
    "screening": "Pelicannotes",
    "note": "Wombatnote",
    "objectives": "Heronobjectives",
    "goal": "Mongoosegoal",
    "task": "Ocelottask",
    "follow_up": "Lynxnotes",
    "purpose": "Ibispurpose",
    "answer": "Kestrelanswer",
}


def page(client, name, *args):
    with translation.override("en"):
        path = reverse(f"cases:{name}", args=args)
    response = client.get(path)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def api(user):
    _instance, token = api_token_create(user=user, days=30)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def worker(make_user):
    return make_user("case_worker", username="text-worker")


@pytest.fixture
def observer(make_user):
    return make_user("case_worker", username="text-observer")


@pytest.fixture
def supervisor(make_user):
    """Supervises every case of the institution, but is on no team."""
    return make_user("case_supervisor", username="text-supervisor")


@pytest.fixture
def receiver(make_user, other_institution):
    return make_user("case_worker", username="text-receiver", institution=other_institution)


@pytest.fixture
def centre(db):
    return InstitutionFactory(key="csw-text", name_en="Centre for social work")


@pytest.fixture
def case(worker, observer, centre):
    """A child's case with every kind of free text recorded."""
    today = timezone.localdate()
    opened = case_services.case_open(
        actor=worker, profile={"sex": "female", "age_at_registration": 15, "citizenship": ["MK"]}
    )
    case_services.team_add(actor=worker, case=opened, user=observer, role=TeamRole.OBSERVER)
    guardian_appoint(
        actor=worker,
        case=opened,
        appointing_institution=centre,
        appointed_on=today,
        guardian_name=GUARDIAN,
    )
    best_interests_record(
        actor=worker,
        case=opened,
        assessed_on=today,
        conclusion=f"Stay with the foster family ({TEXTS['conclusion']})",
        child_heard=True,
    )
    protection_measure_record(
        actor=worker,
        case=opened,
        kind="protection_order",
        issued_by=centre,
        issued_on=today,
        reference=TEXTS["reference"],
    )
    for scope in ("interview", "sharing_national"):
        consent_record(actor=worker, case=opened, scope=scope, method="guardian", given_on=today)
    screening_record(
        actor=worker,
        case=opened,
        indicator_set="child_sexual",
        interviewed_on=today,
        answers={code: "present" for code in INDICATOR_SETS["child_sexual"].codes},
        notes=f"Interview in the shelter ({TEXTS['screening']})",
    )
    opened.refresh_from_db()
    case_services.status_decide(
        actor=worker,
        case=opened,
        expected_version=opened.version,
        to_status="presumed",
        decided_on=today,
        reasons=f"Strong indicators ({TEXTS['decision']})",
    )
    case_services.note_add(actor=worker, case=opened, text=f"Called the school ({TEXTS['note']})")
    plan = plan_create(actor=worker, case=opened, objectives=TEXTS["objectives"])
    goal_add(actor=worker, plan=plan, domain="housing", description=TEXTS["goal"])
    follow_up_add(actor=worker, case=opened, due_on=today, task=TEXTS["task"])
    scheduled = FollowUp.objects.filter(case=opened, months_after_start=1).get()
    follow_up_complete(
        actor=worker, follow_up=scheduled, done_on=today, notes=TEXTS["follow_up"], outcomes={}
    )
    opened.refresh_from_db()
    return opened


def refer(worker, case, other_institution):
    return referral_create(
        actor=worker,
        case=case,
        to_institution=other_institution,
        reason="accommodation",
        purpose=TEXTS["purpose"],
        sections=["profile", "support_plan", "child_safeguards"],
    )


@pytest.fixture
def referral(worker, receiver, case, other_institution):
    """Accepted by the receiving institution, with an answer note."""
    made = refer(worker, case, other_institution)
    return referral_respond(actor=receiver, referral=made, accept=True, note=TEXTS["answer"])


def pages_of(client, case, referral):
    follow_up = FollowUp.objects.get(case=case, months_after_start=1)
    screening = case.screenings.get()
    return {
        "case": page(client, "case_detail", case.code),
        "safeguards": page(client, "safeguards", case.code),
        "screening": page(client, "screening_detail", case.code, screening.pk),
        "plan": page(client, "support_plan", case.code),
        "follow_up": page(client, "follow_up_complete", case.code, follow_up.pk),
        "referral": page(client, "referral_detail", referral.pk),
    }


def leaked(text):
    return sorted(word for word in [*TEXTS.values(), GUARDIAN] if word in text)


# --- The rule ------------------------------------------------------------------------------------


def test_active_members_observers_included_read_the_texts_and_nobody_else(
    case, worker, observer, supervisor, receiver, make_user
):
    outsider = make_user("case_worker", username="text-outsider")
    assert sees_case_text(worker, case) and sees_case_text(observer, case)
    assert not sees_case_text(supervisor, case)
    assert not sees_case_text(receiver, case)
    assert not sees_case_text(outsider, case)
    member = case.team.get(user=observer)
    case_services.team_remove(actor=worker, member=member)
    assert not sees_case_text(observer, case)


def test_the_receiver_reads_a_referrals_text_until_it_is_revoked(
    referral, worker, supervisor, receiver
):
    assert sees_referral_text(receiver, referral)
    assert sees_referral_text(worker, referral)
    assert not sees_referral_text(supervisor, referral)
    referral_revoke(actor=worker, referral=referral, reason="The family moved")
    assert not sees_referral_text(receiver, referral)
    assert sees_referral_text(worker, referral)


# --- Pages ---------------------------------------------------------------------------------------


def test_a_supervisor_off_the_team_sees_the_structure_but_none_of_the_texts(
    client, login, case, referral, supervisor
):
    pages = pages_of(login(supervisor), case, referral)
    for name, text in pages.items():
        assert leaked(text) == [], name
    for name in ("case", "safeguards", "screening", "plan", "follow_up", "referral"):
        assert HIDDEN in pages[name], name
    # Structure, dates, statuses and counts are still there.
    assert "Presumed victim" in pages["case"]
    assert "Centre for social work" in pages["safeguards"]
    assert "Protection order" in pages["safeguards"]
    assert "Housing" in pages["plan"]
    assert "Follow-up at 3 months: check goals, risk and outcomes" in pages["plan"]
    assert "Notes are read by the members of the case's team." in pages["case"]


def test_a_supervisor_is_not_offered_to_rewrite_objectives_it_cannot_read(
    client, login, case, supervisor
):
    client = login(supervisor)
    assert 'value="edit"' not in page(client, "support_plan", case.code)
    plan = SupportPlan.objects.get(case=case)
    with translation.override("en"):
        path = reverse("cases:support_plan", args=[case.code])
    response = client.post(
        path, {"action": "edit", "version": plan.version, "objectives": "Overwritten"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert (plan.objectives, plan.version) == (TEXTS["objectives"], 1)


def test_a_team_member_reads_every_text(client, login, case, referral, worker):
    pages = pages_of(login(worker), case, referral)
    everything = "".join(pages.values())
    assert leaked(everything) == sorted([*TEXTS.values(), GUARDIAN])
    assert HIDDEN not in everything
    assert 'value="edit"' in pages["plan"]


def test_an_observer_reads_the_texts_but_not_the_guardians_name(
    client, login, case, referral, observer
):
    pages = pages_of(login(observer), case, referral)
    everything = "".join(pages.values())
    # The guardian's name stays with those who may read identity data; observers may not.
    assert leaked(everything) == sorted(TEXTS.values())
    assert "name hidden" in pages["safeguards"]
    assert HIDDEN not in everything


def test_the_receiver_of_a_revoked_referral_reads_neither_purpose_nor_answer(
    client, login, referral, worker, receiver
):
    assert TEXTS["purpose"] in page(login(receiver), "referral_detail", referral.pk)
    referral_revoke(actor=worker, referral=referral, reason="The family moved")
    text = page(client, "referral_detail", referral.pk)
    assert leaked(text) == []
    assert "Revoked by the sending institution" in text
    assert HIDDEN not in text  # nothing is left to the receiver, not even a placeholder


# --- API -----------------------------------------------------------------------------------------


def test_the_api_gives_a_supervisor_off_the_team_no_texts(case, referral, supervisor):
    client = api(supervisor)
    detail = client.get(f"/api/v1/cases/{case.code}/")
    assert detail.status_code == 200
    decision = detail.json()["status_decisions"][0]
    assert decision["to_status"] == "presumed" and decision["reasons"] is None
    shared = client.get(f"/api/v1/case-referrals/{referral.pk}/")
    assert shared.status_code == 200
    body = shared.json()
    assert body["purpose"] is None and body["response_note"] is None
    assert body["status"] == ReferralStatus.ACCEPTED
    plan = body["payload"]["support_plan"]
    assert plan["objectives"] is None
    assert [(goal["domain"], goal["description"]) for goal in plan["goals"]] == [("housing", None)]
    assessments = body["payload"]["child_safeguards"]["best_interests"]
    assert [item["conclusion"] for item in assessments] == [None]
    assert leaked(json.dumps(detail.json()) + json.dumps(body)) == []


@pytest.mark.parametrize("who", ["worker", "observer"])
def test_the_api_gives_team_members_the_texts(request, case, referral, who):
    client = api(request.getfixturevalue(who))
    decision = client.get(f"/api/v1/cases/{case.code}/").json()["status_decisions"][0]
    assert TEXTS["decision"] in decision["reasons"]
    body = client.get(f"/api/v1/case-referrals/{referral.pk}/").json()
    assert (body["purpose"], body["response_note"]) == (TEXTS["purpose"], TEXTS["answer"])
    assert body["payload"]["support_plan"]["objectives"] == TEXTS["objectives"]


def test_a_supervisor_who_decides_gets_the_decision_back_without_its_reasons(case, supervisor):
    response = api(supervisor).post(
        f"/api/v1/cases/{case.code}/status/",
        {
            "to_status": "identified",
            "decided_on": timezone.localdate().isoformat(),
            "reasons": "Formal identification by the panel",
            "version": case.version,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["decision"]["to_status"] == "identified"
    assert response.json()["decision"]["reasons"] is None


def test_the_receivers_api_view_of_a_revoked_referral_has_no_purpose_or_answer(
    referral, worker, receiver
):
    client = api(receiver)
    before = client.get(f"/api/v1/case-referrals/{referral.pk}/").json()
    assert (before["purpose"], before["response_note"]) == (TEXTS["purpose"], TEXTS["answer"])
    referral_revoke(actor=worker, referral=referral, reason="The family moved")
    after = client.get(f"/api/v1/case-referrals/{referral.pk}/")
    assert after.status_code == 200
    body = after.json()
    assert body["status"] == ReferralStatus.REVOKED
    assert body["purpose"] is None and body["response_note"] is None and body["payload"] is None
    # The sending side's team still reads its own referral's answer.
    sender = api(worker).get(f"/api/v1/case-referrals/{referral.pk}/").json()
    assert sender["response_note"] == TEXTS["answer"]


def test_the_receivers_api_view_of_a_rejected_referral_has_no_purpose_or_answer(
    case, worker, receiver, other_institution
):
    made = refer(worker, case, other_institution)
    referral_respond(actor=receiver, referral=made, accept=False, note=TEXTS["answer"])
    body = api(receiver).get(f"/api/v1/case-referrals/{made.pk}/").json()
    assert body["status"] == ReferralStatus.REJECTED
    assert body["purpose"] is None and body["response_note"] is None
    assert CaseReferral.objects.get(pk=made.pk).response_note == TEXTS["answer"]  # kept
