"""Pages of long-term support: the support plan (goals, services, follow-ups), completing a
follow-up, risk assessments over time, and the catalogue of service providers.

Views are thin: the case comes through the gatekeeper (``case_get``: a case the user may not
see is a 404), a form checks the input, a service in :mod:`fener.cases.services.support` checks
the rules and writes. Every page reads; every POST needs ``change`` on the case (403 for an
observer) or, for the catalogue, ``cases.manage_services``.

Free text (objectives, goals, follow-up tasks someone wrote and follow-up notes) is shown to
the case's team only (:func:`fener.cases.policies.sees_case_text`): a supervisor off the team
sees the plan's structure, dates and statuses, and may add to it, but does not rewrite the
objectives it cannot read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fener.cases import selectors
from fener.cases.forms_support import (
    FollowUpCompleteForm,
    FollowUpForm,
    GoalForm,
    GoalStatusForm,
    PlanCreateForm,
    PlanEditForm,
    ProviderFilterForm,
    ProviderForm,
    RiskAssessmentForm,
    ServiceForm,
    ServiceStatusForm,
)
from fener.cases.models import (
    Case,
    FollowUp,
    ServiceDelivery,
    ServiceProvider,
    SupportGoal,
    SupportPlan,
)
from fener.cases.policies import sees_case_text
from fener.cases.services import support
from fener.cases.services.errors import StaleEdit, WrongState
from fener.cases.vocabulary import Sex, SupportDomain, TeamRole
from fener.core.access import AccessDenied, NotFound, allowed, get_visible, require, restrict
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.views.pagination import paginate

RISK_LEVELS = {
    "low": gettext_lazy("Low"),
    "medium": gettext_lazy("Medium"),
    "high": gettext_lazy("High"),
}
RISK_TRENDS = {
    "rising": gettext_lazy("Rising"),
    "falling": gettext_lazy("Falling"),
    "stable": gettext_lazy("Stable"),
    "insufficient": gettext_lazy("Not enough assessments to show a trend"),
}
_WOMEN = {Sex.FEMALE, Sex.TRANSGENDER_FEMALE}


def _service_call(
    request: AuthenticatedHttpRequest, form: forms.Form, call: Callable[[], Any], done: str
) -> bool:
    """Run a service for a valid form: True when it wrote, else the error is on the form."""
    if not form.is_valid():
        return False
    try:
        call()
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    except (WrongState, StaleEdit) as error:
        form.add_error(None, error.message)
        return False
    messages.success(request, done)
    return True


# --- Reading the plan ------------------------------------------------------------------------


def _plan_of(case: Case) -> SupportPlan | None:
    goals = SupportGoal.objects.prefetch_related(
        Prefetch(
            "services",
            queryset=ServiceDelivery.objects.select_related("provider").order_by("id"),
        )
    )
    return (
        SupportPlan.objects.filter(case=case)
        .prefetch_related(Prefetch("goals", queryset=goals))
        .first()
    )


def _members(case: Case) -> list[Any]:
    """Team members who can be given a follow-up (not observers)."""
    memberships = case.team.filter(removed_at__isnull=True).exclude(role=TeamRole.OBSERVER)
    return [member.user for member in memberships.select_related("user")]


def providers_for_person(user: Any, case: Case) -> list[ServiceProvider]:
    """Active providers the user may see, those suited to the person first: child-friendly
    ones for a child, gender-sensitive ones for a woman."""
    providers = restrict(ServiceProvider.objects.filter(is_active=True), user, "view")
    woman = case.sex in _WOMEN

    def order(provider: ServiceProvider) -> tuple[bool, bool, str]:
        return (
            case.is_child and not provider.child_friendly,
            woman and not provider.gender_sensitive,
            provider.name.lower(),
        )

    return sorted(providers, key=order)


def _outcome_rows(follow_up: FollowUp) -> list[tuple[str, str]]:
    rows = []
    for indicator in support.OUTCOME_INDICATORS:
        value = follow_up.outcomes.get(indicator.code)
        if value is not None:
            labels = dict(indicator.values)
            rows.append((str(indicator.label), str(labels.get(value, value))))
    return rows


def follow_up_task(follow_up: FollowUp, sees_text: bool) -> str | None:
    """The follow-up's task for the reader, or ``None`` when it is hidden from them.

    Scheduled tasks are generic and shown to all who see the case; a task someone wrote may
    name a person, so it is for the team only.
    """
    months = follow_up.months_after_start
    scheduled = months is not None and follow_up.task == support.scheduled_task(months)
    return support.task_label(follow_up) if sees_text or scheduled else None


def risk_rows(case: Case) -> tuple[list[dict[str, Any]], str]:
    """The case's risk assessments for display (translated factor labels) and the trend."""
    history = support.risk_history(case.risk_assessments.select_related("assessor"))
    rows = [
        {
            "assessment": assessment,
            "level": RISK_LEVELS.get(assessment.level, assessment.level),
            "risks": [_(f.label) for f in contributing if not f.protective],
            "protective": [_(f.label) for f in contributing if f.protective],
        }
        for assessment, contributing in history.rows
    ]
    return rows, str(RISK_TRENDS[history.trend])


def _plan_context(
    request: AuthenticatedHttpRequest, case: Case, bound: dict[str, forms.Form]
) -> dict[str, Any]:
    user = request.user
    can_change = allowed(user, "change", case) and case.is_open
    sees_text = sees_case_text(user, case)
    plan = _plan_of(case)
    today = timezone.localdate()
    providers = providers_for_person(user, case) if can_change and plan else []
    domains: dict[str, list[dict[str, Any]]] = {}
    for goal in plan.goals.all() if plan else []:
        domains.setdefault(goal.domain, []).append(
            {
                "goal": goal,
                "services": [
                    {
                        "service": service,
                        "status_form": bound.get(f"service:{service.pk}")
                        or ServiceStatusForm(
                            prefix=f"service{service.pk}", initial={"status": service.status}
                        ),
                    }
                    for service in goal.services.all()
                ],
                "service_form": bound.get(f"add_service:{goal.pk}")
                or ServiceForm(
                    prefix=f"goal{goal.pk}",
                    providers=[p for p in providers if goal.domain in p.domains],
                ),
                "status_form": bound.get(f"goal_status:{goal.pk}")
                or GoalStatusForm(prefix=f"goalstatus{goal.pk}", initial={"status": goal.status}),
            }
        )
    follow_ups = [
        {
            "follow_up": follow_up,
            "task": follow_up_task(follow_up, sees_text),
            "overdue": follow_up.done_on is None and follow_up.due_on < today,
            "outcomes": _outcome_rows(follow_up),
            "complete_form": (
                bound.get(f"complete:{follow_up.pk}")
                or FollowUpCompleteForm(prefix=f"fu{follow_up.pk}")
            )
            if can_change and follow_up.done_on is None
            else None,
        }
        for follow_up in case.follow_ups.select_related("assigned_to", "done_by")
    ]
    risks, trend = risk_rows(case)
    return {
        "case": case,
        "plan": plan,
        "can_change": can_change,
        "sees_text": sees_text,
        "create_form": bound.get("create") or PlanCreateForm(),
        # The edit form holds the objectives: offered only to those who may read them.
        "edit_form": bound.get("edit")
        or (
            PlanEditForm(
                initial={
                    "version": plan.version,
                    "objectives": plan.objectives,
                    "planned_end": plan.planned_end,
                }
            )
            if plan and can_change and sees_text
            else None
        ),
        "goal_form": bound.get("goal") or GoalForm(),
        "domains": [
            (label, domains[code]) for code, label in SupportDomain.choices if code in domains
        ],
        "follow_ups": follow_ups,
        "follow_up_form": (bound.get("follow_up") or FollowUpForm(members=_members(case)))
        if can_change
        else None,
        "risks": risks,
        "trend": trend,
    }


# --- Changing the plan -----------------------------------------------------------------------

Handler = Callable[[AuthenticatedHttpRequest, Case, SupportPlan | None], dict[str, forms.Form]]


def _need_plan(plan: SupportPlan | None) -> SupportPlan:
    if plan is None:
        raise NotFound()
    return plan


def _create(
    request: AuthenticatedHttpRequest, case: Case, plan: SupportPlan | None
) -> dict[str, forms.Form]:
    form = PlanCreateForm(request.POST)
    ok = _service_call(
        request,
        form,
        lambda: support.plan_create(
            actor=request.user,
            case=case,
            objectives=form.cleaned_data["objectives"],
            planned_end=form.cleaned_data["planned_end"],
            start_on=form.cleaned_data["start_on"],
            schedule_months=form.cleaned_data["schedule"],
        ),
        _("The support plan was created with its follow-up schedule."),
    )
    return {} if ok else {"create": form}


def _edit(
    request: AuthenticatedHttpRequest, case: Case, plan: SupportPlan | None
) -> dict[str, forms.Form]:
    if not sees_case_text(request.user, case):
        # Rewriting objectives one may not read would overwrite them unseen.
        raise AccessDenied("change")
    form = PlanEditForm(request.POST)
    ok = _service_call(
        request,
        form,
        lambda: support.plan_update(
            actor=request.user,
            plan=_need_plan(plan),
            expected_version=form.cleaned_data["version"],
            objectives=form.cleaned_data["objectives"],
            planned_end=form.cleaned_data["planned_end"],
        ),
        _("The support plan was saved."),
    )
    return {} if ok else {"edit": form}


def _add_goal(
    request: AuthenticatedHttpRequest, case: Case, plan: SupportPlan | None
) -> dict[str, forms.Form]:
    form = GoalForm(request.POST)
    ok = _service_call(
        request,
        form,
        lambda: support.goal_add(
            actor=request.user,
            plan=_need_plan(plan),
            domain=form.cleaned_data["domain"],
            description=form.cleaned_data["description"],
            target_date=form.cleaned_data["target_date"],
        ),
        _("The goal was added."),
    )
    return {} if ok else {"goal": form}


def _goal(plan: SupportPlan | None, pk: Any) -> SupportGoal:
    goal = SupportGoal.objects.filter(plan=_need_plan(plan), pk=_number(pk)).first()
    if goal is None:
        raise NotFound()
    return goal


def _number(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound() from None


def _goal_status(
    request: AuthenticatedHttpRequest, case: Case, plan: SupportPlan | None
) -> dict[str, forms.Form]:
    goal = _goal(plan, request.POST.get("goal"))
    form = GoalStatusForm(request.POST, prefix=f"goalstatus{goal.pk}")
    ok = _service_call(
        request,
        form,
        lambda: support.goal_set_status(
            actor=request.user, goal=goal, status=form.cleaned_data["status"]
        ),
        _("The goal's status was saved."),
    )
    return {} if ok else {f"goal_status:{goal.pk}": form}


def _add_service(
    request: AuthenticatedHttpRequest, case: Case, plan: SupportPlan | None
) -> dict[str, forms.Form]:
    goal = _goal(plan, request.POST.get("goal"))
    providers = [p for p in providers_for_person(request.user, case) if goal.domain in p.domains]
    form = ServiceForm(request.POST, prefix=f"goal{goal.pk}", providers=providers)
    ok = _service_call(
        request,
        form,
        lambda: support.service_add(
            actor=request.user,
            goal=goal,
            provider=form.chosen_provider(),
            started_on=form.cleaned_data["started_on"],
            status=form.cleaned_data["status"],
        ),
        _("The service was added."),
    )
    return {} if ok else {f"add_service:{goal.pk}": form}


def _service_status(
    request: AuthenticatedHttpRequest, case: Case, plan: SupportPlan | None
) -> dict[str, forms.Form]:
    pk = _number(request.POST.get("service"))
    service = ServiceDelivery.objects.filter(goal__plan=_need_plan(plan), pk=pk).first()
    if service is None:
        raise NotFound()
    form = ServiceStatusForm(request.POST, prefix=f"service{service.pk}")
    ok = _service_call(
        request,
        form,
        lambda: support.service_set_status(
            actor=request.user,
            service=service,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
        ),
        _("The service's status was saved."),
    )
    return {} if ok else {f"service:{service.pk}": form}


def _add_follow_up(
    request: AuthenticatedHttpRequest, case: Case, plan: SupportPlan | None
) -> dict[str, forms.Form]:
    form = FollowUpForm(request.POST, members=_members(case))
    ok = _service_call(
        request,
        form,
        lambda: support.follow_up_add(
            actor=request.user,
            case=case,
            due_on=form.cleaned_data["due_on"],
            task=form.cleaned_data["task"],
            assigned_to=form.chosen_member(),
        ),
        _("The follow-up was added."),
    )
    return {} if ok else {"follow_up": form}


_HANDLERS: dict[str, Handler] = {
    "create": _create,
    "edit": _edit,
    "add_goal": _add_goal,
    "goal_status": _goal_status,
    "add_service": _add_service,
    "service_status": _service_status,
    "add_follow_up": _add_follow_up,
}


@login_required
def plan(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(request.user, code)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        require(request.user, "change", case)
        if not case.is_open:
            messages.error(request, _("A closed case cannot be changed; reopen it first."))
            return redirect("cases:support_plan", code=case.code)
        handler = _HANDLERS.get(request.POST.get("action", ""))
        if handler is None:
            return HttpResponse(status=400)
        bound = handler(request, case, SupportPlan.objects.filter(case=case).first())
        if not bound:
            return redirect("cases:support_plan", code=case.code)
    context = _plan_context(request, case, bound)
    return render(request, "cases/support/plan.html", context, status=400 if bound else 200)


# --- Completing a follow-up ------------------------------------------------------------------


@login_required
def follow_up_complete(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, code)
    follow_up = case.follow_ups.select_related("assigned_to", "done_by").filter(pk=pk).first()
    if follow_up is None:
        raise NotFound()
    can_change = allowed(request.user, "change", case) and case.is_open
    sees_text = sees_case_text(request.user, case)
    form = None
    if follow_up.done_on is None and can_change:
        form = FollowUpCompleteForm(prefix=f"fu{follow_up.pk}")
    status = 200
    if request.method == "POST":
        require(request.user, "change", case)
        form = FollowUpCompleteForm(request.POST, prefix=f"fu{follow_up.pk}")
        if _service_call(
            request,
            form,
            lambda: support.follow_up_complete(
                actor=request.user,
                follow_up=follow_up,
                done_on=form.cleaned_data["done_on"],
                notes=form.cleaned_data["notes"],
                outcomes=form.outcomes(),
            ),
            _("The follow-up was recorded."),
        ):
            return redirect("cases:support_plan", code=case.code)
        status = 400
    context = {
        "case": case,
        "follow_up": follow_up,
        "task": follow_up_task(follow_up, sees_text),
        "sees_text": sees_text,
        "overdue": follow_up.done_on is None and follow_up.due_on < timezone.localdate(),
        "outcomes": _outcome_rows(follow_up),
        "form": form,
    }
    return render(request, "cases/support/follow_up_complete.html", context, status=status)


# --- Risk assessments ------------------------------------------------------------------------


@login_required
def risk_assessment(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(request.user, code)
    can_change = allowed(request.user, "change", case) and case.is_open
    form = RiskAssessmentForm() if can_change else None
    status = 200
    if request.method == "POST":
        require(request.user, "change", case)
        form = RiskAssessmentForm(request.POST)
        outcome: dict[str, Any] = {}

        def assess() -> None:
            outcome["assessment"] = support.risk_assess(
                actor=request.user,
                case=case,
                assessed_on=form.cleaned_data["assessed_on"],
                factors=form.factors(),
            )

        if _service_call(request, form, assess, _("The risk assessment was recorded.")):
            return redirect("cases:risk_assessment", code=case.code)
        status = 400
    risks, trend = risk_rows(case)
    context = {"case": case, "form": form, "risks": risks, "trend": trend}
    return render(request, "cases/support/risk.html", context, status=status)


# --- The catalogue of providers --------------------------------------------------------------


@login_required
def provider_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    require(user, "view", ServiceProvider)
    can_manage = allowed(user, "add", ServiceProvider)
    form = ProviderFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
    providers = restrict(
        ServiceProvider.objects.select_related("institution", "municipality"), user, "view"
    )
    if not (can_manage and filters.get("include_inactive")):
        providers = providers.filter(is_active=True)
    if filters.get("gender_sensitive"):
        providers = providers.filter(Q(women_only=True) | Q(female_staff_available=True))
    if filters.get("child_friendly"):
        providers = providers.filter(child_friendly=True)
    if form.is_bound and not form.is_valid():
        providers = providers.none()  # an invalid filter matches nothing, never everything
    rows = list(providers)
    if filters.get("domain"):
        # JSON list membership, the same on SQLite and PostgreSQL
        rows = [provider for provider in rows if filters["domain"] in provider.domains]
    query = request.GET.copy()
    query.pop("page", None)
    page = paginate(request, rows)
    labels = dict(SupportDomain.choices)
    context = {
        "form": form,
        "page": page,
        "rows": [
            (provider, [labels.get(code, code) for code in provider.domains]) for provider in page
        ],
        "query": query.urlencode(),
        "can_manage": can_manage,
    }
    return render(request, "cases/support/provider_list.html", context)


def _provider_input(form: ProviderForm) -> support.ProviderInput:
    data = form.cleaned_data
    return support.ProviderInput(
        name=data["name"],
        domains=list(data["domains"]),
        institution=data["institution"],
        municipality=data["municipality"],
        description=data["description"],
        women_only=data["women_only"],
        female_staff_available=data["female_staff_available"],
        child_friendly=data["child_friendly"],
        languages=data["languages"],
        contact=data["contact"],
        is_active=data["is_active"],
    )


@login_required
def provider_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, "add", ServiceProvider)
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and _service_call(
        request,
        form,
        lambda: support.provider_create(actor=request.user, data=_provider_input(form)),
        _("The provider was added to the catalogue."),
    ):
        return redirect("cases:provider_list")
    return render(
        request,
        "cases/support/provider_form.html",
        {"form": form, "provider": None},
        status=400 if form.is_bound else 200,
    )


@login_required
def provider_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    provider = get_visible(ServiceProvider.objects.all(), request.user, "view", pk=pk)
    require(request.user, "change", provider)
    form = ProviderForm(request.POST or None, initial=ProviderForm.initial_for(provider))
    if request.method == "POST" and _service_call(
        request,
        form,
        lambda: support.provider_update(
            actor=request.user, provider=provider, data=_provider_input(form)
        ),
        _("The provider was saved."),
    ):
        return redirect("cases:provider_list")
    return render(
        request,
        "cases/support/provider_form.html",
        {"form": form, "provider": provider},
        status=400 if form.is_bound else 200,
    )
