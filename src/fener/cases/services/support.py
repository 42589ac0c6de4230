"""Long-term support and social inclusion of a case (recommendations 8 and 9).

A support plan with goals in domains (safety, housing, employment...), services from the
catalogue of providers towards each goal, a schedule of follow-ups (by default 1, 3, 6, 12 and
24 months after the plan starts) at which outcome indicators are recorded, and a re-trafficking
risk assessment repeated over time. Every change needs ``change`` on the case and an open case;
the catalogue of providers is kept by holders of ``cases.manage_services``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fener.analytics.identification import (
    RISK_FACTORS,
    InvalidAnswers,
    RiskFactor,
    RiskLevel,
    RiskResult,
    Trend,
    assess_risk,
    risk_trend,
)
from fener.cases.models import (
    Case,
    FollowUp,
    GoalStatus,
    RiskAssessment,
    ServiceDelivery,
    ServiceProvider,
    SupportGoal,
    SupportPlan,
)
from fener.cases.services.errors import CaseInputError, WrongState
from fener.cases.services.validation import code_list, not_in_future, required_text
from fener.cases.services.versioning import save_versioned
from fener.cases.vocabulary import SupportDomain, TeamRole
from fener.core.access import require
from fener.core.audit import audit_changes, audit_record, audit_snapshot
from fener.core.models import Institution, Municipality, User

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

DEFAULT_SCHEDULE_MONTHS = (1, 3, 6, 12, 24)
_LONGEST_SCHEDULE_MONTHS = 120

# --- Outcome indicators ---------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeIndicator:
    """One outcome recorded at a follow-up: a code and its closed list of values."""

    code: str
    label: StrPromise
    values: tuple[tuple[str, StrPromise], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.values)


_YES = ("yes", gettext_lazy("Yes"))
_NO = ("no", gettext_lazy("No"))

OUTCOME_INDICATORS: tuple[OutcomeIndicator, ...] = (
    OutcomeIndicator("safe_housing", gettext_lazy("Lives in safe housing"), (_YES, _NO)),
    OutcomeIndicator(
        "in_education_or_employment",
        gettext_lazy("In education, training or employment"),
        (_YES, _NO),
    ),
    OutcomeIndicator(
        "documents_regularised",
        gettext_lazy("Identity and residence documents in order"),
        (_YES, ("in_progress", gettext_lazy("In progress")), _NO),
    ),
    OutcomeIndicator(
        "health_needs_met",
        gettext_lazy("Health needs met"),
        (_YES, ("partly", gettext_lazy("Partly")), _NO),
    ),
    OutcomeIndicator(
        "legal_proceedings",
        gettext_lazy("Legal proceedings"),
        (
            ("none", gettext_lazy("None")),
            ("ongoing", gettext_lazy("Ongoing")),
            ("concluded", gettext_lazy("Concluded")),
        ),
    ),
    OutcomeIndicator(
        "compensation",
        gettext_lazy("Compensation"),
        (
            ("not_claimed", gettext_lazy("Not claimed")),
            ("claimed", gettext_lazy("Claimed")),
            ("awarded", gettext_lazy("Awarded")),
            ("paid", gettext_lazy("Paid")),
        ),
    ),
    OutcomeIndicator("family_contact", gettext_lazy("In contact with the family"), (_YES, _NO)),
    OutcomeIndicator(
        "contact_with_exploiters",
        gettext_lazy("In contact with the exploiters"),
        (_YES, _NO, ("unknown", gettext_lazy("Unknown"))),
    ),
)
OUTCOMES_BY_CODE: dict[str, OutcomeIndicator] = {o.code: o for o in OUTCOME_INDICATORS}


def outcomes_clean(outcomes: Mapping[Any, Any]) -> dict[str, str]:
    """``outcomes`` checked against the closed vocabulary: every key an indicator, every value
    one of its values. Errors name the indicator (a form field of the same name) or, for
    unknown indicators, ``outcomes``."""
    errors: dict[str, str] = {}
    unknown = sorted(str(code) for code in outcomes if code not in OUTCOMES_BY_CODE)
    if unknown:
        errors["outcomes"] = _("Unknown outcome indicator(s): %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    for code, value in outcomes.items():
        indicator = OUTCOMES_BY_CODE.get(code)
        if indicator is not None and value not in indicator.codes:
            errors[code] = _("“%(value)s” is not a value of “%(indicator)s”.") % {
                "value": value,
                "indicator": indicator.label,
            }
    if errors:
        raise CaseInputError(errors)
    return {str(code): str(value) for code, value in outcomes.items()}


# --- Checks shared by the services -----------------------------------------------------------


def _require_open(case: Case) -> None:
    if not case.is_open or case.anonymised_at is not None:
        raise WrongState(_("A closed case cannot be changed; reopen it first."))


def _optional_text(field_name: str, value: str, *, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise CaseInputError(
            {field_name: _("Keep it under %(limit)d characters.") % {"limit": limit}}
        )
    return text


def case_managers(case: Case) -> list[User]:
    """The case's active case managers, the case owner first."""
    members = case.team.filter(role=TeamRole.CASE_MANAGER, removed_at__isnull=True)
    users = [member.user for member in members.select_related("user").order_by("added_at")]
    return sorted(users, key=lambda user: user.pk != case.case_owner_id)


def _case_manager(case: Case) -> User | None:
    managers = case_managers(case)
    return managers[0] if managers else case.case_owner


# --- The plan --------------------------------------------------------------------------------


def _scheduled_text(months: int) -> str:
    return ngettext(
        "Follow-up at %(months)d month: check goals, risk and outcomes",
        "Follow-up at %(months)d months: check goals, risk and outcomes",
        months,
    ) % {"months": months}


def scheduled_task(months: int) -> str:
    """The stored (English) task of the follow-up scheduled ``months`` after the start."""
    with translation.override("en"):
        return _scheduled_text(months)


def task_in_language(task: str, months_after_start: int | None) -> str:
    """A follow-up's stored task in the reader's language (scheduled tasks are translated;
    tasks people wrote stay as written)."""
    if months_after_start is not None and task == scheduled_task(months_after_start):
        return _scheduled_text(months_after_start)
    return task


def task_label(follow_up: FollowUp) -> str:
    """The follow-up's task in the reader's language."""
    return task_in_language(follow_up.task, follow_up.months_after_start)


def _schedule(months: Iterable[Any]) -> list[int]:
    values = list(months)
    if any(
        not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= _LONGEST_SCHEDULE_MONTHS
        for m in values
    ):
        raise CaseInputError(
            {
                "schedule_months": _(
                    "Give the follow-ups as whole months after the start, from 1 to %(most)d."
                )
                % {"most": _LONGEST_SCHEDULE_MONTHS}
            }
        )
    return sorted(set(values))


def _planned_end(
    planned_end: datetime.date | None, start_on: datetime.date
) -> datetime.date | None:
    if planned_end is not None and planned_end <= start_on:
        raise CaseInputError({"planned_end": _("The plan must end after it starts.")})
    return planned_end


def plan_create(
    *,
    actor: User,
    case: Case,
    objectives: str,
    planned_end: datetime.date | None = None,
    start_on: datetime.date | None = None,
    schedule_months: Sequence[int] = DEFAULT_SCHEDULE_MONTHS,
) -> SupportPlan:
    """Make the case's support plan and its follow-ups, due ``schedule_months`` after
    ``start_on`` (today by default), assigned to the case manager. One plan per case."""
    require(actor, "change", case)
    _require_open(case)
    if SupportPlan.objects.filter(case=case).exists():
        raise WrongState(_("This case already has a support plan."))
    text = required_text("objectives", objectives)
    start = start_on or timezone.localdate()
    if start < case.registered_on:
        raise CaseInputError({"start_on": _("The plan cannot start before the case was opened.")})
    end = _planned_end(planned_end, start)
    months = _schedule(schedule_months)
    manager = _case_manager(case)
    try:
        with transaction.atomic():
            plan = SupportPlan.objects.create(
                case=case, objectives=text, planned_end=end, created_by=actor
            )
            FollowUp.objects.bulk_create(
                FollowUp(
                    case=case,
                    due_on=start + relativedelta(months=n),
                    months_after_start=n,
                    task=scheduled_task(n),
                    assigned_to=manager,
                )
                for n in months
            )
            audit_record(
                actor=actor,
                action="cases.support_plan_create",
                target=case,
                after={
                    **audit_snapshot(plan),
                    "start_on": start.isoformat(),
                    "schedule_months": months,
                },
            )
    except IntegrityError:
        raise WrongState(_("This case already has a support plan.")) from None
    return plan


def plan_update(
    *,
    actor: User,
    plan: SupportPlan,
    expected_version: int,
    objectives: str,
    planned_end: datetime.date | None,
) -> SupportPlan:
    """Change the objectives and planned end; refused if someone saved since
    ``expected_version``."""
    case = plan.case
    require(actor, "change", case)
    _require_open(case)
    text = required_text("objectives", objectives)
    # The plan keeps no start date of its own: the end only has to follow the case's opening.
    end = _planned_end(planned_end, case.registered_on)
    with transaction.atomic():
        before = audit_snapshot(plan)
        objectives_changed = text != plan.objectives
        save_versioned(
            plan, expected_version=expected_version, fields={"objectives": text, "planned_end": end}
        )
        old, new = audit_changes(before, audit_snapshot(plan))
        audit_record(
            actor=actor,
            action="cases.support_plan_update",
            target=case,
            before=old,
            after={**new, "objectives_changed": objectives_changed},
        )
    return plan


# --- Goals and services ----------------------------------------------------------------------


def goal_add(
    *,
    actor: User,
    plan: SupportPlan,
    domain: str,
    description: str,
    target_date: datetime.date | None = None,
) -> SupportGoal:
    """Add a goal in one of the support domains."""
    require(actor, "change", plan.case)
    _require_open(plan.case)
    code = code_list("domain", [domain], SupportDomain)[0]
    text = required_text("description", description, limit=2000)
    with transaction.atomic():
        goal = SupportGoal.objects.create(
            plan=plan, domain=code, description=text, target_date=target_date
        )
        audit_record(
            actor=actor, action="cases.goal_add", target=plan.case, after=audit_snapshot(goal)
        )
    return goal


def goal_set_status(*, actor: User, goal: SupportGoal, status: str) -> SupportGoal:
    """Mark a goal open, in progress, achieved or dropped."""
    case = goal.plan.case
    require(actor, "change", case)
    _require_open(case)
    status = code_list("status", [status], GoalStatus)[0]
    with transaction.atomic():
        before = audit_snapshot(goal)
        goal.status = status
        goal.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="cases.goal_status",
            target=case,
            before=before,
            after=audit_snapshot(goal),
        )
    return goal


_SERVICE_NEXT: dict[str, set[str]] = {
    ServiceDelivery.Status.PLANNED: {
        ServiceDelivery.Status.ONGOING,
        ServiceDelivery.Status.COMPLETED,
        ServiceDelivery.Status.STOPPED,
    },
    ServiceDelivery.Status.ONGOING: {
        ServiceDelivery.Status.COMPLETED,
        ServiceDelivery.Status.STOPPED,
    },
    ServiceDelivery.Status.COMPLETED: set(),
    ServiceDelivery.Status.STOPPED: set(),
}


def service_add(
    *,
    actor: User,
    goal: SupportGoal,
    provider: ServiceProvider,
    started_on: datetime.date | None = None,
    status: str = ServiceDelivery.Status.PLANNED,
) -> ServiceDelivery:
    """Record a service towards a goal from an active provider that offers the goal's domain."""
    case = goal.plan.case
    require(actor, "change", case)
    require(actor, "view", provider)
    _require_open(case)
    if not provider.is_active:
        raise CaseInputError(
            {"provider": _("%(provider)s is no longer active.") % {"provider": provider.name}}
        )
    if goal.domain not in provider.domains:
        raise CaseInputError(
            {
                "provider": _("%(provider)s does not offer services in “%(domain)s”.")
                % {"provider": provider.name, "domain": SupportDomain(goal.domain).label}
            }
        )
    if status not in {ServiceDelivery.Status.PLANNED, ServiceDelivery.Status.ONGOING}:
        raise CaseInputError(
            {"status": _("A new service is planned or ongoing; record its end later.")}
        )
    if status == ServiceDelivery.Status.ONGOING and started_on is None:
        raise CaseInputError({"started_on": _("Give the date the service started.")})
    not_in_future("started_on", started_on, timezone.localdate())
    with transaction.atomic():
        service = ServiceDelivery.objects.create(
            goal=goal, provider=provider, started_on=started_on, status=status
        )
        audit_record(
            actor=actor, action="cases.service_add", target=case, after=audit_snapshot(service)
        )
    return service


def service_set_status(
    *,
    actor: User,
    service: ServiceDelivery,
    status: str,
    on: datetime.date | None = None,
) -> ServiceDelivery:
    """Move a service on: planned → ongoing → completed or stopped (``on`` is the date of the
    change, today by default). A completed or stopped service stays as it is."""
    case = service.goal.plan.case
    require(actor, "change", case)
    _require_open(case)
    status = code_list("status", [status], ServiceDelivery.Status)[0]
    if status not in _SERVICE_NEXT[service.status]:
        raise WrongState(
            _("A service that is “%(old)s” cannot become “%(new)s”.")
            % {
                "old": ServiceDelivery.Status(service.status).label,
                "new": ServiceDelivery.Status(status).label,
            }
        )
    day = on or timezone.localdate()
    not_in_future("on", day, timezone.localdate())
    if service.started_on is not None and day < service.started_on:
        raise CaseInputError({"on": _("The date is before the service started.")})
    with transaction.atomic():
        before = audit_snapshot(service)
        read_status = service.status
        service.status = status
        if service.started_on is None:
            service.started_on = day
        if status in {ServiceDelivery.Status.COMPLETED, ServiceDelivery.Status.STOPPED}:
            service.ended_on = day
        # Conditional on the status read: a concurrent change (e.g. completion) is never undone.
        if not ServiceDelivery.objects.filter(pk=service.pk, status=read_status).update(
            status=service.status, started_on=service.started_on, ended_on=service.ended_on
        ):
            raise WrongState(_("Someone changed this service meanwhile; reload the page."))
        audit_record(
            actor=actor,
            action="cases.service_status",
            target=case,
            before=before,
            after=audit_snapshot(service),
        )
    return service


# --- Follow-ups ------------------------------------------------------------------------------


def follow_up_add(
    *,
    actor: User,
    case: Case,
    due_on: datetime.date,
    task: str,
    assigned_to: User | None = None,
) -> FollowUp:
    """Add a follow-up outside the schedule, assigned to a team member (the case manager if
    nobody is named)."""
    require(actor, "change", case)
    _require_open(case)
    text = required_text("task", task, limit=200)
    if due_on < case.registered_on:
        raise CaseInputError({"due_on": _("The date is before the case was opened.")})
    if assigned_to is not None and not (
        case.team.filter(user=assigned_to, removed_at__isnull=True)
        .exclude(role=TeamRole.OBSERVER)
        .exists()
    ):
        raise CaseInputError(
            {"assigned_to": _("Assign the follow-up to a member of the case's team.")}
        )
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            case=case, due_on=due_on, task=text, assigned_to=assigned_to or _case_manager(case)
        )
        audit_record(
            actor=actor,
            action="cases.follow_up_add",
            target=case,
            after=audit_snapshot(follow_up),
        )
    return follow_up


def follow_up_complete(
    *,
    actor: User,
    follow_up: FollowUp,
    done_on: datetime.date,
    notes: str,
    outcomes: Mapping[str, str],
) -> FollowUp:
    """Record that the follow-up took place, with notes and outcome indicators (see
    :data:`OUTCOME_INDICATORS`). A follow-up is completed once."""
    case = follow_up.case
    require(actor, "change", case)
    _require_open(case)
    if follow_up.done_on is not None:
        raise WrongState(_("This follow-up has already been recorded."))
    not_in_future("done_on", done_on, timezone.localdate())
    if done_on < case.registered_on:
        raise CaseInputError({"done_on": _("The date is before the case was opened.")})
    text = _optional_text("notes", notes, limit=10000)
    values = outcomes_clean(outcomes)
    with transaction.atomic():
        before = audit_snapshot(follow_up)
        # Conditional on "not yet done": two people recording the same follow-up at once
        # cannot both succeed.
        written = FollowUp.objects.filter(pk=follow_up.pk, done_on__isnull=True).update(
            done_on=done_on, done_by=actor, notes=text, outcomes=values
        )
        if written != 1:
            raise WrongState(_("This follow-up has already been recorded."))
        follow_up.done_on, follow_up.done_by, follow_up.notes = done_on, actor, text
        follow_up.outcomes = values
        audit_record(
            actor=actor,
            action="cases.follow_up_complete",
            target=case,
            before=before,
            after=audit_snapshot(follow_up),
        )
    return follow_up


# --- Re-trafficking risk ---------------------------------------------------------------------


def risk_assess(
    *,
    actor: User,
    case: Case,
    assessed_on: datetime.date,
    factors: Mapping[str, bool],
) -> RiskAssessment:
    """Score the risk of re-trafficking with the identification engine and keep the factors,
    score and level (every factor is stored, absent ones as ``False``)."""
    require(actor, "change", case)
    _require_open(case)
    not_in_future("assessed_on", assessed_on, timezone.localdate())
    if assessed_on < case.registered_on:
        raise CaseInputError({"assessed_on": _("The date is before the case was opened.")})
    try:
        result = assess_risk(factors)
    except InvalidAnswers as error:
        codes = [*error.unknown_codes, *(code for code, _value in error.invalid_values)]
        raise CaseInputError(
            {
                "factors": _("Unknown or invalid risk factor(s): %(codes)s.")
                % {"codes": ", ".join(codes)}
            }
        ) from None
    stored = {factor.code: bool(factors.get(factor.code, False)) for factor in RISK_FACTORS}
    with transaction.atomic():
        assessment = RiskAssessment.objects.create(
            case=case,
            assessed_on=assessed_on,
            assessor=actor,
            factors=stored,
            score=result.score,
            level=result.level,
        )
        audit_record(
            actor=actor,
            action="cases.risk_assess",
            target=case,
            after=audit_snapshot(assessment),
        )
    return assessment


_LEVELS: dict[str, RiskLevel] = {"low": "low", "medium": "medium", "high": "high"}


@dataclass(frozen=True)
class RiskHistory:
    """Assessments of one case, oldest first, each with the factors that contributed, and the
    trend between the last two."""

    rows: tuple[tuple[RiskAssessment, tuple[RiskFactor, ...]], ...]
    trend: Trend


def risk_history(assessments: Iterable[RiskAssessment]) -> RiskHistory:
    """The trend from the scores and levels stored at the time (not recomputed, so a later
    change of the engine's weights does not rewrite history)."""
    known = {factor.code for factor in RISK_FACTORS}
    rows: list[tuple[RiskAssessment, tuple[RiskFactor, ...]]] = []
    results: list[RiskResult] = []
    for assessment in sorted(assessments, key=lambda a: (a.assessed_on, a.pk)):
        present = {
            code: True for code, value in assessment.factors.items() if value and code in known
        }
        contributing = assess_risk(present).contributing
        rows.append((assessment, contributing))
        level: RiskLevel = _LEVELS.get(assessment.level, "low")
        results.append(RiskResult(score=assessment.score, level=level, contributing=contributing))
    return RiskHistory(rows=tuple(rows), trend=risk_trend(results))


# --- The catalogue of providers --------------------------------------------------------------


@dataclass
class ProviderInput:
    """What a catalogue entry says (a form or the API gives it)."""

    name: str
    domains: list[str]
    institution: Institution | None = None
    municipality: Municipality | None = None
    description: str = ""
    women_only: bool = False
    female_staff_available: bool = False
    child_friendly: bool = False
    languages: list[str] = field(default_factory=list)
    contact: str = ""
    is_active: bool = True


def _provider_values(data: ProviderInput) -> dict[str, Any]:
    domains = code_list("domains", data.domains, SupportDomain)
    if not domains:
        raise CaseInputError({"domains": _("Choose at least one domain the provider serves.")})
    languages: list[str] = []
    for raw in data.languages:
        code = str(raw).strip().lower()
        if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
            raise CaseInputError(
                {"languages": _("Give languages as two- or three-letter codes (mk, sq, en, rom).")}
            )
        if code not in languages:
            languages.append(code)
    return {
        "name": required_text("name", data.name, limit=200),
        "domains": domains,
        "institution": data.institution,
        "municipality": data.municipality,
        "description": _optional_text("description", data.description, limit=5000),
        "women_only": bool(data.women_only),
        "female_staff_available": bool(data.female_staff_available),
        "child_friendly": bool(data.child_friendly),
        "languages": languages,
        "contact": _optional_text("contact", data.contact, limit=200),
        "is_active": bool(data.is_active),
    }


def provider_create(*, actor: User, data: ProviderInput) -> ServiceProvider:
    """Add a provider to the catalogue."""
    require(actor, "add", ServiceProvider)
    values = _provider_values(data)
    with transaction.atomic():
        provider = ServiceProvider.objects.create(**values)
        audit_record(
            actor=actor,
            action="cases.provider_create",
            target=provider,
            after=audit_snapshot(provider),
        )
    return provider


def provider_update(
    *, actor: User, provider: ServiceProvider, data: ProviderInput
) -> ServiceProvider:
    """Change a catalogue entry; deactivating it keeps the services already given."""
    require(actor, "change", provider)
    values = _provider_values(data)
    with transaction.atomic():
        before = audit_snapshot(provider)
        for name, value in values.items():
            setattr(provider, name, value)
        provider.save()
        old, new = audit_changes(before, audit_snapshot(provider))
        audit_record(
            actor=actor, action="cases.provider_update", target=provider, before=old, after=new
        )
    return provider
