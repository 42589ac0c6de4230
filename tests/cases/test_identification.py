"""Identification: screenings against the ILO indicators, and the status a person decides."""

import datetime

import pytest
from django.utils import timezone, translation

from fener.analytics.identification import indicator_set
from fener.cases.models import Case, Screening, StatusDecision
from fener.cases.services import cases as case_services
from fener.cases.services import safeguards
from fener.cases.services.errors import (
    CaseInputError,
    ConsentRequired,
    SafeguardMissing,
    StaleEdit,
    WrongState,
)
from fener.cases.services.screening import screening_record
from fener.core.access import AccessDenied
from fener.core.models import AuditEvent, InstitutionType
from tests.factories import InstitutionFactory

TODAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def worker(make_user):
    return make_user("case_worker", username="worker")


@pytest.fixture
def officer(make_user):
    police = InstitutionFactory(key="police-unit", type=InstitutionType.POLICE)
    return make_user("police_investigator", username="officer", institution=police)


def _open(worker, **profile):
    case = case_services.case_open(
        actor=worker,
        registered_on=TODAY,
        profile={"sex": "female", "age_at_registration": 23, **profile},
    )
    if not case.is_child:
        safeguards.consent_record(
            actor=worker, case=case, scope="interview", method="oral", given_on=TODAY
        )
    return Case.objects.get(pk=case.pk)


def _victim_answers():
    """One strong and one medium indicator in three dimensions: the adult rule is met."""
    chosen = indicator_set("adult_labour")
    answers = {}
    for dimension in (
        "deceptive_recruitment",
        "exploitative_conditions",
        "coercion_at_destination",
    ):
        for strength in ("strong", "medium"):
            first = next(i for i in chosen.in_dimension(dimension) if i.strength == strength)
            answers[first.code] = "present"
    return answers


@pytest.mark.django_db
def test_a_screening_records_the_answers_and_the_engines_advice(worker):
    case = _open(worker)
    screening = screening_record(
        actor=worker,
        case=case,
        indicator_set="adult_labour",
        interviewed_on=TODAY,
        answers=_victim_answers(),
        forced_labour_answers={
            "debt_bondage": "present",
            "retention_of_identity_documents": "present",
        },
        notes="Met at the bus station",
    )
    assert screening.recommendation == "strong_indication"
    assert screening.result["rule_met"] is True
    assert {d["dimension"] for d in screening.result["dimensions"] if d["positive"]} >= {
        "deceptive_recruitment",
        "exploitative_conditions",
        "coercion_at_destination",
    }
    assert screening.result["explanation"]
    # Advice never changes the status on its own.
    case.refresh_from_db()
    assert case.trafficking_status == "possible"
    assert (
        AuditEvent.objects.filter(action="cases.screening_record", target_id=str(case.pk)).count()
        == 1
    )


@pytest.mark.django_db
def test_a_screening_needs_consent_to_the_interview(worker):
    case = case_services.case_open(actor=worker, registered_on=TODAY, profile={"sex": "male"})
    with pytest.raises(ConsentRequired, match="consent to the identification interview"):
        screening_record(
            actor=worker, case=case, indicator_set="adult_labour", interviewed_on=TODAY, answers={}
        )
    assert not Screening.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"indicator_set": "adult_everything"}, "indicator_set"),
        ({"answers": {"no_such_indicator": "present"}}, "answers"),
        ({"answers": {"dr_deceived_nature_of_job": "yes"}}, "answers"),
        ({"interviewed_on": timezone.localdate() + datetime.timedelta(days=3)}, "interviewed_on"),
    ],
)
def test_bad_screenings_are_refused_and_nothing_is_written(worker, kwargs, field):
    case = _open(worker)
    arguments = {"indicator_set": "adult_labour", "interviewed_on": TODAY, "answers": {}, **kwargs}
    with pytest.raises(CaseInputError) as error:
        screening_record(actor=worker, case=case, **arguments)
    assert field in error.value.message_dict
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_status_goes_possible_presumed_identified_with_the_deciding_institution(worker, officer):
    case = _open(worker, citizenship=["AL"])
    decision = case_services.status_decide(
        actor=worker,
        case=case,
        expected_version=case.version,
        to_status="presumed",
        decided_on=TODAY,
        reasons="Strong indicators in the screening",
    )
    case.refresh_from_db()
    assert (case.trafficking_status, decision.deciding_institution) == (
        "presumed",
        worker.institution,
    )
    # A foreign national's reflection and recovery period starts with the presumption.
    assert (case.reflection_period_start, case.reflection_period_end) == (
        TODAY,
        TODAY + datetime.timedelta(days=60),
    )

    # A case worker cannot make the formal decision...
    with pytest.raises(AccessDenied):
        case_services.status_decide(
            actor=worker,
            case=case,
            expected_version=case.version,
            to_status="identified",
            decided_on=TODAY,
            reasons="x",
        )
    # ...the police officer on the team can.
    case_services.team_add(actor=worker, case=case, user=officer, role="police_liaison")
    formal = case_services.status_decide(
        actor=officer,
        case=case,
        expected_version=case.version,
        to_status="identified",
        decided_on=TODAY,
        reasons="Formal identification by the unit",
    )
    assert (formal.deciding_body, formal.from_status, formal.to_status) == (
        "police",
        "presumed",
        "identified",
    )
    case.refresh_from_db()
    assert case.trafficking_status == "identified"
    with pytest.raises(WrongState):
        case_services.status_decide(
            actor=officer,
            case=case,
            expected_version=case.version,
            to_status="possible",
            decided_on=TODAY,
            reasons="x",
        )
    assert StatusDecision.objects.filter(case=case).count() == 2


@pytest.mark.django_db
def test_a_formal_decision_on_a_child_needs_a_guardian_and_a_best_interests_assessment(
    worker, officer, home_institution
):
    child = _open(worker, age_at_registration=16)
    case_services.team_add(actor=worker, case=child, user=officer, role="police_liaison")
    child = case_services.status_decide(
        actor=worker,
        case=child,
        expected_version=child.version,
        to_status="presumed",
        decided_on=TODAY,
        reasons="Indicators",
    ).case
    with pytest.raises(SafeguardMissing, match="guardian"):
        case_services.status_decide(
            actor=officer,
            case=child,
            expected_version=child.version,
            to_status="identified",
            decided_on=TODAY,
            reasons="x",
        )
    safeguards.guardian_appoint(
        actor=worker,
        case=child,
        appointing_institution=home_institution,
        appointed_on=TODAY,
        guardian_name="Guardian",
    )
    with pytest.raises(SafeguardMissing, match="best-interests"):
        case_services.status_decide(
            actor=officer,
            case=child,
            expected_version=child.version,
            to_status="identified",
            decided_on=TODAY,
            reasons="x",
        )
    safeguards.best_interests_record(
        actor=worker,
        case=child,
        assessed_on=TODAY,
        conclusion="Stay in the shelter",
        child_heard=True,
    )
    case_services.status_decide(
        actor=officer,
        case=child,
        expected_version=child.version,
        to_status="identified",
        decided_on=TODAY,
        reasons="Formal",
    )
    child.refresh_from_db()
    assert child.trafficking_status == "identified"


@pytest.mark.django_db
def test_concurrent_edits_do_not_overwrite_each_other(worker, make_user):
    colleague = make_user("case_worker", username="colleague")
    case = _open(worker)
    case_services.team_add(actor=worker, case=case, user=colleague, role="social_worker")
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    case_services.case_update_profile(
        actor=colleague,
        case=theirs,
        expected_version=theirs.version,
        changes={"control_methods": ["debt_bondage"]},
    )
    with pytest.raises(StaleEdit, match="Someone else saved"):
        case_services.case_update_profile(
            actor=worker,
            case=mine,
            expected_version=mine.version,
            changes={"control_methods": ["physical_abuse"]},
        )
    case.refresh_from_db()
    assert case.control_methods == ["debt_bondage"]
    assert AuditEvent.objects.filter(action="cases.update").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"citizenship": ["Macedonia"]}, "citizenship"),
        ({"age_at_registration": 200}, "age_at_registration"),
        ({"control_methods": ["mind_control"]}, "control_methods"),
        ({"exploitation_forms": ["space_piracy"]}, "exploitation_forms"),
        ({"sex": "robot"}, "sex"),
        ({"code": "FN-1"}, "__all__"),
    ],
)
def test_bad_profile_changes_are_refused_and_nothing_changes(worker, changes, field):
    case = _open(worker)
    version = case.version
    with pytest.raises(CaseInputError) as error:
        case_services.case_update_profile(
            actor=worker, case=case, expected_version=version, changes=changes
        )
    assert field in error.value.message_dict
    case.refresh_from_db()
    assert case.version == version and case.citizenship == []


@pytest.mark.django_db
def test_an_emerging_form_is_proposed_used_and_promoted_by_the_panel(worker, make_user):
    panel = make_user("national_coordinator", username="panel")
    form = case_services.form_propose(
        actor=worker,
        name_en="Forced criminality",
        name_mk="Принудно вршење кривични дела",
        name_sq="Kriminalitet i detyruar",
        description="Made to grow cannabis",
    )
    case = _open(worker, exploitation_forms=[form.code])
    assert list(case.exploitation_forms.values_list("code", flat=True)) == ["forced-criminality"]
    with pytest.raises(AccessDenied):
        case_services.form_review(actor=worker, form=form, promote=True, note="mine")
    case_services.form_review(
        actor=panel, form=form, promote=True, note="Seen in 3 regions", htcds_code="Other"
    )
    form.refresh_from_db()
    assert (form.status, form.reviewed_by) == ("promoted", panel)
    with pytest.raises(WrongState):
        case_services.form_review(actor=panel, form=form, promote=False, note="again")


@pytest.mark.django_db
def test_team_membership_gives_and_removing_takes_access(worker, make_user):
    from fener.core.access import allowed

    colleague = make_user("case_worker", username="colleague")
    case = _open(worker)
    assert not allowed(colleague, "view", case)
    member = case_services.team_add(actor=worker, case=case, user=colleague, role="psychologist")
    assert allowed(colleague, "read_identity", case)
    case_services.team_remove(actor=worker, member=member)
    assert not allowed(colleague, "view", case)
    own = case.team.get(user=worker)
    with pytest.raises(WrongState, match="last one"):
        case_services.team_remove(actor=worker, member=own)
