"""Retention: after the schedule set by ``FENER_CASE_RETENTION``, a closed case's identity data
are erased and the case is kept only in anonymised form.

What is erased: the identity record, documents and photos, perpetrators' names, phones,
accounts and details, every encrypted free text (notes, reasons, conclusions, objectives,
goal descriptions, follow-up notes, referral purposes and copies, guardian names), the exact
ages (replaced by their CTDC band's lower bound) and the municipality. What stays: the
pseudonymous profile in generalised form, the statuses with their dates and institutions,
the structure of the support given (domains, services, outcomes), for statistics.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from fener.cases.fields import EncryptedBinaryField, EncryptedJSONField, EncryptedTextField
from fener.cases.models import (
    BestInterestsAssessment,
    Case,
    CaseNote,
    CaseReferral,
    FollowUp,
    GuardianAppointment,
    IdentityDocument,
    IdentityRecord,
    Perpetrator,
    ProtectionMeasure,
    Screening,
    StatusDecision,
    SupportGoal,
    SupportPlan,
)
from fener.cases.vocabulary import CaseStatus, ReferralStatus, age_band
from fener.core.audit import audit_record

_BAND_FLOOR = {
    "0-8": 0,
    "9-17": 9,
    "18-20": 18,
    "21-23": 21,
    "24-26": 24,
    "27-29": 27,
    "30-38": 30,
    "39-47": 39,
    "48+": 48,
}


@dataclass(frozen=True)
class RetentionResult:
    anonymised: list[str]


def _generalised_age(age: int | None) -> int | None:
    return None if age is None else _BAND_FLOOR.get(age_band(age))


# How each model with encrypted values reaches its case (the rest of the app's models either
# are the case, are deleted whole, or hold no encrypted value: a test checks the list).
CASE_PATHS: dict[type[models.Model], str] = {
    Perpetrator: "case",
    Screening: "case",
    StatusDecision: "case",
    BestInterestsAssessment: "case",
    GuardianAppointment: "case",
    ProtectionMeasure: "case",
    SupportPlan: "case",
    SupportGoal: "plan__case",
    FollowUp: "case",
    CaseReferral: "case",
}
DELETED = (IdentityRecord, IdentityDocument, CaseNote)


# Other modules that keep copies of a case's identity data (the network module keeps suspected
# perpetrators' names, phones and accounts) register a function that erases them; it runs in
# the anonymisation's transaction. An explicit list, called by this service, not a signal.
ERASURE_HOOKS: list[Callable[[Case], None]] = []


def register_erasure_hook(hook: Callable[[Case], None]) -> None:
    """Have ``hook(case)`` run whenever a case is anonymised (idempotent registration)."""
    if hook not in ERASURE_HOOKS:
        ERASURE_HOOKS.append(hook)


def _blank(field: models.Field[Any, Any]) -> Any:
    return None if field.null else ""


def erase_encrypted_values(case: Case) -> None:
    """Blank every encrypted value of every record of the case (found from the model fields,
    so a new encrypted field is erased without being listed here)."""
    for model, path in CASE_PATHS.items():
        fields = {
            field.name: _blank(field)
            for field in model._meta.fields
            if isinstance(field, EncryptedTextField | EncryptedJSONField | EncryptedBinaryField)
        }
        model._default_manager.filter(**{path: case}).update(**fields)


def case_anonymise(case: Case) -> None:
    """Erase the identity data of one case (in the caller's transaction) and audit it."""
    for model in DELETED:
        model._default_manager.filter(case=case).delete()
    erase_encrypted_values(case)
    for hook in ERASURE_HOOKS:
        hook(case)
    # Open referrals end with the case's data: no empty referral waits for an answer.
    CaseReferral.objects.filter(
        case=case, status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED]
    ).update(status=ReferralStatus.REVOKED, revoked_at=timezone.now())
    Case.objects.filter(pk=case.pk).update(
        closure_note="",
        age_at_registration=_generalised_age(case.age_at_registration),
        age_when_trafficked=_generalised_age(case.age_when_trafficked),
        municipality=None,
        exploitation_municipality=None,
        anonymised_at=timezone.now(),
    )
    audit_record(
        actor=None,
        action="cases.anonymise",
        target=case,
        after={
            "retention_until": case.retention_until.isoformat() if case.retention_until else None
        },
        purpose="retention schedule",
    )


def retention_apply(*, today: datetime.date | None = None) -> RetentionResult:
    """Anonymise every closed case whose retention date has passed (each in its own
    transaction, so one failure leaves the others done and itself untouched)."""
    today = today or timezone.localdate()
    due = Case.objects.filter(
        status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED],
        anonymised_at__isnull=True,
        retention_until__lte=today,
    ).order_by("retention_until", "id")
    done: list[str] = []
    for case in due:
        with transaction.atomic():
            locked = (
                Case.objects.select_for_update()
                .filter(pk=case.pk, anonymised_at__isnull=True, retention_until__lte=today)
                .first()
            )
            if locked is None or locked.is_open:
                continue
            case_anonymise(locked)
            done.append(locked.code)
    return RetentionResult(anonymised=done)
