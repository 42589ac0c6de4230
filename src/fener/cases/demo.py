"""The case-management demo: about 300 synthetic cases whose demographics, types of
exploitation and recruiter relations are sampled from CTDC's published distributions
(:mod:`fener.cases.demo_profiles`), worked through the real services: teams across
institutions, consent, screenings, status decisions, referrals (in the country and across
borders), child safeguards, support plans with follow-ups and risk assessments, closures.

Registration dates are spread over the last three years (CTDC's registration years are not
used: the demo must look current). Everything is written by the services, so the audit log
and the encrypted identity vault are exactly what real use produces.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from fener.analytics.identification import RISK_FACTORS, choose_set, indicator_set
from fener.cases import demo_data
from fener.cases.demo_profiles import CaseProfile, sample_profiles
from fener.cases.models import Case, CaseReferral, ServiceProvider
from fener.cases.services import cases as case_services
from fener.cases.services import identity as identity_services
from fener.cases.services import referrals as referral_services
from fener.cases.services import safeguards, support
from fener.cases.services.screening import screening_record
from fener.cases.vocabulary import ClosureReason, ConsentScope, TeamRole
from fener.core.demo import ProgressCallback, register_demo_builder, register_demo_usernames
from fener.core.models import Institution, Municipality, Role, User

CASES = 300
register_demo_usernames(*(account[1] for account in demo_data.EXTRA_ACCOUNTS))
TWO_FACTOR_CASE_ROLES = ["case_worker", "case_supervisor", "police_investigator", "prosecutor"]


@register_demo_builder("victim cases", order=70)
def build_cases_demo(progress: ProgressCallback, context: dict[str, Any]) -> None:
    if Case.objects.exists():
        return  # built by an earlier run
    # The demo is tried without an authenticator app; a real installation keeps the second
    # factor that migration 0002 of cases requires of these roles.
    Role.objects.filter(code__in=TWO_FACTOR_CASE_ROLES).update(requires_two_factor=False)
    _extra_accounts(context["password"])
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible on purpose
    world = _World(rng)
    world.providers = _providers(world.coordinator)
    forms = _emerging_forms(world)
    progress(f"victim cases: {CASES} cases")
    today = timezone.localdate()
    for index, profile in enumerate(sample_profiles(CASES, seed=5)):
        registered = today - datetime.timedelta(days=rng.randint(3, 3 * 365))
        _build_case(world, profile, registered, forms if index % 37 == 0 else [])
        if index % 50 == 49:
            progress(f"victim cases: {index + 1} of {CASES}")


class _World:
    """The accounts, institutions and places the builder draws from."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.users = {u.username: u for u in User.objects.select_related("institution")}
        self.coordinator = (
            self.users["coordinator"]
            if "coordinator" in self.users
            else next(
                u for u in self.users.values() if u.permission_codes() >= {"cases.manage_services"}
            )
        )
        self.institutions = {i.key: i for i in Institution.objects.all()}
        municipalities = list(Municipality.objects.all())
        self.municipalities = municipalities
        self.weights = [m.population for m in municipalities]
        self.providers: list[ServiceProvider] = []

    def user(self, username: str) -> User:
        return self.users[username]

    def municipality(self) -> Municipality | None:
        if not self.municipalities:
            return None
        return self.rng.choices(self.municipalities, weights=self.weights)[0]


def _extra_accounts(password: str) -> None:
    roles = {role.code: role for role in Role.objects.all()}
    institutions = {i.key: i for i in Institution.objects.all()}
    for role, username, first, last, institution, title in demo_data.EXTRA_ACCOUNTS:
        if institution not in institutions:
            continue
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.fener.mk",
                "institution": institutions[institution],
                "job_title": title,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.roles.set([roles[role]])


def _providers(actor: User) -> list[ServiceProvider]:
    institutions = {i.key: i for i in Institution.objects.all()}
    made = []
    for name, key, domains, women, female, child, languages in demo_data.PROVIDERS:
        institution = institutions.get(key)
        made.append(
            support.provider_create(
                actor=actor,
                data=support.ProviderInput(
                    name=name,
                    domains=domains,
                    institution=institution,
                    municipality=institution.municipality if institution else None,
                    women_only=women,
                    female_staff_available=female,
                    child_friendly=child,
                    languages=languages,
                    contact=institution.phone if institution else "",
                ),
            )
        )
    return made


def _emerging_forms(world: _World) -> list[str]:
    worker = world.user("caseworker")
    scam = case_services.form_propose(
        actor=worker,
        name_en="Forced work in online scam centres",
        name_mk="Принудна работа во центри за онлајн измами",
        name_sq="Punë e detyruar në qendra mashtrimi në internet",
        description="People recruited for IT jobs abroad and forced to run online fraud.",
    )
    case_services.form_review(
        actor=world.coordinator,
        form=scam,
        promote=True,
        note="Confirmed by three cases and by GRETA's 4th round.",
        htcds_code="ForcedLabour",
    )
    criminality = case_services.form_propose(
        actor=worker,
        name_en="Forced criminality",
        name_mk="Принудно вршење кривични дела",
        name_sq="Kriminalitet i detyruar",
        description="Children made to steal or to carry drugs.",
    )
    return [scam.code, criminality.code]


def _profile_fields(world: _World, profile: CaseProfile) -> dict[str, Any]:
    rng = world.rng
    abroad = (profile.citizenship and profile.citizenship[0] != "MK") or rng.random() < 0.45
    forms = list(profile.exploitation_types)
    return {
        "sex": profile.sex,
        "age_at_registration": profile.age,
        "age_when_trafficked": max(0, profile.age - rng.choice([0, 0, 1, 2])),
        "citizenship": list(profile.citizenship),
        "primary_language": "sq"
        if profile.citizenship and profile.citizenship[0] in {"AL", "XK"}
        else "mk",
        "municipality": world.municipality(),
        "recruitment_methods": list(profile.recruitment_methods),
        "recruitment_platforms": ["facebook"]
        if "online_social_network" in profile.recruitment_methods
        else [],
        "control_methods": list(profile.control_methods),
        "exploitation_forms": forms,
        "forced_labour_industry": profile.forced_labour_industry,
        "sex_exploitation_types": list(profile.sex_exploitation_types),
        "relationship_to_trafficker": profile.relationship,
        "exploitation_country": rng.choice(demo_data.DESTINATIONS) if abroad else "MK",
    }


def _owner(world: _World) -> User:
    names, weights = zip(*demo_data.OWNERS, strict=True)
    return world.user(world.rng.choices(names, weights=weights)[0])


def _identity(
    world: _World, profile: CaseProfile, registered: datetime.date
) -> identity_services.IdentityInput:
    rng = world.rng
    given = demo_data.GIVEN_MALE if profile.sex == "male" else demo_data.GIVEN_FEMALE
    birth = registered - datetime.timedelta(days=profile.age * 365 + rng.randint(0, 360))
    return identity_services.IdentityInput(
        given_name=rng.choice(given),
        family_name=rng.choice(demo_data.FAMILY),
        birth_date=birth,
        phones=[f"07{rng.choice('015678')} {rng.randint(100, 999)} {rng.randint(100, 999)}"],
    )


def _build_case(
    world: _World, profile: CaseProfile, registered: datetime.date, forms: list[str]
) -> None:
    rng = world.rng
    owner = _owner(world)
    fields = _profile_fields(world, profile)
    if forms and rng.random() < 0.8:
        fields["exploitation_forms"] = [
            *fields["exploitation_forms"],
            forms[rng.randrange(len(forms))],
        ]
    case = case_services.case_open(actor=owner, registered_on=registered, profile=fields)
    identity_services.identity_save(
        actor=owner, case=case, data=_identity(world, profile, registered)
    )
    for perpetrator in profile.perpetrators:
        case_services.perpetrator_add(
            actor=owner, case=case, roles=list(perpetrator.roles), sex=perpetrator.sex
        )
    _team(world, case, owner)
    _consents(world, case, owner, registered)
    screening = _screening(world, case, owner, registered)
    _status(world, case, owner, registered, screening)
    _referrals(world, case, owner, registered)
    _support(world, case, owner, registered)
    _maybe_close(world, case, owner, registered)


def _team(world: _World, case: Case, owner: User) -> None:
    rng = world.rng
    colleagues: tuple[str, ...] = ("cw-opengate", "cw-shelter", "cw-myla", "prosecutor")
    if rng.random() < 0.1:
        colleagues = (*colleagues, "caseworker")  # the demo's case worker also helps others
    candidates = [u for name in colleagues if (u := world.users.get(name)) and u != owner]
    for member in rng.sample(candidates, k=rng.randint(1, 2)):
        role = {
            "cw-myla": TeamRole.LAWYER,
            "prosecutor": TeamRole.PROSECUTOR,
            "cw-shelter": TeamRole.SOCIAL_WORKER,
        }.get(member.username, TeamRole.NGO_SUPPORT)
        case_services.team_add(actor=owner, case=case, user=member, role=role)
    police = world.users.get("police")
    if police and police != owner:
        case_services.team_add(actor=owner, case=case, user=police, role=TeamRole.POLICE_LIAISON)


def _consents(world: _World, case: Case, owner: User, registered: datetime.date) -> None:
    rng = world.rng
    if case.is_child:
        institution = world.institutions.get("csw-skopje", owner.institution)
        safeguards.guardian_appoint(
            actor=owner,
            case=case,
            appointing_institution=institution,
            appointed_on=registered,
            guardian_name=f"{rng.choice(demo_data.GIVEN_FEMALE)} {rng.choice(demo_data.FAMILY)}",
        )
        safeguards.best_interests_record(
            actor=owner,
            case=case,
            assessed_on=min(registered + datetime.timedelta(days=2), timezone.localdate()),
            conclusion="Placement in the shelter with schooling; no contact with the recruiting relative.",
            child_heard=True,
        )
        method = "guardian"
    else:
        method = rng.choice(["written", "written", "oral"])
    scopes = [ConsentScope.ASSISTANCE, ConsentScope.INTERVIEW]
    if rng.random() < 0.85:
        scopes.append(ConsentScope.SHARING_NATIONAL)
    if rng.random() < 0.3:
        scopes.append(ConsentScope.SHARING_ABROAD)
    if rng.random() < 0.7:
        scopes.append(ConsentScope.STATISTICS)
    for scope in scopes:
        safeguards.consent_record(
            actor=owner,
            case=case,
            scope=scope,
            method=method,
            given_on=registered,
        )


def _screening(world: _World, case: Case, owner: User, registered: datetime.date) -> Any:
    rng = world.rng
    if rng.random() < 0.15:
        return None
    forms = set(case.exploitation_forms.values_list("code", flat=True))
    chosen = choose_set(
        is_child=case.is_child,
        exploitation="sexual" if "sexual_exploitation" in forms else "labour",
    )
    strength = rng.random()
    answers = {}
    for indicator in indicator_set(chosen).indicators:
        present_chance = {"strong": 0.35, "medium": 0.3, "weak": 0.2}.get(
            indicator.strength or "", 0.2
        ) * (0.4 + strength)
        roll = rng.random()
        answers[indicator.code] = (
            "present" if roll < present_chance else "absent" if roll < 0.8 else "unknown"
        )
    on = min(registered + datetime.timedelta(days=rng.randint(2, 10)), timezone.localdate())
    return screening_record(
        actor=owner,
        case=case,
        indicator_set=chosen,
        interviewed_on=on,
        answers=answers,
        notes="Interview in the centre's quiet room.",
    )


def _status(
    world: _World, case: Case, owner: User, registered: datetime.date, screening: Any
) -> None:
    rng = world.rng
    roll = rng.random()
    day = min(registered + datetime.timedelta(days=rng.randint(10, 30)), timezone.localdate())
    case.refresh_from_db()
    police = world.users["police"]
    if roll < 0.12:
        case_services.status_decide(
            actor=police,
            case=case,
            expected_version=case.version,
            to_status="not_a_victim",
            decided_on=day,
            reasons="The indicators point to irregular work, not trafficking.",
            screening=screening,
        )
        return
    if roll < 0.3:
        return  # still a possible victim
    case_services.status_decide(
        actor=owner,
        case=case,
        expected_version=case.version,
        to_status="presumed",
        decided_on=day,
        reasons="Screening and the person's account show deception and control.",
        screening=screening,
    )
    if roll < 0.5:
        return
    case.refresh_from_db()
    formal = min(day + datetime.timedelta(days=rng.randint(7, 40)), timezone.localdate())
    case_services.status_decide(
        actor=police,
        case=case,
        expected_version=case.version,
        to_status="identified",
        decided_on=formal,
        reasons="Formally identified by the national unit after the interview and checks.",
    )


def _referrals(world: _World, case: Case, owner: User, registered: datetime.date) -> None:
    rng = world.rng
    if rng.random() > 0.45:
        return
    case.refresh_from_db()
    # Institutions whose demo staff answer referrals (the others would wait for ever).
    keys = ["shelter-thb", "ngo-myla", "ngo-open-gate", "csw-skopje", "csw-bitola"]
    if case.citizenship and case.citizenship[0] in {"AL", "XK"} and rng.random() < 0.5:
        keys = ["al-asp-thb" if case.citizenship[0] == "AL" else "xk-kp-dithb"]
    target = world.institutions.get(rng.choice(keys))
    if target is None or target == case.owner_institution:
        return
    reason = {
        "shelter-thb": "accommodation",
        "ngo-myla": "additional_services",
        "al-asp-thb": "return",
        "xk-kp-dithb": "return",
    }.get(target.key, "additional_services")
    sections = ["profile", "exploitation"] + (["name", "contacts"] if rng.random() < 0.4 else [])
    override: dict[str, Any] = {}
    if not safeguards.active_consent(
        case,
        ConsentScope.SHARING_ABROAD if target.country != "MK" else ConsentScope.SHARING_NATIONAL,
        timezone.localdate(),
    ):
        supervisor = world.users["supervisor"]
        if owner != supervisor or rng.random() < 0.5:
            return
        override = {
            "override_legal_basis": "Law on Child Protection, art. 12 (urgent protection)"
            if case.is_child
            else "Law on Personal Data Protection, art. 10(1)(d) (vital interests)",
            "override_reason": "The person is in immediate danger and cannot be reached to consent.",
        }
    referral = referral_services.referral_create(
        actor=owner,
        case=case,
        to_institution=target,
        reason=reason,
        purpose="Please take over the support described in the shared sections.",
        sections=sections,
        **override,
    )
    receivers = [
        u
        for u in world.users.values()
        if u.institution_id == target.pk and "cases.receive_referrals" in u.permission_codes()
    ]
    today = timezone.localdate()
    sent = min(registered + datetime.timedelta(days=rng.randint(3, 30)), today)
    recent = (today - sent).days < 10
    _backdate(referral, sent, respond_in=rng.randint(3, 7))
    if not receivers or (recent and rng.random() < 0.6):
        return  # still waiting for an answer (a missed deadline shows as overdue)
    receiver = receivers[0]
    if rng.random() < 0.15:
        referral_services.referral_respond(
            actor=receiver,
            referral=referral,
            accept=False,
            note="No free place this month; please try the Bitola centre.",
        )
    else:
        referral_services.referral_respond(
            actor=receiver, referral=referral, accept=True, note="Accepted; first meeting arranged."
        )
        if not recent and rng.random() < 0.95:
            referral_services.referral_complete(
                actor=receiver, referral=referral, note="Service given."
            )
    answered = min(sent + datetime.timedelta(days=rng.randint(1, 4)), today)
    CaseReferral.objects.filter(pk=referral.pk).update(
        responded_at=_moment(answered),
        completed_at=None
        if referral.completed_at is None
        else _moment(min(answered + datetime.timedelta(days=30), today)),
    )


def _moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _backdate(referral: CaseReferral, sent: datetime.date, *, respond_in: int) -> None:
    """The services stamp today's date; the demo's referrals were sent when their case was new."""
    CaseReferral.objects.filter(pk=referral.pk).update(
        created_at=_moment(sent), respond_by=sent + datetime.timedelta(days=respond_in)
    )


def _support(world: _World, case: Case, owner: User, registered: datetime.date) -> None:
    rng = world.rng
    case.refresh_from_db()
    if case.trafficking_status not in {"presumed", "identified"} or rng.random() < 0.2:
        return
    start = min(registered + datetime.timedelta(days=14), timezone.localdate())
    plan = support.plan_create(
        actor=owner,
        case=case,
        objectives="Safety first, then health, documents and a way back to school or work.",
        start_on=start,
    )
    domains = rng.sample(list(demo_data.GOAL_TEXT), k=rng.randint(2, 4))
    if "safety" not in domains:
        domains[0] = "safety"
    for domain in domains:
        goal = support.goal_add(
            actor=owner,
            plan=plan,
            domain=domain,
            description=demo_data.GOAL_TEXT[domain],
            target_date=start + datetime.timedelta(days=rng.randint(60, 365)),
        )
        offered = [
            p
            for p in world.providers
            if domain in p.domains and (not p.women_only or case.sex == "female")
        ]
        if offered:
            support.service_add(
                actor=owner,
                goal=goal,
                provider=rng.choice(offered),
                started_on=start,
                status="ongoing",
            )
    today = timezone.localdate()
    _risk(world, case, owner, start)
    for follow_up in case.follow_ups.order_by("due_on"):
        recent = (today - follow_up.due_on).days < 45
        if follow_up.due_on > today or (recent and rng.random() < 0.4):
            continue  # due later, or recently missed
        outcomes = {
            "safe_housing": rng.choice(["yes", "yes", "no"]),
            "in_education_or_employment": rng.choice(["yes", "no"]),
            "documents_regularised": rng.choice(["yes", "in_progress", "no"]),
            "health_needs_met": rng.choice(["yes", "partly"]),
            "legal_proceedings": rng.choice(["none", "ongoing", "concluded"]),
            "compensation": rng.choice(["not_claimed", "claimed", "awarded"]),
            "contact_with_exploiters": rng.choice(["no", "no", "no", "yes"]),
        }
        support.follow_up_complete(
            actor=owner,
            follow_up=follow_up,
            done_on=follow_up.due_on,
            notes="Met at the centre; plan reviewed.",
            outcomes=outcomes,
        )
        if rng.random() < 0.5:
            _risk(world, case, owner, follow_up.due_on)


def _risk(world: _World, case: Case, owner: User, on: datetime.date) -> None:
    rng = world.rng
    factors = {factor.code: rng.random() < 0.3 for factor in RISK_FACTORS}
    factors["young_age"] = case.is_child or (case.age_at_registration or 30) < 21
    support.risk_assess(actor=owner, case=case, assessed_on=on, factors=factors)


def _maybe_close(world: _World, case: Case, owner: User, registered: datetime.date) -> None:
    rng = world.rng
    case.refresh_from_db()
    age_days = (timezone.localdate() - registered).days
    if age_days < 400 or rng.random() > 0.45:
        return
    reason = (
        ClosureReason.NOT_A_VICTIM
        if case.trafficking_status == "not_a_victim"
        else rng.choice(
            [
                ClosureReason.GOALS_ACHIEVED,
                ClosureReason.GOALS_ACHIEVED,
                ClosureReason.DECLINED,
                ClosureReason.LOST_CONTACT,
                ClosureReason.RETURNED_HOME,
            ]
        )
    )
    closed_on = registered + datetime.timedelta(days=rng.randint(300, age_days))
    case_services.case_close(
        actor=owner,
        case=case,
        expected_version=case.version,
        reason=reason,
        note="Closed after the last follow-up.",
        closed_on=min(closed_on, timezone.localdate()),
    )
