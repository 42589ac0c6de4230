"""Referrals of a case to another institution, in the country or abroad.

A referral shares exactly the sections the sender chose (only the pseudonymous profile unless
more is ticked), needs the person's consent to sharing in force (national or cross-border), or
else a lawful override by a user allowed to make one, and for a child the guardian and a
best-interests assessment. The shared sections are copied, encrypted, into the referral: the
receiving institution reads that copy and never the case. Rejecting or revoking erases it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.cases.models import Case, CaseReferral, Consent
from fener.cases.services.errors import CaseInputError, ConsentRequired, WrongState
from fener.cases.services.safeguards import active_consent, require_child_safeguards
from fener.cases.services.validation import code_list, required_text
from fener.cases.vocabulary import (
    IDENTITY_SECTIONS,
    ConsentScope,
    ReferralReason,
    ReferralStatus,
    SharedSection,
    age_band,
)
from fener.core.access import allowed, require
from fener.core.audit import audit_record, audit_snapshot
from fener.core.models import Institution, User

MINIMISED = [SharedSection.PROFILE.value]


def _profile(case: Case) -> dict[str, Any]:
    return {
        "code": case.code,
        "sex": case.sex,
        "age_band": age_band(case.age_at_registration),
        "is_child": case.is_child,
        "citizenship": list(case.citizenship),
        "primary_language": case.primary_language,
        "trafficking_status": case.trafficking_status,
        "registered_on": case.registered_on.isoformat(),
    }


def _exploitation(case: Case) -> dict[str, Any]:
    return {
        "recruitment_methods": list(case.recruitment_methods),
        "recruitment_platforms": list(case.recruitment_platforms),
        "recruitment_country": case.recruitment_country,
        "control_methods": list(case.control_methods),
        "exploitation_forms": sorted(case.exploitation_forms.values_list("code", flat=True)),
        "forced_labour_industry": case.forced_labour_industry,
        "sex_exploitation_types": list(case.sex_exploitation_types),
        "exploitation_country": case.exploitation_country,
    }


def _identity(case: Case, section: str) -> dict[str, Any]:
    record = getattr(case, "identity", None) if hasattr(case, "identity") else None
    if record is None:
        return {}
    if section == SharedSection.NAME:
        return {
            "given_name": record.given_name,
            "family_name": record.family_name,
            "other_names": record.other_names,
        }
    if section == SharedSection.BIRTH_DATE:
        return {"birth_date": record.birth_date}
    if section == SharedSection.IDENTITY_NUMBERS:
        return {"identity_numbers": record.identity_numbers or []}
    return {
        "phones": record.phones or [],
        "emails": record.emails or [],
        "addresses": record.addresses or [],
    }


def _screenings(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "interviewed_on": s.interviewed_on.isoformat(),
            "indicator_set": s.indicator_set,
            "recommendation": s.recommendation,
            "present": sorted(code for code, answer in s.answers.items() if answer == "present"),
        }
        for s in case.screenings.all()
    ]


def _support(case: Case) -> dict[str, Any]:
    plan = getattr(case, "support_plan", None) if hasattr(case, "support_plan") else None
    if plan is None:
        return {}
    return {
        "objectives": plan.objectives,
        "goals": [
            {
                "domain": goal.domain,
                "description": goal.description,
                "status": goal.status,
                "services": [str(d.provider) for d in goal.services.all()],
            }
            for goal in plan.goals.all()
        ],
    }


def _safeguards(case: Case) -> dict[str, Any]:
    return {
        "guardians": [
            {
                "appointing_institution": str(g.appointing_institution),
                "appointed_on": g.appointed_on.isoformat(),
                "ended_on": g.ended_on.isoformat() if g.ended_on else None,
            }
            for g in case.guardians.all()
        ],
        "best_interests": [
            {"assessed_on": b.assessed_on.isoformat(), "conclusion": b.conclusion}
            for b in case.best_interests.all()
        ],
    }


def build_payload(case: Case, sections: list[str]) -> dict[str, Any]:
    """The shared copy: one key per section, nothing else."""
    payload: dict[str, Any] = {}
    for section in sections:
        if section == SharedSection.PROFILE:
            payload[section] = _profile(case)
        elif section == SharedSection.EXPLOITATION:
            payload[section] = _exploitation(case)
        elif section in IDENTITY_SECTIONS:
            payload[section] = _identity(case, section)
        elif section == SharedSection.SCREENINGS:
            payload[section] = _screenings(case)
        elif section == SharedSection.SUPPORT_PLAN:
            payload[section] = _support(case)
        elif section == SharedSection.CHILD_SAFEGUARDS:
            payload[section] = _safeguards(case)
    return payload


def referral_create(
    *,
    actor: User,
    case: Case,
    to_institution: Institution,
    reason: str,
    purpose: str,
    sections: list[str] | None = None,
    respond_by: datetime.date | None = None,
    override_legal_basis: str = "",
    override_reason: str = "",
) -> CaseReferral:
    """Refer the case, sharing ``sections`` (the pseudonymous profile by default)."""
    require(actor, "refer", case)
    if not case.is_open:
        raise WrongState(_("A closed case cannot be referred; reopen it first."))
    if to_institution.pk == case.owner_institution_id or not to_institution.is_active:
        raise CaseInputError({"to_institution": _("Choose another, active institution.")})
    if reason not in ReferralReason.values:
        raise CaseInputError({"reason": _("Choose the reason for the referral.")})
    text = required_text("purpose", purpose)
    chosen = code_list("sections", sections or MINIMISED, SharedSection)
    if SharedSection.PROFILE not in chosen:
        chosen.insert(0, SharedSection.PROFILE.value)
    if IDENTITY_SECTIONS & set(chosen) and not allowed(actor, "read_identity", case):
        raise CaseInputError(
            {"sections": _("Only a team member who may read identity data can share it.")}
        )
    today = timezone.localdate()
    deadline = respond_by or today + datetime.timedelta(days=settings.FENER_REFERRAL_RESPONSE_DAYS)
    if deadline < today:
        raise CaseInputError({"respond_by": _("The deadline cannot be in the past.")})
    cross_border = to_institution.country != "MK"
    scope = ConsentScope.SHARING_ABROAD if cross_border else ConsentScope.SHARING_NATIONAL
    consent: Consent | None = active_consent(case, scope, today)
    basis = override_legal_basis.strip()
    if consent is None:
        if not basis and not override_reason.strip():
            raise ConsentRequired(
                _(
                    "There is no consent to sharing %(where)s on record. Record the person's "
                    "consent, or, where the law allows sharing without it, a user with that "
                    "right records the legal basis and the reason."
                )
                % {"where": _("abroad") if cross_border else _("with institutions in the country")}
            )
        require(actor, "override_consent", case)
        if not basis or not override_reason.strip():
            raise CaseInputError(
                {
                    "override_legal_basis": _(
                        "Give both the legal basis and the reason for sharing without consent."
                    )
                }
            )
    require_child_safeguards(case, _("Referral"))
    with transaction.atomic():
        referral = CaseReferral.objects.create(
            case=case,
            from_institution=case.owner_institution,
            to_institution=to_institution,
            cross_border=cross_border,
            reason=reason,
            purpose=text,
            shared_sections=chosen,
            payload=build_payload(case, chosen),
            consent=consent,
            override_by=actor if consent is None else None,
            override_legal_basis=basis[:200] if consent is None else "",
            override_reason=override_reason.strip()[:5000] if consent is None else "",
            respond_by=deadline,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="cases.referral_override" if consent is None else "cases.referral_create",
            target=case,
            after=audit_snapshot(referral),
        )
    return referral


def _transition(
    referral: CaseReferral, *, allowed_from: set[str], message: str, **fields: Any
) -> None:
    """Move the referral on only if it is still in one of ``allowed_from``: one conditional
    ``UPDATE``, so an answer racing a revocation can never bring the erased copy back."""
    written = CaseReferral.objects.filter(pk=referral.pk, status__in=allowed_from).update(**fields)
    if written != 1:
        raise WrongState(message)
    for name, value in fields.items():
        setattr(referral, name, value)


def referral_respond(
    *, actor: User, referral: CaseReferral, accept: bool, note: str = ""
) -> CaseReferral:
    """The receiving institution accepts or rejects a pending referral (rejecting erases the
    shared copy and the purpose, which may describe the person)."""
    # Whoever may see the referral learns why an answer is refused (answered twice, revoked)
    # rather than a bare "forbidden": the policy itself refuses answers to closed referrals.
    require(actor, "view", referral)
    answered = _("This referral has already been answered or withdrawn.")
    if referral.status != ReferralStatus.PENDING:
        raise WrongState(answered)
    require(actor, "respond", referral)
    if not accept and not note.strip():
        raise CaseInputError({"note": _("Say why the referral is rejected.")})
    fields: dict[str, Any] = {
        "status": ReferralStatus.ACCEPTED if accept else ReferralStatus.REJECTED,
        "responded_by": actor,
        "responded_at": timezone.now(),
        "response_note": note.strip()[:5000],
    }
    if not accept:
        fields.update(payload=None, purpose="")
    with transaction.atomic():
        before = audit_snapshot(referral)
        _transition(referral, allowed_from={ReferralStatus.PENDING}, message=answered, **fields)
        audit_record(
            actor=actor,
            action="cases.referral_accept" if accept else "cases.referral_reject",
            target=referral,
            before=before,
            after=audit_snapshot(referral),
        )
    return referral


def referral_complete(*, actor: User, referral: CaseReferral, note: str = "") -> CaseReferral:
    """The receiving institution reports the referred service as given."""
    require(actor, "view", referral)
    only_accepted = _("Only an accepted referral can be completed.")
    if referral.status != ReferralStatus.ACCEPTED:
        raise WrongState(only_accepted)
    require(actor, "respond", referral)
    fields: dict[str, Any] = {"status": ReferralStatus.COMPLETED, "completed_at": timezone.now()}
    if note.strip():
        fields["response_note"] = note.strip()[:5000]
    with transaction.atomic():
        before = audit_snapshot(referral)
        _transition(
            referral, allowed_from={ReferralStatus.ACCEPTED}, message=only_accepted, **fields
        )
        audit_record(
            actor=actor,
            action="cases.referral_complete",
            target=referral,
            before=before,
            after=audit_snapshot(referral),
        )
    return referral


def referral_revoke(*, actor: User, referral: CaseReferral, reason: str) -> CaseReferral:
    """The sending side withdraws a referral: the receiver loses the shared copy and the
    purpose at once. The reason is kept encrypted with the referral (not in the audit log)."""
    require(actor, "view", referral)
    open_statuses: set[str] = {ReferralStatus.PENDING, ReferralStatus.ACCEPTED}
    not_open = _("Only a pending or accepted referral can be revoked.")
    if referral.status not in open_statuses:
        raise WrongState(not_open)
    require(actor, "revoke", referral)
    text = required_text("reason", reason)
    with transaction.atomic():
        before = audit_snapshot(referral)
        _transition(
            referral,
            allowed_from=open_statuses,
            message=not_open,
            status=ReferralStatus.REVOKED,
            revoked_at=timezone.now(),
            payload=None,
            purpose="",
            revoke_reason=text[:5000],
        )
        audit_record(
            actor=actor,
            action="cases.referral_revoke",
            target=referral,
            before=before,
            after=audit_snapshot(referral),
        )
    return referral
