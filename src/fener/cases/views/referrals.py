"""Referral pages: refer a case, the referrals addressed to one's institution, and one referral
seen from either side.

The two sides see different things. The sending side (who may see the case) sees the status,
the answer and may revoke. The receiving institution sees the purpose, what was shared and the
shared copy, answers and completes, and never the case itself: no link to it, nothing that was
not shared. The gatekeeper decides which side a user is on.

The free text of a referral (purpose, answer note, reason for an override) follows the rule of
the case's other texts: on the sending side only the case's team reads it
(:func:`fener.cases.policies.sees_referral_text`); a supervisor off the team sees the rest.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fener.analytics.identification import INDICATOR_SETS
from fener.cases import selectors
from fener.cases.forms_referrals import (
    ReferralAnswerForm,
    ReferralCompleteForm,
    ReferralForm,
    ReferralRevokeForm,
)
from fener.cases.models import CaseReferral, ExploitationForm, GoalStatus
from fener.cases.policies import RECEIVE, WORK, sees_case_text, sees_referral_text
from fener.cases.services import referrals
from fener.cases.services.errors import ConsentRequired, SafeguardMissing, WrongState
from fener.cases.services.safeguards import active_consent
from fener.cases.vocabulary import (
    IDENTITY_SECTIONS,
    AgeBand,
    ConsentScope,
    ControlMethod,
    Industry,
    RecruitmentMethod,
    RecruitmentPlatform,
    ReferralStatus,
    Sex,
    SexExploitationType,
    SharedSection,
    SupportDomain,
    TraffickingStatus,
)
from fener.core.access import AccessDenied, allowed, has_permission
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.selectors import institution_list

RECOMMENDATIONS = {
    "strong_indication": gettext_lazy("Strong indication of trafficking"),
    "further_assessment": gettext_lazy("Some indicators present: assess further"),
    "insufficient_indication": gettext_lazy("Not enough indication from this interview"),
}


# --- Refer a case ----------------------------------------------------------------------------


@login_required
def referral_create(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user, code)
    if not allowed(user, "refer", case):
        raise AccessDenied("refer")
    today = timezone.localdate()
    consent = {
        "national": active_consent(case, ConsentScope.SHARING_NATIONAL, today),
        "abroad": active_consent(case, ConsentScope.SHARING_ABROAD, today),
    }
    may_share_identity = allowed(user, "read_identity", case)
    form = ReferralForm(
        request.POST or None,
        initial={
            "respond_by": today + datetime.timedelta(days=settings.FENER_REFERRAL_RESPONSE_DAYS)
        },
        institutions=institution_list(user=user).exclude(pk=case.owner_institution_id),
        may_share_identity=may_share_identity,
        may_override=None in consent.values() and allowed(user, "override_consent", case),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referrals.referral_create(
                actor=user,
                case=case,
                to_institution=data["to_institution"],
                reason=data["reason"],
                purpose=data["purpose"],
                sections=data["sections"],
                respond_by=data["respond_by"],
                override_legal_basis=data.get("override_legal_basis", ""),
                override_reason=data.get("override_reason", ""),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except (ConsentRequired, SafeguardMissing, WrongState) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The case was referred to %(institution)s.")
                % {"institution": referral.to_institution.name},
            )
            return redirect("cases:referral_detail", pk=referral.pk)
    context = {
        "case": case,
        "form": form,
        "consent": consent,
        "may_share_identity": may_share_identity,
        "identity_sections": sorted(str(section) for section in IDENTITY_SECTIONS),
    }
    return render(request, "cases/referrals/referral_create.html", context)


# --- Lists -----------------------------------------------------------------------------------


@login_required
def incoming(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Referrals addressed to the user's institution, pending first; and, for case workers,
    their own referrals still waiting for an answer."""
    user = request.user
    receives = has_permission(user, RECEIVE)
    works = has_permission(user, WORK)
    if not (receives or works):
        raise AccessDenied("cases.receive_referrals")
    context = {
        "receives": receives,
        "incoming": list(selectors.incoming_referrals(user)) if receives else [],
        "outgoing": list(selectors.pending_outgoing_referrals(user)) if works else [],
        "today": timezone.localdate(),
    }
    return render(request, "cases/referrals/incoming.html", context)


# --- One referral ------------------------------------------------------------------------------


def _receiving(request: AuthenticatedHttpRequest, referral: CaseReferral) -> bool:
    """Whether the user answers this referral for the institution it was sent to."""
    user = request.user
    return has_permission(user, RECEIVE) and referral.to_institution_id == user.institution_id


def _detail_page(
    request: AuthenticatedHttpRequest,
    referral: CaseReferral,
    *,
    answer_form: ReferralAnswerForm | None = None,
    complete_form: ReferralCompleteForm | None = None,
    revoke_form: ReferralRevokeForm | None = None,
) -> HttpResponse:
    user = request.user
    receiving = _receiving(request, referral)
    sending = allowed(user, "view", referral.case)
    pending = referral.status == ReferralStatus.PENDING
    context: dict[str, Any] = {
        "referral": referral,
        "receiving": receiving,
        "sending": sending,
        "overdue": pending and referral.respond_by < timezone.localdate(),
        # Purpose and answer note are free text: the sending side's team reads them; the
        # receiver too, until the referral is rejected or revoked, which leaves it nothing of
        # the case, not even the sender's purpose (which may describe the person).
        "text_visible": sees_referral_text(user, referral),
        # The reason for sharing without consent is the sending side's, for its team only.
        "override_visible": sending and sees_case_text(user, referral.case),
        "shared": [_section_label(code) for code in referral.shared_sections],
        "consent_scope": (
            ConsentScope(referral.consent.scope).label if referral.consent is not None else ""
        ),
    }
    if receiving:
        context["payload"] = present_payload(selectors.referral_payload_for(user, referral))
        if pending:
            context["answer_form"] = answer_form or ReferralAnswerForm()
        elif referral.status == ReferralStatus.ACCEPTED:
            context["complete_form"] = complete_form or ReferralCompleteForm()
    if sending and allowed(user, "revoke", referral):
        context["revoke_form"] = revoke_form or ReferralRevokeForm()
    return render(request, "cases/referrals/referral_detail.html", context)


@login_required
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.referral_get(request.user, pk))


@login_required
@require_POST
def referral_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(request.user, pk)
    if not _receiving(request, referral):
        raise AccessDenied("respond")
    form = ReferralAnswerForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            referrals.referral_respond(
                actor=request.user, referral=referral, accept=accept, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except WrongState as error:
            messages.error(request, error.message)
            return redirect("cases:referral_detail", pk=referral.pk)
        else:
            messages.success(
                request,
                _("You accepted the referral.")
                if accept
                else _("You rejected the referral; its shared data were erased."),
            )
            return redirect("cases:referral_detail", pk=referral.pk)
    return _detail_page(request, referral, answer_form=form)


@login_required
@require_POST
def referral_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(request.user, pk)
    if not _receiving(request, referral):
        raise AccessDenied("respond")
    form = ReferralCompleteForm(request.POST)
    if form.is_valid():
        try:
            referrals.referral_complete(
                actor=request.user, referral=referral, note=form.cleaned_data["note"]
            )
        except WrongState as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The referral is recorded as completed."))
        return redirect("cases:referral_detail", pk=referral.pk)
    return _detail_page(request, referral, complete_form=form)


@login_required
@require_POST
def referral_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(request.user, pk)
    if not allowed(request.user, "refer", referral.case):
        raise AccessDenied("revoke")
    form = ReferralRevokeForm(request.POST)
    if form.is_valid():
        try:
            referrals.referral_revoke(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except WrongState as error:
            messages.error(request, error.message)
            return redirect("cases:referral_detail", pk=referral.pk)
        else:
            messages.success(
                request, _("The referral was revoked; the receiving institution lost its data.")
            )
            return redirect("cases:referral_detail", pk=referral.pk)
    return _detail_page(request, referral, revoke_form=form)


# --- The shared copy, readable ----------------------------------------------------------------


@dataclass(frozen=True)
class SharedBlock:
    """One shared section of a referral as the receiver reads it: a title and labelled lines."""

    code: str
    title: str
    rows: list[tuple[str, str]]


def _section_label(code: str) -> str:
    return _label(SharedSection, code)


def _label(choices: Any, value: Any) -> str:
    """The translated label of a code of ``choices``, or the code itself when unknown."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _labels(choices: Any, values: list[Any]) -> str:
    return ", ".join(_label(choices, value) for value in values) or "—"


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "—"
    return str(value) if value not in (None, "") else "—"


def _profile(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (_("Case code"), _text(data.get("code"))),
        (_("Sex"), _label(Sex, data.get("sex"))),
        (_("Age band"), _label(AgeBand, data.get("age_band"))),
        (_("Child"), _("yes") if data.get("is_child") else _("no")),
        (_("Citizenship"), _text(data.get("citizenship"))),
        (_("Main language"), _text(data.get("primary_language"))),
        (_("Status"), _label(TraffickingStatus, data.get("trafficking_status"))),
        (_("Registered on"), _text(data.get("registered_on"))),
    ]


def _exploitation(data: dict[str, Any]) -> list[tuple[str, str]]:
    codes = list(data.get("exploitation_forms") or [])
    # The taxonomy's names are not case data; the receiver may not otherwise read the taxonomy.
    names = {form.code: form.name for form in ExploitationForm.objects.filter(code__in=codes)}
    industry = data.get("forced_labour_industry")
    return [
        (_("Recruited"), _labels(RecruitmentMethod, data.get("recruitment_methods") or [])),
        (_("Platforms"), _labels(RecruitmentPlatform, data.get("recruitment_platforms") or [])),
        (_("Country of recruitment"), _text(data.get("recruitment_country"))),
        (_("Methods of control"), _labels(ControlMethod, data.get("control_methods") or [])),
        (
            _("Forms of exploitation"),
            ", ".join(names.get(code, code) for code in codes) or "—",
        ),
        (
            _("Forced-labour industry"),
            f"{industry} — {_label(Industry, industry)}" if industry else "—",
        ),
        (
            _("Sexual exploitation"),
            _labels(SexExploitationType, data.get("sex_exploitation_types") or []),
        ),
        (_("Country of exploitation"), _text(data.get("exploitation_country"))),
    ]


def _identity(code: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    if code == SharedSection.NAME:
        return [
            (_("Given name"), _text(data.get("given_name"))),
            (_("Family name"), _text(data.get("family_name"))),
            (_("Other names"), _text(data.get("other_names"))),
        ]
    if code == SharedSection.BIRTH_DATE:
        return [(_("Date of birth"), _text(data.get("birth_date")))]
    if code == SharedSection.IDENTITY_NUMBERS:
        return [
            (
                _text(item.get("kind")),
                f"{item.get('number', '')} ({item['country']})"
                if item.get("country")
                else str(item.get("number", "")),
            )
            for item in data.get("identity_numbers") or []
        ]
    return [
        (_("Phones"), _text(data.get("phones"))),
        (_("E-mail addresses"), _text(data.get("emails"))),
        (_("Addresses"), "; ".join(data.get("addresses") or []) or "—"),
    ]


def _screenings(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    rows = []
    for item in items:
        chosen = INDICATOR_SETS.get(str(item.get("indicator_set")))
        present = []
        for code in item.get("present") or []:
            try:
                present.append(_(chosen.indicator(code).label) if chosen else code)
            except KeyError:
                present.append(code)
        advice = RECOMMENDATIONS.get(str(item.get("recommendation")))
        rows.append(
            (
                _("Interview of %(date)s") % {"date": item.get("interviewed_on", "")},
                _("%(set)s. Advice: %(advice)s. Indicators present: %(present)s.")
                % {
                    "set": _(chosen.label) if chosen else item.get("indicator_set", ""),
                    "advice": advice or item.get("recommendation", ""),
                    "present": "; ".join(present) or "—",
                },
            )
        )
    return rows


def _support(data: dict[str, Any]) -> list[tuple[str, str]]:
    rows = [(_("Objectives"), _text(data.get("objectives")))] if data else []
    for goal in data.get("goals") or []:
        text = f"{goal.get('description', '')} ({_label(GoalStatus, goal.get('status'))})"
        if goal.get("services"):
            text += " — " + _("services: %(list)s") % {"list": ", ".join(goal["services"])}
        rows.append((_label(SupportDomain, goal.get("domain")), text))
    return rows


def _safeguards(data: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for guardian in data.get("guardians") or []:
        text = _("appointed on %(date)s by %(institution)s") % {
            "date": guardian.get("appointed_on", ""),
            "institution": guardian.get("appointing_institution", ""),
        }
        if guardian.get("ended_on"):
            text += "; " + _("ended on %(date)s") % {"date": guardian["ended_on"]}
        rows.append((_("Guardian"), text))
    for assessment in data.get("best_interests") or []:
        rows.append(
            (
                _("Best-interests assessment of %(date)s")
                % {"date": assessment.get("assessed_on", "")},
                _text(assessment.get("conclusion")),
            )
        )
    return rows


def present_payload(payload: dict[str, Any]) -> list[SharedBlock]:
    """The shared copy as labelled lines, section by section, in the order of the vocabulary.

    Codes are shown by their translated labels; a shared section with nothing recorded says so.
    Only keys present in the copy are shown: nothing else of the case is read.
    """
    blocks = []
    for code in SharedSection.values:
        if code not in payload:
            continue
        data = payload[code] or {}
        if code == SharedSection.PROFILE:
            rows = _profile(data)
        elif code == SharedSection.EXPLOITATION:
            rows = _exploitation(data)
        elif code == SharedSection.SCREENINGS:
            rows = _screenings(list(data))
        elif code == SharedSection.SUPPORT_PLAN:
            rows = _support(data)
        elif code == SharedSection.CHILD_SAFEGUARDS:
            rows = _safeguards(data)
        else:
            rows = _identity(code, data) if data else []
        blocks.append(SharedBlock(code, _section_label(code), rows))
    return blocks
