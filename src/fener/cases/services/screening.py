"""Recording an identification interview and the engine's advice on it."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.analytics.identification import (
    INDICATOR_SETS,
    Assessment,
    InvalidAnswers,
    UnknownIndicatorSet,
    assess,
)
from fener.cases.models import Case, Consent, Screening
from fener.cases.services.errors import CaseInputError, ConsentRequired, WrongState
from fener.cases.services.safeguards import active_consent
from fener.cases.services.validation import not_in_future
from fener.cases.vocabulary import ConsentScope
from fener.core.access import require
from fener.core.audit import audit_record, audit_snapshot
from fener.core.models import User


def result_json(assessment: Assessment) -> dict[str, Any]:
    """What is kept of the advice: enough to show it again exactly as it was given."""
    return {
        "recommendation": assessment.recommendation,
        "rule_met": assessment.rule_met,
        "answered": assessment.answered,
        "unknown": assessment.unknown,
        "dimensions": [
            {
                "dimension": d.dimension,
                "positive": d.positive,
                "strong": d.strong,
                "medium": d.medium,
                "weak": d.weak,
                "present": [i.code for i in d.present],
            }
            for d in assessment.dimensions
        ],
        "explanation": [[line.template, dict(line.params)] for line in assessment.explanation],
        "forced_labour_present": [i.code for i in assessment.forced_labour_present],
    }


def screening_record(
    *,
    actor: User,
    case: Case,
    indicator_set: str,
    interviewed_on: datetime.date,
    answers: dict[str, str],
    forced_labour_answers: dict[str, str] | None = None,
    interpreter_used: bool = False,
    notes: str = "",
) -> Screening:
    """Record a screening interview; the person must have agreed to the interview (for a
    child, through the guardian)."""
    require(actor, "change", case)
    if not case.is_open:
        raise WrongState(_("A closed case cannot be changed; reopen it first."))
    not_in_future("interviewed_on", interviewed_on, timezone.localdate())
    if interviewed_on < case.registered_on - datetime.timedelta(days=365):
        raise CaseInputError({"interviewed_on": _("The date is long before the case was opened.")})
    if indicator_set not in INDICATOR_SETS:
        raise CaseInputError({"indicator_set": _("Choose one of the indicator sets.")})
    consent: Consent | None = active_consent(case, ConsentScope.INTERVIEW, interviewed_on)
    if consent is None:
        raise ConsentRequired(
            _(
                "Record the person's consent to the identification interview (for a child, "
                "the guardian's) before recording the screening."
            )
        )
    try:
        assessment = assess(indicator_set, answers, forced_labour_answers or {})
    except (InvalidAnswers, UnknownIndicatorSet) as error:
        raise CaseInputError({"answers": str(error)}) from None
    with transaction.atomic():
        screening = Screening.objects.create(
            case=case,
            indicator_set=indicator_set,
            interviewed_on=interviewed_on,
            interviewer=actor,
            interpreter_used=interpreter_used,
            answers=dict(answers),
            forced_labour_answers=dict(forced_labour_answers or {}),
            recommendation=assessment.recommendation,
            result=result_json(assessment),
            notes=notes.strip()[:10000],
        )
        audit_record(
            actor=actor,
            action="cases.screening_record",
            target=case,
            after=audit_snapshot(screening),
        )
    return screening
