"""Pages of one case: opening it, its page, its profile, status decisions, closure, team, notes.

Every page finds the case through :func:`fener.cases.selectors.case_get` (a case the user may
not see answers 404, as if it did not exist), then asks the gatekeeper for the action (403 when
the user sees the case but may not act). A service makes every change; a refused change shows
the service's message and keeps what the user typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fener.analytics.identification import ADVICE_NOTICE
from fener.cases import selectors
from fener.cases.forms import (
    CaseCloseForm,
    CaseEditForm,
    CaseOpenForm,
    CaseReopenForm,
    NoteForm,
    PerpetratorForm,
    StatusDecisionForm,
    TeamAddForm,
)
from fener.cases.models import Case, FormStatus, SupportPlan, TeamMembership
from fener.cases.policies import sees_case_text
from fener.cases.services import cases as case_services
from fener.cases.services.errors import SafeguardMissing, StaleEdit, WrongState
from fener.cases.views.screening import RECOMMENDATION_LABELS
from fener.cases.vocabulary import (
    AgeBand,
    ControlMethod,
    PerpetratorRole,
    RecruitmentMethod,
    RecruitmentPlatform,
    SexExploitationType,
    TraffickingStatus,
    age_band,
)
from fener.core.access import NotFound, allowed, require
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest

# The actions whose buttons the case page shows, each when the gatekeeper allows it.
CASE_ACTIONS = (
    "change",
    "decide_status",
    "refer",
    "read_identity",
    "change_identity",
    "manage_team",
    "close",
    "reopen",
)


def _labels(codes: list[str], choices: type[models.TextChoices]) -> list[str]:
    """The readable labels of stored codes (an unknown code is shown as it is)."""
    return [str(choices(code).label) if code in choices.values else code for code in codes]


def _form_choices(user: Any, case: Case | None = None) -> list[tuple[str, str]]:
    """Forms of exploitation a case can be tagged with, plus those it already has."""
    forms = list(selectors.exploitation_forms_for(user))
    choices = [
        (
            form.code,
            form.name
            if form.status == FormStatus.PROMOTED
            else _("%(name)s (under review)") % {"name": form.name},
        )
        for form in forms
    ]
    if case is not None:
        known = {form.code for form in forms}
        choices += [
            (form.code, _("%(name)s (rejected by the expert panel)") % {"name": form.name})
            for form in case.exploitation_forms.all()
            if form.code not in known
        ]
    return choices


def _stale_or_state(form: Any, error: StaleEdit | WrongState | SafeguardMissing) -> int:
    """Show a refusal on the form; the status code says what kind of refusal it was."""
    form.add_error(None, error.message)
    return 409 if isinstance(error, StaleEdit) else 400


@login_required
def case_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    require(user, "add", Case)
    form = CaseOpenForm(request.POST or None, form_choices=_form_choices(user))
    if request.method == "POST" and form.is_valid():
        try:
            case = case_services.case_open(
                actor=user,
                registered_on=form.cleaned_data["registered_on"],
                profile=form.profile_changes(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Case %(code)s was opened. Record the identity data only if they are needed.")
                % {"code": case.code},
            )
            return redirect("cases:case_detail", code=case.code)
    return render(
        request, "cases/case_open.html", {"form": form}, status=400 if form.errors else 200
    )


def _profile(case: Case) -> dict[str, Any]:
    return {
        "age_band": AgeBand(age_band(case.age_at_registration)).label,
        "recruitment_methods": _labels(case.recruitment_methods, RecruitmentMethod),
        "recruitment_platforms": _labels(case.recruitment_platforms, RecruitmentPlatform),
        "control_methods": _labels(case.control_methods, ControlMethod),
        "sex_exploitation_types": _labels(case.sex_exploitation_types, SexExploitationType),
    }


def _detail_page(
    request: AuthenticatedHttpRequest,
    case: Case,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can = {action: allowed(user, action, case) for action in CASE_ACTIONS}
    sees_text = sees_case_text(user, case)
    writable = case.anonymised_at is None
    context = {
        "case": case,
        "can": can,
        "writable": writable,
        "profile": _profile(case),
        "forms": case.exploitation_forms.all(),
        "team": selectors.team_of(user, case),
        "decisions": case.status_decisions.select_related("deciding_institution", "recorded_by"),
        "screenings": case.screenings.select_related("interviewer"),
        "consents": case.consents.all(),
        "guardians": case.guardians.filter(ended_on__isnull=True).select_related(
            "appointing_institution"
        ),
        "best_interests": case.best_interests.first(),
        "protection_measures": case.protection_measures.select_related("issued_by"),
        "referrals": case.referrals.select_related("to_institution"),
        "perpetrators": [
            {
                "roles": _labels(perpetrator.roles, PerpetratorRole),
                "sex": perpetrator.get_sex_display(),
                "citizenship": perpetrator.citizenship,
                "relationship": perpetrator.get_relationship_display(),
            }
            for perpetrator in case.perpetrators.only("roles", "sex", "citizenship", "relationship")
        ],
        "status_open": can["change"] and bool(_status_choices(user, case)),
        "has_support_plan": SupportPlan.objects.filter(case=case).exists(),
        # Free text (decision reasons, notes) only for the team; others see the structure.
        "sees_text": sees_text,
        "notes": case.notes.select_related("author") if sees_text else [],
        "note_form": note_form or NoteForm(),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(request.user, code, "view")
    return _detail_page(request, case)


def _edit_initial(case: Case) -> dict[str, Any]:
    names = [
        "sex",
        "age_at_registration",
        "age_when_trafficked",
        "is_child",
        "primary_language",
        "municipality",
        "forced_labour_industry",
        "sex_exploitation_types",
        "exploitation_country",
        "exploitation_municipality",
        "recruitment_methods",
        "recruitment_platforms",
        "recruitment_country",
        "control_methods",
        "relationship_to_trafficker",
        "version",
    ]
    initial = {name: getattr(case, name) for name in names}
    initial["citizenship"] = ", ".join(case.citizenship)
    initial["exploitation_forms"] = [form.code for form in case.exploitation_forms.all()]
    return initial


@login_required
def case_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user, code, "view")
    require(user, "change", case)
    choices = _form_choices(user, case)
    if request.method != "POST":
        form = CaseEditForm(initial=_edit_initial(case), form_choices=choices)
        return render(request, "cases/case_edit.html", {"case": case, "form": form})
    form = CaseEditForm(request.POST, form_choices=choices)
    status = 400
    if form.is_valid():
        changes = form.profile_changes()
        current = {form_row.code for form_row in case.exploitation_forms.all()}
        if set(changes["exploitation_forms"]) == current:
            del changes["exploitation_forms"]  # unchanged: a form since rejected stays
        try:
            case_services.case_update_profile(
                actor=user,
                case=case,
                expected_version=form.cleaned_data["version"],
                changes=changes,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except (StaleEdit, WrongState) as error:
            status = _stale_or_state(form, error)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/case_edit.html", {"case": case, "form": form}, status=status)


def _status_choices(user: Any, case: Case) -> list[tuple[str, Any]]:
    """The statuses the case can move to that this user may decide."""
    reachable = case_services.TRANSITIONS.get(case.trafficking_status, set())
    may_decide = allowed(user, "decide_status", case)
    return [
        (value, label)
        for value, label in TraffickingStatus.choices
        if value in reachable and (value not in case_services.FORMAL or may_decide)
    ]


@login_required
def status_decide(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user, code, "view")
    require(user, "change", case)
    statuses = _status_choices(user, case)
    screenings = case.screenings.all()
    if request.method == "POST":
        form = StatusDecisionForm(request.POST, statuses=statuses, screenings=screenings)
    else:
        form = StatusDecisionForm(
            initial={"version": case.version, "screening": request.GET.get("screening") or None},
            statuses=statuses,
            screenings=screenings,
        )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                case_services.status_decide(
                    actor=user,
                    case=case,
                    expected_version=data["version"],
                    to_status=data["to_status"],
                    decided_on=data["decided_on"],
                    reasons=data["reasons"],
                    screening=data["screening"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except (StaleEdit, WrongState, SafeguardMissing) as error:
                status = _stale_or_state(form, error)
            else:
                messages.success(request, _("The status decision was recorded."))
                return redirect("cases:case_detail", code=case.code)
    latest = case.screenings.first()
    context = {
        "case": case,
        "form": form,
        "statuses": statuses,
        "latest_screening": latest,
        "advice": _(RECOMMENDATION_LABELS.get(latest.recommendation, latest.recommendation))
        if latest
        else "",
        "advice_notice": _(ADVICE_NOTICE),
    }
    return render(request, "cases/status_decide.html", context, status=status)


@login_required
def case_close(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user, code, "view")
    require(user, "close", case)
    form = CaseCloseForm(request.POST or None, initial={"version": case.version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                case_services.case_close(
                    actor=user,
                    case=case,
                    expected_version=data["version"],
                    reason=data["reason"],
                    note=data["note"],
                    closed_on=data["closed_on"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except (StaleEdit, WrongState, SafeguardMissing) as error:
                status = _stale_or_state(form, error)
            else:
                messages.success(request, _("The case was closed."))
                return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/case_close.html", {"case": case, "form": form}, status=status)


@login_required
def case_reopen(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user, code, "view")
    require(user, "reopen", case)
    form = CaseReopenForm(request.POST or None, initial={"version": case.version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case_services.case_reopen(
                    actor=user,
                    case=case,
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            except (StaleEdit, WrongState) as error:
                status = _stale_or_state(form, error)
            else:
                messages.success(request, _("The case was reopened."))
                return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/case_reopen.html", {"case": case, "form": form}, status=status)


def _active_member(case: Case, raw_pk: str) -> TeamMembership:
    try:
        member = case.team.filter(pk=int(raw_pk), removed_at__isnull=True).first()
    except ValueError:
        member = None
    if member is None:
        raise NotFound()
    return member


def _after_team_change(user: Any, case: Case) -> str:
    """Where to go after a removal: members may have removed themselves."""
    if allowed(user, "manage_team", case):
        return reverse("cases:team", kwargs={"code": case.code})
    if allowed(user, "view", case):
        return reverse("cases:case_detail", kwargs={"code": case.code})
    return reverse("cases:worklist")


@login_required
def team(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user, code, "view")
    require(user, "manage_team", case)
    adding = request.method == "POST" and request.POST.get("action") == "add"
    form = TeamAddForm(request.POST if adding else None)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "remove":
        member = _active_member(case, request.POST.get("member", ""))
        try:
            case_services.team_remove(actor=user, member=member)
        except WrongState as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(user)s was removed from the team.") % {"user": member.user.display_name},
            )
        return redirect(_after_team_change(user, case))
    if adding:
        status = 400
        if form.is_valid():
            try:
                member = case_services.team_add(
                    actor=user,
                    case=case,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(user)s was added to the team.") % {"user": member.user.display_name},
                )
                return redirect("cases:team", code=case.code)
    context = {"case": case, "team": selectors.team_of(user, case), "form": form}
    return render(request, "cases/team.html", context, status=status)


@login_required
@require_POST
def note_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user, code, "view")
    require(user, "change", case)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            case_services.note_add(actor=user, case=case, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The note was added."))
            return redirect("cases:case_detail", code=case.code)
    return _detail_page(request, case, note_form=form, status=400)


@login_required
def perpetrator_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Record a suspected perpetrator; names, phones and accounts only for those who may
    record identity data (stored encrypted)."""
    user = request.user
    case = selectors.case_get(user, code, "view")
    require(user, "change", case)
    may_record_identity = allowed(user, "change_identity", case)
    form = PerpetratorForm(request.POST or None, may_record_identity=may_record_identity)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case_services.perpetrator_add(actor=user, case=case, **form.service_arguments())
            except ValidationError as error:
                apply_service_errors(form, error)
            except WrongState as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The perpetrator was recorded."))
                return redirect("cases:case_detail", code=case.code)
    return render(
        request,
        "cases/perpetrator_add.html",
        {"case": case, "form": form, "may_record_identity": may_record_identity},
        status=status,
    )
