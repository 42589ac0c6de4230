"""Consent and safeguard pages of a case.

Consent: what the person (or a child's guardian) agreed to, per scope, in force or withdrawn.
Safeguards: for a child, the guardian and best-interests assessments without which the key
decisions (referral, formal identification, closure) are refused; for everyone, protection
measures against domestic violence (Istanbul Convention); for women, the gender-sensitive
services of the catalogue. Team members who may change the case record; others only read.
Free text (best-interests conclusions, references of measures, guardians' names) is shown to
the case's team only: a supervisor off the team sees dates and institutions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.cases import selectors
from fener.cases.forms_referrals import (
    BestInterestsForm,
    ConsentForm,
    ConsentWithdrawForm,
    GuardianForm,
    ProtectionMeasureForm,
)
from fener.cases.models import Case
from fener.cases.policies import sees_case_text
from fener.cases.services import safeguards as services
from fener.cases.services.errors import SafeguardMissing, WrongState
from fener.cases.vocabulary import ConsentScope, Sex
from fener.core.access import AccessDenied, NotFound, allowed
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.selectors import institution_list, user_list

WOMEN = {Sex.FEMALE, Sex.TRANSGENDER_FEMALE}


def _changing(request: AuthenticatedHttpRequest, case: Case) -> None:
    """A POST records something: only for those who may change the case (else 403)."""
    if not allowed(request.user, "change", case):
        raise AccessDenied("change")


def _run(
    request: AuthenticatedHttpRequest, form: Any, write: Callable[[], object], done: str
) -> bool:
    """Call the service ``write`` and say ``done``, or show why it refused."""
    try:
        write()
    except ValidationError as error:
        apply_service_errors(form, error)
    except (SafeguardMissing, WrongState) as error:
        # Not the input but the case's state (an adult, a missing guardian): a page message,
        # which shows even where the form itself is not offered.
        messages.error(request, error.message)
    else:
        messages.success(request, done)
        return True
    return False


# --- Consent ---------------------------------------------------------------------------------


@login_required
def consent(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user, code)
    record_form = ConsentForm()
    withdraw_form = ConsentWithdrawForm()
    if request.method == "POST":
        _changing(request, case)
        if request.POST.get("action") == "withdraw":
            withdraw_form = ConsentWithdrawForm(request.POST)
            if withdraw_form.is_valid() and _withdraw(request, case, withdraw_form):
                return redirect("cases:consent", code=case.code)
        else:
            record_form = ConsentForm(request.POST)
            if record_form.is_valid() and _run(
                request,
                record_form,
                lambda: services.consent_record(actor=user, case=case, **record_form.cleaned_data),
                _("The consent was recorded."),
            ):
                return redirect("cases:consent", code=case.code)
    today = timezone.localdate()
    consents = list(case.consents.select_related("recorded_by"))
    scopes = [
        {
            "code": scope,
            "label": label,
            "in_force": services.active_consent(case, scope, today),
            "records": [c for c in consents if c.scope == scope],
        }
        for scope, label in ConsentScope.choices
    ]
    context = {
        "case": case,
        "scopes": scopes,
        "today": today,
        "can_change": allowed(user, "change", case),
        "record_form": record_form,
        "withdraw_form": withdraw_form,
    }
    return render(request, "cases/safeguards/consent.html", context)


def _withdraw(request: AuthenticatedHttpRequest, case: Case, form: ConsentWithdrawForm) -> bool:
    record = case.consents.filter(pk=form.cleaned_data["consent"]).first()
    if record is None:
        raise NotFound()
    return _run(
        request,
        form,
        lambda: services.consent_withdraw(
            actor=request.user, consent=record, withdrawn_on=form.cleaned_data["withdrawn_on"]
        ),
        _("The withdrawal of consent was recorded."),
    )


# --- Child safeguards, protection measures, gender-sensitive services -------------------------


def _forms(request: AuthenticatedHttpRequest, data: Any = None) -> dict[str, Any]:
    user = request.user
    institutions = institution_list(user=user)
    return {
        "guardian": GuardianForm(
            data,
            accounts=user_list(user=user).order_by("last_name", "first_name", "username"),
            institutions=institutions,
            prefix="guardian",
        ),
        "best_interests": BestInterestsForm(data, prefix="best_interests"),
        "protection": ProtectionMeasureForm(data, institutions=institutions, prefix="protection"),
    }


def _write(request: AuthenticatedHttpRequest, case: Case, action: str, form: Any) -> bool:
    user = request.user
    data = form.cleaned_data
    if action == "guardian":
        return _run(
            request,
            form,
            lambda: services.guardian_appoint(
                actor=user,
                case=case,
                appointing_institution=data["appointing_institution"],
                appointed_on=data["appointed_on"],
                guardian=data["guardian"],
                guardian_name=data["guardian_name"],
            ),
            _("The guardian's appointment was recorded."),
        )
    if action == "best_interests":
        return _run(
            request,
            form,
            lambda: services.best_interests_record(actor=user, case=case, **data),
            _("The best-interests assessment was recorded."),
        )
    return _run(
        request,
        form,
        lambda: services.protection_measure_record(actor=user, case=case, **data),
        _("The protection measure was recorded."),
    )


@login_required
def safeguards(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user, code)
    forms = _forms(request)
    if request.method == "POST":
        _changing(request, case)
        action = request.POST.get("action", "")
        if action not in forms:
            raise BadRequest("unknown action")
        forms[action] = _forms(request, request.POST)[action]
        if forms[action].is_valid() and _write(request, case, action, forms[action]):
            return redirect("cases:safeguards", code=case.code)
    missing = ""
    try:
        services.require_child_safeguards(case, _("Key decisions"))
    except SafeguardMissing as error:
        missing = error.message
    context = {
        "case": case,
        "forms": forms,
        "missing": missing,
        "today": timezone.localdate(),
        "can_change": allowed(user, "change", case),
        "may_read_identity": allowed(user, "read_identity", case),
        # Conclusions and references are free text: for the team only.
        "sees_text": sees_case_text(user, case),
        "guardians": case.guardians.select_related("guardian", "appointing_institution"),
        "assessments": case.best_interests.select_related("assessor"),
        "measures": case.protection_measures.select_related("issued_by"),
        "providers": (
            selectors.service_providers_for(user, gender_sensitive=True)
            if case.sex in WOMEN
            else None
        ),
    }
    return render(request, "cases/safeguards/safeguards.html", context)
