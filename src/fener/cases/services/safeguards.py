"""Child safeguards: a guardian and a best-interests assessment before key decisions on a child,
and the records of consent and domestic-violence protection measures."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.cases.models import (
    BestInterestsAssessment,
    Case,
    Consent,
    GuardianAppointment,
    ProtectionMeasure,
)
from fener.cases.services.errors import CaseInputError, SafeguardMissing, WrongState
from fener.cases.services.state import lock_writable, require_writable
from fener.cases.services.validation import not_in_future, required_text
from fener.cases.vocabulary import ConsentScope
from fener.core.access import require
from fener.core.audit import audit_record, audit_snapshot
from fener.core.models import Institution, User


def require_child_safeguards(case: Case, decision: str) -> None:
    """Refuse a key decision on a child without an active guardian and a best-interests
    assessment made since the guardian's appointment. ``decision`` names it in the message."""
    if not case.is_child:
        return
    guardian = case.guardians.filter(ended_on__isnull=True).order_by("-appointed_on").first()
    if guardian is None:
        raise SafeguardMissing(
            _("%(decision)s: this person is a child. Record the guardian's appointment first.")
            % {"decision": decision}
        )
    if not case.best_interests.filter(assessed_on__gte=guardian.appointed_on).exists():
        raise SafeguardMissing(
            _(
                "%(decision)s: this person is a child. Record a best-interests assessment "
                "(made since the guardian was appointed) first."
            )
            % {"decision": decision}
        )


def guardian_appoint(
    *,
    actor: User,
    case: Case,
    appointing_institution: Institution,
    appointed_on: datetime.date,
    guardian: User | None = None,
    guardian_name: str = "",
) -> GuardianAppointment:
    """Record a guardian's appointment (ending the previous one)."""
    require(actor, "change", case)
    require_writable(case)
    if not case.is_child:
        raise WrongState(_("A guardian is appointed for a child; this person is an adult."))
    not_in_future("appointed_on", appointed_on, timezone.localdate())
    if guardian is None and not guardian_name.strip():
        raise CaseInputError({"guardian_name": _("Name the guardian or choose their account.")})
    with transaction.atomic():
        lock_writable(case)  # two appointments at the same moment: one after the other
        for previous in case.guardians.filter(ended_on__isnull=True):
            previous.ended_on = max(appointed_on, previous.appointed_on)
            previous.save(update_fields=["ended_on"])
        appointment = GuardianAppointment.objects.create(
            case=case,
            guardian=guardian,
            guardian_name=guardian_name.strip()[:200],
            appointing_institution=appointing_institution,
            appointed_on=appointed_on,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="cases.guardian_appoint",
            target=case,
            after=audit_snapshot(appointment),
        )
    return appointment


def best_interests_record(
    *,
    actor: User,
    case: Case,
    assessed_on: datetime.date,
    conclusion: str,
    child_heard: bool,
) -> BestInterestsAssessment:
    """Record a best-interests assessment of a child."""
    require(actor, "change", case)
    require_writable(case)
    if not case.is_child:
        raise WrongState(
            _("A best-interests assessment is made for a child; this person is an adult.")
        )
    not_in_future("assessed_on", assessed_on, timezone.localdate())
    text = required_text("conclusion", conclusion)
    with transaction.atomic():
        assessment = BestInterestsAssessment.objects.create(
            case=case,
            assessed_on=assessed_on,
            assessor=actor,
            child_heard=child_heard,
            conclusion=text,
        )
        audit_record(
            actor=actor,
            action="cases.best_interests_record",
            target=case,
            after=audit_snapshot(assessment),
        )
    return assessment


def protection_measure_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    issued_by: Institution,
    issued_on: datetime.date,
    expires_on: datetime.date | None = None,
    reference: str = "",
) -> ProtectionMeasure:
    """Link a domestic-violence protection measure to the case (Istanbul Convention)."""
    require(actor, "change", case)
    require_writable(case)
    if kind not in ProtectionMeasure.Kind.values:
        raise CaseInputError({"kind": _("Choose a kind of protection measure.")})
    not_in_future("issued_on", issued_on, timezone.localdate())
    if expires_on is not None and expires_on < issued_on:
        raise CaseInputError({"expires_on": _("A measure cannot expire before it is issued.")})
    with transaction.atomic():
        measure = ProtectionMeasure.objects.create(
            case=case,
            kind=kind,
            issued_by=issued_by,
            issued_on=issued_on,
            expires_on=expires_on,
            reference=reference.strip()[:200],
            recorded_by=actor,
        )
        if not case.domestic_violence_related:
            Case.objects.filter(pk=case.pk).update(domestic_violence_related=True)
            case.domestic_violence_related = True
        audit_record(
            actor=actor,
            action="cases.protection_measure_record",
            target=case,
            after=audit_snapshot(measure),
        )
    return measure


def consent_record(
    *,
    actor: User,
    case: Case,
    scope: str,
    method: str,
    given_on: datetime.date,
) -> Consent:
    """Record that the person (or a child's guardian) consented to ``scope``."""
    require(actor, "change", case)
    require_writable(case)
    if scope not in ConsentScope.values:
        raise CaseInputError({"scope": _("Choose what the consent covers.")})
    if method not in Consent.Method.values:
        raise CaseInputError({"method": _("Choose how the consent was given.")})
    if case.is_child and method != Consent.Method.GUARDIAN:
        raise CaseInputError(
            {"method": _("For a child, consent is given by the appointed guardian.")}
        )
    if (
        method == Consent.Method.GUARDIAN
        and not case.guardians.filter(ended_on__isnull=True).exists()
    ):
        raise SafeguardMissing(_("Consent by a guardian needs an appointed guardian on record."))
    not_in_future("given_on", given_on, timezone.localdate())
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case, scope=scope, method=method, given_on=given_on, recorded_by=actor
        )
        audit_record(
            actor=actor, action="cases.consent_record", target=case, after=audit_snapshot(consent)
        )
    return consent


def consent_withdraw(*, actor: User, consent: Consent, withdrawn_on: datetime.date) -> Consent:
    """Record that consent was withdrawn; referrals made under it stay as they were."""
    require(actor, "change", consent.case)
    require_writable(consent.case, closed_too=True)
    if consent.withdrawn_on is not None:
        raise WrongState(_("This consent was already withdrawn."))
    if withdrawn_on < consent.given_on:
        raise CaseInputError(
            {"withdrawn_on": _("Consent cannot be withdrawn before it was given.")}
        )
    not_in_future("withdrawn_on", withdrawn_on, timezone.localdate())
    with transaction.atomic():
        before = audit_snapshot(consent)
        if not Consent.objects.filter(pk=consent.pk, withdrawn_on__isnull=True).update(
            withdrawn_on=withdrawn_on
        ):
            raise WrongState(_("This consent was already withdrawn."))
        consent.withdrawn_on = withdrawn_on
        audit_record(
            actor=actor,
            action="cases.consent_withdraw",
            target=consent.case,
            before=before,
            after=audit_snapshot(consent),
        )
        if consent.scope == ConsentScope.SHARING_ABROAD:
            _end_memberships_abroad(actor, consent.case, withdrawn_on)
    return consent


def _end_memberships_abroad(actor: User, case: Case, on: datetime.date) -> None:
    """Without consent to sharing abroad, members from institutions abroad lose the case."""
    if active_consent(case, ConsentScope.SHARING_ABROAD, on) is not None:
        return  # another consent to sharing abroad is still in force
    abroad = case.team.filter(removed_at__isnull=True).exclude(user__institution__country="MK")
    ended = list(abroad.values_list("user__username", flat=True))
    if ended:
        abroad.update(removed_at=timezone.now())
        audit_record(
            actor=actor,
            action="cases.team_remove_abroad",
            target=case,
            after={"members": ended, "reason": "consent to sharing abroad withdrawn"},
        )


def active_consent(case: Case, scope: str, on: datetime.date) -> Consent | None:
    """The consent to ``scope`` in force on ``on``, if any. For a child only the guardian's
    counts (a consent recorded before the person was known to be a child does not)."""
    consents = case.consents.all()
    if case.is_child:
        consents = consents.filter(method=Consent.Method.GUARDIAN)
    return (
        consents.filter(scope=scope, given_on__lte=on)
        .exclude(withdrawn_on__lte=on)
        .order_by("-given_on")
        .first()
    )
