"""Identification screening pages: record an interview against the indicators, read the advice.

The advice is the engine's (``fener.analytics.identification``); the page says plainly that it
never decides the status, and links to the status decision where a person decides.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fener.analytics.identification import (
    ADVICE_NOTICE,
    DIMENSIONS,
    FORCED_LABOUR_INDICATORS,
    INDICATOR_SETS,
    IndicatorSet,
    choose_set,
)
from fener.cases import selectors
from fener.cases.models import Case, Screening
from fener.cases.policies import sees_case_text
from fener.cases.services.errors import CaseInputError, ConsentRequired, WrongState
from fener.cases.services.screening import screening_record
from fener.core.access import NotFound, allowed
from fener.core.http import AuthenticatedHttpRequest

ANSWER_CHOICES = (
    ("present", gettext_noop("Present")),
    ("absent", gettext_noop("Absent")),
    ("unknown", gettext_noop("Not known")),
)
STRENGTH_LABELS = {
    "strong": gettext_noop("Strong"),
    "medium": gettext_noop("Medium"),
    "weak": gettext_noop("Weak"),
}
RECOMMENDATION_LABELS = {
    "strong_indication": gettext_noop(
        "Strong indication of trafficking: consider the status “presumed victim” and refer for formal identification"
    ),
    "further_assessment": gettext_noop("Some indicators present: assess further"),
    "insufficient_indication": gettext_noop("Not enough indication from this interview"),
}


def _default_set(case: Case) -> str:
    forms = set(case.exploitation_forms.values_list("code", flat=True))
    exploitation = "sexual" if "sexual_exploitation" in forms else "labour"
    return choose_set(is_child=case.is_child, exploitation=exploitation)


def _grouped(chosen: IndicatorSet, answers: dict[str, str]) -> list[dict[str, Any]]:
    groups = []
    for dimension, label in DIMENSIONS.items():
        indicators = [
            {
                "code": indicator.code,
                "label": _(indicator.label),
                "strength": indicator.strength,
                "strength_label": _(STRENGTH_LABELS.get(indicator.strength or "", "")),
                "answer": answers.get(indicator.code, "unknown"),
            }
            for indicator in chosen.in_dimension(dimension)
        ]
        if indicators:
            groups.append({"code": dimension, "label": _(label), "indicators": indicators})
    return groups


def _forced_labour(answers: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "code": indicator.code,
            "label": _(indicator.label),
            "question": _(indicator.question) if indicator.question else "",
            "answer": answers.get(indicator.code, "unknown"),
        }
        for indicator in FORCED_LABOUR_INDICATORS
    ]


def _answers_from(post: Any, prefix: str, codes: list[str]) -> dict[str, str]:
    return {code: post.get(f"{prefix}{code}", "unknown") for code in codes}


@login_required
def screening_new(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(request.user, code, "change")
    set_code = request.POST.get("indicator_set") or request.GET.get("set") or _default_set(case)
    if set_code not in INDICATOR_SETS:
        set_code = _default_set(case)
    chosen = INDICATOR_SETS[set_code]
    answers: dict[str, str] = {}
    forced: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    values = {
        "interviewed_on": timezone.localdate().isoformat(),
        "interpreter_used": False,
        "notes": "",
    }
    if request.method == "POST":
        answers = _answers_from(request.POST, "ind_", list(chosen.codes))
        forced = _answers_from(request.POST, "fl_", [i.code for i in FORCED_LABOUR_INDICATORS])
        values = {
            "interviewed_on": request.POST.get("interviewed_on", ""),
            "interpreter_used": request.POST.get("interpreter_used") == "on",
            "notes": request.POST.get("notes", ""),
        }
        try:
            interviewed_on = datetime.date.fromisoformat(str(values["interviewed_on"]))
        except ValueError:
            errors["interviewed_on"] = [_("Give the date of the interview (YYYY-MM-DD).")]
        else:
            try:
                screening = screening_record(
                    actor=request.user,
                    case=case,
                    indicator_set=set_code,
                    interviewed_on=interviewed_on,
                    answers=answers,
                    forced_labour_answers=forced,
                    interpreter_used=bool(values["interpreter_used"]),
                    notes=str(values["notes"]),
                )
            except CaseInputError as error:
                errors = error.message_dict
            except (ConsentRequired, WrongState) as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The screening was recorded."))
                return redirect("cases:screening_detail", code=case.code, pk=screening.pk)
    return render(
        request,
        "cases/screening/screening_new.html",
        {
            "case": case,
            "set_code": set_code,
            "sets": [(code, _(s.label)) for code, s in INDICATOR_SETS.items()],
            "chosen_label": _(chosen.label),
            "groups": _grouped(chosen, answers),
            "forced_labour": _forced_labour(forced),
            "answer_choices": [(value, _(label)) for value, label in ANSWER_CHOICES],
            "values": values,
            "errors": errors,
            "advice_notice": _(ADVICE_NOTICE),
        },
        status=400 if errors else 200,
    )


def explanation_lines(result: dict[str, Any]) -> list[str]:
    """The stored explanation in the reader's language (template translated, then filled)."""
    lines = []
    for template, params in result.get("explanation", []):
        try:
            lines.append(_(template).format(**params))
        except (KeyError, IndexError, ValueError):
            lines.append(template.format(**params))
    return lines


@login_required
def screening_detail(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, code, "view")
    screening: Screening | None = case.screenings.filter(pk=pk).first()
    if screening is None:
        raise NotFound()
    chosen = INDICATOR_SETS.get(screening.indicator_set)
    labels = {i.code: i for i in chosen.indicators} if chosen else {}
    dimensions = [
        {
            **row,
            "label": _(DIMENSIONS.get(row["dimension"], row["dimension"])),
            "present_labels": [
                f"{_(labels[c].label)} ({_(STRENGTH_LABELS.get(labels[c].strength or '', ''))})"
                for c in row["present"]
                if c in labels
            ],
        }
        for row in screening.result.get("dimensions", [])
    ]
    forced = {i.code: i for i in FORCED_LABOUR_INDICATORS}
    return render(
        request,
        "cases/screening/screening_detail.html",
        {
            "case": case,
            "screening": screening,
            "set_label": _(chosen.label) if chosen else screening.indicator_set,
            "recommendation": _(
                RECOMMENDATION_LABELS.get(screening.recommendation, screening.recommendation)
            ),
            "dimensions": dimensions,
            "explanation": explanation_lines(screening.result),
            "forced_labour_present": [
                _(forced[c].label)
                for c in screening.result.get("forced_labour_present", [])
                if c in forced
            ],
            "advice_notice": _(ADVICE_NOTICE),
            "may_decide": allowed(request.user, "change", case) and case.is_open,
            # The interviewer's notes are free text: for the team only.
            "sees_text": sees_case_text(request.user, case),
        },
    )
